//! The receipt (kassakvitto) as SKVFS 2014:9 7 kap. 1 § asks (DOMAIN.md §2), built from the
//! registration and the store identity, and rendered as fixed-width Swedish text (the screen
//! and the printer), and as HTML and PDF in `receipt_doc.rs`.
//!
//! Fields: 1 company and org number, 2 address, 3 date and time, 4 receipt number, 5 register
//! designation, 6 item names and quantities (7 services: the till sells none apart from
//! catering, which prints like goods), 8 price per line and total, 9 VAT amount, 10 VAT per
//! rate, 11 payment methods, 12 the control unit's manufacturing number (and the control code),
//! 13 "elektroniskt kassakvitto" on an electronic receipt.
//!
//! Copies, training and pro forma receipts carry "KOPIA" / "ÖVNINGSKVITTO" / "EJ KVITTO"
//! ([`Receipt::marks`]); every rendering prints them at least twice the size of the amounts,
//! and nothing can turn them off.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{Discount, DiscountKind, PricedLine, SoldBy};
use crate::control::Control;
use crate::money::Money;
use crate::returns::Return;
use crate::sale::{ProForma, Sale, Tender};
use crate::store::StoreIdentity;
use crate::vat::VatLine;

/// What the receipt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    Sale,
    Return,
    Training,
    ProForma,
}

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
    /// How the receipt stands with the control unit: its number and code, or not registered.
    pub control: Option<Control>,
    /// Who served the customer.
    pub cashier: String,
    pub kind: ReceiptKind,
    /// The one copy ("KOPIA").
    pub copy: bool,
    /// Handed over as a file, not on paper (field 13).
    pub electronic: bool,
    /// For a return: the receipt it returns against.
    #[ts(type = "number | null")]
    pub original_receipt_no: Option<i64>,
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

