//! Finding one person's rows: the traversal run against the live databases.
//!
//! Each collection is queried once, with every lookup value from its inputs in batched
//! `IN` lists (`WHERE a IN (…) OR b IN (…)`); the collections of a wave run concurrently
//! over the pool. Only declared fields (and the key columns needed to address rows) are
//! read.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use skydd_core::datamap::graph::{Input, Traversal};
use skydd_core::datamap::{CollectionRef, DataMap};
use skydd_core::identity::IdentityKind;
use skydd_core::plan::erasure::{FoundRows, Reach};
use skydd_core::plan::sharing::Probe;
use skydd_core::schema::{Column, Schema};
use skydd_core::value::Value;
use sqlx::AssertSqlSafe;
use tokio::task::JoinSet;

use crate::{Db, DbError, bind, value};

/// Lookup values per query; larger sets are split.
const BATCH: usize = 1000;

/// What an access traversal found, and what it cost.
#[derive(Debug, Clone)]
pub struct Access {
    /// Rows by collection, in traversal order (collections with no rows included).
    pub found: Vec<FoundRows>,
    /// Statements issued.
    pub statements: usize,
    /// Time spent, in milliseconds.
    pub millis: f64,
    /// Collections of the map the identities given did not reach (not queried).
    pub unreached: Vec<CollectionRef>,
    /// Per collection in `found`: how many rows were found, and whether any was matched
    /// by the person's identity. (With a [`RowSink`], `found` keeps only the columns later
    /// lookups need, so its rows do not say this.)
    pub seen: Vec<Seen>,
}

/// What was found in one collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The collection.
    pub collection: CollectionRef,
    /// Rows found.
    pub rows: usize,
    /// Some row was matched by the person's identity.
    pub by_identity: bool,
}

/// Where a streaming traversal sends the rows it reads, a chunk at a time, so a person
/// with a million rows costs no more memory than one with ten. Called from the tasks that
/// read collections concurrently; the rows of one collection arrive in order.
pub trait RowSink: Send + Sync {
    /// Takes rows of `collection` (values in the order of `columns`).
    fn rows(
        &self,
        collection: &CollectionRef,
        columns: &[String],
        rows: Vec<Vec<Value>>,
    ) -> Result<(), String>;
}

/// Rows read per chunk before they go to the sink.
const CHUNK: usize = 1000;

/// The columns a query reads for a collection: the declared fields, then any key column
/// the declaration leaves out.
pub fn columns(
    map: &DataMap,
    schema: &Schema,
    collection: &CollectionRef,
    db: &Db,
) -> Result<Vec<Column>, DbError> {
    let c = map
        .collection(collection)
        .ok_or_else(|| db.schema_error(format!("{collection} is not in the data map")))?;
    let table = schema.table(&collection.collection).ok_or_else(|| {
        db.schema_error(format!(
            "table `{}` of {collection} does not exist; run `skydd map check`",
            collection.collection
        ))
    })?;
    let mut out = Vec::new();
    for f in &c.fields {
        let col = table.column(&f.name).ok_or_else(|| {
            db.schema_error(format!(
                "{collection}: column `{}` does not exist; run `skydd map check`",
                f.name
            ))
        })?;
        out.push(col.clone());
    }
    // Keys the map leaves out are read too: the primary key addresses rows, foreign keys
    // tell whose rows point at a shared row.
    let keys = table
        .primary_key
        .iter()
        .chain(table.foreign_keys.iter().flat_map(|fk| fk.columns.iter()));
    for k in keys {
        if !out.iter().any(|c| &c.name == k)
            && let Some(col) = table.column(k)
        {
            out.push(col.clone());
        }
    }
    Ok(out)
}

/// One input of a collection's lookup: rows whose `column` (lower-cased when `fold`) holds
/// one of `values` were reached this way.
struct Lookup {
    column: Column,
    fold: bool,
    values: Vec<Value>,
    reach: Reach,
}

/// One collection's query, ready to run.
struct Job {
    db: Db,
    collection: CollectionRef,
    columns: Vec<Column>,
    lookups: Vec<Lookup>,
    key: Vec<String>,
    /// With a sink: rows go there, and only these columns are kept (those later lookups
    /// read); without: every column of every row is kept.
    sink: Option<(std::sync::Arc<dyn RowSink>, Vec<String>)>,
}

