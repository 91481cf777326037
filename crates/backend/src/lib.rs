//! Storekeep's backend: everything that keeps a store selling, with no window attached.
//!
//! [`Storekeep`] is the one facade the desktop app and the command line share: a cheap clone
//! holding the database, the clock and the store's time zone. Sub-services are reached from it
//! (`sk.catalog()`, `sk.sales()`, `sk.journal()`); the sale in progress lives in a [`Till`].

pub mod audit;
pub mod backup;
pub mod catalog;
pub mod clock;
pub mod control;
pub mod db;
pub mod demo;
pub mod devices;
pub mod error;
pub mod feed_server;
pub mod health;
pub mod hours;
pub mod incidents;
pub mod journal;
pub mod paths;
pub mod payments;
pub mod printer;
pub mod remote;
pub mod reports;
pub mod sales;
pub mod scan_and_pay;
pub mod settings;
pub mod shifts;
pub mod staff;
pub mod swedish;
pub mod sync;
pub mod till;
pub mod vouchers;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::store::StoreIdentity;
use ts_rs::TS;

pub use clock::{Clock, FixedClock, SystemClock};
pub use db::Db;
pub use error::{ApiError, Error, ErrorCode, Result};
pub use till::Till;

/// Swedish stores keep Swedish time; receipts and business days follow it.
pub const STORE_TIME_ZONE: &str = "Europe/Stockholm";

#[derive(Debug, Clone)]
pub struct Storekeep {
    db: Db,
    clock: Arc<dyn Clock>,
    tz: TimeZone,
    pepper: Arc<staff::Pepper>,
    search: Arc<catalog::SearchCache>,
    vat: Arc<std::sync::OnceLock<Arc<storekeep_domain::vat::VatTable>>>,
    /// The data folder (the database, the pepper, the customer files in `public/`).
    dir: std::path::PathBuf,
    /// Woken whenever the opening hours change.
    hours_signal: Arc<tokio::sync::Notify>,
    /// Why the customer files could not be written last time, if they could not.
    publish_problem: Arc<std::sync::Mutex<Option<String>>>,
    /// One publisher at a time in this process (another process writes under its own names).
    publish_lock: Arc<tokio::sync::Mutex<()>>,
    /// The opt-in HTTP endpoint for the opening-hours feed.
    feed: Arc<feed_server::FeedEndpoint>,
    /// Woken whenever a payment method's state, the caps, the rules or the health change.
    payments_signal: Arc<tokio::sync::Notify>,
    /// The dependency monitor's state (trackers, simulators, the status signal).
    monitor: Arc<health::Monitor>,
    /// Woken when a backup is wanted now (a Z report was taken); the reason waits beside it.
    backup_signal: Arc<tokio::sync::Notify>,
    backup_reason: Arc<std::sync::Mutex<Option<String>>>,
}

/// What the app shows before anything else: who the store is, and whether this is the demo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoreStatus {
    pub identity: Option<StoreIdentity>,
    pub demo: bool,
    /// A few codes to type in the demo (empty outside demo mode).
    pub demo_items: Vec<demo::DemoItem>,
    /// Active staff, for the lock screen.
    pub staff: Vec<staff::StaffMember>,
    /// Nobody exists yet: the first run asks for the first manager.
    pub needs_first_manager: bool,
    /// The demo staff and their PINs; empty outside demo mode.
    pub demo_staff: Vec<demo::DemoStaff>,
    /// Who is logged in on this till ([`Till::status`] fills it in).
    pub session: Option<till::SessionInfo>,
    /// The card terminal, Swish, scale and drawer are simulators (the UI says so).
    pub simulated_devices: bool,
}

/// What the customer display shows: only what is public anyway (the published files say the
/// same), so its window needs no one logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerView {
    pub store_name: String,
    pub acceptance: storekeep_domain::payments::Acceptance,
    pub hours: storekeep_domain::hours::HoursStatus,
    pub notice: storekeep_domain::door_sign::Notice,
}

