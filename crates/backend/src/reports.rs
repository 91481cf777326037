//! X- and Z-dagrapport: the tally of the registrations since the last Z, with the perpetual
//! grand totals, registered in the journal. See `storekeep_domain::report`.

use futures_util::TryStreamExt;
use jiff::Timestamp;
use sqlx::Row;
use storekeep_domain::journal::EntryKind;
use storekeep_domain::report::{DayReport, GrandTotals, ReportKind};
use storekeep_domain::staff::StaffRef;
use storekeep_domain::tally::Tally;

use crate::Storekeep;
use crate::error::{Error, Result};
use crate::journal::append_in;

#[derive(Debug)]
pub struct Reports<'a> {
    sk: &'a Storekeep,
}

/// A Z report in the list of past ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ZSummary {
    #[ts(type = "number")]
    pub number: i64,
    pub business_date: String,
    pub grand: GrandTotals,
}

/// Journal payload of `report_copy`: a Z shown or printed again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReportCopy {
    pub register_id: String,
    pub at: Timestamp,
    pub number: i64,
    pub by: StaffRef,
}

impl<'a> Reports<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Reports { sk }
    }

    /// Takes an X (any time) or a Z (once per business day; it closes the day) and registers
    /// it. Reads the tallies since the last Z inside the write transaction, so no registration
    /// can slip between the figures and the report.
    pub async fn take(&self, kind: ReportKind, by: StaffRef, now: Timestamp) -> Result<DayReport> {
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.clone();
        let tz = self.sk.time_zone().clone();
        let local = now.to_zoned_datetime(tz);
        let mut tx = self.sk.db().begin_write().await?;
        // A clock gone back is journaled before the figures are read, so that the report covers
        // its entry (its sequence range runs up to the report).
        crate::journal::note_clock_in(&mut tx, &register, &now.to_string()).await?;
        let last = sqlx::query(
            "SELECT journal_seq, number, grand FROM day_report WHERE register_id = ? AND kind = 'z'
             ORDER BY number DESC LIMIT 1",
        )
        .bind(&register)
        .fetch_optional(&mut *tx)
        .await?;
        let (from_seq, last_no, grand_before) = match last {
            None => (0, 0, GrandTotals::default()),
            Some(row) => {
                let grand: GrandTotals = serde_json::from_str(row.get::<&str, _>(2)).map_err(|e| {
                    Error::Inconsistent(format!("a Z report's grand totals cannot be read: {e}"))
                })?;
                (row.get::<i64, _>(0), row.get::<i64, _>(1), grand)
            }
        };
        // The business day is the day of the first registration the report covers: a Z taken
        // after midnight closes the day before, and the next evening's Z can still be taken.
        let first: Option<String> = sqlx::query_scalar(
            "SELECT recorded_at FROM journal WHERE register_id = ? AND seq > ? ORDER BY seq LIMIT 1",
        )
        .bind(&register)
        .bind(from_seq)
        .fetch_optional(&mut *tx)
        .await?;
        let day_start = first.and_then(|t| t.parse::<Timestamp>().ok()).unwrap_or(now);
        let business_date = day_start.to_zoned_datetime(self.sk.time_zone().clone()).date().to_string();
        if kind == ReportKind::Z {
            let today: Option<i64> = sqlx::query_scalar(
                "SELECT number FROM day_report WHERE register_id = ? AND kind = 'z' AND business_date = ?",
            )
            .bind(&register)
            .bind(&business_date)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(n) = today {
                return Err(Error::ZAlreadyTaken(n));
            }
        }
        let mut tally = Tally::default();
        {
            let mut rows = sqlx::query_scalar::<_, String>(
                "SELECT body FROM tally WHERE register_id = ? AND journal_seq > ? ORDER BY journal_seq",
            )
            .bind(&register)
            .bind(from_seq)
            .fetch(&mut *tx);
            while let Some(body) = rows.try_next().await? {
                let t = Tally::from_stored(&body)
                    .map_err(|e| Error::Inconsistent(format!("a day figure cannot be read: {e}")))?;
                tally.add(&t);
            }
        }
        let to_seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM journal WHERE register_id = ?")
                .bind(&register)
                .fetch_one(&mut *tx)
                .await?;
        let report = DayReport {
            kind,
            number: last_no + 1,
            company_name: identity.company_name.clone(),
            org_number: identity.org_number.as_str().to_string(),
            register_id: register.clone(),
            printed_at: local.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            from_seq: from_seq + 1,
            to_seq,
            grand: grand_before.after(&tally),
            tally,
            by,
        };
        let entry = if kind == ReportKind::Z { EntryKind::ZReport } else { EntryKind::XReport };
        let payload = serde_json::to_string(&report).map_err(|e| Error::Storage(e.to_string()))?;
        let seq = append_in(&mut tx, &register, entry, &now.to_string(), &payload).await?;
        sqlx::query(
            "INSERT INTO day_report (register_id, journal_seq, kind, number, business_date, grand) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&register)
        .bind(seq)
        .bind(if kind == ReportKind::Z { "z" } else { "x" })
        .bind(report.number)
        .bind(&business_date)
        .bind(serde_json::to_string(&report.grand).map_err(|e| Error::Storage(e.to_string()))?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(kind = kind.label(), number = report.number, "day report taken");
        if kind == ReportKind::Z {
            // Every Z report is followed by a backup (when backups are set up).
            self.sk.want_backup(format!("Z report {}", report.number));
        }
        Ok(report)
    }

    /// Past Z reports, newest first.
    pub async fn z_reports(&self) -> Result<Vec<ZSummary>> {
        let identity = self.sk.require_identity().await?;
        let rows = sqlx::query(
            "SELECT number, business_date, grand FROM day_report WHERE register_id = ? AND kind = 'z' ORDER BY number DESC",
        )
        .bind(&identity.register_id)
        .fetch_all(self.sk.db().reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ZSummary {
                    number: r.get(0),
                    business_date: r.get(1),
                    grand: serde_json::from_str(r.get::<&str, _>(2))
                        .map_err(|e| Error::Inconsistent(format!("a Z report cannot be read: {e}")))?,
                })
            })
            .collect()
    }

    /// Z report `number` shown or printed again: read from its journal entry, and the showing
    /// registered (kind `report_copy`).
    pub async fn reprint_z(&self, number: i64, by: StaffRef, now: Timestamp) -> Result<DayReport> {
        let identity = self.sk.require_identity().await?;
        let payload: Option<String> = sqlx::query_scalar(
            "SELECT j.payload FROM day_report d JOIN journal j ON j.register_id = d.register_id AND j.seq = d.journal_seq
             WHERE d.register_id = ? AND d.kind = 'z' AND d.number = ?",
        )
        .bind(&identity.register_id)
        .bind(number)
        .fetch_optional(self.sk.db().reader())
        .await?;
        let report: DayReport = serde_json::from_str(&payload.ok_or(Error::ReportNotFound(number))?)
            .map_err(|e| Error::Inconsistent(format!("Z report {number} cannot be read: {e}")))?;
        let copy = ReportCopy { register_id: identity.register_id.clone(), at: now, number, by };
        let mut tx = self.sk.db().begin_write().await?;
        let payload = serde_json::to_string(&copy).map_err(|e| Error::Storage(e.to_string()))?;
        append_in(&mut tx, &identity.register_id, EntryKind::ReportCopy, &now.to_string(), &payload).await?;
        tx.commit().await?;
        Ok(report)
    }
}
