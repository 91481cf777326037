//! The till's fiscal steps (issue 5): receipts delivered on paper or as a file, copies, pro
//! forma receipts, training mode, returns with refunds to the original method, shifts and cash
//! movements, X and Z reports, and the control unit's policy.

use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use storekeep_domain::Money;
use storekeep_domain::cash::{CashMovement, MovementKind, ShiftClosed, ShiftState};
use storekeep_domain::control::ControlUnitPolicy;
use storekeep_domain::escpos;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::receipt_doc;
use storekeep_domain::report::{DayReport, ReportKind};
use storekeep_domain::returns::{
    Return, ReturnError, ReturnLine, ReturnRequest, Returnable, plan_lines, plan_refunds,
    refund_in_cash_instead, returnable, vat_of,
};
use storekeep_domain::sale::{Tender, TenderMethod};
use storekeep_domain::staff::Action;
use ts_rs::TS;

use super::{Delivery, Till, staff_ref};
use crate::control::{ControlUnitSetting, Outage};
use crate::devices::{CardOutcome, DeviceError};
use crate::error::{Error, Result};
use crate::reports::ZSummary;
use crate::staff::Approval;

/// What the till is set to, for the header and the manager's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TillState {
    pub training: bool,
    /// The next receipt goes out as a file.
    pub electronic: bool,
    pub shift: Option<ShiftState>,
    pub control_unit: ControlUnitSetting,
    /// The control unit's manufacturing number.
    pub control_unit_number: String,
    /// The control unit is down and the store sells on (an outage is open).
    pub control_unit_outage: bool,
    /// The simulated control unit is set to fail (demo only).
    pub control_unit_simulated_failing: Option<bool>,
    /// A return against this receipt is unfinished (refunds made or asked for, not yet
    /// registered): Return with the same receipt and lines finishes it.
    #[ts(type = "number | null")]
    pub pending_return: Option<i64>,
}

/// What can be returned of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnPlan {
    pub receipt: Receipt,
    pub lines: Vec<Returnable>,
    /// Receipts of earlier returns against it.
    #[ts(type = "number[]")]
    pub earlier: Vec<i64>,
}

/// A registered return: its receipt, how it was handed over, and refunds that went to cash
/// because the card terminal or Swish refused them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReturnOutcome {
    pub receipt: Receipt,
    pub delivery: Delivery,
    pub to_cash_instead: Vec<CashInstead>,
}

/// A refund the card terminal or Swish did not make, given in cash instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CashInstead {
    pub method: TenderMethod,
    pub amount: Money,
    /// What the terminal or Swish answered (their words).
    pub reason: String,
}

/// A day report and its printed text (the 22 items, in Swedish).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportView {
    pub report: DayReport,
    pub text: String,
}

impl ReportView {
    fn of(report: DayReport) -> ReportView {
        ReportView { text: report.render_text(), report }
    }

    /// A report shown or printed again: marked KOPIA at the top and the bottom.
    fn copy_of(report: DayReport) -> ReportView {
        let mark = format!("{:^42}\n", "KOPIA");
        ReportView { text: format!("{mark}{}{mark}", report.render_text()), report }
    }
}

/// A return under way, kept on disk until it is registered.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingReturn {
    wanted: Vec<ReturnRequest>,
    /// The return as planned (no receipt number, refunds below).
    ret: Return,
    refunds: Vec<RefundStep>,
    rounding: Money,
    to_cash: Vec<CashInstead>,
}

