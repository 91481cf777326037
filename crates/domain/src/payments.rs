//! Payment-method controls (issue 7, the rules only): each method's state (enabled, disabled or
//! limited), the limits a tender must keep, the offline-card exposure, and the fallback rules
//! that switch methods on health signals. Pure: the backend stores states, audits every change,
//! and feeds health signals in.
//!
//! Numbers to start from (DOMAIN.md §6): Swedish banks' chip cards work offline for at least
//! SEK 4,000 per card; acquirers allow about 24 h of store-and-forward with per-payment and
//! total caps. The store's defaults are more careful: 1,000 kr a payment, 20,000 kr in all,
//! forwarded within 24 hours.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    /// Card authorised online by the acquirer.
    CardOnline,
    /// Card approved by the terminal alone, forwarded later (the store carries the risk).
    CardOffline,
    Swish,
    /// Finished purchases from the chain's self-scan app.
    ScanAndPay,
    GiftVoucher,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 6] = [
        PaymentMethod::Cash,
        PaymentMethod::CardOnline,
        PaymentMethod::CardOffline,
        PaymentMethod::Swish,
        PaymentMethod::ScanAndPay,
        PaymentMethod::GiftVoucher,
    ];

    pub fn swedish(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Kontanter",
            PaymentMethod::CardOnline => "Kort",
            PaymentMethod::CardOffline => "Kort (offline)",
            PaymentMethod::Swish => "Swish",
            PaymentMethod::ScanAndPay => "Scan & Pay",
            PaymentMethod::GiftVoucher => "Presentkort",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::CardOnline => "Card",
            PaymentMethod::CardOffline => "Card (offline)",
            PaymentMethod::Swish => "Swish",
            PaymentMethod::ScanAndPay => "Scan & Pay",
            PaymentMethod::GiftVoucher => "Gift voucher",
        }
    }
}

/// Whether a method is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Enabled,
    /// Taken within `Limits`.
    Limited,
    Disabled,
}

/// Per-payment bounds for a limited method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Limits {
    pub min: Option<Money>,
    pub max: Option<Money>,
}

/// The offline card's caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OfflineCaps {
    pub per_payment: Money,
    /// Unforwarded offline payments in all, across the store.
    pub total_exposure: Money,
    /// Unforwarded longer than this, a payment is flagged.
    pub forward_within_hours: u32,
}

impl Default for OfflineCaps {
    fn default() -> OfflineCaps {
        OfflineCaps {
            per_payment: Money::from_kronor(1_000),
            total_exposure: Money::from_kronor(20_000),
            forward_within_hours: 24,
        }
    }
}

/// Why a tender is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    #[error("{} is not taken now", .method.english())]
    Disabled { method: PaymentMethod },
    #[error("{} is taken from {min} kr", .method.english())]
    BelowMin { method: PaymentMethod, min: Money },
    #[error("{} is taken up to {max} kr a payment", .method.english())]
    AboveMax { method: PaymentMethod, max: Money },
    #[error("Offline card payments are capped at {cap} kr each")]
    OfflineCap { cap: Money },
    #[error("Offline card payments would pass the store's cap of {cap} kr ({exposure} kr not yet forwarded)")]
    ExposureCap { cap: Money, exposure: Money },
}

/// Checks one tender of `amount` by `method` against its availability and limits, and for
/// offline card the caps given the exposure not yet forwarded.
pub fn check_tender(
    method: PaymentMethod,
    availability: Availability,
    limits: &Limits,
    caps: &OfflineCaps,
    exposure: Money,
    amount: Money,
) -> Result<(), Refusal> {
    if availability == Availability::Disabled {
        return Err(Refusal::Disabled { method });
    }
    if availability == Availability::Limited {
        if let Some(min) = limits.min
            && amount < min
        {
            return Err(Refusal::BelowMin { method, min });
        }
        if let Some(max) = limits.max
            && amount > max
        {
            return Err(Refusal::AboveMax { method, max });
        }
    }
    if method == PaymentMethod::CardOffline {
        if amount > caps.per_payment {
            return Err(Refusal::OfflineCap { cap: caps.per_payment });
        }
        if exposure + amount > caps.total_exposure {
            return Err(Refusal::ExposureCap { cap: caps.total_exposure, exposure });
        }
    }
    Ok(())
}

/// Whether an offline payment taken at `taken` is overdue for forwarding at `now`.
pub fn overdue(caps: &OfflineCaps, taken: Timestamp, now: Timestamp) -> bool {
    now.duration_since(taken) > SignedDuration::from_hours(i64::from(caps.forward_within_hours))
}

/// What the fallback rules see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Health {
    pub acquirer_reachable: bool,
    pub swish_reachable: bool,
    /// Offline card payments not yet forwarded.
    pub offline_exposure: Money,
}

/// A rule a manager sets beforehand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FallbackRule {
    /// The acquirer unreachable: card goes offline under the caps (online card disabled).
    CardOfflineWhenAcquirerDown,
    /// Offline exposure at the cap: card is disabled altogether.
    DisableCardAtExposureCap,
    /// Swish unreachable: Swish is hidden.
    HideSwishWhenDown,
}

/// A switch the rules ask for: the system's action, audited as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Switch {
    pub method: PaymentMethod,
    pub availability: Availability,
    pub rule: FallbackRule,
}

