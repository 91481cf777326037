//! A damaged database file (issue 10's fault suite): bytes changed in the file itself are
//! found when the store opens, and it refuses to open (so nothing is sold on it) with words
//! that say what is wrong and to restore from a backup. SQLite's quick check finds a damaged
//! page; the check of the journal's tail at every start finds a changed byte inside a
//! registration, which the quick check cannot see.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{a_weekday_morning, articles, logged_in, open_at};
use storekeep_backend::{Error, FixedClock, demo};

/// A demo store with `sales` cash sales, closed (its WAL folded into the file); its path.
async fn closed_store(dir: &std::path::Path, sales: usize) -> std::path::PathBuf {
    let path = dir.join("store.sqlite3");
    let sk = open_at(&path, Arc::new(FixedClock::new(a_weekday_morning()))).await.unwrap();
    sk.init(&demo::identity(), true).await.unwrap();
    let till = logged_in(&sk).await;
    for _ in 0..sales {
        till.scan(&articles(1)[0].0).await.unwrap();
        till.pay_cash("500").await.unwrap();
    }
    drop(till);
    sk.db().close().await;
    assert!(
        !dir.join("store.sqlite3-wal").exists()
            || std::fs::metadata(dir.join("store.sqlite3-wal")).unwrap().len() == 0
    );
    path
}

async fn open_error(path: &std::path::Path) -> Error {
    match open_at(path, Arc::new(FixedClock::new(a_weekday_morning()))).await {
        Ok(_) => panic!("a damaged store opened"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn a_changed_byte_inside_a_registration_is_found_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_store(dir.path(), 12).await;
    let mut bytes = std::fs::read(&path).unwrap();
    // The last sale's receipt number, inside its journal payload: 12 becomes 13.
    let needle = br#""receipt_no":12"#;
    let at = bytes.windows(needle.len()).rposition(|w| w == needle).expect("the payload is in the file");
    bytes[at + needle.len() - 1] = b'3';
    std::fs::write(&path, &bytes).unwrap();

    let e = open_error(&path).await;
    let Error::Corrupt { detail, .. } = &e else { panic!("{e:?}") };
    assert!(detail.contains("damaged at entry"), "{detail}");
    assert!(e.to_string().contains("Restore it from a backup"), "{e}");
    let sv = storekeep_backend::swedish::swedish(&e);
    assert!(sv.to_lowercase().contains("skadad") || sv.to_lowercase().contains("återställ"), "{sv}");
}

#[tokio::test]
async fn a_damaged_page_is_found_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_store(dir.path(), 3).await;
    let mut bytes = std::fs::read(&path).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    // Page 2 holds a table's b-tree (the first created): its header overwritten.
    for b in &mut bytes[page..page + 12] {
        *b = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = open_error(&path).await;
    assert!(matches!(e, Error::Corrupt { .. }), "{e:?}");
}

#[tokio::test]
async fn an_undamaged_store_opens_after_the_tail_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_store(dir.path(), 5).await;
    let sk = open_at(&path, Arc::new(FixedClock::new(a_weekday_morning()))).await.unwrap();
    assert!(sk.journal().verify().await.unwrap().problem.is_none());
}
