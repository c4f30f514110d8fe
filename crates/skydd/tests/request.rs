//! The request workflow (GDPR Art. 12) through the `skydd` binary, on the demo company's
//! SQLite database: `skydd request …` and `skydd requests`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, skydd};
use jiff::ToSpan as _;
use skydd_core::deadline::response_deadline;

const ANNA: &str = "anna.andersson@example.se";

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .date()
}

fn days_ago(n: i64) -> jiff::civil::Date {
    today().checked_sub(n.days()).unwrap()
}

/// The demo company in a fresh directory, its story seeded as of today.
async fn company() -> (tempfile::TempDir, PathBuf) {
    common::demo_company(today()).await
}

/// `skydd request new --kind KIND --channel email --email EMAIL [more]`: the new id.
fn new(dir: &Path, kind: &str, email: &str, more: &[&str]) -> String {
    let mut args = vec![
        "request",
        "new",
        "--kind",
        kind,
        "--channel",
        "email",
        "--email",
        email,
        "--json",
    ];
    args.extend(more);
    let r = skydd(dir, &args, &[]);
    assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    r.json()["request"]["id"].as_str().unwrap().to_owned()
}

/// `skydd request ARGS…` for request `id`.
fn step(dir: &Path, what: &str, id: &str, more: &[&str]) -> Run {
    let mut args = vec!["request", what, id];
    args.extend(more);
    skydd(dir, &args, &[])
}

