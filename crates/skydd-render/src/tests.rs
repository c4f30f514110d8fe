//! The notice and the record, specified by what they must contain.

use skydd_core::register::load;

use super::*;

const STARTER: &str = include_str!("../../skydd/starters/web-agency.toml");

fn starter() -> Register {
    load(STARTER).unwrap()
}

/// The declaration the starter makes: no Art. 22 decisions.
const NONE_DECLARED: &str = "automated_decisions = \"none\"\n";

/// The starter without `[rights] automated_decisions = "none"`: silent on Art. 22.
fn silent_source() -> String {
    assert!(STARTER.contains(NONE_DECLARED));
    STARTER.replacen(NONE_DECLARED, "", 1)
}

fn silent() -> Register {
    load(&silent_source()).unwrap()
}

/// `src` with `[rights] automated_decisions = "none"` (the starter already declares it).
fn declare_no_automated_decisions(src: &str) -> String {
    if src.contains(NONE_DECLARED) {
        return src.to_owned();
    }
    src.replacen("[rights]\n", &format!("[rights]\n{NONE_DECLARED}"), 1)
}

fn notice(reg: &Register, lang: Lang, format: Format) -> String {
    Renderer::new().unwrap().notice(reg, lang, format).unwrap()
}

/// The text of an HTML page with minijinja's entity escapes undone, for searching.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn the_swedish_notice_has_every_element_articles_13_and_14_require() {
    let reg = load(&declare_no_automated_decisions(STARTER)).unwrap();
    for format in [Format::Html, Format::Markdown] {
        let n = unescape(&notice(&reg, Lang::Sv, format));
        let must = [
            // 13.1 a: identity and contact of the controller
            "Exempel AB",
            "556214-1993",
            "dataskydd@exempel.se",
            // 13.1 c: purposes and legal bases, in a table
            "Ändamål",
            "Rättslig grund",
            "Leverera beställda webbprojekt och tjänster",
            "Avtal (GDPR art. 6.1 b)",
            "Rättslig förpliktelse (GDPR art. 6.1 c)",
            // 13.1 d: the legitimate interest
            "Vårt berättigade intresse",
            "Att skydda webbplatsen mot intrång och missbruk.",
            // 13.1 e: recipients
            "Redovisningsbyrån AB",
            // 13.1 f: transfers
            "Vi överför inte dina personuppgifter till länder utanför EU/EES.",
            // 13.2 a: retention
            "Så länge kundförhållandet varar och två år därefter",
            "Sju år efter utgången av det kalenderår då räkenskapsåret avslutades",
            "Bokföringslagen (1999:1078) 7 kap. 2 §",
            // 13.2 b: the rights
            "Rätt till tillgång (registerutdrag)",
            "Den första kopian är alltid kostnadsfri",
            "Rätt till rättelse",
            "Rätt till radering",
            "Rätt till begränsning",
            "Rätt till dataportabilitet",
            "Rätt att invända",
            // 21.4: the separate statement on direct marketing
            "Rätt att invända mot direktmarknadsföring",
            // 13.2 c: withdrawal of consent
            "Rätt att återkalla samtycke",
            // 13.2 d: complaint to IMY
            "Integritetsskyddsmyndigheten (IMY)",
            "Box 8114, 104 20 Stockholm",
            // 13.2 e: statutory or contractual requirement
            "Uppgifterna krävs enligt lag.",
            // 13.2 f: automated decisions
            "Vi fattar inga beslut som enbart grundas på automatiserad behandling",
            // 12.3: the time to answer
            "senast inom en månad",
            // 14.2 f: sources
            "Samlas in automatiskt när du använder webbplatsen",
            // 28: every processor's agreement is recorded, so the notice may say so
            "med ett personuppgiftsbiträdesavtal (artikel 28)",
            // metadata
            "Version 1.0",
            "2026-01-01",
            &reg.content_hash(),
        ];
        for m in must {
            assert!(n.contains(m), "{format:?} notice lacks {m:?}");
        }
    }
}

#[test]
fn the_english_notice_is_in_english() {
    let n = notice(&starter(), Lang::En, Format::Markdown);
    for m in [
        "# Privacy notice",
        "Contract (GDPR art. 6.1 b)",
        "As long as the customer relationship lasts and two years after that",
        "Right of access",
        "The first copy is always free of charge",
        "Delivering ordered web projects and services",
        "Integritetsskyddsmyndigheten (IMY)",
    ] {
        assert!(n.contains(m), "lacks {m:?}");
    }
    assert!(!n.contains("Rättslig grund"));
}

#[test]
fn html_escapes_what_the_register_says() {
    let src = STARTER.replace("\"Exempel AB\"", "\"<script>alert(1)</script> & Co AB\"");
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Html);
    assert!(!n.contains("<script>alert"));
    assert!(n.contains("&lt;script&gt;"));
    assert!(n.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
}

#[test]
fn markdown_table_cells_escape_pipes() {
    let src = STARTER.replace(
        "\"Leverera beställda webbprojekt och tjänster\"",
        "\"Webb | drift\"",
    );
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Markdown);
    assert!(n.contains("| Webb \\| drift |"), "{n}");
}

