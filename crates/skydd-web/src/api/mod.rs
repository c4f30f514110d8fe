//! The routes of `/api/`, `/healthz`, `/metrics` and `/openapi.json`, over the application
//! layer's services. A route parses its body or query into the service's typed request,
//! calls the service, and answers its outcome as JSON or its error as an [`ApiError`].

mod dsr;
mod operations;
mod outbox;
mod requests;
mod rights;
mod staff;

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use skydd_app::{AppError, Subject, Workspace};
use utoipa::OpenApi;

use crate::ApiError;

/// What every route shares.
#[derive(Clone)]
pub struct AppState {
    /// The register, data maps, connections and skydd's state, loaded once.
    pub ws: Arc<Workspace>,
}

/// skydd's HTTP application: testable without a socket (`tower::ServiceExt::oneshot`).
pub fn app(state: AppState) -> Router {
    use skydd_core::staff::Action::{self, *};
    let guarded = |route: axum::routing::MethodRouter<AppState>, action: Action| {
        route.route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            move |State(s): State<AppState>, req, next| crate::auth::require(action, s, req, next),
        ))
    };
    let api = Router::new()
        .route("/may", guarded(post(rights::may), Read))
        .route(
            "/restrictions",
            guarded(post(rights::restrict), RecordRights),
        )
        .route("/objections", guarded(post(rights::object), RecordRights))
        .route(
            "/consent-withdrawals",
            guarded(post(rights::withdraw), RecordRights),
        )
        .route("/access", guarded(post(dsr::access), HandleRequest))
        .route("/erasures", guarded(post(dsr::erase), ChangeData))
        .route("/rectifications", guarded(post(dsr::rectify), ChangeData))
        .route(
            "/retention/plan",
            guarded(get(operations::retention_plan), Read),
        )
        .route("/map/check", guarded(get(operations::map_check), Read))
        .route("/log", guarded(get(operations::log), Read))
        .route(
            "/requests",
            guarded(get(requests::list), Read)
                .merge(guarded(post(requests::receive), RegisterRequest)),
        )
        .route("/requests/{id}", guarded(get(requests::show), Read))
        .route(
            "/requests/{id}/verify",
            guarded(post(requests::verify), HandleRequest),
        )
        .route(
            "/requests/{id}/extend",
            guarded(post(requests::extend), HandleRequest),
        )
        .route(
            "/requests/{id}/refuse",
            guarded(post(requests::refuse), HandleRequest),
        )
        .route(
            "/requests/{id}/withdraw",
            guarded(post(requests::withdraw), HandleRequest),
        )
        .route(
            "/requests/{id}/cannot-identify",
            guarded(post(requests::cannot_identify), HandleRequest),
        )
        .route(
            "/requests/{id}/answer",
            guarded(post(requests::answer), HandleRequest),
        )
        // `workflow::execute` runs the engine of the request's kind: for an erasure or a
        // rectification that is `erase::erase` or `rectify::rectify`, which change the
        // company's databases (what `/erasures` and `/rectifications` guard with
        // `ChangeData`); for a restriction, an objection or a withdrawal it records rights.
        // The kind is known only once the request is read, after the guard, so the route
        // asks for the most any kind does: `ChangeData`. (Today a handler may do both; the
        // route must not fall behind `/erasures` if the roles ever part.)
        .route(
            "/requests/{id}/execute",
            guarded(post(requests::execute), ChangeData),
        )
        .route("/audit-log", guarded(get(staff::audit_log), ReadAuditLog))
        .route(
            "/audit-log/verify",
            guarded(get(staff::verify_audit_log), ReadAuditLog),
        )
        .route(
            "/users",
            guarded(get(staff::users).post(staff::add_user), ManageUsers),
        )
        .route(
            "/tokens",
            guarded(get(staff::tokens).post(staff::create_token), ManageUsers),
        )
        .route(
            "/tokens/{id}",
            guarded(delete(staff::revoke_token), ManageUsers),
        )
        .route(
            "/requests/{id}/fee",
            guarded(post(requests::fee), HandleRequest),
        )
        .route("/outbox", guarded(get(outbox::list), Read))
        .route(
            "/requests/{id}/recipients",
            guarded(get(outbox::of_request), Read),
        )
        .route(
            "/outbox/{id}/resend",
            guarded(post(outbox::resend), HandleRequest),
        )
        .route(
            "/outbox/{id}/told",
            guarded(post(outbox::told), HandleRequest),
        );
    crate::layered(
        Router::new()
            .nest("/api", api)
            .route("/healthz", get(healthz))
            .route("/metrics", get(metrics))
            .route("/openapi.json", get(openapi))
            .with_state(state),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "skydd",
        description = "skydd's API: data-subject requests and their workflow (Art. 12), restrictions and consent, recipients told of changes (Art. 19), retention, the data map of a register of processing, the audit log, staff and API tokens. Every error is `{\"error\": {status, code, message, field?}}`."
    ),
    paths(
        healthz,
        rights::may,
        rights::restrict,
        rights::object,
        rights::withdraw,
        dsr::access,
        dsr::erase,
        dsr::rectify,
        operations::retention_plan,
        operations::map_check,
        operations::log,
        requests::receive,
        requests::list,
        requests::show,
        requests::verify,
        requests::extend,
        requests::refuse,
        requests::fee,
        requests::withdraw,
        requests::cannot_identify,
        requests::answer,
        requests::execute,
        staff::audit_log,
        staff::verify_audit_log,
        staff::users,
        staff::add_user,
        staff::tokens,
        staff::create_token,
        staff::revoke_token,
        outbox::list,
        outbox::of_request,
        outbox::resend,
        outbox::told,
    ),
    components(schemas(ApiError, Identities))
)]
struct ApiDoc;

