//! The register as written: TOML deserialised with locations, before any meaning is checked.
//!
//! Every enumerated value is kept as a located string here, so the loader can explain a
//! bad value with its location and a suggestion instead of serde's generic message.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::value::Datetime;

use super::reference::{
    CategoryKey, Country, CustomKey, DataUseKey, Date, DbKind, EventKey, Kw, Many, Party,
    Placement, RetentionRule, RowPolicy, Statute, SubjectKey, TableKey,
};
use super::reference::{MonthStart, NoAutomatedDecisions};
use crate::law::{
    Art9Condition, CookieCategory, LegalBasis, RecipientRole, Requirement, Source,
    TransferMechanism,
};
use crate::taxonomy::Sensitivity;

/// A value with the byte range where it was written: `toml::Spanned` with the same methods,
/// wrapped so that the register's JSON Schema can be derived from these very types (a trait
/// of one crate cannot be implemented for a type of another, so `toml::Spanned` cannot carry
/// a schema itself). Its schema is the value's.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<X>(toml::Spanned<X>);

impl<X> Spanned<X> {
    /// A value with where it was written.
    pub fn new(range: Range<usize>, value: X) -> Self {
        Spanned(toml::Spanned::new(range, value))
    }

    /// Where it was written (bytes).
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }

    /// The value.
    pub fn get_ref(&self) -> &X {
        self.0.get_ref()
    }
}

impl<'de, X: Deserialize<'de>> Deserialize<'de> for Spanned<X> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Spanned::<X>::deserialize(d).map(Spanned)
    }
}

impl<X: JsonSchema> JsonSchema for Spanned<X> {
    fn inline_schema() -> bool {
        X::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        X::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        X::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        X::json_schema(generator)
    }
}

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

impl JsonSchema for RawText {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "text",
            "description": "Text people read: a plain string (Swedish), or a table `{ sv = \"…\", en = \"…\" }` with both languages.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": {
                        "sv": { "type": "string", "description": "The Swedish text." },
                        "en": { "type": "string", "description": "The English text." }
                    },
                    "additionalProperties": false
                }
            ]
        })
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

impl JsonSchema for OneOrMany {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "OneOrMany".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Many::<String>::json_schema(generator)
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

impl JsonSchema for RawDpa {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Dpa".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        date_or_flag_schema(generator, "date or true", "2024-03-01")
    }
}

impl<'de> Deserialize<'de> for RawDpa {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        date_or_flag(
            d,
            "the date the data processing agreement was signed (e.g. 2024-03-01), or true",
        )
    }
}

/// `dpf_certified = true` or the date the DPF list was checked (e.g. 2025-06-01).
#[derive(Debug, Clone)]
pub struct RawDpf(pub RawDpa);

impl JsonSchema for RawDpf {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "DpfCertified".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        date_or_flag_schema(
            generator,
            "true, false or the date the DPF list was checked",
            "2025-06-01",
        )
    }
}

impl<'de> Deserialize<'de> for RawDpf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        date_or_flag(
            d,
            "true, false, or the date the Data Privacy Framework list was checked (e.g. 2025-06-01)",
        )
        .map(RawDpf)
    }
}

