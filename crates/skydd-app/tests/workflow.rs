//! The request workflow (GDPR Art. 12) on the demo company's SQLite database, called as a
//! server would call it: a request received, verified, extended, refused, executed by the
//! engine of its kind, answered; every unlawful step refused with the law's words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{company, person};
use jiff::ToSpan as _;
use jiff::civil::Date;
use skydd_app::workflow::{
    self, AnswerRequest, Asked, CannotIdentifyRequest, Channel, ExecuteRequest, ExtendRequest,
    ReceiveRequest, RefuseRequest, RequestKind, Status, VerificationMethod, VerifyRequest,
};
use skydd_app::{AppError, Workspace, clock, rights};
use skydd_connect::Db;
use skydd_core::deadline::response_deadline;
use skydd_core::register::DbKind;
use skydd_core::workflow::{RefusalGround, Reminder};

const ANNA: &str = "anna.andersson@example.se";

fn days_ago(n: i64) -> Date {
    clock::today().checked_sub(n.days()).unwrap()
}

/// Receives a request of `kind` from `email`, received `received`, as of `today`.
async fn receive(
    ws: &Workspace,
    kind: RequestKind,
    email: &str,
    received: Date,
    today: Date,
    asked: Asked,
) -> String {
    workflow::receive(
        ws,
        ReceiveRequest {
            kind,
            channel: Channel::Email,
            subject: person(email),
            received,
            today,
            asked,
        },
    )
    .await
    .unwrap()
    .request
    .id
}

/// Receives a request of `kind` from Anna, today.
async fn receive_now(ws: &Workspace, kind: RequestKind) -> String {
    let today = clock::today();
    receive(ws, kind, ANNA, today, today, Asked::default()).await
}

async fn verify(ws: &Workspace, id: &str) -> Result<workflow::Step, AppError> {
    workflow::verify(
        ws,
        VerifyRequest {
            id: id.into(),
            method: VerificationMethod::EmailLink,
            by: "handler".into(),
            note: None,
            today: clock::today(),
        },
    )
    .await
}

async fn execute(
    ws: &Workspace,
    id: &str,
    out: Option<&std::path::Path>,
) -> Result<workflow::ExecuteOutcome, AppError> {
    workflow::execute(
        ws,
        ExecuteRequest {
            id: id.into(),
            out: out.map(std::path::Path::to_path_buf),
            today: clock::today(),
        },
    )
    .await
}

