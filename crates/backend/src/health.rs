//! Degraded mode (issue 8): the health of every dependency, probed in the background, the store
//! mode that follows, island mode, and the status board the manager watches.
//!
//! Each monitored dependency has a probe (an HTTP health endpoint, TCP reachability, or the
//! simulator) run on its own task every `interval_ms` with a `timeout_ms`. The outcomes go
//! through [`Tracker`] (hysteresis: storekeep_domain::health). A change of level is kept
//! (`health_event`), and when it changes the store mode the change is journaled and an
//! incident opened or closed (crate::incidents).
//!
//! The till never waits on any of this: a sale reads only the database (the payment methods in
//! force, which the fallback rules set from the health), and no probe holds a lock while it
//! waits for the network.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::health::{
    Dependency, Level, Outcome, ProbeSettings, StoreMode, Tracker, Transition, store_mode,
};
use storekeep_domain::journal::EntryKind;
use storekeep_domain::staff::Action;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome as AuditOutcome};
use crate::devices::BoxFut;
use crate::error::{Error, Result};

const SETTINGS_KEY: &str = "health";

/// A way of asking a dependency whether it is there.
pub trait Probe: Send + Sync + Debug {
    /// One probe; the monitor applies the timeout.
    fn check(&self) -> BoxFut<'_, Outcome>;
}

/// Reachability: a TCP connection to `address` (host:port) opens.
#[derive(Debug)]
pub struct TcpProbe {
    pub address: String,
}

impl Probe for TcpProbe {
    fn check(&self) -> BoxFut<'_, Outcome> {
        Box::pin(async move {
            match tokio::net::TcpStream::connect(&self.address).await {
                Ok(_) => Outcome::Ok,
                Err(e) => Outcome::Failed { detail: format!("{}: {e}", self.address) },
            }
        })
    }
}

/// An HTTP health endpoint (`http://host:port/path`): a 2xx answer is well, anything else
/// is not. Plain HTTP/1.1 GET (the protocol is open and small; an `https` endpoint is probed
/// with [`TcpProbe`] on its port until a TLS client is needed for something else).
#[derive(Debug)]
pub struct HttpProbe {
    pub url: String,
    host: String,
    port: u16,
    path: String,
}

impl HttpProbe {
    pub fn new(url: &str) -> std::result::Result<HttpProbe, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            if url.starts_with("https://") {
                "https needs TLS: probe the port with a TCP probe (host:443) instead".to_string()
            } else {
                "a health URL starts with http://".to_string()
            }
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("{p} is not a port"))?),
            None => (authority, 80),
        };
        let clean = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
        if !clean(host) || !clean(path) {
            return Err("the URL has no host, or has spaces".into());
        }
        Ok(HttpProbe { url: url.to_string(), host: host.to_string(), port, path: path.to_string() })
    }
}

impl Probe for HttpProbe {
    fn check(&self) -> BoxFut<'_, Outcome> {
        Box::pin(async move {
            let failed = |detail: String| Outcome::Failed { detail };
            let mut stream = match tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await {
                Ok(s) => s,
                Err(e) => return failed(format!("{}: {e}", self.url)),
            };
            let request = format!(
                "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: storekeep-health\r\nConnection: close\r\n\r\n",
                self.path, self.host
            );
            if let Err(e) = stream.write_all(request.as_bytes()).await {
                return failed(format!("{}: {e}", self.url));
            }
            // The status line is all that is read.
            let mut head = Vec::with_capacity(64);
            let mut buf = [0u8; 256];
            while !head.contains(&b'\n') && head.len() < 1024 {
                match stream.read(&mut buf).await {
                    Ok(0) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                    Err(e) => return failed(format!("{}: {e}", self.url)),
                }
            }
            let line = String::from_utf8_lossy(&head);
            let status = line.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok());
            match status {
                Some(code) if line.starts_with("HTTP/1.") && (200..300).contains(&code) => Outcome::Ok,
                Some(code) => failed(format!("{} answered HTTP {code}", self.url)),
                None => failed(format!("{} did not answer HTTP", self.url)),
            }
        })
    }
}

/// What a simulated dependency does when probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimHealth {
    Up,
    /// Answers that it is down (a refused connection).
    Down,
    /// Never answers: the probe times out (a cut cable).
    Silent,
}

