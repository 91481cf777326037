//! Shared setup: a fresh demo store in its own temporary folder, with a clock the test moves.
#![allow(dead_code)]
// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use storekeep_backend::{FixedClock, OpenOptions, Storekeep, Till, demo};
use tempfile::TempDir;

pub struct TestStore {
    pub sk: Storekeep,
    pub clock: Arc<FixedClock>,
    pub path: PathBuf,
    pub dir: TempDir,
}

/// 2026-11-27 10:15 in Stockholm.
pub fn a_weekday_morning() -> Timestamp {
    "2026-11-27T09:15:00Z".parse().unwrap()
}

pub async fn open_at(path: &std::path::Path, clock: Arc<FixedClock>) -> storekeep_backend::Result<Storekeep> {
    Storekeep::open(path, OpenOptions::default(), clock).await
}

pub async fn demo_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let clock = Arc::new(FixedClock::new(a_weekday_morning()));
    let sk = open_at(&path, clock.clone()).await.unwrap();
    sk.init(&demo::identity(), true).await.unwrap();
    TestStore { sk, clock, path, dir }
}

impl TestStore {
    pub fn clock_now(&self) -> Timestamp {
        storekeep_backend::Clock::now(self.clock.as_ref())
    }
}

/// The first `n` demo articles sold by the piece: (code, price).
pub fn articles(n: usize) -> Vec<(String, storekeep_domain::Money)> {
    demo::catalog()
        .into_iter()
        .filter(|i| i.sold_by == storekeep_domain::cart::SoldBy::Each)
        .filter_map(|i| Some((i.code?, i.price)))
        .take(n)
        .collect()
}

pub async fn count(sk: &Storekeep, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(sk.db().reader()).await.unwrap()
}

/// A till on `sk` with the demo cashier (Erik Berg, PIN 2222) logged in.
pub async fn logged_in(sk: &Storekeep) -> Till {
    logged_in_as(sk, "Erik Berg", "2222").await
}

pub async fn logged_in_as(sk: &Storekeep, name: &str, pin: &str) -> Till {
    let till = Till::new(sk.clone());
    let who = sk.staff().list().await.unwrap().into_iter().find(|m| m.name == name).unwrap();
    till.login(who.id, pin).await.unwrap();
    till
}
