//! The API on the demo company's SQLite database, called without a socket: each route
//! answers its service's outcome, bad input is a 4xx JSON error and writes nothing, and
//! the OpenAPI document describes every route.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use skydd_app::staff;
use skydd_core::staff::{Action, Role};
use skydd_web::app;
use tower::ServiceExt;

use common::{ANNA, Company, company};

impl Company {
    /// As the owner.
    async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        self.call_as(Some(Role::Owner), req).await
    }

    async fn call_as(&self, role: Option<Role>, mut req: Request<Body>) -> (StatusCode, Value) {
        if let Some(role) = role {
            let value = format!("Bearer {}", self.tokens[&role]);
            req.headers_mut()
                .insert(header::AUTHORIZATION, value.parse().unwrap());
        }
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.call(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn may(&self, purpose: &str) -> bool {
        let (status, body) = self
            .post(
                "/api/may",
                json!({ "identities": { "email": [ANNA] }, "purpose": purpose }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body[0]["allowed"].as_bool().unwrap()
    }
}

#[tokio::test]
async fn an_objection_to_direct_marketing_turns_may_to_no() {
    let c = company().await;
    assert!(c.may("newsletter").await);
    let (status, body) = c
        .post(
            "/api/objections",
            json!({ "identities": { "email": [ANNA] }, "direct_marketing": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["deadline"]["due"].is_string());
    assert!(!c.may("newsletter").await);
}

#[tokio::test]
async fn the_audit_log_names_the_token_that_made_each_change() {
    let c = company().await;
    let (store, _) = c.state.ws.state(false).await.unwrap();
    let before = skydd_app::audit_log::head(store).await.unwrap().seq;
    let (status, body) = c
        .post(
            "/api/objections",
            json!({ "identities": { "email": [ANNA] }, "direct_marketing": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let owner_token = staff::tokens(store)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "test owner")
        .unwrap();
    // Every entry the call appended (the restriction, and the request it is logged as).
    let entries = skydd_app::audit_log::entries(store, before, 100)
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e.action == "restriction.added"),
        "{entries:?}"
    );
    for entry in &entries {
        assert_eq!(
            entry.actor,
            format!("token:{}", owner_token.id),
            "{entry:?}"
        );
    }
}

#[tokio::test]
async fn an_erasure_through_the_api_keeps_the_bookkeeping_and_restricts_the_rest() {
    let c = company().await;
    let (status, body) = c
        .post(
            "/api/erasures",
            json!({ "identities": { "email": [ANNA] } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["executed"].as_array().unwrap().len() == 1);
    assert!(!c.may("newsletter").await);
    assert!(c.may("bookkeeping").await);
    // The access package then shows what was kept, and why.
    let (status, body) = c
        .post("/api/access", json!({ "identities": { "email": [ANNA] } }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body["held"].as_array().unwrap().is_empty(), "{body}");
}

#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field_and_records_nothing() {
    let c = company().await;
    let before = c.get("/api/log").await.1.as_array().unwrap().len();
    let cases = [
        (
            "/api/restrictions",
            json!({ "identities": { "email": ["anna"] } }),
            "identities",
        ),
        (
            "/api/restrictions",
            json!({ "identities": { "email": [ANNA] }, "received": "2026-02-30" }),
            "received",
        ),
        (
            "/api/restrictions",
            json!({ "identities": { "email": [ANNA] }, "purpose": "nosuch" }),
            "",
        ),
        (
            "/api/objections",
            json!({ "identities": { "email": [ANNA] } }),
            "purpose",
        ),
        (
            "/api/consent-withdrawals",
            json!({ "identities": { "email": [ANNA] }, "purpose": "bookkeeping" }),
            "",
        ),
        ("/api/erasures", json!({ "identities": {} }), "identities"),
        (
            "/api/rectifications",
            json!({ "identities": { "email": [ANNA] }, "set": ["customer.nosuch=1"] }),
            "set",
        ),
    ];
    for (uri, body, field) in cases {
        let (status, answer) = c.post(uri, body.clone()).await;
        assert!(status.is_client_error(), "{uri} {body} → {status} {answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
        if !field.is_empty() {
            assert_eq!(answer["error"]["field"], field, "{uri} {body}");
        }
    }
    let after = c.get("/api/log").await.1.as_array().unwrap().len();
    assert_eq!(before, after, "a refused request was recorded");
}

#[tokio::test]
async fn the_retention_plan_and_the_map_check_answer_in_json() {
    let c = company().await;
    let (status, body) = c.get("/api/retention/plan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["rows_due_in_all"].as_u64().unwrap() > 0);
    let (status, _) = c.get("/api/retention/plan?today=someday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = c.get("/api/retention/plan?tday=2026-01-01").await;
    assert!(status.is_client_error());
    let (status, body) = c.get("/api/map/check").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["findings"].is_array());
}

#[tokio::test]
async fn health_answers_and_openapi_describes_every_api_route() {
    let c = company().await;
    assert_eq!(c.get("/healthz").await.0, StatusCode::OK);
    let doc = serde_json::to_value(skydd_web::openapi_document()).unwrap();
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in [
        "/api/may",
        "/api/restrictions",
        "/api/objections",
        "/api/consent-withdrawals",
        "/api/access",
        "/api/erasures",
        "/api/rectifications",
        "/api/retention/plan",
        "/api/map/check",
        "/api/log",
        "/healthz",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    let (status, served) = c.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, doc);
}

/// Every route the OpenAPI document names, fed malformed JSON, an unknown field, a wrong
/// type, a body over the limit and a body that is not JSON: each answer is a 4xx with a JSON
/// error, and skydd's request log and audit log are unchanged. New routes are covered as
/// they are declared. A request's steps are sent to a real request still open, so a body
/// that slipped through would move it.
#[tokio::test]
async fn every_route_answers_bad_input_with_a_4xx_json_error_and_writes_nothing() {
    let c = company().await;
    let (status, received) = c
        .post(
            "/api/requests",
            json!({ "kind": "erasure", "channel": "email", "identities": { "email": [ANNA] } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{received}");
    let request = received["request"]["id"].as_str().unwrap();
    let before = c.get("/api/log").await.1;
    let head = |c: &Company| {
        let ws = c.state.ws.clone();
        async move {
            let (store, _) = ws.state(false).await.unwrap();
            skydd_app::audit_log::head(store).await.unwrap()
        }
    };
    let head_before = head(&c).await;
    let doc = serde_json::to_value(skydd_web::openapi_document()).unwrap();
    let mut routes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes += 1;
            let uri = if path.starts_with("/api/requests/") {
                path.replace("{id}", request)
            } else {
                path.replace("{id}", "no-such-id")
            };
            let bodies: Vec<(&str, String)> = vec![
                ("application/json", "{\"identities\":".into()),
                ("application/json", "{\"no_such_field\":1}".into()),
                ("application/json", "{\"identities\":\"anna\"}".into()),
                ("application/json", "[]".into()),
                (
                    "application/json",
                    format!("{{\"x\":\"{}\"}}", "a".repeat(skydd_web::BODY_LIMIT)),
                ),
                ("text/plain", "identities=anna".into()),
            ];
            for (media, body) in bodies {
                let req = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(format!("{uri}?no_such_param=1"))
                    .header(header::CONTENT_TYPE, media)
                    .body(Body::from(body.clone()))
                    .unwrap();
                let (status, answer) = c.call(req).await;
                if method == "get" && status == StatusCode::OK {
                    // A GET reads no body; an unknown query parameter must still not pass
                    // unnoticed unless the route takes no query at all.
                    continue;
                }
                assert!(
                    status.is_client_error(),
                    "{method} {uri} with {media} {:.60} → {status} {answer}",
                    body
                );
                assert!(
                    answer["error"]["code"].is_string(),
                    "{method} {uri}: {answer}"
                );
            }
        }
    }
    assert!(routes >= 27, "only {routes} routes in the OpenAPI document");
    assert_eq!(c.get("/api/log").await.1, before, "bad input was recorded");
    assert_eq!(head(&c).await, head_before, "bad input was audited");
    assert_eq!(
        c.get(&format!("/api/requests/{request}")).await.1["status"],
        "received"
    );
}

/// Every route needs a token, and a role that may do what the route does: no token or a
/// forged one is 401, a role too small 403, before anything is read or written.
#[tokio::test]
async fn every_route_is_authorised_for_every_role() {
    let c = company().await;
    let routes: [(&str, &str, Action); 32] = [
        ("POST", "/api/may", Action::Read),
        ("POST", "/api/restrictions", Action::RecordRights),
        ("POST", "/api/objections", Action::RecordRights),
        ("POST", "/api/consent-withdrawals", Action::RecordRights),
        ("POST", "/api/access", Action::HandleRequest),
        ("POST", "/api/erasures", Action::ChangeData),
        ("POST", "/api/rectifications", Action::ChangeData),
        ("GET", "/api/retention/plan", Action::Read),
        ("GET", "/api/map/check", Action::Read),
        ("GET", "/api/log", Action::Read),
        ("POST", "/api/requests", Action::RegisterRequest),
        ("GET", "/api/requests", Action::Read),
        ("GET", "/api/requests/no-such-id", Action::Read),
        (
            "POST",
            "/api/requests/no-such-id/verify",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/extend",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/refuse",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/withdraw",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/cannot-identify",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/answer",
            Action::HandleRequest,
        ),
        (
            "POST",
            "/api/requests/no-such-id/execute",
            Action::ChangeData,
        ),
        ("GET", "/api/audit-log", Action::ReadAuditLog),
        ("GET", "/api/audit-log/verify", Action::ReadAuditLog),
        ("GET", "/api/users", Action::ManageUsers),
        ("POST", "/api/users", Action::ManageUsers),
        ("GET", "/api/tokens", Action::ManageUsers),
        ("POST", "/api/tokens", Action::ManageUsers),
        ("DELETE", "/api/tokens/no-such-id", Action::ManageUsers),
        (
            "POST",
            "/api/requests/no-such-id/fee",
            Action::HandleRequest,
        ),
        ("GET", "/api/outbox", Action::Read),
        ("GET", "/api/requests/no-such-id/recipients", Action::Read),
        (
            "POST",
            "/api/outbox/no-such-id/resend",
            Action::HandleRequest,
        ),
        ("POST", "/api/outbox/no-such-id/told", Action::HandleRequest),
    ];
    // The table is every /api/ route (method and path) the OpenAPI document declares.
    let doc = serde_json::to_value(skydd_web::openapi_document()).unwrap();
    let mut declared: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/api/"))
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.to_uppercase(), p.replace("{id}", "no-such-id")))
        })
        .collect();
    let mut tabled: Vec<(String, String)> = routes
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    declared.sort();
    tabled.sort();
    assert_eq!(declared, tabled);
    let before = c.get("/api/log").await.1;
    // A body that does nothing: an identity that does not read.
    let body = json!({ "identities": { "email": ["not-an-address"] }, "purpose": "newsletter" });
    for (method, uri, action) in routes {
        let req = |forged: bool| {
            let mut r = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/json");
            if forged {
                r = r.header(
                    header::AUTHORIZATION,
                    format!("Bearer skydd_{}_{}", "0".repeat(32), "1".repeat(64)),
                );
            }
            r.body(Body::from(body.to_string())).unwrap()
        };
        let (status, answer) = c.call_as(None, req(false)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}: {answer}");
        let (status, _) = c.call_as(None, req(true)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} forged");
        for role in Role::ALL {
            let (status, answer) = c.call_as(Some(*role), req(false)).await;
            if role.may(action) {
                assert_ne!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {method} {uri}: {answer}"
                );
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{role} {method} {uri}");
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {method} {uri}: {answer}"
                );
            }
        }
    }
    assert_eq!(
        c.get("/api/log").await.1,
        before,
        "a refused call was recorded"
    );
}

/// Art. 19 over the API: a restriction writes a notice for each recipient of the restricted
/// data; the demo's register says nothing of how they are told, so each is a task for staff,
/// who record how they told it. The person may ask who was told.
#[tokio::test]
async fn the_recipients_told_of_a_restriction_are_listed_and_staff_record_telling_them() {
    let c = company().await;
    let (status, body) = c
        .post(
            "/api/restrictions",
            json!({ "identities": { "email": [ANNA] }, "purpose": "services" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let log = c.get("/api/log").await.1;
    let request = log
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "restriction")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, told) = c.get(&format!("/api/requests/{request}/recipients")).await;
    assert_eq!(status, StatusCode::OK, "{told}");
    let mut recipients: Vec<(&str, &str)> = told
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["recipient"].as_str().unwrap(),
                n["state"].as_str().unwrap(),
            )
        })
        .collect();
    recipients.sort_unstable();
    assert_eq!(
        recipients,
        [("ilait", "manual"), ("nameisp", "manual")],
        "the processors of the services purpose; Fortnox is bookkeeping's"
    );
    assert!(
        !told.to_string().contains(ANNA),
        "the listing shows no identity"
    );
    let id = told[0]["id"].as_str().unwrap().to_owned();
    let (status, err) = c
        .post(&format!("/api/outbox/{id}/told"), json!({ "how": " " }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (status, n) = c
        .post(
            &format!("/api/outbox/{id}/told"),
            json!({ "how": "phoned their DPO" }),
        )
        .await;
    assert_eq!(
        (status, n["state"].as_str()),
        (StatusCode::OK, Some("delivered"))
    );
    let (status, _) = c
        .post(&format!("/api/outbox/{id}/told"), json!({ "how": "again" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "told once");
    let (status, _) = c.post(&format!("/api/outbox/{id}/resend"), json!({})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only a notice given up on is resent"
    );
    let (status, _) = c.get("/api/requests/no-such-request/recipients").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, manual) = c.get("/api/outbox?state=manual").await;
    assert_eq!(
        (status, manual.as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
    let (status, _) = c.get("/api/outbox?state=sent").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