#[test]
fn transfers_show_their_safeguard() {
    let src = STARTER.replace(
        "id = \"analytics\"\nname = \"Statistiktjänst AB\"\nrole = \"processor\"\ncategory = { sv = \"Webbanalys\", en = \"Web analytics\" }\ncountry = \"SE\"",
        "id = \"analytics\"\nname = \"Statistiktjänst AB\"\nrole = \"processor\"\ncategory = { sv = \"Webbanalys\", en = \"Web analytics\" }\ncountry = \"US\"\ntransfer = \"dpf\"",
    );
    let reg = load(&src).unwrap();
    let n = notice(&reg, Lang::Sv, Format::Markdown);
    assert!(
        n.contains("| Statistiktjänst AB | USA | EU–US Data Privacy Framework"),
        "{n}"
    );
    assert!(!n.contains("Vi överför inte"));
}

#[test]
fn a_company_may_override_a_template_and_strings() {
    let r = Renderer::with_overrides([
        (
            "notice.md".to_owned(),
            "{{ title }} / {{ controller.name }} / {{ t.h_rights }}".to_owned(),
        ),
        (
            "strings.sv.toml".to_owned(),
            "h_rights = \"Våra löften\"".to_owned(),
        ),
    ])
    .unwrap();
    let n = r.notice(&starter(), Lang::Sv, Format::Markdown).unwrap();
    assert_eq!(n, "Integritetspolicy / Exempel AB / Våra löften\n");
}

#[test]
fn an_unknown_override_or_a_broken_template_is_an_error() {
    let e = Renderer::with_overrides([("notis.md".to_owned(), String::new())])
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("`notis.md` is not a template skydd uses"),
        "{e}"
    );
    let e = Renderer::with_overrides([("notice.md".to_owned(), "{% if %}".to_owned())])
        .err()
        .unwrap();
    assert!(e.to_string().starts_with("template notice.md"), "{e}");
    // A template naming something the view lacks fails instead of printing nothing.
    let r = Renderer::with_overrides([("notice.md".to_owned(), "{{ no_such_field }}".to_owned())])
        .unwrap();
    assert!(r.notice(&starter(), Lang::Sv, Format::Markdown).is_err());
}

#[test]
fn the_record_of_processing_uses_imys_field_names_and_one_row_per_purpose() {
    let reg = starter();
    let csv = String::from_utf8(ropa_csv(&reg, Lang::Sv).unwrap()).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(&headers[1], "Ändamålen med behandlingen");
    assert_eq!(&headers[3], "Kategorier av registrerade");
    assert_eq!(&headers[8], "Tidsfrister för radering");
    let records: Vec<_> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), reg.purposes.len());
    let invoicing = records.iter().find(|r| &r[0] == "invoicing").unwrap();
    assert_eq!(&invoicing[2], "Rättslig förpliktelse (GDPR art. 6.1 c)");
    assert_eq!(
        &invoicing[8],
        "Sju år efter utgången av det kalenderår då räkenskapsåret avslutades (Bokföringslagen (1999:1078) 7 kap. 2 §)"
    );
    assert!(invoicing[10].starts_with("Exempel AB, org.nr 556214-1993"));
    assert!(invoicing[9].contains("Kryptering av data vid överföring"));

    let html = Renderer::new().unwrap().ropa_html(&reg, Lang::En).unwrap();
    assert!(html.contains("<th>Purposes of the processing</th>"));
    assert!(html.contains("Invoicing and bookkeeping"));
}

#[test]
fn company_sections_go_where_placed_and_bullets_become_lists() {
    let src = STARTER.replace(
        "[controller]",
        "[[notice.section]]\ntitle = \"Om kakor\"\nbody = \"Vi använder få kakor.\\n\\n- Den första\\n- Den andra\"\nplacement = \"after-cookies\"\n\n[controller]",
    );
    let reg = load(&src).unwrap();
    let md = notice(&reg, Lang::Sv, Format::Markdown);
    let cookies = md.find("## Kakor (cookies)").unwrap();
    let section = md.find("## Om kakor").unwrap();
    let security = md.find("## Så skyddar vi dina uppgifter").unwrap();
    assert!(
        cookies < section && section < security,
        "placed after the cookies"
    );
    assert!(
        md.contains("Vi använder få kakor.\n\n- Den första\n- Den andra\n"),
        "{md}"
    );
    let html = notice(&reg, Lang::Sv, Format::Html);
    assert!(
        html.contains("<ul>\n<li>Den första</li>\n<li>Den andra</li>\n</ul>"),
        "{html}"
    );
}

#[test]
fn the_notice_promises_cookie_consent_only_when_every_cookie_has_it() {
    let consent = "Kakor som inte är nödvändiga för tjänsten använder vi bara om du samtycker";
    assert!(notice(&starter(), Lang::Sv, Format::Markdown).contains(consent));
    let src = STARTER.replace("purpose = \"web-statistics\"\n", "");
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Markdown);
    assert!(
        n.contains("Vi använder kakor och liknande teknik på webbplatsen.") && !n.contains(consent)
    );
}

#[test]
fn without_a_contact_the_rights_section_does_not_invent_one() {
    let src = STARTER
        .replace("contact = \"dataskydd@exempel.se\"\n", "")
        .replace(
            "address = \"Storgatan 1, 111 22 Stockholm\"\nemail = \"dataskydd@exempel.se\"\n",
            "",
        );
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Markdown);
    assert!(!n.contains("Kontakta oss på"), "{n}");
    assert!(n.contains("Det kostar ingenting att använda dem."));
}

