// The app's commands are declared to Tauri's access control, so each one is a permission
// (`allow-<command>`) that a capability must grant explicitly: the webview gets only what
// `capabilities/main.json` lists.
const COMMANDS: &[&str] = &[
    "store_status",
    "login",
    "logout",
    "create_first_manager",
    "current_cart",
    "scan",
    "void_line",
    "pay_cash",
    "receipt",
    "list_staff",
    "create_staff",
    "disable_staff",
    "audit_list",
];

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
