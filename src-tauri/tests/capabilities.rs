//! Least privilege for the webview: the capability files grant exactly the app's own commands
//! that the UI calls, one by one, plus listening to the app's own events. Any wildcard, plugin
//! or other core permission (emitting events included), any grant the UI does not use, and any
//! command the UI calls without a grant fails here.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Commands declared to Tauri's ACL in build.rs.
/// The only core permissions: the UI listens to the backend's events (`hours-changed`). It
/// cannot emit any, so the webview cannot fake a state for the rest of the app.
const CORE_ALLOWED: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];

fn declared() -> BTreeSet<String> {
    let build = std::fs::read_to_string(root().join("build.rs")).unwrap();
    let list = &build[build.find("const COMMANDS").unwrap()..];
    let list = &list[..list.find("];").unwrap()];
    list.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Commands the UI invokes (every call goes through `call('<name>', ...)` in api.ts).
fn called_by_ui() -> BTreeSet<String> {
    let api = std::fs::read_to_string(root().join("../ui/src/lib/api.ts")).unwrap();
    api.lines()
        .filter_map(|line| {
            let call = &line[line.find("call<")?..];
            let name = &call[call.find(">('")? + 3..];
            Some(name[..name.find('\'')?].to_string())
        })
        .collect()
}

#[test]
fn the_webview_gets_exactly_the_commands_the_ui_uses() {
    let mut granted = BTreeSet::new();
    let mut listening = 0;
    for entry in std::fs::read_dir(root().join("capabilities")).unwrap() {
        let path = entry.unwrap().path();
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        // Per window: listening is both grants or neither.
        let mut core = BTreeSet::new();
        for p in json["permissions"].as_array().unwrap() {
            let p = p
                .as_str()
                .unwrap_or_else(|| panic!("{}: scoped permission objects are not used", path.display()));
            if CORE_ALLOWED.contains(&p) {
                assert!(core.insert(p.to_string()), "{p} is granted twice");
                continue;
            }
            assert!(
                !p.contains('*') && !p.contains(':'),
                "{}: {p} is a wildcard or a plugin/core permission",
                path.display()
            );
            let command =
                p.strip_prefix("allow-").unwrap_or_else(|| panic!("{p} is not an allow-<command> grant"));
            assert!(granted.insert(command.replace('-', "_")), "{p} is granted twice");
        }
        assert!(
            core.is_empty() || core.len() == CORE_ALLOWED.len(),
            "{}: listen and unlisten go together",
            path.display()
        );
        listening += usize::from(!core.is_empty());
        let windows = json["windows"].as_array().unwrap();
        assert_eq!(windows.len(), 1, "{}: one window per capability", path.display());
        assert_ne!(windows[0], "*");
    }
    let declared = declared();
    let used = called_by_ui();
    assert_eq!(granted, declared, "every declared command is granted, nothing else");
    let api = std::fs::read_to_string(root().join("../ui/src/lib/api.ts")).unwrap();
    assert_eq!(
        listening > 0,
        api.contains("from '@tauri-apps/api/event'"),
        "listening is granted exactly when the UI listens"
    );
    assert_eq!(
        granted, used,
        "every granted command is called by the UI, and the UI calls nothing ungranted"
    );
}

#[test]
fn the_csp_is_strict_and_no_plugin_is_exposed() {
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tauri.conf.json")).unwrap()).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    for rule in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(rule), "CSP lacks {rule}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert!(conf["app"]["withGlobalTauri"].is_null() || conf["app"]["withGlobalTauri"] == false);
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    for plugin in ["tauri-plugin-shell", "tauri-plugin-fs", "tauri-plugin-http"] {
        assert!(!manifest.contains(plugin), "{plugin} must not be a dependency");
    }
}

#[test]
fn the_customer_display_window_may_only_read_what_is_public() {
    let text = std::fs::read_to_string(root().join("capabilities/customer.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["windows"], serde_json::json!(["customer"]));
    let granted: BTreeSet<&str> =
        json["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let expected: BTreeSet<&str> =
        ["allow-customer-display", "core:event:allow-listen", "core:event:allow-unlisten"].into();
    assert_eq!(granted, expected, "no till command, no session-bound data");
}
