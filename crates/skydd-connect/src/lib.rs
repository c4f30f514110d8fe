//! The company's databases: connecting (SQLite, PostgreSQL, MySQL/MariaDB through one
//! pooled SQL layer), reading their schema, finding a person's rows by the traversal, and
//! executing erasure, rectification and retention plans.
//!
//! **Architecture invariants:** identifiers are always quoted and values always bound, never
//! spliced into SQL; every write happens inside a transaction; connection URLs are never
//! logged or put in errors; nothing here writes skydd's own state.
#![deny(missing_docs)]

pub mod dialect;
mod introspect;
pub mod read;
pub mod sweep;
pub mod write;

use std::sync::Once;
use std::time::Duration;

use skydd_core::register::DbKind;
use skydd_core::schema::Schema;
use skydd_core::value::Value;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row, TypeInfo as _};

pub use dialect::Dialect;

/// What went wrong talking to a database. Messages never contain the connection URL.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database could not be reached or refused the login.
    #[error("cannot connect to database `{name}` ({kind}): {reason}")]
    Connect {
        /// The database's name in the register.
        name: String,
        /// Its kind.
        kind: &'static str,
        /// Why (without the URL).
        reason: String,
    },
    /// A statement failed.
    #[error("database `{name}`: {reason}")]
    Query {
        /// The database's name in the register.
        name: String,
        /// Why.
        reason: String,
    },
    /// Rows changed between planning and writing; nothing was written.
    #[error(
        "database `{name}`: {found} of {planned} row(s) no longer held the values the plan was made from (changed meanwhile); rolled back"
    )]
    Conflict {
        /// The database's name in the register.
        name: String,
        /// Rows the statement was planned for.
        planned: u64,
        /// Rows that still matched.
        found: u64,
    },
    /// The plan does not fit the live schema.
    #[error("database `{name}`: {reason}")]
    Schema {
        /// The database's name in the register.
        name: String,
        /// Why.
        reason: String,
    },
}

/// A connected database.
#[derive(Debug, Clone)]
pub struct Db {
    /// Its name in the register.
    pub name: String,
    /// SQL builder for it.
    pub dialect: Dialect,
    pool: AnyPool,
}

static DRIVERS: Once = Once::new();

/// A PostgreSQL URL to this machine (127.0.0.1, ::1, localhost) that names no `sslmode`
/// gets `sslmode=disable`: traffic on loopback never leaves the machine, so TLS protects
/// nothing there, while negotiating it (the driver's default `prefer`) costs about 100 ms
/// per connection against a server without TLS. Any other URL is used as written.
fn loopback_without_tls(url: &str) -> String {
    let authority = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.strip_prefix('[').map_or_else(
        || host.split(':').next().unwrap_or(""),
        |h| h.split(']').next().unwrap_or(""),
    );
    let loopback = matches!(host, "127.0.0.1" | "::1" | "localhost");
    if loopback && !url.contains("sslmode=") {
        format!(
            "{url}{}sslmode=disable",
            if url.contains('?') { '&' } else { '?' }
        )
    } else {
        url.to_owned()
    }
}

