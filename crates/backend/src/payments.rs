//! Payment-method controls in the store: each method's state (managers, with a reason,
//! audited; or the system under a fallback rule the manager set beforehand), the offline
//! caps and exposure, the health signals the rules act on, the offline-card report, and the
//! files that tell customers what is taken today (`public/payments.json`,
//! `public/payment-sign.html`, `public/payment-sign.pdf`).
//!
//! The state in force for a method on a register is the latest change that has started, has
//! not run out or been ended, and applies to that register; with none, the method is enabled.
//! So a manager's later change overrides an automatic switch and the other way round, and an
//! automatic switch that ends (its condition cleared) uncovers whatever was set before it.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::Money;
use storekeep_domain::payment_sign::{acceptance_html, acceptance_pdf};
use storekeep_domain::payments::{
    Acceptance, Availability, FallbackRule, Health, InForce, Limits, MethodState, OfflineCaps, PaymentMethod,
    evaluate, overdue,
};
use storekeep_domain::staff::{Action, StaffRef};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

const CAPS_KEY: &str = "payment_caps";
const RULES_KEY: &str = "payment_fallback_rules";
/// The last health signal, kept in the database so that every process (the app, the command
/// line) runs the fallback rules on the same facts.
const HEALTH_KEY: &str = "payment_link_health";

pub const STATUS_FILE: &str = "payments.json";
pub const SIGN_HTML_FILE: &str = "payment-sign.html";
pub const SIGN_PDF_FILE: &str = "payment-sign.pdf";
/// The format of `payments.json` (docs/payment-controls.md).
pub const STATUS_FORMAT: &str = "storekeep-payments/1";

/// What the links to the payment services look like now. Issue 8's probes will set these;
/// until then the demo's simulator panel and the tests do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkHealth {
    pub acquirer_reachable: bool,
    pub swish_reachable: bool,
}

impl Default for LinkHealth {
    fn default() -> LinkHealth {
        LinkHealth { acquirer_reachable: true, swish_reachable: true }
    }
}

/// A change of a method's state, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentChange {
    #[ts(type = "number")]
    pub id: i64,
    pub method: PaymentMethod,
    pub availability: Availability,
    pub limits: Limits,
    pub reason: String,
    /// `None`: the system, under `rule`.
    pub set_by: Option<StaffRef>,
    pub rule: Option<FallbackRule>,
    #[ts(type = "string")]
    pub starts_at: Timestamp,
    #[ts(type = "string | null")]
    pub until: Option<Timestamp>,
    pub registers: Option<Vec<String>>,
    pub ended: Option<PaymentChangeEnded>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentChangeEnded {
    #[ts(type = "string")]
    pub at: Timestamp,
    /// `None`: the system (the rule's condition cleared).
    pub by: Option<String>,
    pub reason: String,
}

impl PaymentChange {
    fn live(&self, now: Timestamp, register: &str) -> bool {
        self.starts_at <= now
            && self.until.is_none_or(|u| u > now)
            && self.ended.as_ref().is_none_or(|e| e.at > now)
            && self.registers.as_ref().is_none_or(|r| r.iter().any(|x| x == register))
    }

    fn state(&self) -> MethodState {
        MethodState {
            method: self.method,
            availability: self.availability,
            limits: self.limits,
            reason: Some(self.reason.clone()),
            set_by: self.set_by.clone(),
            rule: self.rule,
            change_id: Some(self.id),
            since: Some(self.starts_at),
            until: self.until,
            registers: self.registers.clone(),
        }
    }
}

/// A manager's change of one method, as the form sends it. Amounts as text ("1000", "99,50").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetMethod {
    pub method: PaymentMethod,
    pub availability: Availability,
    pub min: Option<String>,
    pub max: Option<String>,
    /// "HH:MM" (the next time the clock shows it) or "YYYY-MM-DDTHH:MM"; none: until changed.
    pub until: Option<String>,
    /// Register ids; none or empty: every register.
    pub registers: Option<Vec<String>>,
}

/// The offline caps as the form sends them: amounts as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CapsForm {
    pub per_payment: String,
    pub total_exposure: String,
    pub forward_within_hours: u32,
}

impl CapsForm {
    pub fn parse(&self) -> Result<OfflineCaps> {
        let amount = |t: &str, en: &str, sv: &str| {
            Money::parse(t.trim()).map_err(|_| {
                invalid(format!("The {en} \"{t}\" is not an amount"), format!("{sv} \"{t}\" är inget belopp"))
            })
        };
        Ok(OfflineCaps {
            per_payment: amount(&self.per_payment, "cap per payment", "Taket per betalning")?,
            total_exposure: amount(&self.total_exposure, "store's cap", "Butikens tak")?,
            forward_within_hours: self.forward_within_hours,
        })
    }
}

