//! Opening hours in the store: the standing hours, temporary changes and overrides (managers,
//! with a reason, audited), what they add up to now, whether a sale may start, and the files
//! that tell customers (`public/hours.json`, `public/door-sign.html`, `public/door-sign.pdf`
//! in the data folder), rewritten the moment anything changes.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::door_sign::{FeedStore, HoursFeed, Notice, sign_html, sign_pdf};
use storekeep_domain::hours::{ChangeRule, DayPlan, Ended, HoursChange, HoursStatus, OpeningHours, Schedule};
use storekeep_domain::staff::{Action, StaffRef};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

const HOURS_KEY: &str = "opening_hours";
const NOTICE_KEY: &str = "customer_notice";
const FEED_HTTP_KEY: &str = "hours_feed_http";

/// The folder inside the data folder where the customer files are written.
pub const PUBLIC_DIR: &str = "public";
pub const FEED_FILE: &str = "hours.json";
pub const SIGN_HTML_FILE: &str = "door-sign.html";
pub const SIGN_PDF_FILE: &str = "door-sign.pdf";

/// The opt-in HTTP endpoint for the feed: off by default; loopback unless the manager opens it
/// to the LAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedHttp {
    pub enabled: bool,
    /// `127.0.0.1:8787`, or e.g. `0.0.0.0:8787` for the store's LAN.
    pub bind: String,
}

impl Default for FeedHttp {
    fn default() -> FeedHttp {
        FeedHttp { enabled: false, bind: "127.0.0.1:8787".into() }
    }
}

/// Everything the hours view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursView {
    pub status: HoursStatus,
    /// Today and the six days after, every rule applied.
    pub week: Vec<DayPlan>,
    /// A manager has set the hours; until then the store counts as open around the clock.
    pub configured: bool,
    pub standing: OpeningHours,
    /// The same as the editor shows it.
    pub form: storekeep_domain::hours::OpeningHoursForm,
    /// Changes in force now or ahead, oldest first.
    pub changes: Vec<HoursChange>,
    pub notice: Notice,
    pub feed_http: FeedHttp,
    /// Where the endpoint listens now (`None`: it does not).
    pub feed_listening: Option<String>,
    /// The special days by their next date, for the editor.
    pub calendar: Vec<storekeep_domain::hours::SpecialDayDate>,
    /// Where the feed and the door sign are written.
    pub public_dir: String,
    /// Why the last write of those files failed, if it did.
    pub publish_problem: Option<String>,
}

#[derive(Debug)]
pub struct Hours<'a> {
    sk: &'a Storekeep,
}

fn json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

fn staff_ref(a: &Actor) -> StaffRef {
    StaffRef { id: a.id, name: a.name.clone() }
}

