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
use storekeep_domain::journal::GENESIS;
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
        if link.token.trim().is_empty() || !link.token.chars().all(|c| c.is_ascii_graphic()) {
            return Err(sync_error(
                "HQ's token for this store is needed, exactly as HQ gave it (no spaces)".into(),
                "HK:s nyckel för butiken behövs, precis som HK gav den (utan mellanslag)".into(),
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
            last_bundle: sqlx::query_scalar("SELECT MAX(counter) FROM hq_bundle WHERE outcome = 'accepted'")
                .fetch_one(self.sk.db().reader())
                .await?,
            bundles_refused: sqlx::query_scalar(
                "SELECT counter FROM (SELECT counter FROM hq_bundle WHERE outcome = 'refused' ORDER BY counter DESC LIMIT 20) ORDER BY counter",
            )
            .fetch_all(self.sk.db().reader())
            .await?,
            envelope_counter: board.remote.last_counter,
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
        // Accepted wins: a refusal recorded first by a fetch running at the same time (which
        // found the counter claimed) never hides that the bundle was applied.
        sqlx::query(
            "INSERT INTO hq_bundle (counter, fetched_at, outcome) VALUES (?, ?, ?)
             ON CONFLICT (counter) DO UPDATE SET outcome = 'accepted' WHERE excluded.outcome = 'accepted'",
        )
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
        match remote.pinned().await? {
            None => return Ok(Fetched { skipped: Some("no HQ key pinned"), ..Fetched::default() }),
            Some(p) if storekeep_domain::envelope::parse_public_key(&p.public_key).is_err() => {
                return Ok(Fetched {
                    skipped: Some("the pinned HQ key cannot be read"),
                    ..Fetched::default()
                });
            }
            Some(_) => {}
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
            // The app and the command line may fetch at once: what the other dealt with
            // meanwhile is not received again (which would be refused as a replay).
            let done: Option<i64> = sqlx::query_scalar("SELECT counter FROM hq_bundle WHERE counter = ?")
                .bind(r.counter)
                .fetch_optional(self.sk.db().reader())
                .await?;
            if done.is_some() {
                continue;
            }
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
                // Another fetch (the app's, the command line's) took it first: applied, not ours.
                Err(Error::Remote(Refusal::Replayed { .. })) => {
                    self.dealt_with(r.counter, true).await?;
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

    /// After a restore: fetches from HQ every registration it holds beyond this store's
    /// journal heads (sold after the backup was made and sent before the computer was lost),
    /// checks each one's hash and its link to the entry before it, and writes it with its
    /// projections (sales rows, reports, copies) and its day figures, page by page. Returns how
    /// many were caught up. Anything that does not link up is refused: nothing is written past
    /// it.
    pub async fn catch_up(&self, on: crate::backup::OnProgress<'_>) -> Result<i64> {
        let link = self.require_link().await?;
        let endpoint = link.endpoint()?;
        let (status, answer) = endpoint.request("GET", "/v1/heads", &link.token, None).await?;
        if status != 200 {
            return Err(refused_by_hq(status, &answer));
        }
        // Only this computer's register: another register's journal is its own to catch up.
        let register_id = self.sk.require_identity().await?.register_id;
        let heads: Vec<(String, i64)> = serde_json::from_slice::<Vec<(String, i64)>>(&answer)
            .map_err(|e| unreadable(&e))?
            .into_iter()
            .filter(|(r, _)| *r == register_id)
            .collect();
        let mut local = std::collections::HashMap::new();
        for (register, seq, hash) in
            sqlx::query_as::<_, (String, i64, Vec<u8>)>("SELECT register_id, seq, hash FROM journal_head")
                .fetch_all(self.sk.db().reader())
                .await?
        {
            local.insert(register, (seq, hash));
        }
        let total: i64 =
            heads.iter().map(|(r, hq)| hq - local.get(r).map_or(0, |(s, _)| *s)).filter(|n| *n > 0).sum();
        let mut done = 0i64;
        on(crate::backup::Progress { stage: "catch up".into(), done: 0, total: total as u64 });
        for (register, hq_head) in heads {
            let (mut seq, mut hash) = local.get(&register).cloned().unwrap_or((0, GENESIS.to_vec()));
            while seq < hq_head {
                let path = format!("/v1/journal?register={}&after={seq}&limit=2000", url_encode(&register));
                let (status, answer) = endpoint.request("GET", &path, &link.token, None).await?;
                if status != 200 {
                    return Err(refused_by_hq(status, &answer));
                }
                let page: Vec<WireEntry> = serde_json::from_slice(&answer).map_err(|e| unreadable(&e))?;
                if page.is_empty() {
                    break;
                }
                let mut tx = self.sk.db().begin_write().await?;
                for e in &page {
                    let broken = |what: &str| {
                        sync_error(
                            format!(
                                "HQ's copy of register {register} at entry {} {what}: nothing from there was taken",
                                e.seq
                            ),
                            format!(
                                "HK:s kopia av kassa {register} vid post {} {what}: inget därifrån togs",
                                e.seq
                            ),
                        )
                    };
                    if e.register_id != register || e.seq != seq + 1 {
                        return Err(broken("is not the next entry"));
                    }
                    if !e.hash_checks() {
                        return Err(broken("does not match its hash"));
                    }
                    let (prev, own) = (e.prev().map_err(|m| broken(&m))?, e.own().map_err(|m| broken(&m))?);
                    if prev.as_slice() != hash.as_slice() {
                        return Err(broken("does not follow this store's last entry"));
                    }
                    let written = crate::journal::insert_in(
                        &mut tx,
                        &register,
                        e.seq,
                        &prev,
                        &e.kind,
                        &e.recorded_at,
                        &e.payload,
                    )
                    .await?;
                    if written != own {
                        return Err(broken("does not match its hash"));
                    }
                    project_caught_up(&mut tx, self.sk, e).await?;
                    // HQ holds it already: nothing to send back.
                    sqlx::query("DELETE FROM outbox WHERE register_id = ? AND seq = ?")
                        .bind(&register)
                        .bind(e.seq)
                        .execute(&mut *tx)
                        .await?;
                    seq = e.seq;
                    hash = own.to_vec();
                }
                tx.commit().await?;
                done += page.len() as i64;
                on(crate::backup::Progress {
                    stage: "catch up".into(),
                    done: done as u64,
                    total: total as u64,
                });
            }
        }
        sqlx::query("DELETE FROM setting WHERE key = ?")
            .bind(crate::backup::CATCH_UP_PENDING)
            .execute(self.sk.db().writer())
            .await?;
        Ok(done)
    }

    /// Whether a restore is waiting for its catch-up (nothing can be registered until then).
    pub async fn catch_up_pending(&self) -> Result<bool> {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = ?")
            .bind(crate::backup::CATCH_UP_PENDING)
            .fetch_optional(self.sk.db().reader())
            .await?;
        Ok(v.is_some())
    }

    /// Sends a sealed backup file to HQ, which keeps the newest few (and cannot open them).
    pub async fn send_backup(&self, file: &std::path::Path) -> Result<()> {
        let link = self.require_link().await?;
        let body =
            tokio::fs::read(file).await.map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
        let (status, answer) =
            link.endpoint()?.request("POST", "/v1/backups", &link.token, Some(&body)).await?;
        match status {
            200 => Ok(()),
            _ => Err(refused_by_hq(status, &answer)),
        }
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

/// HQ's refusal in words a manager can act on (HQ's own text, for support, after it).
fn refused_by_hq(status: u16, answer: &[u8]) -> Error {
    let detail = serde_json::from_slice::<serde_json::Value>(answer)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
        .unwrap_or_else(|| String::from_utf8_lossy(answer).chars().take(300).collect());
    tracing::error!(status, "HQ refused: {detail}");
    let (en, sv) = match status {
        401 => (
            "HQ does not recognise this store's token: ask HQ for a new one and connect again",
            "HK känner inte igen butikens nyckel: be HK om en ny och anslut igen",
        ),
        404 => (
            "HQ has no such page: check that the address is HQ's",
            "HK har ingen sådan sida: kontrollera att adressen är HK:s",
        ),
        409 => ("HQ holds something else under the same number", "HK har något annat under samma nummer"),
        413 | 422 => ("HQ could not take what the store sent", "HK kunde inte ta emot det butiken skickade"),
        500..=599 => {
            ("HQ has a fault of its own; the store tries again", "HK har ett eget fel; butiken försöker igen")
        }
        _ => ("HQ refused", "HK vägrade"),
    };
    sync_error(
        format!("{en} (HQ answered {status}: {detail})"),
        format!("{sv} (HK svarade {status}: {detail})"),
    )
}

/// How often the store reports itself and asks for bundles while connected.
pub const EXCHANGE_EVERY: Duration = Duration::from_secs(5);

/// Reports the store to HQ and fetches its bundles.
/// Reports the store to HQ and fetches its bundles, each whatever became of the other (a store
/// whose report HQ refuses still takes HQ's bundles, and the other way round). `false` if HQ
/// could not be reached at all.
async fn exchange(sk: &Storekeep) -> bool {
    if let Err(e) = sk.sync().report().await {
        tracing::warn!("reporting to HQ failed: {e}");
        let en = e.to_string();
        if en.starts_with("HQ cannot be reached") || en.starts_with("HQ's certificate") {
            return false;
        }
    }
    match sk.sync().fetch_bundles().await {
        Ok(f) if !f.accepted.is_empty() || !f.refused.is_empty() => {
            tracing::info!(accepted = ?f.accepted, refused = f.refused.len(), "bundles from HQ");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("fetching HQ's bundles failed: {e}"),
    }
    true
}

/// Up to a second at random, so that a chain's stores do not all knock at once when HQ
/// comes back.
fn jitter() -> Duration {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    Duration::from_millis(u64::from(u16::from_le_bytes(b)) % 1_000)
}

/// Sends the outbox for as long as the task lives: at once while entries wait, then every few
/// seconds; after a failure it backs off (1 s doubling to a minute) and tries again. Nothing is
/// lost meanwhile: the outbox is on disk, so a restart resumes where it stopped.
pub async fn run(sk: Storekeep) {
    use tokio::time::Instant;
    let mut backoff = Duration::from_secs(1);
    let (mut next_push, mut next_exchange) = (Instant::now(), Instant::now());
    let mut exchange_backoff = EXCHANGE_EVERY;
    loop {
        if !matches!(sk.sync().link().await, Ok(Some(_))) {
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        if Instant::now() >= next_push {
            let wait = match sk.sync().push_once(1_000).await {
                Ok(Pushed::Sent { .. }) => {
                    backoff = Duration::from_secs(1);
                    sk.health().changed();
                    Duration::ZERO
                }
                Ok(Pushed::Nothing) => {
                    backoff = Duration::from_secs(1);
                    Duration::from_secs(2)
                }
                Err(e) => {
                    tracing::warn!("sending to HQ failed, trying again in {} s: {e}", backoff.as_secs());
                    let wait = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                    wait
                }
            };
            next_push = Instant::now() + wait;
        }
        // On its own clock, whatever the journal's sending does: between the batches of a long
        // catch-up, and while HQ refuses batches (the store HQ most needs to see).
        if Instant::now() >= next_exchange {
            // HQ unreachable: ask less often (5 s doubling to a minute), as the sending does.
            exchange_backoff = if exchange(&sk).await {
                EXCHANGE_EVERY
            } else {
                (exchange_backoff * 2).min(Duration::from_secs(60))
            };
            next_exchange = Instant::now() + exchange_backoff + jitter();
        }
        tokio::time::sleep_until(next_push.min(next_exchange)).await;
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
        let default_port = if tls { Some(443) } else { None };
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            // An IPv6 address in brackets, then perhaps a port.
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            host.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse::<u16>().map_err(|_| bad())?,
                None if after.is_empty() => default_port.ok_or_else(bad)?,
                None => return Err(bad()),
            };
            (host, port)
        } else {
            let (host, port) = match rest.split_once(':') {
                Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
                None => (rest, default_port.ok_or_else(bad)?),
            };
            let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
            if host.is_empty() || !host.chars().all(plain) {
                return Err(bad());
            }
            (host, port)
        };
        if ca_pem.is_some() && !tls {
            return Err(sync_error(
                "A CA certificate is only for an https:// address".into(),
                "Ett CA-certifikat gäller bara en https://-adress".into(),
            ));
        }
        let tls = if tls { Some(std::sync::Arc::new(tls_config(ca_pem)?)) } else { None };
        Ok(Endpoint { host: host.to_string(), port, tls })
    }

    /// The Host header: the name as written, IPv6 in brackets, the port unless the default.
    fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let default = if self.tls.is_some() { 443 } else { 80 };
        if self.port == default { host } else { format!("{host}:{}", self.port) }
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
            if e.to_string().to_ascii_lowercase().contains("certificate") {
                return sync_error(
                    format!(
                        "HQ's certificate at {} is not trusted or not valid for this address, so nothing was sent ({e}): check the address, or connect with the chain's CA certificate",
                        self.host
                    ),
                    format!(
                        "HK:s certifikat på {} godtas inte eller gäller inte adressen, så inget skickades ({e}): kontrollera adressen, eller anslut med kedjans CA-certifikat",
                        self.host
                    ),
                );
            }
            sync_error(
                format!("HQ cannot be reached at {}:{} ({e})", self.host, self.port),
                format!("HK nås inte på {}:{} ({e})", self.host, self.port),
            )
        };
        let exchange = async {
            let mut stream = self.connect().await?;
            let head = format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                self.host_header(),
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
            stream.flush().await?;
            let mut answer = Vec::new();
            let mut cut = false;
            match stream.read_to_end(&mut answer).await {
                Ok(_) => {}
                // A TLS peer that closes without saying so: the answer counts only if its own
                // framing (Content-Length, chunks) says it is whole.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !answer.is_empty() => cut = true,
                Err(e) => return Err(e),
            }
            Ok::<_, std::io::Error>((answer, cut))
        };
        let answer = tokio::time::timeout(Duration::from_secs(60), exchange)
            .await
            .map_err(|_| unreachable(std::io::Error::other("no answer within 60 s")))?
            .map_err(unreachable)?;
        let (answer, cut) = answer;
        let (status, body) = parse_answer(&answer, cut).ok_or_else(|| {
            unreachable(std::io::Error::other(
                "the answer was cut off or is not HTTP; it will be asked for again",
            ))
        })?;
        Ok((status, body))
    }
}

/// An HTTP/1.1 answer read to the close: its status and body, or `None` if it is not whole (a
/// body shorter than its Content-Length, a chunked body without its last chunk, or, if the
/// connection was `cut` without a TLS close, no framing to tell). Interim 1xx heads are skipped.
fn parse_answer(mut answer: &[u8], cut: bool) -> Option<(u16, Vec<u8>)> {
    loop {
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
        if !head.starts_with("http/1.") {
            return None;
        }
        let status = head.split_whitespace().nth(1)?.parse::<u16>().ok()?;
        let body = &answer[split + 4..];
        if (100..200).contains(&status) && status != 101 {
            answer = body;
            continue;
        }
        let values = |name: &str| -> Vec<String> {
            head.lines()
                .skip(1)
                .filter_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    (k.trim() == name).then(|| v.trim().to_string())
                })
                .collect()
        };
        if values("transfer-encoding").iter().any(|v| v.contains("chunked")) {
            return Some((status, dechunk(body)?));
        }
        let lengths = values("content-length");
        return match lengths.first() {
            // Two lengths that differ: no telling which is true.
            Some(len) if lengths.iter().all(|l| l == len) => {
                let len = len.parse::<usize>().ok()?;
                Some((status, body.get(..len)?.to_vec()))
            }
            Some(_) => None,
            None if cut => None,
            None => Some((status, body.to_vec())),
        };
    }
}

/// A chunked HTTP body, joined; `None` unless it ends with its last (empty) chunk.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        let start = line_end + 2;
        if size == 0 {
            return Some(out);
        }
        let chunk = data.get(start..start.checked_add(size)?)?;
        out.extend_from_slice(chunk);
        data = data.get(start + size + 2..)?;
    }
}

