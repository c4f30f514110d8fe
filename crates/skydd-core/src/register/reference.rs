//! The reference of the register file: its JSON Schema, and the Markdown reference
//! (`docs/register.md`) generated from that schema.
//!
//! Both come from the loader's own types (`raw.rs`): the schema is derived from the very
//! structs the TOML is read into, their `///` comments are its descriptions, and
//! `deny_unknown_fields` is `additionalProperties: false`. Keywords are read from the
//! [`Keyword`] trait, taxonomy keys from the embedded taxonomy, statutes and countries from
//! the law tables, so nothing here can drift from what `skydd check` accepts. The schema is
//! JSON Schema draft-07, the newest draft taplo (Even Better TOML) validates.
//!
//! What a schema cannot say (a reference to a purpose that does not exist, a retention rule
//! that does not parse) is left to `skydd check`: the schema never rejects what the loader
//! accepts, so an editor shows no false errors.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::marker::PhantomData;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use super::raw::RawRegister;
use crate::law::{Keyword, countries, statutes};
use crate::retention::BUILTIN_EVENT_KEYS;
use crate::taxonomy::{Kind, taxonomy};

/// The JSON Schema (draft-07) of the register file `skydd.toml`.
pub fn json_schema() -> Value {
    let mut settings = SchemaSettings::draft07();
    settings
        .transforms
        .insert(0, Box::new(RecursiveTransform(without_null)));
    let generator = settings.into_generator();
    let schema = generator.into_root_schema_for::<RawRegister>();
    let mut value = schema.to_value();
    if let Some(o) = value.as_object_mut() {
        o.insert(
            "title".into(),
            json!("skydd register (skydd.toml) / registerförteckning"),
        );
    }
    value
}

/// TOML has no null: an optional key is simply left out. schemars lets an `Option` be
/// `null` too, which would only blur an editor's messages ("not valid under any of the
/// schemas"), so the null branch is removed.
fn without_null(schema: &mut Schema) {
    let Some(o) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = o.get_mut("type") {
        types.retain(|t| t != "null");
        if let [one] = types.as_slice() {
            let one = one.clone();
            o.insert("type".into(), one);
        }
    }
    let null = json!({ "type": "null" });
    if let Some(Value::Array(any)) = o.get_mut("anyOf") {
        any.retain(|b| *b != null);
        if let [one] = any.as_slice() {
            let one = one.clone();
            o.remove("anyOf");
            match one {
                // An inline schema merges into its holder (which keeps its description).
                Value::Object(inner) if !inner.contains_key("$ref") => {
                    for (k, v) in inner {
                        o.entry(k).or_insert(v);
                    }
                }
                other => {
                    o.insert("allOf".into(), json!([other]));
                }
            }
        }
    }
}

/// The command that regenerates `docs/register.md`.
pub const REGENERATE: &str = "cargo run -q -- schema --markdown > docs/register.md";

// ---------------------------------------------------------------------------------------
// Value types the raw structs name in `#[schemars(with = …)]`.

/// A keyword read by [`crate::law::parse_keyword`].
///
/// The schema offers the canonical keys for completion (`enum`, `examples`) and validates
/// with a pattern that accepts exactly what `parse_keyword` accepts: every spelling the
/// [`Keyword`] trait lists (Swedish ones included, as they are added), in any case, with a
/// space, `-`, `.` or `/` for each `_`, and separators or spaces around it. So a misspelt
/// keyword is marked in the editor, and no spelling `skydd check` accepts is. The test
/// `keyword_patterns_accept_what_the_loader_accepts` holds the two together.
pub(crate) struct Kw<K>(PhantomData<K>);

