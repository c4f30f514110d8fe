//! The access package (registerutdrag, GDPR Art. 15): the person's data as found, each value
//! with its data categories, and what Art. 15(1)(a)–(h) and 15(2) require the controller to
//! say about it, taken from the register for the categories actually found: purposes,
//! categories, recipients, transfers and their safeguards, retention, source, the rights,
//! the complaint route, and automated decisions. Also the subset a person may take with
//! them (data portability, Art. 20).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::datamap::CollectionRef;
use crate::law::{LegalBasis, Source};
use crate::plan::World;
use crate::plan::erasure::{FoundRows, Reach};
use crate::register::Purpose;
use crate::text::Lang;
use crate::value::Value;

/// A value and what kind of data it is.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The value.
    pub value: Value,
    /// Its data categories.
    pub categories: Vec<String>,
}

/// One collection's rows.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionData {
    /// `dataset.collection`.
    pub collection: String,
    /// Rows: field → value with categories, in the data map's field order.
    pub rows: Vec<BTreeMap<String, Cell>>,
    /// Field order.
    pub fields: Vec<String>,
    /// Rows found beyond those in `rows` (a long collection is summarised in the report;
    /// the package file holds every row).
    #[serde(skip)]
    pub more: usize,
}

/// What was found in one collection, without its rows: enough to say which purposes
/// concern the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The collection.
    pub collection: CollectionRef,
    /// Rows found.
    pub rows: usize,
    /// Some row was matched by the person's identity.
    pub by_identity: bool,
}

/// What the register says about a purpose that covers data found.
#[derive(Debug, Clone, Serialize)]
pub struct PurposeInfo {
    /// Purpose id.
    pub id: String,
    /// Name in Swedish and English.
    pub name: (String, String),
    /// Legal bases with their articles.
    pub legal_bases: Vec<(String, String, &'static str)>,
    /// The statute behind a legal obligation.
    pub statute: Option<String>,
    /// Data categories of it that were found (labels sv, en).
    pub categories: Vec<(String, String)>,
    /// Recipients: (name sv, name en, role sv, role en, place sv, place en).
    pub recipients: Vec<[String; 6]>,
    /// Transfers outside the EU/EEA: (recipient, place sv, place en, safeguard sv, safeguard en).
    pub transfers: Vec<[String; 5]>,
    /// Retention in words (sv, en).
    pub retention: Option<(String, String)>,
    /// Sources (sv, en), with the named source when not the person.
    pub sources: Vec<(String, String)>,
    /// Automated decisions: (logic sv, logic en, significance sv, significance en).
    pub automated: Option<[String; 4]>,
}

/// A field an erasure kept because a legal obligation requires it (Art. 17(3)(b)); the
/// person may no longer be found by their identity, but skydd's ledger knows it is theirs,
/// and Art. 15(1)(d) asks for how long it is kept.
#[derive(Debug, Clone, Serialize)]
pub struct HeldField {
    /// `dataset.collection`.
    pub collection: String,
    /// The row's key (`id=11`).
    pub key: String,
    /// The field.
    pub field: String,
    /// Its value now, when the row could be read.
    pub value: Option<Value>,
    /// Its data categories.
    pub categories: Vec<String>,
    /// The purpose that keeps it.
    pub purpose: String,
    /// The statute.
    pub statute: Option<String>,
    /// The last day it is kept, when known.
    pub until: Option<Date>,
}

/// What skydd itself records about the person (their requests and restrictions are
/// personal data too).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Records {
    /// Requests: (kind, received, status, completed).
    pub requests: Vec<RecordedRequest>,
    /// Restrictions, objections and withdrawn consent in force: (kind, purpose, since).
    pub restrictions: Vec<(String, Option<String>, String)>,
}

/// A request skydd recorded.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    /// access, erasure, …
    pub kind: String,
    /// The day it was received.
    pub received: String,
    /// done or failed.
    pub status: String,
    /// When it was answered.
    pub completed: Option<String>,
}

/// The access package.
#[derive(Debug, Clone, Serialize)]
pub struct AccessPackage {
    /// The controller.
    pub controller: String,
    /// The identities searched for (`email:anna@example.se`).
    pub identities: Vec<String>,
    /// When the request was received.
    pub received: Date,
    /// When it must be answered (Art. 12(3), Regulation 1182/71).
    pub due: Option<Date>,
    /// The data, by collection (empty collections left out).
    pub data: Vec<CollectionData>,
    /// Data kept by legal obligations after an erasure.
    pub held: Vec<HeldField>,
    /// What skydd itself records about the person.
    pub records: Records,
    /// What the register says about the data found.
    pub purposes: Vec<PurposeInfo>,
    /// Data found that no purpose covers (a gap the controller must close).
    pub uncovered: Vec<String>,
    /// Collections of the data map the identities given do not reach: the answer may be
    /// incomplete there (a gap the controller must close before answering).
    pub unreached: Vec<String>,
    /// The register's content hash, tying the answer to the register version.
    pub register_hash: String,
}

