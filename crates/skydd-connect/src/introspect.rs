//! Reading a database's tables, columns, keys and indexes from its catalog.

use std::collections::BTreeMap;

use skydd_core::register::DbKind;
use skydd_core::schema::{Column, ColumnKind, ForeignKey, Schema, Table};
use skydd_core::value::Value;
use sqlx::AssertSqlSafe;

use crate::{Db, DbError, bind, value};

/// Runs a catalog query returning text and integer columns.
async fn rows(db: &Db, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError> {
    let mut q = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for p in params {
        q = bind(q, p);
    }
    let rows = q
        .fetch_all(db.pool())
        .await
        .map_err(|e| db.query_error(e))?;
    rows.iter()
        .map(|r| {
            (0..sqlx::Row::len(r))
                .map(|i| value(r, i))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| db.query_error(e))
}

fn text(v: &Value) -> String {
    v.as_text().unwrap_or_default()
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Text(t) => t.parse().ok(),
        _ => None,
    }
}

/// Columns from `information_schema.columns` rows: table, column, type, is_nullable,
/// maximum length (the same query shape on PostgreSQL and MySQL).
fn information_schema_columns(rows: &[Vec<Value>]) -> Vec<(String, Column)> {
    rows.iter()
        .map(|r| {
            (
                text(&r[0]),
                Column {
                    name: text(&r[1]),
                    kind: ColumnKind::from_sql(&text(&r[2])),
                    sql_type: text(&r[2]),
                    nullable: text(&r[3]) == "YES",
                    max_len: int(&r[4]).and_then(|n| u64::try_from(n).ok()),
                },
            )
        })
        .collect()
}

/// Foreign-key columns from `information_schema` rows: table, constraint, column,
/// referenced table, referenced column (the same shape on PostgreSQL and MySQL).
fn foreign_key_columns(rows: &[Vec<Value>]) -> Vec<(String, (String, String, String, String))> {
    rows.iter()
        .map(|r| {
            (
                text(&r[0]),
                (text(&r[1]), text(&r[2]), text(&r[3]), text(&r[4])),
            )
        })
        .collect()
}

/// (table, column) rows in order, grouped.
fn group<T>(items: Vec<(String, T)>) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for (k, v) in items {
        out.entry(k).or_default().push(v);
    }
    out
}

pub(crate) async fn schema(db: &Db) -> Result<Schema, DbError> {
    match db.dialect.kind {
        DbKind::Postgres => postgres(db).await,
        DbKind::Mysql => mysql(db).await,
        DbKind::Sqlite => sqlite(db).await,
    }
}

async fn postgres(db: &Db) -> Result<Schema, DbError> {
    let ns = Value::Text(db.dialect.schema.clone().unwrap_or_else(|| "public".into()));
    let cols = rows(
        db,
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text, c.character_maximum_length::bigint
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         WHERE c.table_schema = $1 ORDER BY c.table_name, c.ordinal_position",
        std::slice::from_ref(&ns),
    )
    .await?;
    let keys = rows(
        db,
        "SELECT t.relname::text, a.attname::text, k.ord::bigint, i.indisprimary, i.indexrelid::bigint
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE n.nspname = $1 ORDER BY t.relname, i.indexrelid, k.ord",
        std::slice::from_ref(&ns),
    )
    .await?;
    let fks = rows(
        db,
        "SELECT cl.relname::text, con.conname::text, att.attname::text, fcl.relname::text, fatt.attname::text
         FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = cl.relnamespace JOIN pg_class fcl ON fcl.oid = con.confrelid
         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, fcol, ord)
         JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.col
         JOIN pg_attribute fatt ON fatt.attrelid = con.confrelid AND fatt.attnum = k.fcol
         WHERE con.contype = 'f' AND ns.nspname = $1 ORDER BY cl.relname, con.conname, k.ord",
        std::slice::from_ref(&ns),
    )
    .await?;
    Ok(assemble(
        information_schema_columns(&cols),
        keys.iter()
            .map(|r| {
                (
                    text(&r[0]),
                    (
                        int(&r[4]).unwrap_or(0).to_string(),
                        text(&r[1]),
                        r[3] == Value::Bool(true),
                    ),
                )
            })
            .collect(),
        foreign_key_columns(&fks),
    ))
}

