//! One error type for the backend, and the closed set of codes the UI switches on.
//!
//! Every message is written for the person at the till or the manager: what happened and what
//! to do. Technical detail goes to the log, not into the message.

use serde::{Deserialize, Serialize};
use storekeep_domain::barcode::BarcodeError;
use storekeep_domain::cart::CartError;
use storekeep_domain::money::MoneyError;
use storekeep_domain::returns::ReturnError;
use storekeep_domain::sale::{BalanceError, TenderError};
use storekeep_domain::staff::{Action, PinError, Role};
use storekeep_domain::store::IdentityError;
use storekeep_domain::vat::VatError;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Barcode(#[from] BarcodeError),
    #[error("No item has the code {0}. Check the code, or find the item by name")]
    UnknownProduct(String),
    #[error(transparent)]
    Cart(#[from] CartError),
    #[error(transparent)]
    Tender(#[from] TenderError),
    #[error(transparent)]
    Amount(#[from] MoneyError),
    #[error(transparent)]
    Vat(#[from] VatError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("The sale was not saved because its books do not balance: {0}")]
    Unbalanced(#[from] BalanceError),
    #[error("No store is set up yet: run `storekeep init` or start with --demo")]
    NotInitialized,
    #[error("This store is already set up; its identity cannot be replaced")]
    AlreadyInitialized,
    #[error("There is no receipt number {0} on this register")]
    ReceiptNotFound(i64),
    #[error("The database is in use by another Storekeep program. Close it and try again")]
    Locked,
    #[error("The database file {path} is damaged ({detail}). Nothing was written. Restore it from a backup")]
    Corrupt { path: String, detail: String },
    #[error(
        "The database was written by a newer Storekeep (schema version {found}; this program knows up to {known}). Install the newer version"
    )]
    TooNew { found: i64, known: i64 },
    #[error("The disk is full, so nothing was saved. Free some space and try again")]
    DiskFull,
    #[error("The database could not be read or written ({0}). Nothing was saved")]
    Storage(String),
    /// The disk failed while saving (an I/O error): what was being saved may or may not be on
    /// disk, and the next start will tell.
    #[error(
        "The disk reported an error while saving ({0}), so this may or may not have been saved. Stop selling on this computer, restart Storekeep and check the last receipt before going on"
    )]
    DiskIo(String),
    #[error(transparent)]
    Backup(#[from] crate::backup::Problem),
    #[error(
        "This store was restored from a backup and has not yet fetched from HQ what was sold after it, so nothing can be registered yet: catch up from HQ (the Status page, or `storekeep backup catch-up`)"
    )]
    CatchUpPending,
    #[error("The stored data is inconsistent: {0}")]
    Inconsistent(String),
    #[error(transparent)]
    Pin(#[from] PinError),
    #[error("Wrong PIN. {left} more tries before the account is locked for a while")]
    WrongPin { left: u32 },
    #[error("{name} is locked after too many wrong PINs. Try again in {seconds} seconds, or ask a manager")]
    LockedOut { name: String, seconds: i64 },
    #[error("{0} is disabled and cannot log in. Ask a manager")]
    StaffDisabled(String),
    #[error("There is no staff member number {0}")]
    StaffNotFound(i64),
    #[error("A {role} may not {action}. Ask a manager", role = .role.as_str(), action = .action.as_str())]
    NotAllowed { role: Role, action: Action },
    #[error("This needs a manager's approval: a manager enters their PIN ({})", .0.as_str())]
    NeedsApproval(Action),
    #[error("{0} is not a manager and cannot approve this")]
    ApproverNotManager(String),
    #[error("A name is needed")]
    StaffNameMissing,
    #[error("A reason is needed")]
    ReasonMissing,
    #[error("The store already has a manager: log in as a manager to add staff")]
    FirstManagerExists,
    #[error("You cannot disable yourself: ask another manager")]
    CannotDisableSelf,
    #[error("Nobody is logged in on this till (or the session timed out): log in with your PIN")]
    NotLoggedIn,
    #[error("There is no line {0} on this sale")]
    NoSuchLine(usize),
    #[error("The card was declined ({0}). Ask for another card or another way to pay")]
    CardDeclined(String),
    #[error(
        "The card terminal did not answer. Press Card again: the till first asks the terminal what happened, so the card is never charged twice"
    )]
    CardTimeout,
    #[error(
        "The terminal still cannot say whether the earlier card payment went through. Press Card again when it answers; if the terminal's own record shows the payment failed, a manager can clear it"
    )]
    CardOutcomeUnknown,
    #[error("The card terminal cannot be reached ({0}). Take cash, Swish or a voucher")]
    TerminalUnreachable(String),
    #[error("Swish cannot be reached ({0}). Take card, cash or a voucher")]
    SwishUnavailable(String),
    #[error("The customer declined the Swish payment, or it was cancelled")]
    SwishDeclined,
    #[error("The Swish payment failed ({0}). Try again or take another method")]
    SwishFailed(String),
    #[error("No Swish payment is waiting")]
    NoSwishPending,
    #[error(
        "A card or Swish payment is under way on this sale: finish it first (cancel a Swish request, or press Card to check a card payment)"
    )]
    PaymentPending,
    #[error("Payments have been taken on this sale, so it cannot be parked or given up: take the rest")]
    PaymentTaken,
    #[error("There is no gift voucher with the code {0}")]
    VoucherNotFound(String),
    #[error("The gift voucher {0} has expired")]
    VoucherExpired(String),
    #[error("The gift voucher {0} has nothing left on it")]
    VoucherUsed(String),
    #[error("The scale is not steady yet: wait a moment and weigh again")]
    ScaleUnstable,
    #[error("There is nothing on the scale")]
    ScaleEmpty,
    #[error("The scale cannot be read ({0}). Type the weight instead")]
    ScaleUnavailable(String),
    #[error("There is no parked sale number {0}")]
    ParkedNotFound(i64),
    #[error("A sale is in progress: finish or park it first")]
    SaleInProgress,
    #[error("There is no sale to park or give up")]
    NothingToPark,
    #[error("{} cannot be set to need approval", .0.as_str())]
    NotApprovable(Action),
    #[error("This till uses real devices, so there is no simulator to set")]
    NotSimulated,
    #[error("{} would then be more than the {limit} % a cashier may give alone: take the discount off first, or ask a manager", .line.map_or("The discount on the sale".to_string(), |n| format!("The discount on line {n}")))]
    DiscountAboveLimit { line: Option<usize>, limit: String },
    #[error("No card payment with an unknown outcome is waiting on this sale")]
    NoUnknownCardPayment,
    #[error(
        "The cash drawer did not open ({0}). The opening is recorded; open it by hand with the key and tell a manager"
    )]
    DrawerUnavailable(String),
    #[error(transparent)]
    Return(#[from] ReturnError),
    #[error("Receipt {0} is a return: returns are made against the original sale's receipt")]
    NotASale(i64),
    #[error("Receipt {0} was returned against by someone else just now: look at it again")]
    ReturnChanged(i64),
    #[error("The copy of receipt {0} has already been printed: a receipt may have only one copy")]
    CopyAlreadyMade(i64),
    #[error(
        "The control unit does not answer ({0}), and the store's rule is to stop selling until it does. The sale is kept with its payments: try again, or a manager can decide to sell on"
    )]
    ControlUnitDown(String),
    #[error(
        "Today's Z report (number {0}) has already been taken: the day is closed. Take an X report to see figures"
    )]
    ZAlreadyTaken(i64),
    #[error("Shift {number} is open for {cashier}: close it before opening a new one")]
    ShiftAlreadyOpen { number: i64, cashier: String },
    #[error("No shift is open on this till: open one with a float first")]
    NoOpenShift,
    #[error("In training mode only cash is taken: card, Swish and vouchers would move real money")]
    TrainingCashOnly,
    #[error("There is no Z report number {0}")]
    ReportNotFound(i64),
    #[error(
        "A return against receipt {0} is unfinished: open Return and enter receipt {0} with the same lines to finish it"
    )]
    ReturnUnfinished(i64),
    #[error(
        "The refund got no answer ({0}). Press Return again: the till asks first what happened, so nothing is refunded twice"
    )]
    RefundUnknown(String),
    #[error("No return is unfinished on this till")]
    NoPendingReturn,
    #[error(
        "Money has already gone back to a card or Swish for the return against receipt {0}: it must be finished, not given up"
    )]
    ReturnRefunded(i64),
    #[error(transparent)]
    Hours(#[from] storekeep_domain::hours::HoursError),
    #[error("The customer notice needs both a Swedish and an English text (or neither)")]
    NoticeNeedsBothLanguages,
    #[error(
        "\"{0}\" is not an address to listen on: write it as 127.0.0.1:8787, or 0.0.0.0:8787 for the store's network"
    )]
    BadBindAddress(String),
    #[error("The opening-hours endpoint cannot listen on {bind} ({why}); the setting is unchanged")]
    FeedCannotListen { bind: String, why: String },
    #[error(
        "The customer notice is {0} characters long: keep each language to 300 so the door sign stays readable"
    )]
    NoticeTooLong(usize),
    #[error("There is no opening-hours change {0} in force")]
    HoursChangeNotFound(i64),
    #[error("The store is closed ({en}). Selling outside opening hours needs a manager's approval")]
    StoreClosed { sv: String, en: String },
    #[error("{refusal}. {}", alternatives_en(.alternatives))]
    MethodRefused {
        refusal: storekeep_domain::payments::Refusal,
        alternatives: Vec<storekeep_domain::payments::PaymentMethod>,
    },
    #[error("{en}")]
    PaymentSetting { en: String, sv: String },
    #[error("There is no payment-method change {0} in force")]
    PaymentChangeNotFound(i64),
    #[error("There is no Scan & Pay purchase {0} in this store")]
    PurchaseNotFound(String),
    /// A signed envelope from outside was refused (and audited); nothing of it was applied.
    #[error("Refused: {0}. Nothing was applied")]
    Remote(storekeep_domain::envelope::Refusal),
    /// A degraded-mode setting, a drill or an incident note that cannot be taken as given.
    #[error("{en}")]
    Degraded { en: String, sv: String },
    #[error("There is no incident {0}")]
    IncidentNotFound(i64),
}

