//! Opening hours: the weekly schedule, special days, temporary changes and "open now" /
//! "close now" overrides, and what they add up to at any moment.
//!
//! Precedence, highest first: **override > temporary change > special day > weekly**. Within
//! one layer the rule made last wins where two overlap.
//!
//! Hours are wall-clock times in the store's time zone (Europe/Stockholm). Each day's
//! intervals are turned into instants before anything is compared, so the state, "closes in
//! N minutes" and "opens at T" are right across daylight-saving changes: on the night clocks
//! go back a store open 00:00–06:00 is open seven hours; on the night they go forward, five.
//! A clock time that does not exist that night (02:00–02:59 in March) takes effect at 03:00;
//! one that happens twice (02:00–02:59 in October) takes effect the first time.
//! A day's hours end at 24:00 at the latest; a night opening is written on both days
//! (22:00–24:00, then 00:00–02:00), and the two join up.

use jiff::civil::{Date, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::holidays::SpecialDay;
use crate::staff::StaffRef;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("\"{0}\" is not a clock time: write it as HH:MM, e.g. 08:00")]
    BadTime(String),
    #[error(
        "\"{0}\" is not an interval: write it as 08:00-12:00, several separated by commas, or \"closed\""
    )]
    BadInterval(String),
    #[error(
        "The interval {opens}-{closes} ends before it starts. Hours past midnight go on the next day (22:00-24:00, then 00:00-02:00)"
    )]
    Backwards { opens: String, closes: String },
    #[error("The intervals {first} and {second} overlap")]
    Overlap { first: String, second: String },
    #[error("{en}: {error}")]
    OnDay { sv: String, en: String, error: Box<HoursError> },
    #[error("\"{0}\" is not a date: write it as YYYY-MM-DD")]
    BadDate(String),
    #[error("\"{0}\" is not a time to end at: write HH:MM, or a date and time as YYYY-MM-DDTHH:MM")]
    BadUntil(String),
    #[error("A temporary change cannot end ({ends}) before it starts ({starts})")]
    EndsBeforeStart { starts: String, ends: String },
    #[error("The end ({0}) has already passed")]
    EndInPast(String),
    #[error("The grace time after closing must be 0 to 120 minutes, not {0}")]
    BadGrace(u32),
    #[error("{0} is listed twice among the special days")]
    DuplicateSpecialDay(String),
}

impl HoursError {
    /// The message in Swedish.
    pub fn swedish(&self) -> String {
        match self {
            HoursError::BadTime(t) => format!("\"{t}\" är inget klockslag: skriv TT:MM, till exempel 08:00"),
            HoursError::BadInterval(t) => format!(
                "\"{t}\" är inget tidsintervall: skriv 08:00-12:00, flera med komma emellan, eller \"stängt\""
            ),
            HoursError::Backwards { opens, closes } => format!(
                "Intervallet {opens}-{closes} slutar innan det börjar. Tider efter midnatt skrivs på nästa dag (22:00-24:00, sedan 00:00-02:00)"
            ),
            HoursError::Overlap { first, second } => format!("Intervallen {first} och {second} överlappar"),
            HoursError::OnDay { sv, error, .. } => format!("{sv}: {}", error.swedish()),
            HoursError::BadDate(t) => format!("\"{t}\" är inget datum: skriv ÅÅÅÅ-MM-DD"),
            HoursError::BadUntil(t) => {
                format!("\"{t}\" är ingen sluttid: skriv TT:MM, eller datum och tid som ÅÅÅÅ-MM-DDTTT:MM")
            }
            HoursError::EndsBeforeStart { starts, ends } => {
                format!("En tillfällig ändring kan inte sluta ({ends}) innan den börjar ({starts})")
            }
            HoursError::EndInPast(t) => format!("Sluttiden ({t}) har redan passerat"),
            HoursError::BadGrace(m) => format!("Marginalen efter stängning ska vara 0–120 minuter, inte {m}"),
            HoursError::DuplicateSpecialDay(d) => format!("{d} finns två gånger bland helgdagarna"),
        }
    }
}

/// A time on the clock, in minutes after midnight: 00:00 to 24:00 (24:00 only as a closing
/// time). Written "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct ClockTime(u16);

pub const MIDNIGHT: ClockTime = ClockTime(0);
pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

impl ClockTime {
    pub fn new(hour: u16, minute: u16) -> Result<ClockTime, HoursError> {
        let t = hour * 60 + minute;
        if minute > 59 || t > 24 * 60 {
            return Err(HoursError::BadTime(format!("{hour:02}:{minute:02}")));
        }
        Ok(ClockTime(t))
    }

