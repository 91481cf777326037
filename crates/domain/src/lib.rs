//! Storekeep's domain: the rules of a Swedish till as plain data and functions.
//!
//! Nothing here does I/O, talks to a database, spawns tasks or reads the clock: callers pass
//! in the date of sale, the catalog item and the VAT table. That keeps every rule testable in
//! isolation and in one place (see ARCHITECTURE.md for the rings).

pub mod barcode;
pub mod cart;
pub mod cash;
pub mod catalog_file;
pub mod control;
pub mod door_sign;
pub mod envelope;
pub mod escpos;
pub mod health;
pub mod holidays;
pub mod hours;
pub mod journal;
pub mod money;
pub mod payment_sign;
pub mod payments;
pub mod pdf;
pub mod receipt;
pub mod receipt_doc;
pub mod report;
pub mod returns;
pub mod rounding;
pub mod sale;
pub mod scan_and_pay;
pub mod search;
pub mod staff;
pub mod store;
pub mod sync;
pub mod tally;
pub mod vat;

pub use money::Money;