/// The OpenAPI document of this API, generated from the routes' declarations.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> impl IntoResponse {
    axum::Json(openapi_document())
}

async fn metrics() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::render(),
    )
}

/// Alive, and skydd's state answers.
#[utoipa::path(get, path = "/healthz", responses(
    (status = 200, description = "Serving; skydd's state answers"),
    (status = 503, description = "skydd's state does not answer", body = ApiError),
))]
async fn healthz(State(s): State<AppState>) -> Result<axum::Json<serde_json::Value>, ApiError> {
    s.ws.ping().await.map_err(|e| {
        server_fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "skydd's state does not answer",
            &e.to_string(),
        )
    })?;
    Ok(axum::Json(serde_json::json!({ "status": "ok" })))
}

/// The person a request is about: at least one identity.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Identities {
    /// E-mail addresses.
    email: Vec<String>,
    /// Phone numbers.
    phone: Vec<String>,
    /// Personnummer or samordningsnummer.
    personnummer: Vec<String>,
    /// Other identities by the data map's names: `{"customer_number": "C-1001"}`.
    other: std::collections::BTreeMap<String, String>,
}

impl Identities {
    fn subject(&self, today: jiff::civil::Date) -> Result<Subject, ApiError> {
        let input = skydd_app::IdentityInput {
            email: self.email.clone(),
            phone: self.phone.clone(),
            personnummer: self.personnummer.clone(),
            identity: self.other.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        };
        Subject::parse(&input, today).map_err(|e| app_error(e).at("identities"))
    }
}

/// A record's id from the path (`/api/requests/{id}`); a path that does not read is a JSON
/// 400 like every other bad input.
pub struct Id(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(e) => {
                Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()).at("id"))
            }
        }
    }
}

/// A body that may be left out (empty), or else is a JSON object read into `T` (whose
/// serde derive should `deny_unknown_fields`): for steps that need nothing more than their
/// path. A body that is there is checked as [`ApiJson`](crate::ApiJson) checks one (media
/// type, syntax, size), and must be an object; an empty one is `T::default()`.
pub struct OptionalBody<T>(pub T);

impl<T, S> FromRequest<S> for OptionalBody<T>
where
    T: serde::de::DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too_large",
                        format!("the body is larger than {} bytes", crate::BODY_LIMIT),
                    )
                } else {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
                }
            })?;
        if bytes.is_empty() {
            return Ok(OptionalBody(T::default()));
        }
        let mut again = Request::new(axum::body::Body::from(bytes));
        *again.headers_mut() = headers;
        let crate::ApiJson(object) =
            crate::ApiJson::<serde_json::Map<String, serde_json::Value>>::from_request(
                again, state,
            )
            .await?;
        serde_json::from_value(serde_json::Value::Object(object))
            .map(OptionalBody)
            .map_err(|e| ApiError::invalid(e.to_string()))
    }
}

/// Who is calling: the [`Principal`](skydd_app::staff::Principal) `auth::require` put in
/// the request's extensions. A route reached without it is the server's fault, a JSON 500.
pub struct Caller(pub skydd_app::staff::Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<skydd_app::staff::Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| {
                tracing::error!("a route that needs its caller was reached without authorisation");
                ApiError::internal("an internal error; it is logged with this request's id")
            })
    }
}

/// The OpenAPI schema of a string that is one of `keys` (an enum of the core, whose keys
/// are its serde names), described by `description`.
fn keys_schema(
    description: &str,
    keys: impl IntoIterator<Item = &'static str>,
) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
        .enum_values(Some(keys))
        .build()
}

/// The day a request was received: `received` if given (checked as the CLI checks it), or
/// today.
fn received(text: Option<&str>, today: jiff::civil::Date) -> Result<jiff::civil::Date, ApiError> {
    skydd_app::clock::received(text, today).map_err(|e| app_error(e).at("received"))
}

/// The HTTP answer to an application error: the request's own faults are 4xx, the server's
/// 5xx with the cause logged.
pub fn app_error(e: AppError) -> ApiError {
    let text = e.to_string();
    match e {
        AppError::Invalid(_) => ApiError::invalid(text),
        AppError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", text),
        AppError::Conflict { .. } | AppError::Moved(_) => {
            ApiError::new(StatusCode::CONFLICT, "conflict", text)
        }
        AppError::Refused(_) => ApiError::new(StatusCode::CONFLICT, "refused", text),
        // The company's database was changed and skydd could not yet record it: the same
        // request again finishes the recording (the erasure's journal resumes).
        AppError::Unrecorded { context, source } => {
            tracing::error!(code = "unrecorded", "{context}: {source}");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unrecorded",
                "the company's database was changed, but skydd's state could not record it yet; send the same request again to finish recording it",
            )
        }
        AppError::Busy(_) => server_fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "skydd's state is busy; try again shortly",
            &text,
        ),
        AppError::RolledBack { .. } | AppError::Db(_) => server_fault(
            StatusCode::BAD_GATEWAY,
            "database",
            "a database of the company failed; nothing more was changed than the log of this request says",
            &text,
        ),
        _ => server_fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error",
            &text,
        ),
    }
}

/// A failure of the server's own: the client learns its kind and the request id (in the
/// `x-request-id` header); the text, which may quote a database's message about other
/// people's rows or a file's path, goes only to the log, in the request's span.
fn server_fault(status: StatusCode, code: &'static str, public: &str, text: &str) -> ApiError {
    tracing::error!(code, "{text}");
    ApiError::new(
        status,
        code,
        format!("{public}; it is logged with this request's id"),
    )
}
