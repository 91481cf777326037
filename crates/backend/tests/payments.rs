//! Issue 7 on a real SQLite file: payment methods switched, limited and fallen back; the till
//! refuses what breaks a limit and names what would work; a tender under way finishes under
//! the state it started in; offline card exposure, forwarding and the report; Scan & Pay
//! received (file and endpoint), journaled, checked at the exit and in the day report.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{TestStore, articles, count, demo_store, logged_in, logged_in_as};
use storekeep_backend::devices::Simulators;
use storekeep_backend::payments::{CapsForm, LinkHealth, SetMethod};
use storekeep_backend::till::PayOutcome;
use storekeep_backend::{Error, ErrorCode, Till};
use storekeep_domain::Money;
use storekeep_domain::payments::{Availability, FallbackRule, OfflineCaps, PaymentMethod, Refusal};
use storekeep_domain::report::ReportKind;
use storekeep_domain::scan_and_pay::{ExitResult, FORMAT};

fn sims(till: &Till) -> &Simulators {
    till.devices().simulators.as_ref().unwrap()
}

fn kr(n: i64) -> Money {
    Money::from_kronor(n)
}

fn paid(outcome: PayOutcome) -> storekeep_domain::receipt::Receipt {
    match outcome {
        PayOutcome::Paid { receipt, .. } => receipt,
        PayOutcome::Open { sale } => panic!("expected a paid sale, {} left", sale.cart.remaining),
    }
}

async fn manager(t: &TestStore) -> Till {
    logged_in_as(&t.sk, "Anna Lind", "1111").await
}

fn set(method: PaymentMethod, availability: Availability) -> SetMethod {
    SetMethod { method, availability, min: None, max: None, until: None, registers: None }
}

/// Scans articles until the sale is worth at least `at_least`; returns the total.
async fn sale_of_at_least(till: &Till, at_least: Money) -> Money {
    let items = articles(3);
    let mut total = Money::ZERO;
    let mut i = 0;
    while total < at_least {
        total = till.scan(&items[i % items.len()].0).await.unwrap().cart.total;
        i += 1;
    }
    total
}

fn refusal(e: Error) -> (Refusal, Vec<PaymentMethod>) {
    match e {
        Error::MethodRefused { refusal, alternatives } => (refusal, alternatives),
        other => panic!("expected a refused method, got {other:?}"),
    }
}

#[tokio::test]
async fn a_manager_switches_card_off_and_the_till_offers_only_the_rest() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let till = logged_in(&t.sk).await;
    // A cashier may not, and the refusal is audited before anything is looked at.
    let e = till.set_payment_method(&set(PaymentMethod::CardOnline, Availability::Disabled), "x").await;
    assert_eq!(e.unwrap_err().code(), ErrorCode::NotAllowed);
    let e = boss.set_payment_method(&set(PaymentMethod::CardOnline, Availability::Disabled), "  ").await;
    assert_eq!(e.unwrap_err().code(), ErrorCode::InvalidInput);
    assert_eq!(count(&t.sk, "payment_state").await, 0, "nothing saved without a reason");

    for m in [PaymentMethod::CardOnline, PaymentMethod::CardOffline] {
        boss.set_payment_method(&set(m, Availability::Disabled), "Kortinlösaren nere").await.unwrap();
    }
    let total = sale_of_at_least(&till, kr(1)).await;
    let e = till.pay_card(None).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::MethodRefused);
    assert!(
        e.to_api().message_sv.contains("Ta i stället Kontanter, Swish, Presentkort"),
        "{}",
        e.to_api().message_sv
    );
    let (why, alternatives) = refusal(e);
    assert_eq!(why, Refusal::Disabled { method: PaymentMethod::CardOnline }, "card, not 'offline card'");
    assert_eq!(alternatives, vec![PaymentMethod::Cash, PaymentMethod::Swish, PaymentMethod::GiftVoucher]);
    assert!(sims(&till).terminal.charges().is_empty(), "the terminal was never asked");
    assert_eq!(count(&t.sk, "payment_attempt").await, 0);
    // The rest works.
    let receipt = paid(till.take_cash(&(total + kr(1)).to_string(), false).await.unwrap());
    assert_eq!(receipt.receipt_no, 1);

    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    let sets: Vec<_> = audit.iter().filter(|a| a.record.action == "payments.set").collect();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].record.reason.as_deref(), Some("Kortinlösaren nere"));
    assert_eq!(sets[0].record.actor.as_ref().unwrap().name, "Anna Lind");
    assert!(audit.iter().any(|a| a.record.action == "change_controls"
        && a.record.outcome == storekeep_backend::audit::Outcome::Refused));

    // Customers are told, in the files the moment it changed.
    let feed = std::fs::read_to_string(t.dir.path().join("public/payments.json")).unwrap();
    assert!(feed.contains("I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort"), "{feed}");
    assert!(t.dir.path().join("public/payment-sign.pdf").exists());
}

