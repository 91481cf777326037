//! Backups and restore (issue 10, docs/backup-restore.md).
//!
//! A backup is a consistent snapshot (`VACUUM INTO`, never a file copy) that is checked whole
//! (SQLite's `integrity_check` and the full journal verification) before it is sealed, then
//! sealed to the manager's X25519 public key: an ephemeral key agreement, HKDF-SHA256, and
//! ChaCha20-Poly1305 over 1 MiB chunks, each chunk's nonce carrying its number and a "last"
//! flag so that nothing can be reordered, dropped or cut off unseen. The header (who, when,
//! the journal's heads) is readable without the key, so backups can be listed and pruned, and
//! is bound into every chunk. The store holds only the public key: a stolen backup is useless
//! without the manager's secret key, and so is the store's own copy of the configuration.
//!
//! After writing, the file is read back from the destination and decrypted with the session
//! key still in memory: every chunk's tag and the snapshot's SHA-256 must match, so the file on
//! the USB stick is byte for byte the snapshot that was verified.
//!
//! Restore decrypts into the data folder beside the database, checks the result (tags, hash,
//! quick check, the journal heads the header names), and only then moves it into place: a
//! restore that fails half-way leaves the folder as it was.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{ConnectOptions, Connection, Row};
use storekeep_domain::staff::Action;
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

/// The first bytes of every backup file.
pub const MAGIC: &[u8] = b"STOREKEEP-BACKUP/1\n";
/// Backup files end so (`<register>-<UTC time>.skbackup`).
pub const EXTENSION: &str = "skbackup";
const CHUNK: usize = 1 << 20;
const TAG: usize = 16;
const SECRET_PREFIX: &str = "STOREKEEP-BACKUP-SECRET-KEY-1:";
const PUBLIC_PREFIX: &str = "storekeep-backup-key-1:";
const CONFIG: &str = "backup_config";
/// Set by a restore that could not catch up from HQ; cleared by a catch-up. While it is set,
/// [`crate::journal::append_in`] refuses every registration.
pub(crate) const CATCH_UP_PENDING: &str = "catch_up_pending";
/// A header larger than this is not a backup's.
const MAX_HEADER: usize = 1 << 20;

/// Why a backup or a restore did not go through, in words for a manager (Swedish in
/// [`Problem::sv`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("No backup key is set up: a manager sets one up with the key's public half first")]
    NotConfigured,
    #[error("That is not a backup key ({0})")]
    BadKey(String),
    #[error("{0} is not a Storekeep backup file")]
    NotABackup(String),
    #[error("This backup was sealed to another key: use the backup key it was made with")]
    WrongKey,
    #[error("The backup file is damaged or has been changed ({0}): use another backup")]
    Damaged(String),
    #[error("The snapshot did not pass its check ({0}), so no backup was written")]
    SnapshotBad(String),
    #[error("The backup could not be written to {0}")]
    Destination(String),
    #[error(
        "This computer already has a store with registrations: restore only onto a fresh install, or replace a damaged store"
    )]
    StoreExists,
}

impl Problem {
    pub fn sv(&self) -> String {
        match self {
            Problem::NotConfigured => {
                "Ingen säkerhetskopieringsnyckel är inställd: en chef ställer först in nyckelns publika del".into()
            }
            Problem::BadKey(d) => format!("Det är ingen säkerhetskopieringsnyckel ({d})"),
            Problem::NotABackup(f) => format!("{f} är ingen säkerhetskopia från Storekeep"),
            Problem::WrongKey => {
                "Säkerhetskopian är låst med en annan nyckel: använd nyckeln den gjordes med".into()
            }
            Problem::Damaged(d) => {
                format!("Säkerhetskopian är skadad eller ändrad ({d}): använd en annan säkerhetskopia")
            }
            Problem::SnapshotBad(d) => {
                format!("Ögonblicksbilden klarade inte kontrollen ({d}), så ingen säkerhetskopia skrevs")
            }
            Problem::Destination(d) => format!("Säkerhetskopian kunde inte skrivas till {d}"),
            Problem::StoreExists => "Den här datorn har redan en butik med registreringar: återställ bara till en ny installation, eller ersätt en skadad butik".into(),
        }
    }
}

/// The manager's key pair. Only the public half is ever stored in the store.
#[derive(Clone)]
pub struct SecretKey(x25519_dalek::StaticSecret);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.public())
    }
}

impl SecretKey {
    pub fn generate() -> Result<SecretKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
        Ok(SecretKey(x25519_dalek::StaticSecret::from(bytes)))
    }

    /// The key file's text: one line, kept by the manager (never on the store's computer).
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}\n", hex::encode(self.0.to_bytes()))
    }

    pub fn parse(text: &str) -> Result<SecretKey> {
        let hex_part = text
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or_else(|| problem(Problem::BadKey("it does not start as a backup secret key".into())))?;
        let bytes: [u8; 32] = hex::decode(hex_part)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| problem(Problem::BadKey("it is not 32 bytes of hex".into())))?;
        Ok(SecretKey(x25519_dalek::StaticSecret::from(bytes)))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(x25519_dalek::PublicKey::from(&self.0))
    }
}

/// What the store keeps: backups are sealed to it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(x25519_dalek::PublicKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", hex::encode(self.0.as_bytes()))
    }
}

