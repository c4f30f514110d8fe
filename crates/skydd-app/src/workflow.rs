//! The request workflow (GDPR Art. 12): a request recorded from the day it is received,
//! verified in a proportionate way, extended or refused with reasons, carried out by the
//! engine of its kind, and answered. The rules are the core's (`skydd_core::workflow`): this
//! module reads the request, asks the core whether the step is lawful, and moves the request
//! in the store only if nobody moved it meanwhile.
//!
//! Every step that the lifecycle or Art. 12 does not allow is [`AppError::Invalid`] with the
//! core's reason; a request moved by someone else between reading and writing is
//! [`AppError::Moved`], and nothing is written.

use std::path::PathBuf;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use skydd_core::Lang;
use skydd_core::deadline::response_deadline;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::plan::edits;
use skydd_core::plan::record::blocker_text;
use skydd_core::workflow::{self as rules, RefusalGround, Reminder, WorkflowError};
use skydd_store::{
    ExecutionOutcome, Extension, Fee, NewRequest, Refusal, Request, RequestIdentity, StateStore,
    Store, Transition, Verification,
};

pub use skydd_core::workflow::{Channel, RequestKind, Status};

use crate::access::{self, AccessRequest, ExportRequest};
use crate::clock;
use crate::deadline::Deadline;
use crate::erase::{self, EraseRequest};
use crate::error::AppError;
use crate::files;
use crate::note::Note;
use crate::rectify::{self, RectifyRequest};
use crate::rights::{self, ObjectRequest, ObjectTo, RestrictRequest, WithdrawRequest};
use crate::subject::Subject;
use crate::workspace::{Workspace, load_map};

/// What the person asks for beyond the kind of request, recorded with it when received so
/// that executing it later needs nothing more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asked {
    /// Rectification (Art. 16): the changes, `COLLECTION.FIELD=VALUE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// Restriction, objection, consent withdrawal: the purpose (a restriction without one
    /// covers every purpose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Restriction: the purposes still allowed (e.g. legal claims, Art. 18(2)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Objection to every direct-marketing purpose (Art. 21(2), absolute).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub direct_marketing: bool,
}

impl Asked {
    fn is_empty(&self) -> bool {
        *self == Asked::default()
    }
}

/// A request as it reaches the company.
pub struct ReceiveRequest {
    /// What is asked.
    pub kind: RequestKind,
    /// How it came in.
    pub channel: Channel,
    /// The person, by the identities they gave.
    pub subject: Subject,
    /// The day it was received: the Art. 12(3) period runs from it.
    pub received: Date,
    /// Today (a request cannot be received later).
    pub today: Date,
    /// What is asked beyond the kind.
    pub asked: Asked,
}

/// A request recorded.
#[derive(Debug, Serialize)]
pub struct Received {
    /// The request as recorded.
    pub request: RequestView,
    /// When it must be answered (Art. 12(3)).
    pub deadline: Deadline,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// How the person was identified. EDPB Guidelines 01/2022 on the right of access (§§ 69–78):
/// proportionate to the request, with what the company already knows; a copy of an identity
/// document is not the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// A link sent to an address the company already has for the person.
    EmailLink,
    /// The request came through a channel known to be the person's (their account, their
    /// registered number).
    KnownChannel,
    /// Seen in person.
    InPerson,
    /// An identity document was shown; skydd keeps no copy of it.
    IdDocument,
}

impl VerificationMethod {
    /// Every method, in order.
    pub const ALL: &[VerificationMethod] = &[
        VerificationMethod::EmailLink,
        VerificationMethod::KnownChannel,
        VerificationMethod::InPerson,
        VerificationMethod::IdDocument,
    ];

    /// The key it is stored and written as.
    pub fn key(self) -> &'static str {
        match self {
            VerificationMethod::EmailLink => "email_link",
            VerificationMethod::KnownChannel => "known_channel",
            VerificationMethod::InPerson => "in_person",
            VerificationMethod::IdDocument => "id_document",
        }
    }

    /// The method written as `key`.
    pub fn from_key(key: &str) -> Option<VerificationMethod> {
        Self::ALL.iter().copied().find(|m| m.key() == key)
    }
}

/// One identity the person gave.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityView {
    /// `email`, `phone_number`, `personnummer`, or the data map's name.
    pub kind: String,
    /// As given.
    pub value: String,
}

