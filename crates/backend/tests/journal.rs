//! `journal verify` catches tampering with a copied database, naming the first bad entry.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

async fn store_with_sales(n: usize) -> TestStore {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(n);
    for (code, _) in &items {
        till.scan(code).await.unwrap();
        till.pay_cash("1000").await.unwrap();
    }
    t
}

/// Runs `sql` against the database with the append-only triggers out of the way, as an
/// attacker with the file would, and returns what verification reports.
async fn tamper(t: &TestStore, sql: &'static str) -> Option<(i64, String)> {
    let opts = SqliteConnectOptions::new().filename(&t.path).foreign_keys(false);
    let mut raw = SqliteConnection::connect_with(&opts).await.unwrap();
    for trigger in ["journal_no_update", "journal_no_delete", "sale_no_update", "sale_no_delete"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER IF EXISTS {trigger}")))
            .execute(&mut raw)
            .await
            .unwrap();
    }
    sqlx::query(sql).execute(&mut raw).await.unwrap();
    raw.close().await.unwrap();
    t.sk.journal().verify().await.unwrap().problem.map(|p| (p.seq, p.what))
}

#[tokio::test]
async fn an_untouched_journal_verifies() {
    let t = store_with_sales(4).await;
    let v = t.sk.journal().verify().await.unwrap();
    assert_eq!((v.entries, v.sales, v.problem), (4, 4, None));
}

#[tokio::test]
async fn a_changed_payload_is_named() {
    let t = store_with_sales(4).await;
    let p = tamper(
        &t,
        "UPDATE journal SET payload = replace(payload, '\"total\":\"', '\"total\":\"1') WHERE seq = 3",
    )
    .await;
    let (seq, what) = p.expect("caught");
    assert_eq!(seq, 3);
    assert!(what.contains("changed"), "{what}");
}

#[tokio::test]
async fn a_deleted_entry_is_named() {
    let t = store_with_sales(4).await;
    let (seq, _) = tamper(&t, "DELETE FROM journal WHERE seq = 2").await.expect("caught");
    assert_eq!(seq, 3);
}

#[tokio::test]
async fn a_changed_sale_row_is_caught_against_the_journal() {
    let t = store_with_sales(3).await;
    let (seq, what) =
        tamper(&t, "UPDATE sale SET total = '0.10' WHERE receipt_no = 2").await.expect("caught");
    assert_eq!(seq, 2);
    assert!(what.contains("does not match"), "{what}");
}

#[tokio::test]
async fn a_rehashed_forgery_breaks_the_next_link() {
    let t = store_with_sales(3).await;
    // Swapping the hashes of two entries (a lazy forger's re-link) fails at the first of them.
    let (seq, _) =
        tamper(&t, "UPDATE journal SET hash = (SELECT hash FROM journal WHERE seq = 3) WHERE seq = 1")
            .await
            .expect("caught");
    assert_eq!(seq, 1);
}