#[test]
fn a_declared_authority_is_shown_as_declared() {
    let src = format!(
        "{STARTER}\n[supervisory_authority]\nname = \"Datainspektionen\"\nemail = \"datainspektionen@datainspektionen.se\"\n"
    );
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Markdown);
    assert!(
        n.contains("Datainspektionen\n\n- E-post: <datainspektionen@datainspektionen.se>\n"),
        "{n}"
    );
    assert!(
        !n.contains("08-657 61 00"),
        "IMY's phone is not attached to another authority"
    );
}

#[test]
fn changes_are_announced_only_when_the_register_says_how() {
    let src = STARTER
        .replace("change_notice_days = 30 ", "")
        .replace("url = \"https://www.exempel.se/integritetspolicy\"\n", "");
    let n = notice(&load(&src).unwrap(), Lang::Sv, Format::Markdown);
    assert!(!n.contains("## Ändringar i integritetspolicyn"), "{n}");
    assert!(
        notice(&starter(), Lang::Sv, Format::Markdown)
            .contains("Väsentliga ändringar meddelar vi minst 30 dagar innan de börjar gälla.")
    );
}

/// Every notice of `reg`: (language, format, text with HTML escapes undone).
fn every_notice(reg: &Register) -> Vec<(Lang, Format, String)> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        for format in [Format::Html, Format::Markdown] {
            out.push((lang, format, unescape(&notice(reg, lang, format))));
        }
    }
    out
}

/// The starter with the web-analytics recipient's `country` line replaced by `country`.
fn analytics_in(country: &str) -> String {
    let at = "name = \"Statistiktjänst AB\"\nrole = \"processor\"\ncategory = { sv = \"Webbanalys\", en = \"Web analytics\" }\ncountry = \"SE\"\n";
    assert!(STARTER.contains(at));
    STARTER.replace(
        at,
        &format!("name = \"Statistiktjänst AB\"\nrole = \"processor\"\ncategory = {{ sv = \"Webbanalys\", en = \"Web analytics\" }}\n{country}"),
    )
}

const NO_TRANSFER: [&str; 4] = [
    "Vi överför inte",
    "We do not transfer",
    "Jag överför inte",
    "I do not transfer",
];

#[test]
fn a_recipient_without_a_country_is_never_said_to_stay_in_the_eea() {
    let reg = load(&analytics_in("")).unwrap();
    for (lang, format, n) in every_notice(&reg) {
        for claim in NO_TRANSFER {
            assert!(!n.contains(claim), "{lang:?} {format:?} claims {claim:?}");
        }
        let (unknown, known, not_stated) = match lang {
            Lang::Sv => (
                "Den här policyn anger inte i vilket land följande mottagare behandlar personuppgifter:",
                "Ingen av de mottagare vars land anges ovan behandlar personuppgifter utanför EU/EES.",
                "Ej angivet",
            ),
            Lang::En => (
                "This notice does not state in which country the following recipients process personal data:",
                "None of the recipients whose country is stated above processes personal data outside the EU/EEA.",
                "Not stated",
            ),
        };
        assert!(n.contains(unknown), "{lang:?} {format:?}\n{n}");
        assert!(n.contains(known), "{lang:?} {format:?}");
        assert!(n.contains(not_stated), "{lang:?} {format:?}");
        let named = match format {
            Format::Markdown => "\n- Statistiktjänst AB\n",
            Format::Html => "<li>Statistiktjänst AB</li>",
        };
        assert!(n.contains(named), "{lang:?} {format:?}\n{n}");
    }
}

#[test]
fn when_no_recipient_has_a_country_nothing_is_said_about_where_recipients_are() {
    let mut src = STARTER.to_owned();
    while let Some(at) = src.find("country = \"SE\"\n") {
        src.replace_range(at..at + "country = \"SE\"\n".len(), "");
    }
    let n = notice(&load(&src).unwrap(), Lang::En, Format::Markdown);
    assert!(!n.contains("We do not transfer"), "{n}");
    assert!(
        !n.contains("None of the recipients whose country is stated"),
        "{n}"
    );
    assert!(n.contains("This notice does not state in which country"));
}

#[test]
fn a_third_country_recipient_is_named_with_its_mechanism_beside_an_unknown_one() {
    let src = analytics_in("country = \"US\"\ntransfer = \"scc\"\n").replace(
        "name = \"Redovisningsbyrån AB\"\nrole = \"processor\"\ncategory = { sv = \"Redovisningsbyrå\", en = \"Accounting firm\" }\ncountry = \"SE\"\n",
        "name = \"Redovisningsbyrån AB\"\nrole = \"processor\"\ncategory = { sv = \"Redovisningsbyrå\", en = \"Accounting firm\" }\n",
    );
    let reg = load(&src).unwrap();
    let sv = notice(&reg, Lang::Sv, Format::Markdown);
    assert!(
        sv.contains("| Statistiktjänst AB | USA | EU-kommissionens standardavtalsklausuler"),
        "{sv}"
    );
    assert!(sv.contains("Den här policyn anger inte i vilket land"));
    assert!(sv.contains("\n- Redovisningsbyrån AB\n"));
    let en = notice(&reg, Lang::En, Format::Html);
    assert!(en.contains("<td>Statistiktjänst AB</td><td>United States</td><td>European Commission standard contractual clauses"), "{en}");
    assert!(en.contains("<li>Redovisningsbyrån AB</li>"));
    for (_, _, n) in every_notice(&reg) {
        for claim in NO_TRANSFER {
            assert!(!n.contains(claim));
        }
        assert!(!n.contains("None of the recipients whose country is stated"));
        assert!(!n.contains("Ingen av de mottagare vars land anges"));
    }
}

