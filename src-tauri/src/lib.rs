//! The Storekeep desktop shell. Each command is a few lines: it calls the backend and turns
//! its error into `{ code, message }` for the UI. No business rule lives here.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use storekeep_backend::{
    ApiError, OpenOptions, StoreStatus, Storekeep, SystemClock, Till, demo, paths,
};
use storekeep_domain::cart::PricedCart;
use storekeep_domain::receipt::Receipt;
use tauri::{Runtime, State};

pub mod bindings;

/// Command-line options of the app.
#[derive(Debug, Parser)]
#[command(
    name = "storekeep-app",
    version,
    about = "Storekeep: the store's till and operations console"
)]
pub struct Options {
    /// Run the demo store: seeded on first run, kept in the `demo` folder inside the data folder
    /// so it never touches a real store's records.
    #[arg(long)]
    pub demo: bool,
    /// The data folder (default: $STOREKEEP_DATA_DIR, else the OS's per-user data folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// What the commands share: the till, or why the store could not be opened (shown to the
/// person instead of a crash).
#[derive(Debug)]
pub struct AppState(Result<Till, ApiError>);

impl AppState {
    pub fn ready(till: Till) -> AppState {
        AppState(Ok(till))
    }

    /// The outcome of [`open_store`]: a till, or the reason every command will give.
    pub fn opened(result: Result<Till, ApiError>) -> AppState {
        AppState(result)
    }

    fn till(&self) -> Result<&Till, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

type CmdResult<T> = Result<T, ApiError>;

#[tauri::command]
async fn store_status(state: State<'_, AppState>) -> CmdResult<StoreStatus> {
    state
        .till()?
        .storekeep()
        .status()
        .await
        .map_err(|e| e.to_api())
}

#[tauri::command]
async fn current_cart(state: State<'_, AppState>) -> CmdResult<PricedCart> {
    state.till()?.cart().await.map_err(|e| e.to_api())
}

#[tauri::command]
async fn scan(state: State<'_, AppState>, code: String) -> CmdResult<PricedCart> {
    state.till()?.scan(&code).await.map_err(|e| e.to_api())
}

#[tauri::command]
async fn pay_cash(state: State<'_, AppState>, tendered: String) -> CmdResult<Receipt> {
    state
        .till()?
        .pay_cash(&tendered)
        .await
        .map_err(|e| e.to_api())
}

#[tauri::command]
async fn receipt(state: State<'_, AppState>, receipt_no: i64) -> CmdResult<Receipt> {
    state
        .till()?
        .storekeep()
        .sales()
        .receipt(receipt_no)
        .await
        .map_err(|e| e.to_api())
}

/// The app's wiring, shared by `run` and the mock-runtime tests.
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            store_status,
            current_cart,
            scan,
            pay_cash,
            receipt
        ])
}

/// Opens the store named by the options, seeding the demo store on its first run.
pub async fn open_store(options: &Options) -> Result<Till, ApiError> {
    let mut dir = paths::data_dir(options.data_dir.as_deref());
    if options.demo {
        dir.push("demo");
    }
    let db = paths::database_path(&dir).map_err(|e| {
        storekeep_backend::Error::Storage(format!("{}: {e}", dir.display())).to_api()
    })?;
    let sk = Storekeep::open(&db, OpenOptions::default(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_api())?;
    if options.demo && sk.identity().await.map_err(|e| e.to_api())?.is_none() {
        sk.init(&demo::identity(), true)
            .await
            .map_err(|e| e.to_api())?;
        tracing::info!(dir = %dir.display(), "demo store seeded");
    }
    tracing::info!(db = %db.display(), "store opened");
    Ok(Till::new(sk))
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOREKEEP_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let options = Options::parse();
    let state = AppState::opened(tauri::async_runtime::block_on(open_store(&options)));
    if let Err(e) = &state.0 {
        tracing::error!(code = ?e.code, "{}", e.message);
    }
    let app = build_app(tauri::Builder::default(), state).run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("storekeep-app: the window could not be started: {e}");
        std::process::exit(1);
    }
}
