//! The sale in progress: catalog items turned into lines, discounts, the payments taken so
//! far, and the totals a cashier sees.
//!
//! The cart keeps the VAT *category* of each line; the rate is resolved when the cart is
//! priced, with the date of sale (a sale that crosses midnight into a new rate period uses the
//! rate of the moment it completes). Once a payment has been taken the lines are frozen: what
//! the customer paid for cannot change underneath the payment.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::barcode::{Embedded, Scan};
use crate::money::Money;
use crate::rounding::cash_rounding;
use crate::sale::Tender;
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

/// A catalog item as the till needs it. An item has a barcode, a PLU number (loose fruit,
/// bakery), or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogItem {
    #[ts(type = "number")]
    pub id: i64,
    pub code: Option<String>,
    pub plu: Option<String>,
    pub name: String,
    pub price: Money,
    pub sold_by: SoldBy,
    pub vat_category: VatCategory,
}

/// The most a line may hold: 9 999 pieces or 999,999 kg.
const MAX_PIECES: Decimal = Decimal::from_parts(9999, 0, 0, false, 0);
const MAX_KG: Decimal = Decimal::from_parts(999_999, 0, 0, false, 3);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("{name} is sold by weight: scan its weight label or weigh it")]
    NeedsWeight { name: String },
    #[error("{name} is sold at the price on its label: scan the label")]
    NeedsPriceLabel { name: String },
    #[error("{name} is not sold by weight or label price, but {code} is a weight or price label code")]
    NotSoldByMeasure { name: String, code: String },
    #[error("{name} is not sold by weight, so a weight cannot be used")]
    WeightForPriceItem { name: String },
    #[error("There is no line {0} on this sale")]
    NoSuchLine(usize),
    #[error("\"{0}\" is not a number of pieces: use a whole number from 1 to 9999")]
    BadQuantity(String),
    #[error("\"{0}\" is not a weight: write kilograms with at most three decimals, like 0,450")]
    BadWeight(String),
    #[error("The quantity of {name} is set by its label and cannot be changed: void the line instead")]
    FixedQuantity { name: String },
    #[error("A discount needs a reason")]
    DiscountReasonMissing,
    #[error("\"{0}\" is not a discount: give a percent above 0 and at most 100, or an amount in kronor")]
    BadDiscount(String),
    #[error("A discount of {discount} kr is more than the {base} kr it applies to")]
    DiscountTooLarge { discount: String, base: String },
    #[error("A payment has been taken on this sale, so its lines cannot change: finish the payment")]
    PaymentStarted,
    #[error(transparent)]
    Vat(#[from] VatError),
}

/// Percent off, or an amount off in kronor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    Percent,
    Amount,
}

/// A discount on a line or on the whole sale, with the reason the cashier gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Discount {
    pub kind: DiscountKind,
    /// Percent (e.g. `"10"`) or kronor (e.g. `"5.00"`).
    #[ts(type = "string")]
    pub value: Decimal,
    pub reason: String,
    /// Who allowed a discount above the cashier's limit (set by the till, never by the UI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub approved_by: Option<crate::staff::StaffRef>,
}

impl Discount {
    pub fn new(kind: DiscountKind, value: Decimal, reason: &str) -> Discount {
        Discount { kind, value, reason: reason.to_string(), approved_by: None }
    }

    /// Checks the discount on its own: a reason, a percent in (0, 100], an amount > 0 in öre.
    pub fn validate(&self) -> Result<(), CartError> {
        if self.reason.trim().is_empty() {
            return Err(CartError::DiscountReasonMissing);
        }
        let bad = || CartError::BadDiscount(self.value.to_string());
        match self.kind {
            DiscountKind::Percent if self.value <= Decimal::ZERO || self.value > Decimal::ONE_HUNDRED => {
                Err(bad())
            }
            DiscountKind::Amount if self.value <= Decimal::ZERO || self.value.normalize().scale() > 2 => {
                Err(bad())
            }
            _ => Ok(()),
        }
    }

