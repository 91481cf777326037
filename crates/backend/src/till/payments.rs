//! The till's payment-method steps (issue 7): the check each tender passes when it starts,
//! the manager's controls, the health signals for the simulators, the offline-card forwarding,
//! and Scan & Pay at the exit. The rules themselves are in [`crate::payments`].

use std::sync::atomic::Ordering;

use storekeep_domain::Money;
use storekeep_domain::payments::{CardMode, FallbackRule, PaymentMethod};
use storekeep_domain::scan_and_pay::ExitResult;
use storekeep_domain::staff::Action;

use super::Till;
use crate::error::{Error, Result};
use crate::payments::{
    CapsForm, LinkHealth, OfflineReport, PaymentChange, PaymentsStatus, PaymentsView, SetMethod,
};
use crate::scan_and_pay::{ExitCheck, ReceiveReport, ScanAndPayDay, Source};

impl Till {
    /// Whether `method` takes `amount` now on this register; refused with the methods that
    /// would. Training sales move no money and skip it.
    pub(super) async fn allow(&self, method: PaymentMethod, amount: Money) -> Result<()> {
        if self.training.load(Ordering::SeqCst) {
            return Ok(());
        }
        let in_force = self.sk.payments().in_force_on(&self.register_id().await?).await?;
        in_force.check(method, amount).map_err(|refusal| Error::MethodRefused {
            alternatives: in_force.alternatives(amount, method),
            refusal,
        })
    }

    /// How the terminal may take a card payment of `amount`, `on_sale` being what the sale
    /// already took by offline card: online, offline within the caps, either, or refused with
    /// the methods that would take it.
    pub(super) async fn card_mode(&self, amount: Money, on_sale: Money) -> Result<CardMode> {
        let in_force = self.sk.payments().in_force_on(&self.register_id().await?).await?;
        in_force.card_mode(amount, on_sale).map_err(|refusal| Error::MethodRefused {
            alternatives: in_force.alternatives(amount, PaymentMethod::CardOnline),
            refusal,
        })
    }

    /// Counts an offline approval in the exposure the moment it comes back. The payment is
    /// taken whatever happens here: a failure is logged, never allowed to lose it.
    pub(super) async fn count_offline(&self, reference: &str, authorization: &str, amount: Money) {
        if let Err(e) = self.sk.payments().record_offline(reference, authorization, amount).await {
            tracing::error!(reference, error = %e, "an offline card payment could not be counted in the exposure");
        }
        // The exposure grew: the rules may switch card off.
        if let Err(e) = self.sk.payments().apply_fallback().await {
            tracing::warn!("the payment fallback rules could not run: {e}");
        }
        self.sk.payments_signal().notify_one();
    }

    /// The methods in force, the rules, the health and the offline report (anyone on the till:
    /// the payment panel shows what is switched off and why).
    pub async fn payments_view(&self) -> Result<PaymentsView> {
        self.authorize(Action::ViewStatus, None, "view the payment methods").await?;
        self.sk.payments().view().await
    }

    /// Whoever is logged in may put the customer display on a screen.
    pub async fn may_open_customer_display(&self) -> Result<()> {
        self.authorize(Action::Sell, None, "open the customer display").await.map(|_| ())
    }

    pub async fn payments_status(&self) -> Result<PaymentsStatus> {
        self.authorize(Action::Sell, None, "view the payment methods").await?;
        self.sk.payments().status().await
    }

    pub async fn set_payment_method(&self, form: &SetMethod, reason: &str) -> Result<PaymentChange> {
        let member = self.authorize(Action::ChangeControls, None, "payment methods").await?.actor;
        self.sk.payments().set_method(&member, form, reason).await
    }

    pub async fn end_payment_change(&self, id: i64, reason: &str) -> Result<PaymentsView> {
        let member = self.authorize(Action::ChangeControls, None, "end a payment-method change").await?.actor;
        self.sk.payments().end_change(&member, id, reason).await?;
        self.sk.payments().view().await
    }

