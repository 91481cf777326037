//! Returns (RETUR): goods taken back against the original receipt, whole or in part, never more
//! than was sold on it, refunded to the methods the customer paid with where possible and in
//! cash otherwise. A return is a registration of its own, with a receipt number from the same
//! series as sales and a receipt with the same fields (DOMAIN.md §2).

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::SoldBy;
use crate::control::Control;
use crate::money::Money;
use crate::rounding::cash_rounding;
use crate::sale::{Sale, Tender, TenderMethod};
use crate::staff::StaffRef;
use crate::vat::{VatCategory, VatLine, split_by_rate};

/// One line of a return: which line of the original receipt, how much of it, and what it
/// refunds (the line's price less its discounts, in proportion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnLine {
    /// The line's number on the original receipt, from 1.
    #[ts(type = "number")]
    pub original_line: usize,
    #[ts(type = "number")]
    pub product_id: i64,
    pub code: String,
    pub name: String,
    pub sold_by: SoldBy,
    #[ts(type = "string")]
    pub quantity: Decimal,
    pub unit_price: Money,
    /// What this line refunds, after its discounts.
    pub amount: Money,
    pub vat_category: VatCategory,
    #[ts(type = "string")]
    pub vat_percent: Decimal,
}

/// A registered return. Its JSON is the journal payload (kind `return`): append fields, never
/// reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Return {
    pub register_id: String,
    #[ts(type = "number")]
    pub receipt_no: i64,
    #[ts(type = "number")]
    pub original_receipt_no: i64,
    #[ts(type = "string")]
    pub returned_at: Timestamp,
    pub lines: Vec<ReturnLine>,
    /// What the lines refund, before cash rounding.
    pub total: Money,
    pub vat: Vec<VatLine>,
    /// Cash rounding of the cash part (`refunded − total`).
    pub rounding: Money,
    /// Money given back, by method. Amounts are positive: what the store paid out.
    pub refunds: Vec<Tender>,
    pub reason: String,
    pub cashier: StaffRef,
    pub approved_by: Option<StaffRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<Control>,
}

impl Return {
    pub fn refunded(&self) -> Money {
        self.refunds.iter().map(|t| t.amount).sum()
    }
}

/// A line the customer wants to return: its number on the receipt (from 1) and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnRequest {
    #[ts(type = "number")]
    pub line: usize,
    #[ts(type = "string")]
    pub quantity: Decimal,
}

/// What is left to return of one line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Returnable {
    #[ts(type = "number")]
    pub line: usize,
    pub name: String,
    pub sold_by: SoldBy,
    #[ts(type = "string")]
    pub sold: Decimal,
    #[ts(type = "string")]
    pub returned: Decimal,
    #[ts(type = "string")]
    pub left: Decimal,
    /// What the line cost after its discounts.
    pub net: Money,
    /// What returning all that is left refunds.
    pub refund_left: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error("Choose at least one line to return")]
    NothingChosen,
    #[error("Receipt {receipt} has no line {line}")]
    NoSuchLine { receipt: i64, line: usize },
    #[error("Line {line} ({name}): {wanted} is more than the {left} left to return")]
    TooMuch { line: usize, name: String, wanted: String, left: String },
    #[error("Line {line} ({name}): the quantity must be more than zero")]
    NotPositive { line: usize, name: String },
    #[error("Line {line} ({name}) is sold by the piece: return whole pieces")]
    NotWhole { line: usize, name: String },
    #[error("Line {line} is chosen twice")]
    Repeated { line: usize },
    #[error("Give a reason for the return")]
    NoReason,
}

/// Quantity and amount already returned of each original line (index = line − 1).
fn already(sale: &Sale, earlier: &[ReturnLine]) -> Vec<(Decimal, Money)> {
    let mut out = vec![(Decimal::ZERO, Money::ZERO); sale.lines.len()];
    for l in earlier {
        if let Some(slot) = out.get_mut(l.original_line.wrapping_sub(1)) {
            slot.0 += l.quantity;
            slot.1 = slot.1 + l.amount;
        }
    }
    out
}

