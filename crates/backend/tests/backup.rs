//! Backups and restore (issue 10): a backup is checked, sealed to the manager's key, read back
//! and kept by the retention rule; a restore onto a fresh folder brings back every
//! registration, the staff's PINs and the receipt series; a changed, cut-off or wrongly keyed
//! file is refused with nothing changed in the folder.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{a_weekday_morning, articles, count, demo_store, logged_in, logged_in_as, open_at};
use storekeep_backend::backup::{self, BackupConfig, Existing, Problem, SecretKey};
use storekeep_backend::{Error, FixedClock};

async fn set_up(t: &common::TestStore, dest: &Path, keep: u32) -> SecretKey {
    let key = SecretKey::generate().unwrap();
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let config = BackupConfig {
        public_key: key.public().to_string(),
        destination: dest.display().to_string(),
        every_minutes: 60,
        keep,
        to_hq: false,
    };
    manager.configure_backups(&config, "nightly to the USB stick").await.unwrap();
    key
}

async fn sell(t: &common::TestStore, n: usize) -> Vec<i64> {
    let till = logged_in(&t.sk).await;
    let mut receipts = Vec::new();
    for k in 0..n {
        till.scan(&articles(3)[k % 3].0).await.unwrap();
        receipts.push(till.pay_cash("500").await.unwrap().receipt_no);
    }
    receipts
}

fn files(dest: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "skbackup"))
        .collect();
    v.sort();
    v
}

fn problem(e: Error) -> Problem {
    match e {
        Error::Backup(p) => p,
        other => panic!("not a backup problem: {other:?}"),
    }
}

#[tokio::test]
async fn a_restored_store_has_every_registration_and_sells_on() {
    let t = demo_store().await;
    let dest = tempfile::tempdir().unwrap();
    let key = set_up(&t, dest.path(), 5).await;
    let sold = sell(&t, 7).await;
    let stages = std::sync::Mutex::new(Vec::new());
    let made = t.sk.backups().create(None, "test", &|p| stages.lock().unwrap().push(p.stage)).await.unwrap();
    assert!(made.verified);
    assert_eq!(made.entries, count(&t.sk, "journal").await);
    let stages = stages.into_inner().unwrap();
    for s in ["snapshot", "check", "seal", "read back"] {
        assert!(stages.iter().any(|x| x == s), "{s} in {stages:?}");
    }
    // Nothing readable leaves the store: no receipt text, no staff names, in the file.
    let bytes = std::fs::read(&made.file).unwrap();
    assert!(!bytes.windows(9).any(|w| w == b"Erik Berg"));
    assert!(!bytes.windows(15).any(|w| w == b"SQLite format 3"));
    // Logged and audited.
    assert_eq!(t.sk.backups().list(10).await.unwrap()[0].file, made.file);
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    assert!(audit.iter().any(|a| a.record.action == "backup.created"));

    let fresh = tempfile::tempdir().unwrap();
    let restored =
        backup::restore(Path::new(&made.file), &key, fresh.path(), Existing::Refuse, &|_| {}).await.unwrap();
    assert_eq!(restored.manifest.entries, made.entries);
    assert!(restored.moved_aside.is_none());
    let path = fresh.path().join(storekeep_backend::paths::DATABASE_FILE);
    let sk = open_at(&path, Arc::new(FixedClock::new(a_weekday_morning()))).await.unwrap();
    let v = sk.journal().verify().await.unwrap();
    assert!(v.problem.is_none(), "{:?}", v.problem);
    assert_eq!(v.sales, sold.len() as i64);
    for no in &sold {
        sk.sales().receipt(*no).await.unwrap();
    }
    // The PINs work (the pepper came along) and the receipt series goes on.
    let till = logged_in(&sk).await;
    till.scan(&articles(1)[0].0).await.unwrap();
    assert_eq!(till.pay_cash("500").await.unwrap().receipt_no, sold.last().unwrap() + 1);
}