impl<K: Keyword + PartialEq> JsonSchema for Kw<K> {
    fn schema_name() -> Cow<'static, str> {
        let name: String = K::WHAT
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        name.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let canonical = canonical_keys::<K>();
        let others: Vec<String> = K::spellings()
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| !canonical.contains(s))
            .map(|s| format!("`{s}`"))
            .collect();
        let keys: Vec<String> = canonical.iter().map(|k| format!("`{k}`")).collect();
        let description = format!(
            "Canonical keys: {}. Also accepted: {}. Case does not matter, and a space, `-`, `.` or `/` may stand for `_`.",
            keys.join(", "),
            others.join(", "),
        );
        json_schema!({
            "title": K::WHAT,
            "description": description,
            "examples": canonical,
            "anyOf": [
                { "enum": canonical },
                { "type": "string", "pattern": keyword_pattern(K::spellings().iter().map(|(s, _)| *s)) }
            ]
        })
    }
}

/// The canonical key of each value: the first spelling listed for it.
fn canonical_keys<K: Keyword + PartialEq>() -> Vec<&'static str> {
    let mut out: Vec<(&'static str, K)> = Vec::new();
    for (s, v) in K::spellings() {
        if !out.iter().any(|(_, x)| x == v) {
            out.push((s, *v));
        }
    }
    out.into_iter().map(|(s, _)| s).collect()
}

/// A regular expression (ECMA-262 and Rust alike) matching every input `parse_keyword`
/// reads as one of `spellings`: it trims white space, lower-cases, reads ` `, `-`, `.`, `/`
/// as `_`, and trims `_` at both ends.
fn keyword_pattern<'a>(spellings: impl Iterator<Item = &'a str>) -> String {
    const SEP: &str = "[ _./-]";
    let alternatives: Vec<String> = spellings
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c == '_' {
                        return SEP.to_owned();
                    }
                    let upper: String = c.to_uppercase().collect();
                    if upper.chars().count() == 1 && upper != c.to_string() {
                        format!("[{c}{upper}]")
                    } else {
                        regex::escape(&c.to_string())
                    }
                })
                .collect()
        })
        .collect();
    format!(r"^[\s_./-]*(?:{})[\s_./-]*$", alternatives.join("|"))
}

/// One value or a list of them.
pub(crate) struct Many<X>(PhantomData<X>);

impl<X: JsonSchema> JsonSchema for Many<X> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Many_{}", X::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<X>();
        json_schema!({
            "title": "one or a list",
            "anyOf": [one.clone(), { "type": "array", "items": one }]
        })
    }
}

/// Declares a value type whose schema is a fixed JSON value.
macro_rules! value_type {
    ($(#[$m:meta])* $name:ident, $schema:expr) => {
        $(#[$m])*
        pub(crate) struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let value: Value = $schema;
                Schema::try_from(value).unwrap_or_default()
            }
        }
    };
}

value_type!(
    /// A TOML date (taplo hands dates to the schema as strings).
    Date,
    json!({
        "title": "date",
        "description": "A TOML date without quotes and without a time, e.g. `2025-05-25`.",
        "type": "string",
        "format": "date",
        "examples": ["2025-05-25"]
    })
);

value_type!(
    /// A purpose id or database name (`id_syntax` in the loader).
    TableKey,
    json!({
        "title": "id",
        "description": "An identifier: lower-case letters, digits, `-` and `_`, starting with a letter or digit.",
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9_-]*$",
        "examples": ["invoicing", "newsletter"]
    })
);

value_type!(
    /// A key declared with `[[data_category]]`, `[[data_subject]]` (`key_syntax`).
    CustomKey,
    json!({
        "title": "key",
        "description": "A key: lower-case words (letters, digits, `_`) joined by dots.",
        "type": "string",
        "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]+)*$",
        "examples": ["user.customer_number"]
    })
);

value_type!(
    /// The key of an event of one's own (`key_syntax` without dots).
    EventKey,
    json!({
        "title": "event key",
        "description": "An event's key: lower-case words (letters, digits) joined by `_`.",
        "type": "string",
        "pattern": "^[a-z0-9_]+$",
        "examples": ["warranty_end"]
    })
);