impl PendingReturn {
    /// Refund `failed` in cash instead: the other card and Swish refunds keep their state, the
    /// cash part is counted again.
    fn in_cash_instead(&mut self, failed: usize) {
        let tenders: Vec<Tender> = self.refunds.iter().map(|r| r.tender.clone()).collect();
        let (kept, rounding) = refund_in_cash_instead(&tenders, failed, self.ret.total);
        let mut old: Vec<RefundStep> =
            self.refunds.iter().enumerate().filter(|(i, _)| *i != failed).map(|(_, r)| r.clone()).collect();
        self.refunds = kept
            .into_iter()
            .map(|tender| match old.iter().position(|r| r.tender == tender) {
                Some(i) => old.remove(i),
                None => RefundStep { reference: String::new(), status: RefundStatus::Done, tender },
            })
            .collect();
        self.rounding = rounding;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum RefundStatus {
    /// Not sent yet.
    Planned,
    Done,
    /// Sent; the answer was lost.
    Unknown,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RefundStep {
    tender: Tender,
    /// The till's own reference for the request.
    reference: String,
    status: RefundStatus,
}

#[derive(Debug)]
enum RefundAnswer {
    Done,
    Refused(String),
    Unknown(String),
}

/// How a copy is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CopyOutput {
    Paper,
    /// An electronic copy (PDF and HTML files).
    File,
}

impl Till {
    fn refuse_in_training(&self) -> Result<()> {
        if self.training.load(Ordering::SeqCst) { Err(Error::TrainingCashOnly) } else { Ok(()) }
    }

    /// Card, Swish and vouchers move real money: not in training mode.
    pub(super) fn real_money_allowed(&self) -> Result<()> {
        self.refuse_in_training()
    }

    /// Prints the receipt (or writes it as a file for an e-receipt) and opens the drawer when
    /// cash changed hands. Never fails: the receipt is registered whatever the printer does.
    pub(super) async fn deliver(&self, receipt: &Receipt, electronic: bool) -> Delivery {
        let mut d = Delivery::default();
        if receipt.payments.iter().any(|p| p.label.starts_with(TenderMethod::Cash.receipt_label()))
            && let Err(e) = self.devices.drawer.open().await
        {
            tracing::warn!(error = %e, "the drawer did not open");
        }
        if electronic {
            match self.write_files(receipt) {
                Ok(path) => d.file = Some(path),
                Err(e) => {
                    d.problem = Some(format!("The receipt file could not be written ({e})"));
                    d.problem_sv = Some(format!("Kvittofilen kunde inte skrivas ({e})"));
                }
            }
            return d;
        }
        match self.devices.printer.print(&escpos::receipt(receipt)).await {
            Ok(()) => d.printed = true,
            Err(e) => {
                tracing::warn!(error = %e, receipt = receipt.receipt_no, "the receipt did not print");
                d.problem = Some(format!(
                    "The printer did not answer ({e}). The sale is registered; show the receipt on screen or give an electronic copy"
                ));
                d.problem_sv = Some(format!(
                    "Skrivaren svarade inte ({e}). Köpet är registrerat; visa kvittot på skärmen eller ge en elektronisk kopia"
                ));
            }
        }
        d
    }

    /// Writes the receipt as PDF and HTML into the receipts folder; returns the PDF's path.
    fn write_files(&self, receipt: &Receipt) -> std::io::Result<String> {
        let dir =
            self.receipts_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("storekeep-receipts"));
        std::fs::create_dir_all(&dir)?;
        let kind = match (receipt.copy, receipt.kind) {
            (true, _) => "kopia",
            (_, storekeep_domain::receipt::ReceiptKind::Return) => "retur",
            (_, storekeep_domain::receipt::ReceiptKind::Training) => "ovning",
            (_, storekeep_domain::receipt::ReceiptKind::ProForma) => "proforma",
            _ => "kvitto",
        };
        let safe: String = receipt
            .register_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .collect();
        let stem = format!("{kind}-{safe}-{:06}", receipt.receipt_no);
        let pdf = dir.join(format!("{stem}.pdf"));
        std::fs::write(&pdf, receipt_doc::pdf(receipt))?;
        std::fs::write(dir.join(format!("{stem}.html")), receipt_doc::html(receipt))?;
        Ok(pdf.display().to_string())
    }

    /// The customer wants this sale's receipt as a file (or on paper again).
    pub async fn set_electronic_receipt(&self, on: bool) -> Result<TillState> {
        self.authorize(Action::Sell, None, "choose the receipt").await?;
        self.current().await?.electronic = on;
        self.state().await
    }

    /// Training mode on or off (managers; audited). Only with no sale in progress.
    pub async fn set_training(&self, on: bool) -> Result<TillState> {
        let ok = self.authorize(Action::ChangeControls, None, "training mode").await?;
        {
            let cur = self.current().await?;
            if !cur.cart.lines().is_empty() {
                return Err(Error::SaleInProgress);
            }
            let old = self.training.swap(on, Ordering::SeqCst);
            let mut record = crate::audit::AuditRecord::new(
                self.sk.clock().now(),
                Some(ok.actor.clone()),
                "till.training",
                "training mode".into(),
                crate::audit::Outcome::Done,
            );
            record.old_value = Some(old.to_string());
            record.new_value = Some(on.to_string());
            self.sk.audit().record(&record).await?;
        }
        self.state().await
    }

    pub async fn state(&self) -> Result<TillState> {
        self.authorize(Action::ViewStatus, None, "till state").await?;
        let electronic = self.current().await?.electronic;
        let register = self.register_id().await?;
        let pending_return = self.pending_return(&register).await?.map(|p| p.ret.original_receipt_no);
        let outage: Option<i64> = sqlx::query_scalar(
            "SELECT start_seq FROM control_outage WHERE register_id = ? AND end_seq IS NULL",
        )
        .bind(&register)
        .fetch_optional(self.sk.db().reader())
        .await?;
        Ok(TillState {
            training: self.training.load(Ordering::SeqCst),
            electronic,
            shift: self.sk.shifts().current().await?,
            control_unit: self.sk.settings().control_unit_policy().await?,
            control_unit_number: self.devices.control_unit.manufacturing_number(),
            control_unit_outage: outage.is_some(),
            control_unit_simulated_failing: self
                .devices
                .simulators
                .as_ref()
                .map(|s| s.control_unit.is_failing()),
            pending_return,
        })
    }

    /// The one copy of a receipt, on paper or as a file.
    pub async fn copy_receipt(&self, receipt_no: i64, output: CopyOutput) -> Result<(Receipt, Delivery)> {
        let ok = self.authorize(Action::Sell, None, "copy a receipt").await?;
        let now = self.sk.clock().now();
        let copy = self
            .sk
            .sales()
            .register_copy(receipt_no, staff_ref(&ok.actor), now, &*self.devices.control_unit)
            .await?;
        let delivery = self.deliver_only(&copy, output == CopyOutput::File).await;
        Ok((copy, delivery))
    }

    /// Prints or files a receipt without touching the drawer.
    async fn deliver_only(&self, receipt: &Receipt, electronic: bool) -> Delivery {
        if electronic {
            return match self.write_files(receipt) {
                Ok(path) => Delivery { file: Some(path), ..Delivery::default() },
                Err(e) => Delivery {
                    problem: Some(format!("The receipt file could not be written ({e})")),
                    problem_sv: Some(format!("Kvittofilen kunde inte skrivas ({e})")),
                    ..Delivery::default()
                },
            };
        }
        match self.devices.printer.print(&escpos::receipt(receipt)).await {
            Ok(()) => Delivery { printed: true, ..Delivery::default() },
            Err(e) => Delivery {
                problem: Some(format!("The printer did not answer ({e})")),
                problem_sv: Some(format!("Skrivaren svarade inte ({e})")),
                ..Delivery::default()
            },
        }
    }

    /// A pro forma receipt (EJ KVITTO) of the sale in progress; the sale goes on.
    pub async fn pro_forma(&self) -> Result<(Receipt, Delivery)> {
        let ok = self.authorize(Action::Sell, None, "pro forma receipt").await?;
        let cur = self.current().await?;
        if cur.cart.lines().is_empty() {
            return Err(Error::Tender(storekeep_domain::sale::TenderError::EmptySale));
        }
        let now = self.sk.clock().now();
        let priced = self.price_at(&cur.cart, now).await?;
        let receipt = self
            .sk
            .sales()
            .register_pro_forma(&priced, staff_ref(&ok.actor), now, &*self.devices.control_unit)
            .await?;
        drop(cur);
        let delivery = self.deliver_only(&receipt, false).await;
        Ok((receipt, delivery))
    }

    /// What can still be returned of receipt `receipt_no`.
    pub async fn return_plan(&self, receipt_no: i64) -> Result<ReturnPlan> {
        self.authorize(Action::Sell, None, "look up a receipt for a return").await?;
        let (sale, earlier) = self.sk.sales().for_return(receipt_no).await?;
        let lines: Vec<ReturnLine> = earlier.iter().flat_map(|r| r.lines.clone()).collect();
        Ok(ReturnPlan {
            receipt: self.sk.sales().receipt(receipt_no).await?,
            lines: returnable(&sale, &lines),
            earlier: earlier.iter().map(|r| r.receipt_no).collect(),
        })
    }

    /// Takes goods back against receipt `receipt_no`: refunds to the card, Swish payment or
    /// voucher the customer paid with (cash when the terminal or Swish refuses, or for what
    /// cash paid), registers the return and hands over the RETUR receipt.
    ///
    /// Money never goes back twice: the planned return, with a reference for each refund, is
    /// on disk (`pending_return`) before the terminal or Swish is asked, and each answer is
    /// written down as it comes. A refund whose answer is lost is asked about (card) or sent
    /// again under the same reference (Swish refunds are idempotent) when the cashier tries
    /// again; a return whose refunds are made but whose registration failed (the control unit
    /// is down, a full disk) is registered on the next try without refunding again. While one
    /// is unfinished no other return starts on this register.
    pub async fn return_items(
        &self,
        receipt_no: i64,
        wanted: &[ReturnRequest],
        reason: &str,
        approval: Option<&Approval>,
    ) -> Result<ReturnOutcome> {
        let ok = self.authorize(Action::Return, approval, "return goods").await?;
        if reason.trim().is_empty() {
            return Err(Error::Return(ReturnError::NoReason));
        }
        self.refuse_in_training()?;
        // Hold the till: no sale step runs while money goes back.
        let cur = self.current().await?;
        if !cur.cart.lines().is_empty() {
            return Err(Error::SaleInProgress);
        }
        let register = self.register_id().await?;
        let mut pending = match self.pending_return(&register).await? {
            Some(p) if p.ret.original_receipt_no == receipt_no && p.wanted == wanted => p,
            Some(p) => return Err(Error::ReturnUnfinished(p.ret.original_receipt_no)),
            None => {
                let p = self.plan_return(receipt_no, wanted, reason, &ok).await?;
                self.keep_return(&register, &p, true).await?;
                p
            }
        };
        let mut i = 0;
        while i < pending.refunds.len() {
            let step = pending.refunds[i].clone();
            if step.status == RefundStatus::Done {
                i += 1;
                continue;
            }
            let answer = self.refund_once(&step).await;
            match answer {
                RefundAnswer::Done => {
                    pending.refunds[i].status = RefundStatus::Done;
                    i += 1;
                }
                RefundAnswer::Refused(why) => {
                    tracing::warn!(method = step.tender.method.as_str(), amount = %step.tender.amount, why, "refund refused: paying it in cash");
                    pending.to_cash.push(CashInstead {
                        method: step.tender.method,
                        amount: step.tender.amount,
                        reason: why,
                    });
                    pending.in_cash_instead(i);
                    // Look again from the start: the list has changed.
                    i = 0;
                }
                RefundAnswer::Unknown(why) => {
                    pending.refunds[i].status = RefundStatus::Unknown;
                    self.keep_return(&register, &pending, false).await?;
                    return Err(Error::RefundUnknown(why));
                }
            }
            self.keep_return(&register, &pending, false).await?;
        }
        let mut ret = pending.ret.clone();
        ret.refunds = pending.refunds.iter().map(|r| r.tender.clone()).collect();
        ret.rounding = pending.rounding;
        let (_, receipt) = self.sk.sales().register_return(ret, wanted, &*self.devices.control_unit).await?;
        drop(cur);
        let delivery = self.deliver(&receipt, false).await;
        Ok(ReturnOutcome { receipt, delivery, to_cash_instead: pending.to_cash })
    }

    /// A manager settles a return that cannot finish because a refund's answer stays lost
    /// (the terminal or Swish is gone), after checking the device's own record: `cash` pays
    /// the unknown refunds in cash instead (the return then finishes with the next Return);
    /// otherwise the return is given up, which is allowed only while no card or Swish refund
    /// is known to have gone through. Audited with the reason.
    pub async fn settle_pending_return(
        &self,
        cash: bool,
        reason: &str,
        approval: Option<&Approval>,
    ) -> Result<TillState> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        let ok = self.authorize(Action::ResolvePayment, approval, "settle an unfinished return").await?;
        let _till = self.current().await?;
        let register = self.register_id().await?;
        let mut p = self.pending_return(&register).await?.ok_or(Error::NoPendingReturn)?;
        let original = p.ret.original_receipt_no;
        let electronic_done = p.refunds.iter().any(|r| {
            r.status == RefundStatus::Done
                && matches!(r.tender.method, TenderMethod::Card | TenderMethod::Swish)
        });
        let what = if cash {
            while let Some(i) = p.refunds.iter().position(|r| r.status == RefundStatus::Unknown) {
                let t = p.refunds[i].tender.clone();
                p.to_cash.push(CashInstead {
                    method: t.method,
                    amount: t.amount,
                    reason: reason.trim().to_string(),
                });
                p.in_cash_instead(i);
            }
            self.keep_return(&register, &p, false).await?;
            "unknown refunds paid in cash"
        } else {
            if electronic_done {
                return Err(Error::ReturnRefunded(original));
            }
            sqlx::query("DELETE FROM pending_return WHERE register_id = ?")
                .bind(&register)
                .execute(self.sk.db().writer())
                .await?;
            "return given up"
        };
        let mut record = crate::audit::AuditRecord::new(
            self.sk.clock().now(),
            Some(ok.actor.clone()),
            "till.settle_return",
            format!("return against receipt {original}"),
            crate::audit::Outcome::Done,
        );
        record.new_value = Some(what.to_string());
        record.reason = Some(reason.trim().to_string());
        record.approved_by = ok.approved_by.clone();
        self.sk.audit().record(&record).await?;
        drop(_till);
        self.state().await
    }

