//! Issue 10's target: a fresh install with a backup of 1,000,000 registrations selling again
//! in under 60 s. A plain harness in one process; the baseline is one durable empty commit
//! (as in the fiscal bench), so the figures also read as ratios across disks.
//!
//! Run: `cargo bench -p storekeep-backend --bench restore`
//! (`SK_BENCH_REGISTRATIONS=100000` for a shorter run).
//!
//! "Selling again" is timed from the backup file and the key on a fresh folder to the first
//! sale's receipt: decrypt and check (tags, SHA-256, quick check, heads), move into place,
//! open the store (its start check of the journal's tail), log in, scan, pay.

// Floats only format the report; no money is involved.
#![allow(clippy::float_arithmetic)]

#[path = "support/fill.rs"]
mod fill;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fill::{baseline, fill};
use storekeep_backend::backup::{self, BackupConfig, Existing, SecretKey};
use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo, paths};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
}

fn secs(d: Duration) -> String {
    format!("{:>7.2} s", d.as_secs_f64())
}

async fn run() {
    let total: i64 =
        std::env::var("SK_BENCH_REGISTRATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let store_dir = dir.path().join("store");
    let db = paths::database_path(&store_dir).expect("folder");
    let sk = Storekeep::open(&db, OpenOptions::default(), Arc::new(SystemClock)).await.expect("open");
    sk.init(&demo::identity(), true).await.expect("demo");
    let cashier = Till::new(sk.clone());
    cashier.login(2, "2222").await.expect("login");
    let code = demo::catalog().into_iter().find_map(|i| i.code).expect("a code");
    cashier.scan(&code).await.expect("scan");
    let first = cashier.pay_cash("500").await.expect("cash");
    let template = sk.sales().by_receipt_no(first.receipt_no).await.expect("sale");

    let baseline = baseline(&sk).await;

    let t = Instant::now();
    fill(&sk, &template, 2, total).await;
    println!("filled {total} registrations in {:.1} s", t.elapsed().as_secs_f64());

    let dest = dir.path().join("usb");
    std::fs::create_dir_all(&dest).expect("dest");
    let key = SecretKey::generate().expect("key");
    let manager = Till::new(sk.clone());
    manager.login(1, "1111").await.expect("login");
    let config = BackupConfig {
        public_key: key.public().to_string(),
        destination: dest.display().to_string(),
        every_minutes: 0,
        keep: 3,
        to_hq: false,
    };
    manager.configure_backups(&config, "bench").await.expect("configure");
    let t = Instant::now();
    let made = sk.backups().create(None, "bench", &|_| {}).await.expect("backup");
    let backup_time = t.elapsed();
    sk.db().close().await;
    let db_bytes = std::fs::metadata(&db).expect("db").len();

    // The fresh install: nothing but the backup and the key.
    let fresh = dir.path().join("fresh");
    let t = Instant::now();
    let restored = backup::restore(Path::new(&made.file), &key, &fresh, Existing::Refuse, &|_| {})
        .await
        .expect("restore");
    let restore_time = t.elapsed();
    let t2 = Instant::now();
    let sk2 =
        Storekeep::open(&fresh.join(paths::DATABASE_FILE), OpenOptions::default(), Arc::new(SystemClock))
            .await
            .expect("open restored");
    let open_time = t2.elapsed();
    let till = Till::new(sk2.clone());
    till.login(2, "2222").await.expect("login");
    till.scan(&code).await.expect("scan");
    let receipt = till.pay_cash("500").await.expect("sale");
    let selling = t.elapsed();
    assert_eq!(receipt.receipt_no, total + 1);
    assert_eq!(restored.manifest.entries, total);

    println!("journal entries       {:>12}", restored.manifest.entries);
    println!("database              {:>9.1} MiB", db_bytes as f64 / 1048576.0);
    println!("backup file           {:>9.1} MiB", made.bytes as f64 / 1048576.0);
    println!("baseline commit       {:>9.3} ms", baseline.as_secs_f64() * 1000.0);
    println!("backup (snapshot, integrity_check, journal verify, seal, read back) {}", secs(backup_time));
    println!("restore (decrypt, check, install)                                  {}", secs(restore_time));
    println!("open the restored store (quick check, journal tail)                {}", secs(open_time));
    println!(
        "fresh install to the first sale's receipt                          {}  (target < 60 s; {:.0}x baseline)",
        secs(selling),
        selling.as_secs_f64() / baseline.as_secs_f64()
    );
}
