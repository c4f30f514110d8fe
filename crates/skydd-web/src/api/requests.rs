//! The request workflow (GDPR Art. 12) over HTTP: a request received, verified, extended,
//! refused, withdrawn, found unidentifiable, answered or carried out, each step the
//! workflow service of `skydd-app`. A step the request's lifecycle does not allow now is 409;
//! input that does not read is 4xx like everywhere else; nothing is written either way.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use jiff::civil::Date;
use serde::Deserialize;
use skydd_app::workflow::{
    self, AnswerRequest, Asked, CannotIdentifyRequest, Channel, ExecuteOutcome, ExecuteRequest,
    ExtendRequest, ReceiveRequest, RefuseRequest, RequestKind, RequestView, Status, Step,
    VerificationMethod, VerifyRequest,
};
use skydd_app::{AppError, clock};
use skydd_core::workflow::{self as rules, RefusalGround, WorkflowError};

use super::{AppState, Caller, Id, Identities, OptionalBody, app_error, keys_schema, received};
use crate::{ApiError, ApiJson, ApiQuery};

fn kind_schema() -> utoipa::openapi::schema::Object {
    keys_schema(
        "What the person asks for (access: Art. 15, portability: 20, rectification: 16, erasure: 17, restriction: 18, objection: 21, consent_withdrawal: 7(3)).",
        RequestKind::ALL.iter().map(|k| k.key()),
    )
}

fn channel_schema() -> utoipa::openapi::schema::Object {
    keys_schema(
        "How the request reached the company; Art. 12 puts no form on a request.",
        Channel::ALL.iter().map(|c| c.key()),
    )
}

fn method_schema() -> utoipa::openapi::schema::Object {
    keys_schema(
        "How the person was identified, proportionately (EDPB Guidelines 01/2022 §§ 69–78); an identity document is not the default, and skydd keeps no copy of one.",
        VerificationMethod::ALL.iter().map(|m| m.key()),
    )
}

fn ground_schema() -> utoipa::openapi::schema::Object {
    keys_schema(
        "The ground of the refusal (Art. 12(5)(b), or an exception in the right or in law).",
        RefusalGround::ALL.iter().map(|g| g.key()),
    )
}

/// A request as it reaches the company.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveBody {
    /// What the person asks for.
    #[schema(schema_with = kind_schema)]
    kind: RequestKind,
    /// How it reached the company.
    #[schema(schema_with = channel_schema)]
    channel: Channel,
    /// The person, by the identities they gave.
    identities: Identities,
    /// The day it was received (YYYY-MM-DD); today if left out. The Art. 12(3) period runs
    /// from it.
    #[serde(default)]
    received: Option<String>,
    /// Rectification: the changes asked for, `COLLECTION.FIELD=VALUE` (checked against the
    /// data map now).
    #[serde(default)]
    set: Vec<String>,
    /// Restriction (none: every purpose), objection, consent withdrawal: the purpose.
    #[serde(default)]
    purpose: Option<String>,
    /// Restriction: purposes still allowed (Art. 18(2): e.g. legal claims).
    #[serde(default)]
    allow: Vec<String>,
    /// Objection: to every direct-marketing purpose (Art. 21(2)).
    #[serde(default)]
    direct_marketing: bool,
}

/// Records a request received, with the person's identities and what they ask, and its
/// deadline (Art. 12(3)). The person is not identified yet: nothing is read from the
/// company's databases. Answers 201 with `Location: /api/requests/{id}`.
#[utoipa::path(post, path = "/api/requests", request_body = ReceiveBody, responses(
    (status = 201, description = "Recorded: the request, its deadline and notes; `Location` names it"),
    (status = 422, description = "An identity, day, kind or asked change that does not read; nothing recorded", body = ApiError),
))]
pub async fn receive(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<ReceiveBody>,
) -> Result<impl IntoResponse, ApiError> {
    let today = clock::today();
    let req = ReceiveRequest {
        kind: b.kind,
        channel: b.channel,
        subject: b.identities.subject(today)?,
        received: received(b.received.as_deref(), today)?,
        today,
        asked: Asked {
            set: b.set,
            purpose: b.purpose,
            allow: b.allow,
            direct_marketing: b.direct_marketing,
        },
    };
    let outcome = workflow::receive(&s.ws, req).await.map_err(app_error)?;
    let location = format!("/api/requests/{}", outcome.request.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(outcome),
    ))
}

