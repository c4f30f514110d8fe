//! Every rule, specified by a register that triggers it. A clean register produces no
//! findings; each case changes it in one way and must produce its rule (and the meta-test
//! checks that no rule is left without a case).

use super::*;
use crate::register::load;

const CLEAN: &str = r#"
[notice]
version = "2.0"
effective = 2026-01-01
change_notice_days = 30

[controller]
name = "Exempel AB"
org_number = "556214-1993"
address = "Storgatan 1, 111 11 Stockholm"
email = "dataskydd@exempel.se"

[dpo]
email = "dpo@exempel.se"

[rights]
automated_decisions = "none"
withdraw_consent = { sv = "Klicka på länken i nyhetsbrevet.", en = "Click the link in the newsletter." }
object_direct_marketing = { sv = "Du kan alltid invända mot direktmarknadsföring.", en = "You can always object to direct marketing." }

[security]
measures = [{ sv = "Kryptering", en = "Encryption" }]

[[purpose]]
id = "customers"
name = { sv = "Kundförhållandet", en = "The customer relationship" }
legal_basis = "contract"
requirement = "contractual"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.email"]
retention = "2 years after contract_end"
recipients = ["host"]

[[purpose]]
id = "bookkeeping"
name = { sv = "Bokföring", en = "Bookkeeping" }
legal_basis = "legal_obligation"
statute = "bokforingslagen"
requirement = "statutory"
data_subjects = ["customer"]
data_categories = ["user.name", "user.financial"]
retention = "7 years after end of calendar year of financial_year_end"

[[purpose]]
id = "newsletter"
name = { sv = "Nyhetsbrev", en = "Newsletter" }
legal_basis = "consent"
direct_marketing = true
data_subjects = ["customer"]
data_categories = ["user.contact.email"]
retention = "until consent_withdrawn"

[[purpose]]
id = "statistics"
name = { sv = "Besöksstatistik", en = "Visitor statistics" }
legal_basis = "consent"
data_subjects = ["visitor"]
data_categories = ["user.device.cookie_id"]
retention = "13 months after collected"

[[recipient]]
id = "host"
name = "Värd AB"
role = "processor"
country = "SE"
dpa = 2024-01-01

[[cookie]]
name = "_pk_id"
category = "statistics"
duration = "13 months"
purpose = "statistics"
"#;

fn findings(src: &str) -> Vec<Diagnostic> {
    match load(src) {
        Ok(r) => run(&r),
        Err(e) => panic!("does not load: {:#?}", e.diagnostics),
    }
}

fn ids(src: &str) -> Vec<String> {
    findings(src).into_iter().map(|d| d.code).collect()
}

#[test]
fn the_clean_register_has_no_findings() {
    assert_eq!(findings(CLEAN), vec![]);
}

fn replace(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "the clean register lacks {from:?}");
    CLEAN.replacen(from, to, 1)
}

fn append(extra: &str) -> String {
    format!("{CLEAN}\n{extra}")
}

fn statement(field: &str, sv: &str) -> String {
    replace(
        "[security]",
        &format!("[rights.statements]\n{field} = {{ sv = {sv:?}, en = \"-\" }}\n\n[security]"),
    )
}

fn section(sv: &str) -> String {
    replace(
        "change_notice_days = 30",
        &format!(
            "change_notice_days = 30\n[[notice.section]]\ntitle = {{ sv = \"Om\", en = \"About\" }}\nbody = {{ sv = {sv:?}, en = \"-\" }}"
        ),
    )
}

