//! Power loss (issue 10's fault suite): kill -9 keeps the operating system's page cache, so a
//! write SQLite never synced still reaches the disk; a power cut does not. Here the selling
//! child (`storekeep crash-loop`, which prints `receipt N` only after the sale's commit) runs
//! with a small C library preloaded (`tests/power_loss/shim.c`, built with `cc`) that wraps
//! `fsync`/`fdatasync` and keeps, in a shadow folder, what each sync made durable. After a
//! SIGKILL at a random moment the data folder is put back to what the disk would hold after a
//! power cut, and the store must open with every printed receipt, no gap in the receipt
//! numbers and a journal that verifies: nothing committed with `synchronous=FULL` is lost.
//!
//! The model of the disk (strict POSIX, nothing reaches it unless synced):
//! - a file's content is what it was at its last successful `fsync`/`fdatasync` (all of it,
//!   length too); every write after that is dropped whole, even ones the page cache held;
//! - a name in the folder exists only if it was there at the last sync of the folder itself;
//!   such a name whose file was never synced comes back empty;
//! - `sync`, `syncfs`, `msync` are not modelled, and the test fails if the child calls them.
//!
//! It does not model a disk that persists some unsynced writes (torn or reordered pages),
//! `O_SYNC` files, or a disk that lies about flushes. That last one is the negative control:
//! with syncs that record nothing ("lie"), or a folder sync that records nothing ("lie-dir":
//! the new WAL's name never reaches the disk), the same check must find printed receipts
//! missing, so the honest run cannot pass by checking nothing.
//!
//! After most cuts the next child starts on exactly what the cut left (SQLite recovers the WAL,
//! which grows across cuts and is checkpointed now and then) and the check looks at a copy.
//! Every fifth time the store is checked in place and closed cleanly, and the whole folder is
//! then taken as durable (a clean shutdown and `sync`): the WAL is gone, so the next child
//! creates a new one and must sync the folder for its name to survive. The first cut comes
//! right after `init`, and the PINs it set must still work.
//!
//! Cycles: `STOREKEEP_POWER_CYCLES` (40 by default).

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use storekeep_backend::{OpenOptions, Storekeep, SystemClock};

mod common;
use common::{Lcg, storekeep};

const BIN: &str = env!("CARGO_BIN_EXE_storekeep");

/// Builds the preloaded library with the C compiler (`cc`, from build-essential).
fn build_shim() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/power_loss/shim.c");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("powerloss-shim.so");
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&out)
        .arg(&source)
        .arg("-ldl")
        .output()
        .unwrap_or_else(|e| panic!("the power-loss test needs a C compiler (cc): {e}"));
    assert!(built.status.success(), "cc {}: {}", source.display(), String::from_utf8_lossy(&built.stderr));
    out
}

/// The disk as the test sees it: the data folder and the shadow of what was made durable.
struct Disk {
    data: PathBuf,
    shadow: PathBuf,
}

fn names(dir: &Path) -> BTreeSet<String> {
    // Files only: subfolders (`public/`, the door sign) are outside the model.
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().into_string().unwrap())
        .collect()
}

impl Disk {
    /// A clean shutdown and `sync`: everything in the folder now is durable.
    fn settle(&self) {
        for name in names(&self.shadow).into_iter().filter(|n| !n.starts_with('.')) {
            std::fs::remove_file(self.shadow.join(name)).unwrap();
        }
        let present = names(&self.data);
        for name in &present {
            std::fs::copy(self.data.join(name), self.shadow.join(name)).unwrap();
        }
        let list: String = present.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(self.shadow.join(".names"), list).unwrap();
    }

