//! Erasure (GDPR Art. 17) as a saga that survives a crash at any point:
//!
//! 1. [`plan`]: find the rows, decide every field; then journal the plan in skydd's state
//!    (steps with their before and after values, the fields kept and why, the request)
//!    before any company database is touched, under a lease on each of the person's keys;
//! 2. per database: apply its steps (one transaction, conditional on the values the plan
//!    read), then record that database done with the fields it erased;
//! 3. record the holds, the restriction that limits them to their obligations (Art. 18(2))
//!    and the answered request, in one transaction of skydd's state.
//!
//! A re-run for the same person first finishes an interrupted erasure from its journal:
//! databases not recorded done get their steps again; a conflict there means either the
//! commit happened before the crash (the rows, read back by key, hold what the plan made
//! of them: recorded done) or someone changed the rows (the person is planned afresh).
//! An error of skydd's state after a database committed says which database was changed
//! and that running the same erasure again finishes recording it.

mod journal;

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::{Db, DbError, read, write};
use skydd_core::plan::erasure::{self, ErasurePlan, Maskers, Step};
use skydd_core::plan::recipients;
use skydd_core::plan::record::{blocker_text, erased_marks};
use skydd_core::schema::Schema;
use skydd_notify::NoticeKind;
use skydd_store::{ErasureJournal, ErasureState, NewErasure, RequestRecord, StateStore, Store};

use crate::clock::today;
use crate::deadline::Deadline;
use crate::error::AppError;
use crate::failpoint;
use crate::find::{find, sharing};
use crate::lease::{ERASURE_LEASE, Heartbeat, Leasing};
use crate::note::Note;
use crate::outbox;
use crate::request::{self, random_string, request_id};
use crate::subject::Subject;
use crate::workspace::{Databases, Workspace};
use journal::Journalled;

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
    /// The interrupted erasure of this person that this run finished, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<Resumed>,
    /// Warnings and notes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// An interrupted erasure, finished by a later run.
#[derive(Debug, Clone, Serialize)]
pub struct Resumed {
    /// Its journal's id in skydd's state.
    pub journal: String,
    /// The request it answers (recorded once, under this id).
    pub request: String,
    /// Who had started it: a process that died (its lease ran out) or stopped on an error.
    pub holder: String,
    /// When it was journalled (UTC).
    pub since: String,
    /// Databases it had committed and recorded done.
    pub already_done: Vec<String>,
    /// Databases it had committed without recording it (killed in between), confirmed by
    /// reading the rows back.
    pub confirmed: Vec<String>,
}

impl EraseOutcome {
    /// Whether the plan has blockers, so nothing ran.
    pub fn refused(&self) -> bool {
        !self.plan.blockers.is_empty()
    }
}

/// How many times an erasure is planned afresh when rows keep changing under it.
const PLAN_ATTEMPTS: usize = 3;

/// Plans (and unless `dry_run`, executes and records) the erasure of the person, under a
/// lease of [`ERASURE_LEASE`] held by this process. See [`erase_leased`].
pub async fn erase(ws: &Workspace, req: EraseRequest) -> Result<EraseOutcome, AppError> {
    erase_leased(ws, req, &Leasing::this_process(ERASURE_LEASE)).await
}

/// Plans (and unless `dry_run`, executes and records) the erasure of the person, the
/// person's erasure leased to `leasing`'s holder.
///
/// An interrupted erasure of the person is finished first, and is the outcome (one request,
/// answered once). One whose holder is alive is [`skydd_store::StoreError::Busy`] (in
/// [`AppError::Busy`]). Writes are conditional on the values the plan read; when another
/// writer (a retention sweep) changed them meanwhile, the erasure is planned again from fresh
/// rows. A plan with blockers runs nothing and is recorded as failed.
pub async fn erase_leased(
    ws: &Workspace,
    req: EraseRequest,
    leasing: &Leasing,
) -> Result<EraseOutcome, AppError> {
    let dbs = ws.databases()?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    let key = ws.hmac_key()?;
    let open = open_erasures(store, &req.subject.keys()).await?;
    if req.dry_run {
        if let Some(j) = open.first() {
            notes.push(Note::warning(format!(
                "an erasure of this person journalled at {} by {} was interrupted (databases done: {}); `skydd erase` without --dry-run finishes it as journalled before anything else",
                j.created_at,
                j.holder,
                list_or_none(&j.datasets_done)
            )));
        }
        let (plan, rows_found) =
            self::plan(ws, store, &req.subject, req.today, key.as_deref()).await?;
        return Ok(EraseOutcome {
            plan,
            executed: Vec::new(),
            rows_found,
            dry_run: true,
            replanned: 0,
            deadline: Deadline::of(req.received),
            resumed: None,
            notes,
        });
    }
    let mut saga = Saga {
        dbs,
        store,
        leasing,
        subjects: req.subject.keys(),
        executed: Vec::new(),
        committed: Vec::new(),
        heartbeat: None,
    };
    let result = saga.run(ws, &req, open, key.as_deref(), &mut notes).await;
    if result.is_err() {
        saga.let_go().await;
    }
    let (plan, rows_found, replanned, resumed, received) = result?;
    Ok(EraseOutcome {
        plan,
        executed: saga.executed,
        rows_found,
        dry_run: false,
        replanned,
        deadline: Deadline::of(received),
        resumed,
        notes,
    })
}