/// (rule, a register that breaks it).
fn cases() -> Vec<(&'static str, String)> {
    vec![
        (
            "purpose-no-legal-basis",
            replace("legal_basis = \"contract\"\n", ""),
        ),
        (
            "legitimate-interest-unstated",
            replace(
                "legal_basis = \"contract\"",
                "legal_basis = \"legitimate_interests\"",
            ),
        ),
        (
            "consent-no-withdrawal",
            replace(
                "withdraw_consent = { sv = \"Klicka på länken i nyhetsbrevet.\", en = \"Click the link in the newsletter.\" }\n",
                "",
            ),
        ),
        (
            "special-category-no-art9-condition",
            replace(
                "[\"user.name\", \"user.contact.email\"]",
                "[\"user.name\", \"user.contact.email\", \"user.health_and_medical\"]",
            ),
        ),
        (
            "criminal-data-without-authority",
            replace(
                "[\"user.name\", \"user.contact.email\"]",
                "[\"user.name\", \"user.contact.email\", \"user.criminal_history\"]",
            ),
        ),
        (
            "personnummer-unjustified",
            replace(
                "[\"user.name\", \"user.contact.email\"]",
                "[\"user.name\", \"user.contact.email\", \"user.government_id.national_identification_number\"]",
            ),
        ),
        (
            "transfer-no-mechanism",
            replace("country = \"SE\"", "country = \"IN\""),
        ),
        (
            "transfer-dpf-outside-us",
            replace("country = \"SE\"", "country = \"IN\"\ntransfer = \"dpf\""),
        ),
        (
            "transfer-adequacy-unrecognised",
            replace(
                "country = \"SE\"",
                "country = \"IN\"\ntransfer = \"adequacy\"",
            ),
        ),
        (
            "transfer-derogation-systematic",
            replace(
                "country = \"SE\"",
                "country = \"IN\"\ntransfer = \"derogation\"",
            ),
        ),
        ("processor-no-dpa", replace("dpa = 2024-01-01\n", "")),
        (
            "recipient-country-missing",
            replace("country = \"SE\"\n", ""),
        ),
        (
            "retention-missing",
            replace("retention = \"2 years after contract_end\"\n", ""),
        ),
        (
            "retention-not-enforceable",
            replace("\"2 years after contract_end\"", "\"as long as necessary\""),
        ),
        (
            "retention-shorter-than-obligation",
            replace(
                "\"7 years after end of calendar year of financial_year_end\"",
                "\"7 years after financial_year_end\"",
            ),
        ),
        (
            "retention-obligation-uncomparable",
            replace(
                "\"7 years after end of calendar year of financial_year_end\"",
                "\"10 years after contract_end\"",
            ),
        ),
        (
            "retention-until-consent-without-consent",
            replace("\"2 years after contract_end\"", "\"until consent_withdrawn\""),
        ),
        (
            "legal-obligation-no-statute",
            replace("statute = \"bokforingslagen\"\n", ""),
        ),
        (
            "multiple-legal-bases",
            replace(
                "legal_basis = \"contract\"",
                "legal_basis = [\"contract\", \"legal_obligation\"]\nstatute = \"Lag (2017:630)\"",
            ),
        ),
        ("recipient-unused", replace("recipients = [\"host\"]\n", "")),
        (
            "category-unused",
            replace(
                "[notice]",
                "collects = [\"user.contact.phone_number\"]\n[notice]",
            ),
        ),
        (
            "purpose-no-data-categories",
            replace(
                "data_categories = [\"user.contact.email\"]\nretention = \"until",
                "data_categories = []\nretention = \"until",
            ),
        ),
        (
            "purpose-no-data-subjects",
            replace("data_subjects = [\"visitor\"]", "data_subjects = []"),
        ),
        (
            "third-party-source-unnamed",
            replace(
                "legal_basis = \"contract\"",
                "legal_basis = \"contract\"\nsource = [\"data_subject\", \"third_party\"]",
            ),
        ),
        (
            "requirement-unstated",
            replace("requirement = \"contractual\"\n", ""),
        ),
        (
            "automated-decision-no-logic",
            replace(
                "legal_basis = \"contract\"",
                "legal_basis = \"contract\"\nautomated_decision = { significance = \"Kreditbeslut\" }",
            )
            .replace("automated_decisions = \"none\"\n", ""),
        ),
        (
            "direct-marketing-no-objection",
            replace(
                "object_direct_marketing = { sv = \"Du kan alltid invända mot direktmarknadsföring.\", en = \"You can always object to direct marketing.\" }\n",
                "",
            ),
        ),
        (
            "controller-contact-missing",
            replace(
                "address = \"Storgatan 1, 111 11 Stockholm\"\nemail = \"dataskydd@exempel.se\"\n",
                "",
            ),
        ),
        (
            "dpo-contact-missing",
            replace(
                "[dpo]\nemail = \"dpo@exempel.se\"",
                "[dpo]\nname = \"Dana\"",
            ),
        ),
        (
            "security-measures-missing",
            replace(
                "measures = [{ sv = \"Kryptering\", en = \"Encryption\" }]",
                "",
            ),
        ),
        (
            "notice-metadata-missing",
            replace("version = \"2.0\"\n", ""),
        ),
        (
            "missing-translation",
            replace(
                "{ sv = \"Bokföring\", en = \"Bookkeeping\" }",
                "\"Bokföring\"",
            ),
        ),
        (
            "cookie-without-consent",
            replace("purpose = \"statistics\"\n", ""),
        ),
        (
            "cookie-duration-missing",
            replace("duration = \"13 months\"\n", ""),
        ),
        (
            "outdated-authority-name",
            statement("complaint", "Du kan klaga hos Datainspektionen."),
        ),
        (
            "outdated-law-pul",
            section("Vi följer personuppgiftslagen (PuL)."),
        ),
        (
            "outdated-lek-2003",
            section("Enligt lagen (2003:389) om elektronisk kommunikation får vi använda kakor."),
        ),
        (
            "access-once-per-year",
            statement(
                "access",
                "Om du vill begära tillgång kan du begära det kostnadsfritt en (1) gång per år.",
            ),
        ),
        (
            "access-signed-request",
            statement(
                "access",
                "Du har rätt att genom en skriftligt undertecknad ansökan få ett registerutdrag.",
            ),
        ),
        (
            "access-fee-first-copy",
            statement(
                "access",
                "Internetmedia har rätt att ta ut en skälig kostnad vid begäran.",
            ),
        ),
        (
            "policy-acceptance-as-consent",
            section(
                "Genom att acceptera denna Integritetspolicy samtycker du till att vi får samla in dina personuppgifter.",
            ),
        ),
        (
            "browser-settings-as-cookie-consent",
            section(
                "Vill du inte få kakor placerade på din dator kan du stänga av detta under inställningar i din webbläsare.",
            ),
        ),
        (
            "child-consent-age-16",
            section("Barn under 16 år får inte lämna samtycke."),
        ),
        (
            "restriction-described-as-portability",
            statement(
                "restriction",
                "Du har rätt att få ut dina uppgifter i ett maskinläsbart format.",
            ),
        ),
        (
            "breach-notification-late",
            section("Vid intrång underrättas IMY inom 5 dagar."),
        ),
        (
            "transfer-mechanism-invalidated",
            replace(
                "country = \"SE\"",
                "country = \"US\"\ntransfer = \"privacy_shield\"",
            ),
        ),
        (
            "transfer-dpf-uncertified",
            replace("country = \"SE\"", "country = \"US\"\ntransfer = \"dpf\""),
        ),
        (
            "retention-longer-than-statute-allows",
            aml("11 years after contract_end"),
        ),
        ("controller-brand-only", brand("")),
        (
            "consent-and-legitimate-interest",
            replace(
                "legal_basis = \"consent\"\ndirect_marketing = true",
                "legal_basis = [\"consent\", \"legitimate_interests\"]\nlegitimate_interest = \"Att nå kunder\"\ndirect_marketing = true",
            ),
        ),
        (
            "marketing-email-without-consent",
            newsletter_on_interest("[\"customer\", \"prospect\"]", "[\"user.contact.email\"]"),
        ),
        (
            "advertising-list-without-consent",
            audience("legitimate_interests", "Meta Platforms Ireland Ltd"),
        ),
        ("tax-deduction-no-skatteverket", rut(false)),
        (
            "reference-unresolved",
            section("Läs mer under punkt 4 nedan."),
        ),
        (
            "processor-responsibility-disclaimed",
            section("Vi ansvarar inte för hur våra leverantörer behandlar dina uppgifter."),
        ),
        (
            "complaint-right-diminished",
            statement("complaint", "Om du är missnöjd, kontakta oss."),
        ),
        (
            "access-request-discouraged",
            statement("access", "Ange skälet till din begäran om registerutdrag."),
        ),
        (
            "cookies-called-anonymous",
            section("Våra kakor är helt anonyma."),
        ),
        (
            "automated-decisions-unstated",
            replace("automated_decisions = \"none\"\n", ""),
        ),
        (
            "automated-decisions-denied-but-declared",
            automated(
                "Vi fattar inga automatiserade beslut.",
                "We make no automated decisions.",
            ),
        ),
        (
            "voice-mismatch",
            replace("version = \"2.0\"", "version = \"2.0\"\nvoice = \"singular\"").replace(
                "Du kan alltid invända mot direktmarknadsföring.",
                "Kontakta oss för att invända mot direktmarknadsföring.",
            ),
        ),
        (
            "transfer-denied-but-third-country",
            replace(
                "country = \"SE\"",
                "country = \"US\"\ntransfer = \"dpf\"",
            )
            .replace(
                "change_notice_days = 30",
                "change_notice_days = 30\n[[notice.section]]\ntitle = { sv = \"Om\", en = \"About\" }\nbody = { sv = \"Vi överför aldrig uppgifter utanför EU/EES.\", en = \"-\" }",
            ),
        ),
        (
            "transfer-mechanism-inside-eea",
            replace("country = \"SE\"", "country = \"SE\"\ntransfer = \"scc\""),
        ),
    ]
}

