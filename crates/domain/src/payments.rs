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
use crate::staff::StaffRef;

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

/// A rule a manager sets beforehand. The order of the variants is the order they are applied
/// in, whatever order they were listed in: a later one wins where two touch the same method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
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

/// The switches `rules` ask for under `health`, given the offline caps. The rules apply in
/// their fixed order (see [`FallbackRule`]), so "disable card at the cap" always beats "card
/// offline when the acquirer is down", however the manager listed them.
pub fn evaluate(rules: &[FallbackRule], health: &Health, caps: &OfflineCaps) -> Vec<Switch> {
    let mut rules = rules.to_vec();
    rules.sort();
    rules.dedup();
    let mut out: Vec<Switch> = Vec::new();
    let mut set = |method, availability, rule| {
        out.retain(|s: &Switch| s.method != method);
        out.push(Switch { method, availability, rule });
    };
    for rule in &rules {
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

/// How the till may ask the terminal to take a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardMode {
    /// Authorised by the acquirer only: the terminal must not approve on its own.
    Online,
    /// Online, or offline (store-and-forward) if the terminal cannot reach the acquirer.
    Either,
    /// Store-and-forward only (online card is switched off).
    Offline,
}

/// One method as it stands now: its availability and limits, and who or what set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MethodState {
    pub method: PaymentMethod,
    pub availability: Availability,
    pub limits: Limits,
    /// The manager's reason, or the rule's.
    pub reason: Option<String>,
    /// The manager who set it; `None` with a `rule` is the system, with neither the default.
    pub set_by: Option<StaffRef>,
    pub rule: Option<FallbackRule>,
    /// The change that decided it (`None`: the default, enabled).
    #[ts(type = "number | null")]
    pub change_id: Option<i64>,
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    #[ts(type = "string | null")]
    pub until: Option<Timestamp>,
    /// The registers it applies to; `None`: every register.
    pub registers: Option<Vec<String>>,
}

impl MethodState {
    /// Enabled, no limits, nobody set it.
    pub fn default_for(method: PaymentMethod) -> MethodState {
        MethodState {
            method,
            availability: Availability::Enabled,
            limits: Limits::default(),
            reason: None,
            set_by: None,
            rule: None,
            change_id: None,
            since: None,
            until: None,
            registers: None,
        }
    }
}

/// The methods a cashier can take at the till (Scan & Pay is paid in the app).
pub const AT_THE_TILL: [PaymentMethod; 4] =
    [PaymentMethod::Cash, PaymentMethod::CardOnline, PaymentMethod::Swish, PaymentMethod::GiftVoucher];

/// Every method's state on one register, with the offline caps and the exposure: what the
/// till checks each tender against, at the moment the tender starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InForce {
    /// One per method, in [`PaymentMethod::ALL`] order.
    pub methods: Vec<MethodState>,
    pub caps: OfflineCaps,
    /// Offline card payments not yet forwarded, across the store.
    pub exposure: Money,
}

impl InForce {
    pub fn state(&self, method: PaymentMethod) -> MethodState {
        self.methods
            .iter()
            .find(|s| s.method == method)
            .cloned()
            .unwrap_or_else(|| MethodState::default_for(method))
    }

    /// Whether `method` takes `amount` now.
    pub fn check(&self, method: PaymentMethod, amount: Money) -> Result<(), Refusal> {
        let s = self.state(method);
        check_tender(method, s.availability, &s.limits, &self.caps, self.exposure, amount)
    }

    /// How a card payment of `amount` may go, `on_sale` being what the sale already took by
    /// offline card: online if card online takes it; offline if the offline card takes it
    /// (the caps and the exposure; the per-payment cap counts the sale's offline payments
    /// together, so splitting cannot pass it). Offline only when card online is switched off:
    /// a manager's limit on card online refuses, it never sends the rest offline.
    pub fn card_mode(&self, amount: Money, on_sale: Money) -> Result<CardMode, Refusal> {
        let online = self.check(PaymentMethod::CardOnline, amount);
        let offline = self.check(PaymentMethod::CardOffline, amount).and_then(|()| {
            if on_sale + amount > self.caps.per_payment {
                Err(Refusal::OfflineCap { cap: self.caps.per_payment })
            } else {
                Ok(())
            }
        });
        let online_off = self.state(PaymentMethod::CardOnline).availability == Availability::Disabled;
        match (online, offline) {
            (Ok(()), Ok(())) => Ok(CardMode::Either),
            (Ok(()), Err(_)) => Ok(CardMode::Online),
            (Err(on), _) if !online_off => Err(on),
            (Err(_), Ok(())) => Ok(CardMode::Offline),
            // Card switched off altogether: "Kort tas inte nu", not "offline card".
            (Err(_), Err(Refusal::Disabled { .. })) => {
                Err(Refusal::Disabled { method: PaymentMethod::CardOnline })
            }
            (Err(_), Err(off)) => Err(off),
        }
    }

