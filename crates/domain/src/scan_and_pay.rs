//! Scan & Pay: finished purchases from the chain's self-scan app, as the store receives them
//! (an import file, or a POST from the chain's app service; both the format
//! `storekeep-scan-and-pay/1`, documented in `docs/scan-and-pay.md`).
//!
//! The app has taken the money and given the customer a receipt; the store records each
//! purchase (journaled), shows it for the exit check, and reports it as its own payment method.
//! Parsing checks every purchase and names every problem, so the sender can fix them in one go;
//! the backend applies all of a batch or none of it.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog_file::RowError;
use crate::money::Money;

pub const FORMAT: &str = "storekeep-scan-and-pay/1";
/// A batch larger than this is refused whole (the app service sends smaller ones).
pub const MAX_PURCHASES: usize = 1_000;
const MAX_LINES: usize = 500;
const MAX_TEXT: usize = 100;
/// Bounds that keep every product and sum far inside a decimal's range: a forged number is
/// refused, never multiplied.
const MAX_QUANTITY: i64 = 10_000;
const MAX_PRICE_KR: i64 = 1_000_000;

/// One purchase line as the app sold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PurchaseLine {
    /// The item's code (EAN/PLU), if it has one.
    #[serde(default)]
    pub code: Option<String>,
    pub name: String,
    /// Pieces or kilograms, as a decimal string ("2", "0.425").
    #[ts(type = "string")]
    pub quantity: Decimal,
    pub unit_price: Money,
    /// The VAT rate in percent: 25, 12, 6 or 0.
    #[ts(type = "string")]
    pub vat_rate: Decimal,
    /// `quantity × unit_price`, rounded to whole öre.
    pub line_total: Money,
}

/// How the customer paid in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AppPayment {
    /// "card", "swish" or what the app service calls it.
    pub provider: String,
    /// The provider's reference for the payment.
    pub reference: String,
}

/// A finished purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    /// The app's id for the purchase: 1–64 of A–Z a–z 0–9 - _ .
    pub id: String,
    #[ts(type = "string")]
    pub completed_at: Timestamp,
    /// The receipt number the app gave the customer.
    pub app_receipt: String,
    pub lines: Vec<PurchaseLine>,
    pub total: Money,
    pub payment: AppPayment,
}

#[derive(Debug, Deserialize)]
struct RawBatch {
    format: String,
    purchases: Vec<serde_json::Value>,
}

fn err(row: usize, column: Option<&str>, en: impl Into<String>, sv: impl Into<String>) -> RowError {
    RowError::new(row, column, en.into(), sv.into())
}

