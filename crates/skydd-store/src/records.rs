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

/// A data-subject request as the CLI has logged it since before the request workflow:
/// stored as a [`Request`] (done: answered; failed: in progress) with an [`Execution`].
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The columns of [`ErasureRow`].
pub(crate) const ERASURE_COLUMNS: &str =
    "id, request_id, subjects, plan, state, datasets_done, holder, failure, created_at, updated_at";

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

// The request workflow's enums are the core's (`skydd_core::workflow`), one set for the
// rules, the store and the callers; the store reads their stored text back with
// [`parse_kind`], [`parse_channel`] and [`parse_status`].
pub use skydd_core::workflow::{Channel, RequestKind, Status as RequestStatus};

/// Reads a stored core enum: unknown text is a corrupt record, never a default.
fn stored<T>(text: &str, what: &str, from_key: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    from_key(text).ok_or_else(|| StoreError::Corrupt(format!("a {what} `{text}`")))
}

/// Reads a stored request kind; unknown text is a corrupt record.
pub fn parse_kind(text: &str) -> Result<RequestKind, StoreError> {
    stored(text, "request kind", RequestKind::from_key)
}

/// Reads a stored request channel; unknown text is a corrupt record.
pub fn parse_channel(text: &str) -> Result<Channel, StoreError> {
    stored(text, "request channel", Channel::from_key)
}

/// Reads a stored request status; unknown text is a corrupt record.
pub fn parse_status(text: &str) -> Result<RequestStatus, StoreError> {
    stored(text, "request status", RequestStatus::from_key)
}

/// The kind as [`RequestRecord::kind`] names it (the CLI says `export` for portability).
pub fn record_name(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Portability => "export",
        k => k.key(),
    }
}

/// The kind a [`RequestRecord`] names; unknown text is a caller's mistake.
pub fn kind_from_record_name(name: &str) -> Result<RequestKind, StoreError> {
    match name {
        "export" => Ok(RequestKind::Portability),
        _ => RequestKind::from_key(name)
            .ok_or_else(|| StoreError::Invalid(format!("a request of unknown kind `{name}`"))),
    }
}

text_enum! {
    /// How an execution of the engine ended.
    ExecutionOutcome, "execution outcome" {
        /// Carried out.
        Done = "done",
        /// Not carried out; the report says why.
        Failed = "failed",
    }
}

/// One of the identities a person gave.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestIdentity {
    /// `email`, `personnummer`, `customer_id`, …
    pub kind: String,
    /// As given.
    pub value: String,
    /// The subject key skydd finds the person by.
    pub subject_key: String,
}

/// How the person was verified (EDPB 01/2022: proportionate; no copy of an ID by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// How.
    pub method: String,
    /// By whom.
    pub by: String,
    /// When (UTC).
    pub at: String,
    /// Anything worth noting.
    pub note: Option<String>,
}

/// A deadline extended by up to two months (Art. 12(3)), recorded before the first ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The new due date.
    pub due: String,
    /// Why (told to the person).
    pub reasons: String,
    /// When (UTC).
    pub at: String,
    /// By whom.
    pub by: String,
}

/// A refusal (Art. 12(4): with reasons, and the right to complain to IMY and go to court).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Why.
    pub reasons: String,
    /// The ground (e.g. Art. 12(5) manifestly unfounded or excessive).
    pub ground: String,
}

/// A fee for a manifestly unfounded or excessive request (Art. 12(5)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// In öre.
    pub amount: i64,
    /// Why (the controller bears the burden of proof).
    pub reason: String,
}

/// A request as it is received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// What is asked.
    pub kind: RequestKind,
    /// How it came in.
    pub channel: Channel,
    /// The day it was received.
    pub received: String,
    /// The day it must be answered by (Art. 12(3)).
    pub due: String,
    /// The identities the person gave.
    pub identities: Vec<RequestIdentity>,
    /// For a rectification, the change asked for (JSON).
    pub asked_change: Option<String>,
}

/// What a status change records with it; the fields given are written, the others kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transition {
    /// The verification.
    pub verification: Option<Verification>,
    /// An extension.
    pub extension: Option<Extension>,
    /// A refusal.
    pub refusal: Option<Refusal>,
    /// A fee.
    pub fee: Option<Fee>,
}

/// One run of the engine for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// Identifier.
    pub id: String,
    /// Started (UTC).
    pub started: String,
    /// Finished (UTC).
    pub finished: Option<String>,
    /// How it ended; `None` while it runs (or when its process died).
    pub outcome: Option<ExecutionOutcome>,
    /// Its report (JSON).
    pub report: String,
}

