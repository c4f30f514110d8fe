//! The register as written: TOML deserialised with locations, before any meaning is checked.
//!
//! Every enumerated value is kept as a located string here, so the loader can explain a
//! bad value with its location and a suggestion instead of serde's generic message.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;
use toml::value::Datetime;

/// A located string.
pub type S = Spanned<String>;

/// Text written either as a plain string (Swedish) or as `{ sv = "…", en = "…" }`.
#[derive(Debug, Clone, Default)]
pub struct RawText {
    pub sv: Option<String>,
    pub en: Option<String>,
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a string (Swedish) or a table { sv = "…", en = "…" }"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText {
                    sv: Some(v.to_owned()),
                    en: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawText, A::Error> {
                let mut t = RawText::default();
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "sv" => t.sv = Some(m.next_value()?),
                        "en" => t.en = Some(m.next_value()?),
                        other => return Err(de::Error::unknown_field(other, &["sv", "en"])),
                    }
                }
                Ok(t)
            }
        }
        d.deserialize_any(V)
    }
}

/// Located text.
pub type T = Spanned<RawText>;

/// One value or a list of values: `legal_basis = "consent"` or `legal_basis = ["a", "b"]`.
#[derive(Debug, Clone)]
pub enum OneOrMany {
    One(String),
    Many(Vec<S>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<S>()? {
                    out.push(x);
                }
                Ok(OneOrMany::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Flattens a located one-or-many into located strings.
pub fn many(v: &Option<Spanned<OneOrMany>>) -> Vec<S> {
    match v {
        None => Vec::new(),
        Some(sp) => match sp.get_ref() {
            OneOrMany::One(s) => vec![Spanned::new(sp.span(), s.clone())],
            OneOrMany::Many(v) => v.clone(),
        },
    }
}

/// `dpa = 2024-03-01` or `dpa = true` (signed, date not recorded).
#[derive(Debug, Clone)]
pub enum RawDpa {
    Date(Datetime),
    Flag(bool),
}

impl<'de> Deserialize<'de> for RawDpa {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDpa;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "the date the data processing agreement was signed (e.g. 2024-03-01), or true",
                )
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawDpa, E> {
                Ok(RawDpa::Flag(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<RawDpa, A::Error> {
                Datetime::deserialize(de::value::MapAccessDeserializer::new(m)).map(RawDpa::Date)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegister {
    pub notice: Option<RawNotice>,
    pub controller: Spanned<RawController>,
    pub dpo: Option<Spanned<RawContact>>,
    pub representative: Option<Spanned<RawContact>>,
    pub supervisory_authority: Option<Spanned<RawContact>>,
    pub rights: Option<RawRights>,
    #[serde(default)]
    pub collects: Vec<S>,
    #[serde(default, rename = "data_category")]
    pub data_categories: Vec<Spanned<RawKey>>,
    #[serde(default, rename = "data_subject")]
    pub data_subjects: Vec<Spanned<RawKey>>,
    #[serde(default, rename = "event")]
    pub events: Vec<Spanned<RawEvent>>,
    #[serde(default, rename = "purpose")]
    pub purposes: Vec<Spanned<RawPurpose>>,
    #[serde(default, rename = "recipient")]
    pub recipients: Vec<Spanned<RawRecipient>>,
    pub security: Option<RawSecurity>,
    #[serde(default, rename = "cookie")]
    pub cookies: Vec<Spanned<RawCookie>>,
    #[serde(default, rename = "database")]
    pub databases: Vec<Spanned<RawDatabase>>,
    pub erasure: Option<RawErasure>,
    pub state: Option<RawState>,
    /// Processing the company carries out as a processor (personuppgiftsbiträde) on behalf of
    /// its customers: one `[[processing_for]]` per kind of service (GDPR Art. 28, 30.2).
    #[serde(default, rename = "processing_for")]
    pub processing_for: Vec<Spanned<RawProcessingFor>>,
    /// The sub-processors (underbiträden) the company engages for that processing, current
    /// and removed, with the date of each change (GDPR Art. 28.2, 28.4).
    #[serde(default, rename = "subprocessor")]
    pub subprocessors: Vec<Spanned<RawSubprocessor>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    pub name: S,
    pub kind: S,
    pub url_env: Option<S>,
    pub url_file: Option<S>,
    pub path: Option<S>,
    pub dataset: S,
    pub schema: Option<S>,
    #[serde(default)]
    pub events: std::collections::BTreeMap<String, Spanned<OneOrMany>>,
    #[serde(default)]
    pub subjects: std::collections::BTreeMap<String, Spanned<OneOrMany>>,
}

/// `"null"` or `{ strategy = "fixed", value = "…" }`.
#[derive(Debug, Clone)]
pub enum RawMask {
    Name(String),
    Table {
        strategy: String,
        value: Option<String>,
        length: Option<usize>,
    },
}

impl<'de> Deserialize<'de> for RawMask {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            strategy: String,
            value: Option<String>,
            length: Option<usize>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMask;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a strategy ("null", "fixed", "hmac", "random", "delete") or { strategy = "fixed", value = "…" }"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawMask, E> {
                Ok(RawMask::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<RawMask, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(RawMask::Table {
                    strategy: t.strategy,
                    value: t.value,
                    length: t.length,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawErasure {
    pub default: Option<Spanned<RawMask>>,
    pub hmac_key_env: Option<S>,
    pub hmac_key_file: Option<S>,
    #[serde(default)]
    pub collections: std::collections::BTreeMap<String, S>,
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, Spanned<RawMask>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    pub path: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotice {
    pub version: Option<S>,
    pub effective: Option<Spanned<Datetime>>,
    pub change_notice_days: Option<u32>,
    pub title: Option<T>,
    pub url: Option<S>,
    #[serde(default, rename = "section")]
    pub sections: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub title: T,
    pub body: T,
    pub placement: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawController {
    pub name: S,
    pub org_number: Option<S>,
    pub address: Option<S>,
    pub email: Option<S>,
    pub phone: Option<S>,
    pub website: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub name: Option<S>,
    pub address: Option<S>,
    pub email: Option<S>,
    pub phone: Option<S>,
    pub website: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRights {
    pub contact: Option<S>,
    pub withdraw_consent: Option<T>,
    pub object_direct_marketing: Option<T>,
    pub statements: Option<RawStatements>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatements {
    pub general: Option<T>,
    pub access: Option<T>,
    pub rectification: Option<T>,
    pub erasure: Option<T>,
    pub restriction: Option<T>,
    pub portability: Option<T>,
    pub objection: Option<T>,
    pub automated_decisions: Option<T>,
    pub complaint: Option<T>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKey {
    pub key: S,
    pub parent: Option<S>,
    pub name: T,
    pub description: Option<T>,
    pub sensitivity: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub key: S,
    pub name: T,
}

/// `retention = "2 years after contract_end"` or `retention = { rule = "…", text = … }`.
#[derive(Debug)]
pub enum RawRetention {
    Rule(String),
    Table(RawRetentionTable),
}

impl<'de> Deserialize<'de> for RawRetention {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRetention;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    r#"a rule such as "2 years after contract_end", or { rule = "…", text = "…" }"#,
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRetention, E> {
                Ok(RawRetention::Rule(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<RawRetention, A::Error> {
                RawRetentionTable::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(RawRetention::Table)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetentionTable {
    pub rule: S,
    pub text: Option<T>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAutomated {
    pub logic: Option<T>,
    pub significance: Option<T>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPurpose {
    pub id: S,
    pub name: T,
    pub description: Option<T>,
    pub legal_basis: Option<Spanned<OneOrMany>>,
    pub legitimate_interest: Option<T>,
    pub art9_condition: Option<S>,
    pub personnummer_justification: Option<T>,
    pub statute: Option<S>,
    #[serde(default)]
    pub data_subjects: Vec<S>,
    #[serde(default)]
    pub data_categories: Vec<S>,
    pub data_use: Option<S>,
    pub source: Option<Spanned<OneOrMany>>,
    pub source_detail: Option<T>,
    pub requirement: Option<S>,
    pub requirement_consequence: Option<T>,
    #[serde(default)]
    pub recipients: Vec<S>,
    pub retention: Option<Spanned<RawRetention>>,
    pub automated_decision: Option<Spanned<RawAutomated>>,
    #[serde(default)]
    pub direct_marketing: bool,
    pub withdrawal: Option<T>,
    #[serde(default)]
    pub collections: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecipient {
    pub id: S,
    pub name: T,
    pub role: S,
    pub category: Option<T>,
    pub country: Option<S>,
    pub dpa: Option<Spanned<RawDpa>>,
    pub transfer: Option<S>,
    pub safeguards: Option<T>,
    pub shares: Option<T>,
    pub website: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecurity {
    pub description: Option<T>,
    #[serde(default)]
    pub measures: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCookie {
    pub name: S,
    pub provider: Option<S>,
    pub category: S,
    pub duration: Option<S>,
    pub party: Option<S>,
    pub purpose: Option<S>,
    pub description: Option<T>,
}

/// One kind of processing done on behalf of controllers (`[[processing_for]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProcessingFor {
    /// Stable identifier of this processing (lower-case letters, digits, `-`, `_`).
    pub id: S,
    /// The kind of controllers processed for, e.g. "Webbhotellkunder" (Art. 30.2 a).
    pub controllers: Option<T>,
    /// Where the list of those controllers with their contact details is kept (Art. 30.2 a).
    pub controller_list: Option<T>,
    /// Controllers named one by one, each with contact details (Art. 30.2 a).
    #[serde(default, rename = "controller")]
    pub named_controllers: Vec<Spanned<RawController>>,
    /// The categories of processing carried out for them, e.g. "Lagring av webbplatser" (Art. 30.2 b).
    #[serde(default)]
    pub processing: Vec<T>,
    /// Whose personal data it is (data-subject keys), when known (Art. 28.3).
    #[serde(default)]
    pub data_subjects: Vec<S>,
    /// Which personal data it is (data-category keys), when known (Art. 28.3).
    #[serde(default)]
    pub data_categories: Vec<S>,
    /// Ids of the `[[subprocessor]]` entries engaged for this processing (Art. 28.2, 28.4).
    #[serde(default)]
    pub subprocessors: Vec<S>,
    /// The contract that governs the processing, e.g. "Personuppgiftsbiträdesavtal" (Art. 28.3).
    pub agreement: Option<T>,
    /// Security measures of this processing (Art. 30.2 d, 32); without them `[security]` applies.
    #[serde(default)]
    pub security: Vec<T>,
}

/// A sub-processor (`[[subprocessor]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubprocessor {
    /// Stable identifier, referred to by `processing_for.subprocessors`.
    pub id: S,
    /// The sub-processor's name.
    pub name: T,
    /// Where it processes the data: ISO 3166-1 code, `EEA` or `third-country` (Art. 30.2 c).
    pub country: Option<S>,
    /// What it does for the processing, e.g. "Drift av servrar" (Art. 28.2).
    pub activity: Option<T>,
    /// Transfer mechanism when outside the EU/EEA, as for a `[[recipient]]` (Art. 44–46).
    pub transfer: Option<S>,
    /// Where a copy of the transfer safeguards can be had (Art. 46).
    pub safeguards: Option<T>,
    /// The date the sub-processing agreement was signed, or `true` (Art. 28.4).
    pub dpa: Option<Spanned<RawDpa>>,
    /// The day it was engaged, or will be (the date customers were told of, Art. 28.2).
    pub added: Option<Spanned<Datetime>>,
    /// The day it stopped being engaged, or will; it stays on the list as removed (Art. 28.2).
    pub removed: Option<Spanned<Datetime>>,
    /// Its web site (http:// or https://).
    pub website: Option<S>,
}