/// Runs the traversal. `identities` gives, per identity kind, the spellings to look for.
///
/// E-mail addresses are compared ignoring case (`lower(col)`, or the column as is when it
/// ignores case itself), because people and systems capitalise them at will and a missed
/// row is an incomplete answer; every other identity is compared exactly, in each spelling
/// given (phone numbers and personnummer hold no letters; a company's own identifiers may
/// tell `ab12` from `AB12`, and a wider match could reach someone else's rows).
pub async fn access(
    map: &DataMap,
    traversal: &Traversal,
    identities: &BTreeMap<IdentityKind, Vec<String>>,
    dbs: &BTreeMap<String, Db>,
    schemas: &BTreeMap<String, Schema>,
) -> Result<Access, DbError> {
    access_into(map, traversal, identities, dbs, schemas, None).await
}

/// [`access`], sending every row to `sink` as it is read and keeping of each collection
/// only the columns later lookups read.
pub async fn access_into(
    map: &DataMap,
    traversal: &Traversal,
    identities: &BTreeMap<IdentityKind, Vec<String>>,
    dbs: &BTreeMap<String, Db>,
    schemas: &BTreeMap<String, Schema>,
    sink: Option<std::sync::Arc<dyn RowSink>>,
) -> Result<Access, DbError> {
    let started = Instant::now();
    let mut seen_rows: BTreeMap<CollectionRef, Seen> = BTreeMap::new();
    // The fields later lookups read, by collection.
    let mut sources: BTreeMap<CollectionRef, Vec<String>> = BTreeMap::new();
    for node in traversal.nodes() {
        for input in &node.inputs {
            if let Input::Edge { from, .. } = input {
                let fields = sources.entry(from.collection.clone()).or_default();
                if !fields.contains(&from.field) {
                    fields.push(from.field.clone());
                }
            }
        }
    }
    let mut found: BTreeMap<CollectionRef, FoundRows> = BTreeMap::new();
    let mut order = Vec::new();
    let mut statements = 0;
    for wave in &traversal.waves {
        let mut set = JoinSet::new();
        for node in wave {
            let coll = &node.collection;
            let db = dbs.get(&coll.dataset).ok_or_else(|| DbError::Schema {
                name: coll.dataset.clone(),
                reason: format!("no database is declared for dataset `{}`", coll.dataset),
            })?;
            let schema = schemas
                .get(&coll.dataset)
                .ok_or_else(|| db.schema_error("schema not read"))?;
            let table = schema.table(&coll.collection).ok_or_else(|| {
                db.schema_error(format!("table `{}` does not exist", coll.collection))
            })?;
            let columns = columns(map, schema, coll, db)?;
            let mut lookups: Vec<Lookup> = Vec::new();
            for input in &node.inputs {
                let (field, values, fold, reach): (&str, Vec<Value>, bool, Reach) = match input {
                    Input::Identity { field, identity } => {
                        let fold = *identity == IdentityKind::Email;
                        let values = identities
                            .get(identity)
                            .map(|v| {
                                v.iter()
                                    .flat_map(|s| {
                                        if fold {
                                            db.dialect.folded_spellings(&s.to_lowercase())
                                        } else {
                                            vec![s.clone()]
                                        }
                                    })
                                    .map(Value::Text)
                                    .collect()
                            })
                            .unwrap_or_default();
                        (field, values, fold, Reach::Identity)
                    }
                    Input::Edge {
                        from,
                        field,
                        referenced,
                    } => {
                        let values = found
                            .get(&from.collection)
                            .map(|f| {
                                f.rows
                                    .iter()
                                    .filter_map(|r| f.get(r, &from.field).cloned())
                                    .collect()
                            })
                            .unwrap_or_default();
                        let reach = if *referenced {
                            Reach::Referenced
                        } else {
                            Reach::Child
                        };
                        (field, values, false, reach)
                    }
                };
                let column = table
                    .column(field)
                    .ok_or_else(|| {
                        db.schema_error(format!(
                            "{coll}: column `{field}` does not exist; run `skydd map check`"
                        ))
                    })?
                    .clone();
                let mut seen = BTreeSet::new();
                let values: Vec<Value> = values
                    .into_iter()
                    .filter_map(|v| db.dialect.coerce(&v, column.kind))
                    .filter(|v| seen.insert(v.key()))
                    .collect();
                if !values.is_empty() {
                    lookups.push(Lookup {
                        column,
                        fold,
                        values,
                        reach,
                    });
                }
            }
            let key = if table.primary_key.is_empty() {
                columns.iter().map(|c| c.name.clone()).collect()
            } else {
                table.primary_key.clone()
            };
            order.push(coll.clone());
            if lookups.is_empty() {
                found.insert(
                    coll.clone(),
                    FoundRows {
                        collection: coll.clone(),
                        columns: columns.iter().map(|c| c.name.clone()).collect(),
                        rows: Vec::new(),
                        reach: Vec::new(),
                    },
                );
                continue;
            }
            let job = Job {
                db: db.clone(),
                collection: coll.clone(),
                columns,
                lookups,
                key,
                sink: sink.as_ref().map(|s| {
                    (
                        std::sync::Arc::clone(s),
                        sources.get(coll).cloned().unwrap_or_default(),
                    )
                }),
            };
            set.spawn(async move { run(job).await });
        }
        while let Some(joined) = set.join_next().await {
            let (rows, n, seen) = joined.map_err(|e| DbError::Query {
                name: "traversal".into(),
                reason: e.to_string(),
            })??;
            statements += n;
            seen_rows.insert(rows.collection.clone(), seen);
            found.insert(rows.collection.clone(), rows);
        }
    }
    let seen = order
        .iter()
        .map(|c| {
            seen_rows.remove(c).unwrap_or(Seen {
                collection: c.clone(),
                rows: 0,
                by_identity: false,
            })
        })
        .collect();
    let found = order.into_iter().filter_map(|c| found.remove(&c)).collect();
    Ok(Access {
        found,
        statements,
        millis: started.elapsed().as_secs_f64() * 1000.0,
        unreached: traversal.unreached.clone(),
        seen,
    })
}