fn invalid<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn a_request_is_received_verified_extended_executed_and_answered() {
    let (dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let received = days_ago(5);
    let r = workflow::receive(
        &ws,
        ReceiveRequest {
            kind: RequestKind::Access,
            channel: Channel::Letter,
            subject: person(ANNA),
            received,
            today,
            asked: Asked::default(),
        },
    )
    .await
    .unwrap();
    assert_eq!(r.request.status, Status::Received);
    assert_eq!(r.deadline.due, response_deadline(received, 0));
    assert_eq!(r.request.due, response_deadline(received, 0).unwrap());
    assert_eq!(r.request.identities[0].value, ANNA);
    let id = r.request.id;

    let v = verify(&ws, &id).await.unwrap();
    assert_eq!(v.request.status, Status::Verified);
    assert_eq!(
        v.request.verification.as_ref().unwrap().method,
        "email_link"
    );

    let x = workflow::extend(
        &ws,
        ExtendRequest {
            id: id.clone(),
            months: 2,
            reasons: "the person holds several accounts".into(),
            by: "handler".into(),
            today,
        },
    )
    .await
    .unwrap();
    let extended = response_deadline(received, 2).unwrap();
    assert_eq!(
        x.request.status,
        Status::Verified,
        "an extension moves no status"
    );
    assert_eq!(x.request.due, extended);
    assert_eq!(x.request.extension.as_ref().unwrap().months, 2);

    let out = dir.path().join("utdrag");
    let e = execute(&ws, &id, Some(&out)).await.unwrap();
    assert!(e.done);
    assert_eq!(e.request.status, Status::Answered);
    assert!(out.join("access.json").exists());
    assert!(e.report["rows"].as_u64().unwrap() > 0, "{}", e.report);
    let shown = workflow::show(&ws, &id, today).await.unwrap();
    assert_eq!(shown.status, Status::Answered);
    assert!(shown.completed.is_some());
    assert_eq!(shown.due, extended);
    assert_eq!(shown.executions.len(), 1);
    assert_eq!(shown.executions[0].outcome, "done");
    assert_eq!(shown.executions[0].report, e.report);
    // Answered: no longer listed, and no further step.
    assert!(workflow::list(&ws, today).await.unwrap().is_empty());
    let again = workflow::withdraw(&ws, &id, today).await;
    assert!(invalid(again).contains("answered cannot become withdrawn"));
    ws.close().await;
}

#[tokio::test]
async fn an_extension_after_the_first_month_is_refused_with_the_laws_words() {
    let (_dir, register) = company().await;
    let ws = Workspace::load(&register).unwrap();
    let received = Date::constant(2026, 1, 12);
    let id = receive(
        &ws,
        RequestKind::Access,
        ANNA,
        received,
        Date::constant(2026, 1, 12),
        Asked::default(),
    )
    .await;
    let extend = |today: Date| {
        workflow::extend(
            &ws,
            ExtendRequest {
                id: id.clone(),
                months: 1,
                reasons: "complex".into(),
                by: "handler".into(),
                today,
            },
        )
    };
    // The first month ends Thursday 12 February 2026; the 13th is too late.
    let late = invalid(extend(Date::constant(2026, 2, 13)).await);
    assert_eq!(
        late,
        "the period can no longer be extended: the person must be told of an extension, with reasons, within the first month, which ended 2026-02-12 (GDPR art. 12.3)"
    );
    let r = workflow::show(&ws, &id, Date::constant(2026, 2, 13))
        .await
        .unwrap();
    assert!(r.extension.is_none());
    assert!(r.late, "past its only deadline");
    // On the last day it may; and two further months in all at most.
    let x = extend(Date::constant(2026, 2, 12)).await.unwrap();
    assert_eq!(x.request.due, Date::constant(2026, 3, 12));
    let more = workflow::extend(
        &ws,
        ExtendRequest {
            id: id.clone(),
            months: 2,
            reasons: "still complex".into(),
            by: "handler".into(),
            today: Date::constant(2026, 2, 12),
        },
    )
    .await;
    assert!(invalid(more).contains("at most two further months in all"));
    ws.close().await;
}

#[tokio::test]
async fn a_refusal_needs_reasons_and_tells_the_person_of_imy_and_the_courts() {
    let (_dir, register) = company().await;
    let ws = Workspace::load(&register).unwrap();
    let today = clock::today();
    let id = receive_now(&ws, RequestKind::Erasure).await;
    let refuse = |reasons: &str| {
        workflow::refuse(
            &ws,
            RefuseRequest {
                id: id.clone(),
                ground: RefusalGround::Excessive,
                reasons: reasons.into(),
                today,
            },
        )
    };
    let none = invalid(refuse("  ").await);
    assert_eq!(
        none,
        "a refusal needs reasons: the person must be told why (GDPR art. 12.4)"
    );
    let r = workflow::show(&ws, &id, today).await.unwrap();
    assert_eq!(r.status, Status::Received);
    assert!(r.refusal.is_none());

    let s = refuse("the fourth identical request this month")
        .await
        .unwrap();
    assert_eq!(s.request.status, Status::Refused);
    let refusal = s.request.refusal.as_ref().unwrap();
    assert_eq!(refusal.ground, "excessive");
    let remedies = s.remedies.as_ref().unwrap();
    assert!(remedies.sv.contains("Integritetsskyddsmyndigheten"));
    assert!(remedies.en.contains("judicial remedy"));
    assert!(s.notes.iter().any(|n| n.text.contains("burden")));
    let twice = invalid(refuse("again").await);
    assert_eq!(twice, "the request is already refused");
    ws.close().await;
}

#[tokio::test]
async fn a_request_of_a_person_not_identified_is_never_answered_or_executed() {
    let (dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let id = receive_now(&ws, RequestKind::Access).await;
    let answered = workflow::answer(
        &ws,
        AnswerRequest {
            id: id.clone(),
            note: Some("nothing found".into()),
            by: "handler".into(),
            today,
        },
    )
    .await;
    assert_eq!(
        invalid(answered),
        "a request that is received cannot become answered: verify the person first; nothing is disclosed or changed for someone not identified (GDPR art. 12.6)"
    );
    let out = dir.path().join("utdrag");
    let executed = execute(&ws, &id, Some(&out)).await;
    assert!(invalid(executed).contains("verify the person first"));
    assert!(!out.exists(), "nothing was disclosed");
    // Not identified, with what was asked of them; more information later verifies them.
    let c = workflow::cannot_identify(
        &ws,
        CannotIdentifyRequest {
            id: id.clone(),
            asked: "asked for the customer number on an invoice".into(),
            today,
        },
    )
    .await
    .unwrap();
    assert_eq!(c.request.status, Status::CannotIdentify);
    assert!(c.remedies.is_some());
    assert_eq!(
        c.request.identification_asked.as_deref(),
        Some("asked for the customer number on an invoice")
    );
    let executed = execute(&ws, &id, Some(&out)).await;
    assert!(invalid(executed).contains("cannot_identify cannot become in_progress"));
    assert_eq!(
        verify(&ws, &id).await.unwrap().request.status,
        Status::Verified
    );
    let r = workflow::show(&ws, &id, today).await.unwrap();
    assert!(r.executions.is_empty());
    ws.close().await;
}

#[tokio::test]
async fn two_handlers_verifying_at_once_one_wins_and_the_other_is_told() {
    let (_dir, register) = company().await;
    let a = Workspace::load(&register).unwrap();
    let b = Workspace::load(&register).unwrap();
    for _ in 0..5 {
        let id = receive_now(&a, RequestKind::Access).await;
        let (x, y) = tokio::join!(verify(&a, &id), verify(&b, &id));
        let wins = [&x, &y].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{x:?} {y:?}");
        let lost = if x.is_err() { x } else { y };
        match lost {
            // Moved between the other's read and write…
            Err(AppError::Moved(e)) => assert!(e.to_string().contains("someone else changed it")),
            // … or read after it.
            Err(AppError::Invalid(m)) => {
                assert_eq!(m, "a request that is verified cannot become verified");
            }
            other => panic!("{other:?}"),
        }
    }
    a.close().await;
    b.close().await;
}

#[tokio::test]
async fn an_erasure_request_executed_erases_and_its_report_is_attached_without_the_persons_data() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let id = receive_now(&ws, RequestKind::Erasure).await;
    verify(&ws, &id).await.unwrap();
    let e = execute(&ws, &id, None).await.unwrap();
    assert!(e.done, "{}", e.report);
    assert_eq!(e.request.status, Status::Answered);
    assert!(e.report["steps"].as_u64().unwrap() > 0, "{}", e.report);
    assert!(
        e.report["held"].as_u64().unwrap() > 0,
        "bookkeeping keeps invoices"
    );
    let stored = &workflow::show(&ws, &id, today).await.unwrap().executions[0];
    assert_eq!(stored.outcome, "done");
    assert_eq!(stored.report, e.report);
    assert!(
        !stored.report.to_string().contains("anna"),
        "{}",
        stored.report
    );
    // Erased: what the bookkeeping law keeps may serve only it (Art. 18(2)).
    let may = rights::may(&ws, &person(ANNA), "newsletter").await.unwrap();
    assert!(!may[0].allowed);
    ws.close().await;
}

/// An erasure the engine refuses (here: Anna's rows in a log the database gives no key,
/// which no statement can address) changes nothing, stays in progress with the failed run
/// and its blockers, and may be run again or answered with a note.
#[tokio::test]
async fn an_erasure_the_engine_refuses_stays_in_progress_with_its_failed_run() {
    let (dir, register) = company().await;
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &dir.path().join("webbplatsnu.sqlite").display().to_string(),
        None,
        false,
    )
    .await
    .unwrap();
    // One connection, one script: the table again, without its key; nor does the map
    // declare one.
    sqlx::raw_sql(
        "CREATE TABLE access_log_copy AS SELECT * FROM access_log;
         DROP TABLE access_log;
         ALTER TABLE access_log_copy RENAME TO access_log;",
    )
    .execute(db.pool())
    .await
    .unwrap();
    db.close().await;
    let map = dir.path().join("datamap.yml");
    let keyed = "      - name: access_log\n        fields:\n          - name: id\n            data_categories: [system.operations]\n            fides_meta: { primary_key: true }\n";
    let text = std::fs::read_to_string(&map).unwrap();
    assert!(text.contains(keyed));
    let unkeyed = keyed.replace("            fides_meta: { primary_key: true }\n", "");
    std::fs::write(&map, text.replace(keyed, &unkeyed)).unwrap();
    let ws = Workspace::open(&register, None).await.unwrap();
    let id = receive_now(&ws, RequestKind::Erasure).await;
    verify(&ws, &id).await.unwrap();
    let e = execute(&ws, &id, None).await.unwrap();
    assert!(!e.done);
    assert_eq!(e.request.status, Status::InProgress);
    let blockers = e.report["blockers"].as_array().unwrap();
    assert!(
        blockers
            .iter()
            .any(|b| b.as_str().unwrap().contains("access_log")),
        "{}",
        e.report
    );
    assert_eq!(e.request.executions[0].outcome, "failed");
    assert!(workflow::list(&ws, clock::today()).await.unwrap()[0].id == id);
    // Still open to the handler: a second run, or an answer telling the person why.
    let again = execute(&ws, &id, None).await.unwrap();
    assert!(!again.done && again.request.executions.len() == 2);
    let answered = workflow::answer(
        &ws,
        AnswerRequest {
            id: id.clone(),
            note: Some("told the person that the access log is erased by hand".into()),
            by: "handler".into(),
            today: clock::today(),
        },
    )
    .await
    .unwrap();
    assert_eq!(answered.request.status, Status::Answered);
    assert_eq!(answered.request.executions[2].outcome, "done");
    ws.close().await;
}

