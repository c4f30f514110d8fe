//! Restriction (Art. 18), objection (Art. 21), withdrawal of consent (Art. 7(3)), and the
//! question every processing asks first: may this purpose use this person's data?

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use skydd_app::clock;
use skydd_app::rights::{
    self, MayAnswer, ObjectRequest, ObjectTo, RestrictRequest, RightOutcome, WithdrawRequest,
};

use super::{AppState, Identities, app_error, received};
use crate::{ApiError, ApiJson};

/// May a purpose process a person's data?
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MayBody {
    /// The person.
    identities: Identities,
    /// The register's purpose id.
    purpose: String,
}

/// May `purpose` process the person's data? One answer per identity, with the record that
/// forbids it (a restriction, an objection, a withdrawn consent, an erasure's hold).
#[utoipa::path(post, path = "/api/may", request_body = MayBody, responses(
    (status = 200, description = "One answer per identity"),
    (status = 422, description = "An identity or purpose that does not read", body = ApiError),
))]
pub async fn may(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<MayBody>,
) -> Result<Json<Vec<MayAnswer>>, ApiError> {
    let subject = body.identities.subject(clock::today())?;
    let answers = rights::may(&s.ws, &subject, &body.purpose)
        .await
        .map_err(|e| app_error(e).at("purpose"))?;
    Ok(Json(answers))
}

/// A restriction of processing, or its lifting.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictBody {
    /// The person.
    identities: Identities,
    /// The purpose restricted; none: every purpose.
    #[serde(default)]
    purpose: Option<String>,
    /// Purposes still allowed (Art. 18(2): e.g. legal claims).
    #[serde(default)]
    allow: Vec<String>,
    /// Why, for the record.
    #[serde(default)]
    reason: Option<String>,
    /// Lift the restriction instead.
    #[serde(default)]
    lift: bool,
    /// The day the request was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
}

/// Records (or lifts) a restriction of processing (Art. 18).
#[utoipa::path(post, path = "/api/restrictions", request_body = RestrictBody, responses(
    (status = 200, description = "Recorded per identity, with the deadline"),
    (status = 422, description = "Bad input; nothing recorded", body = ApiError),
))]
pub async fn restrict(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<RestrictBody>,
) -> Result<Json<RightOutcome>, ApiError> {
    let today = clock::today();
    let req = RestrictRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        purpose: b.purpose,
        allow: b.allow,
        reason: b.reason,
        lift: b.lift,
    };
    Ok(Json(rights::restrict(&s.ws, req).await.map_err(app_error)?))
}

/// An objection, or its lifting.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectBody {
    /// The person.
    identities: Identities,
    /// The purpose objected to; leave out with `direct_marketing` to object to all of it.
    #[serde(default)]
    purpose: Option<String>,
    /// Object to every direct-marketing purpose (Art. 21(2), which needs no reasons).
    #[serde(default)]
    direct_marketing: bool,
    /// Why, for the record.
    #[serde(default)]
    reason: Option<String>,
    /// Lift the objection instead.
    #[serde(default)]
    lift: bool,
    /// The day the request was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
}

/// Records (or lifts) an objection (Art. 21).
#[utoipa::path(post, path = "/api/objections", request_body = ObjectBody, responses(
    (status = 200, description = "Recorded per identity and purpose"),
    (status = 422, description = "Bad input; nothing recorded", body = ApiError),
))]
pub async fn object(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<ObjectBody>,
) -> Result<Json<RightOutcome>, ApiError> {
    let today = clock::today();
    let to = match (b.purpose, b.direct_marketing) {
        (Some(p), false) => ObjectTo::Purpose(p),
        (None, true) => ObjectTo::DirectMarketing,
        _ => {
            return Err(
                ApiError::invalid("give either `purpose` or `direct_marketing: true`")
                    .at("purpose"),
            );
        }
    };
    let req = ObjectRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        to,
        reason: b.reason,
        lift: b.lift,
    };
    Ok(Json(rights::object(&s.ws, req).await.map_err(app_error)?))
}

/// A withdrawal of consent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    /// The person.
    identities: Identities,
    /// The purpose, which must rest on consent.
    purpose: String,
    /// The day it was received (YYYY-MM-DD); today if left out.
    #[serde(default)]
    received: Option<String>,
}

/// Records that consent to a purpose was withdrawn (Art. 7(3)).
#[utoipa::path(post, path = "/api/consent-withdrawals", request_body = WithdrawBody, responses(
    (status = 200, description = "Recorded per identity"),
    (status = 422, description = "Bad input, or a purpose that does not rest on consent", body = ApiError),
))]
pub async fn withdraw(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<WithdrawBody>,
) -> Result<Json<RightOutcome>, ApiError> {
    let today = clock::today();
    let req = WithdrawRequest {
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        purpose: b.purpose,
    };
    Ok(Json(rights::withdraw(&s.ws, req).await.map_err(app_error)?))
}
