//! The journal as stored: appending an entry (and its tally) inside a registration's
//! transaction, verifying a register's whole chain, its receipt series, its tallies and grand
//! totals and the sales projection against it, and exporting it for an auditor
//! (docs/journal-format.md).

use futures_util::TryStreamExt;
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::journal::{ChainVerifier, EntryKind, GENESIS, Hash, JournalEntry, entry_hash};
use storekeep_domain::report::{DayReport, GrandTotals};
use storekeep_domain::tally::Tally;

use crate::Storekeep;
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Journal<'a> {
    sk: &'a Storekeep,
}

/// The outcome of `journal verify`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub entries: i64,
    /// Receipts in the series (sales and returns).
    pub sales: i64,
    /// X and Z reports whose figures and grand totals were checked against the registrations.
    pub reports: i64,
    /// The grand totals the journal adds up to.
    pub grand: GrandTotals,
    /// The first problem found, if any, naming the entry.
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub register_id: String,
    pub seq: i64,
    pub what: String,
}

/// Appends an entry after the register's last one, with its tally. Must run inside the
/// registration's write transaction so that the sequence and the previous hash cannot change
/// underneath.
pub async fn append_in(
    tx: &mut Transaction<'static, Sqlite>,
    register_id: &str,
    kind: EntryKind,
    recorded_at: &str,
    payload: &str,
) -> Result<i64> {
    let last = sqlx::query("SELECT seq, hash FROM journal WHERE register_id = ? ORDER BY seq DESC LIMIT 1")
        .bind(register_id)
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev): (i64, Hash) = match last {
        None => (1, GENESIS),
        Some(row) => (row.get::<i64, _>(0) + 1, to_hash(row.get(1))?),
    };
    let hash = entry_hash(&prev, register_id, seq, kind.as_str(), recorded_at, payload);
    sqlx::query(
        "INSERT INTO journal (register_id, seq, kind, recorded_at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(register_id)
    .bind(seq)
    .bind(kind.as_str())
    .bind(recorded_at)
    .bind(payload)
    .bind(prev.as_slice())
    .bind(hash.as_slice())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO journal_head (register_id, seq, hash) VALUES (?, ?, ?)
         ON CONFLICT (register_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(register_id)
    .bind(seq)
    .bind(hash.as_slice())
    .execute(&mut **tx)
    .await?;
    let tally = Tally::of(kind.as_str(), payload).map_err(|e| {
        Error::Inconsistent(format!("a {} registration cannot be read back: {e}", kind.as_str()))
    })?;
    if !tally.is_empty() {
        sqlx::query("INSERT INTO tally (register_id, journal_seq, body) VALUES (?, ?, ?)")
            .bind(register_id)
            .bind(seq)
            .bind(serde_json::to_string(&tally).map_err(|e| Error::Storage(e.to_string()))?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(seq)
}

fn to_hash(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::Inconsistent("a journal hash is not 32 bytes".into()))
}

/// One journal row and the projection rows beside it.
#[derive(Debug)]
struct Fetched {
    e: JournalEntry,
    sale: (Option<i64>, Option<String>, Option<String>, Option<String>),
    tally: Option<String>,
}

/// Checks one register's entries in order (on a blocking thread).
#[derive(Debug)]
struct Checker {
    register: String,
    w: Walk,
    verifier: ChainVerifier,
}

impl Checker {
    fn step(&mut self, f: Fetched) -> std::result::Result<(), Problem> {
        let e = &f.e;
        let w = &mut self.w;
        let problem = |seq: i64, what: String| Problem { register_id: self.register.clone(), seq, what };
        if let Err(b) = self.verifier.check(e) {
            return Err(problem(b.seq(), b.to_string()));
        }
        w.entries += 1;
        let tally = Tally::of(&e.kind, &e.payload)
            .map_err(|err| problem(e.seq, format!("its {} cannot be read: {err}", e.kind)))?;
        // The stored day figures must be exactly what the entry adds: the same JSON, or (for
        // figures written before a field was added) the same values.
        let wanted = (!tally.is_empty()).then_some(&tally);
        let same = match (&f.tally, wanted) {
            (None, None) => true,
            (Some(body), Some(t)) => {
                serde_json::to_string(t).is_ok_and(|j| j == *body)
                    || serde_json::from_str::<Tally>(body).is_ok_and(|stored| stored == *t)
            }
            _ => false,
        };
        if !same {
            return Err(problem(e.seq, "its day figures (tally) do not match the journal".into()));
        }
        if wanted.is_some() {
            w.tallies += 1;
        }
        let is_sale = e.kind == EntryKind::Sale.as_str();
        let is_return = e.kind == EntryKind::Return.as_str();
        if is_sale || is_return {
            let receipt_no = tally.first_receipt.unwrap_or(0);
            let (amount, rounding) = if is_sale {
                (tally.sales, tally.rounding)
            } else {
                (tally.returns_amount, Money::ZERO - tally.rounding)
            };
            let wanted = (
                Some(receipt_no),
                Some(amount.to_string()),
                Some(rounding.to_string()),
                Some(e.kind.clone()),
            );
            if f.sale != wanted {
                return Err(problem(
                    e.seq,
                    format!("the sales table does not match the journal for receipt {receipt_no}"),
                ));
            }
            if receipt_no != w.receipts + 1 {
                let what = format!(
                    "receipt number {receipt_no} follows {}: the series has a gap or a repeat",
                    w.receipts
                );
                return Err(problem(e.seq, what));
            }
            w.receipts += 1;
        } else if f.sale.0.is_some() {
            return Err(problem(
                e.seq,
                format!("the sales table names entry {}, which is not a sale or return", e.seq),
            ));
        }
        let is_x = e.kind == EntryKind::XReport.as_str();
        if is_x || e.kind == EntryKind::ZReport.as_str() {
            let report: DayReport = serde_json::from_str(&e.payload)
                .map_err(|err| problem(e.seq, format!("its report cannot be read: {err}")))?;
            if report.grand != w.grand {
                let what = format!(
                    "the {} says grand total sales {} and returns {}, but the registrations add up to {} and {}",
                    report.kind.label(),
                    report.grand.sales,
                    report.grand.returns,
                    w.grand.sales,
                    w.grand.returns
                );
                return Err(problem(e.seq, what));
            }
            if report.tally != w.period {
                let what = format!(
                    "the {}'s figures are not the sum of the registrations it covers",
                    report.kind.label()
                );
                return Err(problem(e.seq, what));
            }
            w.reports += 1;
            if !is_x {
                w.period = Tally::default();
            }
        }
        w.grand = w.grand.after(&tally);
        w.period.add(&tally);
        Ok(())
    }
}

/// What one register's walk has found so far.
#[derive(Debug, Default)]
struct Walk {
    entries: i64,
    receipts: i64,
    reports: i64,
    tallies: i64,
    grand: GrandTotals,
    period: Tally,
}

impl<'a> Journal<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Journal { sk }
    }

    /// Recomputes every register's chain from the first entry, and checks against it: the
    /// receipt series (1, 2, 3… over sales and returns, no gap, no repeat), the sales
    /// projection, each registration's tally, and each X and Z report's figures and grand
    /// totals (the sum of the registrations before it). Reads the journal as a stream.
    pub async fn verify(&self) -> Result<Verification> {
        let pool = self.sk.db().reader();
        let registers: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT register_id FROM journal ORDER BY register_id")
                .fetch_all(pool)
                .await?;
        let mut total = Walk::default();
        for register_id in &registers {
            let walk = match self.walk(register_id).await? {
                Ok(w) => w,
                Err((w, problem)) => return Ok(self.outcome(&total, Some(&w), Some(problem))),
            };
            total.entries += walk.entries;
            total.receipts += walk.receipts;
            total.reports += walk.reports;
            total.tallies += walk.tallies;
            total.grand = GrandTotals {
                sales: total.grand.sales + walk.grand.sales,
                returns: total.grand.returns + walk.grand.returns,
                net: total.grand.net + walk.grand.net,
            };
        }
        let sales: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sale").fetch_one(pool).await?;
        if sales != total.receipts {
            let what = format!(
                "there are {sales} receipts in the sales table but {} in the journal",
                total.receipts
            );
            return Ok(self.outcome(
                &total,
                None,
                Some(Problem { register_id: String::new(), seq: 0, what }),
            ));
        }
        let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM day_report").fetch_one(pool).await?;
        if reports != total.reports {
            let what = format!("there are {reports} day reports listed but {} in the journal", total.reports);
            return Ok(self.outcome(
                &total,
                None,
                Some(Problem { register_id: String::new(), seq: 0, what }),
            ));
        }
        let tallies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tally").fetch_one(pool).await?;
        if tallies != total.tallies {
            let what = format!(
                "there are {tallies} day-figure rows but the journal accounts for {}: one was added or removed",
                total.tallies
            );
            return Ok(self.outcome(
                &total,
                None,
                Some(Problem { register_id: String::new(), seq: 0, what }),
            ));
        }
        Ok(self.outcome(&total, None, None))
    }

    fn outcome(&self, total: &Walk, partial: Option<&Walk>, problem: Option<Problem>) -> Verification {
        let p = partial.map_or((0, 0, 0), |w| (w.entries, w.receipts, w.reports));
        Verification {
            entries: total.entries + p.0,
            sales: total.receipts + p.1,
            reports: total.reports + p.2,
            grand: partial.map_or(total.grand, |w| w.grand),
            problem,
        }
    }

    /// Walks one register's journal: the database is read on this task while a blocking
    /// thread hashes and checks what was read, in order, so reading and checking overlap.
    async fn walk(&self, register_id: &str) -> Result<std::result::Result<Walk, (Walk, Problem)>> {
        let (send, mut recv) = tokio::sync::mpsc::channel::<Vec<Fetched>>(4);
        let register = register_id.to_string();
        let checker = tokio::task::spawn_blocking(move || {
            let mut c = Checker { register, w: Walk::default(), verifier: ChainVerifier::default() };
            while let Some(batch) = recv.blocking_recv() {
                for f in batch {
                    if let Err(p) = c.step(f) {
                        return Err((c.w, p));
                    }
                }
            }
            Ok(c)
        });
        let mut rows = sqlx::query(
            "SELECT j.seq, j.kind, j.recorded_at, j.payload, j.prev_hash, j.hash,
                    s.receipt_no, s.total, s.rounding, s.kind, t.body
             FROM journal j
             LEFT JOIN sale s ON s.register_id = j.register_id AND s.journal_seq = j.seq
             LEFT JOIN tally t ON t.register_id = j.register_id AND t.journal_seq = j.seq
             WHERE j.register_id = ? ORDER BY j.seq",
        )
        .bind(register_id)
        .fetch(self.sk.db().reader());
        let mut batch = Vec::with_capacity(512);
        while let Some(row) = rows.try_next().await? {
            batch.push(Fetched {
                e: JournalEntry {
                    register_id: register_id.to_string(),
                    seq: row.get(0),
                    kind: row.get(1),
                    recorded_at: row.get(2),
                    payload: row.get(3),
                    prev_hash: to_hash(row.get(4))?,
                    hash: to_hash(row.get(5))?,
                },
                sale: (row.get(6), row.get(7), row.get(8), row.get(9)),
                tally: row.get(10),
            });
            if batch.len() == 512
                && send.send(std::mem::replace(&mut batch, Vec::with_capacity(512))).await.is_err()
            {
                break; // the checker stopped at a problem
            }
        }
        drop(rows);
        if !batch.is_empty() {
            let _ = send.send(batch).await;
        }
        drop(send);
        let c = match checker.await.map_err(|e| Error::Storage(format!("the journal check stopped: {e}")))? {
            Ok(c) => c,
            Err(found) => return Ok(Err(found)),
        };
        // The newest entry is the one the head names: a deleted or added tail shows here.
        let head = sqlx::query("SELECT seq, hash FROM journal_head WHERE register_id = ?")
            .bind(register_id)
            .fetch_optional(self.sk.db().reader())
            .await?
            .map(|r| (r.get::<i64, _>(0), r.get::<Vec<u8>, _>(1)));
        if head != Some((c.verifier.verified(), c.verifier.last_hash().to_vec())) {
            let what = "the journal's last entry is not the one recorded as its head: an entry was removed or added at the end".to_string();
            let seq = c.verifier.verified();
            return Ok(Err((c.w, Problem { register_id: register_id.to_string(), seq, what })));
        }
        Ok(Ok(c.w))
    }

    /// Writes the journal as JSON Lines for an auditor (docs/journal-format.md): one object per
    /// entry, in register and sequence order, with the payload exactly as hashed. Returns the
    /// number of entries written.
    pub async fn export(&self, out: &mut (dyn std::io::Write + Send)) -> Result<i64> {
        let mut rows = sqlx::query(
            "SELECT register_id, seq, kind, recorded_at, payload, prev_hash, hash FROM journal ORDER BY register_id, seq",
        )
        .fetch(self.sk.db().reader());
        let mut n = 0;
        let io = |e: std::io::Error| Error::Storage(e.to_string());
        while let Some(row) = rows.try_next().await? {
            let line = serde_json::json!({
                "register_id": row.get::<String, _>(0),
                "seq": row.get::<i64, _>(1),
                "kind": row.get::<String, _>(2),
                "recorded_at": row.get::<String, _>(3),
                "payload": row.get::<String, _>(4),
                "prev_hash": hex::encode(row.get::<Vec<u8>, _>(5)),
                "hash": hex::encode(row.get::<Vec<u8>, _>(6)),
            });
            serde_json::to_writer(&mut *out, &line).map_err(|e| Error::Storage(e.to_string()))?;
            out.write_all(b"\n").map_err(io)?;
            n += 1;
        }
        out.flush().map_err(io)?;
        Ok(n)
    }
}
