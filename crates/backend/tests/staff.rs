//! Staff, PINs, lock-out, permissions and approvals, and the audit trail they leave.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use jiff::SignedDuration;
use storekeep_backend::audit::{AuditFilter, Outcome};
use storekeep_backend::staff::{Approval, StaffMember};
use storekeep_backend::{Error, ErrorCode};
use storekeep_domain::staff::{Action, Role};

async fn member(t: &TestStore, name: &str) -> StaffMember {
    t.sk.staff().list().await.unwrap().into_iter().find(|m| m.name == name).unwrap()
}

async fn audit_actions(t: &TestStore) -> Vec<String> {
    let mut entries = t.sk.audit().list(&AuditFilter::default()).await.unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.record.action).collect()
}

#[tokio::test]
async fn the_demo_store_has_named_staff_with_hashed_peppered_pins() {
    let t = demo_store().await;
    let staff = t.sk.staff().list().await.unwrap();
    let roles: Vec<_> = staff.iter().map(|m| (m.name.as_str(), m.role)).collect();
    assert_eq!(
        roles,
        [("Anna Lind", Role::Manager), ("Erik Berg", Role::Cashier), ("Bakkontoret", Role::Kiosk)]
    );

    let hashes: Vec<String> =
        sqlx::query_scalar("SELECT pin_hash FROM staff").fetch_all(t.sk.db().reader()).await.unwrap();
    for h in &hashes {
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("1111") && !h.contains("2222"));
    }
    let pepper = t.dir.path().join("pepper.key");
    assert_eq!(std::fs::read(&pepper).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&pepper).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(audit_actions(&t).await, ["staff.create_first_manager", "staff.create", "staff.create"]);
}

#[tokio::test]
async fn a_database_without_its_pepper_cannot_check_pins() {
    let t = demo_store().await;
    let anna = member(&t, "Anna Lind").await;
    assert!(t.sk.staff().authenticate(anna.id, "1111").await.is_ok());
    // The same database in another folder gets another pepper: the hashes are useless there.
    let elsewhere = tempfile::tempdir().unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO '{}'",
        elsewhere.path().join("copy.sqlite3").display()
    )))
    .execute(t.sk.db().reader())
    .await
    .unwrap();
    let copy = open_at(&elsewhere.path().join("copy.sqlite3"), t.clock.clone()).await.unwrap();
    let err = copy.staff().authenticate(anna.id, "1111").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPin);
}

#[tokio::test]
async fn five_wrong_pins_lock_for_a_growing_time_and_it_is_audited() {
    let t = demo_store().await;
    let erik = member(&t, "Erik Berg").await;
    let staff = t.sk.staff();
    for left in (1..=4).rev() {
        assert!(
            matches!(staff.authenticate(erik.id, "9999").await, Err(Error::WrongPin { left: l }) if l == left)
        );
    }
    assert!(matches!(staff.authenticate(erik.id, "9999").await, Err(Error::LockedOut { seconds: 30, .. })));
    // Locked: even the right PIN is refused until the time has passed.
    t.clock.advance(SignedDuration::from_secs(29));
    assert_eq!(staff.authenticate(erik.id, "2222").await.unwrap_err().code(), ErrorCode::LockedOut);
    t.clock.advance(SignedDuration::from_secs(2));
    // A sixth wrong PIN locks for twice as long.
    assert!(matches!(staff.authenticate(erik.id, "0000").await, Err(Error::LockedOut { seconds: 60, .. })));
    t.clock.advance(SignedDuration::from_secs(61));
    assert_eq!(staff.authenticate(erik.id, "2222").await.unwrap().name, "Erik Berg");
    // The right PIN resets the count.
    assert!(matches!(staff.authenticate(erik.id, "9999").await, Err(Error::WrongPin { left: 4 })));

    let actions = audit_actions(&t).await;
    assert_eq!(actions.iter().filter(|a| *a == "login.failed").count(), 5);
    assert_eq!(actions.iter().filter(|a| *a == "login.locked_out").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "login.refused").count(), 1);
    let refused_only = AuditFilter { outcome: Some(Outcome::Refused), ..Default::default() };
    let refused = t.sk.audit().list(&refused_only).await;
    assert!(refused.unwrap().iter().all(|e| e.record.actor.as_ref().is_some_and(|a| a.name == "Erik Berg")));
}

