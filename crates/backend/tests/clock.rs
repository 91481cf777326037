//! Clock jumps (issue 10's fault suite), with the injected clock: the journal, receipts and day
//! reports follow the sequence, never the time, and a clock gone back is journaled once per
//! jump (`clock_backwards`, with both times), audited and put on the open incident's
//! timeline. The same through the real binary under libfaketime: crates/cli/tests/clock.rs.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use jiff::{SignedDuration, Timestamp};
use storekeep_backend::audit::AuditFilter;
use storekeep_backend::journal::ClockBackwards;
use storekeep_domain::report::ReportKind;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// (seq, kind, recorded_at, payload) of the whole journal, in sequence order.
async fn journal(t: &TestStore) -> Vec<(i64, String, String, String)> {
    sqlx::query_as("SELECT seq, kind, recorded_at, payload FROM journal ORDER BY seq")
        .fetch_all(t.sk.db().reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_clock_gone_back_is_journaled_once_and_the_sequence_orders_everything() {
    let t = demo_store().await;
    let codes = articles(8);
    // A cashier logs in for each sale (a clock moved an hour forward logs them out).
    let sell = |i: usize| {
        let (sk, code) = (&t.sk, codes[i].0.clone());
        async move {
            let till = logged_in(sk).await;
            till.scan(&code).await.unwrap();
            till.pay_cash("1000").await.unwrap().receipt_no
        }
    };
    t.clock.set(at("2026-06-01T12:00:00Z"));
    assert_eq!(sell(0).await, 1);
    // Half a second back is clock keeping (an NTP step), not a jump.
    t.clock.advance(SignedDuration::from_millis(-500));
    assert_eq!(sell(1).await, 2);
    assert!(journal(&t).await.iter().all(|e| e.1 != "clock_backwards"));

    // An hour back: one entry, just before the sale that noticed it.
    t.clock.set(at("2026-06-01T11:00:00Z"));
    assert_eq!(sell(2).await, 3);
    t.clock.advance(SignedDuration::from_secs(30));
    assert_eq!(sell(3).await, 4, "still before 12:00, but after the last entry: no second jump");
    let j = journal(&t).await;
    let jumps: Vec<_> = j.iter().filter(|e| e.1 == "clock_backwards").collect();
    assert_eq!(jumps.len(), 1, "{j:?}");
    let (seq, _, recorded_at, payload) = jumps[0];
    let jump: ClockBackwards = serde_json::from_str(payload).unwrap();
    let before = &j[usize::try_from(seq - 2).unwrap()];
    assert_eq!((jump.previous_seq, &jump.previous_at), (before.0, &before.2));
    assert_eq!(jump.previous_at, "2026-06-01T11:59:59.5Z");
    assert_eq!((jump.at.as_str(), recorded_at.as_str()), ("2026-06-01T11:00:00Z", "2026-06-01T11:00:00Z"));
    assert_eq!(jump.back_ms, 3_599_500);
    assert_eq!(j[usize::try_from(*seq).unwrap()].1, "sale", "the sale that noticed it follows it");

    // Forward again: time passing (or a night) is not a jump.
    t.clock.set(at("2026-06-01T12:30:00Z"));
    assert_eq!(sell(4).await, 5);

    // Back again, at the Z: the entry falls inside what the Z covers, the Z right after it.
    t.clock.set(at("2026-06-01T12:10:00Z"));
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let z = manager.take_report(ReportKind::Z).await.unwrap().report;
    let j = journal(&t).await;
    let last = j.len() - 1;
    assert_eq!((j[last].1.as_str(), j[last - 1].1.as_str()), ("z_report", "clock_backwards"));
    assert_eq!((z.from_seq, z.to_seq), (1, j[last - 1].0));
    assert_eq!(z.tally.receipts, 5, "every receipt counted, whatever its time");
    assert_eq!(j.iter().filter(|e| e.1 == "clock_backwards").count(), 2);

    // The times go back and forth; the sequence and the receipt numbers do not.
    let times: Vec<Timestamp> = j.iter().map(|e| at(&e.2)).collect();
    assert!(times.windows(2).any(|w| w[1] < w[0]));
    assert!(j.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    let receipt = t.sk.sales().receipt(3).await.unwrap();
    assert_eq!(receipt.receipt_no, 3);

    let v = t.sk.journal().verify().await.unwrap();
    assert_eq!((v.sales, v.reports, v.clock_backwards, v.problem), (5, 1, 2, None));

    let mut out = Vec::new();
    t.sk.journal().export(&mut out).await.unwrap();
    let seqs: Vec<i64> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=i64::try_from(j.len()).unwrap()).collect::<Vec<_>>());

    let filter = AuditFilter { action_prefix: Some("clock.".into()), ..AuditFilter::default() };
    let audited = t.sk.audit().list(&filter).await.unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0].record.old_value.as_deref(), Some("2026-06-01T12:30:00Z"));
    assert_eq!(audited[0].record.new_value.as_deref(), Some("2026-06-01T12:10:00Z"));
    assert!(t.sk.audit().verify().await.unwrap().problem.is_none());
}
