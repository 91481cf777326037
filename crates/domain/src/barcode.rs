//! GS1 barcodes as a Swedish store meets them (DOMAIN.md §5).
//!
//! A scan is parsed into a [`Scan`]: either a plain article number (EAN-13, EAN-8, UPC-A,
//! normalised to a GTIN string) or a Swedish variable-measure code (prefixes 20–25) carrying
//! an embedded price or weight. The catalog is always looked up by [`Scan::lookup_code`].

use rust_decimal::Decimal;

use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("Nothing was scanned")]
    Empty,
    #[error("\"{0}\" is not a barcode: only digits are allowed")]
    NotDigits(String),
    #[error("\"{code}\" has {len} digits; a barcode has 8, 12 or 13")]
    WrongLength { code: String, len: usize },
    #[error(
        "\"{code}\" has a wrong check digit (the last digit should be {expected}); scan it again or type it carefully"
    )]
    BadCheckDigit { code: String, expected: u8 },
}

/// The message in Swedish (English is the `Display`).
pub fn message_sv(e: &BarcodeError) -> String {
    match e {
        BarcodeError::Empty => "Inget skannades".into(),
        BarcodeError::NotDigits(c) => {
            format!("\"{c}\" är ingen streckkod: bara siffror är tillåtna")
        }
        BarcodeError::WrongLength { code, len } => {
            format!("\"{code}\" har {len} siffror; en streckkod har 8, 12 eller 13")
        }
        BarcodeError::BadCheckDigit { code, expected } => format!(
            "\"{code}\" har fel kontrollsiffra (sista siffran ska vara {expected}); skanna igen eller skriv koden noga"
        ),
    }
}

/// What the embedded value of a variable-measure code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    /// The label carries the price of this item.
    Price(Money),
    /// The label carries the weight in kilograms (three decimals at most).
    WeightKg(Decimal),
}

/// A parsed scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// A normal article number; `gtin` is 13 digits (EAN-8 keeps its 8 digits).
    Article { gtin: String },
    /// A Swedish variable-measure code; `lookup` is the code with the value digits zeroed and
    /// its check digit recomputed, which is how such items are stored in the catalog.
    VariableMeasure { scanned: String, lookup: String, value: Embedded },
}

impl Scan {
    /// The code to look the item up by.
    pub fn lookup_code(&self) -> &str {
        match self {
            Scan::Article { gtin } => gtin,
            Scan::VariableMeasure { lookup, .. } => lookup,
        }
    }
}

/// GS1 check digit over the data digits (everything but the check digit): weights 3,1,3,…
/// from the rightmost data digit.
pub fn check_digit(data: &[u8]) -> u8 {
    let sum: u32 =
        data.iter().rev().enumerate().map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 3 } else { 1 }).sum();
    ((10 - sum % 10) % 10) as u8
}

/// Appends the check digit to a string of data digits. Panics on non-digits: callers build
/// the data themselves.
pub fn with_check_digit(data: &str) -> String {
    let digits: Vec<u8> = data.bytes().map(|b| b - b'0').collect();
    format!("{data}{}", check_digit(&digits))
}

/// Parses what a scanner (or a person) typed.
pub fn parse(input: &str) -> Result<Scan, BarcodeError> {
    let code = input.trim();
    if code.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BarcodeError::NotDigits(code.to_string()));
    }
    let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
    let gtin = match digits.len() {
        8 | 13 => code.to_string(),
        // UPC-A is an EAN-13 with a leading zero; the check digit is the same.
        12 => format!("0{code}"),
        len => {
            return Err(BarcodeError::WrongLength { code: code.to_string(), len });
        }
    };
    let (data, check) = digits.split_at(digits.len() - 1);
    let expected = check_digit(data);
    if check[0] != expected {
        return Err(BarcodeError::BadCheckDigit { code: code.to_string(), expected });
    }
    Ok(variable_measure(&gtin).unwrap_or(Scan::Article { gtin }))
}

