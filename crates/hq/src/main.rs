//! `storekeep-hq`: HQ's service. `serve` listens for the stores; `enrol` adds a store and prints
//! its token once.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
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
        Command::Serve { bind } => {
            let listener = tokio::net::TcpListener::bind(&bind).await?;
            tracing::info!("HQ listening on {}", listener.local_addr()?);
            axum::serve(listener, storekeep_hq::router(hq)).await?;
        }
    }
    Ok(())
}
