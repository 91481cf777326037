//! `storekeep`: the headless command line over the same backend the app uses.
//!
//! Exit codes: 0 done; 1 refused or failed (the message says why, on stderr); 2 bad usage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use storekeep_backend::{Error, OpenOptions, Storekeep, SystemClock, Till, demo, paths};
use storekeep_domain::store::StoreIdentity;

#[derive(Debug, Parser)]
#[command(
    name = "storekeep",
    version,
    about = "Storekeep: the store's till and records, from the command line"
)]
struct Cli {
    /// The data folder (default: $STOREKEEP_DATA_DIR, else the OS's per-user data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Set up the store: its identity, or the demo store with its catalog.
    Init {
        /// Seed the demo store (identity and a catalog of about 2,200 items).
        #[arg(long, conflicts_with_all = ["company", "org_number", "address", "register"])]
        demo: bool,
        /// Company name as printed on receipts.
        #[arg(long, required_unless_present = "demo")]
        company: Option<String>,
        /// Swedish organisation number, NNNNNN-NNNN.
        #[arg(long, required_unless_present = "demo")]
        org_number: Option<String>,
        /// Address of the point of sale.
        #[arg(long, required_unless_present = "demo")]
        address: Option<String>,
        /// Register designation (kassabeteckning).
        #[arg(long, required_unless_present = "demo")]
        register: Option<String>,
    },
    /// Register a sale: scan codes, pay cash, print the receipt.
    Sale {
        /// Barcodes as a scanner would send them.
        #[arg(required = true, value_name = "CODE")]
        codes: Vec<String>,
        /// Cash handed over, e.g. 200 or 200,50.
        #[arg(long, value_name = "AMOUNT")]
        cash: String,
        /// Print the receipt as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Receipts already registered.
    Receipt {
        #[command(subcommand)]
        command: ReceiptCommand,
    },
    /// The hash-chained journal of registrations.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ReceiptCommand {
    /// Show receipt number N.
    Show {
        number: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum JournalCommand {
    /// Recompute the hash chain and check the sales against it; non-zero exit on a break.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("STOREKEEP_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("storekeep: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("storekeep: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    let dir = paths::data_dir(cli.data_dir.as_deref());
    let db_path = paths::database_path(&dir)
        .map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    let sk = Storekeep::open(&db_path, OpenOptions::default(), Arc::new(SystemClock)).await?;
    match cli.command {
        Command::Init { demo: true, .. } => {
            sk.init(&demo::identity(), true).await?;
            println!(
                "Demo store set up in {} with {} items.",
                dir.display(),
                sk.catalog().count().await?
            );
        }
        Command::Init {
            company,
            org_number,
            address,
            register,
            ..
        } => {
            let s = |v: Option<String>| v.unwrap_or_default();
            let identity =
                StoreIdentity::new(&s(company), &s(org_number), &s(address), &s(register))?;
            sk.init(&identity, false).await?;
            println!(
                "Store {} set up in {}.",
                identity.company_name,
                dir.display()
            );
        }
        Command::Sale { codes, cash, json } => {
            sk.require_identity().await?;
            let till = Till::new(sk.clone());
            for code in &codes {
                till.scan(code).await?;
            }
            let receipt = till.pay_cash(&cash).await?;
            if json {
                println!("{}", to_json(&receipt)?);
            } else {
                print!("{}", receipt.render_text());
            }
        }
        Command::Receipt {
            command: ReceiptCommand::Show { number, json },
        } => {
            let receipt = sk.sales().receipt(number).await?;
            if json {
                println!("{}", to_json(&receipt)?);
            } else {
                print!("{}", receipt.render_text());
            }
        }
        Command::Journal {
            command: JournalCommand::Verify { json },
        } => {
            let v = sk.journal().verify().await?;
            if json {
                println!("{}", to_json(&v)?);
            }
            return Ok(match v.problem {
                None => {
                    if !json {
                        println!(
                            "Journal verified: {} entries, {} sales, chain intact.",
                            v.entries, v.sales
                        );
                    }
                    ExitCode::SUCCESS
                }
                Some(p) => {
                    eprintln!(
                        "storekeep: the journal does NOT verify. First bad entry: register {} sequence {}: {}",
                        p.register_id, p.seq, p.what
                    );
                    ExitCode::FAILURE
                }
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Storage(e.to_string()))
}
