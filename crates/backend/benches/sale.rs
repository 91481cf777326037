//! The till's hot paths on the demo store, with an in-process baseline:
//! - `baseline/durable_empty_commit`: BEGIN IMMEDIATE + one tiny write + COMMIT under
//!   synchronous=FULL, i.e. the cost of one fsync'd transaction on this disk;
//! - `till/scan_to_line`: parse, look up, add, price;
//! - `till/complete_cash_sale`: scan one item and register it durably (receipt number, journal
//!   entry, projection rows, one commit).
//!
//! Run: `cargo bench -p storekeep-backend --bench sale`. Compare the sale to the baseline as a
//! ratio: the disk decides the absolute numbers.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo};

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let sk = rt.block_on(async {
        let sk =
            Storekeep::open(&dir.path().join("bench.sqlite3"), OpenOptions::default(), Arc::new(SystemClock))
                .await
                .expect("open");
        sk.init(&demo::identity(), true).await.expect("demo");
        let mut tx = sk.db().begin_write().await.expect("tx");
        sqlx::query("CREATE TABLE bench_baseline (n INTEGER)").execute(&mut *tx).await.expect("table");
        tx.commit().await.expect("commit");
        sk
    });
    // Separate tills: the scan benchmark piles up quantity on its own cart. Both log in as
    // the demo cashier (Erik Berg, staff 2, PIN 2222).
    let (scan_till, sale_till) = (Till::new(sk.clone()), Till::new(sk.clone()));
    for till in [&scan_till, &sale_till] {
        rt.block_on(till.login(2, "2222")).expect("login");
    }
    let code = demo::catalog()[1000].code.clone().expect("a barcode");

    c.bench_function("baseline/durable_empty_commit", |b| {
        b.to_async(&rt).iter(|| async {
            let mut tx = sk.db().begin_write().await.expect("tx");
            sqlx::query("INSERT INTO bench_baseline (n) VALUES (1)").execute(&mut *tx).await.expect("insert");
            tx.commit().await.expect("commit");
        })
    });
    c.bench_function("till/scan_to_line", |b| {
        b.to_async(&rt).iter(|| async { scan_till.scan(&code).await.expect("scan") })
    });
    c.bench_function("till/complete_cash_sale", |b| {
        b.to_async(&rt).iter(|| async {
            sale_till.scan(&code).await.expect("scan");
            sale_till.pay_cash("5000").await.expect("pay")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
