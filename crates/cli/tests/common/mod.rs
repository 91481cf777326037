//! What the crash and power-loss tests share: the real binary on a data folder, and a small
//! seeded generator for the moments they cut in.
#![allow(dead_code)]
// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

/// Runs `storekeep --data-dir DIR ARGS…` and requires it to succeed.
pub fn storekeep(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_storekeep"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STOREKEEP_DATA_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A small generator, seeded from the clock and printed, so a failing run can be repeated.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
