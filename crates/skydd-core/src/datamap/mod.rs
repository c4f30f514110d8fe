//! The data map: where personal data lives in the company's databases, read from fideslang
//! dataset YAML, resolved and checked, and the traversal that finds one person's rows.
//!
//! A [`DataMap`] is resolved: every reference and `after` names an existing collection and
//! field, every masking strategy is known. [`graph::traversal`] orders the collections so
//! each is queried once, after everything that feeds it.

pub mod check;
pub mod draft;
mod fides;
pub mod graph;
pub mod scan;

pub use draft::draft;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::identity::IdentityKind;

/// `dataset.collection`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CollectionRef {
    /// Dataset fides_key.
    pub dataset: String,
    /// Collection name.
    pub collection: String,
}

impl fmt::Display for CollectionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.dataset, self.collection)
    }
}

/// `dataset.collection.field`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FieldRef {
    /// The collection.
    pub collection: CollectionRef,
    /// Field name.
    pub field: String,
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.collection, self.field)
    }
}

/// Which way data flows along a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// This field's values are found from the referenced field's values.
    From,
    /// The referenced field is looked up with this field's values.
    To,
    /// Either way.
    Both,
}

/// A reference from a field to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The referenced field.
    pub to: FieldRef,
    /// The direction.
    pub direction: Direction,
}

/// How a value (or a row) is erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum Masking {
    /// Set to NULL.
    Null,
    /// Replace with a fixed value.
    Fixed {
        /// The value, as text; converted to the column's type.
        value: String,
    },
    /// Replace with a keyed HMAC-SHA-256 of the value (same input, same output).
    Hmac,
    /// Replace with random letters and digits.
    Random {
        /// Length of the random string.
        length: usize,
    },
    /// Delete the row.
    Delete,
}

impl Masking {
    /// Reads a strategy name as the register writes it (`null`, `fixed`, `hmac`, `random`,
    /// `delete`) or as fideslang does (`null_rewrite`, `string_rewrite`, `hash`,
    /// `random_string_rewrite`, `delete`).
    pub fn from_name(
        name: &str,
        value: Option<&str>,
        length: Option<usize>,
    ) -> Result<Masking, String> {
        Ok(match name {
            "null" | "null_rewrite" => Masking::Null,
            "fixed" | "string_rewrite" => Masking::Fixed {
                value: value
                    .ok_or_else(|| {
                        format!("masking strategy `{name}` needs a value (rewrite_value)")
                    })?
                    .to_owned(),
            },
            "hmac" | "hash" => Masking::Hmac,
            "random" | "random_string_rewrite" => Masking::Random {
                length: length.unwrap_or(16),
            },
            "delete" => Masking::Delete,
            "aes_encrypt" => {
                return Err("masking strategy `aes_encrypt` is reversible, which is not erasure; use `hmac`".into());
            }
            other => {
                let known = ["null", "fixed", "hmac", "random", "delete"];
                let hint = crate::diagnostic::suggestion(other, known).unwrap_or_default();
                return Err(format!(
                    "unknown masking strategy `{other}` (null, fixed, hmac, random, delete) {hint}"
                )
                .trim_end()
                .to_owned());
            }
        })
    }
}

/// A field (column) of a collection.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Column name.
    pub name: String,
    /// Data categories.
    pub categories: Vec<String>,
    /// The identity it holds, if it is a lookup seed.
    pub identity: Option<IdentityKind>,
    /// Declared part of the primary key.
    pub primary_key: bool,
    /// References to other fields.
    pub references: Vec<Reference>,
    /// Declared data type.
    pub data_type: Option<String>,
    /// Declared maximum length.
    pub length: Option<u64>,
    /// Never written.
    pub read_only: bool,
    /// Masking override.
    pub masking: Option<Masking>,
}

impl Field {
    /// True when the field holds personal data: any category under `user`.
    pub fn is_personal(&self) -> bool {
        self.categories
            .iter()
            .any(|c| crate::taxonomy::is_within(c, "user"))
    }
}

/// A collection (table).
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    /// Where it is.
    pub key: CollectionRef,
    /// Fields.
    pub fields: Vec<Field>,
    /// Collections to query first.
    pub after: Vec<CollectionRef>,
    /// Collections to erase first.
    pub erase_after: Vec<CollectionRef>,
    /// Left out of requests.
    pub skip: bool,
    /// Collection-level masking (`delete` deletes rows).
    pub masking: Option<Masking>,
}

impl Collection {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A dataset: one database's collections.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// fides_key.
    pub key: String,
    /// Name.
    pub name: Option<String>,
    /// Collections.
    pub collections: Vec<Collection>,
    /// Where its parts are written, for errors found when datasets are joined.
    #[serde(skip)]
    source: Source,
}

