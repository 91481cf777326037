//! The audit log: every control action (staff changes, refusals, approvals, lock-outs, and the
//! controls of later issues) as an append-only hash chain of its own.
//!
//! The hash covers the record's canonical JSON, rebuilt from the stored columns, so changing
//! any column, or removing, inserting or reordering a row, breaks verification.

use serde::{Deserialize, Serialize};
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::journal::{GENESIS, Hash, chained_hash};
use storekeep_domain::staff::Role;
use ts_rs::TS;

use crate::Storekeep;
use crate::error::{Error, Result};

const AUDIT_TAG: &[u8] = b"storekeep-audit-v1";

/// A person as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Actor {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Refused,
}

/// One audit entry. Field order is part of the hash: append, never reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditRecord {
    /// RFC 3339, UTC.
    pub at: String,
    /// `None` for the system itself (first run, automatic actions).
    pub actor: Option<Actor>,
    /// e.g. `staff.create`, `login.failed`, `approval.granted`.
    pub action: String,
    /// What it was done to, e.g. `staff 3 (Erik Berg)`.
    pub subject: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub approved_by: Option<Actor>,
}

impl AuditRecord {
    /// A record with no values, reason or approver yet; callers fill in what applies.
    pub fn new(
        at: jiff::Timestamp,
        actor: Option<Actor>,
        action: &str,
        subject: String,
        outcome: Outcome,
    ) -> Self {
        AuditRecord {
            at: at.to_string(),
            actor,
            action: action.to_string(),
            subject,
            old_value: None,
            new_value: None,
            reason: None,
            outcome,
            approved_by: None,
        }
    }
}

/// A stored entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub record: AuditRecord,
}

/// Which entries to list; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditFilter {
    pub action_prefix: Option<String>,
    #[ts(type = "number | null")]
    pub actor_id: Option<i64>,
    pub outcome: Option<Outcome>,
    /// Newest first, at most this many (default 200).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    pub entries: i64,
    /// The first entry that does not verify, and why.
    pub problem: Option<(i64, String)>,
}

fn record_hash(prev: &Hash, seq: i64, record: &AuditRecord) -> Result<Hash> {
    let json = serde_json::to_string(record).map_err(|e| Error::Storage(e.to_string()))?;
    Ok(chained_hash(AUDIT_TAG, prev, &[&seq.to_string(), &json]))
}

/// Appends `record` inside the caller's write transaction.
pub async fn append_in(tx: &mut Transaction<'static, Sqlite>, record: &AuditRecord) -> Result<i64> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev): (i64, Hash) = match last {
        None => (1, GENESIS),
        Some(row) => (row.get::<i64, _>(0) + 1, to_hash(row.get(1))?),
    };
    let hash = record_hash(&prev, seq, record)?;
    let actor = record.actor.as_ref();
    let approver = record.approved_by.as_ref();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, action, subject, old_value, new_value,
                                reason, outcome, approver_id, approver_name, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(&record.at)
    .bind(actor.map(|a| a.id))
    .bind(actor.map(|a| a.name.as_str()))
    .bind(actor.map(|a| a.role.as_str()))
    .bind(&record.action)
    .bind(&record.subject)
    .bind(&record.old_value)
    .bind(&record.new_value)
    .bind(&record.reason)
    .bind(outcome_str(record.outcome))
    .bind(approver.map(|a| a.id))
    .bind(approver.map(|a| a.name.as_str()))
    .bind(prev.as_slice())
    .bind(hash.as_slice())
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Done => "done",
        Outcome::Refused => "refused",
    }
}

fn to_hash(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::Inconsistent("an audit hash is not 32 bytes".into()))
}

const COLUMNS: &str = "seq, at, actor_id, actor_name, actor_role, action, subject, old_value, new_value, reason, \
                       outcome, approver_id, approver_name, prev_hash, hash";

/// Rebuilds an entry from its columns. An approver's role is not stored: approvers are managers.
fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<AuditEntry> {
    let seq: i64 = row.get(0);
    let bad = |what: &str| Error::Inconsistent(format!("audit entry {seq} has {what}"));
    let actor = match (
        row.get::<Option<i64>, _>(2),
        row.get::<Option<String>, _>(3),
        row.get::<Option<String>, _>(4),
    ) {
        (Some(id), Some(name), Some(role)) => {
            Some(Actor { id, name, role: Role::parse(&role).ok_or_else(|| bad("an unknown role"))? })
        }
        (None, None, None) => None,
        _ => return Err(bad("a half-recorded actor")),
    };
    let approved_by = match (row.get::<Option<i64>, _>(11), row.get::<Option<String>, _>(12)) {
        (Some(id), Some(name)) => Some(Actor { id, name, role: Role::Manager }),
        (None, None) => None,
        _ => return Err(bad("a half-recorded approver")),
    };
    let outcome = match row.get::<&str, _>(10) {
        "done" => Outcome::Done,
        "refused" => Outcome::Refused,
        _ => return Err(bad("an unknown outcome")),
    };
    Ok(AuditEntry {
        seq,
        record: AuditRecord {
            at: row.get(1),
            actor,
            action: row.get(5),
            subject: row.get(6),
            old_value: row.get(7),
            new_value: row.get(8),
            reason: row.get(9),
            outcome,
            approved_by,
        },
    })
}

#[derive(Debug)]
pub struct Audit<'a> {
    sk: &'a Storekeep,
}

impl<'a> Audit<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Audit { sk }
    }

    /// Appends one record in a transaction of its own.
    pub async fn record(&self, record: &AuditRecord) -> Result<i64> {
        let mut tx = self.sk.db().begin_write().await?;
        let seq = append_in(&mut tx, record).await?;
        tx.commit().await?;
        Ok(seq)
    }

    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR action LIKE ?1 || '%' ESCAPE '\\')
               AND (?2 IS NULL OR actor_id = ?2)
               AND (?3 IS NULL OR outcome = ?3)
             ORDER BY seq DESC LIMIT ?4"
        ));
        let prefix = filter
            .action_prefix
            .as_deref()
            .map(|p| p.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query(sql)
            .bind(prefix)
            .bind(filter.actor_id)
            .bind(filter.outcome.map(outcome_str))
            .bind(filter.limit.unwrap_or(200).clamp(1, 10_000))
            .fetch_all(self.sk.db().reader())
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Recomputes the whole chain from the stored columns.
    pub async fn verify(&self) -> Result<AuditVerification> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"));
        let rows = sqlx::query(sql).fetch_all(self.sk.db().reader()).await?;
        let mut prev = GENESIS;
        let mut expected = 1;
        for row in &rows {
            let seq: i64 = row.get(0);
            let fail =
                |what: String| Ok(AuditVerification { entries: expected - 1, problem: Some((seq, what)) });
            if seq != expected {
                return fail(format!(
                    "entry {seq} follows {}: an entry is missing or out of order",
                    expected - 1
                ));
            }
            let entry = match entry_from_row(row) {
                Ok(e) => e,
                Err(e) => return fail(e.to_string()),
            };
            if to_hash(row.get(13))? != prev {
                return fail(format!("entry {seq} does not point at the hash of the entry before it"));
            }
            let hash = record_hash(&prev, seq, &entry.record)?;
            if to_hash(row.get(14))? != hash {
                return fail(format!("entry {seq} has been changed: its content does not match its hash"));
            }
            prev = hash;
            expected += 1;
        }
        Ok(AuditVerification { entries: expected - 1, problem: None })
    }
}