impl PublicKey {
    pub fn parse(text: &str) -> Result<PublicKey> {
        let hex_part = text
            .trim()
            .strip_prefix(PUBLIC_PREFIX)
            .ok_or_else(|| problem(Problem::BadKey("it does not start as a backup public key".into())))?;
        let bytes: [u8; 32] = hex::decode(hex_part)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| problem(Problem::BadKey("it is not 32 bytes of hex".into())))?;
        Ok(PublicKey(x25519_dalek::PublicKey::from(bytes)))
    }

    /// The first 8 hex digits of the key's SHA-256: enough to tell keys apart on screen.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..4])
    }
}

fn problem(p: Problem) -> Error {
    Error::Backup(p)
}

/// Where and how often backups go, and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupConfig {
    /// `storekeep-backup-key-1:<hex>`: the manager's public key.
    pub public_key: String,
    /// The second location: another disk, a USB stick, a network share.
    pub destination: String,
    /// A backup this often (and at every Z report); 0 = only at Z reports and by hand.
    #[ts(type = "number")]
    pub every_minutes: u32,
    /// How many backups of this register are kept at the destination (at least 1).
    #[ts(type = "number")]
    pub keep: u32,
    /// Also send each backup, sealed, to HQ (which keeps its newest few and cannot open them).
    #[serde(default)]
    pub to_hq: bool,
}

/// The readable header of a backup file: bound into every chunk, so it cannot be changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub format: String,
    pub company_name: String,
    pub org_number: String,
    pub register_id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Why: "scheduled", "Z report 12", "by hand".
    pub reason: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// Each register's last journal entry in the snapshot: (register, seq, hash in hex).
    #[ts(type = "Array<[string, number, string]>")]
    pub heads: Vec<(String, i64, String)>,
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number")]
    pub database_bytes: u64,
    pub database_sha256: String,
    /// Fingerprint of the public key it is sealed to.
    pub key_fingerprint: String,
    /// The ephemeral X25519 public key (hex).
    pub ephemeral: String,
}

/// One backup as the log and the list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupRecord {
    pub file: String,
    pub created_at: String,
    pub reason: String,
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Read back from the destination and decrypted whole after writing.
    pub verified: bool,
    /// Why it failed, if it did.
    pub problem: Option<String>,
    /// Sent to HQ as well (`None`: not asked to).
    pub sent_to_hq: Option<bool>,
}

/// How far a long backup or restore has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// "snapshot", "check", "seal", "read back", "decrypt", "install", "catch up".
    pub stage: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

pub type OnProgress<'a> = &'a (dyn Fn(Progress) + Send + Sync);

fn report(on: OnProgress<'_>, stage: &str, done: u64, total: u64) {
    on(Progress { stage: stage.into(), done, total });
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| {
        if e.raw_os_error() == Some(28) {
            Error::DiskFull
        } else {
            Error::Storage(format!("{}: {e}", path.display()))
        }
    }
}

/// The session key for one file: X25519(ephemeral, recipient) through HKDF-SHA256.
fn session_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> ChaCha20Poly1305 {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut okm = [0u8; 32];
    #[allow(clippy::expect_used)]
    hk.expand(b"storekeep-backup/1 chunk key", &mut okm).expect("32 bytes is a valid HKDF length");
    ChaCha20Poly1305::new(&Key::from(okm))
}

fn nonce(n: u64, last: bool) -> Nonce {
    let mut b = [0u8; 12];
    b[0] = u8::from(last);
    b[4..].copy_from_slice(&n.to_be_bytes());
    Nonce::from(b)
}

/// The header's bytes and their hash (the AAD of every chunk).
fn header_bytes(m: &Manifest) -> Result<(Vec<u8>, [u8; 32])> {
    let json = serde_json::to_vec(m).map_err(|e| Error::Storage(e.to_string()))?;
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(&json);
    Ok((json, h.finalize().into()))
}

/// Reads a backup file's header (no key needed).
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let mut f = std::fs::File::open(path).map_err(io_at(path))?;
    Ok(read_header(&mut f, path)?.0)
}

fn read_header(f: &mut impl Read, path: &Path) -> Result<(Manifest, [u8; 32])> {
    let not = || problem(Problem::NotABackup(path.display().to_string()));
    let mut magic = vec![0u8; MAGIC.len()];
    f.read_exact(&mut magic).map_err(|_| not())?;
    if magic != MAGIC {
        return Err(not());
    }
    let mut len = [0u8; 4];
    f.read_exact(&mut len).map_err(|_| not())?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_HEADER {
        return Err(not());
    }
    let mut json = vec![0u8; len];
    f.read_exact(&mut json).map_err(|_| problem(Problem::Damaged("its header is cut off".into())))?;
    let m: Manifest = serde_json::from_slice(&json)
        .map_err(|e| problem(Problem::Damaged(format!("its header does not read: {e}"))))?;
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(&json);
    Ok((m, h.finalize().into()))
}