/// How the person was verified.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationView {
    /// The method.
    pub method: String,
    /// By whom.
    pub by: String,
    /// When (UTC).
    pub at: String,
    /// Anything noted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The extension of the period (Art. 12(3)).
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionView {
    /// Further months in all (1 or 2).
    pub months: u8,
    /// The new deadline.
    pub due: Date,
    /// Why, as told to the person.
    pub reasons: String,
    /// When (UTC).
    pub at: String,
    /// By whom.
    pub by: String,
}

/// The refusal (Art. 12(4), 12(5)).
#[derive(Debug, Clone, Serialize)]
pub struct RefusalView {
    /// The ground (`manifestly_unfounded`, `excessive`, `exception`).
    pub ground: String,
    /// Why, as told to the person.
    pub reasons: String,
}

/// A fee charged for a manifestly unfounded or excessive request (Art. 12(5)(a)).
#[derive(Debug, Clone, Serialize)]
pub struct FeeView {
    /// In öre.
    pub amount_ore: i64,
    /// Why: the company bears the burden of showing the request is manifestly unfounded or
    /// excessive, and the fee is its administrative costs.
    pub reason: String,
}

/// One run of the engine, or an answer recorded without one.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutionView {
    /// Identifier.
    pub id: String,
    /// Started (UTC).
    pub started: String,
    /// Finished (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// `done`, `failed`, or `running` (or its process died).
    pub outcome: &'static str,
    /// What it did (no personal data beyond the request's own).
    pub report: serde_json::Value,
}

/// A request as the workflow shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    /// Identifier.
    pub id: String,
    /// What is asked.
    pub kind: RequestKind,
    /// How it came in.
    pub channel: Channel,
    /// Where it stands.
    pub status: Status,
    /// The identities the person gave.
    pub identities: Vec<IdentityView>,
    /// The day it was received.
    pub received: Date,
    /// The day it must be answered by: the extended one when extended.
    pub due: Date,
    /// Days left until `due` (negative when late); only while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Open and past its deadline.
    pub late: bool,
    /// What staff must be reminded of today, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<Reminder>,
    /// What is asked beyond the kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// How the person was verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationView>,
    /// What was asked of a person who could not be identified (Art. 11(2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification_asked: Option<String>,
    /// The extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionView>,
    /// The refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<RefusalView>,
    /// The fee charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeView>,
    /// Answered, refused, withdrawn or found unidentifiable (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// The runs of the engine, oldest first.
    pub executions: Vec<ExecutionView>,
}

/// The remedies a person must be told of when the company does not act on a request
/// (Art. 12(4)): a complaint to IMY, and the courts.
#[derive(Debug, Clone, Serialize)]
pub struct Remedies {
    /// In Swedish.
    pub sv: &'static str,
    /// In English.
    pub en: &'static str,
}

impl Remedies {
    fn art_12_4() -> Remedies {
        Remedies {
            sv: rules::refusal_rights(true),
            en: rules::refusal_rights(false),
        }
    }
}

/// A step in a request's life, done.
#[derive(Debug, Serialize)]
pub struct Step {
    /// The request after the step.
    pub request: RequestView,
    /// When the company does not act (a refusal, a person not identified): the remedies
    /// the person must be told of (Art. 12(4)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedies: Option<Remedies>,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// Why the store's ground for a person who could not be identified is not a refusal ground:
/// Art. 11(2) and 12(2) let the company not act, with what it asked of the person recorded.
const CANNOT_IDENTIFY: &str = "cannot_identify";

/// Receives a request: checks the day and what is asked, records it `received` with the
/// person's identities, and gives its id and deadline. The person is not identified yet:
/// nothing is read from the company's databases.
pub async fn receive(ws: &Workspace, req: ReceiveRequest) -> Result<Received, AppError> {
    // The checks of `--received`: not before the GDPR applied, not after today.
    clock::received(Some(&req.received.to_string()), req.today)?;
    check_asked(ws, req.kind, &req.asked)?;
    let deadline = Deadline::of(req.received);
    let due = deadline
        .due
        .ok_or_else(|| AppError::Invalid(WorkflowError::NoDeadline(req.received).to_string()))?;
    let identities = req
        .subject
        .ids()
        .iter()
        .map(|(id, text)| RequestIdentity {
            kind: id.kind.key().to_owned(),
            value: text.clone(),
            subject_key: id.subject_key(),
        })
        .collect();
    let asked_change = if req.asked.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&req.asked)?)
    };
    let (store, created) = ws.state(true).await?;
    let id = store
        .create_request(&NewRequest {
            kind: req.kind,
            channel: req.channel,
            received: req.received.to_string(),
            due: due.to_string(),
            identities,
            asked_change,
        })
        .await?;
    let request = view(&read(store, &id).await?, req.today)?;
    Ok(Received {
        request,
        deadline,
        notes: created.into_iter().collect(),
    })
}

