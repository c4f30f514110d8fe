//! Rules over the processor side of the register: processing done on behalf of customers
//! (GDPR Art. 28, 30(2)) and the sub-processors customers rely on.

use super::Findings;
use crate::law::TransferMechanism;
use crate::register::Register;
use crate::text::Lang;

/// The rules checked here (their test cases are in this file's tests).
#[cfg(test)]
pub(super) const RULE_IDS: [&str; 5] = [
    "subprocessor-transfer-no-mechanism",
    "processing-for-no-security",
    "subprocessor-undated",
    "subprocessor-unused",
    "subprocessor-country-missing",
];

pub(super) fn check(reg: &Register, f: &mut Findings) {
    for p in &reg.processing_for {
        // Art. 30(2)(d) asks for the description "where possible"; Art. 28(3)(c) binds the
        // processor to the Art. 32 measures, so a processor that describes none is warned.
        if p.security.is_empty() && reg.security.is_empty() {
            f.report(
                "processing-for-no-security",
                format!(
                    "processing on behalf of others `{}` describes no security measures, and neither does `[security]`",
                    p.id
                ),
                p.span,
            );
        }
    }
    for s in &reg.subprocessors {
        let name = s.name(Lang::Sv);
        let country = match &s.country {
            Some(c @ crate::register::Location::Country(_)) => c.name(Lang::En),
            _ => "a country not named".to_owned(),
        };
        // A sub-processor with a `removed` date, past or planned, is judged as leaving: this
        // pass has no today to tell the two apart. The checks that need today are in
        // `dated.rs`.
        let engaged = s.removed.is_none();
        if let Some(msg) = super::structure::mechanism_inside_eea(
            "sub-processor",
            name,
            s.transfer,
            s.country.as_ref(),
        ) {
            f.report("transfer-mechanism-inside-eea", msg, s.span);
        }
        match s.transfer {
            // Inside the EU/EEA the mechanism itself is the finding (above), not its kind.
            Some(_) if super::structure::inside_eea(s.country.as_ref()) => {}
            None if engaged && s.is_third_country() => f.report(
                "subprocessor-transfer-no-mechanism",
                format!(
                    "sub-processor `{name}` is in {country}, outside the EU/EEA, with no transfer mechanism{}",
                    super::structure::adequacy_hint(s.country.as_ref())
                ),
                s.span,
            ),
            Some(TransferMechanism::DataPrivacyFramework)
                if s.country.as_ref().and_then(|c| c.code()) != Some("US") =>
            {
                f.report(
                    "transfer-dpf-outside-us",
                    format!("sub-processor `{name}` is in {country}, but the Data Privacy Framework covers only the US"),
                    s.span,
                );
            }
            Some(TransferMechanism::DataPrivacyFramework | TransferMechanism::Adequacy)
                if engaged =>
            {
                if let Some(msg) = super::structure::dpf_uncertified(
                    "sub-processor",
                    name,
                    s.transfer,
                    s.country.as_ref(),
                    s.dpf_certified,
                ) {
                    f.report("transfer-dpf-uncertified", msg, s.span);
                }
            }
            _ => {}
        }
        // The list customers see (Art. 28(2)) and the Art. 30(2) record must agree: a
        // sub-processor no processing engages is either not engaged or missing from the record.
        if engaged
            && !reg
                .processing_for
                .iter()
                .any(|p| p.subprocessors.contains(&s.id))
        {
            f.report(
                "subprocessor-unused",
                format!("sub-processor `{name}` is listed, but no `[[processing_for]]` names it in `subprocessors`"),
                s.span,
            );
        }
        if engaged && s.country.is_none() {
            f.report(
                "subprocessor-country-missing",
                format!("sub-processor `{name}` has no country"),
                s.span,
            );
        }
        if s.added.is_none() {
            f.report(
                "subprocessor-undated",
                format!("sub-processor `{name}` has no `added` date, so customers cannot see when it was engaged"),
                s.span,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::register::load;

    const BASE: &str = r#"
[controller]
name = "Värd AB"
org_number = "556214-1993"
email = "dataskydd@vard.se"

[security]
measures = [{ sv = "Kryptering", en = "Encryption" }]

[[processing_for]]
id = "webbhotell"
controllers = { sv = "Webbhotellkunder", en = "Web hosting customers" }
controller_list = { sv = "Kundregistret", en = "The customer register" }
processing = [{ sv = "Lagring av webbplatser", en = "Storage of websites" }]
subprocessors = ["dc"]

[[subprocessor]]
id = "dc"
name = "Datacenter AB"
country = "SE"
activity = { sv = "Serverhallar", en = "Data centres" }
dpa = 2024-01-01
added = 2024-01-01
"#;

    fn ids(src: &str) -> Vec<String> {
        match load(src) {
            Ok(r) => super::super::run(&r).into_iter().map(|d| d.code).collect(),
            Err(e) => panic!("does not load: {:#?}", e.diagnostics),
        }
    }

    fn with(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "the base register lacks {from:?}");
        BASE.replacen(from, to, 1)
    }

    #[test]
    fn a_processor_with_dated_eea_subprocessors_and_security_has_no_processor_findings() {
        let got = ids(BASE);
        for id in super::RULE_IDS {
            assert!(!got.iter().any(|g| g == id), "{id} in {got:?}");
        }
    }

    #[test]
    fn a_subprocessor_outside_the_eea_without_a_mechanism_is_an_error() {
        let src = with("country = \"SE\"", "country = \"IN\"");
        assert!(ids(&src).contains(&"subprocessor-transfer-no-mechanism".to_owned()));
        let rule = crate::lint::rule("subprocessor-transfer-no-mechanism").unwrap();
        assert_eq!(rule.severity, Severity::Error);
        assert!(rule.law.contains("30.2 c"));
    }

    #[test]
    fn a_subprocessor_outside_the_eea_with_standard_clauses_passes() {
        let src = with("country = \"SE\"", "country = \"IN\"\ntransfer = \"scc\"");
        assert!(!ids(&src).contains(&"subprocessor-transfer-no-mechanism".to_owned()));
    }

    #[test]
    fn a_removed_subprocessor_outside_the_eea_no_longer_needs_a_mechanism() {
        let src = with(
            "country = \"SE\"",
            "country = \"third-country\"\nremoved = 2025-01-01",
        );
        assert!(!ids(&src).contains(&"subprocessor-transfer-no-mechanism".to_owned()));
    }

    #[test]
    fn the_data_privacy_framework_outside_the_us_is_flagged_for_a_subprocessor() {
        let src = with("country = \"SE\"", "country = \"IN\"\ntransfer = \"dpf\"");
        assert!(ids(&src).contains(&"transfer-dpf-outside-us".to_owned()));
    }

    #[test]
    fn processing_for_others_without_any_security_measures_is_warned() {
        let src = with(
            "[security]\nmeasures = [{ sv = \"Kryptering\", en = \"Encryption\" }]\n",
            "",
        );
        assert!(ids(&src).contains(&"processing-for-no-security".to_owned()));
        assert!(
            crate::lint::rule("processing-for-no-security")
                .unwrap()
                .law
                .contains("30.2 d")
        );
    }

    #[test]
    fn processing_for_others_with_its_own_security_measures_passes_without_a_security_section() {
        let src = with(
            "[security]\nmeasures = [{ sv = \"Kryptering\", en = \"Encryption\" }]\n",
            "",
        )
        .replacen(
            "subprocessors = [\"dc\"]",
            "subprocessors = [\"dc\"]\nsecurity = [{ sv = \"Säkerhetskopior\", en = \"Backups\" }]",
            1,
        );
        assert!(!ids(&src).contains(&"processing-for-no-security".to_owned()));
    }

    #[test]
    fn a_subprocessor_no_processing_engages_is_warned() {
        let src = with("subprocessors = [\"dc\"]\n", "");
        assert!(ids(&src).contains(&"subprocessor-unused".to_owned()));
        assert!(!ids(BASE).contains(&"subprocessor-unused".to_owned()));
        // A removed one is history: no longer engaged, nothing to name.
        let removed = with(
            "added = 2024-01-01\n",
            "added = 2024-01-01\nremoved = 2025-01-01\n",
        )
        .replacen("subprocessors = [\"dc\"]\n", "", 1);
        assert!(!ids(&removed).contains(&"subprocessor-unused".to_owned()));
    }

    #[test]
    fn a_subprocessor_without_a_country_is_warned() {
        let src = with("country = \"SE\"\n", "");
        assert!(ids(&src).contains(&"subprocessor-country-missing".to_owned()));
        assert!(!ids(BASE).contains(&"subprocessor-country-missing".to_owned()));
    }

    #[test]
    fn adequacy_for_a_us_subprocessor_needs_dpf_certification() {
        let src = with(
            "country = \"SE\"",
            "country = \"US\"\ntransfer = \"adequacy\"",
        );
        assert!(ids(&src).contains(&"transfer-dpf-uncertified".to_owned()));
        let certified = with(
            "country = \"SE\"",
            "country = \"US\"\ntransfer = \"adequacy\"\ndpf_certified = 2025-06-01",
        );
        assert!(!ids(&certified).contains(&"transfer-dpf-uncertified".to_owned()));
    }

    #[test]
    fn a_subprocessor_without_an_added_date_is_warned() {
        let src = with("added = 2024-01-01\n", "");
        assert!(ids(&src).contains(&"subprocessor-undated".to_owned()));
        assert!(
            crate::lint::rule("subprocessor-undated")
                .unwrap()
                .law
                .contains("28.2")
        );
    }
}
