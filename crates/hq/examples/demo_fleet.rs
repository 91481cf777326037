//! HQ with a demo fleet of simulated stores, to watch the fleet view (`make hq-demo`).
//!
//! Starts HQ on a fresh database `storekeep_hq_demo` of the PostgreSQL given, and runs N demo
//! stores in this process, each a real store database (SQLite, in a folder of its own) with its
//! health monitor and its sync to HQ over loopback HTTP, and a simulated cashier selling for
//! cash every few seconds. Every dependency but HQ is on its simulator. The stores' days are
//! scripted so the fleet shows each kind of state:
//!
//! - demo-01: normal; HQ sends it a signed customer notice;
//! - demo-02: loses its card acquirer (simulator) after 15 s, gets it back after 75 s;
//! - demo-03: in island mode from the start (a manager's decision), so it fetches nothing;
//! - demo-04: Swish switched off by its manager;
//! - demo-05: closed now by its manager (no sales);
//! - demo-06: cut off from HQ from 20 s to 80 s (HQ stops hearing from it, its queue and lag
//!   grow, its own probe of HQ goes red), then it catches up;
//! - further stores: normal.
//!
//! Every store gets a signed config from HQ at the start: offline caps and the fallback rules
//! (so demo-02 takes cards offline while its acquirer is down).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use storekeep_backend::health::{HealthSettings, ProbeTarget, SimHealth};
use storekeep_backend::payments::SetMethod;
use storekeep_backend::remote::PinnedKey;
use storekeep_backend::sync::HqLink;
use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo};
use storekeep_domain::envelope::Kind;
use storekeep_domain::health::Dependency;
use storekeep_domain::hours::ChangeRequest;
use storekeep_domain::payments::{Availability, PaymentMethod};
use storekeep_hq::Hq;
use storekeep_hq::bundles::Publish;

#[derive(Debug, Parser)]
#[command(about = "HQ with a demo fleet of simulated stores")]
struct Args {
    /// A PostgreSQL URL of a user that may create databases (scripts/test-postgres.sh start
    /// prints one); the demo (re)creates `storekeep_hq_demo` on that server.
    #[arg(long, env = "STOREKEEP_TEST_PG")]
    postgres: String,
    #[arg(long, default_value = "127.0.0.1:8790")]
    bind: String,
    #[arg(long, default_value_t = 6)]
    stores: usize,
    /// Where the stores' databases go (a fresh temporary folder if not given).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Stop after this many seconds (runs until Ctrl-C if not given).
    #[arg(long)]
    seconds: Option<u64>,
}

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Res<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOREKEEP_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    let admin = sqlx::PgPool::connect(&args.postgres).await?;
    sqlx::query("DROP DATABASE IF EXISTS storekeep_hq_demo WITH (FORCE)").execute(&admin).await?;
    sqlx::query("CREATE DATABASE storekeep_hq_demo").execute(&admin).await?;
    let (base, _) = args.postgres.rsplit_once('/').ok_or("the PostgreSQL URL names no database")?;
    let database = format!("{base}/storekeep_hq_demo");

    let admin_token = hex::encode(random::<24>());
    let hq = Hq::connect(&database, 20).await?.with_admin_token(&admin_token);
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn({
        let hq = hq.clone();
        async move { axum::serve(listener, storekeep_hq::router(hq)).await }
    });

    let temp;
    let data = match args.data {
        Some(d) => d,
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    let key = ed25519_dalek::SigningKey::from_bytes(&random::<32>());
    let public = hex::encode(key.verifying_key().to_bytes());

    let mut stores = Vec::new();
    for n in 1..=args.stores {
        let id = format!("demo-{n:02}");
        let token = hq.enrol(&id, &format!("Demobutik {n:02} (simulerad)")).await?;
        let dir = data.join(&id);
        std::fs::create_dir_all(&dir)?;
        let sk = Storekeep::open(&dir.join("store.sqlite3"), OpenOptions::default(), Arc::new(SystemClock))
            .await?;
        if sk.identity().await?.is_none() {
            sk.init(&demo::identity(), true).await?;
        }
        let boss = manager(&sk).await?;
        boss.pin_hq_key(
            &PinnedKey { public_key: public.clone(), store_id: id.clone() },
            "HK:s nyckel (demo)",
        )
        .await?;
        let mut health = HealthSettings::simulated();
        health.targets.insert(Dependency::Hq, ProbeTarget::Http { url: format!("{url}/health") });
        boss.set_health_settings(&health, "Demo: HK på riktigt, resten simulerat").await?;
        // The demo sells whatever the clock says, except where a store is closed on purpose.
        let open = ChangeRequest::Override { open: n != 5, until: None };
        let why = if n == 5 { "Demo: stängt för inventering" } else { "Demo: öppet dygnet runt" };
        boss.add_hours_change(&open, why).await?;
        if n == 3 {
            boss.set_island(true, "Demo: misstänkt intrång hos leverantören").await?;
        }
        if n == 4 {
            let off = SetMethod {
                method: PaymentMethod::Swish,
                availability: Availability::Disabled,
                min: None,
                max: None,
                until: None,
                registers: None,
            };
            boss.set_payment_method(&off, "Demo: Swish-avtalet byts").await?;
        }
        boss.connect_hq(
            &HqLink { url: url.clone(), token: token.clone(), ca_pem: None },
            "Demo: ansluten till HK",
        )
        .await?;
        if n == 6 {
            tokio::spawn(network_cut(sk.clone(), url.clone(), token, health.clone()));
        }
        tokio::spawn(storekeep_backend::health::run(sk.clone()));
        tokio::spawn(storekeep_backend::sync::run(sk.clone()));
        tokio::spawn(cashier(sk.clone(), n));
        if n == 2 {
            tokio::spawn(acquirer_outage(sk.clone()));
        }
        stores.push(sk);
    }

    let caps = r#"{"offline_caps":{"per_payment":"800","total_exposure":"15000","forward_within_hours":24},"fallback_rules":[{"kind":"card_offline_when_acquirer_down"},{"kind":"disable_card_at_exposure_cap"},{"kind":"hide_swish_when_down"}],"reason":"Kedjans tak och reservregler"}"#.as_bytes();
    let week = jiff::SignedDuration::from_hours(168);
    let publish =
        |kind, body: &'static [u8]| Publish { kind, body, by: "HK demo", reason: "Demo", expires_in: week };
    hq.publish(&key, &[], &publish(Kind::Config, caps)).await?;
    let notice = br#"{"command":"set_notice","sv":"Vi tar kort, Swish och kontanter","en":"We take cards, Swish and cash","reason":"HK"}"#;
    hq.publish(&key, &["demo-01".into()], &publish(Kind::Command, notice)).await?;

    println!("HQ with {} simulated demo stores is running.", stores.len());
    println!("  Fleet view: {url}/fleet");
    println!("  Log in with any user name and the password {admin_token}");
    println!("  (or: curl -H 'Authorization: Bearer {admin_token}' {url}/v1/fleet)");
    println!("  The stores' databases: {}", data.display());
    match args.seconds {
        Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
        None => {
            println!("Ctrl-C stops it.");
            tokio::signal::ctrl_c().await?;
        }
    }
    Ok(())
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no randomness: {e}"));
    bytes
}