/// A TOML date or a boolean, with `expecting` as the message for anything else.
fn date_or_flag<'de, D: Deserializer<'de>>(
    d: D,
    expecting: &'static str,
) -> Result<RawDpa, D::Error> {
    struct V(&'static str);
    impl<'de> Visitor<'de> for V {
        type Value = RawDpa;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawDpa, E> {
            Ok(RawDpa::Flag(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<RawDpa, A::Error> {
            Datetime::deserialize(de::value::MapAccessDeserializer::new(m)).map(RawDpa::Date)
        }
    }
    d.deserialize_any(V(expecting))
}

fn date_or_flag_schema(generator: &mut SchemaGenerator, title: &str, example: &str) -> Schema {
    let date = generator.subschema_for::<Date>();
    json_schema!({
        "title": title,
        "examples": [example, true],
        "anyOf": [date, { "type": "boolean" }]
    })
}

/// The register of processing (registerförteckning), `skydd.toml`: what GDPR Art. 30(1) asks a controller to record and Art. 13 and 14 ask it to tell people.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegister {
    /// The privacy notice's own details: version, date it applies from, extra sections.
    pub notice: Option<RawNotice>,
    /// The controller (personuppgiftsansvarig), GDPR Art. 13(1)(a).
    pub controller: Spanned<RawController>,
    /// The data protection officer (dataskyddsombud), if one is appointed (Art. 37); Art. 13(1)(b).
    pub dpo: Option<Spanned<RawContact>>,
    /// The representative in the EU (Art. 27), for a controller established outside it.
    pub representative: Option<Spanned<RawContact>>,
    /// The supervisory authority people may complain to; IMY when not given.
    pub supervisory_authority: Option<Spanned<RawContact>>,
    /// How people use their rights (Art. 12–22): where requests go and the company's own statements.
    pub rights: Option<RawRights>,
    /// Data categories the company collects beyond those its purposes name (taxonomy keys).
    #[serde(default)]
    #[schemars(with = "Vec<CategoryKey>")]
    pub collects: Vec<S>,
    /// A data category of your own, beside the fideslang taxonomy (`skydd taxonomy` lists those).
    #[serde(default, rename = "data_category")]
    pub data_categories: Vec<Spanned<RawKey>>,
    /// A kind of person of your own (data subject), beside the fideslang taxonomy.
    #[serde(default, rename = "data_subject")]
    pub data_subjects: Vec<Spanned<RawKey>>,
    /// An event of your own that retention rules can run from, beside the built-in ones.
    #[serde(default, rename = "event")]
    pub events: Vec<Spanned<RawEvent>>,
    /// A purpose (ändamål) of processing, with its legal basis, people, data, recipients and retention.
    #[serde(default, rename = "purpose")]
    pub purposes: Vec<Spanned<RawPurpose>>,
    /// A recipient (mottagare) of personal data: processor, controller, joint controller or authority.
    #[serde(default, rename = "recipient")]
    pub recipients: Vec<Spanned<RawRecipient>>,
    /// The security measures (Art. 32), summarised for the notice and the Art. 30 record.
    pub security: Option<RawSecurity>,
    /// A cookie or similar technique set on the company's website.
    #[serde(default, rename = "cookie")]
    pub cookies: Vec<Spanned<RawCookie>>,
    /// A database holding personal data, described by a fideslang dataset (the data map).
    #[serde(default, rename = "database")]
    pub databases: Vec<Spanned<RawDatabase>>,
    /// How erased data is masked: the default, row policies per collection, strategies per field.
    pub erasure: Option<RawErasure>,
    /// Where skydd keeps its own records (requests, restrictions, erasure holds).
    pub state: Option<RawState>,
    /// The company's financial years (räkenskapsår): when they start, a first year and changes.
    pub financial_year: Option<Spanned<RawFinancialYear>>,
    /// Processing the company carries out as a processor (personuppgiftsbiträde) on behalf of
    /// its customers: one `[[processing_for]]` per kind of service (GDPR Art. 28, 30.2).
    #[serde(default, rename = "processing_for")]
    pub processing_for: Vec<Spanned<RawProcessingFor>>,
    /// The sub-processors (underbiträden) the company engages for that processing, current
    /// and removed, with the date of each change (GDPR Art. 28.2, 28.4).
    #[serde(default, rename = "subprocessor")]
    pub subprocessors: Vec<Spanned<RawSubprocessor>>,
    /// How recipients are told of rectifications, erasures and restrictions (GDPR Art. 19): the sender, the mail server and how often delivery is tried. Each recipient's own channel is its `notify`.
    pub notifications: Option<Spanned<RawNotifications>>,
}

/// `[notifications]`: the settings every recipient's `notify` shares (GDPR Art. 19).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNotifications {
    /// The sender of notices by e-mail, e.g. `dataskydd@exempel.se`; needed when a recipient is told by e-mail.
    pub from: Option<S>,
    /// The environment variable holding the mail server's URL (`smtp://host:port`, or `smtps://…`, with any user and password in it); `SKYDD_SMTP_URL` when not given.
    pub smtp_url_env: Option<S>,
    /// How many times a notice is tried before it is set aside for staff (dead letter); 8 when not given, at most 100.
    pub max_attempts: Option<Spanned<i64>>,
    /// The language of e-mailed notices when a recipient's `notify` names none: `sv` (the default) or `en`.
    #[schemars(with = "Option<super::reference::NoticeLang>")]
    pub lang: Option<S>,
}

/// A recipient's `notify`: exactly one of `webhook`, `email`, `manual`, `none`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNotify {
    /// The address notices are POSTed to as JSON signed with HMAC-SHA256 (header `Skydd-Signature`): `https://…`; `http://` only to this machine (loopback), for tests.
    #[schemars(with = "Option<super::reference::WebhookUrl>")]
    pub webhook: Option<S>,
    /// The environment variable holding the webhook's signing key (at least 32 bytes, shared with the recipient).
    pub secret_env: Option<S>,
    /// A file holding the webhook's signing key (relative to the register), e.g. a mounted secret.
    pub secret_file: Option<S>,
    /// The e-mail address notices are sent to, e.g. `privacy@mottagare.se`.
    pub email: Option<S>,
    /// The language of the e-mail: `sv` or `en`; `[notifications] lang` when not given.
    #[schemars(with = "Option<super::reference::NoticeLang>")]
    pub lang: Option<S>,
    /// The recipient is told by staff, not by skydd: how, e.g. "by phone to our account manager"; each notice is still recorded as a task to be done.
    pub manual: Option<S>,
    /// The recipient is not told, because telling proves impossible or involves disproportionate effort (Art. 19): why. The reason is required.
    pub none: Option<S>,
}

/// `[financial_year]`: the company's financial years (Bokföringslagen 3 kap.).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFinancialYear {
    /// The first day of a financial year as `"MM-DD"`, the first of a month (`"07-01"` for 1 July–30 June); `"01-01"`, the calendar year, by default, so a `first` year ending other than on 31 December needs the `starts` it implies written out.
    #[schemars(with = "Option<MonthStart>")]
    pub starts: Option<S>,
    /// The first financial year when it was not twelve months: `{ from = 2024-03-15, to = 2025-06-30 }`, at most 18 months.
    pub first: Option<Spanned<RawFinancialPeriod>>,
    /// Each change of financial year (omläggning): the changed year `{ from, to }`, at most 18 months; later years start the day after `to`.
    #[serde(default, rename = "change")]
    pub changes: Vec<Spanned<RawFinancialPeriod>>,
}

