//! The `skydd` binary, run as a user runs it: exit codes, messages with file:line:column,
//! and no partial writes on bad input. Each test works in its own temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STARTER: &str = include_str!("../starters/web-agency.toml");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn skydd(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_skydd"))
        .args(args)
        .current_dir(dir)
        .env_remove("SKYDD_REGISTER")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs skydd with standard output a pipe whose reader has already gone (`skydd … | head`
/// once `head` has exited): every write fails with a broken pipe.
fn skydd_closed_stdout(dir: &Path, args: &[&str]) -> Run {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_skydd"))
        .args(args)
        .current_dir(dir)
        .env_remove("SKYDD_REGISTER")
        .env("NO_COLOR", "1")
        .stdout(writer)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dir_with(register: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("skydd.toml");
    std::fs::write(&p, register).unwrap();
    (d, p)
}

fn line_of(src: &str, needle: &str) -> usize {
    src.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_clean_register_passes_with_status_0() {
    let (d, _) = dir_with(STARTER);
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "skydd.toml: passes (0 errors, 0 warnings; {} rules checked)",
            skydd_core::lint::RULES.len()
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn the_starters_broken_financial_year_loads_once_uncommented() {
    // The starter says what `financial_year_end` is bound to and how to declare a broken year.
    assert!(STARTER.contains("any date within the financial year"));
    let src = STARTER
        .replacen("# [financial_year] ", "[financial_year]   ", 1)
        .replacen("# starts = \"07-01\" ", "starts = \"07-01\"   ", 1);
    assert_ne!(src, STARTER);
    assert!(src.contains("\n[financial_year]   ") && src.contains("\nstarts = \"07-01\""));
    let reg = skydd_core::register::load(&src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
    assert_eq!(reg.financial_year.start_month, 7);
    let (d, _) = dir_with(&src);
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn lint_errors_give_status_1_with_rule_location_fix_and_law() {
    let src = STARTER.replacen("legal_basis = \"contract\"\n", "", 1);
    let (d, _) = dir_with(&src);
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 1);
    let line = line_of(&src, "id = \"client-projects\"");
    assert!(
        r.stdout.contains(
            "error[purpose-no-legal-basis]: purpose `client-projects` has no legal basis"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("--> skydd.toml:{line}:6")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("= help: add `legal_basis"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("= law: GDPR art. 6.1"), "{}", r.stdout);
    assert!(
        r.stdout.contains("fails (1 error, 0 warnings"),
        "{}",
        r.stdout
    );
}

#[test]
fn warnings_fail_only_when_denied() {
    let src = STARTER.replacen("version = \"1.0\"\n", "", 1);
    let (d, _) = dir_with(&src);
    assert_eq!(skydd(d.path(), &["check"]).code, 0);
    assert_eq!(skydd(d.path(), &["check", "--deny-warnings"]).code, 1);
}

#[test]
fn json_reports_every_finding_with_line_and_column() {
    let src = STARTER.replacen("dpa = 2025-01-15\n", "", 1);
    let (d, _) = dir_with(&src);
    let r = skydd(d.path(), &["check", "--json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    assert_eq!(v["rules"], skydd_core::lint::RULES.len());
    let f = &v["diagnostics"][0];
    assert_eq!(f["code"], "processor-no-dpa");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["law"], "GDPR art. 28.3");
    assert_eq!(f["line"], line_of(&src, "id = \"hosting-provider\""));
    assert_eq!(v["content_hash"].as_str().unwrap().len(), 64);
}

/// Each kind of bad input: (what to change, the text the error must contain, the line it
/// must point at).
#[test]
fn bad_input_gives_status_2_with_its_location_and_writes_nothing() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            STARTER.replacen("name = \"Exempel AB\"", "name = \"Exempel AB", 1),
            "skydd.toml:",
            "name = \"Exempel AB",
        ),
        (
            STARTER.replacen(
                "legal_basis = \"contract\"",
                "legal_basis = \"kontrakt\"",
                1,
            ),
            "unknown legal basis `kontrakt`",
            "legal_basis = \"kontrakt\"",
        ),
        (
            STARTER.replacen("\"user.job_title\"", "\"user.jobtitle\"", 1),
            "did you mean `user.job_title`?",
            "user.jobtitle",
        ),
        (
            STARTER.replacen("556214-1993", "556214-1992", 1),
            "invalid organisationsnummer",
            "org_number",
        ),
        (
            STARTER.replacen(
                "\"45 days after collected\"",
                "\"45 days after colected\"",
                1,
            ),
            "did you mean `collected`?",
            "45 days after colected",
        ),
        (
            STARTER.replacen("legal_basis = \"consent\"", "legal_bassis = \"consent\"", 1),
            "did you mean `legal_basis`?",
            "legal_bassis",
        ),
        (
            STARTER.replacen(
                "website = \"https://www.exempel.se\"",
                "website = \"javascript:alert(1)\"",
                1,
            ),
            "only http:// and https:// links are allowed",
            "javascript:alert(1)",
        ),
    ];
    for (src, message, at) in cases {
        let (d, _) = dir_with(&src);
        let line = line_of(&src, at);
        for args in [
            &["check"][..],
            &[
                "notice", "--lang", "all", "--format", "all", "--out", "public",
            ],
            &["ropa", "--out", "ropa.csv"],
        ] {
            let r = skydd(d.path(), args);
            assert_eq!(r.code, 2, "{args:?} {message}: {}{}", r.stdout, r.stderr);
            assert!(r.stderr.contains(message), "{message}: {}", r.stderr);
            assert!(
                r.stderr.contains(&format!("skydd.toml:{line}:")),
                "{message} should point at line {line}: {}",
                r.stderr
            );
        }
        assert!(
            !d.path().join("public").exists(),
            "nothing is written for bad input"
        );
        assert!(
            !d.path().join("ropa.csv").exists(),
            "nothing is written for bad input"
        );
    }
}

#[test]
fn every_misspelt_key_and_wrong_type_is_reported_in_one_run_each_located() {
    let src = STARTER
        .replacen("change_notice_days = 30", "change_notice_days = \"30\"", 1)
        .replacen("org_number = ", "org_nummer = ", 1)
        .replacen(
            "legal_basis = \"contract\"",
            "legal_bassis = \"contract\"",
            1,
        )
        .replacen("role = \"processor\"", "rol = \"processor\"", 1);
    let (d, _) = dir_with(&src);
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    for (at, message, help) in [
        (
            "change_notice_days = \"30\"",
            "`change_notice_days` in [notice] must be an integer, not a string",
            "`change_notice_days`: How many days ahead",
        ),
        (
            "org_nummer",
            "unknown field `org_nummer` in [controller]",
            "did you mean `org_number`?",
        ),
        (
            "legal_bassis",
            "unknown field `legal_bassis` in [[purpose]]",
            "did you mean `legal_basis`?",
        ),
        (
            "rol = ",
            "unknown field `rol` in [[recipient]]",
            "did you mean `role`?",
        ),
    ] {
        let line = line_of(&src, at);
        assert!(r.stderr.contains(message), "{message}: {}", r.stderr);
        assert!(r.stderr.contains(help), "{help}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("skydd.toml:{line}:")),
            "{message} should point at line {line}: {}",
            r.stderr
        );
    }
    assert!(
        !r.stderr.contains("missing field `role`"),
        "a typo is not also reported as a missing key: {}",
        r.stderr
    );
}

#[test]
fn a_missing_register_is_status_2_with_a_hint() {
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "cannot read register `skydd.toml`: no such file; create one with `skydd init`"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_are_status_2() {
    let (d, _) = dir_with(STARTER);
    assert_eq!(skydd(d.path(), &["chek"]).code, 2);
    let r = skydd(d.path(), &["notice", "--lang", "all"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("name a directory with --out DIR"),
        "{}",
        r.stderr
    );
    let r = skydd(d.path(), &["explain", "consent-no-withdrawl"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `consent-no-withdrawal`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_teaches_with_examples() {
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Getting started:") && r.stdout.contains("skydd init"),
        "{}",
        r.stdout
    );
    let r = skydd(d.path(), &["notice", "--help"]);
    assert!(
        r.stdout.contains("skydd notice diff old.toml skydd.toml"),
        "{}",
        r.stdout
    );
}

#[test]
fn notice_renders_four_documents_into_a_directory() {
    let (d, _) = dir_with(STARTER);
    let r = skydd(
        d.path(),
        &[
            "notice", "--lang", "all", "--format", "all", "--out", "public",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "integritetspolicy.sv.html",
        "privacy-notice.en.html",
        "integritetspolicy.sv.md",
        "privacy-notice.en.md",
    ] {
        let text = std::fs::read_to_string(d.path().join("public").join(f)).unwrap();
        assert!(text.contains("Exempel AB"), "{f}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(d.path().join("public"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 4, "no temporary files are left behind");
}

#[test]
fn notice_to_standard_output_and_to_one_file() {
    let (d, _) = dir_with(STARTER);
    let r = skydd(d.path(), &["notice"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("# Integritetspolicy\n"));
    let r = skydd(
        d.path(),
        &[
            "notice", "--lang", "en", "--format", "html", "--out", "n.html",
        ],
    );
    assert_eq!(r.code, 0);
    assert!(
        std::fs::read_to_string(d.path().join("n.html"))
            .unwrap()
            .contains("<html lang=\"en\">")
    );
}

#[test]
fn notice_warns_about_lint_errors_and_strict_refuses() {
    let (d, _) = dir_with(&STARTER.replacen("dpa = 2025-01-15\n", "", 1));
    let r = skydd(d.path(), &["notice"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("1 error-level finding(s)"),
        "{}",
        r.stderr
    );
    let r = skydd(d.path(), &["notice", "--strict", "--out", "n.md"]);
    assert_eq!(r.code, 1);
    assert!(!d.path().join("n.md").exists());
}

#[test]
fn notice_templates_can_be_overridden_from_a_directory() {
    let (d, _) = dir_with(STARTER);
    std::fs::create_dir(d.path().join("tpl")).unwrap();
    std::fs::write(
        d.path().join("tpl/notice.md"),
        "Policy för {{ controller.name }}",
    )
    .unwrap();
    let r = skydd(d.path(), &["notice", "--templates", "tpl"]);
    assert_eq!(r.stdout, "Policy för Exempel AB\n");
    std::fs::write(d.path().join("tpl/notice.md"), "{% if %}").unwrap();
    let r = skydd(d.path(), &["notice", "--templates", "tpl"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("template notice.md"), "{}", r.stderr);
}

#[test]
fn diff_lists_material_changes_and_the_announcement_date() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.toml"), STARTER).unwrap();
    let new = STARTER
        .replacen("version = \"1.0\"", "version = \"1.1\"", 1)
        .replacen("effective = 2026-01-01", "effective = 2026-03-01", 1)
        .replacen(
            "\"45 days after collected\"",
            "\"90 days after collected\"",
            1,
        )
        .replacen(
            "recipients = [\"accounting\"]",
            "recipients = [\"accounting\", \"project-tool\"]",
            1,
        );
    std::fs::write(d.path().join("new.toml"), &new).unwrap();
    let r = skydd(d.path(), &["notice", "diff", "old.toml", "new.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Notice 1.0 → 1.1"), "{}", r.stdout);
    assert!(r.stdout.contains("[retention-changed] Säkerhet och felsökning av webbplatsen: lagringstiden ändrad från ”45 dagar efter insamlingen” till ”90 dagar efter insamlingen”."), "{}", r.stdout);
    assert!(r.stdout.contains("[recipient-added] Fakturering och bokföring: uppgifterna lämnas nu till Projektverktyg AB."), "{}", r.stdout);
    assert!(r.stdout.contains("announce by 2026-01-30"), "{}", r.stdout);
    assert_eq!(
        skydd(
            d.path(),
            &["notice", "diff", "old.toml", "new.toml", "--exit-code"]
        )
        .code,
        1
    );
    assert_eq!(
        skydd(
            d.path(),
            &["notice", "diff", "old.toml", "old.toml", "--exit-code"]
        )
        .code,
        0
    );
    let v: serde_json::Value = serde_json::from_str(
        &skydd(
            d.path(),
            &["notice", "diff", "old.toml", "new.toml", "--json"],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 2);
    assert_eq!(v["announce_by"], "2026-01-30");
}

#[test]
fn ropa_writes_csv_and_html() {
    let (d, _) = dir_with(STARTER);
    let r = skydd(d.path(), &["ropa"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .starts_with("Behandling,Ändamålen med behandlingen,Rättslig grund,"),
        "{}",
        r.stdout
    );
    assert_eq!(
        skydd(
            d.path(),
            &["ropa", "--format", "html", "--out", "ropa.html"]
        )
        .code,
        0
    );
    assert!(
        std::fs::read_to_string(d.path().join("ropa.html"))
            .unwrap()
            .contains("Ändamålen med behandlingen")
    );
}

#[test]
fn the_starters_show_a_database_block_that_loads_once_uncommented() {
    let d = tempfile::tempdir().unwrap();
    for kind in ["web-agency", "hosting"] {
        let file = format!("{kind}.toml");
        let r = skydd(d.path(), &["init", &file, "--kind", kind]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(d.path().join(&file)).unwrap();
        let at = text
            .find("# [[database]]")
            .expect("a database block is shown");
        // Uncomment the example lines (those with a key or a table header).
        let example: Vec<&str> = text[at..]
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.starts_with('[') || l.contains(" = "))
            .collect();
        for key in [
            "url_env",
            "schema",
            "dataset",
            "[database.events]",
            "[state]",
        ] {
            assert!(
                example.iter().any(|l| l.contains(key)),
                "{kind}: {key} is shown"
            );
        }
        let live = format!("{}{}\n", &text[..at], example.join("\n"));
        std::fs::write(d.path().join(&file), live).unwrap();
        let r = skydd(d.path(), &["check", "-r", &file, "--deny-warnings"]);
        assert_eq!(r.code, 0, "{kind}: {}{}", r.stdout, r.stderr);
    }
}

#[test]
fn init_writes_a_register_that_passes_and_never_overwrites_by_accident() {
    let d = tempfile::tempdir().unwrap();
    for kind in ["web-agency", "hosting"] {
        let file = format!("{kind}.toml");
        let r = skydd(
            d.path(),
            &[
                "init",
                &file,
                "--kind",
                kind,
                "--name",
                "Mitt \"Bolag\" AB",
                "--org-number",
                "5567643985",
                "--email",
                "gdpr@mitt.se",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(d.path().join(&file)).unwrap();
        assert!(
            text.contains("name = \"Mitt \\\"Bolag\\\" AB\"")
                && text.contains("556764-3985")
                && text.contains("gdpr@mitt.se")
        );
        let r = skydd(d.path(), &["check", "-r", &file, "--deny-warnings"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        let r = skydd(d.path(), &["init", &file]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("exists; pass --force"), "{}", r.stderr);
    }
    let r = skydd(
        d.path(),
        &["init", "bad.toml", "--org-number", "556764-3986"],
    );
    assert_eq!(r.code, 2);
    assert!(!d.path().join("bad.toml").exists());
}

#[test]
fn rules_and_explain_know_the_policy_elements_skydd_audit_looks_for() {
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["explain", "audit-controller-identity"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("GDPR art. 13.1 a, 14.1 a"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("organisationsnummer (NNNNNN-NNNN)"),
        "{}",
        r.stdout
    );
    let r = skydd(d.path(), &["explain", "audit-controller-identty"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("did you mean `audit-controller-identity`?"),
        "{}",
        r.stderr
    );
    let r = skydd(d.path(), &["rules"]);
    let (lint, audit) = r
        .stdout
        .split_once("Policy elements (`skydd audit`")
        .unwrap_or_else(|| panic!("a section of its own: {}", r.stdout));
    assert!(lint.contains("consent-no-withdrawal") && !lint.contains("audit-controller-identity"));
    assert!(
        audit.contains("audit-controller-identity") && !audit.contains("consent-no-withdrawal")
    );
    let r = skydd(d.path(), &["rules", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let audit: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "audit")
        .collect();
    assert_eq!(audit.len(), skydd_core::audit::ELEMENTS.len());
    assert!(audit.iter().all(|r| r["id"].as_str().unwrap().starts_with("audit-")
        && r["looked_for"].is_string()));
}

#[test]
fn rules_and_taxonomy_are_listed() {
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["rules", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let lint = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "lint")
        .count();
    assert_eq!(lint, skydd_core::lint::RULES.len());
    let r = skydd(d.path(), &["explain", "personnummer-unjustified"]);
    assert!(
        r.stdout.contains("Dataskyddslagen (2018:218) 3 kap. 10 §"),
        "{}",
        r.stdout
    );
    let r = skydd(d.path(), &["taxonomy", "subjects"]);
    assert!(
        r.stdout.contains("job_applicant")
            && r.stdout.contains("Arbetssökande")
            && r.stdout.contains("CC-BY-4.0")
    );
}

#[test]
fn a_closed_standard_output_is_no_panic_and_no_failure() {
    let (d, _) = dir_with(STARTER);
    std::fs::write(
        d.path().join("new.toml"),
        STARTER.replacen("version = \"1.0\"", "version = \"1.1\"", 1),
    )
    .unwrap();
    for args in [
        &["taxonomy"][..],
        &["taxonomy", "--json"],
        &["rules"],
        &["rules", "--json"],
        &["explain", "processor-no-dpa"],
        &["check"],
        &["check", "--json"],
        &["notice"],
        &["notice", "--format", "html"],
        &["notice", "diff", "skydd.toml", "new.toml"],
        &["ropa"],
        &["--help"],
    ] {
        let r = skydd_closed_stdout(d.path(), args);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
}

/// Public documents are created like any file (0666 less the umask), so a web server can read
/// them; the umask is read from this process, which the binary inherits.
#[test]
fn public_documents_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let (d, _) = dir_with(STARTER);
    std::fs::File::create(d.path().join("probe")).unwrap();
    let expected = mode(&d.path().join("probe"));
    assert_eq!(skydd(d.path(), &["notice", "--out", "n.md"]).code, 0);
    assert_eq!(skydd(d.path(), &["ropa", "--out", "ropa.csv"]).code, 0);
    assert_eq!(skydd(d.path(), &["init", "other.toml"]).code, 0);
    for f in ["n.md", "ropa.csv", "other.toml"] {
        assert_eq!(mode(&d.path().join(f)), expected, "{f}");
    }
}

/// `--out` names a directory when it ends in `/`, is one already, or several documents are
/// asked for; a directory gets every language and format unless narrowed. A new path
/// without an extension is neither guessed at nor written.
#[test]
fn notice_out_makes_directories_as_the_help_says() {
    let all = [
        "integritetspolicy.sv.html",
        "integritetspolicy.sv.md",
        "privacy-notice.en.html",
        "privacy-notice.en.md",
    ];
    let files = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let (d, _) = dir_with(STARTER);
    // As in `skydd --help`: a new directory, with parents.
    let r = skydd(d.path(), &["notice", "--out", "site/public/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(files(&d.path().join("site/public")), all);
    let en = std::fs::read_to_string(d.path().join("site/public/privacy-notice.en.html")).unwrap();
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    let sv = std::fs::read_to_string(d.path().join("site/public/integritetspolicy.sv.md")).unwrap();
    assert!(sv.starts_with("# Integritetspolicy"), "{sv}");
    // An existing directory, without the slash, narrowed to one language.
    std::fs::create_dir(d.path().join("www")).unwrap();
    let r = skydd(d.path(), &["notice", "--out", "www", "--lang", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        files(&d.path().join("www")),
        ["privacy-notice.en.html", "privacy-notice.en.md"]
    );
    // --format all makes a directory of a new path without a slash.
    let r = skydd(
        d.path(),
        &["notice", "--out", "html", "--format", "all", "--lang", "sv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        files(&d.path().join("html")),
        ["integritetspolicy.sv.html", "integritetspolicy.sv.md"]
    );
    // A new path without an extension: refused, nothing written.
    let r = skydd(d.path(), &["notice", "--out", "public"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("write `public/` for a directory of notices"),
        "{}",
        r.stderr
    );
    assert!(!d.path().join("public").exists());
    // A file where a directory is needed.
    std::fs::write(d.path().join("n.md"), "old").unwrap();
    let r = skydd(d.path(), &["notice", "--lang", "all", "--out", "n.md"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`n.md` is a file"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(d.path().join("n.md")).unwrap(),
        "old"
    );
    // One file as before, also when it exists without an extension.
    std::fs::write(d.path().join("NOTICE"), "old").unwrap();
    let r = skydd(d.path(), &["notice", "--out", "NOTICE"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read_to_string(d.path().join("NOTICE"))
            .unwrap()
            .starts_with("# Integritetspolicy")
    );
    let help = skydd(d.path(), &["notice", "--help"]).stdout;
    assert!(
        help.contains("integritetspolicy.sv.html") && help.contains("privacy-notice.en.md"),
        "{help}"
    );
}

/// A register that is not UTF-8 is an input error at the first bad byte.
#[test]
fn a_register_that_is_not_utf8_is_refused_at_its_line() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = STARTER.as_bytes().to_vec();
    let at = STARTER.find("Exempel AB").unwrap() + "Exempel".len();
    bytes[at] = 0xFF;
    std::fs::write(d.path().join("skydd.toml"), &bytes).unwrap();
    let line = line_of(STARTER, "Exempel AB");
    let column = STARTER
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("Exempel AB")
        .unwrap()
        + 8;
    for args in [&["check"][..], &["notice", "--out", "public/"]] {
        let r = skydd(d.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "skydd.toml:{line}:{column}: not UTF-8 (byte 0xFF)"
            )),
            "{}",
            r.stderr
        );
    }
    assert!(!d.path().join("public").exists());
}

#[test]
fn a_retention_rule_that_states_only_a_minimum_is_refused_at_its_words() {
    let src = STARTER.replacen(
        "retention = \"2 years after contract_end\"",
        "retention = \"at least 2 years after contract_end\"",
        1,
    );
    let (d, _) = dir_with(&src);
    let line = line_of(&src, "at least 2 years");
    let column = src.lines().nth(line - 1).unwrap().find("at least").unwrap() + 1;
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("skydd.toml:{line}:{column}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`at least` is a minimum"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "write the period you actually keep the data (e.g. `2 years after contract_end`)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn swedish_retention_rules_and_financial_years_check_clean_and_bad_years_point_at_their_dates() {
    let src = STARTER
        .replacen(
            "retention = \"2 years after contract_end\"",
            "retention = \"två år efter contract_end\"",
            1,
        )
        .replacen(
            "retention = \"7 years after end of calendar year of financial_year_end\"",
            "retention = \"som krävs enligt bokforingslagen\"",
            1,
        )
        + "\n[financial_year]\nstarts = \"07-01\"\n";
    let (d, _) = dir_with(&src);
    let r = skydd(d.path(), &["check"]);
    assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let bad = src + "first = { from = 2024-01-01, to = 2025-07-31 }\n";
    let (d, _) = dir_with(&bad);
    let line = line_of(&bad, "first = {");
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("skydd.toml:{line}:")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("at most 18 months"), "{}", r.stderr);
}

#[test]
fn a_retention_period_past_any_date_is_a_located_input_error_never_a_panic() {
    // Adversarial report D7: `retention plan` panicked (exit 101) on periods `check` accepted.
    for period in ["99999 years", "4294967295 days", "9999 years"] {
        let src = STARTER.replacen(
            "retention = \"2 years after contract_end\"",
            &format!("retention = \"{period} after contract_end\""),
            1,
        );
        assert_ne!(src, STARTER);
        let (d, _) = dir_with(&src);
        let line = line_of(&src, &format!("\"{period} after"));
        for args in [
            &["check"][..],
            &["retention", "plan", "--today", "2026-06-01"],
        ] {
            let r = skydd(d.path(), args);
            assert_eq!(r.code, 2, "{args:?} {period}: {}{}", r.stdout, r.stderr);
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            assert!(
                r.stderr.contains(&format!("skydd.toml:{line}:")),
                "{}",
                r.stderr
            );
            assert!(r.stderr.contains("longer than 200 years"), "{}", r.stderr);
        }
    }
}

#[test]
fn check_judges_the_dpf_check_date_against_today_or_the_day_given() {
    let src = STARTER.replacen(
        "country = \"SE\"\ndpa = 2025-01-15",
        "country = \"US\"\ntransfer = \"dpf\"\ndpf_certified = 2026-03-01\ndpa = 2025-01-15",
        1,
    );
    assert_ne!(src, STARTER);
    let (d, _) = dir_with(&src);
    let line = line_of(&src, "dpf_certified = 2026-03-01");
    // Before the day of the check: the check is dated in the future, an error on the date.
    let r = skydd(d.path(), &["check", "--today", "2026-02-01"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error[dpf-certification-in-future]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("--> skydd.toml:{line}:17")),
        "{}",
        r.stdout
    );
    // Within the year: passes. More than twelve months on: a warning.
    assert_eq!(skydd(d.path(), &["check", "--today", "2027-03-01"]).code, 0);
    let r = skydd(d.path(), &["check", "--today", "2027-03-02", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["warnings"], 1, "{}", r.stdout);
    assert_eq!(v["diagnostics"][0]["code"], "dpf-certification-stale");
    // A malformed day is an input error.
    let r = skydd(d.path(), &["check", "--today", "2027-3-2"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}
