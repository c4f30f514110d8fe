//! Data-subject requests: access (Art. 15), portability (Art. 20), erasure (Art. 17) and
//! rectification (Art. 16).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jiff::civil::Date;
use skydd_connect::read::{self, Access};
use skydd_connect::write;
use skydd_core::datamap::graph;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::package;
use skydd_core::plan::World;
use skydd_core::plan::erasure::{self, ErasurePlan, FoundRows, KeepReason, Maskers, Step};
use skydd_core::plan::rectification;
use skydd_core::plan::sharing::{self, Sharing};
use skydd_core::rights;
use skydd_core::value::Value;
use skydd_store::{Hold, RequestRecord, Store};

use crate::cli::{AccessArgs, EraseArgs, ExportArgs, IdentityArgs, ReceivedArg, RectifyArgs};
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

/// The day the GDPR began to apply (art. 99.2): the rights it gives, and the art. 12.3
/// deadline, start then.
const GDPR_APPLIES: Date = Date::constant(2018, 5, 25);

/// The day a request was received: `--received`, or `today`. A request cannot arrive after
/// the day the command acts as of.
pub fn received_arg(arg: &ReceivedArg, today: Date) -> anyhow::Result<Date> {
    let Some(s) = arg.received.as_deref() else {
        return Ok(today);
    };
    let day = date_arg(Some(s), "--received")?;
    if day < GDPR_APPLIES {
        return Err(usage(format!(
            "--received: {day} is before {GDPR_APPLIES}, the day the GDPR began to apply (art. 99.2); no request under it can have been received earlier"
        )));
    }
    if day > today {
        return Err(usage(format!(
            "--received: {day} is after today ({today}); a request is received on or before the day it is handled"
        )));
    }
    Ok(day)
}

/// When a request must be answered (GDPR art. 12.3), as skydd states it: the strict day,
/// moved only past Saturdays, Sundays and public holidays, with the later day the eves would
/// give as a note (see `skydd_core::deadline`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Deadline {
    /// The day the request was received.
    pub received: Date,
    /// The last day to answer; `None` only past the calendar's end.
    pub due: Option<Date>,
    /// The later day were midsommarafton, julafton and nyårsafton counted as holidays, when
    /// it differs; never the deadline skydd keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_if_eves_count: Option<Date>,
}

impl Deadline {
    pub fn of(received: Date) -> Self {
        Deadline {
            received,
            due: skydd_core::deadline::response_deadline(received, 0),
            due_if_eves_count: skydd_core::deadline::deadline_if_eves_count(received, 0),
        }
    }

    /// "Received …; answer by … (GDPR art. 12.3)." and the note, if any.
    pub fn line(&self) -> String {
        let Some(due) = self.due else {
            return format!("Received {}.", self.received);
        };
        let mut s = format!(
            "Received {}; answer by {due} (GDPR art. 12.3).",
            self.received
        );
        if let Some(later) = self.due_if_eves_count {
            let eve = skydd_core::deadline::eve(due).unwrap_or("an eve");
            s.push_str(&format!(
                "\n  note: {due} is {eve}; counting the eves as holidays (lag (1930:173) 2 §, written for Swedish statutory periods) would give {later}. skydd keeps the earlier day, which is never late."
            ));
        }
        s
    }

    /// How many days after the deadline a request answered on `answered` is; `None` when it
    /// is answered on time (or the deadline is past the calendar's end).
    pub fn late_by(&self, answered: Date) -> Option<i64> {
        let due = self.due?;
        if answered <= due {
            return None;
        }
        due.until(answered).ok().map(|s| i64::from(s.get_days()))
    }

    /// "warning: answered N days after the deadline (due …; GDPR art. 12.3)", when
    /// `answered` is after it.
    pub fn late_warning(&self, answered: Date) -> Option<String> {
        let days = self.late_by(answered)?;
        let due = self.due?;
        let unit = if days == 1 { "day" } else { "days" };
        Some(format!(
            "warning: answered {days} {unit} after the deadline (due {due}; GDPR art. 12.3)"
        ))
    }
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
    find_into(ctx, ids, today, None).await
}

/// Runs the traversal for the identities, sending the rows to `sink` as they are read.
pub async fn find_into(
    ctx: &Ctx,
    ids: &[(Identity, String)],
    today: Date,
    sink: Option<std::sync::Arc<dyn read::RowSink>>,
) -> anyhow::Result<Access> {
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
    Ok(read::access_into(
        &ctx.map,
        &traversal,
        &variants,
        &ctx.dbs,
        &ctx.schemas,
        sink,
    )
    .await?)
}

