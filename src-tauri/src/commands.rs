//! The commands the UI may call. Each is a few lines over the backend's `Till`, which checks
//! the session and the role in Rust; errors cross as `{ code, message, message_sv }`.
//! Adding one: list it in `build.rs`, grant it in `capabilities/main.json`, call it from
//! `ui/src/lib/api.ts` (a test checks all three agree).

use storekeep_backend::audit::{AuditEntry, AuditFilter};
use storekeep_backend::backup::{
    BackupConfig, BackupRecord, Existing, FoundBackup, Problem, Progress, RestoreOutcome, SecretKey,
};
use storekeep_backend::catalog::ImportReport;
use storekeep_backend::control::{ControlUnitSetting, Outage};
use storekeep_backend::devices::{SimCard, SimSwish};
use storekeep_backend::health::{HealthSettings, SimHealth, StatusBoard};
use storekeep_backend::hours::{FeedHttp, HoursView};
use storekeep_backend::incidents::{IncidentReport, IncidentSummary};
use storekeep_backend::payments::{CapsForm, LinkHealth, PaymentsStatus, PaymentsView, SetMethod};
use storekeep_backend::remote::{PinnedKey, Received};
use storekeep_backend::reports::ZSummary;
use storekeep_backend::scan_and_pay::{ReceiveReport, ScanAndPayDay};
use storekeep_backend::staff::{Approval, StaffMember};
use storekeep_backend::till::BackupStatus;
use storekeep_backend::till::{
    CopyOutput, Delivery, JournalCheck, ParkedSale, PayOutcome, ReportView, ReturnOutcome, ReturnPlan,
    SaleView, SessionInfo, TillState,
};
use storekeep_backend::{ApiError, StoreStatus};
use storekeep_domain::cart::{CatalogItem, Discount};
use storekeep_domain::cash::{MovementKind, ShiftClosed, ShiftState};
use storekeep_domain::control::ControlUnitPolicy;
use storekeep_domain::door_sign::Notice;
use storekeep_domain::health::Dependency;
use storekeep_domain::hours::{ChangeRequest, HoursChange, HoursStatus, OpeningHoursForm};
use storekeep_domain::payments::FallbackRule;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::report::ReportKind;
use storekeep_domain::returns::ReturnRequest;
use storekeep_domain::scan_and_pay::ExitResult;
use storekeep_domain::staff::{ApprovalPolicy, Role};
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

fn api<T>(r: storekeep_backend::Result<T>) -> CmdResult<T> {
    r.map_err(|e| e.to_api())
}

