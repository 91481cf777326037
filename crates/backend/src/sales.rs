//! Completing a sale, and reading receipts back.
//!
//! A sale is ONE write transaction: the receipt number (next in the register's unbroken
//! series), the journal entry chained to the previous one, and the sale, line and tender rows.
//! Either all of it is on disk when `complete` returns, or none of it is.

use jiff::Timestamp;
use sqlx::Row;
use storekeep_domain::cart::PricedCart;
use storekeep_domain::journal::EntryKind;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::sale::{AbandonedSale, DrawerOpening, Sale, TenderMethod, VoidedLine};
use storekeep_domain::staff::StaffRef;

use crate::Storekeep;
use crate::error::{Error, Result};
use crate::journal::append_in;

#[derive(Debug)]
pub struct Sales<'a> {
    sk: &'a Storekeep,
}

impl<'a> Sales<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Sales { sk }
    }

    /// Registers a priced cart settled by its tenders at `now`; the cart must have been priced
    /// for the date of `now` (see [`crate::Till`]). Gift vouchers are redeemed and the open
    /// sale (kept while payments were taken) is cleared in the same transaction.
    pub async fn complete(
        &self,
        cart: PricedCart,
        cashier: StaffRef,
        now: Timestamp,
    ) -> Result<(Sale, Receipt)> {
        let identity = self.sk.require_identity().await?;
        let register = identity.register_id.as_str();

        let mut tx = self.sk.db().begin_write().await?;
        let receipt_no: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM sale WHERE register_id = ?")
                .bind(register)
                .fetch_one(&mut *tx)
                .await?;
        let sale = Sale::complete(register, receipt_no, now, cart, cashier)?;
        let payload = serde_json::to_string(&sale).map_err(|e| Error::Storage(e.to_string()))?;
        let recorded_at = now.to_string();
        let seq = append_in(&mut tx, register, EntryKind::Sale, &recorded_at, &payload).await?;

        let sale_id: i64 = sqlx::query_scalar(
            "INSERT INTO sale (register_id, receipt_no, journal_seq, completed_at, total, rounding)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(register)
        .bind(receipt_no)
        .bind(seq)
        .bind(&recorded_at)
        .bind(sale.total.to_string())
        .bind(sale.rounding.to_string())
        .fetch_one(&mut *tx)
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
            .execute(&mut *tx)
            .await?;
        }
        for (tender_no, t) in sale.tenders.iter().enumerate() {
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
            .execute(&mut *tx)
            .await?;
            if t.method == TenderMethod::Voucher {
                let code = t.reference.clone().unwrap_or_default();
                let left = crate::vouchers::balance_in(&mut tx, &code).await?;
                if left < t.amount {
                    return Err(Error::VoucherUsed(code));
                }
                sqlx::query("INSERT INTO voucher_redemption (code, sale_id, amount) VALUES (?, ?, ?)")
                    .bind(&code)
                    .bind(sale_id)
                    .bind(t.amount.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query("DELETE FROM open_sale WHERE register_id = ?").bind(register).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(receipt_no, total = %sale.total, "sale registered");
        let receipt = Receipt::new(&identity, &sale, self.sk.time_zone());
        Ok((sale, receipt))
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

    /// The registered sale with receipt number `receipt_no`, read from its journal entry.
    pub async fn by_receipt_no(&self, receipt_no: i64) -> Result<Sale> {
        let identity = self.sk.require_identity().await?;
        let row = sqlx::query(
            "SELECT j.payload FROM sale s JOIN journal j ON j.register_id = s.register_id AND j.seq = s.journal_seq
             WHERE s.register_id = ? AND s.receipt_no = ?",
        )
        .bind(&identity.register_id)
        .bind(receipt_no)
        .fetch_optional(self.sk.db().reader())
        .await?
        .ok_or(Error::ReceiptNotFound(receipt_no))?;
        serde_json::from_str(row.get(0)).map_err(|e| {
            Error::Inconsistent(format!("receipt {receipt_no} cannot be read from the journal: {e}"))
        })
    }

    /// The receipt for `receipt_no`, as it was printed.
    pub async fn receipt(&self, receipt_no: i64) -> Result<Receipt> {
        let identity = self.sk.require_identity().await?;
        let sale = self.by_receipt_no(receipt_no).await?;
        Ok(Receipt::new(&identity, &sale, self.sk.time_zone()))
    }
}