/// A data-subject request in the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Identifier.
    pub id: String,
    /// What is asked.
    pub kind: RequestKind,
    /// How it came in.
    pub channel: Channel,
    /// The day it was received.
    pub received: String,
    /// The day it was first due.
    pub due: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// The people's subject keys, space-separated.
    pub subject: String,
    /// The identities the person gave.
    pub identities: Vec<RequestIdentity>,
    /// The verification.
    pub verification: Option<Verification>,
    /// The extension.
    pub extension: Option<Extension>,
    /// The refusal.
    pub refusal: Option<Refusal>,
    /// The fee.
    pub fee: Option<Fee>,
    /// The change asked for (JSON).
    pub asked_change: Option<String>,
    /// Answered, refused, withdrawn or found unidentifiable (UTC).
    pub completed: Option<String>,
    /// The runs of the engine, oldest first.
    pub executions: Vec<Execution>,
}

impl Request {
    /// The day it must be answered by: the extended one if extended.
    pub fn due_now(&self) -> &str {
        self.extension.as_ref().map_or(&self.due, |e| &e.due)
    }
}

/// A request's row.
#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    pub(crate) id: String,
    kind: String,
    channel: String,
    received: String,
    due: String,
    status: String,
    subject: String,
    verification_method: Option<String>,
    verified_by: Option<String>,
    verified_at: Option<String>,
    verification_note: Option<String>,
    extended_due: Option<String>,
    extension_reasons: Option<String>,
    extended_at: Option<String>,
    extended_by: Option<String>,
    refusal_reasons: Option<String>,
    refusal_ground: Option<String>,
    fee_amount: Option<i64>,
    fee_reason: Option<String>,
    asked_change: Option<String>,
    completed: Option<String>,
}

/// The columns of [`RequestRow`].
pub(crate) const REQUEST_COLUMNS: &str = "id, kind, channel, received, due, status, subject, verification_method, verified_by, verified_at, verification_note, extended_due, extension_reasons, extended_at, extended_by, refusal_reasons, refusal_ground, fee_amount, fee_reason, asked_change, completed";

impl RequestRow {
    pub(crate) fn into_request(
        self,
        identities: Vec<RequestIdentity>,
        executions: Vec<ExecutionRow>,
    ) -> Result<Request, StoreError> {
        let id = self.id;
        let part = |what: &str| StoreError::Corrupt(format!("request {id} with a partial {what}"));
        let verification = match (self.verification_method, self.verified_by, self.verified_at) {
            (Some(method), Some(by), Some(at)) => Some(Verification {
                method,
                by,
                at,
                note: self.verification_note,
            }),
            (None, None, None) => None,
            _ => return Err(part("verification")),
        };
        let extension = match (
            self.extended_due,
            self.extension_reasons,
            self.extended_at,
            self.extended_by,
        ) {
            (Some(due), Some(reasons), Some(at), Some(by)) => Some(Extension {
                due,
                reasons,
                at,
                by,
            }),
            (None, None, None, None) => None,
            _ => return Err(part("extension")),
        };
        let refusal = match (self.refusal_reasons, self.refusal_ground) {
            (Some(reasons), Some(ground)) => Some(Refusal { reasons, ground }),
            (None, None) => None,
            _ => return Err(part("refusal")),
        };
        let fee = match (self.fee_amount, self.fee_reason) {
            (Some(amount), Some(reason)) => Some(Fee { amount, reason }),
            (None, None) => None,
            _ => return Err(part("fee")),
        };
        Ok(Request {
            kind: parse_kind(&self.kind)?,
            channel: parse_channel(&self.channel)?,
            status: parse_status(&self.status)?,
            received: self.received,
            due: self.due,
            subject: self.subject,
            identities,
            verification,
            extension,
            refusal,
            fee,
            asked_change: self.asked_change,
            completed: self.completed,
            executions: executions
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            id,
        })
    }
}

/// An execution's row.
#[derive(sqlx::FromRow)]
pub(crate) struct ExecutionRow {
    id: String,
    started: String,
    finished: Option<String>,
    outcome: Option<String>,
    report: String,
}

impl TryFrom<ExecutionRow> for Execution {
    type Error = StoreError;
    fn try_from(r: ExecutionRow) -> Result<Self, StoreError> {
        Ok(Execution {
            outcome: r
                .outcome
                .as_deref()
                .map(ExecutionOutcome::parse)
                .transpose()?,
            id: r.id,
            started: r.started,
            finished: r.finished,
            report: r.report,
        })
    }
}

/// A request as the CLI's log reads it: its latest execution's outcome and report.
#[derive(sqlx::FromRow)]
pub(crate) struct RequestRecordRow {
    id: String,
    kind: String,
    subject: String,
    received: String,
    due: String,
    completed: Option<String>,
    summary: String,
    status: String,
    outcome: Option<String>,
    report: Option<String>,
}

