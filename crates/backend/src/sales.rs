//! Registering receipts (sales, training sales, returns, copies, pro forma), and reading them
//! back.
//!
//! Each registration is ONE write transaction: the number (next in its unbroken series), the
//! control unit's code, the journal entry chained to the previous one (with its tally), and the
//! projection rows. Either all of it is on disk when the call returns, or none of it is.

use jiff::Timestamp;
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::cart::PricedCart;
use storekeep_domain::control::{CuReceiptType, CuRequest};
use storekeep_domain::journal::EntryKind;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::returns::{Return, ReturnLine, ReturnRequest, plan_lines};
use storekeep_domain::sale::{
    AbandonedSale, DrawerOpening, ProForma, ReceiptCopy, Sale, Tender, TenderMethod, VoidedLine,
};
use storekeep_domain::staff::StaffRef;
use storekeep_domain::store::StoreIdentity;
use storekeep_domain::vat::VatLine;

use crate::Storekeep;
use crate::control::{ControlUnit, stamp_in};
use crate::error::{Error, Result};
use crate::journal::append_in;

#[derive(Debug)]
pub struct Sales<'a> {
    sk: &'a Storekeep,
}

fn to_json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

/// A registered sale or return, read back from the journal.
#[derive(Debug, Clone)]
pub enum Registered {
    Sale(Sale),
    Return(Return),
}

