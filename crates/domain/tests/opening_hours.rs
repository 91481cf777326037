//! Opening hours against the calendar: holidays from an independent table, precedence of the
//! rules, the nights the clocks change, and the grace after closing.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use storekeep_domain::holidays::SpecialDay;
use storekeep_domain::hours::{
    ChangeRule, DayHours, Decided, Ended, HoursChange, OpeningHours, Schedule, SpecialDayHours, Week,
};
use storekeep_domain::staff::StaffRef;

fn tz() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap()
}

/// A moment on the store's clock (the first 02:xx on the night clocks go back).
fn at(d: Date, h: i8, m: i8) -> Timestamp {
    d.at(h, m, 0, 0).to_zoned_datetime(tz()).unwrap().timestamp()
}

fn utc(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn hours(week: &str) -> OpeningHours {
    OpeningHours {
        week: Week::every_day(&DayHours::parse(week).unwrap()),
        special_days: vec![],
        grace_minutes: 10,
    }
}

fn manager() -> StaffRef {
    StaffRef { id: 1, name: "Maria".into() }
}

fn change(id: i64, rule: ChangeRule, reason: &str, made_at: Timestamp) -> HoursChange {
    HoursChange { id, rule, reason: reason.into(), made_by: manager(), made_at, ended: None }
}

#[test]
fn holidays_2024_to_2030_match_an_independent_table() {
    let table = include_str!("data/swedish_holidays_2024_2030.tsv");
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let expected: Date = cols[0].parse().unwrap();
        let day = SpecialDay::parse(cols[1]).unwrap_or_else(|| panic!("unknown day {}", cols[1]));
        assert_eq!(day.date(expected.year()), expected, "{} {}", cols[2], expected.year());
        assert_eq!(SpecialDay::on(expected), Some(day));
        rows += 1;
    }
    assert_eq!(rows, 17 * 7, "every special day of every year is in the table");
}

#[test]
fn precedence_is_override_then_temporary_then_special_day_then_weekly() {
    let mut h = hours("08:00-21:00");
    h.special_days
        .push(SpecialDayHours { day: SpecialDay::Julafton, hours: DayHours::parse("08-13").unwrap() });
    let tz = tz();
    let eve = date(2026, 12, 24);
    let made = at(date(2026, 12, 1), 9, 0);

    // Weekly on an ordinary day, the special day on julafton.
    let s = Schedule::new(&h, &[], &tz);
    assert!(matches!(s.status(at(date(2026, 12, 23), 20, 0)).decided, Decided::Weekly { .. }));
    let st = s.status(at(eve, 14, 0));
    assert!(!st.open);
    assert_eq!(st.decided, Decided::SpecialDay { day: SpecialDay::Julafton });

    // A temporary change beats the special day.
    let temp = change(
        1,
        ChangeRule::Temporary { starts: eve, ends: Some(eve), hours: DayHours::parse("10-16").unwrap() },
        "Extra öppet",
        made,
    );
    let changes = vec![temp.clone()];
    let s = Schedule::new(&h, &changes, &tz);
    let st = s.status(at(eve, 14, 0));
    assert!(st.open);
    assert_eq!(st.decided, Decided::Temporary { id: 1, reason: "Extra öppet".into() });
    assert!(!s.status(at(eve, 9, 0)).open, "the temporary hours replace the day's, mornings included");

    // An override beats the temporary change, for as long as it lasts.
    let close = change(
        2,
        ChangeRule::Override { open: false, from: at(eve, 11, 0), until: Some(at(eve, 12, 0)) },
        "IT-incident",
        at(eve, 11, 0),
    );
    let changes = vec![close.clone(), temp.clone()];
    let s = Schedule::new(&h, &changes, &tz);
    let st = s.status(at(eve, 11, 30));
    assert!(!st.open);
    assert_eq!(st.decided, Decided::Override { id: 2, open: false, reason: "IT-incident".into() });
    assert_eq!(st.next_change, Some(at(eve, 12, 0)));
    assert!(s.status(at(eve, 12, 0)).open);
    let plan = &s.days(eve, 1)[0];
    assert_eq!(plan.hours_sv, "10:00–11:00, 12:00–16:00");
    assert_eq!(
        plan.decided,
        vec![
            Decided::Temporary { id: 1, reason: "Extra öppet".into() },
            Decided::Override { id: 2, open: false, reason: "IT-incident".into() }
        ],
        "the temporary change covers the whole day, so the special day no longer shapes it"
    );
    assert_eq!(plan.special_day, Some(SpecialDay::Julafton));

    // Ended early, a change no longer applies from the moment it ended.
    let mut ended = close;
    ended.ended = Some(Ended { at: at(eve, 11, 15), by: manager(), reason: "Fixat".into() });
    let changes = vec![ended, temp];
    let s = Schedule::new(&h, &changes, &tz);
    assert!(!s.status(at(eve, 11, 10)).open);
    assert!(s.status(at(eve, 11, 20)).open);
}

