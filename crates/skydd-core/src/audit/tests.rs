//! The audit, specified by a complete policy that has no findings; each case changes it in
//! one way and must produce its finding (and a meta-test checks that no element is left
//! without a case).

use super::*;

const COMPLETE_SV: &str = "\
Integritetspolicy för Exempel AB

Exempel AB, org.nr 556214-1993, Storgatan 1, 111 11 Stockholm, dataskydd@exempel.se, är personuppgiftsansvarig.
Vårt dataskyddsombud nås på dpo@exempel.se.

Ändamål och rättslig grund
Vi behandlar namn och e-post för att fullgöra avtalet med dig (rättslig grund: avtal).
Nyhetsbrev skickar vi med ditt samtycke. Du kan när som helst återkalla ditt samtycke genom länken i nyhetsbrevet.
Du kan alltid invända mot direktmarknadsföring och avregistrera dig från nyhetsbrevet.

Mottagare
Vi delar uppgifter med vårt webbhotell, som är personuppgiftsbiträde. Inga uppgifter överförs utanför EU/EES.

Lagringstid
Kunduppgifter sparas i 2 år efter avslutat kundförhållande; bokföring i 7 år enligt bokföringslagen.

Dina rättigheter
Du har rätt att begära registerutdrag, rättelse, radering och begränsning av behandlingen.
Du har rätt till dataportabilitet.
Du har rätt att invända mot behandling som grundar sig på en intresseavvägning.
Du har rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY).
Vi fattar inga automatiserade beslut och använder ingen profilering.
";

const COMPLETE_EN: &str = "\
Privacy notice of Example Ltd

Example Ltd, company number 556214-1993, dataprotection@example.com, is the controller.

We use your name and e-mail to perform our contract with you (legal basis: contract).
We send newsletters with your consent; you may withdraw your consent at any time.
You can unsubscribe from marketing at any time.
We share data with our hosting provider, a processor. No data is transferred outside the EEA.
Customer data is kept for 2 years after the end of the contract.
You have the right of access to your data, to rectification, to erasure and to restriction of processing.
You have the right to data portability.
You have the right to object to processing based on legitimate interests.
You have the right to lodge a complaint with the supervisory authority, IMY.
We make no automated decisions and do no profiling.
";

fn run(text: &str) -> Vec<Finding> {
    audit(&Document::new(text, Format::Text))
}

fn ids(text: &str) -> Vec<&'static str> {
    run(text).into_iter().map(|f| f.rule).collect()
}

fn without(from: &str, to: &str) -> String {
    assert!(
        COMPLETE_SV.contains(from),
        "the complete policy lacks {from:?}"
    );
    COMPLETE_SV.replacen(from, to, 1)
}

#[test]
fn patterns_compile() {
    let _ = &*P;
}

#[test]
fn a_complete_policy_has_no_findings_in_swedish_or_english() {
    assert_eq!(run(COMPLETE_SV), vec![], "sv");
    assert_eq!(run(COMPLETE_EN), vec![], "en");
}