#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    pub busy_timeout: Duration,
    /// Check the tail of the journal's chain at open (and refuse a damaged store). Off only for
    /// the tools that examine a damaged store (`journal verify` and `export` report where it
    /// breaks); never for selling.
    pub check_journal_tail: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { busy_timeout: db::DEFAULT_BUSY_TIMEOUT, check_journal_tail: true }
    }
}

impl Storekeep {
    /// Opens the store database at `path`, checking and migrating it.
    pub async fn open(path: &Path, options: OpenOptions, clock: Arc<dyn Clock>) -> Result<Storekeep> {
        let db = Db::open(path, options.busy_timeout, options.check_journal_tail).await?;
        let tz = TimeZone::get(STORE_TIME_ZONE).map_err(|e| Error::Storage(e.to_string()))?;
        // The PIN pepper lives beside the database, never in it (created on first open).
        let dir = path.parent().unwrap_or(Path::new("."));
        let pepper = Arc::new(staff::Pepper::load_or_create(dir)?);
        Ok(Storekeep {
            db,
            clock,
            tz,
            pepper,
            search: Default::default(),
            vat: Default::default(),
            dir: dir.to_path_buf(),
            hours_signal: Default::default(),
            publish_problem: Default::default(),
            publish_lock: Default::default(),
            feed: Default::default(),
            payments_signal: Default::default(),
            monitor: Default::default(),
            backup_signal: Default::default(),
            backup_reason: Default::default(),
        })
    }

    pub(crate) fn vat_cache(&self) -> &std::sync::OnceLock<Arc<storekeep_domain::vat::VatTable>> {
        &self.vat
    }

    pub(crate) fn search_cache(&self) -> &catalog::SearchCache {
        &self.search
    }

    pub(crate) fn pepper(&self) -> &staff::Pepper {
        &self.pepper
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// Notified (one permit) whenever the opening hours, the notice or the feed setting change.
    pub fn hours_signal(&self) -> &tokio::sync::Notify {
        &self.hours_signal
    }

    /// The opening-hours endpoint (started by the app from its setting).
    pub fn feed_endpoint(&self) -> &feed_server::FeedEndpoint {
        &self.feed
    }

    pub(crate) fn publish_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.publish_lock
    }

    pub(crate) fn publish_problem(&self) -> Option<String> {
        self.publish_problem.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn set_publish_problem(&self, problem: Option<String>) {
        *self.publish_problem.lock().unwrap_or_else(|p| p.into_inner()) = problem;
    }

    /// Notified (one permit) whenever what the till takes may have changed.
    pub fn payments_signal(&self) -> &tokio::sync::Notify {
        &self.payments_signal
    }

    pub fn payments(&self) -> payments::Payments<'_> {
        payments::Payments::new(self)
    }