value_type!(
    /// `dataset.collection`.
    Collection,
    json!({
        "title": "collection",
        "description": "A collection of a dataset: `dataset.collection`.",
        "type": "string",
        "pattern": "^[^.]+\\.[^.]+$",
        "examples": ["shop.customers"]
    })
);

value_type!(
    /// The database systems `load.rs` reads.
    DbKind,
    json!({
        "title": "database kind",
        "description": "The database system: `sqlite`, `postgres` (or `postgresql`), `mysql` (or `mariadb`).",
        "enum": ["sqlite", "postgres", "postgresql", "mysql", "mariadb"]
    })
);

value_type!(
    /// The row policies of `[erasure.collections]`.
    RowPolicy,
    json!({
        "title": "row policy",
        "description": "What an erasure does to a row: `delete` it, or `mask` its fields (also spelt `anonymise`, `anonymize`).",
        "enum": ["delete", "mask", "anonymise", "anonymize"]
    })
);

value_type!(
    /// The masking strategies `Masking::from_name` reads (fideslang's names too).
    MaskStrategy,
    json!({
        "title": "masking strategy name",
        "description": "`null` (empty the field), `fixed` (write a fixed text), `hmac` (a keyed hash, the same for the same value), `random` (random characters), `delete` (only in `[erasure.collections]`). fideslang's names `null_rewrite`, `string_rewrite`, `hash`, `random_string_rewrite` are accepted too.",
        "enum": ["null", "fixed", "hmac", "random", "delete", "null_rewrite", "string_rewrite", "hash", "random_string_rewrite"]
    })
);

value_type!(
    /// The two parties of a cookie.
    Party,
    json!({
        "title": "party",
        "description": "`first` (set by the site itself) or `third` (set by another party).",
        "enum": ["first", "third"]
    })
);

value_type!(
    /// A cookie's lifetime: reuses the retention grammar's period.
    CookieDuration,
    json!({
        "title": "cookie duration",
        "description": "`session`, or a period: a number and `days`, `weeks`, `months` or `years`.",
        "type": "string",
        "examples": ["session", "13 months", "30 days"]
    })
);

value_type!(
    /// The language of an e-mailed notice (`[notifications] lang`, `notify.lang`).
    NoticeLang,
    json!({
        "title": "language",
        "description": "`sv` (Swedish) or `en` (English).",
        "enum": ["sv", "en"]
    })
);

value_type!(
    /// A webhook's address; the loader refuses `http://` except to loopback.
    WebhookUrl,
    json!({
        "title": "webhook address",
        "description": "An `https://` address; `http://` only to this machine (`localhost`, `127.0.0.1`, `[::1]`), for tests.",
        "type": "string",
        "pattern": "^[hH][tT][tT][pP][sS]?://",
        "examples": ["https://mottagare.example/skydd/notices"]
    })
);

/// A retention rule, parsed by `retention::parse` (its errors are located by `skydd check`,
/// so the schema takes any string and explains the grammar).
pub(crate) struct RetentionRule;

impl JsonSchema for RetentionRule {
    fn schema_name() -> Cow<'static, str> {
        "RetentionRule".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "retention rule",
            "description": retention_grammar(),
            "type": "string",
            "examples": RETENTION_EXAMPLES
        })
    }
}

/// Rules the reference shows, one of each form (a test parses each).
pub(crate) const RETENTION_EXAMPLES: [&str; 10] = [
    "2 years after contract_end",
    "45 days after collected",
    "7 years after end of calendar year of financial_year_end",
    "until consent_withdrawn",
    "as required by bokforingslagen",
    "the later of 2 years after last_activity and as required by bokforingslagen",
    "as long as necessary for support, but at most 1 year after request_closed",
    "the earlier of until consent_withdrawn and 2 years after last_activity",
    "två år efter avslutat kundförhållande",
    "12 månader efter insamlingen, men minst 6 månader efter request_closed",
];