/// What the UI keeps live (the payment panel, the customer banner): sent with every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentsStatus {
    pub in_force: InForce,
    pub acceptance: Acceptance,
    pub health: LinkHealth,
    /// Unforwarded offline card payments older than the caps allow.
    #[ts(type = "number")]
    pub overdue_offline: usize,
}

/// One offline card payment in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OfflinePayment {
    pub authorization: String,
    pub register_id: String,
    /// `None` while its sale is still open.
    #[ts(type = "number | null")]
    pub receipt_no: Option<i64>,
    pub amount: Money,
    #[ts(type = "string")]
    pub taken_at: Timestamp,
    /// Minutes since it was taken.
    #[ts(type = "number")]
    pub age_minutes: i64,
    /// Not forwarded within the caps' time limit: needs looking at.
    pub overdue: bool,
    pub status: String,
    #[ts(type = "string | null")]
    pub settled_at: Option<Timestamp>,
    pub detail: Option<String>,
}

/// The offline-card report: what is still unforwarded, how much, how old, and what the
/// acquirer declined afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OfflineReport {
    pub caps: OfflineCaps,
    pub pending: Vec<OfflinePayment>,
    pub pending_total: Money,
    #[ts(type = "number")]
    pub overdue: usize,
    /// Minutes the oldest unforwarded payment has waited.
    #[ts(type = "number | null")]
    pub oldest_minutes: Option<i64>,
    pub declined: Vec<OfflinePayment>,
    pub declined_total: Money,
    #[ts(type = "number")]
    pub forwarded: usize,
    pub forwarded_total: Money,
}

/// Everything the payments page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentsView {
    pub register_id: String,
    pub in_force: InForce,
    pub acceptance: Acceptance,
    /// Changes in force now or ahead (manual and automatic), oldest first.
    pub changes: Vec<PaymentChange>,
    /// The system's latest switches, in force or ended, newest first.
    pub automatic: Vec<PaymentChange>,
    pub rules: Vec<FallbackRule>,
    pub health: LinkHealth,
    pub offline: OfflineReport,
    pub public_dir: String,
}

/// The customer-facing status file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsFeed {
    pub format: String,
    pub store: String,
    pub updated_at: String,
    pub acceptance: Acceptance,
}

#[derive(Debug)]
pub struct Payments<'a> {
    sk: &'a Storekeep,
}

fn json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

fn invalid(en: impl Into<String>, sv: impl Into<String>) -> Error {
    Error::PaymentSetting { en: en.into(), sv: sv.into() }
}

fn rule_reason(rule: FallbackRule, health: &Health) -> String {
    match rule {
        FallbackRule::CardOfflineWhenAcquirerDown => {
            "Automatiskt: kortinlösaren svarar inte, kort tas offline inom taken / Automatic: the card acquirer is unreachable, cards are taken offline within the caps".into()
        }
        FallbackRule::DisableCardAtExposureCap => format!(
            "Automatiskt: offlinekort för {} kr väntar på att skickas, taket är nått / Automatic: {} kr of offline card payments await forwarding, the cap is reached",
            health.offline_exposure.to_swedish(),
            health.offline_exposure
        ),
        FallbackRule::HideSwishWhenDown => {
            "Automatiskt: Swish svarar inte / Automatic: Swish is unreachable".into()
        }
    }
}