/// (element, a policy that lacks it).
fn cases() -> Vec<(&'static str, String)> {
    vec![
        (
            "audit-controller-identity",
            without("Exempel AB, org.nr 556214-1993,", "Vi, ")
                .replace("Integritetspolicy för Exempel AB", "Integritetspolicy"),
        ),
        (
            "audit-controller-orgnr",
            without("org.nr 556214-1993, ", ""),
        ),
        (
            "audit-controller-contact",
            without(" Storgatan 1, 111 11 Stockholm, dataskydd@exempel.se,", "")
                .replace("dpo@exempel.se", "vår webbplats"),
        ),
        (
            "audit-dpo-contact",
            without("nås på dpo@exempel.se", "svarar på frågor"),
        ),
        (
            "audit-purposes",
            without(
                "för att fullgöra avtalet med dig (rättslig grund: avtal)",
                "(rättslig grund: avtal)",
            )
            .replace("Ändamål och rättslig grund", "Rättslig grund"),
        ),
        (
            "audit-legal-basis",
            without(
                "för att fullgöra avtalet med dig (rättslig grund: avtal)",
                "för att leverera varor",
            )
            .replace("Ändamål och rättslig grund", "Ändamål")
            .replace("med ditt samtycke", "varje månad")
            .replace(
                " Du kan när som helst återkalla ditt samtycke genom länken i nyhetsbrevet.",
                "",
            )
            .replace(" som grundar sig på en intresseavvägning", ""),
        ),
        (
            "audit-recipients",
            without(
                "Vi delar uppgifter med vårt webbhotell, som är personuppgiftsbiträde. ",
                "",
            )
            .replace("Mottagare\n", ""),
        ),
        (
            "audit-transfers",
            without(" Inga uppgifter överförs utanför EU/EES.", ""),
        ),
        (
            "audit-transfer-safeguards",
            without(
                "Inga uppgifter överförs utanför EU/EES.",
                "Uppgifter kan överföras till land utanför EU/EES.",
            ),
        ),
        (
            "audit-retention-period",
            without(
                "i 2 år efter avslutat kundförhållande; bokföring i 7 år enligt bokföringslagen",
                "så länge det är nödvändigt",
            ),
        ),
        ("audit-right-access", without("registerutdrag, ", "")),
        ("audit-right-rectification", without("rättelse, ", "")),
        ("audit-right-erasure", without("radering och ", "")),
        (
            "audit-right-restriction",
            without(" och begränsning av behandlingen", ""),
        ),
        (
            "audit-right-portability",
            without("Du har rätt till dataportabilitet.\n", ""),
        ),
        (
            "audit-right-object",
            without(
                "Du har rätt att invända mot behandling som grundar sig på en intresseavvägning.\n",
                "",
            ),
        ),
        (
            "audit-right-object-marketing",
            without(
                "Du kan alltid invända mot direktmarknadsföring och avregistrera dig från nyhetsbrevet.\n",
                "",
            ),
        ),
        (
            "audit-withdraw-consent",
            without(
                " Du kan när som helst återkalla ditt samtycke genom länken i nyhetsbrevet.",
                "",
            ),
        ),
        (
            "audit-complaint-authority",
            without(
                "Du har rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY).\n",
                "",
            ),
        ),
        (
            "audit-source-unnamed",
            without(
                "Mottagare\n",
                "Vi hämtar även uppgifter från andra källor.\nMottagare\n",
            ),
        ),
        (
            "audit-automated-decisions",
            without(
                "Vi fattar inga automatiserade beslut och använder ingen profilering.\n",
                "",
            ),
        ),
        (
            "audit-automated-decision-logic",
            without(
                "Vi fattar inga automatiserade beslut och använder ingen profilering.",
                "Vi kan använda automatiserat beslutsfattande.",
            ),
        ),
        (
            "audit-personnummer-justification",
            without("namn och e-post", "namn, e-post och personnummer"),
        ),
    ]
}

#[test]
fn each_missing_element_is_found() {
    for (id, text) in cases() {
        let got = ids(&text);
        assert!(got.contains(&id), "{id}: got {got:?}");
    }
}

#[test]
fn every_element_has_a_case_and_cites_the_law() {
    let covered: Vec<&str> = cases().iter().map(|(id, _)| *id).collect();
    for r in ELEMENTS {
        assert!(covered.contains(&r.id), "element {} has no case", r.id);
        assert!(r.id.starts_with("audit-"), "{}", r.id);
        assert!(!r.law.is_empty() && !r.fix.is_empty() && r.summary.ends_with('.'));
        assert!(LOOKED_FOR.iter().any(|(i, l)| *i == r.id && !l.is_empty()));
        assert!(lint::rule(r.id).is_none(), "{} is also a lint rule", r.id);
    }
}

#[test]
fn a_missing_element_says_what_was_looked_for() {
    let f = run(&without("Du har rätt till dataportabilitet.\n", ""));
    let f = f
        .iter()
        .find(|f| f.rule == "audit-right-portability")
        .unwrap();
    assert_eq!(f.line, None);
    assert!(f.looked_for.unwrap().contains("maskinläsbart"));
    assert_eq!(f.law, "GDPR art. 13.2 b, 14.2 c, 20");
}