    /// "8", "08", "8:30", "08.30", "0830".
    pub fn parse(text: &str) -> Result<ClockTime, HoursError> {
        let t = text.trim();
        let bad = || HoursError::BadTime(t.to_string());
        let (h, m) = match t.split_once([':', '.']) {
            Some((h, m)) if m.len() == 2 => (h, m),
            Some(_) => return Err(bad()),
            None if t.len() == 4 => (&t[..2], &t[2..]),
            None => (t, "00"),
        };
        if h.is_empty() || h.len() > 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        ClockTime::new(h, m).map_err(|_| bad())
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    fn civil(self, date: Date) -> jiff::civil::DateTime {
        date.at((self.0 / 60) as i8, (self.0 % 60) as i8, 0, 0)
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = HoursError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClockTime::parse(&s)
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        t.to_string()
    }
}

/// Open from `opens` until `closes`, wall-clock, on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Interval {
    pub opens: ClockTime,
    pub closes: ClockTime,
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.opens, self.closes)
    }
}

/// A day's hours: intervals in order, none overlapping; none means closed. Written as text,
/// "08:00-12:00,13:00-20:00" or "closed".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct DayHours(Vec<Interval>);

impl DayHours {
    pub fn closed() -> DayHours {
        DayHours(Vec::new())
    }

    /// Checks and orders the intervals: each ends after it starts, none overlap.
    pub fn new(mut intervals: Vec<Interval>) -> Result<DayHours, HoursError> {
        for i in &intervals {
            if i.closes <= i.opens || i.opens >= END_OF_DAY {
                return Err(HoursError::Backwards {
                    opens: i.opens.to_string(),
                    closes: i.closes.to_string(),
                });
            }
        }
        intervals.sort_by_key(|i| i.opens);
        for w in intervals.windows(2) {
            if w[1].opens < w[0].closes {
                return Err(HoursError::Overlap { first: w[0].to_string(), second: w[1].to_string() });
            }
        }
        Ok(DayHours(intervals))
    }

    /// "08:00-12:00, 13:00-20:00", "8-20", "08.00–20.00"; "closed", "stängt" or nothing for closed.
    pub fn parse(text: &str) -> Result<DayHours, HoursError> {
        let t = text.trim();
        if t.is_empty() || ["closed", "stängt", "stangt"].contains(&t.to_lowercase().as_str()) {
            return Ok(DayHours::closed());
        }
        let intervals = t
            .split([',', ';'])
            .map(|part| {
                let part = part.trim();
                let (a, b) = part
                    .split_once(['-', '–', '—'])
                    .ok_or_else(|| HoursError::BadInterval(part.to_string()))?;
                Ok(Interval { opens: ClockTime::parse(a)?, closes: ClockTime::parse(b)? })
            })
            .collect::<Result<Vec<_>, HoursError>>()?;
        DayHours::new(intervals)
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.0
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }

    /// For people: "08:00–12:00, 13:00–20:00" or "Stängt" / "Closed".
    pub fn text(&self, lang: Lang) -> String {
        intervals_text(&self.0, lang)
    }
}

fn intervals_text(intervals: &[Interval], lang: Lang) -> String {
    if intervals.is_empty() {
        return lang.pick("Stängt", "Closed").to_string();
    }
    intervals.iter().map(|i| format!("{}–{}", i.opens, i.closes)).collect::<Vec<_>>().join(", ")
}

impl std::fmt::Display for DayHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("closed");
        }
        let parts: Vec<String> = self.0.iter().map(Interval::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

impl TryFrom<String> for DayHours {
    type Error = HoursError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DayHours::parse(&s)
    }
}

impl From<DayHours> for String {
    fn from(h: DayHours) -> String {
        h.to_string()
    }
}

/// Swedish or English, for texts made here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Sv,
    En,
}

impl Lang {
    fn pick(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

pub fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    let (sv, en) = match day {
        Weekday::Monday => ("måndag", "Monday"),
        Weekday::Tuesday => ("tisdag", "Tuesday"),
        Weekday::Wednesday => ("onsdag", "Wednesday"),
        Weekday::Thursday => ("torsdag", "Thursday"),
        Weekday::Friday => ("fredag", "Friday"),
        Weekday::Saturday => ("lördag", "Saturday"),
        Weekday::Sunday => ("söndag", "Sunday"),
    };
    lang.pick(sv, en)
}

/// A weekday as "monday" … "sunday".
mod weekday_text {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const NAMES: [(Weekday, &str); 7] = [
        (Weekday::Monday, "monday"),
        (Weekday::Tuesday, "tuesday"),
        (Weekday::Wednesday, "wednesday"),
        (Weekday::Thursday, "thursday"),
        (Weekday::Friday, "friday"),
        (Weekday::Saturday, "saturday"),
        (Weekday::Sunday, "sunday"),
    ];

    pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(NAMES.iter().find(|(d, _)| d == day).map_or("monday", |(_, n)| n))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let name = String::deserialize(d)?;
        NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(day, _)| *day)
            .ok_or_else(|| serde::de::Error::custom(format!("{name} is not a weekday")))
    }
}

/// The ordinary week, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Week {
    pub monday: DayHours,
    pub tuesday: DayHours,
    pub wednesday: DayHours,
    pub thursday: DayHours,
    pub friday: DayHours,
    pub saturday: DayHours,
    pub sunday: DayHours,
}

impl Week {
    pub fn every_day(hours: &DayHours) -> Week {
        Week {
            monday: hours.clone(),
            tuesday: hours.clone(),
            wednesday: hours.clone(),
            thursday: hours.clone(),
            friday: hours.clone(),
            saturday: hours.clone(),
            sunday: hours.clone(),
        }
    }

    pub fn day(&self, day: Weekday) -> &DayHours {
        match day {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }
}

/// A special day's own hours (closed is an empty `hours`). A special day not listed keeps
/// the weekly hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpecialDayHours {
    pub day: SpecialDay,
    pub hours: DayHours,
}

/// The store's standing hours: the week, the special days and the grace after closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpeningHours {
    pub week: Week,
    pub special_days: Vec<SpecialDayHours>,
    /// Minutes after closing during which a sale may still start without a manager's approval
    /// (customers already inside).
    pub grace_minutes: u32,
}

impl Default for OpeningHours {
    /// Until a manager sets the hours: open around the clock, so a store that has not set them
    /// (or has just been upgraded) never has its sales held up. The hours view says they are
    /// not set.
    fn default() -> OpeningHours {
        let all_day = DayHours(vec![Interval { opens: MIDNIGHT, closes: END_OF_DAY }]);
        OpeningHours { week: Week::every_day(&all_day), special_days: Vec::new(), grace_minutes: 10 }
    }
}

impl OpeningHours {
    pub fn validate(&self) -> Result<(), HoursError> {
        if self.grace_minutes > 120 {
            return Err(HoursError::BadGrace(self.grace_minutes));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.special_days {
            if !seen.insert(s.day) {
                return Err(HoursError::DuplicateSpecialDay(s.day.swedish().into()));
            }
        }
        Ok(())
    }

    fn special(&self, day: SpecialDay) -> Option<&DayHours> {
        self.special_days.iter().find(|s| s.day == day).map(|s| &s.hours)
    }
}

/// A temporary change or an override, as a manager made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeRule {
    /// These hours every day from `starts` through `ends` (or until further notice).
    Temporary {
        #[ts(type = "string")]
        starts: Date,
        #[ts(type = "string | null")]
        ends: Option<Date>,
        hours: DayHours,
    },
    /// Open (or closed) from `from` until `until` (or until further notice), whatever the hours say.
    Override {
        open: bool,
        #[ts(type = "string")]
        from: Timestamp,
        #[ts(type = "string | null")]
        until: Option<Timestamp>,
    },
}

