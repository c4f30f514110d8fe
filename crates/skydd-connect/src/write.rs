//! Executing erasure and rectification steps: all steps for one database in one
//! transaction, so a crash or an error leaves it untouched or fully done.
//!
//! Rows that get the same new values are updated by one statement (`… WHERE key IN
//! (…)`); values that differ per row (keyed hashes, random strings) take one statement per
//! row. Deletions follow the plan's order, referencing rows first.

use std::collections::BTreeMap;

use skydd_core::plan::erasure::Step;
use skydd_core::schema::{ColumnKind, Schema, Table};
use skydd_core::value::Value;
use sqlx::AssertSqlSafe;

use crate::{Db, DbError, bind};

/// What a transaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Executed {
    /// Statements issued.
    pub statements: usize,
    /// Rows changed or deleted.
    pub rows: u64,
}

struct Statement {
    sql: String,
    params: Vec<Value>,
    expected: u64,
    /// An update conditional on the values the plan was made from.
    conditional: bool,
}

fn table<'s>(db: &Db, schema: &'s Schema, name: &str) -> Result<&'s Table, DbError> {
    schema
        .table(name)
        .ok_or_else(|| db.schema_error(format!("table `{name}` does not exist")))
}

fn kind(t: &Table, column: &str) -> ColumnKind {
    t.column(column).map_or(ColumnKind::Other, |c| c.kind)
}

/// `key IN (…)` for the keys, appending parameters.
fn key_in(
    db: &Db,
    t: &Table,
    cols: &[String],
    keys: &[Vec<Value>],
    params: &mut Vec<Value>,
) -> String {
    let kinds: Vec<ColumnKind> = cols.iter().map(|c| kind(t, c)).collect();
    db.dialect
        .key_in(&db.dialect.key_columns(cols, None), &kinds, keys, params)
}

/// A row to update: its key values and the fields' values as the plan read them.
type AsRead = (Vec<Value>, Vec<(String, Value)>);

/// `(key = k AND f = before …) OR …`: each row by its key, and only while its fields still
/// hold what the plan read. A field is compared through the same expression it was read
/// with, so what was read compares equal.
fn rows_as_read(
    db: &Db,
    t: &Table,
    cols: &[String],
    rows: &[AsRead],
    params: &mut Vec<Value>,
) -> String {
    let d = &db.dialect;
    let conds: Vec<String> = rows
        .iter()
        .map(|(key, before)| {
            let mut parts = Vec::new();
            for (c, v) in cols.iter().zip(key) {
                params.push(v.clone());
                parts.push(format!(
                    "{} = {}",
                    d.ident(c),
                    d.typed_param(params.len(), kind(t, c))
                ));
            }
            for (f, v) in before {
                let read_as = t.column(f).map_or_else(|| d.ident(f), |c| d.select(c));
                if v.is_null() {
                    parts.push(format!("{} IS NULL", d.ident(f)));
                } else {
                    params.push(v.clone());
                    parts.push(format!("{read_as} = {}", d.param(params.len())));
                }
            }
            format!("({})", parts.join(" AND "))
        })
        .collect();
    format!("({})", conds.join(" OR "))
}