/// The erasures of the people named by `subjects` still to be finished.
async fn open_erasures(
    store: &Store,
    subjects: &[String],
) -> Result<Vec<ErasureJournal>, AppError> {
    let mut open = store.open_erasures(subjects).await?;
    open.retain(|j| matches!(j.state, ErasureState::Planned | ErasureState::Applying));
    Ok(open)
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// How one journal's databases went.
enum Applied {
    /// Every database is done and recorded so.
    All,
    /// Rows changed since the journal's plan was made (and the plan's result is not what
    /// they hold): the person must be planned afresh.
    Changed(DbError),
}

/// What a run made and did: the plan, rows found, times planned again, the erasure it
/// resumed, and the day the request was received.
type Ran = (ErasurePlan, usize, usize, Option<Resumed>, Date);

/// One erasure in progress: what it holds and what it has changed so far, so that every
/// error says which company databases were already changed.
struct Saga<'a> {
    dbs: &'a Databases,
    store: &'a Store,
    leasing: &'a Leasing,
    /// The person's keys (the leases `erasure:<key>`).
    subjects: Vec<String>,
    /// Per database committed by this process: statements and rows.
    executed: Vec<Executed>,
    /// Databases changed for this request, by this process or the one it took over from.
    committed: Vec<String>,
    /// Renews the leases while this process holds them.
    heartbeat: Option<Heartbeat>,
}

