//! Data-subject requests: access (Art. 15), portability (Art. 20), erasure (Art. 17) and
//! rectification (Art. 16).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::civil::Date;
use skydd_connect::read::{self, Access};
use skydd_connect::write;
use skydd_core::datamap::graph;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::package;
use skydd_core::plan::erasure::{self, ErasurePlan, KeepReason, Maskers, Step};
use skydd_core::rights;
use skydd_core::value::Value;
use skydd_store::{Hold, RequestRecord, Store};

use crate::cli::{AccessArgs, EraseArgs, ExportArgs, IdentityArgs, RectifyArgs};
use crate::ctx::{Ctx, usage};
use crate::report::{self, Style, paint};
use crate::{Reported, fsio};

/// Today, in Sweden's calendar.
pub fn today() -> Date {
    jiff::Zoned::now()
        .with_time_zone(
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .date()
}

/// The first day a date argument may name.
const FIRST_DAY: Date = Date::constant(1970, 1, 1);
/// The last day a date argument may name. Later (or earlier) days are typing mistakes, and
/// some databases cannot store them.
const LAST_DAY: Date = Date::constant(2199, 12, 31);

/// A date argument (`YYYY-MM-DD` only, from 1970-01-01 through 2199-12-31), or today.
pub fn date_arg(arg: Option<&str>, what: &str) -> anyhow::Result<Date> {
    let Some(s) = arg else {
        return Ok(today());
    };
    // Exactly YYYY-MM-DD: a date-time would otherwise parse with its time silently dropped.
    let shaped = |t: &str| {
        t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            })
    };
    if !shaped(s) {
        let day = s.get(..10).filter(|d| shaped(d));
        return Err(usage(match day {
            Some(day) => format!("{what}: `{s}` has a time; give the day only, e.g. {day}"),
            None => format!("{what}: `{s}` is not a date; write YYYY-MM-DD"),
        }));
    }
    let day: Date = s
        .parse()
        .map_err(|_| usage(format!("{what}: `{s}` is not a day of the calendar")))?;
    if !(FIRST_DAY..=LAST_DAY).contains(&day) {
        return Err(usage(format!(
            "{what}: {day} is out of range; skydd accepts dates from {FIRST_DAY} through {LAST_DAY}"
        )));
    }
    Ok(day)
}

/// The identities of a request, parsed and normalised.
pub fn identities(args: &IdentityArgs, today: Date) -> anyhow::Result<Vec<(Identity, String)>> {
    let mut out = Vec::new();
    let mut push = |kind: IdentityKind, text: &str| -> anyhow::Result<()> {
        let id = Identity::parse(kind, text, today).map_err(|e| usage(format!("{e}")))?;
        out.push((id, text.to_owned()));
        Ok(())
    };
    for e in &args.email {
        push(IdentityKind::Email, e)?;
    }
    for p in &args.phone {
        push(IdentityKind::Phone, p)?;
    }
    for p in &args.personnummer {
        push(IdentityKind::Personnummer, p)?;
    }
    for i in &args.identity {
        let Some((k, v)) = i.split_once('=') else {
            return Err(usage(format!(
                "--identity `{i}`: write KIND=VALUE, e.g. customer_number=C-1001"
            )));
        };
        if k.trim().is_empty() {
            return Err(usage(format!(
                "--identity `{i}`: the kind before `=` is empty; write KIND=VALUE, e.g. customer_number=C-1001"
            )));
        }
        if v.trim().is_empty() {
            return Err(usage(format!(
                "--identity `{i}`: the value after `=` is empty; write KIND=VALUE, e.g. customer_number=C-1001"
            )));
        }
        push(IdentityKind::from_fides(k), v)?;
    }
    if out.is_empty() {
        return Err(usage(
            "name the person: --email, --phone, --personnummer or --identity KIND=VALUE",
        ));
    }
    Ok(out)
}

