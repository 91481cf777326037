//! X- and Z-dagrapport (SKVFS 2014:9 7 kap. 2 §, DOMAIN.md §2): the 22 items, from the tally
//! of the registrations since the last Z and the perpetual grand totals.
//!
//! An X can be taken at any time and changes nothing. A Z is taken once a day and closes it:
//! the next report counts from the Z on. Grand totals are never reset. Both are registrations
//! (kinds `x_report`, `z_report`) whose payload is this struct.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::Money;
use crate::staff::StaffRef;
use crate::tally::Tally;
use crate::vat::VatCategory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    X,
    Z,
}

impl ReportKind {
    /// The label the law asks for (item 3).
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::X => "X-dagrapport",
            ReportKind::Z => "Z-dagrapport",
        }
    }
}

/// Accumulated over the register's life; never reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GrandTotals {
    pub sales: Money,
    pub returns: Money,
    pub net: Money,
}

impl GrandTotals {
    pub fn after(self, t: &Tally) -> GrandTotals {
        let sales = self.sales + t.sales;
        let returns = self.returns + t.returns_amount;
        GrandTotals { sales, returns, net: sales - returns }
    }
}

/// A day report as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DayReport {
    pub kind: ReportKind,
    /// The Z number (1, 2, 3… per register); for an X, the number the next Z will get.
    #[ts(type = "number")]
    pub number: i64,
    pub company_name: String,
    pub org_number: String,
    pub register_id: String,
    /// When it was taken, local time `YYYY-MM-DD HH:MM:SS`.
    pub printed_at: String,
    /// The journal entries it covers: after the last Z, up to and including `to_seq`.
    #[ts(type = "number")]
    pub from_seq: i64,
    #[ts(type = "number")]
    pub to_seq: i64,
    pub tally: Tally,
    pub grand: GrandTotals,
    pub by: StaffRef,
}

/// One numbered item of the report, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportItem {
    pub no: u8,
    pub label: String,
    /// One row per value: (text, amount or count).
    pub rows: Vec<(String, String)>,
}

fn group_name(key: &str) -> String {
    match VatCategory::parse(key) {
        Some(VatCategory::Food) => "Livsmedel".into(),
        Some(VatCategory::Standard) => "Övriga varor".into(),
        Some(VatCategory::BooksPress) => "Böcker och press".into(),
        Some(VatCategory::Restaurant) => "Restaurang och catering".into(),
        None => key.to_string(),
    }
}

fn method_name(key: &str) -> String {
    crate::sale::TenderMethod::parse(key).map_or_else(|| key.to_string(), |m| m.receipt_label().to_string())
}

fn kr(m: Money) -> String {
    format!("{} kr", m.to_swedish())
}

fn count_amount(n: u64, m: Money) -> Vec<(String, String)> {
    vec![("Antal".into(), n.to_string()), ("Belopp".into(), kr(m))]
}

