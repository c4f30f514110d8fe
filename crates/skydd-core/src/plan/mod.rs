//! Plans: what a request or a retention sweep will do, decided before anything is done.
//!
//! A plan is pure data built from the register, the data map, the live schema, the rows
//! found and today's date. The connectors execute plans; `--dry-run` prints them. Because
//! every decision is here, the law's rules (which purpose keeps which field, until when)
//! are tested without a database.

pub mod edits;
pub mod erasure;
pub mod exclusion;
pub mod recipients;
pub mod record;
pub mod rectification;
pub mod retention;
pub mod sharing;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::datamap::{CollectionRef, DataMap, Field, Masking};
use crate::register::{Database, Purpose, Register, RowPolicy};
use crate::retention::Event;
use crate::schema::Schema;
use crate::taxonomy::is_within;
use crate::value::Value;

/// Everything a planner looks at: the register, the data map, each dataset's live schema,
/// and which column records which event in each collection.
pub struct World<'a> {
    /// The register.
    pub register: &'a Register,
    /// The data map.
    pub map: &'a DataMap,
    /// Live schema by dataset key.
    pub schemas: BTreeMap<String, Schema>,
    /// Event columns by collection.
    pub bindings: BTreeMap<CollectionRef, Vec<(Event, String)>>,
    /// Data subjects declared per collection (`[database.subjects]`).
    pub subjects: BTreeMap<CollectionRef, Vec<String>>,
}

impl<'a> World<'a> {
    /// Builds the world; `dataset_of` names the dataset key each database's map declares.
    pub fn new(
        register: &'a Register,
        map: &'a DataMap,
        schemas: BTreeMap<String, Schema>,
        dataset_of: &BTreeMap<String, String>,
    ) -> Self {
        let mut bindings: BTreeMap<CollectionRef, Vec<(Event, String)>> = BTreeMap::new();
        let mut subjects: BTreeMap<CollectionRef, Vec<String>> = BTreeMap::new();
        for db in &register.databases {
            let Some(dataset) = dataset_of.get(&db.name) else {
                continue;
            };
            for (collection, keys) in &db.subjects {
                subjects.insert(
                    CollectionRef {
                        dataset: dataset.clone(),
                        collection: collection.clone(),
                    },
                    keys.clone(),
                );
            }
            for (event, col) in &db.events {
                let key = CollectionRef {
                    dataset: dataset.clone(),
                    collection: col.collection.clone(),
                };
                bindings
                    .entry(key)
                    .or_default()
                    .push((event.clone(), col.column.clone()));
            }
        }
        World {
            register,
            map,
            schemas,
            bindings,
            subjects,
        }
    }

    /// Whom the people found in `collection` are: as `[database.subjects]` declares, else
    /// the data subjects of the purposes scoped to it; empty when nothing says.
    pub fn subjects_of(&self, collection: &CollectionRef) -> Vec<String> {
        if let Some(s) = self.subjects.get(collection) {
            return s.clone();
        }
        let c = collection.to_string();
        let mut out: Vec<String> = self
            .register
            .purposes
            .iter()
            .filter(|p| p.collections.contains(&c))
            .flat_map(|p| p.data_subjects.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The database a dataset lives in.
    pub fn database_of(
        &self,
        dataset: &str,
        dataset_of: &BTreeMap<String, String>,
    ) -> Option<&'a Database> {
        self.register
            .databases
            .iter()
            .find(|d| dataset_of.get(&d.name).is_some_and(|k| k == dataset))
    }

    /// The purposes whose categories cover `field` of `collection` (and whose scope, if
    /// any, includes the collection). A purpose naming `user.contact` covers
    /// `user.contact.email`; one naming the narrower key covers a field tagged with the
    /// broader one too, erring on the side of keeping.
    pub fn covering(&self, collection: &CollectionRef, field: &Field) -> Vec<&'a Purpose> {
        let c = collection.to_string();
        self.register
            .purposes
            .iter()
            .filter(|p| p.collections.is_empty() || p.collections.contains(&c))
            .filter(|p| {
                p.data_categories.iter().any(|pc| {
                    field
                        .categories
                        .iter()
                        .any(|fc| is_within(fc, pc) || is_within(pc, fc))
                })
            })
            .collect()
    }

    /// The column of `collection` that records `event`, if bound.
    pub fn event_column(&self, collection: &CollectionRef, event: &Event) -> Option<&str> {
        self.bindings
            .get(collection)?
            .iter()
            .find(|(e, _)| e == event)
            .map(|(_, c)| c.as_str())
    }

    /// The row policy for a collection: the register's, else the data map's `delete`
    /// override, else masking.
    pub fn row_policy(&self, collection: &CollectionRef) -> RowPolicy {
        let key = collection.to_string();
        if let Some((_, p)) = self
            .register
            .erasure
            .collections
            .iter()
            .find(|(k, _)| *k == key)
        {
            return *p;
        }
        match self
            .map
            .collection(collection)
            .and_then(|c| c.masking.as_ref())
        {
            Some(Masking::Delete) => RowPolicy::Delete,
            _ => RowPolicy::Mask,
        }
    }

    /// The masking strategy for a field: the register's per-field choice, else the data
    /// map's override, else the register's default.
    pub fn masking(&self, collection: &CollectionRef, field: &Field) -> Masking {
        let key = format!("{collection}.{}", field.name);
        if let Some((_, m)) = self.register.erasure.fields.iter().find(|(k, _)| *k == key) {
            return m.clone();
        }
        match &field.masking {
            Some(m) if *m != Masking::Delete => m.clone(),
            _ => self.register.erasure.default.clone(),
        }
    }

    /// True when `field` of `collection` is a key: declared primary key, a declared
    /// reference, or a primary or foreign key in the live schema. Keys are never masked.
    pub fn is_key(&self, collection: &CollectionRef, field: &Field) -> bool {
        field.primary_key
            || !field.references.is_empty()
            || self
                .schemas
                .get(&collection.dataset)
                .and_then(|s| s.table(&collection.collection))
                .is_some_and(|t| t.is_key(&field.name))
    }

    /// Whether comparisons on `column` of `collection` ignore case in its database
    /// (`citext`, a `_ci` collation, SQLite `COLLATE NOCASE`).
    pub fn ignores_case(&self, collection: &CollectionRef, column: &str) -> bool {
        self.schemas
            .get(&collection.dataset)
            .and_then(|s| s.table(&collection.collection))
            .and_then(|t| t.column(column))
            .is_some_and(|c| c.case_insensitive)
    }

    /// The columns that identify a row: the live primary key, else the declared one.
    pub fn row_key(&self, collection: &CollectionRef) -> Vec<String> {
        if let Some(t) = self
            .schemas
            .get(&collection.dataset)
            .and_then(|s| s.table(&collection.collection))
            && !t.primary_key.is_empty()
        {
            return t.primary_key.clone();
        }
        self.map
            .collection(collection)
            .map(|c| {
                c.fields
                    .iter()
                    .filter(|f| f.primary_key)
                    .map(|f| f.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A value as its database compares it: its text, lower-cased when `fold` (a column that
/// ignores case), so `a1` finds the `A1` a case-insensitive key holds.
pub fn compare_text(v: &Value, fold: bool) -> String {
    if fold {
        v.key().to_lowercase()
    } else {
        v.key()
    }
}

/// Reads a date from a value: ISO text (`2024-05-01`, `2024-05-01 10:00:00`,
/// `2024-05-01T10:00:00Z`).
pub fn value_date(v: &Value) -> Option<Date> {
    match v {
        Value::Text(s) => s.get(..10)?.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
