//! The notice and the record, specified by what they must contain.

use skydd_core::register::load;

use super::*;

const STARTER: &str = include_str!("../../skydd/starters/web-agency.toml");

fn starter() -> Register {
    load(STARTER).unwrap()
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
    let reg = starter();
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
            "Skapas när du använder våra tjänster",
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
