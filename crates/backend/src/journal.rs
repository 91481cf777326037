//! The journal as stored: appending an entry (and its tally) inside a registration's
//! transaction, verifying a register's whole chain, its receipt series, its tallies and grand
//! totals and the sales projection against it, and exporting it for an auditor
//! (docs/journal-format.md).

use futures_util::TryStreamExt;
use jiff::{SignedDuration, Timestamp};
use sqlx::{Row, Sqlite, Transaction};
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
    /// `clock_backwards` entries: times the register's clock read earlier than its previous
    /// entry.
    pub clock_backwards: i64,
    /// The first problem found, if any, naming the entry.
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub register_id: String,
    pub seq: i64,
    pub what: String,
}

/// A registration whose time is more than this before the register's previous entry is
/// preceded by a `clock_backwards` entry. Clock keeping steps a clock by up to about a second
/// (an NTP correction), and a time read just before waiting for the write lock can fall a few
/// milliseconds behind a registration that took the lock first: neither is a jump. A second is
/// also far below anything a receipt shows (the minute).
pub const CLOCK_BACKWARDS_TOLERANCE: SignedDuration = SignedDuration::from_secs(1);

/// The payload of a `clock_backwards` entry: the register's clock read `at`, earlier than the
/// previous entry's time. Written just before the registration that noticed it, in the same
/// transaction, with `at` as its own time. The sequence, never the time, orders the journal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockBackwards {
    /// The entry just before this one, whose time the clock fell behind.
    pub previous_seq: i64,
    pub previous_at: String,
    /// What the clock reads now: this entry's time and the next registration's.
    pub at: String,
    /// How far back, in milliseconds.
    pub back_ms: i64,
}

/// Appends an entry after the register's last one, with its tally. Must run inside the
/// registration's write transaction so that the sequence and the previous hash cannot change
/// underneath. If `recorded_at` is more than [`CLOCK_BACKWARDS_TOLERANCE`] before the previous
/// entry's time, a `clock_backwards` entry goes in first (see [`note_clock_in`]). Returns the
/// registration's sequence number.
pub async fn append_in(
    tx: &mut Transaction<'static, Sqlite>,
    register_id: &str,
    kind: EntryKind,
    recorded_at: &str,
    payload: &str,
) -> Result<i64> {
    // A store restored from a backup registers nothing until it has caught up what HQ holds.
    let pending: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = ?")
        .bind(crate::backup::CATCH_UP_PENDING)
        .fetch_optional(&mut **tx)
        .await?;
    if pending.is_some() {
        return Err(Error::CatchUpPending);
    }
    let (seq, prev) = next_in(tx, register_id, recorded_at).await?;
    insert_in(tx, register_id, seq, &prev, kind.as_str(), recorded_at, payload).await?;
    Ok(seq)
}

/// Journals a backwards jump of the register's clock now, if `now` is more than
/// [`CLOCK_BACKWARDS_TOLERANCE`] before the register's last entry: a `clock_backwards` entry, a
/// `clock.backwards` audit record, an event on the open incident, and a warning in the log.
/// [`append_in`] does this by itself; a registration whose payload names the journal's last
/// sequence (a day report) calls it first, so the entry falls inside what the report covers.
pub async fn note_clock_in(
    tx: &mut Transaction<'static, Sqlite>,
    register_id: &str,
    now: &str,
) -> Result<()> {
    next_in(tx, register_id, now).await.map(|_| ())
}