impl ChangeRule {
    /// Checks the rule as made at `now`.
    pub fn validate(&self, now: Timestamp, tz: &TimeZone) -> Result<(), HoursError> {
        match self {
            ChangeRule::Temporary { starts, ends: Some(ends), .. } => {
                if ends < starts {
                    return Err(HoursError::EndsBeforeStart {
                        starts: starts.to_string(),
                        ends: ends.to_string(),
                    });
                }
                if *ends < now.to_zoned_datetime(tz.clone()).date() {
                    return Err(HoursError::EndInPast(ends.to_string()));
                }
            }
            ChangeRule::Override { from, until: Some(until), .. } if until <= from || *until <= now => {
                return Err(HoursError::EndInPast(
                    until.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

/// The standing hours as a manager types them: text per day, checked here so every message
/// names the day and comes in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpeningHoursForm {
    /// Monday first, seven entries: "08-21", "8-12, 13-20", "stängt".
    pub week: Vec<String>,
    /// Special days with their own hours; a day left out keeps the week's hours.
    pub special_days: Vec<SpecialDayForm>,
    pub grace_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpecialDayForm {
    pub day: SpecialDay,
    pub hours: String,
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn on_day(sv: &str, en: &str) -> impl Fn(HoursError) -> HoursError {
    let (sv, en) = (sv.to_string(), en.to_string());
    move |e| HoursError::OnDay { sv: sv.clone(), en: en.clone(), error: Box::new(e) }
}

impl OpeningHoursForm {
    pub fn from_hours(h: &OpeningHours) -> OpeningHoursForm {
        OpeningHoursForm {
            week: WEEK.iter().map(|d| h.week.day(*d).to_string()).collect(),
            special_days: h
                .special_days
                .iter()
                .map(|s| SpecialDayForm { day: s.day, hours: s.hours.to_string() })
                .collect(),
            grace_minutes: h.grace_minutes,
        }
    }

    pub fn parse(&self) -> Result<OpeningHours, HoursError> {
        if self.week.len() != 7 {
            return Err(HoursError::BadInterval(format!("{} days in a week", self.week.len())));
        }
        let mut days = Vec::with_capacity(7);
        for (text, day) in self.week.iter().zip(WEEK) {
            let name = |l| {
                let n = weekday_name(day, l);
                let mut c = n.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            };
            days.push(DayHours::parse(text).map_err(on_day(&name(Lang::Sv), &name(Lang::En)))?);
        }
        let mut d = days.into_iter();
        let mut next = || d.next().unwrap_or_default();
        let week = Week {
            monday: next(),
            tuesday: next(),
            wednesday: next(),
            thursday: next(),
            friday: next(),
            saturday: next(),
            sunday: next(),
        };
        let special_days = self
            .special_days
            .iter()
            .map(|s| {
                let hours = DayHours::parse(&s.hours).map_err(on_day(s.day.swedish(), s.day.english()))?;
                Ok(SpecialDayHours { day: s.day, hours })
            })
            .collect::<Result<Vec<_>, HoursError>>()?;
        let hours = OpeningHours { week, special_days, grace_minutes: self.grace_minutes };
        hours.validate()?;
        Ok(hours)
    }
}

/// A temporary change or an override as a manager asks for it, in text. An override always
/// starts now (the till's clock, not the screen's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeRequest {
    /// `starts`/`ends` as YYYY-MM-DD (no `ends`: until further notice); `hours` as a day's
    /// hours ("10-16", "stängt").
    Temporary { starts: String, ends: Option<String>, hours: String },
    /// `until` as HH:MM (the next time the clock shows it) or YYYY-MM-DDTHH:MM; none: until
    /// further notice.
    Override { open: bool, until: Option<String> },
}

impl ChangeRequest {
    pub fn to_rule(&self, now: Timestamp, tz: &TimeZone) -> Result<ChangeRule, HoursError> {
        let date = |t: &str| t.trim().parse::<Date>().map_err(|_| HoursError::BadDate(t.trim().to_string()));
        let rule = match self {
            ChangeRequest::Temporary { starts, ends, hours } => ChangeRule::Temporary {
                starts: date(starts)?,
                ends: ends.as_deref().filter(|e| !e.trim().is_empty()).map(date).transpose()?,
                hours: DayHours::parse(hours)?,
            },
            ChangeRequest::Override { open, until } => {
                let until = match until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                    None => None,
                    Some(u) => {
                        Some(until_instant(u, now, tz).ok_or_else(|| HoursError::BadUntil(u.to_string()))?)
                    }
                };
                ChangeRule::Override { open: *open, from: now, until }
            }
        };
        rule.validate(now, tz)?;
        Ok(rule)
    }
}

/// "HH:MM": the next time the clock shows it (today, or tomorrow if passed);
/// "YYYY-MM-DDTHH:MM": that moment.
pub fn until_instant(text: &str, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
    if text.contains('T') || text.contains(' ') {
        let dt: jiff::civil::DateTime = text.replace(' ', "T").parse().ok()?;
        let time = ClockTime::new(dt.hour() as u16, dt.minute() as u16).ok()?;
        return Some(instant(tz, dt.date(), time));
    }
    let time = ClockTime::parse(text).ok()?;
    let today = now.to_zoned_datetime(tz.clone()).date();
    let at = instant(tz, today, time);
    Some(if at > now { at } else { instant(tz, today.tomorrow().ok()?, time) })
}

/// A change ended early by a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Ended {
    #[ts(type = "string")]
    pub at: Timestamp,
    pub by: StaffRef,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursChange {
    #[ts(type = "number")]
    pub id: i64,
    pub rule: ChangeRule,
    /// Why (audited, and shown as the reason for the hours).
    pub reason: String,
    pub made_by: StaffRef,
    #[ts(type = "string")]
    pub made_at: Timestamp,
    pub ended: Option<Ended>,
}

impl HoursChange {
    /// Whether the change can still apply at or after `now`.
    pub fn in_force_or_ahead(&self, now: Timestamp, tz: &TimeZone) -> bool {
        if self.ended.is_some() {
            return false;
        }
        match &self.rule {
            ChangeRule::Temporary { ends, .. } => {
                ends.is_none_or(|e| e >= now.to_zoned_datetime(tz.clone()).date())
            }
            ChangeRule::Override { until, .. } => until.is_none_or(|u| u > now),
        }
    }
}

/// Which rule decided: the layer and, for changes, which one and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decided {
    Weekly {
        #[ts(type = "string")]
        #[serde(with = "weekday_text")]
        weekday: Weekday,
    },
    SpecialDay {
        day: SpecialDay,
    },
    Temporary {
        #[ts(type = "number")]
        id: i64,
        reason: String,
    },
    Override {
        #[ts(type = "number")]
        id: i64,
        open: bool,
        reason: String,
    },
}

impl Decided {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Decided::Weekly { weekday }, Lang::Sv) => {
                format!("Ordinarie veckoschema ({})", weekday_name(*weekday, lang))
            }
            (Decided::Weekly { weekday }, Lang::En) => {
                format!("Regular weekly hours ({})", weekday_name(*weekday, lang))
            }
            (Decided::SpecialDay { day }, Lang::Sv) => format!("Särskild dag: {}", day.swedish()),
            (Decided::SpecialDay { day }, Lang::En) => format!("Special day: {}", day.english()),
            (Decided::Temporary { reason, .. }, Lang::Sv) => format!("Tillfällig ändring: {reason}"),
            (Decided::Temporary { reason, .. }, Lang::En) => format!("Temporary change: {reason}"),
            (Decided::Override { open: true, reason, .. }, Lang::Sv) => {
                format!("Öppnat nu av chef: {reason}")
            }
            (Decided::Override { open: true, reason, .. }, Lang::En) => {
                format!("Opened now by a manager: {reason}")
            }
            (Decided::Override { open: false, reason, .. }, Lang::Sv) => {
                format!("Stängt nu av chef: {reason}")
            }
            (Decided::Override { open: false, reason, .. }, Lang::En) => {
                format!("Closed now by a manager: {reason}")
            }
        }
    }
}

/// A sale started while the store was closed: what the hours said and who approved it. Kept
/// in the sale's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutsideHours {
    #[ts(type = "string")]
    pub at: Timestamp,
    /// The state then, e.g. "Stängt – öppnar i morgon 08:00".
    pub state: String,
    pub decided: Decided,
    /// The approving manager (a manager selling approves their own sale). Absent only when
    /// the store's approval setting lets cashiers sell outside hours.
    pub approved_by: Option<StaffRef>,
}

