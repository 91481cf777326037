//! The Storekeep desktop shell. Each command is a few lines: it calls the backend and turns
//! its error into `{ code, message }` for the UI. No business rule lives here.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use storekeep_backend::devices::Devices;
use storekeep_backend::{ApiError, OpenOptions, Storekeep, SystemClock, Till, demo, paths};
use tauri::Runtime;

pub mod bindings;
pub mod commands;

/// Command-line options of the app.
#[derive(Debug, Parser)]
#[command(name = "storekeep-app", version, about = "Storekeep: the store's till and operations console")]
pub struct Options {
    /// Run the demo store: seeded on first run, kept in the `demo` folder inside the data folder
    /// so it never touches a real store's records.
    #[arg(long)]
    pub demo: bool,
    /// The data folder (default: $STOREKEEP_DATA_DIR, else the OS's per-user data folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log the till out after this many seconds without a key press.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u32).range(15..=86_400))]
    pub idle_logout_seconds: u32,
    /// The receipt printer: `sim` (the simulator, default), `tcp:HOST[:PORT]` for a network
    /// ESC/POS printer (port 9100), or a device file such as `/dev/usb/lp0`.
    #[arg(long, value_name = "PRINTER", default_value = "sim")]
    pub printer: String,
}

/// What the commands share: the till, or why the store could not be opened (shown to the
/// person instead of a crash).
#[derive(Debug)]
pub struct AppState(Result<Till, ApiError>, Option<PathBuf>);

impl AppState {
    pub fn ready(till: Till) -> AppState {
        AppState(Ok(till), None)
    }

    /// The outcome of [`open_store`]: a till, or the reason every command will give.
    pub fn opened(result: Result<Till, ApiError>) -> AppState {
        AppState(result, None)
    }

    /// The data folder, where a restore puts the store back.
    pub fn with_data_dir(self, dir: PathBuf) -> AppState {
        AppState(self.0, Some(dir))
    }

    pub(crate) fn data_dir(&self) -> Option<&std::path::Path> {
        self.1.as_deref()
    }