/// Streams `plain` sealed in chunks into `out`; returns the bytes written.
fn seal(
    cipher: &ChaCha20Poly1305,
    aad: &[u8; 32],
    plain: &mut impl Read,
    total: u64,
    out: &mut impl Write,
    on: OnProgress<'_>,
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut have = read_full(plain, &mut buf)?;
    let (mut n, mut written, mut done) = (0u64, 0u64, 0u64);
    loop {
        // Look one chunk ahead: the last chunk (possibly empty) carries the flag.
        let more = if have == CHUNK { read_full(plain, &mut next)? } else { 0 };
        let last = more == 0;
        let sealed = cipher
            .encrypt(&nonce(n, last), Payload { msg: &buf[..have], aad })
            .map_err(|_| std::io::Error::other("encryption failed"))?;
        out.write_all(&(sealed.len() as u32).to_be_bytes())?;
        out.write_all(&sealed)?;
        written += 4 + sealed.len() as u64;
        done += have as u64;
        report(on, "seal", done, total);
        if last {
            return Ok(written);
        }
        std::mem::swap(&mut buf, &mut next);
        have = more;
        n += 1;
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..])? {
            0 => break,
            k => got += k,
        }
    }
    Ok(got)
}

/// Opens every chunk of the body in order, handing the plaintext to `sink`. Any changed,
/// missing, reordered or extra chunk is [`Problem::Damaged`].
fn open_body(
    cipher: &ChaCha20Poly1305,
    aad: &[u8; 32],
    f: &mut impl Read,
    expected: u64,
    stage: &str,
    on: OnProgress<'_>,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let damaged = |what: &str| problem(Problem::Damaged(what.to_string()));
    let mut n = 0u64;
    let mut done = 0u64;
    let mut buf = Vec::with_capacity(CHUNK + TAG);
    loop {
        let mut len = [0u8; 4];
        f.read_exact(&mut len).map_err(|_| damaged("it ends before its last part"))?;
        let len = u32::from_be_bytes(len) as usize;
        if !(TAG..=CHUNK + TAG).contains(&len) {
            return Err(damaged("a part has an impossible length"));
        }
        buf.resize(len, 0);
        f.read_exact(&mut buf).map_err(|_| damaged("it ends inside a part"))?;
        let (plain, last) = match cipher.decrypt(&nonce(n, false), Payload { msg: &buf, aad }) {
            Ok(p) => (p, false),
            Err(_) => match cipher.decrypt(&nonce(n, true), Payload { msg: &buf, aad }) {
                Ok(p) => (p, true),
                Err(_) => return Err(damaged(&format!("part {} does not open with this key", n + 1))),
            },
        };
        if !last && plain.len() != CHUNK {
            return Err(damaged("a part before the last is short"));
        }
        done += plain.len() as u64;
        sink(&plain)?;
        report(on, stage, done, expected);
        if last {
            let mut extra = [0u8; 1];
            if f.read(&mut extra).map_err(|e| Error::Storage(e.to_string()))? != 0 {
                return Err(damaged("there is more after its last part"));
            }
            return Ok(());
        }
        n += 1;
    }
}

/// The store's backups: configuration, making one, the list.
#[derive(Debug)]
pub struct Backups<'a> {
    sk: &'a Storekeep,
}

