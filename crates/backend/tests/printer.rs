//! Receipt printers: ESC/POS bytes over raw TCP and to a device file, and the simulator that
//! reads a printed receipt back.
#![allow(clippy::unwrap_used)]

mod common;

use common::{articles, demo_store, logged_in};
use storekeep_backend::printer::{DevicePrinter, NetworkPrinter, ReceiptPrinter, SimulatedPrinter};
use storekeep_domain::escpos;
use tokio::io::AsyncReadExt;

async fn a_receipt() -> (common::TestStore, storekeep_domain::receipt::Receipt) {
    let t = demo_store().await;
    let till = logged_in(&t.sk).await;
    till.scan(&articles(1)[0].0).await.unwrap();
    let receipt = till.pay_cash("50").await.unwrap();
    (t, receipt)
}

#[tokio::test]
async fn a_receipt_prints_with_every_line_and_swedish_letters() {
    let (_t, receipt) = a_receipt().await;
    let printer = SimulatedPrinter::default();
    printer.print(&escpos::receipt(&receipt)).await.unwrap();
    let paper = printer.last_text().unwrap();
    for field in [
        "Demobutiken Storekeep AB",
        "Org.nr 559412-3456",
        "Kvitto nr",
        "Gårdsmejeriet Mellanmjölk",
        "Växel",
        "Kassör",
    ] {
        assert!(paper.contains(field), "{field} on paper:\n{paper}");
    }
    assert!(paper.contains("TOTALT") && paper.contains("19,50 kr"), "{paper}");
    printer.set_out_of_paper(true);
    assert!(printer.print(b"x").await.is_err());
    assert_eq!(printer.documents().len(), 1);
}

#[tokio::test]
async fn raw_tcp_on_port_9100_carries_the_bytes_unchanged() {
    let (_t, receipt) = a_receipt().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let received = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut bytes = Vec::new();
        socket.read_to_end(&mut bytes).await.unwrap();
        bytes
    });
    let bytes = escpos::receipt(&receipt);
    NetworkPrinter::new(&address).print(&bytes).await.unwrap();
    assert_eq!(received.await.unwrap(), bytes);
    assert_eq!(NetworkPrinter::new("printer.local").address, "printer.local:9100");

    // Nobody listening: a clear error, quickly.
    let closed =
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().to_string();
    let err = NetworkPrinter::new(&closed).print(&bytes).await.unwrap_err();
    assert!(err.to_string().contains(&closed), "{err}");
}

#[tokio::test]
async fn a_device_file_receives_the_bytes_and_a_missing_one_is_an_error() {
    let (t, receipt) = a_receipt().await;
    let path = t.dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap(); // the device node exists; nothing is created
    let bytes = escpos::receipt(&receipt);
    DevicePrinter { path: path.clone() }.print(&bytes).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let missing = DevicePrinter { path: t.dir.path().join("no-such-printer") };
    assert!(missing.print(&bytes).await.is_err());
    assert!(!t.dir.path().join("no-such-printer").exists(), "a missing printer is not created as a file");
}
