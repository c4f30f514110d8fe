//! Whose row is it? Before an erasure or a rectification touches a row the traversal
//! reached, the planner must know whether the row also belongs to someone else, because
//! changing it would change (or destroy) their data too.
//!
//! A row is reached in one of three ways ([`Reach`]), and each says how it can be shared:
//!
//! - **By the person's identity** (their customer row, found by their e-mail): theirs.
//! - **As a child** (an invoice found by the customer's id): it belongs to every row its
//!   *owner links* name — the references the data map lets the traversal come in by
//!   (`direction: from` or undirected). A rental whose map links it to a customer and to a
//!   staff member belongs to both; when only one of them is the person, it is shared.
//!   Checked in memory, from the rows found.
//! - **As a referenced row** (the address a customer row points at): it belongs to every
//!   row that points at it. Other customers, staff members and stores may point at the same
//!   address; that is counted in the database ([`probes`] → the connector counts →
//!   [`assess`]), minus the person's own referencing rows.
//!
//! A child is also counted like a referenced row: an address whose owner column names the
//! person but which another customer's row points at is theirs too. (Rows of tables the map
//! does not know count as someone else's: the row is then kept and the plan says by whom,
//! which is the careful side.)
//!
//! A shared row is never changed. Instead, the person's link to it is removed where the
//! schema allows (the link column set to NULL), so the row no longer relates to them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::World;
use super::erasure::{FoundRows, Reach};
use crate::datamap::{CollectionRef, Direction};
use crate::value::Value;

/// A count the connector must make: how many rows of `referencing` point at each of
/// `values` (tuples of `target`'s `references` columns) through `columns`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    /// The collection whose reached rows may be shared.
    pub target: CollectionRef,
    /// The collection whose rows may point at them.
    pub referencing: CollectionRef,
    /// Its columns holding the reference.
    pub columns: Vec<String>,
    /// The target's columns they hold.
    pub references: Vec<String>,
    /// The target's values (one tuple per distinct referenced row key).
    pub values: Vec<Vec<Value>>,
    /// Per column: the comparison ignores case (either side's column does), so values
    /// match however they are capitalised.
    pub fold: Vec<bool>,
}

/// Someone else a row belongs to: the rows of a collection, other than the person's, that
/// point at it (or that it is linked to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedWith {
    /// `dataset.collection`.
    pub collection: String,
    /// How many of its rows (other than the person's).
    pub rows: u64,
}

/// A link between a row of the person and a shared row: `columns` of row `row` of
/// `collection` hold it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    /// The collection holding the link columns.
    pub collection: CollectionRef,
    /// The row (index into that collection's found rows).
    pub row: usize,
    /// The columns holding the reference.
    pub columns: Vec<String>,
}

/// One shared row.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SharedRow {
    /// Who else it belongs to.
    pub with: Vec<SharedWith>,
    /// The person's links to it, to be removed where the schema allows.
    pub links: Vec<Link>,
}

/// Every shared row among the rows found, by collection and row index.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sharing {
    /// Shared rows.
    pub rows: BTreeMap<CollectionRef, BTreeMap<usize, SharedRow>>,
    /// Rows the traversal did not find point at these rows (another customer's rental at a
    /// staff member's row): whatever their reach, such a row cannot be deleted without
    /// breaking (or, with `ON DELETE CASCADE`, deleting) other people's rows.
    pub pointed_at: BTreeMap<CollectionRef, BTreeMap<usize, Vec<SharedWith>>>,
    /// The link columns of each of the person's rows, from `rows`' links.
    #[serde(skip)]
    links_by_row: BTreeMap<(CollectionRef, usize), Vec<String>>,
}

impl Sharing {
    /// The shared row `row` of `collection`, if it is shared.
    pub fn get(&self, collection: &CollectionRef, row: usize) -> Option<&SharedRow> {
        self.rows.get(collection)?.get(&row)
    }

    /// Who else points at row `row` of `collection`, when anyone does.
    pub fn pointed_at(&self, collection: &CollectionRef, row: usize) -> Option<&[SharedWith]> {
        self.pointed_at
            .get(collection)?
            .get(&row)
            .map(Vec::as_slice)
    }

    /// The columns of row `row` of `collection` that link the person to shared rows.
    pub fn link_columns(&self, collection: &CollectionRef, row: usize) -> &[String] {
        self.links_by_row
            .get(&(collection.clone(), row))
            .map_or(&[][..], Vec::as_slice)
    }

    fn entry(&mut self, collection: &CollectionRef, row: usize) -> &mut SharedRow {
        self.rows
            .entry(collection.clone())
            .or_default()
            .entry(row)
            .or_default()
    }
}

