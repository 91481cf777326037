//! The tamper-evident journal: every registration is an entry in one sequence per register,
//! hash-chained to the one before it (DOMAIN.md §7).
//!
//! `hash = SHA-256(prev_hash ‖ canonical(entry))`, where the canonical encoding is a fixed
//! domain tag followed by each field as an 8-byte big-endian length and its UTF-8 bytes:
//! register id, sequence (decimal), kind, recorded-at (RFC 3339 UTC) and payload (the
//! registration's JSON). The first entry's `prev_hash` is 32 zero bytes. Changing, removing,
//! inserting or reordering any entry breaks the chain from that entry on.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub const GENESIS: Hash = [0; 32];
const DOMAIN_TAG: &[u8] = b"storekeep-journal-v1";

/// The kinds of registration. Stored as their string; never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Sale,
    /// A line taken off a sale in progress.
    Void,
    /// A sale given up before payment, with what was on it.
    Abandoned,
    /// The cash drawer opened without a sale.
    DrawerOpen,
    /// Catalog prices or texts changed (an import or an edit), with old and new values.
    CatalogChange,
    /// Goods taken back against a receipt (RETUR); numbered in the receipt series.
    Return,
    /// The one copy of a receipt (KOPIA).
    Copy,
    /// A sale in training mode (ÖVNINGSKVITTO), numbered in its own series.
    Training,
    /// A pro forma receipt (EJ KVITTO).
    ProForma,
    PaidIn,
    PaidOut,
    ShiftOpen,
    ShiftClose,
    /// An X-dagrapport, taken at any time.
    XReport,
    /// A Z-dagrapport: closes the day.
    ZReport,
    /// A Z-dagrapport printed or shown again.
    ReportCopy,
    /// The control unit stopped answering and the store sold on under its policy.
    ControlOutageStart,
    /// The control unit answers again; lists the receipts issued without it.
    ControlOutageEnd,
    /// A finished purchase from the chain's Scan & Pay app, received by the store.
    ScanAndPay,
    /// The store mode changed (normal, degraded with what is lost, island), or a drill began
    /// or ended; a drill's entries say `practice`.
    StoreMode,
    /// The register's clock read earlier than its previous entry: the times before and after
    /// (written just before the registration that noticed it). The sequence, not the time,
    /// orders the journal.
    ClockBackwards,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Sale => "sale",
            EntryKind::Void => "void",
            EntryKind::Abandoned => "abandoned",
            EntryKind::DrawerOpen => "drawer_open",
            EntryKind::CatalogChange => "catalog_change",
            EntryKind::Return => "return",
            EntryKind::Copy => "copy",
            EntryKind::Training => "training",
            EntryKind::ProForma => "pro_forma",
            EntryKind::PaidIn => "paid_in",
            EntryKind::PaidOut => "paid_out",
            EntryKind::ShiftOpen => "shift_open",
            EntryKind::ShiftClose => "shift_close",
            EntryKind::XReport => "x_report",
            EntryKind::ZReport => "z_report",
            EntryKind::ReportCopy => "report_copy",
            EntryKind::ControlOutageStart => "control_outage_start",
            EntryKind::ControlOutageEnd => "control_outage_end",
            EntryKind::ScanAndPay => "scan_and_pay",
            EntryKind::StoreMode => "store_mode",
            EntryKind::ClockBackwards => "clock_backwards",
        }
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub register_id: String,
    pub seq: i64,
    pub kind: String,
    pub recorded_at: String,
    pub payload: String,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// The hash of an entry given the hash before it.
pub fn entry_hash(
    prev: &Hash,
    register_id: &str,
    seq: i64,
    kind: &str,
    recorded_at: &str,
    payload: &str,
) -> Hash {
    chained_hash(DOMAIN_TAG, prev, &[register_id, &seq.to_string(), kind, recorded_at, payload])
}

/// `SHA-256(prev ‖ tag ‖ (len ‖ field)*)`: the chain link shared by the journal and the audit
/// log, each with its own tag so an entry of one can never pass for the other.
pub fn chained_hash(tag: &[u8], prev: &Hash, fields: &[&str]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(tag);
    for field in fields {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}

/// Where and why the chain stops verifying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {found} follows entry {prev}: expected sequence {expected}")]
    Sequence { prev: i64, expected: i64, found: i64 },
    #[error("entry {seq} does not point at the hash of the entry before it")]
    Link { seq: i64 },
    #[error("entry {seq} has been changed: its content does not match its hash")]
    Content { seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Sequence { found, .. } => *found,
            ChainBreak::Link { seq } | ChainBreak::Content { seq } => *seq,
        }
    }
}

/// Walks one register's entries in stored order; returns the number verified, or the first
/// break. Sequences start at 1 and have no gaps.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: Hash,
    prev_seq: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { prev_hash: GENESIS, prev_seq: 0 }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, e: &JournalEntry) -> Result<(), ChainBreak> {
        let expected = self.prev_seq + 1;
        if e.seq != expected {
            return Err(ChainBreak::Sequence { prev: self.prev_seq, expected, found: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { seq: e.seq });
        }
        if entry_hash(&e.prev_hash, &e.register_id, e.seq, &e.kind, &e.recorded_at, &e.payload) != e.hash {
            return Err(ChainBreak::Content { seq: e.seq });
        }
        self.prev_hash = e.hash;
        self.prev_seq = e.seq;
        Ok(())
    }

    pub fn verified(&self) -> i64 {
        self.prev_seq
    }

    /// The hash of the last entry verified (the genesis hash before any).
    pub fn last_hash(&self) -> &Hash {
        &self.prev_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<JournalEntry> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let payload = format!("{{\"n\":{seq}}}");
                let at = "2026-11-27T10:00:00Z".to_string();
                let hash = entry_hash(&prev, "K1", seq, "sale", &at, &payload);
                let e = JournalEntry {
                    register_id: "K1".into(),
                    seq,
                    kind: "sale".into(),
                    recorded_at: at,
                    payload,
                    prev_hash: prev,
                    hash,
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn verify(entries: &[JournalEntry]) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        Ok(v.verified())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn every_kind_of_tampering_is_caught() {
        let good = chain(5);
        let mut changed = good.clone();
        changed[2].payload = "{\"n\":99}".into();
        assert_eq!(verify(&changed), Err(ChainBreak::Content { seq: 3 }));

        let mut removed = good.clone();
        removed.remove(2);
        assert_eq!(verify(&removed).unwrap_err().seq(), 4);

        let mut swapped = good.clone();
        swapped.swap(1, 2);
        assert!(verify(&swapped).is_err());

        // Re-hashing a changed entry is caught by the next entry's link.
        let mut rehashed = good.clone();
        rehashed[2].payload = "{\"n\":99}".into();
        rehashed[2].hash = entry_hash(
            &rehashed[2].prev_hash,
            "K1",
            3,
            "sale",
            &rehashed[2].recorded_at,
            &rehashed[2].payload,
        );
        assert_eq!(verify(&rehashed), Err(ChainBreak::Link { seq: 4 }));

        // A field boundary cannot be moved: the encoding is length-prefixed.
        let a = entry_hash(&GENESIS, "K1", 1, "sale", "x", "yz");
        let b = entry_hash(&GENESIS, "K1", 1, "sale", "xy", "z");
        assert_ne!(a, b);
    }
}
