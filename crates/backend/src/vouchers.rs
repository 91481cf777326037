//! Gift vouchers (presentkort): a code with a value; what is left is the value less every
//! redemption. Redemptions are written with the sale they paid (see `sales.rs`).

use jiff::civil::Date;
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;

use crate::Storekeep;
use crate::error::{Error, Result};

/// Voucher codes are case-insensitive: stored and looked up in upper case.
pub fn normalise(code: &str) -> String {
    code.trim().to_uppercase()
}

/// What is left on `code` as of `today`, or why it cannot pay.
pub async fn usable_balance(sk: &Storekeep, code: &str, today: Date) -> Result<Money> {
    let row = sqlx::query(
        "SELECT v.value, v.valid_to, (SELECT group_concat(amount, ' ') FROM voucher_redemption r WHERE r.code = v.code)
         FROM voucher v WHERE v.code = ?",
    )
    .bind(code)
    .fetch_optional(sk.db().reader())
    .await?
    .ok_or_else(|| Error::VoucherNotFound(code.to_string()))?;
    if let Some(valid_to) = row.get::<Option<&str>, _>(1)
        && valid_to.parse::<Date>().is_ok_and(|d| d < today)
    {
        return Err(Error::VoucherExpired(code.to_string()));
    }
    balance(code, row.get(0), row.get(2))
}

/// The balance inside a write transaction (the sale's), so two sales cannot spend it twice.
pub(crate) async fn balance_in(tx: &mut Transaction<'static, Sqlite>, code: &str) -> Result<Money> {
    let row = sqlx::query(
        "SELECT v.value, (SELECT group_concat(amount, ' ') FROM voucher_redemption r WHERE r.code = v.code)
         FROM voucher v WHERE v.code = ?",
    )
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| Error::VoucherNotFound(code.to_string()))?;
    balance(code, row.get(0), row.get(1))
}

fn balance(code: &str, value: &str, redeemed: Option<&str>) -> Result<Money> {
    let bad = || Error::Inconsistent(format!("gift voucher {code} has an amount that is not an amount"));
    let value = Money::parse(value).map_err(|_| bad())?;
    let mut left = value;
    for amount in redeemed.unwrap_or_default().split_whitespace() {
        left = left - Money::parse(amount).map_err(|_| bad())?;
    }
    Ok(left)
}
