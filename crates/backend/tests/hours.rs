//! Issue 6 on a real SQLite file: the till enforces opening hours (grace, approval in the
//! registration, a sale already under way finishes), managers' changes are checked, audited
//! and published at once (feed file, door sign, the local HTTP endpoint), and bad input saves
//! nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestStore, articles, count, demo_store};
use jiff::Timestamp;
use jiff::civil::date;
use storekeep_backend::hours::FeedHttp;
use storekeep_backend::staff::Approval;
use storekeep_backend::{Error, ErrorCode, Till};
use storekeep_domain::door_sign::{HoursFeed, Notice};
use storekeep_domain::holidays::SpecialDay;
use storekeep_domain::hours::{
    ChangeRequest, DayHours, Decided, OpeningHours, OpeningHoursForm, SpecialDayForm, SpecialDayHours, Week,
};
use storekeep_domain::staff::Role;

async fn anna_actor(t: &TestStore) -> storekeep_backend::audit::Actor {
    t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == "Anna Lind").unwrap().actor()
}

fn anna() -> Approval {
    Approval { manager_id: 1, pin: "1111".into() }
}

/// A till with `name` logged in, staying logged in while the test moves the clock by hours.
async fn till_of(t: &TestStore, name: &str, pin: &str) -> Till {
    let till = Till::new(t.sk.clone()).with_idle_logout(jiff::SignedDuration::from_hours(24 * 40));
    let who = t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == name).unwrap();
    till.login(who.id, pin).await.unwrap();
    till
}

async fn manager(t: &TestStore) -> Till {
    till_of(t, "Anna Lind", "1111").await
}

async fn cashier(t: &TestStore) -> Till {
    till_of(t, "Erik Berg", "2222").await
}