impl TryFrom<RequestRecordRow> for RequestRecord {
    type Error = StoreError;
    fn try_from(r: RequestRecordRow) -> Result<Self, StoreError> {
        // Done or failed as the last run of the engine ended; a request never run shows
        // where it stands in the workflow.
        let status = match r.outcome {
            Some(o) => ExecutionOutcome::parse(&o)?.as_str().to_owned(),
            None => parse_status(&r.status)?.key().to_owned(),
        };
        Ok(RequestRecord {
            kind: record_name(parse_kind(&r.kind)?).to_owned(),
            summary: r.report.unwrap_or(r.summary),
            id: r.id,
            subject: r.subject,
            received: r.received,
            due: r.due,
            completed: r.completed,
            status,
        })
    }
}

/// An audit log entry's row; `detail` is the JSON text as it was hashed.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
    detail: String,
    prev: String,
    hash: String,
}

/// The columns of [`AuditRow`].
pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor, action, object, detail, prev, hash";

impl From<AuditRow> for skydd_core::auditlog::Entry {
    /// A detail that is not JSON cannot have been written by skydd (it hashes JSON): it is
    /// read as the text it holds, which gives another hash, so verification reports the
    /// entry altered instead of stopping before it.
    fn from(r: AuditRow) -> Self {
        let detail = serde_json::from_str(&r.detail)
            .unwrap_or_else(|_| serde_json::Value::String(r.detail.clone()));
        skydd_core::auditlog::Entry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object: r.object,
            detail,
            prev: r.prev,
            hash: r.hash,
        }
    }
}

/// A member of the company's staff who uses skydd.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Identifier.
    pub id: String,
    /// The name shown.
    pub name: String,
    /// The e-mail address they log in with (lower case).
    pub email: String,
    /// What they may do.
    pub role: skydd_core::staff::Role,
    /// Added (UTC).
    pub created_at: String,
    /// Disabled (UTC): they can neither log in nor use their tokens.
    pub disabled_at: Option<String>,
}

/// A user to add; the password only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The name shown.
    pub name: String,
    /// The e-mail address they log in with (lower case).
    pub email: String,
    /// What they may do.
    pub role: skydd_core::staff::Role,
    /// The argon2id hash of the password (a PHC string).
    pub password_hash: String,
}

/// What a login is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The user.
    pub user: User,
    /// The argon2id hash of their password (a PHC string).
    pub password_hash: String,
}

/// The columns of [`UserRow`].
pub(crate) const USER_COLUMNS: &str = "id, name, email, role, created_at, disabled_at";

/// A user's row.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    name: String,
    email: String,
    role: String,
    created_at: String,
    disabled_at: Option<String>,
}

/// A role as stored; unknown text is a corrupt record.
fn stored_role(text: &str, of: &str) -> Result<skydd_core::staff::Role, StoreError> {
    skydd_core::staff::Role::from_key(text)
        .ok_or_else(|| StoreError::Corrupt(format!("{of} with an unknown role `{text}`")))
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            role: stored_role(&r.role, &format!("user {}", r.id))?,
            id: r.id,
            name: r.name,
            email: r.email,
            created_at: r.created_at,
            disabled_at: r.disabled_at,
        })
    }
}

/// An API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// Identifier (the `<id>` of `skydd_<id>_<secret>`).
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// What it is for (`the website's banner`, `CI`).
    pub name: String,
    /// What it may do: never more than its user.
    pub role: skydd_core::staff::Role,
    /// Created (UTC).
    pub created_at: String,
    /// No longer valid from (UTC).
    pub expires_at: Option<String>,
    /// Last used (UTC).
    pub last_used_at: Option<String>,
    /// Revoked (UTC).
    pub revoked_at: Option<String>,
}

/// A token to record; the secret only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Identifier (the `<id>` of `skydd_<id>_<secret>`).
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// What it is for.
    pub name: String,
    /// What it may do.
    pub role: skydd_core::staff::Role,
    /// The SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// No longer valid from (UTC).
    pub expires_at: Option<String>,
}

/// What a bearer token is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCheck {
    /// The token.
    pub token: ApiToken,
    /// The SHA-256 of its secret, hex.
    pub secret_hash: String,
    /// Its user as they are now (role, disabled).
    pub user: User,
}

/// The columns of [`TokenRow`].
pub(crate) const TOKEN_COLUMNS: &str =
    "id, user_id, name, role, created_at, expires_at, last_used_at, revoked_at";

