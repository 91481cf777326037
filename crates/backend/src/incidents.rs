//! Incidents (issue 8): a store-mode change opens one; its timeline gathers the automatic
//! events (dependencies going down and coming back, mode changes), the manager's notes and
//! decisions, and every audited action taken meanwhile (payment switches, hours, island). The
//! report at the end shows what was down and for how long, the sales by payment method during
//! it, the offline card exposure, and what remains to reconcile.
//!
//! A drill is a practice incident: chosen dependencies are shown red on the board, marked
//! practice everywhere (board, timeline, report, journal), while the real monitor, the payment
//! rules and the till carry on as they are.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::health::{Dependency, StoreMode};
use storekeep_domain::staff::Action;
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::Actor;
use crate::error::{Error, Result};
use crate::health::{ModeEntry, label};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentSummary {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "string")]
    pub opened_at: Timestamp,
    #[ts(type = "string | null")]
    pub closed_at: Option<Timestamp>,
    pub practice: bool,
    /// What opened it, in words (Swedish / English).
    pub cause: String,
    /// A drill's simulated failures.
    pub drill: Vec<Dependency>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    /// Written by the system (a dependency, the mode).
    Auto,
    Note,
    Decision,
    /// An audited action taken during the incident (a payment switch, island, hours...).
    Action,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    #[ts(type = "string")]
    pub at: Timestamp,
    pub kind: TimelineKind,
    /// Who (none: the system).
    pub by: Option<String>,
    pub text: String,
}