#[tauri::command]
pub async fn store_status(state: State<'_, AppState>) -> CmdResult<StoreStatus> {
    api(state.till()?.status().await)
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, staff_id: i64, pin: String) -> CmdResult<SessionInfo> {
    api(state.till()?.login(staff_id, &pin).await)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> CmdResult<()> {
    state.till()?.logout();
    Ok(())
}

#[tauri::command]
pub async fn create_first_manager(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> CmdResult<SessionInfo> {
    api(state.till()?.create_first_manager(&name, &pin).await)
}

#[tauri::command]
pub async fn current_cart(state: State<'_, AppState>) -> CmdResult<SaleView> {
    api(state.till()?.cart().await)
}

#[tauri::command]
pub async fn scan(state: State<'_, AppState>, code: String) -> CmdResult<SaleView> {
    api(state.till()?.scan(&code).await)
}

#[tauri::command]
pub async fn void_line(
    state: State<'_, AppState>,
    index: usize,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.void_line(index, approval.as_ref()).await)
}

#[tauri::command]
pub async fn pay_cash(state: State<'_, AppState>, tendered: String, partial: bool) -> CmdResult<PayOutcome> {
    api(state.till()?.take_cash(&tendered, partial).await)
}

#[tauri::command]
pub async fn pay_card(state: State<'_, AppState>, amount: Option<String>) -> CmdResult<PayOutcome> {
    api(state.till()?.pay_card(amount.as_deref()).await)
}

#[tauri::command]
pub async fn swish_start(state: State<'_, AppState>, amount: Option<String>) -> CmdResult<PayOutcome> {
    api(state.till()?.swish_start(amount.as_deref()).await)
}

#[tauri::command]
pub async fn clear_unknown_card(
    state: State<'_, AppState>,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.clear_unknown_card(&reason, approval.as_ref()).await)
}

#[tauri::command]
pub async fn swish_poll(state: State<'_, AppState>) -> CmdResult<PayOutcome> {
    api(state.till()?.swish_poll().await)
}

#[tauri::command]
pub async fn swish_cancel(state: State<'_, AppState>) -> CmdResult<PayOutcome> {
    api(state.till()?.swish_cancel().await)
}

#[tauri::command]
pub async fn pay_voucher(
    state: State<'_, AppState>,
    code: String,
    amount: Option<String>,
) -> CmdResult<PayOutcome> {
    api(state.till()?.pay_voucher(&code, amount.as_deref()).await)
}

#[tauri::command]
pub async fn search_catalog(state: State<'_, AppState>, query: String) -> CmdResult<Vec<CatalogItem>> {
    api(state.till()?.search(&query).await)
}

#[tauri::command]
pub async fn add_item(
    state: State<'_, AppState>,
    product_id: i64,
    quantity: Option<String>,
    weight: Option<String>,
) -> CmdResult<SaleView> {
    api(state.till()?.add_item(product_id, quantity.as_deref(), weight.as_deref()).await)
}

#[tauri::command]
pub async fn weigh(state: State<'_, AppState>, product_id: i64) -> CmdResult<SaleView> {
    api(state.till()?.weigh(product_id).await)
}

#[tauri::command]
pub async fn set_quantity(state: State<'_, AppState>, index: usize, value: String) -> CmdResult<SaleView> {
    api(state.till()?.set_quantity(index, &value).await)
}

#[tauri::command]
pub async fn set_line_discount(
    state: State<'_, AppState>,
    index: usize,
    discount: Option<Discount>,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.set_line_discount(index, discount, approval.as_ref()).await)
}

#[tauri::command]
pub async fn set_sale_discount(
    state: State<'_, AppState>,
    discount: Option<Discount>,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.set_sale_discount(discount, approval.as_ref()).await)
}

#[tauri::command]
pub async fn park_sale(state: State<'_, AppState>) -> CmdResult<SaleView> {
    api(state.till()?.park().await)
}

#[tauri::command]
pub async fn parked_sales(state: State<'_, AppState>) -> CmdResult<Vec<ParkedSale>> {
    api(state.till()?.parked().await)
}

#[tauri::command]
pub async fn resume_sale(state: State<'_, AppState>, parked_id: i64) -> CmdResult<SaleView> {
    api(state.till()?.resume(parked_id).await)
}

#[tauri::command]
pub async fn abandon_sale(
    state: State<'_, AppState>,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.abandon(&reason, approval.as_ref()).await)
}

#[tauri::command]
pub async fn open_drawer(
    state: State<'_, AppState>,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<()> {
    api(state.till()?.open_drawer(&reason, approval.as_ref()).await)
}

/// The file's text, read by the webview from a file the manager picked: the webview itself
/// has no file-system access.
#[tauri::command]
pub async fn import_catalog(
    state: State<'_, AppState>,
    file_name: String,
    contents: String,
) -> CmdResult<ImportReport> {
    api(state.till()?.import_catalog(&file_name, contents.as_bytes()).await)
}

#[tauri::command]
pub async fn approval_policy(state: State<'_, AppState>) -> CmdResult<ApprovalPolicy> {
    api(state.till()?.approval_policy().await)
}

#[tauri::command]
pub async fn set_approval_policy(
    state: State<'_, AppState>,
    policy: ApprovalPolicy,
    reason: String,
) -> CmdResult<ApprovalPolicy> {
    api(state.till()?.set_approval_policy(&policy, &reason).await)
}

#[tauri::command]
pub async fn simulate_card(state: State<'_, AppState>, next: SimCard) -> CmdResult<()> {
    api(state.till()?.simulate_card(next).await)
}

#[tauri::command]
pub async fn simulate_swish(state: State<'_, AppState>, next: SimSwish) -> CmdResult<()> {
    api(state.till()?.simulate_swish(next).await)
}

