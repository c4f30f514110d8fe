//! `skydd-bench`: measures skydd against baselines run in the same process, on the same
//! database, in the same run.
//!
//! 1. Access: p50/p99 latency of a full access traversal for random customers, against the
//!    same lookups written by hand and issued directly with the native PostgreSQL driver,
//!    one after another (as hand-written code does) and wave by wave in parallel.
//! 2. Erasure: time and statements for one person, planned and committed.
//! 3. Retention: rows per second of the batched sweep against one plain `DELETE … WHERE`
//!    of the same rows (on two identical copies of the access log), and the longest
//!    transaction of each.
//! 4. The Fides sample: access latency for customer-1@example.com (Fides: ~1.2 s).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use skydd_connect::{Db, read, sweep, write};
use skydd_core::datamap::{self, CollectionRef, graph};
use skydd_core::identity::IdentityKind;
use skydd_core::plan::retention::{Action, ColumnPath, Cond, Job};
use skydd_core::plan::{World, erasure, sharing};
use skydd_core::register::DbKind;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Executor, Row};

#[derive(Parser)]
struct Args {
    /// A PostgreSQL URL of a database skydd-bench may fill and change.
    #[arg(long)]
    target: String,
    /// Customers to generate (with --generate) or expected.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// (Re)generate the data first.
    #[arg(long)]
    generate: bool,
    /// Access requests to time.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Erasures to time.
    #[arg(long, default_value_t = 50)]
    erasures: usize,
    /// Where to load Fides' sample (a database that is created and dropped).
    #[arg(long)]
    fides_sql: Option<String>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let today = jiff::Zoned::now().date();
    let db = Db::connect("bench", DbKind::Postgres, &args.target, None, false).await?;
    if args.generate {
        let started = Instant::now();
        let g = skydd_demo::generate(&db, args.customers, today, |n| {
            if n % 100_000 == 0 {
                eprintln!("  generated {n} customers");
            }
        })
        .await?;
        println!(
            "Generated {} customers ({} rows) in {:.0} s.",
            g.customers,
            g.rows,
            started.elapsed().as_secs_f64()
        );
    }
    let native = PgPoolOptions::new()
        .max_connections(8)
        .connect(&args.target)
        .await?;
    let customers: i64 = sqlx::query("SELECT COUNT(*) FROM customer")
        .fetch_one(&native)
        .await?
        .try_get(0)?;
    let rows: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM customer) + (SELECT COUNT(*) FROM contact) + (SELECT COUNT(*) FROM invoice) + (SELECT COUNT(*) FROM domain) + (SELECT COUNT(*) FROM support_ticket) + (SELECT COUNT(*) FROM access_log) + (SELECT COUNT(*) FROM newsletter_subscriber) + (SELECT COUNT(*) FROM job_application)",
    )
    .fetch_one(&native)
    .await?
    .try_get(0)?;
    println!(
        "# skydd benchmarks\n\nPostgreSQL, {customers} customers, {rows} rows in 8 tables; {} ({}).\n",
        today,
        std::env::consts::ARCH
    );

    let register = skydd_core::load(skydd_demo::REGISTER).map_err(|e| anyhow::anyhow!("{e}"))?;
    let map = datamap::resolve(
        datamap::parse(skydd_demo::DATAMAP, "datamap.yml").map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let schema = db.introspect().await?;
    let dbs = BTreeMap::from([("webbplatsnu".to_owned(), db.clone())]);
    let schemas = BTreeMap::from([("webbplatsnu".to_owned(), schema.clone())]);
    let traversal = graph::traversal(&map, &[IdentityKind::Email])?;
    let n = u64::try_from(customers)?;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);

    // 1. Access.
    let picks: Vec<u64> = (0..args.requests).map(|_| rng.below(n)).collect();
    for i in picks.iter().take(50) {
        // Warm both paths (prepared statements, caches).
        let ids = BTreeMap::from([(IdentityKind::Email, vec![skydd_demo::generated_email(*i)])]);
        read::access(&map, &traversal, &ids, &dbs, &schemas).await?;
        hand_written(&native, &skydd_demo::generated_email(*i), false).await?;
    }
    let mut ours = Vec::new();
    let mut statements = 0;
    let mut found_rows = 0;
    for i in &picks {
        let ids = BTreeMap::from([(IdentityKind::Email, vec![skydd_demo::generated_email(*i)])]);
        let t = Instant::now();
        let a = read::access(&map, &traversal, &ids, &dbs, &schemas).await?;
        ours.push(ms(t.elapsed()));
        statements = a.statements;
        found_rows += a.found.iter().map(|f| f.rows.len()).sum::<usize>();
    }
    let mut seq = Vec::new();
    let mut par = Vec::new();
    let mut base_rows = 0;
    for i in &picks {
        let email = skydd_demo::generated_email(*i);
        let t = Instant::now();
        base_rows += hand_written(&native, &email, false).await?;
        seq.push(ms(t.elapsed()));
        let t = Instant::now();
        hand_written(&native, &email, true).await?;
        par.push(ms(t.elapsed()));
    }
    for v in [&mut ours, &mut seq, &mut par] {
        v.sort_by(f64::total_cmp);
    }
    anyhow::ensure!(
        found_rows == base_rows,
        "skydd found {found_rows} rows, the hand-written SQL {base_rows}"
    );
    println!(
        "## Access request (registerutdrag), {} random customers\n",
        picks.len()
    );
    println!("| | p50 ms | p99 ms | statements |\n|---|---:|---:|---:|");
    println!(
        "| skydd (traversal, waves in parallel) | {:.2} | {:.2} | {statements} |",
        percentile(&ours, 0.5),
        percentile(&ours, 0.99)
    );
    println!(
        "| hand-written SQL, native driver, one after another | {:.2} | {:.2} | 8 |",
        percentile(&seq, 0.5),
        percentile(&seq, 0.99)
    );
    println!(
        "| hand-written SQL, native driver, waves in parallel | {:.2} | {:.2} | 8 |",
        percentile(&par, 0.5),
        percentile(&par, 0.99)
    );
    println!(
        "\nRatio skydd / hand-written (sequential): p50 {:.2}×, p99 {:.2}×. Against the parallel hand-written waves: p50 {:.2}×, p99 {:.2}×. Both found the same {found_rows} rows.\n",
        percentile(&ours, 0.5) / percentile(&seq, 0.5),
        percentile(&ours, 0.99) / percentile(&seq, 0.99),
        percentile(&ours, 0.5) / percentile(&par, 0.5),
        percentile(&ours, 0.99) / percentile(&par, 0.99)
    );

    // 2. Erasure of one subject.
    let dataset_of = BTreeMap::from([("main".to_owned(), "webbplatsnu".to_owned())]);
    let world = World::new(&register, &map, schemas.clone(), &dataset_of);
    let mut times = Vec::new();
    let mut stmts = Vec::new();
    let mut held = 0;
    let none = BTreeSet::new();
    let hmac = |s: &str| format!("{:x}", s.len());
    // People who still have their data (earlier runs erased others).
    let people: Vec<String> = sqlx::query(
        "SELECT email FROM customer WHERE email LIKE '%@example.se' ORDER BY md5(email) LIMIT $1",
    )
    .bind(i64::try_from(args.erasures)?)
    .fetch_all(&native)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect::<Result<_, _>>()?;
    for email in people {
        let ids = BTreeMap::from([(IdentityKind::Email, vec![email])]);
        let t = Instant::now();
        let a = read::access(&map, &traversal, &ids, &dbs, &schemas).await?;
        let mut random = |k: usize| "x".repeat(k);
        let mut maskers = erasure::Maskers {
            hmac: Some(&hmac),
            random: &mut random,
        };
        // Whose rows are shared is part of every erasure's cost.
        let probes = sharing::probes(&world, &a.found);
        let counts = read::count_references(&probes, &dbs, &schemas).await?;
        let shared = sharing::assess(&world, &a.found, &probes, &counts);
        let plan = erasure::plan(
            &world,
            &erasure::Request {
                found: &a.found,
                today,
                already_erased: &none,
                sharing: &shared,
            },
            &mut maskers,
        );
        held += plan.holds().count();
        let mut s = a.statements + probes.len();
        for (dataset, steps) in write::by_dataset(&plan.steps) {
            s += write::apply(&dbs[dataset], &schemas[dataset], steps)
                .await?
                .statements;
        }
        times.push(ms(t.elapsed()));
        stmts.push(s);
    }
    times.sort_by(f64::total_cmp);
    stmts.sort_unstable();
    println!("## Erasure of one person ({} people)\n", args.erasures);
    println!(
        "Find, plan and commit in one transaction: p50 {:.1} ms, p99 {:.1} ms; {} statements (median: {} reads, the rest writes); {} fields kept under Bokföringslagen in all.\n",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        stmts[stmts.len() / 2],
        statements,
        held
    );

    // 3. Retention: the same rows in two copies; autovacuum off on both and a checkpoint
    // before each timed phase, so neither pays for the other's dead rows; two rounds, the
    // order swapped, and the best of each kept.
    let cutoff = today.checked_sub(jiff::Span::new().days(45))?;
    let mut plain_best: Option<(f64, u64)> = None;
    let mut ours_best: Option<(f64, u64, u64, Duration)> = None;
    let mut due = 0;
    for round in 0..2 {
        for t in ["bench_log_plain", "bench_log_skydd"] {
            native
                .execute(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {t}")))
                .await?;
            native.execute(sqlx::AssertSqlSafe(format!("CREATE TABLE {t} (LIKE access_log INCLUDING DEFAULTS) WITH (autovacuum_enabled = false)"))).await?;
            native
                .execute(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {t} SELECT * FROM access_log"
                )))
                .await?;
            native
                .execute(sqlx::AssertSqlSafe(format!(
                    "ALTER TABLE {t} ADD PRIMARY KEY (id)"
                )))
                .await?;
            native
                .execute(sqlx::AssertSqlSafe(format!(
                    "CREATE INDEX {t}_logged ON {t} (logged_at)"
                )))
                .await?;
            native
                .execute(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {t}")))
                .await?;
        }
        due = sqlx::query("SELECT COUNT(*) FROM bench_log_plain WHERE logged_at < $1::date")
            .bind(cutoff.to_string())
            .fetch_one(&native)
            .await?
            .try_get::<i64, _>(0)?;
        let schema = db.introspect().await?;
        for phase in 0..2 {
            native.execute("CHECKPOINT").await?;
            if (phase + round) % 2 == 0 {
                let t = Instant::now();
                let plain = sqlx::query("DELETE FROM bench_log_plain WHERE logged_at < $1::date")
                    .bind(cutoff.to_string())
                    .execute(&native)
                    .await?;
                let s = t.elapsed().as_secs_f64();
                if plain_best.is_none_or(|(b, _)| s < b) {
                    plain_best = Some((s, plain.rows_affected()));
                }
            } else {
                let job = Job {
                    collection: CollectionRef {
                        dataset: "webbplatsnu".into(),
                        collection: "bench_log_skydd".into(),
                    },
                    key: vec!["id".into()],
                    action: Action::Delete,
                    when: vec![Cond {
                        path: ColumnPath::Own {
                            column: "logged_at".into(),
                        },
                        before: cutoff,
                    }],
                    rules: vec![],
                    guards: vec![],
                    referenced_by: vec![],
                    pending: vec![],
                    exclude: vec![],
                };
                let t = Instant::now();
                let (mut deleted, mut batches, mut max_tx) = (0u64, 0u64, Duration::ZERO);
                let mut size = sweep::FIRST_BATCH;
                let mut cursor = sweep::Cursor::default();
                while let Some((k, took)) =
                    sweep::run_batch(&db, &schema, &job, size, &mut cursor).await?
                {
                    deleted += k;
                    batches += 1;
                    max_tx = max_tx.max(took);
                    size = sweep::next_batch(size, took, sweep::TARGET);
                }
                let s = t.elapsed().as_secs_f64();
                if ours_best.is_none_or(|(b, ..)| s < b) {
                    ours_best = Some((s, deleted, batches, max_tx));
                }
            }
        }
    }
    let (plain_s, plain_rows) = plain_best.context("no plain run")?;
    let (ours_s, deleted, batches, max_tx) = ours_best.context("no sweep run")?;
    anyhow::ensure!(
        deleted == plain_rows,
        "the sweep deleted {deleted} rows, the plain DELETE {plain_rows}"
    );
    println!(
        "## Retention sweep: access-log lines older than 45 days ({due} rows of {})\n",
        rows_of(&native, "access_log").await?
    );
    println!(
        "Best of two rounds each, order alternated, autovacuum off, checkpoint before each.\n"
    );
    println!("| | rows/s | longest transaction |\n|---|---:|---:|");
    println!(
        "| plain `DELETE … WHERE logged_at < cutoff` | {:.0} | {:.0} ms (one) |",
        plain_rows as f64 / plain_s,
        plain_s * 1000.0
    );
    println!(
        "| skydd, bounded batches | {:.0} | {:.0} ms ({batches} transactions) |",
        deleted as f64 / ours_s,
        ms(max_tx)
    );
    println!(
        "\nRatio skydd / plain DELETE: {:.2}× the rate.\n",
        (deleted as f64 / ours_s) / (plain_rows as f64 / plain_s)
    );
    for t in ["bench_log_plain", "bench_log_skydd"] {
        native
            .execute(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {t}")))
            .await?;
    }

    // 4. The Fides sample.
    if let Some(sql) = &args.fides_sql {
        fides(&args.target, sql).await.context("the Fides sample")?;
    }
    Ok(())
}