fn keys(ids: &[(Identity, String)]) -> Vec<String> {
    ids.iter().map(|(i, _)| i.subject_key()).collect()
}

pub(crate) fn request_id(kind: &str, ids: &[(Identity, String)]) -> String {
    // The time orders ids as they were made; the random part keeps two requests made in the
    // same microsecond (two processes, or a server) apart: an id is the key a record is
    // stored under, and two requests under one key would be one.
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%S%.6fZ")
        .to_string();
    format!(
        "{kind}-{stamp}-{}-{}",
        ids.first().map_or("x", |(i, _)| i.kind.key()),
        random_string(10)
    )
}

/// A request answered now, for the log: its deadline under GDPR art. 12.3. Answered after
/// the deadline, it warns on standard error and records by how many days
/// (`late_by_days` in the summary); the request is still done.
pub(crate) fn done_request(
    id: String,
    kind: &str,
    ids: &[(Identity, String)],
    received: Date,
    summary: serde_json::Value,
) -> RequestRecord {
    let deadline = Deadline::of(received);
    if let Some(w) = deadline.late_warning(today()) {
        eprintln!("{w}");
    }
    request_record(id, kind, ids, received, summary)
}

/// A request acted on now, for the log, with `late_by_days` in its summary when it is
/// past its deadline today.
fn request_record(
    id: String,
    kind: &str,
    ids: &[(Identity, String)],
    received: Date,
    mut summary: serde_json::Value,
) -> RequestRecord {
    let deadline = Deadline::of(received);
    if let (Some(days), Some(map)) = (deadline.late_by(today()), summary.as_object_mut()) {
        map.insert("late_by_days".into(), days.into());
    }
    RequestRecord {
        id,
        kind: kind.to_owned(),
        subject: keys(ids).join(" "),
        received: received.to_string(),
        due: deadline.due.map(|d| d.to_string()).unwrap_or_default(),
        completed: Some(jiff::Timestamp::now().to_string()),
        summary: summary.to_string(),
        status: "done".into(),
    }
}

