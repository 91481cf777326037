//! HQ for a chain of stores (issue 9, first part): each store sends its journal in batches; HQ
//! applies each batch in one transaction, keyed by (store, register, sequence), so a duplicate
//! is skipped and a key with other content is refused loudly; it checks every entry's hash and
//! the chain as it receives it, and flags a break. A store authenticates with its own token and
//! can only ever write or read its own registrations: the store id comes from the token, never
//! from the request.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use storekeep_domain::journal::GENESIS;
use storekeep_domain::sync::{BATCH_FORMAT, Batch, BatchReceipt};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The largest batch HQ takes in one request.
pub const MAX_BATCH: usize = 5_000;

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
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = match &self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::BadBatch(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } | Error::Gap { .. } => StatusCode::CONFLICT,
            Error::Db(e) => {
                tracing::error!("database: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(serde_json::json!({ "error": self.to_string() }))).into_response()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct Hq {
    pool: PgPool,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Hq {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Hq> {
        let pool = PgPoolOptions::new().max_connections(max_connections).connect(url).await?;
        MIGRATOR.run(&pool).await.map_err(sqlx::Error::from)?;
        Ok(Hq { pool })
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
        let (mut stored, mut duplicates, mut breaks) = (0u64, 0u64, 0u64);
        for e in &batch.entries {
            let (prev, own) = (e.prev().map_err(Error::BadBatch)?, e.own().map_err(Error::BadBatch)?);
            let held: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT hash FROM registration WHERE store_id = $1 AND register_id = $2 AND seq = $3",
            )
            .bind(store_id)
            .bind(&e.register_id)
            .bind(e.seq)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(held) = held {
                if held.as_slice() == own.as_slice() {
                    duplicates += 1;
                    continue;
                }
                tracing::error!(store_id, register = %e.register_id, seq = e.seq, "a registration differs from the one held");
                return Err(Error::Conflict { register_id: e.register_id.clone(), seq: e.seq });
            }
            let before: Option<Vec<u8>> = if e.seq == 1 {
                Some(GENESIS.to_vec())
            } else {
                sqlx::query_scalar(
                    "SELECT hash FROM registration WHERE store_id = $1 AND register_id = $2 AND seq = $3",
                )
                .bind(store_id)
                .bind(&e.register_id)
                .bind(e.seq - 1)
                .fetch_optional(&mut *tx)
                .await?
            };
            let Some(before) = before else {
                return Err(Error::Gap { register_id: e.register_id.clone(), missing: e.seq - 1 });
            };
            if before.as_slice() != prev.as_slice() {
                breaks += 1;
                tracing::warn!(store_id, register = %e.register_id, seq = e.seq, "the store's hash chain breaks here");
                sqlx::query(
                    "INSERT INTO chain_break (store_id, register_id, seq, detail) VALUES ($1, $2, $3, $4)",
                )
                .bind(store_id)
                .bind(&e.register_id)
                .bind(e.seq)
                .bind("prev_hash is not the hash of the entry before it")
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO registration (store_id, register_id, seq, kind, recorded_at, payload, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(store_id)
            .bind(&e.register_id)
            .bind(e.seq)
            .bind(&e.kind)
            .bind(&e.recorded_at)
            .bind(&e.payload)
            .bind(prev.as_slice())
            .bind(own.as_slice())
            .execute(&mut *tx)
            .await?;
            stored += 1;
        }
        tx.commit().await?;
        Ok(BatchReceipt { stored, duplicates, breaks, heads: self.heads(store_id).await? })
    }

    /// The last sequence HQ holds for each of the store's registers.
    pub async fn heads(&self, store_id: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT register_id, MAX(seq) FROM registration WHERE store_id = $1 GROUP BY register_id ORDER BY register_id",
        )
        .bind(store_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
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

/// `POST /v1/journal` (a batch), `GET /v1/heads` (what HQ holds of the caller's store),
/// `GET /health`.
pub fn router(hq: Hq) -> Router {
    Router::new()
        .route("/v1/journal", post(post_journal))
        .route("/v1/heads", get(get_heads))
        .route("/health", get(|| async { "ok" }))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(hq)
}
