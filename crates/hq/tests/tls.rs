//! TLS where deployed: HQ behind a TLS-terminating proxy (here the test's own, on loopback,
//! with a test CA's certificate for localhost and 127.0.0.1 in tests/tls/), and a store that
//! trusts the chain's CA sending its journal, reporting and fetching its bundles over it. A
//! store that does not trust the certificate sends nothing.
//!
//! Needs PostgreSQL: `make test-rust` starts one and sets STOREKEEP_TEST_PG.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{fresh_hq, sell, serve, store};
use storekeep_backend::Till;
use storekeep_backend::remote::PinnedKey;
use storekeep_backend::sync::HqLink;
use storekeep_domain::envelope::Kind;
use storekeep_hq::bundles::Publish;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CA: &str = include_str!("tls/ca.pem");

/// A TLS-terminating proxy on loopback in front of `plain` (host:port); its port.
async fn tls_proxy(plain: String) -> u16 {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(include_bytes!("tls/server.pem")).map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("tls/server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let (acceptor, plain) = (acceptor.clone(), plain.clone());
            tokio::spawn(async move {
                // A client that does not trust the certificate hangs up in the handshake.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut upstream = tokio::net::TcpStream::connect(&plain).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn a_store_reaches_hq_over_tls_only_when_it_trusts_the_certificate() {
    let hq = fresh_hq(5).await;
    let plain = serve(hq.clone()).await;
    let port = tls_proxy(plain.trim_start_matches("http://").to_string()).await;
    let token = hq.enrol("tls-store", "Butik bakom TLS").await.unwrap();
    let s = store().await;
    sell(&s.sk, 3).await;
    let boss = Till::new(s.sk.clone());
    boss.login(1, "1111").await.unwrap();

    // Not trusting the test CA (only the public roots): nothing is sent, and it says why.
    let untrusted = HqLink { url: format!("https://localhost:{port}"), token: token.clone(), ca_pem: None };
    boss.connect_hq(&untrusted, "TLS utan kedjans CA").await.unwrap();
    let e = s.sk.sync().push_once(1_000).await.unwrap_err().to_string();
    assert!(e.contains("certificate") || e.contains("Certificate"), "{e}");
    assert_eq!(hq.count("tls-store").await.unwrap(), 0);

    // Plain HTTP to the TLS port is no answer either.
    let plain_to_tls = HqLink { url: format!("http://127.0.0.1:{port}"), token: token.clone(), ca_pem: None };
    boss.connect_hq(&plain_to_tls, "Fel protokoll").await.unwrap();
    assert!(s.sk.sync().push_once(1_000).await.is_err());
    // A CA is only for https.
    let ca_on_http = HqLink { ca_pem: Some(CA.into()), ..plain_to_tls };
    assert!(boss.connect_hq(&ca_on_http, "CA på http").await.is_err());
    // A CA file that holds no certificate is refused when connecting, not at the first send.
    let no_cert =
        HqLink { url: format!("https://localhost:{port}"), token: token.clone(), ca_pem: Some("x".into()) };
    assert!(boss.connect_hq(&no_cert, "Trasig CA").await.unwrap_err().to_string().contains("CA"));

    // Trusting the chain's CA: the journal, the report and the bundles all go over TLS, by
    // name and by address.
    for host in ["localhost", "127.0.0.1"] {
        let link =
            HqLink { url: format!("https://{host}:{port}/"), token: token.clone(), ca_pem: Some(CA.into()) };
        boss.connect_hq(&link, "TLS med kedjans CA").await.unwrap();
        s.sk.sync().drain(1_000).await.unwrap();
        s.sk.sync().report().await.unwrap();
    }
    let journal: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM journal").fetch_one(s.sk.db().reader()).await.unwrap();
    assert_eq!(hq.count("tls-store").await.unwrap(), journal);
    assert_eq!(s.sk.sync().waiting().await.unwrap(), 0);
    let fleet = hq.fleet().await.unwrap();
    assert_eq!(fleet[0].report.as_ref().unwrap().waiting, 0);
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap().skipped, Some("no HQ key pinned"));
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let pinned =
        PinnedKey { public_key: hex::encode(key.verifying_key().to_bytes()), store_id: "tls-store".into() };
    boss.pin_hq_key(&pinned, "HK:s nyckel").await.unwrap();
    let notice = r#"{"command":"set_notice","sv":"Via TLS","en":"Over TLS","reason":"HK"}"#;
    let what = Publish {
        kind: Kind::Command,
        body: notice.as_bytes(),
        by: "HK",
        reason: "test",
        expires_in: jiff::SignedDuration::from_hours(1),
    };
    hq.publish(&key, &[], &what).await.unwrap();
    assert_eq!(s.sk.sync().fetch_bundles().await.unwrap().accepted, [1]);
    assert_eq!(s.sk.hours().notice().await.unwrap().sv, "Via TLS");
}
