//! Money in Swedish kronor: an exact decimal with öre, a string on the wire.
//!
//! Invariant: a `Money` always has exactly two decimals (öre). Arithmetic that can produce
//! more (VAT, weight × price) rounds explicitly at the call site through [`Money::round_ore`].

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// An amount in SEK with öre. Serialised as a decimal string such as `"12.50"`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, TS)]
#[ts(type = "string")]
pub struct Money(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("\"{0}\" is not an amount: write it like 125 or 125.50")]
    NotAnAmount(String),
    #[error("{0} has more than two decimals (öre)")]
    TooPrecise(String),
    #[error("{0} is too large: an amount has at most 14 digits before the decimal point")]
    TooLarge(String),
}

/// No amount is this large (10^14 kr): the bound keeps every `Money` exact to the öre, and
/// sums of billions of them within `Decimal`, whose arithmetic panics on overflow. The
/// canonical form read from JSON (at most 14 digits of kronor) stays within it by its length.
const LIMIT_KRONOR: i64 = 100_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds any decimal to whole öre, half away from zero (0.005 → 0.01).
    pub fn round_ore(value: Decimal) -> Money {
        let mut d = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(2);
        Money(d)
    }

    /// Exact amount from öre, e.g. `from_ore(1250)` is 12,50 kr.
    pub fn from_ore(ore: i64) -> Money {
        Money(Decimal::new(ore, 2))
    }

    /// Whole kronor, e.g. `from_kronor(20)` is 20,00 kr.
    pub fn from_kronor(kr: i64) -> Money {
        Money::from_ore(kr * 100)
    }

    /// Parses a user- or file-supplied amount strictly: digits with an optional `.` or `,`
    /// and at most two decimals. Never rounds silently.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim().replace(',', ".");
        let valid_chars = !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && t.chars().filter(|&c| c == '.').count() <= 1
            && !t.starts_with('.')
            && !t.ends_with('.')
            && t.rfind('-').is_none_or(|i| i == 0);
        if !valid_chars {
            return Err(MoneyError::NotAnAmount(text.trim().to_string()));
        }
        let d = Decimal::from_str(&t).map_err(|_| MoneyError::NotAnAmount(text.trim().into()))?;
        if d.normalize().scale() > 2 {
            return Err(MoneyError::TooPrecise(text.trim().to_string()));
        }
        if d.abs() >= Decimal::from(LIMIT_KRONOR) {
            return Err(MoneyError::TooLarge(text.trim().to_string()));
        }
        Ok(Money::round_ore(d))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Swedish presentation: `1 234,50` (no currency sign; receipts add "kr" where needed).
    pub fn to_swedish(self) -> String {
        let s = format!("{:.2}", self.0.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('\u{a0}');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{grouped},{frac}")
    }
}

impl fmt::Display for Money {
    /// The machine form, `1234.50`: used on the wire, in the database and in hashes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Only strings are accepted: a JSON number could already have passed through a float.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        d.deserialize_str(MoneyVisitor)
    }
}

struct MoneyVisitor;

impl serde::de::Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a string, such as \"12.50\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
        match canonical_ore(v) {
            Some(ore) => Ok(Money::from_ore(ore)),
            None => Money::parse(v).map_err(E::custom),
        }
    }
}

/// The form amounts are written in (`-?digits.dd`), read without allocating: registrations
/// are read back far more often than typed.
fn canonical_ore(v: &str) -> Option<i64> {
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let b = digits.as_bytes();
    if b.len() < 4 || b.len() > 17 || b[b.len() - 3] != b'.' {
        return None;
    }
    let mut ore: i64 = 0;
    for (i, &c) in b.iter().enumerate() {
        if i == b.len() - 3 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        ore = ore * 10 + i64::from(c - b'0');
    }
    Some(if negative { -ore } else { ore })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_back_from_json_as_written() {
        for (text, ore) in [("12.50", 1250), ("-0.05", -5), ("0.00", 0), ("1000000.99", 100_000_099)] {
            let m: Money = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(m, Money::from_ore(ore));
            assert_eq!(m.to_string(), text.trim_start_matches("-0.00"));
        }
        // Other forms go through the strict parser; numbers are refused.
        assert_eq!(serde_json::from_str::<Money>("\"12,5\"").unwrap(), Money::from_ore(1250));
        assert!(serde_json::from_str::<Money>("\"1.234\"").is_err());
        assert!(serde_json::from_str::<Money>("12.5").is_err());
        assert!(serde_json::from_str::<Money>("\"1x.00\"").is_err());
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(Money::parse("12").unwrap(), Money::from_ore(1200));
        assert_eq!(Money::parse("12,5").unwrap(), Money::from_ore(1250));
        assert_eq!(Money::parse(" 0.05 ").unwrap(), Money::from_ore(5));
        assert_eq!(Money::parse("-3.10").unwrap(), Money::from_ore(-310));
        for bad in ["", "abc", "1.2.3", "1e3", ".5", "5.", "1-2", "12 kr", "NaN"] {
            assert!(matches!(Money::parse(bad), Err(MoneyError::NotAnAmount(_))), "{bad}");
        }
        assert!(matches!(Money::parse("1.005"), Err(MoneyError::TooPrecise(_))));
        // Trailing zeros beyond öre are exact, not extra precision.
        assert_eq!(Money::parse("1.500").unwrap(), Money::from_ore(150));
        assert_eq!(Money::parse("-99999999999999.99").unwrap(), Money::from_ore(-9_999_999_999_999_999));
        assert!(matches!(Money::parse("100000000000000"), Err(MoneyError::TooLarge(_))));
    }

    #[test]
    fn always_two_decimals_on_the_wire() {
        assert_eq!(Money::from_kronor(5).to_string(), "5.00");
        assert_eq!(serde_json::to_string(&Money::from_ore(1250)).unwrap(), "\"12.50\"");
        assert!(serde_json::from_str::<Money>("12.5").is_err(), "numbers are refused");
        assert_eq!(serde_json::from_str::<Money>("\"12.5\"").unwrap(), Money::from_ore(1250));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round_ore(Decimal::new(12345, 3)), Money::from_ore(1235));
        assert_eq!(Money::round_ore(Decimal::new(-12345, 3)), Money::from_ore(-1235));
        assert_eq!(Money::round_ore(Decimal::new(12344, 3)), Money::from_ore(1234));
    }

    #[test]
    fn swedish_format_groups_thousands() {
        assert_eq!(Money::from_ore(123450).to_swedish(), "1\u{a0}234,50");
        assert_eq!(Money::from_ore(5).to_swedish(), "0,05");
        assert_eq!(Money::from_ore(-100000000).to_swedish(), "-1\u{a0}000\u{a0}000,00");
    }
}
