//! The till: who is logged in, the sale in progress on this register, and the steps a
//! cashier takes.
//!
//! The sale in progress lives in memory behind an async mutex held across each step (a payment
//! included), so a scan that arrives while a sale is being paid waits and lands in the next
//! sale, never in the one being paid. A sale becomes durable when the payment that settles it
//! returns [`PayOutcome::Paid`]. Once a card, Swish, voucher or part-cash payment has been
//! taken, the sale is also kept on disk (`open_sale`) so a crash cannot lose money the
//! customer already paid; the till picks it up again on start.
//!
//! Card payments are never charged twice: every request is written down under the till's own
//! reference before it is sent, and after a timeout the till asks the terminal what became of
//! that reference before it sends another.
//!
//! Every step checks the session and the role here, in Rust: the UI is never trusted. A
//! session ends after `idle_logout` without activity; the sale in progress stays on the till
//! for whoever logs in next, so switching cashier never loses it.

use std::sync::Mutex as SyncMutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::Money;
use storekeep_domain::barcode;
use storekeep_domain::cart::{
    Cart, CartError, Discount, Measure, PricedCart, SoldBy, parse_kg, parse_pieces,
};
use storekeep_domain::hours::HoursStatus;
use storekeep_domain::payments::PaymentMethod;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::sale::{
    AbandonedSale, DrawerOpening, Tender, TenderMethod, VoidedLine, exact_amount, is_settled, settle_cash,
};
use storekeep_domain::staff::{Action, ApprovalPolicy, Role, StaffRef};
use tokio::sync::{Mutex, MutexGuard};
use ts_rs::TS;

mod backup;
mod degraded;
mod fiscal;
mod hours;
mod payments;
pub use backup::BackupStatus;
pub use fiscal::{CashInstead, CopyOutput, JournalCheck, ReportView, ReturnOutcome, ReturnPlan, TillState};

use crate::audit::{Actor, AuditEntry, AuditFilter, AuditRecord, Outcome};
use crate::devices::{CardOutcome, DeviceError, Devices, SwishStatus, Weighing, qr_svg};
use crate::error::{Error, Result};
use crate::staff::{Approval, Authorized, StaffMember};
use crate::{StoreStatus, Storekeep};

/// Five minutes without a key press logs the till out.
pub const DEFAULT_IDLE_LOGOUT: SignedDuration = SignedDuration::from_secs(300);

#[derive(Debug, Clone)]
struct Session {
    member: StaffMember,
    last_active: Timestamp,
}

/// Who is logged in, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    pub staff: StaffMember,
    #[ts(type = "number")]
    pub idle_logout_seconds: i64,
}

/// A Swish request waiting for the customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SwishPending {
    reference: String,
    id: String,
    amount: Money,
    qr_payload: String,
}

/// A card or Swish request under way, kept with the open sale (see migration 0004).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct PendingPayment {
    card_unknown: Option<String>,
    swish: Option<SwishPending>,
}

/// The sale in progress and any payment under way on it.
#[derive(Debug, Default)]
struct Current {
    cart: Cart,
    /// A card request that timed out: its outcome must be asked for before another is sent.
    card_unknown: Option<String>,
    swish: Option<SwishPending>,
    /// The customer wants the receipt as a file (elektroniskt kassakvitto), not on paper.
    electronic: bool,
    /// A manager's approval for the next sale while the store is closed, waiting for its
    /// first line: good for that one sale, the cashier it was given to, and a few minutes.
    outside_hours_approval: Option<OutsideHoursApproval>,
}

/// An approval to start a sale outside opening hours, not yet used.
#[derive(Debug, Clone)]
struct OutsideHoursApproval {
    approved_by: Option<StaffRef>,
    cashier: i64,
    at: Timestamp,
}

/// How long an approval to sell outside hours waits for the sale it was given for.
const OUTSIDE_HOURS_APPROVAL_VALID: SignedDuration = SignedDuration::from_mins(5);

impl Current {
    /// No card or Swish request is waiting for its answer.
    fn no_request_pending(&self) -> Result<()> {
        if self.card_unknown.is_some() || self.swish.is_some() {
            return Err(Error::PaymentPending);
        }
        Ok(())
    }

    /// Lines, discounts and quantities may change only with no payment under way or taken.
    fn editable(&self) -> Result<()> {
        self.no_request_pending()?;
        if !self.cart.tenders().is_empty() {
            return Err(Error::Cart(CartError::PaymentStarted));
        }
        Ok(())
    }
}

/// Where a payment step starts: ready to take a payment, or the settled sale registered.
enum Step<'a> {
    Ready(Actor, MutexGuard<'a, Current>),
    Registered(Box<PayOutcome>),
}

/// A Swish request as the UI shows it: the QR code for the customer and the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SwishView {
    pub amount: Money,
    /// An SVG image of the QR code to show the customer.
    pub qr_svg: String,
}

/// The sale in progress as the till shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaleView {
    pub cart: PricedCart,
    /// A Swish payment waiting for the customer.
    pub swish: Option<SwishView>,
    /// A card payment whose outcome is not known yet: press Card to ask the terminal.
    pub card_unknown: bool,
    /// Sales parked on this register.
    #[ts(type = "number")]
    pub parked: i64,
}

/// What a payment step led to: the sale is paid and registered, or there is more to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PayOutcome {
    Paid {
        receipt: Receipt,
        /// How the receipt reached the customer (absent when nothing was tried).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        delivery: Option<Delivery>,
    },
    Open {
        sale: SaleView,
    },
}

/// How a receipt was handed over: printed, or written as a file, or why neither worked (the
/// receipt is registered all the same and stays on screen).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Delivery {
    pub printed: bool,
    /// The electronic receipt's PDF, for an e-receipt.
    pub file: Option<String>,
    /// What went wrong, in English and Swedish.
    pub problem: Option<String>,
    pub problem_sv: Option<String>,
}

/// A parked sale in the list to resume from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ParkedSale {
    #[ts(type = "number")]
    pub id: i64,
    pub parked_at: String,
    pub parked_by: String,
    pub total: Money,
    #[ts(type = "number")]
    pub lines: i64,
}

#[derive(Debug)]
pub struct Till {
    sk: Storekeep,
    current: Mutex<Current>,
    restored: AtomicBool,
    session: SyncMutex<Option<Session>>,
    idle_logout: SignedDuration,
    devices: Devices,
    references: AtomicU64,
    /// Training mode: sales are övningskvitton, outside the sales figures.
    training: AtomicBool,
    /// Where electronic receipts are written.
    receipts_dir: Option<std::path::PathBuf>,
}

