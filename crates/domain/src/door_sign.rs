//! Telling customers: the opening-hours feed (a documented JSON file, see
//! docs/opening-hours-feed.md) and the A4 door sign in Swedish and English made from it.
//!
//! Customers see the hours, special days and the store's notice; never the manager's
//! internal reasons, which stay in the audit log.

// Page layout is in points, not money.
#![allow(clippy::float_arithmetic)]

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::holidays::SpecialDay;
use crate::hours::{DayPlan, Decided, HoursStatus, Interval};
use crate::pdf::{A4, Font, Page, wrap};
use crate::receipt_doc::escape_html;

pub const FEED_FORMAT: &str = "storekeep-opening-hours/1";

/// What the store tells customers, in both languages. Shown on the sign, in the feed and on
/// the customer display.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Notice {
    pub sv: String,
    pub en: String,
}

impl Notice {
    pub fn is_empty(&self) -> bool {
        self.sv.trim().is_empty() && self.en.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedStore {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedNow {
    pub open: bool,
    pub summary_sv: String,
    pub summary_en: String,
    #[ts(type = "string | null")]
    pub next_change: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedSpecialDay {
    pub id: SpecialDay,
    pub sv: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedDay {
    pub date: String,
    pub weekday_sv: String,
    pub weekday_en: String,
    /// Open intervals by the store's clock; empty when closed all day.
    pub open: Vec<Interval>,
    pub hours_sv: String,
    pub hours_en: String,
    pub special_day: Option<FeedSpecialDay>,
    /// The hours differ from the usual for this day (a temporary change or a manager's
    /// open-now / close-now).
    pub changed: bool,
}

/// The opening-hours feed: the file `hours.json` and the local endpoint `/hours.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursFeed {
    pub format: String,
    #[ts(type = "string")]
    pub generated_at: Timestamp,
    pub time_zone: String,
    pub store: FeedStore,
    pub now: FeedNow,
    pub notice: Option<Notice>,
    pub days: Vec<FeedDay>,
}

impl HoursFeed {
    pub fn new(
        store: FeedStore,
        tz: &TimeZone,
        status: &HoursStatus,
        days: &[DayPlan],
        notice: Option<&Notice>,
    ) -> HoursFeed {
        HoursFeed {
            format: FEED_FORMAT.into(),
            generated_at: status.at,
            time_zone: tz.iana_name().unwrap_or("Europe/Stockholm").into(),
            store,
            now: FeedNow {
                open: status.open,
                summary_sv: status.summary_sv.clone(),
                summary_en: status.summary_en.clone(),
                next_change: status.next_change,
            },
            notice: notice.filter(|n| !n.is_empty()).cloned(),
            days: days
                .iter()
                .map(|d| FeedDay {
                    date: d.date.to_string(),
                    weekday_sv: d.weekday_sv.clone(),
                    weekday_en: d.weekday_en.clone(),
                    open: d.intervals.clone(),
                    hours_sv: d.hours_sv.clone(),
                    hours_en: d.hours_en.clone(),
                    special_day: d.special_day.map(|s| FeedSpecialDay {
                        id: s,
                        sv: s.swedish().into(),
                        en: s.english().into(),
                    }),
                    changed: d
                        .decided
                        .iter()
                        .any(|r| matches!(r, Decided::Temporary { .. } | Decided::Override { .. })),
                })
                .collect(),
        }
    }

    fn updated(&self) -> String {
        jiff::tz::TimeZone::get(&self.time_zone)
            .map(|tz| self.generated_at.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|_| self.generated_at.to_string())
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn day_label(d: &FeedDay) -> (String, String) {
    let (date_sv, date_en) = match d.date.parse::<jiff::civil::Date>() {
        Ok(date) => (
            format!("{} {}", date.day(), month_sv(date.month())),
            format!("{} {}", date.day(), month_en(date.month())),
        ),
        Err(_) => (d.date.clone(), d.date.clone()),
    };
    (format!("{} {date_sv}", capitalised(&d.weekday_sv)), format!("{} {date_en}", d.weekday_en))
}

fn month_sv(m: i8) -> &'static str {
    ["jan", "feb", "mars", "april", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"]
        [usize::try_from(m - 1).unwrap_or(0).min(11)]
}

fn month_en(m: i8) -> &'static str {
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [usize::try_from(m - 1).unwrap_or(0).min(11)]
}

/// The door sign as a self-contained A4 HTML page (no scripts, no outside resources).
pub fn sign_html(feed: &HoursFeed) -> String {
    let e = escape_html;
    let mut rows = String::new();
    for d in &feed.days {
        let (sv, en) = day_label(d);
        let mut note = String::new();
        if let Some(s) = &d.special_day {
            note += &format!("<div class=\"note\">{} · {}</div>", e(&s.sv), e(&s.en));
        }
        if d.changed {
            note += "<div class=\"note changed\">Ändrade öppettider · Changed hours</div>";
        }
        let hours = if d.hours_sv == d.hours_en {
            e(&d.hours_sv)
        } else {
            format!("{} <span class=\"en\">{}</span>", e(&d.hours_sv), e(&d.hours_en))
        };
        rows += &format!(
            "<tr><th><div>{}</div><div class=\"en\">{}</div>{note}</th><td>{hours}</td></tr>\n",
            e(&sv),
            e(&en)
        );
    }
    let notice = feed
        .notice
        .as_ref()
        .map(|n| {
            format!(
                "<section class=\"notice\"><p>{}</p><p class=\"en\">{}</p></section>\n",
                e(&n.sv),
                e(&n.en)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Öppettider – {name}</title>\n<style>\n\
         @page {{ size: A4; margin: 18mm; }}\n\
         body {{ font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #000; max-width: 174mm; margin: 0 auto; }}\n\
         h1 {{ font-size: 30pt; margin: 0 0 4pt; }}\n\
         h2 {{ font-size: 22pt; margin: 0 0 14pt; font-weight: normal; }}\n\
         .en {{ font-style: italic; }}\n\
         .notice {{ border: 3pt solid #000; padding: 8pt 12pt; margin-bottom: 16pt; font-size: 16pt; font-weight: bold; }}\n\
         .notice p {{ margin: 4pt 0; }}\n\
         table {{ width: 100%; border-collapse: collapse; font-size: 18pt; }}\n\
         th, td {{ text-align: left; vertical-align: top; padding: 7pt 0; border-bottom: 1pt solid #000; }}\n\
         th {{ font-weight: bold; width: 55%; }}\n\
         th .en {{ font-weight: normal; font-size: 13pt; }}\n\
         .note {{ font-size: 12pt; font-weight: normal; }}\n\
         .changed {{ font-weight: bold; }}\n\
         footer {{ margin-top: 14pt; font-size: 10pt; }}\n\
         </style>\n</head>\n<body>\n<h1>{name}</h1>\n<h2>Öppettider · <span class=\"en\">Opening hours</span></h2>\n\
         {notice}<table>\n{rows}</table>\n<footer>{address} · Uppdaterad / Updated {updated}</footer>\n</body>\n</html>\n",
        name = e(&feed.store.name),
        address = e(&feed.store.address),
        updated = feed.updated(),
    )
}

/// The door sign as an A4 PDF.
pub fn sign_pdf(feed: &HoursFeed) -> Vec<u8> {
    let (w, h) = A4;
    let mut p = Page::new(w, h);
    let left = 56.0;
    let hours_x = 330.0;
    let mut y = h - 80.0;
    p.text(Font::HelveticaBold, 30.0, left, y, &feed.store.name);
    y -= 34.0;
    p.text(Font::Helvetica, 22.0, left, y, "Öppettider · Opening hours");
    y -= 22.0;
    if let Some(n) = &feed.notice {
        let sv = wrap(&n.sv, 52);
        let en = wrap(&n.en, 58);
        let box_h = 18.0 * sv.len() as f32 + 16.0 * en.len() as f32 + 22.0;
        p.rect(left - 8.0, y - box_h, w - 2.0 * left + 16.0, box_h, 3.0);
        y -= 24.0;
        for l in &sv {
            p.text(Font::HelveticaBold, 15.0, left, y, l);
            y -= 18.0;
        }
        for l in &en {
            p.text(Font::Helvetica, 13.0, left, y, l);
            y -= 16.0;
        }
        y -= 10.0;
    }
    y -= 14.0;
    for d in &feed.days {
        let (sv, en) = day_label(d);
        y -= 22.0;
        p.text(Font::HelveticaBold, 18.0, left, y, &sv);
        p.text(Font::HelveticaBold, 18.0, hours_x, y, &d.hours_sv);
        y -= 16.0;
        p.text(Font::Helvetica, 12.0, left, y, &en);
        if d.hours_en != d.hours_sv {
            p.text(Font::Helvetica, 12.0, hours_x, y, &d.hours_en);
        }
        if let Some(s) = &d.special_day {
            y -= 14.0;
            p.text(Font::Helvetica, 11.0, left, y, &format!("{} · {}", s.sv, s.en));
        }
        if d.changed {
            y -= 14.0;
            p.text(Font::HelveticaBold, 11.0, left, y, "Ändrade öppettider · Changed hours");
        }
        y -= 8.0;
        p.rect(left, y, w - 2.0 * left, 0.1, 0.8);
    }
    p.text(
        Font::Helvetica,
        9.0,
        left,
        40.0,
        &format!("{} · Uppdaterad / Updated {}", feed.store.address, feed.updated()),
    );
    p.finish()
}
