//! Who may do what at the till: roles, the one permission table, PIN rules and lock-out.
//!
//! Pure rules only; hashing PINs and storing staff is the backend's job.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the store: staff, settings, approvals, audit.
    Manager,
    /// Sells; some steps need a manager's PIN on the spot.
    Cashier,
    /// The locked back-office display: looks, never changes anything.
    Kiosk,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Manager, Role::Cashier, Role::Kiosk];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Cashier => "cashier",
            Role::Kiosk => "kiosk",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Everything a person can ask the till to do that the permission table rules on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Sell,
    VoidLine,
    DiscountOverLimit,
    Return,
    OpenDrawer,
    SellOutsideHours,
    ManageStaff,
    ViewAudit,
    ChangeControls,
    ViewStatus,
    /// Give up a sale in progress (it is journaled as unfinished).
    AbandonSale,
    /// Import price files and change items.
    ManageCatalog,
    /// Clear a card payment whose outcome the terminal cannot tell, after checking it failed.
    ResolvePayment,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Sell,
        Action::VoidLine,
        Action::DiscountOverLimit,
        Action::Return,
        Action::OpenDrawer,
        Action::SellOutsideHours,
        Action::ManageStaff,
        Action::ViewAudit,
        Action::ChangeControls,
        Action::ViewStatus,
        Action::AbandonSale,
        Action::ManageCatalog,
        Action::ResolvePayment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Sell => "sell",
            Action::VoidLine => "void_line",
            Action::DiscountOverLimit => "discount_over_limit",
            Action::Return => "return",
            Action::OpenDrawer => "open_drawer",
            Action::SellOutsideHours => "sell_outside_hours",
            Action::ManageStaff => "manage_staff",
            Action::ViewAudit => "view_audit",
            Action::ChangeControls => "change_controls",
            Action::ViewStatus => "view_status",
            Action::AbandonSale => "abandon_sale",
            Action::ManageCatalog => "manage_catalog",
            Action::ResolvePayment => "resolve_payment",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Allowed,
    /// Allowed once a manager enters their PIN on the spot; the registration names both.
    WithApproval,
    Denied,
}

/// THE permission table. Every (role, action) pair is spelled out: adding an action is a
/// compile error here until someone decides what each role may do with it.
pub fn permission(role: Role, action: Action) -> Permission {
    use Action::*;
    use Permission::*;
    match (role, action) {
        (Role::Manager, _) => Allowed,

        (Role::Cashier, Sell | ViewStatus) => Allowed,
        (
            Role::Cashier,
            VoidLine | DiscountOverLimit | Return | OpenDrawer | SellOutsideHours | AbandonSale
            | ResolvePayment,
        ) => WithApproval,
        (Role::Cashier, ManageStaff | ViewAudit | ChangeControls | ManageCatalog) => Denied,

        (Role::Kiosk, ViewStatus) => Allowed,
        (
            Role::Kiosk,
            Sell | VoidLine | DiscountOverLimit | Return | OpenDrawer | SellOutsideHours | ManageStaff
            | ViewAudit | ChangeControls | AbandonSale | ManageCatalog | ResolvePayment,
        ) => Denied,
    }
}

/// The store's setting for which till steps need a manager's PIN on the spot. The permission
/// table says what a role may do at most; for a step it marks "with approval", the policy says
/// whether the approval is actually asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApprovalPolicy {
    /// Steps that need a manager's approval when a cashier takes them.
    pub needs_approval: Vec<Action>,
    /// A cashier may give discounts up to this percent of what they apply to without approval;
    /// above it the discount is `discount_over_limit`.
    #[ts(type = "string")]
    pub discount_limit_percent: rust_decimal::Decimal,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            needs_approval: APPROVABLE.to_vec(),
            discount_limit_percent: rust_decimal::Decimal::new(10, 0),
        }
    }
}

/// The steps the policy can switch between "alone" and "with approval".
pub const APPROVABLE: [Action; 6] = [
    Action::VoidLine,
    Action::DiscountOverLimit,
    Action::Return,
    Action::OpenDrawer,
    Action::SellOutsideHours,
    Action::AbandonSale,
];

impl ApprovalPolicy {
    /// What `role` may do with `action` under this policy.
    pub fn permission(&self, role: Role, action: Action) -> Permission {
        match permission(role, action) {
            Permission::WithApproval
                if APPROVABLE.contains(&action) && !self.needs_approval.contains(&action) =>
            {
                Permission::Allowed
            }
            p => p,
        }
    }
}

/// A person as a registration names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffRef {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("A PIN is 4 to 8 digits")]
    Format,
}