/// The day the date-aware rules ([`dated`]) are run as of in these tests.
const TODAY: jiff::civil::Date = jiff::civil::Date::constant(2026, 11, 29);

/// The clean register with its Swedish host replaced by a DPF-certified US host, the DPF
/// list checked on `checked`.
fn us_host(checked: &str) -> String {
    replace(
        "country = \"SE\"",
        &format!("country = \"US\"\ntransfer = \"dpf\"\ndpf_certified = {checked}"),
    )
}

fn dated_ids(src: &str) -> Vec<String> {
    match load(src) {
        Ok(r) => dated(&r, TODAY).into_iter().map(|d| d.code).collect(),
        Err(e) => panic!("does not load: {:#?}", e.diagnostics),
    }
}

/// (rule, a register that breaks it as of [`TODAY`]): the rules that need the day.
fn dated_cases() -> Vec<(&'static str, String)> {
    vec![
        ("dpf-certification-in-future", us_host("2026-11-30")),
        ("dpf-certification-stale", us_host("2025-11-28")),
    ]
}

/// The clean register with a credit-scoring automated decision on the customer purpose and
/// the given statement on automated decisions.
fn automated(sv: &str, en: &str) -> String {
    replace("automated_decisions = \"none\"\n", "")
        .replacen(
            "recipients = [\"host\"]",
            "recipients = [\"host\"]\nautomated_decision = { logic = { sv = \"Poäng\", en = \"Score\" }, significance = { sv = \"Avslag\", en = \"Refusal\" } }",
            1,
        )
        .replacen(
            "[security]",
            &format!("[rights.statements]\nautomated_decisions = {{ sv = {sv:?}, en = {en:?} }}\n\n[security]"),
            1,
        )
}

#[test]
fn a_statement_denying_automated_decisions_contradicts_a_declared_one() {
    assert!(has(
        &automated("Inga automatiserade beslut fattas.", "-"),
        "automated-decisions-denied-but-declared"
    ));
    assert!(has(
        &automated("-", "We do not use automated decision-making."),
        "automated-decisions-denied-but-declared"
    ));
    // Describing the decision, or stating the Art. 22 right, is no denial.
    for (sv, en) in [
        (
            "Vi fattar automatiserade beslut om kredit.",
            "We make automated credit decisions.",
        ),
        (
            "Du har rätt att inte bli föremål för automatiserade beslut.",
            "You have the right not to be subject to automated decisions.",
        ),
    ] {
        let src = automated(sv, en);
        assert!(
            !has(&src, "automated-decisions-denied-but-declared"),
            "{sv} / {en}: {:?}",
            ids(&src)
        );
    }
    // Without a declared decision, the denial contradicts nothing.
    let src = replace(
        "[security]",
        "[rights.statements]\nautomated_decisions = { sv = \"Vi fattar inga automatiserade beslut.\", en = \"-\" }\n\n[security]",
    );
    assert!(!has(&src, "automated-decisions-denied-but-declared"));
}

#[test]
fn adequacy_for_the_us_is_the_dpf_and_needs_certification() {
    let with = |extra: &str| {
        replace(
            "country = \"SE\"",
            &format!("country = \"US\"\ntransfer = \"adequacy\"{extra}"),
        )
    };
    let d = findings(&with(""))
        .into_iter()
        .find(|d| d.code == "transfer-dpf-uncertified")
        .expect("adequacy for the US without certification is flagged");
    assert!(d.message.contains("2023/1795"), "{}", d.message);
    assert!(!has(
        &with("\ndpf_certified = 2025-06-01"),
        "transfer-dpf-uncertified"
    ));
    assert!(has(
        &with("\ndpf_certified = false"),
        "transfer-dpf-uncertified"
    ));
}

#[test]
fn a_missing_mechanism_for_a_country_with_an_adequacy_decision_suggests_adequacy() {
    for country in ["CH", "GB", "JP"] {
        let src = replace("country = \"SE\"", &format!("country = \"{country}\""));
        let d = findings(&src)
            .into_iter()
            .find(|d| d.code == "transfer-no-mechanism")
            .expect("no mechanism");
        assert!(
            d.message.contains("transfer = \"adequacy\""),
            "{country}: {}",
            d.message
        );
    }
    let src = replace("country = \"SE\"", "country = \"IN\"");
    let d = findings(&src)
        .into_iter()
        .find(|d| d.code == "transfer-no-mechanism")
        .expect("no mechanism");
    assert!(!d.message.contains("adequacy"), "{}", d.message);
}

#[test]
fn a_singular_notice_with_texts_in_the_plural_is_warned_and_singular_texts_pass() {
    let singular = replace(
        "version = \"2.0\"",
        "version = \"2.0\"\nvoice = \"singular\"",
    );
    assert!(!has(&singular, "voice-mismatch"), "{:?}", ids(&singular));
    let en = singular.replace(
        "You can always object to direct marketing.",
        "Contact us to object to direct marketing.",
    );
    assert!(has(&en, "voice-mismatch"));
    // The plural voice (the default) may say vi/oss.
    let plural = replace(
        "Du kan alltid invända mot direktmarknadsföring.",
        "Kontakta oss för att invända mot direktmarknadsföring.",
    );
    assert!(!has(&plural, "voice-mismatch"));
}