impl<'a> Backups<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Backups { sk }
    }

    pub async fn config(&self) -> Result<Option<BackupConfig>> {
        crate::settings::read(self.sk.db().reader(), CONFIG, None).await
    }

    /// Sets the key, the destination, the schedule and the retention (managers, with a
    /// reason; audited). The destination must exist and take a file now.
    pub async fn configure(&self, by: &Actor, config: &BackupConfig, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "backups").await?;
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        PublicKey::parse(&config.public_key)?;
        let dest = PathBuf::from(config.destination.trim());
        // Kept as an absolute path: the app and the command line start in different folders.
        let dest = std::fs::canonicalize(&dest)
            .map_err(|e| problem(Problem::Destination(format!("{} ({e})", dest.display()))))?;
        let probe = dest.join(".storekeep-write-test");
        std::fs::write(&probe, b"ok")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| problem(Problem::Destination(format!("{} ({e})", dest.display()))))?;
        let config = BackupConfig {
            destination: dest.display().to_string(),
            keep: config.keep.max(1),
            ..config.clone()
        };
        let old = self.config().await?;
        let json =
            |c: &Option<BackupConfig>| serde_json::to_string(c).map_err(|e| Error::Storage(e.to_string()));
        let new = json(&Some(config))?;
        let shown = crate::settings::Shown { old: json(&old)?, new: new.clone() };
        crate::settings::write_audited(self.sk, by, CONFIG, &new, shown, reason.trim()).await?;
        self.sk.backup_signal().notify_one();
        Ok(())
    }

    /// The backups made here, newest first.
    pub async fn list(&self, limit: i64) -> Result<Vec<BackupRecord>> {
        let rows = sqlx::query(
            "SELECT file, created_at, reason, entries, bytes, verified, problem, sent_to_hq FROM backup_log ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.sk.db().reader())
        .await?;
        Ok(rows
            .iter()
            .map(|r| BackupRecord {
                file: r.get(0),
                created_at: r.get(1),
                reason: r.get(2),
                entries: r.get(3),
                bytes: r.get::<i64, _>(4) as u64,
                verified: r.get::<i64, _>(5) != 0,
                problem: r.get(6),
                sent_to_hq: r.get::<Option<i64>, _>(7).map(|v| v != 0),
            })
            .collect())
    }

    /// Makes one backup now: snapshot, check, seal, read back, prune. Recorded in the backup
    /// log and the audit log whether it succeeds or not.
    pub async fn create(&self, by: Option<&Actor>, reason: &str, on: OnProgress<'_>) -> Result<BackupRecord> {
        if let Some(by) = by {
            self.sk.staff().authorize(by, Action::ChangeControls, None, "backup").await?;
        }
        let config = self.config().await?.ok_or(problem(Problem::NotConfigured))?;
        let recipient = PublicKey::parse(&config.public_key)?;
        let now = self.sk.clock().now();
        let outcome = self.make(&config, recipient, reason, now, on).await;
        let mut hq_problem = None;
        let (record, err) = match outcome {
            Ok(mut r) if config.to_hq => {
                match self.sk.sync().send_backup(Path::new(&r.file)).await {
                    Ok(()) => r.sent_to_hq = Some(true),
                    Err(e) => {
                        tracing::warn!("the backup could not be sent to HQ: {e}");
                        r.sent_to_hq = Some(false);
                        hq_problem = Some(e.to_string());
                    }
                }
                (r, None)
            }
            Ok(r) => (r, None),
            Err(e) => {
                let r = BackupRecord {
                    file: String::new(),
                    created_at: now.to_string(),
                    reason: reason.to_string(),
                    entries: 0,
                    bytes: 0,
                    verified: false,
                    problem: Some(e.to_string()),
                    sent_to_hq: None,
                };
                (r, Some(e))
            }
        };
        let mut tx = self.sk.db().begin_write().await?;
        sqlx::query(
            "INSERT INTO backup_log (file, created_at, reason, entries, bytes, verified, problem, sent_to_hq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&record.file)
        .bind(&record.created_at)
        .bind(&record.reason)
        .bind(record.entries)
        .bind(record.bytes as i64)
        .bind(i64::from(record.verified))
        .bind(&record.problem)
        .bind(record.sent_to_hq.map(i64::from))
        .execute(&mut *tx)
        .await?;
        let action = if err.is_none() { "backup.created" } else { "backup.failed" };
        let mut audit = AuditRecord::new(
            now,
            by.cloned(),
            action,
            format!("backup to {}", config.destination),
            if err.is_none() { Outcome::Done } else { Outcome::Refused },
        );
        audit.new_value = Some(if err.is_none() {
            let hq = match (&record.sent_to_hq, &hq_problem) {
                (Some(true), _) => ", sent to HQ".to_string(),
                (Some(false), Some(p)) => format!(", NOT sent to HQ: {p}"),
                _ => String::new(),
            };
            format!(
                "{} ({} registrations, {} bytes, read back and verified{hq})",
                record.file, record.entries, record.bytes
            )
        } else {
            record.problem.clone().unwrap_or_default()
        });
        audit.reason = Some(reason.to_string());
        crate::audit::append_in(&mut tx, &audit).await?;
        tx.commit().await?;
        match err {
            None => Ok(record),
            Some(e) => Err(e),
        }
    }

    async fn make(
        &self,
        config: &BackupConfig,
        recipient: PublicKey,
        reason: &str,
        now: jiff::Timestamp,
        on: OnProgress<'_>,
    ) -> Result<BackupRecord> {
        let identity = self.sk.require_identity().await?;
        // 1. The snapshot, in a folder of its own beside the database (never on the
        //    destination: only sealed bytes leave this computer's disk).
        // A snapshot folder an interrupted backup left (a plaintext copy): gone first.
        for entry in std::fs::read_dir(self.sk.data_dir()).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(".backup-") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let work = tempfile::Builder::new()
            .prefix(".backup-")
            .tempdir_in(self.sk.data_dir())
            .map_err(io_at(self.sk.data_dir()))?;
        let snapshot = work.path().join(crate::paths::DATABASE_FILE);
        report(on, "snapshot", 0, 1);
        {
            let mut c = self.sk.db().read_connection().await?;
            sqlx::query("VACUUM INTO ?").bind(snapshot.display().to_string()).execute(&mut c).await?;
            c.close().await?;
        }
        report(on, "snapshot", 1, 1);
        // 2. The check: the whole file and the whole journal, on the snapshot itself.
        report(on, "check", 0, 1);
        let (heads, entries, schema_version) = check_snapshot(&snapshot).await?;
        report(on, "check", 1, 1);
        // 3. Seal it.
        let database_bytes = std::fs::metadata(&snapshot).map_err(io_at(&snapshot))?.len();
        let database_sha256 = {
            let mut f = std::fs::File::open(&snapshot).map_err(io_at(&snapshot))?;
            let mut h = Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(io_at(&snapshot))?;
            hex::encode(h.finalize())
        };
        let ephemeral = SecretKey::generate()?;
        let eph_pub = ephemeral.public();
        let shared = ephemeral.0.diffie_hellman(&recipient.0);
        let cipher = session_key(shared.as_bytes(), eph_pub.0.as_bytes(), recipient.0.as_bytes());
        drop(ephemeral);
        let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let manifest = Manifest {
            format: "storekeep-backup/1".into(),
            company_name: identity.company_name.clone(),
            org_number: identity.org_number.as_str().to_string(),
            register_id: identity.register_id.clone(),
            created_at: now.to_string(),
            reason: reason.to_string(),
            schema_version,
            heads,
            entries,
            database_bytes,
            database_sha256: database_sha256.clone(),
            key_fingerprint: recipient.fingerprint(),
            ephemeral: hex::encode(eph_pub.0.as_bytes()),
        };
        let (header, aad) = header_bytes(&manifest)?;
        let dest = PathBuf::from(&config.destination);
        let name = format!("{}-{}.{EXTENSION}", file_safe(&identity.register_id), stamp);
        let final_path = unique(&dest, &name);
        let part = final_path.with_extension(format!("{EXTENSION}.part"));
        let pepper = self.sk.pepper().bytes().to_vec();
        let sealed_so_far = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let write = {
            let (part, snapshot, cipher) = (part.clone(), snapshot.clone(), cipher.clone());
            let counter = sealed_so_far.clone();
            move || -> std::io::Result<u64> {
                let mut out = std::io::BufWriter::with_capacity(CHUNK, std::fs::File::create(&part)?);
                out.write_all(MAGIC)?;
                out.write_all(&(header.len() as u32).to_be_bytes())?;
                out.write_all(&header)?;
                let db = std::fs::File::open(&snapshot)?;
                let mut plain =
                    std::io::Cursor::new(pepper).chain(std::io::BufReader::with_capacity(CHUNK, db));
                let tick = |p: Progress| counter.store(p.done, std::sync::atomic::Ordering::Relaxed);
                let n = seal(&cipher, &aad, &mut plain, database_bytes + 32, &mut out, &tick)?;
                let f = out.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
                Ok(n)
            }
        };
        let dest_err = |e: std::io::Error| {
            if e.raw_os_error() == Some(28) {
                problem(Problem::Destination(format!("{}: the disk is full", dest.display())))
            } else {
                problem(Problem::Destination(format!("{} ({e})", dest.display())))
            }
        };
        report(on, "seal", 0, database_bytes);
        let sealed = follow(tokio::task::spawn_blocking(write), on, "seal", database_bytes, &sealed_so_far)
            .await
            .map_err(|e| Error::Storage(e.to_string()))?;
        let sealed = match sealed {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(dest_err(e));
            }
        };
        std::fs::rename(&part, &final_path).map_err(dest_err)?;
        sync_dir(&dest);
        // 4. Read it back from the destination and open every chunk.
        let back = final_path.clone();
        let expected = manifest.database_sha256.clone();
        let read_so_far = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = read_so_far.clone();
        let read_back = follow(
            tokio::task::spawn_blocking(move || -> Result<()> {
                let mut f = std::io::BufReader::with_capacity(
                    CHUNK,
                    std::fs::File::open(&back).map_err(io_at(&back))?,
                );
                let (m, aad2) = read_header(&mut f, &back)?;
                if aad2 != aad {
                    return Err(problem(Problem::Damaged(
                        "its header changed on the way to the disk".into(),
                    )));
                }
                let mut h = Sha256::new();
                let mut skip = 32usize;
                let tick = |p: Progress| counter.store(p.done, std::sync::atomic::Ordering::Relaxed);
                open_body(&cipher, &aad2, &mut f, m.database_bytes + 32, "read back", &tick, &mut |chunk| {
                    let from = skip.min(chunk.len());
                    skip -= from;
                    h.update(&chunk[from..]);
                    Ok(())
                })?;
                if hex::encode(h.finalize()) != expected {
                    return Err(problem(Problem::Damaged("what was read back is not the snapshot".into())));
                }
                Ok(())
            }),
            on,
            "read back",
            database_bytes,
            &read_so_far,
        )
        .await
        .map_err(|e| Error::Storage(e.to_string()))?;
        if let Err(e) = read_back {
            let _ = std::fs::remove_file(&final_path);
            return Err(e);
        }
        drop(work);
        // 5. Retention: this register's newest `keep`, the one just made among them.
        prune(
            &dest,
            identity.org_number.as_str(),
            &identity.register_id,
            config.keep.max(1) as usize,
            &final_path,
        );
        let file = final_path.display().to_string();
        tracing::info!(%file, entries, bytes = sealed, "backup written and verified");
        Ok(BackupRecord {
            file,
            created_at: now.to_string(),
            reason: reason.to_string(),
            entries,
            bytes: sealed,
            verified: true,
            problem: None,
            sent_to_hq: None,
        })
    }
}

