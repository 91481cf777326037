//! Snapshot tests (insta) of every receipt kind and both day reports, the size rule for marks
//! on paper, and the PDF read back by an independent reader (`pdftotext`).
#![allow(clippy::unwrap_used)]

use jiff::civil::date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use storekeep_domain::Money;
use storekeep_domain::cart::{Cart, CatalogItem, Discount, DiscountKind, Measure, SoldBy};
use storekeep_domain::control::Control;
use storekeep_domain::escpos;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::receipt_doc;
use storekeep_domain::report::{DayReport, GrandTotals, ReportKind};
use storekeep_domain::returns::{Return, ReturnRequest, plan_lines, plan_refunds, vat_of};
use storekeep_domain::sale::{ProForma, Sale, settle_cash};
use storekeep_domain::staff::StaffRef;
use storekeep_domain::store::StoreIdentity;
use storekeep_domain::tally::Tally;
use storekeep_domain::vat::{VatCategory, VatPeriod, VatTable};

fn store() -> StoreIdentity {
    StoreIdentity::new("Exempelbutiken AB", "202100-5448", "Storgatan 1, 111 22 Stockholm", "KASSA-01")
        .unwrap()
}

fn tz() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap()
}

fn anna() -> StaffRef {
    StaffRef { id: 2, name: "Anna".into() }
}

fn item(id: i64, name: &str, ore: i64, sold_by: SoldBy, vat: VatCategory) -> CatalogItem {
    CatalogItem {
        id,
        code: None,
        plu: Some(id.to_string()),
        name: name.into(),
        price: Money::from_ore(ore),
        sold_by,
        vat_category: vat,
    }
}

fn table() -> VatTable {
    let p = |category, rate: i64| VatPeriod {
        category,
        rate_percent: Decimal::new(rate, 0),
        valid_from: date(2000, 1, 1),
        valid_to: None,
    };
    VatTable::new(vec![p(VatCategory::Food, 6), p(VatCategory::Standard, 25)]).unwrap()
}

fn cart() -> Cart {
    let mut c = Cart::new();
    c.add_item(
        &item(1, "Mjölk 1,5 % 1 l", 1895, SoldBy::Each, VatCategory::Food),
        Measure::Pieces(Decimal::TWO),
    )
    .unwrap();
    c.add_item(
        &item(2, "Banan", 2990, SoldBy::Weight, VatCategory::Food),
        Measure::Kilograms(Decimal::new(452, 3)),
    )
    .unwrap();
    c.add_item(
        &item(3, "Tändstickor", 1250, SoldBy::Each, VatCategory::Standard),
        Measure::Pieces(Decimal::ONE),
    )
    .unwrap();
    c.set_line_discount(2, Some(Discount::new(DiscountKind::Percent, Decimal::TEN, "Skadad förpackning")))
        .unwrap();
    c
}

fn sale() -> Sale {
    let mut c = cart();
    let priced = c.priced(&table(), date(2026, 11, 28)).unwrap();
    let cash = settle_cash(&priced, Money::from_kronor(100), false).unwrap();
    c.add_tender(cash);
    let priced = c.priced(&table(), date(2026, 11, 28)).unwrap();
    let mut s =
        Sale::complete("KASSA-01", 42, "2026-11-28T09:15:00Z".parse().unwrap(), priced, anna()).unwrap();
    s.control = Some(Control::Registered { unit: "SIM-KE-0001".into(), code: "7QX4-K2M9-PL3A-88RT".into() });
    s
}

fn the_return(s: &Sale) -> Return {
    let lines = plan_lines(s, &[], &[ReturnRequest { line: 1, quantity: Decimal::ONE }]).unwrap();
    let total = lines.iter().map(|l| l.amount).sum();
    let (refunds, rounding) = plan_refunds(s, &[], total);
    Return {
        register_id: "KASSA-01".into(),
        receipt_no: 43,
        original_receipt_no: 42,
        returned_at: "2026-11-28T10:00:00Z".parse().unwrap(),
        vat: vat_of(&lines),
        lines,
        total,
        rounding,
        refunds,
        reason: "Fel vara".into(),
        cashier: anna(),
        approved_by: None,
        control: Some(Control::NotRegistered { outage: 17 }),
    }
}

#[test]
fn a_sale_receipt() {
    insta::assert_snapshot!(Receipt::new(&store(), &sale(), &tz()).render_text());
}

