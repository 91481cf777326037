//! Opening the database: durability settings, and a clear refusal for a database that is
//! locked, damaged or from a newer Storekeep. Registrations are append-only.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use sqlx::{Connection, Row};
use storekeep_backend::{Error, ErrorCode, FixedClock, OpenOptions, Storekeep, Till};

#[tokio::test]
async fn wal_and_full_sync_are_in_force() {
    let t = demo_store().await;
    let mut tx = t.sk.db().begin_write().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *tx).await.unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
}

#[tokio::test]
async fn a_scan_looks_the_item_up_through_an_index() {
    let t = demo_store().await;
    let rows = sqlx::query("EXPLAIN QUERY PLAN SELECT id FROM product WHERE code = ?")
        .bind("7300000000000")
        .fetch_all(t.sk.db().reader())
        .await
        .unwrap();
    let plan = rows.iter().map(|r| r.get::<String, _>("detail")).collect::<Vec<_>>().join(" ");
    assert!(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "{plan}");
}

#[tokio::test]
async fn registrations_cannot_be_edited_or_deleted() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    till.scan(&articles(1)[0].0).await.unwrap();
    till.pay_cash("100").await.unwrap();
    let mut tx = t.sk.db().begin_write().await.unwrap();
    for sql in [
        "UPDATE journal SET payload = '{}'",
        "DELETE FROM journal",
        "UPDATE sale SET total = '0.00'",
        "DELETE FROM sale_line",
        "UPDATE tender SET amount = '0.00'",
    ] {
        let err = sqlx::query(sql).execute(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn a_locked_database_is_reported_and_nothing_is_written() {
    let t = demo_store().await;
    let impatient = Storekeep::open(
        &t.path,
        OpenOptions { busy_timeout: Duration::from_millis(200), ..Default::default() },
        t.clock.clone(),
    )
    .await
    .unwrap();
    let till = logged_in(&impatient).await;
    till.scan(&articles(1)[0].0).await.unwrap();

    // Another program holds the write lock.
    let url = format!("sqlite://{}", t.path.display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let err = till.pay_cash("100").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseLocked, "{err}");
    assert!(err.to_string().contains("in use by another Storekeep program"));
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    assert_eq!(count(&impatient, "sale").await, 0);
    assert_eq!(till.cart().await.unwrap().cart.lines.len(), 1, "the sale is still there to pay");
    assert_eq!(till.pay_cash("100").await.unwrap().receipt_no, 1, "and completes once the lock is gone");
}

#[tokio::test]
async fn a_database_locked_at_start_is_reported_and_left_alone() {
    // Another program created the file and holds its write lock while Storekeep starts.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true);
    let mut other = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::query("CREATE TABLE theirs (x INTEGER)").execute(&mut other).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();

    let clock = Arc::new(FixedClock::new(a_weekday_morning()));
    let impatient = OpenOptions { busy_timeout: Duration::from_millis(200), ..Default::default() };
    let err = Storekeep::open(&path, impatient, clock.clone()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseLocked, "{err}");

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    let sk = Storekeep::open(&path, impatient, clock).await.unwrap();
    assert!(sk.status().await.unwrap().identity.is_none(), "opens once the lock is released");
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    std::fs::write(&path, b"this is a shopping list, not a database").unwrap();
    let clock = Arc::new(FixedClock::new(a_weekday_morning()));
    let err = open_at(&path, clock).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseCorrupt);
    assert!(err.to_string().contains("is damaged"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"this is a shopping list, not a database", "left as it was");
}

#[tokio::test]
async fn damaged_pages_are_detected_at_start() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    till.scan(&articles(1)[0].0).await.unwrap();
    till.pay_cash("100").await.unwrap();
    // Fold the WAL into the main file so the damage below hits committed data.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(t.sk.db().reader()).await.ok();
    let mut w = t.sk.db().begin_write().await.unwrap();
    sqlx::query("SELECT 1").execute(&mut *w).await.unwrap();
    w.commit().await.unwrap();
    t.sk.db().close().await;
    let mut bytes = std::fs::read(&t.path).unwrap();
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    // Flip bytes throughout every b-tree page after the first, keeping the header intact.
    for page in 1..bytes.len() / page_size {
        for b in &mut bytes[page * page_size..page * page_size + 64] {
            *b ^= 0xA5;
        }
    }
    std::fs::write(&t.path, &bytes).unwrap();
    let _ = std::fs::remove_file(t.path.with_extension("sqlite3-wal"));
    let err = open_at(&t.path, t.clock.clone()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseCorrupt, "{err}");
}

#[tokio::test]
async fn a_database_from_a_newer_storekeep_is_refused() {
    let t = demo_store().await;
    let mut tx = t.sk.db().begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    t.sk.db().close().await;
    let err = open_at(&t.path, t.clock.clone()).await.unwrap_err();
    assert!(matches!(err, Error::TooNew { found: 99990101000000, .. }), "{err}");
    assert_eq!(err.code(), ErrorCode::DatabaseTooNew);
    assert!(err.to_string().contains("Install the newer version"));
}

#[tokio::test]
async fn a_store_is_set_up_once() {
    let t = demo_store().await;
    let err = t.sk.init(&storekeep_backend::demo::identity(), false).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized));
    assert!(t.sk.catalog().count().await.unwrap() >= 2000);

    let dir = tempfile::tempdir().unwrap();
    let bare = open_at(&dir.path().join("s.sqlite3"), t.clock.clone()).await.unwrap();
    assert!(bare.status().await.unwrap().identity.is_none());
    let status = bare.status().await.unwrap();
    assert!(!status.needs_first_manager, "a store is set up before its first manager");
    let till = Till::new(bare);
    assert_eq!(till.scan(&articles(1)[0].0).await.unwrap_err().code(), ErrorCode::NotLoggedIn);
}