async fn mysql(db: &Db) -> Result<Schema, DbError> {
    let cols = rows(
        db,
        "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR), CAST(c.IS_NULLABLE AS CHAR),
                CAST(c.CHARACTER_MAXIMUM_LENGTH AS SIGNED)
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t
           ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
         WHERE c.TABLE_SCHEMA = DATABASE() ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
        &[],
    )
    .await?;
    let keys = rows(
        db,
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR)
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        &[],
    )
    .await?;
    let fks = rows(
        db,
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR),
                CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR)
         FROM information_schema.KEY_COLUMN_USAGE
         WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
        &[],
    )
    .await?;
    Ok(assemble(
        information_schema_columns(&cols),
        keys.iter()
            .map(|r| {
                (
                    text(&r[0]),
                    (text(&r[1]), text(&r[2]), text(&r[1]) == "PRIMARY"),
                )
            })
            .collect(),
        foreign_key_columns(&fks),
    ))
}

async fn sqlite(db: &Db) -> Result<Schema, DbError> {
    let tables = rows(
        db,
        "SELECT CAST(name AS TEXT) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        &[],
    )
    .await?;
    let mut cols = Vec::new();
    let mut keys = Vec::new();
    let mut fks = Vec::new();
    for t in tables.iter().map(|r| text(&r[0])) {
        let name = Value::Text(t.clone());
        let info = rows(
            db,
            "SELECT CAST(name AS TEXT), CAST(type AS TEXT), CAST(\"notnull\" AS INTEGER), CAST(pk AS INTEGER) FROM pragma_table_info(?)",
            std::slice::from_ref(&name),
        )
        .await?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for r in &info {
            let sql_type = text(&r[1]);
            let max_len = sql_type
                .split_once('(')
                .and_then(|(_, rest)| rest.trim_end_matches(')').trim().parse::<u64>().ok());
            cols.push((
                t.clone(),
                Column {
                    name: text(&r[0]),
                    kind: ColumnKind::from_sql(&sql_type),
                    sql_type,
                    nullable: int(&r[2]) == Some(0),
                    max_len,
                },
            ));
            if let Some(n) = int(&r[3]).filter(|n| *n > 0) {
                pk.push((n, text(&r[0])));
            }
        }
        pk.sort();
        for (_, c) in pk {
            keys.push((t.clone(), ("PRIMARY".to_owned(), c, true)));
        }
        let idx = rows(
            db,
            "SELECT CAST(il.name AS TEXT), CAST(ii.name AS TEXT) FROM pragma_index_list(?) il, pragma_index_info(il.name) ii ORDER BY il.name, ii.seqno",
            std::slice::from_ref(&name),
        )
        .await?;
        for r in &idx {
            keys.push((t.clone(), (text(&r[0]), text(&r[1]), false)));
        }
        let fk = rows(
            db,
            "SELECT CAST(id AS TEXT), CAST(\"from\" AS TEXT), CAST(\"table\" AS TEXT), CAST(\"to\" AS TEXT) FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            std::slice::from_ref(&name),
        )
        .await?;
        for r in &fk {
            fks.push((
                t.clone(),
                (text(&r[0]), text(&r[1]), text(&r[2]), text(&r[3])),
            ));
        }
    }
    Ok(assemble(cols, keys, fks))
}

/// Builds the schema from catalog rows: columns by table; index columns as
/// (index name, column, is primary); foreign-key columns as (constraint, column,
/// referenced table, referenced column).
fn assemble(
    cols: Vec<(String, Column)>,
    keys: Vec<(String, (String, String, bool))>,
    fks: Vec<(String, (String, String, String, String))>,
) -> Schema {
    let keys = group(keys);
    let fks = group(fks);
    let tables = group(cols)
        .into_iter()
        .map(|(name, columns)| {
            let mut primary_key = Vec::new();
            let mut indexes: Vec<(String, Vec<String>)> = Vec::new();
            for (index, column, primary) in keys.get(&name).into_iter().flatten() {
                if *primary {
                    primary_key.push(column.clone());
                } else {
                    match indexes.iter_mut().find(|(n, _)| n == index) {
                        Some((_, cols)) => cols.push(column.clone()),
                        None => indexes.push((index.clone(), vec![column.clone()])),
                    }
                }
            }
            let mut foreign_keys: Vec<(String, ForeignKey)> = Vec::new();
            for (constraint, column, table, referenced) in fks.get(&name).into_iter().flatten() {
                match foreign_keys.iter_mut().find(|(n, _)| n == constraint) {
                    Some((_, fk)) => {
                        fk.columns.push(column.clone());
                        fk.references.push(referenced.clone());
                    }
                    None => foreign_keys.push((
                        constraint.clone(),
                        ForeignKey {
                            columns: vec![column.clone()],
                            table: table.clone(),
                            references: vec![referenced.clone()],
                        },
                    )),
                }
            }
            let table = Table {
                name: name.clone(),
                columns,
                primary_key,
                foreign_keys: foreign_keys.into_iter().map(|(_, f)| f).collect(),
                indexes: indexes.into_iter().map(|(_, c)| c).collect(),
            };
            (name, table)
        })
        .collect();
    Schema { tables }
}