/// The retention language, as the reference explains it: every form `retention::parse`
/// accepts.
fn retention_grammar() -> String {
    let events: Vec<String> = BUILTIN_EVENT_KEYS
        .iter()
        .map(|e| format!("`{e}`"))
        .collect();
    // A statute known only as a note (arkivlagen) sets no period: `as required by` refuses it.
    let statutes: Vec<String> = statutes()
        .iter()
        .filter(|s| s.kind != crate::law::StatuteKind::Note)
        .map(|s| format!("`{}`", s.key))
        .collect();
    format!(
        "How long data is kept, counted from an event. Forms: \
         `<period> after <event>`, where a period is a number (in digits or words) and `days`, `weeks`, `months` or `years`; \
         `<period> after end of calendar year of <event>`; \
         `until <event>`; \
         `as required by <statute>`, the statute's own minimum, which skydd knows ({}; their citations under `statute`); \
         `as long as necessary for …` (stated in the notice, not enforced). \
         A period is at least one day (`0 days after …` keeps nothing: write `until <event>` to erase on the day it happens) and at most 200 years (no obligation requires more; write `as long as necessary for …` for data kept without a set end). \
         Two criteria: `the later of <rule> and <rule>`, also written `<rule>, but at least <rule>`, keeps the data until both have run out; \
         `the earlier of <rule> and <rule>`, also written `<rule>, but at most <rule>`, erases it when either has (\"as long as necessary for …, but at most 2 years after …\" can be enforced). \
         A criterion that is itself two criteria of the other kind is put in brackets in the notice (\"A, but at least (B, but at most C)\"). \
         Two `[[purpose.retention.for]]` may not cover the same data (a category within the other's, for the same people). \
         `at least <period>` alone is refused: a minimum is not an end (write the period you keep the data, or `as required by <statute>`), and so is \"as long as the law requires\" without naming the statute. \
         Built-in events: {}; declare your own with [[event]]. \
         `financial_year_end` may be bound to any date within the financial year (an invoice's date): skydd derives the year's end from `[financial_year]`, so a broken financial year (`starts = \"07-01\"`) is counted right. \
         Swedish is read too, with the English form the canonical one: numbers in words (`två`, `tolv`), `dagar`, `veckor`, `månader`, `år`, `efter`, `tills`, `efter utgången av kalenderåret för <event>`, `som krävs enligt <statute>` or `enligt <statute>`, `så länge det är nödvändigt för …`, `det senare av A och B` or `A, men minst B`, `det tidigare av A och B` or `A, men högst B`, and event phrases such as `insamlingen`, `din senaste aktivitet`, `avslutat kundförhållande`, `avslutat konto`, `återkallat samtycke`, `räkenskapsårets slut`, `avslutad rekrytering`, `avslutat ärende`, `avslutad prenumeration`; the words a notice prints parse too (`tills du återkallar ditt samtycke`, `så länge kundförhållandet varar och två år därefter`, `1 år efter att kontot avslutats`). \
         Some of a purpose's data categories or data subjects may keep a period of their own: `[[purpose.retention.for]]`. \
         Months and years are counted by lag (1930:173) om beräkning av lagstadgad tid.",
        statutes.join(", "),
        events.join(", ")
    )
}

/// The placements of a notice section, from [`super::Placement::ALL`].
pub(crate) struct Placement;

impl JsonSchema for Placement {
    fn schema_name() -> Cow<'static, str> {
        "Placement".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let keys: Vec<&str> = super::Placement::ALL.iter().map(|(k, _)| *k).collect();
        json_schema!({
            "title": "placement",
            "description": "Where a section stands in the notice: at the `start`, after a part of it, or at the `end`.",
            "enum": keys
        })
    }
}