/// The next sequence and the hash to chain to, after noting a backwards clock.
async fn next_in(
    tx: &mut Transaction<'static, Sqlite>,
    register_id: &str,
    recorded_at: &str,
) -> Result<(i64, Hash)> {
    let last = sqlx::query(
        "SELECT seq, hash, recorded_at FROM journal WHERE register_id = ? ORDER BY seq DESC LIMIT 1",
    )
    .bind(register_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = last else { return Ok((1, GENESIS)) };
    let (seq, prev, previous_at): (i64, Hash, String) = (row.get(0), to_hash(row.get(1))?, row.get(2));
    // Times that do not parse (none are written so) are left alone: the sequence orders.
    let (Ok(before), Ok(now)) = (previous_at.parse::<Timestamp>(), recorded_at.parse::<Timestamp>()) else {
        return Ok((seq + 1, prev));
    };
    let back = before.duration_since(now);
    if back <= CLOCK_BACKWARDS_TOLERANCE {
        return Ok((seq + 1, prev));
    }
    let jump = ClockBackwards {
        previous_seq: seq,
        previous_at: previous_at.clone(),
        at: recorded_at.to_string(),
        back_ms: i64::try_from(back.as_millis()).unwrap_or(i64::MAX),
    };
    let payload = serde_json::to_string(&jump).map_err(|e| Error::Storage(e.to_string()))?;
    let hash =
        insert_in(tx, register_id, seq + 1, &prev, EntryKind::ClockBackwards.as_str(), recorded_at, &payload)
            .await?;
    let mut record = crate::audit::AuditRecord::new(
        now,
        None,
        "clock.backwards",
        format!("register {register_id}, journal entry {}", seq + 1),
        crate::audit::Outcome::Done,
    );
    record.old_value = Some(previous_at.clone());
    record.new_value = Some(recorded_at.to_string());
    crate::audit::append_in(tx, &record).await?;
    let text = format!(
        "Kassans klocka gick {} s bakåt / The register's clock went back {} s ({previous_at} → {recorded_at})",
        back.as_secs(),
        back.as_secs()
    );
    crate::incidents::add_auto_in(tx, false, &now, &text).await?;
    tracing::warn!(
        register_id,
        previous_at,
        now = recorded_at,
        back_ms = jump.back_ms,
        "the clock went backwards"
    );
    Ok((seq + 2, hash))
}

/// Writes one entry at `seq` chained to `prev`, moves the head, and stores its tally; returns
/// its hash. Also how a restored store writes what it catches up from HQ (after checking it).
pub(crate) async fn insert_in(
    tx: &mut Transaction<'static, Sqlite>,
    register_id: &str,
    seq: i64,
    prev: &Hash,
    kind: &str,
    recorded_at: &str,
    payload: &str,
) -> Result<Hash> {
    let hash = entry_hash(prev, register_id, seq, kind, recorded_at, payload);
    sqlx::query(
        "INSERT INTO journal (register_id, seq, kind, recorded_at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(register_id)
    .bind(seq)
    .bind(kind)
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
    let tally = Tally::of(kind, payload)
        .map_err(|e| Error::Inconsistent(format!("a {kind} registration cannot be read back: {e}")))?;
    if !tally.is_empty() {
        sqlx::query("INSERT INTO tally (register_id, journal_seq, body) VALUES (?, ?, ?)")
            .bind(register_id)
            .bind(seq)
            .bind(tally.to_stored())
            .execute(&mut **tx)
            .await?;
    }
    Ok(hash)
}

/// Gives the entries written before day figures existed (a store from before migration 5)
/// their tallies, once, in one transaction. Returns how many were added.
/// How many of each register's latest entries every start checks.
pub const TAIL_CHECKED: i64 = 1_000;

/// The tail of each register's chain, checked at every start: the last [`TAIL_CHECKED`] entries'
/// hashes recomputed from their fields, each linked to the one before, the last one the head.
/// SQLite's quick check sees a damaged page, not a changed byte inside a record; this sees the
/// latter where it matters most. `Err` says where, in words.
pub(crate) async fn check_tail(db: &sqlx::SqlitePool) -> std::result::Result<(), String> {
    let heads: Vec<(String, i64, Vec<u8>)> =
        sqlx::query_as("SELECT register_id, seq, hash FROM journal_head")
            .fetch_all(db)
            .await
            .map_err(|e| e.to_string())?;
    for (register, head_seq, head_hash) in heads {
        let rows = sqlx::query(
            "SELECT seq, kind, recorded_at, payload, prev_hash, hash FROM journal
             WHERE register_id = ? AND seq > ? ORDER BY seq",
        )
        .bind(&register)
        .bind(head_seq - TAIL_CHECKED)
        .fetch_all(db)
        .await
        .map_err(|e| e.to_string())?;
        let mut before: Option<Vec<u8>> = None;
        let mut last: Option<(i64, Vec<u8>)> = None;
        for r in &rows {
            let (seq, prev, hash): (i64, Vec<u8>, Vec<u8>) = (r.get(0), r.get(4), r.get(5));
            let broken =
                |what: &str| format!("the journal of register {register} is damaged at entry {seq}: {what}");
            let prev_hash: Hash = prev.as_slice().try_into().map_err(|_| broken("its link is not a hash"))?;
            let computed = entry_hash(&prev_hash, &register, seq, r.get(1), r.get(2), r.get(3));
            if computed.as_slice() != hash.as_slice() {
                return Err(broken("its contents no longer match its hash"));
            }
            if before.as_ref().is_some_and(|b| b != &prev) || (seq == 1 && prev_hash != GENESIS) {
                return Err(broken("it does not follow the entry before it"));
            }
            before = Some(hash.clone());
            last = Some((seq, hash));
        }
        if last != Some((head_seq, head_hash)) {
            return Err(format!(
                "the journal of register {register} does not end where its head says ({head_seq})"
            ));
        }
    }
    Ok(())
}

pub(crate) async fn backfill_tallies(writer: &sqlx::SqlitePool) -> Result<u64> {
    let done: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'tally_backfill'")
        .fetch_optional(writer)
        .await?;
    if done.is_some() {
        return Ok(0);
    }
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    let rows = sqlx::query(
        "SELECT j.register_id, j.seq, j.kind, j.payload FROM journal j
         WHERE j.kind IN ('sale', 'void', 'abandoned', 'drawer_open')
           AND NOT EXISTS (SELECT 1 FROM tally t WHERE t.register_id = j.register_id AND t.journal_seq = j.seq)
         ORDER BY j.register_id, j.seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut added = 0;
    for r in &rows {
        let (register, seq, kind, payload): (String, i64, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let tally = Tally::of(&kind, &payload)
            .map_err(|e| Error::Inconsistent(format!("journal entry {seq} ({kind}) cannot be read: {e}")))?;
        if tally.is_empty() {
            continue;
        }
        sqlx::query("INSERT INTO tally (register_id, journal_seq, body) VALUES (?, ?, ?)")
            .bind(&register)
            .bind(seq)
            .bind(tally.to_stored())
            .execute(&mut *tx)
            .await?;
        added += 1;
    }
    sqlx::query("INSERT INTO setting (key, value) VALUES ('tally_backfill', 'done')")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if added > 0 {
        tracing::info!(added, "day figures added for registrations made before they existed");
    }
    Ok(added)
}

/// How many sequence numbers one read of the journal covers.
const WINDOW: i64 = 1000;

/// A window of the journal, with each entry's day figures, as ONE text: records separated by
/// 0x1e, fields by 0x1f (seq, kind, recorded_at, hex prev_hash, hex hash, day figures or empty,
/// payload last). Payloads are JSON, which never holds a raw control character, so the
/// separators cannot occur inside them; a payload that does hold one was not written by
/// Storekeep and fails to split or to hash. Reading a million entries as a thousand texts
/// rather than a million rows is what keeps `journal verify` inside its time.
const WINDOW_SQL: &str = "SELECT group_concat(
        j.seq || char(31) || j.kind || char(31) || j.recorded_at || char(31) || hex(j.prev_hash) || char(31)
        || hex(j.hash) || char(31) || COALESCE(t.body, '') || char(31) || j.payload, char(30))
    FROM (SELECT register_id, seq, kind, recorded_at, payload, prev_hash, hash FROM journal
          WHERE register_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq) j
    LEFT JOIN tally t ON t.register_id = j.register_id AND t.journal_seq = j.seq";

/// Splits a window back into entries; `Err` names what could not be read.
fn read_window(register_id: &str, text: &str) -> std::result::Result<Vec<Fetched>, String> {
    let mut out = Vec::with_capacity(WINDOW as usize);
    for record in text.split('\u{1e}') {
        let mut f = record.splitn(7, '\u{1f}');
        let mut next = || f.next().ok_or_else(|| "a journal entry cannot be read apart".to_string());
        let seq: i64 = next()?.parse().map_err(|_| "a journal entry has no sequence number".to_string())?;
        let kind = next()?.to_string();
        let recorded_at = next()?.to_string();
        let hash_of = |h: &str| -> std::result::Result<Hash, String> {
            hex::decode(h)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| format!("entry {seq} has a broken hash"))
        };
        let prev_hash = hash_of(next()?)?;
        let hash = hash_of(next()?)?;
        let tally = Some(next()?).filter(|t| !t.is_empty()).map(str::to_string);
        let payload = next()?.to_string();
        out.push(Fetched {
            e: JournalEntry {
                register_id: register_id.to_string(),
                seq,
                kind,
                recorded_at,
                payload,
                prev_hash,
                hash,
            },
            tally,
        });
    }
    Ok(out)
}

/// The register's head: the sequence and hash of its newest entry.
async fn read_head(c: &mut sqlx::SqliteConnection, register_id: &str) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(sqlx::query("SELECT seq, hash FROM journal_head WHERE register_id = ?")
        .bind(register_id)
        .fetch_optional(c)
        .await?
        .map(|r| (r.get::<i64, _>(0), r.get::<Vec<u8>, _>(1))))
}

fn to_hash(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::Inconsistent("a journal hash is not 32 bytes".into()))
}