/// What is asked must fit the kind and the register (and, for a rectification, the data
/// map), so that executing it later cannot fail on what the person said.
fn check_asked(ws: &Workspace, kind: RequestKind, asked: &Asked) -> Result<(), AppError> {
    let only = |what: &str, kinds: &str| {
        AppError::Invalid(format!("{what} is asked only in a request of {kinds}"))
    };
    if kind != RequestKind::Rectification && !asked.set.is_empty() {
        return Err(only("a change (--set)", "kind rectification"));
    }
    if kind != RequestKind::Restriction && !asked.allow.is_empty() {
        return Err(only(
            "a purpose still allowed (--allow)",
            "kind restriction",
        ));
    }
    if kind != RequestKind::Objection && asked.direct_marketing {
        return Err(only("direct marketing", "kind objection"));
    }
    let purpose_kinds = [
        RequestKind::Restriction,
        RequestKind::Objection,
        RequestKind::ConsentWithdrawal,
    ];
    if !purpose_kinds.contains(&kind) && asked.purpose.is_some() {
        return Err(only(
            "a purpose",
            "kinds restriction, objection or consent_withdrawal",
        ));
    }
    let reg = &ws.register;
    match kind {
        RequestKind::Rectification => {
            if asked.set.is_empty() {
                return Err(AppError::Invalid(
                    "a rectification names the change asked for (GDPR art. 16): --set COLLECTION.FIELD=VALUE".into(),
                ));
            }
            let map = match ws.databases() {
                Ok(d) => d.map.clone(),
                Err(_) => load_map(&ws.path, reg, None)?.0,
            };
            edits::parse_all(&map, &asked.set).map_err(|e| AppError::Invalid(e.0))?;
        }
        RequestKind::Restriction => {
            for p in asked.purpose.iter().chain(&asked.allow) {
                rights::check_purpose(reg, p)?;
            }
        }
        RequestKind::Objection => {
            rights::objection_purposes(reg, &object_to(asked)?)?;
        }
        RequestKind::ConsentWithdrawal => {
            let purpose = asked.purpose.as_deref().ok_or_else(|| {
                AppError::Invalid(
                    "a withdrawal of consent names the purpose consented to (GDPR art. 7.3): --purpose".into(),
                )
            })?;
            rights::check_consent_purpose(reg, purpose)?;
        }
        RequestKind::Access | RequestKind::Portability | RequestKind::Erasure => {}
    }
    Ok(())
}

/// What an objection is to: one purpose, or every direct-marketing purpose.
fn object_to(asked: &Asked) -> Result<ObjectTo, AppError> {
    match (&asked.purpose, asked.direct_marketing) {
        (Some(p), false) => Ok(ObjectTo::Purpose(p.clone())),
        (None, true) => Ok(ObjectTo::DirectMarketing),
        _ => Err(AppError::Invalid(
            "an objection is to one purpose (--purpose) or to direct marketing (--direct-marketing), one of the two (GDPR art. 21)".into(),
        )),
    }
}

/// One request as it stands today.
pub async fn show(ws: &Workspace, id: &str, today: Date) -> Result<RequestView, AppError> {
    let (store, _) = ws.state(false).await?;
    view(&read(store, id).await?, today)
}

/// The requests still to be answered, the soonest due first (an extended one by its new
/// deadline), each with the days left, late ones marked, and today's reminder.
pub async fn list(ws: &Workspace, today: Date) -> Result<Vec<RequestView>, AppError> {
    let (store, _) = ws.state(false).await?;
    store
        .open_requests()
        .await?
        .iter()
        .map(|r| view(r, today))
        .collect()
}

/// A verification.
pub struct VerifyRequest {
    /// The request.
    pub id: String,
    /// How.
    pub method: VerificationMethod,
    /// Who verified.
    pub by: String,
    /// Anything worth noting (not a copy of a document).
    pub note: Option<String>,
    /// Today.
    pub today: Date,
}