impl<'a> Payments<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Payments { sk }
    }

    pub async fn caps(&self) -> Result<OfflineCaps> {
        crate::settings::read(self.sk.db().reader(), CAPS_KEY, OfflineCaps::default()).await
    }

    /// The fallback rules the manager set (none until then: nothing switches by itself).
    pub async fn rules(&self) -> Result<Vec<FallbackRule>> {
        crate::settings::read(self.sk.db().reader(), RULES_KEY, Vec::new()).await
    }

    /// The links as last reported (reachable until anything says otherwise).
    pub async fn health(&self) -> Result<LinkHealth> {
        crate::settings::read(self.sk.db().reader(), HEALTH_KEY, LinkHealth::default()).await
    }

    async fn manager(&self, by: &Actor, what: &str, reason: &str) -> Result<String> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, what).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        Ok(reason.to_string())
    }

    /// Changes that may be in force now or later (not ended, not run out), oldest first.
    async fn live_changes(&self, now: Timestamp) -> Result<Vec<PaymentChange>> {
        live_changes(self.sk.db().reader(), now).await
    }

    /// Offline card payments not yet forwarded, in all (open sales' included).
    pub async fn exposure(&self) -> Result<Money> {
        exposure(self.sk.db().reader()).await
    }

    /// Counts an offline approval the moment it comes back (before the sale is registered):
    /// the exposure, the caps and the forwarding report see it at once.
    pub async fn record_offline(&self, reference: &str, authorization: &str, amount: Money) -> Result<()> {
        let register = self.sk.require_identity().await?.register_id;
        sqlx::query(
            "INSERT INTO card_offline (reference, authorization, register_id, amount, taken_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (reference) DO NOTHING",
        )
        .bind(reference)
        .bind(authorization)
        .bind(&register)
        .bind(amount.to_string())
        .bind(self.sk.clock().now().to_string())
        .execute(self.sk.db().writer())
        .await?;
        Ok(())
    }

    /// Every method's state on `register` now, with the caps and the exposure.
    pub async fn in_force_on(&self, register: &str) -> Result<InForce> {
        let now = self.sk.clock().now();
        let (changes, caps, exposure) =
            tokio::try_join!(self.live_changes(now), self.caps(), self.exposure())?;
        let mut latest: HashMap<PaymentMethod, &PaymentChange> = HashMap::new();
        // Oldest first: a later change replaces an earlier one.
        for c in changes.iter().filter(|c| c.live(now, register)) {
            latest.insert(c.method, c);
        }
        let methods = PaymentMethod::ALL
            .iter()
            .map(|m| latest.get(m).map_or_else(|| MethodState::default_for(*m), |c| c.state()))
            .collect();
        Ok(InForce { methods, caps, exposure })
    }

    /// Every method's state on this store's register now.
    pub async fn in_force(&self) -> Result<InForce> {
        let register = self.sk.require_identity().await?.register_id;
        self.in_force_on(&register).await
    }

    /// Sets one method's state (managers, with a reason; audited). In force on every register
    /// it names the moment it is saved; a tender already under way finishes as it started.
    pub async fn set_method(&self, by: &Actor, form: &SetMethod, reason: &str) -> Result<PaymentChange> {
        let reason = self.manager(by, "payment methods", reason).await?;
        let now = self.sk.clock().now();
        let amount = |text: &Option<String>, what_en: &str, what_sv: &str| -> Result<Option<Money>> {
            match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => {
                    let m = Money::parse(t).map_err(|_| {
                        invalid(
                            format!("The {what_en} \"{t}\" is not an amount"),
                            format!("{what_sv} \"{t}\" är inget belopp"),
                        )
                    })?;
                    if m.is_negative() {
                        return Err(invalid(
                            format!("The {what_en} cannot be below zero"),
                            format!("{what_sv} kan inte vara under noll"),
                        ));
                    }
                    Ok(Some(m))
                }
            }
        };
        let mut limits = Limits {
            min: amount(&form.min, "smallest amount", "Minsta beloppet")?,
            max: amount(&form.max, "largest amount", "Största beloppet")?,
        };
        if form.method == PaymentMethod::ScanAndPay && form.availability == Availability::Limited {
            return Err(invalid(
                "Scan & Pay is paid in the app: it is taken or not, without limits at the till",
                "Scan & Pay betalas i appen: det tas eller inte, utan belopp i kassan",
            ));
        }
        match form.availability {
            Availability::Limited => {
                if limits.min.is_none() && limits.max.is_none() && form.method != PaymentMethod::CardOffline {
                    return Err(invalid(
                        "A limited method needs a smallest or a largest amount",
                        "Ett begränsat betalsätt behöver ett minsta eller ett största belopp",
                    ));
                }
                if let (Some(a), Some(b)) = (limits.min, limits.max)
                    && a > b
                {
                    return Err(invalid(
                        format!("The smallest amount ({a} kr) is above the largest ({b} kr)"),
                        format!(
                            "Minsta beloppet ({} kr) är större än det största ({} kr)",
                            a.to_swedish(),
                            b.to_swedish()
                        ),
                    ));
                }
            }
            _ if limits.min.is_some() || limits.max.is_some() => {
                return Err(invalid(
                    "Amounts apply only to a limited method: choose Limited, or leave them empty",
                    "Belopp gäller bara ett begränsat betalsätt: välj Begränsat eller lämna dem tomma",
                ));
            }
            _ => limits = Limits::default(),
        }
        let until = match form.until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => {
                let at =
                    storekeep_domain::hours::until_instant(u, now, self.sk.time_zone()).ok_or_else(|| {
                        invalid(
                            format!("\"{u}\" is not a time: write HH:MM or YYYY-MM-DD HH:MM"),
                            format!("\"{u}\" är ingen tid: skriv TT:MM eller ÅÅÅÅ-MM-DD TT:MM"),
                        )
                    })?;
                if at <= now {
                    return Err(invalid(
                        format!("{u} has already passed"),
                        format!("{u} har redan passerat"),
                    ));
                }
                Some(at)
            }
        };
        let registers = form
            .registers
            .as_ref()
            .map(|r| r.iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect::<Vec<_>>())
            .filter(|r| !r.is_empty());
        if let Some(r) = &registers
            && r.iter().any(|x| x.len() > 40)
        {
            return Err(invalid("A register id is at most 40 characters", "Ett kassa-id är högst 40 tecken"));
        }
        let change = PaymentChange {
            id: 0,
            method: form.method,
            availability: form.availability,
            limits,
            reason,
            set_by: Some(StaffRef { id: by.id, name: by.name.clone() }),
            rule: None,
            starts_at: now,
            until,
            registers,
            ended: None,
        };
        let before = self.in_force().await?.state(form.method);
        let mut tx = self.sk.db().begin_write().await?;
        let id = insert_in(&mut tx, &change).await?;
        let mut record = AuditRecord::new(
            now,
            Some(by.clone()),
            "payments.set",
            format!("payment method {}", method_key(form.method)),
            Outcome::Done,
        );
        record.old_value = Some(json(&before)?);
        record.new_value = Some(json(&describe(&change))?);
        record.reason = Some(change.reason.clone());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        self.changed().await;
        Ok(PaymentChange { id, ..change })
    }

    /// Ends a manager's change early (managers, with a reason; audited). The row stays. The
    /// system's switches end by themselves when their condition clears; a manager overrides
    /// one by setting the method (a later change wins), not by ending it.
    pub async fn end_change(&self, by: &Actor, id: i64, reason: &str) -> Result<()> {
        let reason = self.manager(by, "end a payment-method change", reason).await?;
        let now = self.sk.clock().now();
        let mut tx = self.sk.db().begin_write().await?;
        let change = live_changes(&mut *tx, now)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::PaymentChangeNotFound(id))?;
        if change.set_by.is_none() {
            return Err(invalid(
                "An automatic switch ends by itself when its condition clears; to override it, set the method yourself",
                "En automatisk ändring upphör av sig själv när villkoret inte längre gäller; ställ in betalsättet själv för att gå förbi den",
            ));
        }
        sqlx::query("UPDATE payment_state SET ended_at = ?, ended_by_name = ?, end_reason = ? WHERE id = ?")
            .bind(now.to_string())
            .bind(&by.name)
            .bind(&reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let mut record = AuditRecord::new(
            now,
            Some(by.clone()),
            "payments.end",
            format!("payment change {id} ({})", method_key(change.method)),
            Outcome::Done,
        );
        record.old_value = Some(json(&describe(&change))?);
        record.new_value = Some("ended".into());
        record.reason = Some(reason);
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        self.changed().await;
        Ok(())
    }

    /// The offline caps (managers, with a reason; audited with old and new).
    pub async fn set_caps(&self, by: &Actor, caps: &OfflineCaps, reason: &str) -> Result<()> {
        let reason = self.manager(by, "offline card caps", reason).await?;
        check_caps(caps)?;
        let old = json(&self.caps().await?)?;
        self.put_setting(by, CAPS_KEY, old, json(caps)?, &reason).await
    }

    /// Caps and rules together (a config from HQ): both written in one transaction, or
    /// neither. Checked as [`Payments::set_caps`] and [`Payments::set_rules`] check them.
    pub async fn set_caps_and_rules(
        &self,
        by: &Actor,
        caps: Option<&OfflineCaps>,
        rules: Option<&[FallbackRule]>,
        reason: &str,
    ) -> Result<()> {
        let reason = self.manager(by, "payment config", reason).await?;
        if let Some(caps) = caps {
            check_caps(caps)?;
        }
        let mut tx = self.sk.db().begin_write().await?;
        let now = self.sk.clock().now();
        if let Some(caps) = caps {
            let old = json(&crate::settings::read(&mut *tx, CAPS_KEY, OfflineCaps::default()).await?)?;
            let new = json(caps)?;
            let shown = crate::settings::Shown { old, new: new.clone() };
            crate::settings::write_audited_in(&mut tx, now, by, CAPS_KEY, &new, shown, &reason).await?;
        }
        if let Some(rules) = rules {
            let old = json(&crate::settings::read(&mut *tx, RULES_KEY, Vec::<FallbackRule>::new()).await?)?;
            let new = json(&unique_rules(rules))?;
            let shown = crate::settings::Shown { old, new: new.clone() };
            crate::settings::write_audited_in(&mut tx, now, by, RULES_KEY, &new, shown, &reason).await?;
        }
        tx.commit().await?;
        self.apply_fallback().await?;
        self.changed().await;
        Ok(())
    }
}

