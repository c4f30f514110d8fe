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
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, ConnectOptions as _, Connection as _, Row, TypeInfo as _};

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

/// What a malformed URL is told, whatever the driver found wrong with it.
fn malformed(kind: DbKind) -> String {
    let scheme = match kind {
        DbKind::Postgres => "postgres",
        DbKind::Mysql => "mysql",
        DbKind::Sqlite => "sqlite",
    };
    format!(
        "the connection URL is malformed (expected {scheme}://user:password@host:port/database)"
    )
}

/// How long the pool waits for a connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the pool may take to open its first connection before a probe asks why. A
/// server on the same machine or network answers within a few milliseconds.
const PROBE_AFTER: Duration = Duration::from_millis(100);

/// The scheme of a URL written `scheme://…`. Only a scheme is ever shown from a URL: it
/// comes before the first `:`, so it cannot hold the password.
fn scheme(url: &str) -> Option<&str> {
    let (s, rest) = url.split_once(':')?;
    let shaped = s.len() <= 16
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (shaped && rest.starts_with("//")).then_some(s)
}

/// Checks the shape and the scheme of a PostgreSQL or MySQL URL before a driver sees it,
/// and spells the scheme the way the drivers want it. Errors never quote the URL.
fn check_url(kind: DbKind, url: &str) -> Result<String, String> {
    let (expected, schemes): (&str, &[&str]) = match kind {
        DbKind::Postgres => ("postgres", &["postgres", "postgresql"]),
        DbKind::Mysql => ("mysql", &["mysql", "mariadb"]),
        DbKind::Sqlite => return Ok(url.to_owned()),
    };
    let Some(found) = scheme(url) else {
        return Err(malformed(kind));
    };
    if !schemes.iter().any(|s| s.eq_ignore_ascii_case(found)) {
        return Err(format!(
            "the URL's scheme is `{found}://`, but a {} database needs {expected}://",
            kind.key()
        ));
    }
    // url's parse errors are fixed phrases ("invalid port number"), never the input.
    url::Url::parse(url).map_err(|e| format!("{} ({e})", malformed(kind)))?;
    Ok(format!("{expected}{}", &url[found.len()..]))
}

/// The password of a URL, as written and percent-decoded: what an error must never show.
fn secrets(url: &str) -> Vec<String> {
    let Some(p) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_owned))
    else {
        return Vec::new();
    };
    let decoded = percent_encoding::percent_decode_str(&p)
        .decode_utf8_lossy()
        .into_owned();
    let mut out = vec![p];
    if !out.contains(&decoded) {
        out.push(decoded);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Why a driver call failed, built from the error's kind. Where a driver's text could quote
/// the connection URL (a configuration error) it is not used at all.
fn describe(e: &sqlx::Error) -> String {
    use sqlx::Error as E;
    match e {
        // Not met after connecting; `connect_reason` names the URL's kind.
        E::Configuration(_) => "the connection settings are invalid".to_owned(),
        E::Database(d) => database_message(d.as_ref()),
        E::Io(io) => io_message(io),
        E::Tls(source) => format!("TLS failed: {source}"),
        E::Protocol(what) => format!("the server answered unexpectedly: {what}"),
        E::PoolTimedOut => format!(
            "no connection within {} s: the server is too busy or does not answer",
            ACQUIRE_TIMEOUT.as_secs()
        ),
        E::PoolClosed => "the connection pool is closed".to_owned(),
        E::WorkerCrashed => "the database driver's worker crashed".to_owned(),
        // Errors about queries and values, which hold no connection details.
        other => other.to_string(),
    }
}

/// A server's error: its message, code, and PostgreSQL's detail and hint; not the server's
/// own source file and line, which mean nothing to the reader.
fn database_message(d: &dyn sqlx::error::DatabaseError) -> String {
    let mut m = d.message().trim().to_owned();
    if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        m += &format!(" (SQLSTATE {})", pg.code());
        if let Some(detail) = pg.detail() {
            m += &format!("; detail: {detail}");
        }
        if let Some(hint) = pg.hint() {
            m += &format!("; hint: {hint}");
        }
    } else if let Some(my) = d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        // As MySQL's own client writes it: `error 1045 (28000): Access denied …`.
        m = match my.code() {
            Some(state) => format!("error {} (SQLSTATE {state}): {m}", my.number()),
            None => format!("error {}: {m}", my.number()),
        };
    } else if let Some(code) = d.code() {
        m += &format!(" (code {code})");
    }
    m
}

/// An I/O error in words: the system's own message for an OS error (it names no host or
/// URL), a fixed phrase otherwise.
fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => {
            "connection refused: no server listens on that host and port".to_owned()
        }
        K::TimedOut => "the connection timed out".to_owned(),
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
            "the server closed the connection".to_owned()
        }
        _ if e.raw_os_error().is_some() => e.to_string(),
        _ if e
            .to_string()
            .starts_with("failed to lookup address information") =>
        {
            "the host name does not resolve".to_owned()
        }
        k => format!("input/output error ({k})"),
    }
}

