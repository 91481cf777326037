//! The audit log's own hash chain: intact it verifies; any change to a copied database is named.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use storekeep_backend::audit::AuditFilter;

async fn store_with_audit() -> TestStore {
    let t = demo_store().await; // 3 staff created: 3 entries
    let erik = t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == "Erik Berg").unwrap();
    for _ in 0..2 {
        let _ = t.sk.staff().authenticate(erik.id, "0000").await;
    }
    t
}

async fn tamper(t: &TestStore, sql: &'static str) -> Option<(i64, String)> {
    let opts = SqliteConnectOptions::new().filename(&t.path);
    let mut raw = SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::query("DROP TRIGGER audit_no_update").execute(&mut raw).await.unwrap();
    sqlx::query("DROP TRIGGER audit_no_delete").execute(&mut raw).await.unwrap();
    sqlx::query(sql).execute(&mut raw).await.unwrap();
    raw.close().await.unwrap();
    t.sk.audit().verify().await.unwrap().problem
}

#[tokio::test]
async fn an_untouched_audit_log_verifies_and_filters() {
    let t = store_with_audit().await;
    let v = t.sk.audit().verify().await.unwrap();
    assert_eq!((v.entries, v.problem), (5, None));
    let login = AuditFilter { action_prefix: Some("login.".into()), ..Default::default() };
    assert_eq!(t.sk.audit().list(&login).await.unwrap().len(), 2);
    let pattern = AuditFilter { action_prefix: Some("login%".into()), ..Default::default() };
    assert!(t.sk.audit().list(&pattern).await.unwrap().is_empty(), "a filter is a prefix, not a pattern");
    let limited = t.sk.audit().list(&AuditFilter { limit: Some(1), ..Default::default() }).await.unwrap();
    assert_eq!(limited[0].seq, 5, "newest first");
}

#[tokio::test]
async fn every_kind_of_tampering_is_named() {
    for (sql, seq) in [
        ("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 4", 4),
        ("UPDATE audit_log SET actor_name = 'Anna Lind' WHERE seq = 5", 5),
        ("UPDATE audit_log SET outcome = 'done' WHERE seq = 4", 4),
        ("DELETE FROM audit_log WHERE seq = 2", 3),
        ("UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1", 1),
        ("UPDATE audit_log SET seq = 9 WHERE seq = 5", 9),
    ] {
        let t = store_with_audit().await;
        let (found, what) = tamper(&t, sql).await.unwrap_or_else(|| panic!("not caught: {sql}"));
        assert_eq!(found, seq, "{sql}: {what}");
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let t = store_with_audit().await;
    let mut tx = t.sk.db().begin_write().await.unwrap();
    for sql in ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"] {
        let err = sqlx::query(sql).execute(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}