#[test]
fn statements_are_found_with_their_sentence_and_line_once_per_rule() {
    let text = format!(
        "{COMPLETE_SV}\nKlagomål kan även skickas till Datainspektionen.\nDatainspektionen heter nu något annat.\n"
    );
    let found = run(&text);
    let f: Vec<_> = found
        .iter()
        .filter(|f| f.rule == "outdated-authority-name")
        .collect();
    assert_eq!(f.len(), 1, "{found:#?}");
    let first = text
        .lines()
        .position(|l| l.contains("Datainspektionen"))
        .unwrap()
        + 1;
    assert_eq!(f[0].line, Some(first));
    assert_eq!(f[0].also_on_lines, vec![first + 1]);
    assert_eq!(
        f[0].sentence.as_deref(),
        Some("Klagomål kan även skickas till Datainspektionen.")
    );
}

#[test]
fn the_policy_s_own_words_are_checked_against_what_it_names() {
    let text = without(
        "Inga uppgifter överförs utanför EU/EES.",
        "Vi delar inga uppgifter med företag utanför EU. Google får analysdata via tredjepartscookie för marknadsföring. Kakorna är helt anonyma.",
    );
    let got = ids(&text);
    assert!(
        got.contains(&"transfer-denied-but-third-country"),
        "{got:?}"
    );
    assert!(got.contains(&"cookies-called-anonymous"), "{got:?}");
}

#[test]
fn a_heading_that_names_restriction_over_portability_is_flagged() {
    let text = without(" och begränsning av behandlingen", "").replace(
        "Du har rätt till dataportabilitet.\n",
        "Begränsning:\n\nDu har rätt att få ut dina uppgifter i ett maskinläsbart format.\n",
    );
    let found = run(&text);
    let got: Vec<_> = found.iter().map(|f| f.rule).collect();
    assert!(
        got.contains(&"restriction-described-as-portability"),
        "{got:?}"
    );
    assert!(got.contains(&"audit-right-restriction"), "{got:?}");
    assert!(!got.contains(&"audit-right-portability"), "{got:?}");
}

