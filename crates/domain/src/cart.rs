//! The sale in progress: catalog items turned into lines, and the totals a cashier sees.
//!
//! The cart keeps the VAT *category* of each line; the rate is resolved when the cart is
//! priced, with the date of sale (a sale that crosses midnight into a new rate period uses the
//! rate of the moment it completes).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::barcode::{Embedded, Scan};
use crate::money::Money;
use crate::rounding::cash_rounding;
use crate::vat::{VatCategory, VatError, VatLine, VatTable, split_by_rate};

/// How an item is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SoldBy {
    /// By the piece; `price` is per piece.
    Each,
    /// By weight; `price` is per kilogram.
    Weight,
    /// At the price printed on its label (deli, bakery); `price` is a reference only.
    LabelPrice,
}

impl SoldBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SoldBy::Each => "each",
            SoldBy::Weight => "weight",
            SoldBy::LabelPrice => "label_price",
        }
    }

    pub fn parse(s: &str) -> Option<SoldBy> {
        [SoldBy::Each, SoldBy::Weight, SoldBy::LabelPrice].into_iter().find(|k| k.as_str() == s)
    }
}

/// A catalog item as the till needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub price: Money,
    pub sold_by: SoldBy,
    pub vat_category: VatCategory,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("{name} is sold by weight: scan its weight label or weigh it")]
    NeedsWeight { name: String },
    #[error("{name} is sold at the price on its label: scan the label")]
    NeedsPriceLabel { name: String },
    #[error("{name} is not sold by weight or label price, but {code} is a weight or price label code")]
    NotSoldByMeasure { name: String, code: String },
    #[error("{name} is sold by the piece, so a weight label cannot be used")]
    WeightForPriceItem { name: String },
}

/// One line of the sale in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CartLine {
    #[ts(type = "number")]
    pub product_id: i64,
    /// The code as scanned (for variable-measure items, the label with its value).
    pub code: String,
    pub name: String,
    pub sold_by: SoldBy,
    /// Pieces, or kilograms with up to three decimals.
    #[ts(type = "string")]
    pub quantity: Decimal,
    /// Per piece or per kilogram.
    pub unit_price: Money,
    pub line_total: Money,
    pub vat_category: VatCategory,
}

/// A line with its VAT rate resolved for the date of sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PricedLine {
    #[serde(flatten)]
    #[ts(flatten)]
    pub line: CartLine,
    #[ts(type = "string")]
    pub vat_percent: Decimal,
}

/// Everything the cashier sees of the sale in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub vat: Vec<VatLine>,
    /// What to take if the customer pays cash, and the rounding that implies.
    pub cash_total: Money,
    pub cash_rounding: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    lines: Vec<CartLine>,
}