/// `GET /api/requests` takes no query: every request handled, closed ones too, is
/// `GET /api/log`; a parameter here (`?all=true`) is refused rather than ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// The requests still to be answered, the soonest due first (an extended one by its new
/// deadline), each with the days left, late ones marked, and today's reminder. Every request
/// handled, closed ones too, is `GET /api/log`.
#[utoipa::path(get, path = "/api/requests", responses(
    (status = 200, description = "The open requests, soonest due first"),
    (status = 422, description = "A query parameter: this route takes none", body = ApiError),
))]
pub async fn list(
    State(s): State<AppState>,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Json<Vec<RequestView>>, ApiError> {
    Ok(Json(
        workflow::list(&s.ws, clock::today())
            .await
            .map_err(app_error)?,
    ))
}

/// One request as it stands today: status, deadline (the extended one when extended),
/// verification, extension, refusal and the engine's runs.
#[utoipa::path(get, path = "/api/requests/{id}",
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request"),
        (status = 404, description = "No request has this id", body = ApiError),
    ))]
pub async fn show(State(s): State<AppState>, Id(id): Id) -> Result<Json<RequestView>, ApiError> {
    Ok(Json(
        workflow::show(&s.ws, &id, clock::today())
            .await
            .map_err(app_error)?,
    ))
}

/// The error of a step the service refused. The workflow service answers
/// [`AppError::Invalid`] both for input that does not do (a missing reason) and for a step
/// the request's lifecycle does not allow now (answering a withdrawn request, a third month
/// of extension); the second is about the request's state, not the caller's words, and is
/// answered 409 `workflow`. Which of the two it was is decided by reading the request again
/// and asking the core's rules through `objection`, so no rule is restated here; the
/// service's own words are kept when they are the rule's.
async fn step_error(
    s: &AppState,
    id: &str,
    today: Date,
    e: AppError,
    objection: impl FnOnce(&RequestView) -> Option<WorkflowError>,
) -> ApiError {
    let AppError::Invalid(text) = &e else {
        return app_error(e);
    };
    let Ok(now) = workflow::show(&s.ws, id, today).await else {
        return app_error(e);
    };
    match objection(&now) {
        Some(rule) => forbidden(&rule, Some(text)),
        None => app_error(e),
    }
}

/// 409 `workflow`: the step `rule` forbids, in the service's words when they are the rule's
/// (they may add what to do first), else in the rule's.
fn forbidden(rule: &WorkflowError, said: Option<&str>) -> ApiError {
    let rule = rule.to_string();
    let message = match said {
        Some(text) if text.starts_with(&rule) => text.to_owned(),
        _ => rule,
    };
    ApiError::new(StatusCode::CONFLICT, "workflow", message)
}

/// The lifecycle's objection to moving a request to `to`, if it has one.
fn moving_to(to: Status) -> impl FnOnce(&RequestView) -> Option<WorkflowError> {
    move |r| rules::check_transition(r.status, to).err()
}

/// A step's answer: the request after it, with remedies and notes.
type StepAnswer = Result<Json<Step>, ApiError>;

/// How the person was verified.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// How.
    #[schema(schema_with = method_schema)]
    method: VerificationMethod,
    /// Anything worth noting (never a copy of a document).
    #[serde(default)]
    note: Option<String>,
}

/// Records that the person is identified (Art. 12(6)), and how; recorded as verified by
/// the calling token. A person who could not be identified may be verified later with
/// more information (Art. 11(2)).
#[utoipa::path(post, path = "/api/requests/{id}/verify", request_body = VerifyBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, verified; notes"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "The request cannot be verified now (closed); nothing written", body = ApiError),
    ))]
pub async fn verify(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    ApiJson(b): ApiJson<VerifyBody>,
) -> StepAnswer {
    let today = clock::today();
    let req = VerifyRequest {
        id: id.clone(),
        method: b.method,
        by: caller.actor(),
        note: b.note,
        today,
    };
    match workflow::verify(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => Err(step_error(&s, &id, today, e, moving_to(Status::Verified)).await),
    }
}

/// An extension of the period.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// Further months: 1 or 2, and two in all at most.
    months: u8,
    /// Why, as told to the person.
    reasons: String,
}

/// Extends the period by one or two further months (two in all), counted from receipt,
/// with reasons told to the person, within the first month (Art. 12(3)).
#[utoipa::path(post, path = "/api/requests/{id}/extend", request_body = ExtendBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request with its new deadline; notes"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "No longer extendable: closed, past the first month, or already extended by two months; nothing written", body = ApiError),
        (status = 422, description = "Months other than 1 or 2, or no reasons", body = ApiError),
    ))]