/// One financial year that was not twelve months.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFinancialPeriod {
    /// Its first day.
    #[schemars(with = "Date")]
    pub from: Spanned<Datetime>,
    /// Its last day (the last day of a month).
    #[schemars(with = "Date")]
    pub to: Spanned<Datetime>,
}

/// A database holding personal data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    /// The database's name in skydd: lower-case letters, digits, `-` and `_`.
    #[schemars(with = "TableKey")]
    pub name: S,
    /// The database system.
    #[schemars(with = "DbKind")]
    pub kind: S,
    /// The environment variable holding the connection URL.
    pub url_env: Option<S>,
    /// A file holding the connection URL (e.g. a mounted secret).
    pub url_file: Option<S>,
    /// The file of an SQLite database.
    pub path: Option<S>,
    /// The fideslang dataset file describing the database (the data map).
    pub dataset: S,
    /// The database schema (PostgreSQL) the dataset's collections are in.
    pub schema: Option<S>,
    /// Which columns record each retention event: event key → `collection.column` (one or a list).
    #[serde(default)]
    pub events: std::collections::BTreeMap<String, Spanned<OneOrMany>>,
    /// Which kinds of person each collection holds: collection → data subject keys (one or a list).
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Many<SubjectKey>>")]
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

/// A masking strategy with its settings.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaskTable {
    /// How the field is masked: `null`, `fixed`, `hmac`, `random`.
    #[schemars(with = "super::reference::MaskStrategy")]
    strategy: String,
    /// The text written instead of the value (strategy `fixed`).
    value: Option<String>,
    /// How many random characters are written (strategy `random`; 16 when not given).
    length: Option<usize>,
}