/// Builds a taxonomy-key value type.
fn taxonomy_key(kind: Kind, title: &str, description: &str, custom: bool) -> Schema {
    let keys: Vec<&String> = taxonomy().of(kind).keys().collect();
    // Examples from what registers name most: the person's own data.
    let mut examples: Vec<&String> = keys
        .iter()
        .copied()
        .filter(|k| k.starts_with("user."))
        .take(5)
        .collect();
    if examples.is_empty() {
        examples = keys.iter().copied().take(5).collect();
    }
    if custom {
        // Keys of one's own are allowed: the enum gives completion, the pattern validates.
        json_schema!({
            "title": title,
            "description": description,
            "examples": examples,
            "anyOf": [
                { "enum": keys },
                { "type": "string", "pattern": "^\\s*[a-z0-9_]+(\\.[a-z0-9_]+)*\\s*$" }
            ]
        })
    } else {
        json_schema!({
            "title": title,
            "description": description,
            "examples": examples,
            "enum": keys
        })
    }
}

/// A data category key: the taxonomy's or one declared with `[[data_category]]`.
pub(crate) struct CategoryKey;

impl JsonSchema for CategoryKey {
    fn schema_name() -> Cow<'static, str> {
        "DataCategoryKey".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        taxonomy_key(
            Kind::DataCategory,
            "data category key",
            "A fideslang data category (`skydd taxonomy` lists them with their Swedish names), or a key declared with [[data_category]].",
            true,
        )
    }
}

/// A data subject key: the taxonomy's or one declared with `[[data_subject]]`.
pub(crate) struct SubjectKey;

impl JsonSchema for SubjectKey {
    fn schema_name() -> Cow<'static, str> {
        "DataSubjectKey".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        taxonomy_key(
            Kind::DataSubject,
            "data subject key",
            "A fideslang data subject (`skydd taxonomy` lists them), or a key declared with [[data_subject]].",
            true,
        )
    }
}

/// A data use key: only the taxonomy's.
pub(crate) struct DataUseKey;

impl JsonSchema for DataUseKey {
    fn schema_name() -> Cow<'static, str> {
        "DataUseKey".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        taxonomy_key(
            Kind::DataUse,
            "data use key",
            "A fideslang data use (`skydd taxonomy` lists them).",
            false,
        )
    }
}

/// A country: the ISO codes for completion; any string passes, because the loader also
/// reads `EEA`, `third-country` and country names, and says which it does not know.
pub(crate) struct Country;

impl JsonSchema for Country {
    fn schema_name() -> Cow<'static, str> {
        "Country".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut codes: Vec<&str> = vec!["EEA", "third-country"];
        codes.extend(countries::COUNTRIES.iter().map(|c| c.code));
        json_schema!({
            "title": "country",
            "description": "An ISO 3166-1 alpha-2 code such as `SE`, `IE` or `US`; `EEA` when somewhere in the EU/EEA, `third-country` when somewhere outside it.",
            "examples": ["SE", "IE", "US", "EEA", "third-country"],
            "anyOf": [{ "enum": codes }, { "type": "string" }]
        })
    }
}

/// `[financial_year] starts`: the first of a month as `"MM-DD"`, as the loader requires
/// (a financial year is twelve whole calendar months, BFL 3 kap. 1 §).
pub(crate) struct MonthStart;

impl JsonSchema for MonthStart {
    fn schema_name() -> Cow<'static, str> {
        "MonthStart".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "first day of a month",
            "description": "`\"MM-01\"`: the first of a month, e.g. `\"07-01\"` for 1 July–30 June.",
            "examples": ["01-01", "05-01", "07-01", "09-01"],
            "type": "string",
            "pattern": "^(0[1-9]|1[0-2])-01$"
        })
    }
}

/// `[rights] automated_decisions`: only `"none"` (Swedish `"inga"`), as the loader reads it.
pub(crate) struct NoAutomatedDecisions;