#[test]
fn the_later_of_two_overlapping_changes_wins() {
    let h = hours("08:00-21:00");
    let tz = tz();
    let d = date(2026, 11, 30);
    let first = change(
        1,
        ChangeRule::Temporary { starts: d, ends: None, hours: DayHours::closed() },
        "Stängt tills vidare – IT-incident",
        at(d, 7, 0),
    );
    let second = change(
        2,
        ChangeRule::Temporary { starts: d, ends: Some(d), hours: DayHours::parse("10-16").unwrap() },
        "Öppet 10–16 i dag",
        at(d, 7, 30),
    );
    let changes = vec![second, first];
    let s = Schedule::new(&h, &changes, &tz);
    assert!(s.status(at(d, 12, 0)).open);
    let tomorrow = s.status(at(date(2026, 12, 1), 12, 0));
    assert!(!tomorrow.open);
    assert_eq!(tomorrow.next_change, None, "closed until further notice");
    assert_eq!(tomorrow.summary_sv, "Stängt tills vidare");
    assert_eq!(tomorrow.summary_en, "Closed until further notice");
}

#[test]
fn closing_soon_opening_at_and_lunch() {
    let h = hours("08:00-12:00, 13:00-21:00");
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    let d = date(2026, 11, 27); // a Friday
    let st = s.status(at(d, 20, 35));
    assert!(st.open);
    assert_eq!(st.minutes_to_change, Some(25));
    assert_eq!(st.summary_sv, "Öppet – stänger om 25 min (21:00)");
    assert_eq!(st.summary_en, "Open – closing in 25 min (21:00)");
    let lunch = s.status(at(d, 12, 30));
    assert!(!lunch.open);
    assert_eq!(lunch.summary_sv, "Stängt – öppnar om 30 min (13:00)");
    assert_eq!(lunch.since, Some(at(d, 12, 0)));
    let night = s.status(at(d, 23, 0));
    assert_eq!(night.summary_sv, "Stängt – öppnar i morgon 08:00");
    assert_eq!(night.summary_en, "Closed – opens tomorrow 08:00");
    assert_eq!(s.status(at(d, 10, 0)).summary_sv, "Öppet – stänger 12:00");
}

#[test]
fn grace_after_closing_lasts_the_set_minutes() {
    let h = hours("08:00-21:00");
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    let d = date(2026, 11, 27);
    assert!(s.status(at(d, 21, 0)).in_grace);
    assert!(s.status(at(d, 21, 9) + SignedDuration::from_secs(59)).in_grace);
    assert!(!s.status(at(d, 21, 10)).in_grace);
    assert!(!s.status(at(d, 7, 55)).in_grace, "before opening is not after closing");
    assert!(!s.status(at(d, 20, 0)).in_grace, "open is not grace");
}

/// A night shop: 22:00–24:00 every day and 00:00–06:00 every day.
fn night_shop() -> OpeningHours {
    hours("00:00-06:00, 22:00-24:00")
}

#[test]
fn the_night_clocks_go_back_has_an_hour_more() {
    // 25 October 2026: at 03:00 summer time the clocks go back to 02:00.
    let h = night_shop();
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    let sat = at(date(2026, 10, 24), 23, 0);
    assert_eq!(sat, utc("2026-10-24T21:00:00Z"));
    let st = s.status(sat);
    assert!(st.open);
    assert_eq!(st.next_change, Some(utc("2026-10-25T05:00:00Z")), "06:00 winter time");
    assert_eq!(st.minutes_to_change, Some(8 * 60), "eight hours by the real clock, seven on the wall");
    // The second time the clock shows 02:30 (01:30 UTC): still open, 3½ hours to go.
    let second = s.status(utc("2026-10-25T01:30:00Z"));
    assert!(second.open);
    assert_eq!(second.minutes_to_change, Some(210));
    let first = s.status(utc("2026-10-25T00:30:00Z"));
    assert_eq!(first.minutes_to_change, Some(270), "the first 02:30 is an hour further from closing");
    // An ordinary shop: closed Saturday 21:30 to Sunday 08:00 is 11½ hours that night.
    let h = hours("08:00-21:00");
    let s = Schedule::new(&h, &[], &tz);
    let st = s.status(at(date(2026, 10, 24), 21, 30));
    assert_eq!(st.next_change, Some(utc("2026-10-25T07:00:00Z")));
    assert_eq!(st.minutes_to_change, Some(11 * 60 + 30));
    assert_eq!(s.days(date(2026, 10, 25), 1)[0].hours_sv, "08:00–21:00");
}

