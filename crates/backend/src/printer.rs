//! Receipt printers: the `ReceiptPrinter` trait, adapters for the two ways ESC/POS printers
//! are attached (raw TCP on port 9100, and a device file such as `/dev/usb/lp0`), and a
//! simulator that keeps what it was sent so tests can read the printed receipt back.
//!
//! The bytes come from `storekeep_domain::escpos`; a printer only carries them.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::devices::{BoxFut, DeviceError};

pub trait ReceiptPrinter: Send + Sync + std::fmt::Debug {
    /// Sends one document (a receipt, a report) to the printer.
    fn print<'a>(&'a self, bytes: &'a [u8]) -> BoxFut<'a, Result<(), DeviceError>>;
}

/// A network printer taking raw ESC/POS on a TCP port (9100 on nearly every model).
#[derive(Debug, Clone)]
pub struct NetworkPrinter {
    pub address: String,
    pub timeout: Duration,
}

impl NetworkPrinter {
    /// `host` or `host:port` (9100 when no port is given).
    pub fn new(address: &str) -> NetworkPrinter {
        let address = if address.contains(':') { address.to_string() } else { format!("{address}:9100") };
        NetworkPrinter { address, timeout: Duration::from_secs(5) }
    }
}

impl ReceiptPrinter for NetworkPrinter {
    fn print<'a>(&'a self, bytes: &'a [u8]) -> BoxFut<'a, Result<(), DeviceError>> {
        Box::pin(async move {
            let send = async {
                let mut stream = tokio::net::TcpStream::connect(&self.address).await?;
                stream.write_all(bytes).await?;
                stream.shutdown().await
            };
            match tokio::time::timeout(self.timeout, send).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(DeviceError::Unreachable(format!("printer {}: {e}", self.address))),
                Err(_) => Err(DeviceError::Timeout),
            }
        })
    }
}

/// A printer behind a device file (USB or parallel: `/dev/usb/lp0`; on Windows a shared
/// printer path). The bytes are written in one go.
#[derive(Debug, Clone)]
pub struct DevicePrinter {
    pub path: PathBuf,
}

impl ReceiptPrinter for DevicePrinter {
    fn print<'a>(&'a self, bytes: &'a [u8]) -> BoxFut<'a, Result<(), DeviceError>> {
        Box::pin(async move {
            let write = async {
                let mut file =
                    tokio::fs::OpenOptions::new().append(true).create(false).open(&self.path).await?;
                file.write_all(bytes).await?;
                file.flush().await
            };
            write.await.map_err(|e| DeviceError::Unreachable(format!("printer {}: {e}", self.path.display())))
        })
    }
}

/// The printer a launch option names: `tcp:HOST[:PORT]` (raw ESC/POS over the network, port
/// 9100 when none is given) or `file:PATH` / an absolute path (a device file such as
/// `/dev/usb/lp0`). `None` for `sim` (the simulator).
pub fn from_spec(spec: &str) -> Result<Option<std::sync::Arc<dyn ReceiptPrinter>>, String> {
    let spec = spec.trim();
    if spec.is_empty() || spec == "sim" {
        return Ok(None);
    }
    if let Some(addr) = spec.strip_prefix("tcp:") {
        if addr.is_empty() {
            return Err("tcp: needs a host, e.g. tcp:192.168.1.50 or tcp:printer:9100".into());
        }
        return Ok(Some(std::sync::Arc::new(NetworkPrinter::new(addr))));
    }
    let path = spec.strip_prefix("file:").unwrap_or(spec);
    if std::path::Path::new(path).is_absolute() {
        return Ok(Some(std::sync::Arc::new(DevicePrinter { path: path.into() })));
    }
    Err(format!(
        "\"{spec}\" is not a printer: use sim, tcp:HOST[:PORT] or an absolute device path such as /dev/usb/lp0"
    ))
}

/// A simulated printer: keeps every document it was sent.
#[derive(Debug, Default)]
pub struct SimulatedPrinter {
    printed: Mutex<Vec<Vec<u8>>>,
    out_of_paper: Mutex<bool>,
}

impl SimulatedPrinter {
    /// Every document printed so far, as bytes.
    pub fn documents(&self) -> Vec<Vec<u8>> {
        self.printed.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The text of the last document, as it would read on paper.
    pub fn last_text(&self) -> Option<String> {
        self.documents().last().map(|d| storekeep_domain::escpos::text_of(d))
    }

    /// Makes the next prints fail, as a printer out of paper does.
    pub fn set_out_of_paper(&self, out: bool) {
        *self.out_of_paper.lock().unwrap_or_else(|p| p.into_inner()) = out;
    }
}

impl ReceiptPrinter for SimulatedPrinter {
    fn print<'a>(&'a self, bytes: &'a [u8]) -> BoxFut<'a, Result<(), DeviceError>> {
        Box::pin(async move {
            if *self.out_of_paper.lock().unwrap_or_else(|p| p.into_inner()) {
                return Err(DeviceError::Unreachable("the simulated printer is out of paper".into()));
            }
            self.printed.lock().unwrap_or_else(|p| p.into_inner()).push(bytes.to_vec());
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printer_is_named_by_its_launch_option() {
        assert!(from_spec("sim").unwrap().is_none());
        assert!(format!("{:?}", from_spec("tcp:10.0.0.9").unwrap().unwrap()).contains("10.0.0.9:9100"));
        assert!(format!("{:?}", from_spec("tcp:p:9101").unwrap().unwrap()).contains("p:9101"));
        assert!(format!("{:?}", from_spec("/dev/usb/lp0").unwrap().unwrap()).contains("/dev/usb/lp0"));
        assert!(from_spec("tcp:").is_err());
        assert!(from_spec("lp0").is_err());
    }
}
