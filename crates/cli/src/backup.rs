//! `storekeep backup …`: the manager's key, setting backups up, making one, and restore
//! (docs/backup-restore.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use storekeep_backend::backup::{self, BackupConfig, Existing, Progress, SecretKey};
use storekeep_backend::{Error, OpenOptions, Storekeep, SystemClock, Till};

use crate::Login;

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Make the manager's backup key: the secret key goes to FILE (keep it off this computer,
    /// e.g. on a USB stick in the safe); the public key is printed, for `backup setup`.
    Keygen {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Set backups up (managers): the public key, the second location, how often, how many kept.
    Setup {
        #[command(flatten)]
        login: Login,
        /// The public key `backup keygen` printed (storekeep-backup-key-1:…).
        #[arg(long)]
        key: String,
        /// The folder backups go to: another disk, a USB stick, a network share.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// A backup this often, in minutes (0: only at Z reports and by hand).
        #[arg(long, default_value_t = 60)]
        every: u32,
        /// How many backups of this register to keep there.
        #[arg(long, default_value_t = 48)]
        keep: u32,
        /// Also send each backup, sealed, to HQ (the store must be connected to HQ).
        #[arg(long)]
        to_hq: bool,
        #[arg(long)]
        reason: String,
    },
    /// Make a backup now (managers): snapshot, check, seal, read back.
    Create {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        json: bool,
    },
    /// The backups made here (the log), or the backup files in a folder with --dir.
    List {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// On a new computer: fetch the newest backup HQ keeps of this store (stores set up with
    /// `--to-hq` send theirs), with the store's HQ token, into DIR; then `backup restore` it.
    FromHq {
        #[arg(long)]
        url: String,
        /// The store's HQ token (`storekeep-hq enrol` printed it).
        #[arg(long)]
        token: String,
        /// The chain's own CA certificate (PEM), if HQ's certificate is not publicly trusted.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Fetch from HQ what it holds beyond this store's journal (after a restore whose catch-up
    /// could not reach HQ).
    CatchUp,
    /// Restore a backup onto this computer with the manager's secret key, then catch up from
    /// HQ what the backup lacks. Onto a fresh install only, unless --replace (the database
    /// there is moved aside, never deleted).
    Restore {
        file: PathBuf,
        /// The secret key file `backup keygen` wrote.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Move a damaged (or unwanted) database aside and restore in its place.
        #[arg(long)]
        replace: bool,
        /// Do not ask HQ for the registrations after the backup (HQ unreachable). Registrations
        /// HQ holds beyond the backup then conflict with new ones: only when HQ is gone for good.
        #[arg(long)]
        without_hq: bool,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

/// The commands that need no open store (they run before it is opened).
pub async fn before_open(command: &BackupCommand, dir: &Path) -> Option<Result<ExitCode, Error>> {
    match command {
        BackupCommand::Keygen { out } => Some(keygen(out)),
        BackupCommand::List { dir: Some(folder), json } => Some(list_folder(folder, *json)),
        BackupCommand::Restore { file, key, replace, without_hq, reason, json } => {
            Some(restore(dir, file, key, *replace, *without_hq, reason, *json).await)
        }
        BackupCommand::FromHq { url, token, ca, out } => Some(from_hq(url, token, ca.as_deref(), out).await),
        _ => None,
    }
}

async fn from_hq(url: &str, token: &str, ca: Option<&Path>, out: &Path) -> Result<ExitCode, Error> {
    let ca_pem = match ca {
        Some(p) => {
            Some(std::fs::read_to_string(p).map_err(|e| Error::Storage(format!("{}: {e}", p.display())))?)
        }
        None => None,
    };
    let link = storekeep_backend::sync::HqLink { url: url.to_string(), token: token.to_string(), ca_pem };
    let path = storekeep_backend::sync::fetch_backup_from_hq(&link, out).await?;
    let m = backup::read_manifest(&path)?;
    println!(
        "{}  ({} {}, {} registrations, made {})",
        path.display(),
        m.company_name,
        m.register_id,
        m.entries,
        m.created_at
    );
    Ok(ExitCode::SUCCESS)
}

fn keygen(out: &Path) -> Result<ExitCode, Error> {
    let key = SecretKey::generate()?;
    storekeep_backend::staff::write_private(out, key.to_text().as_bytes())
        .map_err(|e| Error::Storage(format!("{}: {e}", out.display())))?;
    println!("{}", key.public());
    eprintln!(
        "The secret key is in {} (fingerprint {}). Keep it away from this computer: without it no backup can be restored.",
        out.display(),
        key.public().fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}

fn list_folder(folder: &Path, json: bool) -> Result<ExitCode, Error> {
    let found = backup::found_in(folder).map_err(|e| Error::Storage(format!("{}: {e}", folder.display())))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&found).map_err(|e| Error::Storage(e.to_string()))?);
        return Ok(ExitCode::SUCCESS);
    }
    for backup::FoundBackup { file, manifest: m } in &found {
        println!(
            "{}  {} {}  {} registrations  key {}  {}",
            m.created_at, m.company_name, m.register_id, m.entries, m.key_fingerprint, file
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_line(p: Progress) {
    use std::io::Write;
    let pct = p.done.saturating_mul(100).checked_div(p.total).unwrap_or(100);
    eprint!("\r{:<10} {pct:>3} %   ", p.stage);
    let _ = std::io::stderr().flush();
    if p.done >= p.total {
        eprintln!();
    }
}

#[allow(clippy::too_many_arguments)]
async fn restore(
    dir: &Path,
    file: &Path,
    key: &Path,
    replace: bool,
    without_hq: bool,
    reason: &str,
    json: bool,
) -> Result<ExitCode, Error> {
    if reason.trim().is_empty() {
        return Err(Error::ReasonMissing);
    }
    let text = std::fs::read_to_string(key).map_err(|e| Error::Storage(format!("{}: {e}", key.display())))?;
    let key = SecretKey::parse(&text)?;
    let started = std::time::Instant::now();
    let existing = if replace { Existing::MoveAside } else { Existing::Refuse };
    let restored = backup::restore(file, &key, dir, existing, &progress_line).await?;
    let db_path = dir.join(storekeep_backend::paths::DATABASE_FILE);
    let sk = Storekeep::open(&db_path, OpenOptions::default(), Arc::new(SystemClock)).await?;
    let caught_up = if without_hq || sk.sync().link().await?.is_none() {
        None
    } else {
        match sk.sync().catch_up(&progress_line).await {
            Ok(n) => Some(n),
            Err(e) => {
                // Restored and recorded; nothing can be registered until the catch-up.
                backup::record_restore(&sk, file, &restored, None, false, reason.trim()).await?;
                eprintln!(
                    "storekeep: the backup is restored, but what HQ holds after it could not be fetched, so nothing can be registered yet. Run `storekeep backup catch-up` when HQ answers (or restore again with --replace --without-hq if HQ is gone for good)."
                );
                return Err(e);
            }
        }
    };
    backup::record_restore(&sk, file, &restored, caught_up, without_hq, reason.trim()).await?;
    let v = sk.journal().verify().await?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let out = serde_json::json!({
            "restored": restored,
            "caught_up": caught_up,
            "entries": v.entries,
            "verified": v.problem.is_none(),
            "seconds": format!("{seconds:.1}"),
        });
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| Error::Storage(e.to_string()))?);
    } else {
        println!(
            "Restored {} {} from the backup of {} ({} registrations){}. The journal verifies: {} entries. {:.1} s.",
            restored.manifest.company_name,
            restored.manifest.register_id,
            restored.manifest.created_at,
            restored.manifest.entries,
            caught_up.map_or_else(|| ", HQ not asked".to_string(), |n| format!(", {n} caught up from HQ")),
            v.entries,
            seconds
        );
        if let Some(p) = &restored.moved_aside {
            println!("The database that was there is kept at {p}.");
        }
    }
    Ok(if v.problem.is_none() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The commands on an open store.
pub async fn with_store(sk: &Storekeep, command: BackupCommand) -> Result<ExitCode, Error> {
    match command {
        BackupCommand::Setup { login, key, to, every, keep, to_hq, reason } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let config = BackupConfig {
                public_key: key,
                destination: to.display().to_string(),
                every_minutes: every,
                keep,
                to_hq,
            };
            let status = till.configure_backups(&config, &reason).await?;
            println!(
                "Backups go to {} every {} minutes and at every Z report, sealed to key {}; {} kept.",
                to.display(),
                every,
                status.key_fingerprint.unwrap_or_default(),
                keep.max(1)
            );
        }
        BackupCommand::Create { login, json } => {
            let till = Till::new(sk.clone());
            till.login(login.staff_id, &login.pin).await?;
            let r = till.backup_now(&progress_line).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).map_err(|e| Error::Storage(e.to_string()))?);
            } else {
                println!(
                    "Backup written and read back: {} ({} registrations, {} bytes).",
                    r.file, r.entries, r.bytes
                );
            }
        }
        BackupCommand::List { json, .. } => {
            let list = sk.backups().list(200).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).map_err(|e| Error::Storage(e.to_string()))?
                );
            }
            for r in list.iter().filter(|_| !json) {
                match &r.problem {
                    None => println!(
                        "{}  {}  {} registrations  verified  {}",
                        r.created_at, r.reason, r.entries, r.file
                    ),
                    Some(p) => println!("{}  {}  FAILED: {p}", r.created_at, r.reason),
                }
            }
        }
        BackupCommand::CatchUp => {
            let n = sk.sync().catch_up(&progress_line).await?;
            println!("{n} registrations caught up from HQ.");
        }
        BackupCommand::Keygen { .. } | BackupCommand::Restore { .. } | BackupCommand::FromHq { .. } => {
            unreachable!("handled before open")
        }
    }
    Ok(ExitCode::SUCCESS)
}