/// The offline caps' own rules.
pub(crate) fn check_caps(caps: &OfflineCaps) -> Result<()> {
    {
        if caps.per_payment <= Money::ZERO || caps.total_exposure < caps.per_payment {
            return Err(invalid(
                "The per-payment cap must be above zero and the store's cap at least as large",
                "Taket per betalning måste vara över noll och butikens tak minst lika stort",
            ));
        }
        if !(1..=168).contains(&caps.forward_within_hours) {
            return Err(invalid(
                "Forward within 1 to 168 hours (acquirers allow about 24)",
                "Skicka vidare inom 1 till 168 timmar (inlösare tillåter ungefär 24)",
            ));
        }
    }
    Ok(())
}

fn unique_rules(rules: &[FallbackRule]) -> Vec<FallbackRule> {
    let mut unique = Vec::new();
    for r in rules {
        if !unique.contains(r) {
            unique.push(*r);
        }
    }
    unique
}

impl<'a> Payments<'a> {
    /// The fallback rules (managers, with a reason; audited with old and new).
    pub async fn set_rules(&self, by: &Actor, rules: &[FallbackRule], reason: &str) -> Result<()> {
        let reason = self.manager(by, "payment fallback rules", reason).await?;
        let old = json(&self.rules().await?)?;
        self.put_setting(by, RULES_KEY, old, json(&unique_rules(rules))?, &reason).await
    }

