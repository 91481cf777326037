//! Tail latencies of the till on a 100,000-item catalog (issue 4's targets), measured with a
//! plain harness: each operation is timed one by one and the percentiles read from the sorted
//! samples. Everything runs in one process, with a baseline — one durable empty commit
//! (BEGIN IMMEDIATE, a tiny write, COMMIT under synchronous=FULL) — so the figures can be read
//! as ratios that hold across disks.
//!
//! Run: `cargo bench -p storekeep-backend --bench p99`.
//! Targets: scan-to-line < 1 ms p99; cash sale committed durably < 10 ms p99; 100,000-item
//! import < 5 s; name search < 20 ms p99. Also the payment-method check each tender makes.

// Floats only format the report; no money is involved.
#![allow(clippy::float_arithmetic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo};
use storekeep_domain::barcode::with_check_digit;

const ITEMS: u64 = 100_000;

fn price_file() -> (String, Vec<String>) {
    let words =
        ["Mjölk", "Bröd", "Ost", "Kaffe", "Te", "Smör", "Juice", "Pasta", "Ris", "Sylt", "Korv", "Fisk"];
    let mut file = String::from("code;plu;name;price;sold_by;vat_category\n");
    let mut codes = Vec::with_capacity(ITEMS as usize);
    for i in 0..ITEMS {
        let code = with_check_digit(&format!("7329{i:08}"));
        let name = format!("{} {} nr {}", words[(i % 12) as usize], words[((i / 12) % 12) as usize], i);
        file.push_str(&format!("{code};;{name};{},{:02};each;food\n", 5 + i % 300, (i * 7) % 100));
        codes.push(code);
    }
    (file, codes)
}

struct Stats {
    name: &'static str,
    samples: Vec<Duration>,
}

impl Stats {
    fn pct(&self, p: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        let i = ((s.len() as f64 - 1.0) * p).round() as usize;
        s[i]
    }
}

fn us(d: Duration) -> String {
    format!("{:>9.1} µs", d.as_nanos() as f64 / 1000.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:>6.2}×", a.as_nanos() as f64 / b.as_nanos().max(1) as f64)
}

/// 100 ten-line cash sales, each sale's payment timed, `pause` between sales.
async fn sell(till: &Till, codes: &[String], rng: &mut Lcg, stats: &mut Stats, pause: Duration) {
    for _ in 0..100 {
        tokio::time::sleep(pause).await;
        let mut due = String::new();
        for _ in 0..10 {
            due = till
                .scan(&codes[(rng.next() % ITEMS) as usize])
                .await
                .expect("scan")
                .cart
                .cash_total
                .to_string();
        }
        let t = Instant::now();
        till.pay_cash(&due).await.expect("pay");
        stats.samples.push(t.elapsed());
    }
}

