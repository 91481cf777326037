//! Issue 9 on a real PostgreSQL and real store databases, over HTTP: HQ seals catalog, config
//! and command bundles for its stores; each store fetches only its own, checks them against the
//! key it pinned and applies each whole or not at all, exactly once; nothing is fetched in
//! island mode; a bundle altered at HQ is refused and trips island mode. The fleet view shows
//! each store's own report (mode, dependencies, payment methods and hours in force, sync lag)
//! to HQ's people only, escaped.
//!
//! Needs PostgreSQL: `make test-rust` starts one and sets STOREKEEP_TEST_PG.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Store, connect, fresh_hq, sell, serve, store};
use ed25519_dalek::SigningKey;
use jiff::SignedDuration;
use storekeep_backend::Till;
use storekeep_backend::remote::PinnedKey;
use storekeep_domain::barcode::with_check_digit;
use storekeep_domain::envelope::{Envelope, Header, Kind};
use storekeep_domain::health::{Dependency, Level, Outcome, StoreMode};
use storekeep_domain::payments::{Availability, PaymentMethod};
use storekeep_hq::Hq;
use storekeep_hq::bundles::Publish;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ADMIN: &str = "hq-admin-token-for-the-tests";

fn key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    SigningKey::from_bytes(&seed)
}

async fn manager(s: &Store) -> Till {
    let boss = Till::new(s.sk.clone());
    boss.login(1, "1111").await.unwrap();
    boss
}

/// A store enrolled as `id`, connected, with HQ's key pinned under that id.
async fn enrolled(hq: &Hq, url: &str, id: &str, key: &SigningKey) -> Store {
    let s = store().await;
    let token = hq.enrol(id, &format!("Butik {id}")).await.unwrap();
    connect(&s.sk, url, &token).await;
    let pinned = PinnedKey { public_key: hex::encode(key.verifying_key().to_bytes()), store_id: id.into() };
    manager(&s).await.pin_hq_key(&pinned, "HK:s nyckel").await.unwrap();
    s
}

fn what(kind: Kind, body: &str) -> Publish<'_> {
    Publish {
        kind,
        body: body.as_bytes(),
        by: "Klara på HK",
        reason: "veckans ändringar",
        expires_in: SignedDuration::from_hours(168),
    }
}

/// One HTTP/1.1 exchange on loopback: the status, the head and the body.
async fn http(
    url: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let addr = url.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = auth.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, answer[split + 4..].to_vec())
}

async fn products(s: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM product").fetch_one(s.sk.db().reader()).await.unwrap()
}

