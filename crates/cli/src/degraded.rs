//! `storekeep status`, `island`, `incident`, `drill`, `health` and `remote`: degraded mode from
//! the command line (issue 8; docs/degraded-mode.md, docs/remote-control.md).
//!
//! The command line does not probe (the app's monitor does); it shows what the store last
//! knew, switches island mode, keeps incidents and drills, and receives signed envelopes.
//! `remote keygen` and `remote seal` are HQ's side, for setting a store up and for tests.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use jiff::{SignedDuration, Timestamp};
use storekeep_backend::health::{HttpProbe, Probe, ProbeTarget, TcpProbe, label, level_en};
use storekeep_backend::remote::PinnedKey;
use storekeep_backend::{Error, Storekeep, Till};
use storekeep_domain::envelope::{Envelope, Header, Kind, parse_secret_key};
use storekeep_domain::health::{Dependency, Outcome, StoreMode};

use super::{Login, to_json};

#[derive(Debug, Subcommand)]
pub enum IslandCommand {
    /// Cut all inbound remote control (commands, config, catalog, updates). Selling goes on.
    On {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        reason: String,
    },
    /// Accept remote control again (managers; audited).
    Off {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Every incident, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// An incident's report: what was down, sales by method, offline exposure, what to reconcile.
    Show {
        #[command(flatten)]
        login: Login,
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Add a note (or with --decision, a decision) to an incident's timeline.
    Note {
        #[command(flatten)]
        login: Login,
        id: i64,
        text: String,
        #[arg(long)]
        decision: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Start a practice incident simulating these failures (e.g. card_acquirer swish).
    Start {
        #[command(flatten)]
        login: Login,
        #[arg(value_parser = parse_dependency, required = true)]
        failures: Vec<Dependency>,
        #[arg(long)]
        reason: String,
    },
    /// End the drill under way.
    End {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Set how a dependency is probed: `off`, `simulated`, `tcp:HOST:PORT` or `http://HOST:PORT/PATH`.
    Target {
        #[command(flatten)]
        login: Login,
        #[arg(value_parser = parse_dependency)]
        dependency: Dependency,
        target: String,
        #[arg(long)]
        reason: String,
    },
    /// Run one probe of a target now and say what it answered (nothing is recorded).
    Probe { target: String },
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommandLine {
    /// Pin HQ's public key and the id HQ knows this store by (managers; audited).
    Pin {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        public_key: String,
        #[arg(long)]
        store_id: String,
        #[arg(long)]
        reason: String,
    },
    /// Receive a signed envelope from a file, as if from HQ: checked, applied or refused.
    Receive { file: PathBuf },
    /// Envelopes received, newest first.
    Log {
        #[arg(long)]
        json: bool,
    },
    /// HQ's side: a new key pair. The secret key goes to FILE (mode 0600); the public key is
    /// printed, for `remote pin`.
    Keygen { file: PathBuf },
    /// HQ's side: seal BODY (a JSON command or config, or a catalog file) into a signed envelope.
    Seal {
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        store_id: String,
        #[arg(long)]
        counter: u64,
        #[arg(long, value_parser = parse_kind)]
        kind: Kind,
        /// Minutes until it expires.
        #[arg(long, default_value_t = 60)]
        expires_in: i64,
        body: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
    },
}

fn parse_dependency(s: &str) -> Result<Dependency, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        "one of hq, card_acquirer, swish, scan_and_pay_service, price_feed, receipt_printer, control_unit, internet".into()
    })
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| "command, config or catalog".into())
}

fn parse_target(s: &str) -> Result<ProbeTarget, Error> {
    Ok(match s {
        "off" => ProbeTarget::Off,
        "simulated" => ProbeTarget::Simulated,
        _ if s.starts_with("tcp:") => ProbeTarget::Tcp { address: s["tcp:".len()..].to_string() },
        _ if s.starts_with("http://") || s.starts_with("https://") => {
            ProbeTarget::Http { url: s.to_string() }
        }
        _ => {
            return Err(Error::Degraded {
                en: format!("{s}: use off, simulated, tcp:HOST:PORT or http://HOST:PORT/PATH"),
                sv: format!("{s}: ange off, simulated, tcp:VÄRD:PORT eller http://VÄRD:PORT/SÖKVÄG"),
            });
        }
    })
}

async fn till_for(sk: &Storekeep, login: &Login) -> Result<Till, Error> {
    let till = Till::new(sk.clone());
    till.login(login.staff_id, &login.pin).await?;
    Ok(till)
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Storage(format!("{}: {e}", path.display())))
}