#[test]
fn the_night_clocks_go_forward_has_an_hour_less() {
    // 29 March 2026: at 02:00 winter time the clocks go forward to 03:00.
    let h = night_shop();
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    let st = s.status(at(date(2026, 3, 28), 23, 0));
    assert_eq!(st.next_change, Some(utc("2026-03-29T04:00:00Z")), "06:00 summer time");
    assert_eq!(st.minutes_to_change, Some(6 * 60), "six hours by the real clock, seven on the wall");
    assert_eq!(s.status(utc("2026-03-29T00:30:00Z")).minutes_to_change, Some(210)); // 01:30 → 06:00
    // Opening at 02:30, a time that does not exist that night, takes effect at 03:00.
    let h = hours("02:30-10:00");
    let s = Schedule::new(&h, &[], &tz);
    assert!(!s.status(utc("2026-03-29T00:59:59Z")).open);
    assert!(s.status(utc("2026-03-29T01:00:00Z")).open, "03:00 summer time");
    assert_eq!(s.status(utc("2026-03-29T00:30:00Z")).next_change, Some(utc("2026-03-29T01:00:00Z")));
    assert_eq!(s.days(date(2026, 3, 29), 1)[0].hours_sv, "03:00–10:00");
}

#[test]
fn open_now_and_close_now_until_further_notice() {
    let h = hours("08:00-21:00");
    let tz = tz();
    let d = date(2026, 11, 27);
    let open = change(
        1,
        ChangeRule::Override { open: true, from: at(d, 21, 0), until: Some(at(d, 22, 30)) },
        "Sista kunderna",
        at(d, 21, 0),
    );
    let close = change(
        2,
        ChangeRule::Override { open: false, from: at(d, 14, 0), until: None },
        "Kassasystemet nere",
        at(d, 14, 0),
    );
    let changes = vec![open.clone()];
    let s = Schedule::new(&h, &changes, &tz);
    let st = s.status(at(d, 21, 15));
    assert!(st.open);
    assert_eq!(st.minutes_to_change, Some(75));
    assert_eq!(s.days(d, 1)[0].hours_sv, "08:00–22:30");

    let changes = vec![close];
    let s = Schedule::new(&h, &changes, &tz);
    let st = s.status(at(d, 15, 0));
    assert!(!st.open);
    assert_eq!(st.next_change, None);
    assert_eq!(st.since, Some(at(d, 14, 0)));
    let plan = s.days(d, 3);
    assert_eq!(plan[0].hours_sv, "08:00–14:00");
    assert_eq!(plan[1].hours_en, "Closed");
    assert!(matches!(plan[2].decided[..], [Decided::Override { open: false, .. }]));
}

#[test]
fn changes_that_end_before_they_start_or_in_the_past_are_refused() {
    let tz = tz();
    let now = at(date(2026, 11, 27), 12, 0);
    let backwards = ChangeRule::Temporary {
        starts: date(2026, 11, 30),
        ends: Some(date(2026, 11, 29)),
        hours: DayHours::closed(),
    };
    assert!(backwards.validate(now, &tz).unwrap_err().to_string().contains("before it starts"));
    let past = ChangeRule::Override { open: false, from: now, until: Some(at(date(2026, 11, 27), 11, 0)) };
    assert!(past.validate(now, &tz).is_err());
    let fine = ChangeRule::Override { open: false, from: now, until: None };
    assert!(fine.validate(now, &tz).is_ok());
}

