//! Remote control from HQ (issue 8): signed envelopes only, checked against the key pinned in
//! the store, and nothing at all in island mode (docs/remote-control.md).
//!
//! Every envelope received is recorded (`remote_envelope`) and audited, accepted or refused.
//! An accepted envelope's counter is claimed in the same transaction that records it, before
//! its content is applied, so no envelope can ever be applied twice, even by two processes at
//! once. What it carries is data read into closed types: a command from a fixed list, a config
//! (the payment caps and fallback rules), or a catalog file imported all or nothing. Nothing
//! received runs code.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use storekeep_domain::catalog_file;
use storekeep_domain::envelope::{Envelope, Kind, Refusal, parse_public_key, valid_store_id};
use storekeep_domain::payments::FallbackRule;
use storekeep_domain::staff::{Action, Role};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};
use crate::payments::CapsForm;

const KEY_SETTING: &str = "hq_key";

/// The key HQ signs with and the id HQ knows this store by, pinned by a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PinnedKey {
    /// ed25519 public key, 64 hex digits.
    pub public_key: String,
    pub store_id: String,
}

/// A remote command: one of a fixed list, each plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum RemoteCommand {
    /// Does nothing: HQ checking that the path works. (A struct variant, so that unknown
    /// fields are refused for it too.)
    Ping {},
    /// The customer notice (door sign, customer display, feed).
    SetNotice { sv: String, en: String, reason: String },
    /// HQ cuts remote control itself (it suspects its own systems).
    EnterIsland { reason: String },
}

/// A config bundle: what is in it is set, what is not stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RemoteConfig {
    pub offline_caps: Option<CapsForm>,
    pub fallback_rules: Option<Vec<FallbackRule>>,
    pub reason: String,
}

/// What an accepted envelope did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Accepted {
    #[ts(type = "number")]
    pub counter: u64,
    pub kind: Kind,
    pub summary: String,
}

/// One envelope as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Received {
    #[ts(type = "string")]
    pub at: Timestamp,
    pub source: String,
    pub kind: Option<String>,
    #[ts(type = "number | null")]
    pub counter: Option<i64>,
    pub accepted: bool,
    /// Why it was refused (English; `refusal_sv` in Swedish).
    pub refusal: Option<String>,
    pub refusal_sv: Option<String>,
    pub summary: Option<String>,
}

/// Remote control as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoteStatus {
    pub pinned: Option<PinnedKey>,
    #[ts(type = "number | null")]
    pub last_counter: Option<i64>,
    /// Refused in the last 24 hours.
    #[ts(type = "number")]
    pub refused_recently: i64,
    /// The last few received, newest first.
    pub recent: Vec<Received>,
}

/// HQ, as the audit log names an accepted envelope's actions.
fn hq_actor(counter: u64) -> Actor {
    Actor { id: 0, name: format!("HK (signerat kuvert {counter})"), role: Role::Manager }
}

enum Content {
    Command(RemoteCommand),
    Config(RemoteConfig),
    Catalog(Vec<u8>),
}

/// Reads the body as its kind says and checks everything that can be checked before anything
/// is claimed or applied, so that what is accepted can be applied.
fn read_content(envelope: &Envelope) -> std::result::Result<Content, Refusal> {
    let bad = |detail: String| Refusal::BadContent { detail };
    let json = |e: serde_json::Error| bad(e.to_string());
    let reasoned =
        |reason: &str| if reason.trim().is_empty() { Err(bad("a reason is needed".into())) } else { Ok(()) };
    Ok(match envelope.header.kind {
        Kind::Command => {
            let command: RemoteCommand = serde_json::from_slice(&envelope.body).map_err(json)?;
            match &command {
                RemoteCommand::Ping {} => {}
                RemoteCommand::SetNotice { sv, en, reason } => {
                    reasoned(reason)?;
                    if sv.trim().is_empty() != en.trim().is_empty() {
                        return Err(bad("the notice needs both Swedish and English".into()));
                    }
                    if sv.chars().count().max(en.chars().count()) > 300 {
                        return Err(bad("the notice is over 300 characters".into()));
                    }
                }
                RemoteCommand::EnterIsland { reason } => reasoned(reason)?,
            }
            Content::Command(command)
        }
        Kind::Config => {
            let config: RemoteConfig = serde_json::from_slice(&envelope.body).map_err(json)?;
            reasoned(&config.reason)?;
            if let Some(caps) = &config.offline_caps {
                let caps = caps.parse().map_err(|e| bad(e.to_string()))?;
                crate::payments::check_caps(&caps).map_err(|e| bad(e.to_string()))?;
            }
            Content::Config(config)
        }
        Kind::Catalog => {
            if let Err(errors) = catalog_file::parse(&envelope.body, catalog_file::Format::Csv) {
                let first =
                    errors.first().map(|e| format!("row {}: {}", e.row, e.message)).unwrap_or_default();
                return Err(bad(format!("the catalog has {} bad rows ({first})", errors.len())));
            }
            Content::Catalog(envelope.body.clone())
        }
    })
}

