//! A completed sale: the registration that goes into the journal, and the rule that its books
//! balance (lines = total; tenders − change = total + rounding).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{PricedCart, PricedLine};
use crate::money::Money;
use crate::staff::StaffRef;
use crate::vat::VatLine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TenderMethod {
    Cash,
}

impl TenderMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderMethod::Cash => "cash",
        }
    }

    pub fn parse(s: &str) -> Option<TenderMethod> {
        (s == "cash").then_some(TenderMethod::Cash)
    }

    /// The word on a Swedish receipt.
    pub fn receipt_label(self) -> &'static str {
        match self {
            TenderMethod::Cash => "Kontant",
        }
    }
}

/// One payment towards a sale. `amount` is what it pays of the sale; for cash, `tendered` is
/// what the customer handed over and `change` what they got back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Tender {
    pub method: TenderMethod,
    pub amount: Money,
    pub tendered: Money,
    pub change: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    #[error("There is nothing to pay for: scan an item first")]
    EmptySale,
    #[error("{tendered} kr is less than the {due} kr to pay in cash")]
    InsufficientCash { due: String, tendered: String },
    #[error("The amount tendered cannot be negative")]
    Negative,
}

/// Settles a priced cart in cash: the total is rounded to whole kronor first.
pub fn settle_cash(cart: &PricedCart, tendered: Money) -> Result<Tender, TenderError> {
    if cart.lines.is_empty() {
        return Err(TenderError::EmptySale);
    }
    if tendered.is_negative() {
        return Err(TenderError::Negative);
    }
    if tendered < cart.cash_total {
        return Err(TenderError::InsufficientCash {
            due: cart.cash_total.to_swedish(),
            tendered: tendered.to_swedish(),
        });
    }
    Ok(Tender {
        method: TenderMethod::Cash,
        amount: cart.cash_total,
        tendered,
        change: tendered - cart.cash_total,
    })
}

/// A completed sale as registered. Its JSON (field order as declared here) is the journal
/// payload, so the field order is part of the journal format: append, never reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sale {
    pub register_id: String,
    #[ts(type = "number")]
    pub receipt_no: i64,
    #[ts(type = "string")]
    pub completed_at: Timestamp,
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub vat: Vec<VatLine>,
    /// Cash rounding (`cash − total`); zero when nothing was paid in cash.
    pub rounding: Money,
    pub tenders: Vec<Tender>,
    /// Who sold it.
    pub cashier: StaffRef,
}

/// A line taken off a sale in progress: a registration of its own (kind `void`), naming the
/// cashier and, when the step needed it, the manager who approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidedLine {
    pub register_id: String,
    pub at: Timestamp,
    pub line: crate::cart::CartLine,
    pub cashier: StaffRef,
    pub approved_by: Option<StaffRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BalanceError {
    #[error("The lines add up to {lines} but the total is {total}")]
    Lines { lines: Money, total: Money },
    #[error("The payments ({paid}) do not equal the total plus rounding ({due})")]
    Tenders { paid: Money, due: Money },
    #[error("The VAT per rate ({vat_gross}) does not add up to the total ({total})")]
    Vat { vat_gross: Money, total: Money },
    #[error("A cash payment's tendered minus change ({net}) differs from its amount ({amount})")]
    Change { net: Money, amount: Money },
}

impl Sale {
    /// Assembles the sale from a priced cart and its tenders. Refuses books that do not balance.
    pub fn complete(
        register_id: &str,
        receipt_no: i64,
        completed_at: Timestamp,
        cart: PricedCart,
        tenders: Vec<Tender>,
        cashier: StaffRef,
    ) -> Result<Sale, BalanceError> {
        let rounding = if tenders.iter().any(|t| t.method == TenderMethod::Cash) {
            cart.cash_rounding
        } else {
            Money::ZERO
        };
        let sale = Sale {
            register_id: register_id.to_string(),
            receipt_no,
            completed_at,
            lines: cart.lines,
            total: cart.total,
            vat: cart.vat,
            rounding,
            tenders,
            cashier,
        };
        sale.check_balanced()?;
        Ok(sale)
    }

