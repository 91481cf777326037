//! The hardware and outside services a till talks to, each behind a trait: the card terminal,
//! Swish, the scale, the cash drawer, the receipt printer (`printer.rs`) and the control unit
//! (`control.rs`).
//!
//! Each has a **simulator** (named so in code, UI and docs) for tests and the demo, whose next
//! outcome can be chosen. Real adapters plug in behind the same traits; none ships yet (see
//! ARCHITECTURE.md, "Devices"), so an install without them runs the simulators and the UI says
//! so.

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use storekeep_domain::Money;
use storekeep_domain::payments::CardMode;
use ts_rs::TS;

pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A device or service did not answer, or answered with a fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("no answer in time")]
    Timeout,
    #[error("unreachable: {0}")]
    Unreachable(String),
}

// ---------------------------------------------------------------------------------------------
// Card terminal

/// What the terminal decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardOutcome {
    Approved { authorization: String, offline: bool },
    Declined { reason: String },
}

/// What the acquirer made of an offline payment once the terminal forwarded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Forwarded {
    Accepted,
    /// The acquirer refused it after the fact (the store carries the loss).
    Declined {
        reason: String,
    },
}

pub trait PaymentTerminal: Send + Sync + Debug {
    /// Asks the terminal to take `amount` under the till's own `reference`, `mode` saying
    /// whether it may approve without the acquirer (store-and-forward).
    fn purchase<'a>(
        &'a self,
        reference: &'a str,
        amount: Money,
        mode: CardMode,
    ) -> BoxFut<'a, Result<CardOutcome, DeviceError>>;
    /// Every offline payment the terminal has forwarded and still holds the answer for (until
    /// its day close), by the till's reference, with the acquirer's answer. Asking again gives
    /// the same answers: nothing is lost if the till could not record them the first time.
    fn forwarded(&self) -> BoxFut<'_, Result<Vec<(String, Forwarded)>, DeviceError>>;
    /// What became of an earlier request: `None` if the terminal never saw it. The till asks
    /// this before retrying a request that timed out, so a card is never charged twice.
    fn outcome_of<'a>(&'a self, reference: &'a str) -> BoxFut<'a, Result<Option<CardOutcome>, DeviceError>>;
    /// Gives `amount` back to the card of an earlier purchase (`authorization`), under the till's
    /// own `reference`.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        authorization: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<CardOutcome, DeviceError>>;
}

/// What the simulated terminal does with the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimCard {
    Approve,
    Decline,
    /// The request is lost before the terminal sees it: no answer, no charge.
    Timeout,
    /// The terminal charges the card but its answer is lost on the way back.
    TimeoutAfterCharge,
    /// Approved by the terminal without the acquirer (store-and-forward).
    ApproveOffline,
    /// The terminal cannot be reached at all.
    Unreachable,
}

/// A simulated card terminal. Keeps every charge so tests can count them.
#[derive(Debug, Default)]
pub struct SimulatedTerminal {
    next: Mutex<VecDeque<SimCard>>,
    seen: Mutex<HashMap<String, (Money, CardOutcome)>>,
    delay: Mutex<Duration>,
    counter: Mutex<u64>,
    refunds: Mutex<Vec<(String, Money)>>,
    /// The acquirer cannot be reached (a health signal the demo and the tests set).
    acquirer_down: Mutex<bool>,
    /// Offline approvals not yet forwarded, by the till's reference.
    stored: Mutex<Vec<String>>,
    /// What the acquirer answered for each forwarded one.
    forwarded: Mutex<Vec<(String, Forwarded)>>,
    /// How many of the next forwarded payments the acquirer declines.
    decline_forwards: Mutex<u32>,
}

impl SimulatedTerminal {
    /// Queues what the next request(s) will do; after the queue, requests are approved.
    pub fn set_next(&self, outcome: SimCard) {
        lock(&self.next).push_back(outcome);
    }