/// On the store's clock, 27 November 2026 (a Friday) unless said otherwise.
fn at(h: i8, m: i8) -> Timestamp {
    date(2026, 11, 27)
        .at(h, m, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .unwrap()
        .timestamp()
}

fn eight_to_nine() -> OpeningHours {
    OpeningHours {
        week: Week::every_day(&DayHours::parse("08-21").unwrap()),
        special_days: vec![],
        grace_minutes: 10,
    }
}

fn form(h: &OpeningHours) -> OpeningHoursForm {
    OpeningHoursForm::from_hours(h)
}

fn close_now() -> ChangeRequest {
    ChangeRequest::Override { open: false, until: None }
}

fn temporary(starts: &str, ends: Option<&str>, hours: &str) -> ChangeRequest {
    ChangeRequest::Temporary { starts: starts.into(), ends: ends.map(Into::into), hours: hours.into() }
}

/// The demo store with hours 08–21, set by the manager.
async fn store_eight_to_nine() -> TestStore {
    let t = demo_store().await;
    manager(&t).await.set_opening_hours(&form(&eight_to_nine()), "Vanliga öppettider").await.unwrap();
    t
}

async fn last_sale_payload(t: &TestStore) -> String {
    sqlx::query_scalar("SELECT payload FROM journal WHERE kind = 'sale' ORDER BY seq DESC LIMIT 1")
        .fetch_one(t.sk.db().reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn outside_hours_a_sale_needs_a_manager_and_the_approval_is_in_the_registration() {
    let t = store_eight_to_nine().await;
    let till = cashier(&t).await; // Erik, a cashier
    let code = &articles(1)[0].0;

    // Open: sells without a word, and the registration says nothing about hours.
    t.clock.set(at(10, 15));
    till.scan(code).await.unwrap();
    till.pay_cash("100").await.unwrap();
    assert!(!last_sale_payload(&t).await.contains("outside_hours"));

    // Within the ten minutes' grace after 21:00: customers still inside are served.
    t.clock.set(at(21, 9));
    till.scan(code).await.unwrap();
    till.pay_cash("100").await.unwrap();
    assert!(!last_sale_payload(&t).await.contains("outside_hours"));

    // After the grace: refused with the state, nothing on the till.
    t.clock.set(at(21, 30));
    let e = till.scan(code).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::StoreClosed);
    assert!(e.to_string().contains("Closed – opens tomorrow 08:00"), "{e}");
    assert!(e.to_api().message_sv.contains("Stängt – öppnar i morgon 08:00"));
    assert!(till.cart().await.unwrap().cart.lines.is_empty());

    // The cashier's own PIN is no approval; a manager's is.
    let own = Approval { manager_id: 3, pin: "2222".into() };
    assert!(till.approve_outside_hours(Some(&own)).await.is_err());
    assert!(matches!(till.approve_outside_hours(None).await, Err(Error::NeedsApproval(_))));
    till.approve_outside_hours(Some(&anna())).await.unwrap();
    till.scan(code).await.unwrap();
    till.scan(code).await.unwrap();
    till.pay_cash("100").await.unwrap();
    let payload = last_sale_payload(&t).await;
    assert!(payload.contains("\"outside_hours\""), "{payload}");
    assert!(payload.contains("\"approved_by\":{\"id\":1,\"name\":\"Anna Lind\"}"), "{payload}");
    assert!(payload.contains("Stängt – öppnar i morgon 08:00"), "{payload}");

    // The approval was for that sale: the next one asks again.
    assert_eq!(till.scan(code).await.unwrap_err().code(), ErrorCode::StoreClosed);

    // A manager selling approves their own sale.
    let anna_till = manager(&t).await;
    anna_till.scan(code).await.unwrap();
    anna_till.pay_cash("100").await.unwrap();
    assert!(last_sale_payload(&t).await.contains("\"approved_by\":{\"id\":1,\"name\":\"Anna Lind\"}"));

    // The approval on the spot is audited too (the manager's own sale is in its registration).
    let approvals =
        count(&t.sk, "audit_log WHERE action = 'approval.sell_outside_hours' AND outcome = 'done'").await;
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn a_sale_under_way_at_closing_finishes_and_a_new_one_asks() {
    let t = store_eight_to_nine().await;
    let till = cashier(&t).await;
    let code = &articles(1)[0].0;
    t.clock.set(at(20, 55));
    till.scan(code).await.unwrap();
    t.clock.set(at(21, 40));
    till.scan(code).await.unwrap(); // the same customer, still the same sale
    till.pay_cash("100").await.unwrap();
    assert!(!last_sale_payload(&t).await.contains("outside_hours"));
    assert_eq!(till.scan(code).await.unwrap_err().code(), ErrorCode::StoreClosed);
}

#[tokio::test]
async fn training_before_opening_needs_no_approval() {
    let t = store_eight_to_nine().await;
    t.clock.set(at(6, 30));
    let till = manager(&t).await;
    till.set_training(true).await.unwrap();
    let erik = t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == "Erik Berg").unwrap();
    till.login(erik.id, "2222").await.unwrap();
    till.scan(&articles(1)[0].0).await.unwrap();
    till.pay_cash("100").await.unwrap();
    assert_eq!(count(&t.sk, "journal WHERE kind = 'training'").await, 1);
    till.set_training(false).await.unwrap_err(); // a cashier cannot switch it off
}

#[tokio::test]
async fn close_now_takes_effect_at_once_and_ending_it_reopens() {
    let t = store_eight_to_nine().await;
    let anna = manager(&t).await;
    let erik = cashier(&t).await;
    let code = &articles(1)[0].0;
    t.clock.set(at(11, 0));
    let change = anna.add_hours_change(&close_now(), "IT-incident hos leverantören").await.unwrap();
    let status = erik.hours_status().await.unwrap();
    assert!(!status.open);
    assert_eq!(status.summary_sv, "Stängt tills vidare");
    assert!(matches!(status.decided, Decided::Override { open: false, .. }));
    // Just closed: the grace lets the customers inside finish; after it, approval.
    assert!(status.in_grace);
    t.clock.set(at(11, 11));
    assert_eq!(erik.scan(code).await.unwrap_err().code(), ErrorCode::StoreClosed);

    // Only a manager ends it, with a reason; audited; and it cannot be ended twice.
    assert_eq!(erik.end_hours_change(change.id, "klart").await.unwrap_err().code(), ErrorCode::NotAllowed);
    assert!(matches!(anna.end_hours_change(change.id, " ").await, Err(Error::ReasonMissing)));
    anna.end_hours_change(change.id, "Leverantören har åtgärdat").await.unwrap();
    assert!(matches!(anna.end_hours_change(change.id, "igen").await, Err(Error::HoursChangeNotFound(_))));
    erik.scan(code).await.unwrap();
    let audit: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, reason, actor_name FROM audit_log WHERE action LIKE 'hours.%' ORDER BY seq",
    )
    .fetch_all(t.sk.db().reader())
    .await
    .unwrap();
    assert_eq!(
        audit,
        vec![
            ("hours.override".into(), Some("IT-incident hos leverantören".into()), "Anna Lind".into()),
            ("hours.end".into(), Some("Leverantören har åtgärdat".into()), "Anna Lind".into()),
        ]
    );
    // The row stays, marked ended.
    assert_eq!(count(&t.sk, "hours_change WHERE ended_at IS NOT NULL").await, 1);
}

#[tokio::test]
async fn bad_changes_are_refused_and_nothing_is_saved() {
    let t = store_eight_to_nine().await;
    let anna = manager(&t).await;
    let erik = cashier(&t).await;
    t.clock.set(at(12, 0));
    let changes_done =
        "audit_log WHERE outcome = 'done' AND (action LIKE 'setting.%' OR action LIKE 'hours.%')";
    let done_before = count(&t.sk, changes_done).await;
    let before = anna.hours_view().await.unwrap().standing;

    // A cashier may look but not change.
    let e = erik.set_opening_hours(&form(&OpeningHours::default()), "test").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotAllowed);
    // No reason.
    assert!(matches!(
        anna.set_opening_hours(&form(&OpeningHours::default()), "  ").await,
        Err(Error::ReasonMissing)
    ));
    // Hours that end before they start, overlap, or are not times: the message names the day.
    let mut typed = form(&eight_to_nine());
    typed.week[2] = "17-09".into();
    let e = anna.set_opening_hours(&typed, "x").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().starts_with("Wednesday: The interval 17:00-09:00 ends before it starts"), "{e}");
    assert!(e.to_api().message_sv.starts_with("Onsdag: Intervallet 17:00-09:00 slutar innan det börjar"));
    typed.week[2] = "08-12, 11-14".into();
    assert!(anna.set_opening_hours(&typed, "x").await.unwrap_err().to_string().contains("overlap"));
    typed.week[2] = "08-21".into();
    typed.special_days = vec![SpecialDayForm { day: SpecialDay::Julafton, hours: "8 till 13".into() }];
    let e = anna.set_opening_hours(&typed, "x").await.unwrap_err();
    assert!(e.to_string().starts_with("Christmas Eve: \"8 till 13\" is not an interval"), "{e}");
    // A special day twice; a grace of three hours.
    let mut twice = eight_to_nine();
    twice.special_days = vec![
        SpecialDayHours { day: SpecialDay::Julafton, hours: DayHours::closed() },
        SpecialDayHours { day: SpecialDay::Julafton, hours: DayHours::parse("8-12").unwrap() },
    ];
    let e = anna.set_opening_hours(&form(&twice), "jul").await.unwrap_err();
    assert!(e.to_string().contains("Julafton is listed twice"), "{e}");
    let mut long_grace = eight_to_nine();
    long_grace.grace_minutes = 180;
    assert_eq!(
        anna.set_opening_hours(&form(&long_grace), "x").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    // A temporary change that ends before it starts, or already ended, or not a date; no reason.
    let backwards = temporary("2026-12-03", Some("2026-12-01"), "closed");
    assert_eq!(anna.add_hours_change(&backwards, "x").await.unwrap_err().code(), ErrorCode::InvalidInput);
    let past = temporary("2026-11-01", Some("2026-11-02"), "closed");
    assert!(
        anna.add_hours_change(&past, "x").await.unwrap_err().to_api().message_sv.contains("redan passerat")
    );
    let e = anna.add_hours_change(&temporary("1/12", None, "closed"), "x").await.unwrap_err();
    assert!(e.to_string().contains("\"1/12\" is not a date"), "{e}");
    let e = anna
        .add_hours_change(&ChangeRequest::Override { open: true, until: Some("25:00".into()) }, "x")
        .await;
    assert_eq!(e.unwrap_err().code(), ErrorCode::InvalidInput);
    assert!(matches!(
        anna.add_hours_change(&temporary("2026-11-30", None, "closed"), "").await,
        Err(Error::ReasonMissing)
    ));
    // A notice in one language only; an address that is not one.
    let half = Notice { sv: "Vi har stängt".into(), en: "".into() };
    assert!(matches!(anna.set_customer_notice(&half, "x").await, Err(Error::NoticeNeedsBothLanguages)));
    let feed = FeedHttp { enabled: true, bind: "localhost".into() };
    assert!(matches!(anna.set_feed_http(&feed, "x").await, Err(Error::BadBindAddress(_))));

    assert_eq!(count(&t.sk, "hours_change").await, 0);
    assert_eq!(anna.hours_view().await.unwrap().standing, before);
    assert_eq!(anna.hours_view().await.unwrap().notice, Notice::default());
    // No change is in the audit log as done; the cashier's attempt is there as refused.
    assert_eq!(count(&t.sk, changes_done).await, done_before);
    assert_eq!(count(&t.sk, "audit_log WHERE outcome = 'refused' AND actor_name = 'Erik Berg'").await, 1);
}

