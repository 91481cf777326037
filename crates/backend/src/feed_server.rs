//! The opt-in local HTTP endpoint for what customers are told, so the store's website or app
//! can read it live: `GET /hours.json`, `/door-sign.html`, `/door-sign.pdf`, `/payments.json`,
//! `/payment-sign.html`, `/payment-sign.pdf`. The one thing it takes in is
//! `POST /scan-and-pay/purchases` from the chain's app service, with the store's token
//! (`Authorization: Bearer …`; no token set, no POST taken). Nothing else answers; it listens on
//! loopback unless a manager opens it to the store's LAN. Every answer is made fresh from the
//! database, so it changes the moment the hours or the payment methods do.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Storekeep;
use crate::hours::FeedHttp;

fn answer(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Public information, meant to be read by the store's own web pages wherever they live.
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn unavailable(e: crate::Error) -> Response {
    tracing::warn!("opening-hours feed: {e}");
    (StatusCode::SERVICE_UNAVAILABLE, "The opening hours cannot be read right now\n").into_response()
}

fn store_unavailable(what: &str, e: crate::Error) -> Response {
    tracing::warn!("{what}: {e}");
    (StatusCode::SERVICE_UNAVAILABLE, "The store's database cannot be read or written right now; try again\n")
        .into_response()
}

async fn feed_json(State(sk): State<Storekeep>) -> Response {
    match sk.hours().feed().await {
        Ok(feed) => match serde_json::to_vec_pretty(&feed) {
            Ok(body) => answer("application/json; charset=utf-8", body),
            Err(e) => unavailable(crate::Error::Storage(e.to_string())),
        },
        Err(e) => unavailable(e),
    }
}

async fn sign_html(State(sk): State<Storekeep>) -> Response {
    match sk.hours().feed().await {
        Ok(feed) => {
            answer("text/html; charset=utf-8", storekeep_domain::door_sign::sign_html(&feed).into_bytes())
        }
        Err(e) => unavailable(e),
    }
}

async fn sign_pdf(State(sk): State<Storekeep>) -> Response {
    match sk.hours().feed().await {
        Ok(feed) => answer("application/pdf", storekeep_domain::door_sign::sign_pdf(&feed)),
        Err(e) => unavailable(e),
    }
}

async fn payments_file(sk: &Storekeep, name: &str) -> Response {
    let acceptance = match sk.payments().in_force().await {
        Ok(f) => f.acceptance(),
        Err(e) => return store_unavailable("payments feed", e),
    };
    let store = match sk.identity().await {
        Ok(i) => i.map(|(i, _)| i.company_name).unwrap_or_default(),
        Err(e) => return store_unavailable("payments feed", e),
    };
    let now = sk.clock().now();
    let updated = now.to_zoned_datetime(sk.time_zone().clone()).strftime("%Y-%m-%d %H:%M").to_string();
    use storekeep_domain::payment_sign::{acceptance_html, acceptance_pdf};
    match name {
        "html" => {
            answer("text/html; charset=utf-8", acceptance_html(&store, &acceptance, &updated).into_bytes())
        }
        "pdf" => answer("application/pdf", acceptance_pdf(&store, &acceptance, &updated)),
        _ => {
            let feed = crate::payments::PaymentsFeed {
                format: crate::payments::STATUS_FORMAT.into(),
                store,
                updated_at: now.to_string(),
                acceptance,
            };
            match serde_json::to_vec_pretty(&feed) {
                Ok(body) => answer("application/json; charset=utf-8", body),
                Err(e) => store_unavailable("payments feed", crate::Error::Storage(e.to_string())),
            }
        }
    }
}

async fn payments_json(State(sk): State<Storekeep>) -> Response {
    payments_file(&sk, "json").await
}

async fn payment_sign_html(State(sk): State<Storekeep>) -> Response {
    payments_file(&sk, "html").await
}

async fn payment_sign_pdf(State(sk): State<Storekeep>) -> Response {
    payments_file(&sk, "pdf").await
}

fn json_answer(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let body = serde_json::to_vec_pretty(body).unwrap_or_default();
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    r
}

/// Finished purchases from the chain's app service: 200 with the report when recorded (or
/// already here), 422 with every problem when none was, 401 without the store's token.
async fn receive_purchases(
    State(sk): State<Storekeep>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.get(..7).filter(|p| p.eq_ignore_ascii_case("bearer ")).map(|_| &v[7..]));
    let allowed = match presented {
        None => false,
        Some(t) => match sk.scan_and_pay().token_matches(t).await {
            Ok(ok) => ok,
            Err(e) => return store_unavailable("payments feed", e),
        },
    };
    if !allowed {
        tracing::warn!("a Scan & Pay POST without the store's token was refused");
        return (StatusCode::UNAUTHORIZED, "The store's Scan & Pay token is missing or wrong\n")
            .into_response();
    }
    match sk.scan_and_pay().receive(&body, crate::scan_and_pay::Source::Endpoint, None).await {
        Ok(report) if report.errors.is_empty() => json_answer(StatusCode::OK, &report),
        Ok(report) => json_answer(StatusCode::UNPROCESSABLE_ENTITY, &report),
        Err(e) => store_unavailable("Scan & Pay", e),
    }
}