/// One journal row and the projection rows beside it.
#[derive(Debug)]
struct Fetched {
    e: JournalEntry,
    tally: Option<String>,
}

/// The numbers of the registrations that are not sales or returns, read from their payloads.
#[derive(serde::Deserialize)]
struct Numbered {
    #[serde(default)]
    receipt_no: Option<i64>,
    #[serde(default)]
    pro_forma_no: Option<i64>,
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
        // The stored day figures must be exactly what the entry adds.
        let wanted = (!tally.is_empty()).then_some(&tally);
        let same = match (&f.tally, wanted) {
            (None, None) => true,
            (Some(body), Some(t)) => Tally::from_stored(body).is_ok_and(|stored| stored == *t),
            _ => false,
        };
        if !same {
            return Err(problem(e.seq, "its day figures (tally) do not match the journal".into()));
        }
        let kind = |k: EntryKind| e.kind == k.as_str();
        let numbered = || -> std::result::Result<Numbered, Problem> {
            serde_json::from_str(&e.payload)
                .map_err(|err| problem(e.seq, format!("its {} cannot be read: {err}", e.kind)))
        };
        let (is_sale, is_return) = (kind(EntryKind::Sale), kind(EntryKind::Return));
        if is_sale || is_return {
            let receipt_no = tally.first_receipt.unwrap_or(0);
            if receipt_no != w.receipts + 1 {
                let what = format!(
                    "receipt number {receipt_no} follows {}: the series has a gap or a repeat",
                    w.receipts
                );
                return Err(problem(e.seq, what));
            }
            w.receipts += 1;
        }
        if kind(EntryKind::Training) {
            let no = numbered()?.receipt_no.unwrap_or(0);
            if no != w.training + 1 {
                return Err(problem(
                    e.seq,
                    format!("training receipt {no} follows {}: a gap or a repeat", w.training),
                ));
            }
            w.training += 1;
        }
        if kind(EntryKind::ProForma) {
            let no = numbered()?.pro_forma_no.unwrap_or(0);
            if no != w.pro_forma + 1 {
                return Err(problem(
                    e.seq,
                    format!("pro forma {no} follows {}: a gap or a repeat", w.pro_forma),
                ));
            }
            w.pro_forma += 1;
        }
        if kind(EntryKind::Copy) {
            let no = numbered()?.receipt_no.unwrap_or(0);
            if no < 1 || no > w.receipts || !w.copied.insert(no) {
                return Err(problem(
                    e.seq,
                    format!("a copy of receipt {no}: it is a second copy, or of no receipt"),
                ));
            }
        }
        let is_x = kind(EntryKind::XReport);
        if is_x || kind(EntryKind::ZReport) {
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
        if kind(EntryKind::ClockBackwards) {
            // It names the entry before it and that entry's time, and its own time.
            let jump: ClockBackwards = serde_json::from_str(&e.payload)
                .map_err(|err| problem(e.seq, format!("its clock_backwards cannot be read: {err}")))?;
            if jump.previous_seq != e.seq - 1 || jump.previous_at != w.last_at || jump.at != e.recorded_at {
                return Err(problem(
                    e.seq,
                    "its clock_backwards does not name the times of the entries around it".into(),
                ));
            }
            w.clock_backwards += 1;
        }
        w.last_at.clone_from(&e.recorded_at);
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
    training: i64,
    pro_forma: i64,
    copied: std::collections::HashSet<i64>,
    reports: i64,
    grand: GrandTotals,
    period: Tally,
    /// The previous entry's time.
    last_at: String,
    clock_backwards: i64,
}

/// A register's walk that stopped at a problem.
type Stopped = Box<(Walk, Problem)>;

impl<'a> Journal<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Journal { sk }
    }

    /// Recomputes every register's chain from the first entry, and checks against it: the
    /// receipt series (1, 2, 3… over sales and returns; training and pro forma have their own),
    /// at most one copy per receipt, the sales projection, each registration's day figures
    /// (tally), and each X and Z report's figures and grand totals (the sum of the
    /// registrations before it). Registrations written while it runs are left for the next
    /// check: everything is read up to the head found at the start.
    pub async fn verify(&self) -> Result<Verification> {
        let registers: Vec<String> = sqlx::query_scalar(
            "SELECT register_id FROM journal_head UNION SELECT DISTINCT register_id FROM journal ORDER BY 1",
        )
        .fetch_all(self.sk.db().reader())
        .await?;
        let mut total = Verification {
            entries: 0,
            sales: 0,
            reports: 0,
            grand: GrandTotals::default(),
            clock_backwards: 0,
            problem: None,
        };
        for register_id in &registers {
            let (w, problem) = match self.walk(register_id).await? {
                Ok(w) => (w, None),
                Err(stopped) => {
                    let (w, p) = *stopped;
                    (w, Some(p))
                }
            };
            total.entries += w.entries;
            total.sales += w.receipts;
            total.reports += w.reports;
            total.clock_backwards += w.clock_backwards;
            total.grand = GrandTotals {
                sales: total.grand.sales + w.grand.sales,
                returns: total.grand.returns + w.grand.returns,
                net: total.grand.net + w.grand.net,
            };
            if problem.is_some() {
                total.problem = problem;
                return Ok(total);
            }
        }
        Ok(total)
    }

    /// Walks one register's journal up to its head: three ordered scans (journal, sales, day
    /// figures) on connections of their own, merged here, while a blocking thread re-hashes
    /// and checks what was read, in order.
    async fn walk(&self, register_id: &str) -> Result<std::result::Result<Walk, Stopped>> {
        let db = self.sk.db();
        let stop = |w: Walk, seq: i64, what: String| {
            Ok(Err(Box::new((w, Problem { register_id: register_id.to_string(), seq, what }))))
        };
        let mut head_conn = db.read_connection().await?;
        let head = read_head(&mut head_conn, register_id).await?;
        let limit = head.as_ref().map_or(i64::MAX, |h| h.0);

        let (send, mut recv) = tokio::sync::mpsc::channel::<Vec<Fetched>>(4);
        let register = register_id.to_string();
        let checker = tokio::task::spawn_blocking(move || {
            let mut c = Checker { register, w: Walk::default(), verifier: ChainVerifier::default() };
            while let Some(batch) = recv.blocking_recv() {
                for f in batch {
                    if let Err(p) = c.step(f) {
                        return Err(Box::new((c.w, p)));
                    }
                }
            }
            Ok(c)
        });
        // The sales table is checked against the payloads inside SQLite (its JSON functions),
        // on a connection of its own, while the journal and the day figures stream through
        // here: the first sales row that names no entry or says other than its entry, the first
        // sale or return with no sales row, and the first day figures that name no entry.
        let projections_check = async {
            let mut c = db.read_connection().await?;
            let found: (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
                "SELECT
                   (SELECT MIN(s.journal_seq) FROM sale s
                    LEFT JOIN journal j ON j.register_id = s.register_id AND j.seq = s.journal_seq
                    WHERE s.register_id = ?1 AND s.journal_seq <= ?2
                      AND (j.seq IS NULL OR j.kind IS NOT s.kind
                           OR json_extract(j.payload, '$.receipt_no') IS NOT s.receipt_no
                           OR json_extract(j.payload, '$.total') IS NOT s.total
                           OR json_extract(j.payload, '$.rounding') IS NOT s.rounding
                           OR json_extract(j.payload, '$.original_receipt_no') IS NOT s.original_receipt_no)),
                   (SELECT MIN(j.seq) FROM journal j
                    WHERE j.register_id = ?1 AND j.seq <= ?2 AND j.kind IN ('sale', 'return')
                      AND NOT EXISTS (SELECT 1 FROM sale s WHERE s.register_id = j.register_id AND s.journal_seq = j.seq)),
                   (SELECT MIN(t.journal_seq) FROM tally t
                    WHERE t.register_id = ?1 AND t.journal_seq <= ?2
                      AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.register_id = t.register_id AND j.seq = t.journal_seq))",
            )
            .bind(register_id)
            .bind(limit)
            .fetch_one(&mut c)
            .await?;
            Ok::<_, Error>(found)
        };
        let merge = async {
            let mut jc = db.read_connection().await?;
            let (bottom, top): (Option<i64>, Option<i64>) =
                sqlx::query_as("SELECT MIN(seq), MAX(seq) FROM journal WHERE register_id = ? AND seq <= ?")
                    .bind(register_id)
                    .bind(limit)
                    .fetch_one(&mut jc)
                    .await?;
            let (mut from, top) = (bottom.unwrap_or(1).min(1) - 1, top.unwrap_or(0));
            while from < top {
                let to = from.saturating_add(WINDOW).min(top);
                let text: Option<String> = sqlx::query_scalar(WINDOW_SQL)
                    .bind(register_id)
                    .bind(from)
                    .bind(to)
                    .fetch_one(&mut jc)
                    .await?;
                let mut batch = match text.as_deref().map(|t| read_window(register_id, t)).transpose() {
                    Ok(b) => b.unwrap_or_default(),
                    Err(what) => {
                        // An entry that cannot even be split apart is a changed entry: the
                        // checker names it.
                        vec![Fetched {
                            e: JournalEntry {
                                register_id: register_id.to_string(),
                                seq: from + 1,
                                kind: String::new(),
                                recorded_at: String::new(),
                                payload: what,
                                prev_hash: [0; 32],
                                hash: [0; 32],
                            },
                            tally: None,
                        }]
                    }
                };
                batch.sort_by_key(|f| f.e.seq);
                if send.send(batch).await.is_err() {
                    break; // the checker stopped at a problem
                }
                from = to;
            }
            Ok::<_, Error>(())
        };
        let (merged, projections) = tokio::join!(merge, projections_check);
        merged?;
        let projections = projections?;
        drop(send);
        let c = match checker.await.map_err(|e| Error::Storage(format!("the journal check stopped: {e}")))? {
            Ok(c) => c,
            Err(stopped) => return Ok(Err(stopped)),
        };
        if let Some(seq) = projections.0.or(projections.1) {
            return stop(c.w, seq, format!("the sales table does not match the journal at entry {seq}"));
        }
        if let Some(seq) = projections.2 {
            return stop(
                c.w,
                seq,
                format!("there are day figures for entry {seq}, which is not in the journal"),
            );
        }

        // The newest entry is the one the head names: a deleted or added tail shows here.
        if head != Some((c.verifier.verified(), c.verifier.last_hash().to_vec())) {
            let what = "the journal's last entry is not the one recorded as its head: an entry was removed or added at the end";
            return stop(c.w, c.verifier.verified(), what.into());
        }
        // Rows that name entries past the head: written since the check began (the head has
        // moved), or forged (it has not).
        let beyond: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM sale WHERE register_id = ?1 AND journal_seq > ?2)
                  + (SELECT COUNT(*) FROM tally WHERE register_id = ?1 AND journal_seq > ?2)
                  + (SELECT COUNT(*) FROM journal WHERE register_id = ?1 AND seq > ?2)",
        )
        .bind(register_id)
        .bind(limit)
        .fetch_one(&mut head_conn)
        .await?;
        if beyond > 0 && read_head(&mut head_conn, register_id).await? == head {
            return stop(c.w, c.verifier.verified(), "there are rows past the journal's last entry".into());
        }
        // The other projections: one row per report and per copy.
        let (reports, copies): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM day_report WHERE register_id = ?1 AND journal_seq <= ?2),
                    (SELECT COUNT(*) FROM receipt_copy WHERE register_id = ?1 AND journal_seq <= ?2)",
        )
        .bind(register_id)
        .bind(limit)
        .fetch_one(&mut head_conn)
        .await?;
        if reports != c.w.reports || copies != c.w.copied.len() as i64 {
            let what = format!(
                "the lists of reports ({reports}) and copies ({copies}) do not match the journal ({} and {})",
                c.w.reports,
                c.w.copied.len()
            );
            return stop(c.w, c.verifier.verified(), what);
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
