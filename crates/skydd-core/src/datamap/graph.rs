//! The traversal: in which order to query collections so that each is queried once, after
//! every collection whose values it is looked up by.
//!
//! Edges follow the references: `direction: from` on field `F` of `C` pointing at `D.G`
//! means `C` is looked up with the values `D.G` returned (an edge `D.G → C.F`); `to` is
//! the reverse; no direction means either way, and the traversal takes the way it
//! discovers first (breadth-first from the collections holding the given identities).
//! `after` adds ordering without data. Collections then run in waves: every collection of
//! a wave has all its inputs from earlier waves, so a wave's queries can run at once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use super::{CollectionRef, DataMap, Direction, FieldRef};
use crate::identity::IdentityKind;

/// Where a collection's lookup values come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Input {
    /// The request's identity of `identity` kind, matched against `field`.
    Identity {
        /// The field holding the identity.
        field: String,
        /// Which identity.
        identity: IdentityKind,
    },
    /// The values of `from` in rows already found, matched against `field`.
    Edge {
        /// The source field.
        from: FieldRef,
        /// The field matched.
        field: String,
        /// Whether the reference is declared on the source field, so the rows found are
        /// *referenced by* the person's rows (an address a customer points at, which other
        /// people may point at too); otherwise the rows found refer to the person's rows and
        /// belong to them (a customer's invoices).
        referenced: bool,
    },
}

/// One collection to query, with its inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The collection.
    pub collection: CollectionRef,
    /// Where its lookup values come from (OR-ed together).
    pub inputs: Vec<Input>,
}

/// A traversal.
#[derive(Debug, Clone, Serialize)]
pub struct Traversal {
    /// Collections in waves; a wave's collections depend only on earlier waves.
    pub waves: Vec<Vec<Node>>,
    /// Collections the given identities do not reach (not queried).
    pub unreached: Vec<CollectionRef>,
}

impl Traversal {
    /// Every node, wave by wave.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.waves.iter().flatten()
    }
}

/// Why no traversal exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The request names no identity any collection holds.
    #[error(
        "no collection holds any of the identities given ({given}); the data map's identities are: {known}"
    )]
    NoSeed {
        /// What was given.
        given: String,
        /// What the map has.
        known: String,
    },
    /// Collections depend on each other in a circle.
    #[error(
        "these collections depend on each other in a cycle and cannot be ordered: {0}; make a reference one-way (`direction`) or drop an `after`"
    )]
    Cycle(String),
    /// Collections no identity or reference reaches.
    #[error(
        "unreachable collections: {0}; give them an identity field, a reference, or `fides_meta: {{skip_processing: true}}`"
    )]
    Unreachable(String),
}

