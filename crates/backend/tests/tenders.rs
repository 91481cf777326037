//! Every tender and every cart step of the till, on a real SQLite file with the simulated
//! card terminal, Swish, scale and drawer.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{TestStore, articles, count, demo_store, logged_in, logged_in_as};
use rust_decimal::Decimal;
use storekeep_backend::devices::{SimCard, SimSwish, Simulators};
use storekeep_backend::staff::Approval;
use storekeep_backend::till::{PayOutcome, SaleView};
use storekeep_backend::{ErrorCode, Till};
use storekeep_domain::Money;
use storekeep_domain::cart::{Discount, DiscountKind};
use storekeep_domain::sale::TenderMethod;
use storekeep_domain::staff::{Action, ApprovalPolicy};

fn sims(till: &Till) -> &Simulators {
    till.devices().simulators.as_ref().unwrap()
}

fn open(outcome: PayOutcome) -> SaleView {
    match outcome {
        PayOutcome::Open { sale } => sale,
        PayOutcome::Paid { receipt, .. } => {
            panic!("expected an open sale, got receipt {}", receipt.receipt_no)
        }
    }
}

fn paid(outcome: PayOutcome) -> storekeep_domain::receipt::Receipt {
    match outcome {
        PayOutcome::Paid { receipt, .. } => receipt,
        PayOutcome::Open { sale } => panic!("expected a paid sale, {} left", sale.cart.remaining),
    }
}

const ANNA: Approval = Approval { manager_id: 1, pin: String::new() };

fn anna() -> Approval {
    Approval { pin: "1111".into(), ..ANNA }
}

async fn product_id(t: &TestStore, plu: &str) -> i64 {
    t.sk.catalog().search(plu, 1).await.unwrap()[0].id
}

async fn scan_two(till: &Till) -> Money {
    let items = articles(2);
    till.scan(&items[0].0).await.unwrap();
    till.scan(&items[1].0).await.unwrap().cart.total
}

#[tokio::test]
async fn split_card_and_cash_rounds_only_the_cash() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let total = scan_two(&till).await; // 19,50 + 19,90 = 39,40
    let sale = open(till.pay_card(Some("20")).await.unwrap());
    assert_eq!(sale.cart.paid, Money::from_kronor(20));
    assert_eq!(sale.cart.remaining, total - Money::from_kronor(20));
    assert_eq!(sale.cart.cash_total, Money::from_kronor(19), "19,40 rounds to 19 in cash");
    assert_eq!(till.scan(&articles(1)[0].0).await.unwrap_err().code(), ErrorCode::PaymentPending);
    let receipt = paid(till.take_cash("50", false).await.unwrap());
    assert_eq!(receipt.payments.len(), 2);
    assert_eq!(receipt.payments[0].label, "Kort");
    assert!(receipt.payments[0].reference.as_deref().unwrap().starts_with("SIM"));
    assert_eq!(receipt.payments[1].change, Money::from_kronor(31));
    assert_eq!(receipt.rounding, Money::from_ore(-40));
    assert_eq!(sims(&till).terminal.charges().len(), 1);
    let text = receipt.render_text();
    assert!(text.contains("Kort") && text.contains("Kontant") && text.contains("Växel"), "{text}");
    assert_eq!(count(&t.sk, "tender").await, 2);
    assert_eq!(count(&t.sk, "open_sale").await, 0, "the kept open sale goes with the registration");
    assert!(t.sk.journal().verify().await.unwrap().problem.is_none());
}

#[tokio::test]
async fn a_declined_card_keeps_the_sale_and_swish_pays_it() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let total = scan_two(&till).await;
    sims(&till).terminal.set_next(SimCard::Decline);
    let err = till.pay_card(None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CardDeclined);
    let view = till.cart().await.unwrap();
    assert!(view.cart.tenders.is_empty() && view.cart.lines.len() == 2, "nothing taken, nothing lost");

    sims(&till).swish.set_polls_before_answer(1);
    let waiting = open(till.swish_start(None).await.unwrap());
    let swish = waiting.swish.unwrap();
    assert_eq!(swish.amount, total);
    assert!(swish.qr_svg.starts_with("<?xml") && swish.qr_svg.contains("<svg"), "a QR code to scan");
    assert!(open(till.swish_poll().await.unwrap()).swish.is_some(), "the customer has not paid yet");
    let receipt = paid(till.swish_poll().await.unwrap());
    assert_eq!(receipt.payments[0].label, "Swish");
    assert_eq!(receipt.rounding, Money::ZERO, "Swish is never rounded");
    assert_eq!(receipt.total, total);
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM payment_attempt ORDER BY created_at, reference")
            .fetch_all(t.sk.db().reader())
            .await
            .unwrap();
    assert_eq!(statuses, ["declined", "approved"]);
}

