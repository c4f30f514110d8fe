//! skydd's own records, on SQLite (`skydd-state.sqlite` beside the register by default) or
//! on PostgreSQL (several skydd instances sharing one state): what people asked for
//! (restrictions, objections, withdrawn consent), the fields an erasure had to keep and when
//! they may go, the fields already erased, the requests handled, and the retention runs.
//!
//! [`StateStore`] is the seam: [`SqliteStore`] and [`PgStore`] implement it with the same
//! statements (`shared.rs`), and [`Store`] picks one from a URL and keeps the methods the
//! CLI calls.
//!
//! **Architecture invariant:** only this crate touches skydd's tables, and skydd's tables
//! live only here, never in the company's databases.
#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use skydd_core::rights::{Kind, Restriction};

mod audit;
mod outbox;
mod postgres;
mod records;
mod shared;
mod sqlite;
mod staff;

pub use audit::{SYSTEM, acting_as, cli_actor, set_default_actor};
pub use postgres::PgStore;
pub use records::*;
pub use skydd_core::auditlog::Entry as AuditEntry;
pub use sqlite::SqliteStore;

/// What went wrong with skydd's own records.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created, or the database not reached.
    #[error("cannot open skydd's state at `{path}`: {reason}")]
    Open {
        /// Where (a file's path; of a URL only its scheme).
        path: String,
        /// Why.
        reason: String,
    },
    /// A statement failed.
    #[error("skydd's state: {0}")]
    Query(#[from] sqlx::Error),
    /// A migration failed.
    #[error("skydd's state could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A record does not read as skydd wrote it (the file was edited or damaged); nothing
    /// is guessed in its place.
    #[error("skydd's state holds {0}; restore the file from a backup or correct the record")]
    Corrupt(String),
    /// There is no state file where one was expected.
    #[error(
        "no skydd state at `{path}`: skydd keeps restrictions, objections, withdrawn consent, legal holds and the request log there, and without it would answer as if nobody had asked for anything. If this is the first use, create it with `skydd state init`; otherwise restore the file or set `state` in the register"
    )]
    Missing {
        /// Where.
        path: String,
    },
    /// The state was written by a newer skydd.
    #[error(
        "skydd's state is at schema version {found}, newer than this skydd knows ({known}); upgrade skydd"
    )]
    Newer {
        /// Found.
        found: i64,
        /// Known.
        known: i64,
    },
    /// A state URL of a kind skydd does not keep its state in.
    #[error(
        "skydd's state cannot be kept at a `{scheme}` URL; use `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`"
    )]
    Scheme {
        /// The scheme given (never the whole URL: it may hold a password).
        scheme: String,
    },
    /// Someone else holds the work: a live lease.
    #[error("{what} is in progress since {since}, by {holder}")]
    Busy {
        /// What is in progress.
        what: String,
        /// Who holds it.
        holder: String,
        /// Since when (UTC).
        since: String,
    },
    /// A record was changed by someone else since it was read.
    #[error("{0}")]
    Conflict(String),
    /// A caller asked for something the records cannot hold.
    #[error("{0}")]
    Invalid(String),
}

/// A new record's id: a UUID v7 as text, so ids sort by the time they were made and two
/// processes making one in the same millisecond still get two.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// How long a retention run started by [`StateStore::start_run`] holds its lease without
/// progress: the CLI reports progress every few seconds, so a run silent for this long died.
pub const RUN_LEASE: Duration = Duration::from_secs(60);

/// Who this process is, for a lease: a person reading "in progress since …, by …" can find
/// it. Each call is a new holder, so two runs in one process are two holders too.
pub fn this_process() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this host".into());
    let id = new_id();
    let tail = id.get(id.len().saturating_sub(8)..).unwrap_or(&id);
    format!("process {} on {host} ({tail})", std::process::id())
}

/// Now and `ttl` later, as a lease stores them: UTC to the millisecond, fixed width.
pub(crate) fn lease_times(ttl: Duration) -> Result<(String, String), StoreError> {
    let now = jiff::Timestamp::now();
    let later = i64::try_from(ttl.as_millis())
        .ok()
        .and_then(|ms| now.as_millisecond().checked_add(ms))
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .ok_or_else(|| StoreError::Invalid(format!("a lease of {ttl:?} ends past year 9999")))?;
    let stamp = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    Ok((stamp(now), stamp(later)))
}