#[tokio::test]
async fn staff_are_disabled_never_deleted_and_a_disabled_person_cannot_log_in() {
    let t = demo_store().await;
    let anna = member(&t, "Anna Lind").await.actor();
    let erik = member(&t, "Erik Berg").await;
    assert_eq!(t.sk.staff().disable(&anna, erik.id, " ").await.unwrap_err().code(), ErrorCode::InvalidInput);
    assert_eq!(
        t.sk.staff().disable(&anna, anna.id, "test").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let disabled = t.sk.staff().disable(&anna, erik.id, "Slutat 2026-11-27").await.unwrap();
    assert!(!disabled.active);
    let err = t.sk.staff().authenticate(erik.id, "2222").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StaffDisabled);

    let entry = &t
        .sk
        .audit()
        .list(&AuditFilter { action_prefix: Some("staff.disable".into()), ..Default::default() })
        .await
        .unwrap()[0];
    assert_eq!(entry.record.reason.as_deref(), Some("Slutat 2026-11-27"));
    assert_eq!(entry.record.old_value.as_deref(), Some("active"));
    assert_eq!(entry.record.actor.as_ref().unwrap().name, "Anna Lind");

    let mut tx = t.sk.db().begin_write().await.unwrap();
    let err =
        sqlx::query("DELETE FROM staff WHERE id = ?").bind(erik.id).execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("never deleted"), "{err}");
}

#[tokio::test]
async fn only_managers_manage_staff_and_refusals_change_nothing() {
    let t = demo_store().await;
    let erik = member(&t, "Erik Berg").await.actor();
    let before = t.sk.staff().list().await.unwrap();
    let err = t.sk.staff().create(&erik, "Olle", Role::Manager, "4444").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAllowed);
    assert!(err.to_string().contains("cashier"), "{err}");
    assert_eq!(t.sk.staff().list().await.unwrap(), before, "nobody was added");
    let last = &t.sk.audit().list(&AuditFilter::default()).await.unwrap()[0];
    assert_eq!((last.record.action.as_str(), last.record.outcome), ("manage_staff", Outcome::Refused));

    let anna = member(&t, "Anna Lind").await.actor();
    assert_eq!(
        t.sk.staff().create(&anna, "Olle", Role::Cashier, "12").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        t.sk.staff().create(&anna, "  ", Role::Cashier, "1234").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let err = t.sk.staff().create_first_manager("Someone", "1234").await.unwrap_err();
    assert!(matches!(err, Error::FirstManagerExists));
    assert_eq!(t.sk.staff().list().await.unwrap(), before);
}

#[tokio::test]
async fn a_cashier_step_that_needs_approval_goes_ahead_only_with_a_managers_pin() {
    let t = demo_store().await;
    let erik = member(&t, "Erik Berg").await;
    let anna = member(&t, "Anna Lind").await;
    let staff = t.sk.staff();
    let what = "line 2 (Kaffe)";

    let err = staff.authorize(&erik.actor(), Action::VoidLine, None, what).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NeedsApproval);
    let own = Approval { manager_id: erik.id, pin: "2222".into() };
    let err = staff.authorize(&erik.actor(), Action::VoidLine, Some(&own), what).await.unwrap_err();
    assert!(matches!(err, Error::ApproverNotManager(_)), "{err}");
    let wrong = Approval { manager_id: anna.id, pin: "1112".into() };
    assert_eq!(
        staff.authorize(&erik.actor(), Action::VoidLine, Some(&wrong), what).await.unwrap_err().code(),
        ErrorCode::WrongPin
    );

    let right = Approval { manager_id: anna.id, pin: "1111".into() };
    let ok = staff.authorize(&erik.actor(), Action::VoidLine, Some(&right), what).await.unwrap();
    assert_eq!(ok.actor.name, "Erik Berg");
    assert_eq!(ok.approved_by.as_ref().unwrap().name, "Anna Lind");
    let last = &t.sk.audit().list(&AuditFilter::default()).await.unwrap()[0];
    assert_eq!(last.record.action, "approval.void_line");
    assert_eq!(last.record.subject, what);
    assert_eq!(last.record.approved_by.as_ref().unwrap().name, "Anna Lind");

    let kiosk = member(&t, "Bakkontoret").await.actor();
    let err = staff.authorize(&kiosk, Action::Sell, Some(&right), "sale").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAllowed, "approval cannot lift a denial");
}

#[tokio::test]
async fn wrong_pins_entered_at_the_same_time_each_count() {
    let t = demo_store().await;
    let erik = member(&t, "Erik Berg").await;
    let staff = t.sk.staff();
    let (a, b) = tokio::join!(staff.authenticate(erik.id, "9999"), staff.authenticate(erik.id, "8888"));
    assert_eq!((a.unwrap_err().code(), b.unwrap_err().code()), (ErrorCode::WrongPin, ErrorCode::WrongPin));
    assert!(matches!(staff.authenticate(erik.id, "7777").await, Err(Error::WrongPin { left: 2 })));
}
