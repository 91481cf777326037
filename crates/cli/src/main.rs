//! `storekeep`: the headless command line over the same backend the app uses.
//!
//! Exit codes: 0 done; 1 refused or failed (the message says why, on stderr); 2 bad usage.

mod backup;
mod degraded;
mod payments;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use storekeep_backend::audit::{AuditFilter, Outcome};
use storekeep_backend::till::PayOutcome;
use storekeep_backend::{Error, OpenOptions, Storekeep, SystemClock, Till, demo, paths};
use storekeep_domain::cart::{CartError, Discount, DiscountKind, SoldBy};
use storekeep_domain::receipt::Receipt;
use storekeep_domain::staff::Role;
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
    /// For the crash tests only (hidden): sell for cash in a loop, printing `receipt N` once
    /// each sale is committed; a sale found open (cut off by a kill) is finished first.
    #[command(hide = true)]
    CrashLoop {
        #[command(flatten)]
        login: Login,
        /// Stop after this many sales (never, if not given).
        #[arg(long)]
        count: Option<u64>,
    },
    /// Register a sale: scan codes, pay with any mix of tenders, print the receipt.
    ///
    /// Payments are taken in this order: vouchers, card, Swish, then cash for the rest. Card and
    /// Swish go to the SIMULATED terminal and Swish (this build ships no real adapters).
    Sale {
        #[command(flatten)]
        login: Login,
        /// Barcodes as a scanner would send them, or `plu:4011@0,452` (PLU with a weight in
        /// kg) or `plu:101*3` (PLU and a number of pieces).
        #[arg(required = true, value_name = "CODE")]
        codes: Vec<String>,
        /// A discount on the whole sale: `10%:Reason` or `25,00:Reason`.
        #[arg(long, value_name = "DISCOUNT")]
        discount: Option<String>,
        #[command(flatten)]
        pay: Payments,
        /// Print the receipt as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pay the rest of a sale left open with payments taken (after `sale` ran short).
    Pay {
        #[command(flatten)]
        login: Login,
        #[command(flatten)]
        pay: Payments,
        #[arg(long)]
        json: bool,
    },
    /// The catalog: import price files and find items.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Receipts already registered.
    Receipt {
        #[command(subcommand)]
        command: ReceiptCommand,
    },
    /// Backups: the manager's key, setting them up, making one, restore (docs/backup-restore.md).
    Backup {
        #[command(subcommand)]
        command: backup::BackupCommand,
    },
    /// The hash-chained journal of registrations.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// X-dagrapport (any time) or Z-dagrapport (once a day; closes the day). Printed to the
    /// terminal and registered in the journal.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Take goods back against receipt N: `return 12 1 3:2` returns all of line 1 and 2 of
    /// line 3 (no lines: the whole receipt). Refunds go to the card, Swish payment or voucher
    /// paid with where possible, cash otherwise.
    Return {
        #[command(flatten)]
        login: Login,
        number: i64,
        /// LINE or LINE:QUANTITY (kg with a decimal comma or point for weighed lines).
        lines: Vec<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Staff: managers add and disable people; nobody is ever deleted.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// The audit log of control actions.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Opening hours: the state now and the week, changes (managers, with a reason), the door
    /// sign and the feed endpoint. Rules: override > temporary change > special day > weekly.
    Hours {
        #[command(subcommand)]
        command: HoursCommand,
    },
    /// Payment methods: the state in force, switches and limits (managers, with a reason),
    /// offline caps, fallback rules, the offline-card report and the customer sign.
    Payments {
        #[command(subcommand)]
        command: payments::PaymentsCommand,
    },
    /// Scan & Pay: import the app's finished purchases, list the day, mark exit checks, and the
    /// token for the app service's endpoint.
    ScanAndPay {
        #[command(subcommand)]
        command: payments::ScanAndPayCommand,
    },
    /// The store mode, every dependency's health as last probed, island mode, the open
    /// incident or drill, the queue for HQ and the pinned HQ key.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Island mode: cut all inbound remote control (managers, with a reason). Selling goes on.
    Island {
        #[command(subcommand)]
        command: degraded::IslandCommand,
    },
    /// Incidents: list, report, notes and decisions.
    Incident {
        #[command(subcommand)]
        command: degraded::IncidentCommand,
    },
    /// Drills: practice incidents with simulated failures, marked practice throughout.
    Drill {
        #[command(subcommand)]
        command: degraded::DrillCommand,
    },
    /// The dependency monitor: how each dependency is probed, and a probe run by hand.
    Health {
        #[command(subcommand)]
        command: degraded::HealthCommand,
    },
    /// Remote control from HQ: pin HQ's key, receive signed envelopes, the log; and HQ's own
    /// tools (keygen, seal).
    Remote {
        #[command(subcommand)]
        command: degraded::RemoteCommandLine,
    },
    /// HQ: connect this store, send what waits, and the queue.
    Hq {
        #[command(subcommand)]
        command: degraded::HqCommand,
    },
}

#[derive(Debug, Subcommand)]
enum HoursCommand {
    /// Open or closed now, why, and the coming week.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Close now, whatever the hours say, until a time or until further notice.
    CloseNow {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        reason: String,
        /// `HH:MM` (the next time the clock shows it) or `YYYY-MM-DDTHH:MM`; leave out for
        /// "until further notice".
        #[arg(long)]
        until: Option<String>,
    },
    /// Open now, whatever the hours say, until a time or until further notice.
    OpenNow {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        until: Option<String>,
    },
    /// Other hours every day from one date through another (or until further notice):
    /// `--hours 10-16` or `--hours closed`.
    Temporary {
        #[command(flatten)]
        login: Login,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        #[arg(long)]
        hours: String,
        #[arg(long)]
        reason: String,
    },
    /// End a change early (its number from `hours show`).
    End {
        #[command(flatten)]
        login: Login,
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Replace the standing hours (week, special days, grace) with a JSON file as `hours show
    /// --json` prints under "form".
    Set {
        #[command(flatten)]
        login: Login,
        file: PathBuf,
        #[arg(long)]
        reason: String,
    },
    /// What customers are told on the door sign and in the feed (both languages, at most 300
    /// characters each; both empty clears it).
    Notice {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        sv: String,
        #[arg(long)]
        en: String,
        #[arg(long)]
        reason: String,
    },
    /// Write the A4 door sign: a .pdf or .html file.
    Sign { file: PathBuf },
    /// Serve the feed (`/hours.json`, `/door-sign.html`, `/door-sign.pdf`) until stopped.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        bind: String,
    },
}

/// Tenders, taken in this order: vouchers, card, Swish, cash. Card and Swish go to the
/// SIMULATED terminal and Swish.
#[derive(Debug, clap::Args)]
struct Payments {
    /// Gift voucher code, optionally with the amount to take from it: `PRESENT-100:50`.
    #[arg(long, value_name = "CODE[:AMOUNT]")]
    voucher: Vec<String>,
    /// Card payment (simulated terminal): an amount, or `rest`.
    #[arg(long, value_name = "AMOUNT|rest")]
    card: Option<String>,
    /// Swish payment (simulated): an amount, or `rest`.
    #[arg(long, value_name = "AMOUNT|rest")]
    swish: Option<String>,
    /// Cash handed over for the rest, e.g. 200 or 200,50.
    #[arg(long, value_name = "AMOUNT")]
    cash: Option<String>,
}

/// Who is acting, by staff number and PIN.
#[derive(Debug, clap::Args)]
pub(crate) struct Login {
    /// Staff number of the person acting (see `storekeep staff list`).
    #[arg(long = "staff", value_name = "ID")]
    pub(crate) staff_id: i64,
    /// Their PIN.
    #[arg(long, value_name = "PIN")]
    pub(crate) pin: String,
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// List everybody, disabled people included.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a person. Without --staff/--pin this creates the store's first manager.
    Add {
        #[arg(long)]
        name: String,
        /// manager, cashier or kiosk.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Their PIN, 4 to 8 digits.
        #[arg(long = "new-pin", value_name = "PIN")]
        new_pin: String,
        /// The manager adding them.
        #[arg(long = "staff", value_name = "ID", requires = "pin")]
        staff_id: Option<i64>,
        #[arg(long, value_name = "PIN", requires = "staff_id")]
        pin: Option<String>,
    },
    /// Disable a person, with a reason.
    Disable {
        /// Staff number of the person to disable.
        target: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        login: Login,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the audit log's hash chain; non-zero exit naming the first bad entry.
    Verify,
    /// The newest entries first.
    List {
        /// Only actions starting with this, e.g. `login.` or `staff.`.
        #[arg(long)]
        action: Option<String>,
        /// Only entries by this staff number.
        #[arg(long)]
        actor: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// Import a price file (CSV or JSON, see docs/price-file.md): all of it, or nothing.
    Import {
        #[command(flatten)]
        login: Login,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Find items by PLU or name, best match first.
    Find {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
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
    /// The one copy (KOPIA) of receipt N: printed to the terminal, or written as PDF/HTML.
    Copy {
        #[command(flatten)]
        login: Login,
        number: i64,
        /// Write the copy as an electronic receipt (PDF) to this file instead.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        /// Write the copy as HTML to this file instead.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    X {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        json: bool,
    },
    Z {
        #[command(flatten)]
        login: Login,
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
    /// Write the journal as JSON Lines for an auditor (docs/journal-format.md); `-` for stdout.
    Export { file: PathBuf },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("STOREKEEP_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
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
    // HQ's tools need no store.
    if let Command::Remote { command } = &cli.command
        && let Some(done) = degraded::hq_side(command)
    {
        return done;
    }
    let dir = paths::data_dir(cli.data_dir.as_deref());
    let db_path =
        paths::database_path(&dir).map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    if let Command::Backup { command } = &cli.command
        && let Some(done) = backup::before_open(command, &dir).await
    {
        return done;
    }
    // `journal verify` and `export` examine a damaged store and say where it breaks; everything
    // else refuses to open one.
    let examine = matches!(cli.command, Command::Journal { .. });
    let options = OpenOptions { check_journal_tail: !examine, ..OpenOptions::default() };
    let sk = Storekeep::open(&db_path, options, Arc::new(SystemClock)).await?;
    let outcome = on_store(&sk, &dir, cli.command).await;
    // A clean close: SQLite folds the WAL into the database file and removes it, so the data
    // folder is one file between commands (what a copy, a backup tool or a check sees).
    sk.db().close().await;
    outcome
}

/// The commands on an open store.
async fn on_store(sk: &Storekeep, dir: &std::path::Path, command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Init { demo: true, .. } => {
            sk.init(&demo::identity(), true).await?;
            println!("Demo store set up in {} with {} items.", dir.display(), sk.catalog().count().await?);
        }
        Command::Init { company, org_number, address, register, .. } => {
            let s = |v: Option<String>| v.unwrap_or_default();
            let identity = StoreIdentity::new(&s(company), &s(org_number), &s(address), &s(register))?;
            sk.init(&identity, false).await?;
            println!("Store {} set up in {}.", identity.company_name, dir.display());
        }
        Command::Sale { login, codes, discount, pay, json } => {
            sk.require_identity().await?;
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let open = till.cart().await?;
            if !open.cart.lines.is_empty() {
                eprintln!(
                    "storekeep: a sale with {} kr paid of {} kr is open on this register: finish it with `storekeep pay`",
                    open.cart.paid.to_swedish(),
                    open.cart.total.to_swedish()
                );
                return Err(Error::SaleInProgress);
            }
            for code in &codes {
                add(sk, &till, code).await?;
            }
            if let Some(d) = discount {
                till.set_sale_discount(Some(parse_discount(&d)?), None).await?;
            }
            print_receipt(&pay_with(&till, pay).await?, json)?;
        }
        Command::CrashLoop { login, count } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let codes: Vec<String> = demo::catalog()
                .into_iter()
                .filter(|i| i.sold_by == SoldBy::Each)
                .filter_map(|i| i.code)
                .collect();
            let mut n: u64 = 0;
            while count.is_none_or(|c| n < c) {
                if till.cart().await?.cart.lines.is_empty() {
                    for k in 0..=(n % 3) {
                        till.scan(&codes[((n * 7 + k) as usize) % codes.len()]).await?;
                    }
                }
                let receipt = till.pay_cash("10000").await?;
                // Printed only after the commit: what the parent reads is acknowledged.
                println!("receipt {}", receipt.receipt_no);
                n += 1;
            }
        }
        Command::Pay { login, pay, json } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            if till.cart().await?.cart.lines.is_empty() {
                return Err(Error::NothingToPark);
            }
            print_receipt(&pay_with(&till, pay).await?, json)?;
        }
        Command::Catalog { command: CatalogCommand::Import { login, file, json } } => {
            let bytes =
                std::fs::read(&file).map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let name = file.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let report = till.import_catalog(&name, &bytes).await?;
            if json {
                println!("{}", to_json(&report)?);
            } else if report.applied {
                println!(
                    "Imported {name}: {} rows, {} added, {} changed, {} unchanged.",
                    report.rows, report.added, report.changed, report.unchanged
                );
            }
            if !report.applied {
                eprintln!("storekeep: nothing was imported: {} problem(s) in {name}:", report.error_count);
                for e in &report.errors {
                    let col = e.column.as_deref().map_or(String::new(), |c| format!(" [{c}]"));
                    eprintln!("  row {}{col}: {}", e.row, e.message);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Catalog { command: CatalogCommand::Find { text, limit, json } } => {
            let items = sk.catalog().search(&text, limit).await?;
            if json {
                println!("{}", to_json(&items)?);
            }
            for i in items.iter().filter(|_| !json) {
                let id =
                    i.plu.as_ref().map(|p| format!("PLU {p}")).or_else(|| i.code.clone()).unwrap_or_default();
                let unit = if i.sold_by == SoldBy::Weight { "/kg" } else { "" };
                println!("{id:>15}  {:<40} {:>10} kr{unit}", i.name, i.price.to_swedish());
            }
        }
        Command::Receipt { command: ReceiptCommand::Show { number, json } } => {
            let receipt = sk.sales().receipt(number).await?;
            if json {
                println!("{}", to_json(&receipt)?);
            } else {
                print!("{}", receipt.render_text());
            }
        }
        Command::Journal { command: JournalCommand::Export { file } } => {
            let n = if file.as_os_str() == "-" {
                sk.journal().export(&mut std::io::stdout()).await?
            } else {
                let mut f = std::io::BufWriter::new(
                    std::fs::File::create(&file)
                        .map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?,
                );
                let n = sk.journal().export(&mut f).await?;
                eprintln!("{n} entries written to {}", file.display());
                n
            };
            let _ = n;
        }
        Command::Report { command } => {
            let (kind, login, json) = match command {
                ReportCommand::X { login, json } => (storekeep_domain::report::ReportKind::X, login, json),
                ReportCommand::Z { login, json } => (storekeep_domain::report::ReportKind::Z, login, json),
            };
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let view = till.take_report(kind).await?;
            if json {
                println!("{}", to_json(&view.report)?);
            } else {
                print!("{}", view.text);
            }
            // The command line has no backup worker: the Z report's backup is made here.
            if kind == storekeep_domain::report::ReportKind::Z && sk.backups().config().await?.is_some() {
                let reason = format!("Z report {}", view.report.number);
                match sk.backups().create(None, &reason, &|_| {}).await {
                    Ok(r) => eprintln!("Backup written and read back: {}", r.file),
                    Err(e) => eprintln!("storekeep: the Z report is taken, but its backup failed: {e}"),
                }
            }
        }
        Command::Receipt { command: ReceiptCommand::Copy { login, number, pdf, html } } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let output = if pdf.is_some() || html.is_some() {
                storekeep_backend::till::CopyOutput::File
            } else {
                storekeep_backend::till::CopyOutput::Paper
            };
            let (copy, _) = till.copy_receipt(number, output).await?;
            let write = |path: &PathBuf, bytes: &[u8]| {
                std::fs::write(path, bytes).map_err(|e| Error::Storage(format!("{}: {e}", path.display())))
            };
            if let Some(p) = &pdf {
                write(p, &storekeep_domain::receipt_doc::pdf(&copy))?;
                eprintln!("Copy of receipt {number} written to {}", p.display());
            }
            if let Some(p) = &html {
                write(p, storekeep_domain::receipt_doc::html(&copy).as_bytes())?;
                eprintln!("Copy of receipt {number} written to {}", p.display());
            }
            if pdf.is_none() && html.is_none() {
                print!("{}", copy.render_text());
            }
        }
        Command::Return { login, number, lines, reason, json } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let plan = till.return_plan(number).await?;
            let wanted: Vec<storekeep_domain::returns::ReturnRequest> = if lines.is_empty() {
                plan.lines
                    .iter()
                    .filter(|l| l.left > rust_decimal::Decimal::ZERO)
                    .map(|l| storekeep_domain::returns::ReturnRequest { line: l.line, quantity: l.left })
                    .collect()
            } else {
                lines.iter().map(|l| parse_return_line(l, &plan)).collect::<Result<_, Error>>()?
            };
            let out = till.return_items(number, &wanted, &reason, None).await?;
            for w in &out.to_cash_instead {
                eprintln!(
                    "storekeep: the {} refund of {} kr was refused ({}): refunded in cash instead",
                    w.method.as_str(),
                    w.amount.to_swedish(),
                    w.reason
                );
            }
            print_receipt(&out.receipt, json)?;
        }
        Command::Journal { command: JournalCommand::Verify { json } } => {
            let v = sk.journal().verify().await?;
            if json {
                println!("{}", to_json(&v)?);
            }
            return Ok(match v.problem {
                None => {
                    if !json {
                        let clock = match v.clock_backwards {
                            0 => String::new(),
                            n => format!("; the clock went back {n} times (each journaled)"),
                        };
                        println!(
                            "Journal verified: {} entries, {} receipts in an unbroken series, {} reports{clock}; chain intact. Grand totals: sales {} kr, returns {} kr, net {} kr.",
                            v.entries,
                            v.sales,
                            v.reports,
                            v.grand.sales.to_swedish(),
                            v.grand.returns.to_swedish(),
                            v.grand.net.to_swedish()
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
        Command::Staff { command } => staff(sk, command).await?,
        Command::Hours { command } => return hours(sk, command).await,
        Command::Payments { command } => return payments::payments(sk, command).await,
        Command::ScanAndPay { command } => return payments::scan_and_pay(sk, command).await,
        Command::Status { json } => return degraded::status(sk, json).await,
        Command::Island { command } => return degraded::island(sk, command).await,
        Command::Incident { command } => return degraded::incident(sk, command).await,
        Command::Drill { command } => return degraded::drill(sk, command).await,
        Command::Health { command } => return degraded::health(sk, command).await,
        Command::Remote { command } => return degraded::remote(sk, command).await,
        Command::Hq { command } => return degraded::hq(sk, command).await,
        Command::Backup { command } => return backup::with_store(sk, command).await,
        Command::Audit { command: AuditCommand::Verify } => {
            let v = sk.audit().verify().await?;
            return Ok(match v.problem {
                None => {
                    println!("Audit log verified: {} entries, chain intact.", v.entries);
                    ExitCode::SUCCESS
                }
                Some((seq, what)) => {
                    eprintln!("storekeep: the audit log does NOT verify. First bad entry: {seq}: {what}");
                    ExitCode::FAILURE
                }
            });
        }
        Command::Audit { command: AuditCommand::List { action, actor, limit, json } } => {
            let filter =
                AuditFilter { action_prefix: action, actor_id: actor, outcome: None, limit: Some(limit) };
            let entries = sk.audit().list(&filter).await?;
            if json {
                println!("{}", to_json(&entries)?);
            }
            for e in entries.iter().filter(|_| !json) {
                let r = &e.record;
                let who = r
                    .actor
                    .as_ref()
                    .map_or("system".to_string(), |a| format!("{} ({})", a.name, a.role.as_str()));
                let change = match (&r.old_value, &r.new_value) {
                    (None, None) => String::new(),
                    (old, new) => {
                        format!(" {} -> {}", old.as_deref().unwrap_or("-"), new.as_deref().unwrap_or("-"))
                    }
                };
                let approved =
                    r.approved_by.as_ref().map_or(String::new(), |a| format!(" approved by {}", a.name));
                let reason = r.reason.as_ref().map_or(String::new(), |x| format!(" because: {x}"));
                let outcome = if r.outcome == Outcome::Refused { " REFUSED" } else { "" };
                println!(
                    "{:>5} {} {who} {}{outcome} {}{change}{approved}{reason}",
                    e.seq, r.at, r.action, r.subject
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn staff(sk: &Storekeep, command: StaffCommand) -> Result<(), Error> {
    match command {
        StaffCommand::List { json } => {
            let all = sk.staff().list().await?;
            if json {
                println!("{}", to_json(&all)?);
            }
            for m in all.iter().filter(|_| !json) {
                let state = if m.active { "" } else { " (disabled)" };
                println!("{:>4}  {:<8} {}{state}", m.id, m.role.as_str(), m.name);
            }
        }
        StaffCommand::Add { name, role, new_pin, staff_id, pin } => {
            let member = match (staff_id, pin) {
                (Some(id), Some(pin)) => {
                    let manager = sk.staff().authenticate(id, &pin).await?;
                    sk.staff().create(&manager.actor(), &name, role, &new_pin).await?
                }
                _ if role == Role::Manager => sk.staff().create_first_manager(&name, &new_pin).await?,
                _ => return Err(Error::FirstManagerExists),
            };
            println!("Added {} ({}) as staff number {}.", member.name, member.role.as_str(), member.id);
        }
        StaffCommand::Disable { target, reason, login } => {
            let manager = sk.staff().authenticate(login.staff_id, &login.pin).await?;
            let member = sk.staff().disable(&manager.actor(), target, &reason).await?;
            println!("{} is disabled.", member.name);
        }
    }
    Ok(())
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("{s} is not a role: manager, cashier or kiosk"))
}

/// Takes the payments in order and stops at the one that settles the sale.
async fn pay_with(till: &Till, pay: Payments) -> Result<Receipt, Error> {
    let rest = |a: &str| if a == "rest" { None } else { Some(a.to_string()) };
    let mut steps: Vec<(String, Step)> = Vec::new();
    for v in pay.voucher {
        steps.push((format!("--voucher {v}"), Step::Voucher(v)));
    }
    if let Some(a) = pay.card {
        steps.push((format!("--card {a}"), Step::Card(rest(&a))));
    }
    if let Some(a) = pay.swish {
        steps.push((format!("--swish {a}"), Step::Swish(rest(&a))));
    }
    if let Some(c) = pay.cash {
        steps.push((format!("--cash {c}"), Step::Cash(c)));
    }
    if steps.is_empty() {
        return Err(Error::Tender(storekeep_domain::sale::TenderError::EmptySale));
    }
    for (i, (_, step)) in steps.iter().enumerate() {
        let outcome = match step {
            Step::Voucher(v) => {
                let (code, value) = v.split_once(':').map_or((v.as_str(), None), |(c, a)| (c, Some(a)));
                till.pay_voucher(code, value).await?
            }
            Step::Card(a) => till.pay_card(a.as_deref()).await?,
            Step::Swish(a) => swish(till, a.as_deref()).await?,
            Step::Cash(c) => till.take_cash(c, false).await?,
        };
        if let PayOutcome::Paid { receipt, .. } = outcome {
            for (arg, _) in &steps[i + 1..] {
                eprintln!("storekeep: the sale was paid in full; {arg} was not used");
            }
            return Ok(receipt);
        }
    }
    let open = till.cart().await?;
    eprintln!(
        "storekeep: the payments do not cover the sale: {} kr is left. What was paid stays on the open sale; finish it with `storekeep pay`",
        open.cart.remaining.to_swedish()
    );
    Err(Error::PaymentTaken)
}

#[derive(Debug)]
enum Step {
    Voucher(String),
    Card(Option<String>),
    Swish(Option<String>),
    Cash(String),
}

/// A Swish request, checked until the (simulated) customer answers; given up after 20 s.
async fn swish(till: &Till, amount: Option<&str>) -> Result<PayOutcome, Error> {
    if let PayOutcome::Paid { receipt, .. } = till.swish_start(amount).await? {
        return Ok(PayOutcome::Paid { receipt, delivery: None });
    }
    for _ in 0..100 {
        match till.swish_poll().await? {
            PayOutcome::Open { sale } if sale.swish.is_some() => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            done => return Ok(done),
        }
    }
    till.swish_cancel().await?;
    Err(Error::SwishUnavailable("no answer within 20 seconds; the request was cancelled".into()))
}

fn print_receipt(receipt: &Receipt, json: bool) -> Result<(), Error> {
    if json {
        println!("{}", to_json(receipt)?);
    } else {
        print!("{}", receipt.render_text());
    }
    Ok(())
}

/// Adds one `CODE` argument of `storekeep sale` to the till.
async fn add(sk: &Storekeep, till: &Till, code: &str) -> Result<(), Error> {
    let Some(plu) = code.strip_prefix("plu:") else {
        till.scan(code).await?;
        return Ok(());
    };
    let (plu, weight) = plu.split_once('@').map_or((plu, None), |(p, w)| (p, Some(w)));
    let (plu, pieces) = plu.split_once('*').map_or((plu, None), |(p, q)| (p, Some(q)));
    let item = sk
        .catalog()
        .search(plu, 1)
        .await?
        .into_iter()
        .find(|i| i.plu.as_deref() == Some(plu))
        .ok_or_else(|| Error::UnknownProduct(format!("PLU {plu}")))?;
    till.add_item(item.id, pieces, weight).await?;
    Ok(())
}

/// `10%:Reason` or `25,00:Reason`.
fn parse_discount(text: &str) -> Result<Discount, Error> {
    let (value, reason) = text.split_once(':').unwrap_or((text, ""));
    let bad = || Error::Cart(CartError::BadDiscount(value.to_string()));
    let (kind, number) = match value.strip_suffix('%') {
        Some(p) => (DiscountKind::Percent, p),
        None => (DiscountKind::Amount, value),
    };
    let value = number.trim().replace(',', ".").parse().map_err(|_| bad())?;
    Ok(Discount::new(kind, value, reason.trim()))
}

async fn hours(sk: &Storekeep, command: HoursCommand) -> Result<ExitCode, Error> {
    use storekeep_domain::hours::ChangeRequest;
    let till_for = |login: &Login| {
        let till = Till::new(sk.clone());
        let (id, pin) = (login.staff_id, login.pin.clone());
        async move { till.login(id, &pin).await.map(|_| till) }
    };
    let change = match command {
        HoursCommand::Show { json } => {
            let view = sk.hours().view().await?;
            if json {
                println!("{}", to_json(&view)?);
            } else {
                println!(
                    "{}\n{}\n",
                    view.status.summary_sv,
                    view.status.decided.text(storekeep_domain::hours::Lang::Sv)
                );
                for d in &view.week {
                    let special = d.special_day.map(|s| format!("  ({})", s.swedish())).unwrap_or_default();
                    println!("{} {:<8} {}{special}", d.date, d.weekday_sv, d.hours_sv);
                }
                for c in &view.changes {
                    println!(
                        "\nchange {}: {} (by {}, {})",
                        c.id,
                        c.reason,
                        c.made_by.name,
                        to_json(&c.rule)?
                    );
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        HoursCommand::Sign { file } => {
            let feed = sk.hours().feed().await?;
            let bytes = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("html")) {
                storekeep_domain::door_sign::sign_html(&feed).into_bytes()
            } else {
                storekeep_domain::door_sign::sign_pdf(&feed)
            };
            std::fs::write(&file, bytes).map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            eprintln!("door sign written to {}", file.display());
            return Ok(ExitCode::SUCCESS);
        }
        HoursCommand::Serve { bind } => {
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .map_err(|e| Error::Storage(format!("cannot listen on {bind}: {e}")))?;
            eprintln!("serving http://{bind}/hours.json (Ctrl-C stops)");
            storekeep_backend::feed_server::serve(sk.clone(), listener)
                .await
                .map_err(|e| Error::Storage(e.to_string()))?;
            return Ok(ExitCode::SUCCESS);
        }
        HoursCommand::Set { login, file, reason } => {
            let till = till_for(&login).await?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            let form: storekeep_domain::hours::OpeningHoursForm = serde_json::from_str(&text)
                .map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            let view = till.set_opening_hours(&form, &reason).await?;
            println!("{}", view.status.summary_sv);
            return Ok(ExitCode::SUCCESS);
        }
        HoursCommand::Notice { login, sv, en, reason } => {
            let notice = storekeep_domain::door_sign::Notice { sv, en };
            till_for(&login).await?.set_customer_notice(&notice, &reason).await?;
            eprintln!("notice saved; the door sign and the feed are updated");
            return Ok(ExitCode::SUCCESS);
        }
        HoursCommand::End { login, id, reason } => {
            till_for(&login).await?.end_hours_change(id, &reason).await?
        }
        HoursCommand::CloseNow { login, reason, until } => {
            let request = ChangeRequest::Override { open: false, until };
            till_for(&login).await?.add_hours_change(&request, &reason).await?
        }
        HoursCommand::OpenNow { login, reason, until } => {
            let request = ChangeRequest::Override { open: true, until };
            till_for(&login).await?.add_hours_change(&request, &reason).await?
        }
        HoursCommand::Temporary { login, from, to, hours, reason } => {
            let request = ChangeRequest::Temporary { starts: from, ends: to, hours };
            till_for(&login).await?.add_hours_change(&request, &reason).await?
        }
    };
    let status = sk.hours().status().await?;
    println!("change {}: {}\n{}", change.id, change.reason, status.summary_sv);
    Ok(ExitCode::SUCCESS)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Storage(e.to_string()))
}

/// `3` (all that is left of line 3) or `3:2` / `3:0,452`.
fn parse_return_line(
    text: &str,
    plan: &storekeep_backend::till::ReturnPlan,
) -> Result<storekeep_domain::returns::ReturnRequest, Error> {
    let bad = || Error::Return(storekeep_domain::returns::ReturnError::NothingChosen);
    let (line, qty) = match text.split_once(':') {
        Some((l, q)) => (l, Some(q)),
        None => (text, None),
    };
    let line: usize = line.trim().parse().map_err(|_| bad())?;
    let quantity = match qty {
        Some(q) => q.trim().replace(',', ".").parse().map_err(|_| bad())?,
        None => plan.lines.iter().find(|l| l.line == line).map(|l| l.left).ok_or(Error::Return(
            storekeep_domain::returns::ReturnError::NoSuchLine { receipt: plan.receipt.receipt_no, line },
        ))?,
    };
    Ok(storekeep_domain::returns::ReturnRequest { line, quantity })
}