/// The clean register with a know-your-customer purpose under penningtvättslagen.
fn aml(retention: &str) -> String {
    append(&format!(
        "[[purpose]]\nid = \"kyc\"\nname = {{ sv = \"Kundkännedom\", en = \"Customer due diligence\" }}\nlegal_basis = \"legal_obligation\"\nstatute = \"penningtvattslagen\"\nrequirement = \"statutory\"\ndata_subjects = [\"customer\"]\ndata_categories = [\"user.name\"]\nretention = \"{retention}\"\n"
    ))
}

/// The clean register with its controller renamed and without an organisationsnummer.
fn brand(extra: &str) -> String {
    replace(
        "name = \"Exempel AB\"\norg_number = \"556214-1993\"\n",
        &format!("name = \"Exempel\"\n{extra}"),
    )
}

/// The newsletter on legitimate interests, to `subjects`, using `categories`.
fn newsletter_on_interest(subjects: &str, categories: &str) -> String {
    replace(
        "legal_basis = \"consent\"\ndirect_marketing = true\ndata_subjects = [\"customer\"]\ndata_categories = [\"user.contact.email\"]",
        &format!(
            "legal_basis = \"legitimate_interests\"\nlegitimate_interest = \"Att nå nya kunder\"\ndirect_marketing = true\ndata_subjects = {subjects}\ndata_categories = {categories}"
        ),
    )
}

/// Customer e-mail addresses shared with recipient `name` (Irish, under a processing
/// agreement) on `basis`.
fn audience(basis: &str, name: &str) -> String {
    let interest = if basis == "legitimate_interests" {
        "legitimate_interest = \"Att visa annonser för kunder\"\n"
    } else {
        "withdrawal = \"Avregistrera dig i kontoinställningarna.\"\n"
    };
    append(&format!(
        "[[purpose]]\nid = \"audiences\"\nname = {{ sv = \"Annonsering\", en = \"Advertising\" }}\nlegal_basis = \"{basis}\"\n{interest}data_subjects = [\"customer\"]\ndata_categories = [\"user.contact.email\"]\nretention = \"until consent_withdrawn\"\nrecipients = [\"ads\"]\n\n[[recipient]]\nid = \"ads\"\nname = \"{name}\"\nrole = \"joint_controller\"\ncountry = \"IE\"\n"
    ))
}

/// A cleaning service with RUT deduction; with or without Skatteverket as its recipient.
fn rut(with_skatteverket: bool) -> String {
    let (recipients, skv) = if with_skatteverket {
        (
            "recipients = [\"skv\"]\n",
            "\n[[recipient]]\nid = \"skv\"\nname = { sv = \"Skatteverket\", en = \"Swedish Tax Agency\" }\nrole = \"myndighet\"\n",
        )
    } else {
        ("", "")
    };
    append(&format!(
        "[[purpose]]\nid = \"cleaning\"\nname = {{ sv = \"Hemstädning med rutavdrag\", en = \"Home cleaning with RUT deduction\" }}\nlegal_basis = \"contract\"\nrequirement = \"contractual\"\ndata_subjects = [\"customer\"]\ndata_categories = [\"user.name\"]\nretention = \"2 years after contract_end\"\n{recipients}{skv}"
    ))
}

#[test]
fn each_rule_fires_on_its_case() {
    for (rule, src) in cases() {
        let got = ids(&src);
        assert!(got.iter().any(|g| g == rule), "{rule}: got {got:?}");
    }
}

#[test]
fn each_dated_rule_fires_on_its_case_as_of_today_and_only_then() {
    for (rule, src) in dated_cases() {
        let got = dated_ids(&src);
        assert!(got.iter().any(|g| g == rule), "{rule}: got {got:?}");
        // The undated run has no clock, so it cannot report these.
        assert!(!ids(&src).iter().any(|g| g == rule), "{rule} without a day");
        let all = load(&src).map(|r| run_as_of(&r, TODAY)).unwrap_or_default();
        assert!(all.iter().any(|d| d.code == rule), "{rule} in run_as_of");
    }
    assert_eq!(dated_ids(CLEAN), Vec::<String>::new());
}

#[test]
fn every_rule_has_a_case_and_every_case_a_rule() {
    let dated = dated_cases();
    let covered: Vec<&str> = cases()
        .iter()
        .map(|(r, _)| *r)
        .chain(super::processor::RULE_IDS.iter().copied()) // cases in lint/processor.rs
        .chain(super::notify::RULE_IDS.iter().copied()) // cases in lint/notify.rs
        .chain(dated.iter().map(|(r, _)| *r)) // cases that need the day
        .collect();
    for r in RULES {
        assert!(covered.contains(&r.id), "rule {} has no test case", r.id);
    }
    for c in &covered {
        assert!(rule(c).is_some(), "case {c} names no rule");
    }
    assert!(RULES.len() >= 25, "the issue asks for at least 25 rules");
}

#[test]
fn rule_ids_are_unique_kebab_case_and_cite_the_law() {
    let mut seen = std::collections::HashSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        assert!(
            !r.law.is_empty() && !r.fix.is_empty() && r.summary.ends_with('.'),
            "{}",
            r.id
        );
    }
}

#[test]
fn findings_carry_severity_fix_law_and_location() {
    let src = replace(
        "legal_basis = \"contract\"",
        "legal_basis = \"legitimate_interests\"",
    );
    let d = findings(&src)
        .into_iter()
        .find(|d| d.code == "legitimate-interest-unstated")
        .unwrap();
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.law.as_deref(), Some("GDPR art. 6.1 f, 13.1 d"));
    assert!(d.help.unwrap().starts_with("add `legitimate_interest"));
    let at = d.span.unwrap();
    assert_eq!(
        &src[at.start..at.end],
        "\"customers\"",
        "points at the purpose's id"
    );
}

