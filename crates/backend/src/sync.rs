//! Store-and-forward to HQ (issue 9, the store's side): the outbox (filled by a trigger in the
//! same transaction as every journal entry) is sent in batches, in order, and an entry leaves
//! the outbox only once HQ has acknowledged it. HQ skips what it already holds, so sending
//! again after a lost answer or a restart is harmless: each registration reaches HQ exactly
//! once. The store never waits for HQ to sell.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::staff::Action;
use storekeep_domain::sync::{BATCH_FORMAT, Batch, BatchReceipt, WireEntry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Storekeep;
use crate::audit::Actor;
use crate::error::{Error, Result};

const LINK_KEY: &str = "hq_sync";

/// Where HQ is and the store's token (a manager's setting; the token is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HqLink {
    /// `http://host:port` (TLS is terminated in front of HQ where deployed).
    pub url: String,
    pub token: String,
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
        Endpoint::parse(&link.url)?;
        if link.token.trim().is_empty() {
            return Err(sync_error(
                "HQ's token for this store is needed".into(),
                "HK:s nyckel för butiken behövs".into(),
            ));
        }
        let old = self.link().await?.map(|l| l.url).unwrap_or_else(|| "none".into());
        let stored = serde_json::to_string(&Some(link)).map_err(|e| Error::Storage(e.to_string()))?;
        let shown = crate::settings::Shown { old, new: format!("{} (token set)", link.url) };
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
        let Some(link) = self.link().await? else {
            return Err(sync_error(
                "This store is not connected to HQ".into(),
                "Butiken är inte ansluten till HK".into(),
            ));
        };
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
        let endpoint = Endpoint::parse(&link.url)?;
        let (status, answer) = endpoint.post("/v1/journal", &link.token, &body).await?;
        match status {
            200 => {
                let receipt: BatchReceipt = serde_json::from_slice(&answer).map_err(|e| {
                    sync_error(
                        format!("HQ's answer cannot be read: {e}"),
                        format!("HK:s svar går inte att läsa: {e}"),
                    )
                })?;
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
            _ => {
                let text = String::from_utf8_lossy(&answer).chars().take(300).collect::<String>();
                tracing::error!(status, "HQ refused a batch: {text}");
                Err(sync_error(
                    format!("HQ answered {status}: {text}"),
                    format!("HK svarade {status}: {text}"),
                ))
            }
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

/// Sends the outbox for as long as the task lives: at once while entries wait, then every few
/// seconds; after a failure it backs off (1 s doubling to a minute) and tries again. Nothing is
/// lost meanwhile: the outbox is on disk, so a restart resumes where it stopped.
pub async fn run(sk: Storekeep) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let wait = match sk.sync().link().await {
            Ok(Some(_)) => match sk.sync().push_once(1_000).await {
                Ok(Pushed::Sent { .. }) => {
                    backoff = Duration::from_secs(1);
                    sk.health().changed();
                    Duration::ZERO
                }
                Ok(Pushed::Nothing) => Duration::from_secs(2),
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

/// `http://host:port` and a minimal HTTP/1.1 client for it (one request a connection).
#[derive(Debug)]
struct Endpoint {
    host: String,
    port: u16,
}

impl Endpoint {
    fn parse(url: &str) -> Result<Endpoint> {
        let bad = || {
            sync_error(
                format!("{url} is not http://HOST:PORT (TLS goes in front of HQ)"),
                format!("{url} är inte http://VÄRD:PORT (TLS ligger framför HK)"),
            )
        };
        let rest = url.trim().strip_prefix("http://").ok_or_else(bad)?.trim_end_matches('/');
        let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
        let port = port.parse::<u16>().map_err(|_| bad())?;
        if host.is_empty() || host.contains('/') {
            return Err(bad());
        }
        Ok(Endpoint { host: host.to_string(), port })
    }

    async fn post(&self, path: &str, token: &str, body: &[u8]) -> Result<(u16, Vec<u8>)> {
        let unreachable = |e: std::io::Error| {
            sync_error(
                format!("HQ cannot be reached at {}:{} ({e})", self.host, self.port),
                format!("HK nås inte på {}:{} ({e})", self.host, self.port),
            )
        };
        let exchange = async {
            let mut stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await?;
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                self.host,
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
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