#[tokio::test]
async fn changed_cut_off_or_wrongly_keyed_backups_are_refused_and_nothing_changes() {
    let t = demo_store().await;
    let dest = tempfile::tempdir().unwrap();
    let key = set_up(&t, dest.path(), 5).await;
    sell(&t, 3).await;
    let made = t.sk.backups().create(None, "test", &|_| {}).await.unwrap();
    let good = std::fs::read(&made.file).unwrap();
    let header_end = backup::MAGIC.len()
        + 4
        + u32::from_be_bytes(good[backup::MAGIC.len()..][..4].try_into().unwrap()) as usize;
    let fresh = tempfile::tempdir().unwrap();
    let try_restore = |bytes: Vec<u8>, key: SecretKey| {
        let file = dest.path().join("probe.bin");
        std::fs::write(&file, bytes).unwrap();
        let dir = fresh.path().to_path_buf();
        async move { backup::restore(&file, &key, &dir, Existing::Refuse, &|_| {}).await }
    };

    // One byte of the sealed body.
    let mut flipped = good.clone();
    flipped[header_end + 100] ^= 1;
    assert!(matches!(problem(try_restore(flipped, key.clone()).await.unwrap_err()), Problem::Damaged(_)));
    // The readable header: the registrations count changed.
    let text = String::from_utf8_lossy(&good[..header_end]).into_owned();
    let forged =
        text.replace(&format!("\"entries\":{}", made.entries), &format!("\"entries\":{}", made.entries + 1));
    assert_ne!(forged, text);
    let mut changed = forged.into_bytes();
    changed.extend_from_slice(&good[header_end..]);
    assert!(matches!(problem(try_restore(changed, key.clone()).await.unwrap_err()), Problem::Damaged(_)));
    // Cut off at the end, and with its last part dropped.
    let cut = good[..good.len() - 10].to_vec();
    assert!(matches!(problem(try_restore(cut, key.clone()).await.unwrap_err()), Problem::Damaged(_)));
    // Another manager's key.
    let other = SecretKey::generate().unwrap();
    assert_eq!(problem(try_restore(good.clone(), other).await.unwrap_err()), Problem::WrongKey);
    // Not a backup at all.
    assert!(matches!(
        problem(try_restore(b"hello".to_vec(), key.clone()).await.unwrap_err()),
        Problem::NotABackup(_)
    ));
    // After all that the folder holds no database (nothing was half-restored).
    assert!(!fresh.path().join(storekeep_backend::paths::DATABASE_FILE).exists());
    assert!(std::fs::read_dir(fresh.path()).unwrap().next().is_none());
    // And the untouched file restores.
    try_restore(good, key).await.unwrap();
}

#[tokio::test]
async fn restore_refuses_a_store_with_registrations_and_moves_a_replaced_one_aside() {
    // A store under the name the app and the command line use.
    let t = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(storekeep_backend::paths::DATABASE_FILE);
        let clock = Arc::new(FixedClock::new(a_weekday_morning()));
        let sk = open_at(&path, clock.clone()).await.unwrap();
        sk.init(&storekeep_backend::demo::identity(), true).await.unwrap();
        common::TestStore { sk, clock, path, dir }
    };
    let dest = tempfile::tempdir().unwrap();
    let key = set_up(&t, dest.path(), 5).await;
    sell(&t, 2).await;
    let made = t.sk.backups().create(None, "test", &|_| {}).await.unwrap();
    let e = backup::restore(Path::new(&made.file), &key, t.dir.path(), Existing::Refuse, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(problem(e), Problem::StoreExists);
    sell(&t, 1).await;
    t.sk.db().close().await;
    let r = backup::restore(Path::new(&made.file), &key, t.dir.path(), Existing::MoveAside, &|_| {})
        .await
        .unwrap();
    let aside = r.moved_aside.expect("moved aside");
    assert!(Path::new(&aside).exists(), "{aside}");
    let sk =
        open_at(&t.dir.path().join(storekeep_backend::paths::DATABASE_FILE), t.clock.clone()).await.unwrap();
    assert_eq!(count(&sk, "sale").await, 2);
}