/// Parses and checks a batch (`{"format": …, "purchases": [...]}`). `now` bounds
/// `completed_at`: a purchase more than five minutes in the future is refused. Rows in the
/// errors are the purchase's place in the list, from 1.
pub fn parse_batch(bytes: &[u8], now: Timestamp) -> Result<Vec<Purchase>, Vec<RowError>> {
    let raw: RawBatch = serde_json::from_slice(bytes).map_err(|e| {
        vec![err(
            0,
            None,
            format!("The file is not a Scan & Pay batch ({e}). See docs/scan-and-pay.md"),
            format!("Filen är inte en Scan & Pay-sändning ({e}). Se docs/scan-and-pay.md"),
        )]
    })?;
    if raw.format != FORMAT {
        return Err(vec![err(
            0,
            Some("format"),
            format!("The format is \"{}\"; this store reads \"{FORMAT}\"", raw.format),
            format!("Formatet är \"{}\"; butiken läser \"{FORMAT}\"", raw.format),
        )]);
    }
    if raw.purchases.is_empty() {
        return Err(vec![err(
            0,
            Some("purchases"),
            "The batch holds no purchases",
            "Sändningen har inga köp",
        )]);
    }
    if raw.purchases.len() > MAX_PURCHASES {
        return Err(vec![err(
            0,
            Some("purchases"),
            format!(
                "The batch holds {} purchases; send at most {MAX_PURCHASES} at a time",
                raw.purchases.len()
            ),
            format!("Sändningen har {} köp; skicka högst {MAX_PURCHASES} åt gången", raw.purchases.len()),
        )]);
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, value) in raw.purchases.into_iter().enumerate() {
        let row = i + 1;
        match serde_json::from_value::<Purchase>(value) {
            Err(e) => errors.push(err(
                row,
                None,
                format!("Purchase {row} cannot be read: {e}"),
                format!("Köp {row} går inte att läsa: {e}"),
            )),
            Ok(p) => {
                let before = errors.len();
                check(&p, row, now, &mut errors);
                if !seen.insert(p.id.clone()) {
                    errors.push(err(
                        row,
                        Some("id"),
                        format!("Purchase {} is in the batch twice", p.id),
                        format!("Köp {} finns två gånger i sändningen", p.id),
                    ));
                }
                if errors.len() == before {
                    out.push(p);
                }
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn check(p: &Purchase, row: usize, now: Timestamp, errors: &mut Vec<RowError>) {
    let id_ok = !p.id.is_empty()
        && p.id.len() <= 64
        && p.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !id_ok {
        errors.push(err(
            row,
            Some("id"),
            format!("Purchase {row}: the id \"{}\" must be 1–64 of A–Z, a–z, 0–9, - _ .", p.id),
            format!("Köp {row}: id \"{}\" ska vara 1–64 tecken av A–Z, a–z, 0–9, - _ .", p.id),
        ));
    }
    if p.completed_at > now + jiff::SignedDuration::from_mins(5) {
        errors.push(err(
            row,
            Some("completed_at"),
            format!("Purchase {}: completed at {} is in the future", p.id, p.completed_at),
            format!("Köp {}: avslutat {} ligger i framtiden", p.id, p.completed_at),
        ));
    }
    let text_ok = |s: &str| !s.trim().is_empty() && s.chars().count() <= MAX_TEXT;
    if !text_ok(&p.app_receipt) || !text_ok(&p.payment.provider) || !text_ok(&p.payment.reference) {
        errors.push(err(
            row,
            Some("payment"),
            format!("Purchase {}: the app receipt, payment provider and reference must be given (at most {MAX_TEXT} characters)", p.id),
            format!("Köp {}: appens kvittonummer, betalsätt och referens måste finnas (högst {MAX_TEXT} tecken)", p.id),
        ));
    }
    if p.lines.is_empty() || p.lines.len() > MAX_LINES {
        errors.push(err(
            row,
            Some("lines"),
            format!("Purchase {}: 1–{MAX_LINES} lines, not {}", p.id, p.lines.len()),
            format!("Köp {}: 1–{MAX_LINES} rader, inte {}", p.id, p.lines.len()),
        ));
    }
    let mut sum = Money::ZERO;
    for (j, l) in p.lines.iter().enumerate() {
        let n = j + 1;
        let rate = l.vat_rate.normalize();
        if ![Decimal::from(25), Decimal::from(12), Decimal::from(6), Decimal::ZERO].contains(&rate) {
            errors.push(err(
                row,
                Some("vat_rate"),
                format!(
                    "Purchase {}, line {n}: the VAT rate {} % is not a Swedish rate (25, 12, 6 or 0)",
                    p.id, l.vat_rate
                ),
                format!(
                    "Köp {}, rad {n}: momssatsen {} % är ingen svensk momssats (25, 12, 6 eller 0)",
                    p.id, l.vat_rate
                ),
            ));
        }
        let in_bounds = l.quantity > Decimal::ZERO
            && l.quantity <= Decimal::from(MAX_QUANTITY)
            && !l.unit_price.is_negative()
            && l.unit_price <= Money::from_kronor(MAX_PRICE_KR)
            && !l.line_total.is_negative()
            && l.line_total <= Money::from_kronor(MAX_PRICE_KR * MAX_QUANTITY);
        if !text_ok(&l.name) || !in_bounds {
            errors.push(err(
                row,
                Some("lines"),
                format!("Purchase {}, line {n}: needs a name, a quantity above zero up to {MAX_QUANTITY} and a price from zero up to {MAX_PRICE_KR} kr", p.id),
                format!("Köp {}, rad {n}: behöver ett namn, ett antal över noll upp till {MAX_QUANTITY} och ett pris från noll upp till {MAX_PRICE_KR} kr", p.id),
            ));
            continue;
        }
        let expected = Money::round_ore(l.quantity * l.unit_price.as_decimal());
        if expected != l.line_total {
            errors.push(err(
                row,
                Some("line_total"),
                format!(
                    "Purchase {}, line {n}: {} × {} is {expected} kr, not {} kr",
                    p.id, l.quantity, l.unit_price, l.line_total
                ),
                format!(
                    "Köp {}, rad {n}: {} × {} är {} kr, inte {} kr",
                    p.id,
                    l.quantity,
                    l.unit_price.to_swedish(),
                    expected.to_swedish(),
                    l.line_total.to_swedish()
                ),
            ));
        }
        sum = sum + l.line_total;
    }
    if sum != p.total {
        errors.push(err(
            row,
            Some("total"),
            format!("Purchase {}: the lines add up to {sum} kr, the total says {} kr", p.id, p.total),
            format!(
                "Köp {}: raderna blir {} kr, totalen säger {} kr",
                p.id,
                sum.to_swedish(),
                p.total.to_swedish()
            ),
        ));
    }
    if p.total <= Money::ZERO {
        errors.push(err(
            row,
            Some("total"),
            format!("Purchase {}: the total must be above zero", p.id),
            format!("Köp {}: totalen måste vara över noll", p.id),
        ));
    }
}

/// What the exit check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExitResult {
    Ok,
    /// The basket did not match the purchase.
    Discrepancy,
}

impl ExitResult {
    pub fn as_str(self) -> &'static str {
        match self {
            ExitResult::Ok => "ok",
            ExitResult::Discrepancy => "discrepancy",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-28T12:00:00Z".parse().unwrap()
    }

    fn batch(purchases: &str) -> Vec<u8> {
        format!("{{\"format\": \"{FORMAT}\", \"purchases\": [{purchases}]}}").into_bytes()
    }

    const GOOD: &str = r#"{"id": "SP-1", "completed_at": "2026-11-28T11:58:00Z", "app_receipt": "A-77",
        "lines": [{"code": "7310865004703", "name": "Mjölk", "quantity": "2", "unit_price": "13.90", "vat_rate": "12", "line_total": "27.80"},
                  {"name": "Lösgodis", "quantity": "0.333", "unit_price": "99.00", "vat_rate": "12", "line_total": "32.97"}],
        "total": "60.77", "payment": {"provider": "card", "reference": "PSP-123"}}"#;

    #[test]
    fn a_good_batch_parses_with_money_as_decimals() {
        let got = parse_batch(&batch(GOOD), now()).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].total, Money::parse("60.77").unwrap());
        assert_eq!(got[0].lines[1].quantity, Decimal::new(333, 3));
    }

    #[test]
    fn every_problem_is_named_and_nothing_passes() {
        let bad_sum = GOOD.replace("\"total\": \"60.77\"", "\"total\": \"60.78\"").replace("SP-1", "SP-2");
        let bad_line = GOOD.replace("\"27.80\"", "\"27.81\"").replace("SP-1", "SP-3");
        let future = GOOD.replace("2026-11-28T11:58:00Z", "2026-11-28T12:06:00Z").replace("SP-1", "SP-4");
        let bad_rate = GOOD
            .replace(
                "\"vat_rate\": \"12\", \"line_total\": \"27.80\"",
                "\"vat_rate\": \"7\", \"line_total\": \"27.80\"",
            )
            .replace("SP-1", "SP-5");
        let all = [GOOD, &bad_sum, &bad_line, &future, &bad_rate, GOOD].join(",");
        let errors = parse_batch(&batch(&all), now()).unwrap_err();
        let rows: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            rows,
            vec![
                (2, Some("total")),
                (3, Some("line_total")),
                (3, Some("total")),
                (4, Some("completed_at")),
                (5, Some("vat_rate")),
                (6, Some("id")),
            ]
        );
        assert!(errors[1].message_sv.contains("27,81"), "{:?}", errors[1]);
    }

    #[test]
    fn a_forged_number_is_refused_not_multiplied() {
        let huge = GOOD.replace("\"quantity\": \"2\"", "\"quantity\": \"79228162514264337593543950\"");
        let errors = parse_batch(&batch(&huge), now()).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("lines"), "{errors:?}");
        let price = GOOD.replace("\"unit_price\": \"99.00\"", "\"unit_price\": \"99999999999999999999.00\"");
        assert!(parse_batch(&batch(&price), now()).is_err());
    }

    #[test]
    fn wrong_format_unknown_fields_and_empty_batches_are_refused() {
        let e = parse_batch(b"{\"format\": \"other/1\", \"purchases\": []}", now()).unwrap_err();
        assert_eq!(e[0].column.as_deref(), Some("format"));
        assert!(parse_batch(&batch(""), now()).is_err());
        let extra = GOOD.replace("\"app_receipt\"", "\"card_number\": \"4111111111111111\", \"app_receipt\"");
        let e = parse_batch(&batch(&extra), now()).unwrap_err();
        assert!(e[0].message.contains("card_number"), "{e:?}");
        assert!(parse_batch(b"not json", now()).is_err());
    }
}