#[tokio::test]
async fn the_feed_and_the_door_sign_follow_every_change_at_once() {
    let t = store_eight_to_nine().await;
    let anna = manager(&t).await;
    t.clock.set(at(12, 0));
    let dir = t.sk.hours().public_dir();
    let read_feed =
        || -> HoursFeed { serde_json::from_slice(&std::fs::read(dir.join("hours.json")).unwrap()).unwrap() };

    anna.add_hours_change(&temporary("2026-11-28", Some("2026-11-28"), "10-16"), "Inventering")
        .await
        .unwrap();
    let feed = read_feed();
    assert_eq!(feed.format, "storekeep-opening-hours/1");
    assert_eq!(feed.days.len(), 7);
    assert_eq!(
        (feed.days[0].date.as_str(), feed.days[0].hours_sv.as_str(), feed.days[0].changed),
        ("2026-11-27", "08:00–21:00", false)
    );
    assert_eq!((feed.days[1].hours_sv.as_str(), feed.days[1].changed), ("10:00–16:00", true));
    assert!(!serde_json::to_string(&feed).unwrap().contains("Inventering"), "internal reasons stay internal");

    let notice = Notice {
        sv: "Kortbetalning fungerar inte just nu.".into(),
        en: "Card payments are down right now.".into(),
    };
    anna.set_customer_notice(&notice, "Kortinlösaren nere").await.unwrap();
    anna.add_hours_change(&close_now(), "IT-incident").await.unwrap();
    let feed = read_feed();
    assert!(!feed.now.open);
    assert_eq!(feed.notice.as_ref().unwrap().en, "Card payments are down right now.");
    assert_eq!(feed.days[0].hours_sv, "08:00–12:00");
    assert!(feed.days[2..].iter().all(|d| d.open.is_empty() && d.changed));

    let html = std::fs::read_to_string(dir.join("door-sign.html")).unwrap();
    assert!(html.contains("Öppettider") && html.contains("Opening hours") && html.contains("Changed hours"));
    assert!(html.contains("Kortbetalning fungerar inte just nu.") && !html.contains("<script"));
    let pdf = dir.join("door-sign.pdf");
    let text = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Öppettider · Opening hours"), "{text}");
    assert!(text.contains("Fredag 27 nov") && text.contains("08:00–12:00"), "{text}");
    assert!(text.contains("Stängt") && text.contains("Closed"), "{text}");
    assert!(text.contains("Card payments are down right now."), "{text}");
    // No temporary file is left behind.
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert_eq!(names.len(), 6, "the hours' three files and the payment sign's three: {names:?}");
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text[9..12].parse().unwrap();
    (status, text)
}

