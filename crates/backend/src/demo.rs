//! The demo store: a plausible Swedish grocery catalog, generated deterministically so that
//! every demo machine, test and screenshot sees the same codes and prices.
//!
//! Article numbers use Swedish GS1 prefixes (730–739) with valid check digits; weighed goods
//! use variable-measure codes 23 (weight) and deli goods 20 (price), stored with the value
//! digits zeroed as the catalog expects.

use serde::{Deserialize, Serialize};
use sqlx::{Row, Sqlite, Transaction};
use storekeep_domain::Money;
use storekeep_domain::barcode::with_check_digit;
use storekeep_domain::cart::SoldBy;
use storekeep_domain::staff::Role;
use storekeep_domain::store::StoreIdentity;
use storekeep_domain::vat::VatCategory;
use ts_rs::TS;

use crate::Storekeep;
use crate::catalog::{NewItem, insert_items_in};
use crate::error::Result;

pub fn identity() -> StoreIdentity {
    StoreIdentity::new("Demobutiken Storekeep AB", "559412-3456", "Storgatan 1, 753 20 Uppsala", "KASSA-01")
        .expect("the demo identity is valid")
}

/// A code a person can type in the demo, with what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DemoItem {
    pub code: String,
    pub name: String,
    pub price: Money,
    pub sold_by: SoldBy,
}

const BRANDS: [&str; 12] = [
    "Gårdsmejeriet",
    "Norrfjäll",
    "Solvik",
    "Bergslagens",
    "Havsbris",
    "Lantköket",
    "Ängsgården",
    "Fjällbrand",
    "Östkusten",
    "Vikinga",
    "Skogsbacken",
    "Sjöbo",
];

/// (name, VAT category, lowest price in öre, price spread in öre)
const GOODS: [(&str, VatCategory, i64, i64); 60] = [
    ("Mellanmjölk 1,5 %", VatCategory::Food, 1390, 600),
    ("Standardmjölk 3 %", VatCategory::Food, 1490, 600),
    ("Filmjölk", VatCategory::Food, 1690, 700),
    ("Yoghurt naturell", VatCategory::Food, 2190, 900),
    ("Smör normalsaltat", VatCategory::Food, 5490, 2000),
    ("Hushållsost", VatCategory::Food, 8990, 4000),
    ("Grädde 36 %", VatCategory::Food, 2290, 800),
    ("Ägg 12-pack", VatCategory::Food, 4290, 1500),
    ("Knäckebröd", VatCategory::Food, 2490, 1000),
    ("Rågbröd skivat", VatCategory::Food, 3190, 1000),
    ("Havregryn", VatCategory::Food, 2190, 800),
    ("Pasta penne", VatCategory::Food, 1890, 900),
    ("Jasminris", VatCategory::Food, 3490, 1500),
    ("Krossade tomater", VatCategory::Food, 1290, 500),
    ("Kaffe mellanrost", VatCategory::Food, 6990, 3000),
    ("Te Earl Grey", VatCategory::Food, 3490, 1500),
    ("Apelsinjuice", VatCategory::Food, 2990, 1200),
    ("Lingonsylt", VatCategory::Food, 3290, 1200),
    ("Köttbullar", VatCategory::Food, 5990, 2500),
    ("Fiskpinnar", VatCategory::Food, 4490, 1500),
    ("Falukorv", VatCategory::Food, 3290, 1500),
    ("Leverpastej", VatCategory::Food, 1990, 800),
    ("Kaviar mild", VatCategory::Food, 3190, 1000),
    ("Inlagd sill", VatCategory::Food, 3990, 1500),
    ("Mjukt tunnbröd", VatCategory::Food, 2790, 1000),
    ("Pannkaksmix", VatCategory::Food, 2490, 800),
    ("Vetemjöl", VatCategory::Food, 1990, 600),
    ("Strösocker", VatCategory::Food, 2290, 600),
    ("Rapsolja", VatCategory::Food, 3490, 1200),
    ("Ketchup", VatCategory::Food, 2790, 1000),
    ("Senap skånsk", VatCategory::Food, 2490, 900),
    ("Chips havssalt", VatCategory::Food, 2990, 1000),
    ("Mörk choklad 70 %", VatCategory::Food, 2990, 1500),
    ("Mineralvatten", VatCategory::Food, 1290, 700),
    ("Julmust", VatCategory::Food, 2190, 800),
    ("Frysta ärtor", VatCategory::Food, 2490, 900),
    ("Blåbär frysta", VatCategory::Food, 4490, 1800),
    ("Potatismos pulver", VatCategory::Food, 2190, 700),
    ("Tonfisk i vatten", VatCategory::Food, 1990, 800),
    ("Kokosmjölk", VatCategory::Food, 1890, 600),
    ("Müsli", VatCategory::Food, 3990, 1500),
    ("Barnmat puré", VatCategory::Food, 1690, 500),
    ("Diskmedel", VatCategory::Standard, 2490, 1500),
    ("Tvättmedel", VatCategory::Standard, 8990, 4000),
    ("Toalettpapper 8-p", VatCategory::Standard, 4990, 2500),
    ("Hushållspapper 4-p", VatCategory::Standard, 3990, 2000),
    ("Tandkräm", VatCategory::Standard, 2990, 1500),
    ("Schampo", VatCategory::Standard, 3990, 2500),
    ("Batterier AA 4-p", VatCategory::Standard, 5990, 3000),
    ("Folköl 3,5 %", VatCategory::Standard, 1490, 800),
    ("Värmeljus 30-p", VatCategory::Standard, 3990, 2000),
    ("Soppåsar", VatCategory::Standard, 2490, 1000),
    ("Plåster", VatCategory::Standard, 3490, 1500),
    ("Tändstickor", VatCategory::Standard, 1290, 500),
    ("Kvällstidning", VatCategory::BooksPress, 2500, 500),
    ("Morgontidning", VatCategory::BooksPress, 3500, 1000),
    ("Korsordsmagasin", VatCategory::BooksPress, 4990, 2000),
    ("Trädgårdsmagasin", VatCategory::BooksPress, 8990, 3000),
    ("Pocketbok deckare", VatCategory::BooksPress, 11900, 4000),
    ("Barnbok pekbok", VatCategory::BooksPress, 9900, 5000),
];

