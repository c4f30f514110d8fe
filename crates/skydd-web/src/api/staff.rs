//! The audit log (read a page, verify the chain), the company's staff who use skydd, and
//! their API tokens. No answer holds a password or a hash; a new token's text is in the
//! answer that created it, and nowhere else, ever.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Deserializer};
use skydd_app::audit_log::{self, Verification};
use skydd_app::staff::{self, AddUser, CreateToken, Revoked};
use skydd_core::auditlog::Entry;
use skydd_core::staff::Role;

use super::{AppState, Caller, Id, app_error, keys_schema};
use crate::{ApiError, ApiJson, ApiQuery};

/// The most entries one page of the audit log holds.
pub const MAX_AUDIT_PAGE: u32 = 1000;
/// Entries in a page when no `limit` is given.
const DEFAULT_AUDIT_PAGE: u32 = 100;

/// A page of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The entries after this position (0, the default: from the first).
    after: Option<i64>,
    /// At most this many entries: 1 to 1000, 100 if left out.
    limit: Option<u32>,
}

/// A page of the audit log, oldest first.
#[derive(Debug, serde::Serialize)]
pub struct AuditPage {
    /// The entries: position, time, actor (`token:<id>`, `user:<id>`, `cli:<os user>`),
    /// action, the record it concerns, ids and counts (never personal data), and the hash
    /// chain.
    pub entries: Vec<Entry>,
    /// The `after` of the next page, when this one was full; none at the log's end.
    pub next_after: Option<i64>,
}

/// The audit log, a page at a time, oldest first: who changed what in skydd's state, and
/// when. Read from `after=0` and go on with `next_after`.
#[utoipa::path(get, path = "/api/audit-log", params(AuditQuery), responses(
    (status = 200, description = "`entries`, and `next_after` when more follow"),
    (status = 422, description = "A position below 0, or a limit outside 1 to 1000", body = ApiError),
))]
pub async fn audit_log(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid(format!(
            "after: {after} is not a position; they start at 0"
        ))
        .at("after"));
    }
    let limit = q.limit.unwrap_or(DEFAULT_AUDIT_PAGE);
    if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
        return Err(ApiError::invalid(format!(
            "limit: {limit} entries; ask for 1 to {MAX_AUDIT_PAGE} at a time"
        ))
        .at("limit"));
    }
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    let entries = audit_log::entries(store, after, limit)
        .await
        .map_err(app_error)?;
    let full = u32::try_from(entries.len()).is_ok_and(|n| n == limit);
    let next_after = entries.last().map(|e| e.seq).filter(|_| full);
    Ok(Json(AuditPage {
        entries,
        next_after,
    }))
}

/// A head to check the log against.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// A head hash exported earlier (64 hexadecimal digits): the log must still reach it,
    /// which is how entries cut from its end are found.
    head: Option<String>,
}

/// Verifies the audit log's hash chain from its first entry, in pages: `intact` with the
/// number of entries and the head hash (publish it, or keep it apart from skydd's state), or
/// `broken` with the first entry altered, unlinked or out of place.
#[utoipa::path(get, path = "/api/audit-log/verify", params(VerifyQuery), responses(
    (status = 200, description = "`{status: intact, entries, head}` or `{status: broken, broken, message}`"),
    (status = 422, description = "A head that is not 64 hexadecimal digits", body = ApiError),
))]
pub async fn verify_audit_log(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<VerifyQuery>,
) -> Result<Json<Verification>, ApiError> {
    let head = q
        .head
        .as_deref()
        .map(audit_log::parse_head)
        .transpose()
        .map_err(|e| app_error(e).at("head"))?;
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    Ok(Json(
        audit_log::verify(store, head.as_deref())
            .await
            .map_err(app_error)?,
    ))
}

/// The company's staff who use skydd, with their roles (never their passwords' hashes).
#[utoipa::path(get, path = "/api/users", responses(
    (status = 200, description = "Every user"),
))]
pub async fn users(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    Ok(Json(staff::users(store).await.map_err(app_error)?))
}

fn role_schema() -> utoipa::openapi::schema::Object {
    keys_schema(
        "A staff role: viewers read, handlers answer requests, owners also manage users, tokens and retention runs.",
        Role::ALL.iter().map(|r| r.key()),
    )
}

