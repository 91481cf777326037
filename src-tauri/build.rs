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
    "pay_card",
    "swish_start",
    "clear_unknown_card",
    "swish_poll",
    "swish_cancel",
    "pay_voucher",
    "search_catalog",
    "add_item",
    "weigh",
    "set_quantity",
    "set_line_discount",
    "set_sale_discount",
    "park_sale",
    "parked_sales",
    "resume_sale",
    "abandon_sale",
    "open_drawer",
    "import_catalog",
    "approval_policy",
    "set_approval_policy",
    "simulate_card",
    "simulate_swish",
    "simulate_scale",
];

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
