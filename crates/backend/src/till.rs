//! The till: who is logged in, the sale in progress on this register, and the steps a
//! cashier takes.
//!
//! The cart lives in memory behind an async mutex held across payment, so a scan that arrives
//! while a sale is being committed waits and lands in the next sale, never in the one being
//! paid. A sale becomes durable only when [`Till::pay_cash`] returns.
//!
//! Every step checks the session and the role here, in Rust: the UI is never trusted. A
//! session ends after `idle_logout` without activity; the sale in progress stays on the till
//! for whoever logs in next, so switching cashier never loses it.

use std::sync::Mutex as SyncMutex;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use storekeep_domain::Money;
use storekeep_domain::barcode;
use storekeep_domain::cart::{Cart, PricedCart};
use storekeep_domain::receipt::Receipt;
use storekeep_domain::sale::{VoidedLine, settle_cash};
use storekeep_domain::staff::{Action, Role, StaffRef};
use tokio::sync::Mutex;
use ts_rs::TS;

use crate::audit::{Actor, AuditEntry, AuditFilter, AuditRecord, Outcome};
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

#[derive(Debug)]
pub struct Till {
    sk: Storekeep,
    cart: Mutex<Cart>,
    session: SyncMutex<Option<Session>>,
    idle_logout: SignedDuration,
}

fn staff_ref(a: &Actor) -> StaffRef {
    StaffRef { id: a.id, name: a.name.clone() }
}

impl Till {
    pub fn new(sk: Storekeep) -> Till {
        Till {
            sk,
            cart: Mutex::new(Cart::new()),
            session: SyncMutex::new(None),
            idle_logout: DEFAULT_IDLE_LOGOUT,
        }
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
        Ok(StoreStatus { session: self.session(), ..self.sk.status().await? })
    }

    /// The sale in progress, priced for now. Looking is not selling: the kiosk display may.
    pub async fn cart(&self) -> Result<PricedCart> {
        self.authorize(Action::ViewStatus, None, "view the sale").await?;
        let cart = self.cart.lock().await;
        self.price(&cart).await
    }

    /// A scan or a typed code: parsed, looked up and added. A refused code changes nothing.
    pub async fn scan(&self, input: &str) -> Result<PricedCart> {
        self.authorize(Action::Sell, None, "scan").await?;
        let scan = barcode::parse(input)?;
        let item = self.sk.catalog().by_code(scan.lookup_code()).await?;
        let mut cart = self.cart.lock().await;
        let mut next = cart.clone();
        next.add_scan(&scan, &item)?;
        let priced = self.price(&next).await?;
        *cart = next;
        Ok(priced)
    }

    /// A registered receipt, as it was printed.
    pub async fn receipt(&self, receipt_no: i64) -> Result<Receipt> {
        self.authorize(Action::Sell, None, "show a receipt").await?;
        self.sk.sales().receipt(receipt_no).await
    }

    /// Takes line `index` (0-based) off the sale in progress. A cashier needs a manager's
    /// approval; the void is a journal registration naming both.
    pub async fn void_line(&self, index: usize, approval: Option<&Approval>) -> Result<PricedCart> {
        let mut cart = self.cart.lock().await;
        let line = cart.lines().get(index).cloned().ok_or(Error::NoSuchLine(index + 1))?;
        let what = format!("line {} ({}, {})", index + 1, line.name, line.line_total);
        let ok = self.authorize(Action::VoidLine, approval, &what).await?;
        let identity = self.sk.require_identity().await?;
        let voided = VoidedLine {
            register_id: identity.register_id,
            at: self.sk.clock().now(),
            line,
            cashier: staff_ref(&ok.actor),
            approved_by: ok.approved_by.as_ref().map(staff_ref),
        };
        self.sk.sales().register_void(&voided).await?;
        let mut next = cart.clone();
        next.remove_line(index);
        let priced = self.price(&next).await?;
        *cart = next;
        Ok(priced)
    }

    /// Completes the sale in cash. On success the sale is durable and the till is empty; on
    /// any error nothing is registered and the cart is untouched.
    pub async fn pay_cash(&self, tendered: &str) -> Result<Receipt> {
        let cashier = self.authorize(Action::Sell, None, "complete a sale").await?.actor;
        let tendered = Money::parse(tendered)?;
        let mut cart = self.cart.lock().await;
        let now = self.sk.clock().now();
        let priced = self.price_at(&cart, now).await?;
        let tender = settle_cash(&priced, tendered)?;
        let (_, receipt) = self.sk.sales().complete(priced, vec![tender], staff_ref(&cashier), now).await?;
        *cart = Cart::new();
        Ok(receipt)
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
