//! The shape of a register: every unknown key, every value of the wrong TOML type and every
//! missing required key, all at once and each located.
//!
//! serde stops at the first such mistake, so a register with three typos would need three
//! runs. This pass walks the whole TOML document with its spans first, alongside the
//! register's JSON Schema ([`reference::json_schema`]). That schema is derived from the very
//! `Raw*` structs serde reads into (`deny_unknown_fields` is `additionalProperties: false`,
//! a required field is `required`), so the keys and types checked here cannot drift from
//! what the loader accepts. Only shape is checked (keys, TOML types, required keys); the
//! meaning of values (keywords, references, rules) is left to the loader's second stage,
//! whose messages are better than a schema's.

use std::sync::LazyLock;

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, did_you_mean, suggestion};
use crate::register::reference;
use crate::text::Span;

/// The register's schema, made once.
static SCHEMA: LazyLock<Value> = LazyLock::new(reference::json_schema);

/// Every shape error of `src`, in source order; empty when the register has the shape the
/// loader reads (or when it is not TOML at all, which the syntax check reports).
pub(super) fn check(src: &str) -> Vec<Diagnostic> {
    let Ok(doc) = DeTable::parse(src) else {
        return Vec::new();
    };
    let empty = Map::new();
    let defs = SCHEMA
        .get("definitions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut walker = Walker {
        defs,
        src,
        out: Vec::new(),
    };
    let root = Spanned::new(doc.span(), DeValue::Table(doc.into_inner()));
    walker.value(&root, &SCHEMA, &Place::root(), None, false);
    walker
        .out
        .sort_by_key(|d| d.span.map_or(usize::MAX, |s| s.start));
    walker.out
}

/// The TOML types a value can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Array,
    Table,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::String,
        Kind::Integer,
        Kind::Float,
        Kind::Boolean,
        Kind::Date,
        Kind::Array,
        Kind::Table,
    ];

    fn of(v: &DeValue<'_>) -> Kind {
        match v {
            DeValue::String(_) => Kind::String,
            DeValue::Integer(_) => Kind::Integer,
            DeValue::Float(_) => Kind::Float,
            DeValue::Boolean(_) => Kind::Boolean,
            DeValue::Datetime(_) => Kind::Date,
            DeValue::Array(_) => Kind::Array,
            DeValue::Table(_) => Kind::Table,
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The kind as it is asked for: "an integer".
    fn wanted(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Float => "a number",
            Kind::Boolean => "true or false",
            Kind::Date => "a date without quotes (like 2025-05-25)",
            Kind::Array => "a list",
            Kind::Table => "a table",
        }
    }

    /// The kind as it was found: "a string".
    fn found(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Float => "a decimal number",
            Kind::Boolean => "a boolean",
            Kind::Date => "a date or time",
            Kind::Array => "a list",
            Kind::Table => "a table",
        }
    }
}

/// Swedish and shortened names people give keys, and the key each means.
const KEY_ALIASES: &[(&str, &str)] = &[
    ("orgnr", "org_number"),
    ("org_nr", "org_number"),
    ("organisationsnummer", "org_number"),
    ("namn", "name"),
    ("epost", "email"),
    ("e_post", "email"),
    ("e-post", "email"),
    ("mejl", "email"),
    ("mail", "email"),
    ("telefon", "phone"),
    ("tel", "phone"),
    ("telefonnummer", "phone"),
    ("adress", "address"),
    ("land", "country"),
    ("webbplats", "website"),
    ("hemsida", "website"),
    ("rättslig_grund", "legal_basis"),
    ("lagringstid", "retention"),
    ("mottagare", "recipients"),
    ("beskrivning", "description"),
];

/// A set of [`Kind`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kinds(u8);

impl Kinds {
    const ANY: Kinds = Kinds(0x7f);
    const NONE: Kinds = Kinds(0);

    fn with(self, k: Kind) -> Kinds {
        Kinds(self.0 | k.bit())
    }

    fn contains(self, k: Kind) -> bool {
        self.0 & k.bit() != 0
    }