fn local(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

fn detail(sold_by: SoldBy, quantity: Decimal, unit_price: Money, amount: Money) -> String {
    match sold_by {
        SoldBy::Weight if quantity != Decimal::ONE || unit_price != amount => {
            format!("{} kg à {}/kg", sv_decimal(quantity), unit_price.to_swedish())
        }
        _ if quantity != Decimal::ONE => format!("{} st à {}", sv_decimal(quantity), unit_price.to_swedish()),
        _ => String::new(),
    }
}

/// The lines of a sale or pro forma: each item, its discount, then the discount on the whole.
fn priced_lines(lines: &[PricedLine], sale_discount: Option<&Discount>) -> Vec<ReceiptLine> {
    let mut out: Vec<ReceiptLine> = lines
        .iter()
        .flat_map(|pl| {
            let l = &pl.line;
            let mut out = vec![ReceiptLine {
                name: l.name.clone(),
                detail: detail(l.sold_by, l.quantity, l.unit_price, l.line_total),
                amount: l.line_total,
            }];
            if let Some(d) = &l.discount {
                out.push(ReceiptLine {
                    name: format!("  Rabatt {}", discount_text(d)),
                    detail: String::new(),
                    amount: -pl.discount_amount,
                });
            }
            out
        })
        .collect();
    if let Some(d) = sale_discount {
        let amount: Money = lines.iter().map(|l| l.sale_discount_share).sum();
        out.push(ReceiptLine {
            name: format!("Rabatt på köpet {}", discount_text(d)),
            detail: String::new(),
            amount: -amount,
        });
    }
    out
}

fn payments(tenders: &[Tender], sign: Money) -> Vec<ReceiptPayment> {
    let times = |m: Money| if sign.is_negative() { -m } else { m };
    tenders
        .iter()
        .map(|t| ReceiptPayment {
            label: t.receipt_label(),
            amount: times(t.amount),
            tendered: times(t.tendered),
            change: times(t.change),
            reference: t.reference.clone(),
        })
        .collect()
}

impl Receipt {
    fn blank(store: &StoreIdentity, register_id: &str, kind: ReceiptKind) -> Receipt {
        Receipt {
            company_name: store.company_name.clone(),
            org_number: store.org_number.as_str().to_string(),
            address: store.address.clone(),
            register_id: register_id.to_string(),
            receipt_no: 0,
            date_time: String::new(),
            lines: Vec::new(),
            total: Money::ZERO,
            rounding: Money::ZERO,
            vat: Vec::new(),
            vat_total: Money::ZERO,
            payments: Vec::new(),
            control: None,
            cashier: String::new(),
            kind,
            copy: false,
            electronic: false,
            original_receipt_no: None,
        }
    }

    /// The receipt of a sale (or, for a training sale, the övningskvitto).
    pub fn new(store: &StoreIdentity, sale: &Sale, tz: &TimeZone) -> Receipt {
        let kind = if sale.training { ReceiptKind::Training } else { ReceiptKind::Sale };
        Receipt {
            receipt_no: sale.receipt_no,
            date_time: local(sale.completed_at, tz),
            lines: priced_lines(&sale.lines, sale.sale_discount.as_ref()),
            total: sale.total,
            rounding: sale.rounding,
            vat_total: sale.vat.iter().map(|v| v.vat).sum(),
            vat: sale.vat.clone(),
            payments: payments(&sale.tenders, Money::ZERO),
            control: sale.control.clone(),
            cashier: sale.cashier.name.clone(),
            ..Receipt::blank(store, &sale.register_id, kind)
        }
    }

    /// The return receipt (RETUR): the same fields, amounts negative.
    pub fn for_return(store: &StoreIdentity, r: &Return, tz: &TimeZone) -> Receipt {
        let neg =
            |v: &VatLine| VatLine { rate_percent: v.rate_percent, gross: -v.gross, vat: -v.vat, net: -v.net };
        Receipt {
            receipt_no: r.receipt_no,
            date_time: local(r.returned_at, tz),
            lines: r
                .lines
                .iter()
                .map(|l| ReceiptLine {
                    name: l.name.clone(),
                    detail: detail(l.sold_by, l.quantity, l.unit_price, l.amount),
                    amount: -l.amount,
                })
                .collect(),
            total: -r.total,
            rounding: -r.rounding,
            vat: r.vat.iter().map(neg).collect(),
            vat_total: -r.vat.iter().map(|v| v.vat).sum::<Money>(),
            payments: payments(&r.refunds, -Money::from_ore(1)),
            control: r.control.clone(),
            cashier: r.cashier.name.clone(),
            original_receipt_no: Some(r.original_receipt_no),
            ..Receipt::blank(store, &r.register_id, ReceiptKind::Return)
        }
    }

    /// The pro forma receipt (EJ KVITTO) of a sale in progress.
    pub fn for_pro_forma(store: &StoreIdentity, p: &ProForma, tz: &TimeZone) -> Receipt {
        Receipt {
            receipt_no: p.pro_forma_no,
            date_time: local(p.at, tz),
            lines: priced_lines(&p.lines, None),
            total: p.total,
            vat_total: p.vat.iter().map(|v| v.vat).sum(),
            vat: p.vat.clone(),
            control: p.control.clone(),
            cashier: p.cashier.name.clone(),
            ..Receipt::blank(store, &p.register_id, ReceiptKind::ProForma)
        }
    }

    /// This receipt as its one copy, registered with the control unit as `control`.
    pub fn as_copy(mut self, control: Option<Control>) -> Receipt {
        self.copy = true;
        if control.is_some() {
            self.control = control;
        }
        self
    }

    /// The marks that must stand out, largest first: "KOPIA", "ÖVNINGSKVITTO", "EJ KVITTO".
    pub fn marks(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.copy {
            m.push("KOPIA");
        }
        match self.kind {
            ReceiptKind::Training => m.push("ÖVNINGSKVITTO"),
            ReceiptKind::ProForma => m.push("EJ KVITTO"),
            ReceiptKind::Return => m.push("RETUR"),
            ReceiptKind::Sale => {}
        }
        m
    }

    /// "Kvitto nr", "Övningskvitto nr" or "Proforma nr".
    pub fn number_label(&self) -> &'static str {
        match self.kind {
            ReceiptKind::Sale | ReceiptKind::Return => "Kvitto nr",
            ReceiptKind::Training => "Övningskvitto nr",
            ReceiptKind::ProForma => "Proforma nr",
        }
    }

    /// The control unit's part of the receipt (field 12), as printed.
    pub fn control_text(&self) -> Vec<(String, String)> {
        match &self.control {
            Some(Control::Registered { unit, code }) => {
                vec![("Kontrollenhet".into(), unit.clone()), ("Kontrollkod".into(), code.clone())]
            }
            Some(Control::NotRegistered { .. }) => vec![
                ("EJ REGISTRERAT I KONTROLLENHET".into(), String::new()),
                ("Kontrollenheten var ur funktion".into(), String::new()),
            ],
            None => vec![("Ingen kontrollenhet ansluten".into(), String::new())],
        }
    }

    /// Fixed-width text for a 42-column receipt printer or a terminal. Each mark is a line of
    /// its own (centred), at the top and at the bottom, so a printer can print it large.
    pub fn render_text(&self) -> String {
        const W: usize = 42;
        let mut out = String::new();
        let center = |s: &str| format!("{:^W$}\n", s);
        let row = |left: &str, right: &str| {
            let pad = W.saturating_sub(left.chars().count() + right.chars().count()).max(1);
            format!("{left}{}{right}\n", " ".repeat(pad))
        };
        let rule = format!("{}\n", "-".repeat(W));
        for m in self.marks() {
            out += &center(m);
        }
        out += &center(&self.company_name);
        out += &center(&format!("Org.nr {}", self.org_number));
        out += &center(&self.address);
        out += &rule;
        out += &row(self.number_label(), &self.receipt_no.to_string());
        if let Some(original) = self.original_receipt_no {
            out += &row("Retur av kvitto nr", &original.to_string());
        }
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
            let due = if self.kind == ReceiptKind::Return { "Att återbetala" } else { "Att betala" };
            out += &row(due, &format!("{} kr", (self.total + self.rounding).to_swedish()));
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
        for (l, r) in self.control_text() {
            if r.is_empty() {
                out += &center(&l);
            } else {
                out += &row(&l, &r);
            }
        }
        if self.electronic {
            out += &center("Elektroniskt kassakvitto");
        }
        if self.kind == ReceiptKind::Sale && !self.copy {
            out += &center("Tack för besöket!");
        }
        for m in self.marks() {
            out += &center(m);
        }
        out
    }
}
