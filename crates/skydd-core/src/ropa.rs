//! The record of processing activities, GDPR Art. 30(1) (registerförteckning), with the
//! field names IMY uses, one row per purpose.

use serde::Serialize;

use crate::register::Register;
use crate::text::Lang;

/// The columns, in order: (Swedish, English). The Swedish names follow the wording of
/// Art. 30(1) in the Swedish text of the GDPR, as IMY's checklist uses it.
pub const COLUMNS: [(&str, &str); 13] = [
    ("Behandling", "Processing activity"),
    ("Ändamålen med behandlingen", "Purposes of the processing"),
    ("Rättslig grund", "Legal basis"),
    ("Kategorier av registrerade", "Categories of data subjects"),
    (
        "Kategorier av personuppgifter",
        "Categories of personal data",
    ),
    ("Kategorier av mottagare", "Categories of recipients"),
    (
        "Överföringar till tredjeland",
        "Transfers to third countries",
    ),
    (
        "Lämpliga skyddsåtgärder vid överföring",
        "Safeguards for transfers",
    ),
    ("Tidsfrister för radering", "Time limits for erasure"),
    (
        "Allmän beskrivning av tekniska och organisatoriska säkerhetsåtgärder",
        "General description of technical and organisational security measures",
    ),
    (
        "Personuppgiftsansvarig och kontaktuppgifter",
        "Controller and contact details",
    ),
    ("Dataskyddsombud", "Data protection officer"),
    ("Företrädare", "Representative"),
];

/// The record: one row per purpose, each cell plain text.
#[derive(Debug, Clone, Serialize)]
pub struct Ropa {
    /// Language of the cells.
    pub lang: Lang,
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Rows, one per purpose.
    pub rows: Vec<Vec<String>>,
}

fn contact_line(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joins a description and a list of measures into one cell: items are separated by "; ",
/// but an item that ends a sentence (".", "!", "?") is followed by a space only, so a
/// description written as sentences never gives ".;".
fn join_clauses<S: AsRef<str>>(parts: &[S]) -> String {
    let mut out = String::new();
    for part in parts
        .iter()
        .map(|p| p.as_ref().trim())
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?']) {
                " "
            } else {
                "; "
            });
        }
        out.push_str(part);
    }
    out
}