/// The demo manager (Anna Lind, PIN 1111), logged in afresh (the till logs idle staff out).
async fn manager(sk: &Storekeep) -> Res<Till> {
    let till = Till::new(sk.clone());
    till.login(1, "1111").await?;
    Ok(till)
}

/// The simulated cashier: a cash sale of one to three articles every two to six seconds.
async fn cashier(sk: Storekeep, n: usize) {
    let codes: Vec<String> = demo::catalog()
        .into_iter()
        .filter(|i| i.sold_by == storekeep_domain::cart::SoldBy::Each)
        .filter_map(|i| i.code)
        .collect();
    let mut turn = n;
    loop {
        turn = turn.wrapping_mul(7).wrapping_add(3);
        tokio::time::sleep(Duration::from_millis(2_000 + (turn % 4_000) as u64)).await;
        let till = Till::new(sk.clone());
        if till.login(2, "2222").await.is_err() {
            continue;
        }
        for k in 0..=(turn % 3) {
            if till.scan(&codes[(turn + k) % codes.len()]).await.is_err() {
                break;
            }
        }
        // A closed store refuses the sale: that is the point of demo-05.
        if till.pay_cash("500").await.is_err() {
            let _ = till.abandon("Demo: stängt", None).await;
        }
    }
}

/// demo-06 loses its way to HQ from 20 s to 80 s: its link and its probe of HQ point at a port
/// where nothing listens (the closest a single process gets to a cut cable).
async fn network_cut(sk: Storekeep, url: String, token: String, health: HealthSettings) {
    let nowhere = "http://127.0.0.1:9".to_string();
    let mut cut = health.clone();
    cut.targets.insert(Dependency::Hq, ProbeTarget::Http { url: format!("{nowhere}/health") });
    tokio::time::sleep(Duration::from_secs(20)).await;
    for (link, health, wait, why) in [
        (nowhere, cut, 60, "Demo: förbindelsen till HK bruten"),
        (url, health, 0, "Demo: förbindelsen till HK tillbaka"),
    ] {
        if let Ok(boss) = manager(&sk).await {
            let _ = boss.set_health_settings(&health, why).await;
            let _ = boss.connect_hq(&HqLink { url: link, token: token.clone(), ca_pem: None }, why).await;
        }
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
}

/// demo-02's card acquirer (its simulator) goes down after 15 s and comes back after 75 s.
async fn acquirer_outage(sk: Storekeep) {
    tokio::time::sleep(Duration::from_secs(15)).await;
    for (health, wait) in [(SimHealth::Down, 60), (SimHealth::Up, 0)] {
        if let Ok(boss) = manager(&sk).await {
            let _ = boss.simulate_dependency(Dependency::CardAcquirer, health).await;
        }
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
}