#[tokio::test]
async fn the_local_endpoint_serves_the_live_feed_only_when_switched_on() {
    let t = store_eight_to_nine().await;
    let anna = manager(&t).await;
    let erik = cashier(&t).await;
    t.clock.set(at(12, 0));
    let endpoint = t.sk.feed_endpoint();
    assert_eq!(
        endpoint.apply(&t.sk, &t.sk.hours().feed_http().await.unwrap()).await.unwrap(),
        None,
        "off by default"
    );

    let on = FeedHttp { enabled: true, bind: "127.0.0.1:0".into() };
    assert_eq!(erik.set_feed_http(&on, "webb").await.unwrap_err().code(), ErrorCode::NotAllowed);
    assert_eq!(endpoint.listening().await, None, "a refused change starts nothing");
    let view = anna.set_feed_http(&on, "Webbplatsen ska visa öppettiderna").await.unwrap();
    let addr = endpoint.listening().await.unwrap();
    assert_ne!(addr.port(), 0);
    assert_eq!(view.feed_listening, Some(addr.to_string()));
    let (status, body) = http_get(addr, "/hours.json").await;
    assert_eq!(status, 200);
    assert!(body.contains("access-control-allow-origin: *") && body.contains("\"open\": true"), "{body}");

    // The moment the hours change, the endpoint says so: nothing to republish.
    anna.add_hours_change(&close_now(), "IT-incident").await.unwrap();
    let (_, body) = http_get(addr, "/hours.json").await;
    assert!(body.contains("\"open\": false") && body.contains("Stängt tills vidare"), "{body}");
    assert_eq!(http_get(addr, "/door-sign.pdf").await.0, 200);
    assert_eq!(http_get(addr, "/../storekeep.sqlite3").await.0, 404);
    assert_eq!(http_get(addr, "/").await.0, 404);

    // Switched off: it stops listening.
    anna.set_feed_http(&FeedHttp { enabled: false, bind: "127.0.0.1:0".into() }, "Inte längre")
        .await
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    assert_eq!(endpoint.listening().await, None);
}