/// The hours in force now, and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursStatus {
    #[ts(type = "string")]
    pub at: Timestamp,
    pub open: bool,
    /// What decided the state now.
    pub decided: Decided,
    /// When the state began (absent if before yesterday).
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    /// When it next changes (absent if not within the coming week: closed or open until
    /// further notice).
    #[ts(type = "string | null")]
    pub next_change: Option<Timestamp>,
    /// Whole minutes until `next_change`, rounded up.
    #[ts(type = "number | null")]
    pub minutes_to_change: Option<i64>,
    /// Within the grace after closing: a sale may still start without approval.
    pub in_grace: bool,
    /// The next moment anything here changes other than the minutes counting down: a change
    /// of state, of the rule that decides, or the end of the grace.
    #[ts(type = "string | null")]
    pub refresh_at: Option<Timestamp>,
    /// "Öppet – stänger 21:00 (om 25 min)" and its English twin.
    pub summary_sv: String,
    pub summary_en: String,
    /// Why: `decided` in words ("Särskild dag: Julafton").
    pub reason_sv: String,
    pub reason_en: String,
}

/// One day as it will be, every rule applied: for the live view, the door sign and the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DayPlan {
    #[ts(type = "string")]
    pub date: Date,
    pub weekday_sv: String,
    pub weekday_en: String,
    /// Open intervals by the clock; a night opening shows as ending 24:00 and starting 00:00.
    pub intervals: Vec<Interval>,
    pub hours_sv: String,
    pub hours_en: String,
    pub special_day: Option<SpecialDay>,
    /// The rules that shaped the day, base rule first.
    pub decided: Vec<Decided>,
    /// The same in words.
    pub reasons_sv: Vec<String>,
    pub reasons_en: Vec<String>,
}

/// A special day and when it next falls, for the manager's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpecialDayDate {
    pub day: SpecialDay,
    pub name_sv: String,
    pub name_en: String,
    /// The next time it falls, today included.
    #[ts(type = "string")]
    pub date: Date,
}

/// Every special day by its next date from `today`, soonest first.
pub fn coming_special_days(today: Date) -> Vec<SpecialDayDate> {
    let mut out: Vec<SpecialDayDate> = SpecialDay::ALL
        .into_iter()
        .map(|day| {
            let this_year = day.date(today.year());
            let date = if this_year >= today { this_year } else { day.date(today.year() + 1) };
            SpecialDayDate { day, name_sv: day.swedish().into(), name_en: day.english().into(), date }
        })
        .collect();
    out.sort_by_key(|d| d.date);
    out
}

#[derive(Debug, Clone, PartialEq)]
struct Piece {
    from: Timestamp,
    to: Timestamp,
    open: bool,
    decided: Decided,
}