impl JsonSchema for NoAutomatedDecisions {
    fn schema_name() -> Cow<'static, str> {
        "NoAutomatedDecisions".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // The loader trims the value and ignores case; "inga beslut" with a space is not read.
        let spellings = ["none", "inga", "ingen", "inga_beslut"];
        let alternatives: Vec<String> = spellings
            .iter()
            .map(|w| {
                w.chars()
                    .map(|c| {
                        if c.is_ascii_alphabetic() {
                            format!("[{c}{}]", c.to_ascii_uppercase())
                        } else {
                            regex::escape(&c.to_string())
                        }
                    })
                    .collect()
            })
            .collect();
        json_schema!({
            "title": "no automated decisions",
            "description": "Canonical key: `none`. Also accepted: `inga`, `ingen`, `inga_beslut`. Case does not matter.",
            "examples": ["none"],
            "anyOf": [
                { "enum": ["none"] },
                { "type": "string", "pattern": format!(r"^\s*(?:{})\s*$", alternatives.join("|")) }
            ]
        })
    }
}

/// A statute: the known keys for completion, or a citation written out.
pub(crate) struct Statute;

impl JsonSchema for Statute {
    fn schema_name() -> Cow<'static, str> {
        "Statute".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let all = statutes();
        let keys: Vec<&str> = all.iter().map(|s| s.key).collect();
        let known: Vec<String> = all.iter().map(|s| format!("`{}`", s.key)).collect();
        json_schema!({
            "title": "statute",
            "description": format!(
                "A statute skydd knows: {}; or the citation written out, e.g. \"Lag (2017:630) 5 kap. 3 §\".",
                known.join(", ")
            ),
            "examples": keys,
            "anyOf": [{ "enum": keys }, { "type": "string" }]
        })
    }
}

// ---------------------------------------------------------------------------------------
// The Markdown reference.

