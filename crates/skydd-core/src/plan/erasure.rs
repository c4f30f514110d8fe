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

use super::sharing::Sharing;
use super::{World, value_date};
use crate::datamap::{Collection, CollectionRef, Field, Masking};
use crate::law::LegalBasis;
use crate::register::RowPolicy;
use crate::retention::Event;
use crate::schema::{Column, ColumnKind, Table};
use crate::value::Value;

/// How the traversal reached a row, which decides how it can belong to others
/// ([`super::sharing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Matched by the person's identity.
    Identity,
    /// Found by the key of a row of the person's that it refers to (a customer's invoice).
    Child,
    /// Found because a row of the person's refers to it (the address a customer points at).
    Referenced,
}

/// The rows a traversal found in one collection.
#[derive(Debug, Clone, Serialize)]
pub struct FoundRows {
    /// The collection.
    pub collection: CollectionRef,
    /// Column names, in the order of each row's values.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
    /// How each row was reached (parallel to `rows`; rows without an entry count as
    /// matched by identity).
    #[serde(skip)]
    pub reach: Vec<Reach>,
}

impl FoundRows {
    /// The value of `column` in `row`.
    pub fn get<'r>(&self, row: &'r [Value], column: &str) -> Option<&'r Value> {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| row.get(i))
    }

    /// How row `i` was reached.
    pub fn reach(&self, i: usize) -> Reach {
        self.reach.get(i).copied().unwrap_or(Reach::Identity)
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
    /// A link to a row other people share, which the schema does not let go (NOT NULL).
    LinkToShared {
        /// Why it stays.
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

/// Something that stops the erasure from being carried out as the person asked: nothing
/// runs while a plan has any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The collection.
    pub collection: CollectionRef,
    /// The row's key, when one row is concerned.
    pub key: Option<String>,
    /// The field, when one field is concerned.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub why: String,
}

/// A row other people share, left unchanged.
#[derive(Debug, Clone, Serialize)]
pub struct SharedKept {
    /// The collection.
    pub collection: CollectionRef,
    /// The row's key.
    pub key: Vec<(String, Value)>,
    /// Who else it belongs to.
    pub with: Vec<super::sharing::SharedWith>,
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
    /// The value before (shown only in dry runs and reports to the controller). The write is
    /// made only while the field still holds it, so a change made meanwhile by someone else
    /// (a retention sweep) is never overwritten.
    pub before: Value,
    /// The value after.
    pub after: Value,
    /// The field is a link to a row other people share, removed so the row no longer
    /// relates to the person.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unlink: bool,
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
    /// Rows other people share, left unchanged.
    pub shared: Vec<SharedKept>,
    /// What stops the erasure; when any, nothing may run.
    pub blockers: Vec<Blocker>,
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
    /// Rows other people share ([`super::sharing::assess`]).
    pub sharing: &'a Sharing,
}

/// A row's key: its key columns with their values.
pub type RowKey = Vec<(String, Value)>;

/// A row key as one string, for the erased-fields ledger.
///
/// `%`, `,` and `=` in names and values are written `%25`, `%2C` and `%3D`, so the text
/// reads back one way only ([`parse_key_string`]), whatever a text key holds; keys without
/// them read as plainly as before (`id=11`, `order=7,line=2`).
pub fn key_string(key: &[(String, Value)]) -> String {
    key.iter()
        .map(|(c, v)| format!("{}={}", escape_key(c), escape_key(&v.key())))
        .collect::<Vec<_>>()
        .join(",")
}

fn escape_key(s: &str) -> String {
    s.replace('%', "%25")
        .replace(',', "%2C")
        .replace('=', "%3D")
}

fn unescape_key(s: &str) -> String {
    s.replace("%3D", "=")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// The values of `columns` of `collection` as one string, the way its database compares them.
fn columns_key(
    world: &World<'_>,
    collection: &CollectionRef,
    columns: &[String],
    values: &[&Value],
) -> String {
    columns
        .iter()
        .zip(values)
        .map(|(c, v)| super::compare_text(v, world.ignores_case(collection, c)))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// The rows found in `collection` by the values of `columns`.
fn index_rows(
    world: &World<'_>,
    found: &[FoundRows],
    collection: &CollectionRef,
    columns: &[String],
) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let Some(f) = found.iter().find(|f| &f.collection == collection) else {
        return out;
    };
    for (i, row) in f.rows.iter().enumerate() {
        let Some(values) = columns
            .iter()
            .map(|c| f.get(row, c).filter(|v| !v.is_null()))
            .collect::<Option<Vec<&Value>>>()
        else {
            continue;
        };
        out.entry(columns_key(world, collection, columns, &values))
            .or_default()
            .push(i);
    }
    out
}

/// The rows of `collection` to delete, in an order the database accepts when the table
/// refers to itself (a reply to a comment goes before the comment): a row another row
/// still to be deleted refers to waits for it. Otherwise, in the order found.
fn self_referencing_order(
    world: &World<'_>,
    found: &[FoundRows],
    collection: &CollectionRef,
    rows: BTreeMap<usize, RowKey>,
) -> Vec<RowKey> {
    let self_keys: Vec<&crate::schema::ForeignKey> = world
        .schemas
        .get(&collection.dataset)
        .and_then(|s| s.table(&collection.collection))
        .map(|t| {
            t.foreign_keys
                .iter()
                .filter(|fk| fk.table == collection.collection)
                .collect()
        })
        .unwrap_or_default();
    let Some(f) = found.iter().find(|f| &f.collection == collection) else {
        return rows.into_values().collect();
    };
    if self_keys.is_empty() {
        return rows.into_values().collect();
    }
    // parent[i]: the rows (to delete) that row i refers to.
    let mut parents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for fk in &self_keys {
        let index = index_rows(world, found, collection, &fk.references);
        for &i in rows.keys() {
            let Some(values) = fk
                .columns
                .iter()
                .map(|c| f.get(&f.rows[i], c).filter(|v| !v.is_null()))
                .collect::<Option<Vec<&Value>>>()
            else {
                continue;
            };
            let key = columns_key(world, collection, &fk.references, &values);
            for &p in index.get(&key).into_iter().flatten() {
                if p != i && rows.contains_key(&p) {
                    parents.entry(i).or_default().push(p);
                }
            }
        }
    }
    // Kahn: emit a row once no remaining row refers to it.
    let mut referenced_by: BTreeMap<usize, usize> = BTreeMap::new();
    for ps in parents.values() {
        for p in ps {
            *referenced_by.entry(*p).or_default() += 1;
        }
    }
    let mut rows = rows;
    let mut out = Vec::with_capacity(rows.len());
    while !rows.is_empty() {
        let ready: Vec<usize> = rows
            .keys()
            .copied()
            .filter(|i| referenced_by.get(i).copied().unwrap_or(0) == 0)
            .collect();
        // A cycle: emit the rest as found; the database then refuses and rolls back.
        let ready = if ready.is_empty() {
            rows.keys().copied().collect()
        } else {
            ready
        };
        for i in ready {
            if let Some(k) = rows.remove(&i) {
                for p in parents.get(&i).into_iter().flatten() {
                    if let Some(n) = referenced_by.get_mut(p) {
                        *n = n.saturating_sub(1);
                    }
                }
                out.push(k);
            }
        }
    }
    out
}

/// Reads back a [`key_string`] given the key's columns, in order: `id=11` → `["11"]`.
pub fn parse_key_string(s: &str, columns: &[String]) -> Option<Vec<String>> {
    let parts: Vec<&str> = s.split(',').collect();
    if parts.len() != columns.len() {
        return None;
    }
    parts
        .iter()
        .zip(columns)
        .map(|(part, column)| {
            let (name, value) = part.split_once('=')?;
            (unescape_key(name) == *column).then(|| unescape_key(value))
        })
        .collect()
}

/// What planning decided for one field of a row that stays.
enum FieldOutcome {
    Keep(KeepReason),
    /// A key a legal obligation needs: the row must stay, but a key is not data kept for
    /// its content, so it is reported as a key, not as a hold.
    HeldKey,
    Change(Change),
    Blocked(String),
    Unchanged,
}

/// The one decision for a personal field of a row that stays, used for every row: held by
/// a legal obligation, a key, read-only, already empty, erased by an earlier run (keyed
/// hashes and random text are not re-applied), or masked to a value that fits the column.
#[allow(clippy::too_many_arguments)]
fn field_outcome(
    world: &World<'_>,
    req: &Request<'_>,
    parents: &Parents,
    found: &FoundRows,
    row: &[Value],
    key_s: &str,
    field: &Field,
    table: Option<&Table>,
    maskers: &mut Maskers<'_>,
) -> FieldOutcome {
    let Some(before) = found.get(row, &field.name).cloned() else {
        return FieldOutcome::Unchanged;
    };
    let held = hold(world, req, parents, found, row, field);
    if world.is_key(&found.collection, field) {
        return if held.is_some() {
            FieldOutcome::HeldKey
        } else {
            FieldOutcome::Keep(KeepReason::Key)
        };
    }
    if let Some(reason) = held {
        return FieldOutcome::Keep(reason);
    }
    if field.read_only {
        return FieldOutcome::Keep(KeepReason::ReadOnly);
    }
    if before.is_null() {
        return FieldOutcome::Unchanged;
    }
    if req.already_erased.contains(&(
        found.collection.to_string(),
        key_s.to_owned(),
        field.name.clone(),
    )) {
        return FieldOutcome::Keep(KeepReason::AlreadyErased);
    }
    let strategy = world.masking(&found.collection, field);
    let column = table.and_then(|t| t.column(&field.name));
    match masked(&strategy, &before, column, maskers) {
        Ok(after) if same_stored_value(column, &before, &after) => FieldOutcome::Unchanged,
        Ok(after) => FieldOutcome::Change(Change {
            field: field.name.clone(),
            strategy,
            before,
            after,
            unlink: false,
        }),
        Err(why) => FieldOutcome::Blocked(why),
    }
}

/// Whether a column already holds `after` when it holds `before`: the database prints a
/// fixed timestamp `1970-01-01 00:00:00` back as `1970-01-01 00:00:00+00`, a decimal `0` as
/// `0.00`; re-planning those on every run would never let an erasure settle.
pub fn same_stored_value(column: Option<&Column>, before: &Value, after: &Value) -> bool {
    if before == after || before.key() == after.key() {
        return true;
    }
    let (Some(b), Some(a)) = (before.as_text(), after.as_text()) else {
        return false;
    };
    match column.map(|c| c.kind) {
        Some(ColumnKind::Date | ColumnKind::Timestamp) => {
            let civil = |s: &str| {
                let s = s.trim().replace('T', " ");
                // Drop a zone suffix (`+00`, `+01:00`, `Z`): both sides come from one session.
                let s = s.trim_end_matches('Z');
                let s = match s.rfind(['+', '-']) {
                    Some(i) if i > 10 => &s[..i],
                    _ => s,
                };
                let s = s.trim();
                if s.len() == 10 {
                    format!("{s} 00:00:00")
                } else {
                    s.to_owned()
                }
                .parse::<jiff::civil::DateTime>()
                .ok()
            };
            civil(&b).is_some() && civil(&b) == civil(&a)
        }
        Some(ColumnKind::Decimal | ColumnKind::Float | ColumnKind::Integer) => {
            matches!((b.trim().parse::<f64>(), a.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        }
        _ => false,
    }
}

/// What a staying row's plan is: its changes, the fields it keeps and why, and what blocks
/// it. `unlink` are link columns to shared rows, set to NULL where the column allows.
struct RowPlan {
    changes: Vec<Change>,
    kept: Vec<Kept>,
    blockers: Vec<Blocker>,
    held: bool,
}

impl RowPlan {
    /// The link columns this row's plan sets to NULL.
    fn unlinked(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.unlink)
            .map(|c| c.field.clone())
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_row(
    world: &World<'_>,
    req: &Request<'_>,
    parents: &Parents,
    found: &FoundRows,
    row: &[Value],
    key: &[(String, Value)],
    collection: &Collection,
    unlink: &[String],
    fields: bool,
    maskers: &mut Maskers<'_>,
) -> RowPlan {
    let table = world
        .schemas
        .get(&found.collection.dataset)
        .and_then(|s| s.table(&found.collection.collection));
    let key_s = key_string(key);
    let mut out = RowPlan {
        changes: Vec::new(),
        kept: Vec::new(),
        blockers: Vec::new(),
        held: false,
    };
    let keep = |field: &str, reason: KeepReason| Kept {
        collection: found.collection.clone(),
        key: key.to_vec(),
        field: field.to_owned(),
        reason,
    };
    if fields {
        for field in collection.fields.iter().filter(|f| f.is_personal()) {
            match field_outcome(
                world, req, parents, found, row, &key_s, field, table, maskers,
            ) {
                // Keys are never changed; saying so for each of a person's rows would only
                // fill the plan.
                FieldOutcome::Keep(KeepReason::Key) => {}
                FieldOutcome::Keep(reason) => {
                    out.held |= matches!(reason, KeepReason::LegalObligation { .. });
                    out.kept.push(keep(&field.name, reason));
                }
                FieldOutcome::HeldKey => out.held = true,
                FieldOutcome::Change(c) => out.changes.push(c),
                FieldOutcome::Blocked(why) => out.blockers.push(Blocker {
                    collection: found.collection.clone(),
                    key: Some(key_s.clone()),
                    field: Some(field.name.clone()),
                    why,
                }),
                FieldOutcome::Unchanged => {}
            }
        }
    }
    for column in unlink {
        let Some(before) = found.get(row, column).cloned() else {
            continue;
        };
        if before.is_null() {
            continue;
        }
        let nullable = table
            .and_then(|t| t.column(column))
            .is_none_or(|c| c.nullable);
        if nullable {
            out.changes.retain(|c| &c.field != column);
            out.changes.push(Change {
                field: column.clone(),
                strategy: Masking::Null,
                before,
                after: Value::Null,
                unlink: true,
            });
        } else {
            out.kept.retain(|k| &k.field != column);
            out.kept.push(keep(
                column,
                KeepReason::LinkToShared {
                    why: format!(
                        "`{column}` links the person to a row other people share and is NOT NULL, so the link cannot be removed"
                    ),
                },
            ));
        }
    }
    out
}

/// Plans the erasure of everything `req.found` holds.
pub fn plan(world: &World<'_>, req: &Request<'_>, maskers: &mut Maskers<'_>) -> ErasurePlan {
    let mut out = ErasurePlan::default();
    let parents = Parents::default();
    let mut updates: Vec<Step> = Vec::new();
    // Rows to delete, by collection and key (as [`key_string`]), for lookups by key.
    let mut deletes: BTreeMap<CollectionRef, BTreeMap<usize, RowKey>> = BTreeMap::new();
    // The rows found, by the values of a set of columns (as their database compares them):
    // the target of a foreign key is found by the columns it references, key or not.
    let mut by_columns: BTreeMap<(CollectionRef, Vec<String>), BTreeMap<String, Vec<usize>>> =
        BTreeMap::new();
    // Rows that stay (masked, shared or untouched), and the link columns each sets to NULL:
    // a row they still refer to must stay too.
    let mut staying: Vec<(usize, usize, Vec<String>)> = Vec::new();

    for (fi, found) in req.found.iter().enumerate() {
        let Some(collection) = world.map.collection(&found.collection) else {
            continue;
        };
        let key_cols = world.row_key(&found.collection);
        if key_cols.is_empty() {
            if !found.rows.is_empty() {
                out.blockers.push(Blocker {
                    collection: found.collection.clone(),
                    key: None,
                    field: None,
                    why: format!(
                        "the table has no primary key, in the database or the data map, so its {} row(s) of this person cannot be addressed one by one; declare `primary_key: true` on a field that identifies a row (or give the table a primary key)",
                        found.rows.len()
                    ),
                });
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
                out.blockers.push(Blocker {
                    collection: found.collection.clone(),
                    key: None,
                    field: None,
                    why: "a row was read without its key columns".into(),
                });
                continue;
            };
            let unlink = req.sharing.link_columns(&found.collection, ri);
            if let Some(shared) = req.sharing.get(&found.collection, ri) {
                // Never changed but for the person's link held in it.
                out.shared.push(SharedKept {
                    collection: found.collection.clone(),
                    key: key.clone(),
                    with: shared.with.clone(),
                });
                let rp = plan_row(
                    world, req, &parents, found, row, &key, collection, unlink, false, maskers,
                );
                let unlinked = rp.unlinked();
                push_row(&mut out, &mut updates, &found.collection, key, rp);
                staying.push((fi, ri, unlinked));
                continue;
            }
            let rp = plan_row(
                world, req, &parents, found, row, &key, collection, unlink, true, maskers,
            );
            // A row that rows the traversal did not find point at stays, masked.
            let pointed_at = req.sharing.pointed_at(&found.collection, ri).is_some();
            if policy == RowPolicy::Delete && !rp.held && !pointed_at {
                deletes
                    .entry(found.collection.clone())
                    .or_default()
                    .insert(ri, key);
            } else {
                let unlinked = rp.unlinked();
                push_row(&mut out, &mut updates, &found.collection, key, rp);
                staying.push((fi, ri, unlinked));
            }
        }
    }

    // A row that stays and still refers to a row planned for deletion keeps that row alive:
    // demote the deletion to masking, with the same per-field decisions.
    loop {
        let mut demoted: Vec<(CollectionRef, usize, RowKey)> = Vec::new();
        for (fi, ri, unlinked) in &staying {
            let found = &req.found[*fi];
            let Some(table) = world
                .schemas
                .get(&found.collection.dataset)
                .and_then(|s| s.table(&found.collection.collection))
            else {
                continue;
            };
            let row = &found.rows[*ri];
            for fk in &table.foreign_keys {
                if fk.columns.iter().all(|c| unlinked.contains(c)) {
                    continue;
                }
                let target = CollectionRef {
                    dataset: found.collection.dataset.clone(),
                    collection: fk.table.clone(),
                };
                let Some(list) = deletes.get_mut(&target) else {
                    continue;
                };
                let Some(values) = fk
                    .columns
                    .iter()
                    .map(|c| found.get(row, c).filter(|v| !v.is_null()))
                    .collect::<Option<Vec<&Value>>>()
                else {
                    continue;
                };
                let wanted = columns_key(world, &target, &fk.references, &values);
                let index = by_columns
                    .entry((target.clone(), fk.references.clone()))
                    .or_insert_with(|| index_rows(world, req.found, &target, &fk.references));
                for ti in index.get(&wanted).into_iter().flatten() {
                    if let Some(k) = list.remove(ti) {
                        demoted.push((target.clone(), *ti, k));
                    }
                }
            }
        }
        if demoted.is_empty() {
            break;
        }
        // Demoted rows stay, so rows they refer to may have to stay too: go round again.
        staying.clear();
        for (coll, ri, key) in demoted {
            let Some(fi) = req.found.iter().position(|f| f.collection == coll) else {
                continue;
            };
            let found = &req.found[fi];
            let Some(collection) = world.map.collection(&coll) else {
                continue;
            };
            let unlink = req.sharing.link_columns(&coll, ri);
            let rp = plan_row(
                world,
                req,
                &parents,
                found,
                &found.rows[ri],
                &key,
                collection,
                unlink,
                true,
                maskers,
            );
            let unlinked = rp.unlinked();
            push_row(&mut out, &mut updates, &coll, key, rp);
            staying.push((fi, ri, unlinked));
        }
    }

    // Order: updates first (they remove links), then deletes with referencing tables before
    // referenced ones.
    for step in updates {
        out.steps
            .entry(step.collection().dataset.clone())
            .or_default()
            .push(step);
    }
    for coll in delete_order(world, deletes.keys().cloned().collect()) {
        let rows = deletes.remove(&coll).unwrap_or_default();
        for key in self_referencing_order(world, req.found, &coll, rows) {
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

fn push_row(
    out: &mut ErasurePlan,
    updates: &mut Vec<Step>,
    collection: &CollectionRef,
    key: Vec<(String, Value)>,
    rp: RowPlan,
) {
    out.kept.extend(rp.kept);
    out.blockers.extend(rp.blockers);
    if !rp.changes.is_empty() {
        updates.push(Step::Update {
            collection: collection.clone(),
            key,
            set: rp.changes,
        });
    }
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
    parents: &Parents,
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
        // The rule for this field (a per-category or per-subject override, else the
        // purpose's), its events read from the row, its end by the financial years.
        let until = match p.retention.as_ref() {
            // No rule: keep, with no end date.
            None => None,
            Some(ret) => {
                let subjects = world.subjects_of(&found.collection);
                let rule = ret.rule_for(&field.categories, &subjects);
                let day_of = |e: &Event| anchor_date(world, req, parents, found, row, e);
                // Not computable (an event not recorded, "as long as necessary"): keep,
                // with no end date.
                match rule.due(&day_of, &world.register.financial_year) {
                    Some(due) if due <= req.today => continue,
                    Some(due) => due.yesterday().ok(),
                    None => None,
                }
            }
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

/// The date the column bound to `event` holds for `row`: from the collection's own bound
/// column, or from a row it refers to (one reference away) that has one.
fn anchor_date(
    world: &World<'_>,
    req: &Request<'_>,
    parents: &Parents,
    found: &FoundRows,
    row: &[Value],
    event: &Event,
) -> Option<Date> {
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
            let at = parents.row(parent, &r.to.field, &value.key())?;
            return parent.get(&parent.rows[at], col).and_then(value_date);
        }
    }
    None
}

/// Rows of the collections found, indexed by a field's values as they are first needed, so
/// finding the parent of each of a person's many rows costs a lookup, not a scan.
#[derive(Default)]
struct Parents {
    index: std::cell::RefCell<BTreeMap<(CollectionRef, String), BTreeMap<String, usize>>>,
}

impl Parents {
    /// The first row of `found` whose `field` has the value `key`.
    fn row(&self, found: &FoundRows, field: &str, key: &str) -> Option<usize> {
        let id = (found.collection.clone(), field.to_owned());
        let mut index = self.index.borrow_mut();
        let rows = index.entry(id).or_insert_with(|| {
            let mut m = BTreeMap::new();
            for (i, row) in found.rows.iter().enumerate() {
                if let Some(v) = found.get(row, field) {
                    m.entry(v.key()).or_insert(i);
                }
            }
            m
        });
        rows.get(key).copied()
    }
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
        // A fixed value that does not fit is a configuration error, never a silent NULL.
        Masking::Fixed { value } => match column {
            Some(c) => c
                .parse(value)
                .map_err(|e| format!("the fixed masking value {e}")),
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