/// Awaits blocking work, reporting its progress (what it counts in `done`) every 200 ms.
async fn follow<T>(
    mut work: tokio::task::JoinHandle<T>,
    on: OnProgress<'_>,
    stage: &str,
    total: u64,
    done: &std::sync::atomic::AtomicU64,
) -> std::result::Result<T, tokio::task::JoinError> {
    loop {
        tokio::select! {
            r = &mut work => {
                report(on, stage, total, total);
                return r;
            }
            () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                report(on, stage, done.load(std::sync::atomic::Ordering::Relaxed).min(total), total);
            }
        }
    }
}

fn file_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn unique(dir: &Path, name: &str) -> PathBuf {
    let mut p = dir.join(name);
    let mut k = 2;
    while p.exists() {
        p = dir.join(format!("{}-{k}.{EXTENSION}", name.trim_end_matches(&format!(".{EXTENSION}"))));
        k += 1;
    }
    p
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The backup files in `dir` with their readable headers, newest first (by the time in their
/// header); files that are not backups are left out. What a restore lists.
pub fn found_in(dir: &Path) -> std::io::Result<Vec<FoundBackup>> {
    let mut found: Vec<FoundBackup> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
        .filter_map(|p| {
            read_manifest(&p).ok().map(|manifest| FoundBackup { file: p.display().to_string(), manifest })
        })
        .collect();
    found.sort_by(|a, b| b.manifest.created_at.cmp(&a.manifest.created_at).then_with(|| b.file.cmp(&a.file)));
    Ok(found)
}

/// This store's (organisation number and register) backup files at `dest`, newest first: by
/// how far the register's journal reaches, then by time (a clock set wrong and corrected does
/// not make old backups look new).
fn backups_in(dest: &Path, org_number: &str, register_id: &str) -> Vec<PathBuf> {
    let reach = |m: &Manifest| m.heads.iter().find(|(r, _, _)| r == &m.register_id).map_or(0, |(_, s, _)| *s);
    let mut found: Vec<FoundBackup> = found_in(dest)
        .unwrap_or_default()
        .into_iter()
        .filter(|b| b.manifest.register_id == register_id && b.manifest.org_number == org_number)
        .collect();
    // A stable sort: equal reach keeps found_in's newest-first order.
    found.sort_by_key(|b| std::cmp::Reverse(reach(&b.manifest)));
    found.into_iter().map(|b| PathBuf::from(b.file)).collect()
}

/// Deletes this store's backups beyond the newest `keep`, never `newest`; and what an
/// interrupted backup left (`.part` files of this register).
fn prune(dest: &Path, org_number: &str, register_id: &str, keep: usize, newest: &Path) {
    for path in backups_in(dest, org_number, register_id).into_iter().skip(keep) {
        if path != newest {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(file = %path.display(), "old backup removed by the retention rule"),
                Err(e) => tracing::warn!(file = %path.display(), "old backup not removed: {e}"),
            }
        }
    }
    let prefix = format!("{}-", file_safe(register_id));
    for entry in std::fs::read_dir(dest).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(&format!(".{EXTENSION}.part")) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `integrity_check` and the full journal verification of a snapshot file; returns its heads,
/// its number of journal entries and its schema version.
async fn check_snapshot(path: &Path) -> Result<(Vec<(String, i64, String)>, i64, i64)> {
    let bad = |d: String| problem(Problem::SnapshotBad(d));
    {
        let mut c = sqlite_at(path, true).await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check(1)").fetch_one(&mut c).await?;
        if integrity != "ok" {
            return Err(bad(integrity));
        }
        c.close().await?;
    }
    // The snapshot as a store of its own (in its own folder), to run the same verification
    // `storekeep journal verify` runs.
    let sk = Storekeep::open(
        path,
        crate::OpenOptions { check_journal_tail: false, ..Default::default() },
        std::sync::Arc::new(crate::SystemClock),
    )
    .await
    .map_err(|e| bad(e.to_string()))?;
    let v = sk.journal().verify().await;
    let heads = heads_of(sk.db().reader()).await;
    let schema: Result<i64> = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(sk.db().reader())
        .await
        .map_err(Error::from);
    sk.db().close().await;
    let v = v.map_err(|e| bad(e.to_string()))?;
    if let Some(p) = v.problem {
        return Err(bad(format!("register {} entry {}: {}", p.register_id, p.seq, p.what)));
    }
    Ok((heads?, v.entries, schema?))
}

async fn heads_of(db: &sqlx::SqlitePool) -> Result<Vec<(String, i64, String)>> {
    let rows: Vec<(String, i64, Vec<u8>)> =
        sqlx::query_as("SELECT register_id, seq, hash FROM journal_head ORDER BY register_id")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(r, s, h)| (r, s, hex::encode(h))).collect())
}