/// The switches `rules` ask for under `health`, given the offline caps. Rules listed later win
/// where two touch the same method (the store lists them in the order it wants).
pub fn evaluate(rules: &[FallbackRule], health: &Health, caps: &OfflineCaps) -> Vec<Switch> {
    let mut out: Vec<Switch> = Vec::new();
    let mut set = |method, availability, rule| {
        out.retain(|s: &Switch| s.method != method);
        out.push(Switch { method, availability, rule });
    };
    for rule in rules {
        match rule {
            FallbackRule::CardOfflineWhenAcquirerDown if !health.acquirer_reachable => {
                set(PaymentMethod::CardOnline, Availability::Disabled, *rule);
                set(PaymentMethod::CardOffline, Availability::Limited, *rule);
            }
            FallbackRule::DisableCardAtExposureCap if health.offline_exposure >= caps.total_exposure => {
                set(PaymentMethod::CardOffline, Availability::Disabled, *rule);
                if !health.acquirer_reachable {
                    set(PaymentMethod::CardOnline, Availability::Disabled, *rule);
                }
            }
            FallbackRule::HideSwishWhenDown if !health.swish_reachable => {
                set(PaymentMethod::Swish, Availability::Disabled, *rule);
            }
            _ => {}
        }
    }
    out.sort_by_key(|s| s.method);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(n: i64) -> Money {
        Money::from_kronor(n)
    }

    #[test]
    fn limits_hold_at_their_boundaries() {
        let caps = OfflineCaps::default();
        let limited = Limits { min: Some(kr(10)), max: Some(kr(500)) };
        let check = |m, a, amount| check_tender(m, a, &limited, &caps, kr(0), amount);
        use Availability::*;
        use PaymentMethod::*;
        assert_eq!(check(Swish, Limited, kr(10)), Ok(()));
        assert_eq!(check(Swish, Limited, kr(500)), Ok(()));
        assert_eq!(
            check(Swish, Limited, Money::parse("9.99").unwrap()),
            Err(Refusal::BelowMin { method: Swish, min: kr(10) })
        );
        assert_eq!(
            check(Swish, Limited, Money::parse("500.01").unwrap()),
            Err(Refusal::AboveMax { method: Swish, max: kr(500) })
        );
        assert_eq!(check(Swish, Enabled, kr(5_000)), Ok(()), "limits apply only when limited");
        assert_eq!(check(Cash, Disabled, kr(1)), Err(Refusal::Disabled { method: Cash }));
    }

    #[test]
    fn offline_card_keeps_the_per_payment_and_the_store_caps() {
        let caps = OfflineCaps::default();
        let none = Limits::default();
        let check = |exposure, amount| {
            check_tender(PaymentMethod::CardOffline, Availability::Limited, &none, &caps, exposure, amount)
        };
        assert_eq!(check(kr(0), kr(1_000)), Ok(()));
        assert_eq!(
            check(kr(0), Money::parse("1000.01").unwrap()),
            Err(Refusal::OfflineCap { cap: kr(1_000) })
        );
        assert_eq!(check(kr(19_000), kr(1_000)), Ok(()), "exactly at the store's cap");
        assert_eq!(
            check(kr(19_500), kr(600)),
            Err(Refusal::ExposureCap { cap: kr(20_000), exposure: kr(19_500) })
        );
    }

    #[test]
    fn overdue_after_the_forwarding_window() {
        let caps = OfflineCaps::default();
        let taken: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        assert!(!overdue(&caps, taken, "2026-11-28T10:00:00Z".parse().unwrap()));
        assert!(overdue(&caps, taken, "2026-11-28T10:00:01Z".parse().unwrap()));
    }

    #[test]
    fn fallback_rules_as_a_table() {
        use Availability::*;
        use FallbackRule::*;
        use PaymentMethod::*;
        let caps = OfflineCaps::default();
        let all = [CardOfflineWhenAcquirerDown, DisableCardAtExposureCap, HideSwishWhenDown];
        let health = |acquirer, swish, exposure| Health {
            acquirer_reachable: acquirer,
            swish_reachable: swish,
            offline_exposure: kr(exposure),
        };
        let cases: Vec<(Health, Vec<(PaymentMethod, Availability)>)> = vec![
            (health(true, true, 0), vec![]),
            (health(false, true, 0), vec![(CardOnline, Disabled), (CardOffline, Limited)]),
            (health(false, true, 20_000), vec![(CardOnline, Disabled), (CardOffline, Disabled)]),
            (health(true, false, 0), vec![(Swish, Disabled)]),
            (health(true, true, 25_000), vec![(CardOffline, Disabled)]),
            (
                health(false, false, 5_000),
                vec![(CardOnline, Disabled), (CardOffline, Limited), (Swish, Disabled)],
            ),
        ];
        for (h, expected) in cases {
            let got: Vec<(PaymentMethod, Availability)> =
                evaluate(&all, &h, &caps).iter().map(|s| (s.method, s.availability)).collect();
            assert_eq!(got, expected, "{h:?}");
        }
        // No rules set: nothing switches, whatever fails.
        assert!(evaluate(&[], &health(false, false, 99_000), &caps).is_empty());
    }
}
