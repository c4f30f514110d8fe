//! The records, as rows read them (`FromRow`) and as callers see them. A value stored as
//! text that names no known state is [`StoreError::Corrupt`], never a default.

use skydd_core::rights::{Kind, Restriction};

use crate::StoreError;

/// An enum stored as its text: `as_str` writes it, `parse` reads it back or says the
/// record is corrupt.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
        impl $name {
            /// Every value, in order.
            pub const ALL: &[$name] = &[$($name::$variant),+];
            /// The text stored.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Reads the stored text; unknown text is a corrupt record.
            pub fn parse(text: &str) -> Result<$name, StoreError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(StoreError::Corrupt(format!(concat!("a ", $what, " `{}`"), text))),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A field kept by a legal obligation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Hold {
    /// The person.
    pub subject: String,
    /// `dataset.collection`.
    pub collection: String,
    /// The row's key (`id=11`).
    pub row_key: String,
    /// The field.
    pub field: String,
    /// The purpose keeping it.
    pub purpose: String,
    /// The statute.
    pub statute: Option<String>,
    /// The last day it must be kept.
    pub until: Option<String>,
}

/// A data-subject request as the CLI has logged it since before the request workflow.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRecord {
    /// Identifier.
    pub id: String,
    /// access, export, erasure, rectification, restriction, objection, consent_withdrawal.
    pub kind: String,
    /// The person (subject keys, space-separated).
    pub subject: String,
    /// Received (date).
    pub received: String,
    /// Answer due (date, Art. 12(3)).
    pub due: String,
    /// Completed (date-time).
    pub completed: Option<String>,
    /// What was done (JSON).
    pub summary: String,
    /// `done`, or `failed` (the summary says why).
    pub status: String,
}

text_enum! {
    /// Where a retention run stands.
    RunStatus, "retention run status" {
        /// Sweeping now (or killed while it was).
        Running = "running",
        /// Every job ran.
        Done = "done",
        /// Some job failed; the report says which.
        Failed = "failed",
        /// Killed; a later run redid its work.
        Interrupted = "interrupted",
    }
}

/// A retention run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRun {
    /// Identifier.
    pub id: i64,
    /// Started (UTC).
    pub started_at: String,
    /// Finished (UTC).
    pub finished_at: Option<String>,
    /// Where it stands.
    pub status: RunStatus,
    /// Rows changed so far.
    pub rows: u64,
    /// Its report (JSON).
    pub detail: String,
}

/// A retention run's row.
#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    id: i64,
    started_at: String,
    finished_at: Option<String>,
    status: String,
    rows: i64,
    detail: String,
}

impl TryFrom<RunRow> for RetentionRun {
    type Error = StoreError;
    fn try_from(r: RunRow) -> Result<Self, StoreError> {
        Ok(RetentionRun {
            id: r.id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            status: RunStatus::parse(&r.status)?,
            rows: u64::try_from(r.rows).map_err(|_| {
                StoreError::Corrupt(format!("retention run {} with {} rows", r.id, r.rows))
            })?,
            detail: r.detail,
        })
    }
}

/// A restriction's row.
#[derive(sqlx::FromRow)]
pub(crate) struct RestrictionRow {
    subject: String,
    kind: String,
    purpose: Option<String>,
    allowed: String,
    created_at: String,
}

impl TryFrom<RestrictionRow> for Restriction {
    type Error = StoreError;
    fn try_from(r: RestrictionRow) -> Result<Self, StoreError> {
        let corrupt = |what: String| StoreError::Corrupt(what);
        Ok(Restriction {
            kind: Kind::from_key(&r.kind)
                .ok_or_else(|| corrupt(format!("a restriction of unknown kind `{}`", r.kind)))?,
            allowed: serde_json::from_str(&r.allowed).map_err(|e| {
                corrupt(format!(
                    "a restriction's allowed purposes `{}`: {e}",
                    r.allowed
                ))
            })?,
            subject: r.subject,
            purpose: r.purpose,
            since: r.created_at,
        })
    }
}

