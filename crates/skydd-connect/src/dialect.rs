//! SQL for each backend: quoting, placeholders, and the casts that bring every column to a
//! portable type (integers, floats, text, booleans, bytes) the `Any` driver can carry.

use skydd_core::register::DbKind;
use skydd_core::schema::{Column, ColumnKind};
use skydd_core::value::Value;

/// Builds SQL for one backend.
#[derive(Debug, Clone)]
pub struct Dialect {
    /// The backend.
    pub kind: DbKind,
    /// PostgreSQL schema qualifying table names.
    pub schema: Option<String>,
}

impl Dialect {
    /// A quoted identifier: `"name"` (PostgreSQL, SQLite) or `` `name` `` (MySQL), with
    /// embedded quotes doubled, so no identifier can break out of its quotes.
    pub fn ident(&self, name: &str) -> String {
        match self.kind {
            DbKind::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table name, schema-qualified on PostgreSQL.
    pub fn table(&self, name: &str) -> String {
        match (&self.kind, &self.schema) {
            (DbKind::Postgres, Some(s)) => format!("{}.{}", self.ident(s), self.ident(name)),
            _ => self.ident(name),
        }
    }

    /// The `n`th (1-based) placeholder.
    pub fn param(&self, n: usize) -> String {
        match self.kind {
            DbKind::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    }

    /// The SELECT expression for a column, cast to a portable type.
    pub fn select(&self, column: &Column) -> String {
        let c = self.ident(&column.name);
        match (self.kind, column.kind) {
            (DbKind::Postgres, ColumnKind::Integer) => format!("{c}::bigint"),
            (DbKind::Postgres, ColumnKind::Float) => format!("{c}::float8"),
            (DbKind::Postgres, ColumnKind::Bool | ColumnKind::Bytes) => c,
            (DbKind::Postgres, _) => format!("{c}::text"),
            (DbKind::Mysql, ColumnKind::Integer | ColumnKind::Bool) => {
                format!("CAST({c} AS SIGNED)")
            }
            (DbKind::Mysql, ColumnKind::Float) => format!("CAST({c} AS DOUBLE)"),
            (DbKind::Mysql, ColumnKind::Text | ColumnKind::Bytes) => c,
            (DbKind::Mysql, _) => format!("CAST({c} AS CHAR)"),
            (DbKind::Sqlite, ColumnKind::Integer | ColumnKind::Bool) => {
                format!("CAST({c} AS INTEGER)")
            }
            (DbKind::Sqlite, ColumnKind::Float) => format!("CAST({c} AS REAL)"),
            (DbKind::Sqlite, ColumnKind::Bytes) => c,
            (DbKind::Sqlite, _) => format!("CAST({c} AS TEXT)"),
        }
    }

    /// A placeholder cast so the database compares it with a column of `kind`: dates and
    /// timestamps arrive as text and must be read as such.
    pub fn typed_param(&self, n: usize, kind: ColumnKind) -> String {
        let p = self.param(n);
        match (self.kind, kind) {
            (DbKind::Postgres, ColumnKind::Date) => format!("CAST({p} AS date)"),
            (DbKind::Postgres, ColumnKind::Timestamp) => format!("CAST({p} AS timestamp)"),
            (DbKind::Postgres, ColumnKind::Decimal) => format!("CAST({p} AS numeric)"),
            (DbKind::Postgres, ColumnKind::Uuid) => format!("CAST({p} AS uuid)"),
            (DbKind::Postgres, ColumnKind::Time) => format!("CAST({p} AS time)"),
            (DbKind::Postgres, ColumnKind::Bool) => format!("CAST({p} AS boolean)"),
            (DbKind::Mysql, ColumnKind::Date) => format!("CAST({p} AS DATE)"),
            (DbKind::Mysql, ColumnKind::Timestamp) => format!("CAST({p} AS DATETIME)"),
            _ => p,
        }
    }

    /// The value as it must be bound for a column of `kind`, or `None` when it cannot
    /// equal any value of that column (so it is left out of a lookup).
    pub fn coerce(&self, value: &Value, kind: ColumnKind) -> Option<Value> {
        match (value, kind) {
            (Value::Null, _) => None,
            (
                Value::Int(_),
                ColumnKind::Integer | ColumnKind::Float | ColumnKind::Decimal | ColumnKind::Bool,
            ) => Some(value.clone()),
            (Value::Int(i), _) => Some(Value::Text(i.to_string())),
            (Value::Text(t), ColumnKind::Integer) => t.trim().parse().ok().map(Value::Int),
            (Value::Text(t), ColumnKind::Float) => t.trim().parse().ok().map(Value::Float),
            (Value::Float(f), ColumnKind::Integer) => {
                (f.fract() == 0.0).then_some(Value::Int(*f as i64))
            }
            (Value::Bool(b), ColumnKind::Integer) => Some(Value::Int(i64::from(*b))),
            (Value::Bool(b), ColumnKind::Text | ColumnKind::Other) => {
                Some(Value::Text(b.to_string()))
            }
            (v, _) => Some(v.clone()),
        }
    }

    /// Batch deletion of rows meeting `where_` (which may not use LIMIT in a subquery on
    /// MySQL): returns the statement deleting at most `limit` of them.
    pub fn delete_batch(&self, table: &str, key: &[String], where_: &str, limit: usize) -> String {
        let t = self.table(table);
        match self.kind {
            DbKind::Mysql => format!("DELETE FROM {t} WHERE {where_} LIMIT {limit}"),
            _ => format!(
                "DELETE FROM {t} WHERE {} IN (SELECT {} FROM {t} WHERE {where_} LIMIT {limit})",
                self.key_tuple(key, None),
                self.key_list(key)
            ),
        }
    }

    /// Batch update of rows meeting `where_`.
    pub fn update_batch(
        &self,
        table: &str,
        key: &[String],
        set: &str,
        where_: &str,
        limit: usize,
    ) -> String {
        let t = self.table(table);
        match self.kind {
            DbKind::Mysql => format!("UPDATE {t} SET {set} WHERE {where_} LIMIT {limit}"),
            DbKind::Postgres | DbKind::Sqlite => format!(
                "UPDATE {t} SET {set} WHERE {} IN (SELECT {} FROM {t} WHERE {where_} LIMIT {limit})",
                self.key_tuple(key, None),
                self.key_list(key)
            ),
        }
    }

    /// The predicate selecting the rows whose key columns (`columns`, SQL expressions, of
    /// kinds `kinds`) equal one of `keys`; the values are appended to `params`.
    ///
    /// One column is `c IN (…)`. Several are `(a = ? AND b = ?) OR …`: row values in an
    /// `IN` list are not portable (SQLite accepts them only against a subquery, and
    /// PostgreSQL's `(a, b) IN (SELECT (a, b) …)` compares one composite column), while this
    /// form is read the same way everywhere and each disjunct is served by the key's index.
    pub fn key_in(
        &self,
        columns: &[String],
        kinds: &[ColumnKind],
        keys: &[Vec<Value>],
        params: &mut Vec<Value>,
    ) -> String {
        if let [column] = columns {
            let ph: Vec<String> = keys
                .iter()
                .filter_map(|k| k.first())
                .map(|v| {
                    params.push(v.clone());
                    self.typed_param(
                        params.len(),
                        kinds.first().copied().unwrap_or(ColumnKind::Other),
                    )
                })
                .collect();
            return format!("{column} IN ({})", ph.join(", "));
        }
        let rows: Vec<String> = keys
            .iter()
            .map(|k| {
                let eqs: Vec<String> = columns
                    .iter()
                    .zip(kinds)
                    .zip(k)
                    .map(|((c, kind), v)| {
                        params.push(v.clone());
                        format!("{c} = {}", self.typed_param(params.len(), *kind))
                    })
                    .collect();
                format!("({})", eqs.join(" AND "))
            })
            .collect();
        format!("({})", rows.join(" OR "))
    }

    /// The key columns quoted (and qualified by `alias` when given), one expression each.
    pub fn key_columns(&self, key: &[String], alias: Option<&str>) -> Vec<String> {
        key.iter()
            .map(|c| match alias {
                Some(a) => format!("{a}.{}", self.ident(c)),
                None => self.ident(c),
            })
            .collect()
    }

    /// `"a"` or `("a", "b")`: the left side of `… IN (SELECT …)`.
    pub fn key_tuple(&self, key: &[String], alias: Option<&str>) -> String {
        match self.key_columns(key, alias).as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(", ")),
        }
    }

    /// `"a", "b"`: a key as a SELECT list (never parenthesised, which on PostgreSQL would
    /// make one composite column).
    pub fn key_list(&self, key: &[String]) -> String {
        self.key_columns(key, None).join(", ")
    }

    /// The spellings of a lower-cased value that `case_folded` can produce from what a
    /// column holds. PostgreSQL and MariaDB fold every letter, so the value itself. SQLite's
    /// `lower()` folds ASCII letters only: a stored `ÅSA@…` becomes `Åsa@…`, so each letter
    /// beyond ASCII is looked for in both cases (at most 2⁶ spellings; further letters are
    /// looked for in both all-lower and all-upper forms).
    pub fn folded_spellings(&self, lower: &str) -> Vec<String> {
        if self.kind != DbKind::Sqlite {
            return vec![lower.to_owned()];
        }
        let chars: Vec<char> = lower.chars().collect();
        let wide: Vec<usize> = (0..chars.len())
            .filter(|&i| {
                !chars[i].is_ascii() && chars[i].to_uppercase().ne(chars[i].to_lowercase())
            })
            .collect();
        let upper = |c: char| c.to_uppercase().collect::<String>();
        if wide.len() > 6 {
            let all_upper: String = chars
                .iter()
                .map(|&c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        upper(c)
                    }
                })
                .collect();
            return vec![lower.to_owned(), all_upper];
        }
        (0..1u32 << wide.len())
            .map(|mask| {
                chars
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| match wide.iter().position(|&w| w == i) {
                        Some(bit) if mask & (1 << bit) != 0 => upper(c),
                        _ => c.to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The expression an identity column is compared through when the comparison must
    /// ignore case: `lower(col)`, served by an expression index on PostgreSQL and SQLite.
    /// A column that ignores case itself (`citext`, a `_ci` collation) is compared as is.
    pub fn case_folded(&self, column: &Column) -> String {
        let c = self.ident(&column.name);
        if column.case_insensitive {
            c
        } else {
            format!("lower({c})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(kind: DbKind) -> Dialect {
        Dialect {
            kind,
            schema: Some("public".into()),
        }
    }

    #[test]
    fn identifiers_are_quoted_so_they_cannot_escape() {
        assert_eq!(d(DbKind::Postgres).ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(d(DbKind::Mysql).ident("we`ird"), "`we``ird`");
        assert_eq!(
            d(DbKind::Postgres).table("customer"),
            "\"public\".\"customer\""
        );
        assert_eq!(d(DbKind::Sqlite).table("customer"), "\"customer\"");
    }

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(d(DbKind::Postgres).param(3), "$3");
        assert_eq!(d(DbKind::Mysql).param(3), "?");
    }

    #[test]
    fn values_are_coerced_to_the_column_type_or_dropped() {
        let pg = d(DbKind::Postgres);
        assert_eq!(
            pg.coerce(&Value::Text("42".into()), ColumnKind::Integer),
            Some(Value::Int(42))
        );
        assert_eq!(
            pg.coerce(&Value::Text("anna".into()), ColumnKind::Integer),
            None
        );
        assert_eq!(
            pg.coerce(&Value::Int(7), ColumnKind::Text),
            Some(Value::Text("7".into()))
        );
        assert_eq!(pg.coerce(&Value::Null, ColumnKind::Text), None);
    }

    #[test]
    fn batches_are_bounded_per_backend() {
        let key = vec!["id".to_owned()];
        assert_eq!(
            d(DbKind::Mysql).delete_batch("log", &key, "`t` < ?", 500),
            "DELETE FROM `log` WHERE `t` < ? LIMIT 500"
        );
        assert_eq!(
            d(DbKind::Postgres).delete_batch("log", &key, "\"t\" < $1", 500),
            "DELETE FROM \"public\".\"log\" WHERE \"id\" IN (SELECT \"id\" FROM \"public\".\"log\" WHERE \"t\" < $1 LIMIT 500)"
        );
    }

    #[test]
    fn sqlite_is_asked_for_each_case_of_letters_its_lower_does_not_fold() {
        let sqlite = d(DbKind::Sqlite);
        let mut s = sqlite.folded_spellings("åsa.ör@example.se");
        s.sort();
        assert_eq!(
            s,
            [
                "Åsa.Ör@example.se",
                "Åsa.ör@example.se",
                "åsa.Ör@example.se",
                "åsa.ör@example.se"
            ]
        );
        assert_eq!(
            sqlite.folded_spellings("anna@example.se"),
            ["anna@example.se"]
        );
        assert_eq!(
            d(DbKind::Postgres).folded_spellings("åsa@x.se"),
            ["åsa@x.se"]
        );
    }

    #[test]
    fn composite_keys_are_selected_as_columns_not_as_one_row_value() {
        let key = vec!["order_id".to_owned(), "line".to_owned()];
        let sql = d(DbKind::Postgres).delete_batch("item", &key, "TRUE", 10);
        assert!(
            sql.contains("(\"order_id\", \"line\") IN (SELECT \"order_id\", \"line\" FROM"),
            "{sql}"
        );
        let mut params = Vec::new();
        let cols = d(DbKind::Sqlite).key_columns(&key, None);
        let p = d(DbKind::Sqlite).key_in(
            &cols,
            &[ColumnKind::Integer, ColumnKind::Integer],
            &[
                vec![Value::Int(1), Value::Int(2)],
                vec![Value::Int(3), Value::Int(4)],
            ],
            &mut params,
        );
        assert_eq!(
            p,
            "((\"order_id\" = ? AND \"line\" = ?) OR (\"order_id\" = ? AND \"line\" = ?))"
        );
        assert_eq!(params.len(), 4);
    }
}
