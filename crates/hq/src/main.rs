//! `storekeep-hq`: HQ's service. `serve` listens for the stores (and shows the fleet to whoever
//! holds the admin token); `enrol` adds a store and prints its token once; `publish` seals a
//! catalog, config or command for stores; `fleet` prints the fleet.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use storekeep_domain::envelope::Kind;
use storekeep_hq::bundles::Publish;

#[derive(Debug, Parser)]
#[command(name = "storekeep-hq", version, about = "HQ for a chain of Storekeep stores (PostgreSQL)")]
struct Cli {
    /// e.g. postgres://hq@127.0.0.1/storekeep_hq
    #[arg(long, env = "STOREKEEP_HQ_DATABASE")]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the stores on BIND (loopback by default; put TLS in front where deployed).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8790")]
        bind: String,
        /// A file holding the token for the fleet view (`/fleet`, `/v1/fleet`); without it the
        /// view is off.
        #[arg(long, env = "STOREKEEP_HQ_ADMIN_TOKEN_FILE")]
        admin_token_file: Option<std::path::PathBuf>,
    },
    /// Seal a catalog file, a config or a command for stores (each gets its next counter).
    Publish {
        /// HQ's secret key file (`storekeep remote keygen`).
        #[arg(long)]
        key: std::path::PathBuf,
        #[arg(long, value_parser = ["catalog", "config", "command"])]
        kind: String,
        /// The store (repeatable); every store if none is named.
        #[arg(long = "store")]
        stores: Vec<String>,
        #[arg(long)]
        file: std::path::PathBuf,
        /// Who at HQ publishes it.
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value_t = 168)]
        expires_in_hours: i64,
    },
    /// Print each store's mode, dependencies, payment methods, hours and sync lag.
    Fleet,
    /// Add a store; its token is printed once (HQ keeps only its SHA-256).
    Enrol { id: String, name: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STOREKEEP_LOG").unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storekeep-hq: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let hq = storekeep_hq::Hq::connect(&cli.database, 50).await?;
    match cli.command {
        Command::Enrol { id, name } => println!("{}", hq.enrol(&id, &name).await?),
        Command::Publish { key, kind, stores, file, by, reason, expires_in_hours } => {
            let key_text = std::fs::read_to_string(&key).map_err(|e| format!("{}: {e}", key.display()))?;
            let key = storekeep_domain::envelope::parse_secret_key(&key_text)?;
            let body = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let kind = match kind.as_str() {
                "catalog" => Kind::Catalog,
                "config" => Kind::Config,
                _ => Kind::Command,
            };
            let what = Publish {
                kind,
                body: &body,
                by: &by,
                reason: &reason,
                expires_in: jiff::SignedDuration::from_hours(expires_in_hours),
            };
            for p in hq.publish(&key, &stores, &what).await? {
                println!("{} {} {}", p.store_id, kind.as_str(), p.counter);
            }
        }
        Command::Fleet => {
            let now = hq.now().await?;
            for row in hq.fleet().await? {
                let mode = row
                    .report
                    .as_ref()
                    .map_or("no report".to_string(), |r| storekeep_hq::fleet::mode_words(&r.mode));
                let lag = row.lag(now).map_or("-".to_string(), |l| format!("{} s", l.as_secs()));
                println!(
                    "{}\t{}\theld {}\tlag {}\t{}{}",
                    row.store_id,
                    mode,
                    row.held,
                    lag,
                    if row.stale(now) { "not heard" } else { "heard" },
                    if row.breaks > 0 { format!("\t{} chain breaks", row.breaks) } else { String::new() }
                );
            }
        }
        Command::Serve { bind, admin_token_file } => {
            let hq = match admin_token_file {
                Some(path) => {
                    let token =
                        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    if token.trim().len() < 16 {
                        return Err(
                            format!("{}: the admin token is at least 16 characters", path.display()).into()
                        );
                    }
                    hq.with_admin_token(&token)
                }
                None => {
                    tracing::info!("no admin token: the fleet view is off");
                    hq
                }
            };
            let listener = tokio::net::TcpListener::bind(&bind).await?;
            tracing::info!("HQ listening on {}", listener.local_addr()?);
            axum::serve(listener, storekeep_hq::router(hq)).await?;
        }
    }
    Ok(())
}