/// The (referencing collection, its columns, the target's columns) pairs that can point at
/// rows of `target`: the live schema's foreign keys and the data map's references, in any
/// direction, from any collection of the same dataset (the schema) or any dataset (the map).
fn links_to(
    world: &World<'_>,
    target: &CollectionRef,
) -> Vec<(CollectionRef, Vec<String>, Vec<String>)> {
    let mut out: Vec<(CollectionRef, Vec<String>, Vec<String>)> = Vec::new();
    if let Some(schema) = world.schemas.get(&target.dataset) {
        for (t, fk) in schema.referencing(&target.collection) {
            out.push((
                CollectionRef {
                    dataset: target.dataset.clone(),
                    collection: t.name.clone(),
                },
                fk.columns.clone(),
                fk.references.clone(),
            ));
        }
    }
    for c in world.map.collections() {
        for f in &c.fields {
            for r in f.references.iter().filter(|r| &r.to.collection == target) {
                let link = (
                    c.key.clone(),
                    vec![f.name.clone()],
                    vec![r.to.field.clone()],
                );
                if !out.contains(&link) {
                    out.push(link);
                }
            }
        }
    }
    out
}

fn tuple(found: &FoundRows, row: &[Value], columns: &[String]) -> Option<Vec<Value>> {
    columns
        .iter()
        .map(|c| found.get(row, c).filter(|v| !v.is_null()).cloned())
        .collect()
}

fn tuple_key(values: &[Value], fold: &[bool]) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| super::compare_text(v, fold.get(i).copied().unwrap_or(false)))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// The counts needed to tell whether rows reached as referenced rows are shared, and
/// whether rows an erasure would delete are pointed at by rows it did not find.
pub fn probes(world: &World<'_>, found: &[FoundRows]) -> Vec<Probe> {
    let mut out = Vec::new();
    for f in found {
        let deletable = world.row_policy(&f.collection) == crate::register::RowPolicy::Delete;
        // Rows the person does not hold by identity may be pointed at by other people's rows
        // too (an address other customers use, even one whose owner column names the person);
        // rows that may be deleted must not be pointed at by rows the traversal did not find.
        let referenced: Vec<usize> = (0..f.rows.len())
            .filter(|&i| deletable || f.reach(i) != Reach::Identity)
            .collect();
        if referenced.is_empty() {
            continue;
        }
        for (referencing, columns, references) in links_to(world, &f.collection) {
            let fold: Vec<bool> = columns
                .iter()
                .zip(&references)
                .map(|(c, r)| {
                    world.ignores_case(&referencing, c) || world.ignores_case(&f.collection, r)
                })
                .collect();
            let mut seen = BTreeSet::new();
            let values: Vec<Vec<Value>> = referenced
                .iter()
                .filter_map(|&i| tuple(f, &f.rows[i], &references))
                .filter(|t| seen.insert(tuple_key(t, &fold)))
                .collect();
            if !values.is_empty() {
                out.push(Probe {
                    target: f.collection.clone(),
                    referencing,
                    columns,
                    references,
                    values,
                    fold,
                });
            }
        }
    }
    out
}