fn alternatives_en(methods: &[storekeep_domain::payments::PaymentMethod]) -> String {
    if methods.is_empty() {
        "No other method takes this amount now".into()
    } else {
        format!("Take {} instead", methods.iter().map(|m| m.english()).collect::<Vec<_>>().join(", "))
    }
}

/// What the UI can switch on. Closed: adding one is a deliberate change on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidBarcode,
    BadCheckDigit,
    UnknownProduct,
    MeasureMismatch,
    EmptySale,
    InsufficientCash,
    InvalidAmount,
    ReceiptNotFound,
    StoreNotInitialized,
    InvalidStoreIdentity,
    DatabaseLocked,
    DatabaseCorrupt,
    DatabaseTooNew,
    Storage,
    JournalBroken,
    /// A backup or a restore did not go through (the message says why).
    Backup,
    NotLoggedIn,
    WrongPin,
    LockedOut,
    StaffDisabled,
    NotAllowed,
    NeedsApproval,
    InvalidInput,
    CardDeclined,
    PaymentUnknown,
    DeviceUnavailable,
    SwishDeclined,
    PaymentPending,
    VoucherInvalid,
    ScaleNotReady,
    ControlUnitDown,
    AlreadyDone,
    /// Outside opening hours: a sale needs a manager's approval to start.
    StoreClosed,
    /// The payment method is switched off or limited for this amount; the message names the
    /// methods that would take it.
    MethodRefused,
    /// A signed remote envelope was refused (forged, replayed, expired, another store's, or
    /// island mode); the message says which.
    RemoteRefused,
    Internal,
}

