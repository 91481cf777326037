//! The store's SQLite database: one writer, a pool of readers, migrations at start.
//!
//! Durability: WAL with `synchronous=FULL`, so a commit is on disk before the till says
//! "paid". Every write goes through the single writer connection and starts with
//! `BEGIN IMMEDIATE`, so a read-then-write transaction (the next receipt number, the previous
//! hash) can never be overtaken by another writer.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// How long a write waits for another process's lock before giving up with [`Error::Locked`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct Db {
    writer: SqlitePool,
    reader: SqlitePool,
    path: PathBuf,
}

impl Db {
    /// Opens (creating if missing) the database at `path`, checks it, and migrates it.
    pub async fn open(path: &Path, busy_timeout: Duration, check_journal_tail: bool) -> Result<Db> {
        let display = path.display().to_string();
        check_header(path)?;
        let base = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| Error::Storage(e.to_string()))?
            .filename(path)
            .busy_timeout(busy_timeout)
            .foreign_keys(true);
        let writer_opts = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // Keep the WAL bounded: truncate it back to 64 MiB after a checkpoint.
            .pragma("journal_size_limit", "67108864");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(writer_opts)
            .await
            .map_err(|e| with_path(e.into(), &display))?;

        let integrity: String = sqlx::query_scalar("PRAGMA quick_check(1)")
            .fetch_one(&writer)
            .await
            .map_err(|e| with_path(e.into(), &display))?;
        if integrity != "ok" {
            return Err(Error::Corrupt { path: display, detail: integrity });
        }
        refuse_newer_schema(&writer).await?;
        MIGRATOR.run(&writer).await.map_err(|e| with_path(e.into(), &display))?;
        crate::journal::backfill_tallies(&writer).await.map_err(|e| with_path(e, &display))?;
        if check_journal_tail && let Err(detail) = crate::journal::check_tail(&writer).await {
            return Err(Error::Corrupt { path: display, detail });
        }

        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            // 32 MiB of page cache per reader: `journal verify` and reports walk large tables.
            .connect_with(base.read_only(true).pragma("cache_size", "-32768"))
            .await
            .map_err(|e| with_path(e.into(), &display))?;
        Ok(Db { writer, reader, path: path.to_path_buf() })
    }

    /// Starts a write transaction holding the database's write lock from its first statement.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        match self.writer.begin_with("BEGIN IMMEDIATE").await {
            Err(sqlx::Error::InvalidSavePointStatement) => {
                // A write that failed half-way (a full disk: SQLite rolled the transaction back
                // by itself, so the driver's ROLLBACK failed) left the connection believing a
                // transaction is still open. Drop that connection; the pool opens a fresh one.
                tracing::warn!("the write connection was left inside a failed transaction: reopening it");
                let stale = self.writer.acquire().await?;
                drop(stale.detach());
                Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            other => Ok(other?),
        }
    }

    /// The one writer connection, for single-statement writes outside a registration.
    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A read-only connection of its own, outside the pool: for long scans (`journal verify`)
    /// that must not hold the pool's connections.
    pub async fn read_connection(&self) -> Result<sqlx::SqliteConnection> {
        use sqlx::ConnectOptions;
        let opts = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| Error::Storage(e.to_string()))?
            .filename(&self.path)
            .read_only(true)
            .busy_timeout(std::time::Duration::from_secs(5))
            // Let the SQLite thread run ahead of the reader: a long scan hands rows over in
            // bursts rather than one wake-up each.
            .row_buffer_size(4096)
            .pragma("cache_size", "-32768");
        Ok(opts.connect().await?)
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// A file that exists but is not SQLite gets a clear message before SQLite is asked.
fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut head = [0u8; 16];
    match f.read(&mut head) {
        Ok(0) => Ok(()),
        Ok(n) if n == 16 && &head == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(Error::Corrupt {
            path: path.display().to_string(),
            detail: "it is not a SQLite database".into(),
        }),
        Err(e) => Err(Error::Storage(format!("{}: {e}", path.display()))),
    }
}

async fn refuse_newer_schema(writer: &SqlitePool) -> Result<()> {
    let has_table: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(writer)
    .await?;
    if has_table.is_none() {
        return Ok(());
    }
    let found: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(writer).await?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > known => Err(Error::TooNew { found, known }),
        _ => Ok(()),
    }
}

fn with_path(e: Error, path: &str) -> Error {
    match e {
        Error::Corrupt { detail, .. } => Error::Corrupt { path: path.to_string(), detail },
        other => other,
    }
}
