//! Planning a retention sweep: for every collection, which rows are due for deletion or
//! which fields for masking today, as conditions on event columns the database can
//! evaluate in bounded batches.
//!
//! A personal field may go only when every purpose that covers it has run out: the field's
//! condition is the conjunction of each covering purpose's "event column before cutoff".
//! That is how legal holds work without special cases: bookkeeping (seven years after the
//! end of the calendar year) keeps invoice fields long after the customer relationship's
//! two years. Fields whose purposes cannot be enforced (no rule, "as long as necessary",
//! an event bound to no column) are reported, never guessed.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::World;
use crate::datamap::{CollectionRef, Masking};
use crate::register::RowPolicy;
use crate::retention::{Event, RetentionRule};
use crate::text::Lang;
use crate::value::Value;

/// Where an event's date is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnPath {
    /// A column of the row itself.
    Own {
        /// The column.
        column: String,
    },
    /// A column of the row another column refers to.
    Parent {
        /// This row's column holding the reference.
        via: String,
        /// The referenced table.
        table: String,
        /// The referenced column (its key).
        key: String,
        /// The column holding the event.
        column: String,
    },
}

/// One condition: the event column holds a date before `before` (the row's event happened
/// on or before the day before). NULL (the event has not happened) never matches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Cond {
    /// Where the date is.
    pub path: ColumnPath,
    /// Exclusive bound.
    pub before: Date,
}

/// What a job does to matching rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Delete them.
    Delete,
    /// Set these fields (NULL or a fixed value), keeping the row for statistics.
    Mask {
        /// (field, new value).
        set: Vec<(String, Value)>,
    },
}

/// Rows of `table` whose `columns` equal the job row's `references` keep it from deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guard {
    /// The referencing table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// The job table's columns they refer to.
    pub references: Vec<String>,
}

/// One unit of work: an action on the rows of a collection meeting every condition.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// The collection.
    pub collection: CollectionRef,
    /// Its key columns (for batching).
    pub key: Vec<String>,
    /// What to do.
    pub action: Action,
    /// All must hold.
    pub when: Vec<Cond>,
    /// Purposes whose retention this enforces, with their rules in words.
    pub rules: Vec<(String, String)>,
    /// For deletions: rows still referenced stay (a later masking job handles them).
    pub guards: Vec<Guard>,
    /// For that masking job: only rows some of these still refer to, so the two jobs never
    /// count (or touch) the same row.
    pub referenced_by: Vec<Guard>,
    /// For masking: only rows where one of these fields is not yet masked.
    pub pending: Vec<String>,
    /// Row keys to leave alone (restricted subjects, holds), filled in by the shell.
    pub exclude: Vec<Vec<Value>>,
}

/// Fields no sweep can erase, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unenforced {
    /// The collection.
    pub collection: CollectionRef,
    /// The fields.
    pub fields: Vec<String>,
    /// Why.
    pub why: String,
}

/// The whole sweep.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionPlan {
    /// The day it is planned for.
    pub today: Date,
    /// Jobs, in order (deletions before the masking of rows they could not delete).
    pub jobs: Vec<Job>,
    /// What cannot be enforced.
    pub unenforced: Vec<Unenforced>,
}

/// Fields that share a condition set, and the (purpose, rule) pairs behind it.
type FieldGroup = (Vec<String>, BTreeSet<(String, String)>);

/// When a field may go: alternatives (any one suffices) of conditions that must all hold.
type Alternatives = BTreeSet<BTreeSet<Cond>>;

/// The most alternatives a field's conditions may expand to; more is reported, not swept.
const MAX_ALTERNATIVES: usize = 16;

/// Both: every alternative of `a` with every alternative of `b`.
fn and(a: &Alternatives, b: &Alternatives) -> Alternatives {
    let mut out = BTreeSet::new();
    for x in a {
        for y in b {
            out.insert(x.union(y).cloned().collect());
        }
    }
    out
}