/// The standing hours plus the changes, in a time zone: asks what holds when.
#[derive(Debug, Clone, Copy)]
pub struct Schedule<'a> {
    pub hours: &'a OpeningHours,
    pub changes: &'a [HoursChange],
    pub tz: &'a TimeZone,
}

/// The instant a wall-clock time on `date` happens: a time in the spring gap takes effect when
/// the gap ends, a time in the autumn fold the first time round.
pub fn instant(tz: &TimeZone, date: Date, time: ClockTime) -> Timestamp {
    let (date, time) =
        if time >= END_OF_DAY { (date.tomorrow().unwrap_or(date), MIDNIGHT) } else { (date, time) };
    let ambiguous = tz.to_ambiguous_timestamp(time.civil(date));
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
            ambiguous.earlier().unwrap_or(Timestamp::MIN)
        }
        AmbiguousOffset::Gap { .. } => {
            // Just before the gap, then the transition that opens it.
            let before = ambiguous.earlier().unwrap_or(Timestamp::MIN);
            tz.following(before).next().map(|t| t.timestamp()).unwrap_or(before)
        }
    }
}

fn days(n: i64) -> jiff::Span {
    jiff::Span::new().days(n)
}

impl<'a> Schedule<'a> {
    pub fn new(hours: &'a OpeningHours, changes: &'a [HoursChange], tz: &'a TimeZone) -> Self {
        Schedule { hours, changes, tz }
    }

    fn start_of(&self, date: Date) -> Timestamp {
        instant(self.tz, date, MIDNIGHT)
    }

    fn date_of(&self, t: Timestamp) -> Date {
        t.to_zoned_datetime(self.tz.clone()).date()
    }

    /// The day's standing hours: its special-day hours or the week's.
    fn base(&self, date: Date) -> (&'a DayHours, Decided) {
        // When two special days fall together, the first with hours of its own decides.
        for day in SpecialDay::all_on(date) {
            if let Some(h) = self.hours.special(day) {
                return (h, Decided::SpecialDay { day });
            }
        }
        (self.hours.week.day(date.weekday()), Decided::Weekly { weekday: date.weekday() })
    }

    /// A day's hours as pieces covering the whole day.
    fn day_pieces(&self, date: Date, hours: &DayHours, decided: &Decided) -> Vec<Piece> {
        let end = self.start_of(date.tomorrow().unwrap_or(date));
        let mut out = Vec::new();
        let mut at = self.start_of(date);
        for i in hours.intervals() {
            let (from, to) = (instant(self.tz, date, i.opens), instant(self.tz, date, i.closes));
            if from > at {
                out.push(Piece { from: at, to: from, open: false, decided: decided.clone() });
            }
            if to > from {
                out.push(Piece { from: from.max(at), to, open: true, decided: decided.clone() });
                at = to;
            }
        }
        if end > at {
            out.push(Piece { from: at, to: end, open: false, decided: decided.clone() });
        }
        out
    }

    /// Every rule applied from the start of `first` to the start of the day after `last`.
    fn timeline(&self, first: Date, last: Date) -> Vec<Piece> {
        let (lo, hi) = (self.start_of(first), self.start_of(last.tomorrow().unwrap_or(last)));
        let mut line = Vec::new();
        let mut d = first;
        while d <= last {
            let (hours, decided) = self.base(d);
            line.extend(self.day_pieces(d, hours, &decided));
            d = d.tomorrow().unwrap_or(last.saturating_add(days(1)));
        }
        // Temporary changes, then overrides, each in the order made: later paints over earlier.
        let mut changes: Vec<&HoursChange> = self.changes.iter().collect();
        changes.sort_by_key(|c| (matches!(c.rule, ChangeRule::Override { .. }), c.made_at, c.id));
        for c in changes {
            let stop = c.ended.as_ref().map_or(Timestamp::MAX, |e| e.at);
            match &c.rule {
                ChangeRule::Temporary { starts, ends, hours } => {
                    let decided = Decided::Temporary { id: c.id, reason: c.reason.clone() };
                    let from = (*starts).max(first);
                    let to = ends.map_or(last, |e| e.min(last));
                    let mut d = from;
                    while d <= to {
                        for mut p in self.day_pieces(d, hours, &decided) {
                            p.to = p.to.min(stop);
                            if p.from < p.to {
                                paint(&mut line, p);
                            }
                        }
                        d = d.tomorrow().unwrap_or(to.saturating_add(days(1)));
                    }
                }
                ChangeRule::Override { open, from, until } => {
                    let to = until.unwrap_or(Timestamp::MAX).min(stop).min(hi);
                    let from = (*from).max(lo);
                    if from < to {
                        let decided = Decided::Override { id: c.id, open: *open, reason: c.reason.clone() };
                        paint(&mut line, Piece { from, to, open: *open, decided });
                    }
                }
            }
        }
        merge(line)
    }

