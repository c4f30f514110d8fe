//! What every route of skydd's API has, shown on a router with one test route: bad input is a
//! 4xx with a JSON error, never a 500; every answer carries a request id; requests are
//! counted by route template.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use http_body_util::BodyExt;
use serde::Deserialize;
use skydd_web::{ApiJson, layered};
use tower::ServiceExt;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct NewThing {
    name: String,
    count: u32,
}

fn app() -> Router {
    layered(
        Router::new()
            .route(
                "/things/{id}",
                post(|ApiJson(t): ApiJson<NewThing>| async move { t.name }),
            )
            .route("/boom", post(boom)),
    )
}

async fn send(req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let res = app().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, headers, json)
}

fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn a_valid_body_reaches_the_route() {
    let res = app()
        .oneshot(post_json("/things/1", r#"{"name":"a","count":1}"#))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_400_with_a_json_error() {
    let (status, _, json) = send(post_json("/things/1", r#"{"name":"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "malformed_json");
    assert_eq!(json["error"]["status"], 400);
}

#[tokio::test]
async fn an_unknown_field_or_a_wrong_type_is_422_naming_it() {
    let (status, _, json) = send(post_json(
        "/things/1",
        r#"{"name":"a","count":1,"colour":"red"}"#,
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    let (status, _, json) = send(post_json("/things/1", r#"{"name":"a","count":"1"}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json["error"]["message"].as_str().unwrap().contains("count"));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let req = Request::post("/things/1")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("name=a"))
        .unwrap();
    let (status, _, json) = send(req).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json["error"]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_413_before_it_is_read() {
    let big = format!(
        r#"{{"name":"{}","count":1}}"#,
        "x".repeat(skydd_web::BODY_LIMIT)
    );
    let (status, _, json) = send(post_json("/things/1", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json["error"]["code"], "too_large");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let (status, _, json) = send(Request::get("/nothing").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"]["code"], "not_found");
    let (status, _, json) = send(Request::get("/things/1").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_panic_is_a_json_500_that_tells_nothing_of_the_inside() {
    let (status, _, json) = send(Request::post("/boom").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("inside")
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_echoes_the_clients() {
    let (_, headers, _) = send(Request::get("/nothing").body(Body::empty()).unwrap()).await;
    assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36);
    let req = Request::get("/nothing")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(req).await;
    assert_eq!(headers["x-request-id"], "abc-123");
}

#[tokio::test]
async fn requests_are_counted_by_route_template_not_by_path() {
    send(post_json(
        "/things/secret-id-42",
        r#"{"name":"a","count":1}"#,
    ))
    .await;
    let text = skydd_web::telemetry::render();
    assert!(text.contains(r#"route="/things/{id}""#), "metrics:\n{text}");
    assert!(!text.contains("secret-id-42"));
}

async fn boom() -> &'static str {
    panic!("inside")
}
