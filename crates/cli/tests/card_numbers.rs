//! No card numbers anywhere (issue 10's fault suite): a realistic day through the store, then a
//! search of every byte it left for card numbers (PANs). None is found.
//!
//! The day: in the backend, with the SIMULATED terminal, a card sale online (electronic
//! receipt), one declined then paid in cash, two approved offline while the acquirer is down and
//! forwarded when it is back, Swish, card and cash split, a return to the card and one to
//! Swish, a copy as a file, an X report; then the `storekeep` binary on the same store: card
//! and Swish sales, a return to the card, receipts shown (text and JSON) and copied (PDF and
//! HTML), X and Z reports, the journal exported and verified, the audit log, the payment and
//! offline views.
//!
//! What is searched: the tracing output at trace level (in the backend, and each `storekeep`'s
//! stderr with `STOREKEEP_LOG=trace`) and its stdout; what the till hands the app (receipts,
//! outcomes, errors, reports, as JSON); everything printed (ESC/POS bytes and their text);
//! every file in the data folder (the SQLite database, its -wal and -shm as raw bytes, the
//! receipt PDFs and HTML, the copies, the export), and the PDFs' text through `pdftotext`
//! where it is installed. A PAN is 13–19 digits passing the Luhn check, written in one run or
//! in groups (first group of 4, then groups of 3–6, one space or dash between them).
//!
//! The simulated terminal answers with an authorization code and no card number at all; this
//! keeps a real adapter (or a log line) from starting to keep one unnoticed.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use storekeep_backend::devices::SimCard;
use storekeep_backend::payments::LinkHealth;
use storekeep_backend::till::{CopyOutput, PayOutcome};
use storekeep_backend::{OpenOptions, Storekeep, SystemClock, Till, demo, paths};
use storekeep_domain::report::ReportKind;
use storekeep_domain::returns::ReturnRequest;

const BIN: &str = env!("CARGO_BIN_EXE_storekeep");

// ---------------------------------------------------------------------------------------------
// The search.

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A Luhn-valid 13–19 digit number found in a stream, with what surrounds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    digits: String,
    context: String,
}

/// Every card-number-like number in `bytes`: runs of 13–19 digits, and groups (a first group of
/// 4, then groups of 3–6, joined by the same single space or dash) adding up to 13–19 digits,
/// that pass the Luhn check.
fn search(bytes: &[u8]) -> Vec<Found> {
    let mut found = Vec::new();
    let context = |from: usize, to: usize| {
        let (a, b) = (from.saturating_sub(40), (to + 40).min(bytes.len()));
        String::from_utf8_lossy(&bytes[a..b]).replace(|c: char| c.is_control(), "·")
    };
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // The groups from here: (start, end) of each digit run, joined by one separator.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut sep: Option<u8> = None;
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((start, j));
            let next_is_group = j + 1 < bytes.len()
                && matches!(bytes[j], b' ' | b'-')
                && sep.is_none_or(|s| s == bytes[j])
                && bytes[j + 1].is_ascii_digit();
            if !next_is_group {
                break;
            }
            sep = Some(bytes[j]);
            j += 1;
        }
        for &(a, b) in &groups {
            if (13..=19).contains(&(b - a)) && luhn(&bytes[a..b]) {
                found.push(Found {
                    digits: String::from_utf8_lossy(&bytes[a..b]).into(),
                    context: context(a, b),
                });
            }
        }
        for first in 0..groups.len() {
            if groups[first].1 - groups[first].0 != 4 {
                continue;
            }
            let mut digits: Vec<u8> = bytes[groups[first].0..groups[first].1].to_vec();
            for g in &groups[first + 1..] {
                if !(3..=6).contains(&(g.1 - g.0)) {
                    break;
                }
                digits.extend_from_slice(&bytes[g.0..g.1]);
                if (13..=19).contains(&digits.len()) && luhn(&digits) {
                    found.push(Found {
                        digits: String::from_utf8_lossy(&digits).into(),
                        context: context(groups[first].0, g.1),
                    });
                }
            }
        }
        i = groups.last().map_or(i + 1, |g| g.1.max(i + 1));
    }
    found
}

#[test]
fn the_search_finds_a_planted_card_number() {
    let stream = b"{\"total\":\"19.50\",\"receipt_no\":12}\x00\x01".repeat(50);
    assert!(search(&stream).is_empty());
    for (planted, expected) in [
        ("4111111111111111", "4111111111111111"),
        ("4111 1111 1111 1111", "4111111111111111"),
        ("4111-1111-1111-1111", "4111111111111111"),
        ("3782 822463 10005", "378282246310005"),       // Amex, 4-6-5
        ("4222222222222", "4222222222222"),             // 13 digits
        ("6011000990139424", "6011000990139424"),       // Discover
        ("6759649826438453", "6759649826438453"),       // Maestro
        ("4111111111111111110", "4111111111111111110"), // 19 digits
    ] {
        let mut copy = stream.clone();
        let mid = copy.len() / 2;
        copy.splice(mid..mid, format!("\x00card {planted};").bytes());
        let hits: Vec<String> = search(&copy).into_iter().map(|f| f.digits).collect();
        assert_eq!(hits, [expected], "{planted}");
    }
    // Not Luhn-valid, too short, too long: not card numbers.
    for other in ["4111111111111112", "411111111111", "41111111111111111111"] {
        let mut copy = stream.clone();
        copy.extend_from_slice(other.as_bytes());
        assert!(search(&copy).is_empty(), "{other}");
    }
}

