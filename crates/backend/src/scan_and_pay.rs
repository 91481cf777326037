//! Scan & Pay in the store: finished app purchases received (an import file, or a POST from
//! the chain's app service to the store's endpoint, with a token), each journaled; the list
//! staff see at the exit, and the exit checks they mark (audited, never edited).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use storekeep_domain::Money;
use storekeep_domain::catalog_file::RowError;
use storekeep_domain::journal::EntryKind;
use storekeep_domain::scan_and_pay::{ExitResult, Purchase, parse_batch};
use storekeep_domain::staff::{Action, StaffRef};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

const TOKEN_KEY: &str = "scan_and_pay_token_sha256";

/// Where a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    File,
    Endpoint,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::Endpoint => "endpoint",
        }
    }
}

/// What became of a batch: all of it taken, or (with errors) none of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiveReport {
    /// New purchases recorded.
    #[ts(type = "number")]
    pub received: usize,
    /// Purchases this store already had, identical: skipped (a resend is harmless).
    #[ts(type = "number")]
    pub already_had: usize,
    /// With any error, nothing was recorded.
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExitCheck {
    #[ts(type = "number")]
    pub id: i64,
    pub result: ExitResult,
    pub note: Option<String>,
    pub by: StaffRef,
    #[ts(type = "string")]
    pub at: Timestamp,
}

/// A purchase as staff see it at the exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceivedPurchase {
    pub purchase: Purchase,
    #[ts(type = "string")]
    pub received_at: Timestamp,
    pub source: Source,
    /// Every check made, oldest first; the last one stands.
    pub checks: Vec<ExitCheck>,
}

/// The day's purchases, newest first, with the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanAndPayDay {
    pub date: String,
    pub purchases: Vec<ReceivedPurchase>,
    pub total: Money,
    #[ts(type = "number")]
    pub unchecked: usize,
    #[ts(type = "number")]
    pub discrepancies: usize,
    /// A token for the endpoint is set (the endpoint answers POSTs).
    pub endpoint_enabled: bool,
}

#[derive(Debug)]
pub struct ScanAndPay<'a> {
    sk: &'a Storekeep,
}

/// The purchase's content, with numbers in their plain form: "2" and "2.0" are the same.
fn content_hash(p: &Purchase) -> Result<String> {
    let mut plain = p.clone();
    for l in &mut plain.lines {
        l.quantity = l.quantity.normalize();
        l.vat_rate = l.vat_rate.normalize();
    }
    let canonical = serde_json::to_string(&plain).map_err(|e| Error::Storage(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(canonical.as_bytes())))
}