/// A PIN is 4–8 ASCII digits.
pub fn validate_pin(pin: &str) -> Result<(), PinError> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Format)
    }
}

/// Wrong PINs lock a person out for a time that doubles with each further failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures allowed before the first lock-out.
    pub free_attempts: u32,
    pub first_lock: SignedDuration,
    pub longest_lock: SignedDuration,
}

impl Default for LockoutPolicy {
    /// Five wrong PINs lock for 30 s; each further one doubles it, up to an hour.
    fn default() -> Self {
        LockoutPolicy {
            free_attempts: 5,
            first_lock: SignedDuration::from_secs(30),
            longest_lock: SignedDuration::from_hours(1),
        }
    }
}

impl LockoutPolicy {
    /// After `failures` consecutive wrong PINs, the last at `at`: locked until when, if at all.
    pub fn locked_until(&self, failures: u32, at: Timestamp) -> Option<Timestamp> {
        if failures < self.free_attempts {
            return None;
        }
        let doublings = (failures - self.free_attempts).min(20);
        let lock =
            self.first_lock.checked_mul(1 << doublings).unwrap_or(self.longest_lock).min(self.longest_lock);
        at.checked_add(lock).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_permission_table() {
        use Permission::*;
        // One row per action: (manager, cashier, kiosk).
        let expected = [
            (Action::Sell, [Allowed, Allowed, Denied]),
            (Action::VoidLine, [Allowed, WithApproval, Denied]),
            (Action::DiscountOverLimit, [Allowed, WithApproval, Denied]),
            (Action::Return, [Allowed, WithApproval, Denied]),
            (Action::OpenDrawer, [Allowed, WithApproval, Denied]),
            (Action::SellOutsideHours, [Allowed, WithApproval, Denied]),
            (Action::ManageStaff, [Allowed, Denied, Denied]),
            (Action::ViewAudit, [Allowed, Denied, Denied]),
            (Action::ChangeControls, [Allowed, Denied, Denied]),
            (Action::ViewStatus, [Allowed, Allowed, Allowed]),
            (Action::AbandonSale, [Allowed, WithApproval, Denied]),
            (Action::ManageCatalog, [Allowed, Denied, Denied]),
            (Action::ResolvePayment, [Allowed, WithApproval, Denied]),
        ];
        assert_eq!(expected.len(), Action::ALL.len(), "every action has a row");
        for (action, by_role) in expected {
            for (role, want) in Role::ALL.into_iter().zip(by_role) {
                assert_eq!(permission(role, action), want, "{role:?} {action:?}");
            }
        }
    }

    #[test]
    fn the_policy_can_waive_approvals_but_never_grant_more() {
        let policy = ApprovalPolicy { needs_approval: vec![Action::VoidLine], ..ApprovalPolicy::default() };
        assert_eq!(policy.permission(Role::Cashier, Action::VoidLine), Permission::WithApproval);
        assert_eq!(policy.permission(Role::Cashier, Action::OpenDrawer), Permission::Allowed);
        let everything = ApprovalPolicy { needs_approval: vec![], ..ApprovalPolicy::default() };
        assert_eq!(everything.permission(Role::Cashier, Action::ManageStaff), Permission::Denied);
        assert_eq!(everything.permission(Role::Kiosk, Action::VoidLine), Permission::Denied);
        assert_eq!(
            everything.permission(Role::Cashier, Action::ResolvePayment),
            Permission::WithApproval,
            "clearing an unknown card payment always takes a manager"
        );
        for a in APPROVABLE {
            assert_eq!(permission(Role::Cashier, a), Permission::WithApproval, "{a:?} is approvable");
        }
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        for ok in ["1234", "00000000", "123456"] {
            assert!(validate_pin(ok).is_ok(), "{ok}");
        }
        for bad in ["", "123", "123456789", "12a4", " 1234", "１２３４"] {
            assert_eq!(validate_pin(bad), Err(PinError::Format), "{bad:?}");
        }
    }

    #[test]
    fn lockout_starts_at_the_fifth_failure_and_doubles() {
        let p = LockoutPolicy::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        assert_eq!(p.locked_until(4, t0), None);
        let secs = |n| p.locked_until(n, t0).map(|t| t.duration_since(t0).as_secs());
        assert_eq!(secs(5), Some(30));
        assert_eq!(secs(6), Some(60));
        assert_eq!(secs(7), Some(120));
        assert_eq!(secs(12), Some(3600), "capped at an hour");
        assert_eq!(secs(500), Some(3600), "no overflow");
    }
}
