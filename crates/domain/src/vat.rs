//! VAT (moms) by category and date (DOMAIN.md §3).
//!
//! Rates are data with a validity period, never constants in code: the migration seeds
//! today's Swedish table and a change of law is a new row. Shelf prices include VAT; VAT is
//! computed per rate on the VAT-inclusive sum of that rate's lines.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::Money;

/// What kind of goods an item is, for VAT. The rate follows from the category and the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VatCategory {
    /// Groceries (livsmedel): 12 %, 6 % from 2026-04-01 to 2027-12-31.
    Food,
    /// Everything else, alcohol included: 25 %.
    Standard,
    /// Books, newspapers and magazines: 6 %.
    BooksPress,
    /// Restaurant and catering: 12 %.
    Restaurant,
}

impl VatCategory {
    pub const ALL: [VatCategory; 4] =
        [VatCategory::Food, VatCategory::Standard, VatCategory::BooksPress, VatCategory::Restaurant];

    pub fn as_str(self) -> &'static str {
        match self {
            VatCategory::Food => "food",
            VatCategory::Standard => "standard",
            VatCategory::BooksPress => "books_press",
            VatCategory::Restaurant => "restaurant",
        }
    }

    pub fn parse(s: &str) -> Option<VatCategory> {
        VatCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One row of the rate table: `rate_percent` applies to `category` from `valid_from` up to and
/// including `valid_to` (open-ended when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatPeriod {
    pub category: VatCategory,
    pub rate_percent: Decimal,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    #[error("No VAT rate is set for {category:?} on {date}: the VAT table needs a row for that date")]
    NoRate { category: VatCategory, date: Date },
    #[error("Two VAT rates for {category:?} overlap on {date}")]
    Overlap { category: VatCategory, date: Date },
}

/// The rate table, validated so that a category never has two rates on one day.
#[derive(Debug, Clone, Default)]
pub struct VatTable {
    periods: Vec<VatPeriod>,
}

impl VatTable {
    pub fn new(periods: Vec<VatPeriod>) -> Result<VatTable, VatError> {
        for (i, a) in periods.iter().enumerate() {
            for b in &periods[i + 1..] {
                if a.category != b.category {
                    continue;
                }
                let a_end = a.valid_to.unwrap_or(Date::MAX);
                let b_end = b.valid_to.unwrap_or(Date::MAX);
                if a.valid_from <= b_end && b.valid_from <= a_end {
                    let date = a.valid_from.max(b.valid_from);
                    return Err(VatError::Overlap { category: a.category, date });
                }
            }
        }
        Ok(VatTable { periods })
    }

    /// The rate in percent for `category` on the date of sale.
    pub fn rate_on(&self, category: VatCategory, date: Date) -> Result<Decimal, VatError> {
        self.periods
            .iter()
            .find(|p| {
                p.category == category && p.valid_from <= date && p.valid_to.is_none_or(|end| date <= end)
            })
            .map(|p| p.rate_percent)
            .ok_or(VatError::NoRate { category, date })
    }
}

/// VAT for one rate on a receipt: the VAT-inclusive sum, the VAT in it, and the net.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VatLine {
    #[ts(type = "string")]
    pub rate_percent: Decimal,
    pub gross: Money,
    pub vat: Money,
    pub net: Money,
}

/// The VAT contained in a VAT-inclusive amount: `gross × rate / (100 + rate)`, to whole öre.
pub fn vat_in_gross(gross: Money, rate_percent: Decimal) -> Money {
    let hundred = Decimal::ONE_HUNDRED;
    Money::round_ore(gross.as_decimal() * rate_percent / (hundred + rate_percent))
}

/// Groups `(rate, gross)` pairs by rate, highest rate first, and computes VAT per rate.
pub fn split_by_rate(amounts: impl IntoIterator<Item = (Decimal, Money)>) -> Vec<VatLine> {
    let mut by_rate: std::collections::BTreeMap<Decimal, Money> = Default::default();
    for (rate, gross) in amounts {
        let slot = by_rate.entry(rate.normalize()).or_insert(Money::ZERO);
        *slot = *slot + gross;
    }
    by_rate
        .into_iter()
        .rev()
        .map(|(rate_percent, gross)| {
            let vat = vat_in_gross(gross, rate_percent);
            VatLine { rate_percent, gross, vat, net: gross - vat }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn swedish_table() -> VatTable {
        let p = |category, rate_percent, valid_from, valid_to| VatPeriod {
            category,
            rate_percent,
            valid_from,
            valid_to,
        };
        VatTable::new(vec![
            p(VatCategory::Food, dec!(12), date(2000, 1, 1), Some(date(2026, 3, 31))),
            p(VatCategory::Food, dec!(6), date(2026, 4, 1), Some(date(2027, 12, 31))),
            p(VatCategory::Food, dec!(12), date(2028, 1, 1), None),
            p(VatCategory::Standard, dec!(25), date(2000, 1, 1), None),
        ])
        .unwrap()
    }

    #[test]
    fn the_date_of_sale_decides_the_food_rate() {
        let t = swedish_table();
        assert_eq!(t.rate_on(VatCategory::Food, date(2026, 3, 31)).unwrap(), dec!(12));
        assert_eq!(t.rate_on(VatCategory::Food, date(2026, 4, 1)).unwrap(), dec!(6));
        assert_eq!(t.rate_on(VatCategory::Food, date(2027, 12, 31)).unwrap(), dec!(6));
        assert_eq!(t.rate_on(VatCategory::Food, date(2028, 1, 1)).unwrap(), dec!(12));
        assert!(matches!(t.rate_on(VatCategory::BooksPress, date(2026, 1, 1)), Err(VatError::NoRate { .. })));
        assert!(matches!(t.rate_on(VatCategory::Food, date(1999, 1, 1)), Err(VatError::NoRate { .. })));
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let p = |from, to| VatPeriod {
            category: VatCategory::Food,
            rate_percent: dec!(12),
            valid_from: from,
            valid_to: to,
        };
        let err = VatTable::new(vec![p(date(2020, 1, 1), Some(date(2026, 4, 1))), p(date(2026, 4, 1), None)]);
        assert!(matches!(err, Err(VatError::Overlap { .. })));
    }

    #[test]
    fn vat_is_computed_per_rate_from_gross() {
        // 125,00 at 25 % holds 25,00 VAT; 112,00 at 12 % holds 12,00; 10,60 at 6 % holds 0,60.
        assert_eq!(vat_in_gross(Money::from_ore(12500), dec!(25)), Money::from_ore(2500));
        assert_eq!(vat_in_gross(Money::from_ore(11200), dec!(12)), Money::from_ore(1200));
        assert_eq!(vat_in_gross(Money::from_ore(1060), dec!(6)), Money::from_ore(60));
        let lines = split_by_rate([
            (dec!(25), Money::from_ore(2990)),
            (dec!(6), Money::from_ore(1995)),
            (dec!(25), Money::from_ore(1000)),
            (dec!(6.00), Money::from_ore(500)),
        ]);
        assert_eq!(lines.len(), 2, "6 and 6.00 are one rate");
        assert_eq!(lines[0].rate_percent, dec!(25));
        assert_eq!(lines[0].gross, Money::from_ore(3990));
        assert_eq!(lines[0].vat, Money::from_ore(798)); // 39,90 × 0,2 = 7,98
        assert_eq!(lines[1].gross, Money::from_ore(2495));
        assert_eq!(lines[1].vat, Money::from_ore(141)); // 24,95 × 6/106 = 1,4123
        for l in &lines {
            assert_eq!(l.net + l.vat, l.gross);
        }
    }
}
