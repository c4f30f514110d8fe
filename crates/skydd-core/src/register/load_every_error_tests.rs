//! One entry, every error: a mistake in one key of an entry does not hide the others.

use super::load;

const HEAD: &str = r#"
[controller]
name = "Exempel AB"
email = "dataskydd@exempel.se"
"#;

/// (the source text each error points at, its message), in source order.
fn errors(src: &str) -> Vec<(String, String)> {
    let Err(e) = load(src) else {
        panic!("the register should not load");
    };
    e.diagnostics
        .into_iter()
        .map(|d| {
            let at = d
                .span
                .map_or(String::new(), |s| src[s.start..s.end].to_owned());
            (at, d.message)
        })
        .collect()
}

#[test]
fn a_recipient_with_a_bad_role_and_a_bad_country_gets_both_errors_located() {
    let src = format!(
        "{HEAD}
[[recipient]]
id = \"mailer\"
name = \"Mailer Inc.\"
role = \"procesor\"
country = \"XX\"
"
    );
    let e = errors(&src);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(e[0].0, "\"procesor\"");
    assert!(e[0].1.contains("recipient role"), "{}", e[0].1);
    assert_eq!(e[1].0, "\"XX\"");
    assert!(e[1].1.contains("country"), "{}", e[1].1);
}

#[test]
fn a_recipient_with_a_bad_role_still_has_its_transfer_and_dpa_checked() {
    let src = format!(
        "{HEAD}
[[recipient]]
id = \"mailer\"
name = \"Mailer Inc.\"
role = \"nobody\"
country = \"US\"
transfer = \"privacy_sheild\"
dpa = 2024-03-01T10:00:00
"
    );
    let e = errors(&src);
    assert_eq!(e.len(), 3, "{e:#?}");
}

#[test]
fn a_purpose_with_a_bad_basis_a_bad_rule_and_an_unknown_recipient_gets_three_errors() {
    let src = format!(
        "{HEAD}
[[purpose]]
id = \"shop\"
name = \"Webbutik\"
legal_basis = \"kontrakt\"
data_subjects = [\"customer\"]
data_categories = [\"user.name\"]
retention = \"2 yeers after contract_end\"
recipients = [\"postnord\"]
"
    );
    let e = errors(&src);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert_eq!(e[0].0, "\"kontrakt\"");
    assert!(e[1].1.starts_with("retention rule"), "{}", e[1].1);
    assert_eq!(e[2].0, "\"postnord\"");
    assert!(e[2].1.contains("unknown recipient"), "{}", e[2].1);
}

#[test]
fn a_cookie_with_a_bad_category_still_has_its_party_and_duration_checked() {
    let src = format!(
        "{HEAD}
[[cookie]]
name = \"_ga\"
category = \"tracking\"
party = \"second\"
duration = \"forever\"
"
    );
    assert_eq!(errors(&src).len(), 3);
}

#[test]
fn a_database_with_a_bad_kind_still_has_its_connection_and_subjects_checked() {
    let src = format!(
        "{HEAD}
[[database]]
name = \"shop\"
kind = \"oracle\"
dataset = \"shop.yml\"
subjects = {{ customers = \"kunder\" }}
"
    );
    let e = errors(&src);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e.iter().any(|(_, m)| m.contains("database kind")));
    assert!(e.iter().any(|(_, m)| m.contains("needs `url_env`")));
    assert!(e.iter().any(|(_, m)| m.contains("unknown data subject")));
}

#[test]
fn a_data_category_with_a_bad_key_still_has_its_parent_and_sensitivity_checked() {
    let src = format!(
        "{HEAD}
[[data_category]]
key = \"User Number\"
parent = \"user.nonexistent\"
name = \"Kundnummer\"
sensitivity = \"secret\"
"
    );
    assert_eq!(errors(&src).len(), 3);
}