const SIZES: [&str; 3] = ["", "stor", "eko"];

/// Weighed goods sold by the kilo from a scale label (prefix 23: weight in grams).
const WEIGHED: [(&str, i64); 12] = [
    ("Äpple Ingrid Marie", 2990),
    ("Banan", 2490),
    ("Tomat", 3990),
    ("Potatis fast", 1490),
    ("Gul lök", 1690),
    ("Morötter", 1290),
    ("Päron Conference", 3490),
    ("Apelsin", 2790),
    ("Lösgodis", 9900),
    ("Räkor kokta", 19900),
    ("Prästost bit", 15900),
    ("Champinjoner", 6990),
];

/// Deli goods priced at the counter (prefix 20: price in öre on the label).
const LABELLED: [(&str, i64); 6] = [
    ("Smörgåstårta bit", 6500),
    ("Kycklingsallad", 5900),
    ("Skinka deli", 4500),
    ("Laxfilé deli", 8900),
    ("Potatissallad", 3500),
    ("Kanelbulle bageri", 1500),
];

/// splitmix64: a tiny, well-known deterministic generator; enough for plausible prices.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Rounds öre to a shelf price ending in 0 or 5 öre … typically x,90 or x,50.
fn shelf_price(low: i64, spread: i64, seed: u64) -> Money {
    let raw = low + (mix(seed) % spread.max(1) as u64) as i64;
    let kr = raw / 100;
    let ore = if mix(seed ^ 0xABCD).is_multiple_of(3) { 50 } else { 90 };
    Money::from_ore(kr * 100 + ore)
}