/// Builds the record from a register.
pub fn build(reg: &Register, lang: Lang) -> Ropa {
    let c = &reg.controller;
    let org = c
        .org_number
        .as_ref()
        .map(|o| format!("{} {o}", lang.pick("org.nr", "reg. no.")));
    let name = c.display_name();
    let controller = contact_line(&[
        Some(name.as_str()),
        org.as_deref(),
        c.address.as_deref(),
        c.email.as_deref(),
        c.phone.as_deref(),
    ]);
    let contact = |x: &Option<crate::register::Contact>| {
        x.as_ref().map_or_else(String::new, |d| {
            contact_line(&[
                d.name.as_deref(),
                d.address.as_deref(),
                d.email.as_deref(),
                d.phone.as_deref(),
            ])
        })
    };
    let (dpo, rep) = (contact(&reg.dpo), contact(&reg.representative));
    let security = {
        let mut parts: Vec<&str> = reg
            .security
            .description
            .iter()
            .map(|t| t.get(lang))
            .collect();
        parts.extend(reg.security.measures.iter().map(|m| m.get(lang)));
        join_clauses(&parts)
    };
    let rows = reg
        .purposes
        .iter()
        .map(|p| {
            let join = |v: Vec<String>| v.join(", ");
            let recipients: Vec<_> = p
                .recipients
                .iter()
                .filter_map(|id| reg.recipient(id))
                .collect();
            let recipient_cell = join(
                recipients
                    .iter()
                    .map(|r| match &r.category {
                        Some(cat) => format!("{} ({})", cat.get(lang), r.name(lang)),
                        None => format!("{} ({})", r.name(lang), r.role.name(lang).to_lowercase()),
                    })
                    .collect(),
            );
            let transfers: Vec<_> = recipients.iter().filter(|r| r.is_third_country()).collect();
            let transfer_cell = join(
                transfers
                    .iter()
                    .map(|r| {
                        let place = r
                            .country
                            .as_ref()
                            .map_or_else(String::new, |c| c.name(lang));
                        format!("{}: {place}", r.name(lang))
                    })
                    .collect(),
            );
            let safeguards_cell = join(
                transfers
                    .iter()
                    .map(|r| {
                        let m = r
                            .transfer
                            .map_or(lang.pick("saknas", "none"), |m| m.name(lang));
                        format!("{}: {m}", r.name(lang))
                    })
                    .collect(),
            );
            let purpose_cell = match &p.description {
                Some(d) => format!("{} – {}", p.name.get(lang), d.get(lang)),
                None => p.name.get(lang).to_owned(),
            };
            let basis = join(
                p.legal_bases
                    .iter()
                    .map(|b| format!("{} ({})", b.name(lang), b.article()))
                    .chain(
                        p.art9_condition
                            .iter()
                            .map(|c| format!("{} ({})", c.name(lang), c.article())),
                    )
                    .collect(),
            );
            let retention = p.retention.as_ref().map_or_else(String::new, |r| {
                let mut s = r.describe(lang, reg);
                if let Some(st) = &p.statute {
                    s = format!("{s} ({})", st.citation());
                }
                s
            });
            vec![
                p.id.clone(),
                purpose_cell,
                basis,
                join(
                    p.data_subjects
                        .iter()
                        .map(|k| reg.subject_name(k, lang))
                        .collect(),
                ),
                join(
                    p.data_categories
                        .iter()
                        .map(|k| reg.category_name(k, lang))
                        .collect(),
                ),
                recipient_cell,
                transfer_cell,
                safeguards_cell,
                retention,
                security.clone(),
                controller.clone(),
                dpo.clone(),
                rep.clone(),
            ]
        })
        .collect();
    Ropa {
        lang,
        headers: COLUMNS.iter().map(|(sv, en)| lang.pick(*sv, *en)).collect(),
        rows,
    }
}

/// The columns of the processor's record, Art. 30(2), in order: (Swedish, English). The
/// names follow IMY's checklist for personuppgiftsbiträden (the wording of Art. 30(2) in the
/// Swedish text of the GDPR); the categories of data subjects and personal data, the
/// agreement and the sub-processors are what Art. 28(3) asks the contract to state.
pub const PROCESSOR_COLUMNS: [(&str, &str); 13] = [
    ("Behandling", "Processing activity"),
    (
        "Personuppgiftsansvarig för vars räkning biträdet agerar",
        "Controller on whose behalf the processor acts",
    ),
    (
        "Kategorier av behandling som utförs för den personuppgiftsansvariges räkning",
        "Categories of processing carried out on behalf of the controller",
    ),
    ("Kategorier av registrerade", "Categories of data subjects"),
    (
        "Kategorier av personuppgifter",
        "Categories of personal data",
    ),
    ("Personuppgiftsbiträdesavtal", "Data processing agreement"),
    ("Underbiträden", "Sub-processors"),
    (
        "Överföringar till tredjeland",
        "Transfers to third countries",
    ),
    (
        "Lämpliga skyddsåtgärder vid överföring",
        "Safeguards for transfers",
    ),
    (
        "Allmän beskrivning av tekniska och organisatoriska säkerhetsåtgärder",
        "General description of technical and organisational security measures",
    ),
    (
        "Personuppgiftsbiträde och kontaktuppgifter",
        "Processor and contact details",
    ),
    ("Dataskyddsombud", "Data protection officer"),
    ("Företrädare", "Representative"),
];