/// `skydd access`.
pub async fn access(path: &Path, args: &AccessArgs) -> anyhow::Result<ExitCode> {
    let received = received_arg(&args.received, today())?;
    let ids = identities(&args.ids, received)?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store(true).await?;
    // Rows stream from the databases into spool files beside the package (or, for JSON
    // on standard output only, into a private temporary directory).
    if let Some(dir) = &args.out {
        fsio::create_private_dir(dir)?;
    }
    let scratch = match (&args.out, args.json) {
        (None, true) => Some(tempfile::tempdir().context("cannot create a temporary directory")?),
        _ => None,
    };
    let spool_dir = args
        .out
        .as_deref()
        .or(scratch.as_ref().map(tempfile::TempDir::path));
    let spool = std::sync::Arc::new(super::extract::Spool::new(
        std::sync::Arc::new(ctx.map.clone()),
        spool_dir,
    ));
    let sink: std::sync::Arc<dyn read::RowSink> = spool.clone();
    let found = find_into(&ctx, &ids, received, Some(sink)).await?;
    let world = ctx.world();
    let extras = extras(&ctx, &store, &world, &ids, &found).await?;
    let summary: Vec<package::Found> = found
        .seen
        .iter()
        .map(|s| package::Found {
            collection: s.collection.clone(),
            rows: s.rows,
            by_identity: s.by_identity,
        })
        .collect();
    let order: Vec<skydd_core::datamap::CollectionRef> =
        found.seen.iter().map(|s| s.collection.clone()).collect();
    let mut pkg = package::about(&world, &summary, keys(&ids), received, extras);
    let rows: usize = found.seen.iter().map(|s| s.rows).sum();
    let collections_with_rows = found.seen.iter().filter(|s| s.rows > 0).count();
    if !pkg.unreached.is_empty() {
        eprintln!(
            "{}: the identities given do not reach {} in the data map, so this answer may miss the person's data there: {}. Give those collections an identity or a reference (`skydd map check` lists them), or mark them `skip_processing` if they hold no personal data",
            paint("warning", Style::Warning, report::stderr_color()),
            if pkg.unreached.len() == 1 {
                "one collection".to_owned()
            } else {
                format!("{} collections", pkg.unreached.len())
            },
            pkg.unreached.join(", ")
        );
    }
    if let Some(dir) = &args.out {
        super::extract::persist_json(&spool, &pkg, &order, dir)?;
    }
    // The report shows the first rows of each collection; the package file has them all.
    let mut shown = spool.shown();
    shown.sort_by_key(|c| {
        order
            .iter()
            .position(|o| o.to_string() == c.collection)
            .unwrap_or(usize::MAX)
    });
    pkg.data = shown;
    if let Some(dir) = &args.out {
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
        match &args.out {
            // Already written: copy the file rather than read the databases again.
            Some(dir) => {
                let mut f = std::fs::File::open(dir.join("access.json"))
                    .context("cannot read the package just written")?;
                std::io::copy(&mut f, &mut crate::out::Stdout)?;
            }
            None => {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, crate::out::Stdout);
                spool.write_json(&pkg, &order, &mut w)?;
                w.flush()?;
            }
        }
    } else {
        println!(
            "Found {rows} row(s) in {collections_with_rows} collection(s) with {} statement(s) in {:.1} ms.",
            found.statements, found.millis
        );
        for s in found.seen.iter().filter(|s| s.rows > 0) {
            println!("  {:<40} {} row(s)", s.collection.to_string(), s.rows);
        }
        if !pkg.held.is_empty() {
            println!(
                "Kept after an earlier erasure by legal obligations: {} field(s) (in the extract with purpose, statute and end date).",
                pkg.held.len()
            );
        }
        if pkg.due.is_some() {
            println!("{}", Deadline::of(received).line());
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
    store
        .record_request(&done_request(
            request_id("access", &ids),
            "access",
            &ids,
            received,
            serde_json::json!({ "rows": rows, "collections": collections_with_rows }),
        ))
        .await?;
    ctx.close().await;
    Ok(ExitCode::SUCCESS)
}

/// What skydd itself knows of the person besides the rows found: fields kept by legal
/// obligations after an erasure (read back from the databases by key, since the person's
/// identity may no longer lead to them), their requests and restrictions, and the
/// collections the traversal did not reach.
async fn extras(
    ctx: &Ctx,
    store: &Store,
    world: &World<'_>,
    ids: &[(Identity, String)],
    found: &Access,
) -> anyhow::Result<package::Extras> {
    let subjects = keys(ids);
    let holds = store.holds_of(&subjects).await?;
    let mut by_collection: BTreeMap<String, Vec<&Hold>> = BTreeMap::new();
    for h in &holds {
        by_collection
            .entry(h.collection.clone())
            .or_default()
            .push(h);
    }
    let mut held = Vec::new();
    for (collection, hs) in by_collection {
        let Some(coll) = package::collection_ref(&collection) else {
            continue;
        };
        let key = world.row_key(&coll);
        let mut fields: Vec<String> = hs.iter().map(|h| h.field.clone()).collect();
        fields.sort();
        fields.dedup();
        let keys: Vec<Vec<String>> = hs
            .iter()
            .filter_map(|h| erasure::parse_key_string(&h.row_key, &key))
            .collect();
        let rows = match (ctx.dbs.get(&coll.dataset), ctx.schemas.get(&coll.dataset)) {
            (Some(db), Some(schema)) if !key.is_empty() => {
                read::rows_by_key(db, schema, &coll.collection, &key, &fields, &keys).await?
            }
            _ => Vec::new(),
        };
        for h in hs {
            let value = erasure::parse_key_string(&h.row_key, &key).and_then(|k| {
                let row = rows.iter().find(|(rk, _)| *rk == k)?;
                let i = fields.iter().position(|f| *f == h.field)?;
                row.1.get(i).cloned()
            });
            let categories = world
                .map
                .field(&skydd_core::datamap::FieldRef {
                    collection: coll.clone(),
                    field: h.field.clone(),
                })
                .map(|f| f.categories.clone())
                .unwrap_or_default();
            held.push(package::HeldField {
                collection: h.collection.clone(),
                key: h.row_key.clone(),
                field: h.field.clone(),
                value,
                categories,
                purpose: h.purpose.clone(),
                statute: h.statute.clone(),
                until: h.until.as_deref().and_then(|d| d.parse().ok()),
            });
        }
    }
    let mut records = package::Records::default();
    for r in store.requests_of(&subjects).await? {
        records.requests.push(package::RecordedRequest {
            kind: r.kind,
            received: r.received,
            status: r.status,
            completed: r.completed,
        });
    }
    for s in &subjects {
        for r in store.active(s).await? {
            records
                .restrictions
                .push((r.kind.key().to_owned(), r.purpose, r.since));
        }
    }
    Ok(package::Extras {
        unreached: found.unreached.iter().map(ToString::to_string).collect(),
        held,
        records,
    })
}

/// `skydd export`: the portable data as JSON and CSV in a zip.
pub async fn export(path: &Path, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    let received = received_arg(&args.received, today)?;
    let ids = identities(&args.ids, today)?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store(true).await?;
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
    println!("{}", Deadline::of(received).line());
    store
        .record_request(&done_request(
            request_id("export", &ids),
            "export",
            &ids,
            received,
            serde_json::json!({ "rows": rows, "collections": data.len() }),
        ))
        .await?;
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
    /// Times the plan was made again because rows changed between planning and writing.
    pub replanned: usize,
    /// When the request must be answered.
    pub deadline: Deadline,
}

/// Which rows found other people share: the counts the core asks for, made in the
/// databases, and the core's verdict.
pub async fn sharing(ctx: &Ctx, world: &World<'_>, found: &[FoundRows]) -> anyhow::Result<Sharing> {
    let probes = sharing::probes(world, found);
    let counts = read::count_references(&probes, &ctx.dbs, &ctx.schemas).await?;
    Ok(sharing::assess(world, found, &probes, &counts))
}

/// How many times an erasure is planned afresh when rows keep changing under it.
const PLAN_ATTEMPTS: usize = 3;

/// Plans (and unless `dry_run`, executes) the erasure of the person named by `ids`.
///
/// Writes are conditional on the values the plan read; when another writer (a retention
/// sweep) changed them meanwhile, the transaction rolls back and the erasure is planned
/// again from fresh rows. A plan with blockers runs nothing and is recorded as failed.
pub async fn erase_with(
    ctx: &Ctx,
    store: &Store,
    ids: &[(Identity, String)],
    today: Date,
    received: Date,
    dry_run: bool,
) -> anyhow::Result<EraseOutcome> {
    let world = ctx.world();
    let key = ctx.hmac_key()?;
    let hmac = key.as_ref().map(|k| move |s: &str| hmac_hex(k, s));
    let hmac_ref: Option<&dyn Fn(&str) -> String> =
        hmac.as_ref().map(|h| h as &dyn Fn(&str) -> String);
    let request = request_id("erasure", ids);
    let mut executed: Vec<(String, usize, u64)> = Vec::new();
    let mut replanned = 0;
    let (plan, rows_found) = loop {
        let found = find(ctx, ids, today).await?;
        let shared = sharing(ctx, &world, &found.found).await?;
        let erased = store.erased().await?;
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
        if dry_run || !plan.blockers.is_empty() {
            break (plan, rows_found);
        }
        match execute(ctx, store, &plan, &request, &mut executed).await {
            Ok(()) => break (plan, rows_found),
            Err(e) if is_conflict(&e) && replanned + 1 < PLAN_ATTEMPTS => {
                tracing::warn!("{e:#}; planning again from fresh rows");
                replanned += 1;
            }
            Err(e) => return Err(e),
        }
    };
    if !dry_run && !plan.blockers.is_empty() {
        let blockers: Vec<String> = plan.blockers.iter().map(blocker_text).collect();
        store
            .record_request(&RequestRecord {
                status: "failed".into(),
                completed: None,
                ..request_record(
                    request,
                    "erasure",
                    ids,
                    received,
                    serde_json::json!({ "blockers": blockers }),
                )
            })
            .await?;
    } else if !dry_run {
        record_erasure(store, &plan, ids, received, request).await?;
    }
    Ok(EraseOutcome {
        plan,
        executed,
        rows_found,
        dry_run,
        replanned,
        deadline: Deadline::of(received),
    })
}

fn is_conflict(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<skydd_connect::DbError>(),
            Some(skydd_connect::DbError::Conflict { .. })
        )
    })
}

