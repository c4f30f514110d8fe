//! The Art. 19 outbox: which recipients were told of what, and staff's hand in it.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use skydd_app::outbox::{self, NoticeView};

use super::{AppState, app_error};
use crate::{ApiError, ApiJson, ApiQuery};

/// Which notices.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// pending, delivered, dead, manual or omitted; all if left out.
    state: Option<String>,
    /// At most this many, newest first (1–1000; 100 if left out).
    limit: Option<u32>,
}

/// The newest notices to recipients, with where each stands.
#[utoipa::path(get, path = "/api/outbox", params(OutboxQuery), responses(
    (status = 200, description = "The notices, newest first"),
    (status = 422, description = "An unknown state or a limit out of range", body = ApiError),
))]
pub async fn list(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> Result<Json<Vec<NoticeView>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("give a limit from 1 to 1000").at("limit"));
    }
    Ok(Json(
        outbox::list(&s.ws, q.state.as_deref(), limit)
            .await
            .map_err(|e| app_error(e).at("state"))?,
    ))
}

/// The recipients told of what a request changed (GDPR Art. 19, second sentence: the person
/// may ask who they are).
#[utoipa::path(get, path = "/api/requests/{id}/recipients", params(("id" = String, Path, description = "The request")), responses(
    (status = 200, description = "One notice per recipient told, or to be told"),
    (status = 404, description = "No such request", body = ApiError),
))]
pub async fn of_request(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<NoticeView>>, ApiError> {
    Ok(Json(
        outbox::of_request(&s.ws, &id).await.map_err(app_error)?,
    ))
}

/// Puts a notice given up on back to be delivered.
#[utoipa::path(post, path = "/api/outbox/{id}/resend", params(("id" = String, Path, description = "The notice")), responses(
    (status = 200, description = "To be delivered again"),
    (status = 404, description = "No such notice", body = ApiError),
    (status = 409, description = "The notice was not given up on", body = ApiError),
))]
pub async fn resend(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(outbox::resend(&s.ws, &id).await.map_err(app_error)?))
}

/// How staff told a recipient themselves.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Told {
    /// A call, a letter, a ticket in their portal: kept with the notice, not in the audit log.
    how: String,
}

/// Records that staff told the recipient of a manual or given-up notice.
#[utoipa::path(post, path = "/api/outbox/{id}/told", params(("id" = String, Path, description = "The notice")), request_body = Told, responses(
    (status = 200, description = "Recorded as told"),
    (status = 404, description = "No such notice", body = ApiError),
    (status = 409, description = "Not a notice for staff to tell", body = ApiError),
    (status = 422, description = "No word on how", body = ApiError),
))]
pub async fn told(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Told>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(outbox::told(&s.ws, &id, &body.how).await.map_err(
        |e| match e {
            skydd_app::AppError::Invalid(_) => app_error(e).at("how"),
            e => app_error(e),
        },
    )?))
}