#[tokio::test]
async fn limits_hold_at_their_boundaries_and_name_what_would_work() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let mut swish = set(PaymentMethod::Swish, Availability::Limited);
    swish.min = Some("10".into());
    swish.max = Some("200,00".into());
    boss.set_payment_method(&swish, "Swish bara för mindre belopp").await.unwrap();

    let till = logged_in(&t.sk).await;
    sale_of_at_least(&till, kr(300)).await;
    let e = till.swish_start(Some("200.01")).await.unwrap_err();
    let (why, alternatives) = refusal(e);
    assert_eq!(why, Refusal::AboveMax { method: PaymentMethod::Swish, max: kr(200) });
    assert_eq!(
        alternatives,
        vec![PaymentMethod::Cash, PaymentMethod::CardOnline, PaymentMethod::GiftVoucher]
    );
    let e = till.swish_start(Some("9.99")).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::BelowMin { method: PaymentMethod::Swish, min: kr(10) });
    // Exactly at the limit is taken.
    let open = till.swish_start(Some("200.00")).await.unwrap();
    assert!(matches!(open, PayOutcome::Open { .. }));

    // Cash limited to 500 a payment: 500 is taken, 500.01 is not.
    let mut cash = set(PaymentMethod::Cash, Availability::Limited);
    cash.max = Some("500".into());
    boss.set_payment_method(&cash, "Lite växel").await.unwrap();
    let t2 = demo_store().await;
    let boss2 = manager(&t2).await;
    boss2.set_payment_method(&cash, "Lite växel").await.unwrap();
    let till2 = logged_in(&t2.sk).await;
    sale_of_at_least(&till2, kr(600)).await;
    let e = till2.take_cash("500.01", true).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::AboveMax { method: PaymentMethod::Cash, max: kr(500) });
    assert!(matches!(till2.take_cash("500", true).await.unwrap(), PayOutcome::Open { .. }));

    // Bad settings are refused whole: nothing saved, nothing audited as done.
    let before = count(&t.sk, "payment_state").await;
    let mut bad = set(PaymentMethod::Swish, Availability::Limited);
    assert_eq!(boss.set_payment_method(&bad, "r").await.unwrap_err().code(), ErrorCode::InvalidInput);
    bad.min = Some("300".into());
    bad.max = Some("200".into());
    let e = boss.set_payment_method(&bad, "r").await.unwrap_err();
    assert!(
        e.to_api().message_sv.contains("Minsta beloppet (300,00 kr) är större"),
        "{}",
        e.to_api().message_sv
    );
    bad.min = Some("tio".into());
    assert_eq!(boss.set_payment_method(&bad, "r").await.unwrap_err().code(), ErrorCode::InvalidInput);
    let mut past = set(PaymentMethod::Swish, Availability::Disabled);
    past.until = Some("2026-11-27T08:00".into());
    assert_eq!(boss.set_payment_method(&past, "r").await.unwrap_err().code(), ErrorCode::InvalidInput);
    assert_eq!(count(&t.sk, "payment_state").await, before);
}