impl Saga<'_> {
    async fn run(
        &mut self,
        ws: &Workspace,
        req: &EraseRequest,
        open: Vec<ErasureJournal>,
        hmac_key: Option<&[u8]>,
        notes: &mut Vec<Note>,
    ) -> Result<Ran, AppError> {
        let mut request = request_id("erasure", &req.subject);
        let mut earlier: Option<Journalled> = None;
        let mut resumed = None;
        let mut replanned = 0;
        if let Some(open) = open.into_iter().next() {
            let doc = Journalled::parse(&open.id, &open.plan)?;
            let taken = self
                .store
                .take_over_erasure(&open.id, &self.leasing.holder, self.leasing.ttl)
                .await?;
            self.subjects.clone_from(&taken.subjects);
            self.hold(&taken.subjects);
            self.committed.extend(taken.datasets_done.iter().cloned());
            request.clone_from(&taken.request_id);
            let mut r = Resumed {
                journal: taken.id.clone(),
                request: taken.request_id.clone(),
                holder: open.holder,
                since: open.created_at,
                already_done: taken.datasets_done.clone(),
                confirmed: Vec::new(),
            };
            let applied = self
                .apply(&taken.id, &taken.datasets_done, &doc, &mut r.confirmed)
                .await?;
            resumed = Some(r);
            match applied {
                Applied::All => {
                    self.complete(ws, &taken.id, &taken.subjects, &request, &doc, notes)
                        .await?;
                    let received = doc.received;
                    return Ok((doc.plan(), doc.rows_found, 0, resumed, received));
                }
                Applied::Changed(e) => {
                    tracing::warn!("{}; planning the person afresh", chain(&e));
                    self.replace(&taken.id, &e).await?;
                    earlier = Some(doc);
                    replanned += 1;
                }
            }
        }
        loop {
            let (plan, rows_found) =
                self::plan(ws, self.store, &req.subject, req.today, hmac_key).await?;
            if !plan.blockers.is_empty() {
                record_refused(self.store, &plan, &req.subject, req.received, request)
                    .await
                    .map_err(|e| self.unrecorded(e))?;
                return Ok((plan, rows_found, replanned, resumed, req.received));
            }
            let received = earlier.as_ref().map_or(req.received, |e| e.received);
            let mut doc = Journalled::of(&plan, self.subjects.join(" "), received, rows_found);
            if let Some(e) = &earlier {
                doc.subject.clone_from(&e.subject);
                doc.keep_also(e);
            }
            let id = self
                .store
                .journal_erasure(&NewErasure {
                    request_id: request.clone(),
                    subjects: self.subjects.clone(),
                    plan: doc.to_json()?,
                    holder: self.leasing.holder.clone(),
                    lease: self.leasing.ttl,
                })
                .await
                .map_err(|e| self.unrecorded(e.into()))?;
            self.hold(&self.subjects.clone());
            failpoint::hit("erase.after_journal").await;
            match self.apply(&id, &[], &doc, &mut Vec::new()).await? {
                Applied::All => {
                    self.complete(ws, &id, &self.subjects.clone(), &request, &doc, notes)
                        .await?;
                    return Ok((doc.plan(), doc.rows_found, replanned, resumed, received));
                }
                Applied::Changed(source) if replanned + 1 < PLAN_ATTEMPTS => {
                    tracing::warn!("{}; planning again from fresh rows", chain(&source));
                    self.replace(&id, &source).await?;
                    earlier = Some(doc);
                    replanned += 1;
                }
                Applied::Changed(source) => {
                    let context = if self.committed.is_empty() {
                        self.store
                            .fail_erasure(&id, &chain(&source))
                            .await
                            .map_err(AppError::from)?;
                        format!(
                            "rows changed while the erasure was planned, {PLAN_ATTEMPTS} times; nothing was changed. Run it again"
                        )
                    } else {
                        // The journal stays open: a re-run finishes it.
                        format!(
                            "rows changed while the erasure was planned, {PLAN_ATTEMPTS} times; already changed: {}. Run it again to finish",
                            self.committed.join(", ")
                        )
                    };
                    return Err(AppError::Conflict { context, source });
                }
            }
        }
    }

    /// Renews the leases of `subjects` from now on.
    fn hold(&mut self, subjects: &[String]) {
        let names = subjects.iter().map(|s| format!("erasure:{s}")).collect();
        self.heartbeat = Some(Heartbeat::start(self.store, names, self.leasing));
    }

    /// Step 2: applies each database's steps not yet done, and records each done with the
    /// fields it erased (keyed hashes, random text: a later plan leaves them alone).
    async fn apply(
        &mut self,
        id: &str,
        done: &[String],
        doc: &Journalled,
        confirmed: &mut Vec<String>,
    ) -> Result<Applied, AppError> {
        for dataset in doc.datasets() {
            if done.contains(dataset) {
                continue;
            }
            if self.heartbeat.as_ref().is_some_and(Heartbeat::lost) {
                return Err(AppError::Refused(format!(
                    "this process stalled past its lease and another took the erasure over; it stopped before changing `{dataset}` (already changed: {}), and the other process finishes it",
                    list_or_none(&self.committed)
                )));
            }
            let steps = doc.steps_of(dataset);
            let (db, schema) = self.dbs.db(dataset)?;
            match write::apply(db, schema, &steps).await {
                Ok(done) => {
                    self.committed.push(dataset.clone());
                    self.executed
                        .push((dataset.clone(), done.statements, done.rows));
                    failpoint::hit_in("erase.after_commit", dataset).await;
                }
                Err(source @ DbError::Conflict { .. }) => {
                    // Either this database committed before a crash, or someone changed
                    // the rows: the rows read back by key tell which.
                    let present = planned_result_present(db, schema, &steps)
                        .await
                        .map_err(|e| self.rolled_back(dataset, e))?;
                    if !present {
                        return Ok(Applied::Changed(source));
                    }
                    confirmed.push(dataset.clone());
                    self.committed.push(dataset.clone());
                }
                Err(source) => return Err(self.rolled_back(dataset, source)),
            }
            self.store
                .mark_dataset_done(id, dataset, &erased_marks(&steps))
                .await
                .map_err(|e| self.unrecorded(e.into()))?;
            failpoint::hit_in("erase.after_mark", dataset).await;
        }
        Ok(Applied::All)
    }

    /// Step 3: the holds, the restriction that limits the data kept to its obligations
    /// (Art. 18(2)), the answered request, the notices to the recipients of what was erased
    /// (Art. 19), the journal recorded and the leases released, in one transaction.
    async fn complete(
        &mut self,
        ws: &Workspace,
        id: &str,
        subjects: &[String],
        request: &str,
        doc: &Journalled,
        notes: &mut Vec<Note>,
    ) -> Result<(), AppError> {
        failpoint::hit("erase.before_complete").await;
        let (holds, restrictions) = doc.holds(subjects);
        if let Some(late) = Deadline::of(doc.received).late_text(today()) {
            notes.push(Note::warning(late));
        }
        let record = RequestRecord {
            subject: doc.subject.clone(),
            ..request::record(
                request.to_owned(),
                "erasure",
                &Subject::of(Vec::new()),
                doc.received,
                doc.summary(holds.len()),
            )
        };
        let steps: Vec<Step> = doc.datasets().flat_map(|d| doc.steps_of(d)).collect();
        // After the databases committed: neither can fail but for a bug, and `unrecorded`
        // says what was changed if one did.
        let world = ws.world().map_err(|e| self.unrecorded(e))?;
        let tellings = recipients::to_tell(&world, &recipients::touched(&self.dbs.map, &steps));
        let notices = outbox::notices(
            ws,
            &tellings,
            &outbox::Change {
                kind: NoticeKind::Erasure,
                request,
                subjects,
                new_values: &[],
                date: today(),
            },
        )
        .map_err(|e| self.unrecorded(e))?;
        self.store
            .complete_erasure(id, &holds, &restrictions, &record, &notices)
            .await
            .map_err(|e| self.unrecorded(e.into()))?;
        self.heartbeat = None;
        Ok(())
    }

    /// Gives up journal `id` for a plan made afresh (rows changed under it).
    async fn replace(&mut self, id: &str, why: &DbError) -> Result<(), AppError> {
        self.heartbeat = None;
        self.store
            .fail_erasure(
                id,
                &format!("planned afresh: rows changed since ({})", chain(why)),
            )
            .await
            .map_err(|e| self.unrecorded(e.into()))
    }

    /// After an error: stops renewing, and gives the leases back, so that a re-run can
    /// finish the journal at once rather than after the lease runs out. An error doing so
    /// changes nothing: the leases run out by themselves.
    async fn let_go(&mut self) {
        if self.heartbeat.take().is_none() {
            return;
        }
        for s in &self.subjects {
            if let Err(e) = self
                .store
                .release_lease(&format!("erasure:{s}"), &self.leasing.holder)
                .await
            {
                tracing::warn!("cannot give back the lease of the erasure of {s}: {e}");
            }
        }
    }

    /// An error of skydd's state: once a company database was changed, it says which, and
    /// that running the same erasure again finishes recording it from the journal.
    fn unrecorded(&self, e: AppError) -> AppError {
        let source = match e {
            AppError::Store(s) | AppError::Busy(s) if !self.committed.is_empty() => s,
            e => return e,
        };
        let (s, them) = if self.committed.len() == 1 {
            ("", "it")
        } else {
            ("s", "them")
        };
        AppError::Unrecorded {
            context: format!(
                "the company's database{s} {} {} already changed by this erasure, but skydd's state could not record {them}. Run the same `skydd erase` again: it finishes the erasure from its journal (the fields kept by legal obligations, their restriction, the erased fields and the answered request)",
                self.committed
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if self.committed.len() == 1 {
                    "was"
                } else {
                    "were"
                }
            ),
            source,
        }
    }

    /// A database's transaction rolled back: what was and was not changed.
    fn rolled_back(&self, dataset: &str, source: DbError) -> AppError {
        let context = if self.committed.is_empty() {
            format!("the erasure in `{dataset}` was rolled back; nothing was changed")
        } else {
            format!(
                "the erasure in `{dataset}` was rolled back; already changed: {}. Run it again to finish",
                self.committed.join(", ")
            )
        };
        AppError::RolledBack { context, source }
    }
}