/// Records that the person is identified (Art. 12(6)); a request whose person could not
/// be identified may be verified later, with the information they gave (Art. 11(2)).
pub async fn verify(ws: &Workspace, req: VerifyRequest) -> Result<Step, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    check_move(r.status, Status::Verified)?;
    let mut notes = Vec::new();
    if req.method == VerificationMethod::IdDocument {
        notes.push(Note::warning(
            "an identity document is not the default way to verify a person (EDPB Guidelines 01/2022 §§ 69–78): use what you already know of them where that is enough; skydd keeps no copy of the document, and neither should you",
        ));
    }
    let verification = Verification {
        method: req.method.key().to_owned(),
        by: req.by,
        at: now(),
        note: req.note.filter(|n| !n.trim().is_empty()),
    };
    let t = Transition {
        verification: Some(verification),
        ..Transition::default()
    };
    store
        .transition(&r.id, r.status, Status::Verified, &t)
        .await?;
    step(store, &r.id, req.today, None, notes).await
}

/// A person who could not be identified.
pub struct CannotIdentifyRequest {
    /// The request.
    pub id: String,
    /// What was asked of the person to identify them.
    pub asked: String,
    /// Today.
    pub today: Date,
}

/// Records that the person could not be identified (Art. 11(2), 12(2)), with what was asked
/// of them; they may give more information, and the request is then verified.
pub async fn cannot_identify(ws: &Workspace, req: CannotIdentifyRequest) -> Result<Step, AppError> {
    if req.asked.trim().is_empty() {
        return Err(AppError::Invalid(
            "say what was asked of the person to identify them (GDPR art. 11.2, 12.6): --note"
                .into(),
        ));
    }
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    check_move(r.status, Status::CannotIdentify)?;
    let t = Transition {
        refusal: Some(Refusal {
            reasons: req.asked,
            ground: CANNOT_IDENTIFY.to_owned(),
        }),
        ..Transition::default()
    };
    store
        .transition(&r.id, r.status, Status::CannotIdentify, &t)
        .await?;
    step(
        store,
        &r.id,
        req.today,
        Some(Remedies::art_12_4()),
        Vec::new(),
    )
    .await
}

/// An extension of the period.
pub struct ExtendRequest {
    /// The request.
    pub id: String,
    /// Further months (1 or 2 in all).
    pub months: u8,
    /// Why (told to the person within the first month).
    pub reasons: String,
    /// Who extends.
    pub by: String,
    /// Today: an extension is made within the first month.
    pub today: Date,
}

/// Extends the period by up to two further months in all, counted from receipt, with
/// reasons, within the first month (Art. 12(3)).
pub async fn extend(ws: &Workspace, req: ExtendRequest) -> Result<Step, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    let received = stored_day(&r, "received day", &r.received)?;
    let already = match &r.extension {
        Some(x) => months_added(&r, received, &x.due)?,
        None => 0,
    };
    let due = rules::extend(
        received,
        r.status,
        already,
        req.months,
        req.today,
        &req.reasons,
    )
    .map_err(invalid)?;
    let t = Transition {
        extension: Some(Extension {
            due: due.to_string(),
            reasons: req.reasons,
            at: now(),
            by: req.by,
        }),
        ..Transition::default()
    };
    // The status stays; moving it onto itself fails if someone else moved it meanwhile.
    store.transition(&r.id, r.status, r.status, &t).await?;
    let notes = vec![Note::info(format!(
        "tell the person of the extension and its reasons now: within the first month, which ends {} (GDPR art. 12.3)",
        response_deadline(received, 0).map_or_else(|| "—".to_owned(), |d| d.to_string())
    ))];
    step(store, &r.id, req.today, None, notes).await
}

/// A refusal.
pub struct RefuseRequest {
    /// The request.
    pub id: String,
    /// The ground.
    pub ground: RefusalGround,
    /// Why, as told to the person.
    pub reasons: String,
    /// Today.
    pub today: Date,
}

/// Refuses a request with its ground and reasons; the outcome carries the remedies the
/// person must be told of (Art. 12(4)).
pub async fn refuse(ws: &Workspace, req: RefuseRequest) -> Result<Step, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    rules::check_refusal(r.status, &req.reasons).map_err(invalid)?;
    check_move(r.status, Status::Refused)?;
    let t = Transition {
        refusal: Some(Refusal {
            reasons: req.reasons,
            ground: req.ground.key().to_owned(),
        }),
        ..Transition::default()
    };
    store
        .transition(&r.id, r.status, Status::Refused, &t)
        .await?;
    let mut notes = vec![Note::info(format!(
        "refused under {}",
        req.ground.article()
    ))];
    if req.ground.burden_on_controller() {
        notes.push(Note::warning(
            "the company bears the burden of showing that the request is manifestly unfounded or excessive (GDPR art. 12.5): keep the evidence with the request",
        ));
    }
    step(store, &r.id, req.today, Some(Remedies::art_12_4()), notes).await
}

