//! HQ for a chain of stores (issue 9, first part): each store sends its journal in batches; HQ
//! applies each batch in one transaction, keyed by (store, register, sequence), so a duplicate
//! is skipped and a key with other content is refused loudly; it checks every entry's hash and
//! the chain as it receives it, and flags a break. A store authenticates with its own token and
//! can only ever write or read its own registrations: the store id comes from the token, never
//! from the request.
//!
//! HQ also seals catalog, config and command bundles for its stores (`bundles`), which each
//! store fetches with its token and checks against the key it pinned, and keeps what each store
//! last reported of itself for the fleet view (`fleet`), which only HQ's own people see (the
//! admin token).

pub mod bundles;
pub mod fleet;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::collections::HashMap;

use storekeep_domain::journal::{GENESIS, Hash};
use storekeep_domain::sync::{BATCH_FORMAT, Batch, BatchReceipt};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The largest batch HQ takes in one request.
pub const MAX_BATCH: usize = 5_000;

/// How many sealed backups HQ keeps per store.
pub const BACKUPS_KEPT: i64 = 3;
/// The first bytes of a Storekeep backup file (crates/backend/src/backup.rs).
const BACKUP_MAGIC: &[u8] = b"STOREKEEP-BACKUP/1\n";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no store has this token")]
    Unauthorized,
    #[error("the batch is not valid: {0}")]
    BadBatch(String),
    #[error(
        "register {register_id} sequence {seq} differs from what HQ already holds: refused, nothing of the batch was stored"
    )]
    Conflict { register_id: String, seq: i64 },
    #[error("HQ does not hold register {register_id} sequence {missing} yet: send the entries in order")]
    Gap { register_id: String, missing: i64 },
    #[error("this needs HQ's admin token")]
    AdminOnly,
    #[error("the bundle is not valid: {0}")]
    BadBundle(String),
    #[error("the report is not valid: {0}")]
    BadReport(String),
    #[error("no such bundle for this store")]
    NoBundle,
    #[error("that is not a Storekeep backup file")]
    BadBackup,
    #[error("no such backup for this store")]
    NoBackup,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = match &self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::AdminOnly => {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(
                        axum::http::header::WWW_AUTHENTICATE,
                        r#"Basic realm="Storekeep HQ", charset="UTF-8""#,
                    )],
                    self.to_string(),
                )
                    .into_response();
            }
            Error::BadBatch(_) | Error::BadBundle(_) | Error::BadReport(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Error::NoBundle | Error::NoBackup => StatusCode::NOT_FOUND,
            Error::BadBackup => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } | Error::Gap { .. } => StatusCode::CONFLICT,
            Error::Db(e) => {
                tracing::error!("database: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(serde_json::json!({ "error": self.to_string() }))).into_response()
    }
}

/// A batch's new rows, column by column (inserted with one statement).
#[derive(Debug, Default)]
struct NewRows {
    register: Vec<String>,
    seq: Vec<i64>,
    kind: Vec<String>,
    recorded_at: Vec<String>,
    payload: Vec<String>,
    prev: Vec<Vec<u8>>,
    hash: Vec<Vec<u8>>,
}