/// Plans the sweep for `today`.
pub fn plan(world: &World<'_>, today: Date) -> RetentionPlan {
    let mut jobs = Vec::new();
    let mut unenforced: Vec<Unenforced> = Vec::new();
    let mut note = |collection: &CollectionRef, field: &str, why: String| match unenforced
        .iter_mut()
        .find(|u| &u.collection == collection && u.why == why)
    {
        Some(u) => u.fields.push(field.to_owned()),
        None => unenforced.push(Unenforced {
            collection: collection.clone(),
            fields: vec![field.to_owned()],
            why,
        }),
    };
    for collection in world.map.collections().filter(|c| !c.skip) {
        let key = world.row_key(&collection.key);
        let table = world
            .schemas
            .get(&collection.key.dataset)
            .and_then(|s| s.table(&collection.key.collection));
        let personal: Vec<_> = collection
            .fields
            .iter()
            .filter(|f| f.is_personal() && !world.is_key(&collection.key, f) && !f.read_only)
            .collect();
        if personal.is_empty() {
            continue;
        }
        if key.is_empty() {
            let names: Vec<&str> = personal.iter().map(|f| f.name.as_str()).collect();
            for n in names {
                note(
                    &collection.key,
                    n,
                    "the collection has no primary key".into(),
                );
            }
            continue;
        }
        // Each enforceable field: its conditions and the purposes behind them.
        let mut groups: BTreeMap<Alternatives, FieldGroup> = BTreeMap::new();
        let mut all_enforceable = true;
        let subjects = world.subjects_of(&collection.key);
        for f in &personal {
            let purposes = world.covering(&collection.key, f);
            if purposes.is_empty() {
                all_enforceable = false;
                note(
                    &collection.key,
                    &f.name,
                    format!(
                        "no purpose covers its categories ({})",
                        f.categories.join(", ")
                    ),
                );
                continue;
            }
            // Every covering purpose must have run out: start from "always" and add each.
            let mut conds: Alternatives = BTreeSet::from([BTreeSet::new()]);
            let mut rules = BTreeSet::new();
            let mut failed = None;
            for p in purposes {
                let Some(ret) = p.retention.as_ref() else {
                    failed = Some(format!("purpose `{}` has no retention rule", p.id));
                    continue;
                };
                // The field's own period when the purpose gives its categories or data
                // subjects one (`[[purpose.retention.for]]`).
                let rule = ret.rule_for(&f.categories, &subjects);
                if !rule.is_enforceable() {
                    failed = Some(format!("purpose `{}` keeps it “{}”", p.id, rule.as_ref()));
                    continue;
                }
                match alternatives(world, &collection.key, &rule, today) {
                    Ok(alts) => {
                        conds = and(&conds, &alts);
                        rules.insert((p.id.clone(), rule.describe(Lang::En, world.register)));
                    }
                    Err(why) => failed = Some(format!("purpose `{}`: {why}", p.id)),
                }
            }
            if failed.is_none() && conds.is_empty() {
                failed = Some("no day is due yet".into());
            }
            if failed.is_none() && conds.len() > MAX_ALTERNATIVES {
                failed = Some(format!(
                    "its rules combine into more than {MAX_ALTERNATIVES} alternatives; write them more simply"
                ));
            }
            if let Some(why) = failed {
                all_enforceable = false;
                note(&collection.key, &f.name, why);
                continue;
            }
            let entry = groups.entry(conds).or_default();
            entry.0.push(f.name.clone());
            entry.1.extend(rules);
        }
        let mask_values = |fields: &[String],
                           note: &mut dyn FnMut(&CollectionRef, &str, String)|
         -> Vec<(String, Value)> {
            fields
                .iter()
                .filter_map(|name| {
                    let field = collection.field(name)?;
                    let column = table.and_then(|t| t.column(name));
                    // Retention masks in bulk: keyed hashes and random text cannot be
                    // computed by the database, so those strategies mask with NULL here.
                    let strategy = match world.masking(&collection.key, field) {
                        Masking::Fixed { value } => Masking::Fixed { value },
                        _ => Masking::Null,
                    };
                    let mut no_random = |_: usize| String::new();
                    let mut maskers = super::erasure::Maskers {
                        hmac: None,
                        random: &mut no_random,
                    };
                    match super::erasure::masked(
                        &strategy,
                        &Value::Text(String::new()),
                        column,
                        &mut maskers,
                    ) {
                        Ok(v) => Some((name.clone(), v)),
                        Err(why) => {
                            note(&collection.key, name, why);
                            None
                        }
                    }
                })
                .collect()
        };
        let policy = world.row_policy(&collection.key);
        let make = |action: Action,
                    when: Vec<Cond>,
                    rules: Vec<(String, String)>,
                    guards: Vec<Guard>,
                    pending: Vec<String>| Job {
            collection: collection.key.clone(),
            key: key.clone(),
            action,
            when,
            rules,
            guards,
            referenced_by: Vec::new(),
            pending,
            exclude: Vec::new(),
        };
        let all_fields: Vec<String> = groups.values().flat_map(|(f, _)| f.clone()).collect();
        // A row may be deleted when every field may go: all groups' conditions at once.
        let delete_when = groups
            .keys()
            .try_fold(BTreeSet::from([BTreeSet::new()]), |acc, alts| {
                let both = and(&acc, alts);
                (both.len() <= MAX_ALTERNATIVES).then_some(both)
            });
        if policy == RowPolicy::Delete
            && all_enforceable
            && !groups.is_empty()
            && let Some(delete_when) = delete_when
        {
            let rules: BTreeSet<(String, String)> =
                groups.values().flat_map(|(_, r)| r.clone()).collect();
            let guards: Vec<Guard> = world
                .schemas
                .get(&collection.key.dataset)
                .map(|s| {
                    s.referencing(&collection.key.collection)
                        .into_iter()
                        .map(|(t, fk)| Guard {
                            table: t.name.clone(),
                            columns: fk.columns.clone(),
                            references: fk.references.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            // One job per alternative: a row due under two is deleted by the first.
            for when in &delete_when {
                jobs.push(make(
                    Action::Delete,
                    when.iter().cloned().collect(),
                    rules.iter().cloned().collect(),
                    guards.clone(),
                    Vec::new(),
                ));
            }
            if !guards.is_empty() {
                // Rows still referenced cannot be deleted: anonymise them instead.
                let set = mask_values(&all_fields, &mut note);
                if !set.is_empty() {
                    let pending: Vec<String> = set.iter().map(|(f, _)| f.clone()).collect();
                    for when in &delete_when {
                        let mut job = make(
                            Action::Mask { set: set.clone() },
                            when.iter().cloned().collect(),
                            rules.iter().cloned().collect(),
                            Vec::new(),
                            pending.clone(),
                        );
                        job.referenced_by = guards.clone();
                        jobs.push(job);
                    }
                }
            }
        }
        let masks_needed = policy == RowPolicy::Mask
            || !all_enforceable
            || groups.len() > 1
            || delete_when_failed(&groups);
        if masks_needed {
            for (alts, (fields, rules)) in &groups {
                let set = mask_values(fields, &mut note);
                if set.is_empty() {
                    continue;
                }
                let pending: Vec<String> = set.iter().map(|(f, _)| f.clone()).collect();
                for conds in alts {
                    jobs.push(make(
                        Action::Mask { set: set.clone() },
                        conds.iter().cloned().collect(),
                        rules.iter().cloned().collect(),
                        Vec::new(),
                        pending.clone(),
                    ));
                }
            }
        }
    }
    RetentionPlan {
        today,
        jobs,
        unenforced,
    }
}

/// True when the groups' conditions together expand past [`MAX_ALTERNATIVES`], so no
/// deletion job was made and the fields are masked group by group instead.
fn delete_when_failed(groups: &BTreeMap<Alternatives, FieldGroup>) -> bool {
    groups
        .keys()
        .try_fold(BTreeSet::from([BTreeSet::new()]), |acc, alts| {
            let both = and(&acc, alts);
            (both.len() <= MAX_ALTERNATIVES).then_some(both)
        })
        .is_none()
}

/// The conditions under which `rule` has run out for a row of `collection` on `today`: one
/// per event the rule runs from, its day derived through the register's financial years.
fn alternatives(
    world: &World<'_>,
    collection: &CollectionRef,
    rule: &RetentionRule,
    today: Date,
) -> Result<Alternatives, String> {
    let due = rule
        .due_when(today, &world.register.financial_year)
        .ok_or("the rule cannot be enforced")?;
    let mut out = BTreeSet::new();
    for alt in due {
        let mut all = BTreeSet::new();
        for (event, last_due) in alt {
            let before = last_due.tomorrow().map_err(|e| e.to_string())?;
            all.insert(cond(world, collection, &event, before)?);
        }
        out.insert(all);
    }
    Ok(out)
}

/// The condition "`event` happened before `before`" for a row of `collection`.
fn cond(
    world: &World<'_>,
    collection: &CollectionRef,
    event: &Event,
    before: Date,
) -> Result<Cond, String> {
    // An event must hold a date: compared with one, an integer (epoch seconds, a year)
    // sorts below every date on SQLite and every row would look due.
    let holds_date = |c: &CollectionRef, column: &str| -> Result<(), String> {
        let kind = world
            .schemas
            .get(&c.dataset)
            .and_then(|s| s.table(&c.collection))
            .and_then(|t| t.column(column))
            .map(|col| (col.kind, col.sql_type.clone()));
        match kind {
            Some((
                crate::schema::ColumnKind::Date
                | crate::schema::ColumnKind::Timestamp
                | crate::schema::ColumnKind::Text
                | crate::schema::ColumnKind::Other,
                _,
            ))
            | None => Ok(()),
            Some((_, sql_type)) => Err(format!(
                "event `{event}` is bound to `{}.{column}` ({sql_type}), which holds no date; bind it to a date or timestamp column",
                c.collection
            )),
        }
    };
    if let Some(col) = world.event_column(collection, event) {
        holds_date(collection, col)?;
        return Ok(Cond {
            path: ColumnPath::Own {
                column: col.to_owned(),
            },
            before,
        });
    }
    if let Some(c) = world.map.collection(collection) {
        for f in &c.fields {
            for r in &f.references {
                if r.to.collection.dataset != collection.dataset {
                    continue;
                }
                if let Some(col) = world.event_column(&r.to.collection, event) {
                    holds_date(&r.to.collection, col)?;
                    return Ok(Cond {
                        path: ColumnPath::Parent {
                            via: f.name.clone(),
                            table: r.to.collection.collection.clone(),
                            key: r.to.field.clone(),
                            column: col.to_owned(),
                        },
                        before,
                    });
                }
            }
        }
    }
    Err(format!(
        "event `{event}` is bound to no column of {collection} or of a collection it refers to (bind it under [database.events])"
    ))
}