pub async fn extend(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    ApiJson(b): ApiJson<ExtendBody>,
) -> StepAnswer {
    if !(1..=2).contains(&b.months) {
        return Err(ApiError::invalid(format!(
            "months: {} is not 1 or 2; the period may be extended by at most two further months (GDPR art. 12.3)",
            b.months
        ))
        .at("months"));
    }
    let today = clock::today();
    let months = b.months;
    let reasons = b.reasons.clone();
    let req = ExtendRequest {
        id: id.clone(),
        months,
        reasons: b.reasons,
        by: caller.actor(),
        today,
    };
    match workflow::extend(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => {
            let objection = |r: &RequestView| {
                let already = r.extension.as_ref().map_or(0, |x| x.months);
                // Missing reasons are the caller's to fix (422); the rest is the request's
                // state: closed, past the first month, or extended as far as it goes.
                rules::extend(r.received, r.status, already, months, today, &reasons)
                    .err()
                    .filter(|w| {
                        matches!(
                            w,
                            WorkflowError::Closed(_)
                                | WorkflowError::ExtensionTooLate { .. }
                                | WorkflowError::ExtensionTooLong { .. }
                        )
                    })
            };
            Err(step_error(&s, &id, today, e, objection).await)
        }
    }
}

/// A refusal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseBody {
    /// The ground.
    #[schema(schema_with = ground_schema)]
    ground: RefusalGround,
    /// Why, as told to the person.
    reasons: String,
}

/// Refuses a request with its ground and reasons; the answer carries the remedies the
/// person must be told of (Art. 12(4)).
#[utoipa::path(post, path = "/api/requests/{id}/refuse", request_body = RefuseBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, refused; the remedies to tell the person; notes"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "The request cannot be refused now (closed, or its person not identified); nothing written", body = ApiError),
        (status = 422, description = "No reasons", body = ApiError),
    ))]
pub async fn refuse(
    State(s): State<AppState>,
    Id(id): Id,
    ApiJson(b): ApiJson<RefuseBody>,
) -> StepAnswer {
    let today = clock::today();
    let req = RefuseRequest {
        id: id.clone(),
        ground: b.ground,
        reasons: b.reasons,
        today,
    };
    match workflow::refuse(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => Err(step_error(&s, &id, today, e, moving_to(Status::Refused)).await),
    }
}

/// A fee (Art. 12(5)(a)).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeBody {
    /// In öre (250 kr is 25000).
    amount_ore: i64,
    /// Why the request is manifestly unfounded or excessive, and how the fee follows the
    /// administrative costs (the company bears the burden of proof).
    reason: String,
}

/// Charges a reasonable fee for a manifestly unfounded or excessive request (Art. 12(5)(a));
/// the request stays where it stands.
#[utoipa::path(post, path = "/api/requests/{id}/fee", request_body = FeeBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, with its fee; notes"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "The request is closed, or has a fee already; nothing written", body = ApiError),
        (status = 422, description = "No reason, or an amount that is not positive", body = ApiError),
    ))]
pub async fn fee(
    State(s): State<AppState>,
    Id(id): Id,
    ApiJson(b): ApiJson<FeeBody>,
) -> StepAnswer {
    let today = clock::today();
    let req = workflow::FeeRequest {
        id: id.clone(),
        amount_ore: b.amount_ore,
        reason: b.reason,
        today,
    };
    match workflow::charge_fee(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        // A fee charged already is `Refused` (409); a closed request, 409 `workflow`.
        Err(e) => {
            let closed = |r: &RequestView| {
                r.status
                    .is_closed()
                    .then_some(WorkflowError::Closed(r.status))
            };
            Err(step_error(&s, &id, today, e, closed).await)
        }
    }
}

/// Nothing more than the path: no body, or `{}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}

/// Records that the person withdrew the request. The body is empty or `{}`.
#[utoipa::path(post, path = "/api/requests/{id}/withdraw",
    request_body(content = NoBody, description = "Nothing, or `{}`"),
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, withdrawn"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "The request is closed already; nothing written", body = ApiError),
    ))]
pub async fn withdraw(
    State(s): State<AppState>,
    Id(id): Id,
    OptionalBody(NoBody {}): OptionalBody<NoBody>,
) -> StepAnswer {
    let today = clock::today();
    match workflow::withdraw(&s.ws, &id, today).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => Err(step_error(&s, &id, today, e, moving_to(Status::Withdrawn)).await),
    }
}