/// An error as it crosses to the UI: a code to switch on and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    /// English.
    pub message: String,
    /// Swedish.
    pub message_sv: String,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Barcode(BarcodeError::BadCheckDigit { .. }) => ErrorCode::BadCheckDigit,
            Error::Barcode(_) => ErrorCode::InvalidBarcode,
            Error::UnknownProduct(_) => ErrorCode::UnknownProduct,
            Error::Cart(CartError::Vat(_)) => ErrorCode::Internal,
            Error::Cart(
                CartError::NeedsWeight { .. }
                | CartError::NeedsPriceLabel { .. }
                | CartError::NotSoldByMeasure { .. }
                | CartError::WeightForPriceItem { .. }
                | CartError::FixedQuantity { .. },
            ) => ErrorCode::MeasureMismatch,
            Error::Cart(CartError::PaymentStarted) => ErrorCode::PaymentPending,
            Error::Cart(_) => ErrorCode::InvalidInput,
            Error::Tender(TenderError::EmptySale) => ErrorCode::EmptySale,
            Error::Tender(TenderError::InsufficientCash { .. }) => ErrorCode::InsufficientCash,
            Error::Tender(TenderError::Negative) | Error::Amount(_) => ErrorCode::InvalidAmount,
            Error::NotInitialized => ErrorCode::StoreNotInitialized,
            Error::Identity(_) => ErrorCode::InvalidStoreIdentity,
            Error::ReceiptNotFound(_) => ErrorCode::ReceiptNotFound,
            Error::Locked => ErrorCode::DatabaseLocked,
            Error::Corrupt { .. } => ErrorCode::DatabaseCorrupt,
            Error::TooNew { .. } => ErrorCode::DatabaseTooNew,
            Error::DiskFull | Error::Storage(_) | Error::DiskIo(_) => ErrorCode::Storage,
            Error::Inconsistent(_) => ErrorCode::JournalBroken,
            Error::Backup(_) | Error::CatchUpPending => ErrorCode::Backup,
            Error::WrongPin { .. } | Error::ApproverNotManager(_) => ErrorCode::WrongPin,
            Error::LockedOut { .. } => ErrorCode::LockedOut,
            Error::NotLoggedIn => ErrorCode::NotLoggedIn,
            Error::StaffDisabled(_) => ErrorCode::StaffDisabled,
            Error::NotAllowed { .. } => ErrorCode::NotAllowed,
            Error::NeedsApproval(_) => ErrorCode::NeedsApproval,
            Error::Pin(_)
            | Error::StaffNotFound(_)
            | Error::StaffNameMissing
            | Error::ReasonMissing
            | Error::FirstManagerExists
            | Error::CannotDisableSelf
            | Error::NoSuchLine(_)
            | Error::ParkedNotFound(_)
            | Error::SaleInProgress
            | Error::NothingToPark
            | Error::NotApprovable(_)
            | Error::NotSimulated
            | Error::DiscountAboveLimit { .. }
            | Error::NoUnknownCardPayment
            | Error::Return(_)
            | Error::NotASale(_)
            | Error::ReturnChanged(_)
            | Error::NoOpenShift
            | Error::TrainingCashOnly
            | Error::ReportNotFound(_)
            | Error::ReturnUnfinished(_)
            | Error::NoPendingReturn
            | Error::ReturnRefunded(_)
            | Error::Tender(TenderError::NothingToPay)
            | Error::Tender(TenderError::ImplausibleChange { .. })
            | Error::Tender(TenderError::MoreThanRemaining { .. } | TenderError::AlreadyPaid) => {
                ErrorCode::InvalidInput
            }
            Error::CardDeclined(_) => ErrorCode::CardDeclined,
            Error::CardTimeout | Error::CardOutcomeUnknown | Error::RefundUnknown(_) => {
                ErrorCode::PaymentUnknown
            }
            Error::TerminalUnreachable(_)
            | Error::SwishUnavailable(_)
            | Error::ScaleUnavailable(_)
            | Error::DrawerUnavailable(_) => ErrorCode::DeviceUnavailable,
            Error::SwishDeclined | Error::SwishFailed(_) => ErrorCode::SwishDeclined,
            Error::NoSwishPending | Error::PaymentPending | Error::PaymentTaken => ErrorCode::PaymentPending,
            Error::VoucherNotFound(_) | Error::VoucherExpired(_) | Error::VoucherUsed(_) => {
                ErrorCode::VoucherInvalid
            }
            Error::ScaleUnstable | Error::ScaleEmpty => ErrorCode::ScaleNotReady,
            Error::ControlUnitDown(_) => ErrorCode::ControlUnitDown,
            Error::StoreClosed { .. } => ErrorCode::StoreClosed,
            Error::Hours(_)
            | Error::NoticeNeedsBothLanguages
            | Error::NoticeTooLong(_)
            | Error::BadBindAddress(_) => ErrorCode::InvalidInput,
            Error::FeedCannotListen { .. } => ErrorCode::DeviceUnavailable,
            Error::HoursChangeNotFound(_) | Error::PaymentChangeNotFound(_) => ErrorCode::AlreadyDone,
            Error::MethodRefused { .. } => ErrorCode::MethodRefused,
            Error::PaymentSetting { .. } | Error::PurchaseNotFound(_) => ErrorCode::InvalidInput,
            Error::Remote(_) => ErrorCode::RemoteRefused,
            Error::Degraded { .. } | Error::IncidentNotFound(_) => ErrorCode::InvalidInput,
            Error::CopyAlreadyMade(_) | Error::ZAlreadyTaken(_) | Error::ShiftAlreadyOpen { .. } => {
                ErrorCode::AlreadyDone
            }
            Error::Vat(_) | Error::Unbalanced(_) | Error::AlreadyInitialized => ErrorCode::Internal,
        }
    }

    pub fn to_api(&self) -> ApiError {
        ApiError { code: self.code(), message: self.to_string(), message_sv: crate::swedish::swedish(self) }
    }
}

impl From<sqlx::Error> for Error {
    /// Sorts SQLite's result codes into the few cases a person can act on.
    fn from(e: sqlx::Error) -> Error {
        if let sqlx::Error::Database(db) = &e {
            let primary = db.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff);
            match primary {
                Some(5 | 6) => return Error::Locked, // SQLITE_BUSY, SQLITE_LOCKED
                Some(11 | 26) => {
                    let path = crate::paths::DATABASE_FILE.into();
                    return Error::Corrupt { path, detail: db.message().to_string() };
                }
                Some(13) => return Error::DiskFull, // SQLITE_FULL
                // SQLITE_IOERR: a write or sync failed, perhaps after the commit's frames were
                // written, so the outcome is not known until the database is opened again.
                Some(10) => {
                    tracing::error!(error = %e, "disk I/O error");
                    return Error::DiskIo(db.message().to_string());
                }
                _ => {}
            }
        }
        tracing::error!(error = %e, "database error");
        Error::Storage(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Error {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            sqlx::migrate::MigrateError::ExecuteMigration(inner, _) => inner.into(),
            other => Error::Storage(other.to_string()),
        }
    }
}
