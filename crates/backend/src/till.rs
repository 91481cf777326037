//! The till: the sale in progress on this register, and the steps a cashier takes.
//!
//! The cart lives in memory behind an async mutex held across payment, so a scan that
//! arrives while a sale is being committed waits and lands in the next sale, never in the one
//! being paid. A sale becomes durable only when [`Till::pay_cash`] returns.

use jiff::Timestamp;
use storekeep_domain::Money;
use storekeep_domain::barcode;
use storekeep_domain::cart::{Cart, PricedCart};
use storekeep_domain::receipt::Receipt;
use storekeep_domain::sale::settle_cash;
use tokio::sync::Mutex;

use crate::Storekeep;
use crate::error::Result;

#[derive(Debug)]
pub struct Till {
    sk: Storekeep,
    cart: Mutex<Cart>,
}

impl Till {
    pub fn new(sk: Storekeep) -> Till {
        Till {
            sk,
            cart: Mutex::new(Cart::new()),
        }
    }

    pub fn storekeep(&self) -> &Storekeep {
        &self.sk
    }

    /// The sale in progress, priced for now.
    pub async fn cart(&self) -> Result<PricedCart> {
        let cart = self.cart.lock().await;
        self.price(&cart).await
    }

    /// A scan or a typed code: parsed, looked up and added. A refused code changes nothing.
    pub async fn scan(&self, input: &str) -> Result<PricedCart> {
        let scan = barcode::parse(input)?;
        let item = self.sk.catalog().by_code(scan.lookup_code()).await?;
        let mut cart = self.cart.lock().await;
        let mut next = cart.clone();
        next.add_scan(&scan, &item)?;
        let priced = self.price(&next).await?;
        *cart = next;
        Ok(priced)
    }

    /// Completes the sale in cash. On success the sale is durable and the till is empty; on
    /// any error nothing is registered and the cart is untouched.
    pub async fn pay_cash(&self, tendered: &str) -> Result<Receipt> {
        let tendered = Money::parse(tendered)?;
        let mut cart = self.cart.lock().await;
        let now = self.sk.clock().now();
        let priced = self.price_at(&cart, now).await?;
        let tender = settle_cash(&priced, tendered)?;
        let (_, receipt) = self.sk.sales().complete(priced, vec![tender], now).await?;
        *cart = Cart::new();
        Ok(receipt)
    }

    async fn price(&self, cart: &Cart) -> Result<PricedCart> {
        self.price_at(cart, self.sk.clock().now()).await
    }

    /// VAT follows the date of sale in the store's time zone.
    async fn price_at(&self, cart: &Cart, at: Timestamp) -> Result<PricedCart> {
        let today = at.to_zoned_datetime(self.sk.time_zone().clone()).date();
        let vat = self.sk.catalog().vat_table().await?;
        Ok(cart.priced(&vat, today)?)
    }
}
