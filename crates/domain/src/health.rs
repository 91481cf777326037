//! Health of the store's dependencies (issue 8, the rules only): each dependency's level from
//! its probes' outcomes, with hysteresis so that a flapping link does not flip the store back
//! and forth, and the store mode that follows. Pure: the backend runs the probes on its own
//! clock and feeds the outcomes in; nothing here waits or reads the time.
//!
//! At the default settings a dependency turns red within 3 seconds of the first failed probe:
//! probes run every second with a one-second timeout, and two failures in a row make red, so
//! the second failure is known at most 2 s after the first probe that failed began.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the store depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Dependency {
    Hq,
    CardAcquirer,
    Swish,
    ScanAndPayService,
    PriceFeed,
    ReceiptPrinter,
    ControlUnit,
    Internet,
}

impl Dependency {
    pub const ALL: [Dependency; 8] = [
        Dependency::Hq,
        Dependency::CardAcquirer,
        Dependency::Swish,
        Dependency::ScanAndPayService,
        Dependency::PriceFeed,
        Dependency::ReceiptPrinter,
        Dependency::ControlUnit,
        Dependency::Internet,
    ];

    /// Its name, in Swedish and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Dependency::Hq => ("Huvudkontoret (HK)", "Head office (HQ)"),
            Dependency::CardAcquirer => ("Kortinlösen", "Card acquirer"),
            Dependency::Swish => ("Swish", "Swish"),
            Dependency::ScanAndPayService => ("Scan & Pay-tjänsten", "Scan & Pay service"),
            Dependency::PriceFeed => ("Prisflödet", "Price feed"),
            Dependency::ReceiptPrinter => ("Kvittoskrivaren", "Receipt printer"),
            Dependency::ControlUnit => ("Kontrollenheten", "Control unit"),
            Dependency::Internet => ("Internet", "Internet"),
        }
    }

    /// What losing it means at the till, in Swedish and English.
    pub fn impact(self) -> (&'static str, &'static str) {
        match self {
            Dependency::Hq => (
                "Försäljningen fortsätter; registreringarna väntar lokalt och skickas när HK svarar igen",
                "Selling goes on; registrations wait locally and are sent when HQ answers again",
            ),
            Dependency::CardAcquirer => (
                "Kort kan bara tas offline inom taken, om reglerna tillåter det",
                "Cards can only be taken offline within the caps, if the rules allow it",
            ),
            Dependency::Swish => ("Swish kan inte tas", "Swish cannot be taken"),
            Dependency::ScanAndPayService => (
                "Nya Scan & Pay-köp kommer inte fram till butiken",
                "New Scan & Pay purchases do not reach the store",
            ),
            Dependency::PriceFeed => (
                "Priserna är de senast hämtade; nya priser väntar",
                "Prices are the last ones fetched; new prices wait",
            ),
            Dependency::ReceiptPrinter => (
                "Kvitton kan inte skrivas ut; erbjud e-kvitto",
                "Receipts cannot be printed; offer an e-receipt",
            ),
            Dependency::ControlUnit => (
                "Kontrollenhetens policy avgör om försäljningen fortsätter",
                "The control unit's policy decides whether selling goes on",
            ),
            Dependency::Internet => (
                "Allt utanför butiken nås inte; kontanter och offlinekort fungerar",
                "Nothing outside the store is reached; cash and offline card work",
            ),
        }
    }
}

/// Green: answering. Amber: a probe failed, not yet enough to call it down (or not yet enough
/// successes to call it back). Red: down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Green,
    Amber,
    Red,
}

/// How a dependency is probed and judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProbeSettings {
    /// Time between the starts of two probes.
    #[ts(type = "number")]
    pub interval_ms: u64,
    /// A probe with no answer by then has failed.
    #[ts(type = "number")]
    pub timeout_ms: u64,
    /// Failures in a row that make it red.
    pub fail_after: u32,
    /// Successes in a row that make it green again (after amber or red).
    pub recover_after: u32,
}

impl Default for ProbeSettings {
    fn default() -> ProbeSettings {
        ProbeSettings { interval_ms: 1_000, timeout_ms: 1_000, fail_after: 2, recover_after: 3 }
    }
}