    /// The return as planned: lines against the original and every earlier return, refunds
    /// to the methods paid with, each with a reference of its own.
    async fn plan_return(
        &self,
        receipt_no: i64,
        wanted: &[ReturnRequest],
        reason: &str,
        ok: &crate::staff::Authorized,
    ) -> Result<PendingReturn> {
        let (original, earlier) = self.sk.sales().for_return(receipt_no).await?;
        let earlier_lines: Vec<ReturnLine> = earlier.iter().flat_map(|r| r.lines.clone()).collect();
        let earlier_refunds: Vec<Tender> = earlier.iter().flat_map(|r| r.refunds.clone()).collect();
        let lines = plan_lines(&original, &earlier_lines, wanted)?;
        let total: Money = lines.iter().map(|l| l.amount).sum();
        let (refunds, rounding) = plan_refunds(&original, &earlier_refunds, total);
        let now = self.sk.clock().now();
        let refunds = refunds
            .into_iter()
            .enumerate()
            .map(|(n, tender)| {
                let electronic = matches!(tender.method, TenderMethod::Card | TenderMethod::Swish);
                RefundStep {
                    reference: format!(
                        "{}-RET{receipt_no}-{}-{n}",
                        original.register_id,
                        now.as_millisecond()
                    ),
                    status: if electronic { RefundStatus::Planned } else { RefundStatus::Done },
                    tender,
                }
            })
            .collect();
        Ok(PendingReturn {
            wanted: wanted.to_vec(),
            ret: Return {
                register_id: original.register_id.clone(),
                receipt_no: 0,
                original_receipt_no: receipt_no,
                returned_at: now,
                vat: vat_of(&lines),
                lines,
                total,
                rounding,
                refunds: Vec::new(),
                reason: reason.trim().to_string(),
                cashier: staff_ref(&ok.actor),
                approved_by: ok.approved_by.as_ref().map(staff_ref),
                control: None,
            },
            refunds,
            rounding,
            to_cash: Vec::new(),
        })
    }