impl<'a> Sales<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Sales { sk }
    }

    fn request(
        &self,
        identity: &StoreIdentity,
        no: i64,
        kind: CuReceiptType,
        at: Timestamp,
        total: Money,
        vat: &[VatLine],
    ) -> CuRequest {
        CuRequest {
            org_number: identity.org_number.as_str().to_string(),
            register_id: identity.register_id.clone(),
            date_time: at.to_zoned_datetime(self.sk.time_zone().clone()).strftime("%Y%m%d%H%M").to_string(),
            receipt_no: no,
            receipt_type: kind,
            total,
            vat: vat.iter().map(|v| (storekeep_domain::tally::rate_key(v.rate_percent), v.vat)).collect(),
        }
    }

    /// Registers a priced cart settled by its tenders at `now`; the cart must have been priced
    /// for the date of `now` (see [`crate::Till`]). The receipt is registered with the control
    /// unit first. Gift vouchers are redeemed and the open sale (kept while payments were
    /// taken) is cleared in the same transaction. A training sale takes the next number of the
    /// training series and touches neither the sales tables nor vouchers.
    pub async fn complete(
        &self,
        cart: PricedCart,
        cashier: StaffRef,
        now: Timestamp,
        cu: &dyn ControlUnit,
        training: bool,
    ) -> Result<(Sale, Receipt)> {
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.as_str();

        let mut tx = self.sk.db().begin_write().await?;
        let series = if training {
            "SELECT COALESCE(MAX(training_no), 0) + 1 FROM training_sale WHERE register_id = ?"
        } else {
            "SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM sale WHERE register_id = ?"
        };
        let receipt_no: i64 = sqlx::query_scalar(series).bind(register).fetch_one(&mut *tx).await?;
        let mut sale = Sale::complete(register, receipt_no, now, cart, cashier)?;
        sale.training = training;
        // Everything that can refuse the sale is checked before the control unit registers it.
        if !training {
            for t in sale.tenders.iter().filter(|t| t.method == TenderMethod::Voucher) {
                let code = t.reference.clone().unwrap_or_default();
                if crate::vouchers::balance_in(&mut tx, &code).await? < t.amount {
                    return Err(Error::VoucherUsed(code));
                }
            }
        }
        let kind = if training { CuReceiptType::Training } else { CuReceiptType::Normal };
        let request = self.request(&identity, receipt_no, kind, now, sale.total, &sale.vat);
        sale.control = Some(stamp_in(&mut tx, cu, &request, now).await?);
        let payload = to_json(&sale)?;
        let recorded_at = now.to_string();
        let entry = if training { EntryKind::Training } else { EntryKind::Sale };
        let seq = append_in(&mut tx, register, entry, &recorded_at, &payload).await?;
        if training {
            sqlx::query("INSERT INTO training_sale (register_id, training_no, journal_seq, total) VALUES (?, ?, ?, ?)")
                .bind(register)
                .bind(receipt_no)
                .bind(seq)
                .bind(sale.total.to_string())
                .execute(&mut *tx)
                .await?;
        } else {
            project_sale(&mut tx, &sale, seq, &recorded_at).await?;
        }
        sqlx::query("DELETE FROM open_sale WHERE register_id = ?").bind(register).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(receipt_no, total = %sale.total, training, "sale registered");
        let receipt = Receipt::new(&identity, &sale, self.sk.time_zone());
        Ok((sale, receipt))
    }

    /// The sale a return is made against, and the returns already made against it.
    pub async fn for_return(&self, receipt_no: i64) -> Result<(Sale, Vec<Return>)> {
        let sale = match self.registered(receipt_no).await? {
            Registered::Sale(s) => s,
            Registered::Return(_) => return Err(Error::NotASale(receipt_no)),
        };
        let earlier = self.returns_against(self.sk.db().reader(), receipt_no).await?;
        Ok((sale, earlier))
    }

    async fn returns_against<'e, E>(&self, ex: E, receipt_no: i64) -> Result<Vec<Return>>
    where
        E: sqlx::Executor<'e, Database = Sqlite>,
    {
        let identity = self.sk.require_identity().await?;
        let payloads: Vec<String> = sqlx::query_scalar(
            "SELECT j.payload FROM sale s JOIN journal j ON j.register_id = s.register_id AND j.seq = s.journal_seq
             WHERE s.register_id = ? AND s.kind = 'return' AND s.original_receipt_no = ? ORDER BY s.receipt_no",
        )
        .bind(&identity.register_id)
        .bind(receipt_no)
        .fetch_all(ex)
        .await?;
        payloads
            .iter()
            .map(|p| {
                serde_json::from_str(p).map_err(|e| {
                    Error::Inconsistent(format!("a return against receipt {receipt_no} cannot be read: {e}"))
                })
            })
            .collect()
    }

    /// Registers a return whose refunds have been made. Inside the transaction the lines are
    /// planned again against every earlier return, so two returns of the same goods at once
    /// cannot both pass.
    pub async fn register_return(
        &self,
        mut ret: Return,
        wanted: &[ReturnRequest],
        cu: &dyn ControlUnit,
    ) -> Result<(Return, Receipt)> {
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.clone();
        let (original, _) = self.for_return(ret.original_receipt_no).await?;
        let mut tx = self.sk.db().begin_write().await?;
        let earlier = self.returns_against(&mut *tx, ret.original_receipt_no).await?;
        let earlier_lines: Vec<ReturnLine> = earlier.iter().flat_map(|r| r.lines.clone()).collect();
        let lines = plan_lines(&original, &earlier_lines, wanted)?;
        if lines != ret.lines {
            return Err(Error::ReturnChanged(ret.original_receipt_no));
        }
        let receipt_no: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM sale WHERE register_id = ?")
                .bind(&register)
                .fetch_one(&mut *tx)
                .await?;
        ret.receipt_no = receipt_no;
        ret.register_id = register.clone();
        let negative: Vec<VatLine> = ret
            .vat
            .iter()
            .map(|v| VatLine { rate_percent: v.rate_percent, gross: -v.gross, vat: -v.vat, net: -v.net })
            .collect();
        let request = self.request(
            &identity,
            receipt_no,
            CuReceiptType::Normal,
            ret.returned_at,
            -ret.total,
            &negative,
        );
        ret.control = Some(stamp_in(&mut tx, cu, &request, ret.returned_at).await?);
        let recorded_at = ret.returned_at.to_string();
        let seq = append_in(&mut tx, &register, EntryKind::Return, &recorded_at, &to_json(&ret)?).await?;
        project_return(&mut tx, &ret, seq, &recorded_at).await?;
        sqlx::query("DELETE FROM pending_return WHERE register_id = ?")
            .bind(&register)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(receipt_no, original = ret.original_receipt_no, total = %ret.total, "return registered");
        let receipt = Receipt::for_return(&identity, &ret, self.sk.time_zone());
        Ok((ret, receipt))
    }

    /// Registers the one copy of receipt `receipt_no` (a sale or a return) and returns it,
    /// marked KOPIA. A second copy is refused.
    pub async fn register_copy(
        &self,
        receipt_no: i64,
        by: StaffRef,
        now: Timestamp,
        cu: &dyn ControlUnit,
    ) -> Result<Receipt> {
        let identity = self.sk.require_identity().await?;
        let original = self.receipt(receipt_no).await?;
        let mut tx = self.sk.db().begin_write().await?;
        let done: Option<i64> = sqlx::query_scalar(
            "SELECT journal_seq FROM receipt_copy WHERE register_id = ? AND receipt_no = ?",
        )
        .bind(&identity.register_id)
        .bind(receipt_no)
        .fetch_optional(&mut *tx)
        .await?;
        if done.is_some() {
            return Err(Error::CopyAlreadyMade(receipt_no));
        }
        let request =
            self.request(&identity, receipt_no, CuReceiptType::Copy, now, original.total, &original.vat);
        let control = stamp_in(&mut tx, cu, &request, now).await?;
        let copy = ReceiptCopy {
            register_id: identity.register_id.clone(),
            receipt_no,
            at: now,
            by,
            total: original.total,
            control: Some(control.clone()),
        };
        let seq =
            append_in(&mut tx, &identity.register_id, EntryKind::Copy, &now.to_string(), &to_json(&copy)?)
                .await?;
        sqlx::query("INSERT INTO receipt_copy (register_id, receipt_no, journal_seq) VALUES (?, ?, ?)")
            .bind(&identity.register_id)
            .bind(receipt_no)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(original.as_copy(Some(control)))
    }

    /// Registers a pro forma receipt (EJ KVITTO) of a priced cart; the sale goes on.
    pub async fn register_pro_forma(
        &self,
        cart: &PricedCart,
        cashier: StaffRef,
        now: Timestamp,
        cu: &dyn ControlUnit,
    ) -> Result<Receipt> {
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.clone();
        let mut tx = self.sk.db().begin_write().await?;
        let no: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(pro_forma_no), 0) + 1 FROM pro_forma WHERE register_id = ?",
        )
        .bind(&register)
        .fetch_one(&mut *tx)
        .await?;
        let request = self.request(&identity, no, CuReceiptType::ProForma, now, cart.total, &cart.vat);
        let control = stamp_in(&mut tx, cu, &request, now).await?;
        let pf = ProForma {
            register_id: register.clone(),
            pro_forma_no: no,
            at: now,
            lines: cart.lines.clone(),
            total: cart.total,
            vat: cart.vat.clone(),
            discounts: cart.line_discounts + cart.sale_discount_amount,
            cashier,
            control: Some(control),
        };
        let seq =
            append_in(&mut tx, &register, EntryKind::ProForma, &now.to_string(), &to_json(&pf)?).await?;
        sqlx::query("INSERT INTO pro_forma (register_id, pro_forma_no, journal_seq) VALUES (?, ?, ?)")
            .bind(&register)
            .bind(no)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Receipt::for_pro_forma(&identity, &pf, self.sk.time_zone()))
    }

    /// Registers a line taken off a sale in progress.
    pub async fn register_void(&self, voided: &VoidedLine) -> Result<i64> {
        self.register(EntryKind::Void, &voided.register_id, voided.at, voided).await
    }

    /// Registers a sale given up before payment.
    pub async fn register_abandoned(&self, abandoned: &AbandonedSale) -> Result<i64> {
        self.register(EntryKind::Abandoned, &abandoned.register_id, abandoned.at, abandoned).await
    }

    /// Registers the drawer opened without a sale.
    pub async fn register_drawer_open(&self, opening: &DrawerOpening) -> Result<i64> {
        self.register(EntryKind::DrawerOpen, &opening.register_id, opening.at, opening).await
    }

    /// A registration that is one journal entry and nothing else.
    async fn register(
        &self,
        kind: EntryKind,
        register_id: &str,
        at: Timestamp,
        payload: &impl serde::Serialize,
    ) -> Result<i64> {
        let payload = serde_json::to_string(payload).map_err(|e| Error::Storage(e.to_string()))?;
        let mut tx = self.sk.db().begin_write().await?;
        let seq = append_in(&mut tx, register_id, kind, &at.to_string(), &payload).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// The sale or return with receipt number `receipt_no`, read from its journal entry.
    pub async fn registered(&self, receipt_no: i64) -> Result<Registered> {
        let identity = self.sk.require_identity().await?;
        let row = sqlx::query(
            "SELECT j.kind, j.payload FROM sale s JOIN journal j ON j.register_id = s.register_id AND j.seq = s.journal_seq
             WHERE s.register_id = ? AND s.receipt_no = ?",
        )
        .bind(&identity.register_id)
        .bind(receipt_no)
        .fetch_optional(self.sk.db().reader())
        .await?
        .ok_or(Error::ReceiptNotFound(receipt_no))?;
        let unreadable = |e: serde_json::Error| {
            Error::Inconsistent(format!("receipt {receipt_no} cannot be read from the journal: {e}"))
        };
        let kind: String = row.get(0);
        let payload: &str = row.get(1);
        if kind == EntryKind::Return.as_str() {
            Ok(Registered::Return(serde_json::from_str(payload).map_err(unreadable)?))
        } else {
            Ok(Registered::Sale(serde_json::from_str(payload).map_err(unreadable)?))
        }
    }

    /// The registered sale with receipt number `receipt_no`.
    pub async fn by_receipt_no(&self, receipt_no: i64) -> Result<Sale> {
        match self.registered(receipt_no).await? {
            Registered::Sale(s) => Ok(s),
            Registered::Return(_) => Err(Error::NotASale(receipt_no)),
        }
    }

    /// The receipt for `receipt_no` (a sale or a return), as it was issued.
    pub async fn receipt(&self, receipt_no: i64) -> Result<Receipt> {
        let identity = self.sk.require_identity().await?;
        let tz = self.sk.time_zone();
        Ok(match self.registered(receipt_no).await? {
            Registered::Sale(s) => Receipt::new(&identity, &s, tz),
            Registered::Return(r) => Receipt::for_return(&identity, &r, tz),
        })
    }

    /// Whether the copy of `receipt_no` has been made.
    pub async fn copy_made(&self, receipt_no: i64) -> Result<bool> {
        let identity = self.sk.require_identity().await?;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM receipt_copy WHERE register_id = ? AND receipt_no = ?")
                .bind(&identity.register_id)
                .bind(receipt_no)
                .fetch_one(self.sk.db().reader())
                .await?;
        Ok(n > 0)
    }
}

