//! Issue 9 (first part) on a real PostgreSQL and real store databases: a store's journal
//! reaches HQ exactly once over HTTP, a resend is skipped, a key with other content is refused
//! with its whole batch, the chain is checked as it arrives, and one store can never write or
//! read another's registrations.
//!
//! Needs PostgreSQL: `make test-rust` starts one (scripts/test-postgres.sh) and sets
//! STOREKEEP_TEST_PG; each test makes a database of its own.
#![allow(clippy::unwrap_used)]

mod common;

use common::{connect, sell, serve, store};

use storekeep_backend::sync::{HqLink, Pushed};
use storekeep_backend::{Storekeep, Till};
use storekeep_domain::journal::{GENESIS, entry_hash};
use storekeep_domain::sync::{BATCH_FORMAT, Batch, WireEntry};
use storekeep_hq::Error;

async fn journal_len(sk: &Storekeep) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM journal").fetch_one(sk.db().reader()).await.unwrap()
}

/// A valid entry (its hash from its fields) after `prev`.
fn entry(register: &str, seq: i64, prev: [u8; 32], payload: &str) -> WireEntry {
    let recorded_at = "2026-11-27T10:00:00Z";
    let hash = entry_hash(&prev, register, seq, "paid_in", recorded_at, payload);
    WireEntry {
        register_id: register.into(),
        seq,
        kind: "paid_in".into(),
        recorded_at: recorded_at.into(),
        payload: payload.into(),
        prev_hash: hex::encode(prev),
        hash: hex::encode(hash),
    }
}

fn batch(entries: Vec<WireEntry>) -> Batch {
    Batch { format: BATCH_FORMAT.into(), entries }
}

#[tokio::test]
async fn a_stores_journal_reaches_hq_exactly_once() {
    let hq = common::fresh_hq(10).await;
    let url = serve(hq.clone()).await;
    let token = hq.enrol("butik-1", "Demobutiken").await.unwrap();
    let s = store().await;
    sell(&s.sk, 12).await;
    let waiting = s.sk.sync().waiting().await.unwrap();
    assert_eq!(waiting, journal_len(&s.sk).await, "every journal entry is in the outbox");
    let cashier = Till::new(s.sk.clone());
    cashier.login(2, "2222").await.unwrap();
    let link = HqLink { url: url.clone(), token: token.clone(), ca_pem: None };
    assert_eq!(
        cashier.connect_hq(&link, "x").await.unwrap_err().code(),
        storekeep_backend::ErrorCode::NotAllowed
    );
    assert!(s.sk.sync().push_once(10).await.is_err(), "not connected yet");
    connect(&s.sk, &url, &token).await;

    // In batches of 5, in order.
    let sent = s.sk.sync().drain(5).await.unwrap();
    assert_eq!(sent as i64, waiting);
    assert_eq!(s.sk.sync().waiting().await.unwrap(), 0);
    assert_eq!(hq.count("butik-1").await.unwrap(), journal_len(&s.sk).await);
    assert_eq!(hq.breaks("butik-1").await.unwrap(), 0);

    // More sales; and the whole journal sent again, as after a lost answer: only the new are
    // stored, the rest skipped.
    let before = journal_len(&s.sk).await;
    sell(&s.sk, 3).await;
    let new = journal_len(&s.sk).await - before;
    assert_eq!(new, 3);
    sqlx::query("INSERT OR IGNORE INTO outbox (register_id, seq) SELECT register_id, seq FROM journal")
        .execute(s.sk.db().writer())
        .await
        .unwrap();
    let mut stored = 0;
    let mut duplicates = 0;
    while let Pushed::Sent { receipt, .. } = s.sk.sync().push_once(1000).await.unwrap() {
        stored += receipt.stored;
        duplicates += receipt.duplicates;
    }
    assert_eq!((stored as i64, duplicates as i64), (new, before));
    assert_eq!(hq.count("butik-1").await.unwrap(), journal_len(&s.sk).await);
    // The board's queue follows.
    assert_eq!(s.sk.health().hq_queue().await.unwrap().waiting, 0);
    assert!(s.sk.health().hq_queue().await.unwrap().sync_configured);
}