impl JsonSchema for RawMask {
    fn schema_name() -> Cow<'static, str> {
        "Mask".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let name = generator.subschema_for::<super::reference::MaskStrategy>();
        let table = generator.subschema_for::<RawMaskTable>();
        json_schema!({
            "title": "masking strategy",
            "description": "How an erased value is masked: a strategy's name, or a table with the strategy and its settings.",
            "examples": ["null", { "strategy": "fixed", "value": "raderad" }],
            "anyOf": [name, table]
        })
    }
}

impl<'de> Deserialize<'de> for RawMask {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use RawMaskTable as Table;
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

/// How erased data is masked.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawErasure {
    /// The masking of a field when nothing more specific is given; `null` when not given.
    pub default: Option<Spanned<RawMask>>,
    /// The environment variable holding the key for `hmac` masking.
    pub hmac_key_env: Option<S>,
    /// A file holding the key for `hmac` masking.
    pub hmac_key_file: Option<S>,
    /// What an erasure does to a row of a collection: `dataset.collection` → `delete` or `mask`.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RowPolicy>")]
    pub collections: std::collections::BTreeMap<String, S>,
    /// The masking of one field: `dataset.collection.field` → a strategy.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, Spanned<RawMask>>,
}

/// Where skydd keeps its own records.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    /// The SQLite file of skydd's own state (created by `skydd state init`).
    pub path: Option<S>,
}

/// The privacy notice's own details.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNotice {
    /// The notice's version, shown in its footer.
    pub version: Option<S>,
    /// The day this version applies from.
    #[schemars(with = "Option<Date>")]
    pub effective: Option<Spanned<Datetime>>,
    /// How many days ahead material changes are announced.
    pub change_notice_days: Option<u32>,
    /// The notice's title, when not the standard one.
    pub title: Option<T>,
    /// Where the notice is published.
    pub url: Option<S>,
    /// A section of your own text in the notice.
    #[serde(default, rename = "section")]
    pub sections: Vec<RawSection>,
    /// Who speaks in the notice: `"plural"` (vi/oss/vår; we/us/our, the default) or `"singular"` (jag/mig/min; I/me/my) for a one-person business.
    #[schemars(with = "Option<Kw<super::Voice>>")]
    pub voice: Option<S>,
}

/// A section of your own text in the notice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// The section's heading.
    pub title: T,
    /// The section's text (Markdown paragraphs).
    pub body: T,
    /// Where in the notice the section stands; `start` when not given.
    #[schemars(with = "Option<Placement>")]
    pub placement: Option<S>,
}

/// The controller (personuppgiftsansvarig).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawController {
    /// The controller's legal name, as registered with Bolagsverket.
    pub name: S,
    /// The organisationsnummer (10 digits, checked with its Luhn digit), e.g. `556214-1993`.
    pub org_number: Option<S>,
    /// Postal address.
    pub address: Option<S>,
    /// E-mail address for questions about personal data.
    pub email: Option<S>,
    /// Telephone number.
    pub phone: Option<S>,
    /// Website (`https://…`).
    pub website: Option<S>,
    /// The registered legal name (firma) when `name` is a brand, e.g. "Exempel Sverige AB".
    pub legal_name: Option<S>,
}

/// Contact details of a person or body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    /// Name.
    pub name: Option<S>,
    /// Postal address.
    pub address: Option<S>,
    /// E-mail address.
    pub email: Option<S>,
    /// Telephone number.
    pub phone: Option<S>,
    /// Website (`https://…`).
    pub website: Option<S>,
}

