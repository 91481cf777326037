//! The catalog: items looked up by code or PLU, found by name, imported from price files; and
//! the VAT rate table.
//!
//! Every change to an item's price or texts is a journal registration (kind `catalog_change`)
//! naming who, when, and each old and new value, written in the transaction that changes it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::cart::{CatalogItem, SoldBy};
pub use storekeep_domain::catalog_file::NewItem;
use storekeep_domain::catalog_file::{self, Format, PriceRow, RowError};
use storekeep_domain::journal::EntryKind;
use storekeep_domain::search::SearchIndex;
use storekeep_domain::staff::StaffRef;
use storekeep_domain::vat::{VatCategory, VatPeriod, VatTable};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

const ITEM_COLUMNS: &str = "SELECT id, code, plu, name, price, sold_by, vat_category FROM product";

#[derive(Debug)]
pub struct Catalog<'a> {
    sk: &'a Storekeep,
}

/// The in-memory search index and the catalog revision it was built from.
#[derive(Debug, Default)]
pub(crate) struct SearchCache(Mutex<Option<(i64, Arc<SearchIndex>)>>);

/// What an import did, or (with `applied: false`) why it changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub applied: bool,
    #[ts(type = "number")]
    pub rows: usize,
    #[ts(type = "number")]
    pub added: usize,
    #[ts(type = "number")]
    pub changed: usize,
    #[ts(type = "number")]
    pub unchanged: usize,
    /// Every bad row (capped at [`MAX_REPORTED_ERRORS`]; `error_count` has them all).
    pub errors: Vec<RowError>,
    #[ts(type = "number")]
    pub error_count: usize,
    /// The journal entry that records the changes.
    #[ts(type = "number | null")]
    pub journal_seq: Option<i64>,
}

pub const MAX_REPORTED_ERRORS: usize = 200;

/// One field of an item as it was and as it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub item: String,
    pub field: String,
    pub old: Option<String>,
    pub new: String,
}

/// The journal payload of a catalog change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogChange {
    pub register_id: String,
    pub at: jiff::Timestamp,
    pub by: StaffRef,
    pub source: String,
    pub changes: Vec<FieldChange>,
}

