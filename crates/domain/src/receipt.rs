//! The receipt (kassakvitto) as SKVFS 2014:9 7 kap. 1 § asks (DOMAIN.md §2), built from the
//! registered sale and the store identity, and rendered as fixed-width Swedish text.
//!
//! Fields covered here: 1 company and org number, 2 address, 3 date and time, 4 receipt
//! number, 5 register designation, 6 item names and quantities, 8 price per line and total,
//! 9 VAT amount, 10 VAT per rate, 11 payment methods. Field 12 (control unit number) arrives
//! with the control unit; until then the receipt says that none is connected.

use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{Discount, DiscountKind, SoldBy};
use crate::money::Money;
use crate::sale::Sale;
use crate::store::StoreIdentity;
use crate::vat::VatLine;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiptLine {
    pub name: String,
    /// e.g. `2 st à 18,95` or `1,234 kg à 29,90/kg`; empty for a single piece.
    pub detail: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiptPayment {
    pub label: String,
    pub amount: Money,
    pub tendered: Money,
    pub change: Money,
    /// Card authorisation, Swish payment id or voucher code.
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Receipt {
    pub company_name: String,
    pub org_number: String,
    pub address: String,
    pub register_id: String,
    #[ts(type = "number")]
    pub receipt_no: i64,
    /// Local time of the store, `YYYY-MM-DD HH:MM:SS`.
    pub date_time: String,
    pub lines: Vec<ReceiptLine>,
    pub total: Money,
    pub rounding: Money,
    pub vat: Vec<VatLine>,
    pub vat_total: Money,
    pub payments: Vec<ReceiptPayment>,
    /// The control unit's manufacturing number, once one is connected.
    pub control_unit: Option<String>,
    /// Who served the customer.
    pub cashier: String,
}

/// `10 % (Skadad förpackning)` or `5,00 kr (Kampanj)`.
fn discount_text(d: &Discount) -> String {
    match d.kind {
        DiscountKind::Percent => format!("{} % ({})", sv_decimal(d.value), d.reason),
        DiscountKind::Amount => format!("{} kr ({})", Money::round_ore(d.value).to_swedish(), d.reason),
    }
}

fn sv_decimal(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

impl Receipt {
    pub fn new(store: &StoreIdentity, sale: &Sale, tz: &TimeZone) -> Receipt {
        let mut lines = sale
            .lines
            .iter()
            .flat_map(|pl| {
                let l = &pl.line;
                let detail = match l.sold_by {
                    SoldBy::Weight if l.quantity != Decimal::ONE || l.unit_price != l.line_total => {
                        format!("{} kg à {}/kg", sv_decimal(l.quantity), l.unit_price.to_swedish())
                    }
                    _ if l.quantity != Decimal::ONE => {
                        format!("{} st à {}", sv_decimal(l.quantity), l.unit_price.to_swedish())
                    }
                    _ => String::new(),
                };
                let mut out = vec![ReceiptLine { name: l.name.clone(), detail, amount: l.line_total }];
                if let Some(d) = &l.discount {
                    out.push(ReceiptLine {
                        name: format!("  Rabatt {}", discount_text(d)),
                        detail: String::new(),
                        amount: -pl.discount_amount,
                    });
                }
                out
            })
            .collect::<Vec<_>>();
        if let Some(d) = &sale.sale_discount {
            let amount: Money = sale.lines.iter().map(|l| l.sale_discount_share).sum();
            lines.push(ReceiptLine {
                name: format!("Rabatt på köpet {}", discount_text(d)),
                detail: String::new(),
                amount: -amount,
            });
        }
        Receipt {
            company_name: store.company_name.clone(),
            org_number: store.org_number.as_str().to_string(),
            address: store.address.clone(),
            register_id: sale.register_id.clone(),
            receipt_no: sale.receipt_no,
            date_time: sale
                .completed_at
                .to_zoned_datetime(tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string(),
            lines,
            total: sale.total,
            rounding: sale.rounding,
            vat_total: sale.vat.iter().map(|v| v.vat).sum(),
            vat: sale.vat.clone(),
            payments: sale
                .tenders
                .iter()
                .map(|t| ReceiptPayment {
                    label: t.receipt_label(),
                    amount: t.amount,
                    tendered: t.tendered,
                    change: t.change,
                    reference: t.reference.clone(),
                })
                .collect(),
            control_unit: None,
            cashier: sale.cashier.name.clone(),
        }
    }

    /// Fixed-width text for a 42-column receipt printer or a terminal.
    pub fn render_text(&self) -> String {
        const W: usize = 42;
        let mut out = String::new();
        let center = |s: &str| format!("{:^W$}\n", s);
        let row = |left: &str, right: &str| {
            let pad = W.saturating_sub(left.chars().count() + right.chars().count()).max(1);
            format!("{left}{}{right}\n", " ".repeat(pad))
        };
        let rule = format!("{}\n", "-".repeat(W));
        out += &center(&self.company_name);
        out += &center(&format!("Org.nr {}", self.org_number));
        out += &center(&self.address);
        out += &rule;
        out += &row("Kvitto nr", &self.receipt_no.to_string());
        out += &row("Kassa", &self.register_id);
        out += &row("Datum", &self.date_time);
        out += &row("Kassör", &self.cashier);
        out += &rule;
        for l in &self.lines {
            out += &row(&l.name, &l.amount.to_swedish());
            if !l.detail.is_empty() {
                out += &format!("  {}\n", l.detail);
            }
        }
        out += &rule;
        out += &row("TOTALT", &format!("{} kr", self.total.to_swedish()));
        if !self.rounding.is_zero() {
            out += &row("Öresavrundning", &self.rounding.to_swedish());
            out += &row("Att betala", &format!("{} kr", (self.total + self.rounding).to_swedish()));
        }
        for p in &self.payments {
            out += &row(&p.label, &p.tendered.to_swedish());
            if let Some(r) = &p.reference {
                out += &format!("  Ref {r}\n");
            }
            if !p.change.is_zero() {
                out += &row("Växel", &p.change.to_swedish());
            }
        }
        out += &rule;
        out += &row("Moms %", "Moms      Netto     Brutto");
        for v in &self.vat {
            let rate = sv_decimal(v.rate_percent);
            out += &row(
                &rate,
                &format!("{:>8} {:>10} {:>10}", v.vat.to_swedish(), v.net.to_swedish(), v.gross.to_swedish()),
            );
        }
        out += &row("Summa moms", &self.vat_total.to_swedish());
        out += &rule;
        match &self.control_unit {
            Some(cu) => out += &row("Kontrollenhet", cu),
            None => out += &center("Ingen kontrollenhet ansluten"),
        }
        out += &center("Tack för besöket!");
        out
    }
}
