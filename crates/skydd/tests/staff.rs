//! `skydd user`, `skydd token` and `skydd audit-log` as a user runs them: exit codes,
//! a token shown once, and a log edited behind skydd's back found out, entry by entry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Run, skydd};

const STARTER: &str = include_str!("../starters/web-agency.toml");
const PASSWORD: &str = "korrekt häst batteri";

/// A directory with a register and skydd's state (empty).
fn company() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("skydd.toml"), STARTER).unwrap();
    let r = skydd(d.path(), &["state", "init"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d
}

/// Runs skydd with `input` on standard input.
fn skydd_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_skydd"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SKYDD_REGISTER")
        .env_remove("SKYDD_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn add_eva(dir: &Path) {
    let r = skydd_stdin(
        dir,
        &[
            "user",
            "add",
            "--email",
            "eva@firma.se",
            "--name",
            "Eva Ek",
            "--role",
            "handler",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Added eva@firma.se (Eva Ek) as handler"),
        "{}",
        r.stdout
    );
}

/// Runs `f` on the state file's database, as someone editing it behind skydd's back.
fn on_state(dir: &Path, f: impl AsyncFnOnce(&sqlx::SqlitePool)) {
    let path = dir.join("skydd-state.sqlite");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            f(&pool).await;
            pool.close().await;
        });
}

/// Runs SQL on the state file.
fn edit_state(dir: &Path, sql: &str) {
    on_state(dir, async |pool| {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(pool)
            .await
            .unwrap();
    });
}