/// A fee to charge.
pub struct FeeRequest {
    /// The request.
    pub id: String,
    /// In öre (1 kr = 100 öre).
    pub amount_ore: i64,
    /// Why the request is manifestly unfounded or excessive, and how the fee follows the
    /// administrative costs.
    pub reason: String,
    /// Today.
    pub today: Date,
}

/// Charges a reasonable fee for a manifestly unfounded or excessive request (Art. 12(5)(a)):
/// the request stays where it stands; the company bears the burden of proof (Art. 12(5),
/// last sentence). A request already closed is not charged for, and a fee is charged once.
pub async fn charge_fee(ws: &Workspace, req: FeeRequest) -> Result<Step, AppError> {
    if req.amount_ore <= 0 {
        return Err(AppError::Invalid(
            "a fee is a positive amount (in öre: 250 kr is 25000)".into(),
        ));
    }
    if req.reason.trim().is_empty() {
        return Err(AppError::Invalid(
            "say why the request is manifestly unfounded or excessive and how the fee follows the administrative costs: the company must be able to show it (GDPR art. 12.5)".into(),
        ));
    }
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    if !r.status.is_open() {
        return Err(AppError::Invalid(format!(
            "request {} is {}: a closed request is not charged for",
            r.id, r.status
        )));
    }
    if r.fee.is_some() {
        return Err(AppError::Refused(format!(
            "request {} has a fee already",
            r.id
        )));
    }
    let t = Transition {
        fee: Some(Fee {
            amount: req.amount_ore,
            reason: req.reason.trim().to_owned(),
        }),
        ..Transition::default()
    };
    store.transition(&r.id, r.status, r.status, &t).await?;
    let notes = vec![Note::warning(
        "the company bears the burden of showing that the request is manifestly unfounded or excessive (GDPR art. 12.5): keep the evidence with the request; the fee covers administrative costs only",
    )];
    step(store, &r.id, req.today, None, notes).await
}

/// Records that the person withdrew the request.
pub async fn withdraw(ws: &Workspace, id: &str, today: Date) -> Result<Step, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, id).await?;
    check_move(r.status, Status::Withdrawn)?;
    store
        .transition(&r.id, r.status, Status::Withdrawn, &Transition::default())
        .await?;
    step(store, &r.id, today, None, Vec::new()).await
}

/// An answer recorded without running the engine.
pub struct AnswerRequest {
    /// The request.
    pub id: String,
    /// What the person was told (e.g. that nothing was found or was to be done).
    pub note: Option<String>,
    /// Who answered.
    pub by: String,
    /// Today.
    pub today: Date,
}

/// Closes a verified request as answered, with a note when nothing was to be done (the note
/// is recorded as an answer without a run of the engine). An unidentified person's request
/// is never answered (Art. 12(6)).
pub async fn answer(ws: &Workspace, req: AnswerRequest) -> Result<Step, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    check_move(r.status, Status::Answered)?;
    store
        .transition(&r.id, r.status, Status::Answered, &Transition::default())
        .await?;
    if let Some(note) = req.note.filter(|n| !n.trim().is_empty()) {
        let report = serde_json::json!({ "answered": "without a run of the engine", "note": note, "by": req.by });
        let run = store.start_execution(&r.id).await?;
        store
            .finish_execution(&run, ExecutionOutcome::Done, &report.to_string())
            .await?;
    }
    // Late is judged against the deadline in force: the extended one when extended.
    let deadline = Deadline {
        received: stored_day(&r, "received day", &r.received)?,
        due: Some(stored_day(&r, "due date", r.due_now())?),
        due_if_eves_count: None,
    };
    let notes = deadline
        .late_text(req.today)
        .map(Note::warning)
        .into_iter()
        .collect();
    step(store, &r.id, req.today, None, notes).await
}

/// Running the engine for a request.
pub struct ExecuteRequest {
    /// The request.
    pub id: String,
    /// Access: the directory for the package and reports; portability: the directory for
    /// `export.zip`.
    pub out: Option<PathBuf>,
    /// Today (erasure and retention decisions are made as of it).
    pub today: Date,
}