/// How people use their rights.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRights {
    /// Where requests go (an e-mail address or a web form); the controller's e-mail when not given.
    pub contact: Option<S>,
    /// How to withdraw consent, as easily as it was given (Art. 7(3)).
    pub withdraw_consent: Option<T>,
    /// How to object to direct marketing, stated separately (Art. 21(4)).
    pub object_direct_marketing: Option<T>,
    /// The company's own words on each right, shown beside the standard text and read by the lint.
    pub statements: Option<RawStatements>,
    /// `"none"`: the controller declares that it makes no decisions based solely on automated processing, including profiling, with legal or similarly significant effects (Art. 22); only then does the notice say so.
    #[schemars(with = "Option<NoAutomatedDecisions>")]
    pub automated_decisions: Option<S>,
}

/// The company's own words on each right.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStatements {
    /// On the rights in general.
    pub general: Option<T>,
    /// On the right of access (Art. 15).
    pub access: Option<T>,
    /// On the right to rectification (Art. 16).
    pub rectification: Option<T>,
    /// On the right to erasure (Art. 17).
    pub erasure: Option<T>,
    /// On the right to restriction of processing (Art. 18).
    pub restriction: Option<T>,
    /// On the right to data portability (Art. 20).
    pub portability: Option<T>,
    /// On the right to object (Art. 21).
    pub objection: Option<T>,
    /// On automated decisions, including profiling (Art. 22).
    pub automated_decisions: Option<T>,
    /// On the right to complain to the supervisory authority (Art. 77).
    pub complaint: Option<T>,
}

/// A data category or kind of person of your own.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKey {
    /// The key: lower-case words joined by dots, e.g. `user.customer_number`.
    #[schemars(with = "CustomKey")]
    pub key: S,
    /// The taxonomy key (or a key of your own) this one refines.
    pub parent: Option<S>,
    /// The name shown in notices.
    pub name: T,
    /// What the key covers.
    pub description: Option<T>,
    /// How sensitive the data is (data categories only); `ordinary` when not given.
    #[schemars(with = "Option<Kw<Sensitivity>>")]
    pub sensitivity: Option<S>,
}

/// An event of your own that retention rules can run from.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// The event's key: lower-case words joined by `_`, e.g. `warranty_end`.
    #[schemars(with = "EventKey")]
    pub key: S,
    /// What happened, as shown in notices ("the warranty ended").
    pub name: T,
}

/// `retention = "2 years after contract_end"` or `retention = { rule = "…", text = … }`.
#[derive(Debug)]
pub enum RawRetention {
    Rule(String),
    Table(RawRetentionTable),
}

impl JsonSchema for RawRetention {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Retention".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let rule = generator.subschema_for::<RetentionRule>();
        let table = generator.subschema_for::<RawRetentionTable>();
        json_schema!({
            "title": "retention rule",
            "anyOf": [rule, table]
        })
    }
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

/// A retention rule with the company's own wording of it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetentionTable {
    /// The rule skydd enforces.
    #[schemars(with = "RetentionRule")]
    pub rule: S,
    /// How the notice states the period, instead of skydd's wording.
    pub text: Option<T>,
    /// Other periods for some of the purpose's data categories or data subjects: `[[purpose.retention.for]]` with `categories`, `subjects`, `rule` and `text`.
    #[serde(default, rename = "for")]
    pub overrides: Vec<Spanned<RawRetentionFor>>,
}

/// `[[purpose.retention.for]]`: a period of its own for some data of a purpose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetentionFor {
    /// The data categories it applies to (among the purpose's; those below them too).
    #[serde(default)]
    #[schemars(with = "Vec<CategoryKey>")]
    pub categories: Vec<S>,
    /// The data subjects it applies to (among the purpose's).
    #[serde(default)]
    #[schemars(with = "Vec<SubjectKey>")]
    pub subjects: Vec<S>,
    /// Their retention rule.
    #[schemars(with = "RetentionRule")]
    pub rule: S,
    /// The company's own wording for it.
    pub text: Option<T>,
}

/// An automated decision, including profiling, with legal or similarly significant effects (Art. 22).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAutomated {
    /// Meaningful information about the logic involved (Art. 13(2)(f)).
    pub logic: Option<T>,
    /// Its significance and envisaged consequences for the person.
    pub significance: Option<T>,
}

