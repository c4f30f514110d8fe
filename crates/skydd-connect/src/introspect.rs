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
/// maximum length, collation (the same query shape on PostgreSQL and MySQL).
fn information_schema_columns(rows: &[Vec<Value>]) -> Vec<(String, Column)> {
    rows.iter()
        .map(|r| {
            let sql_type = text(&r[2]);
            (
                text(&r[0]),
                Column {
                    name: text(&r[1]),
                    kind: ColumnKind::from_sql(&sql_type),
                    nullable: text(&r[3]) == "YES",
                    max_len: int(&r[4]).and_then(|n| u64::try_from(n).ok()),
                    case_insensitive: ignores_case(&sql_type, &text(&r[5])),
                    sql_type,
                },
            )
        })
        .collect()
}

/// Whether comparisons on a column ignore case: PostgreSQL's `citext`, or a MySQL/MariaDB
/// collation named `…_ci` (`utf8mb4_general_ci`, `utf8mb4_0900_ai_ci`).
fn ignores_case(sql_type: &str, collation: &str) -> bool {
    sql_type.eq_ignore_ascii_case("citext") || collation.to_ascii_lowercase().ends_with("_ci")
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
    // A partitioned table is one table: its partitions are left out, and the keys and
    // indexes declared on partitions count for the partitioned (root) table, so a foreign
    // key declared only on the partitions still orders deletions.
    let cols = rows(
        db,
        "SELECT c.table_name::text, c.column_name::text,
                CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name::text ELSE c.data_type::text END,
                c.is_nullable::text, c.character_maximum_length::bigint, COALESCE(c.collation_name::text, '')
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         JOIN pg_namespace pn ON pn.nspname = c.table_schema
         JOIN pg_class pc ON pc.relnamespace = pn.oid AND pc.relname = c.table_name
         WHERE c.table_schema = $1 AND NOT pc.relispartition ORDER BY c.table_name, c.ordinal_position",
        std::slice::from_ref(&ns),
    )
    .await?;
    // Index columns of every table and partition, attributed to the root; the root's own
    // indexes first, so its primary key wins over a partition's.
    let keys = rows(
        db,
        "SELECT r.relname::text, i.indexrelid::bigint, k.ord::bigint, i.indisprimary,
                a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int, true)
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_class r ON r.oid = COALESCE(pg_partition_root(t.oid), t.oid)
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
         WHERE n.nspname = $1 AND k.ord <= i.indnkeyatts
         ORDER BY r.relname, t.oid <> r.oid, i.indexrelid, k.ord",
        std::slice::from_ref(&ns),
    )
    .await?;
    let fks = rows(
        db,
        "SELECT r.relname::text, con.oid::text, att.attname::text, fr.relname::text, fatt.attname::text
         FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = cl.relnamespace
         JOIN pg_class r ON r.oid = COALESCE(pg_partition_root(cl.oid), cl.oid)
         JOIN pg_class fr ON fr.oid = COALESCE(pg_partition_root(con.confrelid), con.confrelid)
         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, fcol, ord)
         JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.col
         JOIN pg_attribute fatt ON fatt.attrelid = con.confrelid AND fatt.attnum = k.fcol
         WHERE con.contype = 'f' AND ns.nspname = $1 ORDER BY r.relname, con.oid, k.ord",
        std::slice::from_ref(&ns),
    )
    .await?;
    Ok(assemble(
        information_schema_columns(&cols),
        keys.iter()
            .map(|r| {
                let entry = match &r[4] {
                    Value::Null => IndexPart::Expression(text(&r[5])),
                    name => IndexPart::Column(text(name)),
                };
                (
                    text(&r[0]),
                    (
                        int(&r[1]).unwrap_or(0).to_string(),
                        entry,
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
                CAST(c.CHARACTER_MAXIMUM_LENGTH AS SIGNED), CAST(COALESCE(c.COLLATION_NAME, '') AS CHAR)
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
                    (
                        text(&r[1]),
                        IndexPart::Column(text(&r[2])),
                        text(&r[1]) == "PRIMARY",
                    ),
                )
            })
            .collect(),
        foreign_key_columns(&fks),
    ))
}

