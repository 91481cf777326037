//! The fleet: what each store last said of itself (its mode, what it can reach, the payment
//! methods and opening hours in force, what still waits to be sent) beside what HQ holds of it,
//! as JSON and as one HTML page for the people watching the chain.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::Row;
use storekeep_domain::health::{Level, StoreMode};
use storekeep_domain::payments::{Availability, PaymentMethod};
use storekeep_domain::sync::{REPORT_FORMAT, StoreReport};

use crate::{Error, Hq, Result};

/// The largest report HQ reads.
pub const MAX_REPORT: usize = 256 * 1024;

/// A report older than this is stale: the store has not been heard from.
pub const STALE_AFTER: SignedDuration = SignedDuration::from_secs(30);

/// One store in the fleet view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetRow {
    pub store_id: String,
    pub name: String,
    /// Registrations HQ holds of the store.
    pub held: i64,
    pub breaks: i64,
    pub last_batch_at: Option<Timestamp>,
    /// The last bundle counter HQ sealed for the store.
    pub last_published: i64,
    /// When HQ got the last report (HQ's clock), and the report.
    pub reported_at: Option<Timestamp>,
    pub report: Option<StoreReport>,
}

fn from_micros(us: Option<i64>) -> Option<Timestamp> {
    us.and_then(|us| Timestamp::from_microsecond(us).ok())
}

impl FleetRow {
    /// How far HQ is behind the store: the age of the oldest registration still waiting at the
    /// store when it reported, aged by the time since that report (zero if none waited and the
    /// store was heard within [`STALE_AFTER`]). Both ends of the first part are the store's
    /// clock, so a skewed clock does not skew it. `None` if the store never reported.
    pub fn lag(&self, now: Timestamp) -> Option<SignedDuration> {
        let (report, heard) = (self.report.as_ref()?, self.reported_at?);
        let since_heard = now.duration_since(heard).max(SignedDuration::ZERO);
        // Nothing waited when it reported, and it reports often: HQ has it all, near enough.
        // Once it goes quiet, what it sold since is not at HQ: the silence is lag.
        if report.waiting == 0 && since_heard <= STALE_AFTER {
            return Some(SignedDuration::ZERO);
        }
        let oldest: Option<Timestamp> = report.oldest_waiting.as_deref().and_then(|t| t.parse().ok());
        let behind =
            oldest.map(|o| report.at.duration_since(o).max(SignedDuration::ZERO)).unwrap_or_default();
        Some(behind + since_heard)
    }

    /// Whether the store has not been heard from for [`STALE_AFTER`].
    pub fn stale(&self, now: Timestamp) -> bool {
        self.reported_at.is_none_or(|h| now.duration_since(h) > STALE_AFTER)
    }
}

impl Hq {
    /// Keeps the store's report (the last one replaces the one before: it is a view, not a
    /// record; the registrations are the record).
    pub async fn report(&self, store_id: &str, body: &[u8]) -> Result<()> {
        if body.len() > MAX_REPORT {
            return Err(Error::BadReport(format!("{} bytes; at most {MAX_REPORT}", body.len())));
        }
        let report: StoreReport =
            serde_json::from_slice(body).map_err(|e| Error::BadReport(format!("it cannot be read: {e}")))?;
        if report.format != REPORT_FORMAT {
            return Err(Error::BadReport(format!("format {:?}, expected {REPORT_FORMAT}", report.format)));
        }
        // Stored as read: only what the format knows.
        let json = serde_json::to_value(&report).map_err(|e| Error::BadReport(e.to_string()))?;
        sqlx::query(
            "INSERT INTO store_report (store_id, received_at, report) VALUES ($1, now(), $2)
             ON CONFLICT (store_id) DO UPDATE SET received_at = excluded.received_at, report = excluded.report",
        )
        .bind(store_id)
        .bind(json)
        .execute(self.pool())
        .await?;
        // HQ's next bundle for the store must be above every envelope it has accepted (some
        // may have been sealed by hand, or HQ restored from a backup): otherwise the store
        // refuses it as out of order. (Only when it is behind: the store's row is what its
        // batches lock.)
        if let Some(c) = report.envelope_counter {
            self.counter_at_least(store_id, c).await?;
        }
        Ok(())
    }