pub fn router(sk: Storekeep) -> Router {
    Router::new()
        .route("/hours.json", get(feed_json))
        .route("/door-sign.html", get(sign_html))
        .route("/door-sign.pdf", get(sign_pdf))
        .route("/payments.json", get(payments_json))
        .route("/payment-sign.html", get(payment_sign_html))
        .route("/payment-sign.pdf", get(payment_sign_pdf))
        .route("/scan-and-pay/purchases", axum::routing::post(receive_purchases))
        .with_state(sk)
}

/// Serves the feed on `listener` until the task is dropped or aborted.
pub async fn serve(sk: Storekeep, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(sk)).await
}

/// The endpoint as the setting says: started, moved or stopped when the setting changes.
#[derive(Debug, Default)]
pub struct FeedEndpoint {
    running: tokio::sync::Mutex<Option<Running>>,
}

#[derive(Debug)]
struct Running {
    /// The setting's address, as written (`127.0.0.1:0` stays that, for comparing).
    bind: String,
    /// Where it actually listens.
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl FeedEndpoint {
    /// Makes the endpoint match `setting`; returns where it listens, if it does. A new address
    /// is bound before the old one is let go only when they differ in port or host; the old
    /// listener is closed (and awaited) first, so moving 127.0.0.1:8787 to 0.0.0.0:8787 works.
    pub async fn apply(&self, sk: &Storekeep, setting: &FeedHttp) -> crate::Result<Option<SocketAddr>> {
        let mut running = self.running.lock().await;
        if let Some(r) = running.as_ref()
            && setting.enabled
            && r.bind == setting.bind
            && !r.task.is_finished()
        {
            return Ok(Some(r.addr));
        }
        if let Some(r) = running.take() {
            r.task.abort();
            let _ = r.task.await; // the listener is dropped with the task
        }
        if !setting.enabled {
            return Ok(None);
        }
        let listener = tokio::net::TcpListener::bind(&setting.bind)
            .await
            .map_err(|e| crate::Error::FeedCannotListen { bind: setting.bind.clone(), why: e.to_string() })?;
        let addr = listener.local_addr().map_err(|e| crate::Error::Storage(e.to_string()))?;
        let server = sk.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = serve(server, listener).await {
                tracing::warn!("the opening-hours endpoint stopped: {e}");
            }
        });
        tracing::info!(%addr, "opening-hours endpoint listening");
        *running = Some(Running { bind: setting.bind.clone(), addr, task });
        Ok(Some(addr))
    }

    /// Where it listens now, if it does.
    pub async fn listening(&self) -> Option<SocketAddr> {
        self.running.lock().await.as_ref().filter(|r| !r.task.is_finished()).map(|r| r.addr)
    }
}