#[tokio::test]
async fn a_key_with_other_content_is_refused_with_its_whole_batch() {
    let hq = common::fresh_hq(10).await;
    hq.enrol("butik-1", "Demobutiken").await.unwrap();
    let first = entry("KASSA-01", 1, GENESIS, r#"{"amount":"100.00"}"#);
    hq.ingest("butik-1", &batch(vec![first.clone()])).await.unwrap();
    let second = entry("KASSA-01", 2, first.own().unwrap(), r#"{"amount":"5.00"}"#);
    // The same key as the first, honestly hashed, other content.
    let forged = entry("KASSA-01", 1, GENESIS, r#"{"amount":"1.00"}"#);
    let e = hq.ingest("butik-1", &batch(vec![second.clone(), forged])).await.unwrap_err();
    assert!(matches!(e, Error::Conflict { seq: 1, .. }), "{e}");
    assert_eq!(hq.count("butik-1").await.unwrap(), 1, "nothing of the batch was stored");
    // The same again is a duplicate; the second goes in.
    let r = hq.ingest("butik-1", &batch(vec![first, second])).await.unwrap();
    assert_eq!((r.stored, r.duplicates, r.breaks), (1, 1, 0));
    assert_eq!(r.heads, vec![("KASSA-01".to_string(), 2)]);
}

#[tokio::test]
async fn hq_checks_every_hash_and_the_chain_as_it_arrives() {
    let hq = common::fresh_hq(10).await;
    hq.enrol("butik-1", "Demobutiken").await.unwrap();
    let first = entry("KASSA-01", 1, GENESIS, "{}");
    // Damaged on the way: the hash is not the entry's.
    let mut damaged = first.clone();
    damaged.payload = r#"{"x":1}"#.into();
    assert!(matches!(hq.ingest("butik-1", &batch(vec![damaged])).await, Err(Error::BadBatch(_))));
    // A gap: sequence 2 before 1.
    let second = entry("KASSA-01", 2, first.own().unwrap(), "{}");
    assert!(matches!(
        hq.ingest("butik-1", &batch(vec![second.clone()])).await,
        Err(Error::Gap { missing: 1, .. })
    ));
    assert_eq!(hq.count("butik-1").await.unwrap(), 0);
    // A break: sequence 2 does not link to 1. Stored (nothing is lost) and flagged.
    let unlinked = entry("KASSA-01", 2, [7; 32], "{}");
    let r = hq.ingest("butik-1", &batch(vec![first, unlinked])).await.unwrap();
    assert_eq!((r.stored, r.breaks), (2, 1));
    assert_eq!(hq.breaks("butik-1").await.unwrap(), 1);
    // And HQ's rows are never edited.
    let edit = sqlx::query("UPDATE registration SET payload = 'x'").execute(hq.pool()).await;
    assert!(edit.is_err());
}

#[tokio::test]
async fn one_store_never_writes_or_reads_another_stores_registrations() {
    let hq = common::fresh_hq(10).await;
    let url = serve(hq.clone()).await;
    let token_a = hq.enrol("butik-a", "A").await.unwrap();
    let token_b = hq.enrol("butik-b", "B").await.unwrap();
    let (a, b) = (store().await, store().await);
    sell(&a.sk, 2).await;
    sell(&b.sk, 5).await;
    // Both demo stores call their register KASSA-01: the store comes from the token only.
    connect(&a.sk, &url, &token_a).await;
    connect(&b.sk, &url, &token_b).await;
    a.sk.sync().drain(1000).await.unwrap();
    b.sk.sync().drain(1000).await.unwrap();
    assert_eq!(hq.count("butik-a").await.unwrap(), journal_len(&a.sk).await);
    assert_eq!(hq.count("butik-b").await.unwrap(), journal_len(&b.sk).await);
    assert_ne!(journal_len(&a.sk).await, journal_len(&b.sk).await);
    // B's heads are B's alone.
    let heads_b = hq.heads("butik-b").await.unwrap();
    assert_eq!(heads_b, vec![("KASSA-01".to_string(), journal_len(&b.sk).await)]);

    // A wrong token writes nothing and reads nothing.
    let c = store().await;
    sell(&c.sk, 1).await;
    connect(&c.sk, &url, "not-a-token").await;
    let e = c.sk.sync().push_once(1000).await.unwrap_err();
    assert!(e.to_string().contains("401"), "{e}");
    assert_eq!(c.sk.sync().waiting().await.unwrap(), journal_len(&c.sk).await, "nothing left the outbox");
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM registration").fetch_one(hq.pool()).await.unwrap();
    assert_eq!(total, journal_len(&a.sk).await + journal_len(&b.sk).await);
}

#[tokio::test]
async fn a_store_whose_hq_lost_entries_sends_its_journal_again() {
    let hq = common::fresh_hq(10).await;
    let url = serve(hq.clone()).await;
    let token = hq.enrol("butik-1", "Demobutiken").await.unwrap();
    let s = store().await;
    sell(&s.sk, 4).await;
    connect(&s.sk, &url, &token).await;
    // The first entries never reached HQ, but left the outbox (HQ restored an older backup).
    sqlx::query("DELETE FROM outbox WHERE seq <= 2").execute(s.sk.db().writer()).await.unwrap();
    let e = s.sk.sync().push_once(1000).await.unwrap_err();
    assert!(e.to_string().contains("queued again"), "{e}");
    s.sk.sync().drain(1000).await.unwrap();
    assert_eq!(hq.count("butik-1").await.unwrap(), journal_len(&s.sk).await);
    assert_eq!(hq.breaks("butik-1").await.unwrap(), 0);
}
