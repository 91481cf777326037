//! Issue 10: a store restored from an older backup catches up from HQ what was sold after the
//! backup and reached HQ, with every projection the till and `journal verify` read (sales and
//! their tenders, a return, a copy, X and Z reports), and sells on from there without a
//! conflict at HQ. What never reached HQ is gone, and the test says so.
//!
//! Needs PostgreSQL (STOREKEEP_TEST_PG), as the other HQ tests.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{connect, sell, serve, store};
use storekeep_backend::backup::{self, BackupConfig, Existing, SecretKey};
use storekeep_backend::sync::Pushed;
use storekeep_backend::{FixedClock, OpenOptions, Storekeep, Till};
use storekeep_domain::report::ReportKind;
use storekeep_domain::returns::ReturnRequest;

async fn count(sk: &Storekeep, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(sk.db().reader()).await.unwrap()
}

#[tokio::test]
async fn a_restored_store_catches_up_what_hq_holds_and_sells_on() {
    let hq = common::fresh_hq(5).await;
    let token = hq.enrol("butik-1", "Demobutiken").await.unwrap();
    let url = serve(hq.clone()).await;
    let s = store().await;
    connect(&s.sk, &url, &token).await;

    // Backups to a second folder, sealed to the manager's key.
    let dest = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().unwrap();
    let boss = Till::new(s.sk.clone());
    boss.login(1, "1111").await.unwrap();
    let config = BackupConfig {
        public_key: key.public().to_string(),
        destination: dest.path().display().to_string(),
        every_minutes: 60,
        keep: 5,
        to_hq: true,
    };
    boss.configure_backups(&config, "USB-minnet").await.unwrap();
    sell(&s.sk, 5).await;
    s.sk.sync().drain(100).await.unwrap();
    let made = s.sk.backups().create(None, "test", &|_| {}).await.unwrap();
    // Sent to HQ as well, sealed: HQ keeps it (and cannot read it).
    assert_eq!(made.sent_to_hq, Some(true));
    assert_eq!(hq.backups("butik-1").await.unwrap().len(), 1);
    let at_hq = hq.backup("butik-1", hq.backups("butik-1").await.unwrap()[0].0).await.unwrap();
    assert_eq!(at_hq, std::fs::read(&made.file).unwrap());

    // After the backup: sales paid by card and cash, a return, a copy, an X and a Z report,
    // all sent to HQ.
    let till = Till::new(s.sk.clone());
    till.login(2, "2222").await.unwrap();
    let code = storekeep_backend::demo::catalog().into_iter().find_map(|i| i.code).unwrap();
    till.scan(&code).await.unwrap();
    till.scan(&code).await.unwrap();
    till.pay_card(Some("10")).await.unwrap();
    let by_card = till.pay_cash("500").await.unwrap().receipt_no;
    sell(&s.sk, 3).await;
    let boss_till = Till::new(s.sk.clone());
    boss_till.login(1, "1111").await.unwrap();
    boss_till
        .return_items(by_card, &[ReturnRequest { line: 1, quantity: 1.into() }], "Fel vara", None)
        .await
        .unwrap();
    boss_till.copy_receipt(2, storekeep_backend::till::CopyOutput::File).await.unwrap();
    boss_till.take_report(ReportKind::X).await.unwrap();
    boss_till.take_report(ReportKind::Z).await.unwrap();
    sell(&s.sk, 2).await;
    s.sk.sync().drain(100).await.unwrap();
    assert_eq!(s.sk.sync().waiting().await.unwrap(), 0);
    let at_hq = hq.count("butik-1").await.unwrap();
    let last_at_hq: i64 = count(&s.sk, "SELECT MAX(receipt_no) FROM sale").await;
    // Two more sales the cashier saw complete, which never left the computer before it died.
    sell(&s.sk, 2).await;

    // A new computer: the backup, the key, HQ.
    let fresh = tempfile::tempdir().unwrap();
    // The USB stick went with the old computer: the backup comes from HQ, with the store's token.
    let link = storekeep_backend::sync::HqLink { url: url.clone(), token: token.clone(), ca_pem: None };
    let downloads = tempfile::tempdir().unwrap();
    let from_hq = storekeep_backend::sync::fetch_backup_from_hq(&link, downloads.path()).await.unwrap();
    let restored = backup::restore(&from_hq, &key, fresh.path(), Existing::Refuse, &|_| {}).await.unwrap();
    let clock = Arc::new(FixedClock::new("2026-11-27T12:00:00Z".parse().unwrap()));
    let path = fresh.path().join(storekeep_backend::paths::DATABASE_FILE);
    let sk = Storekeep::open(&path, OpenOptions::default(), clock).await.unwrap();
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM journal").await, restored.manifest.entries);
    // As when HQ could not be reached at the restore: recorded, and nothing registers until
    // the catch-up (HQ holds sequence numbers this journal has not seen).
    backup::record_restore(&sk, &from_hq, &restored, None, false, "Ny dator").await.unwrap();
    let till = Till::new(sk.clone());
    till.login(2, "2222").await.unwrap();
    till.scan(&code).await.unwrap();
    let refused = till.pay_cash("500").await.unwrap_err();
    assert!(matches!(refused, storekeep_backend::Error::CatchUpPending), "{refused:?}");
    assert!(sk.sync().catch_up_pending().await.unwrap());
    let progress = std::sync::Mutex::new(Vec::new());
    let caught = sk.sync().catch_up(&|p| progress.lock().unwrap().push((p.done, p.total))).await.unwrap();
    assert_eq!(caught, at_hq - restored.manifest.entries);
    assert!(caught >= 10, "{caught}");
    assert_eq!(progress.lock().unwrap().last().copied(), Some((caught as u64, caught as u64)));

    // Everything HQ held is here, with its projections: the journal verifies whole.
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM journal").await, at_hq);
    let v = sk.journal().verify().await.unwrap();
    assert!(v.problem.is_none(), "{:?}", v.problem);
    assert_eq!(count(&sk, "SELECT MAX(receipt_no) FROM sale").await, last_at_hq);
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM sale WHERE kind = 'return'").await, 1);
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM receipt_copy").await, 1);
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM day_report").await, 2);
    assert_eq!(count(&sk, "SELECT COUNT(*) FROM tender t JOIN sale s ON s.id = t.sale_id WHERE s.receipt_no = ?1 AND t.method = 'card'".replace("?1", &by_card.to_string()).as_str()).await, 1);
    sk.sales().receipt(by_card).await.unwrap();
    // The catch-up lifts the stop: the sale waiting on the till goes through.
    assert!(!sk.sync().catch_up_pending().await.unwrap());
    assert_eq!(till.pay_cash("500").await.unwrap().receipt_no, last_at_hq + 1);
    // Nothing of it goes back to HQ.
    // A second catch-up finds nothing more.
    assert_eq!(sk.sync().catch_up(&|_| {}).await.unwrap(), 0);

    // It sells on after what HQ holds, and HQ takes it: no conflict, no break.
    sell(&sk, 1).await;
    assert_eq!(count(&sk, "SELECT MAX(receipt_no) FROM sale").await, last_at_hq + 2);
    loop {
        match sk.sync().push_once(500).await.unwrap() {
            Pushed::Nothing => break,
            Pushed::Sent { receipt, .. } => assert_eq!(receipt.breaks, 0),
        }
    }
    assert_eq!(hq.count("butik-1").await.unwrap(), at_hq + 2);
    assert_eq!(hq.breaks("butik-1").await.unwrap(), 0);
}
