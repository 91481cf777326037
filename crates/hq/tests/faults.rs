//! Exactly once through a hostile network (issue 9): several stores send their journals to HQ
//! at once through a proxy of our own on loopback that drops requests, loses answers, delays,
//! duplicates and replays old batches late (so HQ sees them out of order). After it heals,
//! HQ holds every registration exactly once, with the store's own hash, and no break.
//!
//! Size: STOREKEEP_FAULT_REGISTRATIONS in all (default 100,000), over STOREKEEP_FAULT_STORES
//! stores (default 4). Needs PostgreSQL (STOREKEEP_TEST_PG, see tests/sync.rs).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use storekeep_backend::sync::{HqLink, Pushed};
use storekeep_backend::{Storekeep, Till};
use storekeep_hq::Hq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy did, so the test can show the faults happened.
#[derive(Debug, Default)]
struct Faults {
    passed: AtomicU64,
    dropped: AtomicU64,
    answers_lost: AtomicU64,
    delayed: AtomicU64,
    duplicated: AtomicU64,
    replayed_late: AtomicU64,
}

/// A small deterministic generator (the faults only need to spread).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Reads one HTTP request (headers and a Content-Length body) from `s`.
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn forward(upstream: SocketAddr, request: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await.ok()?;
    up.write_all(request).await.ok()?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

/// Starts the proxy in front of `upstream`; faults are chosen per request while `faulty` is
/// set (the network "heals" when it is cleared).
async fn proxy(
    upstream: SocketAddr,
    faults: Arc<Faults>,
    faulty: Arc<std::sync::atomic::AtomicBool>,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut rng = Lcg(7);
        while let Ok((mut client, _)) = listener.accept().await {
            let roll = if faulty.load(Ordering::SeqCst) { rng.next() % 100 } else { 99 };
            let delay = rng.next() % 150;
            let faults = faults.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut client).await else { return };
                match roll {
                    // The request never arrives.
                    0..12 => {
                        faults.dropped.fetch_add(1, Ordering::SeqCst);
                    }
                    // HQ takes it, the answer is lost: the store must send it again.
                    12..24 => {
                        faults.answers_lost.fetch_add(1, Ordering::SeqCst);
                        let _ = forward(upstream, &request).await;
                    }
                    // Sent twice at once.
                    24..34 => {
                        faults.duplicated.fetch_add(1, Ordering::SeqCst);
                        let (a, _) = tokio::join!(forward(upstream, &request), forward(upstream, &request));
                        if let Some(a) = a {
                            let _ = client.write_all(&a).await;
                        }
                    }
                    // Answered now, and the same batch arrives again much later, after newer ones.
                    34..44 => {
                        faults.replayed_late.fetch_add(1, Ordering::SeqCst);
                        if let Some(a) = forward(upstream, &request).await {
                            let _ = client.write_all(&a).await;
                        }
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(300 + delay)).await;
                            let _ = forward(upstream, &request).await;
                        });
                    }
                    // Slow.
                    44..60 => {
                        faults.delayed.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                        if let Some(a) = forward(upstream, &request).await {
                            let _ = client.write_all(&a).await;
                        }
                    }
                    _ => {
                        faults.passed.fetch_add(1, Ordering::SeqCst);
                        if let Some(a) = forward(upstream, &request).await {
                            let _ = client.write_all(&a).await;
                        }
                    }
                }
            });
        }
    });
    addr
}

async fn hashes_at_store(sk: &Storekeep) -> Vec<(String, i64, Vec<u8>)> {
    sqlx::query_as("SELECT register_id, seq, hash FROM journal ORDER BY register_id, seq")
        .fetch_all(sk.db().reader())
        .await
        .unwrap()
}

