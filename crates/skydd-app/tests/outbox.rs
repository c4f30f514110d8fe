//! Art. 19 end to end on the demo company: an erasure, a rectification and a restriction
//! each write a notice per recipient of the data they touched, in the same transaction;
//! the sender delivers them to a real webhook receiver and a real SMTP server on loopback,
//! retries a receiver that fails and gives up after `max_attempts`; staff resend or record
//! that they told a recipient themselves; the person can ask who was told.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use skydd_app::erase::{self, EraseRequest};
use skydd_app::rectify::{self, RectifyRequest};
use skydd_app::rights::{self, RestrictRequest};
use skydd_app::{Workspace, audit_log, clock, outbox};
use skydd_notify::smtp_sink::SmtpSink;
use skydd_store::StateStore;

const ANNA: &str = "anna.andersson@example.se";
const KEY: &str = "0123456789abcdef0123456789abcdef-webhook-key";

#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    status: Arc<Mutex<u16>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.seen.lock().unwrap().push((headers, body));
    StatusCode::from_u16(*r.status.lock().unwrap()).unwrap()
}

/// A webhook receiver on loopback answering `status`; its URL.
async fn receiver(status: u16) -> (Receiver, String) {
    let r = Receiver {
        status: Arc::new(Mutex::new(status)),
        ..Receiver::default()
    };
    let app = Router::new()
        .route("/notices", post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notices", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (r, url)
}

/// The demo company whose recipients are told: ilait by webhook, NameISP by e-mail,
/// Fortnox by staff.
async fn company(
    test: &str,
    webhook: &str,
    smtp: &str,
    max_attempts: u32,
) -> (tempfile::TempDir, Workspace) {
    let (dir, register) = common::company().await;
    std::fs::write(dir.path().join("ilait.key"), KEY).unwrap();
    let smtp_env = format!("SKYDD_TEST_{test}_SMTP_URL_UNSET");
    let text = std::fs::read_to_string(&register).unwrap();
    let text = text
        .replacen(
            "[[purpose]]",
            &format!(
                "[notifications]\nfrom = \"dataskydd@webbplatsnu.se\"\nsmtp_url_env = \"{smtp_env}\"\nmax_attempts = {max_attempts}\n\n[[purpose]]"
            ),
            1,
        )
        .replacen(
            "name = \"ilait AB\"\n",
            &format!(
                "name = \"ilait AB\"\nnotify = {{ webhook = \"{webhook}\", secret_file = \"ilait.key\" }}\n"
            ),
            1,
        )
        .replacen(
            "name = \"NameISP\"\n",
            "name = \"NameISP\"\nnotify = { email = \"privacy@nameisp.example\" }\n",
            1,
        )
        .replacen(
            "name = \"Fortnox AB\"\n",
            "name = \"Fortnox AB\"\nnotify = { manual = \"through Fortnox's support portal\" }\n",
            1,
        );
    std::fs::write(&register, text).unwrap();
    let ws = Workspace::open(&register, None).await.unwrap();
    // The register names the variable a deployment sets; the test gives the URL directly.
    ws.deliver_with(skydd_notify::DeliverySettings {
        smtp_url: Some(smtp.to_owned()),
        from: Some("dataskydd@webbplatsnu.se".into()),
        timeout: Some(Duration::from_secs(5)),
    })
    .unwrap();
    (dir, ws)
}

async fn erase_anna(ws: &Workspace) -> String {
    let today = clock::today();
    let done = erase::erase(
        ws,
        EraseRequest {
            subject: common::person(ANNA),
            today,
            received: today,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert!(!done.executed.is_empty());
    let (store, _) = ws.state(false).await.unwrap();
    store
        .requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.kind == "erasure")
        .unwrap()
        .id
}

fn by_recipient(list: &[outbox::NoticeView]) -> Vec<(&str, &str, &str)> {
    let mut v: Vec<(&str, &str, &str)> = list
        .iter()
        .map(|n| (n.recipient.as_str(), n.channel.as_str(), n.state.as_str()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn an_erasure_tells_each_recipient_of_the_erased_data_once_through_its_channel() {
    let (hook, url) = receiver(204).await;
    let sink = SmtpSink::start().await.unwrap();
    let (_dir, ws) = company("ERASE", &url, &sink.url(), 8).await;
    let request = erase_anna(&ws).await;

    // Written with the erasure: the processors of the customer data, and Fortnox for the
    // invoices past their seven years (those still kept by Bokföringslagen are not erased).
    let told = outbox::of_request(&ws, &request).await.unwrap();
    assert_eq!(
        by_recipient(&told),
        [
            ("fortnox", "manual", "manual"),
            ("ilait", "webhook", "pending"),
            ("nameisp", "email", "pending")
        ]
    );
    let (store, _) = ws.state(false).await.unwrap();
    let fortnox = store
        .notices_of_request(&request)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.recipient == "fortnox")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(fortnox.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["affected"]["fields"],
        serde_json::json!([
            "webbplatsnu.invoice.billing_address",
            "webbplatsnu.invoice.billing_name"
        ]),
        "only what Fortnox received"
    );

    let pass = outbox::deliver_due(&ws, "test-sender", 50).await.unwrap();
    assert_eq!((pass.claimed, pass.delivered, pass.dead), (2, 2, 0));

    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one POST");
    let (headers, body) = &seen[0];
    let ilait = told.iter().find(|n| n.recipient == "ilait").unwrap();
    assert_eq!(headers["idempotency-key"], ilait.id.as_str());
    skydd_notify::verify_signature(
        KEY.as_bytes(),
        headers["skydd-signature"].to_str().unwrap(),
        body,
        jiff::Timestamp::now(),
        Duration::from_secs(300),
    )
    .expect("signed with the recipient's key");
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["kind"], "erasure");
    assert_eq!(json["request"], request.as_str());
    assert_eq!(json["identities"][0]["value"], ANNA);
    assert!(
        json["affected"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.as_str().unwrap().starts_with("webbplatsnu.")),
        "{json}"
    );

    let mail = sink.wait_for(1, Duration::from_secs(5)).await.unwrap();
    assert_eq!(mail[0].to, ["privacy@nameisp.example"]);
    assert!(mail[0].body().contains(ANNA));

    // Delivered: what was sent is no longer kept, what stays says who was told and how.
    let told = outbox::of_request(&ws, &request).await.unwrap();
    assert_eq!(
        by_recipient(&told),
        [
            ("fortnox", "manual", "manual"),
            ("ilait", "webhook", "delivered"),
            ("nameisp", "email", "delivered")
        ]
    );
    for n in store.notices_of_request(&request).await.unwrap() {
        assert_eq!(
            n.body.is_none(),
            n.state == skydd_store::NoticeState::Delivered
        );
    }
    // A second pass finds nothing: nobody is told twice.
    let again = outbox::deliver_due(&ws, "test-sender", 50).await.unwrap();
    assert_eq!(again.claimed, 0);
    assert_eq!(hook.seen.lock().unwrap().len(), 1);
    let v = audit_log::verify(store, None).await.unwrap();
    assert!(matches!(v, audit_log::Verification::Intact { .. }), "{v:?}");
    ws.close().await;
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_retried_then_given_up_and_resent_by_staff() {
    let (hook, url) = receiver(503).await;
    let sink = SmtpSink::start().await.unwrap();
    let (dir, ws) = company("RETRY", &url, &sink.url(), 2).await;
    erase_anna(&ws).await;
    let pass = outbox::deliver_due(&ws, "s", 50).await.unwrap();
    assert_eq!((pass.delivered, pass.retrying, pass.dead), (1, 1, 0));
    // Not due again until its backoff has passed.
    assert_eq!(outbox::deliver_due(&ws, "s", 50).await.unwrap().claimed, 0);
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("skydd-state.sqlite").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'")
        .execute(&raw)
        .await
        .unwrap();
    let pass = outbox::deliver_due(&ws, "s", 50).await.unwrap();
    assert_eq!(pass.dead, 1, "the second of two tries failed: given up");
    let dead = outbox::list(&ws, Some("dead"), 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 2);
    assert!(dead[0].last_error.as_deref().unwrap().contains("503"));
    assert_eq!(hook.seen.lock().unwrap().len(), 2);
    let keys: Vec<String> = hook
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|(h, _)| h["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys[0], keys[1], "a retry carries the same idempotency key");

    // The receiver is back; staff resend.
    *hook.status.lock().unwrap() = 200;
    let resent = outbox::resend(&ws, &dead[0].id).await.unwrap();
    assert_eq!(resent.state, "pending");
    assert_eq!(
        outbox::deliver_due(&ws, "s", 50).await.unwrap().delivered,
        1
    );
    assert!(matches!(
        outbox::resend(&ws, "no-such-notice").await,
        Err(skydd_app::AppError::NotFound(_))
    ));
    ws.close().await;
}

#[tokio::test]
async fn a_rectification_tells_only_the_new_values_each_recipient_received() {
    let (hook, url) = receiver(200).await;
    let sink = SmtpSink::start().await.unwrap();
    let (_dir, ws) = company("RECTIFY", &url, &sink.url(), 8).await;
    let today = clock::today();
    let out = rectify::rectify(
        &ws,
        RectifyRequest {
            subject: common::person(ANNA),
            set: vec!["customer.name=Anna Berg".into()],
            today,
            received: today,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert!(!out.changes.is_empty());
    let pass = outbox::deliver_due(&ws, "s", 50).await.unwrap();
    assert_eq!(pass.delivered, 2);
    let seen = hook.seen.lock().unwrap().clone();
    let json: serde_json::Value = serde_json::from_slice(&seen[0].1).unwrap();
    assert_eq!(json["kind"], "rectification");
    assert_eq!(
        json["new_values"],
        serde_json::json!([{ "field": "webbplatsnu.customer.name", "value": "Anna Berg" }])
    );
    let mail = sink.wait_for(1, Duration::from_secs(5)).await.unwrap();
    assert!(mail[0].body().contains("Anna Berg"));
    ws.close().await;
}

#[tokio::test]
async fn a_restriction_and_its_lifting_are_told_and_staff_record_the_manual_recipient() {
    let (hook, url) = receiver(200).await;
    let sink = SmtpSink::start().await.unwrap();
    let (_dir, ws) = company("RESTRICT", &url, &sink.url(), 8).await;
    let restrict = |lift| RestrictRequest {
        subject: common::person(ANNA),
        purpose: None,
        allow: Vec::new(),
        reason: None,
        lift,
        received: clock::today(),
    };
    rights::restrict(&ws, restrict(false)).await.unwrap();
    // The same restriction again is nothing new to tell.
    rights::restrict(&ws, restrict(false)).await.unwrap();
    let all = outbox::list(&ws, None, 50).await.unwrap();
    assert_eq!(
        by_recipient(&all),
        [
            ("fortnox", "manual", "manual"),
            ("ilait", "webhook", "pending"),
            ("nameisp", "email", "pending")
        ]
    );
    let fortnox = all.iter().find(|n| n.recipient == "fortnox").unwrap();
    assert_eq!(
        fortnox.detail.as_deref(),
        Some("through Fortnox's support portal")
    );
    let told = outbox::told(&ws, &fortnox.id, "ticket 4711 in their portal")
        .await
        .unwrap();
    assert_eq!(told.state, "delivered");
    assert!(matches!(
        outbox::told(&ws, &fortnox.id, " ").await,
        Err(skydd_app::AppError::Invalid(_))
    ));
    rights::restrict(&ws, restrict(true)).await.unwrap();
    let pass = outbox::deliver_due(&ws, "s", 50).await.unwrap();
    assert_eq!(pass.delivered, 4);
    let kinds: Vec<String> = hook
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, b)| serde_json::from_slice::<serde_json::Value>(b).unwrap()["kind"].to_string())
        .collect();
    assert_eq!(kinds, ["\"restriction\"", "\"restriction_lifted\""]);
    drop(sink);
    ws.close().await;
}

#[tokio::test]
async fn the_daily_jobs_run_once_a_day_however_many_instances_try() {
    let (_dir, register) = common::company().await;
    let a = Workspace::open(&register, None).await.unwrap();
    a.state(true).await.unwrap();
    let b = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let schedule = skydd_app::jobs::Schedule::default();
    let (first, second) = tokio::join!(
        skydd_app::jobs::daily_jobs(&a, "instance-a", today, &schedule),
        skydd_app::jobs::daily_jobs(&b, "instance-b", today, &schedule),
    );
    let mut ran: Vec<&str> = first
        .unwrap()
        .iter()
        .chain(second.unwrap().iter())
        .map(|j| j.job)
        .collect();
    ran.sort_unstable();
    assert_eq!(
        ran,
        ["reminders", "retention"],
        "each job once, by one instance"
    );
    let later = skydd_app::jobs::daily_jobs(&a, "instance-a", today, &schedule)
        .await
        .unwrap();
    assert!(later.is_empty(), "and not again the same day");
    let (store, _) = a.state(false).await.unwrap();
    assert_eq!(store.runs().await.unwrap().len(), 1, "one retention run");
    let tomorrow = today.tomorrow().unwrap();
    let next = skydd_app::jobs::daily_jobs(&b, "instance-b", tomorrow, &schedule)
        .await
        .unwrap();
    assert_eq!(next.len(), 2, "tomorrow is another day");
    a.close().await;
    b.close().await;
}