#[test]
fn html_findings_carry_the_line_of_the_source_file() {
    let html = format!(
        "<!doctype html>\n<html>\n<head><title>Policy</title>\n<style>\nbody {{}}\n</style></head>\n<body>\n{}\n<p>Du kan kostnadsfritt få ett registerutdrag en gång per år.</p>\n</body></html>",
        COMPLETE_SV
            .lines()
            .map(|l| format!("<p>{l}</p>"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let want = html
        .lines()
        .position(|l| l.contains("en gång per år"))
        .unwrap()
        + 1;
    let found = audit(&Document::new(&html, Format::Html));
    let f = found
        .iter()
        .find(|f| f.rule == "access-once-per-year")
        .unwrap();
    assert_eq!(f.line, Some(want));
    assert!(
        found.iter().all(|f| f.rule == "access-once-per-year"),
        "{found:#?}"
    );
}

#[test]
fn markdown_emphasis_does_not_hide_a_statement() {
    let md = "# Policy\n\nVi **ansvarar inte** för hur våra *leverantörer* hanterar uppgifterna.\n";
    let found = audit(&Document::new(md, Format::Markdown));
    let f = found
        .iter()
        .find(|f| f.rule == "processor-responsibility-disclaimed")
        .unwrap();
    assert_eq!(f.line, Some(3));
}

#[test]
fn formats_are_known_by_extension() {
    assert_eq!(Format::from_extension("HTML"), Some(Format::Html));
    assert_eq!(Format::from_extension("md"), Some(Format::Markdown));
    assert_eq!(Format::from_extension("txt"), Some(Format::Text));
    assert_eq!(Format::from_extension("pdf"), None);
    assert_eq!(Format::sniff("  <html>"), Format::Html);
    assert_eq!(Format::sniff("Integritetspolicy"), Format::Text);
}

#[test]
fn a_source_named_on_the_same_line_or_the_next_is_enough() {
    for extra in [
        "Vi kan även hämta data från andra källor – t.ex. från kreditupplysningsföretag.\n",
        "Information som vi samlar in från andra källor\nVi får adressuppgifter från Bolagsverket.\n",
        "Kunduppgifter kan kompletteras från tredje part via vårt ekonomisystem Visma.\n",
    ] {
        let got = ids(&without("Mottagare\n", &format!("{extra}Mottagare\n")));
        assert!(!got.contains(&"audit-source-unnamed"), "{extra}: {got:?}");
    }
}

#[test]
fn linked_sites_from_third_parties_are_not_a_source_of_data() {
    let got = ids(&without(
        "Mottagare\n",
        "Webbplatser från tredje part\nVissa sidor länkar till webbplatser från tredje part.\nMottagare\n",
    ));
    assert!(!got.contains(&"audit-source-unnamed"), "{got:?}");
}

#[test]
fn processing_in_order_to_states_a_purpose() {
    let text = without("Ändamål och rättslig grund\n", "Rättslig grund\n");
    assert!(!ids(&text).contains(&"audit-purposes"));
    assert!(
        !ids("We process your e-mail address to send the newsletter.").contains(&"audit-purposes")
    );
}

/// The complete Swedish policy with `from` replaced: the elements it then reports.
fn ids_without(from: &str, to: &str) -> Vec<&'static str> {
    ids(&without(from, to))
}

const RIGHTS_SV: &str =
    "Du har rätt att begära registerutdrag, rättelse, radering och begränsning av behandlingen.";

#[test]
fn access_in_plain_swedish_and_english_is_the_right_of_access() {
    for t in [
        "Du har rätt att ta del av uppgifterna i din kundjournal och att få en kopia av dem.",
        "Du kan när som helst begära att få veta vilka uppgifter vi sparar om dig.",
        "Du har rätt att få information om vilka personuppgifter vi behandlar.",
        "You may ask to find out what personal data we hold about you.",
    ] {
        let got = ids_without(
            RIGHTS_SV,
            &format!(
                "{t} {}",
                "Du har rätt till rättelse, radering och begränsning av behandlingen."
            ),
        );
        assert!(!got.contains(&"audit-right-access"), "{t}: {got:?}");
    }
}

#[test]
fn someone_else_seeing_the_data_is_not_the_right_of_access() {
    let got = ids_without(
        RIGHTS_SV,
        "Vår revisor kan ta del av dina uppgifter. Du har rätt till rättelse, radering och begränsning av behandlingen.",
    );
    assert!(got.contains(&"audit-right-access"), "{got:?}");
}

#[test]
fn inflected_verbs_state_erasure_rectification_and_restriction() {
    for (t, id) in [
        (
            "Du kan begära att vi tar bort dina uppgifter.",
            "audit-right-erasure",
        ),
        (
            "Du kan begära att vi raderar dina uppgifter.",
            "audit-right-erasure",
        ),
        (
            "Vill du få en uppgift i journalen borttagen vänder du dig till IVO.",
            "audit-right-erasure",
        ),
        (
            "Du kan begära att vi rättar felaktiga uppgifter.",
            "audit-right-rectification",
        ),
        (
            "Du kan begära att vi begränsar behandlingen av dina uppgifter.",
            "audit-right-restriction",
        ),
        (
            "You may request that the company restricts processing of your data.",
            "audit-right-restriction",
        ),
    ] {
        let got = ids_without(
            RIGHTS_SV,
            &format!("Du har rätt att begära registerutdrag. {t}"),
        );
        assert!(!got.contains(&id), "{t}: {got:?}");
    }
}

#[test]
fn a_company_s_own_deletion_routine_is_not_the_right_to_erasure() {
    let got = ids_without(
        RIGHTS_SV,
        "Du har rätt att begära registerutdrag, rättelse och begränsning av behandlingen. Vi raderar gamla uppgifter varje år.",
    );
    assert!(got.contains(&"audit-right-erasure"), "{got:?}");
}

#[test]
fn an_authority_reported_to_or_another_party_who_may_see_the_data_is_a_recipient() {
    let none = |t: &str| {
        without(
            "Vi delar uppgifter med vårt webbhotell, som är personuppgiftsbiträde. ",
            t,
        )
        .replace("Mottagare\n", "")
    };
    for t in [
        "Vissa uppgifter måste rapporteras in till Försäkringskassan. ",
        "Vi skickar en ROT-ansökan hos Skatteverket. ",
        "Utöver oss kan även din arbetsgivare ta del av uppgifterna. ",
        "Uppgifterna lämnas ut till vår revisor. ",
        "Kontaktuppgifterna delas med vår bokningstjänst. ",
        "Your details are passed on to the courier. ",
    ] {
        let got = ids(&none(t));
        assert!(!got.contains(&"audit-recipients"), "{t}: {got:?}");
    }
    // The person seeing their own data is access, not a recipient.
    let got = ids(&none("Du kan ta del av dina uppgifter. "));
    assert!(got.contains(&"audit-recipients"), "{got:?}");
}

#[test]
fn consent_in_plain_words_is_a_legal_basis_and_asks_for_withdrawal() {
    let base = cases()
        .into_iter()
        .find(|(id, _)| *id == "audit-legal-basis")
        .map(|(_, t)| t)
        .unwrap();
    for t in [
        "Vi sparar ditt CV först när du uttryckligen har tillåtit oss det.",
        "Vi kontaktar dina referenser bara efter ditt godkännande.",
        "We add you to the list only when you opt in.",
    ] {
        let got = ids(&format!("{base}{t}\n"));
        assert!(!got.contains(&"audit-legal-basis"), "{t}: {got:?}");
        assert!(got.contains(&"audit-withdraw-consent"), "{t}: {got:?}");
    }
    // Approval of something other than processing ("godkänd leverantör") is not consent.
    let got = ids(&format!("{base}Vi anlitar endast godkända leverantörer.\n"));
    assert!(got.contains(&"audit-legal-basis"), "{got:?}");
    assert!(!got.contains(&"audit-withdraw-consent"), "{got:?}");
}

#[test]
fn a_reason_beside_the_personnummer_justifies_it() {
    for t in [
        "För att vi ska kunna begära RUT-avdrag hos Skatteverket behöver vi ditt personnummer.",
        "Vi registrerar ditt personnummer. Det krävs för att föra din patientjournal.",
        "We ask for your personal identity number for secure identification when you sign.",
    ] {
        let got = ids_without(
            "namn och e-post",
            &format!("namn och e-post. {t} Vi använder dem"),
        );
        assert!(
            !got.contains(&"audit-personnummer-justification"),
            "{t}: {got:?}"
        );
    }
}

#[test]
fn a_reason_elsewhere_in_the_policy_does_not_justify_personnummer_for_invoices() {
    let got = ids_without(
        "namn och e-post",
        "namn, e-post och personnummer på fakturan. Trevlig helg. Vi hjälper dig med ROT-avdrag om du vill. Vi använder dem",
    );
    assert!(got.contains(&"audit-personnummer-justification"), "{got:?}");
}

#[test]
fn purposes_worded_as_in_order_to_are_purposes() {
    let base = cases()
        .into_iter()
        .find(|(id, _)| *id == "audit-purposes")
        .map(|(_, t)| t)
        .unwrap();
    assert!(ids(&base).contains(&"audit-purposes"));
    for t in [
        "Detta gör vi för att kunna leverera din beställning.",
        "Uppgifterna används i syfte att hantera din bokning.",
        "We collect your address to deliver the goods.",
    ] {
        let got = ids(&format!("{base}{t}\n"));
        assert!(!got.contains(&"audit-purposes"), "{t}: {got:?}");
    }
    // A right exercised "för att" is no purpose of processing.
    let got = ids(&format!(
        "{base}Kontakta oss för att utöva dina rättigheter.\n"
    ));
    assert!(got.contains(&"audit-purposes"), "{got:?}");
}

/// A sole practitioner named by profession and name is identified (Art. 13.1 a asks for
/// identity, not a company form); whether it is an enskild firma and its number stay a warning.
#[test]
fn a_sole_practitioner_named_by_name_is_identified_and_asked_for_the_orgnr() {
    let base = cases()
        .into_iter()
        .find(|(id, _)| *id == "audit-controller-identity")
        .map(|(_, t)| t)
        .unwrap();
    for t in [
        "Personuppgiftsansvarig är leg. Psykolog Eva Lund.",
        "The controller is Physiotherapist Tom Berg.",
    ] {
        let found = run(&format!("{base}{t}\n"));
        let got: Vec<_> = found.iter().map(|f| f.rule).collect();
        assert!(!got.contains(&"audit-controller-identity"), "{t}: {got:?}");
        let orgnr = found.iter().find(|f| f.rule == "audit-controller-orgnr");
        assert!(
            orgnr.is_some_and(|f| f.message.contains("enskild firma")),
            "{t}: {found:#?}"
        );
    }
    // A brand of two capitalised words is not a person.
    let got = ids(&format!("{base}Personuppgiftsansvarig är Städ Proffsen.\n"));
    assert!(got.contains(&"audit-controller-identity"), "{got:?}");
}

#[test]
fn a_promise_not_to_act_without_permission_bases_nothing_on_consent() {
    for t in [
        "Vi säljer aldrig uppgifter om vi inte har ditt tillstånd.",
        "We never pass data on without your permission.",
    ] {
        let got = ids(&without(
            " Du kan när som helst återkalla ditt samtycke genom länken i nyhetsbrevet.",
            "",
        )
        .replace("med ditt samtycke", "varje månad")
        .replace("Mottagare\n", &format!("{t}\nMottagare\n")));
        assert!(!got.contains(&"audit-withdraw-consent"), "{t}: {got:?}");
    }
}

// --- Adversarial round 2 (N4): what a good policy says must be read as said. ---

#[test]
fn a_sentence_wrapped_across_lines_is_read_as_one_and_located_where_it_starts() {
    let sv = without(
        "Du har rätt att begära registerutdrag, rättelse, radering och begränsning av behandlingen.\nDu har rätt till dataportabilitet.",
        "Du har rätt att begära\nregisterutdrag, rättelse, radering,\nbegränsning av behandlingen och dataportabilitet.",
    );
    assert_eq!(run(&sv), vec![], "sv");
    let en = COMPLETE_EN.replace(
        "You have the right of access to your data, to rectification, to erasure and to restriction of processing.\nYou have the right to data portability.",
        "You have the right of access to your data,\nto rectification, to erasure, to restriction of\nprocessing and to data portability.",
    );
    assert_eq!(run(&en), vec![], "en");
    // The line of a finding is where its sentence starts.
    let text = "Rubrik\n\nDu kan klaga\nhos Datainspektionen.\n";
    let f = run(text);
    let stale = f.iter().find(|f| {
        f.sentence
            .as_deref()
            .is_some_and(|s| s.contains("Datainspektionen"))
    });
    assert_eq!(stale.and_then(|f| f.line), Some(3), "{f:#?}");
}

#[test]
fn a_heading_and_the_text_under_it_stay_apart() {
    let s = crate::lint::statements::sentences(
        "Dina rättigheter\nDu har rätt att klaga.\n- ett\n- två",
    );
    let got: Vec<&str> = s.iter().map(|s| s.text).collect();
    assert_eq!(
        got,
        [
            "Dina rättigheter",
            "Du har rätt att klaga.",
            "- ett",
            "- två"
        ]
    );
}

#[test]
fn rights_listed_under_a_lead_in_are_stated_in_swedish_and_english() {
    let sv = without(
        "Du har rätt att begära registerutdrag, rättelse, radering och begränsning av behandlingen.\nDu har rätt till dataportabilitet.\nDu har rätt att invända mot behandling som grundar sig på en intresseavvägning.",
        "Du har rätt att:\n\n- få tillgång till dina personuppgifter (registerutdrag);\n- få felaktiga uppgifter rättade;\n- få uppgifterna raderade;\n- begränsning av behandlingen;\n- få ut dina uppgifter i ett maskinläsbart format (dataportabilitet);\n- invända mot behandling som grundar sig på en intresseavvägning.",
    );
    assert_eq!(run(&sv), vec![], "sv");
    let en = COMPLETE_EN.replace(
        "You have the right of access to your data, to rectification, to erasure and to restriction of processing.\nYou have the right to data portability.\nYou have the right to object to processing based on legitimate interests.",
        "You have the right to:\n\n* access your personal data;\n* have inaccurate data rectified;\n* have your data erased;\n* restrict processing;\n* receive your data in a machine-readable format (data portability);\n* object to processing based on legitimate interests.",
    );
    assert_eq!(run(&en), vec![], "en");
    // Items after a line that ends the list are not framed by the lead-in.
    let en = COMPLETE_EN.replace(
        "You have the right to data portability.",
        "You have the right to:\n* access your data\nWe like:\n* data portability",
    );
    assert!(ids(&en).contains(&"audit-right-portability"));
}

#[test]
fn a_transfer_to_a_named_country_under_a_safeguard_is_a_transfer_with_its_safeguard() {
    for (sentence, lang) in [
        (
            "Vi överför personuppgifter till USA med stöd av Data Privacy Framework.",
            "sv",
        ),
        (
            "We transfer personal data to the United States under the EU-US Data Privacy Framework.",
            "en",
        ),
    ] {
        let text = COMPLETE_SV.replace("Inga uppgifter överförs utanför EU/EES.", sentence);
        assert_eq!(run(&text), vec![], "{lang}");
        let bare = text
            .replace(" med stöd av Data Privacy Framework", "")
            .replace(" under the EU-US Data Privacy Framework", "");
        assert_eq!(ids(&bare), ["audit-transfer-safeguards"], "{lang}");
    }
    // "to us" is no country.
    let text = COMPLETE_SV.replace(
        "Inga uppgifter överförs utanför EU/EES.",
        "You may transfer your data to us by e-mail.",
    );
    assert_eq!(ids(&text), ["audit-transfers"]);
}

#[test]
fn a_heading_about_transfers_over_a_denial_is_no_transfer() {
    for (heading, body) in [
        (
            "Överföring till länder utanför EU/EES",
            "Vi överför inte dina personuppgifter till länder utanför EU/EES.",
        ),
        (
            "Transfers outside the EU/EEA",
            "None of the recipients processes personal data outside the EU/EEA.",
        ),
    ] {
        let text = COMPLETE_SV.replace(
            "Inga uppgifter överförs utanför EU/EES.",
            &format!("\n\n{heading}\n\n{body}"),
        );
        assert_eq!(run(&text), vec![], "{heading}");
    }
}

#[test]
fn purposes_worded_as_fulfilling_an_obligation_are_purposes() {
    let text = without(
        "Ändamål och rättslig grund",
        "Varför vi behandlar dina uppgifter",
    )
    .replace(
        "Vi behandlar namn och e-post för att fullgöra avtalet med dig (rättslig grund: avtal).",
        "- Fakturering – för att fullgöra en rättslig förpliktelse enligt bokföringslagen.",
    );
    assert!(!ids(&text).contains(&"audit-purposes"), "{:?}", ids(&text));
}

#[test]
fn an_orgnr_with_a_non_breaking_hyphen_is_an_orgnr() {
    let text = without("556214-1993", "556214\u{2011}1993");
    assert_eq!(run(&text), vec![]);
    let html = format!(
        "<p>{}</p>",
        without("556214-1993", "556214&#8209;1993").replace('\n', "</p>\n<p>")
    );
    assert_eq!(audit(&Document::new(&html, Format::Html)), vec![]);
}