#[tokio::test]
async fn an_address_already_taken_is_refused_and_the_setting_stays() {
    let t = store_eight_to_nine().await;
    let anna = manager(&t).await;
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let e = anna.set_feed_http(&FeedHttp { enabled: true, bind: bind.clone() }, "webb").await.unwrap_err();
    assert!(matches!(e, Error::FeedCannotListen { .. }), "{e}");
    assert!(e.to_api().message_sv.contains("inställningen är oförändrad"));
    assert_eq!(t.sk.hours().feed_http().await.unwrap(), FeedHttp::default());
    assert_eq!(count(&t.sk, "audit_log WHERE action = 'setting.hours_feed_http'").await, 0);
    assert_eq!(t.sk.feed_endpoint().listening().await, None);
    // A notice too long for the sign is refused too.
    let long = Notice { sv: "x".repeat(301), en: "y".into() };
    assert!(matches!(anna.set_customer_notice(&long, "x").await, Err(Error::NoticeTooLong(301))));
}

#[tokio::test]
async fn a_parked_sale_brought_back_after_closing_needs_the_approval_a_new_one_would() {
    let t = store_eight_to_nine().await;
    let erik = cashier(&t).await;
    let code = &articles(1)[0].0;
    t.clock.set(at(20, 50));
    erik.scan(code).await.unwrap();
    erik.park().await.unwrap();
    let parked = erik.parked().await.unwrap()[0].id;
    t.clock.set(at(23, 0));
    assert_eq!(erik.resume(parked).await.unwrap_err().code(), ErrorCode::StoreClosed);
    assert_eq!(erik.parked().await.unwrap().len(), 1, "refused, it stays parked");
    erik.approve_outside_hours(Some(&anna())).await.unwrap();
    erik.resume(parked).await.unwrap();
    erik.pay_cash("100").await.unwrap();
    assert!(last_sale_payload(&t).await.contains("\"approved_by\":{\"id\":1,\"name\":\"Anna Lind\"}"));
}