    /// The power cut: the folder becomes what the disk holds. Returns the files whose content
    /// or existence this changed (what the page cache held and the disk did not).
    fn cut_power(&self) -> Vec<String> {
        // No sync of the folder yet: no name in it is durable.
        let durable: BTreeSet<String> = std::fs::read_to_string(self.shadow.join(".names"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect();
        let mut changed = Vec::new();
        for name in names(&self.data).union(&durable) {
            let now = std::fs::read(self.data.join(name)).ok();
            let kept =
                durable.contains(name).then(|| std::fs::read(self.shadow.join(name)).unwrap_or_default());
            if now != kept {
                changed.push(name.clone());
            }
            match kept {
                Some(bytes) => std::fs::write(self.data.join(name), bytes).unwrap(),
                None => std::fs::remove_file(self.data.join(name)).unwrap(),
            }
        }
        changed
    }

    /// A copy of the data folder's files, to check without changing what the next child finds.
    fn copy(&self) -> PathBuf {
        let copy = self.shadow.parent().unwrap().join("check");
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir(&copy).unwrap();
        for name in names(&self.data) {
            std::fs::copy(self.data.join(&name), copy.join(&name)).unwrap();
        }
        copy
    }

    /// The syncs the shim saw since the last call.
    fn take_log(&self) -> Syncs {
        let path = self.shadow.join(".log");
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = std::fs::remove_file(&path);
        let count = |p: &str| log.lines().filter(|l| l.starts_with(p)).count();
        let other: Vec<String> = log.lines().filter(|l| l.starts_with("other ")).map(String::from).collect();
        assert!(other.is_empty(), "syncs the model does not cover: {other:?}");
        Syncs {
            wal: count("F storekeep.sqlite3-wal "),
            database: count("F storekeep.sqlite3 "),
            files: count("F "),
            folder: count("D "),
        }
    }
}

/// Syncs seen by the shim: of the WAL, of the database file, of any file, of the folder.
#[derive(Default, Debug)]
struct Syncs {
    wal: usize,
    database: usize,
    files: usize,
    folder: usize,
}

impl std::ops::AddAssign for Syncs {
    fn add_assign(&mut self, o: Syncs) {
        self.wal += o.wal;
        self.database += o.database;
        self.files += o.files;
        self.folder += o.folder;
    }
}

/// What the store holds after a power cut.
struct Held {
    receipts: usize,
    lost: Vec<i64>,
}

async fn check(dir: &Path, acknowledged: &BTreeSet<i64>, cut: &str) -> Held {
    let sk = Storekeep::open(&dir.join("storekeep.sqlite3"), OpenOptions::default(), Arc::new(SystemClock))
        .await
        .unwrap_or_else(|e| panic!("after power cut {cut}, the store does not open: {e}"));
    let receipts: Vec<i64> = sqlx::query_scalar("SELECT receipt_no FROM sale ORDER BY receipt_no")
        .fetch_all(sk.db().reader())
        .await
        .unwrap();
    let held: BTreeSet<i64> = receipts.iter().copied().collect();
    let lost: Vec<i64> = acknowledged.difference(&held).copied().collect();
    let expected: Vec<i64> = (1..=receipts.len() as i64).collect();
    assert_eq!(receipts, expected, "after power cut {cut}: the receipt numbers have a gap");
    let verification = sk.journal().verify().await.unwrap();
    assert!(verification.problem.is_none(), "after power cut {cut}: {:?}", verification.problem);
    assert_eq!(
        verification.sales as usize,
        receipts.len(),
        "after power cut {cut}: journal and sales disagree"
    );
    sk.db().close().await;
    Held { receipts: receipts.len(), lost }
}

/// One child selling under the shim for `ms`, then SIGKILL; the receipts it printed.
async fn sell_then_kill(disk: &Disk, shim: &Path, mode: &str, ms: u64) -> Vec<i64> {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(&disk.data)
        .args(["crash-loop", "--staff", "2", "--pin", "2222"])
        .env_remove("STOREKEEP_DATA_DIR")
        .env("LD_PRELOAD", shim)
        .env("POWERLOSS_DATA", &disk.data)
        .env("POWERLOSS_SHADOW", &disk.shadow)
        .env("POWERLOSS_MODE", mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader =
        std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<_>>());
    tokio::time::sleep(Duration::from_millis(ms)).await;
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        panic!("the selling child stopped by itself ({status}): {err}");
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader
        .join()
        .unwrap()
        .iter()
        .filter_map(|l| l.strip_prefix("receipt "))
        .map(|n| n.parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_committed_is_lost_to_a_power_cut() {
    let cycles: usize =
        std::env::var("STOREKEEP_POWER_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    println!("seed {seed}");
    let mut rng = Lcg(seed);
    let shim = build_shim();
    let root = tempfile::tempdir().unwrap();
    // Canonical: the shim compares it with the paths the kernel reports for descriptors.
    let disk =
        Disk { data: root.path().canonicalize().unwrap().join("data"), shadow: root.path().join("shadow") };
    std::fs::create_dir(&disk.data).unwrap();
    std::fs::create_dir(&disk.shadow).unwrap();
    // The first power cut comes right after `init`, under the shim: the store must still open
    // and the PINs it set must still work (they are hashed with `pepper.key`, beside the
    // database: a key whose name never reached the disk would lock every cashier out).
    let init = Command::new(BIN)
        .arg("--data-dir")
        .arg(&disk.data)
        .args(["init", "--demo"])
        .env_remove("STOREKEEP_DATA_DIR")
        .env("LD_PRELOAD", &shim)
        .env("POWERLOSS_DATA", &disk.data)
        .env("POWERLOSS_SHADOW", &disk.shadow)
        .output()
        .unwrap();
    assert!(init.status.success(), "init: {}", String::from_utf8_lossy(&init.stderr));
    let after_init = disk.cut_power();
    println!("init: syncs {:?}; the power cut changed {after_init:?}", disk.take_log());
    storekeep(
        &disk.data,
        &["hours", "open-now", "--staff", "1", "--pin", "1111", "--reason", "Strömavbrott-test"],
    );
    disk.settle();

    let started = Instant::now();
    let mut acknowledged = BTreeSet::new();
    let (mut held, mut dropped, mut syncs) = (0, 0, Syncs::default());
    for cut in 1..=cycles {
        let printed = sell_then_kill(&disk, &shim, "honest", 100 + rng.below(700)).await;
        acknowledged.extend(printed);
        let changed = disk.cut_power();
        // The write-ahead log or the database lost writes the page cache held.
        if changed.iter().any(|n| !n.ends_with("-shm")) {
            dropped += 1;
        }
        syncs += disk.take_log();
        // Mostly the next child starts on what the cut left (SQLite recovers the WAL, which
        // grows across cuts and gets checkpointed), and the check looks at a copy; every fifth
        // time the store is checked in place and closed cleanly (the WAL is checkpointed and
        // deleted, so the next child creates a new one and must sync the folder for its name).
        let clean = cut % 5 == 0 || cut == cycles;
        let now = if clean {
            check(&disk.data, &acknowledged, &format!("{cut}")).await
        } else {
            check(&disk.copy(), &acknowledged, &format!("{cut}")).await
        };
        assert!(
            now.lost.is_empty(),
            "after power cut {cut}: receipts printed but not in the store: {:?}",
            now.lost
        );
        held = now.receipts;
        if clean {
            disk.settle();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{cycles} power cuts in {elapsed:.1} s: {} receipts printed, {held} held; the shim saw {} syncs of the WAL, {} of the database, {} of other files and {} of the folder; {dropped} cuts dropped unsynced writes to the database or its WAL",
        acknowledged.len(),
        syncs.wal,
        syncs.database,
        syncs.files - syncs.wal - syncs.database,
        syncs.folder
    );
    assert!(acknowledged.len() >= cycles, "the children sold too little for the test to mean anything");
    assert!(syncs.wal >= acknowledged.len(), "the shim saw fewer syncs than commits: is it interposing?");
    assert!(syncs.folder > 0, "SQLite never synced the folder: the new WAL's name would not survive");
    assert!(dropped > 0, "no power cut ever dropped a write: the cuts tested nothing");

    // The negative controls: the same check on a disk that lies must find receipts missing.
    for mode in ["lie", "lie-dir"] {
        let mut printed_here = 0;
        let mut lost = Vec::new();
        for attempt in 1..=5 {
            let printed = sell_then_kill(&disk, &shim, mode, 400 + rng.below(400)).await;
            printed_here += printed.len();
            acknowledged.extend(printed);
            disk.cut_power();
            disk.take_log();
            let now = check(&disk.data, &acknowledged, &format!("{mode} {attempt}")).await;
            // Lost receipts are sold again under the same numbers: forget them, or they would
            // count as held.
            acknowledged.retain(|n| *n <= now.receipts as i64);
            lost.extend(now.lost);
            disk.settle();
            if !lost.is_empty() {
                break;
            }
        }
        println!("control {mode}: {printed_here} receipts printed, {} of them lost", lost.len());
        assert!(!lost.is_empty(), "control {mode}: a lying disk lost nothing, so the check is blind");
    }
}
