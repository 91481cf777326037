//! Cash management: shifts with an opening float, money paid into or out of the drawer with a
//! reason, and the count at the close with expected, counted and the difference. Each is a
//! registration in the journal.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::Money;
use crate::staff::StaffRef;

/// A cashier takes the drawer with a float (kind `shift_open`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftOpened {
    pub register_id: String,
    #[ts(type = "number")]
    pub shift_no: i64,
    #[ts(type = "string")]
    pub at: Timestamp,
    pub cashier: StaffRef,
    pub float: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Money put into the drawer (växel från kassaskåpet).
    PaidIn,
    /// Money taken out (to the safe, a bank deposit, a small purchase).
    PaidOut,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::PaidIn => "paid_in",
            MovementKind::PaidOut => "paid_out",
        }
    }
}

/// Money in or out of the drawer without a sale (kind `paid_in` / `paid_out`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CashMovement {
    pub register_id: String,
    #[ts(type = "string")]
    pub at: Timestamp,
    pub kind: MovementKind,
    pub amount: Money,
    pub reason: String,
    pub cashier: StaffRef,
    pub approved_by: Option<StaffRef>,
}

/// The drawer counted at the end of a shift (kind `shift_close`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftClosed {
    pub register_id: String,
    #[ts(type = "number")]
    pub shift_no: i64,
    #[ts(type = "string")]
    pub at: Timestamp,
    /// Who counted.
    pub cashier: StaffRef,
    pub float: Money,
    /// Cash taken in sales less cash given back in returns.
    pub cash_sales: Money,
    pub paid_in: Money,
    pub paid_out: Money,
    /// float + cash sales + paid in − paid out.
    pub expected: Money,
    pub counted: Money,
    /// counted − expected: negative is a shortage.
    pub difference: Money,
    #[ts(type = "number")]
    pub drawer_openings: u64,
    #[ts(type = "number")]
    pub receipts: u64,
}

/// A shift as the till shows it while it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftState {
    #[ts(type = "number")]
    pub shift_no: i64,
    pub cashier: StaffRef,
    #[ts(type = "string")]
    pub opened_at: Timestamp,
    pub float: Money,
    pub cash_sales: Money,
    pub paid_in: Money,
    pub paid_out: Money,
    pub expected: Money,
    #[ts(type = "number")]
    pub drawer_openings: u64,
    #[ts(type = "number")]
    pub receipts: u64,
}

impl ShiftState {
    /// Closes the shift against what was counted.
    pub fn close(&self, register_id: &str, at: Timestamp, by: StaffRef, counted: Money) -> ShiftClosed {
        ShiftClosed {
            register_id: register_id.to_string(),
            shift_no: self.shift_no,
            at,
            cashier: by,
            float: self.float,
            cash_sales: self.cash_sales,
            paid_in: self.paid_in,
            paid_out: self.paid_out,
            expected: self.expected,
            counted,
            difference: counted - self.expected,
            drawer_openings: self.drawer_openings,
            receipts: self.receipts,
        }
    }
}