    /// HQ's next bundle for the store goes above `counter` (what the store has accepted, or
    /// asks after: an HQ restored from an older backup must not seal numbers the store has
    /// passed, which it would never ask for). Only when behind: the store's row is what its
    /// batches lock.
    pub async fn counter_at_least(&self, store_id: &str, counter: i64) -> Result<()> {
        if (1..i64::MAX / 2).contains(&counter) {
            sqlx::query("UPDATE store SET last_counter = $2 WHERE id = $1 AND last_counter < $2")
                .bind(store_id)
                .bind(counter)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// The database's clock: what "heard 5 s ago" is measured against, the same clock that
    /// stamped the reports.
    pub async fn now(&self) -> Result<Timestamp> {
        let us: i64 = sqlx::query_scalar("SELECT (EXTRACT(EPOCH FROM now()) * 1000000)::BIGINT")
            .fetch_one(self.pool())
            .await?;
        Timestamp::from_microsecond(us).map_err(|e| Error::BadReport(e.to_string()))
    }

    /// Every store, by id.
    pub async fn fleet(&self) -> Result<Vec<FleetRow>> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, s.held,
                    (SELECT COUNT(*) FROM chain_break b WHERE b.store_id = s.id),
                    (EXTRACT(EPOCH FROM s.last_batch_at) * 1000000)::BIGINT,
                    (SELECT COALESCE(MAX(b.counter), 0) FROM bundle b WHERE b.store_id = s.id),
                    (EXTRACT(EPOCH FROM r.received_at) * 1000000)::BIGINT,
                    r.report
             FROM store s LEFT JOIN store_report r ON r.store_id = s.id
             ORDER BY s.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let report: Option<serde_json::Value> = r.get(7);
                Ok(FleetRow {
                    store_id: r.get(0),
                    name: r.get(1),
                    held: r.get(2),
                    breaks: r.get(3),
                    last_batch_at: from_micros(r.get(4)),
                    last_published: r.get(5),
                    reported_at: from_micros(r.get(6)),
                    // A report HQ can no longer read (an older format) shows as none.
                    report: report.and_then(|v| serde_json::from_value(v).ok()),
                })
            })
            .collect()
    }
}

/// Everything in a report is the store's word: escaped.
use storekeep_domain::receipt_doc::escape_html as esc;

fn ago(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}

fn dependency_sv(d: storekeep_domain::health::Dependency) -> &'static str {
    d.label().0
}

