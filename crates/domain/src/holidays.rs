//! The Swedish public holidays and the eves that stores treat as special days, for any year.
//!
//! Easter by the computus (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"); the rest
//! hangs off Easter or is a fixed date or a weekday in a window:
//! midsommarafton is the Friday between 19 and 25 June (midsommardagen the Saturday after,
//! 20–26 June), alla helgons dag the Saturday between 31 October and 6 November.
//! Tests check 2024–2030 against a table made by an independent implementation.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SpecialDay {
    Nyarsdagen,
    TrettondedagJul,
    Langfredagen,
    Paskafton,
    Paskdagen,
    AnnandagPask,
    ForstaMaj,
    KristiHimmelsfard,
    Nationaldagen,
    Pingstdagen,
    Midsommarafton,
    Midsommardagen,
    AllaHelgonsDag,
    Julafton,
    Juldagen,
    AnnandagJul,
    Nyarsafton,
}

impl SpecialDay {
    pub const ALL: [SpecialDay; 17] = [
        SpecialDay::Nyarsdagen,
        SpecialDay::TrettondedagJul,
        SpecialDay::Langfredagen,
        SpecialDay::Paskafton,
        SpecialDay::Paskdagen,
        SpecialDay::AnnandagPask,
        SpecialDay::ForstaMaj,
        SpecialDay::KristiHimmelsfard,
        SpecialDay::Nationaldagen,
        SpecialDay::Pingstdagen,
        SpecialDay::Midsommarafton,
        SpecialDay::Midsommardagen,
        SpecialDay::AllaHelgonsDag,
        SpecialDay::Julafton,
        SpecialDay::Juldagen,
        SpecialDay::AnnandagJul,
        SpecialDay::Nyarsafton,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialDay::Nyarsdagen => "nyarsdagen",
            SpecialDay::TrettondedagJul => "trettondedag_jul",
            SpecialDay::Langfredagen => "langfredagen",
            SpecialDay::Paskafton => "paskafton",
            SpecialDay::Paskdagen => "paskdagen",
            SpecialDay::AnnandagPask => "annandag_pask",
            SpecialDay::ForstaMaj => "forsta_maj",
            SpecialDay::KristiHimmelsfard => "kristi_himmelsfard",
            SpecialDay::Nationaldagen => "nationaldagen",
            SpecialDay::Pingstdagen => "pingstdagen",
            SpecialDay::Midsommarafton => "midsommarafton",
            SpecialDay::Midsommardagen => "midsommardagen",
            SpecialDay::AllaHelgonsDag => "alla_helgons_dag",
            SpecialDay::Julafton => "julafton",
            SpecialDay::Juldagen => "juldagen",
            SpecialDay::AnnandagJul => "annandag_jul",
            SpecialDay::Nyarsafton => "nyarsafton",
        }
    }

    pub fn parse(s: &str) -> Option<SpecialDay> {
        SpecialDay::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn swedish(self) -> &'static str {
        match self {
            SpecialDay::Nyarsdagen => "Nyårsdagen",
            SpecialDay::TrettondedagJul => "Trettondedag jul",
            SpecialDay::Langfredagen => "Långfredagen",
            SpecialDay::Paskafton => "Påskafton",
            SpecialDay::Paskdagen => "Påskdagen",
            SpecialDay::AnnandagPask => "Annandag påsk",
            SpecialDay::ForstaMaj => "Första maj",
            SpecialDay::KristiHimmelsfard => "Kristi himmelsfärdsdag",
            SpecialDay::Nationaldagen => "Nationaldagen",
            SpecialDay::Pingstdagen => "Pingstdagen",
            SpecialDay::Midsommarafton => "Midsommarafton",
            SpecialDay::Midsommardagen => "Midsommardagen",
            SpecialDay::AllaHelgonsDag => "Alla helgons dag",
            SpecialDay::Julafton => "Julafton",
            SpecialDay::Juldagen => "Juldagen",
            SpecialDay::AnnandagJul => "Annandag jul",
            SpecialDay::Nyarsafton => "Nyårsafton",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            SpecialDay::Nyarsdagen => "New Year's Day",
            SpecialDay::TrettondedagJul => "Epiphany",
            SpecialDay::Langfredagen => "Good Friday",
            SpecialDay::Paskafton => "Easter Eve",
            SpecialDay::Paskdagen => "Easter Sunday",
            SpecialDay::AnnandagPask => "Easter Monday",
            SpecialDay::ForstaMaj => "May Day",
            SpecialDay::KristiHimmelsfard => "Ascension Day",
            SpecialDay::Nationaldagen => "National Day",
            SpecialDay::Pingstdagen => "Whit Sunday",
            SpecialDay::Midsommarafton => "Midsummer Eve",
            SpecialDay::Midsommardagen => "Midsummer Day",
            SpecialDay::AllaHelgonsDag => "All Saints' Day",
            SpecialDay::Julafton => "Christmas Eve",
            SpecialDay::Juldagen => "Christmas Day",
            SpecialDay::AnnandagJul => "Boxing Day",
            SpecialDay::Nyarsafton => "New Year's Eve",
        }
    }

    /// The day's date in `year` (1583–9999; the Gregorian calendar).
    pub fn date(self, year: i16) -> Date {
        let fixed = |m, d| Date::new(year, m, d).unwrap_or_default();
        let easter = easter_sunday(year);
        let from_easter = |days: i32| easter.saturating_add(jiff::Span::new().days(days));
        // The first `weekday` on or after month/day.
        let first = |weekday: Weekday, m, d| {
            let start = fixed(m, d);
            start.saturating_add(jiff::Span::new().days(i32::from(start.weekday().until(weekday))))
        };
        match self {
            SpecialDay::Nyarsdagen => fixed(1, 1),
            SpecialDay::TrettondedagJul => fixed(1, 6),
            SpecialDay::Langfredagen => from_easter(-2),
            SpecialDay::Paskafton => from_easter(-1),
            SpecialDay::Paskdagen => easter,
            SpecialDay::AnnandagPask => from_easter(1),
            SpecialDay::ForstaMaj => fixed(5, 1),
            SpecialDay::KristiHimmelsfard => from_easter(39),
            SpecialDay::Nationaldagen => fixed(6, 6),
            SpecialDay::Pingstdagen => from_easter(49),
            SpecialDay::Midsommarafton => first(Weekday::Friday, 6, 19),
            SpecialDay::Midsommardagen => first(Weekday::Saturday, 6, 20),
            SpecialDay::AllaHelgonsDag => first(Weekday::Saturday, 10, 31),
            SpecialDay::Julafton => fixed(12, 24),
            SpecialDay::Juldagen => fixed(12, 25),
            SpecialDay::AnnandagJul => fixed(12, 26),
            SpecialDay::Nyarsafton => fixed(12, 31),
        }
    }

    /// The special day falling on `date`, if any (the first in calendar order when two fall
    /// together, as Kristi himmelsfärd and första maj do in 2008 and 2160).
    pub fn on(date: Date) -> Option<SpecialDay> {
        SpecialDay::all_on(date).next()
    }

    /// Every special day falling on `date`, in calendar order.
    pub fn all_on(date: Date) -> impl Iterator<Item = SpecialDay> {
        SpecialDay::ALL.into_iter().filter(move |d| d.date(date.year()) == date)
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction.
    Date::new(year, month as i8, day as i8).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_for_known_years_including_the_extremes() {
        // The earliest (22 March) and latest (25 April) possible Easters, and ordinary ones.
        assert_eq!(easter_sunday(1818), date(1818, 3, 22));
        assert_eq!(easter_sunday(2285), date(2285, 3, 22));
        assert_eq!(easter_sunday(1943), date(1943, 4, 25));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
        assert_eq!(easter_sunday(2000), date(2000, 4, 23));
        assert_eq!(easter_sunday(2019), date(2019, 4, 21));
    }

    #[test]
    fn midsommar_and_alla_helgon_stay_in_their_windows_every_year() {
        for year in 1900..2200 {
            let eve = SpecialDay::Midsommarafton.date(year);
            assert_eq!(eve.weekday(), Weekday::Friday);
            assert!((19..=25).contains(&eve.day()) && eve.month() == 6, "{eve}");
            assert_eq!(SpecialDay::Midsommardagen.date(year), eve.tomorrow().unwrap_or(eve));
            let saints = SpecialDay::AllaHelgonsDag.date(year);
            assert_eq!(saints.weekday(), Weekday::Saturday);
            assert!(saints >= date(year, 10, 31) && saints <= date(year, 11, 6), "{saints}");
        }
    }

    #[test]
    fn names_parse_back() {
        for d in SpecialDay::ALL {
            assert_eq!(SpecialDay::parse(d.as_str()), Some(d));
        }
        assert_eq!(SpecialDay::on(date(2026, 6, 19)), Some(SpecialDay::Midsommarafton));
        assert_eq!(SpecialDay::on(date(2026, 6, 18)), None);
        // Two on one date: pingstdagen is nationaldagen in 2049.
        let both: Vec<SpecialDay> = SpecialDay::all_on(date(2049, 6, 6)).collect();
        assert_eq!(both, vec![SpecialDay::Nationaldagen, SpecialDay::Pingstdagen]);
    }
}