    /// The methods at the till that would take `amount`, `except` the one refused. Card is
    /// named by how it would go (online, or offline).
    pub fn alternatives(&self, amount: Money, except: PaymentMethod) -> Vec<PaymentMethod> {
        let card = |m: PaymentMethod| matches!(m, PaymentMethod::CardOnline | PaymentMethod::CardOffline);
        AT_THE_TILL
            .iter()
            .filter(|m| !(**m == except || card(**m) && card(except)))
            .filter_map(|m| match m {
                PaymentMethod::CardOnline => match self.card_mode(amount, Money::ZERO) {
                    Ok(CardMode::Offline) => Some(PaymentMethod::CardOffline),
                    Ok(_) => Some(PaymentMethod::CardOnline),
                    Err(_) => None,
                },
                m => self.check(*m, amount).is_ok().then_some(*m),
            })
            .collect()
    }

    /// What customers are told: the methods taken today and those not.
    pub fn acceptance(&self) -> Acceptance {
        let off = |m| self.state(m).availability == Availability::Disabled;
        let mut taken = Vec::new();
        let mut not_taken = Vec::new();
        for m in PaymentMethod::ALL {
            let shown = match m {
                PaymentMethod::CardOffline => continue,
                // Card is taken if either way of taking it is.
                PaymentMethod::CardOnline => {
                    if off(PaymentMethod::CardOnline) && off(PaymentMethod::CardOffline) {
                        not_taken.push(CustomerMethod::plain(m));
                        continue;
                    }
                    let way = if off(PaymentMethod::CardOnline) {
                        PaymentMethod::CardOffline
                    } else {
                        PaymentMethod::CardOnline
                    };
                    let mut c = self.customer_limits(way);
                    if way == PaymentMethod::CardOffline {
                        // What an offline payment can still be: the cap, less if the store's
                        // exposure leaves less room; none left, no card.
                        let room = self.caps.total_exposure - self.exposure;
                        if room <= Money::ZERO {
                            not_taken.push(CustomerMethod::plain(m));
                            continue;
                        }
                        let max = c.max.unwrap_or(self.caps.per_payment).min(self.caps.per_payment).min(room);
                        c.max = Some(max);
                        c.describe();
                    }
                    c
                }
                m if off(m) => {
                    not_taken.push(CustomerMethod::plain(m));
                    continue;
                }
                m => self.customer_limits(m),
            };
            taken.push(shown);
        }
        let list = |v: &[CustomerMethod], en: bool| {
            v.iter().map(|c| if en { c.en.clone() } else { c.sv.clone() }).collect::<Vec<_>>().join(", ")
        };
        let (mut sv, mut en) = if taken.is_empty() {
            ("I dag kan vi inte ta betalt".to_string(), "Today we cannot take payment".to_string())
        } else {
            (
                format!("I dag tar vi: {}", list(&taken, false)),
                format!("Today we take: {}", list(&taken, true)),
            )
        };
        if !not_taken.is_empty() && !taken.is_empty() {
            sv += &format!(" — inte {}", list(&not_taken, false));
            en += &format!(" — not {}", list(&not_taken, true));
        }
        let restricted = !not_taken.is_empty() || taken.iter().any(|c| c.min.is_some() || c.max.is_some());
        Acceptance { all_taken: not_taken.is_empty(), restricted, taken, not_taken, sv, en }
    }

    fn customer_limits(&self, m: PaymentMethod) -> CustomerMethod {
        let s = self.state(m);
        let mut c = CustomerMethod::plain(m);
        if s.availability == Availability::Limited {
            c.min = s.limits.min;
            c.max = s.limits.max;
        }
        c.describe();
        c
    }
}