/// What executing a request did.
#[derive(Debug, Serialize)]
pub struct ExecuteOutcome {
    /// The request after it.
    pub request: RequestView,
    /// The run's id.
    pub execution: String,
    /// Whether the engine carried it out (then the request is answered); otherwise it stays
    /// in progress and the report says why.
    pub done: bool,
    /// What the engine did, as recorded with the request.
    pub report: serde_json::Value,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// Whether executing a request of `kind` reads or writes the company's databases (the
/// workspace must then be connected).
pub fn needs_databases(kind: RequestKind) -> bool {
    matches!(
        kind,
        RequestKind::Access
            | RequestKind::Portability
            | RequestKind::Erasure
            | RequestKind::Rectification
    )
}

/// Runs the engine of the request's kind for a verified person. The request goes to
/// `in_progress` first (so two handlers never both start it), the run is recorded with its
/// report, and the request is answered when the engine carried it out; a run the engine
/// refused (an erasure's blockers, rows others share) stays in progress with the failed run.
/// The report is a summary without the person's data: an access package or an erasure plan
/// stored in skydd's state would keep there what the request hands out or erases.
pub async fn execute(ws: &Workspace, req: ExecuteRequest) -> Result<ExecuteOutcome, AppError> {
    let (store, _) = ws.state(false).await?;
    let r = read(store, &req.id).await?;
    // A run that failed may be run again: the request is already in progress.
    if r.status != Status::InProgress {
        check_move(r.status, Status::InProgress)?;
    }
    let writes_files = matches!(r.kind, RequestKind::Access | RequestKind::Portability);
    match (&req.out, writes_files) {
        (None, true) => {
            return Err(AppError::Invalid(format!(
                "a request of kind {} writes files for the person: give the directory (--out DIR)",
                r.kind
            )));
        }
        (Some(_), false) => {
            return Err(AppError::Invalid(format!(
                "a request of kind {} writes no files; leave out --out",
                r.kind
            )));
        }
        _ => {}
    }
    let subject = subject_of(&r)?;
    let asked = asked_of(&r)?;
    let received = stored_day(&r, "received day", &r.received)?;
    if r.status != Status::InProgress {
        store
            .transition(&r.id, r.status, Status::InProgress, &Transition::default())
            .await?;
    }
    let run = store.start_execution(&r.id).await?;
    let engine = Engine {
        ws,
        subject,
        asked,
        received,
        today: req.today,
        out: req.out,
    };
    let (done, report, notes) = match engine.run(r.kind).await {
        Ok(ran) => ran,
        Err(e) => {
            let report = serde_json::json!({ "error": e.to_string() });
            if let Err(also) = store
                .finish_execution(&run, ExecutionOutcome::Failed, &report.to_string())
                .await
            {
                tracing::warn!("the failed run {run} could not be recorded: {also}");
            }
            return Err(e);
        }
    };
    let outcome = if done {
        ExecutionOutcome::Done
    } else {
        ExecutionOutcome::Failed
    };
    store
        .finish_execution(&run, outcome, &report.to_string())
        .await?;
    if done {
        store
            .transition(
                &r.id,
                Status::InProgress,
                Status::Answered,
                &Transition::default(),
            )
            .await?;
    }
    Ok(ExecuteOutcome {
        request: view(&read(store, &r.id).await?, req.today)?,
        execution: run,
        done,
        report,
        notes,
    })
}

/// What a request's execution needs.
struct Engine<'a> {
    ws: &'a Workspace,
    subject: Subject,
    asked: Asked,
    received: Date,
    today: Date,
    out: Option<PathBuf>,
}

/// Whether the engine carried the request out, its report, and its notes.
type Ran = (bool, serde_json::Value, Vec<Note>);

