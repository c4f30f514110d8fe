//! The processor side of the register: processing the company carries out as a
//! personuppgiftsbiträde on behalf of its customers (GDPR Art. 28), what the Art. 30(2)
//! record lists, and the sub-processors (underbiträden) customers have authorised in general
//! terms and must be told about before each change (Art. 28(2)).

use jiff::civil::Date;
use serde::Serialize;

use super::{Controller, Dpa, Location, Register};
use crate::law::TransferMechanism;
use crate::text::{Lang, Span, Text};

/// One kind of processing done on behalf of controllers (`[[processing_for]]`).
#[derive(Debug, Clone, Serialize)]
pub struct ProcessingFor {
    /// Stable identifier.
    pub id: String,
    /// The kind of controllers processed for ("Webbhotellkunder"), Art. 30(2)(a).
    pub controllers: Option<Text>,
    /// Where the list of those controllers and their contact details is kept.
    pub controller_list: Option<Text>,
    /// Controllers named one by one, with contact details.
    pub named_controllers: Vec<Controller>,
    /// The categories of processing carried out for them, Art. 30(2)(b).
    pub processing: Vec<Text>,
    /// Data-subject keys, when known.
    pub data_subjects: Vec<String>,
    /// Data-category keys, when known.
    pub data_categories: Vec<String>,
    /// Ids of the sub-processors engaged.
    pub subprocessors: Vec<String>,
    /// The contract governing the processing (Art. 28(3)).
    pub agreement: Option<Text>,
    /// Security measures of this processing; empty means the register's `[security]`.
    pub security: Vec<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A sub-processor (underbiträde), Art. 28(2) and (4).
#[derive(Debug, Clone, Serialize)]
pub struct Subprocessor {
    /// Stable identifier.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Where it processes the data.
    pub country: Option<Location>,
    /// What it does.
    pub activity: Option<Text>,
    /// Transfer mechanism, when outside the EU/EEA.
    pub transfer: Option<TransferMechanism>,
    /// Where a copy of the safeguards can be had.
    pub safeguards: Option<Text>,
    /// Its Data Privacy Framework certification, when the register states it.
    pub dpf_certified: Option<super::DpfCertification>,
    /// The sub-processing agreement (Art. 28(4)).
    pub dpa: Option<Dpa>,
    /// The day it was (or will be) engaged.
    pub added: Option<Date>,
    /// The day it stopped (or will stop) being engaged.
    pub removed: Option<Date>,
    /// Web site.
    pub website: Option<String>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Subprocessor {
    /// True when it processes outside the EU/EEA (a transfer under Chapter V).
    pub fn is_third_country(&self) -> bool {
        self.country
            .as_ref()
            .is_some_and(Location::is_third_country)
    }

    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        self.name.get(lang)
    }

    /// True when it is engaged on `day`: added on or before it (or undated) and not yet
    /// removed. A sub-processor whose `added` lies ahead is an intended change.
    pub fn engaged_on(&self, day: Date) -> bool {
        self.added.is_none_or(|a| a <= day) && self.removed.is_none_or(|r| r > day)
    }
}

/// What happened to a sub-processor on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It was (or will be) engaged.
    Added,
    /// It stopped (or will stop) being engaged.
    Removed,
}

impl Change {
    /// In words.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Change::Added => lang.pick("Tillagt", "Added"),
            Change::Removed => lang.pick("Borttaget", "Removed"),
        }
    }
}

impl Register {
    /// True when the register records processing on behalf of others.
    pub fn is_processor(&self) -> bool {
        !self.processing_for.is_empty()
    }

    /// The sub-processor with `id`.
    pub fn subprocessor(&self, id: &str) -> Option<&Subprocessor> {
        self.subprocessors.iter().find(|s| s.id == id)
    }

