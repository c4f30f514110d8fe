//! The loader, specified by example: what a register may say, and how each mistake is
//! reported (with its location and, for typos, a suggestion).

use super::*;
use crate::law::{LegalBasis, RecipientRole, TransferMechanism};

const MINIMAL: &str = r#"
[controller]
name = "Exempel AB"
org_number = "556214-1993"
email = "dataskydd@exempel.se"

[[purpose]]
id = "customers"
name = { sv = "Hantera kundförhållandet", en = "Managing the customer relationship" }
legal_basis = "avtal"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.email"]
retention = "2 years after contract_end"
recipients = ["fortnox"]

[[recipient]]
id = "fortnox"
name = "Fortnox AB"
role = "processor"
country = "SE"
dpa = 2021-03-01
"#;

fn ok(src: &str) -> Register {
    match load(src) {
        Ok(r) => r,
        Err(e) => panic!("{:#?}", e.diagnostics),
    }
}

/// (code, the source text the error points at, message, help) for each error.
fn errors(src: &str) -> Vec<(String, String, String, Option<String>)> {
    let e = load(src).expect_err("the register should not load");
    e.diagnostics
        .into_iter()
        .map(|d| {
            let at = d
                .span
                .map_or(String::new(), |s| src[s.start..s.end].to_owned());
            (d.code, at, d.message, d.help)
        })
        .collect()
}

fn with(extra: &str) -> String {
    format!("{MINIMAL}\n{extra}")
}

#[test]
fn a_minimal_register_loads_with_imy_as_authority() {
    let r = ok(MINIMAL);
    assert_eq!(r.controller.name, "Exempel AB");
    assert_eq!(
        r.controller
            .org_number
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("556214-1993")
    );
    assert!(r.authority.name.starts_with("Integritetsskyddsmyndigheten"));
    assert!(r.authority_declared.is_none());
    let p = &r.purposes[0];
    assert_eq!(p.legal_bases, [LegalBasis::Contract]);
    assert_eq!(
        p.name.get(crate::Lang::En),
        "Managing the customer relationship"
    );
    assert_eq!(
        p.retention.as_ref().unwrap().rule.to_string(),
        "2 years after contract_end"
    );
    assert_eq!(
        p.sources,
        [crate::law::Source::DataSubject],
        "the person is the default source"
    );
    let f = &r.recipients[0];
    assert_eq!(f.role, RecipientRole::Processor);
    assert_eq!(f.dpa.unwrap().signed.unwrap().to_string(), "2021-03-01");
    assert!(!f.is_third_country());
}

#[test]
fn a_plain_string_is_swedish_text() {
    let r = ok(&MINIMAL.replace(
        r#"name = { sv = "Hantera kundförhållandet", en = "Managing the customer relationship" }"#,
        r#"name = "Hantera kundförhållandet""#,
    ));
    assert_eq!(
        r.purposes[0].name.sv.as_deref(),
        Some("Hantera kundförhållandet")
    );
    assert_eq!(r.purposes[0].name.en, None);
}

#[test]
fn invalid_toml_is_a_syntax_error_at_its_place() {
    let errs = errors("[controller]\nname = \"A\nemail = 1");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "syntax");
}

#[test]
fn a_misspelt_key_is_named_with_a_suggestion() {
    let src = MINIMAL.replace("legal_basis =", "legal_bassis =");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1);
    let (code, at, message, help) = &errs[0];
    assert_eq!(code, "schema");
    assert_eq!(at, "legal_bassis");
    assert!(
        message.starts_with("unknown field `legal_bassis`"),
        "{message}"
    );
    assert_eq!(help.as_deref(), Some("did you mean `legal_basis`?"));
}

#[test]
fn a_misspelt_table_is_named_with_a_suggestion() {
    let errs = errors(&with("[[purpse]]\nid = \"x\""));
    assert_eq!(errs[0].0, "schema");
    assert_eq!(errs[0].3.as_deref(), Some("did you mean `purpose`?"));
}

#[test]
fn a_missing_required_field_is_an_error() {
    let errs = errors("[controller]\nemail = \"a@b.se\"\n");
    assert_eq!(errs[0].0, "schema");
    assert!(errs[0].2.contains("missing field `name`"), "{}", errs[0].2);
}