#[tokio::test]
async fn retention_keeps_the_newest_and_a_bad_destination_is_recorded_not_hidden() {
    let t = demo_store().await;
    let dest = tempfile::tempdir().unwrap();
    set_up(&t, dest.path(), 2).await;
    let mut made = Vec::new();
    for k in 0..4 {
        sell(&t, 1).await;
        t.clock.advance(jiff::SignedDuration::from_mins(61));
        made.push(t.sk.backups().create(None, &format!("run {k}"), &|_| {}).await.unwrap().file);
    }
    let kept: Vec<String> = files(dest.path()).iter().map(|p| p.display().to_string()).collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.contains(&made[3]) && kept.contains(&made[2]), "{kept:?} vs {made:?}");

    // The stick is pulled out: the backup fails, is logged and audited as failed.
    drop(dest);
    let e = t.sk.backups().create(None, "pulled", &|_| {}).await.unwrap_err();
    assert!(matches!(problem(e), Problem::Destination(_)));
    let last = &t.sk.backups().list(1).await.unwrap()[0];
    assert!(!last.verified && last.problem.is_some(), "{last:?}");
    let audit = t.sk.audit().list(&Default::default()).await.unwrap();
    assert!(audit.iter().any(|a| a.record.action == "backup.failed"));
    // Nothing of the snapshot is left in the data folder.
    assert!(
        std::fs::read_dir(t.dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".backup-"))
    );
}

#[tokio::test]
async fn only_a_manager_sets_backups_up_and_a_bad_key_is_refused() {
    let t = demo_store().await;
    let dest = tempfile::tempdir().unwrap();
    let cashier = logged_in(&t.sk).await;
    let config = BackupConfig {
        public_key: SecretKey::generate().unwrap().public().to_string(),
        destination: dest.path().display().to_string(),
        every_minutes: 60,
        keep: 3,
        to_hq: false,
    };
    assert!(matches!(cashier.configure_backups(&config, "x").await.unwrap_err(), Error::NotAllowed { .. }));
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let bad = BackupConfig { public_key: "storekeep-backup-key-1:zz".into(), ..config.clone() };
    assert!(matches!(problem(manager.configure_backups(&bad, "x").await.unwrap_err()), Problem::BadKey(_)));
    let nowhere = BackupConfig { destination: "/nonexistent/usb".into(), ..config.clone() };
    assert!(matches!(
        problem(manager.configure_backups(&nowhere, "x").await.unwrap_err()),
        Problem::Destination(_)
    ));
    assert!(manager.backup_status().await.unwrap().config.is_none());
    // No backup without a key.
    assert_eq!(problem(t.sk.backups().create(None, "x", &|_| {}).await.unwrap_err()), Problem::NotConfigured);
}

#[tokio::test]
async fn a_z_report_asks_for_a_backup() {
    let t = demo_store().await;
    sell(&t, 1).await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    manager.take_report(storekeep_domain::report::ReportKind::Z).await.unwrap();
    // The worker would wake: the signal holds a permit, and the reason names the Z.
    tokio::time::timeout(std::time::Duration::from_secs(1), t.sk.backup_signal().notified()).await.unwrap();
}

/// The sealed parts of a backup file: (offset of each part's length, its whole length).
fn parts(bytes: &[u8]) -> (usize, Vec<(usize, usize)>) {
    let header_len = u32::from_be_bytes(bytes[backup::MAGIC.len()..][..4].try_into().unwrap()) as usize;
    let body = backup::MAGIC.len() + 4 + header_len;
    let mut at = body;
    let mut found = Vec::new();
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        found.push((at, 4 + len));
        at += 4 + len;
    }
    (body, found)
}

#[tokio::test]
async fn a_part_dropped_swapped_or_repeated_in_a_large_backup_is_refused() {
    let t = demo_store().await;
    // Three MiB of padding: the backup is five parts of 1 MiB or less.
    sqlx::query("CREATE TABLE padding (b BLOB)").execute(t.sk.db().writer()).await.unwrap();
    sqlx::query("INSERT INTO padding VALUES (randomblob(3145728))")
        .execute(t.sk.db().writer())
        .await
        .unwrap();
    let dest = tempfile::tempdir().unwrap();
    let key = set_up(&t, dest.path(), 5).await;
    sell(&t, 2).await;
    let made = t.sk.backups().create(None, "test", &|_| {}).await.unwrap();
    let good = std::fs::read(&made.file).unwrap();
    let (body, found) = parts(&good);
    assert!(found.len() >= 4, "{} parts", found.len());
    let part = |i: usize| &good[found[i].0..found[i].0 + found[i].1];
    let assemble = |order: &[usize]| {
        let mut v = good[..body].to_vec();
        for &i in order {
            v.extend_from_slice(part(i));
        }
        v
    };
    let all: Vec<usize> = (0..found.len()).collect();
    let last = found.len() - 1;
    let fresh = tempfile::tempdir().unwrap();
    let file = dest.path().join("probe.bin");
    for (what, order) in [
        ("a middle part dropped", all.iter().copied().filter(|&i| i != 1).collect::<Vec<_>>()),
        ("two parts swapped", [vec![1, 0], all[2..].to_vec()].concat()),
        ("a part repeated", [all.clone(), vec![last]].concat()),
        ("the last part dropped", all[..last].to_vec()),
    ] {
        std::fs::write(&file, assemble(&order)).unwrap();
        let e = backup::restore(&file, &key, fresh.path(), Existing::Refuse, &|_| {}).await.unwrap_err();
        assert!(matches!(problem(e), Problem::Damaged(_)), "{what}");
        assert!(std::fs::read_dir(fresh.path()).unwrap().next().is_none(), "{what}: nothing left behind");
    }
    // In order, it restores.
    std::fs::write(&file, assemble(&all)).unwrap();
    backup::restore(&file, &key, fresh.path(), Existing::Refuse, &|_| {}).await.unwrap();
}

