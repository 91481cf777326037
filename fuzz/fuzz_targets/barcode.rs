//! The barcode parser on whatever a scanner or a person types: never a panic, and whatever it
//! accepts is a well-formed GTIN with a correct check digit whose lookup code parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storekeep_domain::Money;
use storekeep_domain::barcode::{self, BarcodeError, Embedded, Scan, check_digit, with_check_digit};

fn digits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

/// A GTIN of 8 or 13 digits whose last digit is the check digit of the others.
fn assert_valid_gtin(code: &str) {
    assert!(matches!(code.len(), 8 | 13), "{code:?}: a GTIN has 8 or 13 digits");
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code:?}: not all digits");
    let d = digits(code);
    let (data, check) = d.split_at(d.len() - 1);
    assert_eq!(check_digit(data), check[0], "{code:?}: wrong check digit accepted");
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let code = input.trim();
    match barcode::parse(input) {
        Ok(scan) => {
            // Only digits, 8, 12 or 13 of them, reach Ok; UPC-A gains a leading zero.
            let expected = if code.len() == 12 { format!("0{code}") } else { code.to_string() };
            match &scan {
                Scan::Article { gtin } => {
                    assert_eq!(*gtin, expected);
                    assert_valid_gtin(gtin);
                }
                Scan::VariableMeasure { scanned, lookup, value } => {
                    assert_eq!(*scanned, expected);
                    assert_valid_gtin(scanned);
                    assert_valid_gtin(lookup);
                    assert!(scanned.len() == 13 && (b'0'..=b'5').contains(&scanned.as_bytes()[1]));
                    assert!(scanned.starts_with('2'));
                    assert_eq!(lookup[..8], scanned[..8], "the item digits are kept");
                    assert_eq!(&lookup[8..12], "0000", "the value digits are zeroed");
                    match value {
                        Embedded::Price(p) => {
                            assert!(!p.is_negative() && *p <= Money::from_ore(999_900), "{p:?}")
                        }
                        Embedded::WeightKg(kg) => {
                            assert!(!kg.is_sign_negative() && kg.scale() <= 3, "{kg}")
                        }
                    }
                }
            }
            // The lookup code is a fixed point: what the catalog stores parses to itself.
            let again = barcode::parse(scan.lookup_code()).expect("a lookup code must parse");
            assert_eq!(again.lookup_code(), scan.lookup_code());
        }
        Err(BarcodeError::Empty) => assert!(code.is_empty()),
        Err(BarcodeError::NotDigits(c)) => {
            assert_eq!(c, code);
            assert!(c.bytes().any(|b| !b.is_ascii_digit()));
        }
        Err(BarcodeError::WrongLength { code: c, len }) => {
            assert_eq!(c, code);
            assert_eq!(len, c.len());
            assert!(!matches!(len, 8 | 12 | 13));
        }
        Err(e @ BarcodeError::BadCheckDigit { .. }) => {
            let BarcodeError::BadCheckDigit { code: c, expected } = &e else { unreachable!() };
            assert_eq!(c, code);
            assert!(*expected <= 9);
            assert_ne!(c.as_bytes()[c.len() - 1] - b'0', *expected);
            // Putting the digit the message names in its place makes the code good.
            let fixed = format!("{}{expected}", &c[..c.len() - 1]);
            assert!(barcode::parse(&fixed).is_ok(), "{fixed:?}: the suggested check digit is wrong");
            assert!(!barcode::message_sv(&e).is_empty());
        }
    }
    // Any 7, 11 or 12 data digits with their check digit appended are a good code.
    if matches!(code.len(), 7 | 11 | 12) && code.bytes().all(|b| b.is_ascii_digit()) {
        let full = with_check_digit(code);
        assert!(barcode::parse(&full).is_ok(), "{full:?}: with_check_digit made a bad code");
    }
});