/// The demo catalog: 12 brands × 60 goods × 3 variants = 2,160 articles, plus 18 weighed and
/// labelled deli items.
pub fn catalog() -> Vec<NewItem> {
    let mut items = Vec::with_capacity(2200);
    for (b, brand) in BRANDS.iter().enumerate() {
        for (g, (good, vat, low, spread)) in GOODS.iter().enumerate() {
            for (s, size) in SIZES.iter().enumerate() {
                // 73 + brand digit (0–9, then 0–1 again with another company number)
                // + 5-digit company number + 4-digit item number + check digit.
                let prefix_digit = b % 10;
                let company = 10_000 + b * 811;
                let item = g * 10 + s;
                let code = with_check_digit(&format!("73{prefix_digit}{company:05}{item:04}"));
                let name = if size.is_empty() {
                    format!("{brand} {good}")
                } else {
                    format!("{brand} {good} {size}")
                };
                let seed = (b as u64) << 32 | (g as u64) << 8 | s as u64;
                let price = shelf_price(*low + s as i64 * 500, *spread, seed);
                items.push(NewItem {
                    code: Some(code),
                    plu: None,
                    name,
                    price,
                    sold_by: SoldBy::Each,
                    vat_category: *vat,
                });
            }
        }
    }
    for (i, (name, per_kg)) in WEIGHED.iter().enumerate() {
        items.push(NewItem {
            code: Some(weighed_lookup_code(i)),
            plu: Some(WEIGHED_PLU[i].to_string()),
            name: name.to_string(),
            price: Money::from_ore(*per_kg),
            sold_by: SoldBy::Weight,
            vat_category: VatCategory::Food,
        });
    }
    for (i, (name, reference)) in LABELLED.iter().enumerate() {
        items.push(NewItem {
            code: Some(labelled_lookup_code(i)),
            plu: None,
            name: name.to_string(),
            price: Money::from_ore(*reference),
            sold_by: SoldBy::LabelPrice,
            vat_category: VatCategory::Food,
        });
    }
    for (i, (name, price)) in BAKERY.iter().enumerate() {
        items.push(NewItem {
            code: None,
            plu: Some(format!("{}", 101 + i)),
            name: name.to_string(),
            price: Money::from_ore(*price),
            sold_by: SoldBy::Each,
            vat_category: VatCategory::Food,
        });
    }
    items
}

/// PLU numbers for the weighed items, in `WEIGHED` order (the IFPS numbers where one exists:
/// 4011 is a banana in every store in the world).
const WEIGHED_PLU: [u32; 12] = [4131, 4011, 4064, 4062, 4046, 4078, 4086, 4082, 4048, 4030, 4053, 4959];

/// Loose bakery goods: sold by the piece, found by PLU or name (no barcode).
const BAKERY: [(&str, i64); 6] = [
    ("Kanelbulle", 1500),
    ("Kardemummabulle", 1600),
    ("Frallor ljusa", 600),
    ("Surdegsbröd", 4900),
    ("Wienerbröd", 1900),
    ("Chokladboll", 1200),
];

/// Gift vouchers in the demo store: codes and values.
pub const VOUCHERS: [(&str, i64); 3] = [("PRESENT-100", 100), ("PRESENT-250", 250), ("PRESENT-500", 500)];

fn weighed_lookup_code(i: usize) -> String {
    with_check_digit(&format!("23{:06}0000", 100 + i))
}

fn labelled_lookup_code(i: usize) -> String {
    with_check_digit(&format!("20{:06}0000", 500 + i))
}

/// The demo store's staff and their PINs. Shown on the demo screen, and only in demo mode.
pub const STAFF: [(&str, Role, &str); 3] = [
    ("Anna Lind", Role::Manager, "1111"),
    ("Erik Berg", Role::Cashier, "2222"),
    ("Bakkontoret", Role::Kiosk, "3333"),
];

/// A demo person and PIN, for the demo screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DemoStaff {
    pub name: String,
    pub role: Role,
    pub pin: String,
}

pub fn demo_staff() -> Vec<DemoStaff> {
    STAFF
        .iter()
        .map(|(name, role, pin)| DemoStaff { name: name.to_string(), role: *role, pin: pin.to_string() })
        .collect()
}