fn join(refs: &BTreeSet<CollectionRef>) -> String {
    refs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The traversal for a request giving identities of the kinds `given`.
pub fn traversal(map: &DataMap, given: &[IdentityKind]) -> Result<Traversal, GraphError> {
    // Seeds and directed data edges (undirected references give both directions for now).
    let mut inputs: BTreeMap<CollectionRef, Vec<Input>> = BTreeMap::new();
    let mut seeds = BTreeSet::new();
    for c in map.collections().filter(|c| !c.skip) {
        for f in &c.fields {
            if let Some(kind) = &f.identity
                && given.contains(kind)
            {
                seeds.insert(c.key.clone());
                inputs
                    .entry(c.key.clone())
                    .or_default()
                    .push(Input::Identity {
                        field: f.name.clone(),
                        identity: kind.clone(),
                    });
            }
        }
    }
    if seeds.is_empty() {
        let known = map
            .identity_kinds()
            .iter()
            .map(|k| k.key().to_owned())
            .collect::<Vec<_>>()
            .join(", ");
        let given = given
            .iter()
            .map(|k| k.key().to_owned())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(GraphError::NoSeed { given, known });
    }
    // (from, to, undirected, declared on `from` so `to` is the referenced side)
    let mut edges: Vec<(FieldRef, FieldRef, bool, bool)> = Vec::new();
    for c in map.collections().filter(|c| !c.skip) {
        for f in &c.fields {
            let here = FieldRef {
                collection: c.key.clone(),
                field: f.name.clone(),
            };
            for r in &f.references {
                if map.collection(&r.to.collection).is_none_or(|t| t.skip) {
                    continue;
                }
                match r.direction {
                    Direction::From => edges.push((r.to.clone(), here.clone(), false, false)),
                    Direction::To => edges.push((here.clone(), r.to.clone(), false, true)),
                    Direction::Both => {
                        edges.push((r.to.clone(), here.clone(), true, false));
                        edges.push((here.clone(), r.to.clone(), true, true));
                    }
                }
            }
        }
    }
    // Breadth-first depth from the seeds.
    let mut depth: BTreeMap<CollectionRef, usize> = seeds.iter().map(|s| (s.clone(), 0)).collect();
    let mut queue: VecDeque<CollectionRef> = seeds.iter().cloned().collect();
    while let Some(c) = queue.pop_front() {
        let d = depth[&c];
        for (from, to, _, _) in &edges {
            if from.collection == c && !depth.contains_key(&to.collection) {
                depth.insert(to.collection.clone(), d + 1);
                queue.push_back(to.collection.clone());
            }
        }
    }
    // Keep directed edges between reached collections; an undirected one only downhill.
    let mut deps: BTreeMap<CollectionRef, BTreeSet<CollectionRef>> =
        depth.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (from, to, undirected, referenced) in &edges {
        let (Some(df), Some(dt)) = (depth.get(&from.collection), depth.get(&to.collection)) else {
            continue;
        };
        if *undirected && df >= dt {
            continue;
        }
        if from.collection == to.collection {
            continue;
        }
        inputs
            .entry(to.collection.clone())
            .or_default()
            .push(Input::Edge {
                from: from.clone(),
                field: to.field.clone(),
                referenced: *referenced,
            });
        deps.entry(to.collection.clone())
            .or_default()
            .insert(from.collection.clone());
    }
    for c in map.collections() {
        if depth.contains_key(&c.key) {
            for a in &c.after {
                if depth.contains_key(a) {
                    deps.entry(c.key.clone()).or_default().insert(a.clone());
                }
            }
        }
    }
    // Kahn's algorithm, one wave at a time.
    let mut waves = Vec::new();
    let mut done: BTreeSet<CollectionRef> = BTreeSet::new();
    while done.len() < deps.len() {
        let ready: Vec<CollectionRef> = deps
            .iter()
            .filter(|(c, d)| !done.contains(*c) && d.iter().all(|x| done.contains(x)))
            .map(|(c, _)| c.clone())
            .collect();
        if ready.is_empty() {
            let stuck: BTreeSet<CollectionRef> = deps
                .keys()
                .filter(|c| !done.contains(*c))
                .cloned()
                .collect();
            return Err(GraphError::Cycle(join(&cycle_members(&deps, &stuck))));
        }
        let wave = ready
            .iter()
            .map(|c| Node {
                collection: c.clone(),
                inputs: inputs.remove(c).unwrap_or_default(),
            })
            .collect();
        done.extend(ready);
        waves.push(wave);
    }
    let unreached = map
        .collections()
        .filter(|c| !c.skip && !depth.contains_key(&c.key))
        .map(|c| c.key.clone())
        .collect();
    Ok(Traversal { waves, unreached })
}

/// The collections on cycles among `stuck` (those that still wait for each other), leaving
/// out those that merely wait for a cycle.
fn cycle_members(
    deps: &BTreeMap<CollectionRef, BTreeSet<CollectionRef>>,
    stuck: &BTreeSet<CollectionRef>,
) -> BTreeSet<CollectionRef> {
    // A stuck node is on a cycle when it can reach itself through stuck dependencies.
    stuck
        .iter()
        .filter(|start| {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&CollectionRef> =
                deps[*start].iter().filter(|d| stuck.contains(*d)).collect();
            while let Some(n) = todo.pop() {
                if n == *start {
                    return true;
                }
                if seen.insert(n) {
                    todo.extend(deps[n].iter().filter(|d| stuck.contains(*d)));
                }
            }
            false
        })
        .cloned()
        .collect()
}

/// Checks that the map can serve requests at all: with every identity it declares, every
/// collection (but those marked `skip_processing`) is reached and the order exists.
pub fn check(map: &DataMap) -> Result<Traversal, GraphError> {
    let kinds: Vec<IdentityKind> = map.identity_kinds().into_iter().collect();
    let t = traversal(map, &kinds)?;
    if !t.unreached.is_empty() {
        return Err(GraphError::Unreachable(join(
            &t.unreached.iter().cloned().collect(),
        )));
    }
    Ok(t)
}
