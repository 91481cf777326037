//! The price-file importer on arbitrary bytes, read as both formats it accepts (CSV and JSON):
//! never a panic; every problem named in both languages; and a file it accepts holds only
//! rows that keep the catalog's rules and that read back the same when written out again in
//! either format.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use storekeep_domain::Money;
use storekeep_domain::barcode::{self, check_digit};
use storekeep_domain::catalog_file::{COLUMNS, Format, NewItem, PriceRow, parse};

fn check_rows(rows: &[PriceRow]) {
    assert!(!rows.is_empty(), "an accepted file has items");
    let (mut codes, mut plus) = (HashSet::new(), HashSet::new());
    for r in rows {
        let i = &r.item;
        assert!(!i.name.is_empty() && i.name.trim() == i.name && i.name.chars().count() <= 100, "{i:?}");
        assert!(!i.price.is_negative() && i.price <= Money::from_ore(99_999_999), "{i:?}");
        assert_eq!(Money::parse(&i.price.to_string()), Ok(i.price), "the price has whole öre");
        assert!(i.code.is_some() || i.plu.is_some(), "{i:?}: neither code nor PLU");
        if let Some(code) = &i.code {
            // Stored normalised: a code that is already its own lookup code, check digit good.
            let d: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
            assert_eq!(check_digit(&d[..d.len() - 1]), d[d.len() - 1], "{code}");
            assert_eq!(barcode::parse(code).expect("a stored code parses").lookup_code(), code);
            assert!(codes.insert(code.clone()), "{code} twice");
        }
        if let Some(plu) = &i.plu {
            assert!((1..=6).contains(&plu.len()) && plu.bytes().all(|b| b.is_ascii_digit()), "{plu:?}");
            assert!(plus.insert(plu.clone()), "PLU {plu} twice");
        }
    }
}

fn fields(i: &NewItem) -> [String; 6] {
    [
        i.code.clone().unwrap_or_default(),
        i.plu.clone().unwrap_or_default(),
        i.name.clone(),
        i.price.to_string(),
        i.sold_by.as_str().to_string(),
        i.vat_category.as_str().to_string(),
    ]
}

fn as_csv(items: &[NewItem]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("header");
    for i in items {
        w.write_record(fields(i)).expect("row");
    }
    w.into_inner().expect("csv")
}

fn as_json(items: &[NewItem]) -> Vec<u8> {
    let list: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            let obj = COLUMNS.iter().zip(fields(i)).filter(|(_, v)| !v.is_empty());
            serde_json::Value::Object(obj.map(|(k, v)| (k.to_string(), v.into())).collect())
        })
        .collect();
    serde_json::to_vec(&list).expect("json")
}

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::Json] {
        match parse(data, format) {
            Ok(rows) => {
                check_rows(&rows);
                let items: Vec<NewItem> = rows.into_iter().map(|r| r.item).collect();
                for (again, bytes) in [(Format::Csv, as_csv(&items)), (Format::Json, as_json(&items))] {
                    let back = parse(&bytes, again).unwrap_or_else(|e| {
                        panic!(
                            "{again:?} written from accepted rows is refused: {e:?}\n{}",
                            String::from_utf8_lossy(&bytes)
                        )
                    });
                    let back: Vec<NewItem> = back.into_iter().map(|r| r.item).collect();
                    assert_eq!(back, items, "{again:?} does not read back the same");
                }
            }
            Err(errors) => {
                assert!(!errors.is_empty(), "a refusal names at least one problem");
                for e in &errors {
                    assert!(!e.message.is_empty() && !e.message_sv.is_empty(), "{e:?}");
                }
            }
        }
    }
});