fn show(dir: &Path, id: &str) -> serde_json::Value {
    let r = step(dir, "show", id, &["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

#[tokio::test]
async fn a_request_is_received_verified_extended_executed_and_answered() {
    let (_t, dir) = company().await;
    let received = days_ago(3);
    let r = skydd(
        &dir,
        &[
            "request",
            "new",
            "--kind",
            "access",
            "--channel",
            "letter",
            "--email",
            ANNA,
            "--received",
            &received.to_string(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let due = response_deadline(received, 0).unwrap();
    assert!(
        r.stdout.contains(&format!(
            "Received {received}; answer by {due} (GDPR art. 12.3)."
        )),
        "{}",
        r.stdout
    );
    let id = r
        .stdout
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(':');
    let v = step(
        &dir,
        "verify",
        id,
        &["--method", "email_link", "--by", "eva"],
    );
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert!(v.stdout.contains("is verified"), "{}", v.stdout);
    let x = step(
        &dir,
        "extend",
        id,
        &["--months", "2", "--reason", "several systems to search"],
    );
    assert_eq!(x.code, 0, "{}", x.stderr);
    let out = dir.join("utdrag");
    let e = step(&dir, "execute", id, &["--out", out.to_str().unwrap()]);
    assert_eq!(e.code, 0, "{}{}", e.stdout, e.stderr);
    assert!(
        e.stdout.contains("carried out and answered"),
        "{}",
        e.stdout
    );
    assert!(out.join("access.json").exists());

    let s = show(&dir, id);
    assert_eq!(s["status"], "answered");
    assert_eq!(s["channel"], "letter");
    assert_eq!(s["verification"]["by"], "eva");
    assert_eq!(s["extension"]["months"], 2);
    assert_eq!(
        s["due"],
        response_deadline(received, 2).unwrap().to_string()
    );
    assert_eq!(s["executions"][0]["outcome"], "done");
    assert!(s["executions"][0]["report"]["rows"].as_u64().unwrap() > 0);
    let text = step(&dir, "show", id, &[]);
    assert!(
        text.stdout.contains("extended    by 2 month(s)"),
        "{}",
        text.stdout
    );
    let open = skydd(&dir, &["requests"], &[]);
    assert!(
        open.stdout.starts_with("No open requests."),
        "{}",
        open.stdout
    );
}

#[tokio::test]
async fn an_extension_after_the_first_month_is_refused_with_the_laws_words() {
    let (_t, dir) = company().await;
    let received = today().checked_sub(2.months()).unwrap();
    let id = new(&dir, "access", ANNA, &["--received", &received.to_string()]);
    let r = step(
        &dir,
        "extend",
        &id,
        &["--months", "1", "--reason", "complex"],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let first = response_deadline(received, 0).unwrap();
    assert!(
        r.stderr.contains(&format!(
            "the person must be told of an extension, with reasons, within the first month, which ended {first} (GDPR art. 12.3)"
        )),
        "{}",
        r.stderr
    );
    assert!(show(&dir, &id).get("extension").is_none());
    // Three months are not an extension Art. 12(3) knows.
    let r = step(&dir, "extend", &id, &["--months", "3", "--reason", "x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[tokio::test]
async fn a_refusal_without_reasons_is_refused_and_one_with_them_names_imy_and_the_courts() {
    let (_t, dir) = company().await;
    let id = new(&dir, "erasure", ANNA, &[]);
    let r = step(
        &dir,
        "refuse",
        &id,
        &["--ground", "manifestly_unfounded", "--reason", " "],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a refusal needs reasons: the person must be told why (GDPR art. 12.4)"),
        "{}",
        r.stderr
    );
    assert_eq!(show(&dir, &id)["status"], "received");
    let r = step(
        &dir,
        "refuse",
        &id,
        &[
            "--ground",
            "excessive",
            "--reason",
            "the fourth identical request this month",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("is refused"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Integritetsskyddsmyndigheten (IMY)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("judicial remedy"), "{}", r.stdout);
    assert!(r.stderr.contains("burden"), "{}", r.stderr);
    let r = step(&dir, "refuse", &id, &["--ground", "excessive", "--json"]);
    assert_eq!(r.code, 2, "--reason is required: {}", r.stderr);
}

#[tokio::test]
async fn answering_or_executing_a_request_of_a_person_not_verified_is_refused() {
    let (_t, dir) = company().await;
    let id = new(&dir, "access", ANNA, &[]);
    let r = step(&dir, "answer", &id, &["--note", "nothing found"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a request that is received cannot become answered: verify the person first"),
        "{}",
        r.stderr
    );
    let out = dir.join("utdrag");
    let r = step(&dir, "execute", &id, &["--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!out.exists(), "nothing was disclosed");
    assert_eq!(show(&dir, &id)["status"], "received");
}

#[tokio::test]
async fn processes_verifying_one_request_at_once_leave_one_winner() {
    let (_t, dir) = company().await;
    let id = new(&dir, "access", ANNA, &[]);
    let bin = env!("CARGO_BIN_EXE_skydd");
    let children: Vec<_> = (0..6)
        .map(|i| {
            Command::new(bin)
                .current_dir(&dir)
                .env_remove("SKYDD_REGISTER")
                .env("NO_COLOR", "1")
                .args(["request", "verify", &id, "--method", "known_channel"])
                .args(["--by", &format!("handler-{i}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut wins = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            wins += 1;
        } else {
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert!(
                err.contains("someone else changed it")
                    || err.contains("a request that is verified cannot become verified"),
                "{err}"
            );
        }
    }
    assert_eq!(wins, 1);
    let by = show(&dir, &id)["verification"]["by"].clone();
    assert!(by.as_str().unwrap().starts_with("handler-"), "{by}");
}

#[tokio::test]
async fn an_erasure_request_executed_erases_and_its_report_is_attached() {
    let (_t, dir) = company().await;
    let id = new(&dir, "erasure", ANNA, &[]);
    assert_eq!(
        step(&dir, "verify", &id, &["--method", "email_link"]).code,
        0
    );
    let r = step(&dir, "execute", &id, &["--json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = r.json()["report"].clone();
    assert!(report["steps"].as_u64().unwrap() > 0, "{report}");
    let s = show(&dir, &id);
    assert_eq!(s["status"], "answered");
    assert_eq!(s["executions"][0]["report"], report);
    // Erased: the newsletter may no longer use her address (exit 1: no).
    let may = skydd(
        &dir,
        &["may", "--purpose", "newsletter", "--email", ANNA],
        &[],
    );
    assert_eq!(may.code, 1, "{}", may.stdout);
}

#[tokio::test]
async fn requests_lists_open_ones_by_the_deadline_in_force_and_marks_the_late() {
    let (_t, dir) = company().await;
    let extended = new(
        &dir,
        "access",
        ANNA,
        &["--received", &days_ago(20).to_string()],
    );
    let next = new(
        &dir,
        "erasure",
        "bo@example.se",
        &["--received", &days_ago(10).to_string()],
    );
    let received = today().checked_sub(2.months()).unwrap();
    let late = new(
        &dir,
        "objection",
        "cecilia@example.se",
        &["--received", &received.to_string(), "--direct-marketing"],
    );
    let answered = new(&dir, "access", "david@example.se", &[]);
    assert_eq!(
        step(&dir, "verify", &answered, &["--method", "in_person"]).code,
        0
    );
    let r = step(&dir, "answer", &answered, &["--note", "no data found"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = step(
        &dir,
        "extend",
        &extended,
        &["--months", "2", "--reason", "x"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = skydd(&dir, &["requests", "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = r.json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [&late, &next, &extended]);
    assert_eq!(list[0]["late"], true);
    assert_eq!(list[0]["reminder"], "late");
    assert!(list[0]["days_left"].as_i64().unwrap() < 0);
    assert_eq!(list[2]["late"], false);

    let r = skydd(&dir, &["requests"], &[]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("DUE"), "{}", r.stdout);
    assert!(lines[1].contains(&late) && lines[1].contains("objection"));
    let days = -list[0]["days_left"].as_i64().unwrap();
    assert!(
        lines[2]
            .trim()
            .starts_with(&format!("LATE by {days} days: answer now (GDPR art. 12.3)")),
        "{}",
        r.stdout
    );
    assert!(lines[3].contains(&next), "{}", r.stdout);
    // The whole log still has every request, the answered one too.
    let all = skydd(&dir, &["requests", "--all", "--json"], &[]).json();
    assert_eq!(all.as_array().unwrap().len(), 4, "{all}");
}

#[tokio::test]
async fn bad_input_exits_2_and_records_nothing() {
    let (_t, dir) = company().await;
    let tomorrow = today().checked_add(1.day()).unwrap().to_string();
    let base = ["request", "new", "--email", ANNA];
    for more in [
        &["--kind", "nonsense", "--channel", "email"][..],
        &["--kind", "access", "--channel", "fax"],
        &["--kind", "access"],
        &[
            "--kind",
            "access",
            "--channel",
            "web",
            "--received",
            &tomorrow,
        ],
        &["--kind", "rectification", "--channel", "web"],
        &[
            "--kind",
            "rectification",
            "--channel",
            "web",
            "--set",
            "customer.nmae=A",
        ],
    ] {
        let args = [&base[..], more].concat();
        let r = skydd(&dir, &args, &[]);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    let r = skydd(
        &dir,
        &["request", "new", "--kind", "access", "--channel", "web"],
        &[],
    );
    assert_eq!(r.code, 2, "no person named: {}", r.stderr);
    assert!(!dir.join("skydd-state.sqlite").exists(), "nothing recorded");
    // `export` is the CLI's word for portability.
    let id = new(&dir, "export", ANNA, &[]);
    assert_eq!(show(&dir, &id)["kind"], "portability");
    let r = step(&dir, "show", "no-such-request", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no request `no-such-request`"),
        "{}",
        r.stderr
    );
}