    pub async fn set_offline_caps(&self, caps: &CapsForm, reason: &str) -> Result<PaymentsView> {
        let member = self.authorize(Action::ChangeControls, None, "offline card caps").await?.actor;
        self.sk.payments().set_caps(&member, &caps.parse()?, reason).await?;
        self.sk.payments().view().await
    }

    pub async fn set_fallback_rules(&self, rules: &[FallbackRule], reason: &str) -> Result<PaymentsView> {
        let member = self.authorize(Action::ChangeControls, None, "payment fallback rules").await?.actor;
        self.sk.payments().set_rules(&member, rules, reason).await?;
        self.sk.payments().view().await
    }

    /// Sets the simulated links (the acquirer behind the terminal, Swish): the simulators
    /// follow, and the fallback rules run on the new health. Then asks the terminal what it
    /// has forwarded. Returns the system's switches.
    pub async fn simulate_health(&self, health: LinkHealth) -> Result<Vec<PaymentChange>> {
        let sims = self.simulators().await?;
        sims.terminal.set_acquirer_reachable(health.acquirer_reachable);
        sims.swish.set_reachable(health.swish_reachable);
        // The monitor's simulated probes agree, so it does not call the links back.
        let sim = |up: bool| if up { crate::health::SimHealth::Up } else { crate::health::SimHealth::Down };
        let monitor = self.sk.health();
        monitor
            .simulator(storekeep_domain::health::Dependency::CardAcquirer)
            .set(sim(health.acquirer_reachable));
        monitor.simulator(storekeep_domain::health::Dependency::Swish).set(sim(health.swish_reachable));
        let switched = self.sk.payments().set_health(health).await?;
        self.forward_offline().await?;
        Ok(switched)
    }

    /// Asks the terminal which offline payments it has forwarded and what the acquirer said;
    /// records them. A terminal that does not answer changes nothing.
    pub async fn forward_offline(&self) -> Result<OfflineReport> {
        self.authorize(Action::ViewStatus, None, "check offline card payments").await?;
        self.forward_offline_now().await
    }

    /// [`Till::forward_offline`] for the app's own background task (no one logged in needed).
    pub async fn forward_offline_now(&self) -> Result<OfflineReport> {
        match tokio::time::timeout(self.devices.timeout, self.devices.terminal.forwarded()).await {
            Ok(Ok(settled)) => {
                self.sk.payments().settle_offline(&settled).await?;
            }
            Ok(Err(e)) => tracing::info!("the terminal cannot say what it forwarded: {e}"),
            Err(_) => tracing::info!("the terminal did not say what it forwarded in time"),
        }
        self.sk.payments().offline_report().await
    }

    /// Today's Scan & Pay purchases with their exit checks (or another day's).
    pub async fn scan_and_pay_day(&self, date: Option<&str>) -> Result<ScanAndPayDay> {
        let member = self.active_member()?.actor();
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(d.parse().map_err(|_| Error::PaymentSetting {
                en: format!("\"{d}\" is not a date: write YYYY-MM-DD"),
                sv: format!("\"{d}\" är inget datum: skriv ÅÅÅÅ-MM-DD"),
            })?),
        };
        self.sk.scan_and_pay().day(&member, date).await
    }

    /// Imports a file of finished app purchases (managers): all of it, or none.
    pub async fn import_scan_and_pay(&self, bytes: &[u8]) -> Result<ReceiveReport> {
        let member = self.active_member()?.actor();
        self.sk.scan_and_pay().receive(bytes, Source::File, Some(&member)).await
    }

    pub async fn check_exit(&self, purchase_id: &str, result: ExitResult, note: &str) -> Result<ExitCheck> {
        let member = self.active_member()?.actor();
        self.sk.scan_and_pay().check_exit(&member, purchase_id, result, note).await
    }

    /// A new token for the app service's POSTs (shown once), or the endpoint off.
    pub async fn scan_and_pay_token(&self, on: bool, reason: &str) -> Result<Option<String>> {
        let member = self.active_member()?.actor();
        self.sk.scan_and_pay().new_token(&member, on, reason).await
    }
}