    async fn put_setting(&self, by: &Actor, key: &str, old: String, new: String, reason: &str) -> Result<()> {
        let shown = crate::settings::Shown { old, new: new.clone() };
        crate::settings::write_audited(self.sk, by, key, &new, shown, reason).await?;
        // New caps or rules can change what the rules ask for.
        self.apply_fallback().await?;
        self.changed().await;
        Ok(())
    }

    /// The health signal was written by the monitor (in its own transaction): the fallback
    /// rules run on it and the UI hears.
    pub(crate) async fn health_changed(&self) -> Result<()> {
        self.apply_fallback().await?;
        self.changed().await;
        Ok(())
    }

    /// A new health signal: kept, and the fallback rules run on it.
    pub async fn set_health(&self, health: LinkHealth) -> Result<Vec<PaymentChange>> {
        // A signal, not a control: kept (for every process) but not audited; the switches it
        // causes are.
        sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(HEALTH_KEY)
            .bind(json(&health)?)
            .execute(self.sk.db().writer())
            .await?;
        let switched = self.apply_fallback().await?;
        self.changed().await;
        Ok(switched)
    }

    /// Runs the fallback rules on the health now: starts the switches they ask for that are
    /// not in force, and ends the system's switches they no longer ask for. Each is the
    /// system's action, audited as such. Everything is read inside the write transaction
    /// (BEGIN IMMEDIATE), so runs in this process or another take turns and never decide on
    /// stale facts. Returns the switches started or ended.
    pub async fn apply_fallback(&self) -> Result<Vec<PaymentChange>> {
        let mut tx = self.sk.db().begin_write().await?;
        // The time once it is this run's turn.
        let now = self.sk.clock().now();
        let rules: Vec<FallbackRule> = crate::settings::read(&mut *tx, RULES_KEY, Vec::new()).await?;
        let caps = crate::settings::read(&mut *tx, CAPS_KEY, OfflineCaps::default()).await?;
        let link = crate::settings::read(&mut *tx, HEALTH_KEY, LinkHealth::default()).await?;
        let health = Health {
            acquirer_reachable: link.acquirer_reachable,
            swish_reachable: link.swish_reachable,
            offline_exposure: exposure(&mut *tx).await?,
        };
        let wanted = evaluate(&rules, &health, &caps);
        let active: Vec<PaymentChange> =
            live_changes(&mut *tx, now).await?.into_iter().filter(|c| c.set_by.is_none()).collect();
        let mut touched = Vec::new();
        for c in &active {
            let still = wanted
                .iter()
                .any(|w| w.method == c.method && w.availability == c.availability && Some(w.rule) == c.rule);
            if still {
                continue;
            }
            let why = "Villkoret gäller inte längre / The condition has cleared";
            let done = sqlx::query(
                "UPDATE payment_state SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
            )
            .bind(now.to_string())
            .bind(why)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                continue;
            }
            let mut record = AuditRecord::new(
                now,
                None,
                "payments.auto_end",
                format!("payment change {} ({})", c.id, method_key(c.method)),
                Outcome::Done,
            );
            record.old_value = Some(json(&describe(c))?);
            record.reason = Some(why.into());
            crate::audit::append_in(&mut tx, &record).await?;
            let mut ended = c.clone();
            ended.ended = Some(PaymentChangeEnded { at: now, by: None, reason: why.into() });
            touched.push(ended);
        }
        for w in &wanted {
            let have = active
                .iter()
                .any(|c| c.method == w.method && c.availability == w.availability && c.rule == Some(w.rule));
            if have {
                continue;
            }
            let change = PaymentChange {
                id: 0,
                method: w.method,
                availability: w.availability,
                limits: Limits::default(),
                reason: rule_reason(w.rule, &health),
                set_by: None,
                rule: Some(w.rule),
                starts_at: now,
                until: None,
                registers: None,
                ended: None,
            };
            let id = insert_in(&mut tx, &change).await?;
            let mut record = AuditRecord::new(
                now,
                None,
                "payments.auto_switch",
                format!("payment method {}", method_key(w.method)),
                Outcome::Done,
            );
            record.new_value = Some(json(&describe(&change))?);
            record.reason = Some(change.reason.clone());
            crate::audit::append_in(&mut tx, &record).await?;
            touched.push(PaymentChange { id, ..change });
        }
        tx.commit().await?;
        if !touched.is_empty() {
            tracing::info!(switches = touched.len(), "payment fallback rules switched methods");
        }
        Ok(touched)
    }

    /// Records what the acquirer made of forwarded offline payments; returns how many changed.
    pub async fn settle_offline(&self, settled: &[(String, crate::devices::Forwarded)]) -> Result<usize> {
        if settled.is_empty() {
            return Ok(0);
        }
        let now = self.sk.clock().now().to_string();
        let mut tx = self.sk.db().begin_write().await?;
        let mut n = 0;
        for (reference, answer) in settled {
            let (status, detail) = match answer {
                crate::devices::Forwarded::Accepted => ("forwarded", None),
                crate::devices::Forwarded::Declined { reason } => ("declined", Some(reason.as_str())),
            };
            let done = sqlx::query(
                "UPDATE card_offline SET status = ?, settled_at = ?, detail = ? WHERE reference = ? AND status = 'pending'",
            )
            .bind(status)
            .bind(&now)
            .bind(detail)
            .bind(reference)
            .execute(&mut *tx)
            .await?;
            // The terminal repeats its answers until its day close: one already recorded (or
            // another register's) is skipped.
            if done.rows_affected() == 0 {
                continue;
            }
            n += 1;
            if status == "declined" {
                let mut record = AuditRecord::new(
                    self.sk.clock().now(),
                    None,
                    "payments.offline_declined",
                    format!("offline card payment {reference}"),
                    Outcome::Done,
                );
                record.reason = detail.map(str::to_string);
                crate::audit::append_in(&mut tx, &record).await?;
            }
        }
        tx.commit().await?;
        if n > 0 {
            // Exposure went down: the rules may lift a switch.
            self.apply_fallback().await?;
            self.changed().await;
        }
        Ok(n)
    }

    /// The offline-card report.
    pub async fn offline_report(&self) -> Result<OfflineReport> {
        let now = self.sk.clock().now();
        let week_ago = now - jiff::SignedDuration::from_hours(24 * 7);
        let caps = self.caps().await?;
        let rows = sqlx::query(
            "SELECT authorization, register_id, receipt_no, amount, taken_at, status, settled_at, detail
             FROM card_offline WHERE status != 'forwarded' OR substr(settled_at, 1, 10) >= ? ORDER BY rowid",
        )
        // By the date alone (fixed width); the exact week is checked below.
        .bind(week_ago.to_string().get(..10).unwrap_or_default().to_string())
        .fetch_all(self.sk.db().reader())
        .await?;
        let mut report = OfflineReport {
            caps,
            pending: Vec::new(),
            pending_total: Money::ZERO,
            overdue: 0,
            oldest_minutes: None,
            declined: Vec::new(),
            declined_total: Money::ZERO,
            forwarded: 0,
            forwarded_total: Money::ZERO,
        };
        for r in &rows {
            let bad = |what: &str| Error::Inconsistent(format!("offline card payment: bad {what}"));
            let taken_at: Timestamp = r.get::<&str, _>(4).parse().map_err(|_| bad("time"))?;
            let amount = Money::parse(r.get::<&str, _>(3)).map_err(|_| bad("amount"))?;
            let status: String = r.get(5);
            let p = OfflinePayment {
                authorization: r.get(0),
                register_id: r.get(1),
                receipt_no: r.get(2),
                amount,
                taken_at,
                age_minutes: now.duration_since(taken_at).as_mins(),
                overdue: status == "pending" && overdue(&caps, taken_at, now),
                settled_at: r.get::<Option<&str>, _>(6).and_then(|s| s.parse().ok()),
                detail: r.get(7),
                status: status.clone(),
            };
            match status.as_str() {
                "pending" => {
                    report.pending_total = report.pending_total + amount;
                    report.overdue += usize::from(p.overdue);
                    report.oldest_minutes = Some(report.oldest_minutes.unwrap_or(0).max(p.age_minutes));
                    report.pending.push(p);
                }
                "declined" => {
                    report.declined_total = report.declined_total + amount;
                    report.declined.push(p);
                }
                _ if p.settled_at.is_none_or(|at| at < week_ago) => {}
                _ => {
                    report.forwarded += 1;
                    report.forwarded_total = report.forwarded_total + amount;
                }
            }
        }
        Ok(report)
    }

    pub async fn status(&self) -> Result<PaymentsStatus> {
        let in_force = self.in_force().await?;
        Ok(PaymentsStatus {
            acceptance: in_force.acceptance(),
            in_force,
            health: self.health().await?,
            overdue_offline: self.offline_report().await?.overdue,
        })
    }

    pub async fn view(&self) -> Result<PaymentsView> {
        let register_id = self.sk.require_identity().await?.register_id;
        let now = self.sk.clock().now();
        let in_force = self.in_force_on(&register_id).await?;
        let changes = self.live_changes(now).await?;
        let rows = sqlx::query(
            "SELECT id, method, availability, min_amount, max_amount, reason, set_by_id, set_by_name, rule,
                    registers, starts_at, until, ended_at, ended_by_name, end_reason
             FROM payment_state WHERE set_by_id IS NULL ORDER BY id DESC LIMIT 20",
        )
        .fetch_all(self.sk.db().reader())
        .await?;
        let automatic = rows.iter().map(change_from_row).collect::<Result<Vec<_>>>()?;
        Ok(PaymentsView {
            acceptance: in_force.acceptance(),
            in_force,
            register_id,
            changes,
            automatic,
            rules: self.rules().await?,
            health: self.health().await?,
            offline: self.offline_report().await?,
            public_dir: self.sk.hours().public_dir().display().to_string(),
        })
    }

    /// Rewrites `payments.json` and the A4 sign (each file replaced whole).
    pub async fn publish(&self) -> Result<Acceptance> {
        let _one_at_a_time = self.sk.publish_lock().lock().await;
        let acceptance = self.in_force().await?.acceptance();
        let store = self.sk.identity().await?.map(|(i, _)| i.company_name).unwrap_or_default();
        let updated = self
            .sk
            .clock()
            .now()
            .to_zoned_datetime(self.sk.time_zone().clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let feed = PaymentsFeed {
            format: STATUS_FORMAT.into(),
            store: store.clone(),
            updated_at: self.sk.clock().now().to_string(),
            acceptance: acceptance.clone(),
        };
        let files = vec![
            (STATUS_FILE, serde_json::to_vec_pretty(&feed).map_err(|e| Error::Storage(e.to_string()))?),
            (SIGN_HTML_FILE, acceptance_html(&store, &acceptance, &updated).into_bytes()),
            (SIGN_PDF_FILE, acceptance_pdf(&store, &acceptance, &updated)),
        ];
        crate::hours::write_public(&self.sk.hours().public_dir(), files).await?;
        Ok(acceptance)
    }

    /// After any change: the customer files are rewritten, and whoever watches (the app) is woken.
    async fn changed(&self) {
        if let Err(e) = self.publish().await {
            tracing::warn!("the payment sign could not be written: {e}");
        }
        self.sk.payments_signal().notify_one();
        self.sk.health().changed();
    }
}