    pub fn check_balanced(&self) -> Result<(), BalanceError> {
        let lines: Money = self.lines.iter().map(|l| l.line.line_total).sum();
        if lines != self.total {
            return Err(BalanceError::Lines { lines, total: self.total });
        }
        let vat_gross: Money = self.vat.iter().map(|v| v.gross).sum();
        if vat_gross != self.total {
            return Err(BalanceError::Vat { vat_gross, total: self.total });
        }
        for t in &self.tenders {
            if t.tendered - t.change != t.amount {
                return Err(BalanceError::Change { net: t.tendered - t.change, amount: t.amount });
            }
        }
        let paid: Money = self.tenders.iter().map(|t| t.amount).sum();
        if paid != self.total + self.rounding {
            return Err(BalanceError::Tenders { paid, due: self.total + self.rounding });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::{CartLine, SoldBy};
    use crate::rounding::cash_rounding;
    use crate::vat::{VatCategory, split_by_rate};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn cart_of(prices_ore: &[i64]) -> PricedCart {
        let lines: Vec<PricedLine> = prices_ore
            .iter()
            .enumerate()
            .map(|(i, &p)| PricedLine {
                line: CartLine {
                    product_id: i as i64,
                    code: String::new(),
                    name: format!("Vara {i}"),
                    sold_by: SoldBy::Each,
                    quantity: Decimal::ONE,
                    unit_price: Money::from_ore(p),
                    line_total: Money::from_ore(p),
                    vat_category: VatCategory::Food,
                },
                vat_percent: if i % 2 == 0 { Decimal::new(6, 0) } else { Decimal::new(25, 0) },
            })
            .collect();
        let total: Money = lines.iter().map(|l| l.line.line_total).sum();
        let vat = split_by_rate(lines.iter().map(|l| (l.vat_percent, l.line.line_total)));
        let (cash_total, cash_rounding) = cash_rounding(total);
        PricedCart { lines, total, vat, cash_total, cash_rounding }
    }

    #[test]
    fn cash_less_than_the_rounded_total_is_refused() {
        let cart = cart_of(&[1049]); // 10,49 → 10 in cash
        assert!(settle_cash(&cart, Money::from_kronor(10)).is_ok());
        assert!(matches!(
            settle_cash(&cart, Money::from_ore(999)),
            Err(TenderError::InsufficientCash { .. })
        ));
        assert_eq!(settle_cash(&cart_of(&[]), Money::from_kronor(10)), Err(TenderError::EmptySale));
    }

    #[test]
    fn a_tampered_sale_does_not_balance() {
        let cart = cart_of(&[1050, 2000]);
        let tender = settle_cash(&cart, Money::from_kronor(50)).unwrap();
        let mut sale = Sale::complete(
            "K1",
            1,
            Timestamp::UNIX_EPOCH,
            cart,
            vec![tender],
            StaffRef { id: 1, name: "Test".into() },
        )
        .unwrap();
        sale.tenders[0].change = sale.tenders[0].change + Money::from_ore(1);
        assert!(matches!(sale.check_balanced(), Err(BalanceError::Change { .. })));
    }

    proptest! {
        #[test]
        fn every_cash_sale_balances(prices in prop::collection::vec(1i64..500_000, 1..40), extra in 0i64..100_000) {
            let cart = cart_of(&prices);
            let tendered = cart.cash_total + Money::from_ore(extra);
            let tender = settle_cash(&cart, tendered).unwrap();
            let sale = Sale::complete("K1", 1, Timestamp::UNIX_EPOCH, cart, vec![tender], StaffRef { id: 1, name: "Test".into() }).unwrap();
            prop_assert!(sale.check_balanced().is_ok());
            prop_assert!(sale.rounding.as_decimal().abs() < Decimal::new(50, 2) || sale.rounding == Money::from_ore(50));
            prop_assert_eq!(sale.tenders[0].amount.as_decimal().fract(), Decimal::ZERO);
        }
    }
}