    /// Backups: configuration, making one, the log (docs/backup-restore.md).
    pub fn backups(&self) -> backup::Backups<'_> {
        backup::Backups::new(self)
    }

    /// Notified when a backup is wanted now; [`backup::run`] waits on it.
    pub fn backup_signal(&self) -> &tokio::sync::Notify {
        &self.backup_signal
    }

    /// Asks the backup worker for a backup now, for `reason` (e.g. "Z report 12").
    pub fn want_backup(&self, reason: String) {
        *self.backup_reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
        self.backup_signal.notify_one();
    }

    pub(crate) fn take_backup_reason(&self) -> Option<String> {
        self.backup_reason.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    pub(crate) fn monitor(&self) -> &health::Monitor {
        &self.monitor
    }

    pub fn health(&self) -> health::Health<'_> {
        health::Health::new(self)
    }

    pub fn incidents(&self) -> incidents::Incidents<'_> {
        incidents::Incidents::new(self)
    }

    pub fn sync(&self) -> sync::Sync<'_> {
        sync::Sync::new(self)
    }

    pub fn remote(&self) -> remote::Remote<'_> {
        remote::Remote::new(self)
    }

    pub fn scan_and_pay(&self) -> scan_and_pay::ScanAndPay<'_> {
        scan_and_pay::ScanAndPay::new(self)
    }

    pub fn hours(&self) -> hours::Hours<'_> {
        hours::Hours::new(self)
    }

    pub fn staff(&self) -> staff::Staff<'_> {
        staff::Staff::new(self)
    }

    pub fn audit(&self) -> audit::Audit<'_> {
        audit::Audit::new(self)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    pub fn catalog(&self) -> catalog::Catalog<'_> {
        catalog::Catalog::new(self)
    }

    pub fn sales(&self) -> sales::Sales<'_> {
        sales::Sales::new(self)
    }

    pub fn settings(&self) -> settings::Settings<'_> {
        settings::Settings::new(self)
    }

    pub fn journal(&self) -> journal::Journal<'_> {
        journal::Journal::new(self)
    }

    pub fn reports(&self) -> reports::Reports<'_> {
        reports::Reports::new(self)
    }

    pub fn shifts(&self) -> shifts::Shifts<'_> {
        shifts::Shifts::new(self)
    }

    /// The store's identity and whether it is the demo store; `None` before `init`.
    pub async fn identity(&self) -> Result<Option<(StoreIdentity, bool)>> {
        let row = sqlx::query(
            "SELECT company_name, org_number, address, register_id, demo FROM store WHERE id = 1",
        )
        .fetch_optional(self.db.reader())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let identity = StoreIdentity::new(
            row.get::<&str, _>(0),
            row.get::<&str, _>(1),
            row.get::<&str, _>(2),
            row.get::<&str, _>(3),
        )?;
        Ok(Some((identity, row.get::<i64, _>(4) == 1)))
    }

    pub async fn require_identity(&self) -> Result<StoreIdentity> {
        self.identity().await?.map(|(i, _)| i).ok_or(Error::NotInitialized)
    }

    /// Sets the store up once. The identity is on every receipt, so it is never replaced.
    pub async fn init(&self, identity: &StoreIdentity, demo: bool) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM store").fetch_optional(&mut *tx).await?;
        if exists.is_some() {
            return Err(Error::AlreadyInitialized);
        }
        sqlx::query(
            "INSERT INTO store (id, company_name, org_number, address, register_id, demo, created_at)
             VALUES (1, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&identity.company_name)
        .bind(identity.org_number.as_str())
        .bind(&identity.address)
        .bind(&identity.register_id)
        .bind(i64::from(demo))
        .bind(self.clock.now().to_string())
        .execute(&mut *tx)
        .await?;
        if demo {
            demo::seed_catalog_in(&mut tx, &self.clock.now().to_string()).await?;
        }
        tx.commit().await?;
        if demo {
            demo::seed_staff(self).await?;
            // The demo's dependencies are all simulators (the dashboard says so).
            self.health().seed_settings(&health::HealthSettings::simulated()).await?;
        }
        if let Err(e) = self.hours().publish().await {
            tracing::warn!("the opening-hours files could not be written: {e}");
        }
        if let Err(e) = self.payments().publish().await {
            tracing::warn!("the payment sign could not be written: {e}");
        }
        Ok(())
    }

    pub async fn customer_view(&self) -> Result<CustomerView> {
        let (payments, opening) = (self.payments(), self.hours());
        let (in_force, hours, notice, identity) =
            tokio::try_join!(payments.in_force(), opening.status(), opening.notice(), self.identity())?;
        Ok(CustomerView {
            store_name: identity.map(|(i, _)| i.company_name).unwrap_or_default(),
            acceptance: in_force.acceptance(),
            hours,
            notice,
        })
    }

    pub async fn status(&self) -> Result<StoreStatus> {
        let (identity, demo) = match self.identity().await? {
            Some((i, d)) => (Some(i), d),
            None => (None, false),
        };
        let demo_items = if demo { demo::demo_items(self).await? } else { Vec::new() };
        let all = self.staff().list().await?;
        let needs_first_manager = identity.is_some() && all.is_empty();
        let demo_staff = if demo { demo::demo_staff() } else { Vec::new() };
        let staff = all.into_iter().filter(|m| m.active).collect();
        Ok(StoreStatus {
            identity,
            demo,
            demo_items,
            staff,
            needs_first_manager,
            demo_staff,
            session: None,
            simulated_devices: false,
        })
    }
}