async fn rows_of(pool: &sqlx::PgPool, t: &str) -> anyhow::Result<i64> {
    Ok(
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
            .fetch_one(pool)
            .await?
            .try_get(0)?,
    )
}

/// The lookups a developer would write for this schema, by hand: the person's rows by
/// e-mail (ignoring case, as a correct answer must, through the same `lower(email)`
/// indexes), then everything hanging off their customer id. Returns the rows found.
async fn hand_written(pool: &sqlx::PgPool, email: &str, parallel: bool) -> anyhow::Result<usize> {
    let by_email = [
        "SELECT * FROM customer WHERE lower(email) = lower($1)",
        "SELECT * FROM contact WHERE lower(email) = lower($1)",
        "SELECT * FROM newsletter_subscriber WHERE lower(email) = lower($1)",
        "SELECT * FROM job_application WHERE lower(email) = lower($1)",
    ];
    let mut total = 0;
    let mut ids: Vec<i64> = Vec::new();
    let first: Vec<Vec<sqlx::postgres::PgRow>> = if parallel {
        let futs = by_email
            .iter()
            .map(|q| sqlx::query(*q).bind(email).fetch_all(pool));
        futures_join(futs).await?
    } else {
        let mut v = Vec::new();
        for q in by_email {
            v.push(sqlx::query(q).bind(email).fetch_all(pool).await?);
        }
        v
    };
    for (i, rows) in first.iter().enumerate() {
        total += rows.len();
        for r in rows {
            touch(r);
            if i == 0 {
                ids.push(r.try_get("id")?);
            } else if i == 1 {
                ids.push(r.try_get("customer_id")?);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(total);
    }
    let by_customer = [
        "SELECT * FROM contact WHERE customer_id = ANY($1)",
        "SELECT * FROM invoice WHERE customer_id = ANY($1)",
        "SELECT * FROM domain WHERE customer_id = ANY($1)",
        "SELECT * FROM support_ticket WHERE customer_id = ANY($1)",
        "SELECT * FROM access_log WHERE customer_id = ANY($1)",
    ];
    let second: Vec<Vec<sqlx::postgres::PgRow>> = if parallel {
        futures_join(
            by_customer
                .iter()
                .map(|q| sqlx::query(*q).bind(&ids).fetch_all(pool)),
        )
        .await?
    } else {
        let mut v = Vec::new();
        for q in by_customer {
            v.push(sqlx::query(q).bind(&ids).fetch_all(pool).await?);
        }
        v
    };
    // A contact found both by e-mail and by customer id counts once, as in the traversal.
    let mut contact_ids: BTreeSet<i64> = first[1]
        .iter()
        .filter_map(|r| r.try_get::<i64, _>("id").ok())
        .collect();
    for (i, rows) in second.iter().enumerate() {
        for r in rows {
            touch(r);
            if i == 0 {
                if contact_ids.insert(r.try_get("id")?) {
                    total += 1;
                }
            } else {
                total += 1;
            }
        }
    }
    Ok(total)
}

/// Reads every column's raw value, as a caller would.
fn touch(r: &sqlx::postgres::PgRow) {
    for i in 0..r.len() {
        let _ = r.try_get_raw(i);
    }
}

async fn futures_join<F, T>(futs: impl Iterator<Item = F>) -> anyhow::Result<Vec<T>>
where
    F: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    let handles: Vec<_> = futs.collect();
    let mut out = Vec::with_capacity(handles.len());
    let results = join_all(handles).await;
    for r in results {
        out.push(r?);
    }
    Ok(out)
}

/// Polls futures concurrently (a minimal join_all, to avoid a dependency for one call).
async fn join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    use std::pin::Pin;
    use std::task::{Context, Poll};
    let mut futs: Vec<Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        let mut pending = false;
        for (i, f) in futs.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => out[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(out.iter_mut().filter_map(Option::take).collect())
        }
    })
    .await
}