/// On a new computer, before any store exists: fetches the newest backup HQ keeps for the
/// store `link`'s token names into `dir`; returns its path.
pub async fn fetch_backup_from_hq(link: &HqLink, dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let endpoint = link.endpoint()?;
    let (status, answer) = endpoint.request("GET", "/v1/backups", &link.token, None).await?;
    if status != 200 {
        return Err(refused_by_hq(status, &answer));
    }
    let list: Vec<(i64, String, i64)> = serde_json::from_slice(&answer).map_err(|e| unreadable(&e))?;
    let Some((id, received, _)) = list.first() else {
        return Err(sync_error(
            "HQ keeps no backup of this store".into(),
            "HK har ingen säkerhetskopia av den här butiken".into(),
        ));
    };
    let (status, body) = endpoint.request("GET", &format!("/v1/backups/{id}"), &link.token, None).await?;
    if status != 200 {
        return Err(refused_by_hq(status, &body));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    let stamp: String = received.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let path = dir.join(format!("from-hq-{stamp}.{}", crate::backup::EXTENSION));
    std::fs::write(&path, &body).map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?;
    Ok(path)
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The rows beside a caught-up entry that `journal verify` and the till read: a sale's or a
/// return's sales rows, a copy, a pro forma, a training receipt, an X or Z report. Other kinds
/// have only their entry and day figures.
async fn project_caught_up(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    sk: &Storekeep,
    e: &WireEntry,
) -> Result<()> {
    let bad = |what: String| Error::Inconsistent(format!("entry {} from HQ cannot be read: {what}", e.seq));
    match e.kind.as_str() {
        "sale" => {
            let sale: storekeep_domain::sale::Sale =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            for l in &sale.lines {
                let known: Option<i64> = sqlx::query_scalar("SELECT id FROM product WHERE id = ?")
                    .bind(l.line.product_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                if known.is_none() {
                    return Err(Error::Inconsistent(format!(
                        "receipt {} sold {} ({}), which is not in this store's catalog: import the current catalog, then run `storekeep backup catch-up`",
                        sale.receipt_no, l.line.name, l.line.code
                    )));
                }
            }
            crate::sales::project_sale(tx, &sale, e.seq, &e.recorded_at).await?;
        }
        "training" => {
            let sale: storekeep_domain::sale::Sale =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            sqlx::query("INSERT INTO training_sale (register_id, training_no, journal_seq, total) VALUES (?, ?, ?, ?)")
                .bind(&e.register_id)
                .bind(sale.receipt_no)
                .bind(e.seq)
                .bind(sale.total.to_string())
                .execute(&mut **tx)
                .await?;
        }
        "return" => {
            let ret: storekeep_domain::returns::Return =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            crate::sales::project_return(tx, &ret, e.seq, &e.recorded_at).await?;
        }
        "copy" => {
            let copy: storekeep_domain::sale::ReceiptCopy =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            sqlx::query("INSERT INTO receipt_copy (register_id, receipt_no, journal_seq) VALUES (?, ?, ?)")
                .bind(&e.register_id)
                .bind(copy.receipt_no)
                .bind(e.seq)
                .execute(&mut **tx)
                .await?;
        }
        "pro_forma" => {
            let pf: storekeep_domain::sale::ProForma =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            sqlx::query("INSERT INTO pro_forma (register_id, pro_forma_no, journal_seq) VALUES (?, ?, ?)")
                .bind(&e.register_id)
                .bind(pf.pro_forma_no)
                .bind(e.seq)
                .execute(&mut **tx)
                .await?;
        }
        "x_report" | "z_report" => {
            let report: storekeep_domain::report::DayReport =
                serde_json::from_str(&e.payload).map_err(|x| bad(x.to_string()))?;
            // The business day, as the report was taken: the day of its first registration.
            let first: Option<String> =
                sqlx::query_scalar("SELECT recorded_at FROM journal WHERE register_id = ? AND seq = ?")
                    .bind(&e.register_id)
                    .bind(report.from_seq)
                    .fetch_optional(&mut **tx)
                    .await?;
            let day = first
                .as_deref()
                .unwrap_or(&e.recorded_at)
                .parse::<jiff::Timestamp>()
                .map_err(|x| bad(x.to_string()))?
                .to_zoned_datetime(sk.time_zone().clone())
                .date()
                .to_string();
            sqlx::query(
                "INSERT INTO day_report (register_id, journal_seq, kind, number, business_date, grand) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&e.register_id)
            .bind(e.seq)
            .bind(if e.kind == "z_report" { "z" } else { "x" })
            .bind(report.number)
            .bind(day)
            .bind(serde_json::to_string(&report.grand).map_err(|x| bad(x.to_string()))?)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_counts_only_when_whole() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(parse_answer(ok, false), Some((200, b"hello".to_vec())));
        assert_eq!(parse_answer(ok, true), Some((200, b"hello".to_vec())), "framed: whole even if cut after");
        let interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        assert_eq!(parse_answer(interim, false), Some((204, Vec::new())));
        let unframed = b"HTTP/1.1 200 OK\r\n\r\nhel";
        assert_eq!(parse_answer(unframed, false), Some((200, b"hel".to_vec())));
        assert_eq!(parse_answer(unframed, true), None, "cut with nothing to tell it is whole");
        let two = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(parse_answer(two, false), None);
        assert_eq!(parse_answer(b"SIP/2.0 200 OK\r\n\r\n", false), None);
        assert_eq!(parse_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", false), None, "cut off");
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n";
        assert_eq!(parse_answer(chunked, false), Some((200, b"hello".to_vec())));
        let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n";
        assert_eq!(parse_answer(cut, false), None, "no last chunk");
        assert_eq!(
            parse_answer(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhel\r\n0\r\n\r\n",
                false
            ),
            None
        );
        assert_eq!(parse_answer(b"HTTP/1.1 204 No Content\r\n\r\n", false), Some((204, Vec::new())));
        assert_eq!(parse_answer(b"garbage", false), None);
    }

    #[test]
    fn addresses_read_as_a_person_writes_them() {
        let e = Endpoint::parse("https://hq.example.se", None).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.tls.is_some(), e.host_header().as_str()),
            ("hq.example.se", 443, true, "hq.example.se")
        );
        let e = Endpoint::parse("http://127.0.0.1:8790/", None).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.host_header().as_str()),
            ("127.0.0.1", 8790, "127.0.0.1:8790")
        );
        let e = Endpoint::parse("https://[2001:db8::1]:8443", None).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.host_header().as_str()),
            ("2001:db8::1", 8443, "[2001:db8::1]:8443")
        );
        let e = Endpoint::parse("https://[::1]", None).unwrap();
        assert_eq!((e.host.as_str(), e.port, e.host_header().as_str()), ("::1", 443, "[::1]"));
        for bad in [
            "ftp://x:1",
            "http://x",
            "http://::1:8080",
            "https://[::1",
            "http://user@x:1",
            "https://x:port",
            "https://x/a:1",
        ] {
            assert!(Endpoint::parse(bad, None).is_err(), "{bad}");
        }
    }
}