/// Runs the traversal for the identities.
pub async fn find(ctx: &Ctx, ids: &[(Identity, String)], today: Date) -> anyhow::Result<Access> {
    let mut variants: BTreeMap<IdentityKind, Vec<String>> = BTreeMap::new();
    for (id, given) in ids {
        let v = variants.entry(id.kind.clone()).or_default();
        for s in id.variants_with(Some(given), today) {
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    let kinds: Vec<IdentityKind> = variants.keys().cloned().collect();
    let traversal = graph::traversal(&ctx.map, &kinds).map_err(usage)?;
    for c in &traversal.unreached {
        tracing::info!(collection = %c, "not reached by the identities given");
    }
    Ok(read::access(&ctx.map, &traversal, &variants, &ctx.dbs, &ctx.schemas).await?)
}

fn keys(ids: &[(Identity, String)]) -> Vec<String> {
    ids.iter().map(|(i, _)| i.subject_key()).collect()
}

fn request_id(kind: &str, ids: &[(Identity, String)]) -> String {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%S%.3fZ")
        .to_string();
    format!(
        "{kind}-{stamp}-{}",
        ids.first().map_or("x", |(i, _)| i.kind.key())
    )
}

/// A request answered now, for the log: its deadline under GDPR art. 12.3.
fn done_request(
    id: String,
    kind: &str,
    ids: &[(Identity, String)],
    received: Date,
    summary: serde_json::Value,
) -> RequestRecord {
    RequestRecord {
        id,
        kind: kind.to_owned(),
        subject: keys(ids).join(" "),
        received: received.to_string(),
        due: skydd_core::deadline::response_deadline(received, 0)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        completed: Some(jiff::Timestamp::now().to_string()),
        summary: summary.to_string(),
    }
}

/// `skydd access`.
pub async fn access(path: &Path, args: &AccessArgs) -> anyhow::Result<ExitCode> {
    let received = date_arg(args.received.as_deref(), "--received")?;
    let ids = identities(&args.ids, received)?;
    let ctx = Ctx::open(path, None).await?;
    let found = find(&ctx, &ids, received).await?;
    let world = ctx.world();
    let pkg = package::build(&world, &found.found, keys(&ids), received);
    let rows: usize = pkg.data.iter().map(|c| c.rows.len()).sum();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        fsio::write_atomic(
            &dir.join("access.json"),
            serde_json::to_string_pretty(&pkg)?.as_bytes(),
            fsio::Visibility::Private,
        )?;
        let renderer = skydd_render::Renderer::new()?;
        for lang in super::langs(args.lang) {
            let html = renderer.access_report(&ctx.register, &pkg, lang)?;
            fsio::write_atomic(
                &dir.join(format!("registerutdrag.{}.html", lang.code())),
                html.as_bytes(),
                fsio::Visibility::Private,
            )?;
        }
    }
    if args.json {
        report::print_json(&serde_json::to_value(&pkg)?);
    } else {
        println!(
            "Found {rows} row(s) in {} collection(s) with {} statement(s) in {:.1} ms.",
            pkg.data.len(),
            found.statements,
            found.millis
        );
        for c in &pkg.data {
            println!("  {:<40} {} row(s)", c.collection, c.rows.len());
        }
        if let Some(due) = pkg.due {
            println!("Received {received}; answer by {due} (GDPR art. 12.3).");
        }
        if !pkg.uncovered.is_empty() {
            println!(
                "{}: data no purpose covers: {}",
                paint("warning", Style::Warning, report::stdout_color()),
                pkg.uncovered.join(", ")
            );
        }
        if let Some(dir) = &args.out {
            println!("Wrote the access package and report to {}/", dir.display());
        }
    }
    let store = ctx.store().await?;
    store
        .record_request(&done_request(
            request_id("access", &ids),
            "access",
            &ids,
            received,
            serde_json::json!({ "rows": rows, "collections": pkg.data.len() }),
        ))
        .await?;
    ctx.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `skydd export`: the portable data as JSON and CSV in a zip.
pub async fn export(path: &Path, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    let ids = identities(&args.ids, today)?;
    let ctx = Ctx::open(path, None).await?;
    let found = find(&ctx, &ids, today).await?;
    let world = ctx.world();
    let data = package::portable(&world, &found.found);
    let bytes = portability_zip(&data, &ctx.register.controller.name)?;
    fsio::write_atomic(&args.out, &bytes, fsio::Visibility::Private)?;
    let rows: usize = data.iter().map(|c| c.rows.len()).sum();
    println!(
        "Wrote {} ({} collection(s), {rows} row(s)): data you provided under consent or contract (GDPR art. 20).",
        args.out.display(),
        data.len()
    );
    ctx.close().await;
    Ok(ExitCode::SUCCESS)
}

/// JSON of everything plus one CSV per collection, zipped.
pub fn portability_zip(
    data: &[package::CollectionData],
    controller: &str,
) -> anyhow::Result<Vec<u8>> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let json: BTreeMap<&str, Vec<BTreeMap<&String, &Value>>> = data
            .iter()
            .map(|c| {
                (
                    c.collection.as_str(),
                    c.rows
                        .iter()
                        .map(|r| r.iter().map(|(k, v)| (k, &v.value)).collect())
                        .collect(),
                )
            })
            .collect();
        zip.start_file("data.json", opts)?;
        zip.write_all(
            serde_json::to_string_pretty(
                &serde_json::json!({ "controller": controller, "data": json }),
            )?
            .as_bytes(),
        )?;
        for c in data {
            zip.start_file(format!("{}.csv", c.collection), opts)?;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&c.fields)?;
            for row in &c.rows {
                w.write_record(c.fields.iter().map(|f| {
                    row.get(f)
                        .and_then(|cell| cell.value.as_text())
                        .unwrap_or_default()
                }))?;
            }
            zip.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        zip.finish()?;
    }
    Ok(buf.into_inner())
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

/// Random letters and digits (for `random` masking and keys).
pub fn random_string(len: usize) -> String {
    use rand::RngExt as _;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What an erasure did.
#[derive(Debug, serde::Serialize)]
pub struct EraseOutcome {
    /// The plan.
    pub plan: ErasurePlan,
    /// Per dataset: statements and rows.
    pub executed: Vec<(String, usize, u64)>,
    /// Rows found.
    pub rows_found: usize,
    /// Dry run.
    pub dry_run: bool,
}

/// Plans (and unless `dry_run`, executes) the erasure of the person named by `ids`.
pub async fn erase_with(
    ctx: &Ctx,
    store: &Store,
    ids: &[(Identity, String)],
    today: Date,
    dry_run: bool,
) -> anyhow::Result<EraseOutcome> {
    let found = find(ctx, ids, today).await?;
    let world = ctx.world();
    let key = ctx.hmac_key()?;
    let hmac = key.as_ref().map(|k| move |s: &str| hmac_hex(k, s));
    let hmac_ref: Option<&dyn Fn(&str) -> String> =
        hmac.as_ref().map(|h| h as &dyn Fn(&str) -> String);
    let mut random = random_string;
    let mut maskers = Maskers {
        hmac: hmac_ref,
        random: &mut random,
    };
    let erased = store.erased().await?;
    let plan = erasure::plan(
        &world,
        &erasure::Request {
            found: &found.found,
            today,
            already_erased: &erased,
        },
        &mut maskers,
    );
    let rows_found = found.found.iter().map(|f| f.rows.len()).sum();
    let mut executed = Vec::new();
    if !dry_run && plan.problems.is_empty() {
        let request = request_id("erasure", ids);
        for (dataset, steps) in write::by_dataset(&plan.steps) {
            let db = ctx
                .dbs
                .get(dataset)
                .ok_or_else(|| anyhow::anyhow!("no database for dataset `{dataset}`"))?;
            let done = write::apply(db, &ctx.schemas[dataset], steps).await.with_context(|| {
                let before: Vec<&str> = executed.iter().map(|(d, _, _): &(String, usize, u64)| d.as_str()).collect();
                if before.is_empty() {
                    format!("the erasure in `{dataset}` was rolled back; nothing was changed")
                } else {
                    format!("the erasure in `{dataset}` was rolled back; already done in: {}. Run it again to finish", before.join(", "))
                }
            })?;
            executed.push((dataset.clone(), done.statements, done.rows));
        }
        // Remember values replaced by keyed hashes or random text, so a second run leaves
        // them alone.
        let marks: Vec<(String, String, String)> = plan
            .steps
            .values()
            .flatten()
            .filter_map(|s| match s {
                Step::Update {
                    collection,
                    key,
                    set,
                } => Some(
                    set.iter()
                        .filter(|c| {
                            matches!(
                                c.strategy,
                                skydd_core::datamap::Masking::Hmac
                                    | skydd_core::datamap::Masking::Random { .. }
                            )
                        })
                        .map(|c| {
                            (
                                collection.to_string(),
                                erasure::key_string(key),
                                c.field.clone(),
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
                Step::Delete { .. } => None,
            })
            .flatten()
            .collect();
        store.mark_erased(&request, &marks).await?;
        let subjects = keys(ids);
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
        // What is kept may be used only for the obligation that keeps it (Art. 18(2)).
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
        store
            .record_request(&done_request(
                request,
                "erasure",
                ids,
                today,
                serde_json::json!({ "steps": plan.step_count(), "held": holds.len() }),
            ))
            .await?;
    }
    Ok(EraseOutcome {
        plan,
        executed,
        rows_found,
        dry_run,
    })
}

/// Prints an erasure's plan and outcome.
pub fn print_erasure(o: &EraseOutcome) {
    let color = report::stdout_color();
    println!(
        "{} {} row(s) found; {} step(s){}:",
        paint(
            if o.dry_run {
                "Erasure plan (dry run):"
            } else {
                "Erasure:"
            },
            Style::Bold,
            color
        ),
        o.rows_found,
        o.plan.step_count(),
        if o.dry_run { " that would run" } else { "" }
    );
    for (dataset, steps) in &o.plan.steps {
        for s in steps {
            match s {
                Step::Update {
                    collection,
                    key,
                    set,
                } => {
                    for c in set {
                        println!(
                            "  {dataset}  {:<21} [{}]  {:<16} {} → {}  ({})",
                            collection.collection,
                            erasure::key_string(key),
                            c.field,
                            c.before,
                            c.after,
                            strategy_name(&c.strategy)
                        );
                    }
                }
                Step::Delete { collection, key } => {
                    println!(
                        "  {dataset}  {:<21} [{}]  delete row",
                        collection.collection,
                        erasure::key_string(key)
                    );
                }
            }
        }
    }
    let holds: Vec<_> = o.plan.holds().collect();
    if !holds.is_empty() {
        println!(
            "{}",
            paint(
                "Kept (legal obligation, GDPR art. 17.3 b), restricted and scheduled for erasure:",
                Style::Warning,
                color
            )
        );
        for k in holds {
            if let KeepReason::LegalObligation {
                purpose,
                statute,
                until,
            } = &k.reason
            {
                println!(
                    "  {:<24} [{}]  {:<16} purpose `{purpose}`, {}, kept through {}",
                    k.collection.to_string(),
                    erasure::key_string(&k.key),
                    k.field,
                    statute.as_deref().unwrap_or("statute not named"),
                    until.map_or("an unknown date".to_owned(), |d| d.to_string())
                );
            }
        }
    }
    let other: Vec<_> = o
        .plan
        .kept
        .iter()
        .filter(|k| {
            matches!(
                k.reason,
                KeepReason::CannotMask { .. } | KeepReason::ReadOnly
            )
        })
        .collect();
    for k in other {
        let why = match &k.reason {
            KeepReason::CannotMask { why } => why.clone(),
            _ => "read-only in the data map".into(),
        };
        println!(
            "  not erased: {} [{}] {}: {why}",
            k.collection,
            erasure::key_string(&k.key),
            k.field
        );
    }
    for p in &o.plan.problems {
        println!("  {}: {p}", paint("problem", Style::Error, color));
    }
    for (dataset, statements, rows) in &o.executed {
        println!(
            "Committed in `{dataset}`: {statements} statement(s), {rows} row(s), one transaction."
        );
    }
}

fn strategy_name(m: &skydd_core::datamap::Masking) -> &'static str {
    use skydd_core::datamap::Masking::*;
    match m {
        Null => "null",
        Fixed { .. } => "fixed",
        Hmac => "hmac",
        Random { .. } => "random",
        Delete => "delete",
    }
}

/// `skydd erase`.
pub async fn erase(path: &Path, args: &EraseArgs) -> anyhow::Result<ExitCode> {
    let today = date_arg(args.today.as_deref(), "--today")?;
    let ids = identities(&args.ids, today)?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store().await?;
    let outcome = erase_with(&ctx, &store, &ids, today, args.dry_run).await?;
    if args.json {
        report::print_json(&serde_json::to_value(&outcome)?);
    } else {
        print_erasure(&outcome);
    }
    ctx.close().await;
    if !outcome.plan.problems.is_empty() {
        return Err(Reported(1).into());
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd rectify`.
pub async fn rectify(path: &Path, args: &RectifyArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    let ids = identities(&args.ids, today)?;
    let ctx = Ctx::open(path, None).await?;
    // Parse every --set before touching anything.
    let mut sets: Vec<(skydd_core::datamap::CollectionRef, String, String)> = Vec::new();
    for s in &args.set {
        let Some((target, value)) = s.split_once('=') else {
            return Err(usage(format!("--set `{s}`: write COLLECTION.FIELD=VALUE")));
        };
        let parts: Vec<&str> = target.split('.').collect();
        let (coll, field) = match parts.as_slice() {
            [c, f] => {
                let matches: Vec<_> = ctx
                    .map
                    .collections()
                    .filter(|x| x.key.collection == *c)
                    .collect();
                match matches.as_slice() {
                    [one] => (one.key.clone(), (*f).to_owned()),
                    [] => {
                        return Err(usage(format!(
                            "--set `{s}`: no collection `{c}` in the data map"
                        )));
                    }
                    _ => {
                        return Err(usage(format!(
                            "--set `{s}`: `{c}` is in several datasets; write DATASET.{c}.{f}"
                        )));
                    }
                }
            }
            [d, c, f] => (
                skydd_core::datamap::CollectionRef {
                    dataset: (*d).to_owned(),
                    collection: (*c).to_owned(),
                },
                (*f).to_owned(),
            ),
            _ => return Err(usage(format!("--set `{s}`: write COLLECTION.FIELD=VALUE"))),
        };
        let Some(c) = ctx.map.collection(&coll) else {
            return Err(usage(format!(
                "--set `{s}`: no collection `{coll}` in the data map"
            )));
        };
        let Some(f) = c.field(&field) else {
            let names: Vec<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
            let hint = skydd_core::diagnostic::suggestion(&field, names)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            return Err(usage(format!(
                "--set `{s}`: {coll} has no field `{field}`{hint}"
            )));
        };
        if f.read_only || f.primary_key || !f.references.is_empty() {
            return Err(usage(format!(
                "--set `{s}`: `{field}` is a key or read-only and cannot be rectified"
            )));
        }
        sets.push((coll, field, value.to_owned()));
    }
    let found = find(&ctx, &ids, today).await?;
    let world = ctx.world();
    let mut steps: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (coll, field, text) in &sets {
        let table = ctx
            .schemas
            .get(&coll.dataset)
            .and_then(|s| s.table(&coll.collection));
        let Some(column) = table.and_then(|t| t.column(field)) else {
            errors.push(format!(
                "{coll}: column `{field}` does not exist in the database"
            ));
            continue;
        };
        let after = match column.parse(text) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let key_cols = world.row_key(coll);
        let Some(rows) = found.found.iter().find(|f| &f.collection == coll) else {
            continue;
        };
        for row in &rows.rows {
            let key: Option<Vec<(String, Value)>> = key_cols
                .iter()
                .map(|c| rows.get(row, c).map(|v| (c.clone(), v.clone())))
                .collect();
            let Some(key) = key else { continue };
            let before = rows.get(row, field).cloned().unwrap_or(Value::Null);
            if before == after {
                continue;
            }
            steps
                .entry(coll.dataset.clone())
                .or_default()
                .push(Step::Update {
                    collection: coll.clone(),
                    key,
                    set: vec![erasure::Change {
                        field: field.clone(),
                        strategy: skydd_core::datamap::Masking::Fixed {
                            value: text.clone(),
                        },
                        before,
                        after: after.clone(),
                    }],
                });
        }
    }
    if !errors.is_empty() {
        return Err(usage(format!("nothing was changed: {}", errors.join("; "))));
    }
    let changes: Vec<serde_json::Value> = steps
        .values()
        .flatten()
        .filter_map(|s| match s {
            Step::Update {
                collection,
                key,
                set,
            } => Some(serde_json::json!({
                "collection": collection.to_string(), "key": erasure::key_string(key),
                "field": set[0].field, "before": set[0].before, "after": set[0].after,
            })),
            Step::Delete { .. } => None,
        })
        .collect();
    let mut executed = Vec::new();
    if !args.dry_run {
        for (dataset, s) in &steps {
            let done = write::apply(&ctx.dbs[dataset], &ctx.schemas[dataset], s).await?;
            executed.push((dataset.clone(), done.statements, done.rows));
        }
        ctx.store()
            .await?
            .record_request(&done_request(
                request_id("rectification", &ids),
                "rectification",
                &ids,
                today,
                serde_json::json!({ "changes": changes.len() }),
            ))
            .await?;
    }
    if args.json {
        report::print_json(
            &serde_json::json!({ "dry_run": args.dry_run, "changes": changes, "executed": executed }),
        );
    } else {
        if changes.is_empty() {
            println!(
                "Nothing to change: the rows found already hold these values (or none were found)."
            );
        }
        for c in &changes {
            println!(
                "  {} [{}] {}: {} → {}",
                c["collection"].as_str().unwrap_or(""),
                c["key"].as_str().unwrap_or(""),
                c["field"].as_str().unwrap_or(""),
                c["before"],
                c["after"]
            );
        }
        for (d, s, r) in &executed {
            println!("Committed in `{d}`: {s} statement(s), {r} row(s), one transaction.");
        }
        if args.dry_run {
            println!("Dry run: nothing was changed.");
        }
    }
    ctx.close().await;
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("{}", errors.join("; "))
    }
}