/// The register reference in Markdown (`docs/register.md`), generated from [`json_schema`].
pub fn markdown() -> String {
    let schema = json_schema();
    let defs = schema
        .get("definitions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let tables = tables(&schema, &defs);
    let mut out = String::new();
    let _ = writeln!(out, "# The register file `skydd.toml`: every key\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the loader's own types by `skydd schema --markdown`; do not edit.\n     Regenerate: {REGENERATE} -->\n"
    );
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{d}\n");
    }
    let _ = writeln!(
        out,
        "Every key below is all that `skydd check` accepts: any other key is an error. \
         Text written as a plain string is Swedish; write `{{ sv = \"…\", en = \"…\" }}` to give both languages. \
         Editors that read JSON Schema (taplo, Even Better TOML) complete and check the file from `skydd schema`: \
         put `#:schema ./skydd.schema.json` on the first line after `skydd schema > skydd.schema.json`.\n"
    );
    let _ = writeln!(out, "Tables:\n");
    for t in &tables {
        let _ = writeln!(out, "- [{}](#{})", t.heading, slug(&t.heading));
    }
    let _ = writeln!(out, "- [Values](#values)\n");
    for t in &tables {
        let _ = writeln!(out, "## {}\n", t.heading);
        if let Some(d) = t.description.as_deref() {
            let _ = writeln!(out, "{d}\n");
        }
        let _ = writeln!(
            out,
            "| Key | Type | Required | Meaning | Accepted values |\n| --- | --- | --- | --- | --- |"
        );
        for row in &t.rows {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                row.key,
                row.kind,
                if row.required { "yes" } else { "no" },
                cell(&row.description),
                cell(&row.values)
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Values\n");
    for (name, def) in &defs {
        if def.get("properties").is_some() {
            continue;
        }
        let title = def.get("title").and_then(Value::as_str).unwrap_or(name);
        let _ = writeln!(out, "### {title}\n");
        if let Some(d) = def.get("description").and_then(Value::as_str) {
            let _ = writeln!(out, "{d}\n");
        }
        match (
            def.get("enum"),
            def.get("examples").and_then(Value::as_array),
        ) {
            (Some(_), _) => {
                if let Some(e) = enum_of(def) {
                    let _ = writeln!(out, "Values: {}.\n", code_list(&e));
                }
            }
            (None, Some(e)) => {
                let _ = writeln!(out, "Examples: {}.\n", example_list(e));
            }
            (None, None) => {}
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A TOML table of the register, with its keys.
#[derive(Debug)]
pub(crate) struct Table {
    /// `[controller]`, `[[purpose]]`, `[purpose.retention]`, …
    pub(crate) heading: String,
    pub(crate) description: Option<String>,
    pub(crate) rows: Vec<Row>,
}

/// One key of a table.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) key: String,
    pub(crate) kind: String,
    pub(crate) required: bool,
    pub(crate) description: String,
    pub(crate) values: String,
}

/// Every table of the register, from the root, depth first.
pub(crate) fn tables(schema: &Value, defs: &Map<String, Value>) -> Vec<Table> {
    let mut out = Vec::new();
    walk(schema, "", false, defs, &mut out);
    out
}

fn walk(obj: &Value, path: &str, array: bool, defs: &Map<String, Value>, out: &mut Vec<Table>) {
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let heading = if path.is_empty() {
        "Top level".to_owned()
    } else if array {
        format!("`[[{path}]]`")
    } else {
        format!("`[{path}]`")
    };
    let mut rows = Vec::new();
    let mut children = Vec::new();
    for (key, prop) in props {
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let resolved = resolve(prop, defs);
        // A table, a list of tables, or a value that may be written as a table.
        if let Some(sub) = object_in(&resolved, defs) {
            children.push((child.clone(), false, sub));
        } else if let Some(sub) = resolved
            .get("items")
            .and_then(|items| object_in(&resolve(items, defs), defs))
        {
            children.push((child.clone(), true, sub));
        }
        rows.push(Row {
            key: key.clone(),
            kind: kind_of(prop, defs),
            required: required.contains(&key.as_str()),
            description: prop
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            values: values_of(&resolved, defs),
        });
    }
    // A table with only tables below it (the top level) still lists them as keys.
    out.push(Table {
        heading,
        description: if path.is_empty() {
            None
        } else {
            obj.get("description")
                .and_then(Value::as_str)
                .map(str::to_owned)
        },
        rows,
    });
    for (child, array, sub) in children {
        walk(&sub, &child, array, defs, out);
    }
}

/// The schema a property stands for, with `allOf: [$ref]` and `$ref` resolved.
fn resolve(v: &Value, defs: &Map<String, Value>) -> Value {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return defs.get(name).map_or(Value::Null, |d| resolve(d, defs));
    }
    if let Some([one]) = v.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return resolve(one, defs);
    }
    v.clone()
}

/// The table (a definition with properties) a value is, or may be written as. The inline
/// `{ sv, en }` of a text is not a table of the register.
fn object_in(v: &Value, defs: &Map<String, Value>) -> Option<Value> {
    if v.get("properties").is_some() {
        return Some(v.clone());
    }
    v.get("anyOf")?
        .as_array()?
        .iter()
        .filter(|b| b.get("$ref").is_some())
        .map(|b| resolve(b, defs))
        .find(|b| b.get("properties").is_some())
}

/// The type column: a value type's title (linked to its section under Values), or the
/// JSON type.
fn kind_of(prop: &Value, defs: &Map<String, Value>) -> String {
    let link = |t: &str| format!("[{t}](#{})", slug(t));
    let direct = prop
        .get("$ref")
        .or_else(|| {
            prop.get("allOf")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|x| x.get("$ref"))
        })
        .and_then(Value::as_str);
    if let Some(r) = direct {
        let name = r.rsplit('/').next().unwrap_or_default();
        if let Some(def) = defs.get(name) {
            if def.get("properties").is_some() {
                return "table".into();
            }
            let title = def.get("title").and_then(Value::as_str).unwrap_or(name);
            return link(title);
        }
    }
    if let Some(t) = prop.get("title").and_then(Value::as_str) {
        // Inline composites (one or a list, retention, …).
        if let Some(any) = prop.get("anyOf").and_then(Value::as_array) {
            let parts: Vec<String> = any.iter().map(|b| kind_of(b, defs)).collect();
            return format!("{t}: {}", parts.join(" or "));
        }
        return t.to_owned();
    }
    match prop.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = prop
                .get("items")
                .map(|i| kind_of(i, defs))
                .unwrap_or_default();
            if items == "table" {
                "list of tables".into()
            } else {
                format!("list of {items}")
            }
        }
        Some("object") => match prop.get("additionalProperties") {
            Some(v @ Value::Object(_)) => format!("table of {}", kind_of(v, defs)),
            _ => "table".into(),
        },
        Some("integer") => "integer".into(),
        Some(t) => t.into(),
        None => "value".into(),
    }
}