pub(crate) async fn read_health_in(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<LinkHealth> {
    crate::settings::read(&mut **tx, HEALTH_KEY, LinkHealth::default()).await
}

pub(crate) async fn write_health_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    health: &LinkHealth,
) -> Result<()> {
    sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(HEALTH_KEY)
        .bind(json(health)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes not ended and not run out at `now`, in the order they were made.
async fn live_changes<'e, E>(db: E, now: Timestamp) -> Result<Vec<PaymentChange>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let rows = sqlx::query(
        "SELECT id, method, availability, min_amount, max_amount, reason, set_by_id, set_by_name, rule,
                registers, starts_at, until, ended_at, ended_by_name, end_reason
         FROM payment_state WHERE ended_at IS NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    let all = rows.iter().map(change_from_row).collect::<Result<Vec<_>>>()?;
    Ok(all.into_iter().filter(|c| c.until.is_none_or(|u| u > now)).collect())
}

async fn exposure<'e, E>(db: E) -> Result<Money>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let amounts: Vec<String> =
        sqlx::query_scalar("SELECT amount FROM card_offline WHERE status = 'pending'").fetch_all(db).await?;
    amounts.iter().try_fold(Money::ZERO, |sum, a| {
        Money::parse(a)
            .map(|m| sum + m)
            .map_err(|_| Error::Inconsistent(format!("an offline card payment has the amount {a}")))
    })
}

