//! The shape of a register, specified by example: every unknown key, every value of the
//! wrong TOML type and every missing key in one run, each located, typos with a suggestion.

use super::load;

const HEAD: &str = r#"
[controller]
name = "Exempel AB"
email = "dataskydd@exempel.se"
"#;

/// (the source text each error points at, its message, its help), in source order.
pub(in crate::register) fn errors(src: &str) -> Vec<(String, String, Option<String>)> {
    let Err(e) = load(src) else {
        panic!("the register should not load");
    };
    e.diagnostics
        .into_iter()
        .map(|d| {
            let at = d
                .span
                .map_or(String::new(), |s| src[s.start..s.end].to_owned());
            (at, d.message, d.help)
        })
        .collect()
}

/// (where, suggestion) of each error.
fn located(errs: &[(String, String, Option<String>)]) -> Vec<(&str, Option<&str>)> {
    errs.iter()
        .map(|(at, _, help)| (at.as_str(), help.as_deref()))
        .collect()
}

#[test]
fn three_misspelt_keys_in_three_tables_are_all_reported_in_one_run() {
    let src = format!(
        "{HEAD}
[financial_year]
start = \"07-01\"

[[purpose]]
id = \"customers\"
nmae = \"Kunder\"
legal_basis = \"contract\"

[[subprocessor]]
id = \"mail\"
name = \"Mail AB\"
contry = \"SE\"
"
    );
    let errs = errors(&src);
    assert_eq!(
        located(&errs),
        [
            ("start", Some("did you mean `starts`?")),
            ("nmae", Some("did you mean `name`?")),
            ("contry", Some("did you mean `country`?")),
        ],
        "{errs:#?}"
    );
    assert!(
        errs[0]
            .1
            .starts_with("unknown field `start` in [financial_year]"),
        "{}",
        errs[0].1
    );
    assert!(
        errs[1].1.starts_with("unknown field `nmae` in [[purpose]]"),
        "{}",
        errs[1].1
    );
    assert!(
        errs[2]
            .1
            .starts_with("unknown field `contry` in [[subprocessor]]"),
        "{}",
        errs[2].1
    );
}

#[test]
fn every_typo_of_one_table_is_reported_not_only_the_first() {
    // The adversarial test's case: three typos in [financial_year], one of them a table.
    let src = format!(
        "{HEAD}
[financial_year]
start = \"07-01\"
frist = {{ from = 2016-03-15, to = 2016-12-31 }}

[[financial_year.changes]]
from = 2017-01-01
to = 2017-06-30

[[purpose]]
id = \"customers\"
nmae = \"Kunder\"
legal_bsis = \"contract\"
retension = \"2 years after collected\"
"
    );
    let errs = errors(&src);
    assert_eq!(
        located(&errs),
        [
            ("start", Some("did you mean `starts`?")),
            ("frist", Some("did you mean `first`?")),
            ("changes", Some("did you mean `change`?")),
            ("nmae", Some("did you mean `name`?")),
            ("legal_bsis", Some("did you mean `legal_basis`?")),
            ("retension", Some("did you mean `retention`?")),
        ],
        "{errs:#?}"
    );
}