    /// The amount off `base`, to whole öre; never more than `base`.
    pub fn amount_off(&self, base: Money) -> Result<Money, CartError> {
        let off = match self.kind {
            DiscountKind::Percent => Money::round_ore(base.as_decimal() * self.value / Decimal::ONE_HUNDRED),
            DiscountKind::Amount => Money::round_ore(self.value),
        };
        if off > base {
            return Err(CartError::DiscountTooLarge { discount: off.to_swedish(), base: base.to_swedish() });
        }
        Ok(off)
    }

    /// The discount as a percent of `base` (for the approval limit).
    pub fn percent_of(&self, base: Money) -> Decimal {
        match self.kind {
            DiscountKind::Percent => self.value,
            DiscountKind::Amount if base.is_zero() => Decimal::ONE_HUNDRED,
            DiscountKind::Amount => self.value * Decimal::ONE_HUNDRED / base.as_decimal(),
        }
    }
}

/// One line of the sale in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CartLine {
    #[ts(type = "number")]
    pub product_id: i64,
    /// The code as scanned (for variable-measure items, the label with its value), or the PLU.
    pub code: String,
    pub name: String,
    pub sold_by: SoldBy,
    /// Pieces, or kilograms with up to three decimals.
    #[ts(type = "string")]
    pub quantity: Decimal,
    /// Per piece or per kilogram.
    pub unit_price: Money,
    /// Quantity × unit price, before discounts.
    pub line_total: Money,
    pub vat_category: VatCategory,
    #[serde(default)]
    pub discount: Option<Discount>,
}

/// A line with its VAT rate resolved for the date of sale and its discounts in kronor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PricedLine {
    #[serde(flatten)]
    #[ts(flatten)]
    pub line: CartLine,
    #[ts(type = "string")]
    pub vat_percent: Decimal,
    /// The line's own discount.
    #[serde(default)]
    pub discount_amount: Money,
    /// This line's part of the discount on the whole sale (for VAT per rate).
    #[serde(default)]
    pub sale_discount_share: Money,
}

impl PricedLine {
    /// What the line costs after its discount and its share of the sale discount.
    pub fn net(&self) -> Money {
        self.line.line_total - self.discount_amount - self.sale_discount_share
    }
}

/// Everything the cashier sees of the sale in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    /// The lines before any discount.
    pub subtotal: Money,
    pub line_discounts: Money,
    pub sale_discount: Option<Discount>,
    pub sale_discount_amount: Money,
    /// What the sale costs: subtotal − discounts.
    pub total: Money,
    pub vat: Vec<VatLine>,
    /// Payments taken so far on this sale.
    pub tenders: Vec<Tender>,
    pub paid: Money,
    /// What is left to pay by card, Swish or voucher (to the öre).
    pub remaining: Money,
    /// What to take if the customer pays the rest in cash, and the rounding that implies.
    pub cash_total: Money,
    pub cash_rounding: Money,
    /// Started while the store was closed, with a manager's approval.
    pub outside_hours: Option<crate::hours::OutsideHours>,
}

/// What was put on the line: pieces or a weight (by hand or from the scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Pieces(Decimal),
    Kilograms(Decimal),
}

/// Parses a number of pieces: a whole number from 1 to 9999.
pub fn parse_pieces(text: &str) -> Result<Decimal, CartError> {
    let bad = || CartError::BadQuantity(text.trim().to_string());
    let q: Decimal = text.trim().parse().map_err(|_| bad())?;
    if q.fract() != Decimal::ZERO || q < Decimal::ONE || q > MAX_PIECES {
        return Err(bad());
    }
    Ok(q.trunc())
}

/// Parses a weight in kilograms (`0,450` or `0.450`): more than zero, at most three decimals.
pub fn parse_kg(text: &str) -> Result<Decimal, CartError> {
    let bad = || CartError::BadWeight(text.trim().to_string());
    let t = text.trim().replace(',', ".");
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let kg: Decimal = t.parse().map_err(|_| bad())?;
    if kg <= Decimal::ZERO || kg > MAX_KG || kg.normalize().scale() > 3 {
        return Err(bad());
    }
    Ok(kg.normalize())
}