    /// Every dated change of the sub-processor list, newest first (the same day: additions
    /// before removals, then by name).
    pub fn subprocessor_changes(&self) -> Vec<(Date, Change, &Subprocessor)> {
        let mut out: Vec<(Date, Change, &Subprocessor)> = self
            .subprocessors
            .iter()
            .flat_map(|s| {
                [
                    s.added.map(|d| (d, Change::Added, s)),
                    s.removed.map(|d| (d, Change::Removed, s)),
                ]
            })
            .flatten()
            .collect();
        out.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then_with(|| a.2.name(Lang::Sv).cmp(b.2.name(Lang::Sv)))
        });
        out
    }

    /// The security measures that apply to `p`: its own, else the register's.
    pub fn processing_security(&self, p: &ProcessingFor, lang: Lang) -> Vec<String> {
        if !p.security.is_empty() {
            return p.security.iter().map(|t| t.get(lang).to_owned()).collect();
        }
        self.security
            .description
            .iter()
            .chain(&self.security.measures)
            .map(|t| t.get(lang).to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::load;

    const HOST: &str = r#"
[controller]
name = "Värd AB"
org_number = "556214-1993"
email = "dataskydd@vard.se"

[[processing_for]]
id = "webbhotell"
controllers = { sv = "Webbhotellkunder", en = "Web hosting customers" }
controller_list = { sv = "Kundregistret", en = "The customer register" }
processing = [{ sv = "Lagring av webbplatser", en = "Storage of websites" }]
data_subjects = ["customer"]
data_categories = ["user.contact.email"]
subprocessors = ["dc", "mail"]
agreement = "Personuppgiftsbiträdesavtal"

[[processing_for.controller]]
name = "Butik AB"
org_number = "556036-0793"
email = "info@butik.se"

[[subprocessor]]
id = "dc"
name = "Datacenter AB"
country = "SE"
activity = { sv = "Serverhallar", en = "Data centres" }
dpa = 2024-01-01
added = 2024-01-01

[[subprocessor]]
id = "mail"
name = "Mail Inc."
country = "US"
transfer = "scc"
added = 2023-05-01
removed = 2025-02-01
"#;

    fn ok(src: &str) -> Register {
        load(src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
    }

    /// (code, the source text the error points at, message, help) for each error.
    fn errors(src: &str) -> Vec<(String, String, String, Option<String>)> {
        let Err(e) = load(src) else {
            panic!("the register should not load")
        };
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

    fn with(from: &str, to: &str) -> String {
        assert!(HOST.contains(from), "HOST lacks {from:?}");
        HOST.replacen(from, to, 1)
    }

    #[test]
    fn processing_on_behalf_of_customers_loads_with_its_subprocessors() {
        let r = ok(HOST);
        assert!(r.is_processor());
        let p = &r.processing_for[0];
        assert_eq!(
            p.controllers.as_ref().unwrap().get(Lang::En),
            "Web hosting customers"
        );
        assert_eq!(p.named_controllers[0].name, "Butik AB");
        assert_eq!(p.subprocessors, ["dc", "mail"]);
        let mail = r.subprocessor("mail").unwrap();
        assert!(mail.is_third_country());
        assert_eq!(
            mail.transfer,
            Some(TransferMechanism::StandardContractualClauses)
        );
        assert_eq!(mail.removed, Some(Date::constant(2025, 2, 1)));
        assert!(r.subprocessor("dc").unwrap().dpa.is_some());
    }

    #[test]
    fn a_register_without_the_section_is_no_processor() {
        let r = ok("[controller]\nname = \"A AB\"\nemail = \"a@a.se\"\n");
        assert!(!r.is_processor());
        assert!(r.subprocessors.is_empty());
    }

    #[test]
    fn the_change_history_is_newest_first_with_removals_kept() {
        let r = ok(HOST);
        let changes: Vec<(String, Change, &str)> = r
            .subprocessor_changes()
            .into_iter()
            .map(|(d, c, s)| (d.to_string(), c, s.id.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                ("2025-02-01".to_owned(), Change::Removed, "mail"),
                ("2024-01-01".to_owned(), Change::Added, "dc"),
                ("2023-05-01".to_owned(), Change::Added, "mail"),
            ]
        );
    }

    #[test]
    fn engaged_means_added_on_or_before_the_day_and_not_yet_removed() {
        let r = ok(HOST);
        let mail = r.subprocessor("mail").unwrap();
        assert!(!mail.engaged_on(Date::constant(2023, 4, 30)));
        assert!(mail.engaged_on(Date::constant(2023, 5, 1)));
        assert!(mail.engaged_on(Date::constant(2025, 1, 31)));
        assert!(!mail.engaged_on(Date::constant(2025, 2, 1)));
    }

    #[test]
    fn a_misspelt_key_in_processing_for_is_located_with_a_suggestion() {
        let errs = errors(&with("controller_list =", "controler_list ="));
        assert_eq!(errs.len(), 1, "{errs:?}");
        let (code, at, message, help) = &errs[0];
        assert_eq!(code, "schema");
        assert_eq!(at, "controler_list");
        assert!(
            message.starts_with("unknown field `controler_list`"),
            "{message}"
        );
        assert_eq!(help.as_deref(), Some("did you mean `controller_list`?"));
    }

    #[test]
    fn a_misspelt_key_in_a_subprocessor_is_located_with_a_suggestion() {
        let errs = errors(&with("activity =", "activty ="));
        assert_eq!(errs[0].1, "activty");
        assert_eq!(errs[0].3.as_deref(), Some("did you mean `activity`?"));
    }

    #[test]
    fn a_misspelt_table_name_suggests_subprocessor() {
        let errs = errors(&format!("{HOST}\n[[subprocesor]]\nid = \"x\"\n"));
        assert_eq!(errs[0].3.as_deref(), Some("did you mean `subprocessor`?"));
    }

    #[test]
    fn a_subprocessors_country_and_mechanism_are_checked_like_a_recipients() {
        let src = with(
            "country = \"US\"\ntransfer = \"scc\"",
            "country = \"Narnia\"\ntransfer = \"sccs\"",
        );
        let errs = errors(&src);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].1, "\"Narnia\"");
        assert!(errs[0].2.contains("unknown country"), "{}", errs[0].2);
        assert_eq!(errs[1].1, "\"sccs\"");
        assert_eq!(errs[1].3.as_deref(), Some("did you mean `scc`?"));
    }

    #[test]
    fn dates_must_be_plain_dates_and_removal_cannot_precede_addition() {
        let errs = errors(&with("removed = 2025-02-01", "removed = 2022-01-01"));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].1, "2022-01-01");
        assert!(
            errs[0]
                .2
                .contains("removed (2022-01-01) before it was added (2023-05-01)")
        );
        let errs = errors(&with("added = 2024-01-01", "added = 2024-01-01T10:00:00"));
        assert!(
            errs[0].2.contains("added must be a date without a time"),
            "{errs:?}"
        );
        let errs = errors(&with("added = 2024-01-01", "added = \"2024-01-01\""));
        assert_eq!(errs[0].0, "schema", "{errs:?}");
        assert_eq!(errs[0].1, "\"2024-01-01\"");
    }

    #[test]
    fn an_unknown_subprocessor_reference_suggests_the_closest_id() {
        let errs = errors(&with(
            "subprocessors = [\"dc\", \"mail\"]",
            "subprocessors = [\"dc\", \"mial\"]",
        ));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, "reference");
        assert_eq!(errs[0].1, "\"mial\"");
        assert_eq!(errs[0].3.as_deref(), Some("did you mean `mail`?"));
    }

    #[test]
    fn processing_for_needs_a_controller_and_a_category_of_processing() {
        let src = with(
            "controllers = { sv = \"Webbhotellkunder\", en = \"Web hosting customers\" }\n",
            "",
        )
        .replacen(
            "[[processing_for.controller]]\nname = \"Butik AB\"\norg_number = \"556036-0793\"\nemail = \"info@butik.se\"\n",
            "",
            1,
        )
        .replacen(
            "processing = [{ sv = \"Lagring av webbplatser\", en = \"Storage of websites\" }]\n",
            "",
            1,
        );
        let errs = errors(&src);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|e| e.1 == "\"webbhotell\""));
        assert!(errs[0].2.contains("names no controller"), "{errs:?}");
        assert!(
            errs[1].2.contains("names no category of processing"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_named_controllers_organisationsnummer_and_categories_are_checked() {
        let src = with(
            "org_number = \"556036-0793\"",
            "org_number = \"556036-0794\"",
        )
        .replacen("[\"user.contact.email\"]", "[\"user.contact.emial\"]", 1);
        let errs = errors(&src);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].1, "\"user.contact.emial\"");
        assert!(errs[1].2.contains("organisationsnummer"), "{errs:?}");
    }

    #[test]
    fn duplicate_subprocessor_ids_are_errors() {
        let src = with("id = \"mail\"", "id = \"dc\"").replacen("\"dc\", \"mail\"", "\"dc\"", 1);
        let errs = errors(&src);
        assert!(
            errs.iter()
                .any(|e| e.0 == "duplicate" && e.2.contains("sub-processor `dc`")),
            "{errs:?}"
        );
    }
}