impl ProbeSettings {
    /// The longest time from the start of the first failed probe to red: `fail_after` probes,
    /// each started an interval after the last and failing at its timeout at the latest.
    pub fn worst_detection(&self) -> SignedDuration {
        let probes = i64::from(self.fail_after.max(1));
        let ms = (probes - 1) * i64::try_from(self.interval_ms.max(self.timeout_ms)).unwrap_or(i64::MAX / 4)
            + i64::try_from(self.timeout_ms).unwrap_or(i64::MAX / 4);
        SignedDuration::from_millis(ms)
    }
}

/// One probe's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// No answer within the timeout.
    Timeout,
    /// An answer that says it is not well, or a connection refused: what it said.
    Failed {
        detail: String,
    },
}

/// A dependency's level as judged so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Tracker {
    pub dependency: Dependency,
    pub level: Level,
    /// When the level last changed (`None`: it has been green since the start).
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    #[ts(type = "string | null")]
    pub last_ok: Option<Timestamp>,
    /// The last failure, if any: when and what.
    #[ts(type = "string | null")]
    pub last_failure_at: Option<Timestamp>,
    pub last_failure: Option<String>,
    pub failures_in_a_row: u32,
    pub successes_in_a_row: u32,
}

/// A change of level, for the journal and the incident timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Transition {
    pub dependency: Dependency,
    pub from: Level,
    pub to: Level,
    #[ts(type = "string")]
    pub at: Timestamp,
    /// The failure that caused it (none for a recovery).
    pub detail: Option<String>,
}

impl Tracker {
    /// Green, never probed.
    pub fn new(dependency: Dependency) -> Tracker {
        Tracker {
            dependency,
            level: Level::Green,
            since: None,
            last_ok: None,
            last_failure_at: None,
            last_failure: None,
            failures_in_a_row: 0,
            successes_in_a_row: 0,
        }
    }

    /// Takes one probe's outcome (the probe finished at `at`); returns the change of level, if
    /// any. A failure makes green amber at once and red after `fail_after` in a row; only
    /// `recover_after` successes in a row make amber or red green again, so a link that
    /// alternates stays amber and the store mode does not flip.
    pub fn observe(
        &mut self,
        outcome: &Outcome,
        at: Timestamp,
        settings: &ProbeSettings,
    ) -> Option<Transition> {
        let before = self.level;
        let mut detail = None;
        match outcome {
            Outcome::Ok => {
                self.last_ok = Some(at);
                self.failures_in_a_row = 0;
                self.successes_in_a_row = self.successes_in_a_row.saturating_add(1);
                if self.level != Level::Green && self.successes_in_a_row >= settings.recover_after.max(1) {
                    self.level = Level::Green;
                }
            }
            Outcome::Timeout | Outcome::Failed { .. } => {
                let what = match outcome {
                    Outcome::Failed { detail } => detail.clone(),
                    _ => format!("no answer within {} ms", settings.timeout_ms),
                };
                self.last_failure_at = Some(at);
                self.last_failure = Some(what.clone());
                detail = Some(what);
                self.successes_in_a_row = 0;
                self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
                // Red stays red until it recovers; otherwise enough failures in a row make red.
                self.level =
                    if self.level == Level::Red || self.failures_in_a_row >= settings.fail_after.max(1) {
                        Level::Red
                    } else {
                        Level::Amber
                    };
            }
        }
        (self.level != before).then(|| {
            self.since = Some(at);
            Transition { dependency: self.dependency, from: before, to: self.level, at, detail }
        })
    }
}

/// How the store runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoreMode {
    Normal,
    /// Selling goes on without these (red).
    Degraded {
        lost: Vec<Dependency>,
    },
    /// All inbound remote control cut by a manager (or by policy); selling goes on. What is
    /// down meanwhile is still listed.
    Island {
        lost: Vec<Dependency>,
    },
}

