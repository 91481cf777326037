//! HQ sync throughput (issue 9's targets), with a plain harness: one store's 100,000 queued
//! registrations drained to HQ over loopback (target: under 60 s), and 50 stores sending at
//! once (each batch's latency, p50 and p99); then the fleet's load: the same 50 stores
//! reporting themselves at once (each report's latency, and reports a second), and the fleet
//! view built for 1,000 stores. A baseline in the same process, one empty
//! PostgreSQL transaction (BEGIN; COMMIT) over the same pool, lets the figures be read as
//! ratios that hold across machines.
//!
//! Run: `STOREKEEP_TEST_PG=$(scripts/test-postgres.sh start) cargo bench -p storekeep-hq --bench sync`

// Floats only format the report.
#![allow(clippy::float_arithmetic)]

use std::time::{Duration, Instant};

use storekeep_backend::sync::{HqLink, Pushed};
use storekeep_backend::{Storekeep, Till};

fn main() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("runtime");
    rt.block_on(run());
}

#[path = "../tests/common/mod.rs"]
mod common;

async fn store_with(n: usize, url: &str, token: String) -> (Storekeep, tempfile::TempDir) {
    let (sk, dir) = common::store_with(n).await;
    let boss = Till::new(sk.clone());
    boss.login(1, "1111").await.expect("login");
    boss.connect_hq(&HqLink { url: url.to_string(), token, ca_pem: None }, "bench").await.expect("connect");
    (sk, dir)
}

fn pct(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// p50 and p99 of `samples`, each also as a ratio to `base`.
fn latency(samples: &mut [Duration], base: Duration) -> String {
    let (p50, p99) = (pct(samples, 0.5), pct(samples, 0.99));
    let x = |d: Duration| d.as_secs_f64() / base.as_secs_f64();
    format!("p50 {} ({:.0}× baseline), p99 {} ({:.0}× baseline)", ms(p50), x(p50), ms(p99), x(p99))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run() {
    let hq = common::fresh_hq(60).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    {
        let hq = hq.clone();
        tokio::spawn(async move { axum::serve(listener, storekeep_hq::router(hq)).await.expect("serve") });
    }

    let mut baseline = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        let tx = hq.pool().begin().await.expect("begin");
        tx.commit().await.expect("commit");
        baseline.push(t.elapsed());
    }
    let base = pct(&mut baseline, 0.5);

    // One store, 100,000 registrations waiting.
    let token = hq.enrol("drain", "Drain").await.expect("enrol");
    let (sk, _dir) = store_with(100_000, &url, token).await;
    let t = Instant::now();
    let sent = sk.sync().drain(1_000).await.expect("drain");
    let drain = t.elapsed();
    assert_eq!(hq.count("drain").await.expect("count"), sent as i64);

    // 50 stores at once, 2,000 registrations each, batches of 200.
    let mut fleet = Vec::new();
    for i in 0..50 {
        let token = hq.enrol(&format!("s{i}"), "fleet").await.expect("enrol");
        fleet.push(store_with(2_000, &url, token).await);
    }
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (sk, _) in &fleet {
        let sk = sk.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let t = Instant::now();
                match sk.sync().push_once(200).await.expect("push") {
                    Pushed::Nothing => return lat,
                    Pushed::Sent { .. } => lat.push(t.elapsed()),
                }
            }
        }));
    }
    let mut batches = Vec::new();
    for task in tasks {
        batches.extend(task.await.expect("task"));
    }
    let fleet_time = t.elapsed();

    // The 50 stores report themselves at once, 20 times each.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (sk, _) in &fleet {
        let sk = sk.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for _ in 0..20 {
                let t = Instant::now();
                sk.sync().report().await.expect("report");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut reports = Vec::new();
    for task in tasks {
        reports.extend(task.await.expect("task"));
    }
    let report_time = t.elapsed();

    // The fleet view with 1,000 stores, each with a report.
    let report = serde_json::to_vec(&fleet[0].0.sync().store_report().await.expect("report")).expect("json");
    for i in 0..949 {
        let id = format!("f{i}");
        hq.enrol(&id, "fleet").await.expect("enrol");
        hq.report(&id, &report).await.expect("report");
    }
    let mut views = Vec::new();
    let mut size = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let rows = hq.fleet().await.expect("fleet");
        size = storekeep_hq::fleet::page(&rows, jiff::Timestamp::now()).len();
        assert_eq!(rows.len(), 1_000);
        views.push(t.elapsed());
    }

    println!();
    println!("baseline: empty PostgreSQL transaction p50 {}", ms(base));
    println!(
        "drain 100,000 registrations, one store, batches of 1,000: {:.1} s ({:.0} registrations/s; target < 60 s, {:.0}% of it)",
        drain.as_secs_f64(),
        sent as f64 / drain.as_secs_f64(),
        drain.as_secs_f64() / 60.0 * 100.0
    );
    println!(
        "50 stores at once, {} batches of 200: {}; 100,000 registrations in {:.1} s",
        batches.len(),
        latency(&mut batches, base),
        fleet_time.as_secs_f64()
    );
    println!(
        "50 stores reporting at once, {} reports: {}; {:.0} reports/s",
        reports.len(),
        latency(&mut reports, base),
        reports.len() as f64 / report_time.as_secs_f64()
    );
    println!(
        "fleet view of 1,000 stores (query and page, {} KiB): p50 {} ({:.0}× baseline)",
        size / 1024,
        ms(pct(&mut views, 0.5)),
        pct(&mut views, 0.5).as_secs_f64() / base.as_secs_f64()
    );
}