    pub fn clear_next(&self) {
        lock(&self.next).clear();
    }

    /// How long the simulated customer takes at the terminal.
    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.delay) = delay;
    }

    /// Approved charges: (reference, amount).
    pub fn charges(&self) -> Vec<(String, Money)> {
        let mut v: Vec<_> = lock(&self.seen)
            .iter()
            .filter(|(_, (_, o))| matches!(o, CardOutcome::Approved { .. }))
            .map(|(r, (a, _))| (r.clone(), *a))
            .collect();
        v.sort();
        v
    }

    /// Approved refunds: (authorization of the purchase, amount).
    pub fn refunds(&self) -> Vec<(String, Money)> {
        lock(&self.refunds).clone()
    }

    /// Cuts (or restores) the terminal's link to the acquirer. While it is cut, a purchase
    /// that may go offline is approved offline and stored; one that must go online is declined.
    pub fn set_acquirer_reachable(&self, reachable: bool) {
        *lock(&self.acquirer_down) = !reachable;
    }

    pub fn acquirer_reachable(&self) -> bool {
        !*lock(&self.acquirer_down)
    }

    fn acquirer_down_now(&self) -> bool {
        *lock(&self.acquirer_down)
    }

    /// The acquirer will decline the next `n` offline payments forwarded.
    pub fn decline_next_forwards(&self, n: u32) {
        *lock(&self.decline_forwards) = n;
    }

    /// Offline approvals the terminal still holds.
    pub fn stored_offline(&self) -> Vec<String> {
        lock(&self.stored).clone()
    }

    fn authorization(&self) -> String {
        let mut c = lock(&self.counter);
        *c += 1;
        format!("SIM{:06}", *c)
    }
}