/// The accepted values column.
fn values_of(v: &Value, defs: &Map<String, Value>) -> String {
    // A closed set (an enum, or keywords: an enum of canonical keys beside a pattern of
    // their spellings) is listed; an open one (any string may do) gets examples.
    let open = v
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|b| *b == json!({ "type": "string" })));
    if let Some(e) = enum_of(v).filter(|e| !open && e.len() <= 12) {
        return code_list(&e);
    }
    if let Some(e) = v.get("examples").and_then(Value::as_array) {
        return format!("e.g. {}", example_list(e));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = v.get(key).filter(|x| x.is_object()) {
            let s = values_of(&resolve(inner, defs), defs);
            if !s.is_empty() {
                return s;
            }
        }
    }
    if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
        let mut parts: Vec<String> = Vec::new();
        for s in any.iter().map(|b| values_of(&resolve(b, defs), defs)) {
            if !s.is_empty() && !parts.contains(&s) {
                parts.push(s);
            }
        }
        return parts.join("; ");
    }
    String::new()
}

fn enum_of(v: &Value) -> Option<Vec<String>> {
    let e = v.get("enum").or_else(|| {
        v.get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|b| b.get("enum"))
    })?;
    Some(
        e.as_array()?
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
    )
}

fn code_list(v: &[String]) -> String {
    v.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn example_list(v: &[Value]) -> String {
    v.iter()
        .map(|x| match x {
            Value::String(s) => format!("`{s}`"),
            Value::Object(o) => {
                let fields: Vec<String> = o.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("`{{ {} }}`", fields.join(", "))
            }
            other => format!("`{other}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A table cell: no line breaks, no unescaped bars.
fn cell(s: &str) -> String {
    s.replace('\n', " ").replace('|', "\\|")
}

/// GitHub's heading anchors: lower case, spaces to `-`, punctuation dropped.
fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;

#[cfg(test)]
mod retention_reference_tests {
    use super::*;

    #[test]
    fn every_retention_example_in_the_reference_parses() {
        for e in RETENTION_EXAMPLES {
            if let Err(err) = crate::retention::parse(e, &[]) {
                panic!("{e}: {}", err.message);
            }
        }
    }

    #[test]
    fn the_retention_reference_names_every_form_the_parser_reads() {
        let text = retention_grammar();
        for form in [
            "after end of calendar year of",
            "until <event>",
            "as required by <statute>",
            "as long as necessary for",
            "the later of <rule> and <rule>",
            "but at least",
            "the earlier of <rule> and <rule>",
            "but at most",
            "`at least <period>` alone is refused",
            "[financial_year]",
            "`dagar`, `veckor`, `månader`, `år`, `efter`",
            "som krävs enligt",
            "det senare av",
            "men minst",
            "det tidigare av",
            "men högst",
            "[[purpose.retention.for]]",
        ] {
            assert!(text.contains(form), "the reference lacks {form:?}");
        }
        for s in statutes()
            .into_iter()
            .filter(|s| s.kind != crate::law::StatuteKind::Note)
        {
            assert!(text.contains(&format!("`{}`", s.key)), "{}", s.key);
        }
        for e in BUILTIN_EVENT_KEYS {
            assert!(text.contains(&format!("`{e}`")), "{e}");
        }
    }
}
