//! Executing retention jobs: counting what is due, and erasing it in bounded batches.
//!
//! Each batch is one statement, so one short transaction: `DELETE … WHERE key IN (SELECT key
//! … WHERE due LIMIT n)` (or MySQL's `DELETE … LIMIT n`). The job's condition already
//! excludes what is done (deleted rows are gone, masked fields are NULL), so a sweep killed
//! half-way resumes where it stopped.

use std::time::{Duration, Instant};

use skydd_core::plan::retention::{Action, ColumnPath, Job};
use skydd_core::schema::{ColumnKind, Schema};
use skydd_core::value::Value;
use sqlx::{AssertSqlSafe, Row};

use crate::{Db, DbError, bind};

/// The WHERE clause selecting a job's due rows, with its parameters.
pub fn where_clause(db: &Db, schema: &Schema, job: &Job) -> Result<(String, Vec<Value>), DbError> {
    let d = &db.dialect;
    let tname = &job.collection.collection;
    let t = schema
        .table(tname)
        .ok_or_else(|| db.schema_error(format!("table `{tname}` does not exist")))?;
    let col = |c: &str| format!("{}.{}", d.ident(tname), d.ident(c));
    let kind = |table: &str, c: &str| {
        schema
            .table(table)
            .and_then(|t| t.column(c))
            .map_or(ColumnKind::Other, |c| c.kind)
    };
    let mut params: Vec<Value> = Vec::new();
    let mut parts = Vec::new();
    for c in &job.when {
        let before = Value::Text(c.before.to_string());
        match &c.path {
            ColumnPath::Own { column } => {
                if t.column(column).is_none() {
                    return Err(db.schema_error(format!(
                        "{}: event column `{column}` does not exist",
                        job.collection
                    )));
                }
                params.push(before);
                parts.push(format!(
                    "{} < {}",
                    col(column),
                    d.typed_param(params.len(), kind(tname, column))
                ));
            }
            ColumnPath::Parent {
                via,
                table,
                key,
                column,
            } => {
                params.push(before);
                parts.push(format!(
                    "{} IN (SELECT {} FROM {} WHERE {} < {})",
                    col(via),
                    d.ident(key),
                    d.table(table),
                    d.ident(column),
                    d.typed_param(params.len(), kind(table, column))
                ));
            }
        }
    }
    let exists = |g: &skydd_core::plan::retention::Guard| {
        let alias = "skydd_ref";
        let on: Vec<String> = g
            .columns
            .iter()
            .zip(&g.references)
            .map(|(c, r)| format!("{alias}.{} = {}", d.ident(c), col(r)))
            .collect();
        format!(
            "EXISTS (SELECT 1 FROM {} {alias} WHERE {})",
            d.table(&g.table),
            on.join(" AND ")
        )
    };
    for g in &job.guards {
        parts.push(format!("NOT {}", exists(g)));
    }
    if !job.referenced_by.is_empty() {
        let any: Vec<String> = job.referenced_by.iter().map(exists).collect();
        parts.push(format!("({})", any.join(" OR ")));
    }
    if let Action::Mask { set } = &job.action {
        let pending: Vec<String> = set
            .iter()
            .map(|(f, v)| match v {
                Value::Null => format!("{} IS NOT NULL", col(f)),
                v => {
                    params.push(v.clone());
                    format!(
                        "({} IS NOT NULL AND {} <> {})",
                        col(f),
                        col(f),
                        d.typed_param(params.len(), kind(tname, f))
                    )
                }
            })
            .collect();
        if !pending.is_empty() {
            parts.push(format!("({})", pending.join(" OR ")));
        }
    }
    if !job.exclude.is_empty() {
        let key: Vec<String> = job.key.iter().map(|k| col(k)).collect();
        let kinds: Vec<ColumnKind> = job.key.iter().map(|c| kind(tname, c)).collect();
        parts.push(format!(
            "NOT ({})",
            d.key_in(&key, &kinds, &job.exclude, &mut params)
        ));
    }
    if parts.is_empty() {
        return Err(db.schema_error(format!(
            "{}: a retention job without conditions would touch every row",
            job.collection
        )));
    }
    Ok((parts.join(" AND "), params))
}