#[tokio::test]
async fn a_tender_under_way_finishes_under_the_state_it_started_in() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let till = Arc::new(logged_in(&t.sk).await);
    sale_of_at_least(&till, kr(1)).await;
    // The customer is at the terminal while the manager switches card off.
    sims(&till).terminal.set_delay(std::time::Duration::from_millis(300));
    let paying = {
        let till = till.clone();
        tokio::spawn(async move { till.pay_card(None).await })
    };
    // Until the request is out at the terminal.
    while count(&t.sk, "payment_attempt").await == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    boss.set_payment_method(&set(PaymentMethod::CardOnline, Availability::Disabled), "Stängt").await.unwrap();
    boss.set_payment_method(&set(PaymentMethod::CardOffline, Availability::Disabled), "Stängt")
        .await
        .unwrap();
    let receipt = paid(paying.await.unwrap().unwrap());
    assert_eq!(receipt.receipt_no, 1, "the payment that started before the switch is registered");
    // The next card payment is refused.
    sims(&till).terminal.set_delay(std::time::Duration::ZERO);
    sale_of_at_least(&till, kr(1)).await;
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::MethodRefused);

    // Swish: the request is out when Swish is switched off; the customer's payment is taken.
    sims(&till).swish.set_polls_before_answer(1);
    assert!(matches!(till.swish_start(None).await.unwrap(), PayOutcome::Open { .. }));
    boss.set_payment_method(&set(PaymentMethod::Swish, Availability::Disabled), "Swish strular")
        .await
        .unwrap();
    assert!(matches!(till.swish_poll().await.unwrap(), PayOutcome::Open { .. }));
    let receipt = paid(till.swish_poll().await.unwrap());
    assert_eq!(receipt.receipt_no, 2);
    sale_of_at_least(&till, kr(1)).await;
    assert_eq!(till.swish_start(None).await.unwrap_err().code(), ErrorCode::MethodRefused);
}