/// The store mode from the dependencies' levels and the island switch. Amber is a warning, not
/// a mode: only red counts as lost.
pub fn store_mode<'a>(trackers: impl IntoIterator<Item = &'a Tracker>, island: bool) -> StoreMode {
    let mut lost: Vec<Dependency> =
        trackers.into_iter().filter(|t| t.level == Level::Red).map(|t| t.dependency).collect();
    lost.sort();
    lost.dedup();
    match (island, lost.is_empty()) {
        (true, _) => StoreMode::Island { lost },
        (false, true) => StoreMode::Normal,
        (false, false) => StoreMode::Degraded { lost },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        "2026-11-28T10:00:00Z".parse().unwrap()
    }

    fn at(ms: i64) -> Timestamp {
        t0() + SignedDuration::from_millis(ms)
    }

    fn fail() -> Outcome {
        Outcome::Failed { detail: "connection refused".into() }
    }

    /// Levels after each outcome, from green.
    fn levels(outcomes: &[Outcome], settings: &ProbeSettings) -> Vec<Level> {
        let mut t = Tracker::new(Dependency::Hq);
        outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| {
                t.observe(o, at(i as i64 * 1_000), settings);
                t.level
            })
            .collect()
    }

    #[test]
    fn levels_follow_the_probes_with_hysteresis_as_a_table() {
        use Level::*;
        let s = ProbeSettings::default();
        let ok = || Outcome::Ok;
        let cases: Vec<(Vec<Outcome>, Vec<Level>)> = vec![
            (vec![ok(), ok()], vec![Green, Green]),
            (vec![fail()], vec![Amber]),
            (vec![fail(), Outcome::Timeout], vec![Amber, Red]),
            (vec![fail(), ok(), ok(), ok()], vec![Amber, Amber, Amber, Green]),
            (vec![fail(), fail(), ok(), ok(), ok()], vec![Amber, Red, Red, Red, Green]),
            // Flapping: never two failures nor three successes in a row, so it stays amber.
            (vec![fail(), ok(), fail(), ok(), fail(), ok()], vec![Amber; 6]),
            // Red stays red through a single success.
            (vec![fail(), fail(), ok(), fail(), ok(), ok()], vec![Amber, Red, Red, Red, Red, Red]),
        ];
        for (outcomes, expected) in cases {
            assert_eq!(levels(&outcomes, &s), expected, "{outcomes:?}");
        }
    }

    #[test]
    fn a_failure_is_detected_within_three_seconds_at_the_defaults() {
        let s = ProbeSettings::default();
        assert!(s.worst_detection() <= SignedDuration::from_secs(3), "{:?}", s.worst_detection());
        // The first failed probe starts at 0 and times out at 1 s; the next starts at 1 s and
        // times out at 2 s: red then.
        let mut t = Tracker::new(Dependency::CardAcquirer);
        assert!(t.observe(&Outcome::Ok, at(-1_000), &s).is_none());
        let amber = t.observe(&Outcome::Timeout, at(1_000), &s).unwrap();
        assert_eq!((amber.from, amber.to), (Level::Green, Level::Amber));
        let red = t.observe(&Outcome::Timeout, at(2_000), &s).unwrap();
        assert_eq!((red.to, red.at), (Level::Red, at(2_000)));
        assert!(red.at.duration_since(t0()) <= SignedDuration::from_secs(3));
        assert_eq!(t.since, Some(at(2_000)));
        assert_eq!(red.detail.as_deref(), Some("no answer within 1000 ms"));
        // Slower settings say so.
        let slow = ProbeSettings { interval_ms: 5_000, timeout_ms: 2_000, fail_after: 3, recover_after: 3 };
        assert_eq!(slow.worst_detection(), SignedDuration::from_secs(12));
    }

    #[test]
    fn the_store_mode_counts_only_red() {
        let s = ProbeSettings::default();
        let mut hq = Tracker::new(Dependency::Hq);
        let mut swish = Tracker::new(Dependency::Swish);
        assert_eq!(store_mode([&hq, &swish], false), StoreMode::Normal);
        swish.observe(&fail(), at(0), &s);
        assert_eq!(store_mode([&hq, &swish], false), StoreMode::Normal, "amber is a warning");
        swish.observe(&fail(), at(1_000), &s);
        hq.observe(&fail(), at(0), &s);
        hq.observe(&fail(), at(1_000), &s);
        assert_eq!(
            store_mode([&swish, &hq], false),
            StoreMode::Degraded { lost: vec![Dependency::Hq, Dependency::Swish] }
        );
        assert_eq!(store_mode([&hq], true), StoreMode::Island { lost: vec![Dependency::Hq] });
        assert_eq!(store_mode(std::iter::empty(), true), StoreMode::Island { lost: vec![] });
        for d in Dependency::ALL {
            let (sv, en) = d.impact();
            assert!(!sv.is_empty() && !en.is_empty());
        }
    }
}