/// The store's mode in a few words of English (the command line's fleet).
pub fn mode_words(mode: &StoreMode) -> String {
    let lost = |lost: &[storekeep_domain::health::Dependency]| {
        lost.iter()
            .map(|d| {
                serde_json::to_value(d).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match mode {
        StoreMode::Normal => "normal".into(),
        StoreMode::Degraded { lost: l } => format!("degraded (without {})", lost(l)),
        StoreMode::Island { lost: l } if l.is_empty() => "island".into(),
        StoreMode::Island { lost: l } => format!("island (without {})", lost(l)),
    }
}

fn mode_cell(report: &StoreReport) -> String {
    let lost = |lost: &[storekeep_domain::health::Dependency]| {
        lost.iter().map(|d| dependency_sv(*d)).collect::<Vec<_>>().join(", ")
    };
    let mut cell = match &report.mode {
        StoreMode::Normal => r#"<span class="mode normal">Normalt läge</span>"#.to_string(),
        StoreMode::Degraded { lost: l } => {
            format!(r#"<span class="mode degraded">Begränsat läge</span><br>utan {}"#, esc(&lost(l)))
        }
        StoreMode::Island { lost: l } => {
            let mut s = r#"<span class="mode island">Ö-läge</span>"#.to_string();
            if let Some(reason) = &report.island_reason {
                s.push_str(&format!("<br>{}", esc(reason)));
            }
            if !l.is_empty() {
                s.push_str(&format!("<br>utan {}", esc(&lost(l))));
            }
            s
        }
    };
    if report.drill {
        cell.push_str(r#"<br><span class="drill">ÖVNING PÅGÅR</span>"#);
    }
    cell
}

/// What is not green (all green says so in two words): a thousand rows must stay readable.
fn dependencies_cell(report: &StoreReport) -> String {
    let watched: Vec<_> = report.dependencies.iter().filter(|d| d.monitored).collect();
    let troubled: Vec<String> = watched
        .iter()
        .filter(|d| d.level != Level::Green)
        .map(|d| {
            let (class, word) = if d.level == Level::Red { ("red", "nere") } else { ("amber", "osäker") };
            format!(r#"<span class="dep {class}">{} {word}</span>"#, esc(dependency_sv(d.dependency)))
        })
        .collect();
    if troubled.is_empty() {
        format!(r#"<span class="green">alla {} OK</span>"#, watched.len())
    } else {
        troubled.join(" ")
    }
}

/// The methods not plainly on (all on says so).
fn payments_cell(report: &StoreReport) -> String {
    let changed: Vec<String> = PaymentMethod::ALL
        .into_iter()
        .filter_map(|m| {
            let s = report.payments.state(m);
            let (class, word) = match s.availability {
                Availability::Enabled => return None,
                Availability::Limited => ("amber", "begränsad"),
                Availability::Disabled => ("red", "av"),
            };
            let why = s.reason.as_deref().map(|r| format!(r#" title="{}""#, esc(r))).unwrap_or_default();
            Some(format!(r#"<span class="pay {class}"{why}>{} {word}</span>"#, esc(m.swedish())))
        })
        .collect();
    if changed.is_empty() { r#"<span class="green">alla på</span>"#.into() } else { changed.join(" ") }
}

/// The last of HQ's bundles the store applied, of those published, and any it refused.
fn bundles_cell(row: &FleetRow) -> String {
    let Some(r) = &row.report else { return String::new() };
    let published = row.last_published;
    let applied = r.last_bundle.unwrap_or(0);
    let mut s = match published {
        0 => "–".to_string(),
        p if applied >= p => format!("{applied} av {p}"),
        p => format!(r#"<span class="amber">{applied} av {p}</span>"#),
    };
    if !r.bundles_refused.is_empty() {
        let list = r.bundles_refused.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        s.push_str(&format!(r#"<br><span class="red">vägrade: {list}</span>"#));
    }
    s
}

fn hours_cell(report: &StoreReport) -> String {
    let h = &report.hours;
    let mut s = if h.open {
        r#"<span class="green">Öppet</span>"#.to_string()
    } else {
        r#"<span class="red">Stängt</span>"#.to_string()
    };
    s.push_str(&format!("<br><small>{}</small>", esc(&h.decided.text(storekeep_domain::hours::Lang::Sv))));
    if let Some(next) = h.next_change {
        let local = next.to_zoned_datetime(
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC),
        );
        s.push_str(&format!("<br><small>ändras {}</small>", local.strftime("%Y-%m-%d %H:%M")));
    }
    s
}

/// The fleet as one HTML page (Swedish, with English in the headings' titles); it reloads
/// itself every 5 seconds. No script: the page's policy forbids any.
pub fn page(rows: &[FleetRow], now: Timestamp) -> String {
    let mut body = String::new();
    let (mut normal, mut degraded, mut island, mut silent) = (0, 0, 0, 0);
    for row in rows {
        let lag = row.lag(now);
        let stale = row.stale(now);
        let (mode, deps, pays, hours, queue) = match &row.report {
            Some(r) => {
                // A store not heard from is counted as that, not under its last mode.
                match r.mode {
                    _ if stale => silent += 1,
                    StoreMode::Normal => normal += 1,
                    StoreMode::Degraded { .. } => degraded += 1,
                    StoreMode::Island { .. } => island += 1,
                }
                let oldest = match (r.waiting, lag) {
                    (0, _) => "0".to_string(),
                    (n, Some(l)) => format!("{n} (äldsta {} sedan)", ago(l)),
                    (n, None) => n.to_string(),
                };
                (mode_cell(r), dependencies_cell(r), payments_cell(r), hours_cell(r), oldest)
            }
            None => {
                silent += 1;
                (
                    "<em>ingen rapport än</em>".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                )
            }
        };
        let heard = match row.reported_at {
            Some(h) => format!("{} sedan", ago(now.duration_since(h))),
            None => "aldrig".into(),
        };
        let lag_text = lag.map(ago).unwrap_or_else(|| "–".into());
        let bundles = bundles_cell(row);
        let breaks = if row.breaks > 0 {
            format!(r#"<br><span class="red">{} brott i kedjan</span>"#, row.breaks)
        } else {
            String::new()
        };
        body.push_str(&format!(
            r#"<tr data-store="{id}" class="{stale_class}"><th scope="row">{id}<br><small>{name}</small></th><td>{mode}</td><td>{deps}</td><td>{pays}</td><td>{hours}</td><td>{lag_text}<br><small>väntar: {queue}</small></td><td>{held}{breaks}</td><td>{bundles}</td><td>{heard}</td></tr>"#,
            id = esc(&row.store_id),
            name = esc(&row.name),
            stale_class = if stale { "stale" } else { "" },
            held = row.held,
        ));
    }
    format!(
        r#"<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Storekeep HK: butikerna</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #111; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
thead th {{ background: #f2f2f2; }}
.green {{ color: #0a6b2d; }} .amber {{ color: #8a5300; }} .red {{ color: #a4161a; }}
.mode {{ font-weight: 600; }} .mode.degraded {{ color: #8a5300; }} .mode.island {{ color: #1d4e89; }}
.dep, .pay {{ display: inline-block; margin: 0 .4rem .2rem 0; white-space: nowrap; }}
.drill {{ background: #fde68a; padding: 0 .3rem; }}
tr.stale {{ background: #fff4f4; }}
</style></head>
<body>
<h1>Butikerna <small>(fleet)</small></h1>
<p>{total} butiker: {normal} normalt läge, {degraded} begränsat, {island} ö-läge; {silent} inte hörda på {stale} s.
Sidan uppdateras var 5:e sekund. Allt i tabellen utom "hos HK" är butikens egen rapport.</p>
<table>
<thead><tr><th title="Store">Butik</th><th title="Mode">Läge</th><th title="Dependencies">Beroenden</th><th title="Payment methods in force">Betalsätt</th><th title="Opening hours in force">Öppettider</th><th title="Sync lag">Eftersläpning</th><th title="Registrations held at HQ">Hos HK</th><th title="Signed bundles applied of published">Kuvert</th><th title="Last heard">Hörd</th></tr></thead>
<tbody>
{body}</tbody></table>
</body></html>
"#,
        total = rows.len(),
        stale = STALE_AFTER.as_secs(),
    )
}