#[test]
fn a_wrong_type_and_a_misspelt_key_in_one_recipient_are_both_reported() {
    let src = format!(
        "{HEAD}
[[recipient]]
id = \"mailer\"
name = 42
role = \"processor\"
contry = \"US\"
"
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(errs[0].0, "42");
    assert_eq!(
        errs[0].1,
        "`name` in [[recipient]] must be a string or a table, not an integer"
    );
    assert_eq!(errs[1].0, "contry");
    assert_eq!(errs[1].2.as_deref(), Some("did you mean `country`?"));
}

#[test]
fn a_table_where_a_string_is_expected_and_a_string_where_an_integer_is_are_errors() {
    let src = format!(
        "{HEAD}
[notice]
change_notice_days = \"30\"

[[purpose]]
id = {{ sv = \"kunder\" }}
name = \"Kunder\"
"
    );
    let errs = errors(&src);
    assert_eq!(
        errs.iter()
            .map(|(at, m, _)| (at.as_str(), m.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                "\"30\"",
                "`change_notice_days` in [notice] must be an integer, not a string"
            ),
            (
                "{ sv = \"kunder\" }",
                "`id` in [[purpose]] must be a string, not a table"
            ),
        ]
    );
}

#[test]
fn a_quoted_date_is_a_string_not_a_date() {
    let src = format!(
        "{HEAD}
[[recipient]]
id = \"mailer\"
name = \"Mailer AB\"
role = \"processor\"
dpa = \"2024-03-01\"
"
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, "\"2024-03-01\"");
    assert!(errs[0].1.contains("a date without quotes"), "{}", errs[0].1);
}

#[test]
fn list_items_of_the_wrong_type_are_each_located() {
    let src = format!(
        "{HEAD}
[[purpose]]
id = \"customers\"
name = \"Kunder\"
data_subjects = [\"customer\", 7, true]
"
    );
    let errs = errors(&src);
    assert_eq!(located(&errs), [("7", None), ("true", None)], "{errs:#?}");
    assert_eq!(
        errs[0].1,
        "an item of `data_subjects` in [[purpose]] must be a string, not an integer"
    );
}

#[test]
fn nested_tables_are_named_by_their_path() {
    let src = format!(
        "{HEAD}
[[purpose]]
id = \"customers\"
name = {{ sv = \"Kunder\", eng = \"Customers\" }}

[purpose.retention]
rul = \"2 years after collected\"

[[purpose.retention.for]]
rule = \"7 years after collected\"
categoreis = [\"user.name\"]
"
    );
    let errs = errors(&src);
    let messages: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
    assert!(
        messages[0].starts_with("unknown field `eng` in [purpose.name]"),
        "{messages:#?}"
    );
    assert!(
        messages[1].starts_with("unknown field `rul` in [purpose.retention]"),
        "{messages:#?}"
    );
    assert!(
        messages[2].starts_with("unknown field `categoreis` in [[purpose.retention.for]]"),
        "{messages:#?}"
    );
    assert_eq!(errs.len(), 3, "no missing `rule`: `rul` was meant for it");
    assert_eq!(errs[2].2.as_deref(), Some("did you mean `categories`?"));
}

#[test]
fn every_missing_required_key_is_reported_at_its_table() {
    let src = format!(
        "{HEAD}
[[recipient]]
id = \"mailer\"

[[subprocessor]]
name = \"Mail AB\"
"
    );
    let errs = errors(&src);
    assert_eq!(
        errs.iter()
            .map(|(at, m, _)| (at.as_str(), m.as_str()))
            .collect::<Vec<_>>(),
        [
            ("[[recipient]]", "missing field `name` in [[recipient]]"),
            ("[[recipient]]", "missing field `role` in [[recipient]]"),
            ("[[subprocessor]]", "missing field `id` in [[subprocessor]]"),
        ]
    );
}

#[test]
fn keys_of_free_maps_are_not_flagged_but_their_values_are_checked() {
    let src = format!(
        "{HEAD}
[[database]]
name = \"shop\"
kind = \"postgres\"
dataset = \"shop\"
url_env = \"SHOP_URL\"

[database.events]
my_own_event = \"customers.created_at\"
contract_end = [\"orders.ended_at\", \"customers.closed_at\"]

[database.subjects]
customer = \"customers\"

[erasure.fields]
\"shop.customers.email\" = \"null\"
\"shop.customers.name\" = {{ strategy = \"fixed\", vaule = \"raderad\" }}
\"shop.customers.phone\" = 5
"
    );
    let errs = errors(&src);
    assert_eq!(
        located(&errs),
        [("vaule", Some("did you mean `value`?")), ("5", None)],
        "{errs:#?}"
    );
    assert!(
        errs[0]
            .1
            .starts_with("unknown field `vaule` in [erasure.fields.\"shop.customers.name\"]"),
        "{}",
        errs[0].1
    );
}

#[test]
fn the_register_itself_names_its_missing_tables_without_a_place() {
    let Err(e) = load("[notice]\nchange_notice_days = 30\n") else {
        panic!("loads without a controller");
    };
    assert_eq!(e.diagnostics.len(), 1, "{:#?}", e.diagnostics);
    assert_eq!(
        e.diagnostics[0].message,
        "missing field `controller` in the register"
    );
    assert_eq!(e.diagnostics[0].span, None);
}

#[test]
fn every_example_register_and_starter_has_the_shape_the_loader_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut seen = 0;
    for dir in ["examples", "crates/skydd/starters"] {
        let entries = std::fs::read_dir(root.join(dir)).unwrap();
        for e in entries {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let src = std::fs::read_to_string(&p).unwrap();
                let shape = super::keys::check(&src);
                assert!(shape.is_empty(), "{}: {shape:#?}", p.display());
                if let Err(e) = load(&src) {
                    panic!("{}: {:#?}", p.display(), e.diagnostics);
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 5, "only {seen} registers found");
}

#[test]
fn swedish_and_shortened_key_names_are_suggested_as_the_keys_they_mean() {
    let src = r#"
[controller]
name = "Exempel AB"
orgnr = "556214-1993"
epost = "dataskydd@exempel.se"
"#;
    let errs = errors(src);
    assert_eq!(
        located(&errs),
        [
            ("orgnr", Some("did you mean `org_number`?")),
            ("epost", Some("did you mean `email`?")),
        ]
    );
}

#[test]
fn a_table_where_a_list_of_tables_is_wanted_says_to_write_double_brackets() {
    let src = format!("{HEAD}\n[purpose]\nid = \"kunder\"\nname = \"Kunder\"\n");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "`purpose` must be a list, not a table");
    assert_eq!(
        errs[0].2.as_deref(),
        Some(
            "`purpose` is a list of tables: write each entry under `[[purpose]]`, not `[purpose]`"
        )
    );
}

#[test]
fn one_value_where_a_list_is_wanted_is_shown_in_brackets() {
    let src = format!(
        "{HEAD}\n[[purpose]]\nid = \"kunder\"\nname = \"Kunder\"\nlegal_basis = \"contract\"\ndata_subjects = \"customer\"\n"
    );
    let errs = errors(&src);
    assert_eq!(located(&errs)[0].0, "\"customer\"", "{errs:?}");
    assert_eq!(
        errs[0].2.as_deref(),
        Some("`data_subjects` is a list: write `data_subjects = [\"customer\"]`")
    );
}

#[test]
fn a_duplicate_key_is_named_with_the_line_it_was_first_given_on() {
    let src = "[controller]\nname = \"A\"\nemail = \"a@b.se\"\nname = \"B\"\n";
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "name");
    assert_eq!(errs[0].1, "duplicate key `name`");
    assert!(
        errs[0]
            .2
            .as_deref()
            .is_some_and(|h| h.starts_with("`name` is already given on line 2;")),
        "{errs:?}"
    );
}