pub(crate) async fn seed_staff(sk: &Storekeep) -> Result<()> {
    let (name, _, pin) = STAFF[0];
    let manager = sk.staff().create_first_manager(name, pin).await?.actor();
    for (name, role, pin) in &STAFF[1..] {
        sk.staff().create(&manager, name, *role, pin).await?;
    }
    Ok(())
}

pub(crate) async fn seed_catalog_in(tx: &mut Transaction<'static, Sqlite>, now: &str) -> Result<()> {
    insert_items_in(tx, &catalog()).await?;
    for (code, kronor) in VOUCHERS {
        sqlx::query("INSERT INTO voucher (code, value, issued_at) VALUES (?, ?, ?)")
            .bind(code)
            .bind(Money::from_kronor(kronor).to_string())
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Codes shown on the demo screen: a few articles, and full scale labels for a weighed and a
/// deli item so a person can try variable-measure codes.
pub async fn demo_items(sk: &Storekeep) -> Result<Vec<DemoItem>> {
    let rows = sqlx::query(
        "SELECT code, name, price, sold_by FROM product WHERE sold_by = 'each' AND code IS NOT NULL ORDER BY id LIMIT 6",
    )
    .fetch_all(sk.db().reader())
    .await?;
    let mut items = rows
        .iter()
        .map(|r| {
            let price = Money::parse(r.get(2)).map_err(|_| {
                crate::Error::Inconsistent(format!("demo item {} has a bad price", r.get::<&str, _>(0)))
            })?;
            Ok(DemoItem { code: r.get(0), name: r.get(1), price, sold_by: SoldBy::Each })
        })
        .collect::<Result<Vec<_>>>()?;
    // Banana, 1,234 kg; smörgåstårta at 65,00 kr.
    let banana = with_check_digit(&format!("23{:06}1234", 101));
    let cake = with_check_digit(&format!("20{:06}6500", 500));
    items.push(DemoItem {
        code: banana,
        name: "Banan 1,234 kg".into(),
        price: Money::from_ore(2490),
        sold_by: SoldBy::Weight,
    });
    items.push(DemoItem {
        code: cake,
        name: "Smörgåstårta bit (etikett)".into(),
        price: Money::from_ore(6500),
        sold_by: SoldBy::LabelPrice,
    });
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use storekeep_domain::barcode::{Scan, parse};

    #[test]
    fn catalog_is_large_valid_unique_and_deterministic() {
        let items = catalog();
        assert!(items.len() >= 2000, "{} items", items.len());
        let coded: Vec<_> = items.iter().filter_map(|i| i.code.as_ref().map(|c| (c, i))).collect();
        assert_eq!(
            coded.iter().map(|(c, _)| c).collect::<HashSet<_>>().len(),
            coded.len(),
            "codes are unique"
        );
        let plus: Vec<_> = items.iter().filter_map(|i| i.plu.as_ref()).collect();
        assert_eq!(plus.iter().collect::<HashSet<_>>().len(), plus.len(), "PLUs are unique");
        assert!(items.iter().all(|i| i.code.is_some() || i.plu.is_some()));
        for (code, item) in coded {
            let scan = parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            match item.sold_by {
                SoldBy::Each => {
                    assert!(matches!(scan, Scan::Article { .. }));
                    let prefix: u32 = code[..3].parse().unwrap();
                    assert!((730..=739).contains(&prefix), "{code} has a Swedish prefix");
                }
                _ => {
                    assert!(matches!(scan, Scan::VariableMeasure { ref lookup, .. } if lookup == code))
                }
            }
            assert!(!item.price.is_negative() && !item.price.is_zero());
        }
        assert_eq!(catalog()[1234].code, items[1234].code);
        assert_eq!(catalog()[1234].price, items[1234].price);
        for cat in [VatCategory::Food, VatCategory::Standard, VatCategory::BooksPress] {
            assert!(items.iter().any(|i| i.vat_category == cat));
        }
    }
}
