//! Shifts and cash movements: a cashier opens a shift with a float, money is paid in or out
//! with a reason, and the close compares the counted drawer with what it should hold. The
//! expected amount comes from the tallies of the registrations during the shift.

use jiff::Timestamp;
use sqlx::Row;
use storekeep_domain::Money;
use storekeep_domain::cash::{CashMovement, MovementKind, ShiftClosed, ShiftOpened, ShiftState};
use storekeep_domain::journal::EntryKind;
use storekeep_domain::staff::StaffRef;
use storekeep_domain::tally::Tally;

use crate::Storekeep;
use crate::error::{Error, Result};
use crate::journal::append_in;

#[derive(Debug)]
pub struct Shifts<'a> {
    sk: &'a Storekeep,
}

fn to_json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

impl<'a> Shifts<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Shifts { sk }
    }

    /// The open shift on this register with its running figures, if one is open.
    pub async fn current(&self) -> Result<Option<ShiftState>> {
        let identity = self.sk.require_identity().await?;
        let mut c = self.sk.db().reader().acquire().await?;
        state_on(&mut c, &identity.register_id).await
    }

    /// Opens a shift for `cashier` with `float` in the drawer.
    pub async fn open(&self, cashier: StaffRef, float: Money, now: Timestamp) -> Result<ShiftState> {
        if float.is_negative() {
            return Err(Error::Tender(storekeep_domain::sale::TenderError::Negative));
        }
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.clone();
        let mut tx = self.sk.db().begin_write().await?;
        if let Some(s) = state_on(&mut tx, &register).await? {
            return Err(Error::ShiftAlreadyOpen { number: s.shift_no, cashier: s.cashier.name });
        }
        let shift_no: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(shift_no), 0) + 1 FROM shift_open WHERE register_id = ?")
                .bind(&register)
                .fetch_one(&mut *tx)
                .await?;
        let opened =
            ShiftOpened { register_id: register.clone(), shift_no, at: now, cashier: cashier.clone(), float };
        let seq =
            append_in(&mut tx, &register, EntryKind::ShiftOpen, &now.to_string(), &to_json(&opened)?).await?;
        sqlx::query(
            "INSERT INTO shift_open (register_id, shift_no, journal_seq, cashier_id) VALUES (?, ?, ?, ?)",
        )
        .bind(&register)
        .bind(shift_no)
        .bind(seq)
        .bind(cashier.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.current().await?.ok_or_else(|| Error::Inconsistent("the shift just opened is not open".into()))
    }

    /// Money into or out of the drawer, with a reason.
    pub async fn movement(&self, movement: &CashMovement) -> Result<ShiftState> {
        if movement.reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        if movement.amount <= Money::ZERO {
            return Err(Error::Tender(storekeep_domain::sale::TenderError::Negative));
        }
        let mut tx = self.sk.db().begin_write().await?;
        let state = state_on(&mut tx, &movement.register_id).await?.ok_or(Error::NoOpenShift)?;
        if movement.kind == MovementKind::PaidOut && movement.amount > state.expected {
            return Err(Error::Tender(storekeep_domain::sale::TenderError::MoreThanRemaining {
                amount: movement.amount.to_swedish(),
                remaining: state.expected.to_swedish(),
            }));
        }
        let kind = match movement.kind {
            MovementKind::PaidIn => EntryKind::PaidIn,
            MovementKind::PaidOut => EntryKind::PaidOut,
        };
        append_in(&mut tx, &movement.register_id, kind, &movement.at.to_string(), &to_json(movement)?)
            .await?;
        tx.commit().await?;
        self.current().await?.ok_or(Error::NoOpenShift)
    }

    /// Closes the open shift against the counted cash.
    pub async fn close(&self, by: StaffRef, counted: Money, now: Timestamp) -> Result<ShiftClosed> {
        if counted.is_negative() {
            return Err(Error::Tender(storekeep_domain::sale::TenderError::Negative));
        }
        let identity = self.sk.require_identity().await?;
        let mut tx = self.sk.db().begin_write().await?;
        let state = state_on(&mut tx, &identity.register_id).await?.ok_or(Error::NoOpenShift)?;
        let closed = state.close(&identity.register_id, now, by, counted);
        let seq = append_in(
            &mut tx,
            &identity.register_id,
            EntryKind::ShiftClose,
            &now.to_string(),
            &to_json(&closed)?,
        )
        .await?;
        sqlx::query("INSERT INTO shift_close (register_id, shift_no, journal_seq) VALUES (?, ?, ?)")
            .bind(&identity.register_id)
            .bind(closed.shift_no)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(shift = closed.shift_no, difference = %closed.difference, "shift closed");
        Ok(closed)
    }
}

/// The open shift and its figures, read on `c` (inside the write transaction when the answer
/// decides what is written).
async fn state_on(c: &mut sqlx::SqliteConnection, register: &str) -> Result<Option<ShiftState>> {
    let open = sqlx::query(
        "SELECT o.shift_no, o.journal_seq, j.payload FROM shift_open o
         JOIN journal j ON j.register_id = o.register_id AND j.seq = o.journal_seq
         LEFT JOIN shift_close c ON c.register_id = o.register_id AND c.shift_no = o.shift_no
         WHERE o.register_id = ? AND c.shift_no IS NULL ORDER BY o.shift_no DESC LIMIT 1",
    )
    .bind(register)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = open else { return Ok(None) };
    let opened: ShiftOpened = serde_json::from_str(row.get::<&str, _>(2))
        .map_err(|e| Error::Inconsistent(format!("a shift cannot be read: {e}")))?;
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM tally WHERE register_id = ? AND journal_seq > ?")
            .bind(register)
            .bind(row.get::<i64, _>(1))
            .fetch_all(&mut *c)
            .await?;
    let mut t = Tally::default();
    for b in bodies {
        t.add(
            &Tally::from_stored(&b)
                .map_err(|e| Error::Inconsistent(format!("a day figure cannot be read: {e}")))?,
        );
    }
    Ok(Some(ShiftState {
        shift_no: opened.shift_no,
        cashier: opened.cashier,
        opened_at: opened.at,
        float: opened.float,
        cash_sales: t.cash,
        paid_in: t.paid_in,
        paid_out: t.paid_out,
        expected: opened.float + t.cash + t.paid_in - t.paid_out,
        drawer_openings: t.drawer_openings,
        receipts: t.receipts + t.returns,
    }))
}
