//! The live schema of a company database, as the connectors read it: tables, columns with
//! their types and nullability, primary and foreign keys, indexes. Pure data; the
//! connectors fill it in, the planners and `skydd map check` read it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::value::Value;

/// What kind of value a column holds, across backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Integers of any width.
    Integer,
    /// Floating point.
    Float,
    /// Exact decimals and money.
    Decimal,
    /// Text of any length.
    Text,
    /// Booleans.
    Bool,
    /// Dates.
    Date,
    /// Timestamps (with or without zone).
    Timestamp,
    /// Times of day.
    Time,
    /// Binary.
    Bytes,
    /// JSON.
    Json,
    /// UUIDs.
    Uuid,
    /// Anything else (read as text).
    Other,
}

impl ColumnKind {
    /// Classifies a backend's type name (PostgreSQL, MySQL/MariaDB or SQLite affinity).
    pub fn from_sql(type_name: &str) -> ColumnKind {
        let t = type_name.to_ascii_lowercase();
        let t = t.trim();
        let has = |s: &str| t.contains(s);
        if t.starts_with("bool") || t == "tinyint(1)" {
            ColumnKind::Bool
        } else if has("int") || t == "serial" || t == "bigserial" || t == "smallserial" {
            ColumnKind::Integer
        } else if has("char")
            || has("text")
            || has("clob")
            || t == "name"
            || has("citext")
            || t.starts_with("enum")
            || t.starts_with("set(")
        {
            ColumnKind::Text
        } else if has("timestamp") || has("datetime") {
            ColumnKind::Timestamp
        } else if t == "date" {
            ColumnKind::Date
        } else if t.starts_with("time") {
            ColumnKind::Time
        } else if has("double") || has("real") || has("float") {
            ColumnKind::Float
        } else if has("numeric") || has("decimal") || t == "money" {
            ColumnKind::Decimal
        } else if has("bytea") || has("blob") || has("binary") {
            ColumnKind::Bytes
        } else if has("json") {
            ColumnKind::Json
        } else if t == "uuid" {
            ColumnKind::Uuid
        } else if t.is_empty() {
            // SQLite columns without a declared type hold anything.
            ColumnKind::Other
        } else {
            ColumnKind::Other
        }
    }

    /// True for text-like columns that take any string.
    pub fn is_textual(self) -> bool {
        matches!(self, ColumnKind::Text | ColumnKind::Other)
    }

    /// The fideslang `data_type` that matches, for drafting datasets.
    pub fn fides_type(self) -> &'static str {
        match self {
            ColumnKind::Integer => "integer",
            ColumnKind::Float | ColumnKind::Decimal => "float",
            ColumnKind::Bool => "boolean",
            ColumnKind::Bytes => "string",
            _ => "string",
        }
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Name.
    pub name: String,
    /// The backend's type name.
    pub sql_type: String,
    /// Classified kind.
    pub kind: ColumnKind,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Maximum length in characters, for bounded text.
    pub max_len: Option<u64>,
    /// Equality ignores case (PostgreSQL `citext`, a MySQL/MariaDB `_ci` collation), so a
    /// plain comparison already matches an e-mail address however it was capitalised.
    pub case_insensitive: bool,
}

impl Column {
    /// Converts text (from the command line or a fixed masking value) into a value this
    /// column accepts, or says why it cannot.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let bad = |what: &str| {
            format!(
                "`{text}` is not {what} (column `{}` is {})",
                self.name, self.sql_type
            )
        };
        match self.kind {
            ColumnKind::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| bad("an integer")),
            ColumnKind::Float | ColumnKind::Decimal => text
                .trim()
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| bad("a number")),
            ColumnKind::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "ja" => Ok(Value::Bool(true)),
                "false" | "0" | "no" | "nej" => Ok(Value::Bool(false)),
                _ => Err(bad("a boolean")),
            },
            ColumnKind::Date => text
                .trim()
                .parse::<jiff::civil::Date>()
                .map(|d| Value::Text(d.to_string()))
                .map_err(|_| bad("a date (YYYY-MM-DD)")),
            ColumnKind::Timestamp => text
                .trim()
                .replace(' ', "T")
                .parse::<jiff::civil::DateTime>()
                .map(|d| Value::Text(d.strftime("%Y-%m-%d %H:%M:%S").to_string()))
                .map_err(|_| bad("a timestamp (YYYY-MM-DD HH:MM:SS)")),
            ColumnKind::Bytes | ColumnKind::Json | ColumnKind::Uuid | ColumnKind::Time => {
                Err(format!(
                    "column `{}` ({}) cannot be set from text by skydd",
                    self.name, self.sql_type
                ))
            }
            ColumnKind::Text | ColumnKind::Other => match self.max_len {
                Some(max) if text.chars().count() as u64 > max => Err(format!(
                    "`{text}` is longer than {max} characters (column `{}` is {})",
                    self.name, self.sql_type
                )),
                _ => Ok(Value::Text(text.to_owned())),
            },
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// Columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub table: String,
    /// The referenced columns.
    pub references: Vec<String>,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes, each as its column list (leading column first).
    pub indexes: Vec<Vec<String>>,
    /// Leading expressions of expression indexes, normalised by [`normalise_expression`]
    /// (`lower(email)`), so a lookup by `lower(col)` can be known to be served.
    pub expression_indexes: Vec<String>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// True when some index (or the primary key) starts with `column`, so lookups by it
    /// are fast.
    pub fn is_indexed(&self, column: &str) -> bool {
        self.primary_key.first().is_some_and(|c| c == column)
            || self
                .indexes
                .iter()
                .any(|i| i.first().is_some_and(|c| c == column))
    }

    /// True when an index serves a case-insensitive lookup by `column`: an expression index
    /// on `lower(column)`, or a plain one when the column itself ignores case.
    pub fn is_indexed_ignoring_case(&self, column: &str) -> bool {
        let ci = self.column(column).is_some_and(|c| c.case_insensitive);
        (ci && self.is_indexed(column))
            || self
                .expression_indexes
                .iter()
                .any(|e| *e == normalise_expression(&format!("lower({column})")))
    }

    /// True when `column` is part of the primary key or of a foreign key.
    pub fn is_key(&self, column: &str) -> bool {
        self.primary_key.iter().any(|c| c == column)
            || self
                .foreign_keys
                .iter()
                .any(|f| f.columns.iter().any(|c| c == column))
    }
}