/// `describe`, for an error met while connecting: should the text contain the password
/// after all, only the kind of failure is told.
fn connect_reason(e: &sqlx::Error, kind: DbKind, secrets: &[String]) -> String {
    if let sqlx::Error::Configuration(source) = e {
        // url's parse errors are fixed phrases; other configuration errors may quote the URL.
        return match source.downcast_ref::<url::ParseError>() {
            Some(p) => format!("{} ({p})", malformed(kind)),
            None => malformed(kind),
        };
    }
    let m = describe(e);
    if !secrets.iter().any(|s| m.contains(s.as_str())) {
        return m;
    }
    match e {
        sqlx::Error::Database(d) => format!(
            "the server refused the connection{}",
            d.code().map(|c| format!(" (code {c})")).unwrap_or_default()
        ),
        _ => "the connection failed".to_owned(),
    }
}

/// What a failure says in an error: a driver's error is described by its kind ([`describe`]),
/// a message of our own as it is.
pub(crate) trait Reason {
    /// The words.
    fn reason(self) -> String;
}

impl Reason for sqlx::Error {
    fn reason(self) -> String {
        describe(&self)
    }
}

impl Reason for String {
    fn reason(self) -> String {
        self
    }
}

impl Db {
    /// Connects. `schema` is the PostgreSQL schema (default `public`). A SQLite URL must
    /// name an existing file unless `create` is set, so a typo never creates an empty
    /// database that would answer "no data" to every request. Errors never contain the URL.
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
            reason,
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
            DbKind::Postgres => loopback_without_tls(&check_url(kind, url).map_err(err)?),
            DbKind::Mysql => check_url(kind, url).map_err(err)?,
        };
        let secrets = secrets(&url);
        let fail = |e: sqlx::Error| err(connect_reason(&e, kind, &secrets));
        let options: AnyConnectOptions = url.parse().map_err(fail)?;
        let max = if kind == DbKind::Sqlite { 4 } else { 8 };
        let pool_options = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if kind == DbKind::Postgres {
                        // Days are Swedish days: a `timestamptz` event at 23:30 in Stockholm
                        // falls on that day whatever zone the server runs in, as `today` does.
                        sqlx::query("SET TIME ZONE 'Europe/Stockholm'")
                            .execute(&mut *conn)
                            .await?;
                    }
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
            });
        let pool = if kind == DbKind::Sqlite {
            pool_options.connect_with(options).await.map_err(fail)?
        } else {
            // The pool retries a refused connection until its timeout, so a wrong port
            // would only say "timed out", after 3 s. When the pool has no connection
            // after PROBE_AFTER, one connection of our own tells at once what is wrong
            // (a fast server never pays for it).
            let mut first = tokio::spawn(pool_options.connect_with(options.clone()));
            let joined = match tokio::time::timeout(PROBE_AFTER, &mut first).await {
                Ok(joined) => joined,
                Err(_) => {
                    match options.connect().await {
                        // Closed politely, so the server logs no aborted connection.
                        Ok(probe) => drop(probe.close().await),
                        Err(e) => {
                            first.abort();
                            return Err(fail(e));
                        }
                    }
                    first.await
                }
            };
            match joined {
                Ok(p) => p.map_err(fail)?,
                Err(e) => return Err(err(format!("the connection task failed: {e}"))),
            }
        };
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

    pub(crate) fn query_error(&self, e: impl Reason) -> DbError {
        DbError::Query {
            name: self.name.clone(),
            reason: e.reason(),
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
    fn only_a_scheme_is_ever_read_from_a_url() {
        assert_eq!(scheme("mysql://u:p@h/db"), Some("mysql"));
        assert_eq!(
            scheme("mysql:u:p@h/db"),
            None,
            "no `//`: the user, not a scheme"
        );
        assert_eq!(scheme("u:p@h/db"), None);
        assert_eq!(scheme("hemligt"), None);
    }

    #[test]
    fn urls_are_checked_for_shape_and_scheme_without_quoting_them() {
        let e = check_url(DbKind::Postgres, "mysql://u:hemligt@h/db").unwrap_err();
        assert_eq!(
            e,
            "the URL's scheme is `mysql://`, but a postgres database needs postgres://"
        );
        let e = check_url(DbKind::Mysql, "mysql:root:hemligt@h/db").unwrap_err();
        assert_eq!(
            e,
            "the connection URL is malformed (expected mysql://user:password@host:port/database)"
        );
        let e = check_url(DbKind::Mysql, "mysql://root:hemligt@h:99999/db").unwrap_err();
        assert!(e.ends_with("(invalid port number)"), "{e}");
        assert_eq!(
            check_url(DbKind::Mysql, "MariaDB://root@h/db").unwrap(),
            "mysql://root@h/db"
        );
        assert_eq!(
            check_url(DbKind::Postgres, "postgresql://h/db").unwrap(),
            "postgres://h/db"
        );
    }

    #[test]
    fn a_driver_message_that_could_quote_the_url_is_not_used() {
        let secrets = secrets("mysql://root:hem%6Cigt@h/db");
        assert_eq!(secrets, ["hem%6Cigt", "hemligt"]);
        let e = sqlx::Error::Configuration("unknown ssl-mode `hemligt`".into());
        assert_eq!(
            connect_reason(&e, DbKind::Mysql, &secrets),
            "the connection URL is malformed (expected mysql://user:password@host:port/database)"
        );
        let e = sqlx::Error::Protocol("got hemligt".into());
        assert_eq!(
            connect_reason(&e, DbKind::Mysql, &secrets),
            "the connection failed"
        );
        let refused = sqlx::Error::Io(std::io::ErrorKind::ConnectionRefused.into());
        assert_eq!(
            connect_reason(&refused, DbKind::Postgres, &secrets),
            "connection refused: no server listens on that host and port"
        );
    }
}