/// One line for a blocker: where, and what to do.
pub fn blocker_text(b: &erasure::Blocker) -> String {
    let mut at = b.collection.to_string();
    if let Some(k) = &b.key {
        at += &format!(" [{k}]");
    }
    if let Some(f) = &b.field {
        at += &format!(" {f}");
    }
    format!("{at}: {}", b.why)
}

/// Applies the plan, one transaction per database, appending what each did to `executed`.
/// Values replaced by keyed hashes or random text are recorded as each database commits, so
/// that a later plan (after a conflict in another database, or a second request) leaves
/// them alone.
async fn execute(
    ctx: &Ctx,
    store: &Store,
    plan: &ErasurePlan,
    request: &str,
    executed: &mut Vec<(String, usize, u64)>,
) -> anyhow::Result<()> {
    for (dataset, steps) in write::by_dataset(&plan.steps) {
        let db = ctx
            .dbs
            .get(dataset)
            .ok_or_else(|| anyhow::anyhow!("no database for dataset `{dataset}`"))?;
        let done = write::apply(db, &ctx.schemas[dataset], steps)
            .await
            .with_context(|| {
                let before: Vec<&str> = executed.iter().map(|(d, _, _)| d.as_str()).collect();
                if before.is_empty() {
                    format!("the erasure in `{dataset}` was rolled back; nothing was changed")
                } else {
                    format!(
                        "the erasure in `{dataset}` was rolled back; already done in: {}. Run it again to finish",
                        before.join(", ")
                    )
                }
            })?;
        executed.push((dataset.clone(), done.statements, done.rows));
        store.mark_erased(request, &erased_marks(steps)).await?;
    }
    Ok(())
}