/// SIMULATOR: a dependency whose health is set by hand (the demo, drills' practice runs on
/// the till, and tests).
#[derive(Debug)]
pub struct SimulatedProbe {
    state: std::sync::Mutex<SimHealth>,
    checks: std::sync::atomic::AtomicU64,
}

impl Default for SimulatedProbe {
    fn default() -> Self {
        SimulatedProbe { state: std::sync::Mutex::new(SimHealth::Up), checks: Default::default() }
    }
}

impl SimulatedProbe {
    pub fn set(&self, health: SimHealth) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = health;
    }

    pub fn get(&self) -> SimHealth {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Probes started so far.
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::SeqCst)
    }
}

impl Probe for SimulatedProbe {
    fn check(&self) -> BoxFut<'_, Outcome> {
        self.checks.fetch_add(1, Ordering::SeqCst);
        let health = self.get();
        Box::pin(async move {
            match health {
                SimHealth::Up => Outcome::Ok,
                SimHealth::Down => Outcome::Failed { detail: "simulator: down".into() },
                SimHealth::Silent => std::future::pending().await,
            }
        })
    }
}

/// How a dependency is probed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProbeTarget {
    /// Not monitored: never counted as lost.
    Off,
    /// The simulator (demo and tests; the UI says so).
    Simulated,
    /// TCP reachability of `host:port`.
    Tcp { address: String },
    /// An HTTP health endpoint, `http://host:port/path`.
    Http { url: String },
}

impl ProbeTarget {
    pub fn describe(&self) -> String {
        match self {
            ProbeTarget::Off => "not monitored".into(),
            ProbeTarget::Simulated => "simulator".into(),
            ProbeTarget::Tcp { address } => format!("tcp {address}"),
            ProbeTarget::Http { url } => url.clone(),
        }
    }
}

/// The monitor's settings (a manager's, audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthSettings {
    pub probe: ProbeSettings,
    /// Each dependency's probe; a dependency left out is not monitored.
    pub targets: BTreeMap<Dependency, ProbeTarget>,
    /// Cut remote control at once (island mode) when a remote command fails its signature.
    pub island_on_forgery: bool,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings { probe: ProbeSettings::default(), targets: BTreeMap::new(), island_on_forgery: true }
    }
}

impl HealthSettings {
    /// Every dependency on its simulator (the demo store).
    pub fn simulated() -> HealthSettings {
        HealthSettings {
            targets: Dependency::ALL.into_iter().map(|d| (d, ProbeTarget::Simulated)).collect(),
            ..HealthSettings::default()
        }
    }

    pub fn target(&self, dependency: Dependency) -> &ProbeTarget {
        self.targets.get(&dependency).unwrap_or(&ProbeTarget::Off)
    }

    fn check(&self) -> Result<()> {
        let bad = |en: String, sv: String| Err(Error::Degraded { en, sv });
        let p = &self.probe;
        if !(200..=60_000).contains(&p.interval_ms) || !(100..=p.interval_ms.max(100)).contains(&p.timeout_ms)
        {
            return bad(
                "Probe every 200 ms to 60 s, with a timeout from 100 ms up to the interval".into(),
                "Kontrollera var 200:e ms till var 60:e s, med en tidsgräns från 100 ms upp till intervallet"
                    .into(),
            );
        }
        if !(1..=10).contains(&p.fail_after) || !(1..=20).contains(&p.recover_after) {
            return bad(
                "Red after 1 to 10 failures in a row; green after 1 to 20 successes".into(),
                "Röd efter 1 till 10 fel i rad; grön efter 1 till 20 lyckade".into(),
            );
        }
        for (dependency, target) in &self.targets {
            let problem = match target {
                ProbeTarget::Tcp { address } => {
                    let ok = address
                        .rsplit_once(':')
                        .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
                    (!ok).then(|| format!("{address} is not host:port"))
                }
                ProbeTarget::Http { url } => HttpProbe::new(url).err(),
                _ => None,
            };
            if let Some(problem) = problem {
                let (sv, en) = label(*dependency);
                return bad(format!("{en}: {problem}"), format!("{sv}: {problem}"));
            }
        }
        Ok(())
    }
}

/// A dependency's name in Swedish and English.
pub fn label(d: Dependency) -> (&'static str, &'static str) {
    d.label()
}

