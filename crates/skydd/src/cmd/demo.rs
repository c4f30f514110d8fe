//! `skydd demo`: the whole story on an embedded database, in a temporary directory; and
//! `skydd demo --generate`: a benchmark database of N customers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use skydd_connect::Db;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::register::DbKind;
use skydd_core::{Severity, lint, rights};

use skydd_app::Subject;
use skydd_app::clock::today;
use skydd_app::erase::{self, EraseRequest};
use skydd_app::retention::{self, RunRequest};

use super::dsr::print_erasure;
use super::retention::{print_plan, print_run};
use crate::app::{self, fail, usage};
use crate::cli::DemoArgs;
use crate::fsio::Visibility;
use crate::report::{self, Style, paint};

fn heading(text: &str) {
    println!("\n{}", paint(text, Style::Accent, report::stdout_color()));
}

/// `skydd demo`.
pub async fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    if args.generate {
        return generate(args).await;
    }
    let temp;
    let dir: PathBuf = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d)
                .with_context(|| format!("cannot create `{}`", d.display()))?;
            if d.join("skydd.toml").exists() || d.join("webbplatsnu.sqlite").exists() {
                return Err(usage(format!(
                    "`{}` already holds a demo; give an empty directory",
                    d.display()
                )));
            }
            d.clone()
        }
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    story(&dir).await?;
    if args.keep.is_some() {
        println!(
            "\nThe demo's files are in {}. Try:\n  skydd -r {}/skydd.toml check\n  skydd -r {}/skydd.toml notice\n  skydd -r {}/skydd.toml map check\n  skydd -r {}/skydd.toml requests",
            dir.display(),
            dir.display(),
            dir.display(),
            dir.display(),
            dir.display()
        );
    } else {
        println!(
            "\n(Run `skydd demo --keep DIR` to keep the register, data map, database and reports.)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn story(dir: &Path) -> anyhow::Result<()> {
    let today = today();
    let register = dir.join("skydd.toml");
    std::fs::write(&register, skydd_demo::REGISTER)?;
    std::fs::write(dir.join("datamap.yml"), skydd_demo::DATAMAP)?;
    // A secret, so the owner's alone. 43 letters and digits carry 256 bits, and are more
    // than the 32 bytes `check_hmac_key` asks for.
    let key = skydd_app::request::random_string(43);
    crate::fsio::write_atomic(&dir.join("hmac.key"), key.as_bytes(), Visibility::Private)?;
    let db_path = dir.join("webbplatsnu.sqlite");
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &db_path.display().to_string(),
        None,
        true,
    )
    .await?;
    for s in skydd_demo::schema(DbKind::Sqlite) {
        db.execute(&s).await?;
    }
    let rows = skydd_demo::seed_story(&db, today).await?;
    db.close().await;
    let color = report::stdout_color();
    println!(
        "{}\nWebbplats Nu AB (seed 004) runs its customer database in SQLite: {rows} rows in 8 tables.\nRegister, data map and database: {}",
        paint(
            "skydd demo — a Swedish hosting company keeps the promises of its privacy policy",
            Style::Bold,
            color
        ),
        dir.display()
    );

    heading("1. The register is checked against the law");
    let (_, reg) = report::load_register(&register, false)?;
    let findings = lint::run_as_of(&reg, today);
    let (e, w) = report::counts(&findings);
    println!(
        "{} purposes, {} recipients: {} ({} rules).",
        reg.purposes.len(),
        reg.recipients.len(),
        report::summary(e, w),
        lint::RULES.len()
    );
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        println!("  error[{}]: {}", f.code, f.message);
    }

    let ws = app::open(&register, None).await?;
    let story = anna(&ws, &out_dir(dir), today).await.map_err(fail);
    ws.close().await;
    story
}

fn out_dir(dir: &Path) -> PathBuf {
    dir.join("registerutdrag")
}

