//! I/O errors (issue 10's fault suite): `strace` makes the kernel fail one `fsync`/`fdatasync`
//! or one `pwrite64` of a `storekeep sale` with EIO, at every point such a call happens in a
//! sale, one run each. Whatever fails: the journal still verifies (nothing corrupted); a receipt
//! printed is a receipt held; and a sale the cashier was told failed is never silently there:
//! if a failed run's sale turns up afterwards (its commit frames reached the WAL before the sync
//! failed), the message said it may have been saved, never "Nothing was saved". A sale cut off
//! after its payment was taken stays open and whole, and `storekeep pay` completes it.
//!
//! Needs `strace` (make test installs it) and a kernel that lets it trace; where it cannot, the
//! test says it was skipped.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_storekeep");

fn storekeep(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).arg("--data-dir").arg(dir).args(args).env_remove("STOREKEEP_DATA_DIR").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Receipts held, from `journal verify`, which must find the chain intact.
fn held(dir: &Path, context: &str) -> u64 {
    let out = storekeep(dir, &["journal", "verify"]);
    let said = text(&out.stdout);
    assert!(out.status.success() && said.contains("chain intact"), "{context}: {said}{}", text(&out.stderr));
    said.split(" receipts").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap()
}

fn sale_args(code: &str) -> Vec<String> {
    ["sale", "--staff", "2", "--pin", "2222", "--cash", "500", code].map(String::from).to_vec()
}

/// `storekeep sale` under strace, failing the `nth` call of `calls` with EIO (`nth` 0: none,
/// and the calls are logged to `log`).
fn traced_sale(dir: &Path, code: &str, calls: &str, nth: usize, log: &Path) -> Output {
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-o"]).arg(log).arg(format!("--trace={calls}"));
    if nth > 0 {
        cmd.arg(format!("--inject={calls}:error=EIO:when={nth}"));
    }
    cmd.arg(BIN).arg("--data-dir").arg(dir).args(sale_args(code)).env_remove("STOREKEEP_DATA_DIR");
    cmd.output().unwrap()
}

#[test]
fn a_failed_write_or_sync_corrupts_nothing_and_never_hides_a_saved_sale() {
    let probe = Command::new("strace").args(["-o", "/dev/null", "true"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: strace cannot trace here: {probe:?}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(storekeep(d, &["init", "--demo"]).status.success());
    assert!(
        storekeep(d, &["hours", "open-now", "--staff", "1", "--pin", "1111", "--reason", "I/O-test"])
            .status
            .success()
    );
    let code = storekeep_backend::demo::catalog().into_iter().find_map(|i| i.code).unwrap();
    let log = d.join("strace.log");

    let (mut runs, mut failed, mut uncertain_and_saved, mut finished) = (0, 0, 0, 0);
    for calls in ["fsync,fdatasync", "pwrite64"] {
        // How many such calls one sale makes.
        let out = traced_sale(d, &code, calls, 0, &log);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let count = std::fs::read_to_string(&log).unwrap().lines().filter(|l| l.contains(" = ")).count();
        assert!(count > 0, "no {calls} in a sale?");
        // Every sync; writes: the last ten (the commit's frames and header) and every fifth
        // before them, to keep the run short.
        let points: Vec<usize> = (1..=count).filter(|n| *n + 10 > count || n % 5 == 1).collect();
        for nth in points {
            let before = held(d, "before");
            let out = traced_sale(d, &code, calls, nth, &log);
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            let after = held(d, &format!("after failing {calls} #{nth}"));
            runs += 1;
            if out.status.success() {
                assert!(stdout.contains("Kvitto nr"), "{calls} #{nth}: {stdout}");
                assert_eq!(after, before + 1, "{calls} #{nth}: a printed receipt is held");
                continue;
            }
            failed += 1;
            assert!(!stdout.contains("Kvitto nr"), "{calls} #{nth}: failed, yet printed a receipt");
            assert!(after == before || after == before + 1, "{calls} #{nth}: {before} -> {after}");
            if after == before + 1 {
                uncertain_and_saved += 1;
                assert!(
                    stderr.contains("may or may not have been saved")
                        && !stderr.contains("Nothing was saved"),
                    "{calls} #{nth}: the sale was saved, and the cashier was told: {stderr}"
                );
            } else {
                assert!(stderr.lines().any(|l| l.starts_with("storekeep: ")), "{calls} #{nth}: {stderr}");
            }
            // A sale cut off after its cash was taken stays open, whole; the cashier finishes
            // it (the next sale would be refused until then).
            let finish = storekeep(d, &["pay", "--staff", "2", "--pin", "2222", "--cash", "500"]);
            if finish.status.success() {
                assert!(text(&finish.stdout).contains("Kvitto nr"));
                assert_eq!(held(d, "after finishing"), after + 1, "{calls} #{nth}: the open sale completed");
                finished += 1;
            }
        }
    }
    println!(
        "{runs} runs with one failed call: {failed} failed clearly, {uncertain_and_saved} of them saved after all (and said so), {finished} left an open sale the next `pay` completed"
    );
    assert!(failed > 0, "no injected failure was ever noticed");
}
