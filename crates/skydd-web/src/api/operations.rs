//! Retention, the data map, and the request log.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use skydd_app::clock;
use skydd_app::map::{self, CheckOutcome};
use skydd_app::retention::{self, PlanOutcome};
use skydd_app::rights::{self, RequestItem};

use super::{AppState, app_error};
use crate::{ApiError, ApiQuery};

/// The day to plan for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// YYYY-MM-DD; today if left out.
    today: Option<String>,
}

/// What each retention rule would erase on a day, each row counted once.
#[utoipa::path(get, path = "/api/retention/plan", params(PlanQuery), responses(
    (status = 200, description = "The jobs and their counts"),
    (status = 422, description = "A day that does not read", body = ApiError),
))]
pub async fn retention_plan(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<PlanOutcome>, ApiError> {
    let today = clock::day(q.today.as_deref(), "today").map_err(|e| app_error(e).at("today"))?;
    Ok(Json(
        retention::plan(&s.ws, today).await.map_err(app_error)?,
    ))
}

/// The data map checked against the live databases and the register.
#[utoipa::path(get, path = "/api/map/check", responses(
    (status = 200, description = "Findings, errors first"),
))]
pub async fn map_check(State(s): State<AppState>) -> Result<Json<CheckOutcome>, ApiError> {
    Ok(Json(map::check(&s.ws).map_err(app_error)?))
}

/// Every data-subject request handled, with its deadline.
#[utoipa::path(get, path = "/api/log", responses(
    (status = 200, description = "The requests handled"),
))]
pub async fn log(State(s): State<AppState>) -> Result<Json<Vec<RequestItem>>, ApiError> {
    Ok(Json(rights::requests(&s.ws).await.map_err(app_error)?))
}