#[tokio::test]
async fn a_card_payment_that_times_out_is_never_charged_twice() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let total = scan_two(&till).await;
    // The terminal charges the card, but its answer is lost.
    sims(&till).terminal.set_next(SimCard::TimeoutAfterCharge);
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::PaymentUnknown);
    let view = till.cart().await.unwrap();
    assert!(view.card_unknown);
    assert_eq!(till.void_line(0, Some(&anna())).await.unwrap_err().code(), ErrorCode::PaymentPending);
    assert_eq!(till.take_cash("100", false).await.unwrap_err().code(), ErrorCode::PaymentPending);
    // Pressing Card again asks the terminal first: the earlier payment went through.
    let receipt = paid(till.pay_card(None).await.unwrap());
    assert_eq!(receipt.payments.len(), 1);
    assert_eq!(receipt.payments[0].amount, total);
    assert_eq!(sims(&till).terminal.charges().len(), 1, "charged exactly once");

    // A request lost before the terminal saw it is sent again, and charged once.
    scan_two(&till).await;
    sims(&till).terminal.set_next(SimCard::Timeout);
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::PaymentUnknown);
    paid(till.pay_card(None).await.unwrap());
    assert_eq!(sims(&till).terminal.charges().len(), 2);
    let cancelled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_attempt WHERE status = 'cancelled'")
            .fetch_one(t.sk.db().reader())
            .await
            .unwrap();
    assert_eq!(cancelled, 1, "the lost request is recorded as never received");
}

#[tokio::test]
async fn an_unreachable_terminal_and_an_offline_approval() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    scan_two(&till).await;
    sims(&till).terminal.set_next(SimCard::Unreachable);
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::DeviceUnavailable);
    sims(&till).terminal.set_next(SimCard::ApproveOffline);
    let receipt = paid(till.pay_card(None).await.unwrap());
    assert_eq!(receipt.payments[0].label, "Kort (offline)");
    let offline: i64 =
        sqlx::query_scalar("SELECT offline FROM tender").fetch_one(t.sk.db().reader()).await.unwrap();
    assert_eq!(offline, 1);
}

#[tokio::test]
async fn swish_declined_and_cancelled() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    scan_two(&till).await;
    sims(&till).swish.set_next(SimSwish::Decline);
    till.swish_start(None).await.unwrap();
    assert_eq!(till.swish_poll().await.unwrap_err().code(), ErrorCode::SwishDeclined);
    assert!(till.cart().await.unwrap().swish.is_none());

    sims(&till).swish.set_polls_before_answer(5);
    till.swish_start(None).await.unwrap();
    assert_eq!(
        till.pay_card(None).await.unwrap_err().code(),
        ErrorCode::PaymentPending,
        "one payment at a time"
    );
    let after = open(till.swish_cancel().await.unwrap());
    assert!(after.swish.is_none() && after.cart.tenders.is_empty());
    sims(&till).swish.set_next(SimSwish::Unreachable);
    assert_eq!(till.swish_start(None).await.unwrap_err().code(), ErrorCode::DeviceUnavailable);
    assert!(sims(&till).swish.paid().is_empty());
}

