//! The journal as stored: appending an entry inside a registration's transaction, and
//! verifying a register's whole chain and the sales projection against it.

use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::journal::{ChainVerifier, EntryKind, GENESIS, Hash, JournalEntry, entry_hash};
use storekeep_domain::sale::Sale;

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
    pub sales: i64,
    /// The first problem found, if any, naming the entry.
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub register_id: String,
    pub seq: i64,
    pub what: String,
}

/// Appends an entry after the register's last one. Must run inside the registration's
/// write transaction so that the sequence and the previous hash cannot change underneath.
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
    Ok(seq)
}

fn to_hash(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::Inconsistent("a journal hash is not 32 bytes".into()))
}

impl<'a> Journal<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Journal { sk }
    }

    /// Recomputes every register's chain from the first entry, then checks that the sales
    /// tables say what the journal says and that receipt numbers run 1, 2, 3… without a gap.
    pub async fn verify(&self) -> Result<Verification> {
        let pool = self.sk.db().reader();
        let mut entries = 0;
        let registers: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT register_id FROM journal ORDER BY register_id")
                .fetch_all(pool)
                .await?;
        for register_id in &registers {
            let mut verifier = ChainVerifier::default();
            let mut expected_receipt = 1;
            let rows = sqlx::query(
                "SELECT j.seq, j.kind, j.recorded_at, j.payload, j.prev_hash, j.hash, s.receipt_no, s.total, s.rounding
                 FROM journal j LEFT JOIN sale s ON s.register_id = j.register_id AND s.journal_seq = j.seq
                 WHERE j.register_id = ? ORDER BY j.seq",
            )
            .bind(register_id)
            .fetch_all(pool)
            .await?;
            for row in rows {
                let e = JournalEntry {
                    register_id: register_id.clone(),
                    seq: row.get(0),
                    kind: row.get(1),
                    recorded_at: row.get(2),
                    payload: row.get(3),
                    prev_hash: to_hash(row.get(4))?,
                    hash: to_hash(row.get(5))?,
                };
                let problem = |what: String| Problem { register_id: register_id.clone(), seq: e.seq, what };
                if let Err(b) = verifier.check(&e) {
                    let at = Problem { register_id: register_id.clone(), seq: b.seq(), what: b.to_string() };
                    return self.found(entries, at).await;
                }
                entries += 1;
                if e.kind == EntryKind::Sale.as_str() {
                    let sale: Sale = match serde_json::from_str(&e.payload) {
                        Ok(s) => s,
                        Err(err) => {
                            return self
                                .found(entries, problem(format!("its sale cannot be read: {err}")))
                                .await;
                        }
                    };
                    let stored: (Option<i64>, Option<String>, Option<String>) =
                        (row.get(6), row.get(7), row.get(8));
                    let wanted = (
                        Some(sale.receipt_no),
                        Some(sale.total.to_string()),
                        Some(sale.rounding.to_string()),
                    );
                    if stored != wanted {
                        let what = format!(
                            "the sales table does not match the journal for receipt {}",
                            sale.receipt_no
                        );
                        return self.found(entries, problem(what)).await;
                    }
                    if sale.receipt_no != expected_receipt {
                        let what = format!(
                            "receipt number {} follows {}: the series has a gap or a repeat",
                            sale.receipt_no,
                            expected_receipt - 1
                        );
                        return self.found(entries, problem(what)).await;
                    }
                    expected_receipt += 1;
                }
            }
        }
        let sales = self.sale_count().await?;
        let journaled_sales: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE kind = 'sale'").fetch_one(pool).await?;
        if sales != journaled_sales {
            let what = format!("there are {sales} sales but {journaled_sales} sale entries in the journal");
            return Ok(Verification {
                entries,
                sales,
                problem: Some(Problem { register_id: String::new(), seq: 0, what }),
            });
        }
        Ok(Verification { entries, sales, problem: None })
    }

    async fn found(&self, entries: i64, problem: Problem) -> Result<Verification> {
        Ok(Verification { entries, sales: self.sale_count().await?, problem: Some(problem) })
    }

    async fn sale_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sale").fetch_one(self.sk.db().reader()).await?)
    }
}