#[tauri::command]
pub async fn simulate_scale(state: State<'_, AppState>, kg: String, stable: bool) -> CmdResult<()> {
    api(state.till()?.simulate_scale(&kg, stable).await)
}

#[tauri::command]
pub async fn receipt(state: State<'_, AppState>, receipt_no: i64) -> CmdResult<Receipt> {
    api(state.till()?.receipt(receipt_no).await)
}

#[tauri::command]
pub async fn list_staff(state: State<'_, AppState>) -> CmdResult<Vec<StaffMember>> {
    api(state.till()?.list_staff().await)
}

#[tauri::command]
pub async fn create_staff(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    pin: String,
) -> CmdResult<StaffMember> {
    api(state.till()?.create_staff(&name, role, &pin).await)
}

#[tauri::command]
pub async fn disable_staff(
    state: State<'_, AppState>,
    staff_id: i64,
    reason: String,
) -> CmdResult<StaffMember> {
    api(state.till()?.disable_staff(staff_id, &reason).await)
}

#[tauri::command]
pub async fn audit_list(state: State<'_, AppState>, filter: AuditFilter) -> CmdResult<Vec<AuditEntry>> {
    api(state.till()?.audit(&filter).await)
}

#[tauri::command]
pub async fn till_state(state: State<'_, AppState>) -> CmdResult<TillState> {
    api(state.till()?.state().await)
}

#[tauri::command]
pub async fn set_training(state: State<'_, AppState>, on: bool) -> CmdResult<TillState> {
    api(state.till()?.set_training(on).await)
}

#[tauri::command]
pub async fn set_electronic_receipt(state: State<'_, AppState>, on: bool) -> CmdResult<TillState> {
    api(state.till()?.set_electronic_receipt(on).await)
}

#[tauri::command]
pub async fn copy_receipt(
    state: State<'_, AppState>,
    receipt_no: i64,
    output: CopyOutput,
) -> CmdResult<(Receipt, Delivery)> {
    api(state.till()?.copy_receipt(receipt_no, output).await)
}

#[tauri::command]
pub async fn pro_forma(state: State<'_, AppState>) -> CmdResult<(Receipt, Delivery)> {
    api(state.till()?.pro_forma().await)
}

#[tauri::command]
pub async fn return_plan(state: State<'_, AppState>, receipt_no: i64) -> CmdResult<ReturnPlan> {
    api(state.till()?.return_plan(receipt_no).await)
}