#[tokio::test]
async fn fallback_rules_switch_on_health_and_the_offline_card_keeps_its_caps() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let mut caps =
        CapsForm { per_payment: "100".into(), total_exposure: "hundra".into(), forward_within_hours: 24 };
    assert_eq!(boss.set_offline_caps(&caps, "Försiktigt").await.unwrap_err().code(), ErrorCode::InvalidInput);
    caps.total_exposure = "50".into();
    assert_eq!(boss.set_offline_caps(&caps, "Försiktigt").await.unwrap_err().code(), ErrorCode::InvalidInput);
    caps.total_exposure = "150".into();
    boss.set_offline_caps(&caps, "Försiktigt").await.unwrap();
    assert_eq!(
        t.sk.payments().caps().await.unwrap(),
        OfflineCaps { per_payment: kr(100), total_exposure: kr(150), forward_within_hours: 24 }
    );
    let rules = [
        FallbackRule::CardOfflineWhenAcquirerDown,
        FallbackRule::DisableCardAtExposureCap,
        FallbackRule::HideSwishWhenDown,
    ];
    boss.set_fallback_rules(&rules, "Plan för avbrott").await.unwrap();
    // Stays logged in while the test moves the clock a day on.
    let till = Till::new(t.sk.clone()).with_idle_logout(jiff::SignedDuration::from_hours(48));
    let erik = t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == "Erik Berg").unwrap();
    till.login(erik.id, "2222").await.unwrap();

    // The acquirer goes down: card goes offline under the caps; Swish still up.
    let switched =
        till.simulate_health(LinkHealth { acquirer_reachable: false, swish_reachable: true }).await.unwrap();
    let got: Vec<_> = switched.iter().map(|c| (c.method, c.availability, c.set_by.is_none())).collect();
    assert_eq!(
        got,
        vec![
            (PaymentMethod::CardOnline, Availability::Disabled, true),
            (PaymentMethod::CardOffline, Availability::Limited, true)
        ]
    );
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    let auto: Vec<_> = audit.iter().filter(|a| a.record.action == "payments.auto_switch").collect();
    assert_eq!(auto.len(), 2);
    assert!(auto.iter().all(|a| a.record.actor.is_none()), "the system's action");

    // 100 kr offline is taken; 100.01 is above the per-payment cap.
    let items = articles(3);
    let total = sale_of_at_least(&till, kr(101)).await;
    let e = till.pay_card(None).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::OfflineCap { cap: kr(100) });
    assert!(matches!(till.pay_card(Some("100")).await.unwrap(), PayOutcome::Open { .. }));
    assert_eq!(
        t.sk.payments().exposure().await.unwrap(),
        kr(100),
        "counted when approved, before the sale is registered"
    );
    // A second offline payment on the same sale cannot pass the per-payment cap by splitting.
    let e = till.pay_card(Some("1")).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::OfflineCap { cap: kr(100) });
    paid(till.take_cash(&(total - kr(99)).to_string(), false).await.unwrap());
    assert_eq!(t.sk.payments().exposure().await.unwrap(), kr(100));
    // 60 more would pass the store's cap of 150; 50 exactly reaches it.
    sale_of_at_least(&till, kr(61)).await;
    let e = till.pay_card(Some("60")).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::ExposureCap { cap: kr(150), exposure: kr(100) });
    till.pay_card(Some("50")).await.unwrap();
    let view = till.cart().await.unwrap();
    paid(till.take_cash(&(view.cart.remaining + kr(1)).to_string(), false).await.unwrap());
    // At the cap the rule switches card off altogether.
    let in_force = t.sk.payments().in_force().await.unwrap();
    assert_eq!(in_force.state(PaymentMethod::CardOffline).availability, Availability::Disabled);
    assert_eq!(in_force.state(PaymentMethod::CardOffline).rule, Some(FallbackRule::DisableCardAtExposureCap));
    till.scan(&items[0].0).await.unwrap();
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::MethodRefused);

    let report = t.sk.payments().offline_report().await.unwrap();
    assert_eq!((report.pending.len(), report.pending_total, report.overdue), (2, kr(150), 0));
    // A day later the payments are flagged.
    t.clock.advance(jiff::SignedDuration::from_hours(25));
    let report = t.sk.payments().offline_report().await.unwrap();
    assert_eq!(report.overdue, 2);

    // The acquirer comes back: the terminal forwards, the acquirer declines one, the system's
    // switches end and card is online again.
    sims(&till).terminal.decline_next_forwards(1);
    let switched = till.simulate_health(LinkHealth::default()).await.unwrap();
    assert!(switched.iter().all(|c| c.ended.is_some()), "{switched:?}");
    let report = t.sk.payments().offline_report().await.unwrap();
    assert_eq!(report.pending.len(), 0);
    assert_eq!((report.declined.len(), report.forwarded), (1, 1));
    assert_eq!(report.declined[0].detail.as_deref(), Some("Kortet spärrat (simulator)"));
    let in_force = t.sk.payments().in_force().await.unwrap();
    assert_eq!(in_force.state(PaymentMethod::CardOnline).availability, Availability::Enabled);
    assert!(in_force.state(PaymentMethod::CardOnline).change_id.is_none());
    let view = t.sk.payments().view().await.unwrap();
    assert!(view.automatic.len() >= 3, "the manager sees the system's switches");
    // The records themselves cannot be edited behind the service's back.
    for tamper in [
        "UPDATE payment_state SET availability = 'enabled'",
        "UPDATE payment_state SET ended_at = '2026-01-01T00:00:00Z' WHERE ended_at IS NOT NULL",
        "DELETE FROM payment_state",
        "UPDATE card_offline SET amount = '1.00'",
        "UPDATE card_offline SET status = 'pending'",
        "DELETE FROM card_offline",
    ] {
        assert!(sqlx::query(tamper).execute(t.sk.db().writer()).await.is_err(), "{tamper}");
    }

    // Swish down: hidden; back: shown.
    till.simulate_health(LinkHealth { acquirer_reachable: true, swish_reachable: false }).await.unwrap();
    assert_eq!(
        t.sk.payments().in_force().await.unwrap().state(PaymentMethod::Swish).availability,
        Availability::Disabled
    );
    till.simulate_health(LinkHealth::default()).await.unwrap();
    assert_eq!(
        t.sk.payments().in_force().await.unwrap().state(PaymentMethod::Swish).availability,
        Availability::Enabled
    );
}

#[tokio::test]
async fn no_rules_no_switch_and_offline_goes_only_where_allowed() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    // No rules set: the acquirer down switches nothing, and the terminal approves offline
    // within the default caps (1 000 kr).
    till.simulate_health(LinkHealth { acquirer_reachable: false, swish_reachable: true }).await.unwrap();
    assert_eq!(count(&t.sk, "payment_state").await, 0);
    sale_of_at_least(&till, kr(1)).await;
    let receipt = paid(till.pay_card(None).await.unwrap());
    assert_eq!(count(&t.sk, "card_offline").await, 1, "receipt {}", receipt.receipt_no);
    // Offline card switched off by the manager: the terminal may not approve on its own.
    let boss = manager(&t).await;
    boss.set_payment_method(&set(PaymentMethod::CardOffline, Availability::Disabled), "Ingen risk")
        .await
        .unwrap();
    sale_of_at_least(&till, kr(1)).await;
    assert_eq!(till.pay_card(None).await.unwrap_err().code(), ErrorCode::CardDeclined);
    assert_eq!(count(&t.sk, "card_offline").await, 1);
}

