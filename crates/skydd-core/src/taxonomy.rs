//! The fideslang default taxonomy of data categories, data subjects and data uses, embedded
//! with Swedish labels.
//!
//! Keys, names and descriptions: fideslang default taxonomy, © Ethyca, Inc., licensed
//! CC-BY-4.0 (<https://github.com/ethyca/fideslang>). People-facing labels in Swedish and
//! plain English: the skydd project (`data/taxonomy/labels-{sv,en}.toml`). A register may
//! add its own keys and relabel any key.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::text::Lang;

/// Attribution for the embedded taxonomy, printed wherever its labels are published.
pub const ATTRIBUTION: &str = "Data categories, data subjects and data uses: fideslang default taxonomy, © Ethyca, Inc., CC-BY-4.0 (https://github.com/ethyca/fideslang). Labels in Swedish and plain English: skydd.";

/// One key of a taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The dotted key, e.g. `user.contact.email`.
    pub key: String,
    /// The parent key, if any.
    pub parent: Option<String>,
    /// People-facing names: plain English and Swedish.
    pub name: (String, String),
    /// The name fideslang gives the key.
    pub fides_name: String,
    /// English and Swedish descriptions.
    pub description: (String, String),
}

impl Entry {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name.1, &self.name.0)
    }
}

/// Which of the three taxonomies a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// What data is (`user.contact.email`).
    DataCategory,
    /// Whom it is about (`customer`).
    DataSubject,
    /// What it is used for (`marketing.advertising`).
    DataUse,
}

/// The three embedded taxonomies.
#[derive(Debug)]
pub struct Taxonomy {
    /// Data categories by key.
    pub data_categories: BTreeMap<String, Entry>,
    /// Data subjects by key.
    pub data_subjects: BTreeMap<String, Entry>,
    /// Data uses by key.
    pub data_uses: BTreeMap<String, Entry>,
}

impl Taxonomy {
    /// The entries of one kind.
    pub fn of(&self, kind: Kind) -> &BTreeMap<String, Entry> {
        match kind {
            Kind::DataCategory => &self.data_categories,
            Kind::DataSubject => &self.data_subjects,
            Kind::DataUse => &self.data_uses,
        }
    }
}

#[derive(Deserialize)]
struct YamlEntry {
    fides_key: String,
    name: String,
    #[serde(default)]
    description: String,
    parent_key: Option<String>,
}

#[derive(Deserialize)]
struct YamlFile {
    #[serde(default)]
    data_categories: Vec<YamlEntry>,
    #[serde(default)]
    data_subjects: Vec<YamlEntry>,
    #[serde(default)]
    data_uses: Vec<YamlEntry>,
}

#[derive(Deserialize)]
struct SvLabel {
    name: String,
    description: String,
}

#[derive(Deserialize)]
struct EnLabels {
    data_categories: BTreeMap<String, String>,
    data_subjects: BTreeMap<String, String>,
    data_uses: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct SvLabels {
    data_categories: BTreeMap<String, SvLabel>,
    data_subjects: BTreeMap<String, SvLabel>,
    data_uses: BTreeMap<String, SvLabel>,
}

/// Why the embedded taxonomy could not be read (a build defect, caught by the tests).
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// A YAML file does not parse.
    #[error("embedded taxonomy YAML: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
    /// The label files do not parse.
    #[error("embedded labels: {0}")]
    Labels(#[from] toml::de::Error),
    /// A key lacks a Swedish or English label.
    #[error("taxonomy key `{0}` lacks a Swedish or English label")]
    MissingLabel(String),
}

fn build(
    entries: Vec<YamlEntry>,
    sv: &BTreeMap<String, SvLabel>,
    en: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Entry>, TaxonomyError> {
    entries
        .into_iter()
        .map(|e| {
            let missing = || TaxonomyError::MissingLabel(e.fides_key.clone());
            let label = sv.get(&e.fides_key).ok_or_else(missing)?;
            let english = en.get(&e.fides_key).ok_or_else(missing)?;
            Ok((
                e.fides_key.clone(),
                Entry {
                    key: e.fides_key.clone(),
                    parent: e.parent_key,
                    name: (english.clone(), label.name.clone()),
                    fides_name: e.name,
                    description: (e.description, label.description.clone()),
                },
            ))
        })
        .collect()
}

/// Parses the embedded files.
pub fn load_embedded() -> Result<Taxonomy, TaxonomyError> {
    let sv: SvLabels = toml::from_str(include_str!("../data/taxonomy/labels-sv.toml"))?;
    let en: EnLabels = toml::from_str(include_str!("../data/taxonomy/labels-en.toml"))?;
    let cats: YamlFile =
        serde_yaml_ng::from_str(include_str!("../data/taxonomy/data_categories.yml"))?;
    let subs: YamlFile =
        serde_yaml_ng::from_str(include_str!("../data/taxonomy/data_subjects.yml"))?;
    let uses: YamlFile = serde_yaml_ng::from_str(include_str!("../data/taxonomy/data_uses.yml"))?;
    Ok(Taxonomy {
        data_categories: build(
            cats.data_categories,
            &sv.data_categories,
            &en.data_categories,
        )?,
        data_subjects: build(subs.data_subjects, &sv.data_subjects, &en.data_subjects)?,
        data_uses: build(uses.data_uses, &sv.data_uses, &en.data_uses)?,
    })
}

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    // The files are compiled in and checked by `embedded_taxonomy_is_complete`; failing
    // here is a defect of the build, not of anything a user wrote.
    #[allow(clippy::expect_used)]
    load_embedded().expect("embedded taxonomy is valid")
});