#[test]
fn change_requests_as_typed_become_rules_or_clear_errors() {
    use storekeep_domain::hours::{ChangeRequest, HoursError, OpeningHoursForm};
    let tz = tz();
    let now = at(date(2026, 11, 27), 22, 0);
    // "until 06:00" at 22:00 means tomorrow morning; "until 23:00" means tonight.
    let close = |until: &str| ChangeRequest::Override { open: false, until: Some(until.into()) };
    let rule = close("06:00").to_rule(now, &tz).unwrap();
    assert_eq!(
        rule,
        ChangeRule::Override { open: false, from: now, until: Some(at(date(2026, 11, 28), 6, 0)) }
    );
    let rule = close("23:00").to_rule(now, &tz).unwrap();
    assert_eq!(
        rule,
        ChangeRule::Override { open: false, from: now, until: Some(at(date(2026, 11, 27), 23, 0)) }
    );
    let rule = close("2026-11-30T08:00").to_rule(now, &tz).unwrap();
    assert_eq!(
        rule,
        ChangeRule::Override { open: false, from: now, until: Some(at(date(2026, 11, 30), 8, 0)) }
    );
    assert_eq!(close("halv sju").to_rule(now, &tz).unwrap_err(), HoursError::BadUntil("halv sju".into()));
    assert!(close("2026-11-27T21:00").to_rule(now, &tz).is_err(), "already passed");
    let open = ChangeRequest::Override { open: true, until: Some("  ".into()) };
    assert_eq!(open.to_rule(now, &tz).unwrap(), ChangeRule::Override { open: true, from: now, until: None });

    let temp = ChangeRequest::Temporary {
        starts: "2026-11-28".into(),
        ends: Some("".into()),
        hours: "stängt".into(),
    };
    assert_eq!(
        temp.to_rule(now, &tz).unwrap(),
        ChangeRule::Temporary { starts: date(2026, 11, 28), ends: None, hours: DayHours::closed() }
    );
    let bad = ChangeRequest::Temporary { starts: "28/11".into(), ends: None, hours: "10-16".into() };
    assert_eq!(bad.to_rule(now, &tz).unwrap_err().swedish(), "\"28/11\" är inget datum: skriv ÅÅÅÅ-MM-DD");

    // The week as typed: every error names the day, in both languages.
    let mut form = OpeningHoursForm::from_hours(&hours("08-21"));
    assert_eq!(form.parse().unwrap(), hours("08-21"));
    form.week[5] = "10-9".into();
    let e = form.parse().unwrap_err();
    assert!(e.to_string().starts_with("Saturday: The interval 10:00-09:00"), "{e}");
    assert!(e.swedish().starts_with("Lördag: Intervallet 10:00-09:00"), "{}", e.swedish());
    form.week.pop();
    assert!(form.parse().is_err(), "a week has seven days");
}

#[test]
fn a_night_shop_s_days_on_the_nights_the_clocks_change() {
    let h = night_shop();
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    for d in [date(2026, 3, 29), date(2026, 10, 25)] {
        let plan = &s.days(d, 1)[0];
        assert_eq!(plan.hours_sv, "00:00–06:00, 22:00–24:00", "{d}");
        assert_eq!(plan.intervals.last().unwrap().closes.to_string(), "24:00");
    }
    // Saturday 22:00 to Sunday 06:00 is one opening: no change at midnight.
    let st = s.status(at(date(2026, 10, 24), 23, 59));
    assert_eq!(st.next_change, Some(utc("2026-10-25T05:00:00Z")));
}

#[test]
fn refresh_comes_at_the_end_of_the_grace_and_when_the_rule_changes() {
    let h = hours("08:00-21:00");
    let tz = tz();
    let d = date(2026, 11, 27);
    let s = Schedule::new(&h, &[], &tz);
    // Just closed: the next thing to change is the end of the grace, not tomorrow's opening.
    assert_eq!(s.status(at(d, 21, 2)).refresh_at, Some(at(d, 21, 10)));
    // Open now until 20:00 inside the ordinary hours: still open after, but for another reason.
    let open = change(
        1,
        ChangeRule::Override { open: true, from: at(d, 19, 0), until: Some(at(d, 20, 0)) },
        "Extra",
        at(d, 19, 0),
    );
    let changes = vec![open];
    let s = Schedule::new(&h, &changes, &tz);
    let st = s.status(at(d, 19, 30));
    assert_eq!(st.next_change, Some(at(d, 21, 0)));
    assert_eq!(st.refresh_at, Some(at(d, 20, 0)));
}

#[test]
fn when_two_special_days_fall_together_the_one_with_hours_decides() {
    // 6 June 2049 is both nationaldagen and pingstdagen.
    let mut h = hours("08:00-21:00");
    h.special_days.push(SpecialDayHours { day: SpecialDay::Pingstdagen, hours: DayHours::closed() });
    let tz = tz();
    let s = Schedule::new(&h, &[], &tz);
    let st = s.status(at(date(2049, 6, 6), 12, 0));
    assert!(!st.open);
    assert_eq!(st.decided, Decided::SpecialDay { day: SpecialDay::Pingstdagen });
    assert_eq!(st.reason_sv, "Särskild dag: Pingstdagen");
}