impl Engine<'_> {
    /// Runs the service of `kind`.
    async fn run(self, kind: RequestKind) -> Result<Ran, AppError> {
        let Engine {
            ws,
            subject,
            asked,
            received,
            today,
            out,
        } = self;
        let out = || {
            out.clone()
                .ok_or_else(|| AppError::Internal("no directory for the request's files".into()))
        };
        Ok(match kind {
            RequestKind::Access => {
                let o = access::access(
                    ws,
                    AccessRequest {
                        subject,
                        received,
                        out: Some(out()?),
                        langs: Lang::ALL.to_vec(),
                        json: false,
                    },
                )
                .await?;
                let report = serde_json::json!({
                    "rows": o.rows,
                    "collections_with_rows": o.collections_with_rows,
                    "found": o.found,
                    "statements": o.statements,
                    "out": o.out,
                });
                (true, report, o.notes)
            }
            RequestKind::Portability => {
                let dir = out()?;
                files::create_private_dir(&dir)?;
                let o = access::export(
                    ws,
                    ExportRequest {
                        subject,
                        today,
                        received,
                        out: dir.join("export.zip"),
                    },
                )
                .await?;
                let report = serde_json::json!({
                    "out": o.out, "collections": o.collections, "rows": o.rows,
                });
                (true, report, o.notes)
            }
            RequestKind::Erasure => {
                let o = erase::erase(
                    ws,
                    EraseRequest {
                        subject,
                        today,
                        received,
                        dry_run: false,
                    },
                )
                .await?;
                let blockers: Vec<String> = o.plan.blockers.iter().map(blocker_text).collect();
                let report = serde_json::json!({
                    "steps": o.plan.step_count(),
                    "executed": o.executed,
                    "rows_found": o.rows_found,
                    "held": o.plan.holds().count(),
                    "shared_rows_kept": o.plan.shared.len(),
                    "replanned": o.replanned,
                    "blockers": blockers,
                });
                (!o.refused(), report, o.notes)
            }
            RequestKind::Rectification => {
                let o = rectify::rectify(
                    ws,
                    RectifyRequest {
                        subject,
                        set: asked.set,
                        today,
                        received,
                        dry_run: false,
                    },
                )
                .await?;
                let fields: usize = o.changes.iter().map(|c| c.changes.len()).sum();
                let report = serde_json::json!({
                    "rows_changed": o.changes.len(),
                    "fields_changed": fields,
                    "executed": o.executed,
                    "shared_rows": o.shared.len(),
                });
                (!o.refused(), report, o.notes)
            }
            RequestKind::Restriction => {
                let o = rights::restrict(
                    ws,
                    RestrictRequest {
                        subject,
                        purpose: asked.purpose.clone(),
                        allow: asked.allow.clone(),
                        reason: None,
                        lift: false,
                        received,
                    },
                )
                .await?;
                let report = serde_json::json!({
                    "restricted": asked.purpose.as_deref().unwrap_or("every purpose"),
                    "allow": asked.allow,
                    "identities": o.done.len(),
                });
                (true, report, o.notes)
            }
            RequestKind::Objection => {
                let o = rights::object(
                    ws,
                    ObjectRequest {
                        subject,
                        to: object_to(&asked)?,
                        reason: None,
                        lift: false,
                        received,
                    },
                )
                .await?;
                let mut purposes: Vec<&str> =
                    o.done.iter().filter_map(|d| d.purpose.as_deref()).collect();
                purposes.dedup();
                let report = serde_json::json!({ "objected_to": purposes });
                (true, report, o.notes)
            }
            RequestKind::ConsentWithdrawal => {
                let purpose = asked.purpose.clone().ok_or_else(|| {
                    AppError::Corrupt("a withdrawal of consent recorded without its purpose".into())
                })?;
                let o = rights::withdraw(
                    ws,
                    WithdrawRequest {
                        subject,
                        purpose: purpose.clone(),
                        received,
                    },
                )
                .await?;
                (true, serde_json::json!({ "withdrawn": purpose }), o.notes)
            }
        })
    }
}

/// The request `id`, or [`AppError::NotFound`].
async fn read(store: &Store, id: &str) -> Result<Request, AppError> {
    store
        .request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no request `{id}` in skydd's state")))
}

/// The request after a step, with what the step has to say.
async fn step(
    store: &Store,
    id: &str,
    today: Date,
    remedies: Option<Remedies>,
    notes: Vec<Note>,
) -> Result<Step, AppError> {
    Ok(Step {
        request: view(&read(store, id).await?, today)?,
        remedies,
        notes,
    })
}

/// A step the lifecycle does not have, with the core's reason (and what to do first when
/// the person is not identified).
fn check_move(from: Status, to: Status) -> Result<(), AppError> {
    rules::check_transition(from, to).map_err(|e| {
        let unidentified = matches!(from, Status::Received | Status::CannotIdentify)
            && matches!(to, Status::InProgress | Status::Answered);
        if unidentified {
            AppError::Invalid(format!(
                "{e}: verify the person first; nothing is disclosed or changed for someone not identified (GDPR art. 12.6)"
            ))
        } else {
            invalid(e)
        }
    })
}

fn invalid(e: WorkflowError) -> AppError {
    AppError::Invalid(e.to_string())
}