/// In-process state of the monitor (one per open store).
#[derive(Debug, Default)]
pub struct Monitor {
    trackers: tokio::sync::Mutex<Option<BTreeMap<Dependency, Tracker>>>,
    /// One store-mode reconciliation at a time in this process (the write transaction
    /// orders them across processes).
    reconcile: tokio::sync::Mutex<()>,
    sims: std::sync::Mutex<BTreeMap<Dependency, Arc<SimulatedProbe>>>,
    /// Woken when anything on the status board changes.
    signal: tokio::sync::Notify,
    /// Woken when the settings change: the probes restart with them.
    settings_changed: tokio::sync::Notify,
    /// Probes started and not finished, now.
    in_flight: AtomicUsize,
}

/// Island mode as in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IslandState {
    #[ts(type = "string")]
    pub since: Timestamp,
    /// Who switched it on; `None`: the system, by policy.
    pub by: Option<String>,
    pub reason: String,
}

/// One dependency on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DependencyStatus {
    pub dependency: Dependency,
    pub name_sv: String,
    pub name_en: String,
    pub level: Level,
    /// When the level last changed (`None`: green since the monitor started).
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    pub monitored: bool,
    /// How it is probed, e.g. `http://hq.example/health`, `simulator`.
    pub probe: String,
    pub simulated: bool,
    pub last_failure: Option<String>,
    /// What losing it means at the till.
    pub impact_sv: String,
    pub impact_en: String,
    /// Red in a drill (practice), not for real.
    pub practice: bool,
}

/// How the store runs, for the board and the till's banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModeView {
    pub mode: StoreMode,
    /// Since the last journaled change (`None`: never changed).
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    pub island: Option<IslandState>,
    /// What the till can and cannot do now, one line each.
    pub meaning_sv: Vec<String>,
    pub meaning_en: Vec<String>,
}

/// Registrations not yet acknowledged by HQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HqQueue {
    #[ts(type = "number")]
    pub waiting: i64,
    #[ts(type = "string | null")]
    pub oldest: Option<String>,
    /// Whether the store is connected to HQ (until it is, every registration waits here,
    /// safely).
    pub sync_configured: bool,
}

/// Everything on the status dashboard, sent whole with each `status-changed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusBoard {
    pub mode: ModeView,
    pub dependencies: Vec<DependencyStatus>,
    pub payments: crate::payments::PaymentsStatus,
    pub hours: storekeep_domain::hours::HoursStatus,
    pub hq_queue: HqQueue,
    pub incident: Option<crate::incidents::IncidentSummary>,
    pub drill: Option<crate::incidents::IncidentSummary>,
    pub remote: crate::remote::RemoteStatus,
    pub settings: HealthSettings,
    /// Worst time from the first failed probe to red, at these settings.
    #[ts(type = "number")]
    pub detection_ms: i64,
}

/// The payload of a `store_mode` journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeEntry {
    pub from: StoreMode,
    pub to: StoreMode,
    pub practice: bool,
    /// Why, in words (the drill's reason, the island's).
    pub note: Option<String>,
}

impl ModeEntry {
    /// Appends the entry to the register's journal inside the caller's transaction.
    pub(crate) async fn journal_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        register_id: &str,
        at: &Timestamp,
    ) -> Result<i64> {
        let payload = serde_json::to_string(self).map_err(|e| Error::Storage(e.to_string()))?;
        crate::journal::append_in(tx, register_id, EntryKind::StoreMode, &at.to_string(), &payload).await
    }
}

#[derive(Debug)]
pub struct Health<'a> {
    sk: &'a Storekeep,
}