    pub(crate) fn till(&self) -> Result<&Till, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// The event the UI listens to for the live opening-hours state (payload: `HoursStatus`).
pub const HOURS_EVENT: &str = "hours-changed";

/// Keeps the opening hours live: on every change made in this app, at every opening, closing,
/// change of rule and end of the grace, and after midnight (the sign's week moves on) it
/// rewrites the customer files, makes the feed endpoint match its setting, and tells the UI.
/// It sleeps until the next of those; at most five minutes, so a change made from the command
/// line (another process) shows within that.
async fn watch_hours<R: Runtime>(app: tauri::AppHandle<R>, sk: Storekeep) {
    use tauri::Emitter;
    loop {
        if let Err(e) = sk.hours().publish().await {
            tracing::warn!("the opening-hours files could not be written: {e}");
        }
        match sk.hours().feed_http().await {
            Ok(setting) => {
                if let Err(e) = sk.feed_endpoint().apply(&sk, &setting).await {
                    tracing::warn!("{e}");
                }
            }
            Err(e) => tracing::warn!("{e}"),
        }
        let mut wait = std::time::Duration::from_secs(300);
        match sk.hours().status().await {
            Ok(status) => {
                if let Err(e) = app.emit(HOURS_EVENT, &status) {
                    tracing::warn!("the hours event could not be sent: {e}");
                }
                let now = sk.clock().now();
                let midnight = now
                    .to_zoned_datetime(sk.time_zone().clone())
                    .tomorrow()
                    .and_then(|z| z.start_of_day())
                    .map(|z| z.timestamp())
                    .unwrap_or(now);
                for t in [status.refresh_at, Some(midnight)].into_iter().flatten() {
                    if let Ok(d) = std::time::Duration::try_from(t.duration_since(now)) {
                        // A second after the moment, so the state has turned.
                        wait = wait.min(d + std::time::Duration::from_secs(1));
                    }
                }
            }
            Err(e) => tracing::warn!("{e}"),
        }
        tokio::select! {
            _ = sk.hours_signal().notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// The event the UI listens to for the payment methods in force (payload: `PaymentsStatus`).
pub const PAYMENTS_EVENT: &str = "payments-changed";

/// Keeps the payment methods live: on every change (a manager's, a health signal, a fallback
/// rule, an offline payment taken) and at least every minute, it asks the terminal what it has
/// forwarded, runs the fallback rules, rewrites the customer files and tells the UI.
async fn watch_payments<R: Runtime>(app: tauri::AppHandle<R>, sk: Storekeep) {
    use tauri::{Emitter, Manager};
    loop {
        if let Ok(till) = app.state::<AppState>().till()
            && let Err(e) = till.forward_offline_now().await
        {
            tracing::warn!("offline card payments could not be checked: {e}");
        }
        if let Err(e) = sk.payments().apply_fallback().await {
            tracing::warn!("the payment fallback rules could not run: {e}");
        }
        if let Err(e) = sk.payments().publish().await {
            tracing::warn!("the payment sign could not be written: {e}");
        }
        match sk.payments().status().await {
            Ok(status) => {
                if let Err(e) = app.emit(PAYMENTS_EVENT, &status) {
                    tracing::warn!("the payments event could not be sent: {e}");
                }
            }
            Err(e) => tracing::warn!("{e}"),
        }
        tokio::select! {
            _ = sk.payments_signal().notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
        }
    }
}

/// The event the UI listens to for the status board (payload: `StatusBoard`).
pub const STATUS_EVENT: &str = "status-changed";

/// Keeps the status board live: the board is sent whole whenever the health, the mode, an
/// incident, the payment methods or the hours change (each wakes the health signal); changes
/// made by another process (the command line) are noticed by a cheap change stamp read every
/// two seconds; and the board goes out at least every 30 seconds. The UI never polls.
async fn watch_status<R: Runtime>(app: tauri::AppHandle<R>, sk: Storekeep) {
    use tauri::Emitter;
    let mut stamp = String::new();
    let mut sent = std::time::Instant::now();
    let mut due = true;
    loop {
        if !due && let Ok(now) = sk.health().change_stamp().await {
            due = now != stamp || sent.elapsed() >= std::time::Duration::from_secs(30);
        }
        if due {
            stamp = sk.health().change_stamp().await.unwrap_or_default();
            match sk.health().board().await {
                Ok(board) => {
                    // The main window only: the customer display may listen to events, and the
                    // board (HQ's key, incidents, reasons) is not for customers.
                    if let Err(e) = app.emit_to("main", STATUS_EVENT, &board) {
                        tracing::warn!("the status event could not be sent: {e}");
                    }
                }
                Err(e) => tracing::warn!("the status board cannot be read: {e}"),
            }
            sent = std::time::Instant::now();
        }
        due = tokio::select! {
            _ = sk.health().signal().notified() => true,
            _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => false,
        };
        // Changes come in bursts (a mode change, its incident, the payment rules): send once.
        if due {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

/// The app's wiring, shared by `run` and the mock-runtime tests.
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(tauri::generate_handler![
        commands::store_status,
        commands::login,
        commands::logout,
        commands::create_first_manager,
        commands::current_cart,
        commands::scan,
        commands::void_line,
        commands::pay_cash,
        commands::receipt,
        commands::list_staff,
        commands::create_staff,
        commands::disable_staff,
        commands::audit_list,
        commands::pay_card,
        commands::swish_start,
        commands::clear_unknown_card,
        commands::swish_poll,
        commands::swish_cancel,
        commands::pay_voucher,
        commands::search_catalog,
        commands::add_item,
        commands::weigh,
        commands::set_quantity,
        commands::set_line_discount,
        commands::set_sale_discount,
        commands::park_sale,
        commands::parked_sales,
        commands::resume_sale,
        commands::abandon_sale,
        commands::open_drawer,
        commands::import_catalog,
        commands::approval_policy,
        commands::set_approval_policy,
        commands::simulate_card,
        commands::simulate_swish,
        commands::simulate_scale,
        commands::till_state,
        commands::set_training,
        commands::set_electronic_receipt,
        commands::copy_receipt,
        commands::pro_forma,
        commands::return_plan,
        commands::return_items,
        commands::settle_pending_return,
        commands::take_report,
        commands::z_reports,
        commands::reprint_z,
        commands::open_shift,
        commands::cash_movement,
        commands::close_shift,
        commands::set_control_unit_policy,
        commands::control_outages,
        commands::simulate_control_unit,
        commands::verify_journal,
        commands::hours_view,
        commands::hours_status,
        commands::set_opening_hours,
        commands::add_hours_change,
        commands::end_hours_change,
        commands::set_customer_notice,
        commands::set_feed_http,
        commands::approve_outside_hours,
        commands::payments_view,
        commands::payments_status,
        commands::set_payment_method,
        commands::end_payment_change,
        commands::set_offline_caps,
        commands::set_fallback_rules,
        commands::simulate_health,
        commands::forward_offline,
        commands::scan_and_pay_day,
        commands::import_scan_and_pay,
        commands::check_exit,
        commands::scan_and_pay_token,
        commands::open_customer_display,
        commands::customer_display,
        commands::status_board,
        commands::set_island,
        commands::incidents,
        commands::incident_report,
        commands::add_incident_note,
        commands::start_drill,
        commands::end_drill,
        commands::set_health_settings,
        commands::pin_hq_key,
        commands::remote_log,
        commands::simulate_dependency,
        commands::backup_status,
        commands::configure_backups,
        commands::backup_now,
        commands::find_backups,
        commands::restore_backup,
        commands::restart_app,
        commands::catch_up,
    ])
}

/// The data folder the options name (the demo store has one of its own).
pub fn store_dir(options: &Options) -> PathBuf {
    let mut dir = paths::data_dir(options.data_dir.as_deref());
    if options.demo {
        dir.push("demo");
    }
    dir
}

/// Opens the store named by the options, seeding the demo store on its first run.
pub async fn open_store(options: &Options) -> Result<Till, ApiError> {
    let dir = store_dir(options);
    let db = paths::database_path(&dir)
        .map_err(|e| storekeep_backend::Error::Storage(format!("{}: {e}", dir.display())).to_api())?;
    let sk =
        Storekeep::open(&db, OpenOptions::default(), Arc::new(SystemClock)).await.map_err(|e| e.to_api())?;
    if options.demo && sk.identity().await.map_err(|e| e.to_api())?.is_none() {
        sk.init(&demo::identity(), true).await.map_err(|e| e.to_api())?;
        tracing::info!(dir = %dir.display(), "demo store seeded");
    }
    tracing::info!(db = %db.display(), "store opened");
    // No real card terminal, Swish or scale adapter ships yet: the till runs the simulators
    // (the UI labels them). They take a moment, like the real thing.
    let mut devices = Devices::simulated();
    match storekeep_backend::printer::from_spec(&options.printer) {
        Ok(Some(printer)) => {
            tracing::info!(printer = %options.printer, "receipt printer");
            devices.printer = printer;
        }
        Ok(None) => {}
        Err(e) => return Err(storekeep_backend::Error::Storage(e).to_api()),
    }
    if let Some(sims) = &devices.simulators {
        sims.terminal.set_delay(std::time::Duration::from_millis(400));
        sims.swish.set_polls_before_answer(2);
    }
    Ok(Till::new(sk)
        .with_devices(devices)
        .with_receipts_dir(dir.join("receipts"))
        .with_idle_logout(jiff::SignedDuration::from_secs(i64::from(options.idle_logout_seconds))))
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOREKEEP_LOG").unwrap_or_else(|_| "info".into()),
        )
        .init();
    let options = Options::parse();
    let state = AppState::opened(tauri::async_runtime::block_on(open_store(&options)))
        .with_data_dir(store_dir(&options));
    if let Err(e) = &state.0 {
        tracing::error!(code = ?e.code, "{}", e.message);
    }
    let watched = state.0.as_ref().ok().map(|t| t.storekeep().clone());
    let builder = tauri::Builder::default().setup(move |app| {
        if let Some(sk) = watched {
            tauri::async_runtime::spawn(watch_hours(app.handle().clone(), sk.clone()));
            tauri::async_runtime::spawn(watch_payments(app.handle().clone(), sk.clone()));
            tauri::async_runtime::spawn(watch_status(app.handle().clone(), sk.clone()));
            tauri::async_runtime::spawn(storekeep_backend::health::run(sk.clone()));
            tauri::async_runtime::spawn(storekeep_backend::backup::run(sk.clone()));
            tauri::async_runtime::spawn(storekeep_backend::sync::run(sk));
        }
        Ok(())
    });
    let app = build_app(builder, state).run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("storekeep-app: the window could not be started: {e}");
        std::process::exit(1);
    }
}
