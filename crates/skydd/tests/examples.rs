//! The five seed registers in `examples/`, each transcribed from a real Swedish privacy
//! policy in `shared/seeds/`. For each, `tests/examples/<name>.toml` says which error-level
//! rules its real problems must trigger (exactly those) and which phrases the rendered
//! Swedish notice must contain (every purpose, legal basis, category, retention period and
//! recipient the seed names).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Deserialize;
use skydd_core::{Lang, Severity, lint};
use skydd_render::{Format, Renderer};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    seed: String,
    errors: Vec<String>,
    notice_sv: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn examples() -> Vec<(String, Expectation)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/examples");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let exp: Expectation = toml::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, exp)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn register(name: &str) -> skydd_core::Register {
    let path = root().join("examples").join(format!("{name}.toml"));
    let src = std::fs::read_to_string(&path).unwrap();
    skydd_core::load(&src).unwrap_or_else(|e| panic!("{name} does not load: {:#?}", e.diagnostics))
}

#[test]
fn there_is_one_example_per_seed() {
    let names: Vec<String> = examples().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "000-internetmedia",
            "001-online-marketing-sweden",
            "002-namnlost-webbhotell",
            "003-inmedit",
            "004-webbplats-nu"
        ]
    );
    for (name, exp) in examples() {
        assert!(
            exp.seed.starts_with(&name[..3]),
            "{name} names seed {}",
            exp.seed
        );
    }
}

#[test]
fn each_example_loads_and_the_lint_reports_exactly_the_seeds_real_problems() {
    for (name, exp) in examples() {
        let reg = register(&name);
        let reported: BTreeSet<String> = lint::run(&reg)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect();
        let expected: BTreeSet<String> = exp.errors.iter().cloned().collect();
        assert_eq!(reported, expected, "{name}: error-level rules");
    }
}

#[test]
fn each_swedish_notice_names_everything_its_seed_names() {
    let renderer = Renderer::new().unwrap();
    for (name, exp) in examples() {
        let reg = register(&name);
        let md = renderer.notice(&reg, Lang::Sv, Format::Markdown).unwrap();
        let html = renderer
            .notice(&reg, Lang::Sv, Format::Html)
            .unwrap()
            .replace("&#x2f;", "/");
        for phrase in &exp.notice_sv {
            assert!(
                md.contains(phrase.as_str()),
                "{name}: the Markdown notice lacks {phrase:?}"
            );
            let escaped = phrase
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\'', "&#x27;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(
                html.contains(&escaped),
                "{name}: the HTML notice lacks {phrase:?}"
            );
        }
        // The English notice renders too, and is in English.
        let en = renderer.notice(&reg, Lang::En, Format::Markdown).unwrap();
        assert!(en.contains("## Your rights"), "{name}");
    }
}

/// The problems the issue names for three seeds, spelt out so they cannot silently vanish
/// from an expectation file.
#[test]
fn the_named_problems_of_seeds_000_002_and_003_are_found() {
    let ids = |name: &str| -> BTreeSet<String> {
        lint::run(&register(name))
            .into_iter()
            .map(|d| d.code)
            .collect()
    };
    let s003 = ids("003-inmedit");
    for rule in [
        "outdated-authority-name",
        "access-once-per-year",
        "access-signed-request",
    ] {
        assert!(s003.contains(rule), "003 (Inmedit): {rule}");
    }
    let s002 = ids("002-namnlost-webbhotell");
    for rule in [
        "restriction-described-as-portability",
        "policy-acceptance-as-consent",
    ] {
        assert!(s002.contains(rule), "002: {rule}");
    }
    assert!(
        ids("000-internetmedia").contains("policy-acceptance-as-consent"),
        "000 (Internetmedia)"
    );
}
