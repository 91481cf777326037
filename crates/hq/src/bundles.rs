//! Signed bundles for the stores: HQ seals a catalog, a config or a command for each store it
//! is meant for (`storekeep-signed/1`, ed25519, the store's id and its next counter in the
//! signed header) and keeps it as sealed; a store fetches its own with its token and checks the
//! signature against the key it pinned. HQ never has to be trusted with more than handing the
//! bytes out: a bundle altered at HQ or on the way is refused by the store.

use ed25519_dalek::SigningKey;
use jiff::{SignedDuration, Timestamp};
use storekeep_domain::envelope::{Envelope, Header, Kind, MAX_BODY};
use storekeep_domain::sync::BundleRef;

use crate::{Error, Hq, Result};

/// What to publish.
#[derive(Debug, Clone)]
pub struct Publish<'a> {
    pub kind: Kind,
    pub body: &'a [u8],
    /// Who at HQ, and why (kept with each bundle).
    pub by: &'a str,
    pub reason: &'a str,
    pub expires_in: SignedDuration,
}

/// One bundle sealed for one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub store_id: String,
    pub counter: i64,
}

/// Checks what a bundle carries before anything is sealed: the store checks it again, whole,
/// before applying it.
fn check_body(kind: Kind, body: &[u8]) -> Result<()> {
    if body.is_empty() || body.len() > MAX_BODY - 4096 {
        return Err(Error::BadBundle(format!(
            "{} bytes; from 1 byte to {} KiB",
            body.len(),
            (MAX_BODY - 4096) / 1024
        )));
    }
    match kind {
        Kind::Command | Kind::Config => {
            let value: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| Error::BadBundle(format!("a {} is JSON: {e}", kind.as_str())))?;
            if !value.is_object() {
                return Err(Error::BadBundle(format!("a {} is a JSON object", kind.as_str())));
            }
        }
        Kind::Catalog => {
            std::str::from_utf8(body).map_err(|_| Error::BadBundle("a catalog file is UTF-8 text".into()))?;
        }
    }
    Ok(())
}

impl Hq {
    /// Seals `what` for each store in `stores` (every store if empty) with its next counter, in
    /// one transaction: all are published, or none.
    pub async fn publish(
        &self,
        key: &SigningKey,
        stores: &[String],
        what: &Publish<'_>,
    ) -> Result<Vec<Published>> {
        check_body(what.kind, what.body)?;
        if what.expires_in <= SignedDuration::ZERO {
            return Err(Error::BadBundle("a bundle must expire in the future".into()));
        }
        if what.reason.trim().is_empty() || what.by.trim().is_empty() {
            return Err(Error::BadBundle("who publishes it, and why, are needed".into()));
        }
        let expires = Timestamp::now()
            .checked_add(what.expires_in)
            .map_err(|e| Error::BadBundle(format!("expiry: {e}")))?;
        // Whole seconds: the envelope carries one spelling of the time.
        let expires =
            Timestamp::from_second(expires.as_second()).map_err(|e| Error::BadBundle(e.to_string()))?;
        let mut tx = self.pool().begin().await?;
        // In one order, each once: two publishes lock the stores' rows in the same order.
        let targets: Vec<String> = if stores.is_empty() {
            sqlx::query_scalar("SELECT id FROM store ORDER BY id").fetch_all(&mut *tx).await?
        } else {
            let mut named = stores.to_vec();
            named.sort();
            named.dedup();
            named
        };
        let mut out = Vec::with_capacity(targets.len());
        for store_id in targets {
            let counter: Option<i64> = sqlx::query_scalar(
                "UPDATE store SET last_counter = last_counter + 1 WHERE id = $1 RETURNING last_counter",
            )
            .bind(&store_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(counter) = counter else {
                return Err(Error::BadBundle(format!("HQ has no store {store_id:?}: nothing was published")));
            };
            let header =
                Header { store_id: store_id.clone(), counter: counter as u64, expires, kind: what.kind };
            let sealed = Envelope::seal(&header, what.body, key);
            sqlx::query(
                "INSERT INTO bundle (store_id, counter, kind, envelope, expires_at, published_by, reason)
                 VALUES ($1, $2, $3, $4, to_timestamp($5), $6, $7)",
            )
            .bind(&store_id)
            .bind(counter)
            .bind(what.kind.as_str())
            .bind(&sealed)
            .bind(expires.as_second() as f64)
            .bind(what.by.trim())
            .bind(what.reason.trim())
            .execute(&mut *tx)
            .await?;
            out.push(Published { store_id, counter });
        }
        tx.commit().await?;
        tracing::info!(kind = what.kind.as_str(), stores = out.len(), by = what.by, "bundle published");
        Ok(out)
    }

    /// The store's bundles after `after`, oldest first (at most 100).
    pub async fn bundles_after(&self, store_id: &str, after: i64) -> Result<Vec<BundleRef>> {
        let rows: Vec<(i64, String, i32)> = sqlx::query_as(
            "SELECT counter, kind, length(envelope) FROM bundle WHERE store_id = $1 AND counter > $2 ORDER BY counter LIMIT 100",
        )
        .bind(store_id)
        .bind(after)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(counter, kind, size)| BundleRef { counter, kind, size: size.into() })
            .collect())
    }

    /// One of the store's bundles as sealed; `None` if the store has no bundle `counter`
    /// (another store's bundle is not the asker's, whatever its counter).
    pub async fn bundle(&self, store_id: &str, counter: i64) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT envelope FROM bundle WHERE store_id = $1 AND counter = $2")
            .bind(store_id)
            .bind(counter)
            .fetch_optional(self.pool())
            .await?)
    }
}
