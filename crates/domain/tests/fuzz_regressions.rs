//! Inputs the fuzz targets (fuzz/, docs/faults.md "Fuzzing") found to crash, kept as plain
//! tests so that `cargo test` guards them without libFuzzer.
#![allow(clippy::unwrap_used)]

use storekeep_domain::Money;
use storekeep_domain::money::MoneyError;
use storekeep_domain::report::GrandTotals;
use storekeep_domain::tally::Tally;

const HUGE: &str = "79228162514264337593543950335";

/// A sale whose one line has the given quantity, line total and discount.
fn sale(quantity: &str, line_total: &str, discount: &str) -> String {
    let line = format!(
        r#"{{"vat_category":"food","sold_by":"each","quantity":"{quantity}","line_total":"{line_total}","discount_amount":"{discount}"}}"#
    );
    format!(
        r#"{{"receipt_no":1,"lines":[{line},{line}],"total":"1.00","vat":[],"rounding":"0.00","tenders":[]}}"#
    )
}

/// `journal verify` reading a (re-hashed, tampered) sale with amounts near `Decimal::MAX`
/// panicked with "Subtraction overflowed" while netting the line's discount. An amount with
/// more than 14 digits of kronor is now not an amount, so the entry is reported as unreadable.
#[test]
fn a_registration_with_amounts_beyond_any_till_is_unreadable_not_a_panic() {
    assert!(Tally::of("sale", &sale("1", HUGE, &format!("-{HUGE}"))).is_err());
    assert!(matches!(Money::parse(HUGE), Err(MoneyError::TooLarge(_))));
    // The largest amount that reads nets and adds up without overflow, exact to the öre.
    let max = "99999999999999.99";
    let t = Tally::of("sale", &sale("1", max, &format!("-{max}"))).unwrap();
    assert_eq!(t.groups["food"], Money::from_ore(39_999_999_999_999_996));
}

/// The same for a stored tally read back beside its entry: the grand totals subtracted
/// returns from sales and overflowed.
#[test]
fn a_stored_tally_beyond_any_till_is_refused_not_a_panic() {
    let stored = format!(r#"{{"sales":"{HUGE}","returns_amount":"-{HUGE}"}}"#);
    assert!(Tally::from_stored(&stored).is_err());
    let ok =
        Tally::from_stored(r#"{"sales":"99999999999999.99","returns_amount":"-99999999999999.99"}"#).unwrap();
    assert_eq!(GrandTotals::default().after(&ok).net, Money::from_ore(19_999_999_999_999_998));
}

/// A sale with two lines of 9·10^18 pieces overflowed the goods count (a panic in a debug
/// build, a wrapped negative count in a release build). The count now saturates.
#[test]
fn absurd_quantities_saturate_the_goods_count() {
    let t = Tally::of("sale", &sale("9000000000000000000", "1.00", "0.00")).unwrap();
    assert_eq!(t.goods, i64::MAX);
    let mut sum = t.clone();
    sum.add(&t);
    assert_eq!(sum.goods, i64::MAX);
}