#[tokio::test]
async fn a_rectification_is_checked_against_the_data_map_when_received_and_applied_when_executed() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let today = clock::today();
    let asked = |set: &str| Asked {
        set: vec![set.into()],
        ..Asked::default()
    };
    let bad = workflow::receive(
        &ws,
        ReceiveRequest {
            kind: RequestKind::Rectification,
            channel: Channel::Web,
            subject: person(ANNA),
            received: today,
            today,
            asked: asked("customer.nmae=Anna Berg"),
        },
    )
    .await;
    assert!(invalid(bad).contains("did you mean `name`?"));
    assert!(
        !ws.state_file().exists(),
        "nothing was recorded, not even skydd's state"
    );
    let id = receive(
        &ws,
        RequestKind::Rectification,
        ANNA,
        today,
        today,
        asked("customer.name=Anna Berg"),
    )
    .await;
    verify(&ws, &id).await.unwrap();
    let e = execute(&ws, &id, None).await.unwrap();
    assert!(e.done, "{}", e.report);
    assert_eq!(e.report["fields_changed"], 1, "{}", e.report);
    ws.close().await;
}

#[tokio::test]
async fn open_requests_are_listed_by_the_deadline_in_force_with_days_left_and_reminders() {
    let (_dir, register) = company().await;
    let ws = Workspace::load(&register).unwrap();
    let today = Date::constant(2026, 3, 2);
    // Due 2026-03-10, then extended to 2026-04-10.
    let extended = receive(
        &ws,
        RequestKind::Access,
        ANNA,
        Date::constant(2026, 2, 10),
        today,
        Asked::default(),
    )
    .await;
    // Due 2026-03-20.
    let next = receive(
        &ws,
        RequestKind::Erasure,
        "bo@example.se",
        Date::constant(2026, 2, 20),
        today,
        Asked::default(),
    )
    .await;
    // Due 2026-02-02: late.
    let late = receive(
        &ws,
        RequestKind::Objection,
        "cecilia@example.se",
        Date::constant(2026, 1, 2),
        today,
        Asked {
            direct_marketing: true,
            ..Asked::default()
        },
    )
    .await;
    // Due 2026-03-05: the first month ends within five days.
    let soon = receive(
        &ws,
        RequestKind::Access,
        "david@example.se",
        Date::constant(2026, 2, 5),
        today,
        Asked::default(),
    )
    .await;
    let before: Vec<_> = workflow::list(&ws, today)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(before, [&*late, &soon, &extended, &next]);
    workflow::extend(
        &ws,
        ExtendRequest {
            id: extended.clone(),
            months: 1,
            reasons: "many systems to search".into(),
            by: "handler".into(),
            today,
        },
    )
    .await
    .unwrap();
    let list = workflow::list(&ws, today).await.unwrap();
    let order: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(order, [&late, &soon, &next, &extended]);
    let [l, s, n, x] = &list[..] else {
        panic!("{list:?}")
    };
    assert!(l.late && l.days_left == Some(-28) && l.reminder == Some(Reminder::Late));
    assert!(!s.late && s.days_left == Some(3) && s.reminder == Some(Reminder::FirstMonthEnds));
    assert!(!n.late && n.days_left == Some(18) && n.reminder.is_none());
    assert_eq!(x.due, Date::constant(2026, 4, 10));
    assert!(!x.late && x.days_left == Some(39) && x.reminder.is_none());
    ws.close().await;
}