/// A person who could not be identified.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannotIdentifyBody {
    /// What was asked of the person to identify them (Art. 11(2), 12(6)).
    asked: String,
}

/// Records that the person could not be identified (Art. 11(2), 12(2)), with what was
/// asked of them; when they answer, verify the request. The answer carries the remedies the
/// person must be told of (Art. 12(4)).
#[utoipa::path(post, path = "/api/requests/{id}/cannot-identify", request_body = CannotIdentifyBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, waiting on the person; the remedies to tell them"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "Not from where the request stands (verified, closed); nothing written", body = ApiError),
        (status = 422, description = "Nothing said of what was asked of the person", body = ApiError),
    ))]
pub async fn cannot_identify(
    State(s): State<AppState>,
    Id(id): Id,
    ApiJson(b): ApiJson<CannotIdentifyBody>,
) -> StepAnswer {
    let today = clock::today();
    let req = CannotIdentifyRequest {
        id: id.clone(),
        asked: b.asked,
        today,
    };
    match workflow::cannot_identify(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => Err(step_error(&s, &id, today, e, moving_to(Status::CannotIdentify)).await),
    }
}

/// An answer recorded without running the engine.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// What the person was told (e.g. that nothing was found, or nothing was to be done).
    /// The body may be left out when the answer needs no note.
    #[serde(default)]
    note: Option<String>,
}

/// Closes a verified request as answered, recorded as answered by the calling token; a
/// note is kept as an answer without a run of the engine. A late answer says so in the
/// notes. An unidentified person's request is never answered (Art. 12(6)).
#[utoipa::path(post, path = "/api/requests/{id}/answer", request_body = AnswerBody,
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request, answered; notes (a late answer)"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "Not answerable now: its person not identified, or closed; nothing written", body = ApiError),
    ))]
pub async fn answer(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    OptionalBody(b): OptionalBody<AnswerBody>,
) -> StepAnswer {
    let today = clock::today();
    let req = AnswerRequest {
        id: id.clone(),
        note: b.note,
        by: caller.actor(),
        today,
    };
    match workflow::answer(&s.ws, req).await {
        Ok(step) => Ok(Json(step)),
        Err(e) => Err(step_error(&s, &id, today, e, moving_to(Status::Answered)).await),
    }
}

/// Runs the engine of the request's kind for a verified person: an erasure, a
/// rectification, a restriction, an objection or a withdrawal of consent, with the
/// request's own identities and asked change. Answered when the engine carried it out;
/// otherwise it stays in progress and the report says why (an erasure's blockers, rows
/// other people share). Access and portability write the person's files into a directory
/// of the server, which the API does not choose for its callers: they are refused here
/// (`skydd request execute ID --out DIR`, or `POST /api/access` and then `…/answer`).
/// The body is empty or `{}`.
#[utoipa::path(post, path = "/api/requests/{id}/execute",
    request_body(content = NoBody, description = "Nothing, or `{}`"),
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The run: `done`, its report (counts, never the data), the request after it"),
        (status = 404, description = "No request has this id", body = ApiError),
        (status = 409, description = "Not from where the request stands (its person not identified, closed); nothing run", body = ApiError),
        (status = 422, description = "An access or portability request, which writes files: run it from the command line", body = ApiError),
    ))]
pub async fn execute(
    State(s): State<AppState>,
    Id(id): Id,
    OptionalBody(NoBody {}): OptionalBody<NoBody>,
) -> Result<Json<ExecuteOutcome>, ApiError> {
    let today = clock::today();
    // A run that failed may be run again: the request is already in progress.
    let objection = |r: &RequestView| {
        (r.status != Status::InProgress)
            .then(|| rules::check_transition(r.status, Status::InProgress).err())
            .flatten()
    };
    let r = workflow::show(&s.ws, &id, today).await.map_err(app_error)?;
    if matches!(r.kind, RequestKind::Access | RequestKind::Portability) {
        if let Some(rule) = objection(&r) {
            return Err(forbidden(&rule, None));
        }
        return Err(ApiError::invalid(format!(
            "a request of kind {} writes the person's files into a directory; the API writes no files on the server: run `skydd request execute {id} --out DIR`, or answer with POST /api/access and then POST /api/requests/{id}/answer",
            r.kind
        )));
    }
    let req = ExecuteRequest {
        id: id.clone(),
        out: None,
        today,
    };
    match workflow::execute(&s.ws, req).await {
        Ok(outcome) => Ok(Json(outcome)),
        Err(e) => Err(step_error(&s, &id, today, e, objection).await),
    }
}