/// What each line of `sale` still allows, given the lines of earlier returns against it.
pub fn returnable(sale: &Sale, earlier: &[ReturnLine]) -> Vec<Returnable> {
    let done = already(sale, earlier);
    sale.lines
        .iter()
        .zip(done)
        .enumerate()
        .map(|(i, (pl, (qty, amount)))| Returnable {
            line: i + 1,
            name: pl.line.name.clone(),
            sold_by: pl.line.sold_by,
            sold: pl.line.quantity,
            returned: qty,
            left: pl.line.quantity - qty,
            net: pl.net(),
            refund_left: pl.net() - amount,
        })
        .collect()
}

/// The lines of a return. A part of a line refunds its share of the line's net price, to the
/// öre; the last part refunds exactly what is left, so the parts always add up to the line.
pub fn plan_lines(
    sale: &Sale,
    earlier: &[ReturnLine],
    wanted: &[ReturnRequest],
) -> Result<Vec<ReturnLine>, ReturnError> {
    if wanted.is_empty() {
        return Err(ReturnError::NothingChosen);
    }
    let done = already(sale, earlier);
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(wanted.len());
    for w in wanted {
        if !seen.insert(w.line) {
            return Err(ReturnError::Repeated { line: w.line });
        }
        let pl = w
            .line
            .checked_sub(1)
            .and_then(|i| sale.lines.get(i))
            .ok_or(ReturnError::NoSuchLine { receipt: sale.receipt_no, line: w.line })?;
        let l = &pl.line;
        let name = l.name.clone();
        if w.quantity <= Decimal::ZERO {
            return Err(ReturnError::NotPositive { line: w.line, name });
        }
        if l.sold_by != SoldBy::Weight && !w.quantity.fract().is_zero() {
            return Err(ReturnError::NotWhole { line: w.line, name });
        }
        let (qty_done, amount_done) = done[w.line - 1];
        let left = l.quantity - qty_done;
        if w.quantity > left {
            return Err(ReturnError::TooMuch {
                line: w.line,
                name,
                wanted: w.quantity.normalize().to_string().replace('.', ","),
                left: left.normalize().to_string().replace('.', ","),
            });
        }
        // A part refunds its share, never more than is left of the line (öre rounding of many
        // small parts could otherwise add up past it); the last part refunds exactly the rest.
        let rest = pl.net() - amount_done;
        let amount = if w.quantity == left {
            rest
        } else {
            Money::round_ore(pl.net().as_decimal() * w.quantity / l.quantity).min(rest).max(Money::ZERO)
        };
        out.push(ReturnLine {
            original_line: w.line,
            product_id: l.product_id,
            code: l.code.clone(),
            name,
            sold_by: l.sold_by,
            quantity: w.quantity,
            unit_price: l.unit_price,
            amount,
            vat_category: l.vat_category,
            vat_percent: pl.vat_percent,
        });
    }
    Ok(out)
}

/// VAT per rate of the returned lines.
pub fn vat_of(lines: &[ReturnLine]) -> Vec<VatLine> {
    split_by_rate(lines.iter().map(|l| (l.vat_percent, l.amount)))
}

/// How `total` goes back to the customer: to each card, Swish payment and voucher of the
/// original sale up to what it paid (less what earlier returns gave back to it), the rest in
/// cash, rounded to whole kronor. Returns the refunds and the cash rounding.
pub fn plan_refunds(sale: &Sale, earlier: &[Tender], total: Money) -> (Vec<Tender>, Money) {
    let mut left = total;
    let mut out = Vec::new();
    for t in sale.tenders.iter().filter(|t| t.method != TenderMethod::Cash) {
        if left <= Money::ZERO {
            break;
        }
        let given_back: Money = earlier
            .iter()
            .filter(|e| e.method == t.method && e.reference == t.reference)
            .map(|e| e.amount)
            .sum();
        let room = t.amount - given_back;
        if room <= Money::ZERO {
            continue;
        }
        let amount = room.min(left);
        out.push(Tender::exact(t.method, amount, t.reference.clone(), false));
        left = left - amount;
    }
    let mut rounding = Money::ZERO;
    if left > Money::ZERO {
        let (mut cash, mut r) = cash_rounding(left);
        // Rounding up must not give back more cash than the sale took: several small returns
        // would each round up. Then round down instead.
        let cash_paid: Money =
            sale.tenders.iter().filter(|t| t.method == TenderMethod::Cash).map(|t| t.amount).sum();
        let cash_back: Money =
            earlier.iter().filter(|t| t.method == TenderMethod::Cash).map(|t| t.amount).sum();
        if r > Money::ZERO && cash_back + cash > cash_paid {
            cash = cash - Money::from_kronor(1);
            r = cash - left;
        }
        rounding = r;
        if !cash.is_zero() {
            out.push(Tender::exact(TenderMethod::Cash, cash, None, false));
        }
    }
    (out, rounding)
}