#[tokio::test]
async fn a_request_must_be_received_after_the_gdpr_applied_and_not_after_today_and_ask_what_fits_its_kind()
 {
    let (dir, register) = company().await;
    let ws = Workspace::load(&register).unwrap();
    let today = Date::constant(2026, 3, 2);
    let receive = |kind, received, asked| {
        workflow::receive(
            &ws,
            ReceiveRequest {
                kind,
                channel: Channel::Phone,
                subject: person(ANNA),
                received,
                today,
                asked,
            },
        )
    };
    let early = receive(
        RequestKind::Access,
        Date::constant(2018, 5, 24),
        Asked::default(),
    );
    assert!(invalid(early.await).contains("is before 2018-05-25"));
    let later = receive(
        RequestKind::Access,
        Date::constant(2026, 3, 3),
        Asked::default(),
    );
    assert!(invalid(later.await).contains("after today (2026-03-02)"));
    let no_change = receive(RequestKind::Rectification, today, Asked::default());
    assert!(invalid(no_change.await).contains("GDPR art. 16"));
    let consent = Asked {
        purpose: Some("bookkeeping".into()),
        ..Asked::default()
    };
    let wrong = receive(RequestKind::ConsentWithdrawal, today, consent);
    assert!(invalid(wrong.await).contains("does not rest on consent"));
    let set = Asked {
        set: vec!["customer.name=Anna".into()],
        ..Asked::default()
    };
    let misplaced = receive(RequestKind::Erasure, today, set);
    assert!(invalid(misplaced.await).contains("only in a request of kind rectification"));
    assert!(
        !dir.path().join("skydd-state.sqlite").exists(),
        "nothing was recorded"
    );
}

