//! Store-and-forward to HQ (issue 9, the store's side): the outbox (filled by a trigger in the
//! same transaction as every journal entry) is sent in batches, in order, and an entry leaves
//! the outbox only once HQ has acknowledged it. HQ skips what it already holds, so sending
//! again after a lost answer or a restart is harmless: each registration reaches HQ exactly
//! once. The store never waits for HQ to sell.
//!
//! Every few seconds the store also reports itself to HQ (its mode, dependencies, payment
//! methods and hours in force, and what waits to be sent: the fleet view) and fetches the
//! signed bundles HQ holds for it, each received exactly as one from the command line would be
//! (checked against the pinned key, refused and audited if anything is wrong). In island mode,
//! or with no key pinned, it fetches nothing.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::envelope::Refusal;
use storekeep_domain::staff::Action;
use storekeep_domain::sync::{
    BATCH_FORMAT, Batch, BatchReceipt, BundleRef, DependencyReport, REPORT_FORMAT, StoreReport, WireEntry,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Storekeep;
use crate::audit::Actor;
use crate::error::{Error, Result};

const LINK_KEY: &str = "hq_sync";

/// Where HQ is and the store's token (a manager's setting; the token is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HqLink {
    /// `https://host[:port]` where deployed (TLS terminated in front of HQ), or
    /// `http://host:port` on a trusted network or loopback.
    pub url: String,
    pub token: String,
    /// A certificate authority to trust for HQ besides the public ones (PEM): a chain's own CA.
    #[serde(default)]
    pub ca_pem: Option<String>,
}

impl HqLink {
    fn endpoint(&self) -> Result<Endpoint> {
        Endpoint::parse(&self.url, self.ca_pem.as_deref())
    }
}

/// What one fetch of HQ's bundles did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    pub accepted: Vec<i64>,
    /// Counter and why (English).
    pub refused: Vec<(i64, String)>,
    /// Nothing was fetched: island mode, or no key pinned.
    pub skipped: Option<&'static str>,
}

/// What one push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// Nothing was waiting.
    Nothing,
    /// A batch went; HQ's answer.
    Sent { sent: usize, receipt: BatchReceipt },
}

#[derive(Debug)]
pub struct Sync<'a> {
    sk: &'a Storekeep,
}

fn sync_error(en: String, sv: String) -> Error {
    Error::Degraded { en, sv }
}

