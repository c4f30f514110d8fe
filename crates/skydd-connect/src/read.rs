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
use skydd_core::plan::erasure::FoundRows;
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
}

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
    for k in &table.primary_key {
        if !out.iter().any(|c| &c.name == k)
            && let Some(col) = table.column(k)
        {
            out.push(col.clone());
        }
    }
    Ok(out)
}

/// One collection's query, ready to run.
struct Job {
    db: Db,
    collection: CollectionRef,
    columns: Vec<Column>,
    filters: Vec<(Column, Vec<Value>)>,
    key: Vec<String>,
}

/// Runs the traversal. `identities` gives, per identity kind, the spellings to look for.
pub async fn access(
    map: &DataMap,
    traversal: &Traversal,
    identities: &BTreeMap<IdentityKind, Vec<String>>,
    dbs: &BTreeMap<String, Db>,
    schemas: &BTreeMap<String, Schema>,
) -> Result<Access, DbError> {
    let started = Instant::now();
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
            let mut filters: Vec<(Column, Vec<Value>)> = Vec::new();
            for input in &node.inputs {
                let (field, values): (&str, Vec<Value>) = match input {
                    Input::Identity { field, identity } => (
                        field,
                        identities
                            .get(identity)
                            .map(|v| v.iter().cloned().map(Value::Text).collect())
                            .unwrap_or_default(),
                    ),
                    Input::Edge { from, field } => {
                        let values = found
                            .get(&from.collection)
                            .map(|f| {
                                f.rows
                                    .iter()
                                    .filter_map(|r| f.get(r, &from.field).cloned())
                                    .collect()
                            })
                            .unwrap_or_default();
                        (field, values)
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
                match filters.iter_mut().find(|(c, _)| c.name == column.name) {
                    Some((_, existing)) => {
                        for v in values {
                            if !existing.iter().any(|e| e.key() == v.key()) {
                                existing.push(v);
                            }
                        }
                    }
                    None => filters.push((column, values)),
                }
            }
            filters.retain(|(_, v)| !v.is_empty());
            let key = if table.primary_key.is_empty() {
                columns.iter().map(|c| c.name.clone()).collect()
            } else {
                table.primary_key.clone()
            };
            order.push(coll.clone());
            if filters.is_empty() {
                found.insert(
                    coll.clone(),
                    FoundRows {
                        collection: coll.clone(),
                        columns: columns.iter().map(|c| c.name.clone()).collect(),
                        rows: Vec::new(),
                    },
                );
                continue;
            }
            let job = Job {
                db: db.clone(),
                collection: coll.clone(),
                columns,
                filters,
                key,
            };
            set.spawn(async move { run(job).await });
        }
        while let Some(joined) = set.join_next().await {
            let (rows, n) = joined.map_err(|e| DbError::Query {
                name: "traversal".into(),
                reason: e.to_string(),
            })??;
            statements += n;
            found.insert(rows.collection.clone(), rows);
        }
    }
    let found = order.into_iter().filter_map(|c| found.remove(&c)).collect();
    Ok(Access {
        found,
        statements,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Runs one collection's lookups, splitting large value sets, and merges the rows.
async fn run(job: Job) -> Result<(FoundRows, usize), DbError> {
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
    };
    let mut seen = BTreeSet::new();
    let key_idx: Vec<usize> = job
        .key
        .iter()
        .filter_map(|k| out.columns.iter().position(|c| c == k))
        .collect();
    // Split each filter's values into batches; one query per batch, OR-ing all filters
    // when everything fits in one.
    let total: usize = job.filters.iter().map(|(_, v)| v.len()).sum();
    let batches: Vec<Vec<(&Column, &[Value])>> = if total <= BATCH {
        vec![job.filters.iter().map(|(c, v)| (c, v.as_slice())).collect()]
    } else {
        job.filters
            .iter()
            .flat_map(|(c, v)| v.chunks(BATCH).map(move |chunk| vec![(c, chunk)]))
            .collect()
    };
    let mut statements = 0;
    for batch in batches {
        let mut n = 0;
        let mut params = Vec::new();
        let conds: Vec<String> = batch
            .iter()
            .map(|(col, values)| {
                let ph: Vec<String> = values
                    .iter()
                    .map(|v| {
                        n += 1;
                        params.push(v.clone());
                        d.typed_param(n, col.kind)
                    })
                    .collect();
                format!("{} IN ({})", d.ident(&col.name), ph.join(", "))
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
        let rows = q
            .fetch_all(job.db.pool())
            .await
            .map_err(|e| job.db.query_error(e))?;
        statements += 1;
        for r in &rows {
            let row: Vec<Value> = (0..out.columns.len())
                .map(|i| value(r, i))
                .collect::<Result<_, _>>()
                .map_err(|e| job.db.query_error(e))?;
            let k: String = key_idx
                .iter()
                .map(|i| row[*i].key())
                .collect::<Vec<_>>()
                .join("\u{1f}");
            if seen.insert(k) {
                out.rows.push(row);
            }
        }
    }
    Ok((out, statements))
}
