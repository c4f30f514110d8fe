//! The processor side, run as a user runs it: `skydd ropa --processor` writes the Art. 30(2)
//! record, `skydd notice --subprocessors` the sub-processor list customers rely on
//! (Art. 28(2)), and both refuse a register that records no processing on behalf of others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn skydd(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_skydd"))
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

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(format!("{name}.toml"))
}

fn dir_with(register: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("skydd.toml"), register).unwrap();
    d
}

fn dir_with_example(name: &str) -> tempfile::TempDir {
    dir_with(&std::fs::read_to_string(example(name)).unwrap())
}

/// Splits CSV text into records of fields (RFC 4180 quoting).
fn csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// A hosting firm with a current, a removed and an intended sub-processor.
const HOST: &str = r#"
[controller]
name = "Värd AB"
org_number = "556214-1993"
email = "dataskydd@vard.se"

[security]
measures = [{ sv = "Kryptering av säkerhetskopior", en = "Encrypted backups" }]

[[processing_for]]
id = "webbhotell"
controllers = { sv = "Webbhotellkunder", en = "Web hosting customers" }
controller_list = { sv = "Kundregistret i vårt kundsystem", en = "The customer register in our customer system" }
processing = [{ sv = "Lagring av webbplatser", en = "Storage of websites" }]
subprocessors = ["dc", "mail", "next"]

[[subprocessor]]
id = "dc"
name = "Datacenter AB"
country = "SE"
activity = { sv = "Serverhallar", en = "Data centres" }
dpa = 2024-01-01
added = 2024-01-01

[[subprocessor]]
id = "mail"
name = "Mail Inc."
country = "US"
transfer = "scc"
activity = { sv = "E-post", en = "E-mail" }
added = 2023-05-01
removed = 2025-02-01

[[subprocessor]]
id = "next"
name = "Nästa Oy"
country = "FI"
activity = { sv = "Säkerhetskopior", en = "Backups" }
added = 2199-03-01
"#;