    /// The state at `now`: open or closed, why, since when, and what comes next.
    pub fn status(&self, now: Timestamp) -> HoursStatus {
        let today = self.date_of(now);
        let line = self.timeline(today.saturating_sub(days(1)), today.saturating_add(days(8)));
        let i = line.iter().position(|p| p.from <= now && now < p.to).unwrap_or(0);
        let here = &line[i];
        let since = line[..i].iter().rposition(|p| p.open != here.open).map(|j| line[j + 1].from);
        let next_change = line[i..].iter().find(|p| p.open != here.open).map(|p| p.from);
        let minutes_to_change = next_change.map(|t| {
            let secs = t.duration_since(now).as_secs();
            (secs + 59).div_euclid(60)
        });
        let grace = SignedDuration::from_mins(i64::from(self.hours.grace_minutes));
        let in_grace = !here.open && since.is_some_and(|s| now.duration_since(s) < grace);
        let grace_ends = since.filter(|_| in_grace).map(|s| s + grace);
        let boundary = line.get(i + 1).map(|p| p.from);
        let refresh_at = [grace_ends, boundary].into_iter().flatten().min();
        let (summary_sv, summary_en) =
            self.summary(now, here.open, &here.decided, next_change, minutes_to_change);
        HoursStatus {
            at: now,
            open: here.open,
            since,
            next_change,
            minutes_to_change,
            in_grace,
            refresh_at,
            summary_sv,
            summary_en,
            reason_sv: here.decided.text(Lang::Sv),
            reason_en: here.decided.text(Lang::En),
            decided: here.decided.clone(),
        }
    }

    fn summary(
        &self,
        now: Timestamp,
        open: bool,
        decided: &Decided,
        next: Option<Timestamp>,
        minutes: Option<i64>,
    ) -> (String, String) {
        let Some(next) = next else {
            let by_change = matches!(decided, Decided::Temporary { .. } | Decided::Override { .. });
            return match (open, by_change) {
                (true, true) => ("Öppet tills vidare".into(), "Open until further notice".into()),
                (false, true) => ("Stängt tills vidare".into(), "Closed until further notice".into()),
                (true, false) => (
                    "Öppet – stänger inte den kommande veckan".into(),
                    "Open – no closing in the coming week".into(),
                ),
                (false, false) => (
                    "Stängt – öppnar inte den kommande veckan".into(),
                    "Closed – no opening in the coming week".into(),
                ),
            };
        };
        let z = next.to_zoned_datetime(self.tz.clone());
        let hm = z.strftime("%H:%M").to_string();
        let days_ahead = z.date().duration_since(self.date_of(now)).as_hours() / 24;
        let (when_sv, when_en) = match days_ahead {
            0 => (hm.clone(), hm.clone()),
            1 => (format!("i morgon {hm}"), format!("tomorrow {hm}")),
            _ => (
                format!("{} {hm}", weekday_name(z.weekday(), Lang::Sv)),
                format!("{} {hm}", weekday_name(z.weekday(), Lang::En)),
            ),
        };
        let minutes = minutes.unwrap_or(0);
        let soon = minutes <= 60;
        match (open, soon) {
            (true, true) => (
                format!("Öppet – stänger om {minutes} min ({when_sv})"),
                format!("Open – closing in {minutes} min ({when_en})"),
            ),
            (true, false) => (format!("Öppet – stänger {when_sv}"), format!("Open – closes {when_en}")),
            (false, true) => (
                format!("Stängt – öppnar om {minutes} min ({when_sv})"),
                format!("Closed – opening in {minutes} min ({when_en})"),
            ),
            (false, false) => (format!("Stängt – öppnar {when_sv}"), format!("Closed – opens {when_en}")),
        }
    }

