//! Clock jumps (issue 10's fault suite): the real `storekeep` binary under libfaketime, its
//! clock set to 2026-06-01 12:00, then an hour back, then forward, then back again at the Z.
//! Receipt numbers continue in sequence; the journal verifies; each backwards jump is journaled
//! exactly once (`clock_backwards`, with both times) and audited; the X and Z reports and the
//! export follow the sequence, not the time.
//!
//! Needs libfaketime (Debian package `faketime`; `make test` installs it). `FAKETIME="@…"`
//! starts the clock at that time and lets it run (no `@` would freeze it); each `storekeep` is a
//! process of its own, started at the time the test gives it. Rust's `SystemTime::now` (jiff's
//! `Timestamp::now`) reads `clock_gettime(CLOCK_REALTIME)` through libc, which libfaketime
//! replaces; the monotonic clock (tokio's timers) is left real.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_storekeep");

fn libfaketime() -> PathBuf {
    let found = std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(|d| d.ok())
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .chain([PathBuf::from("/usr/lib/faketime/libfaketime.so.1")])
        .find(|p| p.exists());
    found.expect("libfaketime is not installed: apt-get install faketime (make test installs it)")
}

/// `storekeep` with its wall clock starting at `when` (UTC).
fn at(dir: &Path, when: &str, args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STOREKEEP_DATA_DIR")
        .env("LD_PRELOAD", libfaketime())
        .env("FAKETIME", format!("@{when}"))
        .env("FAKETIME_NO_CACHE", "1")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} at {when}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn receipts_follow_the_sequence_and_each_backwards_jump_is_journaled_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let codes: Vec<String> =
        storekeep_backend::demo::catalog().into_iter().filter_map(|i| i.code).take(6).collect();
    let cashier = ["--staff", "2", "--pin", "2222"];
    let manager = ["--staff", "1", "--pin", "1111"];
    let sale = |when: &str, code: &str, pay: &[&str]| {
        let mut args = vec!["sale"];
        args.extend(cashier);
        args.push(code);
        args.extend(pay);
        args.push("--json");
        json(&at(d, when, &args))["receipt_no"].as_i64().unwrap()
    };

    at(d, "2026-06-01 09:00:00", &["init", "--demo"]);
    assert_eq!(sale("2026-06-01 12:00:00", &codes[0], &["--cash", "1000"]), 1);
    assert_eq!(sale("2026-06-01 12:00:10", &codes[1], &["--card", "rest"]), 2);
    // An hour back.
    assert_eq!(sale("2026-06-01 11:00:00", &codes[2], &["--cash", "1000"]), 3);
    assert_eq!(sale("2026-06-01 11:00:30", &codes[3], &["--cash", "1000"]), 4);
    let mut x_args = vec!["report", "x"];
    x_args.extend(cashier);
    x_args.push("--json");
    let x = json(&at(d, "2026-06-01 11:01:00", &x_args));
    // Forward, then back again at the Z.
    assert_eq!(sale("2026-06-01 12:30:00", &codes[4], &["--card", "rest"]), 5);
    let mut z_args = vec!["report", "z"];
    z_args.extend(manager);
    z_args.push("--json");
    let z = json(&at(d, "2026-06-01 12:10:00", &z_args));

    let verified = at(d, "2026-06-01 12:11:00", &["journal", "verify", "--json"]);
    let v = json(&verified);
    assert_eq!((v["sales"].as_i64(), v["reports"].as_i64()), (Some(5), Some(2)), "{v}");
    assert_eq!(v["clock_backwards"].as_i64(), Some(2), "{v}");
    assert!(v["problem"].is_null(), "{v}");
    let said = String::from_utf8(at(d, "2026-06-01 12:11:00", &["journal", "verify"]).stdout).unwrap();
    assert!(said.contains("the clock went back 2 times"), "{said}");

    let export = at(d, "2026-06-01 12:12:00", &["journal", "export", "-"]);
    let entries: Vec<Value> =
        String::from_utf8(export.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=i64::try_from(entries.len()).unwrap()).collect::<Vec<_>>(), "exported by sequence");
    // The clock really was faked: the first sale is stamped 12:00 UTC on the day.
    let kind = |e: &Value| e["kind"].as_str().unwrap().to_string();
    let sales: Vec<&Value> = entries.iter().filter(|e| kind(e) == "sale").collect();
    let time = |e: &Value| e["recorded_at"].as_str().unwrap().to_string();
    assert!(time(sales[0]).starts_with("2026-06-01T12:00:0"), "{}", time(sales[0]));
    let numbers: Vec<i64> = sales
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(e["payload"].as_str().unwrap()).unwrap()["receipt_no"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5], "receipt numbers in sequence order");
    let times: Vec<String> = sales.iter().map(|e| time(e)).collect();
    assert!(times[2] < times[1] && times[4] > times[3], "the times went back and forth: {times:?}");

    // Each jump once, just before the registration that noticed it, with both times.
    let jumps: Vec<(usize, Value)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| kind(e) == "clock_backwards")
        .map(|(i, e)| (i, serde_json::from_str(e["payload"].as_str().unwrap()).unwrap()))
        .collect();
    assert_eq!(jumps.len(), 2, "{jumps:?}");
    let (first, second) = (&jumps[0], &jumps[1]);
    assert_eq!(kind(&entries[first.0 + 1]), "sale");
    assert!(first.1["previous_at"].as_str().unwrap().starts_with("2026-06-01T12:00:1"), "{}", first.1);
    assert!(first.1["at"].as_str().unwrap().starts_with("2026-06-01T11:00:00"), "{}", first.1);
    assert_eq!(first.1["previous_at"].as_str().unwrap(), time(&entries[first.0 - 1]));
    assert_eq!(kind(&entries[second.0 + 1]), "z_report");
    assert!(second.1["previous_at"].as_str().unwrap().starts_with("2026-06-01T12:30:00"), "{}", second.1);
    assert!(second.1["at"].as_str().unwrap().starts_with("2026-06-01T12:10:00"), "{}", second.1);
    let back = first.1["back_ms"].as_i64().unwrap();
    assert!((3_600_000..3_700_000).contains(&back), "{back}");

    // The reports cover sequence ranges: the X everything up to it (four receipts, the first
    // jump inside), the Z everything (five receipts, the second jump its last entry).
    let seq_of = |i: usize| entries[i]["seq"].as_i64().unwrap();
    assert_eq!((x["from_seq"].as_i64(), x["tally"]["receipts"].as_i64()), (Some(1), Some(4)), "{x}");
    assert!(x["to_seq"].as_i64().unwrap() > seq_of(first.0));
    assert_eq!((z["from_seq"].as_i64(), z["to_seq"].as_i64()), (Some(1), Some(seq_of(second.0))), "{z}");
    assert_eq!(z["tally"]["receipts"].as_i64(), Some(5), "{z}");

    // Receipts are found by number, whatever their time.
    let r3 = json(&at(d, "2026-06-01 12:13:00", &["receipt", "show", "3", "--json"]));
    assert_eq!(r3["receipt_no"].as_i64(), Some(3));

    // Audited once per jump, with both times.
    let audit = at(d, "2026-06-01 12:14:00", &["audit", "list", "--action", "clock.", "--json"]);
    let audit = json(&audit);
    let audit = audit.as_array().unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[1]["old_value"].as_str(), first.1["previous_at"].as_str());
    assert_eq!(audit[1]["new_value"].as_str(), first.1["at"].as_str());
    println!(
        "clock jumps: {} receipts, {} entries, {} backwards jumps journaled (back {} ms and {} ms)",
        numbers.len(),
        entries.len(),
        jumps.len(),
        back,
        second.1["back_ms"]
    );
}