#[tokio::test]
async fn gift_vouchers_pay_up_to_what_is_left_on_them() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(8);
    for (code, _) in &items {
        till.scan(code).await.unwrap();
    }
    let total = till.cart().await.unwrap().cart.total;
    assert!(total > Money::from_kronor(100), "{total}");
    let sale = open(till.pay_voucher("present-100", None).await.unwrap());
    assert_eq!(sale.cart.paid, Money::from_kronor(100), "the voucher pays what it holds");
    assert_eq!(till.pay_voucher("PRESENT-100", None).await.unwrap_err().code(), ErrorCode::VoucherInvalid);
    assert_eq!(till.pay_voucher("NO-SUCH", None).await.unwrap_err().code(), ErrorCode::VoucherInvalid);
    let receipt = paid(till.take_cash("1000", false).await.unwrap());
    assert_eq!(receipt.payments[0].label, "Presentkort");
    assert_eq!(receipt.payments[0].reference.as_deref(), Some("PRESENT-100"));

    till.scan(&items[0].0).await.unwrap();
    let err = till.pay_voucher("PRESENT-100", None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::VoucherInvalid, "spent in the earlier sale");
    assert!(err.to_string().contains("nothing left"), "{err}");
    let redeemed: String =
        sqlx::query_scalar("SELECT amount FROM voucher_redemption WHERE code = 'PRESENT-100'")
            .fetch_one(t.sk.db().reader())
            .await
            .unwrap();
    assert_eq!(redeemed, "100.00");
}

#[tokio::test]
async fn a_sale_with_a_payment_taken_survives_a_restart() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let total = scan_two(&till).await;
    open(till.pay_card(Some("10")).await.unwrap());
    drop(till);
    // The program stops; a new till on the same database picks the sale up with its payment.
    let sk = common::open_at(&t.path, t.clock.clone()).await.unwrap();
    let till = logged_in(&sk).await;
    let view = till.cart().await.unwrap();
    assert_eq!(view.cart.lines.len(), 2);
    assert_eq!(view.cart.paid, Money::from_kronor(10));
    assert_eq!(view.cart.remaining, total - Money::from_kronor(10));
    let receipt = paid(till.take_cash("100", false).await.unwrap());
    assert_eq!(receipt.payments.len(), 2);
    assert_eq!(count(&sk, "open_sale").await, 0);
}

#[tokio::test]
async fn discounts_within_the_limit_need_no_approval_and_balance_on_the_receipt() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    scan_two(&till).await;
    let pct = |v: i64, reason: &str| Discount::new(DiscountKind::Percent, Decimal::new(v, 0), reason);
    let view = till.set_line_discount(0, Some(pct(10, "Skadad förpackning")), None).await.unwrap();
    assert_eq!(view.cart.line_discounts, Money::from_ore(195), "10 % of 19,50");
    let err = till.set_line_discount(1, Some(pct(50, "Kort datum")), None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NeedsApproval, "above the 10 % limit");
    till.set_line_discount(1, Some(pct(50, "Kort datum")), Some(&anna())).await.unwrap();
    let no_reason = Discount::new(DiscountKind::Amount, Decimal::new(500, 2), " ");
    assert_eq!(
        till.set_sale_discount(Some(no_reason), None).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let five = Discount::new(DiscountKind::Amount, Decimal::new(100, 2), "Stamkund");
    let view = till.set_sale_discount(Some(five), None).await.unwrap();
    // 19,50 − 1,95 + 19,90 − 9,95 − 1,00 = 26,50
    assert_eq!(view.cart.total, Money::from_ore(2650));
    let receipt = till.pay_cash("30").await.unwrap();
    assert_eq!(receipt.total, Money::from_ore(2650));
    let lines: Money = receipt.lines.iter().map(|l| l.amount).sum();
    assert_eq!(lines, receipt.total, "receipt lines, discounts included, add up to the total");
    let text = receipt.render_text();
    assert!(text.contains("Rabatt 10 % (Skadad förpackning)") && text.contains("Rabatt på köpet"), "{text}");
    let sale = t.sk.sales().by_receipt_no(receipt.receipt_no).await.unwrap();
    assert_eq!(sale.discounts, Money::from_ore(195 + 995 + 100));
    let approvals = t.sk.audit().list(&Default::default()).await.unwrap();
    assert!(approvals.iter().any(|e| e.record.action == "approval.discount_over_limit"));
}