    /// Asks the terminal or Swish for one refund. Only a definite no (declined, or the device
    /// could not be reached at all) counts as refused; a lost answer is unknown.
    async fn refund_once(&self, step: &RefundStep) -> RefundAnswer {
        let t = &step.tender;
        let wait = self.devices.timeout;
        let original = t.reference.clone().unwrap_or_default();
        match t.method {
            TenderMethod::Card => {
                if step.status == RefundStatus::Unknown {
                    match self.devices.terminal.outcome_of(&step.reference).await {
                        Ok(Some(CardOutcome::Approved { .. })) => return RefundAnswer::Done,
                        Ok(Some(CardOutcome::Declined { reason })) => return RefundAnswer::Refused(reason),
                        Ok(None) => {} // never reached the terminal: send it now
                        Err(e) => return RefundAnswer::Unknown(e.to_string()),
                    }
                }
                match tokio::time::timeout(
                    wait,
                    self.devices.terminal.refund(&step.reference, &original, t.amount),
                )
                .await
                {
                    Ok(Ok(CardOutcome::Approved { .. })) => RefundAnswer::Done,
                    Ok(Ok(CardOutcome::Declined { reason })) => RefundAnswer::Refused(reason),
                    Ok(Err(DeviceError::Unreachable(e))) => RefundAnswer::Refused(e),
                    Ok(Err(e)) => RefundAnswer::Unknown(e.to_string()),
                    Err(_) => RefundAnswer::Unknown("no answer in time".into()),
                }
            }
            TenderMethod::Swish => {
                match tokio::time::timeout(
                    wait,
                    self.devices.swish.refund(&step.reference, &original, t.amount),
                )
                .await
                {
                    Ok(Ok(true)) => RefundAnswer::Done,
                    Ok(Ok(false)) => RefundAnswer::Refused("declined".into()),
                    Ok(Err(DeviceError::Unreachable(e))) if step.status == RefundStatus::Planned => {
                        RefundAnswer::Refused(e)
                    }
                    Ok(Err(e)) => RefundAnswer::Unknown(e.to_string()),
                    Err(_) => RefundAnswer::Unknown("no answer in time".into()),
                }
            }
            TenderMethod::Voucher | TenderMethod::Cash => RefundAnswer::Done,
        }
    }