impl<'a> Health<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Health { sk }
    }

    fn monitor(&self) -> &Monitor {
        self.sk.monitor()
    }

    /// Notified whenever the status board may have changed.
    pub fn signal(&self) -> &'a tokio::sync::Notify {
        &self.sk.monitor().signal
    }

    pub(crate) fn changed(&self) {
        self.monitor().signal.notify_waiters();
        self.monitor().signal.notify_one();
    }

    /// The simulator of `dependency` (there is one for each, used when its target is
    /// `simulated`).
    pub fn simulator(&self, dependency: Dependency) -> Arc<SimulatedProbe> {
        let mut sims = self.monitor().sims.lock().unwrap_or_else(|p| p.into_inner());
        sims.entry(dependency).or_default().clone()
    }

    /// Probes under way now (started, not yet answered or timed out).
    pub fn probes_in_flight(&self) -> usize {
        self.monitor().in_flight.load(Ordering::SeqCst)
    }

    pub async fn settings(&self) -> Result<HealthSettings> {
        crate::settings::read(self.sk.db().reader(), SETTINGS_KEY, HealthSettings::default()).await
    }

    /// New monitor settings (managers, with a reason; audited with old and new). The probes
    /// restart with them.
    pub async fn set_settings(&self, by: &Actor, settings: &HealthSettings, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "health monitor settings").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        settings.check()?;
        let json = |v: &HealthSettings| serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()));
        let (old, new) = (json(&self.settings().await?)?, json(settings)?);
        let shown = crate::settings::Shown { old, new: new.clone() };
        crate::settings::write_audited(self.sk, by, SETTINGS_KEY, &new, shown, reason).await?;
        self.monitor().settings_changed.notify_one();
        self.forget_unmonitored(settings).await?;
        self.reconcile().await?;
        self.changed();
        Ok(())
    }

    /// Writes settings without a person (the demo store's first run).
    pub(crate) async fn seed_settings(&self, settings: &HealthSettings) -> Result<()> {
        let json = serde_json::to_string(settings).map_err(|e| Error::Storage(e.to_string()))?;
        sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
            .bind(SETTINGS_KEY)
            .bind(json)
            .execute(self.sk.db().writer())
            .await?;
        Ok(())
    }

    /// The trackers, loaded once from the last level each dependency was seen at (so a restart
    /// does not call a red link green before it has answered `recover_after` times).
    async fn with_trackers<T>(&self, f: impl FnOnce(&mut BTreeMap<Dependency, Tracker>) -> T) -> Result<T> {
        let mut guard = self.monitor().trackers.lock().await;
        if guard.is_none() {
            let mut trackers: BTreeMap<Dependency, Tracker> =
                Dependency::ALL.into_iter().map(|d| (d, Tracker::new(d))).collect();
            let rows = sqlx::query(
                "SELECT dependency, to_level, at FROM health_event WHERE id IN
                   (SELECT MAX(id) FROM health_event WHERE practice = 0 GROUP BY dependency)",
            )
            .fetch_all(self.sk.db().reader())
            .await?;
            for row in rows {
                let dep = serde_json::from_value::<Dependency>(serde_json::Value::String(row.get(0)));
                let level = serde_json::from_value::<Level>(serde_json::Value::String(row.get(1)));
                if let (Ok(dep), Ok(level)) = (dep, level)
                    && let Some(t) = trackers.get_mut(&dep)
                {
                    t.level = level;
                    t.since = row.get::<String, _>(2).parse().ok();
                }
            }
            *guard = Some(trackers);
        }
        Ok(f(guard.as_mut().ok_or_else(|| Error::Inconsistent("trackers".into()))?))
    }

    /// Takes one probe's outcome for `dependency` (at the store clock's now). A change of level
    /// is kept (with the acquirer's or Swish's reachability for the payment rules, when it goes
    /// into or out of red, in the same transaction), added to an open incident's timeline, and
    /// may change the store mode. The in-memory level moves only once the change is on disk,
    /// so a change that could not be kept is seen again at the next probe. Returns the change.
    pub async fn observe(&self, dependency: Dependency, outcome: Outcome) -> Result<Option<Transition>> {
        let settings = self.settings().await?;
        self.with_trackers(|_| ()).await?;
        let mut trackers = self.monitor().trackers.lock().await;
        let Some(all) = trackers.as_mut() else { return Ok(None) };
        let now = self.sk.clock().now();
        let mut tracker = all.get(&dependency).cloned().unwrap_or_else(|| Tracker::new(dependency));
        let Some(transition) = tracker.observe(&outcome, now, &settings.probe) else {
            all.insert(dependency, tracker);
            return Ok(None);
        };
        let mut after = all.clone();
        after.insert(dependency, tracker);
        let text = transition_text(dependency, transition.to, transition.detail.as_deref());
        let mut tx = self.sk.db().begin_write().await?;
        record_in(&mut tx, &now, &transition).await?;
        crate::incidents::add_auto_in(&mut tx, false, &now, &text).await?;
        // Only crossing into or out of red changes what the payment rules hear.
        let crossed = (transition.from == Level::Red) != (transition.to == Level::Red);
        let links = crossed && links_in(&mut tx, &[(dependency, transition.to != Level::Red)]).await?;
        tx.commit().await?;
        *all = after;
        drop(trackers);
        tracing::info!(?dependency, from = ?transition.from, to = ?transition.to, "dependency health changed");
        if links {
            self.sk.payments().health_changed().await?;
        }
        self.reconcile().await?;
        self.changed();
        Ok(Some(transition))
    }

    /// A dependency no longer monitored is no longer down: its level goes back to green (kept,
    /// so reports do not call it down for ever) and the payment rules hear it.
    async fn forget_unmonitored(&self, settings: &HealthSettings) -> Result<()> {
        self.with_trackers(|_| ()).await?;
        let mut trackers = self.monitor().trackers.lock().await;
        let Some(all) = trackers.as_mut() else { return Ok(()) };
        let now = self.sk.clock().now();
        let mut after = all.clone();
        let mut changes = Vec::new();
        for (dependency, tracker) in after.iter_mut() {
            if settings.target(*dependency) == &ProbeTarget::Off && tracker.level != Level::Green {
                changes.push(Transition {
                    dependency: *dependency,
                    from: tracker.level,
                    to: Level::Green,
                    at: now,
                    detail: Some("no longer monitored".into()),
                });
                *tracker = Tracker::new(*dependency);
                tracker.since = Some(now);
            }
        }
        let mut tx = self.sk.db().begin_write().await?;
        for t in &changes {
            record_in(&mut tx, &now, t).await?;
            let text = transition_text(t.dependency, t.to, t.detail.as_deref());
            crate::incidents::add_auto_in(&mut tx, false, &now, &text).await?;
        }
        let back: Vec<(Dependency, bool)> =
            changes.iter().filter(|t| t.from == Level::Red).map(|t| (t.dependency, true)).collect();
        let links = links_in(&mut tx, &back).await?;
        tx.commit().await?;
        *all = after;
        drop(trackers);
        if links {
            self.sk.payments().health_changed().await?;
        }
        Ok(())
    }

    /// The store mode now: from the monitored dependencies' levels and the island switch.
    pub async fn mode(&self) -> Result<StoreMode> {
        let settings = self.settings().await?;
        let island = self.island().await?.is_some();
        self.mode_with(&settings, island).await
    }

    async fn mode_with(&self, settings: &HealthSettings, island: bool) -> Result<StoreMode> {
        self.with_trackers(|t| {
            store_mode(t.values().filter(|t| settings.target(t.dependency) != &ProbeTarget::Off), island)
        })
        .await
    }

    /// Journals the store mode if it is not what the journal last said, and opens, notes or
    /// closes the incident that goes with it; all in one write transaction that reads the
    /// island switch, the settings and the last mode itself, so two processes never journal the
    /// same change twice or decide on what the other just changed. (Only the levels come from
    /// this process's monitor.)
    pub async fn reconcile(&self) -> Result<()> {
        let _turn = self.monitor().reconcile.lock().await;
        let Some(identity) = self.sk.require_identity().await.ok() else { return Ok(()) };
        // The levels first, then the write lock: `observe` takes them in the same order (the
        // levels, then the write lock), so the two never wait on each other. A level changed
        // after this snapshot reconciles again right after its own change is kept.
        let levels = self.with_trackers(|t| t.clone()).await?;
        let mut tx = self.sk.db().begin_write().await?;
        let island = island_in(&mut *tx).await?;
        let settings = crate::settings::read(&mut *tx, SETTINGS_KEY, HealthSettings::default()).await?;
        let monitored = levels.values().filter(|t| settings.target(t.dependency) != &ProbeTarget::Off);
        let mode = store_mode(monitored, island.is_some());
        let (last, _) = last_mode(&mut *tx).await?;
        if last == mode {
            return Ok(());
        }
        let now = self.sk.clock().now();
        let note = match &mode {
            StoreMode::Island { .. } => island.map(|i| i.reason),
            _ => None,
        };
        let entry = ModeEntry { from: last.clone(), to: mode.clone(), practice: false, note };
        entry.journal_in(&mut tx, &identity.register_id, &now).await?;
        crate::incidents::on_mode_change_in(&mut tx, &last, &mode, &now).await?;
        tx.commit().await?;
        tracing::info!(?last, ?mode, "store mode changed");
        self.changed();
        Ok(())
    }

    pub async fn island(&self) -> Result<Option<IslandState>> {
        island_in(self.sk.db().reader()).await
    }

    /// Island mode on: every inbound remote command, config, catalog and software update is
    /// refused until a manager switches it off. `by` is `None` when the policy does it.
    /// Audited and journaled. Already on: nothing changes.
    pub async fn enter_island(&self, by: Option<&Actor>, reason: &str) -> Result<bool> {
        if let Some(by) = by {
            self.sk.staff().authorize(by, Action::ChangeControls, None, "island mode on").await?;
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        if !self.switch_island(by, true, reason).await? {
            return Ok(false);
        }
        self.reconcile().await?;
        self.changed();
        Ok(true)
    }

    /// Island mode off: a manager, with a reason (audited and journaled).
    pub async fn leave_island(&self, by: &Actor, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "island mode off").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        if !self.switch_island(Some(by), false, reason).await? {
            return Err(Error::Degraded {
                en: "The store is not in island mode".into(),
                sv: "Butiken är inte i ö-läge".into(),
            });
        }
        self.reconcile().await?;
        self.changed();
        Ok(())
    }

    async fn switch_island(&self, by: Option<&Actor>, on: bool, reason: &str) -> Result<bool> {
        let mut tx = self.sk.db().begin_write().await?;
        let now: Option<i64> =
            sqlx::query_scalar("SELECT island FROM island_change ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
        if now.unwrap_or(0) == i64::from(on) {
            return Ok(false);
        }
        let at = self.sk.clock().now();
        sqlx::query("INSERT INTO island_change (at, island, by_id, by_name, reason) VALUES (?, ?, ?, ?, ?)")
            .bind(at.to_string())
            .bind(i64::from(on))
            .bind(by.map(|a| a.id))
            .bind(by.map(|a| a.name.clone()))
            .bind(reason)
            .execute(&mut *tx)
            .await?;
        let action = if on { "island.enter" } else { "island.leave" };
        let mut record = AuditRecord::new(at, by.cloned(), action, "island mode".into(), AuditOutcome::Done);
        record.old_value = Some(if on { "off" } else { "on" }.into());
        record.new_value = Some(if on { "on" } else { "off" }.into());
        record.reason = Some(reason.to_string());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Each dependency's level as the monitor has it (a drill's practice failures aside).
    pub async fn real_levels(&self) -> Result<BTreeMap<Dependency, Level>> {
        self.with_trackers(|trackers| trackers.iter().map(|(d, t)| (*d, t.level)).collect()).await
    }

    /// Each dependency as the board shows it (a drill's simulated failures marked practice).
    pub async fn dependencies(&self) -> Result<Vec<DependencyStatus>> {
        let settings = self.settings().await?;
        let drill = self.sk.incidents().drill().await?;
        let practice: Vec<Dependency> = drill.map(|d| d.drill).unwrap_or_default();
        self.with_trackers(|trackers| {
            Dependency::ALL
                .into_iter()
                .map(|d| {
                    let t = trackers.get(&d).cloned().unwrap_or_else(|| Tracker::new(d));
                    let target = settings.target(d);
                    let monitored = target != &ProbeTarget::Off;
                    let in_drill = practice.contains(&d);
                    let (name_sv, name_en) = label(d);
                    let (impact_sv, impact_en) = d.impact();
                    DependencyStatus {
                        dependency: d,
                        name_sv: name_sv.into(),
                        name_en: name_en.into(),
                        level: if in_drill { Level::Red } else { t.level },
                        since: t.since,
                        monitored,
                        probe: target.describe(),
                        simulated: target == &ProbeTarget::Simulated,
                        last_failure: t.last_failure.clone(),
                        impact_sv: impact_sv.into(),
                        impact_en: impact_en.into(),
                        practice: in_drill,
                    }
                })
                .collect()
        })
        .await
    }

    pub async fn mode_view(&self) -> Result<ModeView> {
        let mode = self.mode().await?;
        let (_, since) = last_mode(self.sk.db().reader()).await?;
        let island = self.island().await?;
        let (mut meaning_sv, mut meaning_en) = (Vec::new(), Vec::new());
        let lost = match &mode {
            StoreMode::Normal => &Vec::new(),
            StoreMode::Degraded { lost } | StoreMode::Island { lost } => lost,
        };
        if island.is_some() {
            meaning_sv.push("Ö-läge: ingen fjärrstyrning tas emot (kommandon, inställningar, sortiment, uppdateringar). Försäljningen fortsätter".into());
            meaning_en.push("Island mode: no remote control is accepted (commands, config, catalog, updates). Selling goes on".into());
        }
        for d in lost {
            let (sv, en) = d.impact();
            meaning_sv.push(format!("{}: {sv}", label(*d).0));
            meaning_en.push(format!("{}: {en}", label(*d).1));
        }
        Ok(ModeView { mode, since, island, meaning_sv, meaning_en })
    }

    /// Registrations waiting for HQ: the outbox (every journal entry until HQ acknowledges it).
    pub async fn hq_queue(&self) -> Result<HqQueue> {
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(j.recorded_at) FROM outbox o JOIN journal j ON j.register_id = o.register_id AND j.seq = o.seq",
        )
        .fetch_one(self.sk.db().reader())
        .await?;
        let sync_configured = self.sk.sync().link().await?.is_some();
        Ok(HqQueue { waiting: row.get(0), oldest: row.get(1), sync_configured })
    }

    /// Changes when anything on the board may have been changed by another process (the
    /// command line): the newest audit record, island switch, envelope, incident event,
    /// health event and journal entry, and what waits for HQ. Cheap enough to read every
    /// couple of seconds.
    pub async fn change_stamp(&self) -> Result<String> {
        let row = sqlx::query(
            "SELECT (SELECT MAX(seq) FROM audit_log), (SELECT MAX(id) FROM island_change),
                    (SELECT MAX(id) FROM remote_envelope), (SELECT MAX(id) FROM incident_event),
                    (SELECT MAX(id) FROM health_event), (SELECT MAX(rowid) FROM journal),
                    (SELECT COUNT(*) FROM outbox)",
        )
        .fetch_one(self.sk.db().reader())
        .await?;
        Ok((0..7)
            .map(|i| row.get::<Option<i64>, _>(i).unwrap_or(0).to_string())
            .collect::<Vec<_>>()
            .join(":"))
    }

    pub async fn board(&self) -> Result<StatusBoard> {
        let settings = self.settings().await?;
        let (payments, hours, incidents, remote) =
            (self.sk.payments(), self.sk.hours(), self.sk.incidents(), self.sk.remote());
        let (mode, dependencies, payments, hours, hq_queue, incident, drill, remote) = tokio::try_join!(
            self.mode_view(),
            self.dependencies(),
            payments.status(),
            hours.status(),
            self.hq_queue(),
            incidents.open_real(),
            incidents.drill(),
            remote.status(),
        )?;
        Ok(StatusBoard {
            mode,
            dependencies,
            payments,
            hours,
            hq_queue,
            incident,
            drill,
            remote,
            detection_ms: settings.probe.worst_detection().as_millis() as i64,
            settings,
        })
    }
}

