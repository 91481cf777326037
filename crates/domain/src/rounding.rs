//! Cash rounding (öresavrundning, DOMAIN.md §4): a cash total is rounded to whole kronor,
//! 1–49 öre down and 50–99 öre up. Card, Swish and app payments are never rounded. The
//! difference is its own line on the receipt and in the books.

use rust_decimal::RoundingStrategy;

use crate::money::Money;

/// The amount to take in cash for `total`, and the rounding (`cash − total`, may be negative).
pub fn cash_rounding(total: Money) -> (Money, Money) {
    let whole = total.as_decimal().round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let cash = Money::round_ore(whole);
    (cash, cash - total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_nine_ore_down_fifty_up() {
        let r = |ore| cash_rounding(Money::from_ore(ore));
        assert_eq!(r(1049), (Money::from_ore(1000), Money::from_ore(-49)));
        assert_eq!(r(1050), (Money::from_ore(1100), Money::from_ore(50)));
        assert_eq!(r(1001), (Money::from_ore(1000), Money::from_ore(-1)));
        assert_eq!(r(1099), (Money::from_ore(1100), Money::from_ore(1)));
        assert_eq!(r(1000), (Money::from_ore(1000), Money::ZERO));
        assert_eq!(r(49), (Money::ZERO, Money::from_ore(-49)));
        // A refund rounds symmetrically.
        assert_eq!(r(-1050), (Money::from_ore(-1100), Money::from_ore(-50)));
    }
}
