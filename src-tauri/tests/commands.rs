//! The sale commands through Tauri's IPC on the mock runtime, with the app's real
//! configuration and capabilities (so a command missing from the capability fails here).

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use serde_json::{Value, json};
use storekeep_app::{AppState, build_app};
use storekeep_backend::{FixedClock, OpenOptions, Storekeep, Till, demo};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::{InvokeRequest, WebviewWindowBuilder};

fn invoke(webview: &tauri::WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|b| b.deserialize::<Value>().unwrap())
}

fn demo_app() -> (tauri::App<MockRuntime>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new("2026-11-27T09:15:00Z".parse().unwrap()));
    let sk = tauri::async_runtime::block_on(async {
        let sk = Storekeep::open(&dir.path().join("s.sqlite3"), OpenOptions::default(), clock).await.unwrap();
        sk.init(&demo::identity(), true).await.unwrap();
        sk
    });
    let app = build_app(mock_builder(), AppState::ready(Till::new(sk)))
        .build(tauri::generate_context!(test = true))
        .unwrap();
    (app, dir)
}

#[test]
fn a_cash_sale_through_the_commands() {
    let (app, _dir) = demo_app();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let items = demo::catalog();

    let status = invoke(&webview, "store_status", json!({})).unwrap();
    assert_eq!(status["identity"]["register_id"], "KASSA-01");
    assert_eq!(status["demo"], true);
    assert_eq!(status["session"], Value::Null);
    let err = invoke(&webview, "scan", json!({ "code": items[0].code.as_deref().unwrap() })).unwrap_err();
    assert_eq!(err["code"], "not_logged_in", "nothing is sold without a login");
    let erik =
        status["staff"].as_array().unwrap().iter().find(|m| m["name"] == "Erik Berg").unwrap()["id"].clone();
    let session = invoke(&webview, "login", json!({ "staffId": erik, "pin": "2222" })).unwrap();
    assert_eq!(session["staff"]["role"], "cashier");

    invoke(&webview, "scan", json!({ "code": items[0].code.as_deref().unwrap() })).unwrap();
    let cart = invoke(&webview, "scan", json!({ "code": items[1].code.as_deref().unwrap() })).unwrap();
    let total = items[0].price + items[1].price;
    assert_eq!(cart["cart"]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(cart["cart"]["total"], total.to_string(), "money crosses as a string");

    // 10 kr by card (the simulated terminal), the rest in cash.
    let open = invoke(&webview, "pay_card", json!({ "amount": "10" })).unwrap();
    assert_eq!(open["status"], "open");
    assert_eq!(
        open["sale"]["cart"]["remaining"],
        (total - storekeep_domain::Money::from_kronor(10)).to_string()
    );
    let paid = invoke(&webview, "pay_cash", json!({ "tendered": "500", "partial": false })).unwrap();
    assert_eq!(paid["status"], "paid");
    let receipt = paid["receipt"].clone();
    assert_eq!(receipt["payments"][0]["label"], "Kort");
    assert_eq!(receipt["receipt_no"], 1);
    assert_eq!(receipt["cashier"], "Erik Berg");
    assert_eq!(receipt["total"], total.to_string());

    let again = invoke(&webview, "receipt", json!({ "receiptNo": 1 })).unwrap();
    assert_eq!(again, receipt, "the receipt reads back from the journal unchanged");
    let empty = invoke(&webview, "current_cart", json!({})).unwrap();
    assert_eq!(empty["cart"]["lines"], json!([]));
    let found = invoke(&webview, "search_catalog", json!({ "query": "4011" })).unwrap();
    assert_eq!(found[0]["name"], "Banan");
}

#[test]
fn errors_cross_as_code_and_message() {
    let (app, _dir) = demo_app();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let err = invoke(&webview, "login", json!({ "staffId": 2, "pin": "0000" })).unwrap_err();
    assert_eq!(err["code"], "wrong_pin");
    assert!(err["message_sv"].as_str().unwrap().contains("Fel PIN-kod"));
    invoke(&webview, "login", json!({ "staffId": 2, "pin": "2222" })).unwrap();
    let err = invoke(&webview, "scan", json!({ "code": "7300000000000" })).unwrap_err();
    assert_eq!(err["code"], "bad_check_digit");
    assert!(err["message"].as_str().unwrap().contains("check digit"));

    let err = invoke(&webview, "pay_cash", json!({ "tendered": "100", "partial": false })).unwrap_err();
    assert_eq!(err["code"], "empty_sale");

    let err = invoke(&webview, "receipt", json!({ "receiptNo": 7 })).unwrap_err();
    assert_eq!(err["code"], "receipt_not_found");
}

#[test]
fn a_store_that_failed_to_open_answers_every_command_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // `--demo` keeps the demo store in `<data folder>/demo`.
    let db = dir.path().join("demo").join("storekeep.sqlite3");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    std::fs::write(&db, b"not a database at all").unwrap();
    let options = storekeep_app::Options {
        demo: true,
        data_dir: Some(dir.path().to_path_buf()),
        idle_logout_seconds: 300,
        printer: "sim".into(),
    };
    let opened = tauri::async_runtime::block_on(storekeep_app::open_store(&options));
    let app = build_app(mock_builder(), AppState::opened(opened))
        .build(tauri::generate_context!(test = true))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    for (cmd, body) in [("store_status", json!({})), ("scan", json!({ "code": "7301000000001" }))] {
        let err = invoke(&webview, cmd, body).unwrap_err();
        assert_eq!(err["code"], "database_corrupt", "{cmd}");
        assert!(err["message"].as_str().unwrap().contains("Restore it from a backup"));
    }
    assert_eq!(std::fs::read(&db).unwrap(), b"not a database at all", "left as it was");
}

