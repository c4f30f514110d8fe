//! The schema and the reference, specified: every key the loader accepts is in them, with a
//! description; what the schema accepts is what the loader accepts.

use regex::Regex;
use serde_json::Value;

use super::*;
use crate::law::{
    Art9Condition, CookieCategory, LegalBasis, RecipientRole, Requirement, Source,
    TransferMechanism, parse_keyword,
};
use crate::taxonomy::Sensitivity;

fn definitions(schema: &Value) -> Map<String, Value> {
    schema
        .get("definitions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Every object schema with properties, named by where it is: the root and each
/// definition, and inline objects below them.
fn objects(schema: &Value) -> Vec<(String, Value)> {
    fn visit(at: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(o) => {
                if o.get("properties").is_some_and(Value::is_object) {
                    out.push((at.to_owned(), v.clone()));
                }
                for (k, x) in o {
                    visit(&format!("{at}/{k}"), x, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    visit(&format!("{at}/{i}"), x, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    visit("#", schema, &mut out);
    out
}

#[test]
fn every_key_of_the_register_has_a_description() {
    let schema = json_schema();
    let mut missing = Vec::new();
    for (at, obj) in objects(&schema) {
        for (key, prop) in obj["properties"].as_object().into_iter().flatten() {
            let d = prop
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            if d.trim().is_empty() {
                missing.push(format!("{at}: `{key}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys without a description (give each field in register/raw.rs a `///` comment):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_value_type_of_the_register_is_described() {
    let schema = json_schema();
    for (name, def) in definitions(&schema) {
        let d = def.get("description").and_then(Value::as_str).unwrap_or("");
        assert!(
            !d.trim().is_empty(),
            "definition `{name}` has no description"
        );
    }
}

#[test]
fn unknown_keys_are_refused_everywhere_as_the_loader_refuses_them() {
    let schema = json_schema();
    for (at, obj) in objects(&schema) {
        assert_eq!(
            obj.get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{at} lets unknown keys through, but the loader refuses them"
        );
    }
}

#[test]
fn the_reference_has_a_table_for_every_table_of_the_schema() {
    let schema = json_schema();
    let defs = definitions(&schema);
    let tables = tables(&schema, &defs);
    let md = markdown();
    for (name, def) in defs
        .iter()
        .filter(|(_, d)| d.get("properties").is_some())
        .chain(
            [("(root)".to_owned(), schema.clone())]
                .iter()
                .map(|(a, b)| (a, b)),
        )
    {
        let keys: Vec<&String> = def["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        let found = tables.iter().find(|t| {
            let rows: Vec<&String> = t.rows.iter().map(|r| &r.key).collect();
            rows == keys
        });
        let Some(t) = found else {
            panic!("the table `{name}` of the schema is missing from docs/register.md");
        };
        assert!(md.contains(&format!("## {}\n", t.heading)));
        for r in &t.rows {
            assert!(
                md.contains(&format!("| `{}` |", r.key)),
                "`{}` of {} is missing from the reference",
                r.key,
                t.heading
            );
        }
    }
}

#[test]
fn the_reference_names_the_main_tables_of_a_register() {
    let md = markdown();
    for heading in [
        "`[controller]`",
        "`[[purpose]]`",
        "`[[recipient]]`",
        "`[purpose.retention]`",
        "`[rights.statements]`",
        "`[[notice.section]]`",
        "`[erasure.default]`",
    ] {
        assert!(md.contains(&format!("## {heading}\n")), "{heading} missing");
    }
    // Required keys are marked.
    assert!(md.contains("| `name` | string | yes |"));
}

/// Inputs built from each spelling the way people write keywords.
fn variants(spelling: &str) -> Vec<String> {
    let title: String = spelling
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        spelling.to_owned(),
        spelling.to_uppercase(),
        spelling.replace('_', " "),
        spelling.replace('_', "-"),
        spelling.replace('_', "."),
        format!("  {spelling} "),
        title,
        format!("{spelling}x"),
        format!("x{spelling}"),
        spelling.replace('_', ""),
        format!("{spelling}_{spelling}"),
    ]
}

fn agrees<K: Keyword + PartialEq>() {
    let pattern = keyword_pattern(K::spellings().iter().map(|(s, _)| *s));
    let re = Regex::new(&pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    for (s, _) in K::spellings() {
        for input in variants(s) {
            assert_eq!(
                re.is_match(&input),
                parse_keyword::<K>(&input).is_ok(),
                "{}: the schema and the loader disagree on {input:?}",
                K::WHAT
            );
        }
    }
}

#[test]
fn keyword_patterns_accept_what_the_loader_accepts() {
    agrees::<LegalBasis>();
    agrees::<Art9Condition>();
    agrees::<RecipientRole>();
    agrees::<TransferMechanism>();
    agrees::<Requirement>();
    agrees::<Source>();
    agrees::<CookieCategory>();
    agrees::<Sensitivity>();
}

#[test]
fn a_keyword_schema_offers_the_canonical_keys_and_lists_every_spelling() {
    let schema = json_schema();
    let defs = definitions(&schema);
    let basis = &defs["LegalBasis"];
    assert_eq!(
        basis["examples"],
        serde_json::json!([
            "consent",
            "contract",
            "legal_obligation",
            "vital_interests",
            "public_task",
            "legitimate_interests"
        ])
    );
    let d = basis["description"].as_str().unwrap_or_default();
    assert!(d.contains("`intresseavvägning`"), "{d}");
}

#[test]
fn taxonomy_keys_are_offered_and_keys_of_ones_own_pass() {
    let schema = json_schema();
    let defs = definitions(&schema);
    let cat = &defs["DataCategoryKey"];
    let keys = cat["anyOf"][0]["enum"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(keys.contains(&Value::from("user.contact.email")));
    let own = Regex::new(cat["anyOf"][1]["pattern"].as_str().unwrap_or("^$"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(own.is_match("user.customer_number"));
    assert!(!own.is_match("User Number"));
}

/// Whether `value` passes the string schema `s` (an `enum`, a `pattern`, or `anyOf` them).
fn string_passes(s: &Value, value: &str) -> bool {
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        return any.iter().any(|x| string_passes(x, value));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        return e.iter().any(|x| x.as_str() == Some(value));
    }
    match s.get("pattern").and_then(Value::as_str) {
        Some(p) => Regex::new(p).unwrap().is_match(value),
        None => s.get("type").and_then(Value::as_str) == Some("string"),
    }
}

#[test]
fn the_schema_refuses_a_financial_year_start_voice_or_automated_decisions_the_loader_refuses() {
    let defs = definitions(&json_schema());
    let cases: [(&str, &[&str], &[&str]); 3] = [
        (
            "MonthStart",
            &["01-01", "07-01", "12-01"],
            &["07-15", "7-1", "2025-07-01", "juli", "13-01", "00-01"],
        ),
        (
            "Voice",
            &["plural", "singular", "Singularis", "jag", "vi"],
            &["singlar", "du", "Intresseavvägning"],
        ),
        (
            "NoAutomatedDecisions",
            &["none", "None", "inga", "ingen", "inga_beslut"],
            &["nnoe", "some", "inga beslut"],
        ),
    ];
    for (def, accepted, refused) in cases {
        let s = defs
            .get(def)
            .unwrap_or_else(|| panic!("no definition {def}"));
        for v in accepted {
            assert!(string_passes(s, v), "{def} refuses {v:?}");
        }
        for v in refused {
            assert!(!string_passes(s, v), "{def} accepts {v:?}");
        }
    }
    // The same values, read by the loader.
    let register = |extra: &str| {
        format!(
            "[controller]\nname = \"Exempel AB\"\norg_number = \"556214-1993\"\nemail = \"a@b.se\"\n{extra}"
        )
    };
    assert!(crate::register::load(&register("[financial_year]\nstarts = \"07-01\"")).is_ok());
    assert!(crate::register::load(&register("[financial_year]\nstarts = \"07-15\"")).is_err());
    assert!(crate::register::load(&register("[notice]\nvoice = \"singlar\"")).is_err());
    assert!(crate::register::load(&register("[rights]\nautomated_decisions = \"inga\"")).is_ok());
    assert!(crate::register::load(&register("[rights]\nautomated_decisions = \"nnoe\"")).is_err());
}

#[test]
fn the_schema_offers_iso_codes_for_a_country_and_still_accepts_names() {
    let defs = definitions(&json_schema());
    let c = &defs["Country"];
    let examples = c["examples"].as_array().unwrap();
    assert!(examples.iter().any(|e| e == "SE"));
    assert!(examples.iter().any(|e| e == "US"));
    assert!(string_passes(c, "Sverige"));
}
