//! The journal decoder: what `journal verify` reads from every entry. The input is a kind on
//! the first line and a payload after it. Never a panic (a verifier that crashes on a damaged
//! store tells the auditor nothing); a tally read from a payload survives its stored form and
//! adds up; a report read from a payload writes back the same and has its 22 items; and the
//! hash chain accepts the entry as hashed and refuses it with one byte more.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storekeep_domain::journal::{ChainBreak, ChainVerifier, GENESIS, JournalEntry, entry_hash};
use storekeep_domain::report::{DayReport, GrandTotals};
use storekeep_domain::tally::Tally;

/// Kinds whose payload the tally reads; every other kind adds nothing.
const TALLIED: [&str; 12] = [
    "sale",
    "training",
    "return",
    "copy",
    "pro_forma",
    "scan_and_pay",
    "drawer_open",
    "abandoned",
    "void",
    "paid_in",
    "paid_out",
    "shift_open",
];

/// Whether an amount somewhere in the tally has more than the 14 digits of kronor that `Money`
/// reads: a sum of amounts each within the bound can exceed it, and then it is not read back.
fn beyond_money(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => {
            s.trim_start_matches('-').split('.').next().is_some_and(|kr| kr.len() > 14)
        }
        serde_json::Value::Object(o) => o.values().any(beyond_money),
        _ => false,
    }
}

/// The stored form reads back the same (unless a sum is beyond what `Money` reads), and adding
/// to the empty tally gives the tally (for one that a registration can give: a receipt range
/// with both ends or neither).
fn stored_round_trip(t: &Tally) {
    let stored = t.to_stored();
    match Tally::from_stored(&stored) {
        Ok(back) => assert_eq!(back, *t, "the stored form of a tally changes it: {stored}"),
        Err(e) => assert!(
            beyond_money(&serde_json::to_value(t).expect("a tally serialises")),
            "{stored} does not read back: {e}"
        ),
    }
    let mut sum = Tally::default();
    sum.add(t);
    let range = (t.first_receipt, t.last_receipt);
    if matches!(range, (None, None)) || matches!(range, (Some(a), Some(b)) if a <= b) {
        assert_eq!(sum, *t, "adding to the empty tally changes it");
    }
    let _ = GrandTotals::default().after(t);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (kind, payload) = text.split_once('\n').unwrap_or((text, ""));

    match Tally::of(kind, payload) {
        Ok(t) => {
            if !TALLIED.contains(&kind) {
                assert!(t.is_empty(), "{kind} adds nothing, yet: {t:?}");
            }
            if kind == "sale" {
                assert_eq!(t.receipts, 1);
                assert!(t.first_receipt.is_some() && t.first_receipt == t.last_receipt);
            }
            if kind == "return" {
                assert_eq!(t.returns, 1);
                assert!(t.first_receipt.is_some() && t.first_receipt == t.last_receipt);
            }
            stored_round_trip(&t);
        }
        Err(_) => assert!(TALLIED.contains(&kind), "{kind} is not read, so it cannot fail"),
    }

    // A stored tally, as the verifier reads it back beside the entry.
    if let Ok(t) = Tally::from_stored(payload) {
        stored_round_trip(&t);
    }

    // An X or Z report's payload.
    if let Ok(report) = serde_json::from_str::<DayReport>(payload) {
        let json = serde_json::to_string(&report).expect("a report serialises");
        let back: DayReport = serde_json::from_str(&json).expect("a report reads back");
        assert_eq!(back, report, "a report does not write back the same");
        let items = report.items();
        assert_eq!(items.iter().map(|i| i.no).collect::<Vec<_>>(), (1..=22).collect::<Vec<_>>());
        let _ = report.render_text();
    }

    // The chain over this entry: accepted as hashed, refused with one byte appended.
    let at = "2026-11-28T10:00:00Z";
    let hash = entry_hash(&GENESIS, "KASSA-01", 1, kind, at, payload);
    let mut entry = JournalEntry {
        register_id: "KASSA-01".into(),
        seq: 1,
        kind: kind.into(),
        recorded_at: at.into(),
        payload: payload.into(),
        prev_hash: GENESIS,
        hash,
    };
    assert_eq!(ChainVerifier::default().check(&entry), Ok(()));
    entry.payload.push('\n');
    assert_eq!(ChainVerifier::default().check(&entry), Err(ChainBreak::Content { seq: 1 }));
});