impl Dataset {
    /// Where it is declared: `file:line:column` of its `fides_key`, or its file.
    pub fn location(&self) -> String {
        self.source.at(self.source.dataset)
    }
}

/// Where a dataset's parts are written: its file, and lines by name (names are unique once
/// a dataset has parsed).
#[derive(Debug, Clone, Default)]
struct Source {
    file: String,
    dataset: Option<scan::Pos>,
    collections: BTreeMap<String, scan::Pos>,
    fields: BTreeMap<(String, String), scan::Pos>,
    /// A field's references, by their order.
    references: BTreeMap<(String, String, usize), scan::Pos>,
    /// A collection's `after`/`erase_after`.
    after: BTreeMap<String, scan::Pos>,
}

impl Source {
    fn at(&self, pos: Option<scan::Pos>) -> String {
        match pos {
            Some(p) => format!("{}:{}:{}", self.file, p.line, p.column),
            None => self.file.clone(),
        }
    }

    fn collection(&self, c: &str) -> String {
        self.at(self.collections.get(c).or(self.dataset.as_ref()).copied())
    }

    fn field(&self, c: &str, f: &str) -> String {
        match self.fields.get(&(c.to_owned(), f.to_owned())) {
            Some(p) => self.at(Some(*p)),
            None => self.collection(c),
        }
    }

    fn reference(&self, c: &str, f: &str, r: usize) -> String {
        match self.references.get(&(c.to_owned(), f.to_owned(), r)) {
            Some(p) => self.at(Some(*p)),
            None => self.field(c, f),
        }
    }

    fn after(&self, c: &str) -> String {
        match self.after.get(c) {
            Some(p) => self.at(Some(*p)),
            None => self.collection(c),
        }
    }
}

/// Every dataset, resolved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataMap {
    /// The datasets.
    pub datasets: Vec<Dataset>,
}

impl DataMap {
    /// The collection `r`.
    pub fn collection(&self, r: &CollectionRef) -> Option<&Collection> {
        self.datasets
            .iter()
            .find(|d| d.key == r.dataset)?
            .collections
            .iter()
            .find(|c| c.key.collection == r.collection)
    }

    /// Every collection.
    pub fn collections(&self) -> impl Iterator<Item = &Collection> {
        self.datasets.iter().flat_map(|d| d.collections.iter())
    }

    /// The field `r`.
    pub fn field(&self, r: &FieldRef) -> Option<&Field> {
        self.collection(&r.collection)?.field(&r.field)
    }

    /// Every identity kind some field is a seed for.
    pub fn identity_kinds(&self) -> BTreeSet<IdentityKind> {
        self.collections()
            .flat_map(|c| c.fields.iter().filter_map(|f| f.identity.clone()))
            .collect()
    }
}

/// A problem with a dataset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct DataMapError {
    /// `file:line:column`, or the file when the line is not known (flow-style YAML).
    pub location: Option<String>,
    /// What is wrong, starting with the `dataset.collection.field` it is about.
    pub message: String,
}

impl DataMapError {
    fn at(location: impl fmt::Display, message: impl Into<String>) -> Self {
        DataMapError {
            location: Some(location.to_string()),
            message: message.into(),
        }
    }
}