impl<'a> Sync<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Sync { sk }
    }

    pub async fn link(&self) -> Result<Option<HqLink>> {
        crate::settings::read(self.sk.db().reader(), LINK_KEY, None).await
    }

    /// Connects the store to HQ (managers, with a reason; audited, the token never shown).
    pub async fn connect(&self, by: &Actor, link: &HqLink, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "connect to HQ").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        link.endpoint()?;
        if link.token.trim().is_empty() {
            return Err(sync_error(
                "HQ's token for this store is needed".into(),
                "HK:s nyckel för butiken behövs".into(),
            ));
        }
        let old = self.link().await?.map(|l| l.url).unwrap_or_else(|| "none".into());
        let stored = serde_json::to_string(&Some(link)).map_err(|e| Error::Storage(e.to_string()))?;
        let ca = if link.ca_pem.is_some() { ", own CA" } else { "" };
        let shown = crate::settings::Shown { old, new: format!("{} (token set{ca})", link.url) };
        crate::settings::write_audited(self.sk, by, LINK_KEY, &stored, shown, reason).await?;
        self.sk.health().changed();
        Ok(())
    }

    /// Entries waiting for HQ.
    pub async fn waiting(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(self.sk.db().reader()).await?)
    }

    /// Sends the oldest `max` waiting entries as one batch and, once HQ has taken them,
    /// removes them from the outbox. HQ missing an earlier entry (it lost it, or restored a
    /// backup) queues everything from there again.
    pub async fn push_once(&self, max: usize) -> Result<Pushed> {
        let link = self.require_link().await?;
        let rows = sqlx::query(
            "SELECT j.register_id, j.seq, j.kind, j.recorded_at, j.payload, j.prev_hash, j.hash
             FROM outbox o JOIN journal j ON j.register_id = o.register_id AND j.seq = o.seq
             ORDER BY o.register_id, o.seq LIMIT ?",
        )
        .bind(i64::try_from(max).unwrap_or(i64::MAX))
        .fetch_all(self.sk.db().reader())
        .await?;
        if rows.is_empty() {
            return Ok(Pushed::Nothing);
        }
        let entries: Vec<WireEntry> = rows
            .iter()
            .map(|r| WireEntry {
                register_id: r.get(0),
                seq: r.get(1),
                kind: r.get(2),
                recorded_at: r.get(3),
                payload: r.get(4),
                prev_hash: hex::encode(r.get::<Vec<u8>, _>(5)),
                hash: hex::encode(r.get::<Vec<u8>, _>(6)),
            })
            .collect();
        let body = serde_json::to_vec(&Batch { format: BATCH_FORMAT.into(), entries: entries.clone() })
            .map_err(|e| Error::Storage(e.to_string()))?;
        let endpoint = link.endpoint()?;
        let (status, answer) = endpoint.request("POST", "/v1/journal", &link.token, Some(&body)).await?;
        match status {
            200 => {
                let receipt: BatchReceipt = serde_json::from_slice(&answer).map_err(|e| unreadable(&e))?;
                let mut tx = self.sk.db().begin_write().await?;
                for e in &entries {
                    sqlx::query("DELETE FROM outbox WHERE register_id = ? AND seq = ?")
                        .bind(&e.register_id)
                        .bind(e.seq)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Pushed::Sent { sent: entries.len(), receipt })
            }
            409 if String::from_utf8_lossy(&answer).contains("send the entries in order") => {
                // HQ lacks what it acknowledged before: queue this store's journal again from
                // the start (HQ skips what it holds).
                sqlx::query(
                    "INSERT OR IGNORE INTO outbox (register_id, seq) SELECT register_id, seq FROM journal",
                )
                .execute(self.sk.db().writer())
                .await?;
                Err(sync_error(
                    "HQ is missing earlier registrations: the whole journal is queued again".into(),
                    "HK saknar tidigare registreringar: hela journalen köas igen".into(),
                ))
            }
            _ => Err(refused_by_hq(status, &answer)),
        }
    }

    /// What the store tells HQ of itself (the fleet view).
    pub async fn store_report(&self) -> Result<StoreReport> {
        let board = self.sk.health().board().await?;
        let real = self.sk.health().real_levels().await?;
        Ok(StoreReport {
            format: REPORT_FORMAT.into(),
            at: self.sk.clock().now(),
            island_reason: board.mode.island.as_ref().map(|i| i.reason.clone()),
            mode: board.mode.mode,
            drill: board.drill.is_some(),
            dependencies: board
                .dependencies
                .iter()
                .map(|d| DependencyReport {
                    dependency: d.dependency,
                    // A drill's practice failures are not reported as real ones.
                    level: if d.practice {
                        real.get(&d.dependency).copied().unwrap_or(d.level)
                    } else {
                        d.level
                    },
                    since: d.since,
                    monitored: d.monitored,
                })
                .collect(),
            payments: board.payments.in_force,
            hours: board.hours,
            waiting: board.hq_queue.waiting,
            oldest_waiting: board.hq_queue.oldest,
            last_bundle: board.remote.last_counter,
        })
    }

    /// Sends the store's report to HQ.
    pub async fn report(&self) -> Result<()> {
        let link = self.require_link().await?;
        let body =
            serde_json::to_vec(&self.store_report().await?).map_err(|e| Error::Storage(e.to_string()))?;
        let (status, answer) =
            link.endpoint()?.request("POST", "/v1/report", &link.token, Some(&body)).await?;
        if status / 100 != 2 {
            return Err(refused_by_hq(status, &answer));
        }
        Ok(())
    }

    /// The highest of HQ's bundle counters already dealt with: accepted, or refused for good.
    async fn bundle_cursor(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(counter), 0) FROM hq_bundle")
            .fetch_one(self.sk.db().reader())
            .await?)
    }

    async fn dealt_with(&self, counter: i64, accepted: bool) -> Result<()> {
        sqlx::query("INSERT OR IGNORE INTO hq_bundle (counter, fetched_at, outcome) VALUES (?, ?, ?)")
            .bind(counter)
            .bind(self.sk.clock().now().to_string())
            .bind(if accepted { "accepted" } else { "refused" })
            .execute(self.sk.db().writer())
            .await?;
        Ok(())
    }

    /// Fetches the bundles HQ holds for this store past the last one dealt with, and receives
    /// each in order (checked against the pinned key; refused and audited if anything is wrong).
    pub async fn fetch_bundles(&self) -> Result<Fetched> {
        let link = self.require_link().await?;
        let remote = self.sk.remote();
        if self.sk.health().island().await?.is_some() {
            return Ok(Fetched { skipped: Some("island mode"), ..Fetched::default() });
        }
        if remote.pinned().await?.is_none() {
            return Ok(Fetched { skipped: Some("no HQ key pinned"), ..Fetched::default() });
        }
        let endpoint = link.endpoint()?;
        let after = self.bundle_cursor().await?;
        let (status, answer) =
            endpoint.request("GET", &format!("/v1/bundles?after={after}"), &link.token, None).await?;
        if status != 200 {
            return Err(refused_by_hq(status, &answer));
        }
        let refs: Vec<BundleRef> = serde_json::from_slice(&answer).map_err(|e| unreadable(&e))?;
        let mut fetched = Fetched::default();
        for r in refs.iter().filter(|r| r.counter > after) {
            let (status, bytes) =
                endpoint.request("GET", &format!("/v1/bundles/{}", r.counter), &link.token, None).await?;
            if status != 200 {
                return Err(refused_by_hq(status, &bytes));
            }
            match remote.receive(&format!("hq {} bundle {}", link.url, r.counter), &bytes).await {
                Ok(a) => {
                    self.dealt_with(r.counter, true).await?;
                    fetched.accepted.push(a.counter as i64);
                }
                // Not for good: fetched again once the store is out of island mode, or pinned.
                Err(Error::Remote(refusal @ (Refusal::Island | Refusal::NoPinnedKey))) => {
                    fetched.refused.push((r.counter, refusal.to_string()));
                    break;
                }
                Err(Error::Remote(refusal)) => {
                    self.dealt_with(r.counter, false).await?;
                    fetched.refused.push((r.counter, refusal.to_string()));
                    if self.sk.health().island().await?.is_some() {
                        // Island mode came on (a forgery trips it): nothing more from outside.
                        break;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(fetched)
    }

    async fn require_link(&self) -> Result<HqLink> {
        self.link().await?.ok_or_else(|| {
            sync_error("This store is not connected to HQ".into(), "Butiken är inte ansluten till HK".into())
        })
    }

    /// Pushes until nothing waits; returns how many entries were sent.
    pub async fn drain(&self, batch: usize) -> Result<usize> {
        let mut sent = 0;
        while let Pushed::Sent { sent: n, .. } = self.push_once(batch).await? {
            sent += n;
        }
        Ok(sent)
    }
}

fn unreadable(e: &serde_json::Error) -> Error {
    sync_error(format!("HQ's answer cannot be read: {e}"), format!("HK:s svar går inte att läsa: {e}"))
}

fn refused_by_hq(status: u16, answer: &[u8]) -> Error {
    let text = String::from_utf8_lossy(answer).chars().take(300).collect::<String>();
    tracing::error!(status, "HQ refused: {text}");
    sync_error(format!("HQ answered {status}: {text}"), format!("HK svarade {status}: {text}"))
}

/// How often the store reports itself and asks for bundles while connected.
pub const EXCHANGE_EVERY: Duration = Duration::from_secs(5);

/// Reports the store to HQ and fetches its bundles.
async fn exchange(sk: &Storekeep) -> Result<()> {
    sk.sync().report().await?;
    let fetched = sk.sync().fetch_bundles().await?;
    if !fetched.accepted.is_empty() || !fetched.refused.is_empty() {
        tracing::info!(accepted = ?fetched.accepted, refused = fetched.refused.len(), "bundles from HQ");
    }
    Ok(())
}

/// Sends the outbox for as long as the task lives: at once while entries wait, then every few
/// seconds; after a failure it backs off (1 s doubling to a minute) and tries again. Nothing is
/// lost meanwhile: the outbox is on disk, so a restart resumes where it stopped.
pub async fn run(sk: Storekeep) {
    let mut backoff = Duration::from_secs(1);
    let mut last_exchange: Option<std::time::Instant> = None;
    loop {
        let wait = match sk.sync().link().await {
            Ok(Some(_)) => match sk.sync().push_once(1_000).await {
                Ok(pushed) => {
                    backoff = Duration::from_secs(1);
                    // Between batches too, so that a long catch-up still reports and fetches.
                    if last_exchange.is_none_or(|t| t.elapsed() >= EXCHANGE_EVERY) {
                        last_exchange = Some(std::time::Instant::now());
                        if let Err(e) = exchange(&sk).await {
                            tracing::warn!("reporting to HQ failed: {e}");
                        }
                    }
                    if matches!(pushed, Pushed::Sent { .. }) {
                        sk.health().changed();
                        Duration::ZERO
                    } else {
                        Duration::from_secs(2)
                    }
                }
                Err(e) => {
                    tracing::warn!("sending to HQ failed, trying again in {} s: {e}", backoff.as_secs());
                    let wait = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                    wait
                }
            },
            _ => Duration::from_secs(5),
        };
        tokio::time::sleep(wait).await;
    }
}

/// HQ's address and a minimal HTTP/1.1 client for it (one request a connection), over TLS for
/// `https://` (rustls; Mozilla's roots and the link's own CA, if any).
#[derive(Debug)]
struct Endpoint {
    host: String,
    port: u16,
    tls: Option<std::sync::Arc<tokio_rustls::rustls::ClientConfig>>,
}

trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

fn tls_config(ca_pem: Option<&str>) -> Result<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let mut roots = tokio_rustls::rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(pem) = ca_pem {
        let bad = |detail: String| {
            sync_error(
                format!("HQ's CA certificate cannot be used: {detail}"),
                format!("HK:s CA-certifikat går inte att använda: {detail}"),
            )
        };
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("no certificate in it".into()));
        }
    }
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    Ok(tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Storage(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Endpoint {
    fn parse(url: &str, ca_pem: Option<&str>) -> Result<Endpoint> {
        let bad = || {
            sync_error(
                format!("{url} is not https://HOST[:PORT] or http://HOST:PORT"),
                format!("{url} är inte https://VÄRD[:PORT] eller http://VÄRD:PORT"),
            )
        };
        let url = url.trim();
        let (tls, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
            (Some(rest), _) => (true, rest),
            (None, Some(rest)) => (false, rest),
            _ => return Err(bad()),
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
            None if tls => (rest, 443),
            None => return Err(bad()),
        };
        if host.is_empty() || host.contains('/') || host.contains('@') {
            return Err(bad());
        }
        if ca_pem.is_some() && !tls {
            return Err(sync_error(
                "A CA certificate is only for an https:// address".into(),
                "Ett CA-certifikat gäller bara en https://-adress".into(),
            ));
        }
        let tls = if tls { Some(std::sync::Arc::new(tls_config(ca_pem)?)) } else { None };
        Ok(Endpoint { host: host.to_string(), port, tls })
    }

    async fn connect(&self) -> std::io::Result<Box<dyn Stream>> {
        let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await?;
        let Some(config) = &self.tls else { return Ok(Box::new(tcp)) };
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(self.host.clone())
            .map_err(|e| std::io::Error::other(format!("{}: {e}", self.host)))?;
        let stream = tokio_rustls::TlsConnector::from(config.clone()).connect(name, tcp).await?;
        Ok(Box::new(stream))
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&[u8]>,
    ) -> Result<(u16, Vec<u8>)> {
        let body = body.unwrap_or_default();
        let unreachable = |e: std::io::Error| {
            sync_error(
                format!("HQ cannot be reached at {}:{} ({e})", self.host, self.port),
                format!("HK nås inte på {}:{} ({e})", self.host, self.port),
            )
        };
        let exchange = async {
            let mut stream = self.connect().await?;
            let head = format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                self.host,
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
            stream.flush().await?;
            let mut answer = Vec::new();
            match stream.read_to_end(&mut answer).await {
                Ok(_) => {}
                // A TLS peer that closes without saying so: the answer is whole if it parses.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !answer.is_empty() => {}
                Err(e) => return Err(e),
            }
            Ok::<_, std::io::Error>(answer)
        };
        let answer = tokio::time::timeout(Duration::from_secs(60), exchange)
            .await
            .map_err(|_| unreachable(std::io::Error::other("no answer within 60 s")))?
            .map_err(unreachable)?;
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| unreachable(std::io::Error::other("not an HTTP answer")))?;
        let head = String::from_utf8_lossy(&answer[..split]).to_string();
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        let mut body = answer[split + 4..].to_vec();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        Ok((status, body))
    }
}

/// A chunked HTTP body, joined.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = data.get(end + 2..).unwrap_or_default();
    }
    out
}