#[test]
fn the_processor_record_of_seed_004_has_imys_columns_and_one_row_for_its_hosting() {
    let d = dir_with_example("004-webbplats-nu");
    let r = skydd(d.path(), &["ropa", "--processor", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv(&r.stdout);
    assert_eq!(
        rows[0],
        [
            "Behandling",
            "Personuppgiftsansvarig för vars räkning biträdet agerar",
            "Kategorier av behandling som utförs för den personuppgiftsansvariges räkning",
            "Kategorier av registrerade",
            "Kategorier av personuppgifter",
            "Personuppgiftsbiträdesavtal",
            "Underbiträden",
            "Överföringar till tredjeland",
            "Lämpliga skyddsåtgärder vid överföring",
            "Allmän beskrivning av tekniska och organisatoriska säkerhetsåtgärder",
            "Personuppgiftsbiträde och kontaktuppgifter",
            "Dataskyddsombud",
            "Företrädare",
        ]
    );
    assert_eq!(rows.len(), 2, "one row per [[processing_for]]: {rows:?}");
    let row = &rows[1];
    assert_eq!(row.len(), 13);
    assert_eq!(row[0], "webbhotell");
    assert_eq!(
        row[1],
        "Kunder som är personuppgiftsansvariga, där Webbplats Nu AB agerar personuppgiftsbiträde (var förteckningen över dem finns anges inte)"
    );
    for category in [
        "Lagring och behandling av dina kunders beställningar i en e-handelsplats (webbshop) på våra servrar",
        "De e-postkonton du har hos oss",
        "Data du har i våra databastjänster",
    ] {
        assert!(row[2].contains(category), "{category}: {}", row[2]);
    }
    assert_eq!(row[5], "Personuppgiftsbiträdesavtal");
    assert_eq!(
        row[6],
        "ilait AB (Driftstjänster för servrar, webbplatser, e-postkonton och databaser; Inom EU/EES)"
    );
    assert_eq!(row[7], "", "the seed says nothing leaves the EU");
    assert!(
        row[9].contains("SSL/TLS, PGP och hashalgoritmer"),
        "{}",
        row[9]
    );
    assert_eq!(row[10], "Webbplats Nu AB");
}

#[test]
fn the_processor_record_is_written_in_english_too() {
    let d = dir_with_example("004-webbplats-nu");
    let r = skydd(d.path(), &["ropa", "--processor", "--lang", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv(&r.stdout);
    assert_eq!(rows[0][1], "Controller on whose behalf the processor acts");
    assert_eq!(rows[0][6], "Sub-processors");
    assert!(
        rows[1][1].starts_with("Customers who are controllers"),
        "{:?}",
        rows[1]
    );
}

#[test]
fn the_processor_record_as_html_names_the_processor_and_every_column() {
    let d = dir_with(HOST);
    let r = skydd(
        d.path(),
        &[
            "ropa",
            "--processor",
            "--format",
            "html",
            "--out",
            "ropa-bitrade.html",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(d.path().join("ropa-bitrade.html")).unwrap();
    assert!(
        html.contains(
            "<h1>Register över behandlingar som personuppgiftsbiträde (artikel 30.2)</h1>"
        )
    );
    assert!(html.contains("<strong>Personuppgiftsbiträde och kontaktuppgifter:</strong> Värd AB, org.nr 556214-1993, dataskydd@vard.se"));
    assert!(html.contains(
        "<th>Kategorier av behandling som utförs för den personuppgiftsansvariges räkning</th>"
    ));
    assert!(html.contains("Webbhotellkunder (förteckning: Kundregistret i vårt kundsystem)"));
    assert!(
        html.contains("Datacenter AB (Serverhallar; Sverige)"),
        "{html}"
    );
    // Removed on 2025-02-01: no longer in the record; intended: marked as planned.
    assert!(!html.contains("Mail Inc."), "{html}");
    assert!(html.contains("Nästa Oy (Säkerhetskopior; Finland; planerat från 2199-03-01)"));
}

#[test]
fn without_processing_for_others_the_processor_record_is_refused_with_a_hint() {
    let d = dir_with_example("003-inmedit");
    let r = skydd(d.path(), &["ropa", "--processor", "--out", "ropa.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error: `skydd.toml` records no processing on behalf of others"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("help: "), "{}", r.stderr);
    assert!(r.stderr.contains("[[processing_for]]"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(!d.path().join("ropa.csv").exists(), "nothing is written");
}

#[test]
fn without_processing_for_others_the_subprocessor_list_is_refused() {
    let d = dir_with_example("003-inmedit");
    let r = skydd(d.path(), &["notice", "--subprocessors", "--out", "sp.md"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("records no processing on behalf of others"),
        "{}",
        r.stderr
    );
    assert!(!d.path().join("sp.md").exists());
}

#[test]
fn the_subprocessor_list_of_seed_004_shows_ilait_without_a_date() {
    let d = dir_with_example("004-webbplats-nu");
    let r = skydd(d.path(), &["notice", "--subprocessors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("# Underbiträden – Webbplats Nu AB\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("artikel 28.2"), "{}", r.stdout);
    assert!(
        r.stdout.contains("| ilait AB | Inom EU/EES | Driftstjänster för servrar, webbplatser, e-postkonton och databaser | Ingen (inom EU/EES) | datum saknas |"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("\n\n\n"),
        "no runs of blank lines: {}",
        r.stdout
    );
}

#[test]
fn the_subprocessor_list_keeps_removed_ones_and_dates_every_change() {
    let d = dir_with(HOST);
    let r = skydd(d.path(), &["notice", "--subprocessors", "--lang", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = &r.stdout;
    assert!(
        md.contains("To object to a change, contact us at dataskydd@vard.se"),
        "{md}"
    );
    let current = md.find("## Sub-processors we engage").unwrap();
    let planned = md.find("## Intended changes").unwrap();
    let removed = md.find("## Sub-processors we no longer engage").unwrap();
    let changes = md.find("## Changes to the list").unwrap();
    assert!(
        current < planned && planned < removed && removed < changes,
        "{md}"
    );
    assert!(
        md[current..planned].contains(
            "| Datacenter AB | Sweden | Data centres | None (within the EU/EEA) | 2024-01-01 |"
        ),
        "{md}"
    );
    assert!(
        md[planned..removed].contains("| Nästa Oy | Finland |"),
        "{md}"
    );
    assert!(md[removed..changes].contains("| Mail Inc. | United States | E-mail | European Commission standard contractual clauses"), "{md}");
    assert!(
        md[removed..changes].contains("| 2023-05-01 | 2025-02-01 |"),
        "{md}"
    );
    let history: Vec<&str> = md[changes..]
        .lines()
        .filter(|l| l.starts_with("| 2"))
        .collect();
    assert_eq!(
        history,
        [
            "| 2199-03-01 | Added (intended) | Nästa Oy |",
            "| 2025-02-01 | Removed | Mail Inc. |",
            "| 2024-01-01 | Added | Datacenter AB |",
            "| 2023-05-01 | Added | Mail Inc. |",
        ]
    );
    assert!(md.contains("Last changed: 2025-02-01"), "{md}");
    assert!(!md.contains("\n\n\n"), "no runs of blank lines: {md}");
}

#[test]
fn the_subprocessor_list_goes_into_a_directory_in_both_languages_and_formats() {
    let d = dir_with(HOST);
    let r = skydd(d.path(), &["notice", "--subprocessors", "--out", "public/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let read = |f: &str| std::fs::read_to_string(d.path().join("public").join(f)).unwrap();
    let sv = read("underbitraden.sv.html");
    assert!(sv.contains("<html lang=\"sv\">"));
    assert!(
        sv.contains("<h2>Underbiträden vi inte längre anlitar</h2>"),
        "{sv}"
    );
    assert!(
        sv.contains("<td><time datetime=\"2025-02-01\">2025-02-01</time></td>"),
        "{sv}"
    );
    assert!(sv.contains("Borttaget"), "{sv}");
    assert!(read("underbitraden.sv.md").contains("## Ändringar av listan"));
    let en = read("subprocessors.en.html");
    assert!(en.contains("<h1>Sub-processors – Värd AB</h1>"), "{en}");
    assert!(en.contains("Added (intended)"), "{en}");
    assert!(read("subprocessors.en.md").contains("## Changes to the list"));
    assert!(
        !d.path().join("public/integritetspolicy.sv.html").exists(),
        "only the list"
    );
}

#[test]
fn a_misspelt_key_in_the_processor_section_is_located_with_a_suggestion() {
    let src = HOST.replacen("controller_list =", "controler_list =", 1);
    let d = dir_with(&src);
    let line = src
        .lines()
        .position(|l| l.starts_with("controler_list"))
        .unwrap()
        + 1;
    let r = skydd(d.path(), &["ropa", "--processor", "--out", "ropa.csv"]);
    assert_eq!(r.code, 2);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("unknown field `controler_list`"), "{all}");
    assert!(all.contains(&format!("skydd.toml:{line}:1")), "{all}");
    assert!(all.contains("did you mean `controller_list`?"), "{all}");
    assert!(!d.path().join("ropa.csv").exists());
}

#[test]
fn a_bad_country_and_date_of_a_subprocessor_are_all_reported_with_their_places() {
    let src = HOST
        .replacen("country = \"FI\"", "country = \"Narnia\"", 1)
        .replacen("removed = 2025-02-01", "removed = 2022-02-01", 1);
    let d = dir_with(&src);
    let r = skydd(d.path(), &["check"]);
    assert_eq!(r.code, 2);
    let all = format!("{}{}", r.stdout, r.stderr);
    let country = src.lines().position(|l| l.contains("Narnia")).unwrap() + 1;
    let removed = src
        .lines()
        .position(|l| l.contains("removed = 2022"))
        .unwrap()
        + 1;
    assert!(all.contains("unknown country `Narnia`"), "{all}");
    assert!(all.contains(&format!("skydd.toml:{country}:11")), "{all}");
    assert!(
        all.contains("is removed (2022-02-01) before it was added (2023-05-01)"),
        "{all}"
    );
    assert!(all.contains(&format!("skydd.toml:{removed}:11")), "{all}");
}

#[test]
fn check_warns_of_a_subprocessor_without_a_date() {
    let d = dir_with(&HOST.replacen("added = 2024-01-01\n", "", 1));
    let r = skydd(d.path(), &["check"]);
    assert!(
        r.stdout.contains(
            "warning[subprocessor-undated]: sub-processor `Datacenter AB` has no `added` date"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("= law: GDPR art. 28.2"), "{}", r.stdout);
}

#[test]
fn the_subprocessor_lists_strings_can_be_overridden_like_the_notices() {
    let d = dir_with(HOST);
    std::fs::create_dir(d.path().join("mallar")).unwrap();
    std::fs::write(
        d.path().join("mallar/subprocessors.sv.toml"),
        "sp_title = \"Våra underleverantörer\"\n",
    )
    .unwrap();
    let r = skydd(
        d.path(),
        &["notice", "--subprocessors", "--templates", "mallar"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("# Våra underleverantörer – Värd AB\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("## Underbiträden vi anlitar"),
        "the rest stays: {}",
        r.stdout
    );
}

#[test]
fn a_subprocessor_text_in_one_language_is_a_missing_translation() {
    let d = dir_with(&HOST.replacen(
        "activity = { sv = \"Serverhallar\", en = \"Data centres\" }",
        "activity = \"Serverhallar\"",
        1,
    ));
    let r = skydd(d.path(), &["check"]);
    assert!(
        r.stdout.contains(
            "warning[missing-translation]: subprocessor `dc` activity has no English text"
        ),
        "{}",
        r.stdout
    );
}
