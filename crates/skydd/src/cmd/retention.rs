//! `skydd retention plan` and `skydd retention run`: the register's retention rules carried
//! out on the company's databases, by the use cases of `skydd-app`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use skydd_app::lease::Leasing;
use skydd_app::retention::{self, PlanOutcome, Progress, RunReport, RunRequest};
use skydd_app::{AppError, clock};
use skydd_store::StoreError;

use crate::Reported;
use crate::app;
use crate::report::{self, Style, paint};

/// This process as the holder of a lease of `default` length, or of `SKYDD_LEASE_MS`
/// milliseconds when set: a hook for crash tests, which kill a process and must not wait a
/// whole lease for its successor to take over.
pub fn leasing(default: Duration) -> anyhow::Result<Leasing> {
    let ttl = match std::env::var("SKYDD_LEASE_MS") {
        Err(_) => default,
        Ok(ms) => match ms.trim().parse::<u64>() {
            Ok(ms) if ms >= 100 => Duration::from_millis(ms),
            _ => {
                return Err(app::usage(format_args!(
                    "SKYDD_LEASE_MS `{ms}`: write a lease's length in milliseconds, at least 100"
                )));
            }
        },
    };
    Ok(Leasing::this_process(ttl))
}

/// Work another live process holds (a retention run, the same person's erasure): says who
/// and since when, and stops with exit status 1 at once, waiting on nothing. Any other
/// error goes on as it was.
pub fn busy(e: AppError, lease: Duration) -> anyhow::Error {
    match e {
        AppError::Store(StoreError::Busy {
            what,
            holder,
            since,
        })
        | AppError::Busy(StoreError::Busy {
            what,
            holder,
            since,
        }) => {
            eprintln!(
                "{}: {what} is in progress since {since}, by {holder}. Nothing was done. If that process no longer runs, its lease runs out within {} s of its last renewal; then run this again, and it takes the work over.",
                paint("error", Style::Error, report::stderr_color()),
                lease.as_secs_f64().ceil()
            );
            Reported(1).into()
        }
        e => app::fail(e),
    }
}

/// `skydd retention plan`.
pub async fn plan(path: &Path, args: &crate::cli::RetentionPlanArgs) -> anyhow::Result<ExitCode> {
    let today = clock::day(args.today.as_deref(), "--today")?;
    let ws = app::open(path, None).await?;
    let p = app::closing(&ws, retention::plan(&ws, today).await).await?;
    if args.json {
        report::print_json(&p);
    } else {
        print_plan(&p);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a counted plan.
pub fn print_plan(p: &PlanOutcome) {
    let color = report::stdout_color();
    println!(
        "{}",
        paint(
            &format!("Retention plan for {}:", p.today),
            Style::Bold,
            color
        )
    );
    for c in &p.jobs {
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
            retention::action(&c.job.action),
            c.due
        );
    }
    for u in &p.unenforced {
        println!(
            "  {} {}.{}: {}",
            paint("not enforced:", Style::Warning, color),
            u.collection,
            u.fields.join(","),
            u.why
        );
    }
    let total = p.rows_due_in_all;
    println!("{total} row(s) due in all (each row counted once, however many jobs touch it).");
}

/// A progress bar on standard error, drawn from a sweep's progress.
pub struct Bar(std::sync::Mutex<Option<indicatif::ProgressBar>>);

impl Bar {
    /// No bar yet; one appears when a sweep with rows due starts.
    pub fn new() -> Bar {
        Bar(std::sync::Mutex::new(None))
    }

    /// Follows the sweep.
    pub fn tell(&self, p: Progress) {
        let Ok(mut bar) = self.0.lock() else {
            return;
        };
        match p {
            Progress::Start { total } if total > 0 => {
                let b = indicatif::ProgressBar::new(total);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {msg:<28} [{bar:30}] {pos}/{len} rows ({per_sec}, {eta} left)",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                *bar = Some(b);
            }
            Progress::Start { .. } => {}
            Progress::Job { collection } => {
                if let Some(b) = bar.as_ref() {
                    b.set_message(collection);
                }
            }
            Progress::Rows(n) => {
                if let Some(b) = bar.as_ref() {
                    b.inc(n);
                }
            }
            Progress::Done => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
        }
    }
}

/// Prints a sweep's report.
pub fn print_run(r: &RunReport) {
    if let Some(t) = &r.took_over {
        println!(
            "Took over the retention run of {} (running since {}): it stopped renewing its lease, which ran out at {}, so it died; this run redoes what it left.",
            t.holder, t.since, t.lease_ended
        );
    } else if r.resumed_after_interrupted > 0 {
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
pub async fn run(path: &Path, args: &crate::cli::RetentionRunArgs) -> anyhow::Result<ExitCode> {
    let today = clock::day(args.today.as_deref(), "--today")?;
    let leasing = leasing(skydd_store::RUN_LEASE)?;
    let ws = app::open(path, None).await?;
    let bar = Bar::new();
    let tell = |p: Progress| bar.tell(p);
    let result = retention::run_leased(
        &ws,
        RunRequest {
            today,
            batch: args.batch,
            progress: if args.json { None } else { Some(&tell) },
        },
        &leasing,
    )
    .await;
    ws.close().await;
    let report = result.map_err(|e| busy(e, leasing.ttl))?;
    if args.json {
        report::print_json(&report);
    } else {
        print_run(&report);
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
