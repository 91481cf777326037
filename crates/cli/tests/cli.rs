//! The `storekeep` binary as a script would use it.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use storekeep_backend::demo;
use storekeep_domain::barcode::with_check_digit;

fn storekeep(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_storekeep"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STOREKEEP_DATA_DIR")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn init_sell_show_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let out = storekeep(dir.path(), &["init", "--demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2184 items"), "{}", text(&out.stdout));

    let items = demo::catalog();
    let (a, b) = (&items[0], &items[1]);
    let out = storekeep(
        dir.path(),
        &[
            "sale",
            "--staff",
            "2",
            "--pin",
            "2222",
            a.code.as_deref().unwrap(),
            b.code.as_deref().unwrap(),
            "--cash",
            "200",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(receipt["receipt_no"], 1);
    assert_eq!(receipt["total"], (a.price + b.price).to_string(), "money is a string");
    assert_eq!(receipt["lines"].as_array().unwrap().len(), 2);
    assert_eq!(receipt["cashier"], "Erik Berg");

    let out = storekeep(dir.path(), &["receipt", "show", "1"]);
    assert!(out.status.success());
    let printed = text(&out.stdout);
    assert!(printed.contains("Demobutiken Storekeep AB") && printed.contains(&a.name), "{printed}");

    let out = storekeep(dir.path(), &["journal", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 entries, 1 receipts in an unbroken series"));
}

#[test]
fn refusals_exit_non_zero_with_a_plain_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = with_check_digit("739999999999");
    let out = storekeep(dir.path(), &["sale", "--staff", "2", "--pin", "2222", &unknown, "--cash", "10"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("No store is set up"), "{}", text(&out.stderr));

    storekeep(dir.path(), &["init", "--demo"]);
    let first = demo::catalog()[0].code.clone().unwrap();
    let code = &first;
    let out = storekeep(dir.path(), &["sale", "--staff", "2", "--pin", "2222", code, "--cash", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("less than"), "{}", text(&out.stderr));

    let out = storekeep(dir.path(), &["sale", "--staff", "2", "--pin", "2222", &unknown, "--cash", "100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&format!("No item has the code {unknown}")), "{}", text(&out.stderr));

    // 730000000000 has check digit 4, so …0 is a misread.
    let out = storekeep(
        dir.path(),
        &["sale", "--staff", "2", "--pin", "2222", code, "7300000000000", "--cash", "100"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("wrong check digit"), "{}", text(&out.stderr));

    let out = storekeep(dir.path(), &["receipt", "show", "1"]);
    assert_eq!(out.status.code(), Some(1), "nothing was registered");

    let out = storekeep(
        dir.path(),
        &["init", "--company", "X AB", "--org-number", "123", "--address", "A", "--register", "K"],
    );
    assert_eq!(out.status.code(), Some(1));

    let out = storekeep(dir.path(), &["sale"]);
    assert_eq!(out.status.code(), Some(2), "usage errors are 2");
}

#[test]
fn a_broken_chain_fails_verification_and_names_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    storekeep(dir.path(), &["init", "--demo"]);
    let code = demo::catalog()[0].code.clone().unwrap();
    for _ in 0..3 {
        assert!(
            storekeep(dir.path(), &["sale", "--staff", "2", "--pin", "2222", &code, "--cash", "100"])
                .status
                .success()
        );
    }
    // Someone with the file back-dates the second sale, working around the append-only trigger.
    let db = dir.path().join("storekeep.sqlite3");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        sqlx::query("DROP TRIGGER journal_no_update").execute(&mut c).await.unwrap();
        sqlx::query("UPDATE journal SET recorded_at = '2020-01-01T00:00:00Z' WHERE seq = 2")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    let out = storekeep(dir.path(), &["journal", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("sequence 2"), "{}", text(&out.stderr));
}

#[test]
fn staff_and_audit_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = storekeep(
        dir.path(),
        &[
            "init",
            "--company",
            "Hörnet AB",
            "--org-number",
            "559412-3456",
            "--address",
            "Torget 2, Uppsala",
            "--register",
            "K1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The first manager needs no login; after that only a manager adds people.
    let out =
        storekeep(dir.path(), &["staff", "add", "--name", "Lena", "--role", "manager", "--new-pin", "4321"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out =
        storekeep(dir.path(), &["staff", "add", "--name", "Omar", "--role", "cashier", "--new-pin", "5555"]);
    assert_eq!(out.status.code(), Some(1), "a second person needs a manager");
    let out = storekeep(
        dir.path(),
        &[
            "staff",
            "add",
            "--name",
            "Omar",
            "--role",
            "cashier",
            "--new-pin",
            "5555",
            "--staff",
            "1",
            "--pin",
            "4321",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = storekeep(
        dir.path(),
        &[
            "staff",
            "add",
            "--name",
            "Pia",
            "--role",
            "cashier",
            "--new-pin",
            "6666",
            "--staff",
            "2",
            "--pin",
            "5555",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("may not manage_staff"), "{}", text(&out.stderr));
    let out = storekeep(
        dir.path(),
        &["staff", "disable", "2", "--reason", "Slutat", "--staff", "1", "--pin", "9999"],
    );
    assert!(text(&out.stderr).contains("Wrong PIN"), "{}", text(&out.stderr));
    let out = storekeep(
        dir.path(),
        &["staff", "disable", "2", "--reason", "Slutat", "--staff", "1", "--pin", "4321"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&storekeep(dir.path(), &["staff", "list"]).stdout);
    assert!(listed.contains("Omar (disabled)") && listed.contains("Lena"), "{listed}");

    let out = storekeep(dir.path(), &["audit", "list", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> =
        entries.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["staff.disable", "login.failed", "manage_staff", "staff.create", "staff.create_first_manager"]
    );
    assert_eq!(entries[0]["reason"], "Slutat");
    let out = storekeep(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("5 entries, chain intact"));
}

#[test]
fn catalog_import_and_find_and_a_sale_with_every_tender() {
    let dir = tempfile::tempdir().unwrap();
    storekeep(dir.path(), &["init", "--demo"]);
    let file = dir.path().join("prices.csv");
    let code = with_check_digit("731234567890");
    std::fs::write(
        &file,
        format!("code;plu;name;price;sold_by;vat_category\n{code};;Julmust 1,4 l;24,90;each;food\n"),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = storekeep(dir.path(), &["catalog", "import", "--staff", "2", "--pin", "2222", f]);
    assert_eq!(out.status.code(), Some(1), "a cashier may not import");
    let out = storekeep(dir.path(), &["catalog", "import", "--staff", "1", "--pin", "1111", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 added"), "{}", text(&out.stdout));

    std::fs::write(
        &file,
        "code;plu;name;price;sold_by;vat_category\n7310000000000;;Fel;1;each;food\n;;;x;each;food\n",
    )
    .unwrap();
    let out = storekeep(dir.path(), &["catalog", "import", "--staff", "1", "--pin", "1111", f]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("nothing was imported") && err.contains("row 2") && err.contains("row 3"), "{err}");

    let out = storekeep(dir.path(), &["catalog", "find", "julmust"]);
    assert!(text(&out.stdout).contains("Julmust 1,4 l"), "{}", text(&out.stdout));
    let out = storekeep(dir.path(), &["catalog", "find", "4011"]);
    assert!(text(&out.stdout).lines().next().unwrap().contains("Banan"), "{}", text(&out.stdout));

    // 24,90 + 1,000 kg bananas 24,90 + 2 buns 30,00 = 79,80; 10 % off = 71,82.
    let sell = |extra: &[&str]| {
        let mut args = vec!["sale", "--staff", "2", "--pin", "2222", &code, "plu:4011@1,000", "plu:101*2"];
        args.extend_from_slice(extra);
        args.push("--json");
        storekeep(dir.path(), &args)
    };
    let out = sell(&[
        "--discount",
        "10%:Stamkund",
        "--voucher",
        "PRESENT-100:20",
        "--card",
        "30",
        "--swish",
        "10",
        "--cash",
        "20",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(receipt["total"], "71.82");
    let labels: Vec<&str> =
        receipt["payments"].as_array().unwrap().iter().map(|p| p["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Presentkort", "Kort", "Swish", "Kontant"]);
    assert_eq!(receipt["rounding"], "0.18", "only the cash rest, 11,82, is rounded to 12");

    let out = sell(&["--card", "10"]);
    assert_eq!(out.status.code(), Some(1), "payments that do not cover the sale register nothing");
    assert!(text(&out.stderr).contains("storekeep pay"), "{}", text(&out.stderr));
    let out = sell(&["--cash", "100"]);
    assert_eq!(out.status.code(), Some(1), "the open sale is finished first");
    let out = storekeep(dir.path(), &["pay", "--staff", "2", "--pin", "2222", "--cash", "100", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(receipt["payments"][0]["amount"], "10.00");
    assert_eq!(receipt["receipt_no"], 2);

    let out = sell(&["--card", "rest", "--cash", "100"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--cash 100 was not used"), "{}", text(&out.stderr));
    let out = storekeep(dir.path(), &["journal", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn payments_switched_from_the_command_line_hold_at_the_till_and_scan_and_pay_files_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    assert!(storekeep(dir.path(), &["init", "--demo"]).status.success());
    let manager = ["--staff", "1", "--pin", "1111"];
    for method in ["card_online", "card_offline"] {
        let mut args = vec![
            "payments",
            "set",
            "--method",
            method,
            "--availability",
            "disabled",
            "--reason",
            "Kortinlösaren nere",
        ];
        args.extend(manager);
        let out = storekeep(dir.path(), &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = storekeep(dir.path(), &["payments", "show"]);
    assert!(
        text(&out.stdout).contains("I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort"),
        "{}",
        text(&out.stdout)
    );
    let code = demo::catalog()[0].code.clone().unwrap();
    let out = storekeep(dir.path(), &["sale", "--staff", "2", "--pin", "2222", &code, "--card", "rest"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("Take Cash, Swish, Gift voucher instead"), "{}", text(&out.stderr));
    let sign = dir.path().join("sign.pdf");
    assert!(storekeep(dir.path(), &["payments", "sign", sign.to_str().unwrap()]).status.success());
    assert!(std::fs::read(&sign).unwrap().starts_with(b"%PDF-"));

    let file = dir.path().join("app.json");
    std::fs::write(
        &file,
        r#"{"format": "storekeep-scan-and-pay/1", "purchases": [{"id": "SP-1", "completed_at": "2026-01-01T10:00:00Z",
           "app_receipt": "A-1", "lines": [{"name": "Bröd", "quantity": "1", "unit_price": "35.00", "vat_rate": "12", "line_total": "35.00"}],
           "total": "35.00", "payment": {"provider": "swish", "reference": "R-1"}}]}"#,
    )
    .unwrap();
    let mut args = vec!["scan-and-pay", "import"];
    args.extend(manager);
    args.push(file.to_str().unwrap());
    let out = storekeep(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 purchases recorded"), "{}", text(&out.stdout));
    let mut args = vec!["scan-and-pay", "list", "--date", "2026-01-01"];
    args.extend(manager);
    assert!(text(&storekeep(dir.path(), &args).stdout).contains("SP-1"));
    assert!(storekeep(dir.path(), &["journal", "verify"]).status.success());
}

/// HQ makes a key, the store pins it, HQ seals a notice; island mode refuses it and the
/// command line says why; out of island mode it is applied, and a forged one is refused.
#[test]
fn remote_envelopes_and_island_mode_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let hq = tempfile::tempdir().unwrap();
    assert!(storekeep(dir.path(), &["init", "--demo"]).status.success());
    let key = hq.path().join("hq.key");
    let out = storekeep(hq.path(), &["remote", "keygen", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let public = text(&out.stdout).trim().to_string();
    assert_eq!(public.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let manager = ["--staff", "1", "--pin", "1111"];
    let pin = [
        &["remote", "pin"][..],
        &manager,
        &["--public-key", &public, "--store-id", "butik-1", "--reason", "HK"],
    ]
    .concat();
    assert!(storekeep(dir.path(), &pin).status.success());

    let body = hq.path().join("notice.json");
    std::fs::write(
        &body,
        r#"{"command":"set_notice","sv":"Endast kontanter","en":"Cash only","reason":"HK"}"#,
    )
    .unwrap();
    let sealed = hq.path().join("notice.env");
    let seal = |counter: &str| {
        let args = [
            "remote",
            "seal",
            "--key",
            key.to_str().unwrap(),
            "--store-id",
            "butik-1",
            "--counter",
            counter,
            "--kind",
            "command",
            body.to_str().unwrap(),
            "--out",
            sealed.to_str().unwrap(),
        ];
        assert!(storekeep(hq.path(), &args).status.success());
    };
    seal("1");
    let island_on = [&["island", "on"][..], &manager, &["--reason", "Misstänkt intrång"]].concat();
    let out = storekeep(dir.path(), &island_on);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ISLAND"), "{}", text(&out.stdout));
    let out = storekeep(dir.path(), &["remote", "receive", sealed.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("island mode"), "{}", text(&out.stderr));
    let cashier_off = ["island", "off", "--staff", "2", "--pin", "2222", "--reason", "x"];
    assert!(!storekeep(dir.path(), &cashier_off).status.success(), "a cashier cannot leave island mode");
    let island_off = [&["island", "off"][..], &manager, &["--reason", "Rent igen"]].concat();
    assert!(storekeep(dir.path(), &island_off).status.success());
    let out = storekeep(dir.path(), &["remote", "receive", sealed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("customer notice set"), "{}", text(&out.stdout));
    // The same file again is a replay.
    let out = storekeep(dir.path(), &["remote", "receive", sealed.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("already accepted"), "{}", text(&out.stderr));
    // One byte changed: forged, and the policy cuts remote control.
    seal("2");
    let mut bytes = std::fs::read(&sealed).unwrap();
    let at = bytes.windows(8).position(|w| w == b"kontante").unwrap();
    bytes[at] = b'K';
    std::fs::write(&sealed, bytes).unwrap();
    let out = storekeep(dir.path(), &["remote", "receive", sealed.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("signature"), "{}", text(&out.stderr));
    let out = storekeep(dir.path(), &["status", "--json"]);
    let board: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(board["mode"]["mode"]["kind"], "island");
    assert_eq!(board["remote"]["refused_recently"], 3, "island, replay, forgery");
    let out = storekeep(dir.path(), &["remote", "log"]);
    assert_eq!(
        text(&out.stdout).lines().filter(|l| l.contains("REFUSED")).count(),
        3,
        "{}",
        text(&out.stdout)
    );
}
