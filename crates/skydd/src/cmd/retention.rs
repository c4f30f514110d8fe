//! `skydd retention plan` and `skydd retention run`: the register's retention rules carried
//! out on the company's databases.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::sweep;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::plan::retention::{self, Action, RetentionPlan};
use skydd_core::rights::Kind;
use skydd_core::value::Value;
use skydd_store::Store;

use super::dsr::{date_arg, find};
use crate::cli::{RetentionPlanArgs, RetentionRunArgs};
use crate::ctx::Ctx;
use crate::report::{self, Style, paint};

/// A planned job with how many rows it would touch.
#[derive(Debug, Serialize)]
pub struct Counted {
    /// The job.
    pub job: retention::Job,
    /// Rows due now.
    pub due: u64,
}

/// Distinct rows due per collection: jobs of one collection may mask different fields of
/// the same row, so their counts do not add up.
pub async fn distinct_due(ctx: &Ctx, counted: &[Counted]) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut by: BTreeMap<String, Vec<&Counted>> = BTreeMap::new();
    for c in counted {
        by.entry(c.job.collection.to_string()).or_default().push(c);
    }
    let mut out = BTreeMap::new();
    for (collection, cs) in by {
        let due = if cs.len() == 1 {
            cs[0].due
        } else {
            let d = &cs[0].job.collection.dataset;
            let jobs: Vec<&retention::Job> = cs.iter().map(|c| &c.job).collect();
            sweep::count_distinct(&ctx.dbs[d], &ctx.schemas[d], &jobs).await?
        };
        out.insert(collection, due);
    }
    Ok(out)
}

/// Plans the sweep, leaving out the rows of people who restricted processing (Art. 18: their
/// data must be kept, e.g. for a legal claim), and counts what each job would touch.
pub async fn plan_with(
    ctx: &Ctx,
    store: &Store,
    today: Date,
) -> anyhow::Result<(RetentionPlan, Vec<Counted>)> {
    let world = ctx.world();
    let mut plan = retention::plan(&world, today);
    let restricted: Vec<String> = store
        .all_active()
        .await?
        .into_iter()
        .filter(|(_, rs)| rs.iter().any(|r| r.kind == Kind::Restriction))
        .map(|(s, _)| s)
        .collect();
    let mut exclude: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    for subject in &restricted {
        let Some((kind, value)) = subject.split_once(':') else {
            continue;
        };
        let Ok(id) = Identity::parse(IdentityKind::from_fides(kind), value, today) else {
            continue;
        };
        let found = find(ctx, &[(id, value.to_owned())], today).await?;
        for f in &found.found {
            let key = world.row_key(&f.collection);
            for row in &f.rows {
                let k: Option<Vec<Value>> = key.iter().map(|c| f.get(row, c).cloned()).collect();
                if let Some(k) = k {
                    exclude.entry(f.collection.to_string()).or_default().push(k);
                }
            }
        }
    }
    for job in &mut plan.jobs {
        if let Some(keys) = exclude.get(&job.collection.to_string()) {
            job.exclude.clone_from(keys);
        }
    }
    let mut counted = Vec::new();
    for job in &plan.jobs {
        let db = &ctx.dbs[&job.collection.dataset];
        let due = sweep::count(db, &ctx.schemas[&job.collection.dataset], job).await?;
        counted.push(Counted {
            job: job.clone(),
            due,
        });
    }
    Ok((plan, counted))
}