impl<'a> Catalog<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Catalog { sk }
    }

    /// The item stored under `code` (see `migrations/` for what a code is).
    pub async fn by_code(&self, code: &str) -> Result<CatalogItem> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{ITEM_COLUMNS} WHERE code = ?")))
            .bind(code)
            .fetch_optional(self.sk.db().reader())
            .await?;
        item_from_row(&row.ok_or_else(|| Error::UnknownProduct(code.to_string()))?)
    }

    pub async fn by_id(&self, id: i64) -> Result<CatalogItem> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{ITEM_COLUMNS} WHERE id = ?")))
            .bind(id)
            .fetch_optional(self.sk.db().reader())
            .await?;
        item_from_row(&row.ok_or_else(|| Error::UnknownProduct(format!("#{id}")))?)
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM product").fetch_one(self.sk.db().reader()).await?)
    }

    /// Items by PLU or name as typed, best first (see `storekeep_domain::search`).
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<CatalogItem>> {
        Ok(self.index().await?.search(query, limit))
    }

    /// The search index, rebuilt when the catalog revision moved (in this or another process).
    async fn index(&self) -> Result<Arc<SearchIndex>> {
        let revision: i64 = sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1")
            .fetch_one(self.sk.db().reader())
            .await?;
        let cache = &self.sk.search_cache().0;
        if let Some((rev, index)) = cache.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
            && *rev == revision
        {
            return Ok(index.clone());
        }
        let rows = sqlx::query(ITEM_COLUMNS).fetch_all(self.sk.db().reader()).await?;
        let items = rows.iter().map(item_from_row).collect::<Result<Vec<_>>>()?;
        let index = Arc::new(SearchIndex::new(items));
        *cache.lock().unwrap_or_else(|p| p.into_inner()) = Some((revision, index.clone()));
        Ok(index)
    }

    /// The VAT table, read once per process: rates are data that change with a migration (a
    /// new program version), never while the till runs.
    pub async fn vat_table(&self) -> Result<Arc<VatTable>> {
        if let Some(t) = self.sk.vat_cache().get() {
            return Ok(t.clone());
        }
        let table = Arc::new(self.read_vat_table().await?);
        Ok(self.sk.vat_cache().get_or_init(|| table).clone())
    }

    /// The VAT table as stored; validated so that no category has two rates on one day.
    pub async fn read_vat_table(&self) -> Result<VatTable> {
        let rows = sqlx::query("SELECT category, rate_percent, valid_from, valid_to FROM vat_rate")
            .fetch_all(self.sk.db().reader())
            .await?;
        let bad = |what: &str| Error::Inconsistent(format!("the VAT table has {what}"));
        let periods = rows
            .iter()
            .map(|r| {
                let category = VatCategory::parse(r.get(0)).ok_or_else(|| bad("an unknown category"))?;
                let rate_percent: Decimal =
                    r.get::<&str, _>(1).parse().map_err(|_| bad("a rate that is not a number"))?;
                let date = |s: &str| s.parse::<Date>().map_err(|_| bad("a date that is not a date"));
                let valid_from = date(r.get(2))?;
                let valid_to = r.get::<Option<&str>, _>(3).map(date).transpose()?;
                Ok(VatPeriod { category, rate_percent, valid_from, valid_to })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(VatTable::new(periods)?)
    }

    /// Imports a price file: all of it, or (when any row is bad) nothing, with every bad row in
    /// the report. Items are matched by code, or by PLU when a row has no code; items not in
    /// the file stay as they are. Managers only; the change is journaled and audited.
    pub async fn import(&self, by: &Actor, source: &str, bytes: &[u8]) -> Result<ImportReport> {
        self.sk.staff().authorize(by, storekeep_domain::staff::Action::ManageCatalog, None, source).await?;
        let rejected = |rows: usize, errors: Vec<RowError>| {
            let error_count = errors.len();
            let errors = errors.into_iter().take(MAX_REPORTED_ERRORS).collect();
            ImportReport {
                applied: false,
                rows,
                added: 0,
                changed: 0,
                unchanged: 0,
                errors,
                error_count,
                journal_seq: None,
            }
        };
        let rows = match catalog_file::parse(bytes, Format::from_name(source)) {
            Ok(rows) => rows,
            Err(errors) => return Ok(rejected(0, errors)),
        };
        let identity = self.sk.require_identity().await?;
        let now = self.sk.clock().now();

        let mut tx = self.sk.db().begin_write().await?;
        let existing = sqlx::query(ITEM_COLUMNS).fetch_all(&mut *tx).await?;
        let existing = existing.iter().map(item_from_row).collect::<Result<Vec<_>>>()?;
        let by_code: HashMap<&str, &CatalogItem> =
            existing.iter().filter_map(|i| i.code.as_deref().map(|c| (c, i))).collect();
        let by_plu: HashMap<&str, &CatalogItem> =
            existing.iter().filter_map(|i| i.plu.as_deref().map(|p| (p, i))).collect();

        let mut errors = Vec::new();
        let mut inserts: Vec<&NewItem> = Vec::new();
        let mut updates: Vec<(i64, &NewItem)> = Vec::new();
        let mut changes = Vec::new();
        let mut unchanged = 0;
        let mut matched: HashMap<i64, usize> = HashMap::new();
        for PriceRow { row: line, item: row } in &rows {
            let line = *line;
            let found = match (&row.code, &row.plu) {
                (Some(code), _) => by_code.get(code.as_str()).copied(),
                (None, Some(plu)) => by_plu.get(plu.as_str()).copied(),
                (None, None) => None,
            };
            if let Some(plu) = &row.plu
                && let Some(owner) = by_plu.get(plu.as_str())
                && found.is_none_or(|f| f.id != owner.id)
            {
                errors.push(RowError::new(
                    line,
                    Some("plu"),
                    format!("The PLU {plu} already belongs to \"{}\"", owner.name),
                    format!("PLU {plu} tillhör redan \"{}\"", owner.name),
                ));
                continue;
            }
            if let Some(item) = found
                && let Some(first) = matched.insert(item.id, line)
            {
                errors.push(RowError::new(
                    line,
                    None,
                    format!(
                        "This row and row {first} both match \"{}\" (one by code, one by PLU)",
                        item.name
                    ),
                    format!(
                        "Den här raden och rad {first} matchar båda \"{}\" (en på kod, en på PLU)",
                        item.name
                    ),
                ));
                continue;
            }
            match found {
                None => {
                    inserts.push(row);
                    changes.push(FieldChange {
                        item: item_key(row.code.as_deref(), row.plu.as_deref()),
                        field: "new".into(),
                        old: None,
                        new: format!(
                            "{} | {} | {} | {}",
                            row.name,
                            row.price,
                            row.sold_by.as_str(),
                            row.vat_category.as_str()
                        ),
                    });
                }
                Some(old) => {
                    let before = changes.len();
                    let key = item_key(old.code.as_deref(), old.plu.as_deref());
                    let mut diff = |field: &str, old: Option<String>, new: Option<String>| {
                        if old != new {
                            changes.push(FieldChange {
                                item: key.clone(),
                                field: field.into(),
                                old,
                                new: new.unwrap_or_default(),
                            });
                        }
                    };
                    diff("name", Some(old.name.clone()), Some(row.name.clone()));
                    diff("price", Some(old.price.to_string()), Some(row.price.to_string()));
                    diff("sold_by", Some(old.sold_by.as_str().into()), Some(row.sold_by.as_str().into()));
                    diff(
                        "vat_category",
                        Some(old.vat_category.as_str().into()),
                        Some(row.vat_category.as_str().into()),
                    );
                    if row.plu.is_some() {
                        diff("plu", old.plu.clone(), row.plu.clone());
                    }
                    if changes.len() > before {
                        updates.push((old.id, row));
                    } else {
                        unchanged += 1;
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Ok(rejected(rows.len(), errors));
        }

        insert_batched_in(&mut tx, &inserts).await?;
        for (id, row) in &updates {
            sqlx::query(
                "UPDATE product SET plu = COALESCE(?, plu), name = ?, price = ?, sold_by = ?, vat_category = ? WHERE id = ?",
            )
            .bind(&row.plu)
            .bind(&row.name)
            .bind(row.price.to_string())
            .bind(row.sold_by.as_str())
            .bind(row.vat_category.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let (added, changed) = (inserts.len(), updates.len());
        let journal_seq = if changes.is_empty() {
            None
        } else {
            let change = CatalogChange {
                register_id: identity.register_id.clone(),
                at: now,
                by: StaffRef { id: by.id, name: by.name.clone() },
                source: source.to_string(),
                changes,
            };
            let payload = serde_json::to_string(&change).map_err(|e| Error::Storage(e.to_string()))?;
            let seq = crate::journal::append_in(
                &mut tx,
                &identity.register_id,
                EntryKind::CatalogChange,
                &now.to_string(),
                &payload,
            )
            .await?;
            bump_revision_in(&mut tx).await?;
            Some(seq)
        };
        let mut record =
            AuditRecord::new(now, Some(by.clone()), "catalog.import", source.to_string(), Outcome::Done);
        record.new_value = Some(format!("{added} added, {changed} changed, {unchanged} unchanged"));
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        tracing::info!(source, added, changed, unchanged, "price file imported");
        Ok(ImportReport {
            applied: true,
            rows: rows.len(),
            added,
            changed,
            unchanged,
            errors: Vec::new(),
            error_count: 0,
            journal_seq,
        })
    }
}

fn item_key(code: Option<&str>, plu: Option<&str>) -> String {
    match (code, plu) {
        (Some(c), _) => c.to_string(),
        (None, Some(p)) => format!("PLU {p}"),
        (None, None) => String::new(),
    }
}

/// Tells search indexes (in every process) that the catalog changed.
pub(crate) async fn bump_revision_in(tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
    sqlx::query("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts items inside the caller's transaction; a duplicate code fails the whole batch.
pub async fn insert_items_in(tx: &mut Transaction<'static, Sqlite>, items: &[NewItem]) -> Result<()> {
    insert_batched_in(tx, &items.iter().collect::<Vec<_>>()).await?;
    bump_revision_in(tx).await
}

/// Many rows per INSERT statement: a 100,000-item price file is 200 statements, not 100,000
/// round trips to the database thread.
async fn insert_batched_in(tx: &mut Transaction<'static, Sqlite>, items: &[&NewItem]) -> Result<()> {
    const ROWS: usize = 500; // 6 parameters each: well under SQLite's 32,766
    for chunk in items.chunks(ROWS) {
        let mut sql =
            String::from("INSERT INTO product (code, plu, name, price, sold_by, vat_category) VALUES ");
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "(?, ?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?, ?)" });
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for item in chunk {
            query = query
                .bind(item.code.clone())
                .bind(item.plu.clone())
                .bind(item.name.clone())
                .bind(item.price.to_string())
                .bind(item.sold_by.as_str())
                .bind(item.vat_category.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

fn item_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<CatalogItem> {
    let bad = |what: &str| Error::Inconsistent(format!("catalog item {} has {what}", row.get::<i64, _>(0)));
    Ok(CatalogItem {
        id: row.get(0),
        code: row.get(1),
        plu: row.get(2),
        name: row.get(3),
        price: Money::parse(row.get(4)).map_err(|_| bad("a price that is not an amount"))?,
        sold_by: SoldBy::parse(row.get(5)).ok_or_else(|| bad("an unknown unit"))?,
        vat_category: VatCategory::parse(row.get(6)).ok_or_else(|| bad("an unknown VAT category"))?,
    })
}