/// What an access package is built from besides the rows found.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Collections the traversal did not reach.
    pub unreached: Vec<String>,
    /// Fields kept by legal obligations.
    pub held: Vec<HeldField>,
    /// skydd's own records.
    pub records: Records,
}

/// The purposes covering `field` of `collection` that concern the person: all of them,
/// unless the person is known to be of certain data subjects (`subjects`, from the
/// collections where their identity was found), when a purpose that names only other data
/// subjects is about someone else (a staff purpose in a customer's extract, even where
/// both purposes cover a shared address table).
fn concerning<'a>(
    world: &World<'a>,
    collection: &CollectionRef,
    field: &crate::datamap::Field,
    subjects: &[String],
) -> Vec<&'a Purpose> {
    world
        .covering(collection, field)
        .into_iter()
        .filter(|p| {
            subjects.is_empty()
                || p.data_subjects.is_empty()
                || p.data_subjects.iter().any(|s| subjects.contains(s))
        })
        .collect()
}

/// Builds the package.
pub fn build(
    world: &World<'_>,
    found: &[FoundRows],
    identities: Vec<String>,
    received: Date,
    extras: Extras,
) -> AccessPackage {
    let summary: Vec<Found> = found
        .iter()
        .map(|f| Found {
            collection: f.collection.clone(),
            rows: f.rows.len(),
            by_identity: (0..f.rows.len()).any(|i| f.reach(i) == Reach::Identity),
        })
        .collect();
    let mut pkg = about(world, &summary, identities, received, extras);
    pkg.data = found
        .iter()
        .filter(|f| !f.rows.is_empty())
        .filter_map(|f| {
            let collection = world.map.collection(&f.collection)?;
            let all: Vec<&crate::datamap::Field> = collection.fields.iter().collect();
            Some(CollectionData {
                collection: f.collection.to_string(),
                rows: cells(f, &all),
                fields: collection.fields.iter().map(|x| x.name.clone()).collect(),
                more: 0,
            })
        })
        .collect();
    pkg
}

/// The package without its rows (`data` empty): what the register says about the data
/// found, from what was found where. For answers streamed row by row.
pub fn about(
    world: &World<'_>,
    found: &[Found],
    identities: Vec<String>,
    received: Date,
    extras: Extras,
) -> AccessPackage {
    let reg = world.register;
    let mut subjects: Vec<String> = found
        .iter()
        .filter(|f| f.by_identity)
        .flat_map(|f| world.subjects_of(&f.collection))
        .collect();
    subjects.sort();
    subjects.dedup();
    let mut covering: BTreeMap<String, (&Purpose, Vec<String>)> = BTreeMap::new();
    let mut uncovered = Vec::new();
    for f in found.iter().filter(|f| f.rows > 0) {
        let Some(collection) = world.map.collection(&f.collection) else {
            continue;
        };
        for field in collection.fields.iter().filter(|x| x.is_personal()) {
            // A key is covered where the row it points at is (as `map check` reads it).
            if world.covering(&f.collection, field).is_empty()
                && !world.is_key(&f.collection, field)
            {
                uncovered.push(format!("{}.{}", f.collection, field.name));
            }
            for p in concerning(world, &f.collection, field, &subjects) {
                let entry = covering.entry(p.id.clone()).or_insert((p, Vec::new()));
                for c in &field.categories {
                    if !entry.1.contains(c) {
                        entry.1.push(c.clone());
                    }
                }
            }
        }
    }
    // Held data is there because of its purpose: that purpose concerns the person.
    for h in &extras.held {
        if let Some(p) = reg.purposes.iter().find(|p| p.id == h.purpose) {
            let entry = covering.entry(p.id.clone()).or_insert((p, Vec::new()));
            for c in &h.categories {
                if !entry.1.contains(c) {
                    entry.1.push(c.clone());
                }
            }
        }
    }
    // Keep the register's order of purposes.
    let purposes = reg
        .purposes
        .iter()
        .filter_map(|p| covering.get(&p.id))
        .map(|(p, cats)| info(world, p, cats))
        .collect();
    AccessPackage {
        controller: reg.controller.name.clone(),
        identities,
        received,
        due: crate::deadline::response_deadline(received, 0),
        data: Vec::new(),
        held: extras.held,
        records: extras.records,
        purposes,
        uncovered,
        unreached: extras.unreached,
        register_hash: reg.content_hash(),
    }
}

fn both(f: impl Fn(Lang) -> String) -> (String, String) {
    (f(Lang::Sv), f(Lang::En))
}

