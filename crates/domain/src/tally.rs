//! The tally: what one registration adds to the day's figures (DOMAIN.md §2, the 22 items of
//! the X- and Z-dagrapport). Tallies add up, so a report is the sum of the tallies of the
//! registrations since the last Z, and `journal verify` can recompute every tally from the
//! journal alone.
//!
//! Each journal entry gets its tally from its kind and payload ([`Tally::of`]) when it is
//! written; the stored tallies are a projection that the verifier checks against the journal.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::SoldBy;
use crate::cash::{CashMovement, MovementKind, ShiftOpened};
use crate::journal::EntryKind;
use crate::money::Money;
use crate::sale::{AbandonedSale, ProForma, ReceiptCopy, TenderMethod, VoidedLine};
use crate::vat::VatCategory;

// What a tally reads of a sale or a return: the fields it adds up and nothing else. Reading
// the full `Sale` costs twice as much (its lines flatten a nested struct, which serde buffers),
// and `journal verify` reads every registration.

#[derive(Deserialize)]
struct LeanLine {
    vat_category: VatCategory,
    sold_by: SoldBy,
    quantity: rust_decimal::Decimal,
    line_total: Money,
    #[serde(default)]
    discount_amount: Money,
    #[serde(default)]
    sale_discount_share: Money,
}

impl LeanLine {
    fn net(&self) -> Money {
        self.line_total - self.discount_amount - self.sale_discount_share
    }
}

#[derive(Deserialize)]
struct LeanVat {
    rate_percent: rust_decimal::Decimal,
    gross: Money,
    vat: Money,
}

#[derive(Deserialize)]
struct LeanTender {
    method: TenderMethod,
    amount: Money,
}

#[derive(Deserialize)]
struct LeanSale {
    receipt_no: i64,
    lines: Vec<LeanLine>,
    total: Money,
    vat: Vec<LeanVat>,
    rounding: Money,
    tenders: Vec<LeanTender>,
    #[serde(default)]
    discounts: Money,
}

#[derive(Deserialize)]
struct LeanReturn {
    receipt_no: i64,
    total: Money,
    vat: Vec<LeanVat>,
    rounding: Money,
    refunds: Vec<LeanTender>,
}

/// Gross and VAT of one rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VatSum {
    pub gross: Money,
    pub vat: Money,
}

/// Counts and amounts. Every field adds up; the empty tally is the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Tally {
    /// Sales receipts.
    #[ts(type = "number")]
    pub receipts: u64,
    /// Sales, VAT included, after discounts, before cash rounding.
    pub sales: Money,
    /// Sales per main group (the VAT category of the goods).
    pub groups: BTreeMap<String, Money>,
    /// Sales less returns per VAT rate (key: the rate in percent).
    pub vat: BTreeMap<String, VatSum>,
    #[ts(type = "number")]
    pub goods: i64,
    #[ts(type = "number")]
    pub services: i64,
    /// What each payment method took in sales.
    pub methods: BTreeMap<String, Money>,
    #[ts(type = "number")]
    pub returns: u64,
    pub returns_amount: Money,
    /// What each method gave back in returns.
    pub refunds: BTreeMap<String, Money>,
    pub discounts: Money,
    /// Cash rounding (öresavrundning) of sales and returns: the "other reductions".
    pub rounding: Money,
    #[ts(type = "number")]
    pub copies: u64,
    pub copies_amount: Money,
    #[ts(type = "number")]
    pub training: u64,
    pub training_amount: Money,
    #[ts(type = "number")]
    pub pro_forma: u64,
    pub pro_forma_amount: Money,
    /// Every time the drawer opened: cash sales and returns, paid in and out, and no-sale.
    #[ts(type = "number")]
    pub drawer_openings: u64,
    /// Of which without a sale.
    #[ts(type = "number")]
    pub no_sale_openings: u64,
    /// Purchases paid in the Scan & Pay app (receipted by the app, not in `sales`).
    #[ts(type = "number")]
    pub scan_and_pay: u64,
    pub scan_and_pay_amount: Money,
    /// Sales given up before payment.
    #[ts(type = "number")]
    pub unfinished: u64,
    pub unfinished_amount: Money,
    /// Lines taken off sales in progress.
    #[ts(type = "number")]
    pub voids: u64,
    pub voids_amount: Money,
    /// Opening floats of the shifts.
    pub floats: Money,
    pub paid_in: Money,
    pub paid_out: Money,
    /// Cash into the drawer from sales less cash out in returns.
    pub cash: Money,
    #[ts(type = "number | null")]
    pub first_receipt: Option<i64>,
    #[ts(type = "number | null")]
    pub last_receipt: Option<i64>,
}

fn add_to(map: &mut BTreeMap<String, Money>, key: &str, amount: Money) {
    let slot = map.entry(key.to_string()).or_insert(Money::ZERO);
    *slot = *slot + amount;
}