#[test]
fn a_copy_a_training_receipt_and_a_pro_forma() {
    let copy = Receipt::new(&store(), &sale(), &tz())
        .as_copy(Some(Control::Registered { unit: "SIM-KE-0001".into(), code: "COPY-CODE".into() }));
    insta::assert_snapshot!("copy", copy.render_text());
    let mut training = sale();
    training.training = true;
    training.receipt_no = 3;
    insta::assert_snapshot!("training", Receipt::new(&store(), &training, &tz()).render_text());
    let priced = cart().priced(&table(), date(2026, 11, 28)).unwrap();
    let pf = ProForma {
        register_id: "KASSA-01".into(),
        pro_forma_no: 1,
        at: "2026-11-28T09:10:00Z".parse().unwrap(),
        total: priced.total,
        vat: priced.vat.clone(),
        discounts: priced.line_discounts,
        lines: priced.lines,
        cashier: anna(),
        control: None,
    };
    insta::assert_snapshot!("pro_forma", Receipt::for_pro_forma(&store(), &pf, &tz()).render_text());
}

#[test]
fn a_return_receipt_not_registered_with_the_control_unit() {
    let s = sale();
    insta::assert_snapshot!(Receipt::for_return(&store(), &the_return(&s), &tz()).render_text());
}

fn report(kind: ReportKind) -> DayReport {
    let s = sale();
    let r = the_return(&s);
    let mut tally = Tally::default();
    for (kind, payload) in [
        ("shift_open", r#"{"register_id":"KASSA-01","shift_no":1,"at":"2026-11-28T07:00:00Z","cashier":{"id":2,"name":"Anna"},"float":"1000.00"}"#.to_string()),
        ("sale", serde_json::to_string(&s).unwrap()),
        ("return", serde_json::to_string(&r).unwrap()),
        ("drawer_open", "{}".to_string()),
    ] {
        tally.add(&Tally::of(kind, &payload).unwrap());
    }
    let before = GrandTotals {
        sales: Money::from_kronor(1_000_000),
        returns: Money::from_kronor(2_000),
        net: Money::from_kronor(998_000),
    };
    DayReport {
        kind,
        number: 12,
        company_name: "Exempelbutiken AB".into(),
        org_number: "202100-5448".into(),
        register_id: "KASSA-01".into(),
        printed_at: "2026-11-28 21:05:00".into(),
        from_seq: 101,
        to_seq: 160,
        grand: before.after(&tally),
        tally,
        by: anna(),
    }
}

#[test]
fn x_and_z_reports_have_all_22_items() {
    let x = report(ReportKind::X);
    let items = x.items();
    assert_eq!(items.iter().map(|i| i.no).collect::<Vec<_>>(), (1..=22).collect::<Vec<_>>());
    insta::assert_snapshot!("x_report", x.render_text());
    insta::assert_snapshot!("z_report", report(ReportKind::Z).render_text());
    assert_eq!(x.grand.net, x.grand.sales - x.grand.returns);
}

/// Bytes between `GS ! n` commands: (size multiplier, text printed at it).
fn sizes(bytes: &[u8]) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    let mut size = 1;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1d && bytes.get(i + 1) == Some(&b'!') {
            out.push((size, escpos::text_of(&bytes[start..i])));
            size = (bytes[i + 2] & 0x0f) + 1;
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push((size, escpos::text_of(&bytes[start..])));
    out
}

#[test]
fn on_paper_marks_are_twice_the_size_of_every_amount() {
    let receipts = [
        Receipt::new(&store(), &sale(), &tz()).as_copy(None),
        Receipt::for_return(&store(), &the_return(&sale()), &tz()),
    ];
    for r in receipts {
        let parts = sizes(&escpos::receipt(&r));
        let amount_size = parts.iter().filter(|(_, t)| t.contains(',')).map(|(s, _)| *s).max().unwrap();
        for mark in r.marks() {
            let mark_size = parts.iter().find(|(_, t)| t.trim() == mark).map(|(s, _)| *s).unwrap();
            assert!(mark_size >= 2 * amount_size, "{mark} at {mark_size}, amounts at {amount_size}");
        }
    }
    // A plain receipt keeps its large total.
    let plain = sizes(&escpos::receipt(&Receipt::new(&store(), &sale(), &tz())));
    assert!(plain.iter().any(|(s, t)| *s == 2 && t.contains("TOTALT")));
}

#[test]
fn the_electronic_receipt_reads_back_from_pdf_and_html() {
    let copy = Receipt::new(&store(), &sale(), &tz()).as_copy(None);
    let pdf = receipt_doc::pdf(&copy);
    let dir = tempfile_dir();
    let path = dir.join("kvitto.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian package poppler-utils; `make deps` installs it)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for wanted in [
        "KOPIA",
        "Exempelbutiken AB",
        "Mjölk 1,5 % 1 l",
        "Tändstickor",
        "Elektroniskt kassakvitto",
        "Kvitto nr",
        "42",
    ] {
        assert!(text.contains(wanted), "{wanted:?} not in the PDF text:\n{text}");
    }
    let html = receipt_doc::html(&copy);
    assert!(html.contains("<div class=\"mark\">KOPIA</div>"));
    assert!(html.contains("Elektroniskt kassakvitto"));
    assert!(!html.contains("<script"));
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("storekeep-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
