//! Gift vouchers (presentkort): a code with a value; what is left is the value less every
//! redemption. Redemptions are written with the sale they paid (see `sales.rs`).

use jiff::civil::Date;
use sqlx::{Row, SqliteExecutor};
use storekeep_domain::Money;

use crate::Storekeep;
use crate::error::{Error, Result};

/// Voucher codes are case-insensitive: stored and looked up in upper case.
pub fn normalise(code: &str) -> String {
    code.trim().to_uppercase()
}

/// A voucher as stored: what is left on it and its last valid day.
struct Voucher {
    left: Money,
    valid_to: Option<Date>,
}

/// Reads a voucher through `db`: the reader pool, or the sale's write transaction (so two
/// sales cannot spend the same balance).
async fn read<'e>(db: impl SqliteExecutor<'e>, code: &str) -> Result<Voucher> {
    let row = sqlx::query(
        "SELECT v.value, v.valid_to, (SELECT group_concat(amount, ' ') FROM voucher_redemption r WHERE r.code = v.code)
         FROM voucher v WHERE v.code = ?",
    )
    .bind(code)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::VoucherNotFound(code.to_string()))?;
    let bad = |what: &str| Error::Inconsistent(format!("gift voucher {code} has {what}"));
    let mut left = Money::parse(row.get(0)).map_err(|_| bad("a value that is not an amount"))?;
    for amount in row.get::<Option<&str>, _>(2).unwrap_or_default().split_whitespace() {
        left = left - Money::parse(amount).map_err(|_| bad("a redemption that is not an amount"))?;
    }
    let valid_to = row
        .get::<Option<&str>, _>(1)
        .map(|d| d.parse::<Date>().map_err(|_| bad("a date that is not a date")));
    Ok(Voucher { left, valid_to: valid_to.transpose()? })
}

/// What is left on `code` as of `today`, or why it cannot pay.
pub async fn usable_balance(sk: &Storekeep, code: &str, today: Date) -> Result<Money> {
    let voucher = read(sk.db().reader(), code).await?;
    if voucher.valid_to.is_some_and(|d| d < today) {
        return Err(Error::VoucherExpired(code.to_string()));
    }
    Ok(voucher.left)
}

/// The balance inside the sale's write transaction.
pub(crate) async fn balance_in(tx: &mut sqlx::SqliteConnection, code: &str) -> Result<Money> {
    Ok(read(tx, code).await?.left)
}
