//! Planning an erasure (GDPR Art. 17) for one person: for every row found, which fields are
//! masked and how, which rows are deleted, and which fields are kept and why.
//!
//! A field is kept when a purpose with a legal obligation basis (Art. 6(1)(c)) covers it
//! and that purpose's retention has not run out for the row (Art. 17(3)(b)): bookkeeping
//! records stay until Bokföringslagen lets them go. Kept fields are reported with the
//! statute and the day they may go, so the shell can restrict them and schedule their
//! erasure. Keys are never masked (they tie rows together); fields that are not personal
//! data are left alone. A row is deleted only when its collection's policy says so, none
//! of its fields are kept, and no row that stays refers to it.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::{World, value_date};
use crate::datamap::{CollectionRef, Field, Masking};
use crate::law::LegalBasis;
use crate::register::RowPolicy;
use crate::retention::RetentionRule;
use crate::schema::{Column, ColumnKind};
use crate::value::Value;

/// The rows a traversal found in one collection.
#[derive(Debug, Clone, Serialize)]
pub struct FoundRows {
    /// The collection.
    pub collection: CollectionRef,
    /// Column names, in the order of each row's values.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

impl FoundRows {
    /// The value of `column` in `row`.
    pub fn get<'r>(&self, row: &'r [Value], column: &str) -> Option<&'r Value> {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| row.get(i))
    }
}

/// Why a field is left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum KeepReason {
    /// A legal obligation still requires it (Art. 17(3)(b)).
    LegalObligation {
        /// The purpose.
        purpose: String,
        /// The statute.
        statute: Option<String>,
        /// The last day it must be kept, when known.
        until: Option<Date>,
    },
    /// A primary or foreign key.
    Key,
    /// Declared read-only in the data map.
    ReadOnly,
    /// Masked in an earlier erasure.
    AlreadyErased,
    /// No masking fits the column (e.g. NOT NULL with no fixed value).
    CannotMask {
        /// Why.
        why: String,
    },
}

/// A field left as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    /// The collection.
    pub collection: CollectionRef,
    /// The row's key.
    pub key: Vec<(String, Value)>,
    /// The field.
    pub field: String,
    /// Why.
    #[serde(flatten)]
    pub reason: KeepReason,
}

/// What happens to one row.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    /// Set fields to new values.
    Update {
        /// The collection.
        collection: CollectionRef,
        /// The row's key.
        key: Vec<(String, Value)>,
        /// (field, strategy, before, after).
        set: Vec<Change>,
    },
    /// Delete the row.
    Delete {
        /// The collection.
        collection: CollectionRef,
        /// The row's key.
        key: Vec<(String, Value)>,
    },
}

/// One field's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The field.
    pub field: String,
    /// The strategy.
    pub strategy: Masking,
    /// The value before (shown only in dry runs and reports to the controller).
    pub before: Value,
    /// The value after.
    pub after: Value,
}

impl Step {
    /// The collection the step touches.
    pub fn collection(&self) -> &CollectionRef {
        match self {
            Step::Update { collection, .. } | Step::Delete { collection, .. } => collection,
        }
    }
}

/// The plan for one person.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ErasurePlan {
    /// Steps by dataset, in execution order (deletes of referencing rows first).
    pub steps: BTreeMap<String, Vec<Step>>,
    /// Fields left as they are, with why.
    pub kept: Vec<Kept>,
    /// Rows that could not be planned (e.g. no primary key).
    pub problems: Vec<String>,
}

impl ErasurePlan {
    /// Number of steps in all datasets.
    pub fn step_count(&self) -> usize {
        self.steps.values().map(Vec::len).sum()
    }

    /// The fields kept for a legal obligation.
    pub fn holds(&self) -> impl Iterator<Item = &Kept> {
        self.kept
            .iter()
            .filter(|k| matches!(k.reason, KeepReason::LegalObligation { .. }))
    }
}

/// Masks a value. `hmac` computes a keyed hash; `random` draws a random string of a length.
pub struct Maskers<'a> {
    /// Keyed hash of a text, as lower-case hex; `None` when no key is configured.
    pub hmac: Option<&'a dyn Fn(&str) -> String>,
    /// Random letters and digits of a length.
    pub random: &'a mut dyn FnMut(usize) -> String,
}

/// Input to erasure planning.
pub struct Request<'a> {
    /// What the traversal found.
    pub found: &'a [FoundRows],
    /// Today.
    pub today: Date,
    /// (collection, row key, field) already erased by an earlier run.
    pub already_erased: &'a BTreeSet<(String, String, String)>,
}