async fn sqlite_at(path: &Path, read_only: bool) -> Result<sqlx::SqliteConnection> {
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite:")
        .map_err(|e| Error::Storage(e.to_string()))?
        .filename(path)
        .read_only(read_only);
    Ok(opts.connect().await?)
}

/// What a restore found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where a damaged or replaced database was moved (never deleted).
    pub moved_aside: Option<String>,
}

/// A backup file found in a folder, as the restore flow lists it (its header only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FoundBackup {
    pub file: String,
    pub manifest: Manifest,
}

/// What the app's restore did, for the person who ran it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RestoreOutcome {
    pub restored: Restored,
    /// Registrations fetched from HQ after the backup (`None`: HQ not connected or not reached).
    #[ts(type = "number | null")]
    pub caught_up: Option<i64>,
    /// Why HQ could not be asked, when it could not.
    pub catch_up_problem: Option<crate::ApiError>,
    #[ts(type = "number")]
    pub entries: i64,
    /// The whole journal verified after the restore.
    pub verified: bool,
}

/// What to do with a database already in the data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse if it holds any registration (restore onto a fresh install).
    Refuse,
    /// Move it aside (a damaged store, or a manager's explicit choice).
    MoveAside,
}

/// Restores `backup` into `data_dir` with the manager's secret key. Nothing in the folder
/// changes until the decrypted database has passed its checks.
pub async fn restore(
    backup: &Path,
    key: &SecretKey,
    data_dir: &Path,
    existing: Existing,
    on: OnProgress<'_>,
) -> Result<Restored> {
    std::fs::create_dir_all(data_dir).map_err(io_at(data_dir))?;
    let db_path = data_dir.join(crate::paths::DATABASE_FILE);
    if existing == Existing::Refuse && holds_registrations(&db_path).await {
        return Err(problem(Problem::StoreExists));
    }
    let mut f = std::io::BufReader::with_capacity(CHUNK, std::fs::File::open(backup).map_err(io_at(backup))?);
    let (manifest, aad) = read_header(&mut f, backup)?;
    if manifest.key_fingerprint != key.public().fingerprint() {
        return Err(problem(Problem::WrongKey));
    }
    let eph: [u8; 32] = hex::decode(&manifest.ephemeral)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| problem(Problem::Damaged("its key agreement is unreadable".into())))?;
    let eph = x25519_dalek::PublicKey::from(eph);
    let shared = key.0.diffie_hellman(&eph);
    let cipher = session_key(shared.as_bytes(), eph.as_bytes(), key.public().0.as_bytes());

    // Decrypt beside the database, then check, then move into place.
    let restoring = data_dir.join(format!("{}.restoring", crate::paths::DATABASE_FILE));
    let _ = std::fs::remove_file(&restoring);
    let expected = manifest.database_bytes + 32;
    let (target, m) = (restoring.clone(), manifest.clone());
    let decrypted = tokio::task::spawn_blocking(move || -> Result<[u8; 32]> {
        let mut out =
            std::io::BufWriter::with_capacity(CHUNK, std::fs::File::create(&target).map_err(io_at(&target))?);
        let mut pepper = Vec::with_capacity(32);
        let mut h = Sha256::new();
        open_body(&cipher, &aad, &mut f, expected, "decrypt", on_static(), &mut |chunk| {
            let take = (32 - pepper.len()).min(chunk.len());
            pepper.extend_from_slice(&chunk[..take]);
            h.update(&chunk[take..]);
            out.write_all(&chunk[take..]).map_err(io_at(&target))
        })?;
        let file = out.into_inner().map_err(|e| io_at(&target)(e.into_error()))?;
        file.sync_all().map_err(io_at(&target))?;
        if hex::encode(h.finalize()) != m.database_sha256
            || file.metadata().map(|md| md.len()).ok() != Some(m.database_bytes)
        {
            return Err(problem(Problem::Damaged(
                "the database inside is not the one its header names".into(),
            )));
        }
        pepper.try_into().map_err(|_| problem(Problem::Damaged("its key file is missing".into())))
    });
    // Progress from the blocking thread: poll the file's size while it grows.
    let mut decrypted = decrypted;
    let pepper = loop {
        tokio::select! {
            r = &mut decrypted => break r.map_err(|e| Error::Storage(e.to_string())),
            () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                let done = std::fs::metadata(&restoring).map(|m| m.len()).unwrap_or(0);
                report(on, "decrypt", done, manifest.database_bytes);
            }
        }
    };
    let pepper = match pepper.and_then(|r| r) {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_file(&restoring);
            return Err(e);
        }
    };
    report(on, "decrypt", manifest.database_bytes, manifest.database_bytes);

    // The restored file: the quick check and the heads the header names.
    report(on, "check", 0, 1);
    let check = async {
        let mut c = sqlite_at(&restoring, true).await?;
        let quick: String = sqlx::query_scalar("PRAGMA quick_check(1)").fetch_one(&mut c).await?;
        let rows: Vec<(String, i64, Vec<u8>)> =
            sqlx::query_as("SELECT register_id, seq, hash FROM journal_head ORDER BY register_id")
                .fetch_all(&mut c)
                .await?;
        c.close().await?;
        let heads: Vec<(String, i64, String)> =
            rows.into_iter().map(|(r, s, h)| (r, s, hex::encode(h))).collect();
        if quick != "ok" {
            return Err(problem(Problem::Damaged(quick)));
        }
        if heads != manifest.heads {
            return Err(problem(Problem::Damaged("its journal does not end where its header says".into())));
        }
        Ok(())
    };
    if let Err(e) = check.await {
        let _ = std::fs::remove_file(&restoring);
        return Err(e);
    }
    report(on, "check", 1, 1);

    // Into place. The new pepper is written beside the old first; then what was there moves
    // aside (never deleted): the database with any -wal and -shm (even without the database: a
    // WAL left behind would be replayed into the restored file), and the old pepper; then the
    // restored database and its pepper take their names.
    report(on, "install", 0, 1);
    let pepper_path = data_dir.join(crate::staff::PEPPER_FILE);
    let new_pepper = data_dir.join(format!("{}.restoring", crate::staff::PEPPER_FILE));
    let _ = std::fs::remove_file(&new_pepper);
    crate::staff::write_private(&new_pepper, &pepper).map_err(io_at(&new_pepper))?;
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let aside = data_dir.join(format!("{}.replaced-{stamp}", crate::paths::DATABASE_FILE));
    let mut moved_aside = None;
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            std::fs::rename(&from, &to).map_err(io_at(&from))?;
            moved_aside = Some(aside.display().to_string());
        }
    }
    if pepper_path.exists() {
        let old = data_dir.join(format!("{}.replaced-{stamp}", crate::staff::PEPPER_FILE));
        std::fs::rename(&pepper_path, &old).map_err(io_at(&pepper_path))?;
    }
    std::fs::rename(&restoring, &db_path).map_err(io_at(&db_path))?;
    std::fs::rename(&new_pepper, &pepper_path).map_err(io_at(&pepper_path))?;
    sync_dir(data_dir);
    report(on, "install", 1, 1);
    Ok(Restored { manifest, moved_aside })
}