fn statements(db: &Db, schema: &Schema, steps: &[Step]) -> Result<Vec<Statement>, DbError> {
    let d = &db.dialect;
    let mut out = Vec::new();
    // Group updates by (table, key columns, the exact assignments).
    type Group = (String, Vec<String>, Vec<(String, Value)>);
    let mut groups: Vec<(Group, Vec<AsRead>)> = Vec::new();
    let mut deletes: Vec<(String, Vec<String>, Vec<Vec<Value>>)> = Vec::new();
    for step in steps {
        match step {
            Step::Update {
                collection,
                key,
                set,
            } => {
                let cols: Vec<String> = key.iter().map(|(c, _)| c.clone()).collect();
                let vals: Vec<Value> = key.iter().map(|(_, v)| v.clone()).collect();
                let assign: Vec<(String, Value)> = set
                    .iter()
                    .map(|c| (c.field.clone(), c.after.clone()))
                    .collect();
                let before: Vec<(String, Value)> = set
                    .iter()
                    .map(|c| (c.field.clone(), c.before.clone()))
                    .collect();
                let g = (collection.collection.clone(), cols, assign);
                match groups
                    .iter_mut()
                    .find(|(k, _)| k.0 == g.0 && k.1 == g.1 && k.2 == g.2)
                {
                    Some((_, rows)) => rows.push((vals, before)),
                    None => groups.push((g, vec![(vals, before)])),
                }
            }
            Step::Delete { collection, key } => {
                let cols: Vec<String> = key.iter().map(|(c, _)| c.clone()).collect();
                let vals: Vec<Value> = key.iter().map(|(_, v)| v.clone()).collect();
                // A table that refers to itself is deleted row by row, in the plan's order
                // (a reply before the comment it answers): MariaDB checks the key after each
                // row of a statement, not after the statement.
                let one_by_one = schema.table(&collection.collection).is_some_and(|t| {
                    t.foreign_keys
                        .iter()
                        .any(|fk| fk.table == collection.collection)
                });
                match deletes.last_mut() {
                    Some((t, c, keys))
                        if *t == collection.collection && *c == cols && !one_by_one =>
                    {
                        keys.push(vals)
                    }
                    _ => deletes.push((collection.collection.clone(), cols, vec![vals])),
                }
            }
        }
    }
    for ((tname, cols, assign), rows) in groups {
        let t = table(db, schema, &tname)?;
        for chunk in rows.chunks(200) {
            let mut params = Vec::new();
            let set: Vec<String> = assign
                .iter()
                .map(|(c, v)| match v {
                    Value::Null => format!("{} = NULL", d.ident(c)),
                    v => {
                        params.push(v.clone());
                        format!(
                            "{} = {}",
                            d.ident(c),
                            d.typed_param(params.len(), kind(t, c))
                        )
                    }
                })
                .collect();
            let where_ = rows_as_read(db, t, &cols, chunk, &mut params);
            out.push(Statement {
                sql: format!(
                    "UPDATE {} SET {} WHERE {where_}",
                    d.table(&tname),
                    set.join(", ")
                ),
                params,
                expected: chunk.len() as u64,
                conditional: true,
            });
        }
    }
    for (tname, cols, keys) in deletes {
        let t = table(db, schema, &tname)?;
        for chunk in keys.chunks(500) {
            let mut params = Vec::new();
            let where_ = key_in(db, t, &cols, chunk, &mut params);
            out.push(Statement {
                sql: format!("DELETE FROM {} WHERE {where_}", d.table(&tname)),
                params,
                expected: chunk.len() as u64,
                conditional: false,
            });
        }
    }
    Ok(out)
}

/// Applies steps in one transaction. If any statement fails, or touches more rows than
/// planned (a key that is not unique), everything is rolled back. If an update finds fewer
/// rows than planned still holding the values the plan was made from, someone changed them
/// meanwhile (a retention sweep, the application): everything is rolled back and
/// [`DbError::Conflict`] tells the caller to plan again from fresh rows.
pub async fn apply(db: &Db, schema: &Schema, steps: &[Step]) -> Result<Executed, DbError> {
    let stmts = statements(db, schema, steps)?;
    if stmts.is_empty() {
        return Ok(Executed::default());
    }
    let mut tx = db.pool().begin().await.map_err(|e| db.query_error(e))?;
    let mut done = Executed::default();
    for s in &stmts {
        let mut q = sqlx::query(AssertSqlSafe(s.sql.clone()));
        for p in &s.params {
            q = bind(q, p);
        }
        let r = q.execute(&mut *tx).await.map_err(|e| db.query_error(e))?;
        done.statements += 1;
        done.rows += r.rows_affected();
        if r.rows_affected() > s.expected {
            return Err(db.query_error(format!(
                "a statement touched {} rows where {} were planned; rolled back",
                r.rows_affected(),
                s.expected
            )));
        }
        if s.conditional && r.rows_affected() < s.expected {
            return Err(DbError::Conflict {
                name: db.name.clone(),
                planned: s.expected,
                found: r.rows_affected(),
            });
        }
    }
    tx.commit().await.map_err(|e| db.query_error(e))?;
    tracing::info!(database = %db.name, statements = done.statements, rows = done.rows, "erasure committed");
    Ok(done)
}

/// Groups steps by dataset for `apply`.
pub fn by_dataset(
    steps: &BTreeMap<String, Vec<Step>>,
) -> impl Iterator<Item = (&String, &Vec<Step>)> {
    steps.iter().filter(|(_, s)| !s.is_empty())
}