pub(crate) fn method_key(m: PaymentMethod) -> String {
    serde_json::to_value(m).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn availability_key(a: Availability) -> String {
    serde_json::to_value(a).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// What the audit log keeps of a change.
fn describe(c: &PaymentChange) -> serde_json::Value {
    serde_json::json!({
        "method": c.method,
        "availability": c.availability,
        "min": c.limits.min,
        "max": c.limits.max,
        "until": c.until.map(|u| u.to_string()),
        "registers": c.registers,
        "rule": c.rule,
    })
}

fn from_key<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(key.into())).ok()
}

async fn insert_in(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>, c: &PaymentChange) -> Result<i64> {
    let registers = c.registers.as_ref().map(json).transpose()?;
    let rule = c.rule.as_ref().map(json).transpose()?;
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_state (method, availability, min_amount, max_amount, reason, set_by_id, set_by_name,
                                    rule, registers, starts_at, until)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(method_key(c.method))
    .bind(availability_key(c.availability))
    .bind(c.limits.min.map(|m| m.to_string()))
    .bind(c.limits.max.map(|m| m.to_string()))
    .bind(&c.reason)
    .bind(c.set_by.as_ref().map(|s| s.id))
    .bind(c.set_by.as_ref().map(|s| s.name.clone()))
    .bind(rule)
    .bind(registers)
    .bind(c.starts_at.to_string())
    .bind(c.until.map(|u| u.to_string()))
    .fetch_one(&mut **tx)
    .await?)
}