#[test]
fn absence_of_automated_decisions_is_stated_only_when_the_register_declares_it() {
    let silent = silent();
    for (lang, format, n) in every_notice(&silent) {
        assert!(!n.contains("Vi fattar inga beslut"), "{lang:?} {format:?}");
        assert!(!n.contains("We make no decisions"), "{lang:?} {format:?}");
        // The right itself is still stated (Art. 22), claiming nothing either way.
        assert!(
            n.contains("Du har rätt att inte bli föremål för ett beslut")
                || n.contains("You have the right not to be subject to a decision"),
            "{lang:?} {format:?}\n{n}"
        );
    }
    let declared = load(&declare_no_automated_decisions(STARTER)).unwrap();
    let sv = notice(&declared, Lang::Sv, Format::Markdown);
    assert!(sv.contains("Vi fattar inga beslut som enbart grundas på automatiserad behandling"));
    let en = notice(&declared, Lang::En, Format::Html);
    assert!(en.contains("We make no decisions based solely on automated processing"));
}

#[test]
fn declaring_no_automated_decisions_beside_one_is_an_input_error() {
    let src = declare_no_automated_decisions(STARTER).replacen(
        "source = \"automatic\"\n",
        "source = \"automatic\"\nautomated_decision = { logic = \"Poäng\", significance = \"Nekas\" }\n",
        1,
    );
    let e = load(&src).err().unwrap();
    assert!(
        e.diagnostics.iter().any(|d| d.message.contains(
            "`automated_decisions = \"none\"` but purpose `web-statistics` declares an automated decision"
        )),
        "{:?}",
        e.diagnostics
    );
    let e = load(&silent_source().replacen(
        "[rights]\n",
        "[rights]\nautomated_decisions = \"nne\"\n",
        1,
    ))
    .err()
    .unwrap();
    let d = &e.diagnostics[0];
    assert!(
        d.message.contains("unknown automated_decisions `nne`"),
        "{d:?}"
    );
    assert!(d.span.is_some());
}

#[test]
fn profiling_is_described_under_its_purpose_with_the_objection_that_applies() {
    let src = declare_no_automated_decisions(STARTER)
        .replacen(
            "direct_marketing = true\n",
            "direct_marketing = true\nprofiling = { sv = \"Vi delar in prenumeranter i grupper efter vilka utskick de öppnar.\", en = \"We group subscribers by the mailings they open.\" }\n",
            1,
        )
        .replacen(
            "legitimate_interest = { sv = \"Att skydda webbplatsen",
            "profiling = { sv = \"Besök bedöms som misstänkta efter mönster i loggarna.\", en = \"Visits are rated as suspicious by patterns in the logs.\" }\nlegitimate_interest = { sv = \"Att skydda webbplatsen",
            1,
        );
    let reg = load(&src).unwrap();
    let sv = notice(&reg, Lang::Sv, Format::Markdown);
    assert!(
        sv.contains("- **Profilering:** Vi delar in prenumeranter i grupper efter vilka utskick de öppnar. Profileringen görs för direktmarknadsföring: du kan när som helst invända mot den, och då upphör den (artikel 21.2 och 21.3)."),
        "{sv}"
    );
    assert!(sv.contains("- **Profilering:** Besök bedöms som misstänkta efter mönster i loggarna. Du kan invända mot profileringen av skäl som rör din särskilda situation (artikel 21.1)."));
    assert!(sv.contains(
        "Den profilering som beskrivs under ändamålen ovan leder inte till sådana beslut."
    ));
    let en = notice(&reg, Lang::En, Format::Html);
    assert!(
        en.contains("<p><strong>Profiling:</strong> We group subscribers by the mailings they open. The profiling is done for direct marketing: you can object to it at any time, and it then stops (Article 21(2) and (3)).</p>"),
        "{en}"
    );
    // Without profiling, no sentence about it.
    assert!(!notice(&starter(), Lang::En, Format::Markdown).contains("Profiling"));
}

