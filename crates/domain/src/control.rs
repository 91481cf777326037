//! The control unit (kontrollenhet, SKVFS 2016:1): every receipt is registered with it before
//! it is final and carries the code it returns (DOMAIN.md §2). This module holds what is sent
//! and what comes back; the device itself sits behind a trait in the backend.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::Money;

/// The receipt types a control unit knows. A return is a normal receipt with a negative total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CuReceiptType {
    Normal,
    Copy,
    Training,
    ProForma,
}

impl CuReceiptType {
    /// The word in the request (the types of SKVFS 2016:1).
    pub fn as_str(self) -> &'static str {
        match self {
            CuReceiptType::Normal => "normal",
            CuReceiptType::Copy => "kopia",
            CuReceiptType::Training => "ovning",
            CuReceiptType::ProForma => "proforma",
        }
    }
}

/// What the till sends the control unit for one receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CuRequest {
    pub org_number: String,
    pub register_id: String,
    /// Local time, `YYYYMMDDHHMM`.
    pub date_time: String,
    pub receipt_no: i64,
    pub receipt_type: CuReceiptType,
    /// Negative for a return.
    pub total: Money,
    /// (rate in percent, VAT amount) per rate.
    pub vat: Vec<(String, Money)>,
}

impl CuRequest {
    /// The request as one canonical line: fields in a fixed order, `;`-separated.
    pub fn canonical(&self) -> String {
        let vat: Vec<String> = self.vat.iter().map(|(r, a)| format!("{r}:{a}")).collect();
        format!(
            "{};{};{};{};{};{};{}",
            self.org_number,
            self.register_id,
            self.date_time,
            self.receipt_no,
            self.receipt_type.as_str(),
            self.total,
            vat.join(",")
        )
    }
}

/// How a receipt stands with the control unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Control {
    /// Registered: the unit's manufacturing number and the code printed on the receipt.
    Registered { unit: String, code: String },
    /// Issued while the control unit was down, under the store's policy; `outage` is the
    /// journal sequence of the outage's start.
    NotRegistered {
        #[ts(type = "number")]
        outage: i64,
    },
}

/// What the store does when the control unit fails. The law says a register with a control
/// unit may only register sales while it works (`Stop`, the default); `Continue` is the
/// manager's recorded decision to sell on and record the period as an outage (DOMAIN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ControlUnitPolicy {
    #[default]
    Stop,
    Continue,
}

impl ControlUnitPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlUnitPolicy::Stop => "stop",
            ControlUnitPolicy::Continue => "continue",
        }
    }
}
