//! The till's sessions: nothing happens without a login, the idle timeout logs out, switching
//! cashier keeps the sale, and voiding a line needs a manager's PIN and is journaled.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use jiff::SignedDuration;
use storekeep_backend::staff::Approval;
use storekeep_backend::{ErrorCode, Till};
use storekeep_domain::sale::VoidedLine;

async fn id_of(t: &TestStore, name: &str) -> i64 {
    t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == name).unwrap().id
}

#[tokio::test]
async fn nothing_happens_on_the_till_without_a_login() {
    let t = demo_store().await;
    let till = Till::new(t.sk.clone());
    let code = &articles(1)[0].0;
    assert_eq!(till.scan(code).await.unwrap_err().code(), ErrorCode::NotLoggedIn);
    assert_eq!(till.cart().await.unwrap_err().code(), ErrorCode::NotLoggedIn);
    assert_eq!(till.pay_cash("10").await.unwrap_err().code(), ErrorCode::NotLoggedIn);
    assert_eq!(
        till.login(id_of(&t, "Erik Berg").await, "2223").await.unwrap_err().code(),
        ErrorCode::WrongPin
    );
    assert!(till.session().is_none());
    let session = till.login(id_of(&t, "Erik Berg").await, "2222").await.unwrap();
    assert_eq!(session.staff.name, "Erik Berg");
    assert_eq!(session.idle_logout_seconds, 300);
    assert!(till.scan(code).await.is_ok());
}

#[tokio::test]
async fn a_kiosk_may_look_but_not_sell() {
    let t = demo_store().await;
    let kiosk = logged_in_as(&t.sk, "Bakkontoret", "3333").await;
    assert!(kiosk.cart().await.unwrap().cart.lines.is_empty(), "the kiosk display may look at the sale");
    assert_eq!(kiosk.scan(&articles(1)[0].0).await.unwrap_err().code(), ErrorCode::NotAllowed);
    assert_eq!(kiosk.pay_cash("10").await.unwrap_err().code(), ErrorCode::NotAllowed);
}

#[tokio::test]
async fn the_idle_timeout_logs_out_and_the_sale_waits_for_the_next_login() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let code = &articles(1)[0].0;
    till.scan(code).await.unwrap();
    t.clock.advance(SignedDuration::from_secs(299));
    till.scan(code).await.unwrap(); // activity resets the timer
    t.clock.advance(SignedDuration::from_secs(301));
    assert!(till.session().is_none(), "logged out after five idle minutes");
    assert_eq!(till.scan(code).await.unwrap_err().code(), ErrorCode::NotLoggedIn);

    // Another cashier logs in (a manager here) and finds the sale in progress.
    till.login(id_of(&t, "Anna Lind").await, "1111").await.unwrap();
    let cart = till.cart().await.unwrap().cart;
    assert_eq!(cart.lines[0].line.quantity.to_string(), "2");
    let receipt = till.pay_cash("1000").await.unwrap();
    assert_eq!(receipt.cashier, "Anna Lind", "the receipt names who completed the sale");
}

#[tokio::test]
async fn switching_cashier_keeps_the_sale() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(2);
    till.scan(&items[0].0).await.unwrap();
    till.scan(&items[1].0).await.unwrap();
    till.logout();
    assert_eq!(till.scan(&items[0].0).await.unwrap_err().code(), ErrorCode::NotLoggedIn);
    till.login(id_of(&t, "Erik Berg").await, "2222").await.unwrap();
    assert_eq!(till.cart().await.unwrap().cart.lines.len(), 2);
}

#[tokio::test]
async fn a_cashiers_void_needs_a_managers_pin_and_the_journal_names_both() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(2);
    till.scan(&items[0].0).await.unwrap();
    till.scan(&items[1].0).await.unwrap();

    assert_eq!(till.void_line(1, None).await.unwrap_err().code(), ErrorCode::NeedsApproval);
    assert_eq!(till.void_line(5, None).await.unwrap_err().code(), ErrorCode::InvalidInput);
    let anna = id_of(&t, "Anna Lind").await;
    let wrong = Approval { manager_id: anna, pin: "0000".into() };
    assert_eq!(till.void_line(1, Some(&wrong)).await.unwrap_err().code(), ErrorCode::WrongPin);
    assert_eq!(till.cart().await.unwrap().cart.lines.len(), 2, "nothing voided without approval");

    let right = Approval { manager_id: anna, pin: "1111".into() };
    let cart = till.void_line(1, Some(&right)).await.unwrap().cart;
    assert_eq!(cart.lines.len(), 1);
    assert_eq!(cart.total, items[0].1);

    let payload: String = sqlx::query_scalar("SELECT payload FROM journal WHERE kind = 'void'")
        .fetch_one(t.sk.db().reader())
        .await
        .unwrap();
    let voided: VoidedLine = serde_json::from_str(&payload).unwrap();
    assert_eq!(voided.cashier.name, "Erik Berg");
    assert_eq!(voided.approved_by.unwrap().name, "Anna Lind");
    assert_eq!(voided.line.code, items[1].0);

    // The sale completes, and the journal (void + sale) verifies.
    let receipt = till.pay_cash("100").await.unwrap();
    assert_eq!((receipt.receipt_no, receipt.cashier.as_str()), (1, "Erik Berg"));
    let v = t.sk.journal().verify().await.unwrap();
    assert_eq!((v.entries, v.sales, v.problem), (2, 1, None));
}

#[tokio::test]
async fn a_managers_own_void_needs_no_approval() {
    let t = demo_store().await;
    let till = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    till.scan(&articles(1)[0].0).await.unwrap();
    assert!(till.void_line(0, None).await.unwrap().cart.lines.is_empty());
}