#[tokio::test]
async fn the_latest_change_wins_and_ends_uncover_what_was_before() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    boss.set_fallback_rules(&[FallbackRule::HideSwishWhenDown], "Plan").await.unwrap();
    let mut limited = set(PaymentMethod::Swish, Availability::Limited);
    limited.max = Some("300".into());
    boss.set_payment_method(&limited, "Upp till 300").await.unwrap();
    t.clock.advance(jiff::SignedDuration::from_mins(1));
    let till = logged_in(&t.sk).await;
    till.simulate_health(LinkHealth { acquirer_reachable: true, swish_reachable: false }).await.unwrap();
    let state = || async { t.sk.payments().in_force().await.unwrap().state(PaymentMethod::Swish) };
    assert_eq!(state().await.availability, Availability::Disabled, "the system's switch is later");
    t.clock.advance(jiff::SignedDuration::from_mins(1));
    // The manager knows better: her later change wins over the system's.
    let override_ = boss
        .set_payment_method(&set(PaymentMethod::Swish, Availability::Enabled), "Swish funkar i appen")
        .await
        .unwrap();
    assert_eq!(state().await.availability, Availability::Enabled);
    t.clock.advance(jiff::SignedDuration::from_mins(1));
    boss.end_payment_change(override_.id, "Tillbaka").await.unwrap();
    assert_eq!(state().await.availability, Availability::Disabled);
    // Swish back: the system's switch ends and the manager's limit is in force again.
    till.simulate_health(LinkHealth::default()).await.unwrap();
    let s = state().await;
    assert_eq!((s.availability, s.limits.max), (Availability::Limited, Some(kr(300))));
    assert_eq!(
        boss.end_payment_change(override_.id, "igen").await.unwrap_err().code(),
        ErrorCode::AlreadyDone
    );

    // A change until 10:30 runs out by itself; one for another register does not apply here.
    let mut until = set(PaymentMethod::GiftVoucher, Availability::Disabled);
    until.until = Some("10:30".into());
    boss.set_payment_method(&until, "Inventering").await.unwrap();
    let mut elsewhere = set(PaymentMethod::Cash, Availability::Disabled);
    elsewhere.registers = Some(vec!["KASSA-99".into()]);
    boss.set_payment_method(&elsewhere, "Kassa 99 utan växel").await.unwrap();
    let f = t.sk.payments().in_force().await.unwrap();
    assert_eq!(f.state(PaymentMethod::GiftVoucher).availability, Availability::Disabled);
    assert_eq!(f.state(PaymentMethod::Cash).availability, Availability::Enabled);
    assert_eq!(
        t.sk.payments().in_force_on("KASSA-99").await.unwrap().state(PaymentMethod::Cash).availability,
        Availability::Disabled
    );
    t.clock.advance(jiff::SignedDuration::from_mins(15)); // past 10:30
    let f = t.sk.payments().in_force().await.unwrap();
    assert_eq!(f.state(PaymentMethod::GiftVoucher).availability, Availability::Enabled);
}

fn purchase(id: &str, total: &str) -> String {
    format!(
        r#"{{"id": "{id}", "completed_at": "2026-11-27T09:10:00Z", "app_receipt": "APP-{id}",
            "lines": [{{"code": "7310865004703", "name": "Mjölk", "quantity": "1", "unit_price": "{total}", "vat_rate": "12", "line_total": "{total}"}}],
            "total": "{total}", "payment": {{"provider": "card", "reference": "PSP-{id}"}}}}"#
    )
}