async fn fides(admin_url: &str, sql_path: &str) -> anyhow::Result<()> {
    let sql = std::fs::read_to_string(sql_path)?;
    let dataset = std::fs::read_to_string(
        std::path::Path::new(sql_path).with_file_name("postgres_example_test_dataset.yml"),
    )?;
    let admin = Db::connect("admin", DbKind::Postgres, admin_url, None, false).await?;
    admin
        .execute("DROP DATABASE IF EXISTS skydd_bench_fides WITH (FORCE)")
        .await?;
    admin.execute("CREATE DATABASE skydd_bench_fides").await?;
    let url = format!(
        "{}/skydd_bench_fides",
        admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b)
    );
    let db = Db::connect("fides", DbKind::Postgres, &url, None, false).await?;
    db.execute(&sql).await?;
    let map =
        datamap::resolve(datamap::parse(&dataset, "fides").map_err(|e| anyhow::anyhow!("{e:?}"))?)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let schemas = BTreeMap::from([(
        "postgres_example_test_dataset".to_owned(),
        db.introspect().await?,
    )]);
    let dbs = BTreeMap::from([("postgres_example_test_dataset".to_owned(), db.clone())]);
    let traversal = graph::traversal(&map, &[IdentityKind::Email])?;
    let ids = BTreeMap::from([(
        IdentityKind::Email,
        vec!["customer-1@example.com".to_owned()],
    )]);
    let mut times = Vec::new();
    let mut statements = 0;
    for i in 0..520 {
        let t = Instant::now();
        let a = read::access(&map, &traversal, &ids, &dbs, &schemas).await?;
        if i >= 20 {
            times.push(ms(t.elapsed()));
        }
        statements = a.statements;
    }
    times.sort_by(f64::total_cmp);
    // A cold request: fresh connections, schema read, traversal planned.
    let t = Instant::now();
    let cold = Db::connect("fides", DbKind::Postgres, &url, None, false).await?;
    let cold_schemas = BTreeMap::from([(
        "postgres_example_test_dataset".to_owned(),
        cold.introspect().await?,
    )]);
    let cold_dbs = BTreeMap::from([("postgres_example_test_dataset".to_owned(), cold.clone())]);
    let tr = graph::traversal(&map, &[IdentityKind::Email])?;
    read::access(&map, &tr, &ids, &cold_dbs, &cold_schemas).await?;
    let cold_ms = ms(t.elapsed());
    cold.close().await;
    db.close().await;
    admin
        .execute("DROP DATABASE IF EXISTS skydd_bench_fides WITH (FORCE)")
        .await?;
    println!(
        "## Fides' sample project, customer-1@example.com (Fides 2.78.2: ~1,200 ms, 132 statements, 11 connections)\n"
    );
    println!(
        "skydd: p50 {:.2} ms, p99 {:.2} ms warm; {cold_ms:.1} ms cold (new pool, schema read, plan); {statements} statements. Ratio to Fides' 1,200 ms: {:.0}× faster warm, {:.0}× cold.\n",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        1200.0 / percentile(&times, 0.5),
        1200.0 / cold_ms
    );
    Ok(())
}
