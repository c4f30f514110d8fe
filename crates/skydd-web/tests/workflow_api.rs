//! The request workflow, the audit log, users and tokens through the API, on the demo
//! company: a request's life from receipt to answer, each step in the audit log under the
//! token that took it; a step the workflow forbids is 409 and writes nothing; unknown ids are
//! 404; a token made through the API works until it is revoked; no answer holds a password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use skydd_app::clock;
use skydd_core::staff::Role;
use skydd_web::app;
use tower::ServiceExt;

use common::{ANNA, Company, company};

/// An answer: status, headers, the body as JSON (`Null` when it is not) and as text.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
    text: String,
}

impl Company {
    /// The id of the token of `role` (its text is `skydd_<id>_<secret>`).
    fn token_id(&self, role: Role) -> String {
        self.tokens[&role].split('_').nth(1).unwrap().to_owned()
    }

    /// `req` sent with `Authorization: Bearer <token>`.
    async fn send_with(&self, token: &str, mut req: Request<Body>) -> Answer {
        req.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// As the owner.
    async fn send(&self, req: Request<Body>) -> Answer {
        self.send_with(&self.tokens[&Role::Owner], req).await
    }

    async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        let a = self.send(json_request("POST", uri, &body)).await;
        (a.status, a.body)
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let a = self
            .send(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        (a.status, a.body)
    }

    /// A request received today by e-mail from Anna: its id.
    async fn receive(&self, kind: &str, more: Value) -> String {
        let mut body = json!({
            "kind": kind,
            "channel": "email",
            "identities": { "email": [ANNA] },
        });
        for (k, v) in more.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = self.post("/api/requests", body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        answer["request"]["id"].as_str().unwrap().to_owned()
    }

    async fn request(&self, id: &str) -> Value {
        let (status, r) = self.get(&format!("/api/requests/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        r
    }

    /// The audit log's head hash, as `/api/audit-log/verify` gives it (the chain intact).
    async fn audit_head(&self) -> String {
        let (status, v) = self.get("/api/audit-log/verify").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "intact", "{v}");
        v["head"].as_str().unwrap().to_owned()
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

fn json_request(method: &str, uri: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Asserts a JSON error with `status` and `code`; gives its message.
fn error(status: StatusCode, code: &str, got: (StatusCode, Value)) -> String {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error"]["code"], code, "{}", got.1);
    got.1["error"]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_request_lives_through_the_api_from_receipt_to_answer_each_step_audited_under_its_token()
{
    let c = company().await;
    let today = clock::today();
    // Received: 201, and `Location` names it.
    let a = c
        .send(json_request(
            "POST",
            "/api/requests",
            &json!({ "kind": "access", "channel": "email", "identities": { "email": [ANNA] } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.body["request"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        a.headers[header::LOCATION].to_str().unwrap(),
        format!("/api/requests/{id}")
    );
    assert_eq!(a.body["request"]["status"], "received");
    let first_due = skydd_core::deadline::response_deadline(today, 0).unwrap();
    assert_eq!(a.body["deadline"]["due"], first_due.to_string());
    let r = c.request(&id).await;
    assert_eq!(r["status"], "received");
    assert_eq!(r["received"], today.to_string());
    assert_eq!(r["due"], first_due.to_string());
    let (_, open) = c.get("/api/requests").await;
    assert!(
        open.as_array().unwrap().iter().any(|r| r["id"] == id),
        "{open}"
    );

    let owner = format!("token:{}", c.token_id(Role::Owner));
    // Verified, by the calling token.
    let (status, step) = c
        .post(
            &format!("/api/requests/{id}/verify"),
            json!({ "method": "email_link" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    assert_eq!(step["request"]["status"], "verified");
    let r = c.request(&id).await;
    assert_eq!(r["status"], "verified");
    assert_eq!(r["verification"]["method"], "email_link");
    assert_eq!(r["verification"]["by"], owner);

    // Extended by two months, with reasons: the due date moves, counted from receipt.
    let (status, step) = c
        .post(
            &format!("/api/requests/{id}/extend"),
            json!({ "months": 2, "reasons": "the data is spread over several systems" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    let extended_due = skydd_core::deadline::response_deadline(today, 2).unwrap();
    assert!(extended_due > first_due);
    let r = c.request(&id).await;
    assert_eq!(r["status"], "verified");
    assert_eq!(r["due"], extended_due.to_string());
    assert_eq!(r["extension"]["months"], 2);
    assert_eq!(
        r["extension"]["reasons"],
        "the data is spread over several systems"
    );

    // Answered: closed, and no longer among the open requests.
    let (status, step) = c
        .post(
            &format!("/api/requests/{id}/answer"),
            json!({ "note": "sent the register extract by post" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    let r = c.request(&id).await;
    assert_eq!(r["status"], "answered");
    assert!(r["completed"].is_string(), "{r}");
    assert_eq!(r["executions"][0]["report"]["by"], owner);
    let (_, open) = c.get("/api/requests").await;
    assert!(
        !open.as_array().unwrap().iter().any(|r| r["id"] == id),
        "{open}"
    );

    // The audit log tells the request's life, each step under the owner's token.
    let (status, log) = c.get("/api/audit-log?after=0&limit=1000").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let entries = log["entries"].as_array().unwrap();
    let ours: Vec<&Value> = entries
        .iter()
        .filter(|e| e["object"] == format!("request:{id}"))
        .collect();
    let actions: Vec<&str> = ours.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "request.received",
            "request.verified",
            "request.extended",
            "request.answered",
            // The answer's note, kept as a run without the engine.
            "request.execution_started",
            "request.executed",
        ]
    );
    for e in &ours {
        assert_eq!(e["actor"], owner, "{e}");
    }
    assert_eq!(log["next_after"], Value::Null, "the page was not full");

    // And the chain holds, up to the last entry read.
    let (status, v) = c.get("/api/audit-log/verify").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "intact", "{v}");
    assert_eq!(v["entries"], entries.len());
    assert_eq!(v["head"], entries.last().unwrap()["hash"]);
    let (status, v) = c
        .get(&format!(
            "/api/audit-log/verify?head={}",
            entries.last().unwrap()["hash"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "intact", "{v}");
}

#[tokio::test]
async fn the_audit_log_is_read_in_pages_of_1_to_1000_entries() {
    let c = company().await;
    c.receive("access", json!({})).await;
    let (_, all) = c.get("/api/audit-log").await;
    let all = all["entries"].as_array().unwrap().clone();
    assert!(all.len() >= 3, "{all:?}");
    // Two at a time, from the start, following `next_after`.
    let mut read = Vec::new();
    let mut after = 0;
    loop {
        let (status, page) = c
            .get(&format!("/api/audit-log?after={after}&limit=2"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let entries = page["entries"].as_array().unwrap();
        assert!(entries.len() <= 2);
        read.extend(entries.iter().cloned());
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(read, all);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("after=-1", "after"),
        ("limit=many", "query"),
        ("after=1&offset=2", "query"),
    ] {
        let got = c.get(&format!("/api/audit-log?{query}")).await;
        assert_eq!(got.1["error"]["field"], field, "{query}: {}", got.1);
        error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    }
    let got = c.get("/api/audit-log/verify?head=abc").await;
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
}

#[tokio::test]
async fn a_step_the_workflow_forbids_is_a_409_and_writes_nothing() {
    let c = company().await;

    // A withdrawn request is closed: no step moves it again.
    let withdrawn = c.receive("access", json!({})).await;
    let (status, step) = c
        .post(&format!("/api/requests/{withdrawn}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    let head = c.audit_head().await;
    let steps = [
        ("answer", json!({})),
        ("verify", json!({ "method": "email_link" })),
        ("extend", json!({ "months": 1, "reasons": "many systems" })),
        (
            "refuse",
            json!({ "ground": "excessive", "reasons": "the fourth this month" }),
        ),
        ("withdraw", json!({})),
        (
            "cannot-identify",
            json!({ "asked": "the customer number on an invoice" }),
        ),
        ("execute", json!({})),
        (
            "fee",
            json!({ "amount_ore": 25000, "reason": "the fourth this month" }),
        ),
    ];
    for (step, body) in steps {
        let got = c
            .post(&format!("/api/requests/{withdrawn}/{step}"), body)
            .await;
        let message = error(StatusCode::CONFLICT, "workflow", got);
        assert!(message.contains("withdrawn"), "{step}: {message}");
    }
    assert_eq!(c.request(&withdrawn).await["status"], "withdrawn");
    assert_eq!(c.audit_head().await, head, "a forbidden step was written");

    // Extended by two months, it cannot be extended again.
    let id = c.receive("access", json!({})).await;
    let (status, step) = c
        .post(
            &format!("/api/requests/{id}/extend"),
            json!({ "months": 2, "reasons": "many systems" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    let due = c.request(&id).await["due"].clone();
    let head = c.audit_head().await;
    let got = c
        .post(
            &format!("/api/requests/{id}/extend"),
            json!({ "months": 1, "reasons": "still more systems" }),
        )
        .await;
    let message = error(StatusCode::CONFLICT, "workflow", got);
    assert!(message.contains("at most two further months"), "{message}");
    assert_eq!(c.request(&id).await["due"], due);
    assert_eq!(c.audit_head().await, head);

    // Nothing is answered or carried out for a person not identified (Art. 12(6)): an
    // erasure of an unverified request leaves Anna's data alone.
    let erasure = c.receive("erasure", json!({})).await;
    let head = c.audit_head().await;
    for step in ["answer", "execute"] {
        let got = c
            .post(&format!("/api/requests/{erasure}/{step}"), json!({}))
            .await;
        let message = error(StatusCode::CONFLICT, "workflow", got);
        assert!(message.contains("verify the person first"), "{message}");
    }
    assert_eq!(c.request(&erasure).await["status"], "received");
    assert!(c.may("newsletter").await, "the erasure ran");
    assert_eq!(c.audit_head().await, head);

    // Words that do not do are the caller's to fix: 422, not 409, and nothing written.
    for (body, field) in [
        (
            json!({ "months": 3, "reasons": "many systems" }),
            Some("months"),
        ),
        (json!({ "months": 1, "reasons": "  " }), None),
    ] {
        let got = c
            .post(&format!("/api/requests/{erasure}/extend"), body)
            .await;
        assert_eq!(got.1["error"]["field"].as_str(), field, "{}", got.1);
        error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    }
    let got = c
        .post(
            &format!("/api/requests/{erasure}/refuse"),
            json!({ "ground": "excessive", "reasons": "" }),
        )
        .await;
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    assert_eq!(c.audit_head().await, head);
}

#[tokio::test]
async fn an_unknown_request_or_token_is_a_404_json_error() {
    let c = company().await;
    let head = c.audit_head().await;
    let nobody = "0190f0c0-0000-7000-8000-000000000000";
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        c.get(&format!("/api/requests/{nobody}")).await,
    );
    for (step, body) in [
        ("verify", json!({ "method": "in_person" })),
        ("extend", json!({ "months": 1, "reasons": "many systems" })),
        (
            "refuse",
            json!({ "ground": "excessive", "reasons": "again" }),
        ),
        ("withdraw", json!({})),
        ("cannot-identify", json!({ "asked": "an invoice number" })),
        ("answer", json!({})),
        ("execute", json!({})),
    ] {
        let got = c
            .post(&format!("/api/requests/{nobody}/{step}"), body)
            .await;
        error(StatusCode::NOT_FOUND, "not_found", got);
    }
    let a = c
        .send(
            Request::delete("/api/tokens/00000000000000000000000000000000")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    error(StatusCode::NOT_FOUND, "not_found", (a.status, a.body));
    assert_eq!(c.audit_head().await, head);
}

#[tokio::test]
async fn an_objection_received_verified_and_executed_through_the_api_turns_may_to_no() {
    let c = company().await;
    assert!(c.may("newsletter").await);
    let id = c
        .receive("objection", json!({ "direct_marketing": true }))
        .await;
    let (status, _) = c
        .post(
            &format!("/api/requests/{id}/verify"),
            json!({ "method": "known_channel" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, run) = c
        .post(&format!("/api/requests/{id}/execute"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["done"], true, "{run}");
    assert_eq!(run["request"]["status"], "answered");
    assert!(!c.may("newsletter").await);

    // Access writes the person's files into a directory: the API does not, and runs nothing.
    let access = c.receive("access", json!({})).await;
    c.post(
        &format!("/api/requests/{access}/verify"),
        json!({ "method": "known_channel" }),
    )
    .await;
    let head = c.audit_head().await;
    let got = c
        .post(&format!("/api/requests/{access}/execute"), json!({}))
        .await;
    let message = error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    assert!(message.contains("skydd request execute"), "{message}");
    let r = c.request(&access).await;
    assert_eq!(r["status"], "verified");
    assert_eq!(r["executions"], json!([]));
    assert_eq!(c.audit_head().await, head);
}

#[tokio::test]
async fn a_request_that_does_not_read_is_refused_whole() {
    let c = company().await;
    let head = c.audit_head().await;
    for (body, field) in [
        (
            json!({ "kind": "access", "channel": "email", "identities": { "email": ["anna"] } }),
            Some("identities"),
        ),
        (
            json!({ "kind": "access", "channel": "email", "identities": { "email": [ANNA] }, "received": "2016-01-01" }),
            Some("received"),
        ),
        (
            json!({ "kind": "rectification", "channel": "email", "identities": { "email": [ANNA] } }),
            None,
        ),
        (
            json!({ "kind": "access", "channel": "email", "identities": { "email": [ANNA] }, "set": ["customer.name=Anna"] }),
            None,
        ),
        (
            json!({ "kind": "forgetting", "channel": "email", "identities": { "email": [ANNA] } }),
            None,
        ),
    ] {
        let got = c.post("/api/requests", body.clone()).await;
        assert_eq!(got.1["error"]["field"].as_str(), field, "{body}: {}", got.1);
        error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    }
    // `?all=true` is not quietly ignored: every request handled is `GET /api/log`.
    let got = c.get("/api/requests?all=true").await;
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);
    assert_eq!(c.audit_head().await, head);
}

#[tokio::test]
async fn a_token_made_through_the_api_works_until_revoked_and_no_answer_holds_a_password() {
    let c = company().await;
    let password = "korrekt häst batteri häftklammer";
    // A user: 201, without the password or its hash.
    let a = c
        .send(json_request(
            "POST",
            "/api/users",
            &json!({ "email": "Handlaggare@Webbplatsnu.se", "name": "Handläggare", "role": "handler", "password": password }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["email"], "handlaggare@webbplatsnu.se");
    assert_eq!(a.body["role"], "handler");
    let mut answers = vec![a.text];
    // A weak password, or one that is not a string, is refused without being quoted back.
    for (body, what) in [
        (
            json!({ "email": "kort@webbplatsnu.se", "name": "Kort", "role": "viewer", "password": "kort lösen" }),
            "kort lösen",
        ),
        (
            json!({ "email": "tal@webbplatsnu.se", "name": "Tal", "role": "viewer", "password": 918273645546372819_u64 }),
            "918273645546372819",
        ),
    ] {
        let a = c.send(json_request("POST", "/api/users", &body)).await;
        assert!(a.status.is_client_error(), "{}", a.body);
        assert!(a.body["error"]["message"].is_string(), "{}", a.body);
        assert!(!a.text.contains(what), "{}", a.text);
    }
    let users = c
        .send(Request::get("/api/users").body(Body::empty()).unwrap())
        .await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(
        users
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == "handlaggare@webbplatsnu.se"),
        "{}",
        users.body
    );
    answers.push(users.text);
    for text in &answers {
        assert!(!text.contains(password), "{text}");
        assert!(!text.contains("argon2"), "{text}");
        assert!(!text.contains("password"), "{text}");
    }

    // A token for the new handler: its text is in this answer and no other.
    let a = c
        .send(json_request(
            "POST",
            "/api/tokens",
            &json!({ "name": "the website's banner", "user_email": "handlaggare@webbplatsnu.se" }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        a.body["role"], "handler",
        "the user's role when none is given"
    );
    let text = a.body["text"].as_str().unwrap().to_owned();
    let token_id = a.body["id"].as_str().unwrap().to_owned();
    assert!(text.starts_with(&format!("skydd_{token_id}_")));
    let listed = c
        .send(Request::get("/api/tokens").body(Body::empty()).unwrap())
        .await;
    assert!(
        listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == token_id),
        "{}",
        listed.body
    );
    let secret = text.rsplit('_').next().unwrap();
    assert!(!listed.text.contains(secret), "{}", listed.text);

    // It works, for what a handler may do and no more.
    let get_requests = || Request::get("/api/requests").body(Body::empty()).unwrap();
    assert_eq!(
        c.send_with(&text, get_requests()).await.status,
        StatusCode::OK
    );
    let a = c
        .send_with(
            &text,
            Request::get("/api/users").body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    // Its actor is in the audit log for what it does.
    let a = c
        .send_with(
            &text,
            json_request(
                "POST",
                "/api/requests",
                &json!({ "kind": "access", "channel": "web", "identities": { "email": [ANNA] } }),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let (store, _) = c.state.ws.state(false).await.unwrap();
    let last = skydd_app::audit_log::latest(store, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(last.action, "request.received");
    assert_eq!(last.actor, format!("token:{token_id}"));

    // No more than its user: an owner's token for a handler is refused.
    let got = c
        .post(
            "/api/tokens",
            json!({ "name": "too much", "user_email": "handlaggare@webbplatsnu.se", "role": "owner" }),
        )
        .await;
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", got);

    // Revoked, it is refused; revoking it again changes nothing and says so.
    let a = c
        .send(
            Request::delete(format!("/api/tokens/{token_id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["already"], false);
    assert!(a.body["token"]["revoked_at"].is_string());
    let a = c.send_with(&text, get_requests()).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert_eq!(a.body["error"]["code"], "unauthorized");
    let a = c
        .send(
            Request::delete(format!("/api/tokens/{token_id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["already"], true);
}

#[tokio::test]
async fn the_openapi_document_describes_every_workflow_audit_and_staff_route() {
    let doc = serde_json::to_value(skydd_web::openapi_document()).unwrap();
    for (method, path) in [
        ("post", "/api/requests"),
        ("get", "/api/requests"),
        ("get", "/api/requests/{id}"),
        ("post", "/api/requests/{id}/verify"),
        ("post", "/api/requests/{id}/extend"),
        ("post", "/api/requests/{id}/refuse"),
        ("post", "/api/requests/{id}/withdraw"),
        ("post", "/api/requests/{id}/cannot-identify"),
        ("post", "/api/requests/{id}/answer"),
        ("post", "/api/requests/{id}/execute"),
        ("get", "/api/audit-log"),
        ("get", "/api/audit-log/verify"),
        ("get", "/api/users"),
        ("post", "/api/users"),
        ("get", "/api/tokens"),
        ("post", "/api/tokens"),
        ("delete", "/api/tokens/{id}"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not described");
        assert!(op["responses"].is_object(), "{method} {path}");
    }
    // The kinds a request may be are the core's, not a copy.
    let kinds = &doc["components"]["schemas"]["ReceiveBody"]["properties"]["kind"]["enum"];
    let expected: Vec<&str> = skydd_core::workflow::RequestKind::ALL
        .iter()
        .map(|k| k.key())
        .collect();
    assert_eq!(kinds, &json!(expected));
}

#[tokio::test]
async fn a_fee_is_charged_once_with_its_reason_and_the_request_stays_open() {
    let c = company().await;
    let id = c.receive("access", json!({})).await;
    let uri = format!("/api/requests/{id}/fee");
    let (status, err) = c
        .post(
            &uri,
            json!({ "amount_ore": 0, "reason": "the fourth this month" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let head = c.audit_head().await;
    let (status, step) = c
        .post(
            &uri,
            json!({ "amount_ore": 25000, "reason": "the fourth identical request this month" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    assert_eq!(step["request"]["status"], "received");
    assert_eq!(step["request"]["fee"]["amount_ore"], 25000);
    assert_ne!(c.audit_head().await, head);
    let head = c.audit_head().await;
    let (status, err) = c
        .post(&uri, json!({ "amount_ore": 100, "reason": "again" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(c.audit_head().await, head, "nothing written");
}