// ---------------------------------------------------------------------------------------------
// The day.

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `storekeep` logging everything it logs; its stdout and stderr go into `streams`.
fn storekeep(dir: &Path, streams: &mut Vec<(String, Vec<u8>)>, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STOREKEEP_DATA_DIR")
        .env("STOREKEEP_LOG", "trace")
        .env("TMPDIR", dir.join("tmp"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let name = args.iter().take(3).copied().collect::<Vec<_>>().join(" ");
    streams.push((format!("stdout of storekeep {name}"), out.stdout.clone()));
    streams.push((format!("stderr of storekeep {name}"), out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn paid(outcome: PayOutcome) -> storekeep_domain::receipt::Receipt {
    match outcome {
        PayOutcome::Paid { receipt, .. } => receipt,
        PayOutcome::Open { sale } => panic!("expected a paid sale, {} left", sale.cart.remaining),
    }
}

#[test]
fn no_card_number_is_stored_logged_printed_or_exported() {
    let started_ms = jiff::Timestamp::now().as_millisecond();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    let mut streams: Vec<(String, Vec<u8>)> = Vec::new();
    storekeep(d, &mut streams, &["init", "--demo"]);
    let codes: Vec<String> = demo::catalog().into_iter().filter_map(|i| i.code).take(12).collect();

    let log = Shared::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let mut app = Vec::new(); // what the till hands the app, as JSON

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Kept open through the `storekeep` runs below, so its -wal is still there to search.
    let sk = runtime.block_on(async {
        let db = paths::database_path(d).unwrap();
        let sk = Storekeep::open(&db, OpenOptions::default(), Arc::new(SystemClock)).await.unwrap();
        let till = Till::new(sk.clone()).with_receipts_dir(d.join("receipts"));
        put(&mut app, &till.login(1, "1111").await.unwrap());
        let sims = till.devices().simulators.clone().unwrap();

        // 1: card, online, receipt as a file.
        put(&mut app, &till.set_electronic_receipt(true).await.unwrap());
        for c in &codes[0..2] {
            put(&mut app, &till.scan(c).await.unwrap());
        }
        put(&mut app, &paid(till.pay_card(None).await.unwrap()));
        // 2: declined, then cash.
        put(&mut app, &till.scan(&codes[2]).await.unwrap());
        till.simulate_card(SimCard::Decline).await.unwrap();
        let declined = till.pay_card(None).await.unwrap_err();
        app.extend_from_slice(format!("{declined} {declined:?}\n").as_bytes());
        put(&mut app, &paid(till.take_cash("1000", false).await.unwrap()));
        // 3 and 4: approved offline while the acquirer is down; forwarded when it is back, the
        // acquirer declining one.
        put(
            &mut app,
            &till
                .simulate_health(LinkHealth { acquirer_reachable: false, swish_reachable: true })
                .await
                .unwrap(),
        );
        for c in &codes[3..5] {
            put(&mut app, &till.scan(c).await.unwrap());
            put(&mut app, &paid(till.pay_card(None).await.unwrap()));
        }
        sims.terminal.decline_next_forwards(1);
        put(&mut app, &till.simulate_health(LinkHealth::default()).await.unwrap());
        put(&mut app, &till.forward_offline_now().await.unwrap());
        // 5: Swish.
        put(&mut app, &till.scan(&codes[5]).await.unwrap());
        let mut outcome = till.swish_start(None).await.unwrap();
        for _ in 0..50 {
            if matches!(outcome, PayOutcome::Paid { .. }) {
                break;
            }
            outcome = till.swish_poll().await.unwrap();
        }
        put(&mut app, &paid(outcome));
        // 6: card and cash.
        for c in &codes[6..8] {
            put(&mut app, &till.scan(c).await.unwrap());
        }
        put(&mut app, &till.pay_card(Some("10")).await.unwrap());
        put(&mut app, &paid(till.take_cash("1000", false).await.unwrap()));
        // Returns: 1 to its card, 5 to Swish.
        for n in [1, 5] {
            let plan = till.return_plan(n).await.unwrap();
            put(&mut app, &plan);
            let all: Vec<ReturnRequest> = plan
                .lines
                .iter()
                .map(|l| ReturnRequest { line: l.line, quantity: l.sold - l.returned })
                .collect();
            put(&mut app, &till.return_items(n, &all, "Kunden ångrade sig", None).await.unwrap());
        }
        put(&mut app, &till.copy_receipt(3, CopyOutput::File).await.unwrap().0);
        put(&mut app, &till.take_report(ReportKind::X).await.unwrap());
        put(&mut app, &sk.payments().offline_report().await.unwrap());
        for doc in sims.printer.documents() {
            app.extend_from_slice(storekeep_domain::escpos::text_of(&doc).as_bytes());
            streams.push(("a printed document (ESC/POS)".into(), doc));
        }
        sk
    });

    // The binary on the same store.
    let cashier = "--staff 2 --pin 2222";
    let manager = "--staff 1 --pin 1111";
    let mut run = |line: String| -> String {
        let args: Vec<&str> = line.split(' ').collect();
        storekeep(d, &mut streams, &args)
    };
    let receipt_no = |out: String| {
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["receipt_no"].as_i64().unwrap()
    };
    let n = receipt_no(run(format!("sale {cashier} {} --card rest --json", codes[8])));
    receipt_no(run(format!("sale {cashier} {} --card 5 --swish rest --json", codes[9])));
    receipt_no(run(format!("sale {cashier} {} --cash 1000 --json", codes[10])));
    run(format!("return {manager} {n} --reason Felköp"));
    run(format!("receipt show {n}"));
    run("receipt show 1 --json".into());
    let (pdf, html) = (d.join("copy.pdf"), d.join("copy.html"));
    run(format!("receipt copy {cashier} {n} --pdf {} --html {}", pdf.display(), html.display()));
    run(format!("report x {cashier} --json"));
    run(format!("report x {cashier}"));
    run(format!("report z {manager}"));
    run(format!("journal export {}", d.join("export.jsonl").display()));
    run("journal export -".into());
    run("journal verify".into());
    run("audit list --limit 1000 --json".into());
    run("payments offline --json".into());
    run("payments show --json".into());
    run("status --json".into());
    let ended_ms = jiff::Timestamp::now().as_millisecond();

    // Every file the store left, while the backend still has the database open.
    let mut files = Vec::new();
    files_under(d, &mut files);
    let mut pdfs = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        if f.extension().is_some_and(|e| e == "pdf") {
            pdfs += 1;
            if let Ok(out) = Command::new("pdftotext").arg(f).arg("-").output()
                && out.status.success()
            {
                streams.push((format!("text of {}", f.display()), out.stdout));
            }
        }
        streams.push((f.display().to_string(), bytes));
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert!(names.iter().any(|n| n.ends_with("-wal")), "the -wal is searched too: {names:?}");
    assert!(pdfs >= 3, "receipt files were written: {names:?}");
    drop(sk);
    let traced = log.0.lock().unwrap().clone();
    assert!(String::from_utf8_lossy(&traced).contains("sale registered"), "the backend's log is searched");
    streams.push(("the backend's tracing output".into(), traced));
    streams.push(("what the till handed the app".into(), app));

    // Numbers that are in the data legitimately and are not card numbers. Each is named
    // exactly, nothing by pattern.
    // - The catalog's article numbers (EAN-13/EAN-8/UPC, GS1): known from the catalog file;
    //   some pass the Luhn check by chance (it is a different check digit).
    // - The till's own payment references, `KASSA-01-1795889736074-0`: the register, the time
    //   in milliseconds since 1970 and a counter. The time is 13 digits and passes the Luhn
    //   check one time in ten; only a time within this test's run, between dashes, is let by.
    let catalog: BTreeSet<String> = demo::catalog().into_iter().filter_map(|i| i.code).collect();
    let mut candidates = 0;
    let mut excluded: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut left = Vec::new();
    let mut bytes_searched = 0;
    for (name, bytes) in &streams {
        bytes_searched += bytes.len();
        for f in search(bytes) {
            candidates += 1;
            let why = if catalog.contains(&f.digits) {
                Some("a catalog article number (EAN/GTIN)")
            } else if f.digits.len() == 13
                && f.digits.parse::<i64>().is_ok_and(|ms| (started_ms..=ended_ms).contains(&ms))
                && f.context.contains(&format!("-{}-", f.digits))
            {
                Some("the time in a till payment reference (REGISTER-milliseconds-n)")
            } else {
                None
            };
            match why {
                Some(w) => *excluded.entry(w).or_default() += 1,
                None => left.push(format!("{name}: {} in …{}…", f.digits, f.context)),
            }
        }
    }
    println!(
        "card numbers: {} streams ({} files), {bytes_searched} bytes searched; {candidates} Luhn-valid 13–19 digit numbers, excluded {excluded:?}, {} left",
        streams.len(),
        files.len(),
        left.len()
    );
    assert!(left.is_empty(), "card numbers found:\n{}", left.join("\n"));
}

/// What the till returns, as the app receives it.
fn put(app: &mut Vec<u8>, v: &impl serde::Serialize) {
    app.extend_from_slice(serde_json::to_string(v).unwrap().as_bytes());
    app.push(b'\n');
}