#[tokio::test]
async fn the_approval_policy_is_a_managers_audited_setting() {
    let t = demo_store().await;
    let cashier = logged_in(&t.sk).await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let relaxed = ApprovalPolicy { needs_approval: vec![Action::AbandonSale], ..ApprovalPolicy::default() };
    let err = cashier.set_approval_policy(&relaxed, "test").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAllowed);
    assert_eq!(manager.set_approval_policy(&relaxed, "").await.unwrap_err().code(), ErrorCode::InvalidInput);
    manager.set_approval_policy(&relaxed, "Kvällspersonal är erfaren").await.unwrap();

    scan_two(&cashier).await;
    cashier.void_line(0, None).await.unwrap();
    cashier.open_drawer("Växla pengar", None).await.unwrap();
    assert_eq!(cashier.abandon("Kunden gick", None).await.unwrap_err().code(), ErrorCode::NeedsApproval);
    let changes = t.sk.audit().list(&Default::default()).await.unwrap();
    let change = changes.iter().find(|e| e.record.action == "setting.approval_policy").unwrap();
    assert_eq!(change.record.reason.as_deref(), Some("Kvällspersonal är erfaren"));
    assert!(change.record.old_value.as_deref().unwrap().contains("void_line"));
    assert!(!change.record.new_value.as_deref().unwrap().contains("void_line"));
}

#[tokio::test]
async fn park_resume_abandon_and_the_drawer() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(3);
    till.scan(&items[0].0).await.unwrap();
    let view = till.park().await.unwrap();
    assert!(view.cart.lines.is_empty());
    assert_eq!(view.parked, 1);
    till.scan(&items[1].0).await.unwrap();
    assert_eq!(till.resume(1).await.unwrap_err().code(), ErrorCode::InvalidInput, "finish this sale first");
    till.pay_cash("100").await.unwrap();
    let parked = till.parked().await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].parked_by, "Erik Berg");
    let view = till.resume(parked[0].id).await.unwrap();
    assert_eq!(view.cart.lines[0].line.code, items[0].0);
    assert_eq!(view.parked, 0);
    assert_eq!(till.resume(parked[0].id).await.unwrap_err().code(), ErrorCode::InvalidInput);

    till.scan(&items[2].0).await.unwrap();
    assert_eq!(till.abandon("Kunden ångrade sig", None).await.unwrap_err().code(), ErrorCode::NeedsApproval);
    assert!(till.abandon("", Some(&anna())).await.is_err());
    assert!(till.abandon("Kunden ångrade sig", Some(&anna())).await.unwrap().cart.lines.is_empty());
    let payload: String = sqlx::query_scalar("SELECT payload FROM journal WHERE kind = 'abandoned'")
        .fetch_one(t.sk.db().reader())
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(v["lines"].as_array().unwrap().len(), 2, "what was on the sale is kept");
    assert_eq!(v["approved_by"]["name"], "Anna Lind");

    let before = sims(&till).drawer.openings();
    assert_eq!(till.open_drawer("Växel", None).await.unwrap_err().code(), ErrorCode::NeedsApproval);
    assert_eq!(sims(&till).drawer.openings(), before, "refused: the drawer stays shut");
    till.open_drawer("Växel", Some(&anna())).await.unwrap();
    assert_eq!(sims(&till).drawer.openings(), before + 1);
    assert_eq!(count(&t.sk, "journal WHERE kind = 'drawer_open'").await, 1);
    assert!(t.sk.journal().verify().await.unwrap().problem.is_none());
}