/// How many rows the job would touch now.
pub async fn count(db: &Db, schema: &Schema, job: &Job) -> Result<u64, DbError> {
    let (where_, params) = where_clause(db, schema, job)?;
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {where_}",
        db.dialect.table(&job.collection.collection)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in &params {
        q = bind(q, p);
    }
    let row = q
        .fetch_one(db.pool())
        .await
        .map_err(|e| db.query_error(e))?;
    let n: i64 = row.try_get(0).map_err(|e| db.query_error(e))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How many distinct rows of one collection any of `jobs` (all of that collection) would
/// touch now: the jobs of a collection may overlap (masking different fields of one row).
pub async fn count_distinct(db: &Db, schema: &Schema, jobs: &[&Job]) -> Result<u64, DbError> {
    let Some(first) = jobs.first() else {
        return Ok(0);
    };
    let mut all: Vec<Value> = Vec::new();
    let mut parts = Vec::new();
    for job in jobs {
        let (where_, params) = where_clause(db, schema, job)?;
        parts.push(format!("({})", renumber(&db.dialect, &where_, all.len())));
        all.extend(params);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {}",
        db.dialect.table(&first.collection.collection),
        parts.join(" OR ")
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in &all {
        q = bind(q, p);
    }
    let row = q
        .fetch_one(db.pool())
        .await
        .map_err(|e| db.query_error(e))?;
    let n: i64 = row.try_get(0).map_err(|e| db.query_error(e))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// `SET a = NULL, b = $1` for a masking job, with its parameters (numbered from 1; they
/// come first in the statement text).
fn assignments(
    db: &Db,
    t: &skydd_core::schema::Table,
    set: &[(String, Value)],
) -> (String, Vec<Value>) {
    let d = &db.dialect;
    let mut params = Vec::new();
    let assign: Vec<String> = set
        .iter()
        .map(|(f, v)| match v {
            Value::Null => format!("{} = NULL", d.ident(f)),
            v => {
                params.push(v.clone());
                let kind = t.column(f).map_or(ColumnKind::Other, |c| c.kind);
                format!("{} = {}", d.ident(f), d.typed_param(params.len(), kind))
            }
        })
        .collect();
    (assign.join(", "), params)
}

/// The statement erasing one batch of at most `limit` due rows.
pub fn batch_statement(
    db: &Db,
    schema: &Schema,
    job: &Job,
    limit: usize,
) -> Result<(String, Vec<Value>), DbError> {
    let d = &db.dialect;
    let (where_, params) = where_clause(db, schema, job)?;
    let table = &job.collection.collection;
    Ok(match &job.action {
        Action::Delete => (d.delete_batch(table, &job.key, &where_, limit), params),
        Action::Mask { set } => {
            let t = schema
                .table(table)
                .ok_or_else(|| db.schema_error(format!("table `{table}` does not exist")))?;
            let (assign, mut all) = assignments(db, t, set);
            // The WHERE placeholders follow the SET ones (PostgreSQL numbers them).
            let where_ = renumber(d, &where_, all.len());
            all.extend(params);
            (
                d.update_batch(table, &job.key, &assign, &where_, limit),
                all,
            )
        }
    })
}

/// Shifts `$n` placeholders by `by` (PostgreSQL); `?` needs no change.
fn renumber(d: &crate::Dialect, sql: &str, by: usize) -> String {
    if by == 0 || d.kind != skydd_core::register::DbKind::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            let n: usize = n.parse().unwrap_or(0);
            out.push_str(&format!("${}", n + by));
        } else {
            out.push(c);
        }
    }
    out
}

/// Where a sweep has got to in a job keyed by one column.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    /// The last key done.
    last: Option<Value>,
    /// Integer keys: the highest key (read once) and the width of the next key range.
    range: Option<(i64, i64)>,
}

/// Erases one batch of about `limit` due rows; returns the rows touched and how long the
/// writing statement took, or `None` when the job is done.
///
/// A job keyed by one integer column walks the key in ranges (`key > lo AND key <= lo +
/// step`), each one statement that reads only its range; the step follows the density of
/// due rows so a range holds about `limit` of them. A text key walks the due rows in key
/// order (`LIMIT n`, then up to the last key read). Other keys take `LIMIT n` of the due
/// rows each time. A new run starts again from the lowest key; what is done is no longer
/// due, so it costs a range read and no write.
pub async fn run_batch(
    db: &Db,
    schema: &Schema,
    job: &Job,
    limit: usize,
    cursor: &mut Cursor,
) -> Result<Option<(u64, Duration)>, DbError> {
    let table = &job.collection.collection;
    let t = schema
        .table(table)
        .ok_or_else(|| db.schema_error(format!("table `{table}` does not exist")))?;
    let key_kind = match job.key.as_slice() {
        [k] => t.column(k).map(|c| c.kind),
        _ => None,
    };
    match key_kind {
        Some(ColumnKind::Integer) => integer_range(db, schema, t, job, limit, cursor).await,
        Some(ColumnKind::Text) => text_keyset(db, schema, t, job, limit, cursor).await,
        _ => {
            let (sql, params) = batch_statement(db, schema, job, limit)?;
            let (n, took) = execute(db, sql, &params).await?;
            Ok((n > 0).then_some((n, took)))
        }
    }
}