fn on_static() -> OnProgress<'static> {
    &|_| {}
}

/// Whether the database at `db_path` holds any registration (an unreadable one counts as
/// holding some: not a restore's to judge).
pub async fn holds_registrations(db_path: &Path) -> bool {
    if !db_path.exists() {
        return false;
    }
    let Ok(mut c) = sqlite_at(db_path, true).await else {
        // Unreadable: not a store anyone can lose by a restore... but not ours to judge
        // either: treat it as holding data.
        return true;
    };
    let n: std::result::Result<i64, _> =
        sqlx::query_scalar("SELECT COUNT(*) FROM journal").fetch_one(&mut c).await;
    let _ = c.close().await;
    match n {
        Ok(n) => n > 0,
        // No journal table: an empty file or one that never got past creation.
        Err(sqlx::Error::Database(e)) if e.message().contains("no such table") => false,
        Err(_) => true,
    }
}

/// Records the restore in the restored store's audit log (the person is whoever held the
/// backup key; there may be no staff session yet).
pub async fn record_restore(
    sk: &Storekeep,
    from: &Path,
    restored: &Restored,
    caught_up: Option<i64>,
    hq_skipped: bool,
    reason: &str,
) -> Result<()> {
    // Connected to HQ and not caught up (unless the manager chose to go on without HQ):
    // nothing may be registered until it is (HQ holds sequence numbers this journal has not
    // seen yet).
    let pending = caught_up.is_none() && !hq_skipped && sk.sync().link().await?.is_some();
    let mut tx = sk.db().begin_write().await?;
    if pending {
        sqlx::query("INSERT INTO setting (key, value) VALUES (?, 'true') ON CONFLICT (key) DO UPDATE SET value = 'true'")
            .bind(CATCH_UP_PENDING)
            .execute(&mut *tx)
            .await?;
    }
    let mut audit = AuditRecord::new(
        sk.clock().now(),
        None,
        "backup.restored",
        format!("backup {} of {}", from.display(), restored.manifest.created_at),
        Outcome::Done,
    );
    audit.new_value = Some(format!(
        "{} registrations from the backup{}{}",
        restored.manifest.entries,
        match (caught_up, pending) {
            (Some(n), _) => format!(", {n} caught up from HQ"),
            (None, true) => ", HQ not reached: nothing may be registered until the catch-up".to_string(),
            (None, false) if hq_skipped =>
                ", HQ not asked (the manager chose to go on without it)".to_string(),
            (None, false) => ", HQ not asked".to_string(),
        },
        restored.moved_aside.as_ref().map_or(String::new(), |p| format!("; the old database is kept at {p}"))
    ));
    audit.reason = Some(reason.to_string());
    crate::audit::append_in(&mut tx, &audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a backup whenever one is due (every `every_minutes`) or a Z report was taken
/// ([`Storekeep::backup_signal`]), until the process ends. Failures are logged and recorded,
/// and tried again at the next turn.
pub async fn run(sk: Storekeep) {
    loop {
        let config = sk.backups().config().await.ok().flatten();
        let wait = match &config {
            Some(c) if c.every_minutes > 0 => {
                let last: Option<String> = sqlx::query_scalar(
                    "SELECT created_at FROM backup_log WHERE problem IS NULL ORDER BY id DESC LIMIT 1",
                )
                .fetch_optional(sk.db().reader())
                .await
                .ok()
                .flatten();
                let every = i64::from(c.every_minutes) * 60;
                let since = last
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .map_or(i64::MAX, |t| sk.clock().now().as_second() - t.as_second());
                // A last backup "in the future" (the clock was set back) is due now.
                if since >= every || since < 0 {
                    match sk.backups().create(None, "scheduled", &|_| {}).await {
                        Ok(_) => every,
                        Err(e) => {
                            tracing::warn!("scheduled backup failed: {e}");
                            // Try again sooner than the schedule (a USB stick put back).
                            every.min(300)
                        }
                    }
                } else {
                    (every - since).max(1)
                }
            }
            _ => 3600,
        };
        let z = tokio::select! {
            () = sk.backup_signal().notified() => true,
            () = tokio::time::sleep(std::time::Duration::from_secs(wait as u64)) => false,
        };
        if z && let Some(reason) = sk.take_backup_reason()
            && let Err(e) = sk.backups().create(None, &reason, &|_| {}).await
        {
            tracing::warn!("backup after {reason} failed: {e}");
        }
    }
}