#[tokio::test]
async fn weighed_items_by_scale_or_by_hand_and_quantities() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let banana = product_id(&t, "4011").await;
    sims(&till).scale.put(Decimal::new(452, 3), false);
    assert_eq!(till.weigh(banana).await.unwrap_err().code(), ErrorCode::ScaleNotReady);
    sims(&till).scale.put(Decimal::ZERO, true);
    assert_eq!(till.weigh(banana).await.unwrap_err().code(), ErrorCode::ScaleNotReady);
    sims(&till).scale.put(Decimal::new(452, 3), true);
    let view = till.weigh(banana).await.unwrap();
    // 0,452 kg × 24,90 = 11,2548 → 11,25
    assert_eq!(view.cart.lines[0].line.line_total, Money::from_ore(1125));
    assert_eq!(till.add_item(banana, None, None).await.unwrap_err().code(), ErrorCode::MeasureMismatch);
    let view = till.add_item(banana, None, Some("1,000")).await.unwrap();
    assert_eq!(view.cart.lines[1].line.line_total, Money::from_ore(2490));
    let view = till.set_quantity(1, "2,5").await.unwrap();
    assert_eq!(view.cart.lines[1].line.line_total, Money::from_ore(6225));
    assert_eq!(till.set_quantity(1, "-1").await.unwrap_err().code(), ErrorCode::InvalidInput);

    let bun = product_id(&t, "101").await;
    let view = till.add_item(bun, Some("3"), None).await.unwrap();
    assert_eq!(view.cart.lines[2].line.name, "Kanelbulle");
    assert_eq!(view.cart.lines[2].line.line_total, Money::from_kronor(45));
    let view = till.set_quantity(2, "4").await.unwrap();
    assert_eq!(view.cart.lines[2].line.line_total, Money::from_kronor(60));
    assert_eq!(till.set_quantity(2, "1,5").await.unwrap_err().code(), ErrorCode::InvalidInput);
    let receipt = till.pay_cash("200").await.unwrap();
    assert!(receipt.render_text().contains("0,452 kg"), "{}", receipt.render_text());
}