/// The statement applying the job's action to the rows meeting `where_`.
fn action_statement(
    db: &Db,
    t: &skydd_core::schema::Table,
    job: &Job,
    where_: &str,
    params: Vec<Value>,
) -> (String, Vec<Value>) {
    let d = &db.dialect;
    match &job.action {
        Action::Delete => (
            format!("DELETE FROM {} WHERE {where_}", d.table(&t.name)),
            params,
        ),
        Action::Mask { set } => {
            let (assign, mut all) = assignments(db, t, set);
            let where_ = renumber(d, where_, all.len());
            all.extend(params);
            (
                format!("UPDATE {} SET {assign} WHERE {where_}", d.table(&t.name)),
                all,
            )
        }
    }
}

async fn integer_range(
    db: &Db,
    schema: &Schema,
    t: &skydd_core::schema::Table,
    job: &Job,
    limit: usize,
    cursor: &mut Cursor,
) -> Result<Option<(u64, Duration)>, DbError> {
    let d = &db.dialect;
    let key = &job.key[0];
    let k = format!("{}.{}", d.ident(&t.name), d.ident(key));
    let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    if cursor.range.is_none() {
        let int = if d.kind == skydd_core::register::DbKind::Mysql {
            "SIGNED"
        } else {
            "BIGINT"
        };
        let sql = format!(
            "SELECT CAST(MIN({k}) AS {int}), CAST(MAX({k}) AS {int}) FROM {}",
            d.table(&t.name)
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(db.pool())
            .await
            .map_err(|e| db.query_error(e))?;
        let (lo, hi) = (crate::value(&row, 0), crate::value(&row, 1));
        match (
            lo.map_err(|e| db.query_error(e))?,
            hi.map_err(|e| db.query_error(e))?,
        ) {
            (Value::Int(lo), Value::Int(hi)) => {
                cursor.last = Some(Value::Int(lo.saturating_sub(1)));
                cursor.range = Some((hi, limit));
            }
            _ => return Ok(None),
        }
    }
    let (Some(Value::Int(lo)), Some((hi, step))) = (cursor.last.clone(), cursor.range) else {
        return Ok(None);
    };
    if lo >= hi {
        return Ok(None);
    }
    let end = lo.saturating_add(step).min(hi);
    let (where_, mut params) = where_clause(db, schema, job)?;
    params.push(Value::Int(lo));
    let lo_p = d.typed_param(params.len(), ColumnKind::Integer);
    params.push(Value::Int(end));
    let hi_p = d.typed_param(params.len(), ColumnKind::Integer);
    // Parameters must appear in the text in the order they were pushed (`?` is positional).
    let where_ = format!("{where_} AND {k} > {lo_p} AND {k} <= {hi_p}");
    let (sql, params) = action_statement(db, t, job, &where_, params);
    let (n, took) = execute(db, sql, &params).await?;
    // Aim the next range at `limit` due rows, from this range's density.
    let width = end - lo;
    let next = if n == 0 {
        width.saturating_mul(4)
    } else {
        width.saturating_mul(limit) / i64::try_from(n).unwrap_or(i64::MAX).max(1)
    };
    cursor.last = Some(Value::Int(end));
    cursor.range = Some((hi, next.clamp(1, 1 << 40)));
    Ok(Some((n, took)))
}

async fn text_keyset(
    db: &Db,
    schema: &Schema,
    t: &skydd_core::schema::Table,
    job: &Job,
    limit: usize,
    cursor: &mut Cursor,
) -> Result<Option<(u64, Duration)>, DbError> {
    let d = &db.dialect;
    let key = &job.key[0];
    let k = format!("{}.{}", d.ident(&t.name), d.ident(key));
    let (mut where_, mut params) = where_clause(db, schema, job)?;
    if let Some(last) = &cursor.last {
        params.push(last.clone());
        where_ = format!(
            "{where_} AND {k} > {}",
            d.typed_param(params.len(), ColumnKind::Text)
        );
    }
    let column = t
        .column(key)
        .ok_or_else(|| db.schema_error(format!("{}: no column `{key}`", t.name)))?;
    let end_sql = format!(
        "SELECT MAX(skydd_k) FROM (SELECT {} AS skydd_k FROM {} WHERE {where_} ORDER BY {k} LIMIT {limit}) skydd_batch",
        d.select(column),
        d.table(&t.name)
    );
    let mut q = sqlx::query(AssertSqlSafe(end_sql));
    for p in &params {
        q = bind(q, p);
    }
    let row = q
        .fetch_one(db.pool())
        .await
        .map_err(|e| db.query_error(e))?;
    let end = crate::value(&row, 0).map_err(|e| db.query_error(e))?;
    if end.is_null() {
        return Ok(None);
    }
    params.push(end.clone());
    let bounded = format!(
        "{where_} AND {k} <= {}",
        d.typed_param(params.len(), ColumnKind::Text)
    );
    let (sql, params) = action_statement(db, t, job, &bounded, params);
    let done = execute(db, sql, &params).await?;
    cursor.last = Some(end);
    Ok(Some(done))
}

async fn execute(db: &Db, sql: String, params: &[Value]) -> Result<(u64, Duration), DbError> {
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in params {
        q = bind(q, p);
    }
    let started = Instant::now();
    let r = if db.dialect.kind == skydd_core::register::DbKind::Postgres {
        // A batch is idempotent: if a crash loses it, the next run erases the same rows again,
        // so its commit need not wait for the WAL to reach disk (this transaction only).
        let mut tx = db.pool().begin().await.map_err(|e| db.query_error(e))?;
        sqlx::query("SET LOCAL synchronous_commit = off")
            .execute(&mut *tx)
            .await
            .map_err(|e| db.query_error(e))?;
        let r = q.execute(&mut *tx).await.map_err(|e| db.query_error(e))?;
        tx.commit().await.map_err(|e| db.query_error(e))?;
        r
    } else {
        q.execute(db.pool()).await.map_err(|e| db.query_error(e))?
    };
    Ok((r.rows_affected(), started.elapsed()))
}

/// Adapts the batch size so each transaction takes about `target`, never more than a
/// second: quadruples far below the target, doubles below half of it, halves above twice it.
pub fn next_batch(current: usize, took: Duration, target: Duration) -> usize {
    if took > target * 2 || took > Duration::from_millis(900) {
        (current / 2).max(100)
    } else if took < target / 8 {
        (current * 4).min(MAX_BATCH)
    } else if took < target / 2 {
        (current * 2).min(MAX_BATCH)
    } else {
        current
    }
}

/// The largest batch, whatever the speed.
pub const MAX_BATCH: usize = 250_000;

/// How long one batch's transaction should take: long enough that per-statement costs
/// vanish, short enough that locks are held briefly; `next_batch` halves any batch that
/// nears a second.
pub const TARGET: Duration = Duration::from_millis(300);

/// The first batch's size, before any timing is known.
pub const FIRST_BATCH: usize = 20_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_grow_when_fast_and_shrink_when_slow() {
        let target = Duration::from_millis(200);
        assert_eq!(next_batch(1000, Duration::from_millis(20), target), 4000);
        assert_eq!(next_batch(1000, Duration::from_millis(50), target), 2000);
        assert_eq!(next_batch(1000, Duration::from_millis(200), target), 1000);
        assert_eq!(next_batch(1000, Duration::from_millis(500), target), 500);
        assert_eq!(next_batch(150, Duration::from_millis(950), target), 100);
        assert_eq!(
            next_batch(80_000, Duration::from_millis(1), target),
            MAX_BATCH
        );
    }

    #[test]
    fn postgres_placeholders_shift_after_set_parameters() {
        let d = crate::Dialect {
            kind: skydd_core::register::DbKind::Postgres,
            schema: None,
        };
        assert_eq!(
            renumber(&d, "a < $1 AND b IN ($2, $10)", 2),
            "a < $3 AND b IN ($4, $12)"
        );
        let m = crate::Dialect {
            kind: skydd_core::register::DbKind::Mysql,
            schema: None,
        };
        assert_eq!(renumber(&m, "a < ?", 2), "a < ?");
    }
}