    async fn pending_return(&self, register: &str) -> Result<Option<PendingReturn>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM pending_return WHERE register_id = ?")
                .bind(register)
                .fetch_optional(self.sk.db().reader())
                .await?;
        body.map(|b| {
            serde_json::from_str(&b)
                .map_err(|e| Error::Inconsistent(format!("an unfinished return cannot be read: {e}")))
        })
        .transpose()
    }

    /// Writes the return down before (`new`) and after each refund.
    async fn keep_return(&self, register: &str, p: &PendingReturn, new: bool) -> Result<()> {
        let body = serde_json::to_string(p).map_err(|e| Error::Storage(e.to_string()))?;
        let now = self.sk.clock().now().to_string();
        let mut tx = self.sk.db().begin_write().await?;
        let sql = if new {
            "INSERT INTO pending_return (register_id, body, updated_at) VALUES (?, ?, ?)"
        } else {
            "UPDATE pending_return SET body = ?2, updated_at = ?3 WHERE register_id = ?1"
        };
        let done = sqlx::query(sql).bind(register).bind(body).bind(now).execute(&mut *tx).await;
        if new && done.is_err() {
            return Err(Error::ReturnUnfinished(p.ret.original_receipt_no));
        }
        done?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an X (any cashier) or Z (managers) report, registers and prints it.
    pub async fn take_report(&self, kind: ReportKind) -> Result<ReportView> {
        let action = if kind == ReportKind::Z { Action::ChangeControls } else { Action::Sell };
        let ok = self.authorize(action, None, kind.label()).await?;
        if kind == ReportKind::Z && !self.current().await?.cart.tenders().is_empty() {
            return Err(Error::PaymentTaken);
        }
        let report = self.sk.reports().take(kind, staff_ref(&ok.actor), self.sk.clock().now()).await?;
        let view = ReportView::of(report);
        self.print_text(&view.text).await;
        Ok(view)
    }

    async fn print_text(&self, text: &str) {
        let mut doc = escpos::Document::new();
        for line in text.lines() {
            if line.trim() == "KOPIA" {
                doc.bold(true).size(2).line(line).size(1).bold(false);
            } else {
                doc.line(line);
            }
        }
        doc.cut(4);
        if let Err(e) = self.devices.printer.print(&doc.into_bytes()).await {
            tracing::warn!(error = %e, "the report did not print");
        }
    }

    pub async fn z_reports(&self) -> Result<Vec<ZSummary>> {
        self.authorize(Action::ViewStatus, None, "list Z reports").await?;
        self.sk.reports().z_reports().await
    }

    /// Z report `number` again (registered as a report copy).
    pub async fn reprint_z(&self, number: i64) -> Result<ReportView> {
        let ok = self.authorize(Action::ChangeControls, None, "show a Z report again").await?;
        let report = self.sk.reports().reprint_z(number, staff_ref(&ok.actor), self.sk.clock().now()).await?;
        let view = ReportView::copy_of(report);
        self.print_text(&view.text).await;
        Ok(view)
    }

    pub async fn shift(&self) -> Result<Option<ShiftState>> {
        self.authorize(Action::Sell, None, "see the shift").await?;
        self.sk.shifts().current().await
    }

    /// Opens a shift for whoever is logged in, with `float` counted into the drawer.
    pub async fn open_shift(&self, float: &str) -> Result<ShiftState> {
        let ok = self.authorize(Action::Sell, None, "open a shift").await?;
        let float = Money::parse(float)?;
        let state = self.sk.shifts().open(staff_ref(&ok.actor), float, self.sk.clock().now()).await?;
        let _ = self.devices.drawer.open().await;
        Ok(state)
    }

    /// Money into or out of the drawer with a reason (the drawer opens, so the same approval
    /// rule as opening it applies).
    pub async fn cash_movement(
        &self,
        kind: MovementKind,
        amount: &str,
        reason: &str,
        approval: Option<&Approval>,
    ) -> Result<ShiftState> {
        let ok = self.authorize(Action::OpenDrawer, approval, kind.as_str()).await?;
        let movement = CashMovement {
            register_id: self.register_id().await?,
            at: self.sk.clock().now(),
            kind,
            amount: Money::parse(amount)?,
            reason: reason.trim().to_string(),
            cashier: staff_ref(&ok.actor),
            approved_by: ok.approved_by.as_ref().map(staff_ref),
        };
        let state = self.sk.shifts().movement(&movement).await?;
        let _ = self.devices.drawer.open().await;
        Ok(state)
    }

    /// Closes the open shift against the counted cash. The shift's own cashier or a manager.
    pub async fn close_shift(&self, counted: &str) -> Result<ShiftClosed> {
        let ok = self.authorize(Action::Sell, None, "close a shift").await?;
        let state = self.sk.shifts().current().await?.ok_or(Error::NoOpenShift)?;
        if state.cashier.id != ok.actor.id {
            self.authorize(Action::ChangeControls, None, "close another cashier's shift").await?;
        }
        self.sk.shifts().close(staff_ref(&ok.actor), Money::parse(counted)?, self.sk.clock().now()).await
    }

    pub async fn control_unit_policy(&self) -> Result<ControlUnitSetting> {
        self.authorize(Action::ViewStatus, None, "control unit policy").await?;
        self.sk.settings().control_unit_policy().await
    }

    pub async fn set_control_unit_policy(
        &self,
        policy: ControlUnitPolicy,
        reason: &str,
    ) -> Result<ControlUnitSetting> {
        let member = self.active_member()?;
        self.sk.settings().set_control_unit_policy(&member.actor(), policy, reason).await
    }

    /// Periods the control unit was down, newest first.
    pub async fn control_outages(&self) -> Result<Vec<Outage>> {
        self.authorize(Action::ViewStatus, None, "control unit outages").await?;
        crate::control::outages(&self.sk, &self.register_id().await?).await
    }

    /// Demo: makes the simulated control unit fail or work.
    pub async fn simulate_control_unit(&self, failing: bool) -> Result<TillState> {
        // It changes what receipts say: a manager's switch, not a cashier's.
        self.authorize(Action::ChangeControls, None, "switch the simulated control unit").await?;
        self.simulators().await?.control_unit.set_failing(failing);
        self.state().await
    }

    /// `journal verify` from the app (managers): the chain, the receipt series, the day
    /// figures and the grand totals.
    pub async fn verify_journal(&self) -> Result<JournalCheck> {
        self.authorize(Action::ViewAudit, None, "verify the journal").await?;
        let v = self.sk.journal().verify().await?;
        Ok(JournalCheck {
            entries: v.entries,
            receipts: v.sales,
            reports: v.reports,
            grand: v.grand,
            problem: v.problem.map(|p| format!("{} #{}: {}", p.register_id, p.seq, p.what)),
        })
    }
}

/// The outcome of a journal check as the manager sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JournalCheck {
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number")]
    pub receipts: i64,
    #[ts(type = "number")]
    pub reports: i64,
    pub grand: storekeep_domain::report::GrandTotals,
    pub problem: Option<String>,
}