#[tokio::test]
async fn a_burst_of_scans_is_neither_lost_nor_merged() {
    let t = demo_store().await;
    let till = Arc::new(logged_in(&t.sk).await);
    let items = articles(5);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let till = till.clone();
        let code = items[i % 5].0.clone();
        tasks.push(tokio::spawn(async move { till.scan(&code).await.map(|_| ()) }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let view = till.cart().await.unwrap();
    assert_eq!(view.cart.lines.len(), 5);
    assert!(view.cart.lines.iter().all(|l| l.line.quantity == Decimal::new(20, 0)));
    let expected: Money =
        items.iter().map(|(_, p)| Money::round_ore(p.as_decimal() * Decimal::new(20, 0))).sum();
    assert_eq!(view.cart.total, expected);
    assert!(view.cart.tenders.iter().all(|t| t.method != TenderMethod::Cash));
}

#[tokio::test]
async fn a_card_payment_taken_while_the_database_is_locked_is_kept_and_never_charged_again() {
    use sqlx::Connection;
    let t = demo_store().await;
    let sk = storekeep_backend::Storekeep::open(
        &t.path,
        storekeep_backend::OpenOptions {
            busy_timeout: std::time::Duration::from_millis(200),
            ..Default::default()
        },
        t.clock.clone(),
    )
    .await
    .unwrap();
    let till = Arc::new(logged_in(&sk).await);
    let total = scan_two(&till).await;
    // The customer is at the terminal when another program takes the write lock.
    sims(&till).terminal.set_delay(std::time::Duration::from_millis(300));
    let paying = {
        let till = till.clone();
        tokio::spawn(async move { till.pay_card(None).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let url = format!("sqlite://{}", t.path.display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let err = paying.await.unwrap().unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseLocked, "{err}");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    let view = till.cart().await.unwrap();
    assert_eq!(view.cart.paid, total, "the approved payment stays on the sale");
    assert_eq!(count(&sk, "sale").await, 0);
    // Pressing Card again registers the paid sale; the terminal is not asked again.
    let receipt = paid(till.pay_card(None).await.unwrap());
    assert_eq!(receipt.payments.len(), 1);
    assert_eq!(sims(&till).terminal.charges().len(), 1, "charged once");
}

#[tokio::test]
async fn an_unanswered_card_request_survives_a_restart_and_is_asked_about_first() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let total = scan_two(&till).await;
    sims(&till).terminal.set_next(SimCard::TimeoutAfterCharge);
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::PaymentUnknown);
    let devices = till.devices().clone(); // the same terminal, after the till program restarts
    drop(till);
    let sk = common::open_at(&t.path, t.clock.clone()).await.unwrap();
    let till = Till::new(sk.clone()).with_devices(devices);
    till.login(2, "2222").await.unwrap();
    let view = till.cart().await.unwrap();
    assert!(view.card_unknown, "the request is remembered");
    assert_eq!(view.cart.lines.len(), 2, "with the sale it was for");
    assert_eq!(
        till.abandon("Kunden gick", Some(&anna())).await.unwrap_err().code(),
        ErrorCode::PaymentPending
    );
    let receipt = paid(till.pay_card(None).await.unwrap());
    assert_eq!(receipt.payments[0].amount, total);
    assert_eq!(sims(&till).terminal.charges().len(), 1, "charged once, across the restart");
}

#[tokio::test]
async fn a_manager_can_clear_a_card_payment_the_terminal_cannot_account_for() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    scan_two(&till).await;
    sims(&till).terminal.set_next(SimCard::Timeout);
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::PaymentUnknown);
    assert_eq!(
        till.clear_unknown_card("Terminalen visar nekad", None).await.unwrap_err().code(),
        ErrorCode::NeedsApproval
    );
    assert_eq!(
        till.clear_unknown_card(" ", Some(&anna())).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let view = till.clear_unknown_card("Terminalen visar nekad", Some(&anna())).await.unwrap();
    assert!(!view.card_unknown);
    let log = t.sk.audit().list(&Default::default()).await.unwrap();
    let entry = log.iter().find(|e| e.record.action == "payment.clear_unknown_card").unwrap();
    assert_eq!(entry.record.reason.as_deref(), Some("Terminalen visar nekad"));
    assert_eq!(entry.record.approved_by.as_ref().unwrap().name, "Anna Lind");
    paid(till.take_cash("100", false).await.unwrap());
    assert_eq!(count(&t.sk, "open_sale").await, 0);
}

#[tokio::test]
async fn a_discount_in_kronor_cannot_grow_past_the_limit_by_changing_the_quantity() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let bun = product_id(&t, "101").await; // 15,00 each
    till.add_item(bun, Some("10"), None).await.unwrap(); // 150,00
    let five = Discount::new(DiscountKind::Amount, Decimal::new(500, 2), "Kampanj"); // 3,3 %
    till.set_line_discount(0, Some(five), None).await.unwrap();
    let err = till.set_quantity(0, "1").await.unwrap_err(); // 5 of 15 = 33 %
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("line 1"), "{err}");
    assert_eq!(
        till.cart().await.unwrap().cart.lines[0].line.quantity,
        Decimal::new(10, 0),
        "nothing changed"
    );
    // Approved by a manager, the same discount may then apply to a smaller line.
    let big = Discount::new(DiscountKind::Amount, Decimal::new(1600, 2), "Skadad"); // 10,7 %
    assert_eq!(
        till.set_line_discount(0, Some(big.clone()), None).await.unwrap_err().code(),
        ErrorCode::NeedsApproval
    );
    till.set_line_discount(0, Some(big), Some(&anna())).await.unwrap();
    let view = till.set_quantity(0, "2").await.unwrap(); // 16 of 30
    assert_eq!(
        view.cart.lines[0].line.discount.as_ref().unwrap().approved_by.as_ref().unwrap().name,
        "Anna Lind"
    );
}

#[tokio::test]
async fn a_voucher_spent_elsewhere_meanwhile_is_taken_off_and_the_sale_goes_on() {
    let t = demo_store().await;
    let first = logged_in(&t.sk).await;
    let items = articles(8);
    first.scan(&items[0].0).await.unwrap();
    first.pay_cash("100").await.unwrap(); // sale 1
    for (code, _) in &items {
        first.scan(code).await.unwrap();
    }
    open(first.pay_voucher("PRESENT-250", Some("50")).await.unwrap());
    // Meanwhile the whole voucher is spent elsewhere (another program on the same store).
    let url = format!("sqlite://{}", t.path.display());
    let mut other = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO voucher_redemption (code, sale_id, amount) VALUES ('PRESENT-250', 1, '250.00')")
        .execute(&mut other)
        .await
        .unwrap();
    let err = first.take_cash("2000", false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::VoucherInvalid);
    let view = first.cart().await.unwrap();
    assert!(view.cart.tenders.is_empty(), "the spent voucher is off the sale");
    paid(first.take_cash("2000", false).await.unwrap());
}