/// Island mode as in force, read with `db` (a pool, or a transaction's connection).
pub(crate) async fn island_in<'e, E>(db: E) -> Result<Option<IslandState>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let row = sqlx::query("SELECT at, island, by_name, reason FROM island_change ORDER BY id DESC LIMIT 1")
        .fetch_optional(db)
        .await?;
    Ok(row.filter(|r| r.get::<i64, _>(1) == 1).map(|r| IslandState {
        since: r.get::<String, _>(0).parse().unwrap_or_default(),
        by: r.get(2),
        reason: r.get(3),
    }))
}

async fn record_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    now: &Timestamp,
    t: &Transition,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO health_event (at, dependency, from_level, to_level, detail, practice) VALUES (?, ?, ?, ?, ?, 0)",
    )
    .bind(now.to_string())
    .bind(enum_str(&t.dependency))
    .bind(enum_str(&t.from))
    .bind(enum_str(&t.to))
    .bind(&t.detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the acquirer's and/or Swish's reachability for the payment rules (others in
/// `changes` are ignored), inside the caller's transaction: read and written there, so two
/// links changing at once cannot overwrite each other, and only the link that changed is
/// touched (the other keeps what it was, a simulator's setting included). Returns whether
/// anything changed.
async fn links_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    changes: &[(Dependency, bool)],
) -> Result<bool> {
    let old = crate::payments::read_health_in(tx).await?;
    let mut new = old;
    for (dependency, up) in changes {
        match dependency {
            Dependency::CardAcquirer => new.acquirer_reachable = *up,
            Dependency::Swish => new.swish_reachable = *up,
            _ => {}
        }
    }
    if new == old {
        return Ok(false);
    }
    crate::payments::write_health_in(tx, &new).await?;
    Ok(true)
}

/// The mode the journal last recorded (normal if never), and when: the last entry written
/// (rowid order), drills' entries left out.
async fn last_mode<'e, E>(db: E) -> Result<(StoreMode, Option<Timestamp>)>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let row = sqlx::query(
        "SELECT payload, recorded_at FROM journal
         WHERE kind = 'store_mode' AND json_extract(payload, '$.practice') = 0
         ORDER BY rowid DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok((StoreMode::Normal, None)) };
    let entry: ModeEntry = serde_json::from_str(row.get(0))
        .map_err(|e| Error::Inconsistent(format!("a store-mode entry cannot be read: {e}")))?;
    Ok((entry.to, row.get::<String, _>(1).parse().ok()))
}

