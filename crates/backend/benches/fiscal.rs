//! Issue 5's targets: a Z-dagrapport over a day of 20,000 receipts under 200 ms, and
//! `journal verify` of 1,000,000 registrations under 10 s. A plain harness in one process,
//! with a baseline (one durable empty commit) so the figures read as ratios across disks.
//!
//! Run: `cargo bench -p storekeep-backend --bench fiscal`
//! (`SK_BENCH_REGISTRATIONS=200000` for a shorter run).
//!
//! The registrations are a real three-line sale paid by card and cash, registered through the
//! till once and then appended with new receipt numbers through the same journal code
//! (`append_in`: chain hash, head, tally) and the sales projection, in batches of 5,000.

// Floats only format the report; no money is involved.
#![allow(clippy::float_arithmetic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo};
use storekeep_domain::report::ReportKind;

#[path = "support/fill.rs"]
mod fill;
use fill::{baseline, fill};

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
}

fn ms(d: Duration) -> String {
    format!("{:>9.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run() {
    let total: i64 =
        std::env::var("SK_BENCH_REGISTRATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    if std::env::var("SK_BENCH_KEEP").is_ok() {
        println!("keeping {}", dir.path().display());
    }
    let sk =
        Storekeep::open(&dir.path().join("bench.sqlite3"), OpenOptions::default(), Arc::new(SystemClock))
            .await
            .expect("open");
    sk.init(&demo::identity(), true).await.expect("demo");
    let manager = Till::new(sk.clone());
    manager.login(1, "1111").await.expect("login");
    // A basket of three different items, one bought twice.
    for (query, pieces) in [("mjölk", "2"), ("bröd", "1"), ("kaffe", "1")] {
        let item = sk
            .catalog()
            .search(query, 20)
            .await
            .expect("search")
            .into_iter()
            .find(|i| i.sold_by == storekeep_domain::cart::SoldBy::Each)
            .expect("an item sold by the piece");
        manager.add_item(item.id, Some(pieces), None).await.expect("add");
    }
    manager.pay_card(Some("10")).await.expect("card");
    let first = manager.pay_cash("500").await.expect("cash");
    let template = sk.sales().by_receipt_no(first.receipt_no).await.expect("sale");
    println!(
        "registration: a {}-line sale, {} bytes of journal payload",
        template.lines.len(),
        serde_json::to_string(&template).expect("json").len()
    );

    let baseline = baseline(&sk).await;

    // A day of 20,000 receipts.
    let started = Instant::now();
    fill(&sk, &template, 2, 20_000).await;
    println!("filled 20,000 receipts in {:.1} s", started.elapsed().as_secs_f64());
    let mut xs = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let x = manager.take_report(ReportKind::X).await.expect("x");
        xs.push(t.elapsed());
        assert_eq!(x.report.tally.receipts, 20_000);
    }
    xs.sort();
    let t = Instant::now();
    let z = manager.take_report(ReportKind::Z).await.expect("z");
    let z_time = t.elapsed();
    assert_eq!(z.report.tally.receipts, 20_000);

    // Up to the full journal.
    let started = Instant::now();
    fill(&sk, &template, 20_001, total).await;
    println!("filled {} registrations in {:.1} s", total, started.elapsed().as_secs_f64());
    let t = Instant::now();
    let v = sk.journal().verify().await.expect("verify");
    let verify = t.elapsed();
    assert!(v.problem.is_none(), "{:?}", v.problem);
    assert_eq!(v.sales, total);

    // Where verify's time goes: the checking work per entry, and the bare scans.
    {
        use storekeep_domain::journal::{GENESIS, entry_hash};
        use storekeep_domain::tally::Tally;
        let payload = serde_json::to_string(&template).expect("json");
        let stored = Tally::of("sale", &payload).expect("tally").to_stored();
        let n = 100_000;
        let t = Instant::now();
        for i in 0..n {
            std::hint::black_box(entry_hash(
                &GENESIS,
                "KASSA-01",
                i,
                "sale",
                "2026-11-28T10:00:00Z",
                &payload,
            ));
        }
        let hash = t.elapsed();
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(Tally::of("sale", &payload).expect("tally"));
        }
        let tally = t.elapsed();
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(Tally::from_stored(&stored).expect("stored"));
        }
        let parse = t.elapsed();
        println!(
            "per entry: hash {:.2} µs, tally {:.2} µs, stored tally {:.2} µs",
            hash.as_secs_f64() * 1e6 / n as f64,
            tally.as_secs_f64() * 1e6 / n as f64,
            parse.as_secs_f64() * 1e6 / n as f64
        );
    }
    // The bare scans.
    let mut scans = Vec::new();
    for (name, sql) in [
        (
            "scan: journal rows",
            "SELECT seq, kind, recorded_at, payload, prev_hash, hash FROM journal ORDER BY seq",
        ),
        (
            "scan: sales rows",
            "SELECT journal_seq, receipt_no, total, rounding, kind, original_receipt_no FROM sale ORDER BY journal_seq",
        ),
        ("scan: day-figure rows", "SELECT journal_seq, body FROM tally ORDER BY journal_seq"),
    ] {
        use futures_util::TryStreamExt;
        let mut c = sk.db().read_connection().await.expect("connection");
        let t = Instant::now();
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut c);
        let mut n = 0u64;
        while let Some(_row) = rows.try_next().await.expect("row") {
            n += 1;
        }
        scans.push((format!("{name} ({n})"), t.elapsed()));
    }

    println!();
    println!("{:<48} {:>12} {:>14}", "operation", "time", "× baseline");
    let row = |name: &str, d: Duration| {
        println!("{name:<48} {} {:>13.0}×", ms(d), d.as_secs_f64() / baseline.as_secs_f64());
    };
    row("baseline: durable empty commit (p50)", baseline);
    row("X report over 20,000 receipts (p50 of 10)", xs[xs.len() / 2]);
    row("X report over 20,000 receipts (max of 10)", xs[xs.len() - 1]);
    row("Z report over 20,000 receipts", z_time);
    row(&format!("journal verify, {} entries", v.entries), verify);
    for (name, d) in &scans {
        row(name, *d);
    }
    println!(
        "targets: Z < 200 ms: {}; verify 1,000,000 < 10 s: {}",
        if z_time < Duration::from_millis(200) { "met" } else { "MISSED" },
        if total < 1_000_000 {
            "not run at full size"
        } else if verify < Duration::from_secs(10) {
            "met"
        } else {
            "MISSED"
        }
    );
    if std::env::var("SK_BENCH_KEEP").is_ok() {
        let _ = dir.keep();
    }
}