/// A purpose (ändamål) of processing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPurpose {
    /// The purpose's id, used in references: lower-case letters, digits, `-` and `_`.
    #[schemars(with = "TableKey")]
    pub id: S,
    /// The purpose as the notice names it.
    pub name: T,
    /// What is done, in more words.
    pub description: Option<T>,
    /// The legal basis, GDPR Art. 6(1) (one or a list).
    #[schemars(with = "Option<Many<Kw<LegalBasis>>>")]
    pub legal_basis: Option<Spanned<OneOrMany>>,
    /// The legitimate interest pursued, when the basis is legitimate interests (Art. 13(1)(d)).
    pub legitimate_interest: Option<T>,
    /// The Art. 9(2) condition for special categories of data.
    #[schemars(with = "Option<Kw<Art9Condition>>")]
    pub art9_condition: Option<S>,
    /// Why personnummer are needed (dataskyddslagen 3 kap. 10 §).
    pub personnummer_justification: Option<T>,
    /// The law that requires the processing: a known statute's key, or the citation written out.
    #[schemars(with = "Option<Statute>")]
    pub statute: Option<S>,
    /// The kinds of person concerned (data subject keys).
    #[serde(default)]
    #[schemars(with = "Vec<SubjectKey>")]
    pub data_subjects: Vec<S>,
    /// The data concerned (data category keys).
    #[serde(default)]
    #[schemars(with = "Vec<CategoryKey>")]
    pub data_categories: Vec<S>,
    /// The fideslang data use this purpose is an instance of.
    #[schemars(with = "Option<DataUseKey>")]
    pub data_use: Option<S>,
    /// Where the data comes from (one or a list); `data_subject` when not given.
    #[schemars(with = "Option<Many<Kw<Source>>>")]
    pub source: Option<Spanned<OneOrMany>>,
    /// The sources named, when the data does not come from the person (Art. 14(2)(f)).
    pub source_detail: Option<T>,
    /// Whether providing the data is required, and by what (Art. 13(2)(e)).
    #[schemars(with = "Option<Kw<Requirement>>")]
    pub requirement: Option<S>,
    /// What happens if the person does not provide the data.
    pub requirement_consequence: Option<T>,
    /// The recipients of the data (ids of `[[recipient]]`).
    #[serde(default)]
    pub recipients: Vec<S>,
    /// How long the data is kept.
    pub retention: Option<Spanned<RawRetention>>,
    /// An automated decision made for this purpose (Art. 22).
    pub automated_decision: Option<Spanned<RawAutomated>>,
    /// Whether the purpose is direct marketing (the right to object is then absolute, Art. 21(2)–(3)).
    #[serde(default)]
    pub direct_marketing: bool,
    /// How to withdraw consent for this purpose, when it differs from `rights.withdraw_consent`.
    pub withdrawal: Option<T>,
    /// The database collections this purpose covers: `dataset.collection`.
    #[serde(default)]
    #[schemars(with = "Vec<super::reference::Collection>")]
    pub collections: Vec<S>,
    /// Profiling done for this purpose that is not an Art. 22 decision (e.g. segmenting customers for marketing), described for the notice (Art. 4(4), 13(2)(f), 21(2)).
    pub profiling: Option<T>,
}