impl<'a> ScanAndPay<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        ScanAndPay { sk }
    }

    /// Receives a batch: every purchase checked first; then all new ones journaled in one
    /// transaction, or none. A purchase already here with the same content is skipped; the
    /// same id with other content is refused (and so is the batch).
    pub async fn receive(&self, bytes: &[u8], source: Source, by: Option<&Actor>) -> Result<ReceiveReport> {
        if let Some(by) = by {
            self.sk
                .staff()
                .authorize(by, Action::ChangeControls, None, "import Scan & Pay purchases")
                .await?;
        }
        let now = self.sk.clock().now();
        let purchases = match parse_batch(bytes, now) {
            Ok(p) => p,
            Err(errors) => return Ok(ReceiveReport { received: 0, already_had: 0, errors }),
        };
        let register = self.sk.require_identity().await?.register_id;
        let mut tx = self.sk.db().begin_write().await?;
        let (mut received, mut already_had, mut errors) = (0, 0, Vec::new());
        let mut new_ids = Vec::new();
        for (i, p) in purchases.iter().enumerate() {
            let hash = content_hash(p)?;
            let had: Option<String> =
                sqlx::query_scalar("SELECT content_hash FROM scan_and_pay WHERE purchase_id = ?")
                    .bind(&p.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match had {
                Some(h) if h == hash => already_had += 1,
                Some(_) => errors.push(RowError::new(
                    i + 1,
                    Some("id"),
                    format!("Purchase {} was received before with other content; it is not changed", p.id),
                    format!("Köp {} har tagits emot förut med annat innehåll; det ändras inte", p.id),
                )),
                None => {
                    let payload = serde_json::to_string(p).map_err(|e| Error::Storage(e.to_string()))?;
                    let seq = crate::journal::append_in(
                        &mut tx,
                        &register,
                        EntryKind::ScanAndPay,
                        &now.to_string(),
                        &payload,
                    )
                    .await?;
                    sqlx::query(
                        "INSERT INTO scan_and_pay (purchase_id, register_id, journal_seq, completed_at, received_at, total,
                                                   source, content_hash, purchase)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(&p.id)
                    .bind(&register)
                    .bind(seq)
                    .bind(p.completed_at.to_string())
                    .bind(now.to_string())
                    .bind(p.total.to_string())
                    .bind(source.as_str())
                    .bind(&hash)
                    .bind(&payload)
                    .execute(&mut *tx)
                    .await?;
                    received += 1;
                    new_ids.push(p.id.as_str());
                }
            }
        }
        if !errors.is_empty() {
            // Dropping the transaction rolls back every purchase of the batch.
            return Ok(ReceiveReport { received: 0, already_had: 0, errors });
        }
        if received > 0 {
            let mut record = AuditRecord::new(
                now,
                by.cloned(),
                "scan_and_pay.received",
                format!("{received} Scan & Pay purchases ({})", source.as_str()),
                Outcome::Done,
            );
            record.new_value = Some(new_ids.join(", "));
            crate::audit::append_in(&mut tx, &record).await?;
        }
        tx.commit().await?;
        tracing::info!(received, already_had, source = source.as_str(), "Scan & Pay batch received");
        if received > 0 {
            // The exit-check list follows at once (the app sends `payments-changed`).
            self.sk.payments_signal().notify_one();
        }
        Ok(ReceiveReport { received, already_had, errors })
    }

    /// The purchases completed on `date` (the store's calendar day; today if none).
    pub async fn day(&self, by: &Actor, date: Option<jiff::civil::Date>) -> Result<ScanAndPayDay> {
        self.sk.staff().authorize(by, Action::Sell, None, "see Scan & Pay purchases").await?;
        let tz = self.sk.time_zone();
        let date = date.unwrap_or_else(|| self.sk.clock().now().to_zoned_datetime(tz.clone()).date());
        let midnight = |d: jiff::civil::Date| {
            tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .map_err(|e| Error::Storage(e.to_string()))
        };
        let start = midnight(date)?;
        let end = midnight(date.tomorrow().map_err(|e| Error::Storage(e.to_string()))?)?;
        // Times are text of varying width (fractions of a second): the rows are picked by their
        // UTC date (fixed width), a day either side, and the local day is checked exactly here.
        let utc_date = |t: Timestamp| t.to_string().get(..10).unwrap_or_default().to_string();
        let rows = sqlx::query(
            "SELECT purchase, received_at, source FROM scan_and_pay
             WHERE substr(completed_at, 1, 10) BETWEEN ? AND ?",
        )
        .bind(utc_date(start - jiff::SignedDuration::from_hours(24)))
        .bind(utc_date(end + jiff::SignedDuration::from_hours(24)))
        .fetch_all(self.sk.db().reader())
        .await?;
        let mut purchases = Vec::with_capacity(rows.len());
        for r in &rows {
            let purchase: Purchase = serde_json::from_str(r.get::<&str, _>(0))
                .map_err(|e| Error::Inconsistent(format!("a Scan & Pay purchase cannot be read: {e}")))?;
            if purchase.completed_at < start || purchase.completed_at >= end {
                continue;
            }
            let checks = self.checks(&purchase.id).await?;
            purchases.push(ReceivedPurchase {
                received_at: r
                    .get::<&str, _>(1)
                    .parse()
                    .map_err(|_| Error::Inconsistent("a Scan & Pay purchase has a bad time".into()))?,
                source: if r.get::<&str, _>(2) == "file" { Source::File } else { Source::Endpoint },
                purchase,
                checks,
            });
        }
        purchases.sort_by(|a, b| {
            b.purchase
                .completed_at
                .cmp(&a.purchase.completed_at)
                .then_with(|| a.purchase.id.cmp(&b.purchase.id))
        });
        let total = purchases.iter().fold(Money::ZERO, |s, p| s + p.purchase.total);
        let unchecked = purchases.iter().filter(|p| p.checks.is_empty()).count();
        let discrepancies = purchases
            .iter()
            .filter(|p| p.checks.last().is_some_and(|c| c.result == ExitResult::Discrepancy))
            .count();
        Ok(ScanAndPayDay {
            date: date.to_string(),
            purchases,
            total,
            unchecked,
            discrepancies,
            endpoint_enabled: self.token_hash().await?.is_some(),
        })
    }

    async fn checks(&self, id: &str) -> Result<Vec<ExitCheck>> {
        let rows = sqlx::query(
            "SELECT id, result, note, checked_by, checked_by_name, checked_at FROM exit_check
             WHERE purchase_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.sk.db().reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ExitCheck {
                    id: r.get(0),
                    result: if r.get::<&str, _>(1) == "ok" {
                        ExitResult::Ok
                    } else {
                        ExitResult::Discrepancy
                    },
                    note: r.get(2),
                    by: StaffRef { id: r.get(3), name: r.get(4) },
                    at: r
                        .get::<&str, _>(5)
                        .parse()
                        .map_err(|_| Error::Inconsistent("an exit check has a bad time".into()))?,
                })
            })
            .collect()
    }

    /// Marks the exit check of a purchase (any staff; audited). A discrepancy needs a note.
    pub async fn check_exit(
        &self,
        by: &Actor,
        id: &str,
        result: ExitResult,
        note: &str,
    ) -> Result<ExitCheck> {
        self.sk.staff().authorize(by, Action::Sell, None, "check a Scan & Pay purchase").await?;
        let note = note.trim();
        if result == ExitResult::Discrepancy && note.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let now = self.sk.clock().now();
        let mut tx = self.sk.db().begin_write().await?;
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM scan_and_pay WHERE purchase_id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(Error::PurchaseNotFound(id.to_string()));
        }
        let note = (!note.is_empty()).then(|| note.to_string());
        let check_id: i64 = sqlx::query_scalar(
            "INSERT INTO exit_check (purchase_id, result, note, checked_by, checked_by_name, checked_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(result.as_str())
        .bind(&note)
        .bind(by.id)
        .bind(&by.name)
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let mut record = AuditRecord::new(
            now,
            Some(by.clone()),
            "scan_and_pay.exit_check",
            format!("Scan & Pay purchase {id}"),
            Outcome::Done,
        );
        record.new_value = Some(result.as_str().into());
        record.reason = note.clone();
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(ExitCheck {
            id: check_id,
            result,
            note,
            by: StaffRef { id: by.id, name: by.name.clone() },
            at: now,
        })
    }

    async fn token_hash(&self) -> Result<Option<String>> {
        let value: String = crate::settings::read(self.sk.db().reader(), TOKEN_KEY, String::new()).await?;
        Ok(Some(value).filter(|v| !v.is_empty()))
    }

    /// Makes a new token for the app service (managers; audited). Only its hash is kept: the
    /// token is shown this once. `None` switches the endpoint off.
    pub async fn new_token(&self, by: &Actor, on: bool, reason: &str) -> Result<Option<String>> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "the Scan & Pay endpoint token").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let token = if on {
            let mut bytes = [0u8; 24];
            getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
            Some(format!("sp_{}", hex::encode(bytes)))
        } else {
            None
        };
        let hash = token.as_ref().map(|t| hex::encode(Sha256::digest(t.as_bytes()))).unwrap_or_default();
        let had = self.token_hash().await?.is_some();
        // Never the token itself, nor its hash.
        let shown = crate::settings::Shown {
            old: if had { "a token".into() } else { "off".into() },
            new: if on { "a new token".into() } else { "off".into() },
        };
        let stored = serde_json::to_string(&hash).map_err(|e| Error::Storage(e.to_string()))?;
        crate::settings::write_audited(self.sk, by, TOKEN_KEY, &stored, shown, reason).await?;
        Ok(token)
    }

    /// Whether `presented` is the endpoint's token (false when the endpoint is off).
    pub async fn token_matches(&self, presented: &str) -> Result<bool> {
        let Some(want) = self.token_hash().await? else { return Ok(false) };
        let got = hex::encode(Sha256::digest(presented.trim().as_bytes()));
        // Comparing digests of the secret: equal length, and nothing learnt from timing.
        Ok(got.len() == want.len()
            && got.bytes().zip(want.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
    }
}