#[tauri::command]
pub async fn return_items(
    state: State<'_, AppState>,
    receipt_no: i64,
    lines: Vec<ReturnRequest>,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<ReturnOutcome> {
    api(state.till()?.return_items(receipt_no, &lines, &reason, approval.as_ref()).await)
}

/// Managers: pay an unfinished return's unknown refunds in cash (`cash`), or give it up.
#[tauri::command]
pub async fn settle_pending_return(
    state: State<'_, AppState>,
    cash: bool,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<TillState> {
    api(state.till()?.settle_pending_return(cash, &reason, approval.as_ref()).await)
}

#[tauri::command]
pub async fn take_report(state: State<'_, AppState>, kind: ReportKind) -> CmdResult<ReportView> {
    api(state.till()?.take_report(kind).await)
}

#[tauri::command]
pub async fn z_reports(state: State<'_, AppState>) -> CmdResult<Vec<ZSummary>> {
    api(state.till()?.z_reports().await)
}

#[tauri::command]
pub async fn reprint_z(state: State<'_, AppState>, number: i64) -> CmdResult<ReportView> {
    api(state.till()?.reprint_z(number).await)
}

#[tauri::command]
pub async fn open_shift(state: State<'_, AppState>, float: String) -> CmdResult<ShiftState> {
    api(state.till()?.open_shift(&float).await)
}

#[tauri::command]
pub async fn cash_movement(
    state: State<'_, AppState>,
    kind: MovementKind,
    amount: String,
    reason: String,
    approval: Option<Approval>,
) -> CmdResult<ShiftState> {
    api(state.till()?.cash_movement(kind, &amount, &reason, approval.as_ref()).await)
}

#[tauri::command]
pub async fn close_shift(state: State<'_, AppState>, counted: String) -> CmdResult<ShiftClosed> {
    api(state.till()?.close_shift(&counted).await)
}

#[tauri::command]
pub async fn set_control_unit_policy(
    state: State<'_, AppState>,
    policy: ControlUnitPolicy,
    reason: String,
) -> CmdResult<ControlUnitSetting> {
    api(state.till()?.set_control_unit_policy(policy, &reason).await)
}

#[tauri::command]
pub async fn control_outages(state: State<'_, AppState>) -> CmdResult<Vec<Outage>> {
    api(state.till()?.control_outages().await)
}

#[tauri::command]
pub async fn simulate_control_unit(state: State<'_, AppState>, failing: bool) -> CmdResult<TillState> {
    api(state.till()?.simulate_control_unit(failing).await)
}

/// Checks the journal's chain, receipt series, day figures and grand totals (managers).
#[tauri::command]
pub async fn verify_journal(state: State<'_, AppState>) -> CmdResult<JournalCheck> {
    api(state.till()?.verify_journal().await)
}

// Opening hours (issue 6).

#[tauri::command]
pub async fn hours_view(state: State<'_, AppState>) -> CmdResult<HoursView> {
    api(state.till()?.hours_view().await)
}

#[tauri::command]
pub async fn hours_status(state: State<'_, AppState>) -> CmdResult<HoursStatus> {
    api(state.till()?.hours_status().await)
}

#[tauri::command]
pub async fn set_opening_hours(
    state: State<'_, AppState>,
    hours: OpeningHoursForm,
    reason: String,
) -> CmdResult<HoursView> {
    api(state.till()?.set_opening_hours(&hours, &reason).await)
}

#[tauri::command]
pub async fn add_hours_change(
    state: State<'_, AppState>,
    request: ChangeRequest,
    reason: String,
) -> CmdResult<HoursChange> {
    api(state.till()?.add_hours_change(&request, &reason).await)
}

#[tauri::command]
pub async fn end_hours_change(state: State<'_, AppState>, id: i64, reason: String) -> CmdResult<HoursChange> {
    api(state.till()?.end_hours_change(id, &reason).await)
}

#[tauri::command]
pub async fn set_customer_notice(
    state: State<'_, AppState>,
    notice: Notice,
    reason: String,
) -> CmdResult<HoursView> {
    api(state.till()?.set_customer_notice(&notice, &reason).await)
}

/// Starts, moves or stops the endpoint, then saves the setting (audited): a port already taken
/// is reported here and the setting stays as it was.
#[tauri::command]
pub async fn set_feed_http(
    state: State<'_, AppState>,
    feed: FeedHttp,
    reason: String,
) -> CmdResult<HoursView> {
    api(state.till()?.set_feed_http(&feed, &reason).await)
}

#[tauri::command]
pub async fn approve_outside_hours(
    state: State<'_, AppState>,
    approval: Option<Approval>,
) -> CmdResult<SaleView> {
    api(state.till()?.approve_outside_hours(approval.as_ref()).await)
}

// Payment-method controls and Scan & Pay (issue 7).

#[tauri::command]
pub async fn payments_view(state: State<'_, AppState>) -> CmdResult<PaymentsView> {
    api(state.till()?.payments_view().await)
}

#[tauri::command]
pub async fn payments_status(state: State<'_, AppState>) -> CmdResult<PaymentsStatus> {
    api(state.till()?.payments_status().await)
}

#[tauri::command]
pub async fn set_payment_method(
    state: State<'_, AppState>,
    form: SetMethod,
    reason: String,
) -> CmdResult<PaymentsView> {
    let till = state.till()?;
    api(till.set_payment_method(&form, &reason).await)?;
    api(till.payments_view().await)
}

#[tauri::command]
pub async fn end_payment_change(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> CmdResult<PaymentsView> {
    api(state.till()?.end_payment_change(id, &reason).await)
}

#[tauri::command]
pub async fn set_offline_caps(
    state: State<'_, AppState>,
    caps: CapsForm,
    reason: String,
) -> CmdResult<PaymentsView> {
    api(state.till()?.set_offline_caps(&caps, &reason).await)
}

#[tauri::command]
pub async fn set_fallback_rules(
    state: State<'_, AppState>,
    rules: Vec<FallbackRule>,
    reason: String,
) -> CmdResult<PaymentsView> {
    api(state.till()?.set_fallback_rules(&rules, &reason).await)
}

/// The simulators' links (the acquirer behind the terminal, Swish): the demo's health signal.
#[tauri::command]
pub async fn simulate_health(state: State<'_, AppState>, health: LinkHealth) -> CmdResult<PaymentsView> {
    let till = state.till()?;
    api(till.simulate_health(health).await)?;
    api(till.payments_view().await)
}

#[tauri::command]
pub async fn forward_offline(state: State<'_, AppState>) -> CmdResult<PaymentsView> {
    let till = state.till()?;
    api(till.forward_offline().await)?;
    api(till.payments_view().await)
}

#[tauri::command]
pub async fn scan_and_pay_day(state: State<'_, AppState>, date: Option<String>) -> CmdResult<ScanAndPayDay> {
    api(state.till()?.scan_and_pay_day(date.as_deref()).await)
}

/// A Scan & Pay file the manager picked; the UI reads it (the webview has no file access).
#[tauri::command]
pub async fn import_scan_and_pay(state: State<'_, AppState>, contents: String) -> CmdResult<ReceiveReport> {
    api(state.till()?.import_scan_and_pay(contents.as_bytes()).await)
}

#[tauri::command]
pub async fn check_exit(
    state: State<'_, AppState>,
    purchase_id: String,
    result: ExitResult,
    note: String,
) -> CmdResult<ScanAndPayDay> {
    let till = state.till()?;
    api(till.check_exit(&purchase_id, result, &note).await)?;
    api(till.scan_and_pay_day(None).await)
}

/// A new token for the chain's app service (shown this once), or the endpoint's POST off.
#[tauri::command]
pub async fn scan_and_pay_token(
    state: State<'_, AppState>,
    on: bool,
    reason: String,
) -> CmdResult<Option<String>> {
    api(state.till()?.scan_and_pay_token(on, &reason).await)
}

// The customer display: its own window, showing only what is public.

/// The window label of the customer display; its capability grants it `customer_display` and
/// listening, nothing else.
pub const CUSTOMER_WINDOW: &str = "customer";

/// Opens the customer display in its own window (for a screen facing customers), or brings it
/// forward. Anyone logged in may; the till goes on in its own window.
#[tauri::command]
pub async fn open_customer_display<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<()> {
    use tauri::Manager;
    api(state.till()?.may_open_customer_display().await)?;
    if let Some(window) = app.get_webview_window(CUSTOMER_WINDOW) {
        let _ = window.unminimize();
        return window.set_focus().map_err(|e| storekeep_backend::Error::Storage(e.to_string()).to_api());
    }
    tauri::WebviewWindowBuilder::new(&app, CUSTOMER_WINDOW, tauri::WebviewUrl::App("customer.html".into()))
        .title("Storekeep – kundskärm / customer display")
        .inner_size(1024.0, 640.0)
        .build()
        .map(|_| ())
        .map_err(|e| {
            storekeep_backend::Error::Storage(format!("the customer display cannot open: {e}")).to_api()
        })
}

/// What the customer display shows (public: no session needed).
#[tauri::command]
pub async fn customer_display(state: State<'_, AppState>) -> CmdResult<storekeep_backend::CustomerView> {
    api(state.till()?.storekeep().customer_view().await)
}

#[tauri::command]
pub async fn status_board(state: State<'_, AppState>) -> CmdResult<StatusBoard> {
    api(state.till()?.status_board().await)
}

#[tauri::command]
pub async fn set_island(state: State<'_, AppState>, on: bool, reason: String) -> CmdResult<StatusBoard> {
    api(state.till()?.set_island(on, &reason).await)
}

#[tauri::command]
pub async fn incidents(state: State<'_, AppState>) -> CmdResult<Vec<IncidentSummary>> {
    api(state.till()?.incidents().await)
}

#[tauri::command]
pub async fn incident_report(state: State<'_, AppState>, id: i64) -> CmdResult<IncidentReport> {
    api(state.till()?.incident_report(id).await)
}

#[tauri::command]
pub async fn add_incident_note(
    state: State<'_, AppState>,
    id: i64,
    text: String,
    decision: bool,
) -> CmdResult<IncidentReport> {
    api(state.till()?.add_incident_note(id, &text, decision).await)
}

#[tauri::command]
pub async fn start_drill(
    state: State<'_, AppState>,
    failures: Vec<Dependency>,
    reason: String,
) -> CmdResult<IncidentSummary> {
    api(state.till()?.start_drill(&failures, &reason).await)
}

#[tauri::command]
pub async fn end_drill(state: State<'_, AppState>, reason: String) -> CmdResult<IncidentSummary> {
    api(state.till()?.end_drill(&reason).await)
}

#[tauri::command]
pub async fn set_health_settings(
    state: State<'_, AppState>,
    settings: HealthSettings,
    reason: String,
) -> CmdResult<StatusBoard> {
    api(state.till()?.set_health_settings(&settings, &reason).await)
}

#[tauri::command]
pub async fn pin_hq_key(
    state: State<'_, AppState>,
    key: PinnedKey,
    reason: String,
) -> CmdResult<StatusBoard> {
    api(state.till()?.pin_hq_key(&key, &reason).await)
}

#[tauri::command]
pub async fn remote_log(state: State<'_, AppState>) -> CmdResult<Vec<Received>> {
    api(state.till()?.remote_log().await)
}

/// SIMULATOR: what a simulated dependency answers (the demo's switches on the status page).
#[tauri::command]
pub async fn simulate_dependency(
    state: State<'_, AppState>,
    dependency: Dependency,
    health: SimHealth,
) -> CmdResult<StatusBoard> {
    let till = state.till()?;
    api(till.simulate_dependency(dependency, health).await)?;
    api(till.status_board().await)
}

// Backups and restore (issue 10).

/// The event the UI follows a backup or a restore by (payload: `Progress`).
pub const BACKUP_PROGRESS_EVENT: &str = "backup-progress";

fn progress_emitter<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
) -> impl Fn(Progress) + Send + Sync + use<R> {
    use tauri::Emitter;
    let app = app.clone();
    move |p: Progress| {
        let _ = app.emit_to("main", BACKUP_PROGRESS_EVENT, &p);
    }
}

#[tauri::command]
pub async fn backup_status(state: State<'_, AppState>) -> CmdResult<BackupStatus> {
    api(state.till()?.backup_status().await)
}

#[tauri::command]
pub async fn configure_backups(
    state: State<'_, AppState>,
    config: BackupConfig,
    reason: String,
) -> CmdResult<BackupStatus> {
    api(state.till()?.configure_backups(&config, &reason).await)
}

#[tauri::command]
pub async fn backup_now<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<BackupRecord> {
    let emit = progress_emitter(&app);
    api(state.till()?.backup_now(&emit).await)
}

/// The backup files in a folder (a USB stick, a share): their readable headers only.
#[tauri::command]
pub async fn find_backups(folder: String) -> CmdResult<Vec<FoundBackup>> {
    let dir = std::path::PathBuf::from(folder.trim());
    if !dir.is_dir() {
        return Err(storekeep_backend::Error::Backup(Problem::Destination(format!(
            "{} (not a folder)",
            dir.display()
        )))
        .to_api());
    }
    storekeep_backend::backup::found_in(&dir)
        .map_err(|e| storekeep_backend::Error::Storage(format!("{}: {e}", dir.display())).to_api())
}

/// Restores a backup onto this computer: only when the store did not open (a damaged
/// database: it is moved aside, never deleted) or holds no registrations yet (a fresh
/// install). The manager's secret key file proves the right to. Then catches up from HQ.
/// The app restarts on the restored store with [`restart_app`].
#[tauri::command]
pub async fn restore_backup<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    file: String,
    key_file: String,
    reason: String,
) -> CmdResult<RestoreOutcome> {
    let err = |e: storekeep_backend::Error| e.to_api();
    if reason.trim().is_empty() {
        return Err(err(storekeep_backend::Error::ReasonMissing));
    }
    let dir = state
        .data_dir()
        .ok_or_else(|| err(storekeep_backend::Error::Storage("no data folder is known".into())))?
        .to_path_buf();
    let file = std::path::PathBuf::from(file.trim());
    if file.extension().is_none_or(|x| x != storekeep_backend::backup::EXTENSION) {
        return Err(err(storekeep_backend::Error::Backup(Problem::NotABackup(file.display().to_string()))));
    }
    let key_path = std::path::PathBuf::from(key_file.trim());
    let key_text = match std::fs::metadata(&key_path) {
        Ok(m) if m.len() <= 1024 => std::fs::read_to_string(&key_path)
            .map_err(|e| err(storekeep_backend::Error::Storage(format!("{}: {e}", key_path.display()))))?,
        Ok(_) => {
            return Err(err(storekeep_backend::Error::Backup(Problem::BadKey(
                "the file is too large".into(),
            ))));
        }
        Err(e) => return Err(err(storekeep_backend::Error::Storage(format!("{}: {e}", key_path.display())))),
    };
    let key = api(SecretKey::parse(&key_text))?;
    // Checked before anything is closed or moved: the file is a backup, sealed to this key.
    let manifest = api(storekeep_backend::backup::read_manifest(&file))?;
    if manifest.key_fingerprint != key.public().fingerprint() {
        return Err(err(storekeep_backend::Error::Backup(Problem::WrongKey)));
    }
    let existing = match state.till() {
        // Only a damaged store is moved aside: one that is locked by another program, or too
        // new, is not this flow's to replace.
        Err(e) if e.code == storekeep_backend::ErrorCode::DatabaseCorrupt => Existing::MoveAside,
        Err(e) => return Err(e),
        Ok(till) => {
            // A store that opened is replaced only while it holds no registration; its
            // connections close only once that is known (a refusal leaves it running).
            let sk = till.storekeep();
            if storekeep_backend::backup::holds_registrations(sk.db().path()).await {
                return Err(err(storekeep_backend::Error::Backup(Problem::StoreExists)));
            }
            sk.db().close().await;
            Existing::Refuse
        }
    };
    let emit = progress_emitter(&app);
    let restored = api(storekeep_backend::backup::restore(&file, &key, &dir, existing, &emit).await)?;
    let db = dir.join(storekeep_backend::paths::DATABASE_FILE);
    let sk = api(storekeep_backend::Storekeep::open(
        &db,
        storekeep_backend::OpenOptions::default(),
        std::sync::Arc::new(storekeep_backend::SystemClock),
    )
    .await)?;
    let (caught_up, catch_up_problem) = match api(sk.sync().link().await)? {
        None => (None, None),
        Some(_) => match sk.sync().catch_up(&emit).await {
            Ok(n) => (Some(n), None),
            Err(e) => (None, Some(e.to_api())),
        },
    };
    api(storekeep_backend::backup::record_restore(&sk, &file, &restored, caught_up, false, reason.trim())
        .await)?;
    let entries = api(sk.journal().verify().await)?;
    sk.db().close().await;
    Ok(RestoreOutcome {
        restored,
        caught_up,
        catch_up_problem,
        entries: entries.entries,
        verified: entries.problem.is_none(),
    })
}

/// Starts the app again (after a restore, on the restored store).
#[tauri::command]
pub fn restart_app<R: tauri::Runtime>(app: tauri::AppHandle<R>, state: State<'_, AppState>) -> CmdResult<()> {
    // Only where a restore is possible: a store that did not open, or one with no one logged in.
    if let Ok(till) = state.till()
        && till.session().is_some()
    {
        // Someone is working on the till: log out first.
        return Err(storekeep_backend::Error::SaleInProgress.to_api());
    }
    app.restart()
}

/// After a restore that could not reach HQ: catches up now (managers); the till registers
/// again once it has.
#[tauri::command]
pub async fn catch_up<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<i64> {
    let emit = progress_emitter(&app);
    api(state.till()?.catch_up_now(&emit).await)
}