fn batch(purchases: &[String]) -> Vec<u8> {
    format!(r#"{{"format": "{FORMAT}", "purchases": [{}]}}"#, purchases.join(",")).into_bytes()
}

#[tokio::test]
async fn scan_and_pay_purchases_are_received_once_checked_at_the_exit_and_reported() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let till = logged_in(&t.sk).await;
    let first = batch(&[purchase("SP-1", "49.90"), purchase("SP-2", "100.00")]);
    // A cashier cannot import a file.
    assert_eq!(till.import_scan_and_pay(&first).await.unwrap_err().code(), ErrorCode::NotAllowed);
    let r = boss.import_scan_and_pay(&first).await.unwrap();
    assert_eq!((r.received, r.already_had, r.errors.len()), (2, 0, 0));
    // The same batch again: nothing new. One with SP-1 changed: refused whole, SP-3 not taken.
    let r = boss.import_scan_and_pay(&first).await.unwrap();
    assert_eq!((r.received, r.already_had), (0, 2));
    // "1.0" is "1": the same purchase.
    let same = purchase("SP-1", "49.90").replace("\"quantity\": \"1\"", "\"quantity\": \"1.0\"");
    assert_eq!(boss.import_scan_and_pay(&batch(&[same])).await.unwrap().already_had, 1);
    let r = boss
        .import_scan_and_pay(&batch(&[purchase("SP-3", "10.00"), purchase("SP-1", "59.90")]))
        .await
        .unwrap();
    assert_eq!((r.received, r.errors.len()), (0, 1));
    assert!(
        r.errors[0].message_sv.contains("SP-1 har tagits emot förut med annat innehåll"),
        "{:?}",
        r.errors
    );
    assert_eq!(count(&t.sk, "scan_and_pay").await, 2);
    // A broken file: every problem named, nothing taken.
    let r = boss
        .import_scan_and_pay(b"{\"format\": \"storekeep-scan-and-pay/1\", \"purchases\": [{}]}")
        .await
        .unwrap();
    assert_eq!(r.received, 0);
    assert!(!r.errors.is_empty());

    let day = till.scan_and_pay_day(None).await.unwrap();
    assert_eq!((day.purchases.len(), day.total, day.unchecked), (2, Money::parse("149.90").unwrap(), 2));
    // Exit checks: a discrepancy needs a note; every check is kept and audited.
    assert_eq!(
        till.check_exit("SP-2", ExitResult::Discrepancy, " ").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    till.check_exit("SP-2", ExitResult::Discrepancy, "En vara för mycket i kassen").await.unwrap();
    till.check_exit("SP-1", ExitResult::Ok, "").await.unwrap();
    assert_eq!(
        till.check_exit("SP-9", ExitResult::Ok, "").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let day = till.scan_and_pay_day(None).await.unwrap();
    assert_eq!((day.unchecked, day.discrepancies), (0, 1));
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.record.action == "scan_and_pay.exit_check").count(), 2);
    assert!(sqlx::query("UPDATE exit_check SET result = 'ok'").execute(t.sk.db().writer()).await.is_err());
    for tamper in
        ["UPDATE scan_and_pay SET total = '1.00'", "DELETE FROM scan_and_pay", "DELETE FROM exit_check"]
    {
        assert!(sqlx::query(tamper).execute(t.sk.db().writer()).await.is_err(), "{tamper}");
    }

    // In the day report as their own payment method, outside the register's own sales.
    let sale_total = sale_of_at_least(&till, kr(1)).await;
    paid(till.take_cash(&(sale_total + kr(1)).to_string(), false).await.unwrap());
    let x = boss.take_report(ReportKind::X).await.unwrap();
    assert_eq!(x.report.tally.scan_and_pay, 2);
    assert_eq!(x.report.tally.scan_and_pay_amount, Money::parse("149.90").unwrap());
    assert_eq!(x.report.tally.sales, sale_total);
    assert!(
        x.text.contains("Scan & Pay (kvitto i appen)") && x.text.contains("2 st, 149,90 kr"),
        "{}",
        x.text
    );
    // Journaled: the chain verifies, the X report's figures included.
    let check = boss.verify_journal().await.unwrap();
    assert!(check.problem.is_none(), "{:?}", check.problem);
}