/// A count as stored (SQL integers are signed).
pub(crate) fn stored_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A lease on a piece of work.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Lease {
    /// The work (`retention`, `erasure:<subject>`).
    pub name: String,
    /// Who holds it.
    pub holder: String,
    /// Since when this holder has held it (UTC).
    pub acquired_at: String,
    /// Until when, unless renewed (UTC).
    pub expires_at: String,
}

/// A retention run just started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStart {
    /// The run's id.
    pub id: i64,
    /// Runs left `running` by processes that died, now `interrupted` (this run redoes
    /// their work: a sweep's conditions exclude what is done).
    pub interrupted: u64,
    /// The expired lease this run took over, when another holder's run had died.
    pub took_over: Option<Lease>,
}

text_enum! {
    /// Where an erasure stands.
    ErasureState, "erasure state" {
        /// Journalled; no database touched yet.
        Planned = "planned",
        /// Some databases done (`datasets_done`).
        Applying = "applying",
        /// Every database done and skydd's records written.
        Recorded = "recorded",
        /// Given up; `failure` says why.
        Failed = "failed",
    }
}

/// An erasure about to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewErasure {
    /// The request it answers.
    pub request_id: String,
    /// The people erased (subject keys): each one's `erasure:<subject>` lease is taken.
    pub subjects: Vec<String>,
    /// The plan (JSON; the store keeps it as the app wrote it).
    pub plan: String,
    /// Who carries it out.
    pub holder: String,
    /// How long the subjects' leases last unless renewed.
    pub lease: std::time::Duration,
}

/// An erasure's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureJournal {
    /// Identifier.
    pub id: String,
    /// The request it answers.
    pub request_id: String,
    /// The people erased.
    pub subjects: Vec<String>,
    /// The plan (JSON, as the app wrote it).
    pub plan: String,
    /// Where it stands.
    pub state: ErasureState,
    /// The databases whose changes are committed, in the order they were.
    pub datasets_done: Vec<String>,
    /// Who carries it out.
    pub holder: String,
    /// Why it failed.
    pub failure: Option<String>,
    /// Journalled (UTC).
    pub created_at: String,
    /// Last changed (UTC).
    pub updated_at: String,
}

/// An erasure journal's row.
#[derive(sqlx::FromRow)]
pub(crate) struct ErasureRow {
    id: String,
    request_id: String,
    subjects: String,
    plan: String,
    state: String,
    datasets_done: String,
    holder: String,
    failure: Option<String>,
    created_at: String,
    updated_at: String,
}

impl TryFrom<ErasureRow> for ErasureJournal {
    type Error = StoreError;
    fn try_from(r: ErasureRow) -> Result<Self, StoreError> {
        let list = |what: &str, text: &str| -> Result<Vec<String>, StoreError> {
            serde_json::from_str(text).map_err(|e| {
                StoreError::Corrupt(format!("erasure {} with {what} `{text}`: {e}", r.id))
            })
        };
        Ok(ErasureJournal {
            subjects: list("subjects", &r.subjects)?,
            datasets_done: list("databases done", &r.datasets_done)?,
            state: ErasureState::parse(&r.state)?,
            id: r.id,
            request_id: r.request_id,
            plan: r.plan,
            holder: r.holder,
            failure: r.failure,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A restriction to record (with an erasure: Art. 18(2), the data a legal obligation keeps
/// may be processed only for that obligation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRestriction {
    /// The person.
    pub subject: String,
    /// Restriction, objection, withdrawal, or the hold that follows an erasure.
    pub kind: Kind,
    /// The purpose it concerns (all when `None`).
    pub purpose: Option<String>,
    /// The purposes still allowed.
    pub allowed: Vec<String>,
    /// Why.
    pub reason: Option<String>,
}

/// The lease that keeps two erasures of one person apart.
pub(crate) fn erasure_lease(subject: &str) -> String {
    format!("erasure:{subject}")
}