/// The sale in progress. Serialisable so a parked sale, or one with a payment taken, can be
/// kept on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    lines: Vec<CartLine>,
    #[serde(default)]
    sale_discount: Option<Discount>,
    #[serde(default)]
    tenders: Vec<Tender>,
    /// Started while the store was closed: the state then and who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outside_hours: Option<crate::hours::OutsideHours>,
}

impl Cart {
    pub fn new() -> Cart {
        Cart::default()
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn outside_hours(&self) -> Option<&crate::hours::OutsideHours> {
        self.outside_hours.as_ref()
    }

    /// Records (or clears) that the sale starts outside opening hours, and who approved it.
    pub fn set_outside_hours(&mut self, outside: Option<crate::hours::OutsideHours>) {
        self.outside_hours = outside;
    }

    pub fn tenders(&self) -> &[Tender] {
        &self.tenders
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn editable(&self) -> Result<(), CartError> {
        if self.tenders.is_empty() { Ok(()) } else { Err(CartError::PaymentStarted) }
    }

    fn line_mut(&mut self, index: usize) -> Result<&mut CartLine, CartError> {
        self.editable()?;
        self.lines.get_mut(index).ok_or(CartError::NoSuchLine(index + 1))
    }

    /// Adds what was scanned. A repeated piece item raises the quantity of its line;
    /// weighed and labelled items always get a line of their own.
    pub fn add_scan(&mut self, scan: &Scan, item: &CatalogItem) -> Result<(), CartError> {
        self.editable()?;
        let name = || item.name.clone();
        let line = match (scan, item.sold_by) {
            (Scan::Article { .. }, SoldBy::Each) => {
                return self.add_pieces(item, scan_code(scan), Decimal::ONE);
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
            ) => line(item, scan_code(scan), Decimal::ONE, *p, *p),
            (Scan::VariableMeasure { value: Embedded::WeightKg(kg), .. }, SoldBy::Weight) => {
                let total = Money::round_ore(*kg * item.price.as_decimal());
                line(item, scan_code(scan), *kg, item.price, total)
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

    /// Adds an item found by PLU or name: pieces for a piece item, a weight (typed or from the
    /// scale) for a weighed item. A labelled item needs its label scanned.
    pub fn add_item(&mut self, item: &CatalogItem, measure: Measure) -> Result<(), CartError> {
        self.editable()?;
        let code = item.plu.clone().or_else(|| item.code.clone()).unwrap_or_default();
        match (item.sold_by, measure) {
            (SoldBy::Each, Measure::Pieces(q)) => self.add_pieces(item, code, q),
            (SoldBy::Each, Measure::Kilograms(_)) => {
                Err(CartError::WeightForPriceItem { name: item.name.clone() })
            }
            (SoldBy::Weight, Measure::Kilograms(kg)) => {
                check_kg(kg)?;
                let total = Money::round_ore(kg * item.price.as_decimal());
                self.lines.push(line(item, code, kg, item.price, total));
                Ok(())
            }
            (SoldBy::Weight, Measure::Pieces(_)) => Err(CartError::NeedsWeight { name: item.name.clone() }),
            (SoldBy::LabelPrice, _) => Err(CartError::NeedsPriceLabel { name: item.name.clone() }),
        }
    }

    fn add_pieces(&mut self, item: &CatalogItem, code: String, q: Decimal) -> Result<(), CartError> {
        if let Some(existing) = self.lines.iter_mut().find(|l| {
            l.product_id == item.id
                && l.sold_by == SoldBy::Each
                && l.unit_price == item.price
                && l.discount.is_none()
        }) {
            let q = existing.quantity + q;
            if q > MAX_PIECES {
                return Err(CartError::BadQuantity(q.to_string()));
            }
            existing.quantity = q;
            existing.line_total = Money::round_ore(q * item.price.as_decimal());
            return Ok(());
        }
        if q < Decimal::ONE || q > MAX_PIECES || q.fract() != Decimal::ZERO {
            return Err(CartError::BadQuantity(q.to_string()));
        }
        self.lines.push(line(item, code, q, item.price, Money::round_ore(q * item.price.as_decimal())));
        Ok(())
    }

    /// Sets the pieces of a piece line, or the kilograms of a weighed line entered by hand.
    pub fn set_quantity(&mut self, index: usize, measure: Measure) -> Result<(), CartError> {
        let line = self.line_mut(index)?;
        let label_weighed =
            line.sold_by == SoldBy::Weight && line.code.len() == 13 && line.code.starts_with('2');
        match (line.sold_by, measure) {
            (SoldBy::Each, Measure::Pieces(q))
                if q >= Decimal::ONE && q <= MAX_PIECES && q.fract().is_zero() =>
            {
                line.quantity = q;
            }
            (SoldBy::Each, Measure::Pieces(q)) => return Err(CartError::BadQuantity(q.to_string())),
            (SoldBy::Weight, Measure::Kilograms(kg)) if !label_weighed => {
                check_kg(kg)?;
                line.quantity = kg;
            }
            _ => return Err(CartError::FixedQuantity { name: line.name.clone() }),
        }
        line.line_total = Money::round_ore(line.quantity * line.unit_price.as_decimal());
        Ok(())
    }

    /// Puts a discount on line `index`, or takes it off with `None`.
    pub fn set_line_discount(&mut self, index: usize, discount: Option<Discount>) -> Result<(), CartError> {
        if let Some(d) = &discount {
            d.validate()?;
        }
        self.line_mut(index)?.discount = discount;
        Ok(())
    }

    /// Puts a discount on the whole sale, or takes it off with `None`.
    pub fn set_sale_discount(&mut self, discount: Option<Discount>) -> Result<(), CartError> {
        self.editable()?;
        if let Some(d) = &discount {
            d.validate()?;
        }
        self.sale_discount = discount;
        Ok(())
    }

    /// Removes line `index` (0-based).
    pub fn remove_line(&mut self, index: usize) -> Result<CartLine, CartError> {
        self.editable()?;
        if index >= self.lines.len() {
            return Err(CartError::NoSuchLine(index + 1));
        }
        Ok(self.lines.remove(index))
    }

    /// Takes off payments of `method` with `reference` (a voucher that turned out to be spent
    /// when the sale was registered).
    pub fn drop_tenders_with_reference(&mut self, method: crate::sale::TenderMethod, reference: &str) {
        self.tenders.retain(|t| !(t.method == method && t.reference.as_deref() == Some(reference)));
    }

    /// Takes off the last payment if it was cash.
    pub fn drop_last_cash(&mut self) {
        if self.tenders.last().is_some_and(|t| t.method == crate::sale::TenderMethod::Cash) {
            self.tenders.pop();
        }
    }

    /// Records a payment taken (see [`crate::sale::settle_cash`] and
    /// [`crate::sale::exact_amount`] for what may be taken).
    pub fn add_tender(&mut self, tender: Tender) {
        self.tenders.push(tender);
    }

    /// The cart with VAT rates for `date`, discounts in kronor, totals, VAT per rate, the
    /// payments so far and what is left, in cash with its rounding.
    pub fn priced(&self, vat: &VatTable, date: Date) -> Result<PricedCart, CartError> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for l in &self.lines {
            let discount_amount = match &l.discount {
                Some(d) => d.amount_off(l.line_total)?,
                None => Money::ZERO,
            };
            lines.push(PricedLine {
                line: l.clone(),
                vat_percent: vat.rate_on(l.vat_category, date)?,
                discount_amount,
                sale_discount_share: Money::ZERO,
            });
        }
        let subtotal: Money = lines.iter().map(|l| l.line.line_total).sum();
        let line_discounts: Money = lines.iter().map(|l| l.discount_amount).sum();
        let base = subtotal - line_discounts;
        let sale_discount_amount = match &self.sale_discount {
            Some(d) => d.amount_off(base)?,
            None => Money::ZERO,
        };
        spread(&mut lines, sale_discount_amount, base);
        let total = base - sale_discount_amount;
        let vat = split_by_rate(lines.iter().map(|l| (l.vat_percent, l.net())));
        let paid: Money = self.tenders.iter().map(|t| t.amount).sum();
        let remaining = total - paid;
        let (cash_total, cash_rounding) = cash_rounding(remaining);
        Ok(PricedCart {
            lines,
            subtotal,
            line_discounts,
            sale_discount: self.sale_discount.clone(),
            sale_discount_amount,
            total,
            vat,
            tenders: self.tenders.clone(),
            paid,
            remaining,
            cash_total,
            cash_rounding,
            outside_hours: self.outside_hours.clone(),
        })
    }
}

/// Spreads the sale discount over the lines in proportion to what each costs after its own
/// discount, to whole öre, by largest remainder: each line gets its exact share rounded down,
/// and the öre left over go one each to the lines with the largest remainders. The parts add
/// up to the discount and no line's share is ever more than the line costs.
fn spread(lines: &mut [PricedLine], amount: Money, base: Money) {
    if amount.is_zero() || base.is_zero() {
        return;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let mut remainders = Vec::with_capacity(lines.len());
    let mut given = Decimal::ZERO;
    for (i, l) in lines.iter_mut().enumerate() {
        let net = l.line.line_total - l.discount_amount;
        let exact_ore = amount.as_decimal() * net.as_decimal() / base.as_decimal() * hundred;
        let floor = exact_ore.floor();
        given += floor;
        l.sale_discount_share = Money::round_ore(floor / hundred);
        remainders.push((exact_ore - floor, i));
    }
    let mut left = amount.as_decimal() * hundred - given;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= Decimal::ZERO {
            break;
        }
        lines[i].sale_discount_share = lines[i].sale_discount_share + Money::from_ore(1);
        left -= Decimal::ONE;
    }
}

fn check_kg(kg: Decimal) -> Result<(), CartError> {
    if kg <= Decimal::ZERO || kg > MAX_KG || kg.normalize().scale() > 3 {
        return Err(CartError::BadWeight(kg.to_string()));
    }
    Ok(())
}

fn line(item: &CatalogItem, code: String, quantity: Decimal, unit: Money, total: Money) -> CartLine {
    CartLine {
        product_id: item.id,
        code,
        name: item.name.clone(),
        sold_by: item.sold_by,
        quantity,
        unit_price: unit,
        line_total: total,
        vat_category: item.vat_category,
        discount: None,
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
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn item(id: i64, sold_by: SoldBy, price_ore: i64, cat: VatCategory) -> CatalogItem {
        CatalogItem {
            id,
            code: None,
            plu: None,
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
    fn a_sale_discount_is_spread_exactly_and_never_more_than_a_line_costs() {
        let mut cart = Cart::new();
        for i in 0..13 {
            cart.add_item(&item(i, SoldBy::Each, 1999, VatCategory::Standard), Measure::Pieces(Decimal::ONE))
                .unwrap();
        }
        cart.add_item(&item(13, SoldBy::Each, 100, VatCategory::Food), Measure::Pieces(Decimal::ONE))
            .unwrap();
        let d = Discount::new(DiscountKind::Percent, dec!(99), "Test");
        cart.set_sale_discount(Some(d)).unwrap();
        let p = cart.priced(&table(), date(2026, 6, 1)).unwrap();
        let shares: Money = p.lines.iter().map(|l| l.sale_discount_share).sum();
        assert_eq!(shares, p.sale_discount_amount);
        assert!(
            p.lines.iter().all(|l| !l.net().is_negative()),
            "{:?}",
            p.lines.iter().map(|l| l.net()).collect::<Vec<_>>()
        );
        assert!(p.vat.iter().all(|v| !v.gross.is_negative()));
        assert_eq!(p.vat.iter().map(|v| v.gross).sum::<Money>(), p.total);
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