#[tokio::test]
async fn the_app_service_posts_purchases_with_the_stores_token() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let endpoint =
        t.sk.feed_endpoint()
            .apply(&t.sk, &storekeep_backend::hours::FeedHttp { enabled: true, bind: "127.0.0.1:0".into() })
            .await
            .unwrap()
            .unwrap();
    let post = |token: Option<String>, body: Vec<u8>| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(endpoint).await.unwrap();
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!(
            "POST /scan-and-pay/purchases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(&body).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    };
    let body = batch(&[purchase("APP-7", "25.00")]);
    // No token set yet: refused.
    assert!(post(Some("sp_guess".into()), body.clone()).await.starts_with("HTTP/1.1 401"));
    let token = boss.scan_and_pay_token(true, "Kedjans app-tjänst").await.unwrap().unwrap();
    assert!(post(None, body.clone()).await.starts_with("HTTP/1.1 401"));
    assert!(post(Some("sp_wrong".into()), body.clone()).await.starts_with("HTTP/1.1 401"));
    let answer = post(Some(token.clone()), batch(&[purchase("APP-6", "5.00")])).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = post(Some(token.clone()), body.clone()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"received\": 1"), "{answer}");
    let answer = post(Some(token.clone()), batch(&[purchase("APP-8", "-5.00")])).await;
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert_eq!(count(&t.sk, "scan_and_pay").await, 2);
    // The token is never in the audit log or the database.
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    assert!(audit.iter().all(|a| !format!("{a:?}").contains(&token)));
    let settings: Vec<String> =
        sqlx::query_scalar("SELECT value FROM setting").fetch_all(t.sk.db().reader()).await.unwrap();
    assert!(settings.iter().all(|v| !v.contains(&token)));
    // Switched off: the old token no longer works.
    boss.scan_and_pay_token(false, "Appen pausad").await.unwrap();
    assert!(post(Some(token), body).await.starts_with("HTTP/1.1 401"));
    // The customer files are served too.
    let get = async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(endpoint).await.unwrap();
        s.write_all(b"GET /payments.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    };
    assert!(get.await.contains("storekeep-payments/1"));
}

#[tokio::test]
async fn the_payment_sign_says_what_is_taken_in_both_languages() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    for m in [PaymentMethod::CardOnline, PaymentMethod::CardOffline] {
        boss.set_payment_method(&set(m, Availability::Disabled), "Kortavbrott").await.unwrap();
    }
    let pdf = t.dir.path().join("public/payment-sign.pdf");
    let text = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("I dag tar vi") && text.contains("Today we take"), "{text}");
    assert!(text.contains("• Kontanter") && text.contains("Cash"), "{text}");
    assert!(text.contains("Inte i dag: kort") && text.contains("Not today: cards"), "{text}");
    assert!(!text.contains("Kortavbrott"), "the manager's reason is not for customers: {text}");
}

#[tokio::test]
async fn another_program_on_the_same_store_runs_the_rules_on_the_same_health() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    boss.set_fallback_rules(&[FallbackRule::HideSwishWhenDown], "Plan").await.unwrap();
    let till = logged_in(&t.sk).await;
    till.simulate_health(LinkHealth { acquirer_reachable: true, swish_reachable: false }).await.unwrap();
    // The command line opens the same database and changes the rules: it must not take Swish's
    // switch for a cleared condition.
    let cli = common::open_at(&t.path, t.clock.clone()).await.unwrap();
    let cli_boss = logged_in_as(&cli, "Anna Lind", "1111").await;
    cli_boss
        .set_fallback_rules(
            &[FallbackRule::HideSwishWhenDown, FallbackRule::CardOfflineWhenAcquirerDown],
            "Mer plan",
        )
        .await
        .unwrap();
    assert_eq!(
        cli.payments().in_force().await.unwrap().state(PaymentMethod::Swish).availability,
        Availability::Disabled
    );
    assert_eq!(
        t.sk.payments().in_force().await.unwrap().state(PaymentMethod::Swish).availability,
        Availability::Disabled
    );
}

