//! The control unit (kontrollenhet): a trait for the device, a software simulator for the demo
//! and tests, and the step every receipt goes through before it is final ([`stamp_in`]).
//!
//! When the unit fails, the store's policy decides (a setting a manager changes, audited):
//! `stop` refuses the registration (the sale stays open with its payments until the unit
//! answers), `continue` registers it as not registered and records an outage in the journal
//! (`control_outage_start`, naming the manager's decision), which ends at the first receipt the
//! unit registers again (`control_outage_end`, listing the receipts issued meanwhile). Nothing
//! is ever registered with the unit afterwards (no back-filling).

use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Sqlite, Transaction};
use storekeep_domain::control::{Control, ControlUnitPolicy, CuRequest};
use storekeep_domain::journal::EntryKind;
use storekeep_domain::staff::StaffRef;
use ts_rs::TS;

use crate::devices::{BoxFut, DeviceError};
use crate::error::{Error, Result};
use crate::journal::append_in;

pub trait ControlUnit: Send + Sync + std::fmt::Debug {
    /// The manufacturing number printed on every receipt (field 12).
    fn manufacturing_number(&self) -> String;
    /// Registers one receipt; returns its control code.
    fn register<'a>(&'a self, request: &'a CuRequest) -> BoxFut<'a, Result<String, DeviceError>>;
}

/// A control unit in software, **a simulator**: it signs each request with a fixed key
/// (SHA-256 over the key and the canonical request) and keeps what it registered. Its
/// manufacturing number says SIM so no receipt can pass for one registered with a certified
/// unit.
#[derive(Debug, Default)]
pub struct SimulatedControlUnit {
    failing: Mutex<bool>,
    registered: Mutex<Vec<CuRequest>>,
}

const SIM_KEY: &[u8] = b"storekeep simulated control unit: not a certified device";

impl SimulatedControlUnit {
    /// Makes the unit stop (or start again) answering.
    pub fn set_failing(&self, failing: bool) {
        *self.failing.lock().unwrap_or_else(|p| p.into_inner()) = failing;
    }

    pub fn is_failing(&self) -> bool {
        *self.failing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every request it registered, in order.
    pub fn registered(&self) -> Vec<CuRequest> {
        self.registered.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The code it gives a request: what a test recomputes to check a receipt.
    pub fn code_for(request: &CuRequest) -> String {
        let digest =
            Sha256::new().chain_update(SIM_KEY).chain_update(request.canonical().as_bytes()).finalize();
        let hex = hex::encode_upper(&digest[..8]);
        format!("{}-{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12], &hex[12..16])
    }
}

impl ControlUnit for SimulatedControlUnit {
    fn manufacturing_number(&self) -> String {
        "SIM-KE-0001 (simulator)".into()
    }

    fn register<'a>(&'a self, request: &'a CuRequest) -> BoxFut<'a, Result<String, DeviceError>> {
        Box::pin(async move {
            if self.is_failing() {
                return Err(DeviceError::Unreachable("the simulated control unit is switched off".into()));
            }
            self.registered.lock().unwrap_or_else(|p| p.into_inner()).push(request.clone());
            Ok(Self::code_for(request))
        })
    }
}

/// The policy in force and the manager's decision behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ControlUnitSetting {
    pub policy: ControlUnitPolicy,
    pub decided_by: Option<StaffRef>,
    #[ts(type = "string | null")]
    pub decided_at: Option<Timestamp>,
    pub reason: Option<String>,
}

impl Default for ControlUnitSetting {
    fn default() -> Self {
        ControlUnitSetting {
            policy: ControlUnitPolicy::Stop,
            decided_by: None,
            decided_at: None,
            reason: None,
        }
    }
}

pub(crate) const SETTING_KEY: &str = "control_unit_policy";

/// Journal payload of `control_outage_start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageStart {
    pub register_id: String,
    pub at: Timestamp,
    pub unit: String,
    pub error: String,
    /// The decision the store sells on under.
    pub decision: ControlUnitSetting,
}

/// Journal payload of `control_outage_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageEnd {
    pub register_id: String,
    pub at: Timestamp,
    /// The journal sequence of the outage's start.
    pub started_seq: i64,
    /// Receipts issued while the unit was down (sales and returns).
    pub receipts: Vec<i64>,
    /// Copies, training and pro forma receipts issued meanwhile, e.g. `kopia 12`.
    #[serde(default)]
    pub others: Vec<String>,
}

/// An outage as the manager sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Outage {
    #[ts(type = "number")]
    pub start_seq: i64,
    #[ts(type = "number | null")]
    pub end_seq: Option<i64>,
    pub started_at: String,
    pub ended_at: Option<String>,
    #[ts(type = "number[]")]
    pub receipts: Vec<i64>,
    /// Copies, training and pro forma receipts issued meanwhile, e.g. `kopia 12`.
    pub others: Vec<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

pub(crate) async fn setting_in(tx: &mut Transaction<'static, Sqlite>) -> Result<ControlUnitSetting> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = ?")
        .bind(SETTING_KEY)
        .fetch_optional(&mut **tx)
        .await?;
    match value {
        None => Ok(ControlUnitSetting::default()),
        Some(v) => serde_json::from_str(&v)
            .map_err(|e| Error::Inconsistent(format!("the control unit setting cannot be read: {e}"))),
    }
}

fn to_json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

