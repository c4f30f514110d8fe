//! The register's retention rules carried out on the company's databases: the plan (what
//! is due today, counted) and the sweep (bounded batches, each a short transaction).
//!
//! One sweep runs at a time, across processes and machines sharing skydd's state: a run
//! holds the `retention` lease, renews it while it works and gives it back at the end. A
//! second run while one is live is [`skydd_store::StoreError::Busy`], at once, before it
//! counts anything; a run that died stops renewing, and once its lease ran out the next run
//! takes over (its report says whose run it was) and redoes what was left: a sweep's
//! conditions exclude what is done.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::sweep;
use skydd_core::plan::exclusion::{self, Exclusions};
use skydd_core::plan::retention::{self, Action, RetentionPlan, Unenforced};
use skydd_store::{RUN_LEASE, RunStart, StateStore, Store, StoreError};

use crate::error::AppError;
use crate::failpoint;
use crate::find::find;
use crate::lease::{Heartbeat, Leasing};
use crate::subject::Subject;
use crate::workspace::{Databases, Workspace};

/// A planned job with how many rows it would touch.
#[derive(Debug, Serialize)]
pub struct Counted {
    /// The job.
    pub job: retention::Job,
    /// Rows due now.
    pub due: u64,
}

/// What is due today.
#[derive(Debug, Serialize)]
pub struct PlanOutcome {
    // Fields in alphabetical order, as the command line has always printed them.
    /// The jobs with their counts.
    pub jobs: Vec<Counted>,
    /// Distinct rows due per collection.
    pub rows_due: BTreeMap<String, u64>,
    /// Distinct rows due in all.
    pub rows_due_in_all: u64,
    /// The day planned for.
    pub today: Date,
    /// What cannot be enforced.
    pub unenforced: Vec<Unenforced>,
}

/// Plans the sweep as of `today` and counts what each job would touch, each row once.
pub async fn plan(ws: &Workspace, today: Date) -> Result<PlanOutcome, AppError> {
    let (store, _) = ws.state(false).await?;
    let (plan, counted) = counted_plan(ws, store, today).await?;
    let rows_due = distinct_due(ws.databases()?, &counted).await?;
    Ok(PlanOutcome {
        jobs: counted,
        rows_due_in_all: rows_due.values().sum(),
        rows_due,
        today: plan.today,
        unenforced: plan.unenforced,
    })
}

/// Distinct rows due per collection: jobs of one collection may mask different fields of
/// the same row, so their counts do not add up.
pub async fn distinct_due(
    dbs: &Databases,
    counted: &[Counted],
) -> Result<BTreeMap<String, u64>, AppError> {
    let mut by: BTreeMap<String, Vec<&Counted>> = BTreeMap::new();
    for c in counted {
        by.entry(c.job.collection.to_string()).or_default().push(c);
    }
    let mut out = BTreeMap::new();
    for (collection, cs) in by {
        let due = match cs.as_slice() {
            [one] => one.due,
            _ => {
                let jobs: Vec<&retention::Job> = cs.iter().map(|c| &c.job).collect();
                let Some(first) = jobs.first() else {
                    continue;
                };
                let (db, schema) = dbs.db(&first.collection.dataset)?;
                sweep::count_distinct(db, schema, &jobs).await?
            }
        };
        out.insert(collection, due);
    }
    Ok(out)
}

/// Plans the sweep, leaving out the rows of people who restricted processing (Art. 18: their
/// data must be kept, e.g. for a legal claim), and counts what each job would touch.
pub async fn counted_plan(
    ws: &Workspace,
    store: &Store,
    today: Date,
) -> Result<(RetentionPlan, Vec<Counted>), AppError> {
    let dbs = ws.databases()?;
    let world = ws.world()?;
    let mut plan = retention::plan(&world, today);
    let mut exclude = Exclusions::new();
    for subject in exclusion::restricted_subjects(&store.all_active().await?) {
        let Some(id) = exclusion::subject_identity(&subject, today) else {
            continue;
        };
        let found = find(dbs, &Subject::of(vec![id]), today, None).await?;
        exclusion::add_found(&world, &found.found, &mut exclude);
    }
    exclusion::apply(&mut plan, &exclude);
    let mut counted = Vec::new();
    for job in &plan.jobs {
        let (db, schema) = dbs.db(&job.collection.dataset)?;
        let due = sweep::count(db, schema, job).await?;
        counted.push(Counted {
            job: job.clone(),
            due,
        });
    }
    Ok((plan, counted))
}

