//! The catalog: items looked up by code, and the VAT rate table.

use jiff::civil::Date;
use rust_decimal::Decimal;
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::cart::{CatalogItem, SoldBy};
use storekeep_domain::vat::{VatCategory, VatPeriod, VatTable};

use crate::Storekeep;
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Catalog<'a> {
    sk: &'a Storekeep,
}

/// A new item for the catalog (demo seed now, imports later).
#[derive(Debug, Clone)]
pub struct NewItem {
    pub code: String,
    pub name: String,
    pub price: Money,
    pub sold_by: SoldBy,
    pub vat_category: VatCategory,
}

impl<'a> Catalog<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Catalog { sk }
    }

    /// The item stored under `code` (see `migrations/` for what a code is).
    pub async fn by_code(&self, code: &str) -> Result<CatalogItem> {
        let row =
            sqlx::query("SELECT id, code, name, price, sold_by, vat_category FROM product WHERE code = ?")
                .bind(code)
                .fetch_optional(self.sk.db().reader())
                .await?;
        let row = row.ok_or_else(|| Error::UnknownProduct(code.to_string()))?;
        item_from_row(&row)
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM product").fetch_one(self.sk.db().reader()).await?)
    }

    /// The VAT table as stored; validated so that no category has two rates on one day.
    pub async fn vat_table(&self) -> Result<VatTable> {
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
}

/// Inserts items inside the caller's transaction; a duplicate code fails the whole batch.
pub async fn insert_items_in(tx: &mut Transaction<'static, Sqlite>, items: &[NewItem]) -> Result<()> {
    for item in items {
        sqlx::query("INSERT INTO product (code, name, price, sold_by, vat_category) VALUES (?, ?, ?, ?, ?)")
            .bind(&item.code)
            .bind(&item.name)
            .bind(item.price.to_string())
            .bind(item.sold_by.as_str())
            .bind(item.vat_category.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn item_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<CatalogItem> {
    let bad = |what: &str| Error::Inconsistent(format!("catalog item {} has {what}", row.get::<i64, _>(0)));
    Ok(CatalogItem {
        id: row.get(0),
        code: row.get(1),
        name: row.get(2),
        price: Money::parse(row.get(3)).map_err(|_| bad("a price that is not an amount"))?,
        sold_by: SoldBy::parse(row.get(4)).ok_or_else(|| bad("an unknown unit"))?,
        vat_category: VatCategory::parse(row.get(5)).ok_or_else(|| bad("an unknown VAT category"))?,
    })
}