/// The processor's record, Art. 30(2): one row per `[[processing_for]]`, each cell plain
/// text, or `None` when the register records no processing on behalf of others.
///
/// Sub-processors are those engaged on `today`; one whose `added` lies ahead is listed as
/// planned (an intended change, Art. 28(2)), and one removed on or before `today` is left
/// out (the sub-processor list keeps its history).
pub fn build_processor(reg: &Register, lang: Lang, today: jiff::civil::Date) -> Option<Ropa> {
    if !reg.is_processor() {
        return None;
    }
    let c = &reg.controller;
    let org = |o: &Option<crate::orgnr::OrgNumber>| {
        o.as_ref()
            .map(|o| format!("{} {o}", lang.pick("org.nr", "reg. no.")))
    };
    let name = c.display_name();
    let company = contact_line(&[
        Some(name.as_str()),
        org(&c.org_number).as_deref(),
        c.address.as_deref(),
        c.email.as_deref(),
        c.phone.as_deref(),
    ]);
    let contact = |x: &Option<crate::register::Contact>| {
        x.as_ref().map_or_else(String::new, |d| {
            contact_line(&[
                d.name.as_deref(),
                d.address.as_deref(),
                d.email.as_deref(),
                d.phone.as_deref(),
            ])
        })
    };
    let (dpo, rep) = (contact(&reg.dpo), contact(&reg.representative));
    let rows = reg
        .processing_for
        .iter()
        .map(|p| {
            let mut controllers: Vec<String> = Vec::new();
            if let Some(kind) = &p.controllers {
                let list = p.controller_list.as_ref().map_or_else(
                    || {
                        lang.pick(
                            "var förteckningen över dem finns anges inte",
                            "where the list of them is kept is not stated",
                        )
                        .to_owned()
                    },
                    |l| format!("{}: {}", lang.pick("förteckning", "list"), l.get(lang)),
                );
                controllers.push(format!("{} ({list})", kind.get(lang)));
            }
            for n in &p.named_controllers {
                controllers.push(contact_line(&[
                    Some(n.name.as_str()),
                    org(&n.org_number).as_deref(),
                    n.address.as_deref(),
                    n.email.as_deref(),
                    n.phone.as_deref(),
                ]));
            }
            let subs: Vec<_> = p
                .subprocessors
                .iter()
                .filter_map(|id| reg.subprocessor(id))
                .filter(|s| s.engaged_on(today) || s.added.is_some_and(|a| a > today))
                .collect();
            let sub_cell = subs
                .iter()
                .map(|s| {
                    let mut out = s.name(lang).to_owned();
                    let mut details: Vec<String> = Vec::new();
                    if let Some(a) = &s.activity {
                        details.push(a.get(lang).to_owned());
                    }
                    if let Some(place) = &s.country {
                        details.push(place.name(lang));
                    }
                    if let Some(a) = s.added.filter(|a| *a > today) {
                        details.push(format!(
                            "{} {a}",
                            lang.pick("planerat från", "planned from")
                        ));
                    }
                    if !details.is_empty() {
                        out = format!("{out} ({})", details.join("; "));
                    }
                    out
                })
                .collect::<Vec<_>>()
                .join(", ");
            let transfers: Vec<_> = subs.iter().filter(|s| s.is_third_country()).collect();
            let transfer_cell = transfers
                .iter()
                .map(|s| {
                    let place = s
                        .country
                        .as_ref()
                        .map_or_else(String::new, |c| c.name(lang));
                    format!("{}: {place}", s.name(lang))
                })
                .collect::<Vec<_>>()
                .join(", ");
            let safeguards_cell = transfers
                .iter()
                .map(|s| {
                    let m = s
                        .transfer
                        .map_or(lang.pick("saknas", "none"), |m| m.name(lang));
                    match &s.safeguards {
                        Some(g) => format!("{}: {m} ({})", s.name(lang), g.get(lang)),
                        None => format!("{}: {m}", s.name(lang)),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                p.id.clone(),
                controllers.join("; "),
                p.processing
                    .iter()
                    .map(|t| t.get(lang))
                    .collect::<Vec<_>>()
                    .join("; "),
                p.data_subjects
                    .iter()
                    .map(|k| reg.subject_name(k, lang))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.data_categories
                    .iter()
                    .map(|k| reg.category_name(k, lang))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.agreement
                    .as_ref()
                    .map_or_else(String::new, |t| t.get(lang).to_owned()),
                sub_cell,
                transfer_cell,
                safeguards_cell,
                join_clauses(&reg.processing_security(p, lang)),
                company.clone(),
                dpo.clone(),
                rep.clone(),
            ]
        })
        .collect();
    Some(Ropa {
        lang,
        headers: PROCESSOR_COLUMNS
            .iter()
            .map(|(sv, en)| lang.pick(*sv, *en))
            .collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;

    const HOST: &str = r#"
[controller]
name = "Värd AB"
org_number = "556214-1993"
email = "dataskydd@vard.se"

[dpo]
email = "dpo@vard.se"

[security]
measures = [{ sv = "Kryptering", en = "Encryption" }]

[[processing_for]]
id = "webbhotell"
controllers = { sv = "Webbhotellkunder", en = "Web hosting customers" }
controller_list = { sv = "Kundregistret", en = "The customer register" }
processing = [{ sv = "Lagring av webbplatser", en = "Storage of websites" }, { sv = "E-post", en = "E-mail" }]
subprocessors = ["dc", "mail", "old", "next"]

[[processing_for.controller]]
name = "Butik AB"
email = "info@butik.se"

[[subprocessor]]
id = "dc"
name = "Datacenter AB"
country = "SE"
activity = { sv = "Serverhallar", en = "Data centres" }
added = 2024-01-01

[[subprocessor]]
id = "mail"
name = "Mail Inc."
country = "US"
transfer = "scc"
added = 2023-05-01

[[subprocessor]]
id = "old"
name = "Gammal AB"
country = "SE"
added = 2020-01-01
removed = 2024-06-30

[[subprocessor]]
id = "next"
name = "Nästa AB"
country = "FI"
added = 2026-03-01
"#;

    fn record(lang: Lang) -> Ropa {
        let reg = crate::register::load(HOST).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        build_processor(&reg, lang, Date::constant(2026, 1, 15))
            .unwrap_or_else(|| panic!("a processor"))
    }

    #[test]
    fn the_processor_record_has_imys_fields_in_order() {
        let r = record(Lang::Sv);
        assert_eq!(r.headers.len(), PROCESSOR_COLUMNS.len());
        assert_eq!(
            r.headers[1],
            "Personuppgiftsansvarig för vars räkning biträdet agerar"
        );
        assert_eq!(
            r.headers[2],
            "Kategorier av behandling som utförs för den personuppgiftsansvariges räkning"
        );
        assert_eq!(r.headers[7], "Överföringar till tredjeland");
        assert_eq!(record(Lang::En).headers[6], "Sub-processors");
    }

    #[test]
    fn one_row_per_processing_names_controllers_processing_transfers_and_security() {
        let r = record(Lang::Sv);
        assert_eq!(r.rows.len(), 1);
        let row = &r.rows[0];
        assert_eq!(row[0], "webbhotell");
        assert_eq!(
            row[1],
            "Webbhotellkunder (förteckning: Kundregistret); Butik AB, info@butik.se"
        );
        assert_eq!(row[2], "Lagring av webbplatser; E-post");
        assert_eq!(row[7], "Mail Inc.: USA");
        assert!(row[8].starts_with("Mail Inc.: "), "{}", row[8]);
        assert_eq!(row[9], "Kryptering");
        assert!(
            row[10].starts_with("Värd AB, org.nr 556214-1993"),
            "{}",
            row[10]
        );
        assert_eq!(row[11], "dpo@vard.se");
    }

    #[test]
    fn removed_subprocessors_are_left_out_and_planned_ones_marked() {
        let row = &record(Lang::Sv).rows[0];
        assert!(!row[6].contains("Gammal AB"), "{}", row[6]);
        assert!(
            row[6].contains("Datacenter AB (Serverhallar; Sverige)"),
            "{}",
            row[6]
        );
        assert!(
            row[6].contains("Nästa AB (Finland; planerat från 2026-03-01)"),
            "{}",
            row[6]
        );
    }

    #[test]
    fn a_controller_category_without_its_list_says_so() {
        let src = HOST.replacen(
            "controller_list = { sv = \"Kundregistret\", en = \"The customer register\" }\n",
            "",
            1,
        );
        let reg = crate::register::load(&src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        let r = build_processor(&reg, Lang::En, Date::constant(2026, 1, 15))
            .unwrap_or_else(|| panic!("a processor"));
        assert!(
            r.rows[0][1].starts_with(
                "Web hosting customers (where the list of them is kept is not stated)"
            )
        );
    }

    #[test]
    fn both_records_name_a_branded_controller_with_its_legal_name_and_org_number() {
        let src = HOST.replacen(
            "name = \"Värd AB\"\n",
            "name = \"Värd\"\nlegal_name = \"Värd Sverige AB\"\n",
            1,
        );
        let reg = crate::register::load(&src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        for lang in [Lang::Sv, Lang::En] {
            let p = build_processor(&reg, lang, Date::constant(2026, 1, 15))
                .unwrap_or_else(|| panic!("a processor"));
            let org = lang.pick("org.nr", "reg. no.");
            let want = format!("Värd (Värd Sverige AB), {org} 556214-1993");
            assert!(p.rows[0][10].starts_with(&want), "{}", p.rows[0][10]);
        }
        let agency = include_str!("../../skydd/starters/web-agency.toml").replacen(
            "name = \"Exempel AB\"\n",
            "name = \"Exempel\"\nlegal_name = \"Exempel Sverige AB\"\n",
            1,
        );
        let reg = crate::register::load(&agency).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        let rows = build(&reg, Lang::Sv).rows;
        assert!(!rows.is_empty());
        for row in rows {
            assert!(
                row[10].starts_with("Exempel (Exempel Sverige AB), org.nr 556214-1993"),
                "{}",
                row[10]
            );
        }
    }

    #[test]
    fn a_security_description_in_sentences_is_joined_to_the_measures_without_a_stray_semicolon() {
        let src = HOST.replacen(
            "[security]\n",
            "[security]\ndescription = { sv = \"Vi skyddar uppgifterna. Åtkomst loggas.\", en = \"We protect the data. Access is logged.\" }\n",
            1,
        );
        let reg = crate::register::load(&src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        let p = build_processor(&reg, Lang::Sv, Date::constant(2026, 1, 15))
            .unwrap_or_else(|| panic!("a processor"));
        assert_eq!(
            p.rows[0][9],
            "Vi skyddar uppgifterna. Åtkomst loggas. Kryptering"
        );
        assert_eq!(
            join_clauses(&["Kryptering", "Behörighetsstyrning"]),
            "Kryptering; Behörighetsstyrning"
        );
        assert_eq!(
            join_clauses(&["Skyddat!", "", "Kryptering"]),
            "Skyddat! Kryptering"
        );
    }

    #[test]
    fn a_register_without_processing_for_others_has_no_processor_record() {
        let reg = crate::register::load("[controller]\nname = \"A AB\"\nemail = \"a@a.se\"\n")
            .unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        assert!(build_processor(&reg, Lang::Sv, Date::constant(2026, 1, 15)).is_none());
    }

    #[test]
    fn the_record_states_each_categorys_own_retention_period() {
        let reg = crate::register::load(
            r#"
[controller]
name = "Butik AB"
email = "info@butik.se"

[[purpose]]
id = "bookkeeping"
name = { sv = "Bokföring", en = "Bookkeeping" }
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.financial", "user.contact"]

[purpose.retention]
rule = "as required by bokforingslagen"

[[purpose.retention.for]]
categories = ["user.contact"]
rule = "två år efter contract_end"
"#,
        )
        .unwrap_or_else(|e| panic!("{:#?}", e.diagnostics));
        let cell = |lang: Lang| {
            let r = build(&reg, lang);
            let col = r
                .headers
                .iter()
                .position(|h| h.contains(lang.pick("radering", "erasure")))
                .unwrap_or_else(|| panic!("{:?}", r.headers));
            r.rows[0][col].clone()
        };
        let sv = cell(Lang::Sv);
        assert!(
            sv.contains(
                "; för kontaktuppgifter: så länge kundförhållandet varar och två år därefter"
            ),
            "{sv}"
        );
        let en = cell(Lang::En);
        assert!(
            en.contains(
                "; for contact details: as long as the customer relationship lasts and two years after that"
            ),
            "{en}"
        );
    }
}
