//! One error type for every use case, so the command line and a server tell the same
//! things apart: bad input (the CLI's exit status 2, a server's 400), something that is not
//! there, rows changed under a write, skydd's state busy, and the failures of the store,
//! the company's databases and the renderer, each with its source kept.

use std::path::PathBuf;

use skydd_connect::DbError;
use skydd_core::datamap::DataMapError;
use skydd_render::RenderError;
use skydd_store::StoreError;

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request cannot be used as given (a bad identity, date, purpose or change); the
    /// text says what to write instead. Nothing was read or written.
    #[error("{0}")]
    Invalid(String),
    /// The register does not load; every problem, located in its text.
    #[error("`{}` cannot be used: {} error(s)", path.display(), source.diagnostics.len())]
    Register {
        /// The register file.
        path: PathBuf,
        /// Its text, for locating the diagnostics.
        text: String,
        /// Every problem found.
        source: skydd_core::LoadError,
    },
    /// The data maps do not load.
    #[error("{}", map_errors(.0))]
    DataMap(Vec<DataMapError>),
    /// Something the request names, or needs, is not there (skydd's state, a database).
    #[error("{0}")]
    NotFound(String),
    /// Rows changed between planning and writing, again and again; nothing more was
    /// written than `context` says.
    #[error("{context}")]
    Conflict {
        /// What was and was not changed.
        context: String,
        /// The database's refusal.
        source: DbError,
    },
    /// skydd's state is locked by another writer for longer than the store waits.
    #[error(transparent)]
    Busy(StoreError),
    /// A record of skydd's state changed since it was read: another handler moved the
    /// request meanwhile. Nothing was written; read it again and decide anew.
    #[error(transparent)]
    Moved(StoreError),
    /// The use case refuses what was asked, for a reason of the domain (rows other people
    /// share, a database without tables); `notes` in the text say what to do.
    #[error("{0}")]
    Refused(String),
    /// A company database failed part way through a change; `context` says what was and
    /// was not changed.
    #[error("{context}")]
    RolledBack {
        /// What was and was not changed.
        context: String,
        /// Why.
        source: DbError,
    },
    /// A company database was changed, but skydd's state could not record it (busy,
    /// unreachable); `context` names the databases changed and says that running the same
    /// request again finishes recording it.
    #[error("{context}")]
    Unrecorded {
        /// What was changed, and how to finish.
        context: String,
        /// Why the state could not record it.
        source: StoreError,
    },
    /// skydd's state holds a record that does not read as skydd wrote it; nothing is
    /// guessed in its place.
    #[error("{0}")]
    Corrupt(String),
    /// skydd's own state failed.
    #[error(transparent)]
    Store(StoreError),
    /// A company database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A document could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A file could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// A file the register names could not be read; `context` says which and for what.
    #[error("{context}")]
    Read {
        /// What was being read, and for what.
        context: String,
        /// Why it failed.
        source: FileError,
    },
    /// skydd cannot do this, a fault of its own (a draft that does not load, output that
    /// cannot be serialised); please report it.
    #[error("{0}")]
    Internal(String),
}

fn map_errors(errors: &[DataMapError]) -> String {
    let mut s = format!("the data map has {} error(s):\n", errors.len());
    for e in errors {
        s += &format!("  {e}\n");
    }
    s
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Missing { .. } => AppError::NotFound(e.to_string()),
            // Someone else holds the lease (a live erasure of the person, a retention run):
            // try again later, as with a locked file.
            StoreError::Busy { .. } => AppError::Busy(e),
            StoreError::Invalid(text) => AppError::Invalid(text.clone()),
            StoreError::Query(sqlx::Error::Database(d))
                if matches!(d.code().as_deref(), Some("5" | "6" | "517")) =>
            {
                AppError::Busy(e)
            }
            StoreError::Conflict(_) => AppError::Moved(e),
            _ => AppError::Store(e),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::File(FileError::Plain(e))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("cannot serialise: {e}"))
    }
}

impl AppError {
    /// Whether the request itself was at fault (the CLI's exit status 2 with the message
    /// alone, a server's 4xx).
    pub fn is_invalid(&self) -> bool {
        matches!(self, AppError::Invalid(_) | AppError::NotFound(_))
    }
}

/// A file could not be read or written; the text names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// An I/O error, with what was being done.
    #[error("{context}")]
    Io {
        /// What was being done, and to which file.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// An I/O error the caller names the file of.
    #[error(transparent)]
    Plain(#[from] std::io::Error),
    /// The file cannot be used as it is (too large, not UTF-8, missing).
    #[error("{0}")]
    Unusable(String),
}

impl FileError {
    /// `source` while doing `context`.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> FileError {
        FileError::Io {
            context: context.into(),
            source,
        }
    }
}