#[test]
fn automatically_collected_data_does_not_come_from_you() {
    // A purpose without `source`: device data is collected automatically, the rest is given.
    let src = STARTER
        .replacen("source = \"automatic\"\n", "", 2)
        .replacen(
            "data_categories = [\"user.name\", \"user.contact.email\", \"user.contact.phone_number\", \"user.content.private\"]",
            "data_categories = [\"user.name\", \"user.contact.email\", \"user.contact.phone_number\", \"user.content.private\", \"user.device.ip_address\"]",
            1,
        );
    let reg = load(&src).unwrap();
    let sources = |id: &str| reg.purpose(id).unwrap().sources.clone();
    use skydd_core::law::Source;
    assert_eq!(sources("security-logs"), [Source::Automatic]);
    assert_eq!(sources("web-statistics"), [Source::Automatic]);
    assert_eq!(
        sources("enquiries"),
        [Source::DataSubject, Source::Automatic]
    );
    assert_eq!(sources("client-projects"), [Source::DataSubject]);
    let sv = notice(&reg, Lang::Sv, Format::Markdown);
    let security = &sv[sv
        .find("#### Säkerhet och felsökning av webbplatsen")
        .unwrap()..];
    let line = security
        .lines()
        .find(|l| l.starts_with("- **Källa:**"))
        .unwrap();
    assert_eq!(
        line,
        "- **Källa:** Samlas in automatiskt när du använder webbplatsen"
    );
    assert!(
        sv.contains("- **Källa:** Från dig, Samlas in automatiskt när du använder webbplatsen")
    );
    let en = notice(&reg, Lang::En, Format::Markdown);
    assert!(en.contains("- **Source:** Collected automatically when you use the website\n"));
    // A custom category under device data inherits it; `source = "automatiskt"` is Swedish.
    let custom = format!(
        "{src}\n[[data_category]]\nkey = \"user.device.fingerprint\"\nparent = \"user.device\"\nname = {{ sv = \"Fingeravtryck\", en = \"Fingerprint\" }}\n"
    )
    .replacen("\"user.job_title\"]", "\"user.job_title\", \"user.device.fingerprint\"]", 1);
    let reg = load(&custom).unwrap();
    assert!(
        reg.purpose("client-projects")
            .unwrap()
            .sources
            .contains(&Source::Automatic)
    );
    let sv_key = STARTER.replacen("source = \"automatic\"", "source = \"automatiskt\"", 1);
    assert_eq!(
        load(&sv_key)
            .unwrap()
            .purpose("web-statistics")
            .unwrap()
            .sources,
        [Source::Automatic]
    );
}

#[test]
fn names_an_english_notice_would_print_in_swedish_raise_missing_translation() {
    let src = STARTER
        .replacen(
            "name = \"Projektverktyg AB\"\nrole = \"processor\"\ncategory = { sv = \"Projektverktyg\", en = \"Project management tool\" }\n",
            "name = \"Kundtjänst\"\nrole = \"processor\"\n",
            1,
        )
        .replacen(
            "name = \"Statistiktjänst AB\"",
            "name = \"Statistiktjänst\"",
            1,
        )
        .replacen(
            "category = { sv = \"Redovisningsbyrå\", en = \"Accounting firm\" }",
            "category = \"Redovisningsbyrå\"",
            1,
        );
    let reg = load(&src).unwrap();
    let findings: Vec<String> = skydd_core::lint::run(&reg)
        .into_iter()
        .filter(|d| d.code == "missing-translation")
        .map(|d| d.message)
        .collect();
    for m in [
        "the name of recipient `project-tool` has no English text",
        "recipient `accounting` category has no English text",
    ] {
        assert!(findings.iter().any(|f| f == m), "{m:?} not in {findings:?}");
    }
    // Company names are the same in English: beside a company form, a website, a category
    // (which says what kind of recipient it is) or as several words.
    for id in ["`hosting-provider`", "`analytics`"] {
        assert!(!findings.iter().any(|f| f.contains(id)), "{findings:?}");
    }
    assert!(
        !skydd_core::lint::run(&starter())
            .iter()
            .any(|d| d.code == "missing-translation"),
        "the starter is fully translated"
    );
}

/// The words of a text, lower-cased, split at everything that is not a letter or digit.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

const PLURAL: [&str; 10] = [
    "vi",
    "oss",
    "vår",
    "vårt",
    "våra",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
];

/// A one-person business whose own words never say "we": every part of the notice that has
/// fixed text is present (DPO, processors, a transfer, consent, marketing, profiling,
/// cookies, security, changes).
const SOLO: &str = r#"
[notice]
version = "1"
voice = "singular"
change_notice_days = 14
url = "https://tandlakare.example/integritet"

[controller]
name = "Tandläkare Eva Ek"
org_number = "556214-1993"
email = "eva@tandlakare.example"

[dpo]
name = "Dataskyddsombud Ombud"
email = "dpo@tandlakare.example"

[rights]
contact = "eva@tandlakare.example"
automated_decisions = "none"
withdraw_consent = { sv = "Skriv till eva@tandlakare.example.", en = "Write to eva@tandlakare.example." }
object_direct_marketing = { sv = "Skriv till eva@tandlakare.example.", en = "Write to eva@tandlakare.example." }

[security]
description = { sv = "Journalen är krypterad.", en = "The records are encrypted." }
measures = [{ sv = "Tvåfaktorsinloggning", en = "Two-factor sign-in" }]

[[purpose]]
id = "treatment"
name = { sv = "Behandling", en = "Treatment" }
legal_basis = "contract"
requirement = "contract_precondition"
source = ["data_subject", "observed"]
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.email"]
retention = "2 years after contract_end"
recipients = ["lab", "cloud"]