#[tokio::test]
async fn a_fee_for_an_excessive_request_is_charged_once_with_its_reason_and_keeps_the_request_open()
{
    let (_dir, register) = company().await;
    let ws = Workspace::load(&register).unwrap();
    let id = receive_now(&ws, RequestKind::Access).await;
    let fee = |amount_ore: i64, reason: &str| workflow::FeeRequest {
        id: id.clone(),
        amount_ore,
        reason: reason.into(),
        today: clock::today(),
    };
    for (amount, reason) in [(0, "the fourth copy this month"), (25_000, "  ")] {
        assert!(matches!(
            workflow::charge_fee(&ws, fee(amount, reason)).await,
            Err(AppError::Invalid(_))
        ));
    }
    let step = workflow::charge_fee(
        &ws,
        fee(
            25_000,
            "the fourth identical request this month; 30 minutes of staff time",
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        step.request.status,
        workflow::Status::Received,
        "it stays where it stood"
    );
    let charged = step.request.fee.as_ref().unwrap();
    assert_eq!(charged.amount_ore, 25_000);
    assert!(step.notes[0].text.contains("burden"));
    assert!(matches!(
        workflow::charge_fee(&ws, fee(10_000, "again")).await,
        Err(AppError::Refused(m)) if m.contains("already")
    ));
    let (store, _) = ws.state(false).await.unwrap();
    let last = skydd_app::audit_log::latest(store, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(last.action, "request.fee_charged");
    assert_eq!(last.detail["fee"], 25_000);
    assert!(
        !last.detail.to_string().contains("staff time"),
        "the reason stays in the record"
    );
    workflow::withdraw(&ws, &id, clock::today()).await.unwrap();
    let other = receive_now(&ws, RequestKind::Access).await;
    workflow::withdraw(&ws, &other, clock::today())
        .await
        .unwrap();
    assert!(matches!(
        workflow::charge_fee(
            &ws,
            workflow::FeeRequest {
                id: other,
                amount_ore: 100,
                reason: "late".into(),
                today: clock::today()
            }
        )
        .await,
        Err(AppError::Invalid(m)) if m.contains("closed")
    ));
}