/// Turns the refund to a card or Swish payment that could not be made into cash, re-rounding the
/// cash part. Returns the new refunds and rounding.
pub fn refund_in_cash_instead(refunds: &[Tender], failed: usize, total: Money) -> (Vec<Tender>, Money) {
    let mut kept: Vec<Tender> = refunds
        .iter()
        .enumerate()
        .filter(|(i, t)| *i != failed && t.method != TenderMethod::Cash)
        .map(|(_, t)| t.clone())
        .collect();
    let electronic: Money = kept.iter().map(|t| t.amount).sum();
    let (cash, rounding) = cash_rounding(total - electronic);
    if !cash.is_zero() {
        kept.push(Tender::exact(TenderMethod::Cash, cash, None, false));
    }
    (kept, rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::{CartLine, PricedLine};
    use rust_decimal_macros::dec;

    fn line(name: &str, sold_by: SoldBy, qty: Decimal, unit: i64, discount: i64) -> PricedLine {
        let total = Money::round_ore(Money::from_ore(unit).as_decimal() * qty);
        PricedLine {
            line: CartLine {
                product_id: 1,
                code: "7310865071804".into(),
                name: name.into(),
                sold_by,
                quantity: qty,
                unit_price: Money::from_ore(unit),
                line_total: total,
                vat_category: VatCategory::Food,
                discount: None,
            },
            vat_percent: dec!(6),
            discount_amount: Money::from_ore(discount),
            sale_discount_share: Money::ZERO,
        }
    }

    fn sale(lines: Vec<PricedLine>, tenders: Vec<Tender>) -> Sale {
        let total: Money = lines.iter().map(|l| l.net()).sum();
        let vat = split_by_rate(lines.iter().map(|l| (l.vat_percent, l.net())));
        let discounts = lines.iter().map(|l| l.discount_amount).sum();
        Sale {
            register_id: "K1".into(),
            receipt_no: 7,
            completed_at: "2026-11-28T10:00:00Z".parse().unwrap(),
            lines,
            total,
            vat,
            rounding: Money::ZERO,
            tenders,
            cashier: StaffRef { id: 1, name: "Anna".into() },
            discounts,
            sale_discount: None,
            control: None,
            training: false,
            outside_hours: None,
        }
    }

    fn req(line: usize, q: Decimal) -> ReturnRequest {
        ReturnRequest { line, quantity: q }
    }

    #[test]
    fn parts_of_a_line_add_up_to_the_line_exactly() {
        // 3 × 10,00 less 1,00 discount = 29,00: thirds are 9,67 + 9,67 + 9,66.
        let s = sale(vec![line("Mjölk", SoldBy::Each, dec!(3), 1000, 100)], vec![]);
        let first = plan_lines(&s, &[], &[req(1, dec!(1))]).unwrap();
        assert_eq!(first[0].amount, Money::from_ore(967));
        let second = plan_lines(&s, &first, &[req(1, dec!(1))]).unwrap();
        let both: Vec<_> = first.iter().chain(&second).cloned().collect();
        let last = plan_lines(&s, &both, &[req(1, dec!(1))]).unwrap();
        assert_eq!(last[0].amount, Money::from_ore(966));
        let all: Vec<_> = both.iter().chain(&last).cloned().collect();
        assert_eq!(all.iter().map(|l| l.amount).sum::<Money>(), s.total);
        assert_eq!(returnable(&s, &all)[0].left, Decimal::ZERO);
        let err = plan_lines(&s, &all, &[req(1, dec!(1))]).unwrap_err();
        assert!(matches!(err, ReturnError::TooMuch { .. }), "{err}");
    }

    #[test]
    fn never_more_than_was_sold_and_pieces_are_whole() {
        let s = sale(
            vec![
                line("Bröd", SoldBy::Each, dec!(2), 2500, 0),
                line("Banan", SoldBy::Weight, dec!(0.452), 2990, 0),
            ],
            vec![],
        );
        assert!(matches!(plan_lines(&s, &[], &[req(1, dec!(3))]), Err(ReturnError::TooMuch { .. })));
        assert!(matches!(plan_lines(&s, &[], &[req(1, dec!(0.5))]), Err(ReturnError::NotWhole { .. })));
        assert!(matches!(plan_lines(&s, &[], &[req(3, dec!(1))]), Err(ReturnError::NoSuchLine { .. })));
        assert!(matches!(plan_lines(&s, &[], &[req(0, dec!(1))]), Err(ReturnError::NoSuchLine { .. })));
        assert!(matches!(plan_lines(&s, &[], &[req(1, dec!(0))]), Err(ReturnError::NotPositive { .. })));
        assert!(matches!(plan_lines(&s, &[], &[]), Err(ReturnError::NothingChosen)));
        assert!(matches!(
            plan_lines(&s, &[], &[req(1, dec!(1)), req(1, dec!(1))]),
            Err(ReturnError::Repeated { line: 1 })
        ));
        // A weighed line can be returned in part.
        let part = plan_lines(&s, &[], &[req(2, dec!(0.2))]).unwrap();
        assert_eq!(part[0].amount, Money::from_ore(598));
    }

    #[test]
    fn separate_returns_never_give_back_more_cash_than_was_paid() {
        // 3 × 10,50 paid in cash: 31,50 rounds to 32 kr taken.
        let cash = Tender {
            method: TenderMethod::Cash,
            amount: Money::from_kronor(32),
            tendered: Money::from_kronor(50),
            change: Money::from_kronor(18),
            reference: None,
            offline: false,
        };
        let mut s = sale(vec![line("Vara", SoldBy::Each, dec!(3), 1050, 0)], vec![cash]);
        s.rounding = Money::from_ore(50);
        let mut earlier = Vec::new();
        let mut given = Money::ZERO;
        for _ in 0..3 {
            let (refunds, _) = plan_refunds(&s, &earlier, Money::from_ore(1050));
            given = given + refunds.iter().map(|t| t.amount).sum::<Money>();
            earlier.extend(refunds);
        }
        assert_eq!(given, Money::from_kronor(32), "11 + 11 + 10: what the sale took");
    }

    #[test]
    fn refunds_go_to_card_swish_and_vouchers_first_then_cash_rounded() {
        let card = Tender::exact(TenderMethod::Card, Money::from_ore(3000), Some("A1".into()), false);
        let cash = Tender {
            method: TenderMethod::Cash,
            amount: Money::from_ore(2000),
            tendered: Money::from_ore(5000),
            change: Money::from_ore(3000),
            reference: None,
            offline: false,
        };
        let s = sale(vec![line("Vara", SoldBy::Each, dec!(1), 5000, 0)], vec![card, cash]);
        let (refunds, rounding) = plan_refunds(&s, &[], Money::from_ore(4050));
        assert_eq!(refunds[0].method, TenderMethod::Card);
        assert_eq!(refunds[0].amount, Money::from_ore(3000));
        assert_eq!(refunds[0].reference.as_deref(), Some("A1"));
        assert_eq!(refunds[1].method, TenderMethod::Cash);
        assert_eq!(refunds[1].amount, Money::from_ore(1100), "10,50 in cash rounds to 11 kr");
        assert_eq!(rounding, Money::from_ore(50));
        // A second return finds the card used up and refunds in cash.
        let (again, _) = plan_refunds(&s, &refunds, Money::from_ore(900));
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].method, TenderMethod::Cash);
        assert_eq!(again[0].amount, Money::from_ore(900));
        // A card refund the terminal refuses becomes cash.
        let (cash_only, r) = refund_in_cash_instead(&refunds, 0, Money::from_ore(4050));
        assert_eq!(cash_only.len(), 1);
        assert_eq!(cash_only[0].amount, Money::from_ore(4100));
        assert_eq!(r, Money::from_ore(50));
    }
}
