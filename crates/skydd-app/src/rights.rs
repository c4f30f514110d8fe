//! Restriction (Art. 18), objection (Art. 21), withdrawn consent (Art. 7(3)), and the
//! question every mailing should ask: may we process this person's data for this purpose?
//! These touch only the register and skydd's state, never the company's databases. Also
//! the log of requests, with how late each was answered.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;
use skydd_core::diagnostic::suggestion;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::law::LegalBasis;
use skydd_core::plan::recipients;
use skydd_core::register::Register;
use skydd_core::rights::{self, Kind, Restriction};
use skydd_notify::NoticeKind;
use skydd_store::{RequestRecord, Store};

use crate::clock::{day_of_timestamp, today};
use crate::deadline::Deadline;
use crate::error::AppError;
use crate::note::Note;
use crate::outbox;
use crate::request::{record_done, request_id};
use crate::subject::Subject;
use crate::workspace::Workspace;

/// Refuses a purpose the register does not declare, with the nearest name or the list.
pub fn check_purpose(reg: &Register, id: &str) -> Result<(), AppError> {
    if reg.purpose(id).is_some() {
        return Ok(());
    }
    let hint = suggestion(id, reg.purposes.iter().map(|p| p.id.as_str())).unwrap_or_else(|| {
        format!(
            "the register's purposes: {}",
            reg.purposes
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    Err(AppError::Invalid(format!("no purpose `{id}`; {hint}")))
}

/// The purposes that are direct marketing (Art. 21(2): an objection to them is absolute).
pub fn marketing(reg: &Register) -> Vec<String> {
    reg.purposes
        .iter()
        .filter(|p| {
            p.direct_marketing
                || p.data_use
                    .as_deref()
                    .is_some_and(|u| skydd_core::taxonomy::is_within(u, "marketing"))
        })
        .map(|p| p.id.clone())
        .collect()
}

/// What was done for one identity of the person.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectDone {
    /// The subject key (`email:anna@example.se`).
    pub subject: String,
    /// The purpose concerned (`None`: every purpose).
    pub purpose: Option<String>,
    /// Records lifted, when lifting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifted: Option<u64>,
}

/// What a restriction, objection or withdrawal of consent did.
#[derive(Debug, Serialize)]
pub struct RightOutcome {
    /// Lifted rather than recorded.
    pub lifted: bool,
    /// Per identity (and purpose).
    pub done: Vec<SubjectDone>,
    /// Purposes still allowed (a restriction's exceptions).
    pub allow: Vec<String>,
    /// When the request must be answered; none when lifting.
    pub deadline: Option<Deadline>,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// A restriction of processing (Art. 18), or its lifting.
pub struct RestrictRequest {
    /// The person.
    pub subject: Subject,
    /// The purpose restricted; `None`: every purpose.
    pub purpose: Option<String>,
    /// Purposes still allowed (e.g. legal claims).
    pub allow: Vec<String>,
    /// Why, for the record.
    pub reason: Option<String>,
    /// Lift instead.
    pub lift: bool,
    /// The day it was received.
    pub received: Date,
}

/// Records (or lifts) a restriction of processing.
pub async fn restrict(ws: &Workspace, req: RestrictRequest) -> Result<RightOutcome, AppError> {
    for p in req.purpose.iter().chain(&req.allow) {
        check_purpose(&ws.register, p)?;
    }
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    // Recipients are told of a restriction and of its lifting (Art. 19). The notices go
    // with each identity's record under the same ids: whichever record is new writes them,
    // once.
    let request = request_id("restriction", &req.subject);
    let keys = req.subject.keys();
    let notices = outbox::notices(
        ws,
        &recipients::to_tell_of_restriction(&ws.register, req.purpose.as_deref()),
        &outbox::Change {
            kind: if req.lift {
                NoticeKind::RestrictionLifted
            } else {
                NoticeKind::Restriction
            },
            request: &request,
            subjects: &keys,
            new_values: &[],
            date: today(),
        },
    )?;
    let mut done = Vec::new();
    for key in keys.clone() {
        let lifted = if req.lift {
            Some(
                store
                    .lift(&key, Kind::Restriction, req.purpose.as_deref(), &notices)
                    .await?,
            )
        } else {
            store
                .restrict(
                    &key,
                    Kind::Restriction,
                    req.purpose.as_deref(),
                    &req.allow,
                    req.reason.as_deref(),
                    &notices,
                )
                .await?;
            None
        };
        done.push(SubjectDone {
            subject: key,
            purpose: req.purpose.clone(),
            lifted,
        });
    }
    let deadline = if req.lift {
        None
    } else {
        let summary = serde_json::json!({ "purpose": req.purpose, "allow": req.allow });
        Some(
            record(
                store,
                request,
                "restriction",
                &req.subject,
                req.received,
                summary,
                &mut notes,
            )
            .await?,
        )
    };
    Ok(RightOutcome {
        lifted: req.lift,
        done,
        allow: req.allow,
        deadline,
        notes,
    })
}

/// What an objection (Art. 21) is to.
pub enum ObjectTo {
    /// One purpose.
    Purpose(String),
    /// Every direct-marketing purpose of the register.
    DirectMarketing,
}

/// An objection, or its lifting.
pub struct ObjectRequest {
    /// The person.
    pub subject: Subject,
    /// What to.
    pub to: ObjectTo,
    /// Why, for the record.
    pub reason: Option<String>,
    /// Lift instead.
    pub lift: bool,
    /// The day it was received.
    pub received: Date,
}

/// The purposes an objection concerns, checked against the register.
pub fn objection_purposes(reg: &Register, to: &ObjectTo) -> Result<Vec<String>, AppError> {
    match to {
        ObjectTo::DirectMarketing => {
            let m = marketing(reg);
            if m.is_empty() {
                return Err(AppError::Invalid(
                    "the register has no direct-marketing purpose (mark one with `direct_marketing = true`)".into(),
                ));
            }
            Ok(m)
        }
        ObjectTo::Purpose(p) => {
            check_purpose(reg, p)?;
            Ok(vec![p.clone()])
        }
    }
}

/// Records (or lifts) an objection.
pub async fn object(ws: &Workspace, req: ObjectRequest) -> Result<RightOutcome, AppError> {
    let purposes = objection_purposes(&ws.register, &req.to)?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    let mut done = Vec::new();
    for key in req.subject.keys() {
        for p in &purposes {
            let lifted = if req.lift {
                Some(store.lift(&key, Kind::Objection, Some(p), &[]).await?)
            } else {
                store
                    .restrict(
                        &key,
                        Kind::Objection,
                        Some(p),
                        &[],
                        req.reason.as_deref(),
                        &[],
                    )
                    .await?;
                None
            };
            done.push(SubjectDone {
                subject: key.clone(),
                purpose: Some(p.clone()),
                lifted,
            });
        }
    }
    let deadline = if req.lift {
        None
    } else {
        let summary = serde_json::json!({ "purposes": purposes });
        Some(
            record(
                store,
                request_id("objection", &req.subject),
                "objection",
                &req.subject,
                req.received,
                summary,
                &mut notes,
            )
            .await?,
        )
    };
    Ok(RightOutcome {
        lifted: req.lift,
        done,
        allow: Vec::new(),
        deadline,
        notes,
    })
}

/// A withdrawal of consent (Art. 7(3)).
pub struct WithdrawRequest {
    /// The person.
    pub subject: Subject,
    /// The purpose, which must rest on consent.
    pub purpose: String,
    /// The day it was received.
    pub received: Date,
}

/// Refuses a purpose that is not the register's or does not rest on consent.
pub fn check_consent_purpose(reg: &Register, purpose: &str) -> Result<(), AppError> {
    check_purpose(reg, purpose)?;
    if !reg
        .purpose(purpose)
        .is_some_and(|p| p.has_basis(LegalBasis::Consent))
    {
        return Err(AppError::Invalid(format!(
            "purpose `{purpose}` does not rest on consent; use `skydd object` instead"
        )));
    }
    Ok(())
}

/// Records a withdrawal of consent.
pub async fn withdraw(ws: &Workspace, req: WithdrawRequest) -> Result<RightOutcome, AppError> {
    check_consent_purpose(&ws.register, &req.purpose)?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    let mut done = Vec::new();
    for key in req.subject.keys() {
        store
            .restrict(
                &key,
                Kind::ConsentWithdrawn,
                Some(&req.purpose),
                &[],
                None,
                &[],
            )
            .await?;
        done.push(SubjectDone {
            subject: key,
            purpose: Some(req.purpose.clone()),
            lifted: None,
        });
    }
    let summary = serde_json::json!({ "purpose": req.purpose });
    let deadline = record(
        store,
        request_id("consent_withdrawal", &req.subject),
        "consent_withdrawal",
        &req.subject,
        req.received,
        summary,
        &mut notes,
    )
    .await?;
    Ok(RightOutcome {
        lifted: false,
        done,
        allow: Vec::new(),
        deadline: Some(deadline),
        notes,
    })
}

/// Records a request acted on now; returns by when it had to be answered.
async fn record(
    store: &Store,
    id: String,
    kind: &str,
    subject: &Subject,
    received: Date,
    summary: serde_json::Value,
    notes: &mut Vec<Note>,
) -> Result<Deadline, AppError> {
    record_done(store, id, kind, subject, received, summary, &[], notes).await?;
    Ok(Deadline::of(received))
}

/// The answer for one identity.
#[derive(Debug, Clone, Serialize)]
pub struct MayAnswer {
    // Fields in alphabetical order, as the command line has always printed them.
    /// Whether the purpose may process the person's data.
    pub allowed: bool,
    /// The record that forbids it, when not allowed.
    pub because: Option<Restriction>,
    /// The purpose asked about.
    pub purpose: String,
    /// The subject key.
    pub subject: String,
}

/// May `purpose` process the data of the person (each identity answered)?
pub async fn may(
    ws: &Workspace,
    subject: &Subject,
    purpose: &str,
) -> Result<Vec<MayAnswer>, AppError> {
    check_purpose(&ws.register, purpose)?;
    let (store, _) = ws.state(false).await?;
    let mut answers = Vec::new();
    for key in subject.keys() {
        let records = store.active(&key).await?;
        let d = rights::may(&records, purpose);
        answers.push(MayAnswer {
            allowed: d.allowed,
            because: d.because,
            purpose: purpose.to_owned(),
            subject: key,
        });
    }
    Ok(answers)
}

/// The answer for a list of addresses.
#[derive(Debug, Serialize)]
pub struct MayManyOutcome {
    /// The addresses that may be processed, as given, in order.
    pub allowed: Vec<String>,
    /// How many may not.
    pub excluded: u64,
}

/// May `purpose` process the data of each person of a list (one address each)? One read
/// of every active record, then a lookup per address.
pub async fn may_many(
    ws: &Workspace,
    purpose: &str,
    addresses: &[(&str, Identity)],
) -> Result<MayManyOutcome, AppError> {
    check_purpose(&ws.register, purpose)?;
    let (store, _) = ws.state(false).await?;
    let all: BTreeMap<String, Vec<Restriction>> = store.all_active().await?;
    let mut allowed = Vec::new();
    let mut excluded = 0;
    for (text, id) in addresses {
        let records = all.get(&id.subject_key()).map_or(&[][..], Vec::as_slice);
        if rights::may(records, purpose).allowed {
            allowed.push((*text).to_owned());
        } else {
            excluded += 1;
        }
    }
    Ok(MayManyOutcome { allowed, excluded })
}

/// A line of a list that is not an address: its 1-based number and why.
pub type BadLine = (usize, String);

/// The addresses of `input`, one per line (blank lines skipped), each with the text as given;
/// and the invalid lines.
pub fn parse_addresses(input: &[u8], today: Date) -> (Vec<(&str, Identity)>, Vec<BadLine>) {
    let mut ids = Vec::new();
    let mut invalid = Vec::new();
    for (i, raw) in input.split(|b| *b == b'\n').enumerate() {
        let Ok(line) = std::str::from_utf8(raw) else {
            invalid.push((i + 1, "not valid UTF-8".to_owned()));
            continue;
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match Identity::parse(IdentityKind::Email, text, today) {
            Ok(id) => ids.push((text, id)),
            Err(e) => invalid.push((i + 1, e.to_string())),
        }
    }
    (ids, invalid)
}

/// One request of the log.
#[derive(Debug, Clone, Serialize)]
pub struct RequestItem {
    // Fields in alphabetical order, as the command line has always printed them.
    /// When it was completed (a timestamp).
    pub completed: Option<String>,
    /// The deadline.
    pub due: String,
    /// Its id.
    pub id: String,
    /// Its kind (`access`, `erasure`, …).
    pub kind: String,
    /// Days after its deadline it was answered (or, still open, is today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_by_days: Option<i64>,
    /// The day it was received.
    pub received: String,
    /// `done` or `failed` as its last run of the engine ended; a request of the workflow
    /// never run says where it stands (`received`, `verified`, `refused`, …).
    pub status: String,
    /// The subject keys.
    pub subject: String,
    /// What was done.
    pub summary: serde_json::Value,
}

impl RequestItem {
    /// The day (in Stockholm) it was completed.
    pub fn completed_day(&self) -> Option<String> {
        self.completed.as_deref().map(day_of_timestamp)
    }
}

/// The requests recorded in skydd's state.
pub async fn requests(ws: &Workspace) -> Result<Vec<RequestItem>, AppError> {
    let (store, _) = ws.state(false).await?;
    let list = store.requests().await?;
    let mut out = Vec::new();
    for r in list {
        let summary: serde_json::Value = serde_json::from_str(&r.summary).map_err(|e| {
            AppError::Corrupt(format!(
                "skydd's state holds request `{}` with a summary that is not JSON: {e}",
                r.id
            ))
        })?;
        let late_by_days = late_by_days(&r)?;
        out.push(RequestItem {
            completed: r.completed,
            due: r.due,
            id: r.id,
            kind: r.kind,
            late_by_days,
            received: r.received,
            status: r.status,
            subject: r.subject,
            summary,
        });
    }
    Ok(out)
}

/// How many days after its deadline (GDPR art. 12.3) a request was answered, or, still open
/// or failed, how many days past it today; `None` when on time or unknown. A request done
/// late says so in its summary (`late_by_days`, recorded when it was answered); older
/// records are judged from the day they were completed.
fn late_by_days(r: &RequestRecord) -> Result<Option<i64>, AppError> {
    // skydd wrote these days itself: one that does not parse is a damaged state file, said
    // so, never taken for "on time".
    let day = |what: &str, text: &str| -> Result<Date, AppError> {
        text.parse().map_err(|_| {
            AppError::Corrupt(format!(
                "skydd's state holds request `{}` with a {what} `{text}` that is not a date",
                r.id
            ))
        })
    };
    let deadline = Deadline {
        received: day("received day", &r.received)?,
        due: Some(day("due date", &r.due)?),
        due_if_eves_count: None,
    };
    let Some(c) = r.completed.as_deref() else {
        return Ok(deadline.late_by(today()));
    };
    let recorded = serde_json::from_str::<serde_json::Value>(&r.summary)
        .ok()
        .and_then(|s| s.get("late_by_days")?.as_i64())
        .filter(|_| r.status == "done");
    // Done, or closed in the request workflow (answered, refused, withdrawn, not
    // identified): judged on the day it was closed.
    Ok(match recorded {
        Some(days) => Some(days),
        None => deadline.late_by(day("completion day", &day_of_timestamp(c))?),
    })
}

/// What `state init` did.
#[derive(Debug, Serialize)]
pub struct StateInit {
    /// Where skydd's state is.
    pub file: PathBuf,
    /// Whether it was there already.
    pub existed: bool,
}

/// Creates skydd's state where the register says, unless it is there.
pub async fn state_init(ws: &Workspace) -> Result<StateInit, AppError> {
    let file = ws.state_file();
    if file.exists() {
        return Ok(StateInit {
            file,
            existed: true,
        });
    }
    let store = Store::open(&file, true).await?;
    store.close().await;
    Ok(StateInit {
        file,
        existed: false,
    })
}