fn mode_text(mode: &StoreMode) -> String {
    let names = |lost: &[Dependency]| lost.iter().map(|d| label(*d).1).collect::<Vec<_>>().join(", ");
    match mode {
        StoreMode::Normal => "normal".into(),
        StoreMode::Degraded { lost } => format!("DEGRADED (down: {})", names(lost)),
        StoreMode::Island { lost } if lost.is_empty() => "ISLAND (remote control cut)".into(),
        StoreMode::Island { lost } => format!("ISLAND (remote control cut; down: {})", names(lost)),
    }
}

/// `storekeep status`: the board as the store last knew it.
pub async fn status(sk: &Storekeep, json: bool) -> Result<ExitCode, Error> {
    let board = sk.health().board().await?;
    if json {
        println!("{}", to_json(&board)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Store mode: {}", mode_text(&board.mode.mode));
    if let Some(island) = &board.mode.island {
        println!(
            "  island since {} by {}: {}",
            island.since,
            island.by.as_deref().unwrap_or("the system"),
            island.reason
        );
    }
    for line in &board.mode.meaning_en {
        println!("  - {line}");
    }
    println!("Dependencies (as last probed by the app; failures detected within {} ms):", board.detection_ms);
    for d in &board.dependencies {
        let level = if d.monitored { level_en(d.level) } else { "not monitored" };
        let practice = if d.practice { " [PRACTICE]" } else { "" };
        println!("  {:<22} {level}{practice}  ({})", d.name_en, d.probe);
    }
    println!(
        "Waiting for HQ: {} registrations{}",
        board.hq_queue.waiting,
        if board.hq_queue.sync_configured { "" } else { " (sync to HQ not set up yet)" }
    );
    if let Some(i) = &board.incident {
        println!("Open incident {}: {} (since {})", i.id, i.cause, i.opened_at);
    }
    if let Some(d) = &board.drill {
        println!("DRILL under way ({}): {}", d.id, d.cause);
    }
    match &board.remote.pinned {
        Some(k) => {
            println!("HQ key pinned for store {} ({}…)", k.store_id, k.public_key.get(..16).unwrap_or(""))
        }
        None => println!("No HQ key pinned: nothing from outside is accepted"),
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn island(sk: &Storekeep, command: IslandCommand) -> Result<ExitCode, Error> {
    let (login, on, reason) = match command {
        IslandCommand::On { login, reason } => (login, true, reason),
        IslandCommand::Off { login, reason } => (login, false, reason),
    };
    let board = till_for(sk, &login).await?.set_island(on, &reason).await?;
    println!("Store mode: {}", mode_text(&board.mode.mode));
    Ok(ExitCode::SUCCESS)
}

pub async fn incident(sk: &Storekeep, command: IncidentCommand) -> Result<ExitCode, Error> {
    match command {
        IncidentCommand::List { json } => {
            let list = sk.incidents().list(100).await?;
            if json {
                println!("{}", to_json(&list)?);
            }
            for i in list.iter().filter(|_| !json) {
                let state = i.closed_at.map_or("open".to_string(), |c| format!("closed {c}"));
                let practice = if i.practice { " [PRACTICE]" } else { "" };
                println!("{:>4}  {}  {state}{practice}  {}", i.id, i.opened_at, i.cause);
            }
        }
        IncidentCommand::Show { login, id, json } => {
            let r = till_for(sk, &login).await?.incident_report(id).await?;
            if json {
                println!("{}", to_json(&r)?);
                return Ok(ExitCode::SUCCESS);
            }
            let practice = if r.incident.practice { " [PRACTICE]" } else { "" };
            println!("Incident {}{practice}: {}", r.incident.id, r.incident.cause);
            println!(
                "  {} to {} ({} min)",
                r.incident.opened_at,
                r.incident.closed_at.map_or("now".into(), |c| c.to_string()),
                r.minutes
            );
            println!("Down:");
            for d in &r.down {
                println!(
                    "  {:<22} {} to {} ({} min)",
                    d.name_en,
                    d.from,
                    d.until.map_or("now".into(), |u| u.to_string()),
                    d.minutes
                );
            }
            println!("Sales ({} receipts, {} kr):", r.receipts, r.sales_total.to_swedish());
            for m in &r.sales {
                println!("  {:<32} {:>4}  {:>12} kr", m.label_en, m.count, m.amount.to_swedish());
            }
            println!(
                "Offline card: {} payments, {} kr; {} not forwarded, {} declined afterwards",
                r.offline.count,
                r.offline.amount.to_swedish(),
                r.offline.pending,
                r.offline.declined
            );
            println!("To reconcile:");
            if r.to_reconcile_en.is_empty() {
                println!("  nothing");
            }
            for l in &r.to_reconcile_en {
                println!("  - {l}");
            }
            println!("Timeline:");
            for e in &r.timeline {
                println!("  {}  {:?}  {}  {}", e.at, e.kind, e.by.as_deref().unwrap_or("system"), e.text);
            }
        }
        IncidentCommand::Note { login, id, text, decision } => {
            till_for(sk, &login).await?.add_incident_note(id, &text, decision).await?;
            println!("Added to incident {id}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn drill(sk: &Storekeep, command: DrillCommand) -> Result<ExitCode, Error> {
    let i = match command {
        DrillCommand::Start { login, failures, reason } => {
            till_for(sk, &login).await?.start_drill(&failures, &reason).await?
        }
        DrillCommand::End { login, reason } => till_for(sk, &login).await?.end_drill(&reason).await?,
    };
    let state = if i.closed_at.is_some() { "ended" } else { "under way" };
    println!("Drill {} {state}: {}", i.id, i.cause);
    Ok(ExitCode::SUCCESS)
}

pub async fn health(sk: &Storekeep, command: HealthCommand) -> Result<ExitCode, Error> {
    match command {
        HealthCommand::Target { login, dependency, target, reason } => {
            let mut settings = sk.health().settings().await?;
            settings.targets.insert(dependency, parse_target(&target)?);
            till_for(sk, &login).await?.set_health_settings(&settings, &reason).await?;
            println!(
                "{} is now probed by {}. A running app picks it up within two seconds.",
                label(dependency).1,
                settings.target(dependency).describe()
            );
        }
        HealthCommand::Probe { target } => {
            let probe: Box<dyn Probe> = match parse_target(&target)? {
                ProbeTarget::Tcp { address } => Box::new(TcpProbe { address }),
                ProbeTarget::Http { url } => {
                    Box::new(HttpProbe::new(&url).map_err(|e| Error::Degraded { en: e.clone(), sv: e })?)
                }
                _ => {
                    return Err(Error::Degraded {
                        en: "only tcp: and http:// targets can be probed from here".into(),
                        sv: "bara tcp: och http:// kan kontrolleras härifrån".into(),
                    });
                }
            };
            let timeout = std::time::Duration::from_millis(sk.health().settings().await?.probe.timeout_ms);
            let outcome = tokio::time::timeout(timeout, probe.check()).await.unwrap_or(Outcome::Timeout);
            return Ok(match outcome {
                Outcome::Ok => {
                    println!("{target}: answering");
                    ExitCode::SUCCESS
                }
                Outcome::Timeout => {
                    println!("{target}: no answer within {} ms", timeout.as_millis());
                    ExitCode::FAILURE
                }
                Outcome::Failed { detail } => {
                    println!("{target}: {detail}");
                    ExitCode::FAILURE
                }
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn remote(sk: &Storekeep, command: RemoteCommandLine) -> Result<ExitCode, Error> {
    if let Some(done) = hq_side(&command) {
        return done;
    }
    match command {
        RemoteCommandLine::Pin { login, public_key, store_id, reason } => {
            let key = PinnedKey { public_key, store_id };
            till_for(sk, &login).await?.pin_hq_key(&key, &reason).await?;
            println!("HQ's key is pinned: signed envelopes for store {} are accepted.", key.store_id);
        }
        RemoteCommandLine::Receive { file } => {
            let bytes = read(&file)?;
            let accepted = sk.remote().receive(&format!("cli {}", file.display()), &bytes).await?;
            println!("Accepted {} {}: {}", accepted.kind.as_str(), accepted.counter, accepted.summary);
        }
        RemoteCommandLine::Log { json } => {
            let log = sk.remote().log(200).await?;
            if json {
                println!("{}", to_json(&log)?);
            }
            for r in log.iter().filter(|_| !json) {
                let what = if r.accepted {
                    "accepted".to_string()
                } else {
                    format!("REFUSED: {}", r.refusal.as_deref().unwrap_or(""))
                };
                println!(
                    "{}  {} {}  {what}  ({})",
                    r.at,
                    r.kind.as_deref().unwrap_or("?"),
                    r.counter.map_or("?".into(), |c| c.to_string()),
                    r.source
                );
            }
        }
        // Done above, without the store.
        RemoteCommandLine::Keygen { .. } | RemoteCommandLine::Seal { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `remote keygen` and `remote seal` need no store: they are HQ's tools. `None` if `command`
/// needs the store.
pub fn hq_side(command: &RemoteCommandLine) -> Option<Result<ExitCode, Error>> {
    match command {
        RemoteCommandLine::Keygen { file } => Some((|| {
            let (secret, public) = storekeep_backend::remote::generate_key()?;
            write_secret(file, &secret)?;
            println!("{public}");
            eprintln!(
                "The secret key is in {} (keep it at HQ only). Pin the public key above in each store.",
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        })()),
        RemoteCommandLine::Seal { key, store_id, counter, kind, expires_in, body, out } => Some((|| {
            let text = String::from_utf8(read(key)?)
                .map_err(|_| Error::Storage("the key file is not text".into()))?;
            let key = parse_secret_key(&text).map_err(|e| Error::Degraded { en: e.clone(), sv: e })?;
            let expires = Timestamp::now() + SignedDuration::from_mins(*expires_in);
            // Whole seconds: the envelope carries one spelling of the time.
            let expires =
                Timestamp::from_second(expires.as_second()).map_err(|e| Error::Storage(e.to_string()))?;
            let header = Header { store_id: store_id.clone(), counter: *counter, expires, kind: *kind };
            let sealed = Envelope::seal(&header, &read(body)?, &key);
            std::fs::write(out, sealed).map_err(|e| Error::Storage(format!("{}: {e}", out.display())))?;
            println!(
                "Sealed {} {counter} for store {store_id}, expiring {expires}, in {}",
                kind.as_str(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        })()),
        _ => None,
    }
}

fn write_secret(path: &PathBuf, secret: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?;
    writeln!(f, "{secret}").map_err(|e| Error::Storage(format!("{}: {e}", path.display())))
}

#[derive(Debug, Subcommand)]
pub enum HqCommand {
    /// Connect this store to HQ: its address (https://HOST[:PORT], or http://HOST:PORT on a
    /// trusted network) and the token HQ gave it.
    Connect {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: String,
        /// A CA certificate (PEM) to trust for HQ besides the public ones: the chain's own CA.
        #[arg(long)]
        ca: Option<PathBuf>,
        #[arg(long)]
        reason: String,
    },
    /// Send everything waiting for HQ now, in batches, and say how it went.
    Push {
        #[arg(long, default_value_t = 1000)]
        batch: usize,
    },
    /// How many registrations wait for HQ.
    Queue,
    /// Report this store to HQ (the fleet view) and fetch the signed bundles HQ holds for it
    /// (nothing in island mode or without a pinned key).
    Fetch,
}

pub async fn hq(sk: &Storekeep, command: HqCommand) -> Result<ExitCode, Error> {
    match command {
        HqCommand::Connect { login, url, token, ca, reason } => {
            let ca_pem = match ca {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?,
                ),
                None => None,
            };
            let link = storekeep_backend::sync::HqLink { url, token, ca_pem };
            till_for(sk, &login).await?.connect_hq(&link, &reason).await?;
            println!("Connected to HQ; {} registrations wait to be sent.", sk.sync().waiting().await?);
        }
        HqCommand::Push { batch } => {
            let sent = sk.sync().drain(batch.clamp(1, 5_000)).await?;
            println!("Sent {sent} registrations to HQ; {} wait.", sk.sync().waiting().await?);
        }
        HqCommand::Queue => println!("{} registrations wait for HQ.", sk.sync().waiting().await?),
        HqCommand::Fetch => {
            sk.sync().report().await?;
            let fetched = sk.sync().fetch_bundles().await?;
            if let Some(why) = fetched.skipped {
                println!("Reported to HQ; no bundles fetched: {why}.");
            } else {
                println!(
                    "Reported to HQ; {} bundles applied: {:?}.",
                    fetched.accepted.len(),
                    fetched.accepted
                );
                for (counter, why) in &fetched.refused {
                    println!("  bundle {counter} refused: {why}");
                }
            }
            if !fetched.refused.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
