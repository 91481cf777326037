//! Price files: the CSV and JSON formats a store imports its catalog from (documented in
//! `docs/price-file.md`), parsed and checked row by row.
//!
//! Parsing never stops at the first problem: every bad row is named with what is wrong, in
//! English and Swedish, so a manager can fix the file in one go. Whether anything is applied
//! is the backend's decision (all or nothing).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::barcode::{self, Embedded, Scan};
use crate::cart::SoldBy;
use crate::money::Money;
use crate::vat::VatCategory;

/// The columns of a price file, in the order the documentation lists them.
pub const COLUMNS: [&str; 6] = ["code", "plu", "name", "price", "sold_by", "vat_category"];

const MAX_NAME: usize = 100;
const MAX_PRICE_ORE: i64 = 99_999_999;

/// An item as a price file (or the demo seed) gives it. `code` is normalised (UPC-A as
/// EAN-13; a variable-measure code as its lookup code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub code: Option<String>,
    pub plu: Option<String>,
    pub name: String,
    pub price: Money,
    pub sold_by: SoldBy,
    pub vat_category: VatCategory,
}

/// One good row of a price file, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub row: usize,
    pub item: NewItem,
}

/// A problem with one row (or, with row 0, with the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowError {
    /// The line in a CSV file (the header is line 1) or the item number in a JSON file.
    #[ts(type = "number")]
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
    pub message_sv: String,
}

impl RowError {
    pub fn new(row: usize, column: Option<&str>, message: String, message_sv: String) -> RowError {
        RowError { row, column: column.map(str::to_string), message, message_sv }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// By file name: `.json` is JSON, anything else CSV.
    pub fn from_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") { Format::Json } else { Format::Csv }
    }
}