/// A token's row.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    role: String,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self, StoreError> {
        Ok(ApiToken {
            role: stored_role(&r.role, &format!("token {}", r.id))?,
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

text_enum! {
    /// How a login attempt ended, as the audit log records it.
    LoginOutcome, "login outcome" {
        /// The password was right.
        Succeeded = "succeeded",
        /// The password was wrong.
        WrongPassword = "wrong_password",
        /// The user is disabled.
        Disabled = "disabled",
        /// No user has that e-mail address (which is not recorded).
        UnknownUser = "unknown_user",
    }
}

/// A user's row with their password's hash.
#[derive(sqlx::FromRow)]
pub(crate) struct LoginRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl TryFrom<LoginRow> for Login {
    type Error = StoreError;
    fn try_from(r: LoginRow) -> Result<Self, StoreError> {
        Ok(Login {
            user: r.user.try_into()?,
            password_hash: r.password_hash,
        })
    }
}

/// A token's row with its secret's hash.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenSecretRow {
    #[sqlx(flatten)]
    pub(crate) token: TokenRow,
    pub(crate) secret_hash: String,
}

text_enum! {
    /// How a recipient is told (the register's `notify`, GDPR Art. 19).
    NoticeChannel, "notice channel" {
        /// A signed webhook.
        Webhook = "webhook",
        /// An e-mail.
        Email = "email",
        /// Staff tell the recipient themselves.
        Manual = "manual",
        /// Not told: impossible or disproportionate, for the reason recorded.
        None = "none",
    }
}

text_enum! {
    /// Where a notice in the outbox stands.
    NoticeState, "notice state" {
        /// skydd delivers it (now, or after a failed try's wait).
        Pending = "pending",
        /// The recipient has it (skydd delivered it, or staff told the recipient).
        Delivered = "delivered",
        /// skydd gave up: refused, or every try failed. Staff act.
        Dead = "dead",
        /// Staff are to tell the recipient, as the register says.
        Manual = "manual",
        /// Not told, for the reason the register gives.
        Omitted = "omitted",
    }
}

/// A notice to write to the outbox with the change it tells of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Its id: also the idempotency key the recipient sees.
    pub id: String,
    /// The request the change was made for.
    pub request_id: String,
    /// The person (their subject key).
    pub subject: String,
    /// The recipient's id in the register.
    pub recipient: String,
    /// `rectification`, `erasure`, `restriction`, `restriction_lifted`.
    pub kind: String,
    /// How it is told.
    pub channel: NoticeChannel,
    /// The notice (JSON).
    pub body: String,
    /// For `manual`, how staff tell; for `none`, why nobody does.
    pub detail: Option<String>,
}

/// A notice in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxNotice {
    /// Id and idempotency key.
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The person (subject key).
    pub subject: String,
    /// The recipient's id.
    pub recipient: String,
    /// The kind of change.
    pub kind: String,
    /// How it is told.
    pub channel: NoticeChannel,
    /// Where it stands.
    pub state: NoticeState,
    /// The notice (JSON); `None` once delivered (the person's data are not kept).
    pub body: Option<String>,
    /// How staff tell, why nobody does, or how it arrived.
    pub detail: Option<String>,
    /// Tries so far.
    pub attempts: u32,
    /// When it is due (UTC).
    pub next_attempt_at: String,
    /// The last failure.
    pub last_error: Option<String>,
    /// Written (UTC).
    pub created_at: String,
    /// Delivered, told or given up (UTC).
    pub done_at: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    id: String,
    request_id: String,
    subject: String,
    recipient: String,
    kind: String,
    channel: String,
    state: String,
    body: String,
    detail: Option<String>,
    attempts: i64,
    next_attempt_at: String,
    last_error: Option<String>,
    created_at: String,
    done_at: Option<String>,
}

/// The columns an [`OutboxRow`] reads.
pub(crate) const OUTBOX_COLUMNS: &str = "id, request_id, subject, recipient, kind, channel, state, body, detail, attempts, next_attempt_at, last_error, created_at, done_at";

impl TryFrom<OutboxRow> for OutboxNotice {
    type Error = StoreError;
    fn try_from(r: OutboxRow) -> Result<Self, StoreError> {
        let state = NoticeState::parse(&r.state)?;
        Ok(OutboxNotice {
            channel: NoticeChannel::parse(&r.channel)?,
            body: (r.body != "{}").then_some(r.body),
            attempts: u32::try_from(r.attempts)
                .map_err(|_| StoreError::Corrupt(format!("a notice with {} tries", r.attempts)))?,
            id: r.id,
            request_id: r.request_id,
            subject: r.subject,
            recipient: r.recipient,
            kind: r.kind,
            state,
            detail: r.detail,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            done_at: r.done_at,
        })
    }
}