#[test]
fn roles_are_checked_in_rust_not_trusted_from_the_ui() {
    let (app, _dir) = demo_app();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let items = demo::catalog();
    invoke(&webview, "login", json!({ "staffId": 2, "pin": "2222" })).unwrap(); // Erik, cashier
    for (cmd, body) in [
        ("list_staff", json!({})),
        ("create_staff", json!({ "name": "Mallory", "role": "manager", "pin": "1234" })),
        ("disable_staff", json!({ "staffId": 1, "reason": "coup" })),
        (
            "audit_list",
            json!({ "filter": { "action_prefix": null, "actor_id": null, "outcome": null, "limit": null } }),
        ),
        ("import_catalog", json!({ "fileName": "p.csv", "contents": "code;name\n" })),
        (
            "set_approval_policy",
            json!({ "policy": { "needs_approval": [], "discount_limit_percent": "100" }, "reason": "x" }),
        ),
    ] {
        let err = invoke(&webview, cmd, body).unwrap_err();
        assert_eq!(err["code"], "not_allowed", "{cmd}");
    }
    // A cashier's void needs a manager's PIN; with it, the manager is named.
    invoke(&webview, "scan", json!({ "code": items[0].code.as_deref().unwrap() })).unwrap();
    let err = invoke(&webview, "void_line", json!({ "index": 0, "approval": null })).unwrap_err();
    assert_eq!(err["code"], "needs_approval");
    let cart =
        invoke(&webview, "void_line", json!({ "index": 0, "approval": { "manager_id": 1, "pin": "1111" } }))
            .unwrap();
    assert_eq!(cart["cart"]["lines"], json!([]));

    invoke(&webview, "logout", json!({})).unwrap();
    invoke(&webview, "login", json!({ "staffId": 1, "pin": "1111" })).unwrap(); // Anna, manager
    let log = invoke(
        &webview,
        "audit_list",
        json!({ "filter": { "action_prefix": "approval.", "actor_id": null, "outcome": null, "limit": 10 } }),
    )
    .unwrap();
    assert_eq!(log[0]["approved_by"]["name"], "Anna Lind");
    assert_eq!(log[0]["actor"]["name"], "Erik Berg");
    let added = invoke(&webview, "create_staff", json!({ "name": "Sara", "role": "cashier", "pin": "4444" }))
        .unwrap();
    assert_eq!(added["active"], true);
}
