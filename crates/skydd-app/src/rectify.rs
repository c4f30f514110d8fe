//! Rectification (GDPR Art. 16): the person's rows get the values they asked for, checked
//! against the data map and each column's type before anything is written, and never a row
//! other people share.

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::write;
use skydd_core::plan::erasure::{self, SharedKept, Step};
use skydd_core::plan::{edits, recipients, rectification};
use skydd_core::value::Value;
use skydd_notify::NoticeKind;

use crate::deadline::Deadline;
use crate::erase::Executed;
use crate::error::AppError;
use crate::find::{find, sharing};
use crate::note::Note;
use crate::outbox;
use crate::request::{record_done, request_id};
use crate::subject::Subject;
use crate::workspace::Workspace;

/// A rectification request.
pub struct RectifyRequest {
    /// The person.
    pub subject: Subject,
    /// The changes, `COLLECTION.FIELD=VALUE` or `DATASET.COLLECTION.FIELD=VALUE`.
    pub set: Vec<String>,
    /// Today.
    pub today: Date,
    /// The day it was received.
    pub received: Date,
    /// Plan only: nothing is written, nothing recorded.
    pub dry_run: bool,
}

/// One field's change.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// The value asked for.
    pub after: Value,
    /// Its value now.
    pub before: Value,
    /// The field.
    pub field: String,
}

/// The changes to one row.
#[derive(Debug, Clone, Serialize)]
pub struct RowChange {
    /// The fields changed.
    pub changes: Vec<FieldChange>,
    /// `dataset.collection`.
    pub collection: String,
    /// The row's key.
    pub key: String,
}

/// What a rectification did.
#[derive(Debug, Serialize)]
pub struct RectifyOutcome {
    // Fields in alphabetical order, as the command line has always printed them.
    /// The changes (made, unless a dry run).
    pub changes: Vec<RowChange>,
    /// When the request must be answered.
    pub deadline: Deadline,
    /// Plan only.
    pub dry_run: bool,
    /// Per dataset: statements and rows.
    pub executed: Vec<Executed>,
    /// Rows the person shares with others: when any, nothing was changed, since changing
    /// them would change the others' data too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared: Vec<SharedKept>,
    /// Warnings and notes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

impl RectifyOutcome {
    /// Whether nothing was changed because the person shares rows with others.
    pub fn refused(&self) -> bool {
        !self.shared.is_empty()
    }
}

/// Rectifies the person's rows as asked (or plans it, `dry_run`), and records the request.
pub async fn rectify(ws: &Workspace, req: RectifyRequest) -> Result<RectifyOutcome, AppError> {
    let dbs = ws.databases()?;
    // Every change is read before anything is touched.
    let edits = edits::parse_all(&dbs.map, &req.set).map_err(|e| AppError::Invalid(e.0))?;
    let found = find(dbs, &req.subject, req.today, None).await?;
    let world = ws.world()?;
    let shared = sharing(dbs, &world, &found.found).await?;
    let plan = rectification::plan(&world, &found.found, &shared, &edits);
    if !plan.errors.is_empty() {
        return Err(AppError::Invalid(format!(
            "nothing was changed: {}",
            plan.errors.join("; ")
        )));
    }
    let deadline = Deadline::of(req.received);
    if !plan.shared.is_empty() {
        return Ok(RectifyOutcome {
            dry_run: req.dry_run,
            changes: Vec::new(),
            executed: Vec::new(),
            deadline,
            shared: plan.shared,
            notes: Vec::new(),
        });
    }
    let changes: Vec<RowChange> = plan
        .steps
        .values()
        .flatten()
        .filter_map(|s| match s {
            Step::Update {
                collection,
                key,
                set,
            } => Some(RowChange {
                changes: set
                    .iter()
                    .map(|c| FieldChange {
                        after: c.after.clone(),
                        before: c.before.clone(),
                        field: c.field.clone(),
                    })
                    .collect(),
                collection: collection.to_string(),
                key: erasure::key_string(key),
            }),
            Step::Delete { .. } => None,
        })
        .collect();
    let mut executed = Vec::new();
    let mut notes = Vec::new();
    if !req.dry_run {
        // skydd's state is opened before the company's databases are changed: a state that
        // cannot be opened stops the rectification before it starts.
        let (store, created) = ws.state(true).await?;
        notes.extend(created);
        let request = request_id("rectification", &req.subject);
        let steps: Vec<Step> = plan.steps.values().flatten().cloned().collect();
        let tellings = recipients::to_tell(&world, &recipients::touched(&dbs.map, &steps));
        let new_values: Vec<(String, String)> = changes
            .iter()
            .flat_map(|rc| {
                rc.changes.iter().map(|c| {
                    (
                        format!("{}.{}", rc.collection, c.field),
                        c.after.as_text().unwrap_or_default(),
                    )
                })
            })
            .collect();
        let notices = outbox::notices(
            ws,
            &tellings,
            &outbox::Change {
                kind: NoticeKind::Rectification,
                request: &request,
                subjects: &req.subject.keys(),
                new_values: &new_values,
                date: req.today,
            },
        )?;
        for (dataset, s) in &plan.steps {
            let (db, schema) = dbs.db(dataset)?;
            let done = write::apply(db, schema, s).await?;
            executed.push((dataset.clone(), done.statements, done.rows));
        }
        record_done(
            store,
            request,
            "rectification",
            &req.subject,
            req.received,
            serde_json::json!({ "changes": changes.len(), "recipients": notices.len() }),
            &notices,
            &mut notes,
        )
        .await?;
    }
    Ok(RectifyOutcome {
        dry_run: req.dry_run,
        changes,
        executed,
        deadline,
        shared: Vec::new(),
        notes,
    })
}