/// The sales-table rows of a sale (also what a restored store writes for a sale it catches up
/// from HQ).
pub(crate) async fn project_sale(
    tx: &mut Transaction<'static, Sqlite>,
    sale: &Sale,
    seq: i64,
    recorded_at: &str,
) -> Result<()> {
    let sale_id: i64 = sqlx::query_scalar(
        "INSERT INTO sale (register_id, receipt_no, journal_seq, completed_at, total, rounding)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&sale.register_id)
    .bind(sale.receipt_no)
    .bind(seq)
    .bind(recorded_at)
    .bind(sale.total.to_string())
    .bind(sale.rounding.to_string())
    .fetch_one(&mut **tx)
    .await?;
    for (line_no, l) in sale.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO sale_line (sale_id, line_no, product_id, code, name, sold_by, quantity, unit_price,
                                    line_total, vat_category, vat_percent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(sale_id)
        .bind(line_no as i64 + 1)
        .bind(l.line.product_id)
        .bind(&l.line.code)
        .bind(&l.line.name)
        .bind(l.line.sold_by.as_str())
        .bind(l.line.quantity.to_string())
        .bind(l.line.unit_price.to_string())
        .bind(l.line.line_total.to_string())
        .bind(l.line.vat_category.as_str())
        .bind(l.vat_percent.to_string())
        .execute(&mut **tx)
        .await?;
    }
    project_tenders(tx, sale_id, &sale.tenders, Money::from_ore(1)).await?;
    // Offline card payments were counted when approved; now they get their receipt number.
    // Book-keeping: finding none never stops the registration.
    for t in sale.tenders.iter().filter(|t| t.method == TenderMethod::Card && t.offline) {
        sqlx::query(
            "UPDATE card_offline SET receipt_no = ? WHERE reference = (
                 SELECT reference FROM card_offline
                 WHERE register_id = ? AND authorization = ? AND receipt_no IS NULL ORDER BY rowid LIMIT 1)",
        )
        .bind(sale.receipt_no)
        .bind(&sale.register_id)
        .bind(t.reference.as_deref().unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Tender rows, and voucher redemptions (`sign` −1 for a refund back onto a voucher).
async fn project_tenders(
    tx: &mut Transaction<'static, Sqlite>,
    sale_id: i64,
    tenders: &[Tender],
    sign: Money,
) -> Result<()> {
    for (tender_no, t) in tenders.iter().enumerate() {
        sqlx::query(
            "INSERT INTO tender (sale_id, tender_no, method, amount, tendered, change, reference, offline)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(sale_id)
        .bind(tender_no as i64 + 1)
        .bind(t.method.as_str())
        .bind(t.amount.to_string())
        .bind(t.tendered.to_string())
        .bind(t.change.to_string())
        .bind(&t.reference)
        .bind(i64::from(t.offline))
        .execute(&mut **tx)
        .await?;
        if t.method == TenderMethod::Voucher {
            let code = t.reference.clone().unwrap_or_default();
            let amount = if sign.is_negative() { -t.amount } else { t.amount };
            if !sign.is_negative() {
                let left = crate::vouchers::balance_in(tx, &code).await?;
                if left < t.amount {
                    return Err(Error::VoucherUsed(code));
                }
            }
            sqlx::query("INSERT INTO voucher_redemption (code, sale_id, amount) VALUES (?, ?, ?)")
                .bind(&code)
                .bind(sale_id)
                .bind(amount.to_string())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// The sales-table rows of a return (also what a restored store writes for a return it
/// catches up from HQ).
pub(crate) async fn project_return(
    tx: &mut Transaction<'static, Sqlite>,
    ret: &Return,
    seq: i64,
    recorded_at: &str,
) -> Result<()> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sale (register_id, receipt_no, journal_seq, completed_at, total, rounding, kind, original_receipt_no)
         VALUES (?, ?, ?, ?, ?, ?, 'return', ?) RETURNING id",
    )
    .bind(&ret.register_id)
    .bind(ret.receipt_no)
    .bind(seq)
    .bind(recorded_at)
    .bind(ret.total.to_string())
    .bind(ret.rounding.to_string())
    .bind(ret.original_receipt_no)
    .fetch_one(&mut **tx)
    .await?;
    project_tenders(tx, id, &ret.refunds, -Money::from_ore(1)).await?;
    Ok(())
}