fn receipt_no(t: &mut Tally, no: i64) {
    t.first_receipt = Some(t.first_receipt.map_or(no, |f| f.min(no)));
    t.last_receipt = Some(t.last_receipt.map_or(no, |l| l.max(no)));
}

/// `6` for 6 %, `12.5` for 12,5 %.
pub fn rate_key(rate: rust_decimal::Decimal) -> String {
    rate.normalize().to_string()
}

impl Tally {
    /// The tally of one registration, from its journal kind and payload. Kinds that add nothing
    /// (price changes, reports, outages) give the empty tally without reading the payload.
    pub fn of(kind: &str, payload: &str) -> Result<Tally, serde_json::Error> {
        let k = |e: EntryKind| e.as_str() == kind;
        let mut t = Tally::default();
        if k(EntryKind::Sale) {
            t.add_sale(&serde_json::from_str::<LeanSale>(payload)?);
        } else if k(EntryKind::Training) {
            let s: LeanSale = serde_json::from_str(payload)?;
            t.training = 1;
            t.training_amount = s.total;
            // The drawer opened all the same.
            t.drawer_openings = u64::from(s.tenders.iter().any(|t| t.method == TenderMethod::Cash));
        } else if k(EntryKind::Return) {
            t.add_return(&serde_json::from_str::<LeanReturn>(payload)?);
        } else if k(EntryKind::Copy) {
            let c: ReceiptCopy = serde_json::from_str(payload)?;
            t.copies = 1;
            t.copies_amount = c.total;
        } else if k(EntryKind::ProForma) {
            let p: ProForma = serde_json::from_str(payload)?;
            t.pro_forma = 1;
            t.pro_forma_amount = p.total;
        } else if k(EntryKind::ScanAndPay) {
            #[derive(Deserialize)]
            struct Lean {
                total: Money,
            }
            t.scan_and_pay = 1;
            t.scan_and_pay_amount = serde_json::from_str::<Lean>(payload)?.total;
        } else if k(EntryKind::DrawerOpen) {
            t.drawer_openings = 1;
            t.no_sale_openings = 1;
        } else if k(EntryKind::Abandoned) {
            let a: AbandonedSale = serde_json::from_str(payload)?;
            t.unfinished = 1;
            t.unfinished_amount = a.total;
        } else if k(EntryKind::Void) {
            let v: VoidedLine = serde_json::from_str(payload)?;
            t.voids = 1;
            t.voids_amount = v.line.line_total;
        } else if k(EntryKind::PaidIn) || k(EntryKind::PaidOut) {
            let m: CashMovement = serde_json::from_str(payload)?;
            t.drawer_openings = 1;
            match m.kind {
                MovementKind::PaidIn => t.paid_in = m.amount,
                MovementKind::PaidOut => t.paid_out = m.amount,
            }
        } else if k(EntryKind::ShiftOpen) {
            let s: ShiftOpened = serde_json::from_str(payload)?;
            t.floats = s.float;
            t.drawer_openings = 1;
        }
        Ok(t)
    }

    fn add_sale(&mut self, s: &LeanSale) {
        self.receipts = 1;
        receipt_no(self, s.receipt_no);
        self.sales = s.total;
        for l in &s.lines {
            add_to(&mut self.groups, l.vat_category.as_str(), l.net());
            // A till never sells more than 9 999 pieces on a line; the counts saturate so that
            // a damaged payload with absurd quantities is reported by `journal verify`, not a
            // panic (found by fuzzing).
            let pieces = i64::try_from(l.quantity.trunc()).unwrap_or(0);
            match (l.vat_category, l.sold_by) {
                (VatCategory::Restaurant, SoldBy::Each) => {
                    self.services = self.services.saturating_add(pieces)
                }
                (VatCategory::Restaurant, _) => self.services = self.services.saturating_add(1),
                (_, SoldBy::Each) => self.goods = self.goods.saturating_add(pieces),
                _ => self.goods = self.goods.saturating_add(1),
            }
        }
        for v in &s.vat {
            let slot = self.vat.entry(rate_key(v.rate_percent)).or_default();
            slot.gross = slot.gross + v.gross;
            slot.vat = slot.vat + v.vat;
        }
        for tender in &s.tenders {
            add_to(&mut self.methods, tender.method.as_str(), tender.amount);
            if tender.method == TenderMethod::Cash {
                self.cash = self.cash + tender.amount;
            }
        }
        if s.tenders.iter().any(|t| t.method == TenderMethod::Cash) {
            self.drawer_openings = 1;
        }
        self.discounts = s.discounts;
        self.rounding = s.rounding;
    }

    fn add_return(&mut self, r: &LeanReturn) {
        receipt_no(self, r.receipt_no);
        self.returns = 1;
        self.returns_amount = r.total;
        for v in &r.vat {
            let slot = self.vat.entry(rate_key(v.rate_percent)).or_default();
            slot.gross = slot.gross - v.gross;
            slot.vat = slot.vat - v.vat;
        }
        for t in &r.refunds {
            add_to(&mut self.refunds, t.method.as_str(), t.amount);
            if t.method == TenderMethod::Cash {
                self.cash = self.cash - t.amount;
                self.drawer_openings = 1;
            }
        }
        self.rounding = self.rounding - r.rounding;
    }