/// Now, as skydd stores a moment: UTC to the second.
pub(crate) fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// skydd's state, on either backend. Every method is one transaction or one statement.
/// The futures are `Send`, so a server's handlers can await them.
pub trait StateStore: Send + Sync {
    /// The same state, with the audit log recording `actor` (`user:<id>`, `token:<id>`,
    /// `cli:<OS user>`, `system:<job>`) as doing what this handle does. A cheap clone: the
    /// connections are shared. A store opened without one records [`SYSTEM`], or what
    /// [`set_default_actor`] set for the process.
    fn with_actor(&self, actor: &str) -> Self
    where
        Self: Sized;
    /// Who the audit log records as doing what this handle does.
    fn actor(&self) -> &str;
    /// Records what a person asked for. Returns its id; an identical active record is not
    /// duplicated (a unique index decides, whoever writes at once). `notices` (Art. 19) are
    /// written with a new record, not with one already active.
    fn restrict(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        allowed: &[String],
        reason: Option<&str>,
        notices: &[NewNotice],
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Lifts active records of `kind` for `purpose` (all purposes when `None`); returns how
    /// many.
    fn lift(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        notices: &[NewNotice],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// The active records of one person.
    fn active(
        &self,
        subject: &str,
    ) -> impl Future<Output = Result<Vec<Restriction>, StoreError>> + Send;
    /// Every active record, by person.
    fn all_active(
        &self,
    ) -> impl Future<Output = Result<BTreeMap<String, Vec<Restriction>>, StoreError>> + Send;
    /// Records the fields an erasure kept (a field held again gets the new end).
    fn record_holds(&self, holds: &[Hold]) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Holds not yet released, earliest expiry first.
    fn holds(&self) -> impl Future<Output = Result<Vec<Hold>, StoreError>> + Send;
    /// The holds not yet released of the people named by `subjects`.
    fn holds_of(
        &self,
        subjects: &[String],
    ) -> impl Future<Output = Result<Vec<Hold>, StoreError>> + Send;
    /// Marks holds whose last day is before `today` released; returns how many.
    fn release_holds(&self, today: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// The (collection, row key, field) already erased.
    fn erased(
        &self,
    ) -> impl Future<Output = Result<BTreeSet<(String, String, String)>, StoreError>> + Send;
    /// Records fields as erased by `request` (a field already marked keeps its first mark).
    fn mark_erased(
        &self,
        request: &str,
        fields: &[(String, String, String)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Logs a request, or updates its outcome when the id is known, with the `notices` of
    /// what it changed (Art. 19).
    fn record_request(
        &self,
        r: &RequestRecord,
        notices: &[NewNotice],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The requests logged, newest first.
    fn requests(&self) -> impl Future<Output = Result<Vec<RequestRecord>, StoreError>> + Send;
    /// The requests of the people named by `subjects`, newest first.
    fn requests_of(
        &self,
        subjects: &[String],
    ) -> impl Future<Output = Result<Vec<RequestRecord>, StoreError>> + Send;
    /// Starts a retention run under a lease of [`RUN_LEASE`] held by this process (see
    /// [`StateStore::start_run_leased`]): a live run elsewhere is [`StoreError::Busy`]. Runs
    /// left `running` by a killed process are marked `interrupted` and counted.
    fn start_run(&self) -> impl Future<Output = Result<(i64, u64), StoreError>> + Send;
    /// Records a run's progress.
    fn progress_run(
        &self,
        id: i64,
        rows: u64,
        detail: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Finishes a run with `status` (`done`, `failed` or `interrupted`).
    fn finish_run(
        &self,
        id: i64,
        status: &str,
        rows: u64,
        detail: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Retention runs, newest first.
    fn runs(&self) -> impl Future<Output = Result<Vec<RetentionRun>, StoreError>> + Send;
    /// Starts a retention run under the `retention` lease, held by `holder` for `ttl` and
    /// renewed by each [`StateStore::progress_run`]. A live run elsewhere is
    /// [`StoreError::Busy`]; a run whose lease expired (its process died) is taken over, and
    /// the result says whose it was.
    fn start_run_leased(
        &self,
        holder: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<RunStart, StoreError>> + Send;
    /// Takes the lease `name` for `holder` until `ttl` from now: true when it was free,
    /// expired, or already `holder`'s. Whoever races for it, one holder wins.
    fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Extends `holder`'s lease `name` to `ttl` from now; false when it is no longer theirs.
    fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Gives up `holder`'s lease `name`; false when it was not theirs.
    fn release_lease(
        &self,
        name: &str,
        holder: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The lease `name`, live or expired, if anyone took it.
    fn lease(&self, name: &str) -> impl Future<Output = Result<Option<Lease>, StoreError>> + Send;
    /// Journals an erasure before it touches any database, taking each subject's
    /// `erasure:<subject>` lease: one held by another holder is [`StoreError::Busy`] and
    /// nothing is journalled. Returns the journal's id.
    fn journal_erasure(
        &self,
        erasure: &NewErasure,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;
    /// Takes over an open erasure (its holder died: the leases expired) for `holder`, who
    /// resumes it; a live holder is [`StoreError::Busy`].
    fn take_over_erasure(
        &self,
        id: &str,
        holder: &str,
        lease: Duration,
    ) -> impl Future<Output = Result<ErasureJournal, StoreError>> + Send;
    /// In one transaction: `dataset` recorded done, and the fields it erased marked.
    fn mark_dataset_done(
        &self,
        id: &str,
        dataset: &str,
        erased_marks: &[(String, String, String)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// In one transaction: the holds, the restrictions (Art. 18(2)), the request record,
    /// the journal `recorded`, and the subjects' leases released. An erasure no longer
    /// open is [`StoreError::Conflict`].
    fn complete_erasure(
        &self,
        id: &str,
        holds: &[Hold],
        restrictions: &[NewRestriction],
        request: &RequestRecord,
        notices: &[NewNotice],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Marks an erasure failed with `reason` and releases its leases.
    fn fail_erasure(
        &self,
        id: &str,
        reason: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// One erasure's journal.
    fn erasure(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<ErasureJournal>, StoreError>> + Send;
    /// The erasures of any of `subjects` not yet recorded, oldest first: what a re-run
    /// resumes.
    fn open_erasures(
        &self,
        subjects: &[String],
    ) -> impl Future<Output = Result<Vec<ErasureJournal>, StoreError>> + Send;
    /// Receives a request: `received`, with the person's identities. Returns its id.
    fn create_request(
        &self,
        request: &NewRequest,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;
    /// One request, with its identities and executions.
    fn request(&self, id: &str)
    -> impl Future<Output = Result<Option<Request>, StoreError>> + Send;
    /// The requests still to be answered, the soonest due first (an extension's day counts).
    fn open_requests(&self) -> impl Future<Output = Result<Vec<Request>, StoreError>> + Send;
    /// Moves a request from `from` to `to`, recording what `transition` gives, only if it
    /// still is `from`: otherwise [`StoreError::Conflict`] (someone else moved it). The
    /// store checks no policy: which moves are lawful is the application's.
    fn transition(
        &self,
        id: &str,
        from: RequestStatus,
        to: RequestStatus,
        transition: &Transition,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records that the engine starts on a request; returns the execution's id.
    fn start_execution(
        &self,
        request_id: &str,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;
    /// Records how an execution ended, with its report (JSON); once.
    fn finish_execution(
        &self,
        id: &str,
        outcome: ExecutionOutcome,
        report: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The audit log's entries after position `after_seq`, oldest first, at most `limit`:
    /// a page, for verifying in constant memory and for showing.
    fn audit_entries(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
    /// The audit log's last entry (none in an empty log).
    fn audit_head(&self) -> impl Future<Output = Result<Option<AuditEntry>, StoreError>> + Send;
    /// Adds a user; returns their id. An e-mail address already used is
    /// [`StoreError::Conflict`].
    fn add_user(&self, user: &NewUser) -> impl Future<Output = Result<String, StoreError>> + Send;
    /// Every user, in the order they were added.
    fn users(&self) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;
    /// The user who logs in with `email` (lower case), with their password's hash.
    fn login(&self, email: &str) -> impl Future<Output = Result<Option<Login>, StoreError>> + Send;
    /// Records a login attempt in the audit log: the user's id when one has the address
    /// (never the address).
    fn record_login(
        &self,
        user_id: Option<&str>,
        outcome: LoginOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records a token; its user must exist.
    fn create_token(&self, token: &NewToken)
    -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every token, in the order they were made.
    fn tokens(&self) -> impl Future<Output = Result<Vec<ApiToken>, StoreError>> + Send;
    /// A token with its secret's hash and its user, to check a bearer token against.
    fn token_check(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<TokenCheck>, StoreError>> + Send;
    /// Notes that a token was used now (not audited: every API call would be an entry).
    fn touch_token(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Revokes a token: true when it was live, false when already revoked or unknown.
    fn revoke_token(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Claims up to `limit` due notices for `holder` for `lease`: on several instances each
    /// notice goes to one of them while the lease lives; a dead holder's come due again.
    fn claim_notices(
        &self,
        holder: &str,
        lease: Duration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxNotice>, StoreError>> + Send;
    /// Records a pending notice delivered (its body emptied); false when it was not pending.
    fn notice_delivered(
        &self,
        id: &str,
        receipt: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Records `holder`'s failed try: due again after `retry_after`, or given up on
    /// (`None`: dead, for staff). False when `holder` no longer holds it.
    fn notice_failed(
        &self,
        id: &str,
        holder: &str,
        error: &str,
        retry_after: Option<Duration>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Puts a given-up notice back to be delivered, its tries counted afresh.
    fn resend_notice(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records that staff told the recipient of a manual or given-up notice themselves.
    fn notice_told(
        &self,
        id: &str,
        how: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// One notice.
    fn notice(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<OutboxNotice>, StoreError>> + Send;
    /// The notices of one request, oldest first.
    fn notices_of_request(
        &self,
        request_id: &str,
    ) -> impl Future<Output = Result<Vec<OutboxNotice>, StoreError>> + Send;
    /// The newest `limit` notices, of one state or all.
    fn outbox(
        &self,
        state: Option<NoticeState>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxNotice>, StoreError>> + Send;
    /// Asks the database something: it answers, or the error says why not.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Closes the connections.
    fn close(&self) -> impl Future<Output = ()> + Send;
}

/// skydd's state on the backend its URL names.
#[derive(Debug, Clone)]
pub enum Store {
    /// An embedded SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database, shared by several instances.
    Postgres(PgStore),
}

/// Runs `$call` on the backend `$self` holds.
macro_rules! forward {
    ($self:expr, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}

impl Store {
    /// See [`StateStore::with_actor`].
    pub fn with_actor(&self, actor: &str) -> Store {
        StateStore::with_actor(self, actor)
    }

    /// See [`StateStore::actor`].
    pub fn actor(&self) -> &str {
        StateStore::actor(self)
    }

    /// Opens and migrates a SQLite state file. A missing file is an error unless `create`
    /// is set; then it is created readable by its owner only (it holds e-mail addresses and
    /// personnummer), and SQLite gives its journal files the same mode.
    pub async fn open(path: &Path, create: bool) -> Result<Store, StoreError> {
        Ok(Store::Sqlite(SqliteStore::open(path, create).await?))
    }

    /// Opens skydd's state at `url`: `sqlite:PATH` or `sqlite://PATH` (as [`Store::open`];
    /// a missing file is refused unless `create`), `postgres://…` or `postgresql://…` (the
    /// tables are made by the migrations; `create` does not matter).
    pub async fn connect(url: &str, create: bool) -> Result<Store, StoreError> {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        match scheme {
            "sqlite" => {
                let rest = &url["sqlite:".len()..];
                let path = rest.strip_prefix("//").unwrap_or(rest);
                Store::open(Path::new(path), create).await
            }
            "postgres" | "postgresql" => Ok(Store::Postgres(PgStore::connect(url).await?)),
            _ => Err(StoreError::Scheme {
                scheme: scheme.to_owned(),
            }),
        }
    }

    /// Records what a person asked for; see [`StateStore::restrict`].
    pub async fn restrict(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        allowed: &[String],
        reason: Option<&str>,
        notices: &[NewNotice],
    ) -> Result<i64, StoreError> {
        StateStore::restrict(self, subject, kind, purpose, allowed, reason, notices).await
    }
    /// See [`StateStore::lift`].
    pub async fn lift(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        notices: &[NewNotice],
    ) -> Result<u64, StoreError> {
        StateStore::lift(self, subject, kind, purpose, notices).await
    }
    /// See [`StateStore::active`].
    pub async fn active(&self, subject: &str) -> Result<Vec<Restriction>, StoreError> {
        StateStore::active(self, subject).await
    }
    /// See [`StateStore::all_active`].
    pub async fn all_active(&self) -> Result<BTreeMap<String, Vec<Restriction>>, StoreError> {
        StateStore::all_active(self).await
    }
    /// See [`StateStore::record_holds`].
    pub async fn record_holds(&self, holds: &[Hold]) -> Result<(), StoreError> {
        StateStore::record_holds(self, holds).await
    }
    /// See [`StateStore::holds`].
    pub async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        StateStore::holds(self).await
    }
    /// See [`StateStore::holds_of`].
    pub async fn holds_of(&self, subjects: &[String]) -> Result<Vec<Hold>, StoreError> {
        StateStore::holds_of(self, subjects).await
    }
    /// See [`StateStore::release_holds`].
    pub async fn release_holds(&self, today: &str) -> Result<u64, StoreError> {
        StateStore::release_holds(self, today).await
    }
    /// See [`StateStore::erased`].
    pub async fn erased(&self) -> Result<BTreeSet<(String, String, String)>, StoreError> {
        StateStore::erased(self).await
    }
    /// See [`StateStore::mark_erased`].
    pub async fn mark_erased(
        &self,
        request: &str,
        fields: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        StateStore::mark_erased(self, request, fields).await
    }
    /// See [`StateStore::record_request`].
    pub async fn record_request(
        &self,
        r: &RequestRecord,
        notices: &[NewNotice],
    ) -> Result<(), StoreError> {
        StateStore::record_request(self, r, notices).await
    }
    /// See [`StateStore::requests`].
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, StoreError> {
        StateStore::requests(self).await
    }
    /// See [`StateStore::requests_of`].
    pub async fn requests_of(&self, subjects: &[String]) -> Result<Vec<RequestRecord>, StoreError> {
        StateStore::requests_of(self, subjects).await
    }
    /// See [`StateStore::start_run`].
    pub async fn start_run(&self) -> Result<(i64, u64), StoreError> {
        StateStore::start_run(self).await
    }
    /// See [`StateStore::progress_run`].
    pub async fn progress_run(&self, id: i64, rows: u64, detail: &str) -> Result<(), StoreError> {
        StateStore::progress_run(self, id, rows, detail).await
    }
    /// See [`StateStore::finish_run`].
    pub async fn finish_run(
        &self,
        id: i64,
        status: &str,
        rows: u64,
        detail: &str,
    ) -> Result<(), StoreError> {
        StateStore::finish_run(self, id, status, rows, detail).await
    }
    /// Closes the connections.
    pub async fn close(&self) {
        StateStore::close(self).await;
    }
}

impl StateStore for Store {
    fn with_actor(&self, actor: &str) -> Store {
        match self {
            Store::Sqlite(s) => Store::Sqlite(s.with_actor(actor)),
            Store::Postgres(s) => Store::Postgres(s.with_actor(actor)),
        }
    }
    fn actor(&self) -> &str {
        forward!(self, s => s.actor())
    }
    async fn restrict(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        allowed: &[String],
        reason: Option<&str>,
        notices: &[NewNotice],
    ) -> Result<i64, StoreError> {
        forward!(self, s => s.restrict(subject, kind, purpose, allowed, reason, notices).await)
    }
    async fn lift(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        notices: &[NewNotice],
    ) -> Result<u64, StoreError> {
        forward!(self, s => s.lift(subject, kind, purpose, notices).await)
    }
    async fn active(&self, subject: &str) -> Result<Vec<Restriction>, StoreError> {
        forward!(self, s => s.active(subject).await)
    }
    async fn all_active(&self) -> Result<BTreeMap<String, Vec<Restriction>>, StoreError> {
        forward!(self, s => s.all_active().await)
    }
    async fn record_holds(&self, holds: &[Hold]) -> Result<(), StoreError> {
        forward!(self, s => s.record_holds(holds).await)
    }
    async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        forward!(self, s => s.holds().await)
    }
    async fn holds_of(&self, subjects: &[String]) -> Result<Vec<Hold>, StoreError> {
        forward!(self, s => s.holds_of(subjects).await)
    }
    async fn release_holds(&self, today: &str) -> Result<u64, StoreError> {
        forward!(self, s => s.release_holds(today).await)
    }
    async fn erased(&self) -> Result<BTreeSet<(String, String, String)>, StoreError> {
        forward!(self, s => s.erased().await)
    }
    async fn mark_erased(
        &self,
        request: &str,
        fields: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        forward!(self, s => s.mark_erased(request, fields).await)
    }
    async fn record_request(
        &self,
        r: &RequestRecord,
        notices: &[NewNotice],
    ) -> Result<(), StoreError> {
        forward!(self, s => s.record_request(r, notices).await)
    }
    async fn requests(&self) -> Result<Vec<RequestRecord>, StoreError> {
        forward!(self, s => s.requests().await)
    }
    async fn requests_of(&self, subjects: &[String]) -> Result<Vec<RequestRecord>, StoreError> {
        forward!(self, s => s.requests_of(subjects).await)
    }
    async fn start_run(&self) -> Result<(i64, u64), StoreError> {
        forward!(self, s => s.start_run().await)
    }
    async fn progress_run(&self, id: i64, rows: u64, detail: &str) -> Result<(), StoreError> {
        forward!(self, s => s.progress_run(id, rows, detail).await)
    }
    async fn finish_run(
        &self,
        id: i64,
        status: &str,
        rows: u64,
        detail: &str,
    ) -> Result<(), StoreError> {
        forward!(self, s => s.finish_run(id, status, rows, detail).await)
    }
    async fn runs(&self) -> Result<Vec<RetentionRun>, StoreError> {
        forward!(self, s => s.runs().await)
    }
    async fn start_run_leased(&self, holder: &str, ttl: Duration) -> Result<RunStart, StoreError> {
        forward!(self, s => s.start_run_leased(holder, ttl).await)
    }
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        forward!(self, s => s.acquire_lease(name, holder, ttl).await)
    }
    async fn renew_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        forward!(self, s => s.renew_lease(name, holder, ttl).await)
    }
    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        forward!(self, s => s.release_lease(name, holder).await)
    }
    async fn lease(&self, name: &str) -> Result<Option<Lease>, StoreError> {
        forward!(self, s => s.lease(name).await)
    }
    async fn journal_erasure(&self, erasure: &NewErasure) -> Result<String, StoreError> {
        forward!(self, s => s.journal_erasure(erasure).await)
    }
    async fn take_over_erasure(
        &self,
        id: &str,
        holder: &str,
        lease: Duration,
    ) -> Result<ErasureJournal, StoreError> {
        forward!(self, s => s.take_over_erasure(id, holder, lease).await)
    }
    async fn mark_dataset_done(
        &self,
        id: &str,
        dataset: &str,
        erased_marks: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        forward!(self, s => s.mark_dataset_done(id, dataset, erased_marks).await)
    }
    async fn complete_erasure(
        &self,
        id: &str,
        holds: &[Hold],
        restrictions: &[NewRestriction],
        request: &RequestRecord,
        notices: &[NewNotice],
    ) -> Result<(), StoreError> {
        forward!(self, s => s.complete_erasure(id, holds, restrictions, request, notices).await)
    }
    async fn fail_erasure(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        forward!(self, s => s.fail_erasure(id, reason).await)
    }
    async fn erasure(&self, id: &str) -> Result<Option<ErasureJournal>, StoreError> {
        forward!(self, s => s.erasure(id).await)
    }
    async fn open_erasures(&self, subjects: &[String]) -> Result<Vec<ErasureJournal>, StoreError> {
        forward!(self, s => s.open_erasures(subjects).await)
    }
    async fn create_request(&self, request: &NewRequest) -> Result<String, StoreError> {
        forward!(self, s => s.create_request(request).await)
    }
    async fn request(&self, id: &str) -> Result<Option<Request>, StoreError> {
        forward!(self, s => s.request(id).await)
    }
    async fn open_requests(&self) -> Result<Vec<Request>, StoreError> {
        forward!(self, s => s.open_requests().await)
    }
    async fn transition(
        &self,
        id: &str,
        from: RequestStatus,
        to: RequestStatus,
        transition: &Transition,
    ) -> Result<(), StoreError> {
        forward!(self, s => s.transition(id, from, to, transition).await)
    }
    async fn start_execution(&self, request_id: &str) -> Result<String, StoreError> {
        forward!(self, s => s.start_execution(request_id).await)
    }
    async fn finish_execution(
        &self,
        id: &str,
        outcome: ExecutionOutcome,
        report: &str,
    ) -> Result<(), StoreError> {
        forward!(self, s => s.finish_execution(id, outcome, report).await)
    }
    async fn audit_entries(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        forward!(self, s => s.audit_entries(after_seq, limit).await)
    }
    async fn audit_head(&self) -> Result<Option<AuditEntry>, StoreError> {
        forward!(self, s => s.audit_head().await)
    }
    async fn add_user(&self, user: &NewUser) -> Result<String, StoreError> {
        forward!(self, s => s.add_user(user).await)
    }
    async fn users(&self) -> Result<Vec<User>, StoreError> {
        forward!(self, s => s.users().await)
    }
    async fn login(&self, email: &str) -> Result<Option<Login>, StoreError> {
        forward!(self, s => s.login(email).await)
    }
    async fn record_login(
        &self,
        user_id: Option<&str>,
        outcome: LoginOutcome,
    ) -> Result<(), StoreError> {
        forward!(self, s => s.record_login(user_id, outcome).await)
    }
    async fn create_token(&self, token: &NewToken) -> Result<(), StoreError> {
        forward!(self, s => s.create_token(token).await)
    }
    async fn tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        forward!(self, s => s.tokens().await)
    }
    async fn token_check(&self, id: &str) -> Result<Option<TokenCheck>, StoreError> {
        forward!(self, s => s.token_check(id).await)
    }
    async fn touch_token(&self, id: &str) -> Result<(), StoreError> {
        forward!(self, s => s.touch_token(id).await)
    }
    async fn revoke_token(&self, id: &str) -> Result<bool, StoreError> {
        forward!(self, s => s.revoke_token(id).await)
    }
    async fn claim_notices(
        &self,
        holder: &str,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxNotice>, StoreError> {
        forward!(self, s => s.claim_notices(holder, lease, limit).await)
    }
    async fn notice_delivered(&self, id: &str, receipt: &str) -> Result<bool, StoreError> {
        forward!(self, s => s.notice_delivered(id, receipt).await)
    }
    async fn notice_failed(
        &self,
        id: &str,
        holder: &str,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<bool, StoreError> {
        forward!(self, s => s.notice_failed(id, holder, error, retry_after).await)
    }
    async fn resend_notice(&self, id: &str) -> Result<(), StoreError> {
        forward!(self, s => s.resend_notice(id).await)
    }
    async fn notice_told(&self, id: &str, how: &str) -> Result<(), StoreError> {
        forward!(self, s => s.notice_told(id, how).await)
    }
    async fn notice(&self, id: &str) -> Result<Option<OutboxNotice>, StoreError> {
        forward!(self, s => s.notice(id).await)
    }
    async fn notices_of_request(&self, request_id: &str) -> Result<Vec<OutboxNotice>, StoreError> {
        forward!(self, s => s.notices_of_request(request_id).await)
    }
    async fn outbox(
        &self,
        state: Option<NoticeState>,
        limit: u32,
    ) -> Result<Vec<OutboxNotice>, StoreError> {
        forward!(self, s => s.outbox(state, limit).await)
    }
    async fn ping(&self) -> Result<(), StoreError> {
        forward!(self, s => s.ping().await)
    }
    async fn close(&self) {
        forward!(self, s => s.close().await)
    }
}