[[purpose]]
id = "reminders"
name = { sv = "Påminnelser om besök", en = "Appointment reminders" }
legal_basis = "legitimate_interests"
legitimate_interest = { sv = "Att patienter kommer på kontroll.", en = "That patients come for check-ups." }
direct_marketing = true
profiling = { sv = "Patienter delas in efter när de senast var på besök.", en = "Patients are grouped by their last visit." }
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.email"]
retention = "2 years after contract_end"

[[purpose]]
id = "statistics"
name = { sv = "Besöksstatistik", en = "Visitor statistics" }
legal_basis = "consent"
data_subjects = ["visitor"]
data_categories = ["user.device.cookie_id"]
retention = "13 months after collected"

[[recipient]]
id = "lab"
name = "Tandtekniker AB"
role = "processor"
country = "SE"
dpa = 2025-01-01

[[recipient]]
id = "cloud"
name = "Moln Inc"
role = "processor"
country = "US"
transfer = "scc"
dpa = 2025-01-01

[[cookie]]
name = "stats"
category = "statistics"
duration = "13 months"
purpose = "statistics"
"#;

#[test]
fn a_one_person_business_speaks_in_the_first_person_singular_throughout() {
    let solo = load(SOLO).unwrap();
    for (lang, format, n) in every_notice(&solo) {
        let left: Vec<String> = words(&n)
            .into_iter()
            .filter(|w| PLURAL.contains(&w.as_str()))
            .collect();
        assert!(left.is_empty(), "{lang:?} {format:?} says {left:?}:\n{n}");
        let singular = match lang {
            Lang::Sv => ["jag", "mig", "min"],
            Lang::En => ["i", "me", "my"],
        };
        for w in singular {
            assert!(
                words(&n).iter().any(|x| x == w),
                "{lang:?} {format:?} lacks {w:?}"
            );
        }
    }
    // The same register in the plural voice does say "vi"/"we": the test can fail.
    let plural = load(&SOLO.replace("voice = \"singular\"\n", "")).unwrap();
    for (lang, _, n) in every_notice(&plural) {
        let we = lang.pick("vi", "we");
        assert!(words(&n).iter().any(|w| w == we));
    }
}

#[test]
fn every_fixed_sentence_that_speaks_as_the_company_has_a_singular_form() {
    for (name, text) in EMBEDDED.iter().filter(|(n, _)| n.ends_with(".toml")) {
        let file: StringsFile = toml::from_str(text).unwrap();
        for (key, plural) in &file.plural {
            let speaks = words(plural).iter().any(|w| PLURAL.contains(&w.as_str()));
            assert_eq!(
                speaks,
                file.singular.contains_key(key),
                "{name}: `{key}` {} a singular form",
                if speaks { "lacks" } else { "needs no" }
            );
        }
        for (key, singular) in &file.singular {
            assert!(
                file.plural.contains_key(key),
                "{name}: [singular] `{key}` has no plural"
            );
            let left: Vec<String> = words(singular)
                .into_iter()
                .filter(|w| PLURAL.contains(&w.as_str()))
                .collect();
            assert!(left.is_empty(), "{name}: [singular] `{key}` says {left:?}");
        }
    }
}

#[test]
fn a_companys_own_sentence_is_kept_in_the_singular_voice_too() {
    let r = Renderer::with_overrides([(
        "strings.sv.toml".to_owned(),
        "h_rights = \"Dina rättigheter hos Eva\"".to_owned(),
    )])
    .unwrap();
    let n = r
        .notice(&load(SOLO).unwrap(), Lang::Sv, Format::Markdown)
        .unwrap();
    assert!(n.contains("## Dina rättigheter hos Eva"));
    assert!(n.contains("## Varför jag behandlar dina personuppgifter"));
}

#[test]
fn processors_are_said_to_have_an_agreement_only_when_each_has_one() {
    let src = STARTER.replacen("dpa = 2025-03-10\n", "", 1);
    for (lang, _, n) in every_notice(&load(&src).unwrap()) {
        let (with, without) = lang.pick(
            ("med ett personuppgiftsbiträdesavtal", "Personuppgiftsbiträden behandlar uppgifterna för vår räkning och enligt våra instruktioner (artikel 28)."),
            ("under a data processing agreement", "Processors process the data on our behalf and on our instructions (Article 28)."),
        );
        assert!(!n.contains(with) && n.contains(without), "{lang:?}\n{n}");
    }
}

const EXAMPLES: [(&str, &str); 5] = [
    (
        "000",
        include_str!("../../../examples/000-internetmedia.toml"),
    ),
    (
        "001",
        include_str!("../../../examples/001-online-marketing-sweden.toml"),
    ),
    (
        "002",
        include_str!("../../../examples/002-namnlost-webbhotell.toml"),
    ),
    ("003", include_str!("../../../examples/003-inmedit.toml")),
    (
        "004",
        include_str!("../../../examples/004-webbplats-nu.toml"),
    ),
];

#[test]
fn markdown_never_has_two_blank_lines_in_a_row() {
    let mut registers: Vec<(&str, Register)> = EXAMPLES
        .iter()
        .map(|(name, src)| (*name, load(src).unwrap()))
        .collect();
    registers.push(("starter", starter()));
    registers.push(("solo", load(SOLO).unwrap()));
    for (name, reg) in &registers {
        for lang in Lang::ALL {
            let n = notice(reg, lang, Format::Markdown);
            assert!(!n.contains("\n\n\n"), "{name} {lang:?}:\n{n}");
            assert!(
                n.ends_with("</small>\n") && !n.starts_with('\n'),
                "{name} {lang:?}"
            );
        }
    }
}