    /// Adds another tally to this one.
    pub fn add(&mut self, o: &Tally) {
        self.receipts += o.receipts;
        self.sales = self.sales + o.sales;
        for (k, v) in &o.groups {
            add_to(&mut self.groups, k, *v);
        }
        for (k, v) in &o.vat {
            let slot = self.vat.entry(k.clone()).or_default();
            slot.gross = slot.gross + v.gross;
            slot.vat = slot.vat + v.vat;
        }
        self.goods = self.goods.saturating_add(o.goods);
        self.services = self.services.saturating_add(o.services);
        for (k, v) in &o.methods {
            add_to(&mut self.methods, k, *v);
        }
        self.returns += o.returns;
        self.returns_amount = self.returns_amount + o.returns_amount;
        for (k, v) in &o.refunds {
            add_to(&mut self.refunds, k, *v);
        }
        self.discounts = self.discounts + o.discounts;
        self.rounding = self.rounding + o.rounding;
        self.copies += o.copies;
        self.copies_amount = self.copies_amount + o.copies_amount;
        self.training += o.training;
        self.training_amount = self.training_amount + o.training_amount;
        self.pro_forma += o.pro_forma;
        self.pro_forma_amount = self.pro_forma_amount + o.pro_forma_amount;
        self.drawer_openings += o.drawer_openings;
        self.no_sale_openings += o.no_sale_openings;
        self.scan_and_pay += o.scan_and_pay;
        self.scan_and_pay_amount = self.scan_and_pay_amount + o.scan_and_pay_amount;
        self.unfinished += o.unfinished;
        self.unfinished_amount = self.unfinished_amount + o.unfinished_amount;
        self.voids += o.voids;
        self.voids_amount = self.voids_amount + o.voids_amount;
        self.floats = self.floats + o.floats;
        self.paid_in = self.paid_in + o.paid_in;
        self.paid_out = self.paid_out + o.paid_out;
        self.cash = self.cash + o.cash;
        for no in o.first_receipt.into_iter().chain(o.last_receipt) {
            receipt_no(self, no);
        }
    }

    /// Whether the tally adds nothing (stored as no row at all).
    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }

    /// The tally as stored: JSON without the fields that are zero or empty (most of them, for
    /// any one registration). Reads back with [`Tally::from_stored`].
    pub fn to_stored(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut v {
            map.retain(|_, field| match field {
                serde_json::Value::Number(n) => n.as_i64() != Some(0) && n.as_u64() != Some(0),
                serde_json::Value::String(text) => !matches!(text.as_str(), "0.00" | "-0.00" | "0" | "-0"),
                serde_json::Value::Object(inner) => !inner.is_empty(),
                serde_json::Value::Null => false,
                _ => true,
            });
        }
        v.to_string()
    }

    /// A stored tally (missing fields are zero).
    pub fn from_stored(text: &str) -> Result<Tally, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_that_add_nothing_are_not_read() {
        assert!(Tally::of("catalog_change", "not json at all").unwrap().is_empty());
        assert!(Tally::of("sale", "not json").is_err());
        let d = Tally::of("drawer_open", "{}").unwrap();
        assert_eq!((d.drawer_openings, d.no_sale_openings), (1, 1));
    }

    #[test]
    fn the_stored_form_leaves_out_what_is_zero_and_reads_back_the_same() {
        let t = Tally {
            receipts: 1,
            sales: Money::from_ore(1950),
            methods: [("cash".to_string(), Money::from_ore(2000))].into(),
            rounding: Money::from_ore(50),
            first_receipt: Some(7),
            last_receipt: Some(7),
            ..Default::default()
        };
        let stored = t.to_stored();
        assert!(!stored.contains("copies") && !stored.contains("groups"), "{stored}");
        assert_eq!(Tally::from_stored(&stored).unwrap(), t);
        assert_eq!(Tally::from_stored(&Tally::default().to_stored()).unwrap(), Tally::default());
    }

    #[test]
    fn tallies_add_up() {
        let a = Tally {
            receipts: 1,
            sales: Money::from_ore(1000),
            first_receipt: Some(3),
            last_receipt: Some(3),
            ..Default::default()
        };
        let b = Tally {
            receipts: 1,
            sales: Money::from_ore(250),
            first_receipt: Some(4),
            last_receipt: Some(4),
            ..Default::default()
        };
        let mut sum = Tally::default();
        sum.add(&a);
        sum.add(&b);
        assert_eq!(sum.receipts, 2);
        assert_eq!(sum.sales, Money::from_ore(1250));
        assert_eq!((sum.first_receipt, sum.last_receipt), (Some(3), Some(4)));
        let mut same = Tally::default();
        same.add(&b);
        same.add(&a);
        assert_eq!(same, sum, "order does not matter");
    }
}