    /// "a string, a table or a list".
    fn describe(self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for k in Kind::ALL.iter().filter(|k| self.contains(**k)) {
            match k {
                Kind::Boolean => names.extend(["true", "false"]),
                k => names.push(k.wanted()),
            }
        }
        match names.split_last() {
            None => "nothing".to_owned(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

/// Where a value stands: the table path (for messages) and what the value is.
#[derive(Debug, Clone)]
struct Place {
    /// The keys from the root to the table holding the value.
    path: Vec<String>,
    /// Whether that table is an element of an array (`[[a.b]]`).
    in_array: bool,
}

impl Place {
    fn root() -> Place {
        Place {
            path: Vec::new(),
            in_array: false,
        }
    }

    /// The table a key of this table's value is in: `[a.b]` or `[[a.b]]`.
    fn table(&self) -> Option<String> {
        (!self.path.is_empty()).then(|| {
            let bare = |k: &&String| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            };
            let p: Vec<String> = self
                .path
                .iter()
                .map(|k| {
                    if bare(&k) {
                        k.clone()
                    } else {
                        format!("\"{k}\"")
                    }
                })
                .collect();
            let p = p.join(".");
            if self.in_array {
                format!("[[{p}]]")
            } else {
                format!("[{p}]")
            }
        })
    }

    /// " in [a.b]", or nothing at the top level.
    fn in_table(&self) -> String {
        self.table().map_or(String::new(), |t| format!(" in {t}"))
    }

    fn child(&self, key: &str, in_array: bool) -> Place {
        let mut path = self.path.clone();
        path.push(key.to_owned());
        Place { path, in_array }
    }
}

struct Walker<'s> {
    defs: &'s Map<String, Value>,
    src: &'s str,
    out: Vec<Diagnostic>,
}

impl<'s> Walker<'s> {
    /// `schema` with `$ref`s and single-branch `allOf`s followed.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..32 {
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                match r
                    .strip_prefix("#/definitions/")
                    .and_then(|n| self.defs.get(n))
                {
                    Some(s) => schema = s,
                    None => return schema,
                }
            } else if let Some([one]) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                schema = one;
            } else {
                return schema;
            }
        }
        schema
    }

    /// The alternatives a schema offers: the branches of `anyOf`/`oneOf`, or itself.
    fn branches(&self, schema: &'s Value) -> Vec<&'s Value> {
        let schema = self.resolve(schema);
        let any = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array);
        match any {
            Some(list) => list.iter().flat_map(|b| self.branches(b)).collect(),
            None => vec![schema],
        }
    }

    /// The TOML types `schema` accepts.
    fn kinds(&self, schema: &'s Value) -> Kinds {
        let mut kinds = Kinds::NONE;
        for b in self.branches(schema) {
            kinds = Kinds(kinds.0 | Self::kinds_of_one(b).0);
        }
        kinds
    }

    fn kinds_of_one(schema: &Value) -> Kinds {
        if let Some(t) = schema.get("type") {
            let names: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => return Kinds::ANY,
            };
            let date = schema.get("format").and_then(Value::as_str) == Some("date");
            let mut kinds = Kinds::NONE;
            for n in names {
                kinds = match n {
                    // A date is a TOML date (`2025-05-25`), never a quoted string.
                    "string" if date => kinds.with(Kind::Date),
                    "string" => kinds.with(Kind::String),
                    "integer" => kinds.with(Kind::Integer),
                    "number" => kinds.with(Kind::Integer).with(Kind::Float),
                    "boolean" => kinds.with(Kind::Boolean),
                    "array" => kinds.with(Kind::Array),
                    "object" => kinds.with(Kind::Table),
                    _ => Kinds::ANY,
                };
            }
            return kinds;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let mut kinds = Kinds::NONE;
            for v in values {
                kinds = match v {
                    Value::String(_) => kinds.with(Kind::String),
                    Value::Bool(_) => kinds.with(Kind::Boolean),
                    Value::Number(n) if n.is_f64() => kinds.with(Kind::Float),
                    Value::Number(_) => kinds.with(Kind::Integer),
                    Value::Array(_) => kinds.with(Kind::Array),
                    Value::Object(_) => kinds.with(Kind::Table),
                    Value::Null => kinds,
                };
            }
            return kinds;
        }
        if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
            return Kinds::NONE.with(Kind::Table);
        }
        Kinds::ANY
    }

    /// The branch of `schema` that describes a value of kind `k` (its first such branch).
    fn branch_for(&self, schema: &'s Value, k: Kind) -> Option<&'s Value> {
        self.branches(schema)
            .into_iter()
            .find(|b| Self::kinds_of_one(b).contains(k))
    }

    /// Checks `v`, the value of `key` (none at the root) in the table at `at`, against
    /// `schema`; `element` when `v` is an element of the list `key`.
    fn value(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        schema: &'s Value,
        at: &Place,
        key: Option<&str>,
        element: bool,
    ) {
        let kind = Kind::of(v.get_ref());
        let wanted = self.kinds(schema);
        if !wanted.contains(kind) {
            let what = match (key, element) {
                (Some(k), false) => format!("`{k}`"),
                (Some(k), true) => format!("an item of `{k}`"),
                (None, _) => "the register".to_owned(),
            };
            // The shape the value wants, when the mistake is a common one; otherwise what the
            // key means (its `///` comment in `raw.rs`) says what to write.
            let shape = match (kind, key, element) {
                (Kind::Table, Some(k), false) if wanted.contains(Kind::Array) => {
                    let many = at.child(k, true).table().unwrap_or_default();
                    let one = at.child(k, false).table().unwrap_or_default();
                    Some(format!(
                        "`{k}` is a list of tables: write each entry under `{many}`, not `{one}`"
                    ))
                }
                (Kind::String | Kind::Integer | Kind::Date | Kind::Boolean, Some(k), false)
                    if wanted.contains(Kind::Array) =>
                {
                    let text = self.src.get(v.span()).unwrap_or("…");
                    Some(format!("`{k}` is a list: write `{k} = [{text}]`"))
                }
                _ => None,
            };
            let help = shape.or_else(|| {
                (!element)
                    .then(|| schema.get("description").and_then(Value::as_str))
                    .flatten()
                    .zip(key)
                    .map(|(d, k)| {
                        format!(
                            "`{k}`: {}",
                            d.split_whitespace().collect::<Vec<_>>().join(" ")
                        )
                    })
            });
            self.out.push(
                Diagnostic::input(
                    "schema",
                    format!(
                        "{what}{} must be {}, not {}",
                        at.in_table(),
                        wanted.describe(),
                        kind.found()
                    ),
                    Some(Span::from(v.span())),
                )
                .with_help_opt(help),
            );
            return;
        }
        let Some(schema) = self.branch_for(schema, kind) else {
            return;
        };
        match v.get_ref() {
            DeValue::Table(t) => {
                let place = key.map_or_else(|| at.clone(), |k| at.child(k, element));
                self.table(t, v.span(), schema, &place);
            }
            DeValue::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for e in items.iter() {
                        self.value(e, item, at, key, true);
                    }
                }
            }
            _ => {}
        }
    }

    fn table(
        &mut self,
        t: &DeTable<'_>,
        whole: std::ops::Range<usize>,
        schema: &'s Value,
        at: &Place,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let names = || properties.into_iter().flat_map(|p| p.keys());
        let additional = schema.get("additionalProperties");
        // The keys a typo was taken for: their absence is the typo, not a second mistake.
        let mut meant: Vec<&str> = Vec::new();
        for (key, value) in t.iter() {
            let k: &str = key.get_ref();
            if let Some(s) = properties.and_then(|p| p.get(k)) {
                self.value(value, s, at, Some(k), false);
            } else {
                match additional {
                    Some(Value::Bool(false)) => {
                        let expected: Vec<String> = names().map(|p| format!("`{p}`")).collect();
                        let message = if expected.is_empty() {
                            format!("unknown field `{k}`{}", at.in_table())
                        } else {
                            format!(
                                "unknown field `{k}`{}, expected one of {}",
                                at.in_table(),
                                expected.join(", ")
                            )
                        };
                        let known = names().map(String::as_str);
                        if let Some(m) = did_you_mean(k, known.clone()) {
                            meant.push(m);
                        }
                        // A Swedish or shortened name of a key ("orgnr", "epost") is no typo
                        // the distance finds.
                        let alias = KEY_ALIASES
                            .iter()
                            .find(|(a, _)| a.eq_ignore_ascii_case(k))
                            .map(|(_, key)| *key)
                            .filter(|key| names().any(|n| n == key));
                        if let Some(a) = alias {
                            meant.push(a);
                        }
                        let help = alias
                            .map(|a| format!("did you mean `{a}`?"))
                            .or_else(|| suggestion(k, known));
                        self.out.push(
                            Diagnostic::input("schema", message, Some(Span::from(key.span())))
                                .with_help_opt(help),
                        );
                    }
                    // A map with free keys (`[database.events]`): each value has one schema.
                    Some(s @ Value::Object(_)) => self.value(value, s, at, Some(k), false),
                    _ => {}
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !t.keys().any(|k| k.get_ref() == r) && !meant.contains(&r) {
                    // A table points at its header (or its `{ … }`); the register as a
                    // whole has no place to point at.
                    let (table, span) = match at.table() {
                        Some(t) => (t, Some(Span::from(whole.clone()))),
                        None => ("the register".to_owned(), None),
                    };
                    self.out.push(Diagnostic::input(
                        "schema",
                        format!("missing field `{r}` in {table}"),
                        span,
                    ));
                }
            }
        }
    }
}