/// The embedded taxonomy, parsed once.
pub fn taxonomy() -> &'static Taxonomy {
    &TAXONOMY
}

/// True when `key` is `ancestor` or lies below it (`user.contact.email` is within `user.contact`).
pub fn is_within(key: &str, ancestor: &str) -> bool {
    key == ancestor
        || (key.len() > ancestor.len()
            && key.starts_with(ancestor)
            && key.as_bytes()[ancestor.len()] == b'.')
}

/// How the law treats a data category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Ordinary personal data.
    Ordinary,
    /// A special category, GDPR Art. 9(1) (health, biometric for identification, genetic,
    /// ethnic origin, political opinions, religious beliefs, sex life or sexual orientation).
    Special,
    /// Data on criminal convictions and offences, GDPR Art. 10.
    Criminal,
    /// A national identification number: personnummer or samordningsnummer, which may be
    /// processed only when clearly justified (dataskyddslagen 3 kap. 10 §).
    NationalId,
}

impl Keyword for Sensitivity {
    const WHAT: &'static str = "sensitivity";
    fn spellings() -> &'static [(&'static str, Self)] {
        &[
            ("ordinary", Sensitivity::Ordinary),
            ("special", Sensitivity::Special),
            ("criminal", Sensitivity::Criminal),
            ("national_id", Sensitivity::NationalId),
            ("känslig", Sensitivity::Special),
            ("känsliga", Sensitivity::Special),
            ("personnummer", Sensitivity::NationalId),
            ("vanlig", Sensitivity::Ordinary),
            ("vanliga", Sensitivity::Ordinary),
            ("särskild_kategori", Sensitivity::Special),
            ("särskilda_kategorier", Sensitivity::Special),
            ("känsliga_personuppgifter", Sensitivity::Special),
            ("lagöverträdelser", Sensitivity::Criminal),
            ("uppgifter_om_lagöverträdelser", Sensitivity::Criminal),
            ("brottsuppgifter", Sensitivity::Criminal),
            ("samordningsnummer", Sensitivity::NationalId),
            ("identitetsnummer", Sensitivity::NationalId),
        ]
    }
}

use crate::law::Keyword;

const SPECIAL_PREFIXES: [&str; 9] = [
    "user.biometric",
    "user.authorization.biometric",
    "user.health_and_medical",
    "user.demographic.political_opinion",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
    "user.biometric.health",
    "user.health_and_medical.genetic",
];

/// The sensitivity of a taxonomy key (custom keys declare their own).
pub fn builtin_sensitivity(key: &str) -> Sensitivity {
    if SPECIAL_PREFIXES.iter().any(|p| is_within(key, p)) {
        Sensitivity::Special
    } else if is_within(key, "user.criminal_history") {
        Sensitivity::Criminal
    } else if is_within(key, "user.government_id.national_identification_number") {
        Sensitivity::NationalId
    } else {
        Sensitivity::Ordinary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_taxonomy_is_complete() {
        let t = load_embedded().unwrap();
        assert_eq!(t.data_categories.len(), 85);
        assert_eq!(t.data_subjects.len(), 15);
        assert_eq!(t.data_uses.len(), 56);
        for kind in [Kind::DataCategory, Kind::DataSubject, Kind::DataUse] {
            for e in t.of(kind).values() {
                assert!(!e.name.0.is_empty() && !e.name.1.is_empty(), "{}", e.key);
                if let Some(p) = &e.parent {
                    assert!(
                        t.of(kind).contains_key(p),
                        "{} has unknown parent {p}",
                        e.key
                    );
                }
            }
        }
    }

    #[test]
    fn swedish_labels_are_what_a_swedish_notice_says() {
        let t = taxonomy();
        let sv = |k: &str| t.data_categories[k].name(Lang::Sv).to_owned();
        assert_eq!(sv("user.contact.email"), "E-postadress");
        assert_eq!(sv("user.device.ip_address"), "IP-adress");
        assert_eq!(t.data_subjects["customer"].name(Lang::Sv), "Kunder");
        assert_eq!(t.data_subjects["customer"].name(Lang::En), "Customers");
        assert_eq!(
            t.data_categories["user.contact.email"].name(Lang::En),
            "E-mail address"
        );
        assert_eq!(
            t.data_categories["user.contact.email"].fides_name,
            "User Contact Email"
        );
    }

    #[test]
    fn keys_nest_on_dots_only() {
        assert!(is_within("user.contact.email", "user.contact"));
        assert!(is_within("user.contact", "user.contact"));
        assert!(!is_within("user.contactless", "user.contact"));
        assert!(!is_within("user", "user.contact"));
    }

    #[test]
    fn special_categories_follow_article_9() {
        assert_eq!(
            builtin_sensitivity("user.health_and_medical.genetic"),
            Sensitivity::Special
        );
        assert_eq!(
            builtin_sensitivity("user.demographic.religious_belief"),
            Sensitivity::Special
        );
        assert_eq!(
            builtin_sensitivity("user.biometric.fingerprint"),
            Sensitivity::Special
        );
        assert_eq!(
            builtin_sensitivity("user.demographic.gender"),
            Sensitivity::Ordinary
        );
        assert_eq!(
            builtin_sensitivity("user.criminal_history"),
            Sensitivity::Criminal
        );
        assert_eq!(
            builtin_sensitivity("user.government_id.national_identification_number"),
            Sensitivity::NationalId
        );
        assert_eq!(
            builtin_sensitivity("user.government_id.passport_number"),
            Sensitivity::Ordinary
        );
    }
}