fn to_json(v: &impl Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

/// The discount as the till records it: who approved it when it was above the cashier's
/// limit (the approving manager, or the manager giving it), whatever the UI sent.
fn approved(mut d: Discount, ok: &Authorized, base: Money) -> Discount {
    d.approved_by = ok.approved_by.as_ref().map(staff_ref).or_else(|| {
        (ok.actor.role == Role::Manager && d.percent_of(base) > rust_decimal::Decimal::ZERO)
            .then(|| staff_ref(&ok.actor))
    });
    d
}

fn staff_ref(a: &Actor) -> StaffRef {
    StaffRef { id: a.id, name: a.name.clone() }
}

/// Who approved a step: the approving manager, or the manager taking it.
fn approver(ok: &Authorized) -> Option<StaffRef> {
    ok.approved_by.as_ref().or((ok.actor.role == Role::Manager).then_some(&ok.actor)).map(staff_ref)
}

impl Till {
    pub fn new(sk: Storekeep) -> Till {
        Till {
            sk,
            current: Mutex::new(Current::default()),
            restored: AtomicBool::new(false),
            session: SyncMutex::new(None),
            idle_logout: DEFAULT_IDLE_LOGOUT,
            devices: Devices::simulated(),
            references: AtomicU64::new(0),
            training: AtomicBool::new(false),
            receipts_dir: None,
        }
    }

    /// Where electronic receipts (PDF and HTML) are written.
    pub fn with_receipts_dir(self, dir: std::path::PathBuf) -> Till {
        Till { receipts_dir: Some(dir), ..self }
    }

    /// The card terminal, Swish, scale and drawer this till talks to (simulators by default).
    pub fn with_devices(self, devices: Devices) -> Till {
        Till { devices, ..self }
    }

    pub fn devices(&self) -> &Devices {
        &self.devices
    }

    pub fn with_idle_logout(self, idle_logout: SignedDuration) -> Till {
        Till { idle_logout, ..self }
    }

    pub fn storekeep(&self) -> &Storekeep {
        &self.sk
    }

    fn lock_session(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn info(&self, member: StaffMember) -> SessionInfo {
        SessionInfo { staff: member, idle_logout_seconds: self.idle_logout.as_secs() }
    }

    /// Logs `staff_id` in with their PIN, replacing whoever was logged in. The cart stays.
    pub async fn login(&self, staff_id: i64, pin: &str) -> Result<SessionInfo> {
        let member = self.sk.staff().authenticate(staff_id, pin).await?;
        // Who was on the till, from when.
        let subject = format!("staff {} ({})", member.id, member.name);
        let record =
            AuditRecord::new(self.sk.clock().now(), Some(member.actor()), "login", subject, Outcome::Done);
        self.sk.audit().record(&record).await?;
        *self.lock_session() = Some(Session { member: member.clone(), last_active: self.sk.clock().now() });
        Ok(self.info(member))
    }

    /// Creates the store's first manager and logs them in.
    pub async fn create_first_manager(&self, name: &str, pin: &str) -> Result<SessionInfo> {
        let member = self.sk.staff().create_first_manager(name, pin).await?;
        self.login(member.id, pin).await
    }

    pub fn logout(&self) {
        *self.lock_session() = None;
    }

    /// The session, if it has not run out. Does not count as activity.
    pub fn session(&self) -> Option<SessionInfo> {
        let now = self.sk.clock().now();
        let mut guard = self.lock_session();
        if guard.as_ref().is_some_and(|s| now.duration_since(s.last_active) > self.idle_logout) {
            *guard = None;
        }
        guard.as_ref().map(|s| self.info(s.member.clone()))
    }

    /// The person logged in, counting this as activity; `NotLoggedIn` after the idle time.
    fn active_member(&self) -> Result<StaffMember> {
        let now = self.sk.clock().now();
        let mut guard = self.lock_session();
        match guard.as_mut() {
            Some(s) if now.duration_since(s.last_active) <= self.idle_logout => {
                s.last_active = now;
                Ok(s.member.clone())
            }
            _ => {
                *guard = None;
                Err(Error::NotLoggedIn)
            }
        }
    }

    /// The logged-in person, if their role may take `action` (with `approval` where needed).
    pub async fn authorize(
        &self,
        action: Action,
        approval: Option<&Approval>,
        what: &str,
    ) -> Result<Authorized> {
        let member = self.active_member()?;
        self.sk.staff().authorize(&member.actor(), action, approval, what).await
    }

    /// Everybody, disabled people included (managers).
    pub async fn list_staff(&self) -> Result<Vec<StaffMember>> {
        self.authorize(Action::ManageStaff, None, "list staff").await?;
        self.sk.staff().list().await
    }

    /// Adds a person (managers; the staff service checks and audits).
    pub async fn create_staff(&self, name: &str, role: Role, pin: &str) -> Result<StaffMember> {
        let by = self.active_member()?.actor();
        self.sk.staff().create(&by, name, role, pin).await
    }

    /// Disables a person with a reason (managers; the staff service checks and audits).
    pub async fn disable_staff(&self, id: i64, reason: &str) -> Result<StaffMember> {
        let by = self.active_member()?.actor();
        self.sk.staff().disable(&by, id, reason).await
    }

    /// The audit log, newest first (managers).
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.authorize(Action::ViewAudit, None, "read the audit log").await?;
        self.sk.audit().list(filter).await
    }

    pub async fn status(&self) -> Result<StoreStatus> {
        Ok(StoreStatus {
            session: self.session(),
            simulated_devices: self.devices.simulators.is_some(),
            ..self.sk.status().await?
        })
    }

    /// The sale in progress, restoring on first use a sale that had payments taken when the
    /// program stopped.
    async fn current(&self) -> Result<MutexGuard<'_, Current>> {
        let mut cur = self.current.lock().await;
        if !self.restored.load(Ordering::Acquire) {
            if let Some(identity) = self.sk.identity().await?.map(|(i, _)| i) {
                let saved: Option<(String, Option<String>)> =
                    sqlx::query_as("SELECT cart, pending FROM open_sale WHERE register_id = ?")
                        .bind(&identity.register_id)
                        .fetch_optional(self.sk.db().reader())
                        .await?;
                if let Some((cart, pending)) = saved {
                    let bad = |e: serde_json::Error| {
                        Error::Inconsistent(format!(
                            "the sale kept while it was being paid cannot be read: {e}"
                        ))
                    };
                    cur.cart = serde_json::from_str(&cart).map_err(bad)?;
                    let pending: PendingPayment = pending
                        .as_deref()
                        .map(serde_json::from_str)
                        .transpose()
                        .map_err(bad)?
                        .unwrap_or_default();
                    cur.card_unknown = pending.card_unknown;
                    cur.swish = pending.swish;
                    tracing::warn!("restored a sale being paid when the program stopped");
                }
            }
            self.restored.store(true, Ordering::Release);
        }
        Ok(cur)
    }

    async fn view(&self, cur: &Current) -> Result<SaleView> {
        let cart = self.price(&cur.cart).await?;
        self.view_priced(cur, cart).await
    }

    async fn view_priced(&self, cur: &Current, cart: PricedCart) -> Result<SaleView> {
        let parked: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM parked_sale").fetch_one(self.sk.db().reader()).await?;
        Ok(SaleView {
            cart,
            swish: cur.swish.as_ref().map(|s| SwishView { amount: s.amount, qr_svg: qr_svg(&s.qr_payload) }),
            card_unknown: cur.card_unknown.is_some(),
            parked,
        })
    }

    /// Applies `change` to a copy of the cart, prices it (which checks discounts still fit) and
    /// only then keeps it: a refused change leaves the sale exactly as it was.
    async fn change(
        &self,
        cur: &mut Current,
        change: impl FnOnce(&mut Cart) -> std::result::Result<(), CartError>,
    ) -> Result<SaleView> {
        self.change_knowing(cur, None, change).await
    }

    /// [`Till::change`] with the opening hours already read, if the caller read them (`Some`).
    async fn change_knowing(
        &self,
        cur: &mut Current,
        closed: Option<Option<HoursStatus>>,
        change: impl FnOnce(&mut Cart) -> std::result::Result<(), CartError>,
    ) -> Result<SaleView> {
        cur.editable()?;
        let mut next = cur.cart.clone();
        // Training sales are not sales: staff practise before opening without asking.
        let starting = next.is_empty() && !self.training.load(Ordering::SeqCst);
        if starting {
            let closed = match closed {
                Some(known) => known,
                None => self.sk.hours().closed_for_sale().await?,
            };
            self.check_hours(closed, cur.outside_hours_approval.as_ref(), &mut next).await?;
        }
        change(&mut next)?;
        let priced = self.price(&next).await?;
        self.check_discount_limits(&priced).await?;
        cur.cart = next;
        if starting {
            cur.outside_hours_approval = None;
        }
        self.view_priced(cur, priced).await
    }

    /// A sale about to start (or a parked one coming back): outside opening hours, past the
    /// grace after closing, it needs a manager's approval, given just before with
    /// [`Till::approve_outside_hours`] to the same cashier, or a manager selling. The approval
    /// and the state at the sale's start go into its registration; inside hours nothing does.
    async fn check_hours(
        &self,
        closed: Option<HoursStatus>,
        waiting: Option<&OutsideHoursApproval>,
        next: &mut Cart,
    ) -> Result<()> {
        let Some(status) = closed else {
            next.set_outside_hours(None);
            return Ok(());
        };
        if next.outside_hours().is_some() {
            return Ok(()); // a parked sale that was approved when it started
        }
        let record = |approved_by| storekeep_domain::hours::OutsideHours {
            at: status.at,
            state: status.summary_sv.clone(),
            decided: status.decided.clone(),
            approved_by,
        };
        let seller = self.active_member()?.id;
        if let Some(a) = waiting.filter(|a| {
            a.cashier == seller
                && a.at <= status.at
                && status.at.duration_since(a.at) <= OUTSIDE_HOURS_APPROVAL_VALID
        }) {
            next.set_outside_hours(Some(record(a.approved_by.clone())));
            return Ok(());
        }
        match self.authorize(Action::SellOutsideHours, None, "sell outside opening hours").await {
            Ok(ok) => {
                next.set_outside_hours(Some(record(approver(&ok))));
                Ok(())
            }
            Err(Error::NeedsApproval(_)) => {
                Err(Error::StoreClosed { sv: status.summary_sv.clone(), en: status.summary_en.clone() })
            }
            Err(e) => Err(e),
        }
    }

    /// A manager approves the next sale while the store is closed (the approval dialog after
    /// a `store_closed` answer): good for this cashier's next sale within five minutes.
    /// Nothing to approve while open.
    pub async fn approve_outside_hours(&self, approval: Option<&Approval>) -> Result<SaleView> {
        let mut cur = self.current().await?;
        if !cur.cart.is_empty() {
            return Err(Error::SaleInProgress);
        }
        if let Some(status) = self.sk.hours().closed_for_sale().await? {
            let ok = self.authorize(Action::SellOutsideHours, approval, "sell outside opening hours").await?;
            cur.outside_hours_approval = Some(OutsideHoursApproval {
                approved_by: approver(&ok),
                cashier: ok.actor.id,
                at: status.at,
            });
        }
        self.view(&cur).await
    }

    /// The sale in progress, priced for now. Looking is not selling: the kiosk display may.
    pub async fn cart(&self) -> Result<SaleView> {
        self.authorize(Action::ViewStatus, None, "view the sale").await?;
        let cur = self.current().await?;
        self.view(&cur).await
    }

    /// A scan or a typed code: parsed, looked up and added. A refused code changes nothing.
    pub async fn scan(&self, input: &str) -> Result<SaleView> {
        self.authorize(Action::Sell, None, "scan").await?;
        let scan = barcode::parse(input)?;
        // A scan that starts a sale reads the item and the opening hours side by side: two
        // reads on the read pool at once rather than one after the other.
        let starting = self.current().await?.cart.is_empty();
        let (item, closed) = if starting {
            let (catalog, hours) = (self.sk.catalog(), self.sk.hours());
            let (item, closed) = tokio::join!(catalog.by_code(scan.lookup_code()), hours.closed_for_sale());
            (item?, Some(closed?))
        } else {
            (self.sk.catalog().by_code(scan.lookup_code()).await?, None)
        };
        let mut cur = self.current().await?;
        self.change_knowing(&mut cur, closed, |c| c.add_scan(&scan, &item)).await
    }

    /// Items by PLU or name, best first, for the cashier to pick from.
    pub async fn search(&self, query: &str) -> Result<Vec<storekeep_domain::cart::CatalogItem>> {
        self.authorize(Action::Sell, None, "search the catalog").await?;
        self.sk.catalog().search(query, 20).await
    }

    /// Adds an item picked from a search: `quantity` pieces (default 1) for a piece item, or
    /// `weight` kilograms typed by hand for a weighed item.
    pub async fn add_item(
        &self,
        product_id: i64,
        quantity: Option<&str>,
        weight: Option<&str>,
    ) -> Result<SaleView> {
        self.authorize(Action::Sell, None, "add an item").await?;
        let item = self.sk.catalog().by_id(product_id).await?;
        let measure = match (item.sold_by, weight, quantity) {
            (SoldBy::Weight, Some(w), _) => Measure::Kilograms(parse_kg(w)?),
            (SoldBy::Weight, None, _) => return Err(CartError::NeedsWeight { name: item.name }.into()),
            (_, _, Some(q)) => Measure::Pieces(parse_pieces(q)?),
            (_, _, None) => Measure::Pieces(rust_decimal::Decimal::ONE),
        };
        let mut cur = self.current().await?;
        self.change(&mut cur, |c| c.add_item(&item, measure)).await
    }

    /// What the scale shows now.
    pub async fn read_scale(&self) -> Result<Weighing> {
        self.authorize(Action::Sell, None, "read the scale").await?;
        self.devices.scale.read().await.map_err(|e| Error::ScaleUnavailable(e.to_string()))
    }

    /// Weighs a weighed item on the scale and adds it. The weight must be steady and above zero.
    pub async fn weigh(&self, product_id: i64) -> Result<SaleView> {
        let reading = self.read_scale().await?;
        if !reading.stable {
            return Err(Error::ScaleUnstable);
        }
        if reading.kg <= rust_decimal::Decimal::ZERO {
            return Err(Error::ScaleEmpty);
        }
        let item = self.sk.catalog().by_id(product_id).await?;
        let kg = reading.kg.round_dp(3);
        let mut cur = self.current().await?;
        self.change(&mut cur, |c| c.add_item(&item, Measure::Kilograms(kg))).await
    }

    /// Sets the pieces (or, for a weighed line entered by hand, the kilograms) of line `index`.
    pub async fn set_quantity(&self, index: usize, value: &str) -> Result<SaleView> {
        self.authorize(Action::Sell, None, "change a quantity").await?;
        let mut cur = self.current().await?;
        let line = cur.cart.lines().get(index).ok_or(Error::NoSuchLine(index + 1))?;
        let measure = match line.sold_by {
            SoldBy::Weight => Measure::Kilograms(parse_kg(value)?),
            _ => Measure::Pieces(parse_pieces(value)?),
        };
        self.change(&mut cur, |c| c.set_quantity(index, measure)).await
    }

    /// Authorises a discount: within the policy's limit a cashier gives it alone; above it, it
    /// is `discount_over_limit` (a manager's approval, if the policy asks for one).
    async fn authorize_discount(
        &self,
        discount: Option<&Discount>,
        base: Money,
        approval: Option<&Approval>,
        what: &str,
    ) -> Result<Authorized> {
        let policy: ApprovalPolicy = self.sk.settings().approval_policy().await?;
        match discount {
            Some(d) if d.percent_of(base) > policy.discount_limit_percent => {
                self.authorize(Action::DiscountOverLimit, approval, what).await
            }
            _ => self.authorize(Action::Sell, None, what).await,
        }
    }

    /// A change of quantity or lines can push a discount given in kronor above the cashier's
    /// limit (5 kr off 100 kr is 5 %; off 10 kr it is 50 %): such a change needs the discount
    /// to have been approved, or a manager at the till.
    async fn check_discount_limits(&self, priced: &PricedCart) -> Result<()> {
        // (line number or None for the sale discount, percent of what it applies to)
        let mut unapproved: Vec<(Option<usize>, rust_decimal::Decimal)> = Vec::new();
        for (i, l) in priced.lines.iter().enumerate() {
            if let Some(d) = l.line.discount.as_ref().filter(|d| d.approved_by.is_none()) {
                unapproved.push((Some(i + 1), d.percent_of(l.line.line_total)));
            }
        }
        if let Some(d) = priced.sale_discount.as_ref().filter(|d| d.approved_by.is_none()) {
            unapproved.push((None, d.percent_of(priced.subtotal - priced.line_discounts)));
        }
        if unapproved.is_empty() {
            return Ok(());
        }
        let limit = self.sk.settings().approval_policy().await?.discount_limit_percent;
        let Some(line) = unapproved.iter().find(|(_, pct)| *pct > limit).map(|(line, _)| *line) else {
            return Ok(());
        };
        let what = match line {
            Some(n) => format!("the discount on line {n}"),
            None => "the sale discount".to_string(),
        };
        match self.authorize(Action::DiscountOverLimit, None, &what).await {
            Err(Error::NeedsApproval(_)) => {
                Err(Error::DiscountAboveLimit { line, limit: limit.normalize().to_string() })
            }
            other => other.map(|_| ()),
        }
    }

    /// Puts a discount (percent or amount, with a reason) on line `index`, or removes it.
    pub async fn set_line_discount(
        &self,
        index: usize,
        discount: Option<Discount>,
        approval: Option<&Approval>,
    ) -> Result<SaleView> {
        let mut cur = self.current().await?;
        cur.editable()?;
        let line = cur.cart.lines().get(index).cloned().ok_or(Error::NoSuchLine(index + 1))?;
        if let Some(d) = &discount {
            d.validate()?;
            d.amount_off(line.line_total)?;
        }
        let what = format!("discount on line {} ({})", index + 1, line.name);
        let ok = self.authorize_discount(discount.as_ref(), line.line_total, approval, &what).await?;
        let discount = discount.map(|d| approved(d, &ok, line.line_total));
        self.change(&mut cur, |c| c.set_line_discount(index, discount)).await
    }

    /// Puts a discount on the whole sale, or removes it.
    pub async fn set_sale_discount(
        &self,
        discount: Option<Discount>,
        approval: Option<&Approval>,
    ) -> Result<SaleView> {
        let mut cur = self.current().await?;
        cur.editable()?;
        let priced = self.price(&cur.cart).await?;
        let base = priced.subtotal - priced.line_discounts;
        if let Some(d) = &discount {
            d.validate()?;
            d.amount_off(base)?;
        }
        let ok = self.authorize_discount(discount.as_ref(), base, approval, "discount on the sale").await?;
        let discount = discount.map(|d| approved(d, &ok, base));
        self.change(&mut cur, |c| c.set_sale_discount(discount)).await
    }

    /// A registered receipt, as it was printed.
    pub async fn receipt(&self, receipt_no: i64) -> Result<Receipt> {
        self.authorize(Action::Sell, None, "show a receipt").await?;
        self.sk.sales().receipt(receipt_no).await
    }

    /// Takes line `index` (0-based) off the sale in progress. A cashier needs a manager's
    /// approval (by default); the void is a journal registration naming both.
    pub async fn void_line(&self, index: usize, approval: Option<&Approval>) -> Result<SaleView> {
        let mut cur = self.current().await?;
        cur.editable()?;
        let line = cur.cart.lines().get(index).cloned().ok_or(Error::NoSuchLine(index + 1))?;
        let what = format!("line {} ({}, {})", index + 1, line.name, line.line_total);
        let ok = self.authorize(Action::VoidLine, approval, &what).await?;
        let mut next = cur.cart.clone();
        next.remove_line(index)?;
        self.price(&next).await?;
        let voided = VoidedLine {
            register_id: self.register_id().await?,
            at: self.sk.clock().now(),
            line,
            cashier: staff_ref(&ok.actor),
            approved_by: ok.approved_by.as_ref().map(staff_ref),
        };
        self.sk.sales().register_void(&voided).await?;
        cur.cart = next;
        self.view(&cur).await
    }

    async fn register_id(&self) -> Result<String> {
        Ok(self.sk.require_identity().await?.register_id)
    }

    /// Parks the sale in progress (kept on disk) and empties the till for the next customer.
    pub async fn park(&self) -> Result<SaleView> {
        let cashier = self.authorize(Action::Sell, None, "park a sale").await?.actor;
        let mut cur = self.current().await?;
        if cur.cart.is_empty() {
            return Err(Error::NothingToPark);
        }
        if !cur.cart.tenders().is_empty() {
            return Err(Error::PaymentTaken);
        }
        cur.editable()?;
        let priced = self.price(&cur.cart).await?;
        let json = serde_json::to_string(&cur.cart).map_err(|e| Error::Storage(e.to_string()))?;
        let mut tx = self.sk.db().begin_write().await?;
        sqlx::query(
            "INSERT INTO parked_sale (register_id, parked_at, parked_by, total, lines, cart) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(self.register_id().await?)
        .bind(self.sk.clock().now().to_string())
        .bind(cashier.id)
        .bind(priced.total.to_string())
        .bind(priced.lines.len() as i64)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        *cur = Current::default();
        self.view(&cur).await
    }

    /// Parked sales, oldest first.
    pub async fn parked(&self) -> Result<Vec<ParkedSale>> {
        self.authorize(Action::Sell, None, "list parked sales").await?;
        let rows = sqlx::query(
            "SELECT p.id, p.parked_at, s.name, p.total, p.lines FROM parked_sale p JOIN staff s ON s.id = p.parked_by
             ORDER BY p.id",
        )
        .fetch_all(self.sk.db().reader())
        .await?;
        rows.iter()
            .map(|r| {
                let at: &str = r.get(1);
                let parked_at = at
                    .parse::<Timestamp>()
                    .map(|t| t.to_zoned_datetime(self.sk.time_zone().clone()).strftime("%H:%M").to_string())
                    .unwrap_or_else(|_| at.to_string());
                Ok(ParkedSale {
                    id: r.get(0),
                    parked_at,
                    parked_by: r.get(2),
                    total: Money::parse(r.get(3))
                        .map_err(|_| Error::Inconsistent("a parked sale has a bad total".into()))?,
                    lines: r.get(4),
                })
            })
            .collect()
    }

    /// Brings a parked sale back onto the till (which must be empty).
    pub async fn resume(&self, id: i64) -> Result<SaleView> {
        self.authorize(Action::Sell, None, "resume a parked sale").await?;
        let mut cur = self.current().await?;
        if !cur.cart.is_empty() {
            return Err(Error::SaleInProgress);
        }
        let parse = |json: &str| {
            serde_json::from_str::<Cart>(json)
                .map_err(|e| Error::Inconsistent(format!("parked sale {id} cannot be read: {e}")))
        };
        // Brought back after closing, a parked sale needs the approval a new one would.
        let json: String = sqlx::query_scalar("SELECT cart FROM parked_sale WHERE id = ?")
            .bind(id)
            .fetch_optional(self.sk.db().reader())
            .await?
            .ok_or(Error::ParkedNotFound(id))?;
        let mut cart = parse(&json)?;
        if !self.training.load(Ordering::SeqCst) {
            let closed = self.sk.hours().closed_for_sale().await?;
            self.check_hours(closed, cur.outside_hours_approval.as_ref(), &mut cart).await?;
        }
        let mut tx = self.sk.db().begin_write().await?;
        let taken: Option<String> = sqlx::query_scalar("DELETE FROM parked_sale WHERE id = ? RETURNING cart")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.as_deref() != Some(json.as_str()) {
            return Err(Error::ParkedNotFound(id)); // resumed elsewhere meanwhile
        }
        tx.commit().await?;
        cur.cart = cart;
        cur.outside_hours_approval = None;
        self.view(&cur).await
    }

    /// Gives up the sale in progress: journaled as an unfinished sale with what was on it.
    pub async fn abandon(&self, reason: &str, approval: Option<&Approval>) -> Result<SaleView> {
        let mut cur = self.current().await?;
        if cur.cart.is_empty() {
            return Err(Error::NothingToPark);
        }
        cur.no_request_pending()?;
        if !cur.cart.tenders().is_empty() {
            return Err(Error::PaymentTaken);
        }
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        let priced = self.price(&cur.cart).await?;
        let ok =
            self.authorize(Action::AbandonSale, approval, &format!("sale of {} kr", priced.total)).await?;
        let abandoned = AbandonedSale {
            register_id: self.register_id().await?,
            at: self.sk.clock().now(),
            lines: priced.lines,
            total: priced.total,
            reason: reason.trim().to_string(),
            cashier: staff_ref(&ok.actor),
            approved_by: ok.approved_by.as_ref().map(staff_ref),
        };
        self.sk.sales().register_abandoned(&abandoned).await?;
        *cur = Current::default();
        self.view(&cur).await
    }

    /// Opens the cash drawer without a sale, with a reason; journaled.
    pub async fn open_drawer(&self, reason: &str, approval: Option<&Approval>) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        let ok = self.authorize(Action::OpenDrawer, approval, "open the drawer").await?;
        let opening = DrawerOpening {
            register_id: self.register_id().await?,
            at: self.sk.clock().now(),
            reason: reason.trim().to_string(),
            cashier: staff_ref(&ok.actor),
            approved_by: ok.approved_by.as_ref().map(staff_ref),
        };
        self.sk.sales().register_drawer_open(&opening).await?;
        self.devices.drawer.open().await.map_err(|e| Error::DrawerUnavailable(e.to_string()))
    }

    /// Settles the rest of the sale in cash (with change) and returns the receipt.
    pub async fn pay_cash(&self, tendered: &str) -> Result<Receipt> {
        match self.take_cash(tendered, false).await? {
            PayOutcome::Paid { receipt, .. } => Ok(receipt),
            PayOutcome::Open { .. } => {
                Err(Error::Inconsistent("cash that covers the rest did not settle the sale".into()))
            }
        }
    }

    /// Takes cash. `tendered` at least the rounded rest settles the sale (with change); with
    /// `partial`, less is taken as a part payment and another method pays the remainder.
    pub async fn take_cash(&self, tendered: &str, partial: bool) -> Result<PayOutcome> {
        let tendered = Money::parse(tendered)?;
        let (cashier, mut cur) = match self.payment_step("take cash").await? {
            Step::Ready(cashier, cur) => (cashier, cur),
            Step::Registered(done) => return Ok(*done),
        };
        cur.no_request_pending()?;
        let priced = self.price(&cur.cart).await?;
        let tender = settle_cash(&priced, tendered, partial)?;
        self.allow(PaymentMethod::Cash, tender.amount).await?;
        self.take(&mut cur, tender, &cashier).await
    }

    /// Pays by card through the terminal: `amount`, or the rest of the sale.
    pub async fn pay_card(&self, amount: Option<&str>) -> Result<PayOutcome> {
        self.real_money_allowed()?;
        let requested = amount.map(Money::parse).transpose()?;
        let (cashier, mut cur) = match self.payment_step("take a card payment").await? {
            Step::Ready(cashier, cur) => (cashier, cur),
            Step::Registered(done) => return Ok(*done),
        };
        if cur.swish.is_some() {
            return Err(Error::PaymentPending);
        }
        // An earlier request got no answer: ask what became of it before charging again.
        if let Some(reference) = cur.card_unknown.clone() {
            let asked =
                tokio::time::timeout(self.devices.timeout, self.devices.terminal.outcome_of(&reference))
                    .await;
            match asked {
                Ok(Ok(Some(CardOutcome::Approved { authorization, offline }))) => {
                    let amount = self.attempt_amount(&reference).await?;
                    if offline {
                        self.count_offline(&reference, &authorization, amount).await;
                    }
                    cur.card_unknown = None;
                    let tender =
                        Tender::exact(TenderMethod::Card, amount, Some(authorization.clone()), offline);
                    tracing::info!(reference, "an earlier card payment had gone through: not charging again");
                    let outcome = self.take(&mut cur, tender, &cashier).await;
                    self.note_attempt(&reference, "approved", Some(&authorization)).await;
                    return outcome;
                }
                Ok(Ok(Some(CardOutcome::Declined { reason }))) => {
                    self.note_attempt(&reference, "declined", Some(&reason)).await;
                    cur.card_unknown = None;
                }
                Ok(Ok(None)) => {
                    self.note_attempt(&reference, "cancelled", Some("the terminal never received it")).await;
                    cur.card_unknown = None;
                }
                Ok(Err(_)) | Err(_) => return Err(Error::CardOutcomeUnknown),
            }
        }
        let priced = self.price(&cur.cart).await?;
        let amount = exact_amount(&priced, requested)?;
        // The state when the tender starts decides; a change while the customer is at the
        // terminal does not stop this payment.
        let on_sale = cur
            .cart
            .tenders()
            .iter()
            .filter(|t| t.method == TenderMethod::Card && t.offline)
            .fold(Money::ZERO, |sum, t| sum + t.amount);
        let mode = self.card_mode(amount, on_sale).await?;
        let reference = self.new_attempt("card", amount).await?;
        // Until the terminal answers, the request's outcome is unknown: kept with the sale on
        // disk first, so that even a crash cannot lead to a second charge.
        cur.card_unknown = Some(reference.clone());
        if let Err(e) = self.persist(&cur).await {
            cur.card_unknown = None;
            self.note_attempt(&reference, "cancelled", Some("not sent: the sale could not be saved")).await;
            return Err(e);
        }
        let answer = tokio::time::timeout(
            self.devices.timeout,
            self.devices.terminal.purchase(&reference, amount, mode),
        )
        .await;
        match answer {
            Ok(Ok(CardOutcome::Approved { authorization, offline })) => {
                if offline {
                    if mode == storekeep_domain::payments::CardMode::Online {
                        // Against what it was told; the card was approved all the same.
                        tracing::warn!(
                            reference,
                            "the terminal approved offline a payment sent as online only"
                        );
                    }
                    self.count_offline(&reference, &authorization, amount).await;
                }
                cur.card_unknown = None;
                let tender = Tender::exact(TenderMethod::Card, amount, Some(authorization.clone()), offline);
                let outcome = self.take(&mut cur, tender, &cashier).await;
                self.note_attempt(&reference, "approved", Some(&authorization)).await;
                outcome
            }
            Ok(Ok(CardOutcome::Declined { reason })) => {
                cur.card_unknown = None;
                self.note_attempt(&reference, "declined", Some(&reason)).await;
                self.persist_or_log(&cur).await;
                Err(Error::CardDeclined(reason))
            }
            Ok(Err(DeviceError::Unreachable(detail))) => {
                cur.card_unknown = None;
                self.note_attempt(&reference, "cancelled", Some(&detail)).await;
                self.persist_or_log(&cur).await;
                Err(Error::TerminalUnreachable(detail))
            }
            Ok(Err(DeviceError::Timeout)) | Err(_) => {
                self.note_attempt(&reference, "unknown", Some("no answer from the terminal")).await;
                Err(Error::CardTimeout)
            }
        }
    }

    /// Clears a card payment whose outcome the terminal cannot tell, once a manager has checked
    /// (on the terminal's own records) that it did not go through. Audited with the reason.
    pub async fn clear_unknown_card(&self, reason: &str, approval: Option<&Approval>) -> Result<SaleView> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        let mut cur = self.current().await?;
        let reference = cur.card_unknown.clone().ok_or(Error::NoUnknownCardPayment)?;
        let ok =
            self.authorize(Action::ResolvePayment, approval, &format!("card payment {reference}")).await?;
        let mut record = AuditRecord::new(
            self.sk.clock().now(),
            Some(ok.actor.clone()),
            "payment.clear_unknown_card",
            format!("card payment {reference}"),
            Outcome::Done,
        );
        record.reason = Some(reason.trim().to_string());
        record.approved_by = ok.approved_by.clone();
        self.sk.audit().record(&record).await?;
        self.set_attempt(&reference, "cancelled", Some(&format!("cleared: {}", reason.trim()))).await?;
        cur.card_unknown = None;
        self.persist(&cur).await?;
        self.view(&cur).await
    }

    /// Starts a Swish payment of `amount` (or the rest): the view carries the QR code.
    pub async fn swish_start(&self, amount: Option<&str>) -> Result<PayOutcome> {
        self.real_money_allowed()?;
        let requested = amount.map(Money::parse).transpose()?;
        let mut cur = match self.payment_step("start a Swish payment").await? {
            Step::Ready(_, cur) => cur,
            Step::Registered(done) => return Ok(*done),
        };
        cur.no_request_pending()?;
        let priced = self.price(&cur.cart).await?;
        let amount = exact_amount(&priced, requested)?;
        self.allow(PaymentMethod::Swish, amount).await?;
        let reference = self.new_attempt("swish", amount).await?;
        let created =
            tokio::time::timeout(self.devices.timeout, self.devices.swish.create(&reference, amount)).await;
        let request = match created {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                self.note_attempt(&reference, "cancelled", Some(&e.to_string())).await;
                return Err(Error::SwishUnavailable(e.to_string()));
            }
            Err(_) => {
                self.note_attempt(&reference, "cancelled", Some("no answer")).await;
                return Err(Error::SwishUnavailable(DeviceError::Timeout.to_string()));
            }
        };
        cur.swish = Some(SwishPending {
            reference: reference.clone(),
            id: request.id.clone(),
            amount,
            qr_payload: request.qr_payload,
        });
        if let Err(e) = self.persist(&cur).await {
            // The customer has not seen the QR code yet: withdraw the request.
            cur.swish = None;
            let _ = self.devices.swish.cancel(&request.id).await;
            self.note_attempt(&reference, "cancelled", Some("the sale could not be saved")).await;
            return Err(e);
        }
        Ok(PayOutcome::Open { sale: self.view(&cur).await? })
    }

    /// Asks Swish whether the customer has paid. Still waiting: the sale stays open.
    pub async fn swish_poll(&self) -> Result<PayOutcome> {
        let cashier = self.authorize(Action::Sell, None, "check a Swish payment").await?.actor;
        let mut cur = self.current().await?;
        let pending = cur.swish.clone().ok_or(Error::NoSwishPending)?;
        let status = tokio::time::timeout(self.devices.timeout, self.devices.swish.status(&pending.id)).await;
        match status {
            Ok(Ok(SwishStatus::Created)) | Ok(Err(_)) | Err(_) => {
                Ok(PayOutcome::Open { sale: self.view(&cur).await? })
            }
            Ok(Ok(answer)) => self.swish_answered(&mut cur, pending, answer, &cashier).await,
        }
    }

    /// Cancels the waiting Swish request, under one hold of the sale. If the customer paid in
    /// the meantime the payment is taken, never dropped; if Swish cannot confirm the cancel,
    /// the request stays and the cashier checks again.
    pub async fn swish_cancel(&self) -> Result<PayOutcome> {
        let cashier = self.authorize(Action::Sell, None, "cancel a Swish payment").await?.actor;
        let mut cur = self.current().await?;
        let pending = cur.swish.clone().ok_or(Error::NoSwishPending)?;
        let cancelled = self.devices.swish.cancel(&pending.id).await.is_ok();
        let status = tokio::time::timeout(self.devices.timeout, self.devices.swish.status(&pending.id)).await;
        match status {
            Ok(Ok(SwishStatus::Created)) if cancelled => {
                cur.swish = None;
                self.note_attempt(&pending.reference, "cancelled", None).await;
                self.persist(&cur).await?;
                Ok(PayOutcome::Open { sale: self.view(&cur).await? })
            }
            Ok(Ok(SwishStatus::Created)) | Ok(Err(_)) | Err(_) => {
                Err(Error::SwishUnavailable("the cancel could not be confirmed; check again".into()))
            }
            Ok(Ok(answer)) => match self.swish_answered(&mut cur, pending, answer, &cashier).await {
                Err(Error::SwishDeclined | Error::SwishFailed(_)) => {
                    Ok(PayOutcome::Open { sale: self.view(&cur).await? })
                }
                other => other,
            },
        }
    }

    /// Swish's final answer on a request: paid (taken onto the sale) or refused.
    async fn swish_answered(
        &self,
        cur: &mut Current,
        pending: SwishPending,
        answer: SwishStatus,
        cashier: &Actor,
    ) -> Result<PayOutcome> {
        cur.swish = None;
        match answer {
            SwishStatus::Paid { payment_reference } => {
                let tender = Tender::exact(
                    TenderMethod::Swish,
                    pending.amount,
                    Some(payment_reference.clone()),
                    false,
                );
                let outcome = self.take(cur, tender, cashier).await;
                self.note_attempt(&pending.reference, "approved", Some(&payment_reference)).await;
                outcome
            }
            SwishStatus::Declined | SwishStatus::Created => {
                self.note_attempt(&pending.reference, "declined", None).await;
                self.persist_or_log(cur).await;
                Err(Error::SwishDeclined)
            }
            SwishStatus::Error(detail) => {
                self.note_attempt(&pending.reference, "declined", Some(&detail)).await;
                self.persist_or_log(cur).await;
                Err(Error::SwishFailed(detail))
            }
        }
    }

    /// Pays with a gift voucher: `amount` (or as much of the rest as the voucher holds).
    pub async fn pay_voucher(&self, code: &str, amount: Option<&str>) -> Result<PayOutcome> {
        self.real_money_allowed()?;
        let requested = amount.map(Money::parse).transpose()?;
        let code = crate::vouchers::normalise(code);
        let (cashier, mut cur) = match self.payment_step("take a gift voucher").await? {
            Step::Ready(cashier, cur) => (cashier, cur),
            Step::Registered(done) => return Ok(*done),
        };
        cur.no_request_pending()?;
        let now = self.sk.clock().now();
        let today = now.to_zoned_datetime(self.sk.time_zone().clone()).date();
        let mut left = crate::vouchers::usable_balance(&self.sk, &code, today).await?;
        for t in cur.cart.tenders().iter().filter(|t| t.reference.as_deref() == Some(code.as_str())) {
            left = left - t.amount;
        }
        if left <= Money::ZERO {
            return Err(Error::VoucherUsed(code));
        }
        let priced = self.price(&cur.cart).await?;
        let wanted = requested.unwrap_or(priced.remaining).min(left);
        let amount = exact_amount(&priced, Some(wanted))?;
        self.allow(PaymentMethod::GiftVoucher, amount).await?;
        let tender = Tender::exact(TenderMethod::Voucher, amount, Some(code), false);
        self.take(&mut cur, tender, &cashier).await
    }

    /// Adds a payment to the sale. If it settles the sale, the sale is registered and the till
    /// emptied; otherwise the sale, with its payments, is kept on disk until it is. A payment
    /// taken stays on the sale in memory even when writing fails (a full disk, a lock): the
    /// next payment step registers the settled sale instead of taking money again.
    async fn take(&self, cur: &mut Current, tender: Tender, cashier: &Actor) -> Result<PayOutcome> {
        cur.cart.add_tender(tender);
        self.register_or_keep(cur, cashier).await
    }

    async fn register_or_keep(&self, cur: &mut Current, cashier: &Actor) -> Result<PayOutcome> {
        let now = self.sk.clock().now();
        let priced = self.price_at(&cur.cart, now).await?;
        if !is_settled(&priced) {
            self.persist(cur).await?;
            return Ok(PayOutcome::Open { sale: self.view_priced(cur, priced).await? });
        }
        // Money moved outside the till (card, Swish) is on disk before the registration is
        // tried, so a crash in between cannot lose it.
        if cur.cart.tenders().iter().any(|t| matches!(t.method, TenderMethod::Card | TenderMethod::Swish)) {
            self.persist(cur).await?;
        }
        let training = self.training.load(Ordering::SeqCst);
        let cu = &*self.devices.control_unit;
        match self.sk.sales().complete(priced, staff_ref(cashier), now, cu, training).await {
            Ok((_, receipt)) => {
                let electronic = cur.electronic;
                *cur = Current::default();
                let delivery = self.deliver(&receipt, electronic).await;
                Ok(PayOutcome::Paid { receipt, delivery: Some(delivery) })
            }
            // A voucher spent meanwhile (by another program): it cannot pay; take it off.
            Err(e @ (Error::VoucherUsed(_) | Error::VoucherNotFound(_))) => {
                if let Error::VoucherUsed(code) | Error::VoucherNotFound(code) = &e {
                    cur.cart.drop_tenders_with_reference(TenderMethod::Voucher, code);
                }
                // Cash handed over for a total that has now changed is counted again.
                cur.cart.drop_last_cash();
                self.persist_or_log(cur).await;
                Err(e)
            }
            // Not registered (the control unit is down under the stop policy, the disk is full):
            // the payments taken are kept on disk until it is.
            Err(e) => {
                self.persist_or_log(cur).await;
                Err(e)
            }
        }
    }

    /// Keeps the sale on disk while it has payments taken or a request under way; otherwise
    /// removes what was kept.
    async fn persist(&self, cur: &Current) -> Result<()> {
        // Training sales move no real money: nothing to keep, and nothing that could come back
        // after a restart as a real sale.
        if self.training.load(Ordering::SeqCst) {
            return Ok(());
        }
        let register = self.register_id().await?;
        let mut tx = self.sk.db().begin_write().await?;
        if cur.cart.tenders().is_empty() && cur.card_unknown.is_none() && cur.swish.is_none() {
            sqlx::query("DELETE FROM open_sale WHERE register_id = ?")
                .bind(&register)
                .execute(&mut *tx)
                .await?;
        } else {
            let pending = PendingPayment { card_unknown: cur.card_unknown.clone(), swish: cur.swish.clone() };
            sqlx::query(
                "INSERT INTO open_sale (register_id, cart, pending, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (register_id) DO UPDATE
                 SET cart = excluded.cart, pending = excluded.pending, updated_at = excluded.updated_at",
            )
            .bind(&register)
            .bind(to_json(&cur.cart)?)
            .bind(to_json(&pending)?)
            .bind(self.sk.clock().now().to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// [`Till::persist`] where the state on disk only needs tidying: a failure is logged.
    async fn persist_or_log(&self, cur: &Current) {
        if let Err(e) = self.persist(cur).await {
            tracing::warn!(error = %e, "could not update the kept open sale");
        }
    }

    /// The start of every payment step: who takes it and the sale. A sale whose payments
    /// already settle it but whose registration failed (a locked or full disk) is registered
    /// instead, rather than taking money again.
    async fn payment_step(&self, what: &str) -> Result<Step<'_>> {
        let cashier = self.authorize(Action::Sell, None, what).await?.actor;
        let mut cur = self.current().await?;
        if !cur.cart.tenders().is_empty() && is_settled(&self.price(&cur.cart).await?) {
            return Ok(Step::Registered(Box::new(self.register_or_keep(&mut cur, &cashier).await?)));
        }
        Ok(Step::Ready(cashier, cur))
    }

    /// Records what became of a request. Book-keeping only: the payment itself is already on
    /// the sale, so a failure here is logged, never allowed to lose it.
    async fn note_attempt(&self, reference: &str, status: &str, detail: Option<&str>) {
        if let Err(e) = self.set_attempt(reference, status, detail).await {
            tracing::warn!(reference, status, error = %e, "could not record a payment attempt's outcome");
        }
    }

    /// Writes down (durably) a request about to be sent, under a new reference of the till's.
    async fn new_attempt(&self, method: &str, amount: Money) -> Result<String> {
        let register = self.register_id().await?;
        let now = self.sk.clock().now();
        // Unique by the insert itself: a till started again in the same millisecond (or after
        // the clock stepped back) moves on to the next free number.
        loop {
            let n = self.references.fetch_add(1, Ordering::Relaxed);
            let reference = format!("{register}-{}-{n}", now.as_millisecond());
            let done = sqlx::query(
                "INSERT INTO payment_attempt (reference, register_id, method, amount, status, created_at, updated_at)
                 VALUES (?, ?, ?, ?, 'sent', ?, ?) ON CONFLICT (reference) DO NOTHING",
            )
            .bind(&reference)
            .bind(&register)
            .bind(method)
            .bind(amount.to_string())
            .bind(now.to_string())
            .bind(now.to_string())
            .execute(self.sk.db().writer())
            .await?;
            if done.rows_affected() == 1 {
                return Ok(reference);
            }
        }
    }

    async fn set_attempt(&self, reference: &str, status: &str, detail: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE payment_attempt SET status = ?, detail = ?, updated_at = ? WHERE reference = ?")
            .bind(status)
            .bind(detail)
            .bind(self.sk.clock().now().to_string())
            .bind(reference)
            .execute(self.sk.db().writer())
            .await?;
        Ok(())
    }

    async fn attempt_amount(&self, reference: &str) -> Result<Money> {
        let amount: String = sqlx::query_scalar("SELECT amount FROM payment_attempt WHERE reference = ?")
            .bind(reference)
            .fetch_one(self.sk.db().reader())
            .await?;
        Money::parse(&amount)
            .map_err(|_| Error::Inconsistent(format!("payment {reference} has a bad amount")))
    }

    /// Imports a price file (managers): all of it or, with any bad row, nothing.
    pub async fn import_catalog(&self, source: &str, bytes: &[u8]) -> Result<crate::catalog::ImportReport> {
        let by = self.active_member()?.actor();
        self.sk.catalog().import(&by, source, bytes).await
    }

    /// Which steps need a manager's approval.
    pub async fn approval_policy(&self) -> Result<ApprovalPolicy> {
        self.authorize(Action::ViewStatus, None, "read the approval setting").await?;
        self.sk.settings().approval_policy().await
    }

    /// Changes which steps need a manager's approval (managers; audited with the reason).
    pub async fn set_approval_policy(&self, policy: &ApprovalPolicy, reason: &str) -> Result<ApprovalPolicy> {
        let by = self.active_member()?.actor();
        self.sk.settings().set_approval_policy(&by, policy, reason).await?;
        self.sk.settings().approval_policy().await
    }

    /// The simulators, for the demo's simulator panel (people who sell): refused when real
    /// devices are in use.
    async fn simulators(&self) -> Result<&crate::devices::Simulators> {
        self.authorize(Action::Sell, None, "set a simulator").await?;
        self.devices.simulators.as_ref().ok_or(Error::NotSimulated)
    }

    /// Chooses what the simulated card terminal does with the next payment.
    pub async fn simulate_card(&self, next: crate::devices::SimCard) -> Result<()> {
        let sims = self.simulators().await?;
        sims.terminal.clear_next();
        sims.terminal.set_next(next);
        Ok(())
    }

    /// Chooses what the simulated Swish customer does with the next request.
    pub async fn simulate_swish(&self, next: crate::devices::SimSwish) -> Result<()> {
        let sims = self.simulators().await?;
        sims.swish.clear_next();
        sims.swish.set_next(next);
        Ok(())
    }

    /// Puts a weight on the simulated scale.
    pub async fn simulate_scale(&self, kg: &str, stable: bool) -> Result<()> {
        let sims = self.simulators().await?;
        let kg = if kg.trim() == "0" { rust_decimal::Decimal::ZERO } else { parse_kg(kg)? };
        sims.scale.put(kg, stable);
        Ok(())
    }

    async fn price(&self, cart: &Cart) -> Result<PricedCart> {
        self.price_at(cart, self.sk.clock().now()).await
    }

    /// VAT follows the date of sale in the store's time zone.
    async fn price_at(&self, cart: &Cart, at: Timestamp) -> Result<PricedCart> {
        let today = at.to_zoned_datetime(self.sk.time_zone().clone()).date();
        let vat = self.sk.catalog().vat_table().await?;
        Ok(cart.priced(&vat, today)?)
    }
}
