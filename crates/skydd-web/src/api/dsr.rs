//! Access (Art. 15), erasure (Art. 17) and rectification (Art. 16) run against the
//! company's databases.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use skydd_app::access::{self, AccessRequest};
use skydd_app::clock;
use skydd_app::erase::{self, EraseOutcome, EraseRequest};
use skydd_app::rectify::{self, RectifyOutcome, RectifyRequest};

use super::{AppState, Identities, app_error, received};
use crate::{ApiError, ApiJson};

/// A request about one person.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectBody {
    /// The person.
    identities: Identities,
    /// The day the request was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
}

/// Answers a right of access: the access package (every row found, the purposes, legal
/// bases, recipients and retention, and what skydd itself keeps of the person), as JSON.
#[utoipa::path(post, path = "/api/access", request_body = SubjectBody, responses(
    (status = 200, description = "The access package (JSON)"),
    (status = 422, description = "An identity that does not read", body = ApiError),
))]
pub async fn access(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<SubjectBody>,
) -> Result<impl IntoResponse, ApiError> {
    let today = clock::today();
    let req = AccessRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        out: None,
        langs: Vec::new(),
        json: true,
    };
    let outcome = access::access(&s.ws, req).await.map_err(app_error)?;
    let mut body = Vec::new();
    outcome.write_json(&mut body).map_err(app_error)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body))
}

/// An erasure.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    /// The person.
    identities: Identities,
    /// The day the request was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
    /// Plan only: nothing is written, nothing recorded.
    #[serde(default)]
    dry_run: bool,
}

/// Plans and carries out an erasure: fields a legal obligation still needs are kept,
/// restricted (Art. 18(2)) and scheduled; rows others share are kept. A plan with blockers
/// changes nothing and answers 409 with the plan.
#[utoipa::path(post, path = "/api/erasures", request_body = EraseBody, responses(
    (status = 200, description = "The plan and what ran"),
    (status = 409, description = "Blocked: nothing was changed; the plan says why"),
    (status = 422, description = "An identity that does not read", body = ApiError),
))]
pub async fn erase(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<EraseBody>,
) -> Result<impl IntoResponse, ApiError> {
    let today = clock::today();
    let req = EraseRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        today,
        dry_run: b.dry_run,
    };
    let outcome: EraseOutcome = erase::erase(&s.ws, req).await.map_err(app_error)?;
    let status = if outcome.refused() {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// A rectification.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectifyBody {
    /// The person.
    identities: Identities,
    /// The changes: `COLLECTION.FIELD=VALUE` or `DATASET.COLLECTION.FIELD=VALUE`.
    set: Vec<String>,
    /// The day the request was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
    /// Plan only.
    #[serde(default)]
    dry_run: bool,
}

/// Sets fields of the person's rows, checked against the column types, in one transaction
/// per database. Rows shared with other people are not changed: 409 names them.
#[utoipa::path(post, path = "/api/rectifications", request_body = RectifyBody, responses(
    (status = 200, description = "The changes made"),
    (status = 409, description = "The person shares the rows with others; nothing was changed"),
    (status = 422, description = "A change that does not fit the data map or the column", body = ApiError),
))]
pub async fn rectify(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<RectifyBody>,
) -> Result<impl IntoResponse, ApiError> {
    let today = clock::today();
    let req = RectifyRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        set: b.set,
        today,
        dry_run: b.dry_run,
    };
    let outcome: RectifyOutcome = rectify::rectify(&s.ws, req)
        .await
        .map_err(|e| app_error(e).at("set"))?;
    let status = if outcome.refused() {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(outcome)))
}