/// Swedish variable-measure numbers: `2X` + 6 more item digits + 4 value digits + check.
fn variable_measure(gtin: &str) -> Option<Scan> {
    if gtin.len() != 13 || !gtin.starts_with('2') {
        return None;
    }
    let kind = gtin.as_bytes()[1] - b'0';
    let value: i64 = gtin[8..12].parse().ok()?;
    let value = match kind {
        0 => Embedded::Price(Money::from_ore(value)),          // 12,34 kr
        1 => Embedded::Price(Money::from_ore(value * 10)),     // 123,4 kr
        2 => Embedded::Price(Money::from_ore(value * 100)),    // 1234 kr
        3 => Embedded::WeightKg(Decimal::new(value, 3)),       // 1,234 kg
        4 => Embedded::WeightKg(Decimal::new(value * 10, 3)),  // 12,34 kg
        5 => Embedded::WeightKg(Decimal::new(value * 100, 3)), // 123,4 kg
        // 26–29 are not defined in Sweden: treat them as plain (store-internal) numbers.
        _ => return None,
    };
    let lookup = with_check_digit(&format!("{}0000", &gtin[..8]));
    Some(Scan::VariableMeasure { scanned: gtin.to_string(), lookup, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn domain_vectors() {
        assert_eq!(check_digit(&digits("629104150021")), 3);
        assert_eq!(check_digit(&digits("123456789012")), 8);
    }

    #[test]
    fn ean13_ean8_upca() {
        assert_eq!(parse("6291041500213").unwrap(), Scan::Article { gtin: "6291041500213".into() });
        // EAN-8: 9638507 → check 4 (a published example).
        assert_eq!(parse("96385074").unwrap(), Scan::Article { gtin: "96385074".into() });
        // UPC-A 036000291452 is EAN-13 0036000291452.
        assert_eq!(parse("036000291452").unwrap(), Scan::Article { gtin: "0036000291452".into() });
    }

    #[test]
    fn each_error_has_its_own_kind() {
        assert_eq!(parse("  "), Err(BarcodeError::Empty));
        assert!(matches!(parse("73-1234"), Err(BarcodeError::NotDigits(_))));
        assert!(matches!(parse("12345"), Err(BarcodeError::WrongLength { len: 5, .. })));
        assert_eq!(
            parse("6291041500214"),
            Err(BarcodeError::BadCheckDigit { code: "6291041500214".into(), expected: 3 })
        );
    }

    #[test]
    fn every_single_digit_error_is_caught() {
        let good = "7310865004703";
        assert!(parse(good).is_ok());
        for pos in 0..13 {
            for d in b'0'..=b'9' {
                let mut b = good.as_bytes().to_vec();
                if b[pos] == d {
                    continue;
                }
                b[pos] = d;
                let s = String::from_utf8(b).unwrap();
                assert!(matches!(parse(&s), Err(BarcodeError::BadCheckDigit { .. })), "{s}");
            }
        }
    }

    #[test]
    fn swedish_variable_measure_codes() {
        let price = with_check_digit("200012341234"); // 20: 12,34 kr
        match parse(&price).unwrap() {
            Scan::VariableMeasure { lookup, value, .. } => {
                assert_eq!(lookup, with_check_digit("200012340000"));
                assert_eq!(value, Embedded::Price(Money::from_ore(1234)));
            }
            other => panic!("{other:?}"),
        }
        let cases = [
            ("21", Embedded::Price(Money::from_ore(12340))),
            ("22", Embedded::Price(Money::from_ore(123400))),
            ("23", Embedded::WeightKg(Decimal::new(1234, 3))),
            ("24", Embedded::WeightKg(Decimal::new(12340, 3))),
            ("25", Embedded::WeightKg(Decimal::new(123400, 3))),
        ];
        for (prefix, want) in cases {
            let code = with_check_digit(&format!("{prefix}5555551234"));
            let Scan::VariableMeasure { value, lookup, .. } = parse(&code).unwrap() else {
                panic!("{code} should be variable measure");
            };
            assert_eq!(value, want, "{code}");
            assert_eq!(lookup, with_check_digit(&format!("{prefix}5555550000")));
        }
        // 26–29 are undefined in Sweden: plain article numbers.
        let code = with_check_digit("265555551234");
        assert_eq!(parse(&code).unwrap(), Scan::Article { gtin: code.clone() });
    }
}
