//! What a store sends HQ and what HQ answers (issue 9): journal entries as they are stored,
//! hashes in hex. Both sides check an entry's hash from its fields, so a batch damaged on the
//! way is refused, never stored.

use serde::{Deserialize, Serialize};

use crate::journal::{Hash, entry_hash};

pub const BATCH_FORMAT: &str = "storekeep-journal-batch/1";

/// One journal entry on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireEntry {
    pub register_id: String,
    pub seq: i64,
    pub kind: String,
    pub recorded_at: String,
    pub payload: String,
    /// 64 hex digits.
    pub prev_hash: String,
    pub hash: String,
}

impl WireEntry {
    pub fn prev(&self) -> Result<Hash, String> {
        hash_from_hex(&self.prev_hash)
    }

    pub fn own(&self) -> Result<Hash, String> {
        hash_from_hex(&self.hash)
    }

    /// Whether the hash is the hash of the fields after `prev_hash`.
    pub fn hash_checks(&self) -> bool {
        match (self.prev(), self.own()) {
            (Ok(prev), Ok(own)) => {
                entry_hash(&prev, &self.register_id, self.seq, &self.kind, &self.recorded_at, &self.payload)
                    == own
            }
            _ => false,
        }
    }
}

pub fn hash_from_hex(s: &str) -> Result<Hash, String> {
    let mut h = [0u8; 32];
    hex::decode_to_slice(s, &mut h).map_err(|_| format!("{s:?} is not 64 hex digits"))?;
    Ok(h)
}

/// A batch: entries of one store, in the order the store wrote them (by register, by sequence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub format: String,
    pub entries: Vec<WireEntry>,
}

/// HQ's answer to a batch it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReceipt {
    /// New entries stored.
    pub stored: u64,
    /// Entries HQ already held, identical: skipped.
    pub duplicates: u64,
    /// Entries whose `prev_hash` does not match the entry HQ holds before them: stored, and
    /// the break flagged for the chain's owner to see.
    pub breaks: u64,
    /// The last sequence HQ holds, by register, after this batch.
    pub heads: Vec<(String, i64)>,
}

pub const REPORT_FORMAT: &str = "storekeep-store-report/1";

/// What a store tells HQ of itself every few seconds, for the fleet view: how it runs, what it
/// can reach, what it takes, whether it is open, and what still waits to be sent. Everything
/// in it is the store's word; HQ shows it (escaped) beside when it heard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreReport {
    pub format: String,
    /// The store's clock when it wrote the report.
    pub at: jiff::Timestamp,
    pub mode: crate::health::StoreMode,
    pub island_reason: Option<String>,
    /// A drill is running (its failures are practice, not shown as the mode).
    pub drill: bool,
    pub dependencies: Vec<DependencyReport>,
    /// The payment methods in force on the store's register, its offline caps and exposure.
    pub payments: crate::payments::InForce,
    /// The opening hours in force now.
    pub hours: crate::hours::HoursStatus,
    /// Journal entries HQ has not acknowledged, and when the oldest was written.
    pub waiting: i64,
    pub oldest_waiting: Option<String>,
    /// The highest of HQ's bundle counters the store accepted, and those it refused (the
    /// latest 20): HQ's numbering, as HQ listed them.
    pub last_bundle: Option<i64>,
    #[serde(default)]
    pub bundles_refused: Vec<i64>,
    /// The highest envelope counter the store has accepted from any source (HQ's bundles or
    /// envelopes sealed by hand): HQ seals its next bundle above it, or the store refuses it.
    #[serde(default)]
    pub envelope_counter: Option<i64>,
}

/// One dependency in a store report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyReport {
    pub dependency: crate::health::Dependency,
    pub level: crate::health::Level,
    pub since: Option<jiff::Timestamp>,
    pub monitored: bool,
}

/// A signed bundle HQ holds for the store asking (its bytes are fetched one by one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRef {
    pub counter: i64,
    pub kind: String,
    pub size: i64,
}