/// A small deterministic generator (no extra crate; the numbers only need to spread).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sk =
        Storekeep::open(&dir.path().join("bench.sqlite3"), OpenOptions::default(), Arc::new(SystemClock))
            .await
            .expect("open");
    sk.init(&demo::identity(), true).await.expect("demo");
    let mut tx = sk.db().begin_write().await.expect("tx");
    sqlx::query("CREATE TABLE bench_baseline (n INTEGER)").execute(&mut *tx).await.expect("table");
    tx.commit().await.expect("commit");
    let manager = Till::new(sk.clone());
    manager.login(1, "1111").await.expect("login");

    let (file, codes) = price_file();
    let started = Instant::now();
    let report = manager.import_catalog("bench.csv", file.as_bytes()).await.expect("import");
    let import = started.elapsed();
    assert!(report.applied && report.added == ITEMS as usize, "{:?}", report.errors.first());
    println!("catalog: {} items after import", sk.catalog().count().await.expect("count"));

    let mut rng = Lcg(42);
    let mut baseline = Stats { name: "baseline: durable empty commit", samples: Vec::new() };
    for _ in 0..2000 {
        let t = Instant::now();
        let mut tx = sk.db().begin_write().await.expect("tx");
        sqlx::query("INSERT INTO bench_baseline (n) VALUES (1)").execute(&mut *tx).await.expect("insert");
        tx.commit().await.expect("commit");
        baseline.samples.push(t.elapsed());
    }

    // Scans into carts of 1–20 lines (a new cart every 20 scans: a real basket, not one of
    // thousands of lines).
    let mut scan = Stats { name: "scan to line (100k catalog)", samples: Vec::new() };
    let mut sale = Stats { name: "complete cash sale (10 lines)", samples: Vec::new() };
    let till = Till::new(sk.clone());
    till.login(2, "2222").await.expect("login");
    for round in 0..250 {
        let lines = if round % 2 == 0 { 20 } else { 10 };
        let mut due = String::new();
        for _ in 0..lines {
            let code = &codes[(rng.next() % ITEMS) as usize];
            let t = Instant::now();
            let view = till.scan(code).await.expect("scan");
            scan.samples.push(t.elapsed());
            due = view.cart.cash_total.to_string();
        }
        let t = Instant::now();
        till.pay_cash(&due).await.expect("pay");
        if lines == 10 {
            sale.samples.push(t.elapsed());
        }
    }

    // The check every tender makes when it starts (issue 7): the payment methods in force on
    // the register, the caps and the offline exposure, read together.
    let mut check = Stats { name: "payment methods in force", samples: Vec::new() };
    let register = sk.require_identity().await.expect("identity").register_id;
    for _ in 0..2000 {
        let t = Instant::now();
        sk.payments().in_force_on(&register).await.expect("in force");
        check.samples.push(t.elapsed());
    }

    let mut search = Stats { name: "name search as typed (100k)", samples: Vec::new() };
    let queries =
        ["m", "mj", "mjö", "mjölk", "bröd o", "kaffe te", "nr 4242", "ost", "sylt korv nr 9", "zz", "4011"];
    manager.search("warm the index").await.expect("search");
    for i in 0..2200 {
        let q = queries[i % queries.len()];
        let t = Instant::now();
        till.search(q).await.expect("search");
        search.samples.push(t.elapsed());
    }

    // Degraded mode (issue 8): the same cash sale while the monitor probes every dependency,
    // first with all eight probes stuck on a network that never answers, then with all eight
    // links flapping every 150 ms (each flip a health event, a store-mode change journaled and
    // an incident opened or closed). The sale must not wait on any of it.
    let mut stuck = Stats { name: "cash sale, 8 probes hanging", samples: Vec::new() };
    let mut flapping = Stats { name: "cash sale, 8 links flapping", samples: Vec::new() };
    {
        use storekeep_backend::health::{HealthSettings, ProbeTarget, SimHealth};
        use storekeep_domain::health::{Dependency, ProbeSettings};
        let black_hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = black_hole.local_addr().expect("addr");
        let hole = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = black_hole.accept().await {
                held.push(s);
            }
        });
        let probe = |ms| ProbeSettings { interval_ms: ms, timeout_ms: ms, fail_after: 1, recover_after: 1 };
        let hanging = HealthSettings {
            probe: probe(60_000),
            targets: Dependency::ALL
                .into_iter()
                .map(|d| (d, ProbeTarget::Http { url: format!("http://{addr}/health") }))
                .collect(),
            island_on_forgery: true,
        };
        manager.set_health_settings(&hanging, "bench").await.expect("settings");
        let monitor = tokio::spawn(storekeep_backend::health::run(sk.clone()));
        while sk.health().probes_in_flight() < Dependency::ALL.len() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        sell(&till, &codes, &mut rng, &mut stuck, Duration::ZERO).await;
        monitor.abort();
        hole.abort();

        let sims = HealthSettings { probe: probe(200), ..HealthSettings::simulated() };
        manager.set_health_settings(&sims, "bench").await.expect("settings");
        let monitor = tokio::spawn(storekeep_backend::health::run(sk.clone()));
        let health = sk.clone();
        let flipper = tokio::spawn(async move {
            let mut down = false;
            loop {
                down = !down;
                for d in Dependency::ALL {
                    health.health().simulator(d).set(if down { SimHealth::Down } else { SimHealth::Up });
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        });
        let before = sk.incidents().list(500).await.expect("incidents").len();
        // A sale every 30 ms or so: the links flip a dozen times or more meanwhile.
        sell(&till, &codes, &mut rng, &mut flapping, Duration::from_millis(25)).await;
        flipper.abort();
        monitor.abort();
        let incidents = sk.incidents().list(500).await.expect("incidents").len() - before;
        println!("while flapping: {incidents} incidents opened (each mode change journaled)");
    }

    let base50 = baseline.pct(0.5);
    let base99 = baseline.pct(0.99);
    println!();
    println!("{:<34} {:>12} {:>12} {:>12}   p50/base  p99/base", "operation", "p50", "p99", "max");
    for s in [&baseline, &scan, &sale, &check, &search, &stuck, &flapping] {
        println!(
            "{:<34} {} {} {}   {}   {}",
            s.name,
            us(s.pct(0.5)),
            us(s.pct(0.99)),
            us(s.pct(1.0)),
            ratio(s.pct(0.5), base50),
            ratio(s.pct(0.99), base99)
        );
    }
    println!(
        "{:<34} p99 {} the cash sale's with no monitor; flapping {}",
        "degraded mode: 8 probes hanging",
        ratio(stuck.pct(0.99), sale.pct(0.99)),
        ratio(flapping.pct(0.99), sale.pct(0.99))
    );
    println!(
        "{:<34} {:>12.2} s for {ITEMS} items ({:.0} items/s)",
        "import price file (CSV)",
        import.as_secs_f64(),
        ITEMS as f64 / import.as_secs_f64()
    );
}