    /// `n` days from `first`, every rule applied.
    pub fn days(&self, first: Date, n: i64) -> Vec<DayPlan> {
        let last = first.saturating_add(days(n - 1));
        let line = self.timeline(first, last);
        let mut out = Vec::new();
        let mut d = first;
        while d <= last {
            let (lo, hi) = (self.start_of(d), self.start_of(d.tomorrow().unwrap_or(d)));
            let wall = |t: Timestamp| {
                if t >= hi {
                    return END_OF_DAY;
                }
                let time = t.to_zoned_datetime(self.tz.clone()).time();
                ClockTime(time.hour() as u16 * 60 + time.minute() as u16)
            };
            let mut intervals: Vec<Interval> = Vec::new();
            let mut decided: Vec<Decided> = Vec::new();
            for p in line.iter().filter(|p| p.to > lo && p.from < hi) {
                if !decided.contains(&p.decided) {
                    decided.push(p.decided.clone());
                }
                if p.open {
                    let (opens, closes) = (wall(p.from.max(lo)), wall(p.to.min(hi)));
                    match intervals.last_mut() {
                        Some(last) if last.closes == opens => last.closes = closes,
                        _ if closes > opens => intervals.push(Interval { opens, closes }),
                        _ => {}
                    }
                }
            }
            out.push(DayPlan {
                date: d,
                weekday_sv: weekday_name(d.weekday(), Lang::Sv).into(),
                weekday_en: weekday_name(d.weekday(), Lang::En).into(),
                hours_sv: intervals_text(&intervals, Lang::Sv),
                hours_en: intervals_text(&intervals, Lang::En),
                intervals,
                special_day: SpecialDay::on(d),
                reasons_sv: decided.iter().map(|r| r.text(Lang::Sv)).collect(),
                reasons_en: decided.iter().map(|r| r.text(Lang::En)).collect(),
                decided,
            });
            d = d.tomorrow().unwrap_or(last.saturating_add(days(1)));
        }
        out
    }
}

/// Lays `new` over the timeline, cutting what it covers.
fn paint(line: &mut Vec<Piece>, new: Piece) {
    let mut out = Vec::with_capacity(line.len() + 2);
    for p in line.drain(..) {
        if p.to <= new.from || p.from >= new.to {
            out.push(p);
            continue;
        }
        if p.from < new.from {
            out.push(Piece { to: new.from, ..p.clone() });
        }
        if p.to > new.to {
            out.push(Piece { from: new.to, ..p });
        }
    }
    out.push(new);
    out.sort_by_key(|p| p.from);
    *line = out;
}

/// Joins neighbours with the same state and the same rule.
fn merge(line: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(line.len());
    for p in line {
        match out.last_mut() {
            Some(last) if last.open == p.open && last.decided == p.decided && last.to == p.from => {
                last.to = p.to
            }
            _ => out.push(p),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_hours_parse_in_the_ways_people_write_them() {
        let h = DayHours::parse("8-12, 13.00–20:00").unwrap();
        assert_eq!(h.to_string(), "08:00-12:00,13:00-20:00");
        assert_eq!(h.text(Lang::Sv), "08:00–12:00, 13:00–20:00");
        assert!(DayHours::parse("stängt").unwrap().is_closed());
        assert!(DayHours::parse(" Closed ").unwrap().is_closed());
        assert_eq!(DayHours::parse("13-20,08-12").unwrap().intervals()[0].opens.to_string(), "08:00");
        assert_eq!(DayHours::parse("22:00-24:00").unwrap().to_string(), "22:00-24:00");
        assert_eq!(
            DayHours::parse("10-12,12-14").unwrap().intervals().len(),
            2,
            "touching is not overlapping"
        );
    }

    #[test]
    fn bad_hours_get_clear_errors() {
        assert_eq!(
            DayHours::parse("17-09").unwrap_err(),
            HoursError::Backwards { opens: "17:00".into(), closes: "09:00".into() }
        );
        assert_eq!(
            DayHours::parse("08-12, 11-14").unwrap_err(),
            HoursError::Overlap { first: "08:00-12:00".into(), second: "11:00-14:00".into() }
        );
        assert_eq!(DayHours::parse("25:00-26:00").unwrap_err(), HoursError::BadTime("25:00".into()));
        assert_eq!(DayHours::parse("8:60-9").unwrap_err(), HoursError::BadTime("8:60".into()));
        assert_eq!(DayHours::parse("9 to 5").unwrap_err(), HoursError::BadInterval("9 to 5".into()));
        assert_eq!(
            DayHours::parse("10-10").unwrap_err(),
            HoursError::Backwards { opens: "10:00".into(), closes: "10:00".into() }
        );
        assert!(DayHours::parse("24:00-24:00").is_err());
        assert!(
            HoursError::Overlap { first: "a".into(), second: "b".into() }.swedish().contains("överlappar")
        );
    }

    #[test]
    fn hours_survive_json_as_text() {
        let mut h = OpeningHours::default();
        assert_eq!(h.week.sunday.to_string(), "00:00-24:00", "open around the clock until set");
        h.week.monday = DayHours::parse("8-12, 13-21").unwrap();
        h.special_days.push(SpecialDayHours { day: SpecialDay::Julafton, hours: DayHours::closed() });
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.contains("\"monday\":\"08:00-12:00,13:00-21:00\""), "{json}");
        assert!(json.contains("{\"day\":\"julafton\",\"hours\":\"closed\"}"), "{json}");
        assert_eq!(serde_json::from_str::<OpeningHours>(&json).unwrap(), h);
        assert!(serde_json::from_str::<DayHours>("\"12-08\"").is_err());
    }
}