#[tokio::test]
async fn signed_bundles_reach_only_their_store_and_apply_whole_exactly_once() {
    let hq = fresh_hq(5).await;
    let url = serve(hq.clone()).await;
    let key = key();
    let a = enrolled(&hq, &url, "store-a", &key).await;
    let b = enrolled(&hq, &url, "store-b", &key).await;
    let a_id = vec!["store-a".to_string()];

    // A catalog, a config and a command for A; a ping for every store.
    let code = with_check_digit("731111111119");
    let catalog =
        format!("code;plu;name;price;sold_by;vat_category\n{code};;Ny vara från HK;10,00;each;food\n");
    hq.publish(&key, &a_id, &what(Kind::Catalog, &catalog)).await.unwrap();
    let config = r#"{"offline_caps":{"per_payment":"800","total_exposure":"15000","forward_within_hours":12},"fallback_rules":null,"reason":"HK sänker taken"}"#;
    hq.publish(&key, &a_id, &what(Kind::Config, config)).await.unwrap();
    let notice = r#"{"command":"set_notice","sv":"Kortbetalning fungerar","en":"Cards work","reason":"HK"}"#;
    hq.publish(&key, &a_id, &what(Kind::Command, notice)).await.unwrap();
    let all = hq.publish(&key, &[], &what(Kind::Command, r#"{"command":"ping"}"#)).await.unwrap();
    assert_eq!(
        all.iter().map(|p| (p.store_id.as_str(), p.counter)).collect::<Vec<_>>(),
        [("store-a", 4), ("store-b", 1)]
    );

    // A store nobody enrolled, or content that is not what its kind says: nothing published.
    assert!(
        hq.publish(&key, &["store-x".into()], &what(Kind::Command, r#"{"command":"ping"}"#)).await.is_err()
    );
    assert!(hq.publish(&key, &a_id, &what(Kind::Config, "[1,2]")).await.is_err());
    assert_eq!(hq.bundles_after("store-a", 0).await.unwrap().len(), 4, "nothing half-published");

    let before = products(&a).await;
    let fetched = a.sk.sync().fetch_bundles().await.unwrap();
    assert_eq!(fetched.accepted, [1, 2, 3, 4], "{fetched:?}");
    assert_eq!(products(&a).await, before + 1);
    assert_eq!(a.sk.catalog().by_code(&code).await.unwrap().name, "Ny vara från HK");
    let caps = a.sk.payments().caps().await.unwrap();
    assert_eq!(caps.per_payment.to_string(), "800.00");
    assert_eq!(caps.forward_within_hours, 12);
    assert_eq!(a.sk.hours().notice().await.unwrap().sv, "Kortbetalning fungerar");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT actor_name FROM audit_log WHERE action = 'catalog.import' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_all(a.sk.db().reader())
    .await
    .unwrap();
    assert_eq!(audited, ["HK (signerat kuvert 1)"]);

    // B got only what was sealed for it.
    assert_eq!(b.sk.sync().fetch_bundles().await.unwrap().accepted, [1]);
    assert!(b.sk.catalog().by_code(&code).await.is_err(), "A's catalog never reached B");
    assert_eq!(b.sk.payments().caps().await.unwrap().per_payment.to_string(), "1000.00");

    // Exactly once: fetching again brings nothing.
    assert_eq!(a.sk.sync().fetch_bundles().await.unwrap(), Default::default());

    // A catalog that cannot be imported is refused whole; the next bundle still applies.
    let broken = "code;plu;name;price;sold_by;vat_category\n;;Ingen kod;tio;each;food\n";
    hq.publish(&key, &a_id, &what(Kind::Catalog, broken)).await.unwrap();
    hq.publish(&key, &a_id, &what(Kind::Command, r#"{"command":"ping"}"#)).await.unwrap();
    let fetched = a.sk.sync().fetch_bundles().await.unwrap();
    assert_eq!(fetched.accepted, [6]);
    assert_eq!(fetched.refused.len(), 1);
    assert_eq!(fetched.refused[0].0, 5);
    assert_eq!(products(&a).await, before + 1, "nothing of the broken catalog");

    // In island mode nothing is fetched; after it, everything waiting applies in order.
    manager(&a).await.set_island(true, "Misstänkt intrång hos leverantören").await.unwrap();
    hq.publish(&key, &a_id, &what(Kind::Command, notice.replace("fungerar", "fungerar igen").as_str()))
        .await
        .unwrap();
    assert_eq!(a.sk.sync().fetch_bundles().await.unwrap().skipped, Some("island mode"));
    assert_eq!(a.sk.hours().notice().await.unwrap().sv, "Kortbetalning fungerar");
    manager(&a).await.set_island(false, "Leverantören har bekräftat").await.unwrap();
    assert_eq!(a.sk.sync().fetch_bundles().await.unwrap().accepted, [7]);
    assert_eq!(a.sk.hours().notice().await.unwrap().sv, "Kortbetalning fungerar igen");

    // A bundle altered at HQ (or on the way) is refused, and puts the store in island mode.
    hq.publish(&key, &a_id, &what(Kind::Command, notice)).await.unwrap();
    sqlx::query("UPDATE bundle SET envelope = convert_to(replace(convert_from(envelope, 'UTF8'), 'fungerar', 'fungerer'), 'UTF8') WHERE store_id = 'store-a' AND counter = 8")
        .execute(hq.pool())
        .await
        .unwrap();
    let fetched = a.sk.sync().fetch_bundles().await.unwrap();
    assert!(fetched.accepted.is_empty());
    assert!(fetched.refused[0].1.contains("signature"), "{fetched:?}");
    assert!(a.sk.health().island().await.unwrap().is_some(), "a forgery trips island mode");
    assert_eq!(a.sk.hours().notice().await.unwrap().sv, "Kortbetalning fungerar igen");

    // A forged bundle claiming a huge counter is refused, and does not make the store skip
    // HQ's real bundles after it: the store follows HQ's list, not what an envelope claims.
    manager(&a).await.set_island(false, "Utrett: HK:s databas återställd").await.unwrap();
    let header = Header {
        store_id: "store-a".into(),
        counter: 1_000_000,
        expires: "2099-01-01T00:00:00Z".parse().unwrap(),
        kind: Kind::Command,
    };
    let forged = Envelope::seal(&header, br#"{"command":"ping"}"#, &self::key());
    sqlx::query(
        "INSERT INTO bundle (store_id, counter, kind, envelope, expires_at, published_by, reason)
         VALUES ('store-a', 9, 'command', $1, now() + interval '1 day', 'x', 'x')",
    )
    .bind(&forged)
    .execute(hq.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE store SET last_counter = 9 WHERE id = 'store-a'").execute(hq.pool()).await.unwrap();
    let fetched = a.sk.sync().fetch_bundles().await.unwrap();
    assert_eq!(fetched.refused.len(), 1, "{fetched:?}");
    manager(&a).await.set_island(false, "Utrett igen").await.unwrap();
    hq.publish(&key, &a_id, &what(Kind::Command, r#"{"command":"ping"}"#)).await.unwrap();
    assert_eq!(a.sk.sync().fetch_bundles().await.unwrap().accepted, [10]);
    // HQ's fleet sees what the store refused, by HQ's numbers.
    a.sk.sync().report().await.unwrap();
    let row = hq.fleet().await.unwrap().into_iter().find(|r| r.store_id == "store-a").unwrap();
    let report = row.report.unwrap();
    assert_eq!(
        (report.last_bundle, report.bundles_refused.as_slice(), row.last_published),
        (Some(10), [5, 8, 9].as_slice(), 10)
    );

    // A store that accepted envelopes sealed by hand up to counter 5 (before HQ's service):
    // once it reports, HQ seals above that, and the store takes it.
    let by_hand = Header {
        store_id: "store-b".into(),
        counter: 5,
        expires: "2099-01-01T00:00:00Z".parse().unwrap(),
        kind: Kind::Command,
    };
    b.sk.remote()
        .receive("cli:ping.env", &Envelope::seal(&by_hand, br#"{"command":"ping"}"#, &key))
        .await
        .unwrap();
    b.sk.sync().report().await.unwrap();
    let row = hq.fleet().await.unwrap().into_iter().find(|r| r.store_id == "store-b").unwrap();
    assert_eq!(row.last_published, 1, "what HQ sealed, not the floor");
    let published =
        hq.publish(&key, &["store-b".into()], &what(Kind::Command, r#"{"command":"ping"}"#)).await.unwrap();
    assert_eq!(published[0].counter, 6);
    assert_eq!(b.sk.sync().fetch_bundles().await.unwrap().accepted, [6]);
    // Named twice, sealed once; a bundle that has already expired is not sealed.
    let twice = hq
        .publish(&key, &["store-b".into(), "store-b".into()], &what(Kind::Command, r#"{"command":"ping"}"#))
        .await
        .unwrap();
    assert_eq!(twice.len(), 1);
    let mut expired = what(Kind::Command, r#"{"command":"ping"}"#);
    expired.expires_in = SignedDuration::ZERO;
    assert!(hq.publish(&key, &[], &expired).await.is_err());

    // One store can never read another's bundles, whatever it asks for.
    let b_token = hq.enrol("store-c", "Butik C").await.unwrap();
    let (status, _, body) =
        http(&url, "GET", "/v1/bundles?after=0", Some(&format!("Bearer {b_token}")), b"").await;
    assert_eq!((status, body.as_slice()), (200, b"[]".as_slice()));
    let (status, _, _) = http(&url, "GET", "/v1/bundles/1", Some(&format!("Bearer {b_token}")), b"").await;
    assert_eq!(status, 404, "store-a's bundle 1 is not store-c's");
    let (status, _, _) = http(&url, "GET", "/v1/bundles/1", None, b"").await;
    assert_eq!(status, 401);
    assert!(hq.bundle("store-b", 2).await.unwrap().is_none());
    let sealed_for_b = String::from_utf8(hq.bundle("store-b", 1).await.unwrap().unwrap()).unwrap();
    assert!(sealed_for_b.contains("\nstore=store-b\n"), "{sealed_for_b}");
}

#[tokio::test]
async fn the_fleet_view_shows_each_stores_own_report_to_hq_only() {
    let hq = fresh_hq(5).await.with_admin_token(ADMIN);
    let url = serve(hq.clone()).await;
    let key = key();
    let a = enrolled(&hq, &url, "store-a", &key).await;
    let b = enrolled(&hq, &url, "store-b", &key).await;
    let _silent = hq.enrol("store-c", "Butik C (aldrig hörd)").await.unwrap();

    // A loses its card acquirer and sells three times before anything reaches HQ.
    for _ in 0..2 {
        a.sk.health()
            .observe(Dependency::CardAcquirer, Outcome::Failed { detail: "refused".into() })
            .await
            .unwrap();
    }
    sell(&a.sk, 3).await;
    // Ninety seconds later HQ still has none of it.
    a.clock.advance(SignedDuration::from_secs(90));
    a.sk.sync().report().await.unwrap();
    // B is in island mode, for a reason with markup in it.
    manager(&b).await.set_island(true, "<script>alert(1)</script> intrång").await.unwrap();
    b.sk.sync().report().await.unwrap();

    let fleet = hq.fleet().await.unwrap();
    assert_eq!(
        fleet.iter().map(|r| r.store_id.as_str()).collect::<Vec<_>>(),
        ["store-a", "store-b", "store-c"]
    );
    let now = jiff::Timestamp::now();
    let (ra, rb, rc) = (&fleet[0], &fleet[1], &fleet[2]);
    let report_a = ra.report.as_ref().unwrap();
    assert_eq!(report_a.mode, StoreMode::Degraded { lost: vec![Dependency::CardAcquirer] });
    let acquirer = report_a.dependencies.iter().find(|d| d.dependency == Dependency::CardAcquirer).unwrap();
    assert_eq!(acquirer.level, Level::Red);
    assert_eq!(report_a.payments.methods.len(), PaymentMethod::ALL.len());
    assert_eq!(report_a.payments.state(PaymentMethod::Cash).availability, Availability::Enabled);
    assert_eq!(report_a.hours.open, a.sk.hours().status().await.unwrap().open);
    let journal: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM journal").fetch_one(a.sk.db().reader()).await.unwrap();
    assert_eq!(report_a.waiting, journal, "nothing sent yet");
    let lag = ra.lag(now).unwrap();
    assert!(lag >= SignedDuration::from_secs(90) && lag < SignedDuration::from_secs(120), "{lag:?}");
    assert_eq!(ra.held, 0);
    assert!(matches!(rb.report.as_ref().unwrap().mode, StoreMode::Island { .. }));
    assert!(rc.report.is_none() && rc.stale(now) && rc.lag(now).is_none());

    // Once A has sent everything, its lag is nil and HQ holds it all.
    a.sk.sync().drain(1_000).await.unwrap();
    a.sk.sync().report().await.unwrap();
    let fleet = hq.fleet().await.unwrap();
    assert_eq!(fleet[0].held, journal);
    assert_eq!(fleet[0].report.as_ref().unwrap().waiting, 0);
    assert_eq!(fleet[0].lag(jiff::Timestamp::now()), Some(SignedDuration::ZERO));
    assert!(fleet[0].last_batch_at.is_some());

    // The page: HQ's people only, everything from the stores escaped, no script allowed.
    let (status, head, _) = http(&url, "GET", "/fleet", None, b"").await;
    assert_eq!(status, 401);
    assert!(head.to_ascii_lowercase().contains("www-authenticate: basic"), "{head}");
    let a_token = hq.enrol("store-d", "Butik D").await.unwrap();
    let (status, _, _) = http(&url, "GET", "/fleet", Some(&format!("Bearer {a_token}")), b"").await;
    assert_eq!(status, 401, "a store's token does not show the fleet");
    let (status, _, _) = http(&url, "GET", "/v1/fleet", Some("Bearer not-the-admin-token"), b"").await;
    assert_eq!(status, 401);
    use base64::Engine as _;
    let basic =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("anna:{ADMIN}")));
    let (status, head, body) = http(&url, "GET", "/fleet", Some(&basic), b"").await;
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-security-policy: default-src 'none'"), "{head}");
    let page = String::from_utf8(body).unwrap();
    assert!(
        page.contains("Begränsat läge") && page.contains("Kortinlösen") && page.contains("Ö-läge"),
        "{page}"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; intrång"));
    assert!(!page.contains("<script>"), "a store's text never becomes markup");
    assert!(page.contains("aldrig"), "the store never heard from says so");
    let (status, _, json) = http(&url, "GET", "/v1/fleet", Some(&format!("Bearer {ADMIN}")), b"").await;
    assert_eq!(status, 200);
    let rows: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);

    // A store reports only itself: the token decides whose row, never the body.
    let mut forged = serde_json::to_value(a.sk.sync().store_report().await.unwrap()).unwrap();
    forged["waiting"] = 999_999.into();
    let body = serde_json::to_vec(&forged).unwrap();
    let (status, _, _) = http(&url, "POST", "/v1/report", Some(&format!("Bearer {a_token}")), &body).await;
    assert_eq!(status, 204);
    let fleet = hq.fleet().await.unwrap();
    assert_eq!(fleet[0].report.as_ref().unwrap().waiting, 0, "store-a's row is untouched");
    assert_eq!(fleet[3].report.as_ref().unwrap().waiting, 999_999, "it landed on store-d's own row");
    // A report that does not read is refused.
    let (status, _, _) =
        http(&url, "POST", "/v1/report", Some(&format!("Bearer {a_token}")), b"{\"format\":\"x\"}").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_store_pinned_wrong_or_behind_a_restored_hq_still_gets_every_bundle() {
    let hq = fresh_hq(5).await;
    let url = serve(hq.clone()).await;
    let key = key();
    let s = store().await;
    let token = hq.enrol("store-e", "Butik E").await.unwrap();
    connect(&s.sk, &url, &token).await;
    let ping = || what(Kind::Command, r#"{"command":"ping"}"#);

    // Pinned under the wrong store id: HQ's bundle is refused (for another store)...
    let wrong =
        PinnedKey { public_key: hex::encode(key.verifying_key().to_bytes()), store_id: "store-x".into() };
    manager(&s).await.pin_hq_key(&wrong, "HK:s nyckel").await.unwrap();
    hq.publish(&key, &[], &ping()).await.unwrap();
    let fetched = s.sk.sync().fetch_bundles().await.unwrap();
    assert_eq!(fetched.refused.len(), 1, "{fetched:?}");
    assert!(fetched.refused[0].1.contains("not this store"), "{fetched:?}");
    // ...and taken once the manager pins it right.
    let right = PinnedKey { store_id: "store-e".into(), ..wrong };
    manager(&s).await.pin_hq_key(&right, "Rätt butiks-id").await.unwrap();
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap().accepted, [1]);

    // A bundle the command line received first (the same bytes): the fetch counts it as
    // applied, not as a refusal.
    hq.publish(&key, &[], &ping()).await.unwrap();
    let bytes = hq.bundle("store-e", 2).await.unwrap().unwrap();
    s.sk.remote().receive("cli:bundle-2.env", &bytes).await.unwrap();
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap(), Default::default());
    s.sk.sync().report().await.unwrap();
    let row = hq.fleet().await.unwrap().into_iter().next().unwrap();
    let report = row.report.as_ref().unwrap();
    assert_eq!((report.last_bundle, report.bundles_refused.len(), row.last_published), (Some(2), 0, 2));

    // HQ restored from a backup that had sealed nothing for the store yet: the store asking
    // after 2 moves HQ's counter past it, so the next bundle is one the store asks for.
    sqlx::query("DELETE FROM bundle WHERE store_id = 'store-e'").execute(hq.pool()).await.unwrap();
    sqlx::query("UPDATE store SET last_counter = 0 WHERE id = 'store-e'").execute(hq.pool()).await.unwrap();
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap(), Default::default());
    let published = hq.publish(&key, &[], &ping()).await.unwrap();
    assert_eq!(published[0].counter, 3);
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap().accepted, [3]);
}
