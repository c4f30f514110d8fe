//! skydd's HTTP API. This is the only crate that knows HTTP: routes parse a request into the
//! application layer's typed request, call the service and turn its outcome or error into
//! JSON. Every route answers bad input with a 4xx and a JSON error, never a 500.
//!
//! [`layered`] gives any router what every route has: a request id (`x-request-id`, made here
//! when the client sent none, and echoed), a tracing span per request carrying it, request
//! counts and latencies for Prometheus, a body limit, JSON answers for unknown routes and
//! methods, and a panic turned into a JSON 500 that says nothing of the inside.

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod telemetry;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use api::{AppState, app, app_error, openapi_document};
pub use error::ApiError;
pub use extract::{ApiJson, ApiQuery};

/// The largest request body any route reads. Requests and their identities are small; a
/// larger body is a mistake or an attack, answered with 413 before it is read.
pub const BODY_LIMIT: usize = 64 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps `router` with the layers every route has (see the crate docs).
pub fn layered(router: Router) -> Router {
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Inside the span and the counts: a panic is logged with the request's id and
        // counted as the 500 it answers.
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(telemetry::record))
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a route panicked");
    ApiError::internal("an internal error; it is logged with this request's id").into_response()
}

async fn not_found(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route {} {}", req.method(), req.uri().path()),
    )
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}

/// The route template a request matched (`/api/requests/{id}`), for metrics and logs that
/// must not carry ids.
pub(crate) fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned())
}

/// Serves `app` on `listener` until `shutdown` completes; then takes no new connections and
/// lets the requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