impl DayReport {
    /// The 22 items in the order of the regulation.
    pub fn items(&self) -> Vec<ReportItem> {
        let t = &self.tally;
        let item =
            |no: u8, label: &str, rows: Vec<(String, String)>| ReportItem { no, label: label.into(), rows };
        let one = |v: String| vec![(String::new(), v)];
        let per = |map: &std::collections::BTreeMap<String, Money>, name: fn(&str) -> String| {
            if map.is_empty() {
                vec![("–".to_string(), kr(Money::ZERO))]
            } else {
                map.iter().map(|(k, v)| (name(k), kr(*v))).collect()
            }
        };
        let vat = if t.vat.is_empty() {
            vec![("–".to_string(), kr(Money::ZERO))]
        } else {
            t.vat
                .iter()
                .rev()
                .map(|(rate, s)| {
                    (format!("Moms {} % (på {})", rate.replace('.', ","), s.gross.to_swedish()), kr(s.vat))
                })
                .collect()
        };
        vec![
            item(
                1,
                "Företag",
                vec![(self.company_name.clone(), String::new()), ("Org.nr".into(), self.org_number.clone())],
            ),
            item(2, "Utskriven", one(self.printed_at.clone())),
            item(3, "Rapport", one(format!("{} nr {}", self.kind.label(), self.number))),
            item(4, "Kassa", one(self.register_id.clone())),
            item(5, "Total försäljning", one(kr(t.sales))),
            item(6, "Försäljning per huvudgrupp", per(&t.groups, group_name)),
            item(7, "Moms per momssats", vat),
            item(8, "Växelkassa", one(kr(t.floats))),
            item(9, "Antal sålda varor", one(t.goods.to_string())),
            item(10, "Antal sålda tjänster", one(t.services.to_string())),
            item(11, "Antal kvitton", one(t.receipts.to_string())),
            item(
                12,
                "Antal lådöppningar",
                vec![
                    ("Totalt".into(), t.drawer_openings.to_string()),
                    ("varav utan köp".into(), t.no_sale_openings.to_string()),
                ],
            ),
            item(13, "Kopior", count_amount(t.copies, t.copies_amount)),
            item(14, "Övningskvitton", count_amount(t.training, t.training_amount)),
            item(15, "Försäljning per betalsätt", per(&t.methods, method_name)),
            item(16, "Returer", count_amount(t.returns, t.returns_amount)),
            item(17, "Rabatter", one(kr(t.discounts))),
            item(18, "Andra reduceringar", vec![("Öresavrundning".into(), kr(t.rounding))]),
            item(19, "Ej avslutade försäljningar", count_amount(t.unfinished, t.unfinished_amount)),
            item(20, "Grand total försäljning", one(kr(self.grand.sales))),
            item(21, "Grand total returer", one(kr(self.grand.returns))),
            item(22, "Grand total netto", one(kr(self.grand.net))),
        ]
    }

    /// Fixed-width text for a 42-column printer or the screen.
    pub fn render_text(&self) -> String {
        const W: usize = 42;
        let row = |left: &str, right: &str| {
            let pad = W.saturating_sub(left.chars().count() + right.chars().count()).max(1);
            format!("{left}{}{right}\n", " ".repeat(pad))
        };
        let rule = format!("{}\n", "-".repeat(W));
        let mut out = format!("{:^W$}\n", self.kind.label().to_uppercase());
        out += &rule;
        for it in self.items() {
            if it.rows.len() == 1 && it.rows[0].0.is_empty() {
                out += &row(&format!("{:>2} {}", it.no, it.label), &it.rows[0].1);
            } else {
                out += &format!("{:>2} {}\n", it.no, it.label);
                for (l, r) in &it.rows {
                    out += &row(&format!("     {l}"), r);
                }
            }
        }
        out += &rule;
        let extra = [
            (
                "Pro forma (EJ KVITTO)",
                format!("{} st, {}", self.tally.pro_forma, kr(self.tally.pro_forma_amount)),
            ),
            ("Borttagna rader", format!("{} st, {}", self.tally.voids, kr(self.tally.voids_amount))),
            ("Insättningar", kr(self.tally.paid_in)),
            ("Uttag", kr(self.tally.paid_out)),
            ("Kontant netto", kr(self.tally.cash)),
            // Paid and receipted in the chain's app: their own payment method, outside the
            // register's own sales above (docs/scan-and-pay.md).
            (
                "Scan & Pay (kvitto i appen)",
                format!("{} st, {}", self.tally.scan_and_pay, kr(self.tally.scan_and_pay_amount)),
            ),
        ];
        for (l, r) in extra {
            out += &row(l, &r);
        }
        if let (Some(a), Some(b)) = (self.tally.first_receipt, self.tally.last_receipt) {
            out += &row("Kvitton", &format!("nr {a}–{b}"));
        }
        out += &row("Journal", &format!("post {}–{}", self.from_seq, self.to_seq));
        out += &row("Tagen av", &self.by.name);
        out
    }
}