/// A dependency down (red) during the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Downtime {
    pub dependency: Dependency,
    pub name_sv: String,
    pub name_en: String,
    #[ts(type = "string")]
    pub from: Timestamp,
    /// `None`: still down.
    #[ts(type = "string | null")]
    pub until: Option<Timestamp>,
    #[ts(type = "number")]
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MethodSales {
    /// `cash`, `card`, `swish`, `voucher`, `scan_and_pay`.
    pub method: String,
    pub label_sv: String,
    pub label_en: String,
    #[ts(type = "number")]
    pub count: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OfflineDuring {
    #[ts(type = "number")]
    pub count: i64,
    pub amount: Money,
    /// Of those, not yet forwarded now.
    #[ts(type = "number")]
    pub pending: i64,
    pub pending_amount: Money,
    /// Of those, declined by the acquirer afterwards.
    #[ts(type = "number")]
    pub declined: i64,
    pub declined_amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentReport {
    pub incident: IncidentSummary,
    /// From opening to closing (or to now, while open).
    #[ts(type = "number")]
    pub minutes: i64,
    pub down: Vec<Downtime>,
    pub timeline: Vec<TimelineEntry>,
    /// What each payment method took on the sales receipts (a split sale counts under each
    /// method it used), and the Scan & Pay purchases.
    pub sales: Vec<MethodSales>,
    /// Sales receipts and Scan & Pay purchases.
    #[ts(type = "number")]
    pub receipts: i64,
    /// The rows of `sales` added up.
    pub sales_total: Money,
    /// Return receipts during it, and what they refunded (not in the sales above).
    #[ts(type = "number")]
    pub returns: i64,
    pub returns_amount: Money,
    pub offline: OfflineDuring,
    /// What is left to put right, one line each (empty: nothing).
    pub to_reconcile_sv: Vec<String>,
    pub to_reconcile_en: Vec<String>,
}

fn describe(mode: &StoreMode) -> String {
    let names = |lost: &[Dependency], sv: bool| {
        lost.iter().map(|d| if sv { label(*d).0 } else { label(*d).1 }).collect::<Vec<_>>().join(", ")
    };
    match mode {
        StoreMode::Normal => "Normalläge / Normal mode".into(),
        StoreMode::Degraded { lost } => {
            format!("Nödläge, nere: {} / Degraded, down: {}", names(lost, true), names(lost, false))
        }
        StoreMode::Island { lost } if lost.is_empty() => "Ö-läge / Island mode".into(),
        StoreMode::Island { lost } => {
            format!("Ö-läge, nere: {} / Island mode, down: {}", names(lost, true), names(lost, false))
        }
    }
}

async fn open_id(tx: &mut Transaction<'static, Sqlite>, practice: bool) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM incident WHERE closed_at IS NULL AND practice = ?")
        .bind(i64::from(practice))
        .fetch_optional(&mut **tx)
        .await?)
}

async fn event_in(
    tx: &mut Transaction<'static, Sqlite>,
    incident: i64,
    at: &Timestamp,
    kind: TimelineKind,
    by: Option<&Actor>,
    text: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO incident_event (incident_id, at, kind, by_id, by_name, text) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(incident)
    .bind(at.to_string())
    .bind(crate::health::enum_str(&kind))
    .bind(by.map(|a| a.id))
    .bind(by.map(|a| a.name.clone()))
    .bind(text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds an automatic event to the open incident (real or practice), if there is one.
pub(crate) async fn add_auto_in(
    tx: &mut Transaction<'static, Sqlite>,
    practice: bool,
    at: &Timestamp,
    text: &str,
) -> Result<()> {
    if let Some(id) = open_id(tx, practice).await? {
        event_in(tx, id, at, TimelineKind::Auto, None, text).await?;
    }
    Ok(())
}

/// The store mode changed: leaving normal opens an incident, coming back closes it, and a
/// change between the two is noted on it.
pub(crate) async fn on_mode_change_in(
    tx: &mut Transaction<'static, Sqlite>,
    from: &StoreMode,
    to: &StoreMode,
    at: &Timestamp,
) -> Result<()> {
    let text = format!("Läget ändrades till / Mode changed to: {}", describe(to));
    let open = open_id(tx, false).await?;
    match (open, to) {
        (Some(id), StoreMode::Normal) => {
            event_in(tx, id, at, TimelineKind::Auto, None, &text).await?;
            sqlx::query("UPDATE incident SET closed_at = ? WHERE id = ?")
                .bind(at.to_string())
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        (None, StoreMode::Normal) => {}
        (Some(id), _) => event_in(tx, id, at, TimelineKind::Auto, None, &text).await?,
        (None, _) => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO incident (opened_at, practice, cause) VALUES (?, 0, ?) RETURNING id",
            )
            .bind(at.to_string())
            .bind(describe(to))
            .fetch_one(&mut **tx)
            .await?;
            let opened = format!("Händelse öppnad, från {} / Incident opened", describe(from));
            event_in(tx, id, at, TimelineKind::Auto, None, &opened).await?;
            // What went down, as the monitor saw it (written just before the incident opened).
            let lost = match to {
                StoreMode::Degraded { lost } | StoreMode::Island { lost } => lost.as_slice(),
                StoreMode::Normal => &[],
            };
            for d in lost {
                let row = sqlx::query(
                    "SELECT at, detail FROM health_event WHERE dependency = ? AND to_level = 'red' AND practice = 0
                     ORDER BY id DESC LIMIT 1",
                )
                .bind(crate::health::enum_str(d))
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(row) = row {
                    let when = parse_ts(row.get(0)).unwrap_or(*at);
                    let detail: Option<String> = row.get(1);
                    let text = crate::health::transition_text(
                        *d,
                        storekeep_domain::health::Level::Red,
                        detail.as_deref(),
                    );
                    event_in(tx, id, &when, TimelineKind::Auto, None, &text).await?;
                }
            }
            event_in(tx, id, at, TimelineKind::Auto, None, &text).await?;
        }
    }
    Ok(())
}

fn summary(row: &sqlx::sqlite::SqliteRow) -> IncidentSummary {
    IncidentSummary {
        id: row.get(0),
        opened_at: row.get::<String, _>(1).parse().unwrap_or_default(),
        closed_at: row.get::<Option<String>, _>(2).and_then(|s| s.parse().ok()),
        practice: row.get::<i64, _>(3) == 1,
        cause: row.get(4),
        drill: row
            .get::<Option<String>, _>(5)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
    }
}

macro_rules! incident_query {
    ($rest:literal) => {
        concat!("SELECT id, opened_at, closed_at, practice, cause, drill FROM incident ", $rest)
    };
}

fn parse_ts(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[derive(Debug)]
pub struct Incidents<'a> {
    sk: &'a Storekeep,
}

impl<'a> Incidents<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Incidents { sk }
    }

    /// Newest first.
    pub async fn list(&self, limit: i64) -> Result<Vec<IncidentSummary>> {
        let rows = sqlx::query(incident_query!("ORDER BY id DESC LIMIT ?"))
            .bind(limit.clamp(1, 500))
            .fetch_all(self.sk.db().reader())
            .await?;
        Ok(rows.iter().map(summary).collect())
    }

    pub async fn get(&self, id: i64) -> Result<IncidentSummary> {
        let row = sqlx::query(incident_query!("WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.sk.db().reader())
            .await?
            .ok_or(Error::IncidentNotFound(id))?;
        Ok(summary(&row))
    }

    async fn open(&self, practice: bool) -> Result<Option<IncidentSummary>> {
        let row = sqlx::query(incident_query!("WHERE closed_at IS NULL AND practice = ?"))
            .bind(i64::from(practice))
            .fetch_optional(self.sk.db().reader())
            .await?;
        Ok(row.as_ref().map(summary))
    }

    /// The real incident under way, if any.
    pub async fn open_real(&self) -> Result<Option<IncidentSummary>> {
        self.open(false).await
    }

    /// The drill under way, if any.
    pub async fn drill(&self) -> Result<Option<IncidentSummary>> {
        self.open(true).await
    }

    /// A manager's note or decision on an incident's timeline.
    pub async fn note(&self, by: &Actor, id: i64, text: &str, decision: bool) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "incident note").await?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 1000 {
            return Err(Error::Degraded {
                en: "Write the note (at most 1000 characters)".into(),
                sv: "Skriv anteckningen (högst 1000 tecken)".into(),
            });
        }
        self.get(id).await?;
        let mut tx = self.sk.db().begin_write().await?;
        let kind = if decision { TimelineKind::Decision } else { TimelineKind::Note };
        event_in(&mut tx, id, &self.sk.clock().now(), kind, Some(by), text).await?;
        tx.commit().await?;
        self.sk.health().changed();
        Ok(())
    }

    /// Starts a practice incident with `failures` simulated: shown red on the board and marked
    /// practice throughout; the real monitor, payment rules and till are untouched. One drill at
    /// a time.
    pub async fn start_drill(
        &self,
        by: &Actor,
        failures: &[Dependency],
        reason: &str,
    ) -> Result<IncidentSummary> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "start a drill").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let mut lost: Vec<Dependency> = failures.to_vec();
        lost.sort();
        lost.dedup();
        if lost.is_empty() {
            return Err(Error::Degraded {
                en: "Choose at least one failure to practise".into(),
                sv: "Välj minst ett fel att öva på".into(),
            });
        }
        let identity = self.sk.require_identity().await?;
        let now = self.sk.clock().now();
        let mut tx = self.sk.db().begin_write().await?;
        if open_id(&mut tx, true).await?.is_some() {
            return Err(Error::Degraded {
                en: "A drill is already under way: end it first".into(),
                sv: "En övning pågår redan: avsluta den först".into(),
            });
        }
        let practice_mode = StoreMode::Degraded { lost: lost.clone() };
        let cause = format!("ÖVNING / PRACTICE: {}", describe(&practice_mode));
        let drill = serde_json::to_string(&lost).map_err(|e| Error::Storage(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incident (opened_at, practice, cause, drill) VALUES (?, 1, ?, ?) RETURNING id",
        )
        .bind(now.to_string())
        .bind(&cause)
        .bind(&drill)
        .fetch_one(&mut *tx)
        .await?;
        let text = format!("Övning startad / Drill started: {reason}");
        event_in(&mut tx, id, &now, TimelineKind::Auto, Some(by), &text).await?;
        for d in &lost {
            let (sv, en) = d.impact();
            let line = format!(
                "ÖVNING {}: röd (simulerad) — {sv} / PRACTICE {}: red (simulated) — {en}",
                label(*d).0,
                label(*d).1
            );
            event_in(&mut tx, id, &now, TimelineKind::Auto, None, &line).await?;
        }
        let entry = ModeEntry {
            from: StoreMode::Normal,
            to: practice_mode,
            practice: true,
            note: Some(reason.into()),
        };
        entry.journal_in(&mut tx, &identity.register_id, &now).await?;
        let mut record = crate::audit::AuditRecord::new(
            now,
            Some(by.clone()),
            "drill.start",
            format!("incident {id}"),
            crate::audit::Outcome::Done,
        );
        record.new_value = Some(drill);
        record.reason = Some(reason.into());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        self.sk.health().changed();
        self.get(id).await
    }

    /// Ends the drill under way (its report stays, marked practice).
    pub async fn end_drill(&self, by: &Actor, reason: &str) -> Result<IncidentSummary> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "end a drill").await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let identity = self.sk.require_identity().await?;
        let now = self.sk.clock().now();
        let mut tx = self.sk.db().begin_write().await?;
        let Some(id) = open_id(&mut tx, true).await? else {
            return Err(Error::Degraded {
                en: "No drill is under way".into(),
                sv: "Ingen övning pågår".into(),
            });
        };
        let drill: Option<String> = sqlx::query_scalar("SELECT drill FROM incident WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let lost: Vec<Dependency> = drill.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
        event_in(
            &mut tx,
            id,
            &now,
            TimelineKind::Auto,
            Some(by),
            &format!("Övning avslutad / Drill ended: {reason}"),
        )
        .await?;
        sqlx::query("UPDATE incident SET closed_at = ? WHERE id = ?")
            .bind(now.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let entry = ModeEntry {
            from: StoreMode::Degraded { lost },
            to: StoreMode::Normal,
            practice: true,
            note: Some(reason.into()),
        };
        entry.journal_in(&mut tx, &identity.register_id, &now).await?;
        let mut record = crate::audit::AuditRecord::new(
            now,
            Some(by.clone()),
            "drill.end",
            format!("incident {id}"),
            crate::audit::Outcome::Done,
        );
        record.reason = Some(reason.into());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        self.sk.health().changed();
        self.get(id).await
    }

    /// The incident's report, as of now while it is open.
    pub async fn report(&self, id: i64) -> Result<IncidentReport> {
        let incident = self.get(id).await?;
        let db = self.sk.db().reader();
        let now = self.sk.clock().now();
        let start = incident.opened_at;
        let end = incident.closed_at.unwrap_or(now);
        let within = |t: &Timestamp| *t >= start && *t <= end;
        // Whole-second text bounds for the queries (stored times vary in their fractions), the
        // exact window checked on the parsed times.
        let second = |t: Timestamp| t.to_string().get(..19).unwrap_or_default().to_string();
        let (lo, hi) = (second(start), second(end + jiff::SignedDuration::from_secs(1)));
        let minutes = |from: Timestamp, until: Timestamp| (until.as_second() - from.as_second()).max(0) / 60;

        // Timeline: its own events, and the audited actions taken meanwhile (not logins).
        let mut timeline = Vec::new();
        for r in sqlx::query(
            "SELECT at, kind, by_name, text FROM incident_event WHERE incident_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(db)
        .await?
        {
            let kind =
                serde_json::from_value(serde_json::Value::String(r.get(1))).unwrap_or(TimelineKind::Auto);
            timeline.push(TimelineEntry {
                at: parse_ts(r.get(0)).unwrap_or(start),
                kind,
                by: r.get(2),
                text: r.get(3),
            });
        }
        if !incident.practice {
            for r in sqlx::query(
                "SELECT at, actor_name, action, subject, new_value, reason, outcome FROM audit_log
                 WHERE at >= ? AND at < ? AND action NOT LIKE 'login%' AND action NOT LIKE 'logout%' ORDER BY seq",
            )
            .bind(&lo)
            .bind(&hi)
            .fetch_all(db)
            .await?
            {
                let Some(at) = parse_ts(r.get(0)) else { continue };
                if !within(&at) {
                    continue;
                }
                let (action, subject): (String, String) = (r.get(2), r.get(3));
                let mut text = format!("{action}: {subject}");
                if let Some(v) = r.get::<Option<String>, _>(4) {
                    text.push_str(&format!(" → {}", v.chars().take(120).collect::<String>()));
                }
                if let Some(reason) = r.get::<Option<String>, _>(5) {
                    text.push_str(&format!(" ({reason})"));
                }
                if r.get::<String, _>(6) == "refused" {
                    text.push_str(" [avvisat / refused]");
                }
                timeline.push(TimelineEntry { at, kind: TimelineKind::Action, by: r.get(1), text });
            }
        }
        timeline.sort_by_key(|e| e.at);

        // What was down, and for how long.
        let mut down = Vec::new();
        if incident.practice {
            for d in &incident.drill {
                let (name_sv, name_en) = label(*d);
                down.push(Downtime {
                    dependency: *d,
                    name_sv: format!("{name_sv} (övning)"),
                    name_en: format!("{name_en} (practice)"),
                    from: start,
                    until: incident.closed_at,
                    minutes: minutes(start, end),
                });
            }
        } else {
            let mut red_since: BTreeMap<Dependency, Timestamp> = BTreeMap::new();
            for r in sqlx::query("SELECT at, dependency, from_level, to_level FROM health_event WHERE practice = 0 AND at < ? ORDER BY id")
                .bind(&hi)
                .fetch_all(db)
                .await?
            {
                let (Some(at), Ok(dep)) = (
                    parse_ts(r.get(0)),
                    serde_json::from_value::<Dependency>(serde_json::Value::String(r.get(1))),
                ) else {
                    continue;
                };
                if at > end {
                    break;
                }
                let (from, to): (String, String) = (r.get(2), r.get(3));
                if to == "red" && from != "red" {
                    red_since.insert(dep, at);
                } else if from == "red"
                    && to != "red"
                    && let Some(since) = red_since.remove(&dep)
                    && at >= start
                {
                    let (name_sv, name_en) = label(dep);
                    let from = since.max(start);
                    down.push(Downtime {
                        dependency: dep,
                        name_sv: name_sv.into(),
                        name_en: name_en.into(),
                        from,
                        until: Some(at),
                        minutes: minutes(from, at),
                    });
                }
            }
            for (dep, since) in red_since {
                let (name_sv, name_en) = label(dep);
                let from = since.max(start);
                down.push(Downtime {
                    dependency: dep,
                    name_sv: name_sv.into(),
                    name_en: name_en.into(),
                    from,
                    until: None,
                    minutes: minutes(from, end),
                });
            }
            down.sort_by_key(|d| d.from);
        }

        // Sales by payment method: what each method took on the sale receipts, and the Scan &
        // Pay purchases (receipted in the app). Returns are counted apart.
        let mut by_method: BTreeMap<String, (i64, Money)> = BTreeMap::new();
        let (mut receipts, mut returns, mut returns_amount) = (0, 0, Money::ZERO);
        let rows = sqlx::query(
            "SELECT s.id, s.completed_at, s.kind, s.total, t.method, t.amount FROM sale s JOIN tender t ON t.sale_id = s.id
             WHERE s.completed_at >= ? AND s.completed_at < ? ORDER BY s.id, t.tender_no",
        )
        .bind(&lo)
        .bind(&hi)
        .fetch_all(db)
        .await?;
        let mut last_sale = None;
        for r in rows {
            let Some(at) = parse_ts(r.get(1)) else { continue };
            if !within(&at) {
                continue;
            }
            let sale: i64 = r.get(0);
            let first = last_sale != Some(sale);
            last_sale = Some(sale);
            if r.get::<&str, _>(2) == "return" {
                if first {
                    returns += 1;
                    returns_amount = returns_amount + money(r.get(3))?;
                }
                continue;
            }
            if first {
                receipts += 1;
            }
            let entry = by_method.entry(r.get(4)).or_insert((0, Money::ZERO));
            entry.0 += 1;
            entry.1 = entry.1 + money(r.get(5))?;
        }
        for r in sqlx::query(
            "SELECT completed_at, total FROM scan_and_pay WHERE completed_at >= ? AND completed_at < ?",
        )
        .bind(&lo)
        .bind(&hi)
        .fetch_all(db)
        .await?
        {
            if parse_ts(r.get(0)).is_some_and(|t| within(&t)) {
                receipts += 1;
                let entry = by_method.entry("scan_and_pay".into()).or_insert((0, Money::ZERO));
                entry.0 += 1;
                entry.1 = entry.1 + money(r.get(1))?;
            }
        }
        let sales_total = by_method.values().map(|(_, amount)| *amount).sum();
        let sales = by_method
            .into_iter()
            .map(|(method, (count, amount))| {
                let (label_sv, label_en) = match method.as_str() {
                    "cash" => ("Kontant", "Cash"),
                    "card" => ("Kort", "Card"),
                    "swish" => ("Swish", "Swish"),
                    "voucher" => ("Presentkort", "Gift voucher"),
                    "scan_and_pay" => ("Scan & Pay (kvitto i appen)", "Scan & Pay (receipt in the app)"),
                    _ => ("Annat", "Other"),
                };
                MethodSales { method, label_sv: label_sv.into(), label_en: label_en.into(), count, amount }
            })
            .collect();

        // Offline card payments taken during it.
        let mut offline = OfflineDuring {
            count: 0,
            amount: Money::ZERO,
            pending: 0,
            pending_amount: Money::ZERO,
            declined: 0,
            declined_amount: Money::ZERO,
        };
        for r in sqlx::query(
            "SELECT taken_at, amount, status FROM card_offline WHERE taken_at >= ? AND taken_at < ?",
        )
        .bind(&lo)
        .bind(&hi)
        .fetch_all(db)
        .await?
        {
            if !parse_ts(r.get(0)).is_some_and(|t| within(&t)) {
                continue;
            }
            let amount = money(r.get(1))?;
            offline.count += 1;
            offline.amount = offline.amount + amount;
            match r.get::<&str, _>(2) {
                "pending" => {
                    offline.pending += 1;
                    offline.pending_amount = offline.pending_amount + amount;
                }
                "declined" => {
                    offline.declined += 1;
                    offline.declined_amount = offline.declined_amount + amount;
                }
                _ => {}
            }
        }

        let (mut to_sv, mut to_en) = (Vec::new(), Vec::new());
        if incident.closed_at.is_none() {
            to_sv.push("Händelsen pågår fortfarande".into());
            to_en.push("The incident is still under way".into());
        }
        if offline.pending > 0 {
            to_sv.push(format!(
                "{} kortbetalningar offline ({} kr) är inte vidaresända till inlösaren ännu",
                offline.pending,
                offline.pending_amount.to_swedish()
            ));
            to_en.push(format!(
                "{} offline card payments ({} kr) are not forwarded to the acquirer yet",
                offline.pending,
                offline.pending_amount.to_swedish()
            ));
        }
        if offline.declined > 0 {
            to_sv.push(format!(
                "{} kortbetalningar offline ({} kr) avvisades i efterhand: följ upp med inlösaren",
                offline.declined,
                offline.declined_amount.to_swedish()
            ));
            to_en.push(format!(
                "{} offline card payments ({} kr) were declined afterwards: follow up with the acquirer",
                offline.declined,
                offline.declined_amount.to_swedish()
            ));
        }
        let queue = self.sk.health().hq_queue().await?;
        if !incident.practice && queue.waiting > 0 {
            to_sv.push(format!("{} registreringar väntar på att skickas till HK", queue.waiting));
            to_en.push(format!("{} registrations are waiting to be sent to HQ", queue.waiting));
        }
        let still_down: Vec<&Downtime> = down.iter().filter(|d| d.until.is_none()).collect();
        if !incident.practice && !still_down.is_empty() {
            to_sv.push(format!(
                "Fortfarande nere: {}",
                still_down.iter().map(|d| d.name_sv.as_str()).collect::<Vec<_>>().join(", ")
            ));
            to_en.push(format!(
                "Still down: {}",
                still_down.iter().map(|d| d.name_en.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(IncidentReport {
            minutes: minutes(start, end),
            incident,
            down,
            timeline,
            sales,
            receipts,
            sales_total,
            returns,
            returns_amount,
            offline,
            to_reconcile_sv: to_sv,
            to_reconcile_en: to_en,
        })
    }
}

fn money(s: &str) -> Result<Money> {
    s.parse::<Money>().map_err(|e| Error::Inconsistent(format!("an amount cannot be read: {e}")))
}
