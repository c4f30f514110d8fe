//! Who is calling, and may they: every `/api/` route names the [`Action`] it performs; a
//! request carries `Authorization: Bearer skydd_…` (an API token made with `skydd token
//! create`), and its role must allow the action. No token or a bad one is 401, a role too
//! small 403; neither says more than that.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use skydd_app::staff::{self, AuthError, Principal};
use skydd_core::staff::Action;

use crate::ApiError;
use crate::api::AppState;

/// Lets the request through when its token's role may do `action`; the [`Principal`] is
/// put in the request's extensions for the route.
pub async fn require(action: Action, s: AppState, mut req: Request, next: Next) -> Response {
    let Some(token) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return unauthorized("send an API token: `Authorization: Bearer skydd_…`");
    };
    let store = match s.ws.state(false).await {
        Ok((store, _)) => store,
        Err(e) => return crate::api::app_error(e).into_response(),
    };
    let principal: Principal = match staff::authenticate(store, token).await {
        Ok(p) => p,
        Err(AuthError::Denied(d)) => return unauthorized(&d.to_string()),
        Err(AuthError::Failed(e)) => return crate::api::app_error(e).into_response(),
    };
    if !principal.role.may(action) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "the role `{}` may not do this; it needs `{}`",
                principal.role,
                action.needs()
            ),
        )
        .into_response();
    }
    let actor = principal.actor();
    tracing::info!(actor = %actor, "authorised");
    req.extensions_mut().insert(principal);
    // Every audit entry the route appends names this token or user.
    skydd_app::acting_as(&actor, next.run(req)).await
}

fn unauthorized(why: &str) -> Response {
    let mut res = ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", why).into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    res
}