/// An index expression in a form that compares equal across backends and spellings:
/// lower case, without quotes, casts (`::text`, `::character varying`), spaces or
/// redundant parentheses, so PostgreSQL's `lower((email)::text)` and SQLite's
/// `LOWER("email")` are both `lower(email)`.
pub fn normalise_expression(expr: &str) -> String {
    let mut s = expr.to_lowercase();
    for cast in ["::character varying", "::varchar", "::text", "::citext"] {
        s = s.replace(cast, "");
    }
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '`' | '\''))
        .collect();
    // `lower((email))` → `lower(email)`: drop parentheses that only wrap a bare name.
    let mut out = s;
    loop {
        let next = collapse_parens(&out);
        if next == out {
            return out;
        }
        out = next;
    }
}

fn collapse_parens(s: &str) -> String {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c != b'(' {
            continue;
        }
        let Some(len) = s[i + 1..].find(')') else {
            break;
        };
        let inner = &s[i + 1..i + 1 + len];
        let bare = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        // Parentheses after a function name are its call; only doubled ones go.
        let after_name = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if bare && !after_name {
            return format!("{}{}{}", &s[..i], inner, &s[i + 2 + len..]);
        }
    }
    s.to_owned()
}

/// The tables of one database (one schema).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
}

impl Schema {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// Foreign keys of other tables that point at `table`: (referencing table, key).
    pub fn referencing(&self, table: &str) -> Vec<(&Table, &ForeignKey)> {
        self.tables
            .values()
            .flat_map(|t| t.foreign_keys.iter().map(move |f| (t, f)))
            .filter(|(_, f)| f.table == table)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_types_are_classified() {
        let cases = [
            ("integer", ColumnKind::Integer),
            ("bigint", ColumnKind::Integer),
            ("int(11)", ColumnKind::Integer),
            ("character varying", ColumnKind::Text),
            ("varchar(100)", ColumnKind::Text),
            ("TEXT", ColumnKind::Text),
            ("timestamp without time zone", ColumnKind::Timestamp),
            ("datetime", ColumnKind::Timestamp),
            ("date", ColumnKind::Date),
            ("money", ColumnKind::Decimal),
            ("numeric(10,2)", ColumnKind::Decimal),
            ("boolean", ColumnKind::Bool),
            ("tinyint(1)", ColumnKind::Bool),
            ("double precision", ColumnKind::Float),
            ("bytea", ColumnKind::Bytes),
            ("jsonb", ColumnKind::Json),
            ("uuid", ColumnKind::Uuid),
        ];
        for (t, k) in cases {
            assert_eq!(ColumnKind::from_sql(t), k, "{t}");
        }
    }

    fn col(kind: ColumnKind, max_len: Option<u64>) -> Column {
        Column {
            name: "c".into(),
            sql_type: "t".into(),
            kind,
            nullable: true,
            max_len,
            case_insensitive: false,
        }
    }

    #[test]
    fn index_expressions_compare_across_backends() {
        for e in [
            "lower((email)::text)",
            "LOWER(\"email\")",
            "lower(email)",
            "lower( (email) )",
            "lower(`email`)",
        ] {
            assert_eq!(normalise_expression(e), "lower(email)", "{e}");
        }
        assert_ne!(normalise_expression("upper(email)"), "lower(email)");
    }

    #[test]
    fn text_is_checked_against_the_column_type() {
        assert_eq!(
            col(ColumnKind::Integer, None).parse(" 42 "),
            Ok(Value::Int(42))
        );
        assert!(
            col(ColumnKind::Integer, None)
                .parse("Anna")
                .unwrap_err()
                .contains("is not an integer")
        );
        assert_eq!(
            col(ColumnKind::Date, None).parse("2024-02-29"),
            Ok(Value::Text("2024-02-29".into()))
        );
        assert!(col(ColumnKind::Date, None).parse("2023-02-29").is_err());
        assert_eq!(
            col(ColumnKind::Timestamp, None).parse("2024-01-02 03:04:05"),
            Ok(Value::Text("2024-01-02 03:04:05".into()))
        );
        assert!(
            col(ColumnKind::Text, Some(3))
                .parse("Anna")
                .unwrap_err()
                .contains("longer than 3")
        );
        assert_eq!(
            col(ColumnKind::Text, Some(4)).parse("Åsa!"),
            Ok(Value::Text("Åsa!".into()))
        );
        assert_eq!(
            col(ColumnKind::Bool, None).parse("ja"),
            Ok(Value::Bool(true))
        );
    }
}