#[test]
fn an_unknown_legal_basis_lists_the_valid_ones_and_suggests_the_closest() {
    let errs = errors(&MINIMAL.replace(r#"legal_basis = "avtal""#, r#"legal_basis = "samtyke""#));
    let (code, at, message, help) = &errs[0];
    assert_eq!(code, "value");
    assert_eq!(at, "\"samtyke\"");
    assert!(
        message.contains("unknown legal basis `samtyke`; expected one of: consent, contract"),
        "{message}"
    );
    assert_eq!(help.as_deref(), Some("did you mean `samtycke`?"));
}

#[test]
fn a_legal_basis_listed_twice_is_a_located_error_naming_both_spellings() {
    let errs = errors(&MINIMAL.replace(
        r#"legal_basis = "avtal""#,
        r#"legal_basis = ["avtal", "contract"]"#,
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (code, at, message, help) = &errs[0];
    assert_eq!(code, "duplicate");
    assert_eq!(at, "\"contract\"", "points at the second one");
    assert!(
        message.contains("legal basis `contract` is listed twice: `avtal` is the same basis")
            && message.contains("GDPR art. 6.1 b"),
        "{message}"
    );
    assert!(
        help.as_deref()
            .unwrap_or_default()
            .contains("remove `contract`")
    );
    let same = errors(&MINIMAL.replace(
        r#"legal_basis = "avtal""#,
        r#"legal_basis = ["consent", "avtal", "consent"]"#,
    ));
    assert_eq!(same.len(), 1, "{same:?}");
    assert!(
        same[0]
            .2
            .contains("legal basis `consent` is listed twice ("),
        "{}",
        same[0].2
    );
    // Two different bases still load (the lint warns about them).
    let two = ok(&MINIMAL.replace(
        r#"legal_basis = "avtal""#,
        r#"legal_basis = ["avtal", "samtycke"]"#,
    ));
    assert_eq!(two.purposes[0].legal_bases.len(), 2);
}

#[test]
fn several_legal_bases_are_read_each_with_its_own_location() {
    let errs = errors(&MINIMAL.replace(
        r#"legal_basis = "avtal""#,
        r#"legal_basis = ["avtal", "intresse"]"#,
    ));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].1, "\"intresse\"");
}

#[test]
fn a_misspelt_category_key_is_a_reference_error_with_a_suggestion() {
    let errs = errors(&MINIMAL.replace("user.contact.email", "user.contact.emial"));
    let (code, at, message, help) = &errs[0];
    assert_eq!(code, "reference");
    assert_eq!(at, "\"user.contact.emial\"");
    assert_eq!(message, "unknown data category `user.contact.emial`");
    assert_eq!(help.as_deref(), Some("did you mean `user.contact.email`?"));
}

#[test]
fn an_invalid_organisationsnummer_is_rejected_with_the_right_check_digit() {
    let errs = errors(&MINIMAL.replace("556214-1993", "556214-1994"));
    let (code, at, message, _) = &errs[0];
    assert_eq!(code, "value");
    assert_eq!(at, "\"556214-1994\"");
    assert!(message.contains("the last digit should be 3"), "{message}");
}

#[test]
fn a_retention_rule_that_does_not_parse_points_at_the_offending_word() {
    let errs = errors(&MINIMAL.replace("2 years after contract_end", "2 yeras after contract_end"));
    let (code, at, message, _) = &errs[0];
    assert_eq!(code, "retention");
    assert_eq!(at, "yeras");
    assert!(message.contains("expected a unit"), "{message}");

    let errs =
        errors(&MINIMAL.replace("2 years after contract_end", "2 years after contract_ended"));
    assert_eq!(errs[0].1, "contract_ended");
    assert_eq!(errs[0].3.as_deref(), Some("did you mean `contract_end`?"));
}

#[test]
fn every_meaning_error_is_reported_at_once_in_source_order() {
    let src = MINIMAL
        .replace("556214-1993", "123")
        .replace(r#"legal_basis = "avtal""#, r#"legal_basis = "nope""#)
        .replace(
            r#"recipients = ["fortnox"]"#,
            r#"recipients = ["fortnocks"]"#,
        )
        .replace(r#"country = "SE""#, r#"country = "Narnia""#);
    let errs = errors(&src);
    let codes: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(codes, ["value", "value", "reference", "value"]);
    assert_eq!(errs[2].3.as_deref(), Some("did you mean `fortnox`?"));
    assert_eq!(
        errs[3].3.as_deref(),
        Some("or `EEA` (somewhere in the EU/EEA) or `third-country` (somewhere outside it)")
    );
}

#[test]
fn a_recipient_may_be_placed_in_the_eea_or_outside_it_without_naming_the_country() {
    let r = ok(&MINIMAL.replace("country = \"SE\"", "country = \"EEA\""));
    assert_eq!(r.recipients[0].country, Some(Location::Eea));
    assert!(!r.recipients[0].is_third_country());
    let r = ok(&MINIMAL.replace("country = \"SE\"", "country = \"tredjeland\""));
    assert_eq!(r.recipients[0].country, Some(Location::ThirdCountry));
    assert!(r.recipients[0].is_third_country());
    assert_eq!(
        r.recipients[0]
            .country
            .as_ref()
            .unwrap()
            .name(crate::Lang::Sv),
        "Utanför EU/EES (land ej angivet)"
    );
}

#[test]
fn references_must_resolve() {
    let src = with(
        r#"
[[cookie]]
name = "_ga"
category = "statistik"
purpose = "customer"
"#,
    );
    let errs = errors(&src);
    assert_eq!(errs[0].0, "reference");
    assert_eq!(errs[0].3.as_deref(), Some("did you mean `customers`?"));
}

#[test]
fn duplicate_ids_are_errors() {
    let src = with(
        r#"
[[recipient]]
id = "fortnox"
name = "Fortnox igen"
role = "processor"
"#,
    );
    assert_eq!(errors(&src)[0].0, "duplicate");
}

#[test]
fn custom_categories_events_and_statutes_extend_the_vocabulary() {
    let src = MINIMAL
        .replace(
            r#"["user.name", "user.contact.email"]"#,
            r#"["user.name", "user.customer_number"]"#,
        )
        .replace(
            "2 years after contract_end",
            "3 months after domain_expired",
        )
        + r#"
[[data_category]]
key = "user.customer_number"
parent = "user.unique_id"
name = { sv = "Kundnummer", en = "Customer number" }

[[event]]
key = "domain_expired"
name = { sv = "domänens utgång", en = "the expiry of the domain" }
"#;
    let r = ok(&src);
    assert_eq!(
        r.category_name("user.customer_number", crate::Lang::Sv),
        "Kundnummer"
    );
    assert_eq!(
        r.category_name("user.contact.email", crate::Lang::Sv),
        "E-postadress"
    );
    let rule = &r.purposes[0].retention.as_ref().unwrap().rule;
    assert_eq!(
        rule.describe(crate::Lang::Sv, &r),
        "Tre månader efter domänens utgång"
    );
}

#[test]
fn a_custom_key_inherits_sensitivity_and_may_declare_its_own() {
    let src = with(
        r#"
[[data_category]]
key = "user.health_and_medical.allergy"
parent = "user.health_and_medical"
name = { sv = "Allergier", en = "Allergies" }

[[data_category]]
key = "user.member_number"
name = { sv = "Medlemsnummer", en = "Membership number" }
sensitivity = "personnummer"
"#,
    );
    let r = ok(&src);
    assert_eq!(
        r.sensitivity("user.health_and_medical.allergy"),
        Sensitivity::Special
    );
    assert_eq!(r.sensitivity("user.member_number"), Sensitivity::NationalId);
    assert_eq!(r.sensitivity("user.name"), Sensitivity::Ordinary);
}

#[test]
fn statutes_are_known_keys_or_citations_and_a_misspelt_key_is_caught() {
    let base = MINIMAL.replace(
        r#"legal_basis = "avtal""#,
        "legal_basis = \"legal_obligation\"\nstatute = \"bokforingslagen\"",
    );
    let r = ok(&base);
    assert!(matches!(r.purposes[0].statute, Some(StatuteRef::Known(_))));
    let r = ok(&base.replace(
        "\"bokforingslagen\"",
        "\"Diskrimineringslagen (2008:567) 6 kap.\"",
    ));
    assert_eq!(
        r.purposes[0].statute.as_ref().unwrap().citation(),
        "Diskrimineringslagen (2008:567) 6 kap."
    );
    let errs = errors(&base.replace("\"bokforingslagen\"", "\"bokforingslag\""));
    assert_eq!(
        errs[0].3.as_deref(),
        Some("did you mean `bokforingslagen`?")
    );
}

#[test]
fn a_declared_authority_replaces_imy_field_by_field() {
    let r = ok(&with(
        "[supervisory_authority]\nname = \"Datainspektionen\"\n",
    ));
    assert_eq!(r.authority.name, "Datainspektionen");
    assert_eq!(
        r.authority.address, None,
        "IMY's details are not mixed into a declared authority"
    );
    assert!(r.authority_declared.is_some());
}

#[test]
fn third_country_recipients_and_transfer_mechanisms() {
    let r = ok(&with(
        r#"
[[recipient]]
id = "mailchimp"
name = "Intuit Mailchimp"
role = "biträde"
country = "us"
transfer = "dpf"
dpa = true
"#,
    ));
    let m = r.recipient("mailchimp").unwrap();
    assert!(m.is_third_country());
    assert_eq!(m.country, Some(Location::Country("US".into())));
    assert_eq!(m.transfer, Some(TransferMechanism::DataPrivacyFramework));
    assert_eq!(m.dpa, Some(Dpa { signed: None }));
}

#[test]
fn dates_must_be_plain_dates() {
    let errs = errors(&with("[notice]\neffective = 2024-01-01T10:00:00\n"));
    assert!(
        errs[0].2.contains("must be a date without a time"),
        "{}",
        errs[0].2
    );
}

#[test]
fn the_content_hash_ignores_layout_but_not_content() {
    let a = ok(MINIMAL);
    let b = ok(&format!(
        "# a comment\n{}",
        MINIMAL.replace("name = \"Exempel AB\"", "name   =   \"Exempel AB\"")
    ));
    assert_eq!(a.content_hash(), b.content_hash());
    assert_eq!(a.content_hash().len(), 64);
    let c = ok(&MINIMAL.replace("2 years after", "3 years after"));
    assert_ne!(a.content_hash(), c.content_hash());
}

#[test]
fn hmac_keys_must_have_32_bytes() {
    use super::{MIN_HMAC_KEY_BYTES, check_hmac_key};
    assert_eq!(MIN_HMAC_KEY_BYTES, 32);
    let empty = check_hmac_key(b"").unwrap_err();
    assert!(
        empty.contains("at least 32 bytes and it is empty"),
        "{empty}"
    );
    assert!(empty.contains("reversed by guessing"), "{empty}");
    let short = check_hmac_key(b"test-key").unwrap_err();
    assert!(short.contains("it has 8 byte(s)"), "{short}");
    assert!(check_hmac_key(&[7; 31]).is_err());
    assert!(check_hmac_key(&[7; 32]).is_ok());
    assert!(check_hmac_key(b"0123456789abcdef0123456789abcdef0123456789abcdef").is_ok());
}

#[test]
fn websites_are_http_or_https_links() {
    for (src, message, help) in [
        (
            MINIMAL.replace(
                "email = \"dataskydd@exempel.se\"",
                "email = \"dataskydd@exempel.se\"\nwebsite = \"javascript:alert(1)\"",
            ),
            "`javascript:alert(1)` is not a web address: only http:// and https:// links are allowed",
            None,
        ),
        (
            with(
                "[dpo]\nname = \"Dataskyddsombud\"\nwebsite = \"data:text/html,<script>x</script>\"\n",
            ),
            "`data:text/html,<script>x</script>` is not a web address",
            None,
        ),
        (
            MINIMAL.replace(
                "dpa = 2021-03-01",
                "dpa = 2021-03-01\nwebsite = \"www.fortnox.se\"",
            ),
            "`www.fortnox.se` is not a web address",
            Some("write `https://www.fortnox.se`"),
        ),
        (
            with("[supervisory_authority]\nname = \"IMY\"\nwebsite = \"https://\"\n"),
            "`https://` names no host",
            None,
        ),
        (
            with("[representative]\nname = \"R\"\nwebsite = \"https://exempel.se/a b\"\n"),
            "has a character a link cannot hold",
            Some("percent-encode it (a space is %20)"),
        ),
    ] {
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{errs:#?}");
        let (code, at, got, got_help) = &errs[0];
        assert_eq!(code, "value");
        assert!(
            at.starts_with('"') && got.contains(at.trim_matches('"')),
            "points at the value: {at}"
        );
        assert!(got.contains(message), "{got}");
        assert_eq!(got_help.as_deref(), help, "{got}");
    }
    let r = ok(&MINIMAL.replace(
        "email = \"dataskydd@exempel.se\"",
        "email = \"dataskydd@exempel.se\"\nwebsite = \"HTTPS://www.exempel.se/om-oss?x=1#kontakt\"",
    ));
    assert_eq!(
        r.controller.website.as_deref(),
        Some("HTTPS://www.exempel.se/om-oss?x=1#kontakt")
    );
}

#[test]
fn a_recipient_country_may_be_named_in_swedish_or_english_and_is_kept_as_its_iso_code() {
    for (written, code) in [
        ("USA", "US"),
        ("Förenta staterna", "US"),
        ("Storbritannien", "GB"),
        ("irland", "IE"),
        ("Tyskland", "DE"),
        ("Sverige", "SE"),
        ("Sweden", "SE"),
        ("United Kingdom", "GB"),
    ] {
        let r = ok(&MINIMAL.replace("country = \"SE\"", &format!("country = \"{written}\"")));
        assert_eq!(
            r.recipients[0].country,
            Some(Location::Country(code.into())),
            "{written}"
        );
    }
}

#[test]
fn a_misspelt_country_name_is_a_located_error_that_lists_what_is_accepted() {
    let src = MINIMAL.replace("country = \"SE\"", "country = \"Sverje\"");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].1, "\"Sverje\"");
    assert!(errs[0].2.contains("ISO 3166-1"), "{}", errs[0].2);
    assert_eq!(
        errs[0].3.as_deref(),
        Some("did you mean `Sverige` (ISO 3166-1 code `SE`)?")
    );
    let src = MINIMAL.replace("country = \"SE\"", "country = \"Förenta statena\"");
    assert_eq!(
        errors(&src)[0].3.as_deref(),
        Some("did you mean `USA` (ISO 3166-1 code `US`)?")
    );
}

#[test]
fn keywords_are_read_in_swedish_and_kept_canonical() {
    let src = MINIMAL
        .replace(
            "legal_basis = \"avtal\"",
            "legal_basis = \"berättigat intresse\"\nlegitimate_interest = \"Kundvård\"",
        )
        .replace("role = \"processor\"", "role = \"personuppgiftsbiträde\"");
    let r = ok(&src);
    assert_eq!(r.purposes[0].legal_bases[0].key(), "legitimate_interests");
    assert_eq!(r.recipients[0].role, crate::law::RecipientRole::Processor);
}

#[test]
fn the_controller_may_give_its_legal_name_beside_a_brand() {
    let r = ok(&MINIMAL.replace(
        "name = \"Exempel AB\"",
        "name = \"Exempel\"\nlegal_name = \"Exempel Sverige AB\"",
    ));
    assert_eq!(
        r.controller.legal_name.as_deref(),
        Some("Exempel Sverige AB")
    );
    assert_eq!(r.controller.name, "Exempel");
}

#[test]
fn a_dpf_check_dated_before_the_framework_existed_is_a_located_error() {
    let with = |v: &str| {
        MINIMAL.replace(
            "country = \"SE\"",
            &format!("country = \"US\"\ntransfer = \"dpf\"\ndpf_certified = {v}"),
        )
    };
    let e = load(&with("2019-01-01")).expect_err("2019 is before the DPF (2023-07-10)");
    let d = &e.diagnostics[0];
    assert!(d.message.contains("2023-07-10"), "{}", d.message);
    assert!(d.message.contains("2023/1795"), "{}", d.message);
    assert!(d.span.is_some());
    assert!(load(&with("2023-07-09")).is_err());
    assert!(load(&with("2023-07-10")).is_ok());
}

#[test]
fn a_recipient_states_its_data_privacy_framework_certification_as_a_flag_or_the_day_checked() {
    let with = |v: &str| {
        MINIMAL.replace(
            "country = \"SE\"",
            &format!("country = \"US\"\ntransfer = \"dpf\"\ndpf_certified = {v}"),
        )
    };
    let r = ok(&with("true"));
    assert_eq!(
        r.recipients[0]
            .dpf_certified
            .map(|c| (c.certified, c.checked)),
        Some((true, None))
    );
    let r = ok(&with("2025-06-01"));
    assert_eq!(
        r.recipients[0].dpf_certified.and_then(|c| c.checked),
        Some(jiff::civil::date(2025, 6, 1))
    );
    let e = load(&with("\"yes\"")).expect_err("a string is neither a flag nor a date");
    let d = &e.diagnostics[0];
    assert!(
        d.message.contains("must be true, false or a date"),
        "{}",
        d.message
    );
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.contains("Data Privacy Framework"), "{help}");
}

#[test]
fn privacy_shield_is_read_as_a_known_invalid_mechanism() {
    let r = ok(&MINIMAL.replace(
        "country = \"SE\"",
        "country = \"US\"\ntransfer = \"Privacy Shield\"",
    ));
    let m = r.recipients[0].transfer.unwrap();
    assert_eq!(m, TransferMechanism::PrivacyShield);
    assert_eq!(m.invalidated().map(|i| i.date), Some("2020-07-16"));
}

#[test]
fn a_statute_may_be_named_with_its_swedish_letters_or_abbreviation() {
    for written in ["bokföringslagen", "BFL", "Bokforingslagen"] {
        let r = ok(&MINIMAL.replace(
            "legal_basis = \"avtal\"",
            &format!("legal_basis = \"avtal\"\nstatute = \"{written}\""),
        ));
        assert!(
            matches!(&r.purposes[0].statute, Some(StatuteRef::Known(s)) if s.key == "bokforingslagen"),
            "{written}"
        );
    }
}

#[test]
fn a_register_without_financial_year_has_calendar_years() {
    assert!(ok(MINIMAL).financial_year.is_calendar());
}

#[test]
fn a_broken_financial_year_is_declared_by_its_first_day() {
    let r = ok(&with("[financial_year]\nstarts = \"07-01\"\n"));
    assert_eq!(r.financial_year.start_month, 7);
    assert_eq!(
        r.financial_year
            .end_of_year_containing("2025-09-15".parse().unwrap())
            .map(|d| d.to_string()),
        Some("2026-06-30".into())
    );
}

#[test]
fn a_financial_year_starts_on_the_first_of_a_month() {
    let errs = errors(&with("[financial_year]\nstarts = \"07-15\"\n"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "\"07-15\"");
    assert!(errs[0].2.contains("BFL 3 kap. 1 §"), "{}", errs[0].2);
    assert_eq!(errs[0].3.as_deref(), Some("did you mean `07-01`?"));
    let errs = errors(&with("[financial_year]\nstarts = \"juli\"\n"));
    assert!(errs[0].2.contains("MM-DD"), "{}", errs[0].2);
}

#[test]
fn a_first_financial_year_of_eighteen_months_sets_the_years_after_it() {
    let r = ok(&with(
        "[financial_year]\nstarts = \"07-01\"\nfirst = { from = 2024-01-01, to = 2025-06-30 }\n",
    ));
    assert_eq!(r.financial_year.start_month, 7);
    assert_eq!(r.financial_year.irregular.len(), 1);
}

#[test]
fn a_first_financial_year_over_eighteen_months_is_an_error_at_its_end() {
    let errs = errors(&with(
        "[financial_year]\nfirst = { from = 2024-01-01, to = 2025-07-31 }\n",
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "2025-07-31");
    assert!(
        errs[0].2.contains("at most 18 months (BFL 3 kap. 3 §)"),
        "{}",
        errs[0].2
    );
    assert!(errs[0].2.contains("2025-06-30"), "{}", errs[0].2);
}

#[test]
fn a_first_year_must_end_where_the_declared_years_start() {
    let errs = errors(&with(
        "[financial_year]\nstarts = \"01-01\"\nfirst = { from = 2024-03-15, to = 2025-06-30 }\n",
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "2025-06-30");
    assert_eq!(
        errs[0].3.as_deref().map(|h| h.contains("\"07-01\"")),
        Some(true)
    );
}

#[test]
fn a_change_of_financial_year_is_the_changed_year_and_must_start_where_a_year_would() {
    let r = ok(&with(
        "[financial_year]\n[[financial_year.change]]\nfrom = 2025-01-01\nto = 2025-06-30\n",
    ));
    let end = |s: &str| {
        r.financial_year
            .end_of_year_containing(s.parse().unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(end("2024-09-15"), "2024-12-31");
    assert_eq!(end("2025-03-01"), "2025-06-30");
    assert_eq!(end("2025-09-15"), "2026-06-30");
    // Calendar years start on 1 January, not on 1 February.
    let errs = errors(&with(
        "[financial_year]\n[[financial_year.change]]\nfrom = 2025-02-01\nto = 2025-06-30\n",
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "2025-02-01");
    // Longer than eighteen months.
    let errs = errors(&with(
        "[financial_year]\n[[financial_year.change]]\nfrom = 2024-01-01\nto = 2025-08-31\n",
    ));
    assert_eq!(errs[0].1, "2025-08-31");
}

const RETENTION_FOR: &str = r#"
[[purpose]]
id = "bookkeeping"
name = "Bokföring"
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.financial", "user.contact"]

[purpose.retention]
rule = "as required by bokforingslagen"

[[purpose.retention.for]]
categories = ["user.contact"]
rule = "två år efter contract_end"
text = "Kontaktuppgifter sparas i två år."
"#;

#[test]
fn a_purpose_may_keep_some_categories_for_a_period_of_their_own() {
    let r = ok(&with(RETENTION_FOR));
    let p = r.purposes.iter().find(|p| p.id == "bookkeeping").unwrap();
    let ret = p.retention.as_ref().unwrap();
    assert_eq!(ret.rule.to_string(), "as required by bokforingslagen");
    assert_eq!(ret.overrides.len(), 1);
    assert_eq!(
        ret.overrides[0].rule.to_string(),
        "2 years after contract_end"
    );
    let email = ["user.contact.email".to_owned()];
    let bank = ["user.financial.bank_account".to_owned()];
    assert_eq!(
        ret.rule_for(&email, &[]).to_string(),
        "2 years after contract_end"
    );
    assert_eq!(
        ret.rule_for(&bank, &[]).to_string(),
        "as required by bokforingslagen"
    );
    // A field tagged more broadly may hold either: the later rule decides.
    let broad = ["user".to_owned()];
    assert_eq!(
        ret.rule_for(&broad, &[]).to_string(),
        "the later of as required by bokforingslagen and 2 years after contract_end"
    );
    assert!(ret.describe(crate::text::Lang::Sv, &r).contains("; för "));
}

#[test]
fn a_period_of_its_own_is_described_with_whose_data_it_keeps() {
    use crate::text::Lang;
    let r = ok(&with(RETENTION_FOR));
    let p = r.purposes.iter().find(|p| p.id == "bookkeeping").unwrap();
    let ret = p.retention.as_ref().unwrap();
    assert!(
        ret.describe(Lang::Sv, &r).ends_with(
            "; för kontaktuppgifter: så länge kundförhållandet varar och två år därefter"
        ),
        "{}",
        ret.describe(Lang::Sv, &r)
    );
    // The company's wording already says whose: it is not said twice.
    assert_eq!(
        ret.note(Lang::Sv, &r).as_deref(),
        Some("Kontaktuppgifter sparas i två år.")
    );
    let src = with(&RETENTION_FOR.replace(
        "categories = [\"user.contact\"]",
        "categories = [\"user.contact\"]\nsubjects = [\"customer\"]",
    ));
    let r = ok(&src.replace("Kontaktuppgifter sparas i två år.", "Två år."));
    let ret = r.purposes[1].retention.as_ref().unwrap();
    assert_eq!(
        ret.overrides[0].whose(Lang::Sv, &r),
        "kontaktuppgifter om kunder"
    );
    assert_eq!(
        ret.overrides[0].whose(Lang::En, &r),
        "contact details about customers"
    );
    assert_eq!(
        ret.note(Lang::Sv, &r).as_deref(),
        Some("Kontaktuppgifter om kunder: Två år.")
    );
}

#[test]
fn a_period_for_data_the_purpose_does_not_hold_is_an_error_with_a_suggestion() {
    let src = with(&RETENTION_FOR.replace(
        "categories = [\"user.contact\"]",
        "categories = [\"user.contakt\"]",
    ));
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "\"user.contakt\"");
    assert_eq!(errs[0].3.as_deref(), Some("did you mean `user.contact`?"));
    let src = with(&RETENTION_FOR.replace("categories = [\"user.contact\"]\n", ""));
    let errs = errors(&src);
    assert!(
        errs[0].2.contains("needs `categories` or `subjects`"),
        "{errs:?}"
    );
}

#[test]
fn a_bad_rule_in_a_period_of_its_own_points_into_the_string() {
    let src = with(&RETENTION_FOR.replace(
        "två år efter contract_end",
        "minst två år efter contract_end",
    ));
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "minst");
    assert!(errs[0].2.contains("minimum"), "{}", errs[0].2);
}

#[test]
fn a_period_for_a_group_of_people_applies_where_the_collection_holds_only_them() {
    let src = with(
        r#"
[[purpose]]
id = "recruitment"
name = "Rekrytering"
legal_basis = "legitimate_interests"
legitimate_interest = "Att anställa."
data_subjects = ["job_applicant", "employee"]
data_categories = ["user.name"]

[purpose.retention]
rule = "2 years after recruitment_end"

[[purpose.retention.for]]
subjects = ["job_applicant"]
rule = "6 months after recruitment_end"
"#,
    );
    let r = ok(&src);
    let ret = r.purposes[1].retention.as_ref().unwrap();
    let name = ["user.name".to_owned()];
    let applicants = ["job_applicant".to_owned()];
    let both = ["job_applicant".to_owned(), "employee".to_owned()];
    assert_eq!(
        ret.rule_for(&name, &applicants).to_string(),
        "6 months after recruitment_end"
    );
    // Employees too, or nobody says whom the collection holds: the longer period may be
    // meant, so it is kept until both have run out.
    for subjects in [&both[..], &[]] {
        assert_eq!(
            ret.rule_for(&name, subjects).to_string(),
            "the later of 2 years after recruitment_end and 6 months after recruitment_end"
        );
    }
    assert_eq!(
        ret.rule_for(&name, &["employee".to_owned()]).to_string(),
        "2 years after recruitment_end"
    );
}

#[test]
fn a_first_year_that_implies_another_start_needs_starts_written_out() {
    // Without `starts` the years are calendar years (the documented default); a first
    // year ending 31 August says they start on 1 September: the register must say so.
    let errs = errors(&with(
        "[financial_year]\nfirst = { from = 2024-03-15, to = 2025-08-31 }\n",
    ));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "2025-08-31");
    assert!(errs[0].2.contains("start on 09-01"), "{}", errs[0].2);
    assert_eq!(
        errs[0].3.as_deref(),
        Some("write `starts = \"09-01\"` under `[financial_year]`")
    );
    let r = ok(&with(
        "[financial_year]\nstarts = \"09-01\"\nfirst = { from = 2024-03-15, to = 2025-08-31 }\n",
    ));
    assert_eq!(r.financial_year.start_month, 9);
    // A first year ending on 31 December agrees with the default.
    ok(&with(
        "[financial_year]\nfirst = { from = 2024-03-15, to = 2024-12-31 }\n",
    ));
}

#[test]
fn a_change_of_financial_year_that_changes_nothing_is_an_error() {
    let src =
        with("[financial_year]\n[[financial_year.change]]\nfrom = 2016-01-01\nto = 2016-12-31\n");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "[[financial_year.change]]");
    assert!(errs[0].2.contains("does not change"), "{}", errs[0].2);
}

#[test]
fn a_financial_year_start_written_otherwise_suggests_mm_dd() {
    for v in ["7-1", "juli", "2025-07-01"] {
        let errs = errors(&with(&format!("[financial_year]\nstarts = \"{v}\"\n")));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0].3.as_deref(),
            Some("did you mean `starts = \"07-01\"`?"),
            "{v}"
        );
    }
}

#[test]
fn two_periods_of_their_own_for_the_same_data_are_an_error_naming_both() {
    let src = with(&format!(
        "{RETENTION_FOR}\n[[purpose.retention.for]]\ncategories = [\"user.contact.email\"]\nrule = \"3 years after contract_end\"\n"
    ));
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    // At the second one, naming both.
    assert_eq!(errs[0].1, "[[purpose.retention.for]]");
    assert!(
        src[..src.rfind("[[purpose.retention.for]]").unwrap()]
            .contains("[[purpose.retention.for]]")
    );
    let m = &errs[0].2;
    assert!(
        m.contains("`user.contact.email`, `3 years after contract_end`")
            && m.contains("`user.contact`, `2 years after contract_end`"),
        "{m}"
    );
    assert!(
        errs[0]
            .3
            .as_deref()
            .is_some_and(|h| h.contains("the later of"))
    );
    // The same subjects with other categories, or the same categories for other people,
    // do not overlap.
    let src = with(&RETENTION_FOR.replace(
        "text = \"Kontaktuppgifter sparas i två år.\"\n",
        "text = \"Kontaktuppgifter sparas i två år.\"\n\n[[purpose.retention.for]]\ncategories = [\"user.financial\"]\nrule = \"8 years after contract_end\"\n",
    ));
    ok(&src);
    // One without categories covers all of them: it overlaps any for the same people.
    let src = with(&format!(
        "{RETENTION_FOR}\n[[purpose.retention.for]]\nsubjects = [\"customer\"]\nrule = \"3 years after contract_end\"\n"
    ));
    assert_eq!(errors(&src).len(), 1);
}

#[test]
fn a_data_subject_written_by_its_swedish_name_suggests_its_key() {
    for written in ["kund", "Kunder"] {
        let src = MINIMAL.replacen(
            "data_subjects = [\"customer\"]",
            &format!("data_subjects = [\"{written}\"]"),
            1,
        );
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].1, format!("\"{written}\""));
        assert_eq!(
            errs[0].3.as_deref(),
            Some("did you mean `customer` (Kunder)?")
        );
    }
    // Too short to be a name: the usual help.
    let src = MINIMAL.replacen(
        "data_subjects = [\"customer\"]",
        "data_subjects = [\"ku\"]",
        1,
    );
    assert!(
        errors(&src)[0]
            .3
            .as_deref()
            .is_some_and(|h| h.contains("skydd taxonomy"))
    );
}