/// The (collection, row key, field) a list of steps replaces with keyed hashes or random
/// text.
fn erased_marks(steps: &[Step]) -> Vec<(String, String, String)> {
    steps
        .iter()
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
        .collect()
}

/// Records a carried-out erasure: the fields kept by legal obligations and the restriction
/// that limits them to those obligations (Art. 18(2)), and the request.
async fn record_erasure(
    store: &Store,
    plan: &ErasurePlan,
    ids: &[(Identity, String)],
    received: Date,
    request: String,
) -> anyhow::Result<()> {
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
            received,
            serde_json::json!({
                "steps": plan.step_count(),
                "held": holds.len(),
                "shared_rows_kept": plan.shared.len(),
            }),
        ))
        .await?;
    Ok(())
}

/// Prints an erasure's plan and outcome.
pub fn print_erasure(o: &EraseOutcome) {
    let color = report::stdout_color();
    let blocked = !o.plan.blockers.is_empty();
    let title = match (o.dry_run, blocked) {
        (_, true) => "Erasure refused: nothing was changed.",
        (true, false) => "Erasure plan (dry run):",
        (false, false) => "Erasure:",
    };
    println!(
        "{} {} row(s) found; {} step(s){}:",
        paint(title, Style::Bold, color),
        o.rows_found,
        o.plan.step_count(),
        if o.dry_run || blocked {
            " that would run"
        } else {
            ""
        }
    );
    if blocked {
        println!(
            "{}",
            paint(
                "Cannot erase (fix these first; the request is recorded as failed):",
                Style::Error,
                color
            )
        );
        for b in &o.plan.blockers {
            println!("  {}", blocker_text(b));
        }
    }
    for (dataset, steps) in &o.plan.steps {
        for s in steps {
            match s {
                Step::Update {
                    collection,
                    key,
                    set,
                } => {
                    for c in set {
                        let how = match (&c.after, c.unlink) {
                            (_, true) => "unlink from a shared row",
                            (Value::Text(t), false)
                                if t.is_empty()
                                    && c.strategy == skydd_core::datamap::Masking::Null =>
                            {
                                "null; the column is NOT NULL, so empty"
                            }
                            _ => strategy_name(&c.strategy),
                        };
                        println!(
                            "  {dataset}  {:<21} [{}]  {:<16} {} → {}  ({how})",
                            collection.collection,
                            erasure::key_string(key),
                            c.field,
                            c.before,
                            c.after,
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
    if !o.plan.shared.is_empty() {
        println!(
            "{}",
            paint(
                "Kept unchanged, shared with other people (the person's link to each is removed where the schema allows):",
                Style::Warning,
                color
            )
        );
        for sh in &o.plan.shared {
            let with: Vec<String> = sh
                .with
                .iter()
                .map(|w| format!("{} row(s) of {}", w.rows, w.collection))
                .collect();
            println!(
                "  {:<24} [{}]  also belongs to {}",
                sh.collection.to_string(),
                erasure::key_string(&sh.key),
                with.join(", ")
            );
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
        .filter_map(|k| match &k.reason {
            KeepReason::ReadOnly => Some((k, "read-only in the data map".to_owned())),
            KeepReason::LinkToShared { why } => Some((k, why.clone())),
            _ => None,
        })
        .collect();
    if !other.is_empty() {
        println!("{}", paint("Not erased, and why:", Style::Warning, color));
    }
    for (k, why) in other {
        println!(
            "  {} [{}] {}: {why}",
            k.collection,
            erasure::key_string(&k.key),
            k.field
        );
    }
    if o.rows_found == 0 {
        println!(
            "No rows of this person were found by these identities, so nothing is erased. If they are known by another identity (a phone number, a customer number), ask with that too; data an earlier erasure had to keep shows in `skydd access`."
        );
    }
    if o.replanned > 0 {
        println!(
            "Rows changed while the erasure was planned; planned again {} time(s) from fresh rows.",
            o.replanned
        );
    }
    for (dataset, statements, rows) in &o.executed {
        println!(
            "Committed in `{dataset}`: {statements} statement(s), {rows} row(s), one transaction."
        );
    }
    println!("{}", o.deadline.line());
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
    let received = received_arg(&args.received, today)?;
    let ids = identities(&args.ids, today)?;
    let ctx = Ctx::open(path, None).await?;
    let store = ctx.store(true).await?;
    let outcome = erase_with(&ctx, &store, &ids, today, received, args.dry_run).await?;
    if args.json {
        report::print_json(&outcome);
    } else {
        print_erasure(&outcome);
    }
    ctx.close().await;
    if !outcome.plan.blockers.is_empty() {
        return Err(Reported(1).into());
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd rectify`.
pub async fn rectify(path: &Path, args: &RectifyArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    let received = received_arg(&args.received, today)?;
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
    let shared = sharing(&ctx, &world, &found.found).await?;
    let edits: Vec<rectification::Edit> = sets
        .into_iter()
        .map(|(collection, field, value)| rectification::Edit {
            collection,
            field,
            value,
        })
        .collect();
    let plan = rectification::plan(&world, &found.found, &shared, &edits);
    if !plan.errors.is_empty() {
        return Err(usage(format!(
            "nothing was changed: {}",
            plan.errors.join("; ")
        )));
    }
    if !plan.shared.is_empty() {
        let rows: Vec<String> = plan
            .shared
            .iter()
            .map(|s| {
                let with: Vec<String> = s
                    .with
                    .iter()
                    .map(|w| format!("{} row(s) of {}", w.rows, w.collection))
                    .collect();
                format!(
                    "{} [{}] also belongs to {}",
                    s.collection,
                    erasure::key_string(&s.key),
                    with.join(", ")
                )
            })
            .collect();
        eprintln!(
            "{}: nothing was changed: the person shares these rows with others, and changing them would change the others' data too:\n  {}\nGive the person a row of their own (e.g. a new address row, linked from theirs), then rectify that.",
            paint("error", Style::Error, report::stderr_color()),
            rows.join("\n  ")
        );
        ctx.close().await;
        return Err(Reported(1).into());
    }
    let steps = plan.steps;
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
                "changes": set.iter().map(|c| serde_json::json!({
                    "field": c.field, "before": c.before, "after": c.after,
                })).collect::<Vec<_>>(),
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
        ctx.store(true)
            .await?
            .record_request(&done_request(
                request_id("rectification", &ids),
                "rectification",
                &ids,
                received,
                serde_json::json!({ "changes": changes.len() }),
            ))
            .await?;
    }
    if args.json {
        report::print_json(&serde_json::json!({
            "dry_run": args.dry_run,
            "changes": changes,
            "executed": executed,
            "deadline": Deadline::of(received),
        }));
    } else {
        if changes.is_empty() {
            println!(
                "Nothing to change: the rows found already hold these values (or none were found)."
            );
        }
        for step in steps.values().flatten() {
            if let Step::Update {
                collection,
                key,
                set,
            } = step
            {
                for c in set {
                    println!(
                        "  {collection} [{}] {}: {} → {}",
                        erasure::key_string(key),
                        c.field,
                        c.before,
                        c.after
                    );
                }
            }
        }
        for (d, s, r) in &executed {
            println!("Committed in `{d}`: {s} statement(s), {r} row(s), one transaction.");
        }
        if args.dry_run {
            println!("Dry run: nothing was changed.");
        }
        println!("{}", Deadline::of(received).line());
    }
    ctx.close().await;
    Ok(ExitCode::SUCCESS)
}