pub fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A change of level as the incident timeline says it.
pub(crate) fn transition_text(dependency: Dependency, to: Level, detail: Option<&str>) -> String {
    let (sv, en) = label(dependency);
    let detail = detail.map(|d| format!(" ({d})")).unwrap_or_default();
    format!("{sv}: {} / {en}: {}{detail}", level_sv(to), level_en(to))
}

pub fn level_sv(l: Level) -> &'static str {
    match l {
        Level::Green => "grön",
        Level::Amber => "gul (osäker)",
        Level::Red => "röd (nere)",
    }
}

pub fn level_en(l: Level) -> &'static str {
    match l {
        Level::Green => "green",
        Level::Amber => "amber (uncertain)",
        Level::Red => "red (down)",
    }
}

/// Runs the monitor until the task is dropped: a probe task per monitored dependency, restarted
/// whenever the settings change. Started by the app (and by tests); the command line does not
/// probe.
pub async fn run(sk: Storekeep) {
    let health = sk.health();
    loop {
        let settings = match health.settings().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("the health settings cannot be read ({e}); probing nothing");
                HealthSettings { targets: BTreeMap::new(), ..HealthSettings::default() }
            }
        };
        if let Err(e) = health.reconcile().await {
            tracing::warn!("the store mode could not be brought up to date: {e}");
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (dependency, target) in &settings.targets {
            let probe: Arc<dyn Probe> = match target {
                ProbeTarget::Off => continue,
                ProbeTarget::Simulated => health.simulator(*dependency),
                ProbeTarget::Tcp { address } => Arc::new(TcpProbe { address: address.clone() }),
                ProbeTarget::Http { url } => match HttpProbe::new(url) {
                    Ok(p) => Arc::new(p),
                    Err(e) => {
                        tracing::warn!(?dependency, "cannot probe {url}: {e}");
                        continue;
                    }
                },
            };
            tasks.spawn(probe_loop(sk.clone(), *dependency, probe, settings.probe));
        }
        // Restart when the settings change: at once in this process, within two seconds when
        // the command line (another process) changed them.
        loop {
            tokio::select! {
                _ = sk.monitor().settings_changed.notified() => break,
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            }
            match health.settings().await {
                Ok(now) if now != settings => {
                    if let Err(e) = health.forget_unmonitored(&now).await {
                        tracing::warn!(
                            "the health of dependencies no longer monitored could not be reset: {e}"
                        );
                    }
                    break;
                }
                _ => {}
            }
        }
        tasks.abort_all();
    }
}

async fn probe_loop(sk: Storekeep, dependency: Dependency, probe: Arc<dyn Probe>, settings: ProbeSettings) {
    let mut ticker = tokio::time::interval(Duration::from_millis(settings.interval_ms));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timeout = Duration::from_millis(settings.timeout_ms);
    let monitor = sk.monitor();
    loop {
        ticker.tick().await;
        let outcome = {
            let _counted = InFlight::new(&monitor.in_flight);
            tokio::time::timeout(timeout, probe.check()).await.unwrap_or(Outcome::Timeout)
        };
        if let Err(e) = sk.health().observe(dependency, outcome).await {
            tracing::warn!(?dependency, "a probe's outcome could not be recorded: {e}");
        }
    }
}

/// Counts a probe under way for as long as it lives (a probe task stopped mid-probe included).
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