fn action(a: &Action) -> String {
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

/// `skydd retention plan`.
pub async fn plan(path: &Path, args: &RetentionPlanArgs) -> anyhow::Result<ExitCode> {
    let today = date_arg(args.today.as_deref(), "--today")?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store(false).await?;
    let (plan, counted) = plan_with(&ctx, &store, today).await?;
    let distinct = distinct_due(&ctx, &counted).await?;
    if args.json {
        report::print_json(&serde_json::json!({
            "today": today,
            "jobs": counted,
            "rows_due": distinct,
            "rows_due_in_all": distinct.values().sum::<u64>(),
            "unenforced": plan.unenforced,
        }));
    } else {
        print_plan(&plan, &counted, &distinct);
    }
    ctx.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Prints a counted plan.
pub fn print_plan(plan: &RetentionPlan, counted: &[Counted], distinct: &BTreeMap<String, u64>) {
    let color = report::stdout_color();
    println!(
        "{}",
        paint(
            &format!("Retention plan for {}:", plan.today),
            Style::Bold,
            color
        )
    );
    for c in counted {
        let rules = c
            .job
            .rules
            .iter()
            .map(|(p, r)| format!("{p}: {r}"))
            .collect::<Vec<_>>()
            .join("; ");
        let held = if c.job.exclude.is_empty() {
            String::new()
        } else {
            format!(
                ", {} row(s) of restricted people left alone",
                c.job.exclude.len()
            )
        };
        println!(
            "  {:<34} {:<30} {:>8} due  ({rules}{held})",
            c.job.collection.to_string(),
            action(&c.job.action),
            c.due
        );
    }
    for u in &plan.unenforced {
        println!(
            "  {} {}.{}: {}",
            paint("not enforced:", Style::Warning, color),
            u.collection,
            u.fields.join(","),
            u.why
        );
    }
    let total: u64 = distinct.values().sum();
    println!("{total} row(s) due in all (each row counted once, however many jobs touch it).");
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
}

/// Runs the sweep.
pub async fn run_with(
    ctx: &Ctx,
    store: &Store,
    today: Date,
    batch: usize,
    progress: bool,
) -> anyhow::Result<RunReport> {
    let (_, counted) = plan_with(ctx, store, today).await?;
    let (run, interrupted) = store.start_run().await?;
    let started = Instant::now();
    let target = sweep::TARGET;
    let mut jobs = Vec::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut total = 0u64;
    let total_due: u64 = counted.iter().map(|c| c.due).sum();
    let bar = if progress && total_due > 0 {
        let b = indicatif::ProgressBar::new(total_due);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg:<28} [{bar:30}] {pos}/{len} rows ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Some(b)
    } else {
        None
    };
    for c in &counted {
        if c.due == 0 {
            continue;
        }
        let db = &ctx.dbs[&c.job.collection.dataset];
        let schema = &ctx.schemas[&c.job.collection.dataset];
        if let Some(b) = &bar {
            b.set_message(c.job.collection.to_string());
        }
        let job_started = Instant::now();
        let (mut rows, mut batches, mut max_tx) = (0u64, 0u64, Duration::ZERO);
        let mut size = batch.max(1);
        let mut cursor = sweep::Cursor::default();
        // A failing job is reported and the sweep goes on: one table's problem must not
        // keep every other table's data past its time, nor hide what was already done.
        loop {
            match sweep::run_batch(db, schema, &c.job, size, &mut cursor).await {
                Ok(Some((n, took))) => {
                    rows += n;
                    batches += 1;
                    max_tx = max_tx.max(took);
                    size = sweep::next_batch(size, took, target);
                    if let Some(b) = &bar {
                        b.inc(n);
                    }
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
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let holds_released = store.release_holds(&today.to_string()).await?;
    let secs = started.elapsed().as_secs_f64();
    let report = RunReport {
        run,
        resumed_after_interrupted: interrupted,
        rows_per_second: if secs > 0.0 { total as f64 / secs } else { 0.0 },
        jobs,
        rows: total,
        holds_released,
        failed,
    };
    let status = if report.failed.is_empty() {
        "done"
    } else {
        "failed"
    };
    store
        .finish_run(run, status, total, &serde_json::to_string(&report)?)
        .await?;
    Ok(report)
}

/// Prints a sweep's report.
pub fn print_run(r: &RunReport) {
    if r.resumed_after_interrupted > 0 {
        println!(
            "Continued the work of {} interrupted run(s).",
            r.resumed_after_interrupted
        );
    }
    for j in &r.jobs {
        println!(
            "  {:<34} {:<30} {:>8} rows in {} transaction(s), longest {:.0} ms",
            j.collection, j.action, j.rows, j.batches, j.max_tx_ms
        );
    }
    println!(
        "Retention run {}: {} row(s) erased ({:.0} rows/s).",
        r.run, r.rows, r.rows_per_second
    );
    if r.holds_released > 0 {
        println!(
            "{} legal hold(s) ran out and were released.",
            r.holds_released
        );
    }
    for (collection, why) in &r.failed {
        eprintln!(
            "{}: the job on {collection} failed; the other jobs ran: {why}",
            paint("error", Style::Error, report::stderr_color())
        );
    }
}

/// `skydd retention run`.
pub async fn run(path: &Path, args: &RetentionRunArgs) -> anyhow::Result<ExitCode> {
    let today = date_arg(args.today.as_deref(), "--today")?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store(false).await?;
    let report = run_with(&ctx, &store, today, args.batch, !args.json).await?;
    if args.json {
        report::print_json(&report);
    } else {
        print_run(&report);
    }
    ctx.close().await;
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
