//! `storekeep payments …` and `storekeep scan-and-pay …`: the payment methods in force, the
//! manager's switches, caps and fallback rules, the offline-card report and the customer
//! sign; Scan & Pay files, the day's purchases and exit checks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use storekeep_backend::payments::{CapsForm, SetMethod};
use storekeep_backend::{Error, Storekeep, Till};
use storekeep_domain::payments::{Availability, FallbackRule, PaymentMethod};
use storekeep_domain::scan_and_pay::ExitResult;

use super::{Login, to_json};

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Every method's state on this register, what customers are told, and the offline exposure.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Set one method: `--method card_online --availability disabled`, or `limited` with
    /// `--min`/`--max`; `--until HH:MM` or `YYYY-MM-DDTHH:MM`; `--registers KASSA-1,KASSA-2`.
    Set {
        #[command(flatten)]
        login: Login,
        #[arg(long, value_parser = parse_method)]
        method: PaymentMethod,
        #[arg(long, value_parser = parse_availability)]
        availability: Availability,
        #[arg(long)]
        min: Option<String>,
        #[arg(long)]
        max: Option<String>,
        #[arg(long)]
        until: Option<String>,
        #[arg(long, value_delimiter = ',')]
        registers: Vec<String>,
        #[arg(long)]
        reason: String,
    },
    /// End a change early (its number from `payments show`).
    End {
        #[command(flatten)]
        login: Login,
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// The offline card caps: per payment, in all, and the hours to forward within.
    Caps {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        per_payment: String,
        #[arg(long)]
        total: String,
        #[arg(long, default_value_t = 24)]
        hours: u32,
        #[arg(long)]
        reason: String,
    },
    /// The fallback rules, all at once: any of card_offline_when_acquirer_down,
    /// disable_card_at_exposure_cap, hide_swish_when_down (none: no automatic switches).
    Rules {
        #[command(flatten)]
        login: Login,
        #[arg(value_parser = parse_rule)]
        rules: Vec<FallbackRule>,
        #[arg(long)]
        reason: String,
    },
    /// The offline-card report: unforwarded, overdue, declined afterwards.
    Offline {
        #[arg(long)]
        json: bool,
    },
    /// Write the A4 sign "I dag tar vi … / Today we take …": a .pdf or .html file.
    Sign { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ScanAndPayCommand {
    /// Record a file of finished app purchases (format storekeep-scan-and-pay/1): all or none.
    Import {
        #[command(flatten)]
        login: Login,
        file: PathBuf,
    },
    /// The day's purchases (today unless `--date YYYY-MM-DD`) and their exit checks.
    List {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        date: Option<String>,
    },
    /// Mark an exit check: `ok`, or `discrepancy` with `--note`.
    Check {
        #[command(flatten)]
        login: Login,
        id: String,
        #[arg(value_parser = parse_exit)]
        result: ExitResult,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A new token for the chain's app service (printed once), or `--off`.
    Token {
        #[command(flatten)]
        login: Login,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        reason: String,
    },
}

fn by_key<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|_| format!("unknown: {s}"))
}

fn parse_method(s: &str) -> Result<PaymentMethod, String> {
    by_key(s)
}

fn parse_availability(s: &str) -> Result<Availability, String> {
    by_key(s)
}

fn parse_exit(s: &str) -> Result<ExitResult, String> {
    by_key(s)
}

fn parse_rule(s: &str) -> Result<FallbackRule, String> {
    serde_json::from_value(serde_json::json!({ "kind": s.trim() })).map_err(|_| format!("unknown rule: {s}"))
}

async fn till_for(sk: &Storekeep, login: &Login) -> Result<Till, Error> {
    let till = Till::new(sk.clone());
    till.login(login.staff_id, &login.pin).await?;
    Ok(till)
}

fn availability_sv(a: Availability) -> &'static str {
    match a {
        Availability::Enabled => "tas",
        Availability::Limited => "begränsat",
        Availability::Disabled => "tas inte",
    }
}