fn change_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<PaymentChange> {
    let id: i64 = r.get(0);
    let bad = |what: &str| Error::Inconsistent(format!("payment change {id}: bad {what}"));
    let ts = |s: &str| s.parse::<Timestamp>().map_err(|_| bad("time"));
    let money = |s: Option<&str>| s.map(|s| Money::parse(s).map_err(|_| bad("amount"))).transpose();
    let ended = match r.get::<Option<&str>, _>(12) {
        None => None,
        Some(at) => Some(PaymentChangeEnded {
            at: ts(at)?,
            by: r.get(13),
            reason: r.get::<Option<String>, _>(14).unwrap_or_default(),
        }),
    };
    Ok(PaymentChange {
        id,
        method: from_key(r.get(1)).ok_or_else(|| bad("method"))?,
        availability: from_key(r.get(2)).ok_or_else(|| bad("availability"))?,
        limits: Limits { min: money(r.get(3))?, max: money(r.get(4))? },
        reason: r.get(5),
        set_by: r
            .get::<Option<i64>, _>(6)
            .map(|id| StaffRef { id, name: r.get::<Option<String>, _>(7).unwrap_or_default() }),
        rule: r
            .get::<Option<&str>, _>(8)
            .map(|s| serde_json::from_str(s).map_err(|_| bad("rule")))
            .transpose()?,
        registers: r
            .get::<Option<&str>, _>(9)
            .map(|s| serde_json::from_str(s).map_err(|_| bad("registers")))
            .transpose()?,
        starts_at: ts(r.get(10))?,
        until: r.get::<Option<&str>, _>(11).map(ts).transpose()?,
        ended,
    })
}