async fn sqlite(db: &Db) -> Result<Schema, DbError> {
    let tables = rows(
        db,
        "SELECT CAST(name AS TEXT), CAST(sql AS TEXT) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        &[],
    )
    .await?;
    let mut cols = Vec::new();
    let mut keys = Vec::new();
    let mut fks = Vec::new();
    for (t, create) in tables.iter().map(|r| (text(&r[0]), text(&r[1]))) {
        let nocase = nocase_columns(&create);
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
                    case_insensitive: nocase.contains(&text(&r[0]).to_lowercase()),
                },
            ));
            if let Some(n) = int(&r[3]).filter(|n| *n > 0) {
                pk.push((n, text(&r[0])));
            }
        }
        pk.sort();
        for (_, c) in pk {
            keys.push((
                t.clone(),
                ("PRIMARY".to_owned(), IndexPart::Column(c), true),
            ));
        }
        // Key columns of each index; an expression (cid -2) is read from the index's SQL.
        let idx = rows(
            db,
            "SELECT CAST(il.name AS TEXT), CAST(ii.name AS TEXT), CAST(ii.seqno AS INTEGER), CAST(m.sql AS TEXT)
             FROM pragma_index_list(?) il JOIN pragma_index_xinfo(il.name) ii ON ii.key = 1
             LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name
             ORDER BY il.name, ii.seqno",
            std::slice::from_ref(&name),
        )
        .await?;
        for r in &idx {
            let part = match &r[1] {
                Value::Null => {
                    let seq = usize::try_from(int(&r[2]).unwrap_or(0)).unwrap_or(0);
                    IndexPart::Expression(
                        index_terms(&text(&r[3]))
                            .get(seq)
                            .cloned()
                            .unwrap_or_default(),
                    )
                }
                n => IndexPart::Column(text(n)),
            };
            keys.push((t.clone(), (text(&r[0]), part, false)));
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

/// The columns (lower-cased names) a SQLite `CREATE TABLE` declares `COLLATE NOCASE`: their
/// comparisons ignore (ASCII) case, so keys in them match however they are capitalised.
fn nocase_columns(create: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let Some(open) = create.find('(') else {
        return out;
    };
    let mut depth = 0usize;
    let mut defs = Vec::new();
    let mut current = String::new();
    for c in create[open + 1..].chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' if depth == 0 => break,
            ')' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => defs.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    defs.push(current);
    for d in defs {
        let d = d.trim();
        let lower = d.to_lowercase();
        let constraint = ["primary", "foreign", "unique", "check", "constraint"]
            .iter()
            .any(|k| lower.starts_with(k));
        if constraint || !lower.contains("collate nocase") {
            continue;
        }
        let name = match d.chars().next() {
            Some(q @ ('"' | '`' | '[')) => {
                let close = if q == '[' { ']' } else { q };
                d[1..].split(close).next().unwrap_or("")
            }
            _ => d.split_whitespace().next().unwrap_or(""),
        };
        out.insert(name.to_lowercase());
    }
    out
}

/// One key position of an index: a column, or an expression (`lower(email)`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum IndexPart {
    Column(String),
    Expression(String),
}

/// The terms of `CREATE INDEX … ON t (a, lower(b) DESC)`: the text between the
/// parentheses after the table name, split at top-level commas, without ordering or
/// collation suffixes.
fn index_terms(sql: &str) -> Vec<String> {
    let lower = sql.to_ascii_lowercase();
    let Some(on) = lower.find(" on ") else {
        return Vec::new();
    };
    let Some(open) = sql[on..].find('(').map(|i| on + i) else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut terms = Vec::new();
    let mut current = String::new();
    for c in sql[open + 1..].chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' if depth == 0 => break,
            ')' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => terms.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    terms.push(current);
    terms
        .into_iter()
        .map(|t| {
            let t = t.trim();
            let l = t.to_ascii_lowercase();
            let cut = [" collate ", " asc", " desc"]
                .iter()
                .filter_map(|w| l.rfind(w))
                .min()
                .unwrap_or(t.len());
            t[..cut].trim().to_owned()
        })
        .collect()
}

