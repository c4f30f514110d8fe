//! `skydd schema`: the register's JSON Schema for editors and the reference
//! `docs/register.md`, both generated from the loader's own types.
//!
//! With `SKYDD_TEST_TAPLO` naming a taplo binary (`npm install @taplo/cli` ships one that
//! runs on node), the schema is also checked the way an editor uses it: every example
//! register and starter passes `taplo check --schema`, and a misspelt key or a wrong type
//! fails it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use skydd_core::register::reference;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn skydd(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_skydd"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SKYDD_REGISTER")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
    )
}

#[test]
fn docs_register_md_is_the_reference_generated_from_the_schema() {
    let path = root().join("docs/register.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = reference::markdown();
    assert!(
        committed == generated,
        "docs/register.md is not what the register's types say: run `{}`",
        reference::REGENERATE
    );
    let (code, stdout) = skydd(&["schema", "--markdown"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, generated);
}

#[test]
fn skydd_schema_prints_a_draft_07_schema_that_refuses_unknown_keys() {
    let (code, stdout) = skydd(&["schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], serde_json::json!(["controller"]));
    assert_eq!(schema, reference::json_schema());
}

/// The registers a user starts from or learns from: every one must pass the schema.
fn registers() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples", "crates/skydd/starters"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn taplo_check(taplo: &str, schema: &Path, file: &Path) -> (bool, String) {
    let out = Command::new(taplo)
        .args(["check", "--no-auto-config", "--colors", "never", "--schema"])
        .arg(format!("file://{}", schema.display()))
        .arg(file)
        .output()
        .expect("taplo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn an_editor_with_the_schema_accepts_every_example_and_flags_mistakes() {
    let Ok(taplo) = std::env::var("SKYDD_TEST_TAPLO") else {
        // CI installs taplo (`.ci/run`): there a missing tool fails instead of passing unseen.
        assert!(
            std::env::var_os("CI").is_none(),
            "SKYDD_TEST_TAPLO is not set under CI; .ci/run installs taplo from npm"
        );
        eprintln!("SKYDD_TEST_TAPLO is not set: taplo check skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("skydd.schema.json");
    std::fs::write(&schema, skydd(&["schema"]).1).unwrap();
    for file in registers() {
        let (ok, err) = taplo_check(&taplo, &schema, &file);
        assert!(ok, "{} fails the schema:\n{err}", file.display());
    }
    let starter =
        std::fs::read_to_string(root().join("crates/skydd/starters/web-agency.toml")).unwrap();
    for (what, from, to, expected) in [
        (
            "a misspelt key",
            "org_number = ",
            "org_nummer = ",
            "'org_nummer' was unexpected",
        ),
        (
            "a wrong type",
            "change_notice_days = 30",
            "change_notice_days = \"30\"",
            "is not of type \"integer\"",
        ),
        (
            "an unknown keyword",
            "role = \"processor\"",
            "role = \"procesor\"",
            "\"procesor\" is not valid",
        ),
    ] {
        assert!(starter.contains(from), "{from}");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, starter.replacen(from, to, 1)).unwrap();
        let (ok, err) = taplo_check(&taplo, &schema, &bad);
        assert!(!ok, "{what} passed the schema");
        assert!(err.contains(expected), "{what}: {err}");
    }
    // A Swedish spelling in any case is no error.
    let swedish = dir.path().join("sv.toml");
    std::fs::write(
        &swedish,
        starter.replacen(
            "role = \"processor\"",
            "role = \"Personuppgiftsbiträde\"",
            1,
        ),
    )
    .unwrap();
    let (ok, err) = taplo_check(&taplo, &schema, &swedish);
    assert!(ok, "{err}");
}