#[test]
fn statements_are_not_flagged_when_they_say_the_right_thing() {
    let fine = [
        (
            "access",
            "Du har rätt att få ett registerutdrag. Den första kopian är alltid kostnadsfri; för ytterligare kopior får vi ta ut en skälig avgift.",
        ),
        ("access", "Skicka din begäran per e-post."),
        (
            "complaint",
            "Du kan klaga hos Integritetsskyddsmyndigheten (IMY).",
        ),
        (
            "general",
            "Om du återkallar ditt samtycke för användning av dina uppgifter upphör behandlingen.",
        ),
        (
            "general",
            "Om du inte godtar ändringarna har du rätt att säga upp avtalet.",
        ),
        ("general", "Vid intrång underrättas IMY inom 72 timmar."),
        (
            "general",
            "Hur du rensar kakor hittar du på www.minacookies.se.",
        ),
        (
            "restriction",
            "Vid begränsning markeras uppgifterna så att de bara får lagras.",
        ),
    ];
    for (field, text) in fine {
        let got = ids(&statement(field, text));
        assert_eq!(got, Vec::<String>::new(), "{text}");
    }
}

#[test]
fn english_statements_are_read_too() {
    let cases = [
        (
            "general",
            "By using our services you agree to this policy.",
            "policy-acceptance-as-consent",
        ),
        (
            "access",
            "You may request a copy once per calendar year.",
            "access-once-per-year",
        ),
        (
            "complaint",
            "Complain to the Data Inspection Board.",
            "outdated-authority-name",
        ),
        (
            "general",
            "You can disable cookies in your browser settings.",
            "browser-settings-as-cookie-consent",
        ),
    ];
    for (field, en, rule) in cases {
        let src = replace(
            "[security]",
            &format!("[rights.statements]\n{field} = {{ sv = \"-\", en = {en:?} }}\n\n[security]"),
        );
        assert!(ids(&src).iter().any(|g| g == rule), "{en}");
    }
}

#[test]
fn consent_makes_personnummer_lawful_without_a_justification() {
    let src = replace(
        "data_categories = [\"user.contact.email\"]\nretention = \"until",
        "data_categories = [\"user.contact.email\", \"user.government_id.national_identification_number\"]\nretention = \"until",
    );
    assert!(!ids(&src).contains(&"personnummer-unjustified".to_owned()));
}

#[test]
fn a_declared_authority_named_datainspektionen_is_flagged() {
    let src = append(
        "[supervisory_authority]\nname = \"Datainspektionen\"\nemail = \"datainspektionen@datainspektionen.se\"\n",
    );
    assert!(ids(&src).contains(&"outdated-authority-name".to_owned()));
}

#[test]
fn transfers_with_a_valid_mechanism_pass() {
    for (country, mech) in [
        ("US", "dpf"),
        ("JP", "adequacy"),
        ("IN", "scc"),
        ("GB", "adequacy"),
    ] {
        // A DPF transfer needs a certified recipient.
        let certified = if mech == "dpf" {
            "\ndpf_certified = 2025-06-01"
        } else {
            ""
        };
        let src = replace(
            "country = \"SE\"",
            &format!("country = \"{country}\"\ntransfer = \"{mech}\"{certified}"),
        );
        assert_eq!(ids(&src), Vec::<String>::new(), "{country} {mech}");
    }
}

fn has(src: &str, rule: &str) -> bool {
    ids(src).iter().any(|g| g == rule)
}

#[test]
fn safe_harbor_is_an_error_that_names_the_judgment() {
    let src = replace(
        "country = \"SE\"",
        "country = \"US\"\ntransfer = \"Safe Harbor\"",
    );
    let d = findings(&src)
        .into_iter()
        .find(|d| d.code == "transfer-mechanism-invalidated")
        .unwrap();
    assert!(d.message.contains("C-362/14"), "{}", d.message);
    assert!(d.message.contains("2015-10-06"), "{}", d.message);
    assert!(
        !has(&src, "transfer-no-mechanism"),
        "the mechanism is named, only invalid"
    );
}

#[test]
fn the_dpf_needs_a_certified_recipient_and_false_is_not_certified() {
    let with = |v: &str| {
        replace(
            "country = \"SE\"",
            &format!("country = \"US\"\ntransfer = \"dpf\"\ndpf_certified = {v}"),
        )
    };
    assert!(!has(&with("true"), "transfer-dpf-uncertified"));
    assert!(!has(&with("2025-06-01"), "transfer-dpf-uncertified"));
    assert!(has(&with("false"), "transfer-dpf-uncertified"));
}

#[test]
fn money_laundering_records_between_five_and_ten_years_are_lawful() {
    assert_eq!(
        ids(&aml("10 years after contract_end")),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&aml("5 years after contract_end")),
        Vec::<String>::new()
    );
    assert!(has(
        &aml("4 years after contract_end"),
        "retention-shorter-than-obligation"
    ));
}

#[test]
fn a_claims_period_does_not_oblige_keeping() {
    let src = append(
        "[[purpose]]\nid = \"recruitment\"\nname = { sv = \"Rekrytering\", en = \"Recruitment\" }\nlegal_basis = \"legitimate_interests\"\nlegitimate_interest = { sv = \"Att kunna bemöta anspråk\", en = \"To answer claims\" }\nstatute = \"diskrimineringslagen\"\ndata_subjects = [\"job_applicant\"]\ndata_categories = [\"user.name\"]\nretention = \"6 months after recruitment_end\"\n",
    );
    assert_eq!(ids(&src), Vec::<String>::new());
}

#[test]
fn a_legal_name_or_an_organisationsnummer_identifies_the_controller() {
    assert!(!has(
        &brand("legal_name = \"Exempel Sverige AB\"\n"),
        "controller-brand-only"
    ));
    assert!(!has(
        &brand("org_number = \"556214-1993\"\n"),
        "controller-brand-only"
    ));
    // A name with its legal form is a legal name.
    let ab = replace("org_number = \"556214-1993\"\n", "");
    assert!(!has(&ab, "controller-brand-only"));
}

