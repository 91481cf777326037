//! Price-file imports (all or nothing, journaled), PLU and name search.
#![allow(clippy::unwrap_used)]

mod common;

use common::{count, demo_store, logged_in, logged_in_as};
use storekeep_backend::ErrorCode;
use storekeep_domain::Money;
use storekeep_domain::barcode::with_check_digit;

const HEADER: &str = "code;plu;name;price;sold_by;vat_category\n";

#[tokio::test]
async fn an_import_adds_and_changes_items_and_journals_old_and_new() {
    let t = demo_store().await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let before = count(&t.sk, "product").await;
    let milk = common::articles(1).remove(0);
    let new_code = with_check_digit("731111111111");
    let file = format!(
        "{HEADER}{new_code};;Havredryck 1 l;21,90;each;food\n;777;Lussekatt;14,00;each;food\n{};;Gårdsmejeriet Mellanmjölk 1,5 %;21,50;each;food\n",
        milk.0
    );
    let report = manager.import_catalog("prices.csv", file.as_bytes()).await.unwrap();
    assert!(report.applied, "{report:?}");
    assert_eq!((report.rows, report.added, report.changed, report.unchanged), (3, 2, 1, 0));
    assert_eq!(count(&t.sk, "product").await, before + 2);
    assert_eq!(t.sk.catalog().by_code(&milk.0).await.unwrap().price, Money::from_ore(2150));

    let payload: String = sqlx::query_scalar("SELECT payload FROM journal WHERE kind = 'catalog_change'")
        .fetch_one(t.sk.db().reader())
        .await
        .unwrap();
    let change: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(change["by"]["name"], "Anna Lind");
    assert_eq!(change["source"], "prices.csv");
    let price = change["changes"].as_array().unwrap().iter().find(|c| c["field"] == "price").unwrap();
    assert_eq!(price["old"], milk.1.to_string());
    assert_eq!(price["new"], "21.50");
    assert!(t.sk.journal().verify().await.unwrap().problem.is_none());

    // The same file again changes nothing and journals nothing.
    let again = manager.import_catalog("prices.csv", file.as_bytes()).await.unwrap();
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 3));
    assert_eq!(count(&t.sk, "journal WHERE kind = 'catalog_change'").await, 1);

    // New items are found and sold at once.
    assert_eq!(manager.search("lussekatt").await.unwrap()[0].plu.as_deref(), Some("777"));
    let receipt = {
        manager.scan(&milk.0).await.unwrap();
        manager.pay_cash("100").await.unwrap()
    };
    assert_eq!(receipt.total, Money::from_ore(2150));
}

#[tokio::test]
async fn a_file_with_any_bad_row_changes_nothing_and_names_every_bad_row() {
    let t = demo_store().await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let before = count(&t.sk, "product").await;
    let file = format!(
        "{HEADER}{};;Bra vara;10,00;each;food\n7310000000000;;Fel kontrollsiffra;10,00;each;food\n;101;Kanelbulle;5;each;food\n;;Ingen kod;tio;each;food\n",
        with_check_digit("731111111112")
    );
    let report = manager.import_catalog("prices.csv", file.as_bytes()).await.unwrap();
    assert!(!report.applied);
    let rows: Vec<usize> = report.errors.iter().map(|e| e.row).collect();
    assert!(rows.contains(&3) && rows.contains(&5), "{rows:?}");
    assert_eq!(count(&t.sk, "product").await, before, "nothing half-applied");
    // The PLU clash is found against the catalog once the file itself is clean.
    let clash = format!("{HEADER}{};101;Tar en annans PLU;5;each;food\n", with_check_digit("731111111114"));
    let report = manager.import_catalog("prices.csv", clash.as_bytes()).await.unwrap();
    assert!(!report.applied);
    assert!(report.errors[0].message.contains("Kanelbulle"), "{:?}", report.errors);
    assert!(report.errors[0].message_sv.contains("tillhör redan"));
    assert_eq!(count(&t.sk, "journal WHERE kind = 'catalog_change'").await, 0);

    let broken = manager.import_catalog("prices.json", b"[{\"code\": ").await.unwrap();
    assert!(!broken.applied && broken.errors[0].row == 0);

    let cashier = logged_in(&t.sk).await;
    let err = cashier.import_catalog("prices.csv", file.as_bytes()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAllowed);
}

#[tokio::test]
async fn json_price_files_import_too() {
    let t = demo_store().await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let json = format!(
        r#"{{"items": [{{"code": "{}", "name": "Julmust 1,4 l", "price": "24.90", "sold_by": "each", "vat_category": "food"}},
                      {{"plu": "4999", "name": "Clementiner", "price": "34.90", "sold_by": "weight", "vat_category": "food"}}]}}"#,
        with_check_digit("731111111113")
    );
    let report = manager.import_catalog("prices.json", json.as_bytes()).await.unwrap();
    assert!(report.applied && report.added == 2, "{report:?}");
}

#[tokio::test]
async fn search_finds_by_plu_and_by_name_sensibly_ranked() {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    assert_eq!(till.search("4011").await.unwrap()[0].name, "Banan");
    let buns: Vec<String> = till.search("bulle").await.unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(buns[..2], ["Kanelbulle", "Kardemummabulle"], "shortest names first among equals");
    let milk = till.search("mellanmjölk").await.unwrap();
    assert!(!milk.is_empty() && milk.iter().all(|i| i.name.to_lowercase().contains("mellanmjölk")));
    assert!(till.search("zzzz").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_hundred_thousand_row_price_file_imports() {
    let t = demo_store().await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let mut file = String::from(HEADER);
    for i in 0..100_000u64 {
        let code = with_check_digit(&format!("7329{i:08}"));
        file.push_str(&format!("{code};;Vara {i} {};{},{:02};each;standard\n", i % 97, 5 + i % 300, i % 100));
    }
    let report = manager.import_catalog("big.csv", file.as_bytes()).await.unwrap();
    assert!(report.applied, "{:?}", &report.errors[..report.errors.len().min(3)]);
    assert_eq!(report.added, 100_000);
    let hits = manager.search("vara 4242").await.unwrap();
    assert!(hits.iter().any(|i| i.name.starts_with("Vara 4242 ")), "found in the big catalog");
}

#[tokio::test]
async fn two_rows_that_match_one_item_are_refused() {
    let t = demo_store().await;
    let manager = logged_in_as(&t.sk, "Anna Lind", "1111").await;
    let banana = t.sk.catalog().search("4011", 1).await.unwrap().remove(0);
    let code = banana.code.clone().unwrap();
    // Row 2 finds the banana by its code, row 3 by its PLU.
    let file = format!("{HEADER}{code};;Banan A;20,00;weight;food\n;4011;Banan B;21,00;weight;food\n");
    let report = manager.import_catalog("prices.csv", file.as_bytes()).await.unwrap();
    assert!(!report.applied);
    assert_eq!(report.errors[0].row, 3);
    assert!(report.errors[0].message.contains("row 2"), "{:?}", report.errors);
    assert_eq!(t.sk.catalog().by_id(banana.id).await.unwrap().name, "Banan");
}