/// A method as customers see it: "kort (upp till 1\u{a0}000 kr)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerMethod {
    /// `CardOnline` stands for card, however it is taken.
    pub method: PaymentMethod,
    pub min: Option<Money>,
    pub max: Option<Money>,
    pub sv: String,
    pub en: String,
}

impl CustomerMethod {
    fn plain(method: PaymentMethod) -> CustomerMethod {
        let mut c = CustomerMethod { method, min: None, max: None, sv: String::new(), en: String::new() };
        c.describe();
        c
    }

    fn describe(&mut self) {
        let (sv, en) = match self.method {
            PaymentMethod::Cash => ("kontanter", "cash"),
            PaymentMethod::CardOnline | PaymentMethod::CardOffline => ("kort", "cards"),
            PaymentMethod::Swish => ("Swish", "Swish"),
            PaymentMethod::ScanAndPay => ("Scan & Pay", "Scan & Pay"),
            PaymentMethod::GiftVoucher => ("presentkort", "gift vouchers"),
        };
        let kr = |m: Money| format!("{} kr", m.to_swedish().trim_end_matches(",00"));
        let (bound_sv, bound_en) = match (self.min, self.max) {
            (Some(a), Some(b)) => (format!(" ({}–{})", kr(a), kr(b)), format!(" ({}–{})", kr(a), kr(b))),
            (Some(a), None) => (format!(" (från {})", kr(a)), format!(" (from {})", kr(a))),
            (None, Some(b)) => (format!(" (upp till {})", kr(b)), format!(" (up to {})", kr(b))),
            (None, None) => (String::new(), String::new()),
        };
        self.sv = format!("{sv}{bound_sv}");
        self.en = format!("{en}{bound_en}");
    }
}

