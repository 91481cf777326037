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

/// What the store tells customers, in both languages, on the door sign and in the feed.
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

/// The door sign as an A4 PDF. A long notice or a week full of special days is set smaller
/// until it fits the page.
pub fn sign_pdf(feed: &HoursFeed) -> Vec<u8> {
    let (w, h) = A4;
    // From the top down to above the footer.
    let room = h - 80.0 - 60.0;
    let used = layout(feed, 1.0, None);
    let k = if used > room { room / used } else { 1.0 };
    let mut p = Page::new(w, h);
    layout(feed, k, Some(&mut p));
    p.text(
        Font::Helvetica,
        9.0,
        56.0,
        40.0,
        &format!("{} · Uppdaterad / Updated {}", feed.store.address, feed.updated()),
    );
    p.finish()
}

/// Sets the sign at scale `k` on `page` (or only measures it); returns the height it took
/// below the top margin.
fn layout(feed: &HoursFeed, k: f32, mut page: Option<&mut Page>) -> f32 {
    let (w, h) = A4;
    let left = 56.0;
    let hours_x = 330.0;
    let top = h - 80.0;
    let mut y = top;
    let mut text = |font, size: f32, x: f32, y: f32, s: &str| {
        if let Some(p) = page.as_deref_mut() {
            p.text(font, size * k, x, y, s);
        }
    };
    text(Font::HelveticaBold, 30.0, left, y, &feed.store.name);
    y -= 34.0 * k;
    text(Font::Helvetica, 22.0, left, y, "Öppettider · Opening hours");
    y -= 22.0 * k;
    let mut boxes = Vec::new();
    if let Some(n) = &feed.notice {
        let sv = wrap(&n.sv, (52.0 / k) as usize);
        let en = wrap(&n.en, (58.0 / k) as usize);
        let box_h = (18.0 * sv.len() as f32 + 16.0 * en.len() as f32 + 22.0) * k;
        boxes.push((left - 8.0, y - box_h, w - 2.0 * left + 16.0, box_h, 3.0));
        y -= 24.0 * k;
        for l in &sv {
            text(Font::HelveticaBold, 15.0, left, y, l);
            y -= 18.0 * k;
        }
        for l in &en {
            text(Font::Helvetica, 13.0, left, y, l);
            y -= 16.0 * k;
        }
        y -= 10.0 * k;
    }
    y -= 14.0 * k;
    for d in &feed.days {
        let (sv, en) = day_label(d);
        y -= 22.0 * k;
        text(Font::HelveticaBold, 18.0, left, y, &sv);
        text(Font::HelveticaBold, 18.0, hours_x, y, &d.hours_sv);
        y -= 16.0 * k;
        text(Font::Helvetica, 12.0, left, y, &en);
        if d.hours_en != d.hours_sv {
            text(Font::Helvetica, 12.0, hours_x, y, &d.hours_en);
        }
        if let Some(s) = &d.special_day {
            y -= 14.0 * k;
            text(Font::Helvetica, 11.0, left, y, &format!("{} · {}", s.sv, s.en));
        }
        if d.changed {
            y -= 14.0 * k;
            text(Font::HelveticaBold, 11.0, left, y, "Ändrade öppettider · Changed hours");
        }
        y -= 8.0 * k;
        boxes.push((left, y, w - 2.0 * left, 0.1, 0.8));
    }
    if let Some(p) = page {
        for (x, by, bw, bh, line) in boxes {
            p.rect(x, by, bw, bh, line);
        }
    }
    top - y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, special: bool) -> FeedDay {
        FeedDay {
            date: date.into(),
            weekday_sv: "måndag".into(),
            weekday_en: "Monday".into(),
            open: vec![],
            hours_sv: "Stängt".into(),
            hours_en: "Closed".into(),
            special_day: special.then(|| FeedSpecialDay {
                id: SpecialDay::Julafton,
                sv: "Julafton".into(),
                en: "Christmas Eve".into(),
            }),
            changed: true,
        }
    }

    fn feed(notice_len: usize) -> HoursFeed {
        let words = "Vi har stängt på grund av en IT-incident. ".repeat(notice_len / 42 + 1);
        HoursFeed {
            format: FEED_FORMAT.into(),
            generated_at: "2026-12-21T08:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH),
            time_zone: "Europe/Stockholm".into(),
            store: FeedStore { name: "Butiken".into(), address: "Gatan 1".into() },
            now: FeedNow {
                open: false,
                summary_sv: String::new(),
                summary_en: String::new(),
                next_change: None,
            },
            notice: Some(Notice { sv: words[..notice_len].into(), en: words[..notice_len].into() }),
            days: (21..28).map(|d| day(&format!("2026-12-{d}"), true)).collect(),
        }
    }

    /// The lowest baseline of any text above the footer, from the PDF's own drawing commands.
    fn lowest_text(pdf: &[u8]) -> f32 {
        let text = String::from_utf8_lossy(pdf);
        text.lines()
            .filter_map(|l| {
                let parts: Vec<&str> = l.split_whitespace().collect();
                let td = parts.iter().position(|p| *p == "Td")?;
                parts.get(td - 1)?.parse::<f32>().ok()
            })
            .filter(|y| *y > 45.0) // the footer sits at 40
            .fold(f32::MAX, f32::min)
    }

    #[test]
    fn a_full_week_with_a_long_notice_still_fits_the_page() {
        let short = sign_pdf(&feed(80));
        let long = sign_pdf(&feed(300));
        assert!(lowest_text(&short) > 60.0, "{}", lowest_text(&short));
        assert!(lowest_text(&long) > 60.0, "{}", lowest_text(&long));
        // Everything is still there, only smaller.
        let text = String::from_utf8_lossy(&long);
        assert_eq!(text.matches("Changed hours) Tj").count(), 7);
        assert_eq!(text.matches("Christmas Eve) Tj").count(), 7);
        assert!(String::from_utf8_lossy(&short).contains("/F4 30 Tf"), "a short sign at full size");
        assert!(!text.contains("/F4 30 Tf"), "a long one smaller, the title too");
    }
}
