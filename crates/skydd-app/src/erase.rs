//! Erasure (GDPR Art. 17), in three steps each a function: [`plan`] (find the rows, decide
//! every field), [`apply`] (one transaction per database, each conditional on the values
//! the plan read), and [`record`] (the fields kept by legal obligations, the restriction
//! that limits them to those obligations (Art. 18(2)), and the request). [`erase`] runs
//! them, planning again when rows changed between planning and writing.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::{DbError, write};
use skydd_core::plan::erasure::{self, ErasurePlan, KeepReason, Maskers, Step};
use skydd_core::plan::record::{blocker_text, erased_marks};
use skydd_core::rights;
use skydd_store::{Hold, RequestRecord, Store};

use crate::deadline::Deadline;
use crate::error::AppError;
use crate::find::{find, sharing};
use crate::note::Note;
use crate::request::{self, random_string, record_done, request_id};
use crate::subject::Subject;
use crate::workspace::{Databases, Workspace};

/// An erasure request.
pub struct EraseRequest {
    /// The person.
    pub subject: Subject,
    /// The day the plan is made as of (retention ends, legal holds).
    pub today: Date,
    /// The day the request was received.
    pub received: Date,
    /// Plan only: nothing is written, nothing recorded.
    pub dry_run: bool,
}

/// What one database did.
pub type Executed = (String, usize, u64);

/// What an erasure did.
#[derive(Debug, Serialize)]
pub struct EraseOutcome {
    /// The plan.
    pub plan: ErasurePlan,
    /// Per dataset: statements and rows.
    pub executed: Vec<Executed>,
    /// Rows found.
    pub rows_found: usize,
    /// Dry run.
    pub dry_run: bool,
    /// Times the plan was made again because rows changed between planning and writing.
    pub replanned: usize,
    /// When the request must be answered.
    pub deadline: Deadline,
    /// Warnings and notes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

impl EraseOutcome {
    /// Whether the plan has blockers, so nothing ran.
    pub fn refused(&self) -> bool {
        !self.plan.blockers.is_empty()
    }
}

/// How many times an erasure is planned afresh when rows keep changing under it.
const PLAN_ATTEMPTS: usize = 3;

/// Plans (and unless `dry_run`, executes and records) the erasure of the person.
///
/// Writes are conditional on the values the plan read; when another writer (a retention
/// sweep) changed them meanwhile, the transaction rolls back and the erasure is planned
/// again from fresh rows. A plan with blockers runs nothing and is recorded as failed.
pub async fn erase(ws: &Workspace, req: EraseRequest) -> Result<EraseOutcome, AppError> {
    let dbs = ws.databases()?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    let key = ws.hmac_key()?;
    let request = request_id("erasure", &req.subject);
    let mut executed: Vec<Executed> = Vec::new();
    let mut replanned = 0;
    let (plan, rows_found) = loop {
        let (plan, rows_found) =
            self::plan(ws, store, &req.subject, req.today, key.as_deref()).await?;
        if req.dry_run || !plan.blockers.is_empty() {
            break (plan, rows_found);
        }
        match apply(dbs, store, &plan, &request, &mut executed).await {
            Ok(()) => break (plan, rows_found),
            Err(e @ AppError::Conflict { .. }) if replanned + 1 < PLAN_ATTEMPTS => {
                tracing::warn!("{}; planning again from fresh rows", chain(&e));
                replanned += 1;
            }
            Err(e) => return Err(e),
        }
    };
    if !req.dry_run && !plan.blockers.is_empty() {
        record_refused(store, &plan, &req.subject, req.received, request).await?;
    } else if !req.dry_run {
        record(
            store,
            &plan,
            &req.subject,
            req.received,
            request,
            &mut notes,
        )
        .await?;
    }
    Ok(EraseOutcome {
        plan,
        executed,
        rows_found,
        dry_run: req.dry_run,
        replanned,
        deadline: Deadline::of(req.received),
        notes,
    })
}

/// An error with its sources, as one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s += &format!(": {c}");
        source = c.source();
    }
    s
}

