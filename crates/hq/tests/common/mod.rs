//! Shared setup for HQ's tests and bench: a database of its own on the test PostgreSQL, and a
//! demo store whose journal is filled directly, so the time goes to the sync, not to selling.
#![allow(dead_code)]
// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use storekeep_backend::sync::HqLink;
use storekeep_backend::{FixedClock, OpenOptions, Storekeep, Till, demo};
use storekeep_domain::journal::EntryKind;
use storekeep_hq::Hq;

/// A fresh HQ on a new database of the PostgreSQL named by STOREKEEP_TEST_PG.
pub async fn fresh_hq(max_connections: u32) -> Hq {
    let admin = std::env::var("STOREKEEP_TEST_PG").expect(
        "STOREKEEP_TEST_PG is not set: start PostgreSQL with `scripts/test-postgres.sh start` and set it to the URL printed (make test-rust does both)",
    );
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    let name = format!("hq_test_{}", hex::encode(bytes));
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    Hq::connect(&format!("{base}/{name}"), max_connections).await.unwrap()
}

/// A demo store (its own folder) with `n` registrations written straight into its journal
/// (drawer openings, 5,000 a transaction).
pub async fn store_with(n: usize) -> (Storekeep, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new("2026-11-27T09:15:00Z".parse().unwrap()));
    let sk = Storekeep::open(&dir.path().join("store.sqlite3"), OpenOptions::default(), clock).await.unwrap();
    sk.init(&demo::identity(), true).await.unwrap();
    let register = sk.require_identity().await.unwrap().register_id;
    let mut written = 0;
    while written < n {
        let mut tx = sk.db().begin_write().await.unwrap();
        for _ in 0..(n - written).min(5_000) {
            written += 1;
            let at = format!("2026-11-27T10:{:02}:{:02}Z", (written / 60) % 60, written % 60);
            let payload = format!(r#"{{"n":{written}}}"#);
            storekeep_backend::journal::append_in(&mut tx, &register, EntryKind::DrawerOpen, &at, &payload)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    (sk, dir)
}

/// HQ served on a loopback port of its own; its URL.
pub async fn serve(hq: Hq) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, storekeep_hq::router(hq)).await.unwrap() });
    format!("http://{addr}")
}

/// A demo store in a folder of its own.
pub struct Store {
    pub sk: Storekeep,
    pub clock: Arc<FixedClock>,
    pub _dir: tempfile::TempDir,
}

pub async fn store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new("2026-11-27T09:15:00Z".parse().unwrap()));
    let sk = Storekeep::open(&dir.path().join("store.sqlite3"), OpenOptions::default(), clock.clone())
        .await
        .unwrap();
    sk.init(&demo::identity(), true).await.unwrap();
    Store { sk, clock, _dir: dir }
}

pub async fn sell(sk: &Storekeep, n: usize) {
    let till = Till::new(sk.clone());
    till.login(2, "2222").await.unwrap();
    let code = demo::catalog().into_iter().find_map(|i| i.code).unwrap();
    for _ in 0..n {
        till.scan(&code).await.unwrap();
        till.pay_cash("500").await.unwrap();
    }
}

pub async fn connect(sk: &Storekeep, url: &str, token: &str) {
    let boss = Till::new(sk.clone());
    boss.login(1, "1111").await.unwrap();
    boss.connect_hq(&HqLink { url: url.into(), token: token.into(), ca_pem: None }, "Anslutning till HK")
        .await
        .unwrap();
}