/// How a row was reached: the strongest lookup it matches (identity, then child, then
/// referenced). A row matched only by the database's own comparison rules (a collation
/// that ignores case in a key) counts as reached by its weakest lookup, which is the
/// careful side: a referenced row is checked for other people's links.
fn reach_of(lookups: &[Lookup], columns: &[String], row: &[Value]) -> Reach {
    let matches = |l: &Lookup| {
        columns
            .iter()
            .position(|c| *c == l.column.name)
            .and_then(|i| row.get(i))
            .is_some_and(|v| {
                let k = if l.fold {
                    v.key().to_lowercase()
                } else {
                    v.key()
                };
                l.values.iter().any(|x| x.key() == k)
            })
    };
    for reach in [Reach::Identity, Reach::Child, Reach::Referenced] {
        if lookups.iter().any(|l| l.reach == reach && matches(l)) {
            return reach;
        }
    }
    lookups
        .iter()
        .map(|l| l.reach)
        .max_by_key(|r| match r {
            Reach::Identity => 0,
            Reach::Child => 1,
            Reach::Referenced => 2,
        })
        .unwrap_or(Reach::Identity)
}

/// Runs one collection's lookups, splitting large value sets, and merges the rows.
async fn run(job: Job) -> Result<(FoundRows, usize, Seen), DbError> {
    let d = &job.db.dialect;
    let select = job
        .columns
        .iter()
        .map(|c| d.select(c))
        .collect::<Vec<_>>()
        .join(", ");
    let names: Vec<String> = job.columns.iter().map(|c| c.name.clone()).collect();
    let mut out = FoundRows {
        collection: job.collection.clone(),
        columns: names,
        rows: Vec::new(),
        reach: Vec::new(),
    };
    let mut summary = Seen {
        collection: job.collection.clone(),
        rows: 0,
        by_identity: false,
    };
    // With a sink, keep only the columns later lookups read.
    let kept: Vec<usize> = match &job.sink {
        Some((_, keep)) => keep
            .iter()
            .filter_map(|k| out.columns.iter().position(|c| c == k))
            .collect(),
        None => (0..out.columns.len()).collect(),
    };
    let all_columns = std::mem::take(&mut out.columns);
    out.columns = kept.iter().map(|&i| all_columns[i].clone()).collect();
    let key_idx: Vec<usize> = job
        .key
        .iter()
        .filter_map(|k| all_columns.iter().position(|c| c == k))
        .collect();
    // Lookups on the same column in the same way are one IN list.
    let mut filters: Vec<(&Column, bool, Vec<&Value>, BTreeSet<String>)> = Vec::new();
    for l in &job.lookups {
        let at = match filters
            .iter()
            .position(|(c, fold, _, _)| c.name == l.column.name && *fold == l.fold)
        {
            Some(i) => i,
            None => {
                filters.push((&l.column, l.fold, Vec::new(), BTreeSet::new()));
                filters.len() - 1
            }
        };
        let (_, _, values, keys) = &mut filters[at];
        for v in &l.values {
            if keys.insert(v.key()) {
                values.push(v);
            }
        }
    }
    let filters: Vec<(&Column, bool, Vec<&Value>)> =
        filters.into_iter().map(|(c, f, v, _)| (c, f, v)).collect();
    // One query per batch of values, OR-ing all filters when everything fits in one.
    let total: usize = filters.iter().map(|(_, _, v)| v.len()).sum();
    let batches: Vec<Vec<(&Column, bool, &[&Value])>> = if total <= BATCH {
        vec![
            filters
                .iter()
                .map(|(c, f, v)| (*c, *f, v.as_slice()))
                .collect(),
        ]
    } else {
        filters
            .iter()
            .flat_map(|(c, f, v)| v.chunks(BATCH).map(move |chunk| vec![(*c, *f, chunk)]))
            .collect()
    };
    // Rows are unique within one statement; only several statements can find one row twice.
    let dedupe = batches.len() > 1;
    let mut seen = BTreeSet::new();
    let mut chunk: Vec<Vec<Value>> = Vec::new();
    let mut statements = 0;
    for batch in batches {
        let mut n = 0;
        let mut params = Vec::new();
        let conds: Vec<String> = batch
            .iter()
            .map(|(col, fold, values)| {
                let ph: Vec<String> = values
                    .iter()
                    .map(|v| {
                        n += 1;
                        params.push((*v).clone());
                        d.typed_param(n, col.kind)
                    })
                    .collect();
                let lhs = if *fold {
                    d.case_folded(col)
                } else {
                    d.ident(&col.name)
                };
                format!("{lhs} IN ({})", ph.join(", "))
            })
            .collect();
        let sql = format!(
            "SELECT {select} FROM {} WHERE {}",
            d.table(&job.collection.collection),
            conds.join(" OR ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in &params {
            q = bind(q, p);
        }
        // Streamed: rows are taken one at a time, never the whole result at once.
        let mut stream = q.fetch(job.db.pool());
        statements += 1;
        while let Some(r) = futures_util::TryStreamExt::try_next(&mut stream)
            .await
            .map_err(|e| job.db.query_error(e))?
        {
            let row: Vec<Value> = (0..all_columns.len())
                .map(|i| value(&r, i))
                .collect::<Result<_, _>>()
                .map_err(|e| job.db.query_error(e))?;
            if dedupe {
                let k: String = key_idx
                    .iter()
                    .map(|i| row[*i].key())
                    .collect::<Vec<_>>()
                    .join("\u{1f}");
                if !seen.insert(k) {
                    continue;
                }
            }
            let reach = reach_of(&job.lookups, &all_columns, &row);
            summary.rows += 1;
            summary.by_identity |= reach == Reach::Identity;
            match &job.sink {
                None => {
                    out.reach.push(reach);
                    out.rows.push(row);
                }
                Some((sink, _)) => {
                    if !kept.is_empty() {
                        out.reach.push(reach);
                        out.rows
                            .push(kept.iter().map(|&i| row[i].clone()).collect());
                    }
                    chunk.push(row);
                    if chunk.len() >= CHUNK {
                        sink.rows(&job.collection, &all_columns, std::mem::take(&mut chunk))
                            .map_err(|e| job.db.query_error(e))?;
                    }
                }
            }
        }
    }
    if let Some((sink, _)) = &job.sink
        && !chunk.is_empty()
    {
        sink.rows(&job.collection, &all_columns, chunk)
            .map_err(|e| job.db.query_error(e))?;
    }
    Ok((out, statements, summary))
}

/// Counts, for each probe, the rows of its referencing collection that point at each of
/// its values ([`skydd_core::plan::sharing`]): `out[i]` answers `probes[i]`, as (values,
/// rows), with values read the way the traversal reads them.
pub async fn count_references(
    probes: &[Probe],
    dbs: &BTreeMap<String, Db>,
    schemas: &BTreeMap<String, Schema>,
) -> Result<Vec<Vec<(Vec<Value>, u64)>>, DbError> {
    let mut out = Vec::with_capacity(probes.len());
    for p in probes {
        let dataset = &p.referencing.dataset;
        let db = dbs.get(dataset).ok_or_else(|| DbError::Schema {
            name: dataset.clone(),
            reason: format!("no database is declared for dataset `{dataset}`"),
        })?;
        let schema = schemas
            .get(dataset)
            .ok_or_else(|| db.schema_error("schema not read"))?;
        // A referencing collection the database does not have points at nothing.
        let Some(table) = schema.table(&p.referencing.collection) else {
            out.push(Vec::new());
            continue;
        };
        let Some(columns) = p
            .columns
            .iter()
            .map(|c| table.column(c).cloned())
            .collect::<Option<Vec<Column>>>()
        else {
            out.push(Vec::new());
            continue;
        };
        let d = &db.dialect;
        let kinds: Vec<_> = columns.iter().map(|c| c.kind).collect();
        let select: Vec<String> = columns.iter().map(|c| d.select(c)).collect();
        let names: Vec<String> = columns.iter().map(|c| d.ident(&c.name)).collect();
        let values: Vec<Vec<Value>> = p
            .values
            .iter()
            .filter_map(|t| {
                t.iter()
                    .zip(&kinds)
                    .map(|(v, k)| d.coerce(v, *k))
                    .collect::<Option<Vec<Value>>>()
            })
            .collect();
        let mut counts = Vec::new();
        for chunk in values.chunks(BATCH / columns.len().max(1)) {
            let mut params = Vec::new();
            let where_ = d.key_in(&names, &kinds, chunk, &mut params);
            let sql = format!(
                "SELECT {}, COUNT(*) FROM {} WHERE {where_} GROUP BY {}",
                select.join(", "),
                d.table(&p.referencing.collection),
                names.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for v in &params {
                q = bind(q, v);
            }
            let rows = q
                .fetch_all(db.pool())
                .await
                .map_err(|e| db.query_error(e))?;
            for r in &rows {
                let tuple = (0..columns.len())
                    .map(|i| value(r, i))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| db.query_error(e))?;
                let n: i64 = sqlx::Row::try_get(r, columns.len()).map_err(|e| db.query_error(e))?;
                counts.push((tuple, u64::try_from(n).unwrap_or(0)));
            }
        }
        out.push(counts);
    }
    Ok(out)
}

/// Reads rows of `collection` by key: `columns` of the rows whose `key` columns hold one of
/// `keys` (given as text, as skydd's ledger keeps them), each row as its values in the
/// order of `columns`, keyed by the key's text.
pub async fn rows_by_key(
    db: &Db,
    schema: &Schema,
    collection: &str,
    key: &[String],
    columns: &[String],
    keys: &[Vec<String>],
) -> Result<Vec<(Vec<String>, Vec<Value>)>, DbError> {
    let d = &db.dialect;
    let t = schema
        .table(collection)
        .ok_or_else(|| db.schema_error(format!("table `{collection}` does not exist")))?;
    let key_cols: Vec<&Column> = key
        .iter()
        .map(|k| {
            t.column(k)
                .ok_or_else(|| db.schema_error(format!("{collection}: no column `{k}`")))
        })
        .collect::<Result<_, _>>()?;
    let cols: Vec<&Column> = columns
        .iter()
        .map(|c| {
            t.column(c)
                .ok_or_else(|| db.schema_error(format!("{collection}: no column `{c}`")))
        })
        .collect::<Result<_, _>>()?;
    let kinds: Vec<_> = key_cols.iter().map(|c| c.kind).collect();
    let typed: Vec<Vec<Value>> = keys
        .iter()
        .filter_map(|k| {
            k.iter()
                .zip(&kinds)
                .map(|(v, kind)| d.coerce(&Value::Text(v.clone()), *kind))
                .collect::<Option<Vec<_>>>()
        })
        .collect();
    let mut out = Vec::new();
    let select: Vec<String> = key_cols
        .iter()
        .chain(cols.iter())
        .map(|c| d.select(c))
        .collect();
    for chunk in typed.chunks(BATCH / key.len().max(1)) {
        let mut params = Vec::new();
        let where_ = d.key_in(&d.key_columns(key, None), &kinds, chunk, &mut params);
        let sql = format!(
            "SELECT {} FROM {} WHERE {where_}",
            select.join(", "),
            d.table(collection)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in &params {
            q = bind(q, p);
        }
        for r in q
            .fetch_all(db.pool())
            .await
            .map_err(|e| db.query_error(e))?
        {
            let values = (0..select.len())
                .map(|i| value(&r, i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| db.query_error(e))?;
            let (k, v) = values.split_at(key.len());
            out.push((k.iter().map(Value::key).collect(), v.to_vec()));
        }
    }
    Ok(out)
}