impl NewRows {
    fn push(&mut self, e: &storekeep_domain::sync::WireEntry, prev: Hash, own: Hash) {
        self.register.push(e.register_id.clone());
        self.seq.push(e.seq);
        self.kind.push(e.kind.clone());
        self.recorded_at.push(e.recorded_at.clone());
        self.payload.push(e.payload.clone());
        self.prev.push(prev.to_vec());
        self.hash.push(own.to_vec());
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct Hq {
    pool: PgPool,
    /// SHA-256 of the token HQ's own people use for the fleet view; `None`: the view is off.
    admin_sha256: Option<String>,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Hq {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Hq> {
        let pool = PgPoolOptions::new().max_connections(max_connections).connect(url).await?;
        MIGRATOR.run(&pool).await.map_err(sqlx::Error::from)?;
        Ok(Hq { pool, admin_sha256: None })
    }

    /// Turns the fleet view on for whoever holds `token` (HTTP Basic, any user name, the token
    /// as the password; or `Bearer`).
    pub fn with_admin_token(mut self, token: &str) -> Hq {
        self.admin_sha256 = Some(token_hash(token.trim()));
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Enrols a store; returns its token (shown once: only its SHA-256 is kept).
    pub async fn enrol(&self, id: &str, name: &str) -> Result<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::BadBatch(format!("no randomness: {e}")))?;
        let token = hex::encode(bytes);
        sqlx::query("INSERT INTO store (id, name, token_sha256) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(token_hash(&token))
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    /// The store a token belongs to.
    pub async fn store_for(&self, token: &str) -> Result<String> {
        sqlx::query_scalar("SELECT id FROM store WHERE token_sha256 = $1")
            .bind(token_hash(token))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::Unauthorized)
    }

    /// Applies a batch from `store_id` in one transaction: every entry's hash checked first;
    /// each new key stored, a duplicate skipped, a key with other content refused (and the
    /// whole batch with it); the chain checked against what HQ holds, a break flagged. Batches
    /// of one store take turns (the store's row is locked), so the chain check never races.
    pub async fn ingest(&self, store_id: &str, batch: &Batch) -> Result<BatchReceipt> {
        if batch.format != BATCH_FORMAT {
            return Err(Error::BadBatch(format!("format {:?}, expected {BATCH_FORMAT}", batch.format)));
        }
        if batch.entries.len() > MAX_BATCH {
            return Err(Error::BadBatch(format!(
                "{} entries; at most {MAX_BATCH} a batch",
                batch.entries.len()
            )));
        }
        for e in &batch.entries {
            if e.seq < 1 || !e.hash_checks() {
                return Err(Error::BadBatch(format!(
                    "register {} sequence {}: the hash is not the hash of the entry",
                    e.register_id, e.seq
                )));
            }
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM store WHERE id = $1 FOR UPDATE")
            .bind(store_id)
            .fetch_one(&mut *tx)
            .await?;
        // What HQ holds of every key in the batch and of the key before each: one query.
        let (mut regs, mut seqs) = (Vec::new(), Vec::new());
        for e in &batch.entries {
            regs.push(e.register_id.clone());
            seqs.push(e.seq);
            regs.push(e.register_id.clone());
            seqs.push(e.seq - 1);
        }
        let held: HashMap<(String, i64), Vec<u8>> = sqlx::query_as::<_, (String, i64, Vec<u8>)>(
            "SELECT r.register_id, r.seq, r.hash FROM registration r
             JOIN UNNEST($2::text[], $3::bigint[]) AS k(register_id, seq)
               ON r.register_id = k.register_id AND r.seq = k.seq
             WHERE r.store_id = $1",
        )
        .bind(store_id)
        .bind(&regs)
        .bind(&seqs)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(register, seq, hash)| ((register, seq), hash))
        .collect();
        // Walk the batch in order against that and against what this batch adds.
        let mut added: HashMap<(&str, i64), Hash> = HashMap::new();
        let mut new = NewRows::default();
        let (mut duplicates, mut breaks) = (0u64, Vec::new());
        for e in &batch.entries {
            let (prev, own) = (e.prev().map_err(Error::BadBatch)?, e.own().map_err(Error::BadBatch)?);
            let key = (e.register_id.as_str(), e.seq);
            let already = held
                .get(&(e.register_id.clone(), e.seq))
                .map(Vec::as_slice)
                .or(added.get(&key).map(|h| h.as_slice()));
            if let Some(already) = already {
                if already == own.as_slice() {
                    duplicates += 1;
                    continue;
                }
                tracing::error!(store_id, register = %e.register_id, seq = e.seq, "a registration differs from the one held");
                return Err(Error::Conflict { register_id: e.register_id.clone(), seq: e.seq });
            }
            let before: Option<&[u8]> = if e.seq == 1 {
                Some(GENESIS.as_slice())
            } else {
                held.get(&(e.register_id.clone(), e.seq - 1))
                    .map(Vec::as_slice)
                    .or(added.get(&(e.register_id.as_str(), e.seq - 1)).map(|h| h.as_slice()))
            };
            let Some(before) = before else {
                return Err(Error::Gap { register_id: e.register_id.clone(), missing: e.seq - 1 });
            };
            if before != prev.as_slice() {
                tracing::warn!(store_id, register = %e.register_id, seq = e.seq, "the store's hash chain breaks here");
                breaks.push((e.register_id.clone(), e.seq));
            }
            added.insert(key, own);
            new.push(e, prev, own);
        }
        let stored = new.register.len() as u64;
        sqlx::query(
            "INSERT INTO registration (store_id, register_id, seq, kind, recorded_at, payload, prev_hash, hash)
             SELECT $1, * FROM UNNEST($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::bytea[])",
        )
        .bind(store_id)
        .bind(&new.register)
        .bind(&new.seq)
        .bind(&new.kind)
        .bind(&new.recorded_at)
        .bind(&new.payload)
        .bind(&new.prev)
        .bind(&new.hash)
        .execute(&mut *tx)
        .await?;
        for (register_id, seq) in &breaks {
            sqlx::query(
                "INSERT INTO chain_break (store_id, register_id, seq, detail) VALUES ($1, $2, $3, $4)",
            )
            .bind(store_id)
            .bind(register_id)
            .bind(seq)
            .bind("prev_hash is not the hash of the entry before it")
            .execute(&mut *tx)
            .await?;
        }
        let breaks = breaks.len() as u64;
        sqlx::query("UPDATE store SET held = held + $2, last_batch_at = now() WHERE id = $1")
            .bind(store_id)
            .bind(stored as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(BatchReceipt { stored, duplicates, breaks, heads: self.heads(store_id).await? })
    }

    /// The last sequence HQ holds for each of the store's registers.
    pub async fn heads(&self, store_id: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            // A skip scan of the primary key: one index probe a register, however many rows
            // the store has (a GROUP BY would read them all, at every batch).
            "WITH RECURSIVE regs(register_id) AS (
                 (SELECT register_id FROM registration WHERE store_id = $1 ORDER BY register_id LIMIT 1)
                 UNION ALL
                 SELECT (SELECT r.register_id FROM registration r
                         WHERE r.store_id = $1 AND r.register_id > regs.register_id ORDER BY r.register_id LIMIT 1)
                 FROM regs WHERE regs.register_id IS NOT NULL)
             SELECT register_id,
                    (SELECT MAX(seq) FROM registration r WHERE r.store_id = $1 AND r.register_id = regs.register_id)
             FROM regs WHERE register_id IS NOT NULL ORDER BY register_id",
        )
        .bind(store_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The store's registrations on one register after `after`, in order, at most `limit`:
    /// what a store restored from an older backup catches up (issue 10).
    pub async fn registrations_after(
        &self,
        store_id: &str,
        register_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<storekeep_domain::sync::WireEntry>> {
        let rows = sqlx::query(
            "SELECT register_id, seq, kind, recorded_at, payload, prev_hash, hash FROM registration
             WHERE store_id = $1 AND register_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
        )
        .bind(store_id)
        .bind(register_id)
        .bind(after)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| storekeep_domain::sync::WireEntry {
                register_id: r.get(0),
                seq: r.get(1),
                kind: r.get(2),
                recorded_at: r.get(3),
                payload: r.get(4),
                prev_hash: hex::encode(r.get::<Vec<u8>, _>(5)),
                hash: hex::encode(r.get::<Vec<u8>, _>(6)),
            })
            .collect())
    }

    /// Keeps a store's sealed backup (HQ cannot open it), and only the newest
    /// [`BACKUPS_KEPT`] of that store. Returns its id.
    pub async fn keep_backup(&self, store_id: &str, body: &[u8]) -> Result<i64> {
        if !body.starts_with(BACKUP_MAGIC) {
            return Err(Error::BadBackup);
        }
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO store_backup (store_id, bytes, body) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(store_id)
        .bind(body.len() as i64)
        .bind(body)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM store_backup WHERE store_id = $1 AND id NOT IN
               (SELECT id FROM store_backup WHERE store_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(store_id)
        .bind(BACKUPS_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The store's backups at HQ, newest first: (id, received, bytes).
    pub async fn backups(&self, store_id: &str) -> Result<Vec<(i64, String, i64)>> {
        let rows = sqlx::query(
            "SELECT id, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), bytes
             FROM store_backup WHERE store_id = $1 ORDER BY id DESC",
        )
        .bind(store_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    pub async fn backup(&self, store_id: &str, id: i64) -> Result<Vec<u8>> {
        sqlx::query_scalar("SELECT body FROM store_backup WHERE store_id = $1 AND id = $2")
            .bind(store_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NoBackup)
    }

    /// How many registrations HQ holds for a store.
    pub async fn count(&self, store_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM registration WHERE store_id = $1")
            .bind(store_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Breaks flagged in a store's chain.
    pub async fn breaks(&self, store_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM chain_break WHERE store_id = $1")
            .bind(store_id)
            .fetch_one(&self.pool)
            .await?)
    }
}

async fn authenticated(hq: &Hq, headers: &HeaderMap) -> Result<String> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(Error::Unauthorized)?;
    hq.store_for(token.trim()).await
}

/// HQ's own people: the admin token as a bearer token or as HTTP Basic's password.
fn admin(hq: &Hq, headers: &HeaderMap) -> Result<()> {
    use base64::Engine as _;
    let expected = hq.admin_sha256.as_deref().ok_or(Error::AdminOnly)?;
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(Error::AdminOnly)?;
    let token = if let Some(t) = value.strip_prefix("Bearer ") {
        t.trim().to_string()
    } else if let Some(b) = value.strip_prefix("Basic ") {
        let decoded =
            base64::engine::general_purpose::STANDARD.decode(b.trim()).map_err(|_| Error::AdminOnly)?;
        let text = String::from_utf8(decoded).map_err(|_| Error::AdminOnly)?;
        text.split_once(':').map(|(_, p)| p.to_string()).ok_or(Error::AdminOnly)?
    } else {
        return Err(Error::AdminOnly);
    };
    // Hashes of equal length compared whole: the time taken says nothing of the token.
    let given = token_hash(&token);
    let same = given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(Error::AdminOnly) }
}

async fn post_journal(
    State(hq): State<Hq>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<BatchReceipt>> {
    let store = authenticated(&hq, &headers).await?;
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| Error::BadBatch(e.to_string()))?;
    Ok(Json(hq.ingest(&store, &batch).await?))
}

async fn get_heads(State(hq): State<Hq>, headers: HeaderMap) -> Result<Json<Vec<(String, i64)>>> {
    let store = authenticated(&hq, &headers).await?;
    Ok(Json(hq.heads(&store).await?))
}

#[derive(Debug, serde::Deserialize)]
struct Since {
    register: String,
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    2_000
}

/// `GET /v1/journal?register=R&after=N&limit=L`: the caller's own registrations, for a
/// restored store to catch up.
async fn get_journal(
    State(hq): State<Hq>,
    headers: HeaderMap,
    Query(q): Query<Since>,
) -> Result<Json<Vec<storekeep_domain::sync::WireEntry>>> {
    let store = authenticated(&hq, &headers).await?;
    Ok(Json(hq.registrations_after(&store, &q.register, q.after, q.limit).await?))
}

async fn post_backup(State(hq): State<Hq>, headers: HeaderMap, body: axum::body::Bytes) -> Result<Json<i64>> {
    let store = authenticated(&hq, &headers).await?;
    Ok(Json(hq.keep_backup(&store, &body).await?))
}

async fn get_backups(State(hq): State<Hq>, headers: HeaderMap) -> Result<Json<Vec<(i64, String, i64)>>> {
    let store = authenticated(&hq, &headers).await?;
    Ok(Json(hq.backups(&store).await?))
}

async fn get_backup(State(hq): State<Hq>, headers: HeaderMap, Path(id): Path<i64>) -> Result<Response> {
    let store = authenticated(&hq, &headers).await?;
    let bytes = hq.backup(&store, id).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

async fn post_report(
    State(hq): State<Hq>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode> {
    let store = authenticated(&hq, &headers).await?;
    hq.report(&store, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
struct After {
    #[serde(default)]
    after: i64,
}

async fn get_bundles(
    State(hq): State<Hq>,
    headers: HeaderMap,
    Query(q): Query<After>,
) -> Result<Json<Vec<storekeep_domain::sync::BundleRef>>> {
    let store = authenticated(&hq, &headers).await?;
    hq.counter_at_least(&store, q.after).await?;
    Ok(Json(hq.bundles_after(&store, q.after).await?))
}

async fn get_bundle(State(hq): State<Hq>, headers: HeaderMap, Path(counter): Path<i64>) -> Result<Response> {
    let store = authenticated(&hq, &headers).await?;
    let bytes = hq.bundle(&store, counter).await?.ok_or(Error::NoBundle)?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

async fn get_fleet(State(hq): State<Hq>, headers: HeaderMap) -> Result<Json<Vec<fleet::FleetRow>>> {
    admin(&hq, &headers)?;
    Ok(Json(hq.fleet().await?))
}

async fn get_fleet_page(State(hq): State<Hq>, headers: HeaderMap) -> Result<Response> {
    admin(&hq, &headers)?;
    let page = fleet::page(&hq.fleet().await?, hq.now().await?);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response())
}

/// The stores' routes (their token): `POST /v1/journal` (a batch), `GET /v1/journal?register=R&after=N`
/// (their own registrations back, to catch up after a restore), `GET /v1/heads` (what HQ
/// holds of the caller's store), `POST /v1/report` (the store's report of itself),
/// `GET /v1/bundles?after=N` and `GET /v1/bundles/{counter}` (the caller's signed bundles),
/// `POST /v1/backups`, `GET /v1/backups` and `GET /v1/backups/{id}` (the caller's sealed backups).
/// HQ's people (the admin token): `GET /fleet` (the page) and `GET /v1/fleet` (JSON).
/// `GET /health` for probes.
pub fn router(hq: Hq) -> Router {
    Router::new()
        .route("/v1/journal", post(post_journal).get(get_journal))
        .route("/v1/heads", get(get_heads))
        .route("/v1/report", post(post_report))
        // A sealed backup may be large: its own limit (1 GiB, what a PostgreSQL bytea holds).
        .route(
            "/v1/backups",
            post(post_backup).get(get_backups).layer(axum::extract::DefaultBodyLimit::max(1 << 30)),
        )
        .route("/v1/backups/{id}", get(get_backup))
        .route("/v1/bundles", get(get_bundles))
        .route("/v1/bundles/{counter}", get(get_bundle))
        .route("/v1/fleet", get(get_fleet))
        .route("/fleet", get(get_fleet_page))
        .route("/health", get(|| async { "ok" }))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(hq)
}