/// Parses and checks a whole file. `Ok` holds every row; `Err` every problem found.
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<PriceRow>, Vec<RowError>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![RowError::new(
            0,
            None,
            "The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel) and try again".into(),
            "Filen är inte UTF-8-text. Spara den som UTF-8 (CSV UTF-8 i Excel) och försök igen".into(),
        )]);
    };
    let text = text.trim_start_matches('\u{feff}');
    let raw = match format {
        Format::Csv => csv_rows(text)?,
        Format::Json => json_rows(text)?,
    };
    if raw.is_empty() {
        return Err(vec![RowError::new(
            0,
            None,
            "The file has no items".into(),
            "Filen innehåller inga varor".into(),
        )]);
    }
    let mut rows = Vec::with_capacity(raw.len());
    let mut errors = Vec::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    let mut plus: HashMap<String, usize> = HashMap::new();
    for r in raw {
        match check(&r) {
            Ok(row) => {
                let mut dup = false;
                if let Some(code) = &row.item.code
                    && let Some(first) = codes.insert(code.clone(), row.row)
                {
                    errors.push(RowError::new(
                        row.row,
                        Some("code"),
                        format!("The code {code} is also on row {first}"),
                        format!("Koden {code} finns också på rad {first}"),
                    ));
                    dup = true;
                }
                if let Some(plu) = &row.item.plu
                    && let Some(first) = plus.insert(plu.clone(), row.row)
                {
                    errors.push(RowError::new(
                        row.row,
                        Some("plu"),
                        format!("The PLU {plu} is also on row {first}"),
                        format!("PLU {plu} finns också på rad {first}"),
                    ));
                    dup = true;
                }
                if !dup {
                    rows.push(row);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// A row as text fields, before checking.
#[derive(Debug, Default)]
struct RawRow {
    row: usize,
    fields: HashMap<&'static str, String>,
}

fn csv_rows(text: &str) -> Result<Vec<RawRow>, Vec<RowError>> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![file_error(&e.to_string())]),
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut missing = Vec::new();
    for col in COLUMNS {
        match header.iter().position(|h| h == col) {
            Some(i) => {
                index.insert(col, i);
            }
            None if col == "code" || col == "plu" => {}
            None => missing.push(col),
        }
    }
    if !index.contains_key("code") && !index.contains_key("plu") {
        missing.insert(0, "code");
    }
    if !missing.is_empty() {
        let cols = missing.join(", ");
        return Err(vec![RowError::new(
            1,
            None,
            format!("The header row lacks the column(s) {cols}. The columns are: {}", COLUMNS.join(", ")),
            format!("Rubrikraden saknar kolumnen/kolumnerna {cols}. Kolumnerna är: {}", COLUMNS.join(", ")),
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(rec) => {
                let row = rec.position().map_or(0, |p| p.line() as usize);
                if rec.iter().all(str::is_empty) {
                    continue;
                }
                let fields = index
                    .iter()
                    .map(|(&col, &i)| (col, rec.get(i).unwrap_or_default().to_string()))
                    .collect();
                rows.push(RawRow { row, fields });
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                errors.push(RowError::new(
                    row,
                    None,
                    format!("The row cannot be read as CSV: {e}"),
                    format!("Raden går inte att läsa som CSV: {e}"),
                ));
            }
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

fn file_error(detail: &str) -> RowError {
    RowError::new(
        0,
        None,
        format!("The file cannot be read: {detail}"),
        format!("Filen går inte att läsa: {detail}"),
    )
}

fn json_rows(text: &str) -> Result<Vec<RawRow>, Vec<RowError>> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| vec![file_error(&e.to_string())])?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut o) => match o.remove("items") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return Err(vec![file_error("expected a list of items, or an object with \"items\"")]),
        },
        _ => return Err(vec![file_error("expected a list of items, or an object with \"items\"")]),
    };
    let mut rows = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let row = i + 1;
        let serde_json::Value::Object(obj) = item else {
            errors.push(RowError::new(
                row,
                None,
                "The item is not an object".into(),
                "Varan är inte ett objekt".into(),
            ));
            continue;
        };
        let mut fields = HashMap::new();
        for (key, v) in obj {
            let Some(col) = COLUMNS.iter().find(|c| **c == key) else {
                errors.push(RowError::new(
                    row,
                    Some(&key),
                    format!("Unknown field \"{key}\". The fields are: {}", COLUMNS.join(", ")),
                    format!("Okänt fält \"{key}\". Fälten är: {}", COLUMNS.join(", ")),
                ));
                continue;
            };
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => {
                    fields.insert(*col, s.trim().to_string());
                }
                other => errors.push(RowError::new(
                    row,
                    Some(col),
                    format!("{col} must be text in quotes, like \"12.50\" (got {other})"),
                    format!("{col} ska vara text inom citattecken, som \"12.50\" (fick {other})"),
                )),
            }
        }
        rows.push(RawRow { row, fields });
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

fn check(r: &RawRow) -> Result<PriceRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let get = |col: &str| r.fields.get(col).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut err = |col: &str, en: String, sv: String| errors.push(RowError::new(r.row, Some(col), en, sv));

    let name = match get("name") {
        None => {
            err("name", "The name is empty".into(), "Namnet är tomt".into());
            None
        }
        Some(n) if n.chars().count() > MAX_NAME => {
            err(
                "name",
                format!("The name is longer than {MAX_NAME} characters"),
                format!("Namnet är längre än {MAX_NAME} tecken"),
            );
            None
        }
        Some(n) => Some(n.to_string()),
    };
    let price = match get("price").map(Money::parse) {
        None => {
            err("price", "The price is empty".into(), "Priset är tomt".into());
            None
        }
        Some(Ok(p)) if p.is_negative() || p > Money::from_ore(MAX_PRICE_ORE) => {
            err(
                "price",
                format!("The price {p} is out of range (0 to 999 999,99)"),
                format!("Priset {p} är utanför intervallet (0 till 999 999,99)"),
            );
            None
        }
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => {
            let raw = get("price").unwrap_or_default();
            err(
                "price",
                format!("\"{raw}\" is not a price: write it like 12.50 or 12,50"),
                format!("\"{raw}\" är inget pris: skriv som 12,50 eller 12.50"),
            );
            None
        }
    };
    let sold_by = match get("sold_by").map(|s| (s, SoldBy::parse(&s.to_ascii_lowercase()))) {
        Some((_, Some(k))) => Some(k),
        other => {
            let raw = other.map(|(s, _)| s).unwrap_or_default();
            err(
                "sold_by",
                format!("\"{raw}\" is not a unit: use each, weight or label_price"),
                format!("\"{raw}\" är ingen enhet: använd each, weight eller label_price"),
            );
            None
        }
    };
    let vat_category = match get("vat_category").map(|s| (s, VatCategory::parse(&s.to_ascii_lowercase()))) {
        Some((_, Some(c))) => Some(c),
        other => {
            let raw = other.map(|(s, _)| s).unwrap_or_default();
            err(
                "vat_category",
                format!("\"{raw}\" is not a VAT category: use food, standard, books_press or restaurant"),
                format!(
                    "\"{raw}\" är ingen momskategori: använd food, standard, books_press eller restaurant"
                ),
            );
            None
        }
    };
    let plu = match get("plu") {
        Some(p) if p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.to_string()),
        Some(p) => {
            err(
                "plu",
                format!("\"{p}\" is not a PLU number: use 1 to 6 digits"),
                format!("\"{p}\" är inget PLU-nummer: använd 1 till 6 siffror"),
            );
            None
        }
        None => None,
    };
    let code = match get("code").map(|c| (c, barcode::parse(c))) {
        None => None,
        Some((_, Err(e))) => {
            err("code", e.to_string(), crate::barcode::message_sv(&e));
            None
        }
        Some((_, Ok(Scan::Article { gtin }))) => Some(gtin),
        Some((raw, Ok(Scan::VariableMeasure { scanned, lookup, value }))) => {
            if scanned != lookup {
                err(
                    "code",
                    format!(
                        "{raw} is a weight or price label with a value; give the item number with the value digits as zeros ({lookup})"
                    ),
                    format!(
                        "{raw} är en vikt- eller prisetikett med ett värde; ange varunumret med nollor som värdesiffror ({lookup})"
                    ),
                );
                None
            } else {
                match (value, sold_by) {
                    (_, Some(SoldBy::Each)) => {
                        err(
                            "code",
                            format!(
                                "{raw} is a weight or price label code, so the item must be sold by weight or label price"
                            ),
                            format!(
                                "{raw} är en vikt- eller prisetikettskod, så varan måste säljas per vikt eller etikettpris"
                            ),
                        );
                        None
                    }
                    (Embedded::WeightKg(_), Some(SoldBy::LabelPrice)) => {
                        err(
                            "code",
                            format!("{raw} is a weight label code, so the item must be sold by weight"),
                            format!("{raw} är en viktetikettskod, så varan måste säljas per vikt"),
                        );
                        None
                    }
                    _ => Some(lookup),
                }
            }
        }
    };
    if get("code").is_none() && get("plu").is_none() {
        err(
            "code",
            "The item needs a barcode (code) or a PLU number".into(),
            "Varan behöver en streckkod (code) eller ett PLU-nummer".into(),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match (name, price, sold_by, vat_category) {
        (Some(name), Some(price), Some(sold_by), Some(vat_category)) => {
            Ok(PriceRow { row: r.row, item: NewItem { code, plu, name, price, sold_by, vat_category } })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_decimal_commas_parses() {
        let file = "code;plu;name;price;sold_by;vat_category\n7310865004703;;Mjölk 1,5 %;18,95;each;food\n;4011;Bananer;24,90;weight;food\n036000291452;;Importerad;10.00;each;standard\n";
        let rows = parse(file.as_bytes(), Format::Csv).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].item.price, Money::from_ore(1895));
        assert_eq!(rows[0].item.name, "Mjölk 1,5 %");
        assert_eq!(rows[1].item.plu.as_deref(), Some("4011"));
        assert_eq!(rows[1].item.code, None);
        assert_eq!(rows[2].item.code.as_deref(), Some("0036000291452"), "UPC-A is stored as EAN-13");
    }

    #[test]
    fn every_bad_row_is_named_with_its_line() {
        let file = "code,plu,name,price,sold_by,vat_category\n\
                    7310865004703,,Mjölk,18.95,each,food\n\
                    7310865004704,,Fel kontrollsiffra,10,each,food\n\
                    ,,Ingen kod,10,each,food\n\
                    7310865004703,,Dubblett,10,each,food\n\
                    2300012000007,,Vikt som styck,10,each,food\n\
                    7312345678909,,,12.345,pieces,luxury\n";
        let errors = parse(file.as_bytes(), Format::Csv).unwrap_err();
        let at = |row: usize| {
            errors
                .iter()
                .filter(|e| e.row == row)
                .map(|e| e.column.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert_eq!(at(2), Vec::<String>::new());
        assert_eq!(at(3), ["code"]);
        assert_eq!(at(4), ["code"]);
        assert_eq!(at(5), ["code"]);
        assert!(errors.iter().any(|e| e.row == 5 && e.message.contains("row 2")));
        assert_eq!(at(6), ["code"]);
        let mut seven = at(7);
        seven.sort();
        assert_eq!(seven, ["name", "price", "sold_by", "vat_category"]);
        assert!(errors.iter().all(|e| !e.message_sv.is_empty()));
    }

    #[test]
    fn json_takes_a_list_or_items_and_refuses_number_prices() {
        let list = r#"[{"code": "7310865004703", "name": "Mjölk", "price": "18.95", "sold_by": "each", "vat_category": "food"},
                       {"plu": "4011", "code": null, "name": "Bananer", "price": "24.90", "sold_by": "weight", "vat_category": "food"}]"#;
        assert_eq!(parse(list.as_bytes(), Format::Json).unwrap().len(), 2);
        let wrapped = format!(r#"{{"items": {list}}}"#);
        assert_eq!(parse(wrapped.as_bytes(), Format::Json).unwrap().len(), 2);
        let float = r#"[{"code": "7310865004703", "name": "Mjölk", "price": 18.95, "sold_by": "each", "vat_category": "food", "colour": "red"}]"#;
        let errors = parse(float.as_bytes(), Format::Json).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().any(|e| e.column.as_deref() == Some("price")));
        assert!(errors.iter().any(|e| e.column.as_deref() == Some("colour")));
        assert!(parse(b"{not json", Format::Json).unwrap_err()[0].row == 0);
    }

    #[test]
    fn the_documented_examples_parse() {
        let doc = include_str!("../../../docs/price-file.md");
        let block = |fence: &str| {
            let start = doc.find(fence).unwrap() + fence.len();
            &doc[start..start + doc[start..].find("```").unwrap()]
        };
        assert_eq!(parse(block("```csv\n").as_bytes(), Format::Csv).unwrap().len(), 4);
        assert_eq!(parse(block("```json\n").as_bytes(), Format::Json).unwrap().len(), 2);
    }

    #[test]
    fn a_missing_column_is_one_clear_error() {
        let errors = parse(b"code,name,price\n7310865004703,Mjolk,1\n", Format::Csv).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("sold_by, vat_category"));
        assert!(parse(&[0xff, 0xfe, 0x00], Format::Csv).unwrap_err()[0].message.contains("UTF-8"));
    }
}