/// What customers are told about payment today, in Swedish and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Acceptance {
    pub taken: Vec<CustomerMethod>,
    pub not_taken: Vec<CustomerMethod>,
    /// Every method is taken.
    pub all_taken: bool,
    /// A method is not taken, or taken only within limits: customers need telling (the banner).
    pub restricted: bool,
    /// "I dag tar vi: kontanter, Swish, Scan & Pay — inte kort"
    pub sv: String,
    /// "Today we take: cash, Swish, Scan & Pay — not cards"
    pub en: String,
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
        // The order the manager listed them in does not matter.
        let reversed = [HideSwishWhenDown, DisableCardAtExposureCap, CardOfflineWhenAcquirerDown];
        for h in [health(false, true, 20_000), health(false, false, 0), health(true, true, 25_000)] {
            assert_eq!(evaluate(&reversed, &h, &caps), evaluate(&all, &h, &caps), "{h:?}");
        }
        // No rules set: nothing switches, whatever fails.
        assert!(evaluate(&[], &health(false, false, 99_000), &caps).is_empty());
    }

    fn in_force(states: &[(PaymentMethod, Availability, Limits)], exposure: i64) -> InForce {
        let methods = PaymentMethod::ALL
            .iter()
            .map(|m| {
                let mut s = MethodState::default_for(*m);
                if let Some((_, a, l)) = states.iter().find(|(x, _, _)| x == m) {
                    s.availability = *a;
                    s.limits = *l;
                }
                s
            })
            .collect();
        InForce { methods, caps: OfflineCaps::default(), exposure: kr(exposure) }
    }

    #[test]
    fn card_goes_online_offline_or_not_at_all() {
        use Availability::*;
        use PaymentMethod::*;
        let none = Limits::default();
        let z = Money::ZERO;
        let all_on = in_force(&[], 0);
        assert_eq!(all_on.card_mode(kr(500), z), Ok(CardMode::Either));
        assert_eq!(
            all_on.card_mode(kr(1_500), z),
            Ok(CardMode::Online),
            "above the offline cap: online only"
        );
        assert_eq!(
            all_on.card_mode(kr(600), kr(500)),
            Ok(CardMode::Online),
            "the sale's offline part counts"
        );
        let offline_only = in_force(&[(CardOnline, Disabled, none)], 0);
        assert_eq!(offline_only.card_mode(kr(1_000), z), Ok(CardMode::Offline));
        assert_eq!(offline_only.card_mode(kr(1_001), z), Err(Refusal::OfflineCap { cap: kr(1_000) }));
        assert_eq!(
            offline_only.card_mode(kr(800), kr(800)),
            Err(Refusal::OfflineCap { cap: kr(1_000) }),
            "two offline payments on one sale cannot pass the cap"
        );
        let at_cap = in_force(&[(CardOnline, Disabled, none)], 19_900);
        assert_eq!(at_cap.card_mode(kr(100), z), Ok(CardMode::Offline));
        assert_eq!(
            at_cap.card_mode(kr(101), z),
            Err(Refusal::ExposureCap { cap: kr(20_000), exposure: kr(19_900) })
        );
        let no_card = in_force(&[(CardOnline, Disabled, none), (CardOffline, Disabled, none)], 0);
        assert_eq!(
            no_card.card_mode(kr(10), z),
            Err(Refusal::Disabled { method: CardOnline }),
            "card, not offline card"
        );
        // A limit on card online refuses; it never sends the rest offline (offline is enabled).
        let from_50 = Limits { min: Some(kr(50)), max: None };
        let card_from_50 = in_force(&[(CardOnline, Limited, from_50)], 0);
        assert_eq!(
            card_from_50.card_mode(kr(49), z),
            Err(Refusal::BelowMin { method: CardOnline, min: kr(50) })
        );
        assert_eq!(card_from_50.card_mode(kr(50), z), Ok(CardMode::Either));
    }

    #[test]
    fn a_refused_tender_is_offered_the_methods_that_would_take_it() {
        use Availability::*;
        use PaymentMethod::*;
        let none = Limits::default();
        let swish_to_200 = Limits { min: None, max: Some(kr(200)) };
        let f = in_force(&[(CardOnline, Disabled, none), (Swish, Limited, swish_to_200)], 0);
        assert_eq!(f.alternatives(kr(150), CardOffline), vec![Cash, Swish, GiftVoucher]);
        assert_eq!(f.alternatives(kr(1_500), Swish), vec![Cash, GiftVoucher], "offline card caps at 1 000");
        assert_eq!(f.alternatives(kr(500), Cash), vec![CardOffline, GiftVoucher]);
    }

    #[test]
    fn customers_are_told_what_is_taken_today() {
        use Availability::*;
        use PaymentMethod::*;
        let none = Limits::default();
        let everything = in_force(&[], 0).acceptance();
        assert!(everything.all_taken && !everything.restricted);
        assert_eq!(everything.sv, "I dag tar vi: kontanter, kort, Swish, Scan & Pay, presentkort");
        let card_down = in_force(
            &[(CardOnline, Disabled, none), (CardOffline, Disabled, none), (GiftVoucher, Disabled, none)],
            0,
        )
        .acceptance();
        assert_eq!(card_down.sv, "I dag tar vi: kontanter, Swish, Scan & Pay — inte kort, presentkort");
        assert_eq!(card_down.en, "Today we take: cash, Swish, Scan & Pay — not cards, gift vouchers");
        let offline = in_force(&[(CardOnline, Disabled, none)], 0).acceptance();
        assert!(offline.sv.contains("kort (upp till 1\u{a0}000 kr)"), "{}", offline.sv);
        assert!(offline.en.contains("cards (up to 1\u{a0}000 kr)"), "{}", offline.en);
        assert!(offline.all_taken && offline.restricted, "card only offline: the banner shows");
        let nearly_full = in_force(&[(CardOnline, Disabled, none)], 19_750).acceptance();
        assert!(nearly_full.sv.contains("kort (upp till 250 kr)"), "{}", nearly_full.sv);
        let full = in_force(&[(CardOnline, Disabled, none)], 20_000).acceptance();
        assert!(full.sv.ends_with("— inte kort"), "{}", full.sv);
        let pdf = crate::payment_sign::acceptance_pdf("Demobutiken", &card_down, "2026-11-28 12:00");
        assert!(pdf.starts_with(b"%PDF-"));
        let html = crate::payment_sign::acceptance_html("Demo & Co", &card_down, "2026-11-28 12:00");
        assert!(html.contains("Demo &amp; Co") && html.contains("Inte i dag: kort, presentkort"), "{html}");
    }
}