async fn hashes_at_hq(hq: &Hq, store: &str) -> Vec<(String, i64, Vec<u8>)> {
    sqlx::query_as(
        "SELECT register_id, seq, hash FROM registration WHERE store_id = $1 ORDER BY register_id, seq",
    )
    .bind(store)
    .fetch_all(hq.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_registration_reaches_hq_exactly_once_through_a_hostile_network() {
    let total: usize =
        std::env::var("STOREKEEP_FAULT_REGISTRATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let stores: usize =
        std::env::var("STOREKEEP_FAULT_STORES").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let hq = common::fresh_hq(20).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap();
    {
        let hq = hq.clone();
        tokio::spawn(async move { axum::serve(listener, storekeep_hq::router(hq)).await.unwrap() });
    }
    let faults = Arc::new(Faults::default());
    let faulty = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let via = proxy(upstream, faults.clone(), faulty.clone()).await;

    let mut fleet = Vec::new();
    for i in 0..stores {
        let id = format!("butik-{i}");
        let token = hq.enrol(&id, &format!("Butik {i}")).await.unwrap();
        let (sk, dir) = common::store_with(total / stores).await;
        let boss = Till::new(sk.clone());
        boss.login(1, "1111").await.unwrap();
        boss.connect_hq(&HqLink { url: format!("http://{via}"), token, ca_pem: None }, "Test").await.unwrap();
        fleet.push((id, sk, dir));
    }

    // Every store sends at once, retrying on every failure, until its outbox is empty; the
    // network heals half-way through the sending.
    let started = std::time::Instant::now();
    let mut senders = Vec::new();
    for (_, sk, _) in &fleet {
        let sk = sk.clone();
        senders.push(tokio::spawn(async move {
            let mut failures = 0u64;
            loop {
                match sk.sync().push_once(500).await {
                    Ok(Pushed::Nothing) => return failures,
                    Ok(Pushed::Sent { .. }) => {}
                    Err(_) => {
                        failures += 1;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
        }));
    }
    let heal = {
        let faulty = faulty.clone();
        let fleet: Vec<Storekeep> = fleet.iter().map(|(_, sk, _)| sk.clone()).collect();
        tokio::spawn(async move {
            // Heal once half of everything has left the outboxes.
            loop {
                let mut waiting = 0;
                for sk in &fleet {
                    waiting += sk.sync().waiting().await.unwrap();
                }
                if (waiting as usize) < total / 2 {
                    faulty.store(false, Ordering::SeqCst);
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let mut failures = 0;
    for s in senders {
        failures += tokio::time::timeout(Duration::from_secs(1_200), s)
            .await
            .expect("the sync never finished")
            .unwrap();
    }
    heal.await.unwrap();
    // Let the late replays land.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let elapsed = started.elapsed();

    for (id, sk, _) in &fleet {
        let at_store = hashes_at_store(sk).await;
        let at_hq = hashes_at_hq(&hq, id).await;
        assert_eq!(at_hq.len(), at_store.len(), "{id}: HQ holds each registration exactly once");
        assert!(at_hq == at_store, "{id}: HQ holds exactly the store's registrations, hash for hash");
        assert_eq!(hq.breaks(id).await.unwrap(), 0, "{id}: the chain has no break");
        assert_eq!(sk.sync().waiting().await.unwrap(), 0);
    }
    let all: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM registration").fetch_one(hq.pool()).await.unwrap();
    let at_stores: i64 = {
        let mut n = 0;
        for (_, sk, _) in &fleet {
            n += hashes_at_store(sk).await.len() as i64;
        }
        n
    };
    assert_eq!(all, at_stores, "both sides' totals agree");
    let f = &faults;
    let (dropped, lost, duplicated, replayed, delayed) = (
        f.dropped.load(Ordering::SeqCst),
        f.answers_lost.load(Ordering::SeqCst),
        f.duplicated.load(Ordering::SeqCst),
        f.replayed_late.load(Ordering::SeqCst),
        f.delayed.load(Ordering::SeqCst),
    );
    println!(
        "{all} registrations from {stores} stores in {:.1} s through the proxy: {dropped} requests dropped, {lost} answers lost, {duplicated} duplicated, {replayed} replayed late, {delayed} delayed, {} passed; {failures} failed sends retried",
        elapsed.as_secs_f64(),
        f.passed.load(Ordering::SeqCst)
    );
    assert!(dropped > 0 && lost > 0 && duplicated > 0 && replayed > 0, "the faults happened");
}