#[test]
fn tidying_markdown_keeps_fenced_code_as_written() {
    assert_eq!(tidy_markdown("a\n\n\n\nb\n  \n\nc\n\n"), "a\n\nb\n\nc\n");
    assert_eq!(
        tidy_markdown("```\nx\n\n\ny\n```\n"),
        "```\nx\n\n\ny\n```\n"
    );
}

#[test]
fn erasure_after_a_legal_duty_and_portability_are_stated_only_where_they_apply() {
    let held = "raderar vi när lagringsplikten upphör";
    let sv = notice(&starter(), Lang::Sv, Format::Markdown);
    assert!(sv.contains(held) && sv.contains("### Rätt till dataportabilitet"));
    // Only legitimate interests: nothing is kept by law, and Art. 20 does not apply.
    let src = r#"
[controller]
name = "Exempel AB"
email = "info@exempel.se"

[[purpose]]
id = "security"
name = { sv = "Säkerhet", en = "Security" }
legal_basis = "legitimate_interests"
legitimate_interest = { sv = "Att skydda webbplatsen.", en = "Protecting the website." }
data_subjects = ["visitor"]
data_categories = ["user.device.ip_address"]
retention = "45 days after collected"
"#;
    let reg = load(src).unwrap();
    let sv = notice(&reg, Lang::Sv, Format::Markdown);
    assert!(
        !sv.contains(held) && !sv.contains("Rätt till dataportabilitet"),
        "{sv}"
    );
    let en = notice(&reg, Lang::En, Format::Html);
    assert!(!en.contains("Data we are required by law to keep") && !en.contains("portability"));
    assert!(en.contains("Right to erasure"));
}

#[test]
fn a_transfer_without_a_mechanism_is_shown_as_not_stated_and_no_copy_is_offered() {
    let reg = load(&analytics_in("country = \"US\"\n")).unwrap();
    let sv = notice(&reg, Lang::Sv, Format::Markdown);
    assert!(
        sv.contains("| Statistiktjänst AB | USA | Ej angivet |"),
        "{sv}"
    );
    assert!(!sv.contains("Kontakta oss om du vill ha en kopia av skyddsåtgärderna"));
    let en = notice(&reg, Lang::En, Format::Html);
    assert!(
        en.contains("<td>United States</td><td>Not stated</td>"),
        "{en}"
    );
    // An adequacy decision needs no copy; standard contractual clauses do.
    let dpf = notice(
        &load(&analytics_in("country = \"US\"\ntransfer = \"dpf\"\n")).unwrap(),
        Lang::En,
        Format::Markdown,
    );
    assert!(!dpf.contains("for a copy of the safeguards"));
    let scc = notice(
        &load(&analytics_in("country = \"US\"\ntransfer = \"scc\"\n")).unwrap(),
        Lang::En,
        Format::Markdown,
    );
    assert!(scc.contains("Contact us for a copy of the safeguards"));
}

#[test]
fn the_declarations_the_notice_rests_on_are_part_of_the_content_hash() {
    let declared = load(&declare_no_automated_decisions(STARTER)).unwrap();
    assert_ne!(silent().content_hash(), declared.content_hash());
    let singular = load(&STARTER.replacen("[notice]\n", "[notice]\nvoice = \"jag\"\n", 1)).unwrap();
    assert_eq!(singular.notice.voice, skydd_core::register::Voice::Singular);
    assert_ne!(starter().content_hash(), singular.content_hash());
}

#[test]
fn a_misspelt_voice_is_a_located_error_with_a_suggestion() {
    let src = STARTER.replacen("[notice]\n", "[notice]\nvoice = \"singuler\"\n", 1);
    let e = load(&src).err().unwrap();
    let d = &e.diagnostics[0];
    assert!(d.message.contains("unknown voice `singuler`"), "{d:?}");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("singular")),
        "{d:?}"
    );
    let at = d.span.unwrap();
    assert_eq!(&src[at.start..at.end], "\"singuler\"");
}

/// A register whose controller is a brand with a registered legal name beside it.
fn branded() -> Register {
    load(&STARTER.replacen(
        "name = \"Exempel AB\"\n",
        "name = \"Exempel\"\nlegal_name = \"Exempel Sverige AB\"\n",
        1,
    ))
    .unwrap()
}

#[test]
fn the_notice_names_a_branded_controller_by_its_legal_name_in_both_languages_and_formats() {
    let reg = branded();
    for lang in [Lang::Sv, Lang::En] {
        for format in [Format::Html, Format::Markdown] {
            let n = unescape(&notice(&reg, lang, format));
            let want = lang.pick(
                "Exempel (Exempel Sverige AB) är personuppgiftsansvarig",
                "Exempel (Exempel Sverige AB) is the controller",
            );
            assert!(n.contains(want), "{lang:?} {format:?}: {n}");
            assert!(n.contains("556214-1993"));
        }
    }
}

#[test]
fn the_record_of_processing_names_a_branded_controller_by_its_legal_name() {
    let html = unescape(
        &Renderer::new()
            .unwrap()
            .ropa_html(&branded(), Lang::Sv)
            .unwrap(),
    );
    assert!(
        html.contains("Exempel (Exempel Sverige AB), org.nr 556214-1993"),
        "{html}"
    );
}