/// A recipient (mottagare) of personal data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecipient {
    /// The recipient's id, used in `purpose.recipients`.
    pub id: S,
    /// The recipient's name.
    pub name: T,
    /// The recipient's role (Art. 4(9), 26, 28).
    #[schemars(with = "Kw<RecipientRole>")]
    pub role: S,
    /// The category of recipient, as the notice may name it instead of the name.
    pub category: Option<T>,
    /// Where the data is processed: an ISO 3166-1 code, `EEA` or `third-country`.
    #[schemars(with = "Option<Country>")]
    pub country: Option<S>,
    /// The date the data processing agreement (Art. 28(3)) was signed, or `true`.
    pub dpa: Option<Spanned<RawDpa>>,
    /// The transfer mechanism for a country outside the EU/EEA (GDPR Chapter V).
    #[schemars(with = "Option<Kw<TransferMechanism>>")]
    pub transfer: Option<S>,
    /// Where a copy of the safeguards can be obtained (Art. 13(1)(f)).
    pub safeguards: Option<T>,
    /// What is shared with the recipient, in words.
    pub shares: Option<T>,
    /// The recipient's website (`https://…`).
    pub website: Option<S>,
    /// The recipient is certified under the EU–US Data Privacy Framework: `true`, or the date
    /// its entry on the DPF list (dataprivacyframework.gov) was last checked.
    pub dpf_certified: Option<Spanned<RawDpf>>,
    /// How the recipient is told of each rectification, erasure and restriction of data it received (GDPR Art. 19): `{ webhook = "https://…", secret_env = "…" }`, `{ email = "…", lang = "sv" }`, `{ manual = "how staff tell it" }` or `{ none = "why telling is impossible or disproportionate" }`.
    pub notify: Option<Spanned<RawNotify>>,
}

/// The security measures (Art. 32).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSecurity {
    /// The measures in a paragraph.
    pub description: Option<T>,
    /// The measures, one per line.
    #[serde(default)]
    pub measures: Vec<T>,
}

/// A cookie or similar technique.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCookie {
    /// The cookie's name.
    pub name: S,
    /// Who sets it.
    pub provider: Option<S>,
    /// What it is for (consent is needed for all but `necessary`, LEK 9 kap. 28 §).
    #[schemars(with = "Kw<CookieCategory>")]
    pub category: S,
    /// How long it lives: `session` or a period such as `13 months`.
    #[schemars(with = "Option<super::reference::CookieDuration>")]
    pub duration: Option<S>,
    /// `first` (the site's own) or `third` party; `first` when not given.
    #[schemars(with = "Option<Party>")]
    pub party: Option<S>,
    /// The purpose it serves (an id of `[[purpose]]`).
    pub purpose: Option<S>,
    /// What it does, in words.
    pub description: Option<T>,
}

/// One kind of processing done on behalf of controllers (`[[processing_for]]`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProcessingFor {
    /// Stable identifier of this processing (lower-case letters, digits, `-`, `_`).
    #[schemars(with = "TableKey")]
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
    #[schemars(with = "Vec<SubjectKey>")]
    pub data_subjects: Vec<S>,
    /// Which personal data it is (data-category keys), when known (Art. 28.3).
    #[serde(default)]
    #[schemars(with = "Vec<CategoryKey>")]
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
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSubprocessor {
    /// Stable identifier, referred to by `processing_for.subprocessors`.
    pub id: S,
    /// The sub-processor's name.
    pub name: T,
    /// Where it processes the data: ISO 3166-1 code, `EEA` or `third-country` (Art. 30.2 c).
    #[schemars(with = "Option<Country>")]
    pub country: Option<S>,
    /// What it does for the processing, e.g. "Drift av servrar" (Art. 28.2).
    pub activity: Option<T>,
    /// Transfer mechanism when outside the EU/EEA, as for a `[[recipient]]` (Art. 44–46).
    #[schemars(with = "Option<Kw<TransferMechanism>>")]
    pub transfer: Option<S>,
    /// Where a copy of the transfer safeguards can be had (Art. 46).
    pub safeguards: Option<T>,
    /// The date the sub-processing agreement was signed, or `true` (Art. 28.4).
    pub dpa: Option<Spanned<RawDpa>>,
    /// The day it was engaged, or will be (the date customers were told of, Art. 28.2).
    #[schemars(with = "Option<Date>")]
    pub added: Option<Spanned<Datetime>>,
    /// The day it stopped being engaged, or will; it stays on the list as removed (Art. 28.2).
    #[schemars(with = "Option<Date>")]
    pub removed: Option<Spanned<Datetime>>,
    /// Its web site (http:// or https://).
    pub website: Option<S>,
    /// Certified under the EU–US Data Privacy Framework: `true`, or the date its entry on the
    /// DPF list was last checked (needed with `transfer = "dpf"`).
    pub dpf_certified: Option<Spanned<RawDpf>>,
}