pub async fn payments(sk: &Storekeep, command: PaymentsCommand) -> Result<ExitCode, Error> {
    match command {
        PaymentsCommand::Show { json } => {
            let view = sk.payments().view().await?;
            if json {
                println!("{}", to_json(&view)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}\n{}\n", view.acceptance.sv, view.acceptance.en);
            for s in &view.in_force.methods {
                let limits = match (s.limits.min, s.limits.max) {
                    (None, None) => String::new(),
                    (min, max) => format!(
                        " [{}–{}]",
                        min.map(|m| m.to_swedish()).unwrap_or_default(),
                        max.map(|m| m.to_swedish()).unwrap_or_default()
                    ),
                };
                let who = match (&s.set_by, s.rule) {
                    (Some(by), _) => format!(" (by {})", by.name),
                    (None, Some(_)) => " (automatic)".to_string(),
                    _ => String::new(),
                };
                let reason = s.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                println!(
                    "{:<16} {}{limits}{who}{reason}",
                    s.method.swedish(),
                    availability_sv(s.availability)
                );
            }
            for c in &view.changes {
                println!(
                    "\nchange {}: {} {:?} (by {})",
                    c.id,
                    c.method.swedish(),
                    c.availability,
                    c.set_by.as_ref().map_or("the system", |s| s.name.as_str())
                );
            }
            let o = &view.offline;
            println!(
                "\noffline card: {} kr not forwarded ({} payments, {} overdue) of a cap of {} kr",
                o.pending_total.to_swedish(),
                o.pending.len(),
                o.overdue,
                o.caps.total_exposure.to_swedish()
            );
        }
        PaymentsCommand::Set { login, method, availability, min, max, until, registers, reason } => {
            let form = SetMethod {
                method,
                availability,
                min,
                max,
                until,
                registers: (!registers.is_empty()).then_some(registers),
            };
            let change = till_for(sk, &login).await?.set_payment_method(&form, &reason).await?;
            println!("change {}: {} {}", change.id, method.swedish(), availability_sv(availability));
            println!("{}", sk.payments().in_force().await?.acceptance().sv);
        }
        PaymentsCommand::End { login, id, reason } => {
            let view = till_for(sk, &login).await?.end_payment_change(id, &reason).await?;
            println!("change {id} ended\n{}", view.acceptance.sv);
        }
        PaymentsCommand::Caps { login, per_payment, total, hours, reason } => {
            let caps = CapsForm { per_payment, total_exposure: total, forward_within_hours: hours };
            let view = till_for(sk, &login).await?.set_offline_caps(&caps, &reason).await?;
            println!("{}", to_json(&view.in_force.caps)?);
        }
        PaymentsCommand::Rules { login, rules, reason } => {
            let view = till_for(sk, &login).await?.set_fallback_rules(&rules, &reason).await?;
            println!("{}", to_json(&view.rules)?);
        }
        PaymentsCommand::Offline { json } => {
            let report = sk.payments().offline_report().await?;
            if json {
                println!("{}", to_json(&report)?);
                return Ok(ExitCode::SUCCESS);
            }
            for p in &report.pending {
                let flag = if p.overdue { "  OVERDUE" } else { "" };
                println!(
                    "{} receipt {:>5} {:>12} kr {:>5} min{flag}",
                    p.authorization,
                    p.receipt_no.map_or("open".to_string(), |n| n.to_string()),
                    p.amount.to_swedish(),
                    p.age_minutes
                );
            }
            for p in &report.declined {
                println!(
                    "{} receipt {:>5} {:>12} kr DECLINED: {}",
                    p.authorization,
                    p.receipt_no.map_or("open".to_string(), |n| n.to_string()),
                    p.amount.to_swedish(),
                    p.detail.as_deref().unwrap_or("")
                );
            }
            println!(
                "not forwarded: {} kr ({} overdue); declined afterwards: {} kr; forwarded (7 days): {}",
                report.pending_total.to_swedish(),
                report.overdue,
                report.declined_total.to_swedish(),
                report.forwarded
            );
        }
        PaymentsCommand::Sign { file } => {
            let acceptance = sk.payments().in_force().await?.acceptance();
            let store = sk.identity().await?.map(|(i, _)| i.company_name).unwrap_or_default();
            let updated = sk
                .clock()
                .now()
                .to_zoned_datetime(sk.time_zone().clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string();
            let bytes = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("html")) {
                storekeep_domain::payment_sign::acceptance_html(&store, &acceptance, &updated).into_bytes()
            } else {
                storekeep_domain::payment_sign::acceptance_pdf(&store, &acceptance, &updated)
            };
            std::fs::write(&file, bytes).map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            eprintln!("payment sign written to {}", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn scan_and_pay(sk: &Storekeep, command: ScanAndPayCommand) -> Result<ExitCode, Error> {
    match command {
        ScanAndPayCommand::Import { login, file } => {
            let bytes =
                std::fs::read(&file).map_err(|e| Error::Storage(format!("{}: {e}", file.display())))?;
            let report = till_for(sk, &login).await?.import_scan_and_pay(&bytes).await?;
            if !report.errors.is_empty() {
                for e in &report.errors {
                    eprintln!("{}", e.message);
                }
                eprintln!("nothing was recorded");
                return Ok(ExitCode::FAILURE);
            }
            println!("{} purchases recorded, {} already here", report.received, report.already_had);
        }
        ScanAndPayCommand::List { login, date } => {
            let day = till_for(sk, &login).await?.scan_and_pay_day(date.as_deref()).await?;
            for p in &day.purchases {
                let check = p
                    .checks
                    .last()
                    .map_or("unchecked".to_string(), |c| format!("{:?}", c.result).to_lowercase());
                println!(
                    "{} {} {:>10} kr {}",
                    p.purchase
                        .completed_at
                        .to_zoned_datetime(sk.time_zone().clone())
                        .strftime("%Y-%m-%d %H:%M"),
                    p.purchase.id,
                    p.purchase.total.to_swedish(),
                    check
                );
            }
            println!(
                "{}: {} purchases, {} kr, {} unchecked, {} discrepancies",
                day.date,
                day.purchases.len(),
                day.total.to_swedish(),
                day.unchecked,
                day.discrepancies
            );
        }
        ScanAndPayCommand::Check { login, id, result, note } => {
            let check = till_for(sk, &login).await?.check_exit(&id, result, &note).await?;
            println!("exit check {} recorded by {}", check.id, check.by.name);
        }
        ScanAndPayCommand::Token { login, off, reason } => {
            match till_for(sk, &login).await?.scan_and_pay_token(!off, &reason).await? {
                Some(token) => println!("{token}\n(shown once: give it to the chain's app service now)"),
                None => println!("the Scan & Pay endpoint takes no more purchases"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