/// Anna Andersson's requests, and the retention sweep.
async fn anna(
    ws: &skydd_app::Workspace,
    out: &Path,
    today: jiff::civil::Date,
) -> Result<(), skydd_app::AppError> {
    let anna = Subject::of(vec![(
        Identity::parse(IdentityKind::Email, "anna.andersson@example.se", today)
            .map_err(|e| skydd_app::AppError::Invalid(e.to_string()))?,
        "anna.andersson@example.se".to_owned(),
    )]);
    let (store, created) = ws.state(true).await?;
    app::notes(created.as_slice());

    heading("2. Anna Andersson asks for a register extract (GDPR art. 15)");
    let found = skydd_app::find::find(ws.databases()?, &anna, today, None).await?;
    let world = ws.world()?;
    let pkg =
        skydd_core::package::build(&world, &found.found, anna.keys(), today, Default::default());
    println!(
        "Found in {:.1} ms with {} statements:",
        found.millis, found.statements
    );
    for c in &pkg.data {
        println!("  {:<34} {} row(s)", c.collection, c.rows.len());
    }
    std::fs::create_dir_all(out)?;
    skydd_app::files::write_atomic(
        &out.join("access.json"),
        serde_json::to_string_pretty(&pkg)?.as_bytes(),
        Visibility::Private,
    )?;
    let renderer = ws.renderer()?;
    for lang in skydd_core::Lang::ALL {
        let html = renderer.access_report(&ws.register, &pkg, lang)?;
        skydd_app::files::write_atomic(
            &out.join(format!("registerutdrag.{}.html", lang.code())),
            html.as_bytes(),
            Visibility::Private,
        )?;
    }
    println!(
        "The package names {} purposes with their legal bases, recipients and retention; answer due {}.",
        pkg.purposes.len(),
        pkg.due.map_or("-".into(), |d| d.to_string())
    );
    println!(
        "Written: {}/access.json, registerutdrag.sv.html, registerutdrag.en.html",
        out.display()
    );

    let request = |dry_run| EraseRequest {
        subject: anna.clone(),
        today,
        received: today,
        dry_run,
    };
    heading("3. Anna asks to be erased (GDPR art. 17): the plan first");
    let plan = erase::erase(ws, request(true)).await?;
    print_erasure(&plan);

    heading("   … then the erasure, one transaction");
    let done = erase::erase(ws, request(false)).await?;
    for (d, s, r) in &done.executed {
        println!("Committed in `{d}`: {s} statements, {r} rows.");
    }
    let again = erase::erase(ws, request(true)).await?;
    println!(
        "Running the erasure again would take {} steps: it is idempotent.",
        again.plan.step_count()
    );
    let records = store.active(&anna.keys()[0]).await?;
    for purpose in ["newsletter", "bookkeeping"] {
        let d = rights::may(&records, purpose);
        println!(
            "  skydd may --purpose {purpose:<11} → {}",
            if d.allowed {
                "yes"
            } else {
                "no (restricted after erasure)"
            }
        );
    }

    heading("4. The retention sweep: what is due today");
    let plan = retention::plan(ws, today).await?;
    print_plan(&plan);
    heading("   … and the sweep itself");
    let report = retention::run(
        ws,
        RunRequest {
            today,
            batch: 1000,
            progress: None,
        },
    )
    .await?;
    print_run(&report);
    Ok(())
}

async fn generate(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let target = args.target.clone().unwrap_or_default();
    let kind = if target.starts_with("postgres") {
        DbKind::Postgres
    } else if target.starts_with("mysql") || target.starts_with("mariadb") {
        DbKind::Mysql
    } else {
        DbKind::Sqlite
    };
    let db = Db::connect("target", kind, &target, None, true).await?;
    let bar = indicatif::ProgressBar::new(args.customers);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} generating [{bar:30}] {pos}/{len} customers ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let g = skydd_demo::generate(&db, args.customers, today(), |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    db.close().await;
    println!(
        "Generated {} customers, {} rows in {:.1} s ({} database).",
        g.customers,
        g.rows,
        started.elapsed().as_secs_f64(),
        kind.key()
    );
    Ok(ExitCode::SUCCESS)
}