/// Which rows found are shared, from the probes' counts (`counts[i]` answers `probes[i]`:
/// each value tuple with the number of rows pointing at it) and the owner links of rows
/// reached as children.
pub fn assess(
    world: &World<'_>,
    found: &[FoundRows],
    probes: &[Probe],
    counts: &[Vec<(Vec<Value>, u64)>],
) -> Sharing {
    let mut sharing = Sharing::default();
    let found_of = |c: &CollectionRef| found.iter().find(|f| &f.collection == c);
    // The person's own links to each referenced row, from every probe: whichever probe
    // shows the row shared, all of them are to be removed.
    let mut own_links: BTreeMap<(CollectionRef, usize), BTreeSet<Link>> = BTreeMap::new();
    // Referenced rows: pointed at by rows that are not the person's.
    for (probe, counts) in probes.iter().zip(counts) {
        let Some(target) = found_of(&probe.target) else {
            continue;
        };
        // The person's own rows pointing at each value, and the target rows holding it,
        // indexed once: a person may have hundreds of thousands of rows.
        let mut own_rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        if let Some(o) = found_of(&probe.referencing) {
            for (i, row) in o.rows.iter().enumerate() {
                if let Some(t) = tuple(o, row, &probe.columns) {
                    own_rows
                        .entry(tuple_key(&t, &probe.fold))
                        .or_default()
                        .push(i);
                }
            }
        }
        let mut targets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, row) in target.rows.iter().enumerate() {
            if let Some(t) = tuple(target, row, &probe.references) {
                targets
                    .entry(tuple_key(&t, &probe.fold))
                    .or_default()
                    .push(i);
            }
        }
        let name = probe.referencing.to_string();
        // The database may group values that compare equal under one spelling: add up.
        let mut in_db: BTreeMap<String, u64> = BTreeMap::new();
        for (values, n) in counts {
            *in_db.entry(tuple_key(values, &probe.fold)).or_default() += n;
        }
        for (key, in_db) in in_db {
            let own = own_rows.get(&key).map_or(&[][..], Vec::as_slice);
            let others = in_db.saturating_sub(own.len() as u64);
            for &i in targets.get(&key).map_or(&[][..], Vec::as_slice) {
                // Links matter only for a row that may be shared: one not held by identity.
                if target.reach(i) != Reach::Identity {
                    let links = own_links.entry((probe.target.clone(), i)).or_default();
                    links.extend(own.iter().map(|&r| Link {
                        collection: probe.referencing.clone(),
                        row: r,
                        columns: probe.columns.clone(),
                    }));
                }
                if others == 0 {
                    continue;
                }
                let pointed = sharing
                    .pointed_at
                    .entry(probe.target.clone())
                    .or_default()
                    .entry(i)
                    .or_default();
                match pointed.iter_mut().find(|w| w.collection == name) {
                    Some(w) => w.rows += others,
                    None => pointed.push(SharedWith {
                        collection: name.clone(),
                        rows: others,
                    }),
                }
                if target.reach(i) == Reach::Identity {
                    continue;
                }
                let shared = sharing.entry(&probe.target, i);
                match shared.with.iter_mut().find(|w| w.collection == name) {
                    Some(w) => w.rows += others,
                    None => shared.with.push(SharedWith {
                        collection: name.clone(),
                        rows: others,
                    }),
                }
            }
        }
    }
    for (collection, rows) in &mut sharing.rows {
        for (i, shared) in rows.iter_mut() {
            if let Some(links) = own_links.remove(&(collection.clone(), *i)) {
                shared.links.extend(links);
            }
        }
    }
    // Children: every owner link must lead to the person's rows. The person's values of
    // each linked field, gathered once.
    // Keyed by (parent collection, parent field, compared ignoring case).
    let mut owned: BTreeMap<(CollectionRef, String, bool), BTreeSet<String>> = BTreeMap::new();
    for f in found {
        if let Some(collection) = world.map.collection(&f.collection) {
            for field in &collection.fields {
                for r in &field.references {
                    let fold = world.ignores_case(&f.collection, &field.name)
                        || world.ignores_case(&r.to.collection, &r.to.field);
                    let key = (r.to.collection.clone(), r.to.field.clone(), fold);
                    if owned.contains_key(&key) {
                        continue;
                    }
                    let values = found_of(&r.to.collection)
                        .map(|p| {
                            p.rows
                                .iter()
                                .filter_map(|pr| {
                                    p.get(pr, &r.to.field).map(|v| super::compare_text(v, fold))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    owned.insert(key, values);
                }
            }
        }
    }
    let empty = BTreeSet::new();
    let values_of = |c: &CollectionRef, f: &str, fold: bool| {
        owned
            .get(&(c.clone(), f.to_owned(), fold))
            .unwrap_or(&empty)
    };
    for f in found {
        let Some(collection) = world.map.collection(&f.collection) else {
            continue;
        };
        for (i, row) in f.rows.iter().enumerate() {
            if f.reach(i) != Reach::Child {
                continue;
            }
            let mut others: Vec<SharedWith> = Vec::new();
            let mut mine: Vec<Link> = Vec::new();
            for field in &collection.fields {
                for r in field
                    .references
                    .iter()
                    .filter(|r| matches!(r.direction, Direction::From | Direction::Both))
                {
                    let Some(value) = f.get(row, &field.name).filter(|v| !v.is_null()) else {
                        continue;
                    };
                    let fold = world.ignores_case(&f.collection, &field.name)
                        || world.ignores_case(&r.to.collection, &r.to.field);
                    let theirs = !values_of(&r.to.collection, &r.to.field, fold)
                        .contains(&super::compare_text(value, fold));
                    if theirs {
                        others.push(SharedWith {
                            collection: r.to.collection.to_string(),
                            rows: 1,
                        });
                    } else {
                        mine.push(Link {
                            collection: f.collection.clone(),
                            row: i,
                            columns: vec![field.name.clone()],
                        });
                    }
                }
            }
            // Shared by its owner links, or (found above) by other people's rows pointing at
            // it: either way the person's own owner links in it are theirs to remove.
            if !others.is_empty() || sharing.get(&f.collection, i).is_some() {
                let shared = sharing.entry(&f.collection, i);
                shared.with.extend(others);
                for link in mine {
                    if !shared.links.contains(&link) {
                        shared.links.push(link);
                    }
                }
            }
        }
    }
    for rows in sharing.rows.values() {
        for shared in rows.values() {
            for l in &shared.links {
                let cols = sharing
                    .links_by_row
                    .entry((l.collection.clone(), l.row))
                    .or_default();
                for c in &l.columns {
                    if !cols.contains(c) {
                        cols.push(c.clone());
                    }
                }
            }
        }
    }
    sharing
}