/// Now, as the store records a moment: UTC to the second.
fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A day the store wrote; one that does not read is a damaged record.
fn stored_day(r: &Request, what: &str, text: &str) -> Result<Date, AppError> {
    text.parse().map_err(|_| {
        AppError::Corrupt(format!(
            "skydd's state holds request `{}` with a {what} `{text}` that is not a date",
            r.id
        ))
    })
}

/// How many further months an extension to `due` added (1 or 2).
fn months_added(r: &Request, received: Date, due: &str) -> Result<u8, AppError> {
    let due = stored_day(r, "extended deadline", due)?;
    (1..=2)
        .find(|&n| response_deadline(received, n) == Some(due))
        .ok_or_else(|| {
            AppError::Corrupt(format!(
                "skydd's state holds request `{}` extended to {due}, which is not one or two months after its receipt",
                r.id
            ))
        })
}

/// The person of a stored request, from the identities recorded with it.
fn subject_of(r: &Request) -> Result<Subject, AppError> {
    let corrupt = |what: &str| {
        AppError::Corrupt(format!(
            "skydd's state holds request `{}` with {what}",
            r.id
        ))
    };
    let mut ids = Vec::new();
    for i in &r.identities {
        let kind = IdentityKind::from_fides(&i.kind);
        let value = i
            .subject_key
            .strip_prefix(kind.key())
            .and_then(|v| v.strip_prefix(':'))
            .ok_or_else(|| corrupt(&format!("an identity of kind `{}` keyed otherwise", i.kind)))?;
        ids.push((
            Identity {
                kind,
                value: value.to_owned(),
            },
            i.value.clone(),
        ));
    }
    if ids.is_empty() {
        return Err(corrupt("no identity of the person"));
    }
    Ok(Subject::of(ids))
}

/// What the stored request asks beyond its kind.
fn asked_of(r: &Request) -> Result<Asked, AppError> {
    match &r.asked_change {
        None => Ok(Asked::default()),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            AppError::Corrupt(format!(
                "skydd's state holds request `{}` with an asked change that does not read: {e}",
                r.id
            ))
        }),
    }
}

/// A stored request as the workflow shows it on `today`.
fn view(r: &Request, today: Date) -> Result<RequestView, AppError> {
    let received = stored_day(r, "received day", &r.received)?;
    let due = stored_day(r, "due date", r.due_now())?;
    let extension = match &r.extension {
        Some(x) => Some(ExtensionView {
            months: months_added(r, received, &x.due)?,
            due,
            reasons: x.reasons.clone(),
            at: x.at.clone(),
            by: x.by.clone(),
        }),
        None => None,
    };
    let (refusal, identification_asked) = match &r.refusal {
        Some(x) if x.ground == CANNOT_IDENTIFY => (None, Some(x.reasons.clone())),
        Some(x) => (
            Some(RefusalView {
                ground: x.ground.clone(),
                reasons: x.reasons.clone(),
            }),
            None,
        ),
        None => (None, None),
    };
    let open = r.status.is_open();
    let executions = r
        .executions
        .iter()
        .map(|x| {
            Ok(ExecutionView {
                id: x.id.clone(),
                started: x.started.clone(),
                finished: x.finished.clone(),
                outcome: x.outcome.map_or("running", ExecutionOutcome::as_str),
                report: serde_json::from_str(&x.report).map_err(|e| {
                    AppError::Corrupt(format!(
                        "skydd's state holds run `{}` of request `{}` with a report that is not JSON: {e}",
                        x.id, r.id
                    ))
                })?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(RequestView {
        id: r.id.clone(),
        kind: r.kind,
        channel: r.channel,
        status: r.status,
        identities: r
            .identities
            .iter()
            .map(|i| IdentityView {
                kind: i.kind.clone(),
                value: i.value.clone(),
            })
            .collect(),
        received,
        due,
        days_left: open.then(|| rules::days_left(due, today)),
        late: open && today > due,
        reminder: rules::reminder(received, due, extension.is_some(), r.status, today)
            .filter(|_| open),
        asked: Some(asked_of(r)?).filter(|a| !a.is_empty()),
        verification: r.verification.as_ref().map(|v| VerificationView {
            method: v.method.clone(),
            by: v.by.clone(),
            at: v.at.clone(),
            note: v.note.clone(),
        }),
        identification_asked,
        extension,
        refusal,
        fee: r.fee.as_ref().map(|f| FeeView {
            amount_ore: f.amount,
            reason: f.reason.clone(),
        }),
        completed: r.completed.clone(),
        executions,
    })
}