/// Strips anything URL-like from a driver message, so a password can never leak.
fn scrub(message: &str) -> String {
    message
        .split_whitespace()
        .map(|w| if w.contains("://") { "<url>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Db {
    /// Connects. `schema` is the PostgreSQL schema (default `public`). A SQLite URL must
    /// name an existing file unless `create` is set, so a typo never creates an empty
    /// database that would answer "no data" to every request.
    pub async fn connect(
        name: &str,
        kind: DbKind,
        url: &str,
        schema: Option<&str>,
        create: bool,
    ) -> Result<Db, DbError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let err = |reason: String| DbError::Connect {
            name: name.to_owned(),
            kind: kind.key(),
            reason: scrub(&reason),
        };
        let url = match kind {
            DbKind::Sqlite => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or(url);
                let path = path.split('?').next().unwrap_or(path);
                if !create && !std::path::Path::new(path).exists() {
                    return Err(err(format!("no SQLite database at `{path}`")));
                }
                format!("sqlite://{path}?mode={}", if create { "rwc" } else { "rw" })
            }
            DbKind::Postgres if !url.starts_with("postgres") => {
                return Err(err("the URL is not a postgres:// URL".into()));
            }
            DbKind::Postgres => loopback_without_tls(url),
            DbKind::Mysql if !(url.starts_with("mysql") || url.starts_with("mariadb")) => {
                return Err(err("the URL is not a mysql:// URL".into()));
            }
            DbKind::Mysql => url.replacen("mariadb://", "mysql://", 1),
        };
        let max = if kind == DbKind::Sqlite { 4 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(3))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if kind == DbKind::Sqlite {
                        // Enforce foreign keys (off by default in SQLite) and wait for locks.
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| err(e.to_string()))?;
        let schema = match kind {
            DbKind::Postgres => Some(schema.unwrap_or("public").to_owned()),
            _ => None,
        };
        Ok(Db {
            name: name.to_owned(),
            dialect: Dialect { kind, schema },
            pool,
        })
    }

    /// The pool, for callers that issue their own statements (the demo data generator and
    /// the benchmarks' hand-written baselines).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Reads the live schema.
    pub async fn introspect(&self) -> Result<Schema, DbError> {
        introspect::schema(self).await
    }

    pub(crate) fn query_error(&self, e: impl std::fmt::Display) -> DbError {
        DbError::Query {
            name: self.name.clone(),
            reason: scrub(&e.to_string()),
        }
    }

    pub(crate) fn schema_error(&self, reason: impl Into<String>) -> DbError {
        DbError::Schema {
            name: self.name.clone(),
            reason: reason.into(),
        }
    }

    /// Runs a statement without results (for schema set-up).
    pub async fn execute(&self, sql: &str) -> Result<u64, DbError> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| self.query_error(e))
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Binds a value to a query (NULL must be written into the SQL instead).
pub(crate) fn bind<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    v: &Value,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match v {
        Value::Null => q.bind(Option::<String>::None),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::Float(f) => q.bind(*f),
        Value::Text(t) => q.bind(t.clone()),
        Value::Bytes(b) => q.bind(b.clone()),
    }
}

/// Reads column `i` of a row as a portable value.
pub(crate) fn value(row: &AnyRow, i: usize) -> Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    use sqlx::ValueRef as _;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let type_name = raw.type_info().name().to_ascii_uppercase();
    Ok(match type_name.as_str() {
        "BOOLEAN" => Value::Bool(row.try_get(i)?),
        "SMALLINT" | "INTEGER" | "BIGINT" => Value::Int(row.try_get(i)?),
        "REAL" => Value::Float(f64::from(row.try_get::<f32, _>(i)?)),
        "DOUBLE" => Value::Float(row.try_get(i)?),
        "BLOB" => Value::Bytes(row.try_get(i)?),
        _ => Value::Text(row.try_get(i)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_postgres_urls_skip_tls_unless_told_otherwise() {
        assert_eq!(
            loopback_without_tls("postgres://u@127.0.0.1:5432/db"),
            "postgres://u@127.0.0.1:5432/db?sslmode=disable"
        );
        assert_eq!(
            loopback_without_tls("postgres://localhost/db?x=1"),
            "postgres://localhost/db?x=1&sslmode=disable"
        );
        assert_eq!(
            loopback_without_tls("postgres://u:p@[::1]:5432/db"),
            "postgres://u:p@[::1]:5432/db?sslmode=disable"
        );
        assert_eq!(
            loopback_without_tls("postgres://db.example.se/db"),
            "postgres://db.example.se/db"
        );
        assert_eq!(
            loopback_without_tls("postgres://127.0.0.1/db?sslmode=require"),
            "postgres://127.0.0.1/db?sslmode=require"
        );
    }

    #[test]
    fn driver_messages_lose_their_urls() {
        assert_eq!(
            scrub("error connecting to postgres://u:hemligt@h/db: refused"),
            "error connecting to <url> refused"
        );
    }
}