#[tokio::test]
async fn offline_payments_are_counted_when_approved_and_settled_whenever_forwarded() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    till.simulate_health(LinkHealth { acquirer_reachable: false, swish_reachable: true }).await.unwrap();
    // An offline payment on a sale still open when the acquirer comes back and the terminal
    // forwards it: the answer is recorded, nothing stays pending.
    let total = sale_of_at_least(&till, kr(60)).await;
    assert!(matches!(till.pay_card(Some("50")).await.unwrap(), PayOutcome::Open { .. }));
    till.simulate_health(LinkHealth::default()).await.unwrap();
    paid(till.take_cash(&(total - kr(49)).to_string(), false).await.unwrap());
    let report = t.sk.payments().offline_report().await.unwrap();
    assert_eq!((report.pending.len(), report.forwarded), (0, 1), "{report:?}");
    // Asking the terminal again changes nothing (it repeats its answers).
    till.forward_offline().await.unwrap();
    assert_eq!(t.sk.payments().offline_report().await.unwrap().forwarded, 1);

    // After a restart the simulator's authorization codes start over: the same code twice is
    // two payments, and both sales register.
    for _ in 0..2 {
        let till = logged_in(&t.sk).await; // a new till, a new terminal: SIM000001 again
        till.simulate_health(LinkHealth { acquirer_reachable: false, swish_reachable: true }).await.unwrap();
        sale_of_at_least(&till, kr(1)).await;
        let receipt = paid(till.pay_card(None).await.unwrap());
        assert!(
            receipt.payments.iter().any(|p| p.label.contains("offline") || p.label.contains("Kort")),
            "{receipt:?}"
        );
    }
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT authorization FROM card_offline WHERE status = 'pending'")
            .fetch_all(t.sk.db().reader())
            .await
            .unwrap();
    assert_eq!(codes.len(), 2);
    assert_eq!(codes[0], codes[1], "the same code, two payments");
    let numbered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM card_offline WHERE receipt_no IS NOT NULL")
        .fetch_one(t.sk.db().reader())
        .await
        .unwrap();
    assert_eq!(numbered, 3, "every offline payment knows its receipt");
}

#[tokio::test]
async fn a_limit_on_card_online_refuses_and_never_sends_the_rest_offline() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    let mut card = set(PaymentMethod::CardOnline, Availability::Limited);
    card.max = Some("20".into());
    boss.set_payment_method(&card, "Kort bara för små belopp").await.unwrap();
    let till = logged_in(&t.sk).await;
    sale_of_at_least(&till, kr(21)).await;
    let e = till.pay_card(None).await.unwrap_err();
    assert_eq!(refusal(e).0, Refusal::AboveMax { method: PaymentMethod::CardOnline, max: kr(20) });
    assert_eq!(count(&t.sk, "card_offline").await, 0);
    assert!(sims(&till).terminal.charges().is_empty());
    // Amounts with a method that is not limited, or a limited Scan & Pay, are refused.
    let mut bad = set(PaymentMethod::Swish, Availability::Enabled);
    bad.max = Some("100".into());
    assert_eq!(boss.set_payment_method(&bad, "r").await.unwrap_err().code(), ErrorCode::InvalidInput);
    let mut app = set(PaymentMethod::ScanAndPay, Availability::Limited);
    app.max = Some("100".into());
    assert_eq!(boss.set_payment_method(&app, "r").await.unwrap_err().code(), ErrorCode::InvalidInput);
    // The audit keeps the state before and after.
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    let set_card = audit.iter().find(|a| a.record.action == "payments.set").unwrap();
    assert!(set_card.record.old_value.as_deref().unwrap().contains("\"availability\":\"enabled\""));
    assert!(set_card.record.new_value.as_deref().unwrap().contains("\"limited\""));
}

#[tokio::test]
async fn a_system_switch_is_overridden_by_setting_the_method_not_by_ending_it() {
    let t = demo_store().await;
    let boss = manager(&t).await;
    boss.set_fallback_rules(&[FallbackRule::HideSwishWhenDown], "Plan").await.unwrap();
    let till = logged_in(&t.sk).await;
    let switched =
        till.simulate_health(LinkHealth { acquirer_reachable: true, swish_reachable: false }).await.unwrap();
    let e = boss.end_payment_change(switched[0].id, "Swish funkar").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_api().message_sv.contains("ställ in betalsättet själv"), "{}", e.to_api().message_sv);
    t.clock.advance(jiff::SignedDuration::from_secs(1));
    boss.set_payment_method(&set(PaymentMethod::Swish, Availability::Enabled), "Swish funkar").await.unwrap();
    // The rules run again (the app does every minute): the manager's later change stands.
    t.sk.payments().apply_fallback().await.unwrap();
    assert_eq!(
        t.sk.payments().in_force().await.unwrap().state(PaymentMethod::Swish).availability,
        Availability::Enabled
    );
}