/// `skydd audit-log verify` (with `args`) finds the log broken: status 1 and its message.
fn broken(dir: &Path, args: &[&str]) -> String {
    let r = skydd(dir, &[&["audit-log", "verify"][..], args].concat(), &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    r.stderr
}

/// A state with eight audit entries: two users, three tokens, three revocations.
fn eight_entries() -> tempfile::TempDir {
    let d = company();
    add_eva(d.path());
    let r = skydd(
        d.path(),
        &[
            "user",
            "add",
            "--email",
            "olle@firma.se",
            "--name",
            "Olle",
            "--role",
            "viewer",
        ],
        &[("SKYDD_PASSWORD", PASSWORD)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in ["a", "b", "c"] {
        let t = skydd(
            d.path(),
            &["token", "create", "--user", "eva@firma.se", "--name", name],
            &[],
        );
        assert_eq!(t.code, 0, "{}", t.stderr);
        let r = skydd(d.path(), &["token", "revoke", t.stdout.trim()], &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    d
}

#[test]
fn users_are_added_from_stdin_or_the_environment_and_weak_passwords_are_refused() {
    let d = company();
    let r = skydd_stdin(
        d.path(),
        &[
            "user",
            "add",
            "--email",
            "eva@firma.se",
            "--name",
            "Eva",
            "--role",
            "owner",
            "--password-stdin",
        ],
        "kort\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("at least 12"), "{}", r.stderr);
    let r = skydd_stdin(
        d.path(),
        &[
            "user",
            "add",
            "--email",
            "eva@firma.se",
            "--name",
            "Eva",
            "--role",
            "owner",
        ],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--password-stdin") && r.stderr.contains("SKYDD_PASSWORD"),
        "{}",
        r.stderr
    );
    let r = skydd(
        d.path(),
        &[
            "user",
            "add",
            "--email",
            "eva@firma.se",
            "--name",
            "Eva",
            "--role",
            "admin",
        ],
        &[("SKYDD_PASSWORD", PASSWORD)],
    );
    assert_eq!(r.code, 2, "an unknown role is a usage error");
    add_eva(d.path());
    let r = skydd(
        d.path(),
        &[
            "user",
            "add",
            "--email",
            "EVA@firma.se",
            "--name",
            "Eva",
            "--role",
            "owner",
        ],
        &[("SKYDD_PASSWORD", PASSWORD)],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("exists already"), "{}", r.stderr);
    let r = skydd(d.path(), &["user", "list", "--json"], &[]);
    assert_eq!(r.code, 0);
    let users = r.json();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(
        (&users[0]["email"], &users[0]["role"]),
        (&"eva@firma.se".into(), &"handler".into())
    );
    assert!(
        !r.stdout.contains("argon2"),
        "no hash is shown: {}",
        r.stdout
    );
}

#[test]
fn reading_commands_refuse_a_missing_state() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("skydd.toml"), STARTER).unwrap();
    for args in [
        &["user", "list"][..],
        &["token", "list"],
        &["audit-log", "verify"],
    ] {
        let r = skydd(d.path(), args, &[]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("skydd state init"), "{}", r.stderr);
    }
    assert!(!d.path().join("skydd-state.sqlite").exists());
}

#[test]
fn a_token_is_printed_once_alone_on_standard_output_and_revoked_by_its_id() {
    let d = company();
    add_eva(d.path());
    let r = skydd(
        d.path(),
        &[
            "token",
            "create",
            "--user",
            "eva@firma.se",
            "--name",
            "website",
            "--role",
            "viewer",
            "--expires",
            "30",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let token = r.stdout.trim().to_owned();
    assert!(
        token.starts_with("skydd_") && !token.contains(' '),
        "only the token: {}",
        r.stdout
    );
    assert!(r.stderr.contains("never again"), "{}", r.stderr);
    let id = token["skydd_".len()..]
        .split('_')
        .next()
        .unwrap()
        .to_owned();
    let r = skydd(d.path(), &["token", "list"], &[]);
    assert!(
        r.stdout.contains(&id) && r.stdout.contains("eva@firma.se"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains(&token),
        "never shown again: {}",
        r.stdout
    );
    let r = skydd(
        d.path(),
        &[
            "token",
            "create",
            "--user",
            "eva@firma.se",
            "--name",
            "x",
            "--role",
            "owner",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "more than the user: {}", r.stderr);
    let r = skydd(
        d.path(),
        &[
            "token",
            "create",
            "--user",
            "nobody@firma.se",
            "--name",
            "x",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = skydd(d.path(), &["token", "revoke", &id], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Revoked token"), "{}", r.stdout);
    let r = skydd(d.path(), &["token", "revoke", "no-such"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = skydd(d.path(), &["token", "list", "--json"], &[]);
    assert!(r.json()[0]["revoked_at"].is_string());
}

#[test]
fn an_intact_log_verifies_with_status_0_and_prints_its_head() {
    let d = eight_entries();
    let head = skydd(d.path(), &["audit-log", "head"], &[]);
    assert_eq!(head.code, 0);
    let head = head.stdout.trim().to_owned();
    assert_eq!(head.len(), 64);
    let r = skydd(d.path(), &["audit-log", "verify"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("8 entries") && r.stdout.contains(&head),
        "{}",
        r.stdout
    );
    let r = skydd(
        d.path(),
        &["audit-log", "verify", "--head", &head, "--json"],
        &[],
    );
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["status"], "intact");
    assert_eq!(r.json()["head"], head.as_str());
    let r = skydd(
        d.path(),
        &["audit-log", "show", "--limit", "3", "--json"],
        &[],
    );
    let shown: Vec<i64> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, [6, 7, 8]);
    let r = skydd(d.path(), &["audit-log", "show"], &[]);
    assert!(
        r.stdout.contains("user.added") && r.stdout.contains("token.revoked"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("cli:"),
        "the OS user is the actor: {}",
        r.stdout
    );
    let r = skydd(
        d.path(),
        &["audit-log", "verify", "--head", "not-a-hash"],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = skydd(d.path(), &["audit-log", "show", "--limit", "0"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_tampered_entry_is_found_with_its_seq() {
    let d = eight_entries();
    edit_state(
        d.path(),
        r#"UPDATE audit_log SET detail = '{"role":"owner"}' WHERE seq = 2"#,
    );
    let e = broken(d.path(), &[]);
    assert!(e.contains("entry 2 was altered"), "{e}");
    let r = skydd(d.path(), &["audit-log", "verify", "--json"], &[]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.json()["broken"],
        serde_json::json!({ "kind": "altered", "seq": 2 })
    );
}

#[test]
fn an_entry_rehashed_after_editing_is_found_at_the_next() {
    let d = eight_entries();
    // Someone who knows the hashing turns a revocation into nothing much and gives the
    // entry its new hash: the entry checks out, but the next no longer follows it.
    on_state(d.path(), async |pool| {
        let (prev, at, actor, object, detail): (String, String, String, String, String) =
            sqlx::query_as("SELECT prev, at, actor, object, detail FROM audit_log WHERE seq = 4")
                .fetch_one(pool)
                .await
                .unwrap();
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        let hash =
            skydd_core::auditlog::hash(&prev, 4, &at, &actor, "token.used", &object, &detail);
        sqlx::query("UPDATE audit_log SET action = 'token.used', hash = $1 WHERE seq = 4")
            .bind(hash)
            .execute(pool)
            .await
            .unwrap();
    });
    let e = broken(d.path(), &[]);
    assert!(e.contains("entry 5 does not follow entry 4"), "{e}");
}

#[test]
fn a_removed_entry_is_found() {
    let d = eight_entries();
    edit_state(d.path(), "DELETE FROM audit_log WHERE seq = 5");
    let e = broken(d.path(), &[]);
    assert!(e.contains("entry 6 is out of place after entry 4"), "{e}");
}

#[test]
fn entries_cut_from_the_end_are_found_against_the_head_exported_before() {
    let d = eight_entries();
    let head = skydd(d.path(), &["audit-log", "head"], &[])
        .stdout
        .trim()
        .to_owned();
    edit_state(d.path(), "DELETE FROM audit_log WHERE seq > 6");
    let r = skydd(d.path(), &["audit-log", "verify"], &[]);
    assert_eq!(r.code, 0, "without the head the shorter log holds together");
    let e = broken(d.path(), &["--head", &head]);
    assert!(
        e.contains(&head) && e.contains("removed from its end"),
        "{e}"
    );
}

#[test]
fn the_demos_erasure_is_logged_without_the_persons_identities() {
    let d = tempfile::tempdir().unwrap();
    let kept = d.path().join("demo");
    let r = skydd(d.path(), &["demo", "--keep", kept.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = skydd(
        &kept,
        &["audit-log", "show", "--limit", "1000", "--json"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entries = r.json();
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // The erasure is a saga: journalled, each database done (with its erased fields), then
    // recorded with its holds and restriction in one transaction.
    for a in [
        "erasure.journalled",
        "erasure.dataset_done",
        "erasure.recorded",
        "hold.recorded",
        "restriction.added",
        "request.executed",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // What the entries say, without their hashes (hex digits would match numbers by chance).
    let text = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}\n",
                e["actor"], e["action"], e["object"], e["detail"]
            )
        })
        .collect::<String>()
        .to_lowercase();
    for personal in [
        "anna",
        "andersson",
        "example.se",
        "19850412-2386",
        "198504122386",
    ] {
        assert!(
            !text.contains(personal),
            "`{personal}` is in the log: {text}"
        );
    }
    assert_eq!(skydd(&kept, &["audit-log", "verify"], &[]).code, 0);
}