#[tokio::test]
async fn an_approval_is_for_one_sale_by_that_cashier_within_minutes() {
    let t = store_eight_to_nine().await;
    let erik = cashier(&t).await;
    let code = &articles(1)[0].0;
    t.clock.set(at(22, 5));
    erik.approve_outside_hours(Some(&anna())).await.unwrap();
    // Six minutes later the customer is long gone: the approval has lapsed.
    t.clock.set(at(22, 11));
    assert_eq!(erik.scan(code).await.unwrap_err().code(), ErrorCode::StoreClosed);
    // Within five minutes it holds, stamped with when the sale started.
    erik.approve_outside_hours(Some(&anna())).await.unwrap();
    t.clock.set(at(22, 14));
    erik.scan(code).await.unwrap();
    erik.pay_cash("100").await.unwrap();
    let payload = last_sale_payload(&t).await;
    assert!(payload.contains(&format!("\"at\":\"{}\"", at(22, 14))), "{payload}");
    // Given to one cashier, it does not carry over to the next person on the till.
    erik.approve_outside_hours(Some(&anna())).await.unwrap();
    let lisa = t.sk.staff().create(&anna_actor(&t).await, "Lisa Ek", Role::Cashier, "4444").await.unwrap();
    erik.login(lisa.id, "4444").await.unwrap();
    assert_eq!(erik.scan(code).await.unwrap_err().code(), ErrorCode::StoreClosed);
}

#[tokio::test]
async fn special_days_and_temporary_changes_show_as_the_reason_for_the_hours() {
    let t = demo_store().await;
    let anna = manager(&t).await;
    let mut hours = eight_to_nine();
    hours
        .special_days
        .push(SpecialDayHours { day: SpecialDay::Julafton, hours: DayHours::parse("8-13").unwrap() });
    anna.set_opening_hours(&form(&hours), "Julöppettider").await.unwrap();
    t.clock.set(
        date(2026, 12, 24).at(12, 0, 0, 0).to_zoned_datetime(t.sk.time_zone().clone()).unwrap().timestamp(),
    );
    let view = anna.hours_view().await.unwrap();
    assert_eq!(view.status.decided, Decided::SpecialDay { day: SpecialDay::Julafton });
    assert_eq!(view.status.summary_sv, "Öppet – stänger om 60 min (13:00)");
    assert_eq!(view.week[0].hours_sv, "08:00–13:00");
    assert_eq!(view.week[1].special_day, Some(SpecialDay::Juldagen));
    assert_eq!(view.week[1].hours_sv, "08:00–21:00", "juldagen has no hours of its own here: the week's");
}

#[tokio::test]
async fn until_a_manager_sets_hours_the_store_is_open_around_the_clock() {
    let t = demo_store().await;
    let erik = cashier(&t).await;
    t.clock.set(at(3, 30));
    let view = erik.hours_view().await.unwrap();
    assert!(!view.configured, "the view says the hours are not set");
    assert!(view.status.open);
    assert_eq!(view.status.summary_sv, "Öppet – stänger inte den kommande veckan");
    erik.scan(&articles(1)[0].0).await.unwrap();
    erik.pay_cash("100").await.unwrap();
    assert!(!last_sale_payload(&t).await.contains("outside_hours"));
    manager(&t).await.set_opening_hours(&form(&eight_to_nine()), "Ordinarie tider").await.unwrap();
    assert!(erik.hours_view().await.unwrap().configured);
    assert_eq!(erik.scan(&articles(1)[0].0).await.unwrap_err().code(), ErrorCode::StoreClosed);
}