impl<'a> Hours<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Hours { sk }
    }

    async fn setting<T: serde::de::DeserializeOwned + Default>(&self, key: &str) -> Result<T> {
        crate::settings::read(self.sk.db().reader(), key, T::default()).await
    }

    /// Writes a setting and its audit record in one transaction, then publishes.
    async fn put_setting(&self, by: &Actor, key: &str, old: String, new: String, reason: &str) -> Result<()> {
        let shown = crate::settings::Shown { old, new: new.clone() };
        crate::settings::write_audited(self.sk, by, key, &new, shown, reason).await?;
        self.changed().await;
        Ok(())
    }

    async fn manager(&self, by: &Actor, what: &str, reason: &str) -> Result<String> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, what).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        Ok(reason.to_string())
    }

    /// The week, the special days and the grace after closing (the defaults until a manager
    /// sets them).
    pub async fn standing(&self) -> Result<OpeningHours> {
        self.setting(HOURS_KEY).await
    }

    pub async fn set_standing(&self, by: &Actor, hours: &OpeningHours, reason: &str) -> Result<()> {
        let reason = self.manager(by, "opening hours", reason).await?;
        hours.validate()?;
        let old = self.standing().await?;
        self.put_setting(by, HOURS_KEY, json(&old)?, json(hours)?, &reason).await
    }

    /// What customers are told on the door sign and in the feed.
    pub async fn notice(&self) -> Result<Notice> {
        self.setting(NOTICE_KEY).await
    }

    pub async fn set_notice(&self, by: &Actor, notice: &Notice, reason: &str) -> Result<()> {
        let reason = self.manager(by, "customer notice", reason).await?;
        let notice = Notice { sv: notice.sv.trim().to_string(), en: notice.en.trim().to_string() };
        if notice.sv.is_empty() != notice.en.is_empty() {
            return Err(Error::NoticeNeedsBothLanguages);
        }
        let longest = notice.sv.chars().count().max(notice.en.chars().count());
        if longest > 300 {
            return Err(Error::NoticeTooLong(longest));
        }
        let old = self.notice().await?;
        self.put_setting(by, NOTICE_KEY, json(&old)?, json(&notice)?, &reason).await
    }

    pub async fn feed_http(&self) -> Result<FeedHttp> {
        self.setting(FEED_HTTP_KEY).await
    }

    /// Switches the endpoint on, off or to another address: it is made to listen first, and
    /// the setting is saved (audited) only once it does, so the setting never claims an
    /// endpoint that is not there.
    pub async fn set_feed_http(&self, by: &Actor, feed: &FeedHttp, reason: &str) -> Result<()> {
        let reason = self.manager(by, "opening-hours endpoint", reason).await?;
        let bind = feed.bind.trim();
        if bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(Error::BadBindAddress(bind.to_string()));
        }
        let feed = FeedHttp { enabled: feed.enabled, bind: bind.to_string() };
        let old = self.feed_http().await?;
        let endpoint = self.sk.feed_endpoint();
        if let Err(e) = endpoint.apply(self.sk, &feed).await {
            // Back to what the setting says (it may have been stopped to free the port).
            if let Err(again) = endpoint.apply(self.sk, &old).await {
                tracing::warn!("the opening-hours endpoint could not be restored: {again}");
            }
            return Err(e);
        }
        if let Err(e) = self.put_setting(by, FEED_HTTP_KEY, json(&old)?, json(&feed)?, &reason).await {
            if let Err(again) = endpoint.apply(self.sk, &old).await {
                tracing::warn!("the opening-hours endpoint could not be restored: {again}");
            }
            return Err(e);
        }
        Ok(())
    }

    /// The standing hours (and whether a manager set them) and the changes that can shape the
    /// hours from two days ago on (ended ones too, for "since"), in one read: the till asks at
    /// the start of every sale, and each round trip to SQLite costs more than the arithmetic.
    async fn load(&self) -> Result<(OpeningHours, bool, Vec<HoursChange>)> {
        // The timeline starts at yesterday's midnight: 72 hours back covers it, 25-hour days too.
        let horizon = (self.sk.clock().now() - SignedDuration::from_hours(72)).to_string();
        let rows = sqlx::query(
            "SELECT id, rule, reason, made_by, made_by_name, made_at, ended_at, ended_by, ended_by_name, end_reason,
                    1 AS is_change
             FROM hours_change
             WHERE (applies_until IS NULL OR applies_until > ?1) AND (ended_at IS NULL OR ended_at > ?1)
             UNION ALL
             SELECT 0, value, '', 0, '', '', NULL, NULL, NULL, NULL, 0 FROM setting WHERE key = ?2
             ORDER BY is_change, id",
        )
        .bind(&horizon)
        .bind(HOURS_KEY)
        .fetch_all(self.sk.db().reader())
        .await?;
        let mut standing = None;
        let mut changes = Vec::with_capacity(rows.len());
        for r in &rows {
            if r.get::<i64, _>(10) == 0 {
                standing = Some(serde_json::from_str(r.get::<&str, _>(1)).map_err(|e| {
                    Error::Inconsistent(format!("the setting {HOURS_KEY} cannot be read: {e}"))
                })?);
            } else {
                changes.push(change_from_row(r)?);
            }
        }
        let configured = standing.is_some();
        Ok((standing.unwrap_or_default(), configured, changes))
    }

    /// Adds a temporary change or an override (managers, with a reason; audited).
    pub async fn add_change(&self, by: &Actor, rule: &ChangeRule, reason: &str) -> Result<HoursChange> {
        let reason = self.manager(by, "change the opening hours", reason).await?;
        let now = self.sk.clock().now();
        let tz = self.sk.time_zone();
        rule.validate(now, tz)?;
        let (kind, applies_until) = match rule {
            ChangeRule::Temporary { ends, .. } => (
                "temporary",
                ends.map(|e| storekeep_domain::hours::instant(tz, e, storekeep_domain::hours::END_OF_DAY)),
            ),
            ChangeRule::Override { until, .. } => ("override", *until),
        };
        let rule_json = json(rule)?;
        let mut tx = self.sk.db().begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO hours_change (kind, rule, reason, applies_until, made_by, made_by_name, made_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(kind)
        .bind(&rule_json)
        .bind(&reason)
        .bind(applies_until.map(|t| t.to_string()))
        .bind(by.id)
        .bind(&by.name)
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let mut record = AuditRecord::new(
            now,
            Some(by.clone()),
            &format!("hours.{kind}"),
            format!("hours change {id}"),
            Outcome::Done,
        );
        record.new_value = Some(rule_json);
        record.reason = Some(reason.clone());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        self.changed().await;
        Ok(HoursChange { id, rule: rule.clone(), reason, made_by: staff_ref(by), made_at: now, ended: None })
    }

    /// Ends a change early (managers, with a reason; audited). The row stays.
    pub async fn end_change(&self, by: &Actor, id: i64, reason: &str) -> Result<HoursChange> {
        let reason = self.manager(by, "end an opening-hours change", reason).await?;
        let now = self.sk.clock().now();
        let mut tx = self.sk.db().begin_write().await?;
        let done = sqlx::query(
            "UPDATE hours_change SET ended_at = ?, ended_by = ?, ended_by_name = ?, end_reason = ?
             WHERE id = ? AND ended_at IS NULL RETURNING rule",
        )
        .bind(now.to_string())
        .bind(by.id)
        .bind(&by.name)
        .bind(&reason)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if done.is_none() {
            return Err(Error::HoursChangeNotFound(id));
        }
        let mut record =
            AuditRecord::new(now, Some(by.clone()), "hours.end", format!("hours change {id}"), Outcome::Done);
        record.old_value = Some("in force".into());
        record.new_value = Some("ended".into());
        record.reason = Some(reason.clone());
        crate::audit::append_in(&mut tx, &record).await?;
        let row = sqlx::query(
            "SELECT id, rule, reason, made_by, made_by_name, made_at, ended_at, ended_by, ended_by_name, end_reason
             FROM hours_change WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.changed().await;
        change_from_row(&row)
    }

    /// The state at `at` with everything in force.
    pub async fn status_at(&self, at: Timestamp) -> Result<HoursStatus> {
        let (standing, _, changes) = self.load().await?;
        Ok(Schedule::new(&standing, &changes, self.sk.time_zone()).status(at))
    }

    pub async fn status(&self) -> Result<HoursStatus> {
        self.status_at(self.sk.clock().now()).await
    }

    /// The state and the week, for the live view.
    pub async fn view(&self) -> Result<HoursView> {
        let now = self.sk.clock().now();
        let tz = self.sk.time_zone();
        let (standing, configured, changes) = self.load().await?;
        let schedule = Schedule::new(&standing, &changes, tz);
        let today = now.to_zoned_datetime(tz.clone()).date();
        Ok(HoursView {
            status: schedule.status(now),
            week: schedule.days(today, 7),
            changes: changes.iter().filter(|c| c.in_force_or_ahead(now, tz)).cloned().collect(),
            calendar: storekeep_domain::hours::coming_special_days(today),
            configured,
            form: storekeep_domain::hours::OpeningHoursForm::from_hours(&standing),
            standing,
            notice: self.notice().await?,
            feed_http: self.feed_http().await?,
            feed_listening: self.sk.feed_endpoint().listening().await.map(|a| a.to_string()),
            public_dir: self.public_dir().display().to_string(),
            publish_problem: self.sk.publish_problem(),
        })
    }

    /// The feed as customers get it: now, and the coming week.
    pub async fn feed(&self) -> Result<HoursFeed> {
        let view = self.view().await?;
        let identity = self.sk.identity().await?.map(|(i, _)| i);
        let store = FeedStore {
            name: identity.as_ref().map(|i| i.company_name.clone()).unwrap_or_default(),
            address: identity.map(|i| i.address).unwrap_or_default(),
        };
        Ok(HoursFeed::new(store, self.sk.time_zone(), &view.status, &view.week, Some(&view.notice)))
    }

    pub fn public_dir(&self) -> PathBuf {
        self.sk.data_dir().join(PUBLIC_DIR)
    }

    /// Rewrites the feed and the door sign (each file replaced whole, never half-written).
    pub async fn publish(&self) -> Result<HoursFeed> {
        let _one_at_a_time = self.sk.publish_lock().lock().await;
        let feed = self.feed().await?;
        let dir = self.public_dir();
        let files = vec![
            (FEED_FILE, serde_json::to_vec_pretty(&feed).map_err(|e| Error::Storage(e.to_string()))?),
            (SIGN_HTML_FILE, sign_html(&feed).into_bytes()),
            (SIGN_PDF_FILE, sign_pdf(&feed)),
        ];
        let result = write_public(&dir, files).await;
        self.sk.set_publish_problem(result.as_ref().err().map(|e| e.to_string()));
        result?;
        Ok(feed)
    }

    /// After any change: the files are rewritten now, and whoever watches (the app) is woken.
    async fn changed(&self) {
        if let Err(e) = self.publish().await {
            tracing::warn!("the opening-hours files could not be written: {e}");
        }
        self.sk.hours_signal().notify_one();
        self.sk.health().changed();
    }

    /// Whether a sale may start now without approval: `None` if open or within the grace
    /// after closing, else the state that needs a manager.
    pub async fn closed_for_sale(&self) -> Result<Option<HoursStatus>> {
        let status = self.status().await?;
        Ok((!status.open && !status.in_grace).then_some(status))
    }
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes each file whole (a temporary file, then a rename) into the customer folder.
pub(crate) async fn write_public(dir: &Path, files: Vec<(&str, Vec<u8>)>) -> Result<()> {
    let io = |e: std::io::Error| Error::Storage(format!("{}: {e}", dir.display()));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    for (name, bytes) in files {
        // Named for this process and this write: two writers never share a half-written file.
        let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        tokio::fs::write(&tmp, &bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, dir.join(name)).await.map_err(io)?;
    }
    Ok(())
}

fn change_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<HoursChange> {
    let bad =
        |what: &str| Error::Inconsistent(format!("opening-hours change {}: bad {what}", r.get::<i64, _>(0)));
    let ts = |s: &str| s.parse::<Timestamp>().map_err(|_| bad("time"));
    let ended = match r.get::<Option<String>, _>(6) {
        None => None,
        Some(at) => Some(Ended {
            at: ts(&at)?,
            by: StaffRef {
                id: r.get::<Option<i64>, _>(7).unwrap_or(0),
                name: r.get::<Option<String>, _>(8).unwrap_or_default(),
            },
            reason: r.get::<Option<String>, _>(9).unwrap_or_default(),
        }),
    };
    Ok(HoursChange {
        id: r.get(0),
        rule: serde_json::from_str(r.get::<&str, _>(1)).map_err(|_| bad("rule"))?,
        reason: r.get(2),
        made_by: StaffRef { id: r.get(3), name: r.get(4) },
        made_at: ts(r.get::<&str, _>(5))?,
        ended,
    })
}
