//! Request counts and latencies for Prometheus (`/metrics`), by route template and status,
//! never by path: a path may carry a request's id.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The process's Prometheus recorder, installed on first use (metrics are process-wide; two
/// routers in one process, as in tests, share it).
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::warn!("metrics are off: {e}");
                None
            }
        })
        .as_ref()
}

/// Counts and times one request.
pub async fn record(req: Request, next: Next) -> Response {
    let _ = prometheus();
    let route = crate::route_of(&req);
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("skydd_http_requests_total", &labels).increment(1);
    metrics::histogram!("skydd_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}

/// The text `/metrics` answers with.
pub fn render() -> String {
    prometheus()
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}