/// Builds the schema from catalog rows: columns by table; index key parts as
/// (index id, part, is primary), an index's parts in order; foreign-key columns as
/// (constraint, column, referenced table, referenced column).
///
/// The first primary index of a table is its primary key (PostgreSQL lists the root's own
/// indexes before its partitions'); identical indexes and foreign keys (declared on every
/// partition) count once.
fn assemble(
    cols: Vec<(String, Column)>,
    keys: Vec<(String, (String, IndexPart, bool))>,
    fks: Vec<(String, (String, String, String, String))>,
) -> Schema {
    let keys = group(keys);
    let fks = group(fks);
    let tables = group(cols)
        .into_iter()
        .map(|(name, columns)| {
            let mut indexes: Vec<(String, bool, Vec<IndexPart>)> = Vec::new();
            for (index, part, primary) in keys.get(&name).into_iter().flatten() {
                match indexes.iter_mut().find(|(n, _, _)| n == index) {
                    Some((_, _, parts)) => parts.push(part.clone()),
                    None => indexes.push((index.clone(), *primary, vec![part.clone()])),
                }
            }
            let columns_of = |parts: &[IndexPart]| -> Option<Vec<String>> {
                parts
                    .iter()
                    .map(|p| match p {
                        IndexPart::Column(c) => Some(c.clone()),
                        IndexPart::Expression(_) => None,
                    })
                    .collect()
            };
            let primary_key = indexes
                .iter()
                .find(|(_, primary, _)| *primary)
                .and_then(|(_, _, parts)| columns_of(parts))
                .unwrap_or_default();
            let mut plain: Vec<Vec<String>> = Vec::new();
            let mut expression_indexes: Vec<String> = Vec::new();
            for (_, primary, parts) in &indexes {
                if *primary {
                    continue;
                }
                match parts.first() {
                    Some(IndexPart::Expression(e)) => {
                        let e = skydd_core::schema::normalise_expression(e);
                        if !e.is_empty() && !expression_indexes.contains(&e) {
                            expression_indexes.push(e);
                        }
                    }
                    Some(IndexPart::Column(_)) => {
                        // Only the leading plain columns serve a lookup.
                        let lead: Vec<String> = parts
                            .iter()
                            .map_while(|p| match p {
                                IndexPart::Column(c) => Some(c.clone()),
                                IndexPart::Expression(_) => None,
                            })
                            .collect();
                        if !plain.contains(&lead) {
                            plain.push(lead);
                        }
                    }
                    None => {}
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
            let mut unique_fks: Vec<ForeignKey> = Vec::new();
            for (_, fk) in foreign_keys {
                if !unique_fks.contains(&fk) {
                    unique_fks.push(fk);
                }
            }
            let table = Table {
                name: name.clone(),
                columns,
                primary_key,
                foreign_keys: unique_fks,
                indexes: plain,
                expression_indexes,
            };
            (name, table)
        })
        .collect();
    Schema { tables }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_terms_are_read_from_create_index() {
        assert_eq!(
            index_terms("CREATE INDEX x ON \"customer\" (lower(email), name COLLATE NOCASE DESC)"),
            ["lower(email)", "name"]
        );
        assert_eq!(
            index_terms("create unique index y on t(LOWER(\"e\"))"),
            ["LOWER(\"e\")"]
        );
        assert!(index_terms("garbage").is_empty());
    }

    #[test]
    fn sqlite_nocase_columns_are_read_from_create_table() {
        let cols = nocase_columns(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, \"Code\" TEXT COLLATE NOCASE, name TEXT, [x y] VARCHAR(3) collate nocase, CHECK (length(name) < 9))",
        );
        assert_eq!(cols.into_iter().collect::<Vec<_>>(), ["code", "x y"]);
    }

    #[test]
    fn case_is_ignored_by_citext_and_ci_collations_only() {
        assert!(ignores_case("citext", ""));
        assert!(ignores_case("varchar(100)", "utf8mb4_general_ci"));
        assert!(ignores_case("varchar(100)", "utf8mb4_0900_AI_CI"));
        assert!(!ignores_case("varchar(100)", "utf8mb4_bin"));
        assert!(!ignores_case("character varying", "C"));
    }
}