#[tokio::test]
async fn a_wal_left_behind_is_moved_aside_not_replayed_into_the_restored_store() {
    let t = demo_store().await;
    let dest = tempfile::tempdir().unwrap();
    let key = set_up(&t, dest.path(), 5).await;
    sell(&t, 2).await;
    let made = t.sk.backups().create(None, "test", &|_| {}).await.unwrap();
    // A folder where only the damaged store's WAL is left (its main file moved away by hand).
    let fresh = tempfile::tempdir().unwrap();
    let wal = fresh.path().join(format!("{}-wal", storekeep_backend::paths::DATABASE_FILE));
    std::fs::write(&wal, vec![0x37u8; 8192]).unwrap();
    let r =
        backup::restore(Path::new(&made.file), &key, fresh.path(), Existing::Refuse, &|_| {}).await.unwrap();
    assert!(!wal.exists(), "the stray WAL is not beside the restored database");
    let aside = r.moved_aside.expect("the stray WAL moved aside");
    assert!(Path::new(&format!("{aside}-wal")).exists());
    let sk =
        open_at(&fresh.path().join(storekeep_backend::paths::DATABASE_FILE), t.clock.clone()).await.unwrap();
    assert_eq!(count(&sk, "sale").await, 2);
}

#[tokio::test]
async fn retention_never_touches_another_stores_backups_on_a_shared_folder() {
    let a = demo_store().await;
    let b = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        let clock = Arc::new(FixedClock::new(a_weekday_morning()));
        let sk = open_at(&path, clock.clone()).await.unwrap();
        // Another company, the same register name.
        let identity = storekeep_domain::store::StoreIdentity::new(
            "Hörnbutiken AB",
            "556677-8899",
            "Storgatan 1, Umeå",
            "KASSA-01",
        )
        .unwrap();
        sk.init(&identity, false).await.unwrap();
        common::TestStore { sk, clock, path, dir }
    };
    let shared = tempfile::tempdir().unwrap();
    set_up(&a, shared.path(), 1).await;
    a.sk.backups().create(None, "a", &|_| {}).await.unwrap();
    // B has no staff yet: its backups are set up as A's manager would, by the system.
    let key = SecretKey::generate().unwrap();
    let config = BackupConfig {
        public_key: key.public().to_string(),
        destination: shared.path().display().to_string(),
        every_minutes: 60,
        keep: 1,
        to_hq: false,
    };
    sqlx::query("INSERT INTO setting (key, value) VALUES ('backup_config', ?)")
        .bind(serde_json::to_string(&Some(config)).unwrap())
        .execute(b.sk.db().writer())
        .await
        .unwrap();
    for _ in 0..3 {
        b.clock.advance(jiff::SignedDuration::from_mins(61));
        b.sk.backups().create(None, "b", &|_| {}).await.unwrap();
    }
    let kept: Vec<backup::Manifest> =
        files(shared.path()).iter().map(|p| backup::read_manifest(p).unwrap()).collect();
    assert_eq!(kept.iter().filter(|m| m.org_number == "556677-8899").count(), 1);
    assert_eq!(kept.iter().filter(|m| m.org_number != "556677-8899").count(), 1, "A's backup is kept");
}