/// A user to add. Not `Debug`: it holds a password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddUserBody {
    /// The e-mail address they log in with.
    email: String,
    /// The name shown.
    name: String,
    /// What they may do.
    #[schema(schema_with = role_schema)]
    role: Role,
    /// At least 12 characters (a passphrase of a few words is easiest); kept only as its
    /// argon2id hash, and never answered.
    #[serde(deserialize_with = "password")]
    password: String,
}

/// A password: a JSON string. Anything else is refused without quoting it, as serde's own
/// "invalid type" message would.
fn password<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(p) => Ok(p),
        _ => Err(serde::de::Error::custom(
            "password: give the password as a JSON string",
        )),
    }
}

/// Adds a user: the address checked and lower-cased, the password refused when weak and
/// kept only as its argon2id hash. Answers 201 with the user, without the password.
#[utoipa::path(post, path = "/api/users", request_body = AddUserBody, responses(
    (status = 201, description = "The user added (no password, no hash)"),
    (status = 422, description = "An address that does not read or is taken, an empty name, a password too short or too long", body = ApiError),
))]
pub async fn add_user(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<AddUserBody>,
) -> Result<impl IntoResponse, ApiError> {
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    let user = staff::add_user(
        store,
        AddUser {
            email: b.email,
            name: b.name,
            role: b.role,
            password: b.password,
        },
    )
    .await
    .map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Every API token, without secrets: whose, what for, its role, when it expires, was last
/// used or was revoked.
#[utoipa::path(get, path = "/api/tokens", responses(
    (status = 200, description = "Every token, without its secret"),
))]
pub async fn tokens(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    Ok(Json(staff::tokens(store).await.map_err(app_error)?))
}

/// A token to create.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenBody {
    /// What it is for (`the website's banner`, `CI`).
    name: String,
    /// Whose: the user's e-mail address; the calling token's user if left out.
    #[serde(default)]
    user_email: Option<String>,
    /// Its role: the user's if left out, and never more.
    #[serde(default)]
    #[schema(schema_with = role_schema)]
    role: Option<Role>,
    /// Valid for this many days (1 to 3650); without expiry if left out.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// Creates an API token: `text` (`skydd_<id>_<secret>`) is in this answer only; skydd keeps
/// a hash of its secret. Answers 201, not to be cached.
#[utoipa::path(post, path = "/api/tokens", request_body = CreateTokenBody, responses(
    (status = 201, description = "The token, and its `text`, shown this once"),
    (status = 404, description = "No user has the address given", body = ApiError),
    (status = 409, description = "The user is disabled", body = ApiError),
    (status = 422, description = "An empty name, a role above the user's, an expiry outside 1 to 3650 days", body = ApiError),
))]
pub async fn create_token(
    State(s): State<AppState>,
    Caller(caller): Caller,
    ApiJson(b): ApiJson<CreateTokenBody>,
) -> Result<impl IntoResponse, ApiError> {
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    let user_email = match b.user_email {
        Some(e) => e,
        None => staff::users(store)
            .await
            .map_err(app_error)?
            .into_iter()
            .find(|u| u.id == caller.user_id)
            .map(|u| u.email)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "the calling token's user is not there; give `user_email`",
                )
                .at("user_email")
            })?,
    };
    let created = staff::create_token(
        store,
        CreateToken {
            user_email,
            name: b.name,
            role: b.role,
            expires_in_days: b.expires_in_days,
        },
    )
    .await
    .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(created),
    ))
}

/// Revokes a token: from now on it is refused (401). Revoking a revoked token changes
/// nothing and says so (`already`).
#[utoipa::path(delete, path = "/api/tokens/{id}",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 200, description = "The token now, and whether it had been revoked before"),
        (status = 404, description = "No token has this id", body = ApiError),
    ))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Id(id): Id,
) -> Result<Json<Revoked>, ApiError> {
    let (store, _) = s.ws.state(false).await.map_err(app_error)?;
    Ok(Json(
        staff::revoke_token(store, &id).await.map_err(app_error)?,
    ))
}