#[test]
fn consent_and_legitimate_interest_is_one_error_not_also_the_multiple_bases_warning() {
    let (rule, src) = cases()
        .into_iter()
        .find(|(r, _)| *r == "consent-and-legitimate-interest")
        .unwrap();
    let got = ids(&src);
    assert!(got.contains(&rule.to_owned()));
    assert!(!got.contains(&"multiple-legal-bases".to_owned()), "{got:?}");
    let d = findings(&src).into_iter().find(|d| d.code == rule).unwrap();
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn marketing_to_customers_only_or_by_post_or_on_consent_needs_no_consent_rule() {
    let rule = "marketing-email-without-consent";
    // 19 § andra stycket: existing customers.
    assert!(!has(
        &newsletter_on_interest("[\"customer\"]", "[\"user.contact.email\"]"),
        rule
    ));
    // Post is not electronic mail.
    assert!(!has(
        &newsletter_on_interest("[\"prospect\"]", "[\"user.contact.address\"]"),
        rule
    ));
    // An SMS number counts as much as an e-mail address.
    assert!(has(
        &newsletter_on_interest("[\"prospect\"]", "[\"user.contact.phone_number\"]"),
        rule
    ));
    // The clean newsletter rests on consent.
    assert!(!has(CLEAN, rule));
}

#[test]
fn a_customer_list_is_only_flagged_for_advertising_platforms_on_legitimate_interest() {
    let rule = "advertising-list-without-consent";
    assert!(has(&audience("legitimate_interests", "Google Ads"), rule));
    assert!(has(
        &audience("legitimate_interests", "LinkedIn Ireland"),
        rule
    ));
    assert!(!has(
        &audience("consent", "Meta Platforms Ireland Ltd"),
        rule
    ));
    assert!(!has(
        &audience("legitimate_interests", "Mailleverantören AB"),
        rule
    ));
}

#[test]
fn a_rut_service_that_shares_with_skatteverket_passes() {
    assert!(!has(&rut(true), "tax-deduction-no-skatteverket"));
    // "rot" is also a Swedish word: a root vegetable is no tax deduction.
    let roots = CLEAN.replace("Kundförhållandet", "Leverans av rotfrukter och rot-selleri");
    assert!(!has(&roots, "tax-deduction-no-skatteverket"));
    let bare = CLEAN.replace("Kundförhållandet", "Takläggning med ROT");
    assert!(has(&bare, "tax-deduction-no-skatteverket"));
}

#[test]
fn a_reference_resolves_to_a_titled_section_or_to_described_cookies() {
    let rule = "reference-unresolved";
    let titled = replace(
        "change_notice_days = 30",
        "change_notice_days = 30\n[[notice.section]]\ntitle = { sv = \"4. Kakor\", en = \"4. Cookies\" }\nbody = { sv = \"Se punkt 4.\", en = \"See section 4.\" }",
    );
    assert!(!has(&titled, rule));
    // The clean register describes its cookies, so "vår cookiepolicy" has something to point at.
    assert!(!has(&section("Läs mer i vår cookiepolicy."), rule));
    let no_cookies = section("Läs mer i vår cookiepolicy.").replace(
        "[[cookie]]\nname = \"_pk_id\"\ncategory = \"statistics\"\nduration = \"13 months\"\npurpose = \"statistics\"\n",
        "",
    );
    assert!(has(&no_cookies, rule));
    assert!(has(&section("See section 6.1 for details."), rule));
    // A number that is not a reference is left alone.
    assert!(!has(&section("Vi sparar uppgifterna i 4 år."), rule));
}

#[test]
fn a_patient_record_is_checked_against_ten_years_after_its_last_entry() {
    let journal = |retention: &str| {
        append(&format!(
            "[[event]]\nkey = \"journal_last_entry\"\nname = {{ sv = \"journalens sista anteckning\", en = \"the record's last entry\" }}\n\n[[purpose]]\nid = \"journal\"\nname = {{ sv = \"Patientjournal\", en = \"Patient record\" }}\nlegal_basis = \"legal_obligation\"\nstatute = \"patientdatalagen\"\nrequirement = \"statutory\"\ndata_subjects = [\"patient\"]\ndata_categories = [\"user.name\"]\nretention = \"{retention}\"\n"
        ))
    };
    assert_eq!(
        ids(&journal("10 years after journal_last_entry")),
        Vec::<String>::new()
    );
    assert!(has(
        &journal("5 years after journal_last_entry"),
        "retention-shorter-than-obligation"
    ));
    assert!(has(
        &journal("10 years after contract_end"),
        "retention-obligation-uncomparable"
    ));
}

#[test]
fn automated_decisions_are_stated_by_declaring_none_or_by_describing_one() {
    let rule = "automated-decisions-unstated";
    assert!(!has(CLEAN, rule), "declared none");
    let described = replace("automated_decisions = \"none\"\n", "").replacen(
        "legal_basis = \"contract\"\n",
        "legal_basis = \"contract\"\nautomated_decision = { logic = \"Poäng\", significance = \"Kredit\" }\n",
        1,
    );
    assert!(!has(&described, rule), "{:?}", ids(&described));
    let statement_only = replace("automated_decisions = \"none\"\n", "").replacen(
        "[security]",
        "[rights.statements]\nautomated_decisions = \"Vi fattar inga automatiserade beslut.\"\n\n[security]",
        1,
    );
    assert!(has(&statement_only, rule), "free text is no declaration");
    let d = findings(&replace("automated_decisions = \"none\"\n", ""))
        .into_iter()
        .find(|d| d.code == rule)
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn a_criterion_that_only_lengthens_a_period_cannot_be_enforced_but_one_that_bounds_it_can() {
    let rule = "retention-not-enforceable";
    let customers =
        |retention: &str| replace("\"2 years after contract_end\"", &format!("{retention:?}"));
    // Kept until both have run out: the criterion never runs out for a machine.
    let at_least =
        customers("as long as necessary for support, but at least 2 years after contract_end");
    assert!(has(&at_least, rule));
    let d = findings(&at_least)
        .into_iter()
        .find(|d| d.code == rule)
        .unwrap();
    assert_eq!(
        d.message,
        "purpose `customers` keeps data `as long as necessary for support, but at least 2 years after contract_end`, which no machine can enforce"
    );
    assert!(has(
        &customers("the later of as long as necessary and 2 years after contract_end"),
        rule
    ));
    // Due as soon as either has run out: the period is a maximum skydd enforces.
    assert_eq!(
        ids(&customers(
            "as long as necessary for support, but at most 2 years after contract_end"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&customers(
            "the earlier of as long as necessary and 2 years after contract_end"
        )),
        Vec::<String>::new()
    );
}

/// The clean register with the bookkeeping purpose's contact data kept by a rule of its own.
fn bookkeeping_for(rule: &str) -> String {
    replace(
        "data_categories = [\"user.name\", \"user.financial\"]\nretention = \"7 years after end of calendar year of financial_year_end\"\n",
        &format!(
            "data_categories = [\"user.name\", \"user.financial\"]\n\n[purpose.retention]\nrule = \"7 years after end of calendar year of financial_year_end\"\n\n[[purpose.retention.for]]\ncategories = [\"user.financial\"]\nrule = {rule:?}\n"
        ),
    )
}

#[test]
fn a_category_period_answers_to_the_purposes_statute_and_must_be_enforceable() {
    assert_eq!(
        ids(&bookkeeping_for(
            "10 years after end of calendar year of financial_year_end"
        )),
        Vec::<String>::new()
    );
    let short = bookkeeping_for("7 years after financial_year_end");
    assert_eq!(ids(&short), vec!["retention-shorter-than-obligation"]);
    let d = findings(&short).pop().unwrap();
    assert_eq!(
        d.message,
        "purpose `bookkeeping` keeps its user.financial data `7 years after financial_year_end`, shorter than Bokföringslagen (1999:1078) 7 kap. 2 § requires (`7 years after end of calendar year of financial_year_end`)"
    );
    // Located at the `[[purpose.retention.for]]`, not at the purpose's own rule.
    let src = short.clone();
    let at = d.span.unwrap();
    assert_eq!(&src[at.start..at.end], "[[purpose.retention.for]]");
    assert_eq!(
        ids(&bookkeeping_for("as long as necessary")),
        vec!["retention-not-enforceable"]
    );
    assert_eq!(
        ids(&bookkeeping_for("10 years after contract_end")),
        vec!["retention-obligation-uncomparable"]
    );
    // The statute's maximum binds a category's period too.
    let aml_for = aml("6 years after contract_end").replace(
        "retention = \"6 years after contract_end\"\n",
        "\n[purpose.retention]\nrule = \"6 years after contract_end\"\n\n[[purpose.retention.for]]\ncategories = [\"user.name\"]\nrule = \"11 years after contract_end\"\n",
    );
    assert_eq!(ids(&aml_for), vec!["retention-longer-than-statute-allows"]);
}

#[test]
fn a_dpf_check_dated_after_today_is_an_error_on_the_date_for_recipients_and_subprocessors() {
    let src = us_host("2030-01-01");
    let reg = load(&src).unwrap();
    let d = dated(&reg, TODAY)
        .into_iter()
        .find(|d| d.code == "dpf-certification-in-future")
        .expect("a future check is flagged");
    assert_eq!(d.severity, Severity::Error);
    let at = d.span.expect("located");
    assert_eq!(&src[at.start..at.end], "2030-01-01", "points at the date");
    assert!(d.message.contains("2026-11-29"), "{}", d.message);
    // Today itself is a day the list can have been checked.
    assert!(dated_ids(&us_host("2026-11-29")).is_empty());
    // The same for a sub-processor, also one not yet engaged (a future `added` is intended).
    let sub = append(
        "[[subprocessor]]\nid = \"cloud\"\nname = \"Moln Inc\"\ncountry = \"US\"\ntransfer = \"dpf\"\ndpf_certified = 2031-01-01\nadded = 2027-03-01\ndpa = 2026-01-01",
    );
    assert_eq!(dated_ids(&sub), ["dpf-certification-in-future"]);
    let planned = sub.replace("dpf_certified = 2031-01-01", "dpf_certified = 2026-11-01");
    assert_eq!(
        dated_ids(&planned),
        Vec::<String>::new(),
        "a future `added` is no finding"
    );
}

#[test]
fn a_dpf_check_older_than_twelve_months_is_a_warning_while_the_transfer_rests_on_it() {
    let d = load(&us_host("2025-11-28"))
        .map(|r| dated(&r, TODAY))
        .unwrap_or_default();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "dpf-certification-stale");
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(
        d[0].law
            .as_deref()
            .unwrap_or_default()
            .contains("2023/1795")
    );
    // Exactly twelve months old is still current.
    assert!(dated_ids(&us_host("2025-11-29")).is_empty());
    // `adequacy` for the US is the DPF, so it rests on the check too.
    let adequacy = us_host("2024-01-01").replace("transfer = \"dpf\"", "transfer = \"adequacy\"");
    assert_eq!(dated_ids(&adequacy), ["dpf-certification-stale"]);
    // Under standard clauses the old check is no longer what the transfer rests on.
    let scc = us_host("2024-01-01").replace("transfer = \"dpf\"", "transfer = \"scc\"");
    assert!(dated_ids(&scc).is_empty());
    // A sub-processor removed by today is history; one still to be removed is engaged.
    let sub = |removed: &str| {
        append(&format!(
            "[[subprocessor]]\nid = \"cloud\"\nname = \"Moln Inc\"\ncountry = \"US\"\ntransfer = \"dpf\"\ndpf_certified = 2024-01-01\nadded = 2024-01-01\ndpa = 2024-01-01{removed}"
        ))
    };
    assert_eq!(dated_ids(&sub("")), ["dpf-certification-stale"]);
    assert!(dated_ids(&sub("\nremoved = 2026-06-01")).is_empty());
    assert_eq!(
        dated_ids(&sub("\nremoved = 2027-06-01")),
        ["dpf-certification-stale"]
    );
}

#[test]
fn a_transfer_mechanism_inside_the_eea_is_warned_instead_of_judged_as_a_transfer() {
    for (country, mech) in [
        ("SE", "scc"),
        ("DE", "dpf"),
        ("EEA", "adequacy"),
        ("NO", "bcr"),
    ] {
        let src = replace(
            "country = \"SE\"",
            &format!("country = \"{country}\"\ntransfer = \"{mech}\""),
        );
        let got = ids(&src);
        assert_eq!(got, ["transfer-mechanism-inside-eea"], "{country} {mech}");
    }
    let d = findings(&replace(
        "country = \"SE\"",
        "country = \"SE\"\ntransfer = \"scc\"",
    ));
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(d[0].message.contains("Sweden"), "{}", d[0].message);
    // A sub-processor in the EU/EEA too.
    let sub = append(
        "[[processing_for]]\nid = \"hosting\"\ncontrollers = { sv = \"Kunder\", en = \"Customers\" }\ncontroller_list = { sv = \"Kundregistret\", en = \"The customer register\" }\nprocessing = [{ sv = \"Lagring\", en = \"Storage\" }]\nsubprocessors = [\"cloud\"]\n\n[[subprocessor]]\nid = \"cloud\"\nname = \"Moln AB\"\ncountry = \"FI\"\ntransfer = \"scc\"\nadded = 2024-01-01\ndpa = 2024-01-01",
    );
    assert_eq!(ids(&sub), ["transfer-mechanism-inside-eea"]);
    // Outside the EU/EEA a mechanism is what the law asks for.
    assert!(!has(
        &replace("country = \"SE\"", "country = \"IN\"\ntransfer = \"scc\""),
        "transfer-mechanism-inside-eea"
    ));
}

/// The clean register's customer purpose (on contract) kept by `retention`.
fn customers_kept(retention: &str) -> String {
    replace("\"2 years after contract_end\"", &format!("{retention:?}"))
}

#[test]
fn a_purpose_not_on_consent_cannot_keep_data_until_consent_is_withdrawn() {
    let rule = "retention-until-consent-without-consent";
    let d = findings(&customers_kept("until consent_withdrawn"))
        .into_iter()
        .find(|d| d.code == rule)
        .expect("until consent_withdrawn on contract");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "purpose `customers` keeps data `until consent_withdrawn`, but it rests on contract, not consent: no consent is ever withdrawn, so the data would never be erased"
    );
    // The notice's own Swedish wording parses to the same event.
    assert!(has(
        &customers_kept("tills du återkallar ditt samtycke"),
        rule
    ));
    // Inside two criteria, and as a period after the withdrawal.
    for r in [
        "the later of 2 years after contract_end and until consent_withdrawn",
        "the earlier of 2 years after contract_end and until consent_withdrawn",
        "1 year after consent_withdrawn",
    ] {
        assert!(has(&customers_kept(r), rule), "{r}");
    }
    // On legitimate interests, and on a legal obligation.
    let interests = replace(
        "legal_basis = \"contract\"",
        "legal_basis = \"legitimate_interests\"\nlegitimate_interest = \"Att vårda kundrelationen\"",
    )
    .replacen("\"2 years after contract_end\"", "\"until consent_withdrawn\"", 1);
    assert!(has(&interests, rule));
    let bookkeeping = replace(
        "retention = \"7 years after end of calendar year of financial_year_end\"",
        "retention = \"until consent_withdrawn\"",
    );
    assert!(has(&bookkeeping, rule));
    // A category's period of its own.
    assert_eq!(
        ids(&bookkeeping_for(
            "the later of 7 years after end of calendar year of financial_year_end and until consent_withdrawn"
        )),
        vec![rule]
    );
}

#[test]
fn a_purpose_on_consent_may_keep_data_until_consent_is_withdrawn() {
    let rule = "retention-until-consent-without-consent";
    // The clean register's newsletter: consent, `until consent_withdrawn`.
    assert!(!has(CLEAN, rule));
    let statistics = replace(
        "\"13 months after collected\"",
        "\"the earlier of 13 months after collected and until consent_withdrawn\"",
    );
    assert_eq!(ids(&statistics), Vec::<String>::new());
    // Explicit consent to special categories (art. 9.2 a) can be withdrawn too.
    let explicit = replace(
        "legal_basis = \"contract\"",
        "legal_basis = \"contract\"\nart9_condition = \"explicit_consent\"",
    )
    .replacen(
        "\"2 years after contract_end\"",
        "\"until consent_withdrawn\"",
        1,
    );
    assert!(!has(&explicit, rule), "{:?}", ids(&explicit));
    // A subscription can end on any basis (a paid subscription is a contract).
    assert!(!has(&customers_kept("until subscription_end"), rule));
}

/// The clean register's bookkeeping purpose kept by `retention`.
fn bookkeeping_kept(retention: &str) -> String {
    replace(
        "\"7 years after end of calendar year of financial_year_end\"",
        &format!("{retention:?}"),
    )
}

#[test]
fn a_shorter_period_after_collection_is_shorter_than_a_statute_that_runs_from_a_later_event() {
    let rule = "retention-shorter-than-obligation";
    for r in [
        "1 year after collected",
        "45 days after collected",
        "6 years after collected",
        "6 years after end of calendar year of collected",
        "the later of 1 year after collected and 2 years after collected",
    ] {
        assert_eq!(ids(&bookkeeping_kept(r)), vec![rule], "{r}");
    }
    let d = findings(&bookkeeping_kept("1 year after collected"))
        .pop()
        .unwrap();
    assert_eq!(
        d.message,
        "purpose `bookkeeping` keeps data `1 year after collected`, shorter than Bokföringslagen (1999:1078) 7 kap. 2 § requires (`7 years after end of calendar year of financial_year_end`); the data is collected on or before the end of the financial year, so a shorter period after `collected` always runs out before the statute's"
    );
    // Penningtvättslagen runs from the end of the business relationship.
    assert!(has(&aml("4 years after collected"), rule));
    assert_eq!(
        ids(&bookkeeping_for("1 year after collected")),
        vec![rule],
        "a category's period"
    );
}

#[test]
fn a_long_period_after_collection_or_an_unordered_event_cannot_be_compared() {
    let rule = "retention-obligation-uncomparable";
    // Ten years after collection may still end before seven years after the end of the
    // calendar year of a financial year that ended long after the data was collected.
    for r in [
        "10 years after collected",
        "7 years after end of calendar year of collected",
        // The last activity may come before or after the financial year ends.
        "1 year after last_activity",
        "10 years after contract_end",
    ] {
        assert_eq!(ids(&bookkeeping_kept(r)), vec![rule], "{r}");
    }
    assert_eq!(ids(&aml("5 years after collected")), vec![rule.to_owned()]);
}