impl PaymentTerminal for SimulatedTerminal {
    fn purchase<'a>(
        &'a self,
        reference: &'a str,
        amount: Money,
        mode: CardMode,
    ) -> BoxFut<'a, Result<CardOutcome, DeviceError>> {
        Box::pin(async move {
            let delay = *lock(&self.delay);
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let next = lock(&self.next).pop_front().unwrap_or(SimCard::Approve);
            let approved = |offline| CardOutcome::Approved { authorization: self.authorization(), offline };
            let offline_refused = || CardOutcome::Declined {
                reason: "Ingen kontakt med kortinlösaren och offline är avstängt (simulator)".into(),
            };
            // Without the acquirer, or told to, the terminal approves on its own if allowed.
            let offline =
                mode == CardMode::Offline || self.acquirer_down_now() || next == SimCard::ApproveOffline;
            let (outcome, answer) = match next {
                SimCard::Approve | SimCard::ApproveOffline if offline && mode == CardMode::Online => {
                    (Some(offline_refused()), true)
                }
                SimCard::Approve | SimCard::ApproveOffline if offline => (Some(approved(true)), true),
                SimCard::Approve | SimCard::ApproveOffline => (Some(approved(false)), true),
                SimCard::Decline => (
                    Some(CardOutcome::Declined { reason: "Nekad av kortutgivaren (simulator)".into() }),
                    true,
                ),
                SimCard::TimeoutAfterCharge => (Some(approved(false)), false),
                SimCard::Timeout => (None, false),
                SimCard::Unreachable => {
                    return Err(DeviceError::Unreachable("the simulated terminal is switched off".into()));
                }
            };
            if let Some(o) = &outcome {
                if let CardOutcome::Approved { offline: true, .. } = o {
                    lock(&self.stored).push(reference.to_string());
                }
                lock(&self.seen).insert(reference.to_string(), (amount, o.clone()));
            }
            match (outcome, answer) {
                (Some(o), true) => Ok(o),
                _ => Err(DeviceError::Timeout),
            }
        })
    }

    fn forwarded(&self) -> BoxFut<'_, Result<Vec<(String, Forwarded)>, DeviceError>> {
        Box::pin(async move {
            let mut done = lock(&self.forwarded);
            if !self.acquirer_down_now() {
                let stored = std::mem::take(&mut *lock(&self.stored));
                let mut declines = lock(&self.decline_forwards);
                for reference in stored {
                    let answer = if *declines > 0 {
                        *declines -= 1;
                        Forwarded::Declined { reason: "Kortet spärrat (simulator)".into() }
                    } else {
                        Forwarded::Accepted
                    };
                    done.push((reference, answer));
                }
            }
            Ok(done.clone())
        })
    }

    fn outcome_of<'a>(&'a self, reference: &'a str) -> BoxFut<'a, Result<Option<CardOutcome>, DeviceError>> {
        Box::pin(async move { Ok(lock(&self.seen).get(reference).map(|(_, o)| o.clone())) })
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        authorization: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<CardOutcome, DeviceError>> {
        Box::pin(async move {
            // The same request twice (a retry) gets the same answer, and refunds once.
            if let Some((_, o)) = lock(&self.seen).get(reference) {
                return Ok(o.clone());
            }
            let next = lock(&self.next).pop_front().unwrap_or(SimCard::Approve);
            let lost = next == SimCard::TimeoutAfterCharge;
            let outcome = match next {
                SimCard::Approve | SimCard::ApproveOffline | SimCard::TimeoutAfterCharge => {
                    CardOutcome::Approved { authorization: self.authorization(), offline: false }
                }
                SimCard::Decline => {
                    CardOutcome::Declined { reason: "Återbetalning nekad (simulator)".into() }
                }
                SimCard::Timeout => return Err(DeviceError::Timeout),
                SimCard::Unreachable => {
                    return Err(DeviceError::Unreachable("the simulated terminal is switched off".into()));
                }
            };
            if matches!(outcome, CardOutcome::Approved { .. }) {
                lock(&self.refunds).push((authorization.to_string(), amount));
            }
            lock(&self.seen).insert(reference.to_string(), (-amount, outcome.clone()));
            if lost {
                return Err(DeviceError::Timeout);
            }
            Ok(outcome)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Swish

/// A payment request as Swish created it: its id and what the customer's QR code holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwishRequest {
    pub id: String,
    pub qr_payload: String,
}

/// The state of a Swish payment request (DOMAIN.md §6: PAID / DECLINED / ERROR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SwishStatus {
    Created,
    Paid { payment_reference: String },
    Declined,
    Error(String),
}

pub trait SwishGateway: Send + Sync + Debug {
    fn create<'a>(
        &'a self,
        reference: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<SwishRequest, DeviceError>>;
    fn status<'a>(&'a self, id: &'a str) -> BoxFut<'a, Result<SwishStatus, DeviceError>>;
    fn cancel<'a>(&'a self, id: &'a str) -> BoxFut<'a, Result<(), DeviceError>>;
    /// Gives `amount` back for an earlier payment (its `payment_reference`); `Ok(false)` when
    /// Swish refuses.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        payment_reference: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<bool, DeviceError>>;
}

/// What the simulated customer does with the next Swish request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimSwish {
    Pay,
    Decline,
    Error,
    /// Swish cannot be reached to create the request.
    Unreachable,
}

#[derive(Debug)]
struct SimRequest {
    amount: Money,
    outcome: SimSwish,
    polls_left: u32,
    cancelled: bool,
}

/// A simulated Swish: requests are answered after `polls` status questions.
#[derive(Debug, Default)]
pub struct SimulatedSwish {
    next: Mutex<VecDeque<SimSwish>>,
    requests: Mutex<HashMap<String, SimRequest>>,
    polls: Mutex<u32>,
    paid: Mutex<Vec<(String, Money)>>,
    refunds: Mutex<Vec<(String, Money)>>,
    refunded: Mutex<HashMap<String, bool>>,
    /// Swish cannot be reached (a health signal the demo and the tests set).
    down: Mutex<bool>,
}

impl SimulatedSwish {
    /// Cuts (or restores) the link to Swish: while cut, no request can be created.
    pub fn set_reachable(&self, reachable: bool) {
        *lock(&self.down) = !reachable;
    }

    pub fn reachable(&self) -> bool {
        !*lock(&self.down)
    }

    pub fn set_next(&self, outcome: SimSwish) {
        lock(&self.next).push_back(outcome);
    }

    pub fn clear_next(&self) {
        lock(&self.next).clear();
    }

    /// How many status questions a request stays `Created` for (the customer's phone).
    pub fn set_polls_before_answer(&self, polls: u32) {
        *lock(&self.polls) = polls;
    }

    /// Paid requests: (id, amount).
    pub fn paid(&self) -> Vec<(String, Money)> {
        lock(&self.paid).clone()
    }

    /// Refunds made: (payment reference, amount).
    pub fn refunds(&self) -> Vec<(String, Money)> {
        lock(&self.refunds).clone()
    }
}

impl SwishGateway for SimulatedSwish {
    fn create<'a>(
        &'a self,
        reference: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<SwishRequest, DeviceError>> {
        Box::pin(async move {
            if !self.reachable() {
                return Err(DeviceError::Unreachable("the simulated Swish is offline".into()));
            }
            let outcome = lock(&self.next).pop_front().unwrap_or(SimSwish::Pay);
            if outcome == SimSwish::Unreachable {
                return Err(DeviceError::Unreachable("the simulated Swish is offline".into()));
            }
            let id = format!("SIMSWISH-{reference}");
            let polls_left = *lock(&self.polls);
            lock(&self.requests)
                .insert(id.clone(), SimRequest { amount, outcome, polls_left, cancelled: false });
            let qr_payload = format!("swish-simulator://pay?id={id}&amount={amount}");
            Ok(SwishRequest { id, qr_payload })
        })
    }

    fn status<'a>(&'a self, id: &'a str) -> BoxFut<'a, Result<SwishStatus, DeviceError>> {
        Box::pin(async move {
            let mut requests = lock(&self.requests);
            let Some(r) = requests.get_mut(id) else {
                return Ok(SwishStatus::Error("unknown payment request".into()));
            };
            if r.cancelled {
                return Ok(SwishStatus::Declined);
            }
            if r.polls_left > 0 {
                r.polls_left -= 1;
                return Ok(SwishStatus::Created);
            }
            Ok(match r.outcome {
                SimSwish::Pay => {
                    let mut paid = lock(&self.paid);
                    if !paid.iter().any(|(p, _)| p == id) {
                        paid.push((id.to_string(), r.amount));
                    }
                    SwishStatus::Paid { payment_reference: format!("SIMPAY{}", id.len() * 7919) }
                }
                SimSwish::Decline => SwishStatus::Declined,
                SimSwish::Error | SimSwish::Unreachable => SwishStatus::Error("Swish-fel (simulator)".into()),
            })
        })
    }

    fn cancel<'a>(&'a self, id: &'a str) -> BoxFut<'a, Result<(), DeviceError>> {
        Box::pin(async move {
            if let Some(r) = lock(&self.requests).get_mut(id) {
                r.cancelled = true;
            }
            Ok(())
        })
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        payment_reference: &'a str,
        amount: Money,
    ) -> BoxFut<'a, Result<bool, DeviceError>> {
        Box::pin(async move {
            // Idempotent by the till's reference, as Swish refunds are (instructionUUID).
            if let Some(done) = lock(&self.refunded).get(reference) {
                return Ok(*done);
            }
            match lock(&self.next).pop_front().unwrap_or(SimSwish::Pay) {
                SimSwish::Pay => {
                    lock(&self.refunds).push((payment_reference.to_string(), amount));
                    lock(&self.refunded).insert(reference.to_string(), true);
                    Ok(true)
                }
                SimSwish::Decline => {
                    lock(&self.refunded).insert(reference.to_string(), false);
                    Ok(false)
                }
                SimSwish::Error | SimSwish::Unreachable => {
                    Err(DeviceError::Unreachable("the simulated Swish is offline".into()))
                }
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scale and drawer

/// A reading from the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Weighing {
    #[ts(type = "string")]
    pub kg: Decimal,
    /// The scale has settled; an unstable weight is never sold.
    pub stable: bool,
}

pub trait Scale: Send + Sync + Debug {
    fn read(&self) -> BoxFut<'_, Result<Weighing, DeviceError>>;
}

/// A simulated scale holding whatever weight was put on it.
#[derive(Debug)]
pub struct SimulatedScale {
    weighing: Mutex<Weighing>,
}

impl Default for SimulatedScale {
    fn default() -> Self {
        SimulatedScale { weighing: Mutex::new(Weighing { kg: Decimal::ZERO, stable: true }) }
    }
}

impl SimulatedScale {
    pub fn put(&self, kg: Decimal, stable: bool) {
        *lock(&self.weighing) = Weighing { kg, stable };
    }
}

impl Scale for SimulatedScale {
    fn read(&self) -> BoxFut<'_, Result<Weighing, DeviceError>> {
        Box::pin(async move { Ok(*lock(&self.weighing)) })
    }
}

pub trait CashDrawer: Send + Sync + Debug {
    fn open(&self) -> BoxFut<'_, Result<(), DeviceError>>;
}

/// A simulated cash drawer that counts how often it was opened.
#[derive(Debug, Default)]
pub struct SimulatedDrawer {
    openings: Mutex<u64>,
}

impl SimulatedDrawer {
    pub fn openings(&self) -> u64 {
        *lock(&self.openings)
    }
}

impl CashDrawer for SimulatedDrawer {
    fn open(&self) -> BoxFut<'_, Result<(), DeviceError>> {
        Box::pin(async move {
            *lock(&self.openings) += 1;
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------------------------

/// The simulators, kept concrete so the demo and tests can set their next outcomes.
#[derive(Debug, Default, Clone)]
pub struct Simulators {
    pub terminal: Arc<SimulatedTerminal>,
    pub swish: Arc<SimulatedSwish>,
    pub scale: Arc<SimulatedScale>,
    pub drawer: Arc<SimulatedDrawer>,
    pub printer: Arc<crate::printer::SimulatedPrinter>,
    pub control_unit: Arc<crate::control::SimulatedControlUnit>,
}

/// Everything the till talks to.
#[derive(Debug, Clone)]
pub struct Devices {
    pub terminal: Arc<dyn PaymentTerminal>,
    pub swish: Arc<dyn SwishGateway>,
    pub scale: Arc<dyn Scale>,
    pub drawer: Arc<dyn CashDrawer>,
    pub printer: Arc<dyn crate::printer::ReceiptPrinter>,
    pub control_unit: Arc<dyn crate::control::ControlUnit>,
    /// The simulators in use, if any (all devices are simulated until real adapters ship).
    pub simulators: Option<Simulators>,
    /// How long the till waits for the terminal or Swish before calling it a timeout.
    pub timeout: Duration,
}

impl Devices {
    pub fn simulated() -> Devices {
        let s = Simulators::default();
        Devices {
            terminal: s.terminal.clone(),
            swish: s.swish.clone(),
            scale: s.scale.clone(),
            drawer: s.drawer.clone(),
            printer: s.printer.clone(),
            control_unit: s.control_unit.clone(),
            simulators: Some(s),
            timeout: Duration::from_secs(60),
        }
    }
}

/// The Swish QR code as an SVG image for the customer to scan.
pub fn qr_svg(payload: &str) -> String {
    match qrcode::QrCode::new(payload.as_bytes()) {
        Ok(code) => {
            code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build()
        }
        Err(_) => String::new(),
    }
}