#[derive(Debug)]
pub struct Remote<'a> {
    sk: &'a Storekeep,
}

impl<'a> Remote<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Remote { sk }
    }

    pub async fn pinned(&self) -> Result<Option<PinnedKey>> {
        crate::settings::read(self.sk.db().reader(), KEY_SETTING, None).await
    }

    /// Pins HQ's public key and the id HQ knows this store by (a manager, with a reason;
    /// audited). Replacing a pinned key is the same act, audited with the old key.
    pub async fn pin(&self, by: &Actor, key: &PinnedKey, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "pin HQ's key").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let bad = |en: String, sv: String| Error::Degraded { en, sv };
        parse_public_key(&key.public_key)
            .map_err(|e| bad(format!("HQ's key: {e}"), format!("HK:s nyckel: {e} (64 hexsiffror)")))?;
        let store_id = key.store_id.trim();
        if !valid_store_id(store_id) {
            return Err(bad(
                "The store id is 1 to 64 letters, digits, '-', '_' or '.'".into(),
                "Butikens id är 1 till 64 bokstäver, siffror, '-', '_' eller '.'".into(),
            ));
        }
        let key = PinnedKey { public_key: key.public_key.trim().to_lowercase(), store_id: store_id.into() };
        let json =
            |v: &Option<PinnedKey>| serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()));
        let (old, new) = (json(&self.pinned().await?)?, json(&Some(key))?);
        let shown = crate::settings::Shown { old, new: new.clone() };
        let mut tx = self.sk.db().begin_write().await?;
        crate::settings::write_audited_in(
            &mut tx,
            self.sk.clock().now(),
            by,
            KEY_SETTING,
            &new,
            shown,
            reason,
        )
        .await?;
        // HQ's bundles refused under the old pin (a wrong key, a wrong store id) are fetched
        // again under the new one; those refused for other reasons are refused once more.
        sqlx::query("DELETE FROM hq_bundle WHERE outcome = 'refused'").execute(&mut *tx).await?;
        tx.commit().await?;
        self.sk.health().changed();
        Ok(())
    }

    /// Software updates may be installed (the updater asks before it does): not in island mode.
    pub async fn updates_allowed(&self) -> Result<()> {
        match self.sk.health().island().await? {
            Some(_) => Err(Error::Remote(Refusal::Island)),
            None => Ok(()),
        }
    }

    /// Receives one envelope from `source` (e.g. `cli:bundle.env`, `http 127.0.0.1`): checks
    /// it, claims its counter, applies it, and records and audits the outcome. A refusal is an
    /// [`Error::Remote`]; a forged signature also switches island mode on when the policy says
    /// so.
    pub async fn receive(&self, source: &str, bytes: &[u8]) -> Result<Accepted> {
        let sha = &hex::encode(Sha256::digest(bytes));
        let now = self.sk.clock().now();
        let parsed = Envelope::parse(bytes);
        let header = parsed.as_ref().ok().map(|e| &e.header);
        let refuse = |refusal: Refusal| async move {
            self.record_refusal(source, sha, header, &refusal, now).await?;
            if refusal.is_forgery() && self.sk.health().settings().await?.island_on_forgery {
                let reason = format!(
                    "Automatiskt: ett fjärrkommando med ogiltig signatur togs emot ({source}) / Automatic: a remote command failed its signature"
                );
                self.sk.health().enter_island(None, &reason).await?;
            }
            Err::<Accepted, Error>(Error::Remote(refusal))
        };
        if self.sk.health().island().await?.is_some() {
            return refuse(Refusal::Island).await;
        }
        let envelope = match &parsed {
            Ok(e) => e,
            Err(r) => return refuse(r.clone()).await,
        };
        let Some(pinned) = self.pinned().await? else { return refuse(Refusal::NoPinnedKey).await };
        let key = match parse_public_key(&pinned.public_key) {
            Ok(k) => k,
            Err(_) => return refuse(Refusal::NoPinnedKey).await,
        };
        let last = self.last_counter().await?.map(|c| c as u64);
        if let Err(r) = envelope.verify(&key, &pinned.store_id, last, now) {
            return refuse(r).await;
        }
        let content = match read_content(envelope) {
            Ok(c) => c,
            Err(r) => return refuse(r).await,
        };
        let counter = envelope.header.counter;
        let kind = envelope.header.kind;
        // Claim the counter: the unique index takes one accepted row per counter, and the
        // check inside the write transaction refuses anything at or below the last.
        let mut tx = self.sk.db().begin_write().await?;
        // Island mode switched on meanwhile (by this process or another) wins.
        if crate::health::island_in(&mut *tx).await?.is_some() {
            drop(tx);
            return refuse(Refusal::Island).await;
        }
        let last_now: Option<i64> =
            sqlx::query_scalar("SELECT MAX(counter) FROM remote_envelope WHERE outcome = 'accepted'")
                .fetch_one(&mut *tx)
                .await?;
        if let Some(l) = last_now
            && counter as i64 <= l
        {
            drop(tx);
            let r = if counter as i64 == l {
                Refusal::Replayed { counter }
            } else {
                Refusal::OutOfOrder { counter, last: l as u64 }
            };
            return refuse(r).await;
        }
        sqlx::query(
            "INSERT INTO remote_envelope (received_at, source, sha256, kind, counter, store_id, outcome, summary)
             VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?)",
        )
        .bind(now.to_string())
        .bind(source)
        .bind(sha)
        .bind(kind.as_str())
        .bind(counter as i64)
        .bind(&envelope.header.store_id)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await?;
        let mut record = AuditRecord::new(
            now,
            None,
            "remote.accepted",
            format!("{} {counter}", kind.as_str()),
            Outcome::Done,
        );
        record.new_value = Some(format!("sha256 {sha}, from {source}"));
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;

        let actor = hq_actor(counter);
        let applied = match content {
            Content::Command(RemoteCommand::Ping {}) => Ok("ping".to_string()),
            Content::Command(RemoteCommand::SetNotice { sv, en, reason }) => self
                .sk
                .hours()
                .set_notice(&actor, &storekeep_domain::door_sign::Notice { sv, en }, &reason)
                .await
                .map(|_| "customer notice set".to_string()),
            Content::Command(RemoteCommand::EnterIsland { reason }) => self
                .sk
                .health()
                .enter_island(None, &format!("HK (signerat kuvert {counter}): {reason}"))
                .await
                .map(|_| "island mode on".to_string()),
            Content::Config(config) => self.apply_config(&actor, &config).await,
            Content::Catalog(bytes) => {
                self.sk.catalog().import(&actor, &format!("hq-catalog-{counter}.csv"), &bytes).await.and_then(
                    |report| {
                        if report.applied {
                            Ok(format!("catalog: {} added, {} changed", report.added, report.changed))
                        } else {
                            Err(Error::Degraded {
                                en: format!(
                                    "the catalog has {} bad rows; nothing was imported",
                                    report.error_count
                                ),
                                sv: format!(
                                    "sortimentet har {} felaktiga rader; inget importerades",
                                    report.error_count
                                ),
                            })
                        }
                    },
                )
            }
        };
        match applied {
            Ok(summary) => {
                tracing::info!(counter, kind = kind.as_str(), "remote envelope applied: {summary}");
                self.sk.health().changed();
                Ok(Accepted { counter, kind, summary })
            }
            Err(e) => {
                // The counter stays used: HQ sends a corrected envelope with a new one.
                let refusal = Refusal::BadContent { detail: e.to_string() };
                self.record_refusal(source, sha, Some(&envelope.header), &refusal, now).await?;
                Err(Error::Remote(refusal))
            }
        }
    }

    /// A config is written whole, in one transaction, or not at all.
    async fn apply_config(&self, actor: &Actor, config: &RemoteConfig) -> Result<String> {
        let caps = config.offline_caps.as_ref().map(CapsForm::parse).transpose()?;
        let rules = config.fallback_rules.as_deref();
        self.sk.payments().set_caps_and_rules(actor, caps.as_ref(), rules, &config.reason).await?;
        let mut done = Vec::new();
        if caps.is_some() {
            done.push("offline caps");
        }
        if rules.is_some() {
            done.push("fallback rules");
        }
        Ok(if done.is_empty() {
            "config: nothing in it".into()
        } else {
            format!("config: {}", done.join(", "))
        })
    }

    async fn record_refusal(
        &self,
        source: &str,
        sha: &str,
        header: Option<&storekeep_domain::envelope::Header>,
        refusal: &Refusal,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.sk.db().begin_write().await?;
        sqlx::query(
            "INSERT INTO remote_envelope (received_at, source, sha256, kind, counter, store_id, outcome, refusal)
             VALUES (?, ?, ?, ?, ?, ?, 'refused', ?)",
        )
        .bind(now.to_string())
        .bind(source)
        .bind(sha)
        .bind(header.map(|h| h.kind.as_str()))
        .bind(header.map(|h| h.counter as i64))
        .bind(header.map(|h| h.store_id.clone()))
        .bind(serde_json::to_string(refusal).map_err(|e| Error::Storage(e.to_string()))?)
        .execute(&mut *tx)
        .await?;
        let subject = header
            .map(|h| format!("{} {}", h.kind.as_str(), h.counter))
            .unwrap_or_else(|| "unreadable".into());
        let mut record = AuditRecord::new(now, None, "remote.refused", subject, Outcome::Refused);
        record.new_value = Some(format!("sha256 {sha}, from {source}"));
        record.reason = Some(refusal.to_string());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        tracing::warn!(source, "remote envelope refused: {refusal}");
        self.sk.health().changed();
        Ok(())
    }

    pub async fn last_counter(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT MAX(counter) FROM remote_envelope WHERE outcome = 'accepted'")
            .fetch_one(self.sk.db().reader())
            .await?)
    }

    /// Newest first.
    pub async fn log(&self, limit: i64) -> Result<Vec<Received>> {
        let rows = sqlx::query(
            "SELECT received_at, source, kind, counter, outcome, refusal, summary FROM remote_envelope ORDER BY id DESC LIMIT ?",
        )
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.sk.db().reader())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let refusal: Option<Refusal> =
                    r.get::<Option<String>, _>(5).and_then(|s| serde_json::from_str(&s).ok());
                Received {
                    at: r.get::<String, _>(0).parse().unwrap_or_default(),
                    source: r.get(1),
                    kind: r.get(2),
                    counter: r.get(3),
                    accepted: r.get::<String, _>(4) == "accepted",
                    refusal: refusal.as_ref().map(|x| x.to_string()),
                    refusal_sv: refusal.as_ref().map(Refusal::sv),
                    summary: r.get(6),
                }
            })
            .collect())
    }

    pub async fn status(&self) -> Result<RemoteStatus> {
        let since = (self.sk.clock().now() - jiff::SignedDuration::from_hours(24)).to_string();
        let refused_recently: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM remote_envelope WHERE outcome = 'refused' AND received_at >= ?",
        )
        .bind(since.get(..19).unwrap_or_default())
        .fetch_one(self.sk.db().reader())
        .await?;
        Ok(RemoteStatus {
            pinned: self.pinned().await?,
            last_counter: self.last_counter().await?,
            refused_recently,
            recent: self.log(5).await?,
        })
    }
}

/// A new ed25519 key pair for HQ (secret, public), as hex. The secret never enters a store.
pub fn generate_key() -> Result<(String, String)> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    Ok((hex::encode(key.to_bytes()), hex::encode(key.verifying_key().to_bytes())))
}
