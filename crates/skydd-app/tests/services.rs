//! The use cases on the demo company's SQLite database (seed 004), called as a server
//! would call them: one workspace, typed requests, typed outcomes, notes as data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use skydd_app::access::{self, AccessRequest};
use skydd_app::erase::{self, EraseRequest};
use skydd_app::rectify::{self, RectifyRequest};
use skydd_app::rights::{self, RestrictRequest};
use skydd_app::{AppError, NoteKind, Subject, Workspace, clock, retention};

use common::company;

const ANNA: &str = "anna.andersson@example.se";

fn anna() -> Subject {
    common::person(ANNA)
}

#[tokio::test]
async fn reading_services_refuse_a_missing_state_and_recording_ones_say_they_created_it() {
    let (dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    // Answering "may we?" from no state at all would say yes to anyone.
    let err = rights::may(&ws, &anna(), "newsletter").await.unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
    assert!(!dir.path().join("skydd-state.sqlite").exists());
    let today = clock::today();
    let o = access::access(
        &ws,
        AccessRequest {
            subject: anna(),
            received: today,
            out: None,
            langs: Vec::new(),
            json: true,
        },
    )
    .await
    .unwrap();
    assert!(o.rows > 0);
    let created: Vec<_> = o
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Note && n.text.starts_with("created skydd's state"))
        .collect();
    assert_eq!(created.len(), 1, "{:?}", o.notes);
    let mut json = Vec::new();
    o.write_json(&mut json).unwrap();
    let pkg: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        pkg["identities"],
        serde_json::json!([format!("email:{ANNA}")])
    );
    let requests = rights::requests(&ws).await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].kind, "access");
    ws.close().await;
}

#[tokio::test]
async fn an_erasure_plans_applies_and_records_and_then_has_nothing_left_to_do() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let request = |dry_run| EraseRequest {
        subject: anna(),
        today,
        received: today,
        dry_run,
    };
    let dry = erase::erase(&ws, request(true)).await.unwrap();
    assert!(dry.plan.step_count() > 0 && dry.executed.is_empty());
    let done = erase::erase(&ws, request(false)).await.unwrap();
    assert!(!done.refused());
    assert!(!done.executed.is_empty());
    let again = erase::erase(&ws, request(true)).await.unwrap();
    assert_eq!(again.plan.step_count(), 0, "{:?}", again.plan.steps);
    // What the bookkeeping law keeps is restricted to it (Art. 18(2)).
    let answers = rights::may(&ws, &anna(), "newsletter").await.unwrap();
    assert!(!answers[0].allowed);
    let answers = rights::may(&ws, &anna(), "bookkeeping").await.unwrap();
    assert!(answers[0].allowed);
    ws.close().await;
}

#[tokio::test]
async fn bad_input_is_invalid_before_anything_is_written() {
    let (dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let err = rectify::rectify(
        &ws,
        RectifyRequest {
            subject: anna(),
            set: vec!["customer.nmae=Anna".into()],
            today,
            received: today,
            dry_run: false,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Invalid(m) if m.contains("did you mean `name`?")),
        "{err:?}"
    );
    let err = rights::restrict(
        &ws,
        RestrictRequest {
            subject: anna(),
            purpose: Some("nyhetsbrev".into()),
            allow: Vec::new(),
            reason: None,
            lift: false,
            received: today,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
    assert!(
        !dir.path().join("skydd-state.sqlite").exists(),
        "bad input writes nothing, not even skydd's state"
    );
    ws.close().await;
}

#[tokio::test]
async fn a_restricted_person_is_left_out_of_the_retention_plan() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    rights::restrict(
        &ws,
        RestrictRequest {
            subject: anna(),
            purpose: None,
            allow: Vec::new(),
            reason: Some("legal claim".into()),
            lift: false,
            received: today,
        },
    )
    .await
    .unwrap();
    let plan = retention::plan(&ws, today).await.unwrap();
    assert!(
        plan.jobs.iter().any(|c| !c.job.exclude.is_empty()),
        "{:?}",
        plan.jobs
            .iter()
            .map(|c| &c.job.collection)
            .collect::<Vec<_>>()
    );
    ws.close().await;
}