#[test]
fn the_starters_collect_device_data_automatically_and_declare_no_automated_decisions() {
    use skydd_core::law::Source;
    let hosting = load(include_str!("../../skydd/starters/hosting.toml")).unwrap();
    for (reg, ids) in [
        (starter(), &["web-statistics", "security-logs"][..]),
        (hosting, &["access-logs"][..]),
    ] {
        assert!(reg.rights.no_automated_decisions);
        for id in ids {
            assert_eq!(
                reg.purpose(id).unwrap().sources,
                [Source::Automatic],
                "{id}"
            );
        }
        let sv = notice(&reg, Lang::Sv, Format::Markdown);
        assert!(sv.contains("Samlas in automatiskt när du använder webbplatsen"));
        assert!(
            sv.contains("Vi fattar inga beslut som enbart grundas på automatiserad behandling")
        );
    }
}

#[test]
fn retention_running_from_your_activity_or_account_is_worded_in_the_singular_voice_too() {
    let src = SOLO
        .replacen(
            "retention = \"2 years after contract_end\"",
            "retention = \"2 years after last_activity\"",
            2,
        )
        .replacen(
            "retention = \"13 months after collected\"",
            "retention = \"the later of 1 year after account_closed and 13 months after last_activity\"",
            1,
        );
    let solo = load(&src).unwrap();
    for (lang, format, n) in every_notice(&solo) {
        let left: Vec<String> = words(&n)
            .into_iter()
            .filter(|w| PLURAL.contains(&w.as_str()))
            .collect();
        assert!(left.is_empty(), "{lang:?} {format:?} says {left:?}:\n{n}");
        let (activity, account) = lang.pick(
            (
                "Två år efter din senaste aktivitet",
                "Så länge du har ett konto och ett år därefter",
            ),
            (
                "Two years after your last activity",
                "As long as you have an account and one year after that",
            ),
        );
        assert!(
            n.contains(activity) && n.contains(account),
            "{lang:?} {format:?}:\n{n}"
        );
    }
}

/// The bookkeeping of a shop, whose contact details are kept for a period of their own.
const PER_CATEGORY: &str = r#"
[controller]
name = "Butik AB"
org_number = "556214-1993"
email = "info@butik.se"

[[purpose]]
id = "bookkeeping"
name = { sv = "Bokföring", en = "Bookkeeping" }
legal_basis = "legal_obligation"
statute = "bokforingslagen"
requirement = "statutory"
data_subjects = ["customer"]
data_categories = ["user.financial", "user.contact"]

[purpose.retention]
rule = "as required by bokforingslagen"
text = { sv = "Fakturor sparas i sju år.", en = "Invoices are kept for seven years." }

[[purpose.retention.for]]
categories = ["user.contact"]
rule = "två år efter contract_end"
text = { sv = "Två år efter sista köpet.", en = "Two years after the last purchase." }
"#;

#[test]
fn a_categorys_own_retention_period_reaches_the_notice_in_both_languages() {
    let reg = load(PER_CATEGORY).unwrap();
    for (lang, format, n) in every_notice(&reg) {
        let n = match format {
            Format::Html => unescape(&n),
            _ => n,
        };
        let (period, note) = lang.pick(
            (
                "; för kontaktuppgifter: så länge kundförhållandet varar och två år därefter",
                "Fakturor sparas i sju år. Kontaktuppgifter: Två år efter sista köpet.",
            ),
            (
                "; for contact details: as long as the customer relationship lasts and two years after that",
                "Invoices are kept for seven years. Contact details: Two years after the last purchase.",
            ),
        );
        assert!(n.contains(period), "{lang:?} {format:?}:\n{n}");
        assert!(n.contains(note), "{lang:?} {format:?}:\n{n}");
    }
}

#[test]
fn a_mechanism_named_for_a_recipient_inside_the_eea_is_no_transfer_in_the_notice_or_the_record() {
    let reg = load(&analytics_in("country = \"SE\"\ntransfer = \"scc\"\n")).unwrap();
    assert!(
        skydd_core::lint::run(&reg)
            .iter()
            .any(|d| d.code == "transfer-mechanism-inside-eea")
    );
    for (lang, format, n) in every_notice(&reg) {
        let (none, clauses) = match lang {
            Lang::Sv => ("Vi överför inte", "standardavtalsklausuler"),
            Lang::En => ("We do not transfer", "standard contractual clauses"),
        };
        assert!(n.contains(none), "{lang:?} {format:?}\n{n}");
        assert!(!n.contains(clauses), "{lang:?} {format:?}\n{n}");
    }
    for lang in Lang::ALL {
        let csv = String::from_utf8(ropa_csv(&reg, lang).unwrap()).unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        for r in rows.records().map(Result::unwrap) {
            // The third-country transfer and safeguard columns stay empty.
            assert_eq!((&r[6], &r[7]), ("", ""), "{lang:?}: {r:?}");
        }
        let html = Renderer::new().unwrap().ropa_html(&reg, lang).unwrap();
        assert!(!html.contains("Statistiktjänst AB: "), "{html}");
    }
}