impl Cart {
    pub fn new() -> Cart {
        Cart::default()
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds what was scanned. A repeated piece item raises the quantity of its line;
    /// weighed and labelled items always get a line of their own.
    pub fn add_scan(&mut self, scan: &Scan, item: &CatalogItem) -> Result<(), CartError> {
        let name = || item.name.clone();
        let line = match (scan, item.sold_by) {
            (Scan::Article { .. }, SoldBy::Each) => {
                if let Some(existing) = self.lines.iter_mut().find(|l| {
                    l.product_id == item.id && l.sold_by == SoldBy::Each && l.unit_price == item.price
                }) {
                    existing.quantity += Decimal::ONE;
                    existing.line_total = Money::round_ore(existing.quantity * item.price.as_decimal());
                    return Ok(());
                }
                self.line(item, scan_code(scan), Decimal::ONE, item.price, item.price)
            }
            (Scan::Article { .. }, SoldBy::Weight) => {
                return Err(CartError::NeedsWeight { name: name() });
            }
            (Scan::Article { .. }, SoldBy::LabelPrice) => {
                return Err(CartError::NeedsPriceLabel { name: name() });
            }
            (
                Scan::VariableMeasure { value: Embedded::Price(p), .. },
                SoldBy::Weight | SoldBy::LabelPrice,
            ) => self.line(item, scan_code(scan), Decimal::ONE, *p, *p),
            (Scan::VariableMeasure { value: Embedded::WeightKg(kg), .. }, SoldBy::Weight) => {
                let total = Money::round_ore(*kg * item.price.as_decimal());
                self.line(item, scan_code(scan), *kg, item.price, total)
            }
            (Scan::VariableMeasure { value: Embedded::WeightKg(_), .. }, SoldBy::LabelPrice) => {
                return Err(CartError::WeightForPriceItem { name: name() });
            }
            (Scan::VariableMeasure { scanned, .. }, SoldBy::Each) => {
                return Err(CartError::NotSoldByMeasure { name: name(), code: scanned.clone() });
            }
        };
        self.lines.push(line);
        Ok(())
    }

    fn line(
        &self,
        item: &CatalogItem,
        code: String,
        quantity: Decimal,
        unit: Money,
        total: Money,
    ) -> CartLine {
        CartLine {
            product_id: item.id,
            code,
            name: item.name.clone(),
            sold_by: item.sold_by,
            quantity,
            unit_price: unit,
            line_total: total,
            vat_category: item.vat_category,
        }
    }

    /// Removes line `index` (0-based); a missing line changes nothing.
    pub fn remove_line(&mut self, index: usize) -> Option<CartLine> {
        (index < self.lines.len()).then(|| self.lines.remove(index))
    }

    /// The cart with VAT rates for `date`, totals, VAT per rate and the cash rounding.
    pub fn priced(&self, vat: &VatTable, date: Date) -> Result<PricedCart, VatError> {
        let lines = self
            .lines
            .iter()
            .map(|l| Ok(PricedLine { line: l.clone(), vat_percent: vat.rate_on(l.vat_category, date)? }))
            .collect::<Result<Vec<_>, VatError>>()?;
        let total: Money = lines.iter().map(|l| l.line.line_total).sum();
        let vat = split_by_rate(lines.iter().map(|l| (l.vat_percent, l.line.line_total)));
        let (cash_total, cash_rounding) = cash_rounding(total);
        Ok(PricedCart { lines, total, vat, cash_total, cash_rounding })
    }
}

fn scan_code(scan: &Scan) -> String {
    match scan {
        Scan::Article { gtin } => gtin.clone(),
        Scan::VariableMeasure { scanned, .. } => scanned.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::barcode::{parse, with_check_digit};
    use crate::vat::VatPeriod;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn item(id: i64, sold_by: SoldBy, price_ore: i64, cat: VatCategory) -> CatalogItem {
        CatalogItem {
            id,
            code: String::new(),
            name: format!("Vara {id}"),
            price: Money::from_ore(price_ore),
            sold_by,
            vat_category: cat,
        }
    }

    fn table() -> VatTable {
        VatTable::new(vec![
            VatPeriod {
                category: VatCategory::Food,
                rate_percent: dec!(6),
                valid_from: date(2026, 4, 1),
                valid_to: None,
            },
            VatPeriod {
                category: VatCategory::Food,
                rate_percent: dec!(12),
                valid_from: date(2000, 1, 1),
                valid_to: Some(date(2026, 3, 31)),
            },
            VatPeriod {
                category: VatCategory::Standard,
                rate_percent: dec!(25),
                valid_from: date(2000, 1, 1),
                valid_to: None,
            },
        ])
        .unwrap()
    }

    #[test]
    fn repeated_scans_raise_quantity() {
        let milk = item(1, SoldBy::Each, 1895, VatCategory::Food);
        let scan = parse("7310865004703").unwrap();
        let mut cart = Cart::new();
        cart.add_scan(&scan, &milk).unwrap();
        cart.add_scan(&scan, &milk).unwrap();
        assert_eq!(cart.lines().len(), 1);
        assert_eq!(cart.lines()[0].quantity, dec!(2));
        assert_eq!(cart.lines()[0].line_total, Money::from_ore(3790));
    }

    #[test]
    fn weight_label_prices_by_kilo() {
        let apples = item(2, SoldBy::Weight, 2990, VatCategory::Food); // 29,90 kr/kg
        let scan = parse(&with_check_digit("230001201234")).unwrap(); // 1,234 kg
        let mut cart = Cart::new();
        cart.add_scan(&scan, &apples).unwrap();
        // 1,234 × 29,90 = 36,8966 → 36,90
        assert_eq!(cart.lines()[0].line_total, Money::from_ore(3690));
        assert_eq!(cart.lines()[0].quantity, dec!(1.234));
    }

    #[test]
    fn measure_mismatches_have_their_own_errors() {
        let mut cart = Cart::new();
        let each = item(1, SoldBy::Each, 100, VatCategory::Food);
        let weighed = item(2, SoldBy::Weight, 100, VatCategory::Food);
        let labelled = item(3, SoldBy::LabelPrice, 100, VatCategory::Food);
        let plain = parse("7310865004703").unwrap();
        let weight = parse(&with_check_digit("230001201234")).unwrap();
        assert!(matches!(cart.add_scan(&weight, &each), Err(CartError::NotSoldByMeasure { .. })));
        assert!(matches!(cart.add_scan(&plain, &weighed), Err(CartError::NeedsWeight { .. })));
        assert!(matches!(cart.add_scan(&plain, &labelled), Err(CartError::NeedsPriceLabel { .. })));
        assert!(matches!(cart.add_scan(&weight, &labelled), Err(CartError::WeightForPriceItem { .. })));
        assert!(cart.is_empty(), "a refused scan adds nothing");
    }

    #[test]
    fn priced_cart_splits_vat_and_rounds_cash() {
        let mut cart = Cart::new();
        cart.add_scan(&parse("7310865004703").unwrap(), &item(1, SoldBy::Each, 2490, VatCategory::Food))
            .unwrap();
        cart.add_scan(&parse("6291041500213").unwrap(), &item(2, SoldBy::Each, 1055, VatCategory::Standard))
            .unwrap();
        let before = cart.priced(&table(), date(2026, 3, 31)).unwrap();
        let after = cart.priced(&table(), date(2026, 4, 1)).unwrap();
        assert_eq!(before.total, Money::from_ore(3545));
        assert_eq!(before.cash_total, Money::from_ore(3500));
        assert_eq!(before.cash_rounding, Money::from_ore(-45));
        assert_eq!(before.lines[0].vat_percent, dec!(12));
        assert_eq!(after.lines[0].vat_percent, dec!(6));
        // 24,90 at 12 % holds 2,67; at 6 % it holds 1,41. 10,55 at 25 % holds 2,11.
        assert_eq!(
            before.vat.iter().map(|v| v.vat).collect::<Vec<_>>(),
            [Money::from_ore(211), Money::from_ore(267)]
        );
        assert_eq!(
            after.vat.iter().map(|v| v.vat).collect::<Vec<_>>(),
            [Money::from_ore(211), Money::from_ore(141)]
        );
    }
}
