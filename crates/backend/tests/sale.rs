//! The first sale, end to end through the backend: scan, pay cash, receipt, journal.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use storekeep_backend::ErrorCode;
use storekeep_domain::Money;
use storekeep_domain::barcode::with_check_digit;

#[tokio::test]
async fn two_items_for_cash_make_one_complete_registration() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let items = articles(2);
    till.scan(&items[0].0).await.unwrap();
    let cart = till.scan(&items[1].0).await.unwrap().cart;
    let total = items[0].1 + items[1].1;
    assert_eq!(cart.lines.len(), 2);
    assert_eq!(cart.total, total);

    let receipt = till.pay_cash("500").await.unwrap();
    assert_eq!(receipt.receipt_no, 1);
    assert_eq!(receipt.total, total);
    assert_eq!(receipt.company_name, "Demobutiken Storekeep AB");
    assert_eq!(receipt.org_number, "559412-3456");
    assert_eq!(receipt.register_id, "KASSA-01");
    assert_eq!(receipt.date_time, "2026-11-27 10:15:00", "local Stockholm time");
    assert_eq!(receipt.lines.len(), 2);
    let paid = &receipt.payments[0];
    assert_eq!(paid.amount, cart.cash_total);
    assert_eq!(paid.change, Money::from_kronor(500) - cart.cash_total);
    assert_eq!(receipt.rounding, cart.cash_rounding);
    assert_eq!(receipt.vat_total, cart.vat.iter().map(|v| v.vat).sum());
    let text = receipt.render_text();
    for field in ["Org.nr 559412-3456", "Storgatan 1", "Kvitto nr", "KASSA-01", "TOTALT", "Kontant", "Moms"] {
        assert!(text.contains(field), "receipt text lacks {field}:\n{text}");
    }

    assert_eq!(count(&t.sk, "sale").await, 1);
    assert_eq!(count(&t.sk, "sale_line").await, 2);
    assert_eq!(count(&t.sk, "tender").await, 1);
    assert_eq!(count(&t.sk, "journal").await, 1);
    assert!(till.cart().await.unwrap().cart.lines.is_empty(), "the till is ready for the next customer");
    let v = t.sk.journal().verify().await.unwrap();
    assert_eq!((v.entries, v.sales, v.problem), (1, 1, None));
}

#[tokio::test]
async fn receipt_numbers_form_an_unbroken_series_that_survives_reopening() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let (code, _) = &articles(1)[0];
    for expected in 1..=5 {
        till.scan(code).await.unwrap();
        assert_eq!(till.pay_cash("1000").await.unwrap().receipt_no, expected);
    }
    let receipt3 = t.sk.sales().receipt(3).await.unwrap();
    t.sk.db().close().await;

    let reopened = open_at(&t.path, t.clock.clone()).await.unwrap();
    assert_eq!(reopened.sales().receipt(3).await.unwrap(), receipt3, "a receipt reads back the same");
    let till = logged_in(&reopened).await;
    till.scan(code).await.unwrap();
    assert_eq!(till.pay_cash("1000").await.unwrap().receipt_no, 6);
    assert!(reopened.journal().verify().await.unwrap().problem.is_none());
    assert_eq!(
        reopened.sales().receipt(99).await.unwrap_err().to_string(),
        "There is no receipt number 99 on this register"
    );
}

#[tokio::test]
async fn weighed_and_labelled_items_carry_their_label_value() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    // Banana (24,90 kr/kg), 1,234 kg on the scale label → 30,73 kr.
    let cart = till.scan(&with_check_digit("230001011234")).await.unwrap().cart;
    assert_eq!(cart.lines[0].line.line_total, Money::from_ore(3073));
    // Smörgåstårta with 65,00 kr on its label.
    let cart = till.scan(&with_check_digit("200005006500")).await.unwrap().cart;
    assert_eq!(cart.lines[1].line.line_total, Money::from_ore(6500));
    assert_eq!(cart.total, Money::from_ore(9573));
    assert_eq!(cart.cash_total, Money::from_kronor(96));
    let receipt = till.pay_cash("100").await.unwrap();
    assert_eq!(receipt.lines[0].detail, "1,234 kg à 24,90/kg");
    assert_eq!(receipt.rounding, Money::from_ore(27));
    assert_eq!(receipt.payments[0].change, Money::from_kronor(4));
}

#[tokio::test]
async fn the_date_of_sale_decides_the_food_vat_rate() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let food = common::articles(1).remove(0).0; // Gårdsmejeriet Mellanmjölk: food
    // 23:59 in Stockholm on 31 March is 21:59 UTC (CEST, +02:00).
    t.clock.set("2026-03-31T21:59:00Z".parse().unwrap());
    let before = till.scan(&food).await.unwrap().cart;
    assert_eq!(before.lines[0].vat_percent.to_string(), "12");
    let r1 = till.pay_cash("100").await.unwrap();
    t.clock.set("2026-03-31T22:00:00Z".parse().unwrap()); // 00:00 on 1 April in Stockholm
    till.scan(&food).await.unwrap();
    let r2 = till.pay_cash("100").await.unwrap();
    assert_eq!(r1.vat[0].rate_percent.to_string(), "12");
    assert_eq!(r2.vat[0].rate_percent.to_string(), "6");
    assert_eq!(r1.total, r2.total, "the shelf price includes VAT and does not change");
    assert!(r1.vat[0].vat > r2.vat[0].vat);
}

#[tokio::test]
async fn refused_input_leaves_nothing_behind() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    let (code, _) = &articles(1)[0];

    let mut bad = code.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '9' { '0' } else { char::from(last as u8 + 1) });
    let err = till.scan(&bad).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadCheckDigit);
    assert!(err.to_string().contains("wrong check digit"), "{err}");

    let unknown = with_check_digit("739999999999");
    let err = till.scan(&unknown).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownProduct);
    assert!(err.to_string().contains(&unknown));

    assert_eq!(till.scan("73ab").await.unwrap_err().code(), ErrorCode::InvalidBarcode);
    assert_eq!(till.pay_cash("100").await.unwrap_err().code(), ErrorCode::EmptySale);

    let cart = till.scan(code).await.unwrap().cart;
    let err = till.pay_cash("1").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InsufficientCash);
    assert_eq!(till.pay_cash("tio").await.unwrap_err().code(), ErrorCode::InvalidAmount);
    assert_eq!(till.cart().await.unwrap().cart, cart, "a refused payment keeps the cart");

    for table in ["sale", "sale_line", "tender", "journal"] {
        assert_eq!(count(&t.sk, table).await, 0, "{table} is untouched");
    }
}

#[tokio::test]
async fn a_scan_burst_is_neither_lost_nor_merged() {
    let t = demo_store().await;
    let till = std::sync::Arc::new(logged_in(&t.sk).await);
    let items = articles(20);
    let mut handles = Vec::new();
    for (code, _) in items.clone() {
        let till = till.clone();
        handles.push(tokio::spawn(async move { till.scan(&code).await }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    let cart = till.cart().await.unwrap().cart;
    assert_eq!(cart.lines.len(), 20);
    assert_eq!(cart.total, items.iter().map(|i| i.1).sum());
}