/// Whether the rows hold what `steps` make of them: each deleted row gone, each updated
/// row there with every changed field at its new value (as the database stores it).
async fn planned_result_present(db: &Db, schema: &Schema, steps: &[Step]) -> Result<bool, DbError> {
    for step in steps {
        let (collection, key, set) = match step {
            Step::Update {
                collection,
                key,
                set,
            } => (collection, key, set.as_slice()),
            Step::Delete { collection, key } => (collection, key, &[][..]),
        };
        let key_columns: Vec<String> = key.iter().map(|(c, _)| c.clone()).collect();
        let key_text: Vec<String> = key.iter().map(|(_, v)| v.key()).collect();
        let fields: Vec<String> = set.iter().map(|c| c.field.clone()).collect();
        let rows = read::rows_by_key(
            db,
            schema,
            &collection.collection,
            &key_columns,
            &fields,
            &[key_text],
        )
        .await?;
        let table = schema.table(&collection.collection);
        let holds_result = match (step, rows.first()) {
            (Step::Delete { .. }, row) => row.is_none(),
            (Step::Update { .. }, None) => false,
            (Step::Update { .. }, Some((_, values))) => set.iter().zip(values).all(|(c, now)| {
                let column = table.and_then(|t| t.column(&c.field));
                erasure::same_stored_value(column, now, &c.after)
            }),
        };
        if !holds_result {
            return Ok(false);
        }
    }
    Ok(true)
}

/// An error with its sources, as one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
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
        .record_request(
            &RequestRecord {
                status: "failed".into(),
                completed: None,
                ..request::record(
                    request,
                    "erasure",
                    subject,
                    received,
                    serde_json::json!({ "blockers": blockers }),
                )
            },
            &[],
        )
        .await?;
    Ok(())
}