/// A row key as one string, for the erased-fields ledger.
pub fn key_string(key: &[(String, Value)]) -> String {
    key.iter()
        .map(|(c, v)| format!("{c}={}", v.key()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Plans the erasure of everything `req.found` holds.
pub fn plan(world: &World<'_>, req: &Request<'_>, maskers: &mut Maskers<'_>) -> ErasurePlan {
    let mut out = ErasurePlan::default();
    let mut updates: Vec<Step> = Vec::new();
    let mut deletes: BTreeMap<CollectionRef, Vec<Vec<(String, Value)>>> = BTreeMap::new();
    // Rows that stay (masked or untouched), by collection, as their key values: a row they
    // refer to must stay too.
    let mut staying: Vec<(CollectionRef, usize, usize)> = Vec::new();

    for (fi, found) in req.found.iter().enumerate() {
        let Some(collection) = world.map.collection(&found.collection) else {
            continue;
        };
        let table = world
            .schemas
            .get(&found.collection.dataset)
            .and_then(|s| s.table(&found.collection.collection));
        let key_cols = world.row_key(&found.collection);
        if key_cols.is_empty() {
            if !found.rows.is_empty() {
                out.problems.push(format!(
                    "{}: no primary key in the database or the data map, so its {} row(s) cannot be addressed; declare `primary_key: true` on the identifying field",
                    found.collection,
                    found.rows.len()
                ));
            }
            continue;
        }
        let policy = world.row_policy(&found.collection);
        for (ri, row) in found.rows.iter().enumerate() {
            let Some(key) = key_cols
                .iter()
                .map(|c| found.get(row, c).map(|v| (c.clone(), v.clone())))
                .collect::<Option<Vec<_>>>()
            else {
                out.problems
                    .push(format!("{}: a row lacks its key columns", found.collection));
                continue;
            };
            let key_s = key_string(&key);
            let mut held = false;
            let mut changes = Vec::new();
            let mut row_kept = Vec::new();
            for field in collection.fields.iter().filter(|f| f.is_personal()) {
                let Some(before) = found.get(row, &field.name).cloned() else {
                    continue;
                };
                let keep = |reason: KeepReason| Kept {
                    collection: found.collection.clone(),
                    key: key.clone(),
                    field: field.name.clone(),
                    reason,
                };
                if let Some(reason) = hold(world, req, found, row, field) {
                    held = true;
                    row_kept.push(keep(reason));
                    continue;
                }
                if world.is_key(&found.collection, field) {
                    row_kept.push(keep(KeepReason::Key));
                    continue;
                }
                if field.read_only {
                    row_kept.push(keep(KeepReason::ReadOnly));
                    continue;
                }
                if before.is_null() {
                    continue;
                }
                if req.already_erased.contains(&(
                    found.collection.to_string(),
                    key_s.clone(),
                    field.name.clone(),
                )) {
                    row_kept.push(keep(KeepReason::AlreadyErased));
                    continue;
                }
                let strategy = world.masking(&found.collection, field);
                let column = table.and_then(|t| t.column(&field.name));
                match masked(&strategy, &before, column, maskers) {
                    Ok(after) if after == before => {}
                    Ok(after) => changes.push(Change {
                        field: field.name.clone(),
                        strategy,
                        before,
                        after,
                    }),
                    Err(why) => row_kept.push(keep(KeepReason::CannotMask { why })),
                }
            }
            if policy == RowPolicy::Delete && !held {
                deletes
                    .entry(found.collection.clone())
                    .or_default()
                    .push(key);
            } else {
                out.kept.extend(row_kept);
                staying.push((found.collection.clone(), fi, ri));
                if !changes.is_empty() {
                    updates.push(Step::Update {
                        collection: found.collection.clone(),
                        key,
                        set: changes,
                    });
                }
            }
        }
    }

    // A row that stays and holds a foreign key to a row planned for deletion keeps that row
    // alive: demote the deletion to masking.
    let mut demoted: Vec<(CollectionRef, Vec<(String, Value)>)> = Vec::new();
    for (coll, fi, ri) in &staying {
        let Some(schema) = world.schemas.get(&coll.dataset) else {
            continue;
        };
        let Some(table) = schema.table(&coll.collection) else {
            continue;
        };
        let found = &req.found[*fi];
        let row = &found.rows[*ri];
        for fk in &table.foreign_keys {
            let target = CollectionRef {
                dataset: coll.dataset.clone(),
                collection: fk.table.clone(),
            };
            let Some(list) = deletes.get_mut(&target) else {
                continue;
            };
            let values: Option<Vec<Value>> = fk
                .columns
                .iter()
                .map(|c| found.get(row, c).cloned())
                .collect();
            let Some(values) = values else { continue };
            list.retain(|k| {
                let matches = fk
                    .references
                    .iter()
                    .zip(&values)
                    .all(|(rc, v)| k.iter().any(|(kc, kv)| kc == rc && kv.key() == v.key()));
                if matches {
                    demoted.push((target.clone(), k.clone()));
                }
                !matches
            });
        }
    }
    for (coll, key) in demoted {
        // Mask the demoted row's personal fields instead.
        if let Some((fi, ri)) = find_row(req.found, &coll, &key) {
            let found = &req.found[fi];
            let row = &found.rows[ri];
            if let Some(collection) = world.map.collection(&coll) {
                let table = world
                    .schemas
                    .get(&coll.dataset)
                    .and_then(|s| s.table(&coll.collection));
                let mut changes = Vec::new();
                for field in collection
                    .fields
                    .iter()
                    .filter(|f| f.is_personal() && !world.is_key(&coll, f) && !f.read_only)
                {
                    let Some(before) = found.get(row, &field.name).cloned() else {
                        continue;
                    };
                    if before.is_null() {
                        continue;
                    }
                    let strategy = world.masking(&coll, field);
                    let column = table.and_then(|t| t.column(&field.name));
                    if let Ok(after) = masked(&strategy, &before, column, maskers)
                        && after != before
                    {
                        changes.push(Change {
                            field: field.name.clone(),
                            strategy,
                            before,
                            after,
                        });
                    }
                }
                if !changes.is_empty() {
                    updates.push(Step::Update {
                        collection: coll.clone(),
                        key,
                        set: changes,
                    });
                }
            }
        }
    }

    // Order: updates first, then deletes with referencing tables before referenced ones.
    for step in updates {
        out.steps
            .entry(step.collection().dataset.clone())
            .or_default()
            .push(step);
    }
    for coll in delete_order(world, deletes.keys().cloned().collect()) {
        for key in deletes.remove(&coll).unwrap_or_default() {
            out.steps
                .entry(coll.dataset.clone())
                .or_default()
                .push(Step::Delete {
                    collection: coll.clone(),
                    key,
                });
        }
    }
    out
}

fn find_row(
    found: &[FoundRows],
    coll: &CollectionRef,
    key: &[(String, Value)],
) -> Option<(usize, usize)> {
    let fi = found.iter().position(|f| &f.collection == coll)?;
    let f = &found[fi];
    let ri = f.rows.iter().position(|row| {
        key.iter()
            .all(|(c, v)| f.get(row, c).is_some_and(|x| x.key() == v.key()))
    })?;
    Some((fi, ri))
}

/// Orders collections for deletion: one whose rows hold foreign keys to another's comes
/// first, so no deleted row is still referenced, and a collection the data map says to
/// erase after others (`erase_after`) comes after them. (A cycle is broken arbitrarily; the
/// database then refuses and the transaction rolls back.)
fn delete_order(world: &World<'_>, colls: BTreeSet<CollectionRef>) -> Vec<CollectionRef> {
    // `first` must be deleted before `then`.
    let before = |first: &CollectionRef, then: &CollectionRef| {
        let fk = world
            .schemas
            .get(&first.dataset)
            .and_then(|s| s.table(&first.collection))
            .is_some_and(|t| t.foreign_keys.iter().any(|fk| fk.table == then.collection));
        let declared = world
            .map
            .collection(then)
            .is_some_and(|c| c.erase_after.contains(first));
        fk || declared
    };
    let mut left: Vec<CollectionRef> = colls.into_iter().collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let free = left
            .iter()
            .position(|c| !left.iter().any(|other| other != c && before(other, c)))
            .unwrap_or(0);
        out.push(left.remove(free));
    }
    out
}

/// Whether a legal obligation keeps `field` of `row`, and until when.
fn hold(
    world: &World<'_>,
    req: &Request<'_>,
    found: &FoundRows,
    row: &[Value],
    field: &Field,
) -> Option<KeepReason> {
    let mut reasons: Vec<KeepReason> = Vec::new();
    for p in world.covering(&found.collection, field) {
        if !p.has_basis(LegalBasis::LegalObligation) {
            continue;
        }
        let statute = p.statute.as_ref().map(|s| s.citation().to_owned());
        let until = match p.retention.as_ref().map(|r| &r.rule) {
            // No rule, or one that cannot be computed: keep, with no end date.
            None | Some(RetentionRule::AsLongAsNecessary { .. }) => None,
            Some(rule) => match anchor_date(world, req, found, row, rule) {
                Some(day) => match rule.due_on(day) {
                    Some(due) if due <= req.today => continue,
                    Some(due) => due.yesterday().ok(),
                    None => None,
                },
                None => None,
            },
        };
        reasons.push(KeepReason::LegalObligation {
            purpose: p.id.clone(),
            statute,
            until,
        });
    }
    // The latest-ending obligation decides; an unknown end is the latest of all.
    reasons.into_iter().max_by_key(|r| match r {
        KeepReason::LegalObligation { until: Some(d), .. } => *d,
        _ => Date::MAX,
    })
}

/// The day `rule`'s event happened for `row`: from the collection's own bound column, or
/// from a row it refers to (one reference away) that has one.
fn anchor_date(
    world: &World<'_>,
    req: &Request<'_>,
    found: &FoundRows,
    row: &[Value],
    rule: &RetentionRule,
) -> Option<Date> {
    let event = rule.event()?;
    if let Some(col) = world.event_column(&found.collection, event) {
        return found.get(row, col).and_then(value_date);
    }
    let collection = world.map.collection(&found.collection)?;
    for f in &collection.fields {
        for r in &f.references {
            let Some(col) = world.event_column(&r.to.collection, event) else {
                continue;
            };
            let value = found.get(row, &f.name)?;
            let parent = req.found.iter().find(|x| x.collection == r.to.collection)?;
            let prow = parent.rows.iter().find(|pr| {
                parent
                    .get(pr, &r.to.field)
                    .is_some_and(|v| v.key() == value.key())
            })?;
            return parent.get(prow, col).and_then(value_date);
        }
    }
    None
}

/// The masked value for `before` under `strategy`, fitted to the column.
pub fn masked(
    strategy: &Masking,
    before: &Value,
    column: Option<&Column>,
    maskers: &mut Maskers<'_>,
) -> Result<Value, String> {
    let nullable = column.is_none_or(|c| c.nullable);
    let textual = column.is_none_or(|c| c.kind.is_textual());
    let fit = |s: String| match column.and_then(|c| c.max_len) {
        Some(max) => s
            .chars()
            .take(usize::try_from(max).unwrap_or(usize::MAX))
            .collect(),
        None => s,
    };
    let null = || -> Result<Value, String> {
        if nullable {
            Ok(Value::Null)
        } else if textual {
            // NOT NULL text: the empty string carries no personal data.
            Ok(Value::Text(String::new()))
        } else {
            Err(format!(
                "column `{}` is NOT NULL and not text; give it a fixed value in [erasure.fields]",
                column.map_or("?", |c| c.name.as_str())
            ))
        }
    };
    match strategy {
        Masking::Null | Masking::Delete => null(),
        Masking::Fixed { value } => match column {
            Some(c) => c
                .parse(value)
                .or_else(|e| if nullable { Ok(Value::Null) } else { Err(e) }),
            None => Ok(Value::Text(value.clone())),
        },
        Masking::Hmac if textual => match (maskers.hmac, before.as_text()) {
            (Some(h), Some(t)) => Ok(Value::Text(fit(h(&t)))),
            (None, _) => Err(
                "`hmac` masking needs a key: set [erasure] hmac_key_env or hmac_key_file".into(),
            ),
            (_, None) => Ok(Value::Null),
        },
        Masking::Random { length } if textual => {
            let len = column.and_then(|c| c.max_len).map_or(*length, |m| {
                (*length).min(usize::try_from(m).unwrap_or(usize::MAX))
            });
            Ok(Value::Text((maskers.random)(len)))
        }
        // A keyed hash or random text does not fit a number or a date: NULL instead.
        Masking::Hmac | Masking::Random { .. } => null(),
    }
    .map(|v| match (v, column.map(|c| c.kind)) {
        (Value::Text(t), Some(ColumnKind::Integer)) => t.parse().map_or(Value::Null, Value::Int),
        (v, _) => v,
    })
}