/// What a job does, in words.
pub fn action(a: &Action) -> String {
    match a {
        Action::Delete => "delete rows".into(),
        Action::Mask { set } => format!(
            "anonymise {}",
            set.iter()
                .map(|(f, _)| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// What one job did.
#[derive(Debug, Serialize)]
pub struct JobRun {
    /// `dataset.collection`.
    pub collection: String,
    /// What it does.
    pub action: String,
    /// Rows touched.
    pub rows: u64,
    /// Batches (transactions).
    pub batches: u64,
    /// Longest transaction, ms.
    pub max_tx_ms: f64,
    /// Wall time, s.
    pub seconds: f64,
}

/// What a sweep did.
#[derive(Debug, Serialize)]
pub struct RunReport {
    /// The run's id in skydd's state.
    pub run: i64,
    /// Earlier runs found interrupted (this one continued their work).
    pub resumed_after_interrupted: u64,
    /// Per job.
    pub jobs: Vec<JobRun>,
    /// Rows touched in all.
    pub rows: u64,
    /// Rows per second over the whole run.
    pub rows_per_second: f64,
    /// Holds whose time ran out, released.
    pub holds_released: u64,
    /// Jobs that failed (the others ran): (collection, what went wrong).
    pub failed: Vec<(String, String)>,
    /// The run this one took over: its process died, and its lease ran out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_over: Option<TookOver>,
}

/// A run that died, taken over.
#[derive(Debug, Clone, Serialize)]
pub struct TookOver {
    /// Who ran it.
    pub holder: String,
    /// Since when (UTC).
    pub since: String,
    /// When its lease ran out, unrenewed (UTC).
    pub lease_ended: String,
}

/// The lease a retention run holds (the store's name for it).
const RUN: &str = "retention";

/// How a sweep is getting on, for a progress bar.
#[derive(Debug, Clone)]
pub enum Progress {
    /// The sweep starts, with the rows due in all.
    Start {
        /// Rows due.
        total: u64,
    },
    /// A job starts.
    Job {
        /// `dataset.collection`.
        collection: String,
    },
    /// Rows done by a batch.
    Rows(u64),
    /// The sweep is over.
    Done,
}

/// A sweep.
pub struct RunRequest<'a> {
    /// The day it runs as of.
    pub today: Date,
    /// The first batch's size (later ones are sized to take about 300 ms).
    pub batch: usize,
    /// Told how the sweep is getting on.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

/// Runs the sweep under a lease of [`RUN_LEASE`] held by this process; see [`run_leased`].
pub async fn run(ws: &Workspace, req: RunRequest<'_>) -> Result<RunReport, AppError> {
    run_leased(ws, req, &Leasing::this_process(RUN_LEASE)).await
}

/// Runs the sweep, job after job, holding the `retention` lease for `leasing`'s holder; a
/// job that fails is reported and the others run. A live run elsewhere is
/// [`StoreError::Busy`] (in [`AppError::Busy`]), answered before anything is counted.
pub async fn run_leased(
    ws: &Workspace,
    req: RunRequest<'_>,
    leasing: &Leasing,
) -> Result<RunReport, AppError> {
    let (store, _) = ws.state(false).await?;
    let dbs = ws.databases()?;
    let start = store
        .start_run_leased(&leasing.holder, leasing.ttl)
        .await
        .map_err(AppError::from)?;
    let heartbeat = Heartbeat::start(store, vec![RUN.to_owned()], leasing);
    failpoint::hit("retention.after_start").await;
    let result = sweep(ws, store, dbs, &req, &start, &heartbeat).await;
    drop(heartbeat);
    match result {
        Ok(report) => {
            let status = if report.failed.is_empty() {
                "done"
            } else {
                "failed"
            };
            store
                .finish_run(
                    start.id,
                    status,
                    report.rows,
                    &serde_json::to_string(&report)?,
                )
                .await?;
            Ok(report)
        }
        Err(e) => {
            // The run ends failed and gives its lease back: the next run need not wait.
            let detail = serde_json::json!({ "error": e.to_string() }).to_string();
            if let Err(f) = store.finish_run(start.id, "failed", 0, &detail).await {
                tracing::warn!("cannot record retention run {} failed: {f}", start.id);
            }
            Err(e)
        }
    }
}

/// The sweep of a run started (`start`), its lease renewed by `heartbeat`.
async fn sweep(
    ws: &Workspace,
    store: &Store,
    dbs: &Databases,
    req: &RunRequest<'_>,
    start: &RunStart,
    heartbeat: &Heartbeat,
) -> Result<RunReport, AppError> {
    let run = start.id;
    let tell = |p: Progress| {
        if let Some(f) = req.progress {
            f(p);
        }
    };
    let (_, counted) = counted_plan(ws, store, req.today).await?;
    let started = Instant::now();
    let target = sweep::TARGET;
    let mut jobs = Vec::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut total = 0u64;
    tell(Progress::Start {
        total: counted.iter().map(|c| c.due).sum(),
    });
    for c in &counted {
        if c.due == 0 {
            continue;
        }
        let (db, schema) = dbs.db(&c.job.collection.dataset)?;
        tell(Progress::Job {
            collection: c.job.collection.to_string(),
        });
        let job_started = Instant::now();
        let (mut rows, mut batches, mut max_tx) = (0u64, 0u64, Duration::ZERO);
        let mut size = req.batch.max(1);
        let mut cursor = sweep::Cursor::default();
        // A failing job is reported and the sweep goes on: one table's problem must not
        // keep every other table's data past its time, nor hide what was already done.
        loop {
            if heartbeat.lost() {
                // This process stalled past its lease and another run took the sweep over.
                let other = store.lease(RUN).await?;
                return Err(AppError::Busy(StoreError::Busy {
                    what:
                        "the retention run (taken over from this one, which stalled past its lease)"
                            .into(),
                    holder: other
                        .as_ref()
                        .map_or_else(|| "another run".into(), |l| l.holder.clone()),
                    since: other.map_or_else(|| "just now".into(), |l| l.acquired_at),
                }));
            }
            match sweep::run_batch(db, schema, &c.job, size, &mut cursor).await {
                Ok(Some((n, took))) => {
                    rows += n;
                    batches += 1;
                    max_tx = max_tx.max(took);
                    size = sweep::next_batch(size, took, target);
                    tell(Progress::Rows(n));
                    if batches % 20 == 0 {
                        store.progress_run(run, total + rows, "{}").await?;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    failed.push((c.job.collection.to_string(), e.to_string()));
                    break;
                }
            }
        }
        total += rows;
        store.progress_run(run, total, "{}").await?;
        jobs.push(JobRun {
            collection: c.job.collection.to_string(),
            action: action(&c.job.action),
            rows,
            batches,
            max_tx_ms: max_tx.as_secs_f64() * 1000.0,
            seconds: job_started.elapsed().as_secs_f64(),
        });
    }
    tell(Progress::Done);
    let holds_released = store.release_holds(&req.today.to_string()).await?;
    let secs = started.elapsed().as_secs_f64();
    let report = RunReport {
        run,
        resumed_after_interrupted: start.interrupted,
        rows_per_second: if secs > 0.0 { total as f64 / secs } else { 0.0 },
        jobs,
        rows: total,
        holds_released,
        failed,
        took_over: start.took_over.as_ref().map(|l| TookOver {
            holder: l.holder.clone(),
            since: l.acquired_at.clone(),
            lease_ended: l.expires_at.clone(),
        }),
    };
    Ok(report)
}