/// How long the till waits for the control unit.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Registers a receipt with the control unit inside the registration's transaction, following
/// the store's policy when the unit fails (see the module docs).
pub(crate) async fn stamp_in(
    tx: &mut Transaction<'static, Sqlite>,
    cu: &dyn ControlUnit,
    request: &CuRequest,
    now: Timestamp,
) -> Result<Control> {
    let register = request.register_id.as_str();
    let open: Option<i64> =
        sqlx::query_scalar("SELECT start_seq FROM control_outage WHERE register_id = ? AND end_seq IS NULL")
            .bind(register)
            .fetch_optional(&mut **tx)
            .await?;
    let answer = match tokio::time::timeout(TIMEOUT, cu.register(request)).await {
        Ok(r) => r,
        Err(_) => Err(DeviceError::Timeout),
    };
    match answer {
        Ok(code) => {
            if let Some(start) = open {
                let receipts: Vec<i64> = sqlx::query_scalar(
                    "SELECT receipt_no FROM sale WHERE register_id = ? AND journal_seq > ? ORDER BY receipt_no",
                )
                .bind(register)
                .bind(start)
                .fetch_all(&mut **tx)
                .await?;
                let others = others_since(&mut **tx, register, start).await?;
                let end =
                    OutageEnd { register_id: register.into(), at: now, started_seq: start, receipts, others };
                let seq =
                    append_in(tx, register, EntryKind::ControlOutageEnd, &now.to_string(), &to_json(&end)?)
                        .await?;
                sqlx::query("UPDATE control_outage SET end_seq = ? WHERE register_id = ? AND start_seq = ?")
                    .bind(seq)
                    .bind(register)
                    .bind(start)
                    .execute(&mut **tx)
                    .await?;
                tracing::warn!(receipts = end.receipts.len(), "control unit answers again: outage closed");
            }
            Ok(Control::Registered { unit: cu.manufacturing_number(), code })
        }
        Err(e) => {
            let setting = setting_in(tx).await?;
            if setting.policy == ControlUnitPolicy::Stop {
                return Err(Error::ControlUnitDown(e.to_string()));
            }
            let start = match open {
                Some(s) => s,
                None => {
                    let start = OutageStart {
                        register_id: register.into(),
                        at: now,
                        unit: cu.manufacturing_number(),
                        error: e.to_string(),
                        decision: setting,
                    };
                    let seq = append_in(
                        tx,
                        register,
                        EntryKind::ControlOutageStart,
                        &now.to_string(),
                        &to_json(&start)?,
                    )
                    .await?;
                    sqlx::query("INSERT INTO control_outage (register_id, start_seq) VALUES (?, ?)")
                        .bind(register)
                        .bind(seq)
                        .execute(&mut **tx)
                        .await?;
                    tracing::error!(error = %e, "control unit down: selling on under the store's policy");
                    seq
                }
            };
            Ok(Control::NotRegistered { outage: start })
        }
    }
}

/// The copies, training and pro forma receipts registered after journal entry `start`.
async fn others_since<'e, E>(ex: E, register: &str, start: i64) -> Result<Vec<String>>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT kind, payload FROM journal WHERE register_id = ? AND seq > ? AND kind IN ('copy', 'training', 'pro_forma') ORDER BY seq",
    )
    .bind(register)
    .bind(start)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let kind: &str = r.get(0);
            let v: serde_json::Value = serde_json::from_str(r.get::<&str, _>(1)).unwrap_or_default();
            let no =
                v.get("receipt_no").or_else(|| v.get("pro_forma_no")).and_then(|n| n.as_i64()).unwrap_or(0);
            let word = match kind {
                "copy" => "kopia av kvitto",
                "training" => "övningskvitto",
                _ => "proforma",
            };
            format!("{word} {no}")
        })
        .collect())
}

/// The outages of `register`, newest first.
pub async fn outages(sk: &crate::Storekeep, register: &str) -> Result<Vec<Outage>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT o.start_seq, o.end_seq, s.payload, e.payload FROM control_outage o
         JOIN journal s ON s.register_id = o.register_id AND s.seq = o.start_seq
         LEFT JOIN journal e ON e.register_id = o.register_id AND e.seq = o.end_seq
         WHERE o.register_id = ? ORDER BY o.start_seq DESC",
    )
    .bind(register)
    .fetch_all(sk.db().reader())
    .await?;
    let tz = sk.time_zone().clone();
    let local = |t: Timestamp| t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string();
    let unreadable = |e: serde_json::Error| Error::Inconsistent(format!("an outage cannot be read: {e}"));
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let start: OutageStart = serde_json::from_str(r.get::<&str, _>(2)).map_err(unreadable)?;
        let end: Option<OutageEnd> =
            r.get::<Option<&str>, _>(3).map(serde_json::from_str).transpose().map_err(unreadable)?;
        let others = match &end {
            Some(e) => e.others.clone(),
            None => others_since(sk.db().reader(), register, r.get::<i64, _>(0)).await?,
        };
        let receipts = match &end {
            Some(e) => e.receipts.clone(),
            None => sqlx::query_scalar(
                "SELECT receipt_no FROM sale WHERE register_id = ? AND journal_seq > ? ORDER BY receipt_no",
            )
            .bind(register)
            .bind(r.get::<i64, _>(0))
            .fetch_all(sk.db().reader())
            .await?,
        };
        out.push(Outage {
            start_seq: r.get(0),
            end_seq: r.get(1),
            started_at: local(start.at),
            ended_at: end.as_ref().map(|e| local(e.at)),
            receipts,
            others,
            decided_by: start.decision.decided_by.map(|s| s.name),
            reason: start.decision.reason,
        });
    }
    Ok(out)
}