fn info(world: &World<'_>, p: &Purpose, cats: &[String]) -> PurposeInfo {
    let reg = world.register;
    let recipients: Vec<_> = p
        .recipients
        .iter()
        .filter_map(|id| reg.recipient(id))
        .collect();
    let place = |r: &crate::register::Recipient, l: Lang| {
        r.country.as_ref().map_or_else(String::new, |c| c.name(l))
    };
    PurposeInfo {
        id: p.id.clone(),
        name: both(|l| p.name.get(l).to_owned()),
        statute: p.statute.as_ref().map(|s| s.citation().to_owned()),
        legal_bases: p
            .legal_bases
            .iter()
            .map(|b| {
                (
                    b.name(Lang::Sv).to_owned(),
                    b.name(Lang::En).to_owned(),
                    b.article(),
                )
            })
            .collect(),
        categories: cats
            .iter()
            .map(|c| both(|l| reg.category_name(c, l)))
            .collect(),
        recipients: recipients
            .iter()
            .map(|r| {
                [
                    r.name(Lang::Sv).to_owned(),
                    r.name(Lang::En).to_owned(),
                    r.role.name(Lang::Sv).to_owned(),
                    r.role.name(Lang::En).to_owned(),
                    place(r, Lang::Sv),
                    place(r, Lang::En),
                ]
            })
            .collect(),
        transfers: recipients
            .iter()
            .filter(|r| r.is_third_country())
            .map(|r| {
                let m = |l: Lang| {
                    r.transfer.map_or_else(
                        || l.pick("ingen angiven", "none stated").to_owned(),
                        |m| m.name(l).to_owned(),
                    )
                };
                [
                    r.name(Lang::Sv).to_owned(),
                    place(r, Lang::Sv),
                    place(r, Lang::En),
                    m(Lang::Sv),
                    m(Lang::En),
                ]
            })
            .collect(),
        retention: p.retention.as_ref().map(|r| both(|l| r.describe(l, reg))),
        sources: p
            .sources
            .iter()
            .map(|s| {
                let detail = |l: Lang| match (&p.source_detail, s.is_elsewhere()) {
                    (Some(d), true) => format!("{}: {}", s.name(l), d.get(l)),
                    _ => s.name(l).to_owned(),
                };
                both(detail)
            })
            .collect(),
        automated: p.automated_decision.as_ref().map(|a| {
            let t = |x: &Option<crate::text::Text>, l: Lang| {
                x.as_ref().map_or_else(String::new, |t| t.get(l).to_owned())
            };
            [
                t(&a.logic, Lang::Sv),
                t(&a.logic, Lang::En),
                t(&a.significance, Lang::Sv),
                t(&a.significance, Lang::En),
            ]
        }),
    }
}

/// The part of the data a person may take with them (Art. 20): fields every covering
/// purpose of which rests on consent or contract, and which the person provided — given
/// directly, or observed from their use of the service (EDPB/WP29 guidelines on data
/// portability, WP242 rev.01, section II.1.b). Derived and third-party data is left out.
pub fn portable(world: &World<'_>, found: &[FoundRows]) -> Vec<CollectionData> {
    let mut out = Vec::new();
    for f in found {
        let Some(collection) = world.map.collection(&f.collection) else {
            continue;
        };
        let fields: Vec<&crate::datamap::Field> = collection
            .fields
            .iter()
            .filter(|field| field.is_personal())
            .filter(|field| {
                let ps = world.covering(&f.collection, field);
                !ps.is_empty()
                    && ps.iter().all(|p| {
                        (p.has_basis(LegalBasis::Consent) || p.has_basis(LegalBasis::Contract))
                            && p.sources.iter().all(|s| {
                                matches!(
                                    s,
                                    Source::DataSubject | Source::Observed | Source::Automatic
                                )
                            })
                    })
            })
            .collect();
        if fields.is_empty() || f.rows.is_empty() {
            continue;
        }
        let rows = cells(f, &fields);
        out.push(CollectionData {
            collection: f.collection.to_string(),
            rows,
            fields: fields.iter().map(|x| x.name.clone()).collect(),
            more: 0,
        });
    }
    out
}

/// One row (values in the order of `columns`) as `fields` mapped to their values with
/// their categories.
pub fn row_cells(
    columns: &[String],
    row: &[Value],
    fields: &[&crate::datamap::Field],
) -> BTreeMap<String, Cell> {
    fields
        .iter()
        .filter_map(|field| {
            let i = columns.iter().position(|c| *c == field.name)?;
            Some((
                field.name.clone(),
                Cell {
                    value: row.get(i)?.clone(),
                    categories: field.categories.clone(),
                },
            ))
        })
        .collect()
}

/// The rows of `f`, each as `fields` mapped to their values with their categories.
fn cells(f: &FoundRows, fields: &[&crate::datamap::Field]) -> Vec<BTreeMap<String, Cell>> {
    f.rows
        .iter()
        .map(|row| {
            fields
                .iter()
                .filter_map(|field| {
                    f.get(row, &field.name).map(|v| {
                        (
                            field.name.clone(),
                            Cell {
                                value: v.clone(),
                                categories: field.categories.clone(),
                            },
                        )
                    })
                })
                .collect()
        })
        .collect()
}

/// The collection a package entry belongs to.
pub fn collection_ref(s: &str) -> Option<CollectionRef> {
    let (dataset, collection) = s.split_once('.')?;
    Some(CollectionRef {
        dataset: dataset.to_owned(),
        collection: collection.to_owned(),
    })
}