/// Reads fideslang dataset YAML. `file` names it in errors, which carry its line where the
/// YAML is written in block style (as Fides writes it). Before the YAML parser runs, the
/// text is checked against [`scan::MAX_BYTES`] and [`scan::MAX_DEPTH`], and refused when it
/// holds anchors, aliases or a second document.
pub fn parse(src: &str, file: &str) -> Result<Vec<Dataset>, Vec<DataMapError>> {
    let index = scan::scan(src).map_err(|e| {
        vec![DataMapError::at(
            format!("{file}:{}:{}", e.pos.line, e.pos.column),
            e.message,
        )]
    })?;
    let raw: fides::FidesFile = serde_yaml_ng::from_str(src).map_err(|e| {
        let location = e.location().map_or_else(
            || file.to_owned(),
            |l| format!("{file}:{}:{}", l.line(), l.column()),
        );
        // The location is given once, in front.
        let message = e.to_string();
        let message = match (message.rfind(" at line "), e.location()) {
            (Some(cut), Some(_)) => message[..cut].to_owned(),
            _ => message,
        };
        vec![DataMapError {
            location: Some(location),
            message: format!("not a fideslang dataset: {message}"),
        }]
    })?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, d) in raw.dataset.into_iter().enumerate() {
        let mut source = Source {
            file: file.to_owned(),
            dataset: index.datasets.get(&i).copied(),
            ..Source::default()
        };
        let mut collections = Vec::new();
        let mut seen = BTreeSet::new();
        for (j, c) in d.collections.into_iter().enumerate() {
            let key = CollectionRef {
                dataset: d.fides_key.clone(),
                collection: c.name.clone(),
            };
            let c_pos = index
                .collections
                .get(&(i, j))
                .or(source.dataset.as_ref())
                .copied();
            let meta_pos = |k: &str| {
                index
                    .collection_meta
                    .get(&(i, j, k.to_owned()))
                    .copied()
                    .or(c_pos)
            };
            let c_at = source.at(c_pos);
            if !seen.insert(c.name.clone()) {
                errors.push(DataMapError::at(
                    &c_at,
                    format!("{key}: collection declared twice"),
                ));
            }
            if let Some(p) = c_pos {
                source.collections.entry(c.name.clone()).or_insert(p);
            }
            let meta = c.fides_meta.unwrap_or_default();
            let refs = |list: &[String],
                        errors: &mut Vec<DataMapError>,
                        what: &str|
             -> Vec<CollectionRef> {
                let at = source.at(meta_pos(what));
                list.iter()
                    .filter_map(|s| match s.split_once('.') {
                        Some((ds, col))
                            if !ds.is_empty() && !col.is_empty() && !col.contains('.') =>
                        {
                            Some(CollectionRef {
                                dataset: ds.to_owned(),
                                collection: col.to_owned(),
                            })
                        }
                        _ => {
                            errors.push(DataMapError::at(
                                &at,
                                format!("{key}: `{what}` entry `{s}` is not `dataset.collection`"),
                            ));
                            None
                        }
                    })
                    .collect()
            };
            let after = refs(&meta.after, &mut errors, "after");
            let erase_after = refs(&meta.erase_after, &mut errors, "erase_after");
            if let Some(p) = meta_pos("after").or(meta_pos("erase_after")) {
                source.after.entry(c.name.clone()).or_insert(p);
            }
            let masking = meta.masking_strategy_override.as_ref().and_then(|m| {
                read_masking(
                    m,
                    &source.at(meta_pos("masking_strategy_override")),
                    &key.to_string(),
                    &mut errors,
                )
            });
            let mut fields = Vec::new();
            let mut field_names = BTreeSet::new();
            for (k, f) in c.fields.into_iter().enumerate() {
                let path = format!("{key}.{}", f.name);
                let f_pos = index.fields.get(&(i, j, k)).copied().or(c_pos);
                let f_meta_pos = |x: &str| {
                    index
                        .field_meta
                        .get(&(i, j, k, x.to_owned()))
                        .copied()
                        .or(f_pos)
                };
                let at = source.at(f_pos);
                if !field_names.insert(f.name.clone()) {
                    errors.push(DataMapError::at(
                        &at,
                        format!("{path}: field declared twice"),
                    ));
                }
                if let Some(p) = f_pos {
                    source
                        .fields
                        .entry((c.name.clone(), f.name.clone()))
                        .or_insert(p);
                }
                if !f.fields.is_empty() {
                    errors.push(DataMapError::at(
                        &at,
                        format!(
                            "{path}: nested fields (document stores) are not supported for SQL databases"
                        ),
                    ));
                }
                let m = f.fides_meta.unwrap_or_default();
                let mut references = Vec::new();
                for (r_index, r) in m.references.iter().enumerate() {
                    let r_pos = index
                        .references
                        .get(&(i, j, k, r_index))
                        .copied()
                        .or(f_meta_pos("references"));
                    if let Some(p) = r_pos {
                        source
                            .references
                            .insert((c.name.clone(), f.name.clone(), references.len()), p);
                    }
                    let r_at = source.at(r_pos);
                    let Some((col, field)) = r.field.split_once('.') else {
                        errors.push(DataMapError::at(
                            &r_at,
                            format!("{path}: reference `{}` is not `collection.field`", r.field),
                        ));
                        continue;
                    };
                    let direction = match r.direction.as_deref() {
                        Some("from") => Direction::From,
                        Some("to") => Direction::To,
                        None => Direction::Both,
                        Some(other) => {
                            errors.push(DataMapError::at(
                                &r_at,
                                format!(
                                    "{path}: reference direction `{other}` is neither `from` nor `to`"
                                ),
                            ));
                            continue;
                        }
                    };
                    references.push(Reference {
                        to: FieldRef {
                            collection: CollectionRef {
                                dataset: r.dataset.clone(),
                                collection: col.to_owned(),
                            },
                            field: field.to_owned(),
                        },
                        direction,
                    });
                }
                let masking = m.masking_strategy_override.as_ref().and_then(|x| {
                    read_masking(
                        x,
                        &source.at(f_meta_pos("masking_strategy_override")),
                        &path,
                        &mut errors,
                    )
                });
                let mut categories = f.data_categories;
                if categories.is_empty() {
                    categories.clone_from(&c.data_categories);
                }
                fields.push(Field {
                    name: f.name,
                    categories,
                    identity: m.identity.as_deref().map(IdentityKind::from_fides),
                    primary_key: m.primary_key.unwrap_or(false),
                    references,
                    data_type: m.data_type,
                    length: m.length,
                    read_only: m.read_only.unwrap_or(false),
                    masking,
                });
            }
            collections.push(Collection {
                key,
                fields,
                after,
                erase_after,
                skip: meta.skip_processing,
                masking,
            });
        }
        out.push(Dataset {
            key: d.fides_key,
            name: d.name,
            collections,
            source,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn read_masking(
    m: &fides::FidesMasking,
    at: &str,
    path: &str,
    errors: &mut Vec<DataMapError>,
) -> Option<Masking> {
    let text = |k: &str| {
        m.configuration
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let suffix = m
        .configuration
        .get("format_preservation")
        .and_then(|v| v.get("suffix"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let value = text("rewrite_value").map(|v| format!("{v}{suffix}"));
    let length = m
        .configuration
        .get("length")
        .and_then(serde_yaml_ng::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok());
    match Masking::from_name(&m.strategy, value.as_deref(), length) {
        Ok(x) => Some(x),
        Err(e) => {
            errors.push(DataMapError::at(at, format!("{path}: {e}")));
            None
        }
    }
}

/// Joins datasets into a map and checks that every reference and `after` resolves. Errors
/// point at the line that names the missing target.
pub fn resolve(datasets: Vec<Dataset>) -> Result<DataMap, Vec<DataMapError>> {
    let mut errors = Vec::new();
    let mut keys = BTreeSet::new();
    for d in &datasets {
        if !keys.insert(d.key.clone()) {
            errors.push(DataMapError::at(
                d.source.at(d.source.dataset),
                format!("dataset `{}` declared twice", d.key),
            ));
        }
    }
    let map = DataMap { datasets };
    let names: BTreeMap<String, Vec<String>> = map
        .datasets
        .iter()
        .map(|d| {
            (
                d.key.clone(),
                d.collections
                    .iter()
                    .map(|c| c.key.collection.clone())
                    .collect(),
            )
        })
        .collect();
    let suggest = |input: &str, candidates: &[String]| {
        crate::diagnostic::suggestion(input, candidates.iter().map(String::as_str))
    };
    // `at` is where the reference is written, `path` what it belongs to.
    let check_collection =
        |r: &CollectionRef, at: &str, path: &str, errors: &mut Vec<DataMapError>| -> bool {
            let Some(cols) = names.get(&r.dataset) else {
                let ds: Vec<String> = names.keys().cloned().collect();
                let hint = suggest(&r.dataset, &ds)
                    .map(|s| format!("; {s}"))
                    .unwrap_or_default();
                errors.push(DataMapError::at(
                    at,
                    format!("{path}: references unknown dataset `{}`{hint}", r.dataset),
                ));
                return false;
            };
            if !cols.contains(&r.collection) {
                let hint = suggest(&r.collection, cols)
                    .map(|s| format!("; {s}"))
                    .unwrap_or_default();
                errors.push(DataMapError::at(
                    at,
                    format!("{path}: references unknown collection `{r}`{hint}"),
                ));
                return false;
            }
            true
        };
    for d in &map.datasets {
        for c in &d.collections {
            let name = &c.key.collection;
            for a in c.after.iter().chain(&c.erase_after) {
                check_collection(a, &d.source.after(name), &c.key.to_string(), &mut errors);
            }
            for f in &c.fields {
                let path = format!("{}.{}", c.key, f.name);
                for (n, r) in f.references.iter().enumerate() {
                    let at = d.source.reference(name, &f.name, n);
                    if check_collection(&r.to.collection, &at, &path, &mut errors) {
                        let Some(target) = map.collection(&r.to.collection) else {
                            continue;
                        };
                        if target.field(&r.to.field).is_none() {
                            let fields: Vec<String> =
                                target.fields.iter().map(|f| f.name.clone()).collect();
                            let hint = suggest(&r.to.field, &fields)
                                .map(|s| format!("; {s}"))
                                .unwrap_or_default();
                            errors.push(DataMapError::at(
                                &at,
                                format!("{path}: references unknown field `{}`{hint}", r.to),
                            ));
                        }
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
