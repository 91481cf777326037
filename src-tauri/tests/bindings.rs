//! The committed TypeScript bindings equal what the Rust types generate.
//! `UPDATE_BINDINGS=1 cargo test -p storekeep-app --test bindings` rewrites them.

// Helpers outside #[test] fns: a panic here is the test failure report.
#![allow(clippy::unwrap_used)]

#[test]
fn typescript_bindings_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let generated = storekeep_app::bindings::render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is out of date with the Rust types: run `make bindings` and commit it.\n--- generated ---\n{generated}"
    );
}