/// Keyed HMAC-SHA-256 as hex.
fn hmac_hex(key: &[u8], text: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = match <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(text.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Step 1: finds the person's rows, which of them others share, and what skydd already
/// erased, and plans every field. Returns the plan and the rows found.
pub async fn plan(
    ws: &Workspace,
    store: &Store,
    subject: &Subject,
    today: Date,
    hmac_key: Option<&[u8]>,
) -> Result<(ErasurePlan, usize), AppError> {
    let dbs = ws.databases()?;
    let world = ws.world()?;
    let found = find(dbs, subject, today, None).await?;
    let shared = sharing(dbs, &world, &found.found).await?;
    let erased = store.erased().await?;
    // Made after the reads: a `&dyn Fn` is not `Send`, and a server awaits this future on
    // any thread.
    let hmac = hmac_key.map(|k| move |s: &str| hmac_hex(k, s));
    let hmac_ref: Option<&dyn Fn(&str) -> String> =
        hmac.as_ref().map(|h| h as &dyn Fn(&str) -> String);
    let mut random = random_string;
    let mut maskers = Maskers {
        hmac: hmac_ref,
        random: &mut random,
    };
    let plan = erasure::plan(
        &world,
        &erasure::Request {
            found: &found.found,
            today,
            already_erased: &erased,
            sharing: &shared,
        },
        &mut maskers,
    );
    let rows_found: usize = found.found.iter().map(|f| f.rows.len()).sum();
    Ok((plan, rows_found))
}

/// Step 2: applies the plan, one transaction per database, appending what each did to
/// `executed`. Values replaced by keyed hashes or random text are recorded as each
/// database commits, so that a later plan (after a conflict in another database, or a
/// second request) leaves them alone. Rows changed meanwhile are a [`AppError::Conflict`].
pub async fn apply(
    dbs: &Databases,
    store: &Store,
    plan: &ErasurePlan,
    request: &str,
    executed: &mut Vec<Executed>,
) -> Result<(), AppError> {
    for (dataset, steps) in write::by_dataset(&plan.steps) {
        let done = apply_dataset(dbs, store, request, dataset, steps, executed).await?;
        executed.push(done);
    }
    Ok(())
}

/// Applies one database's steps in one transaction and marks the fields it erased.
/// `before` is what the erasure already did elsewhere, for the error.
pub async fn apply_dataset(
    dbs: &Databases,
    store: &Store,
    request: &str,
    dataset: &str,
    steps: &[Step],
    before: &[Executed],
) -> Result<Executed, AppError> {
    let (db, schema) = dbs.db(dataset)?;
    let done = write::apply(db, schema, steps).await.map_err(|source| {
        let done: Vec<&str> = before.iter().map(|(d, _, _)| d.as_str()).collect();
        let context = if done.is_empty() {
            format!("the erasure in `{dataset}` was rolled back; nothing was changed")
        } else {
            format!(
                "the erasure in `{dataset}` was rolled back; already done in: {}. Run it again to finish",
                done.join(", ")
            )
        };
        match source {
            DbError::Conflict { .. } => AppError::Conflict { context, source },
            source => AppError::RolledBack { context, source },
        }
    })?;
    store.mark_erased(request, &erased_marks(steps)).await?;
    Ok((dataset.to_owned(), done.statements, done.rows))
}

/// Step 3: records a carried-out erasure: the fields kept by legal obligations and the
/// restriction that limits them to those obligations (Art. 18(2)), and the request.
pub async fn record(
    store: &Store,
    plan: &ErasurePlan,
    subject: &Subject,
    received: Date,
    request: String,
    notes: &mut Vec<Note>,
) -> Result<(), AppError> {
    let subjects = subject.keys();
    let mut holds = Vec::new();
    let mut allowed = BTreeSet::new();
    for k in plan.holds() {
        if let KeepReason::LegalObligation {
            purpose,
            statute,
            until,
        } = &k.reason
        {
            allowed.insert(purpose.clone());
            for s in &subjects {
                holds.push(Hold {
                    subject: s.clone(),
                    collection: k.collection.to_string(),
                    row_key: erasure::key_string(&k.key),
                    field: k.field.clone(),
                    purpose: purpose.clone(),
                    statute: statute.clone(),
                    until: until.map(|d| d.to_string()),
                });
            }
        }
    }
    store.record_holds(&holds).await?;
    if !holds.is_empty() {
        let allowed: Vec<String> = allowed.into_iter().collect();
        for s in &subjects {
            store
                .restrict(
                    s,
                    rights::Kind::ErasureHold,
                    None,
                    &allowed,
                    Some("kept after erasure by a legal obligation"),
                )
                .await?;
        }
    }
    record_done(
        store,
        request,
        "erasure",
        subject,
        received,
        serde_json::json!({
            "steps": plan.step_count(),
            "held": holds.len(),
            "shared_rows_kept": plan.shared.len(),
        }),
        notes,
    )
    .await
}

/// Records an erasure its blockers stopped, as failed, with the blockers.
pub async fn record_refused(
    store: &Store,
    plan: &ErasurePlan,
    subject: &Subject,
    received: Date,
    request: String,
) -> Result<(), AppError> {
    let blockers: Vec<String> = plan.blockers.iter().map(blocker_text).collect();
    store
        .record_request(&RequestRecord {
            status: "failed".into(),
            completed: None,
            ..request::record(
                request,
                "erasure",
                subject,
                received,
                serde_json::json!({ "blockers": blockers }),
            )
        })
        .await?;
    Ok(())
}
