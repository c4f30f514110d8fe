//! Access (GDPR Art. 15) and portability (Art. 20). The rows stream from the databases into
//! spool files beside the package, so a person with a million rows costs no more memory
//! than one with ten; the package adds what skydd itself knows of the person.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;
use skydd_connect::read::{self, Access, RowSink};
use skydd_core::Lang;
use skydd_core::datamap::{CollectionRef, FieldRef};
use skydd_core::package::{self, AccessPackage};
use skydd_core::plan::World;
use skydd_core::plan::erasure;
use skydd_core::value::Value;
use skydd_store::{Hold, Store};

use crate::deadline::Deadline;
use crate::error::{AppError, FileError};
use crate::files::{self, Visibility};
use crate::find::find;
use crate::note::Note;
use crate::request::{record_done, request_id};
use crate::spool::{Spool, persist_json};
use crate::subject::Subject;
use crate::workspace::{Databases, Workspace};

/// An access request.
pub struct AccessRequest {
    /// The person.
    pub subject: Subject,
    /// The day it was received.
    pub received: Date,
    /// The directory to write the package (`access.json`) and reports into, if any.
    pub out: Option<PathBuf>,
    /// The languages of the reports written into `out`.
    pub langs: Vec<Lang>,
    /// Keep the package for [`AccessOutcome::write_json`] when there is no `out`.
    pub json: bool,
}

/// Rows found in one collection.
#[derive(Debug, Clone, Serialize)]
pub struct FoundIn {
    /// `dataset.collection`.
    pub collection: String,
    /// Rows found.
    pub rows: usize,
}

/// What an access request found and wrote.
#[derive(Serialize)]
pub struct AccessOutcome {
    /// The package, with the first rows of each collection (all of them are in the JSON).
    pub package: AccessPackage,
    /// Rows found per collection reached, in the traversal's order.
    pub found: Vec<FoundIn>,
    /// Rows found in all.
    pub rows: usize,
    /// Collections with rows.
    pub collections_with_rows: usize,
    /// Statements run.
    pub statements: usize,
    /// Time taken reading, ms.
    pub millis: f64,
    /// Where the package and reports were written.
    pub out: Option<PathBuf>,
    /// When the request must be answered.
    pub deadline: Deadline,
    /// Warnings and notes.
    pub notes: Vec<Note>,
    #[serde(skip)]
    spool: Arc<Spool>,
    #[serde(skip)]
    order: Vec<CollectionRef>,
    #[serde(skip)]
    _scratch: Option<tempfile::TempDir>,
}

impl AccessOutcome {
    /// Writes the whole package as JSON (every row, streamed from the spool or copied from
    /// the file already written).
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> Result<(), AppError> {
        match &self.out {
            Some(dir) => {
                let path = dir.join("access.json");
                let mut f = std::fs::File::open(&path)
                    .map_err(|e| FileError::io("cannot read the package just written", e))?;
                std::io::copy(&mut f, out)?;
            }
            None => {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
                self.spool.write_json(&self.package, &self.order, &mut w)?;
                w.flush()?;
            }
        }
        Ok(())
    }
}

/// Answers an access request: finds the rows, builds the package with skydd's own records,
/// writes it (and the reports) into `out`, and records the request.
pub async fn access(ws: &Workspace, req: AccessRequest) -> Result<AccessOutcome, AppError> {
    let dbs = ws.databases()?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    // Rows stream from the databases into spool files beside the package (or, for JSON
    // without a directory, into a private temporary directory).
    if let Some(dir) = &req.out {
        files::create_private_dir(dir)?;
    }
    let scratch = match (&req.out, req.json) {
        (None, true) => Some(
            tempfile::tempdir()
                .map_err(|e| FileError::io("cannot create a temporary directory", e))?,
        ),
        _ => None,
    };
    let spool_dir = req
        .out
        .as_deref()
        .or(scratch.as_ref().map(tempfile::TempDir::path));
    let spool = Arc::new(Spool::new(Arc::new(dbs.map.clone()), spool_dir));
    let sink: Arc<dyn RowSink> = spool.clone();
    let found = find(dbs, &req.subject, req.received, Some(sink)).await?;
    let world = ws.world()?;
    let extras = extras(dbs, store, &world, &req.subject, &found).await?;
    let summary: Vec<package::Found> = found
        .seen
        .iter()
        .map(|s| package::Found {
            collection: s.collection.clone(),
            rows: s.rows,
            by_identity: s.by_identity,
        })
        .collect();
    let order: Vec<CollectionRef> = found.seen.iter().map(|s| s.collection.clone()).collect();
    let mut pkg = package::about(&world, &summary, req.subject.keys(), req.received, extras);
    let rows: usize = found.seen.iter().map(|s| s.rows).sum();
    let collections_with_rows = found.seen.iter().filter(|s| s.rows > 0).count();
    if !pkg.unreached.is_empty() {
        notes.push(Note::warning(format!(
            "the identities given do not reach {} in the data map, so this answer may miss the person's data there: {}. Give those collections an identity or a reference (`skydd map check` lists them), or mark them `skip_processing` if they hold no personal data",
            if pkg.unreached.len() == 1 {
                "one collection".to_owned()
            } else {
                format!("{} collections", pkg.unreached.len())
            },
            pkg.unreached.join(", ")
        )));
    }
    if let Some(dir) = &req.out {
        persist_json(&spool, &pkg, &order, dir)?;
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
    if let Some(dir) = &req.out {
        let renderer = ws.renderer()?;
        for lang in &req.langs {
            let html = renderer.access_report(&ws.register, &pkg, *lang)?;
            files::write_atomic(
                &dir.join(format!("registerutdrag.{}.html", lang.code())),
                html.as_bytes(),
                Visibility::Private,
            )?;
        }
    }
    record_done(
        store,
        request_id("access", &req.subject),
        "access",
        &req.subject,
        req.received,
        serde_json::json!({ "rows": rows, "collections": collections_with_rows }),
        &[],
        &mut notes,
    )
    .await?;
    Ok(AccessOutcome {
        package: pkg,
        found: found
            .seen
            .iter()
            .map(|s| FoundIn {
                collection: s.collection.to_string(),
                rows: s.rows,
            })
            .collect(),
        rows,
        collections_with_rows,
        statements: found.statements,
        millis: found.millis,
        out: req.out,
        deadline: Deadline::of(req.received),
        notes,
        spool,
        order,
        _scratch: scratch,
    })
}

/// What skydd itself knows of the person besides the rows found: fields kept by legal
/// obligations after an erasure (read back from the databases by key, since the person's
/// identity may no longer lead to them), their requests and restrictions, and the
/// collections the traversal did not reach.
async fn extras(
    dbs: &Databases,
    store: &Store,
    world: &World<'_>,
    subject: &Subject,
    found: &Access,
) -> Result<package::Extras, AppError> {
    let subjects = subject.keys();
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
        let rows = match (dbs.dbs.get(&coll.dataset), dbs.schemas.get(&coll.dataset)) {
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
                .field(&FieldRef {
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

/// A portability request (Art. 20).
pub struct ExportRequest {
    /// The person.
    pub subject: Subject,
    /// Today.
    pub today: Date,
    /// The day it was received.
    pub received: Date,
    /// The zip file to write.
    pub out: PathBuf,
}

/// What a portability request wrote.
#[derive(Debug, Serialize)]
pub struct ExportOutcome {
    /// The zip written.
    pub out: PathBuf,
    /// Collections in it.
    pub collections: usize,
    /// Rows in it.
    pub rows: usize,
    /// When the request must be answered.
    pub deadline: Deadline,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// Answers a portability request: the data the person provided under consent or contract
/// as JSON and CSV in a zip, written to `out`; and records the request.
pub async fn export(ws: &Workspace, req: ExportRequest) -> Result<ExportOutcome, AppError> {
    let dbs = ws.databases()?;
    let mut notes = Vec::new();
    let (store, created) = ws.state(true).await?;
    notes.extend(created);
    let found = find(dbs, &req.subject, req.today, None).await?;
    let world = ws.world()?;
    let data = package::portable(&world, &found.found);
    let bytes = portability_zip(&data, &ws.register.controller.name)?;
    files::write_atomic(&req.out, &bytes, Visibility::Private)?;
    let rows: usize = data.iter().map(|c| c.rows.len()).sum();
    record_done(
        store,
        request_id("export", &req.subject),
        "export",
        &req.subject,
        req.received,
        serde_json::json!({ "rows": rows, "collections": data.len() }),
        &[],
        &mut notes,
    )
    .await?;
    Ok(ExportOutcome {
        out: req.out,
        collections: data.len(),
        rows,
        deadline: Deadline::of(req.received),
        notes,
    })
}

/// JSON of everything plus one CSV per collection, zipped.
pub fn portability_zip(
    data: &[package::CollectionData],
    controller: &str,
) -> Result<Vec<u8>, AppError> {
    let zip_err = |e: zip::result::ZipError| AppError::Internal(format!("cannot zip: {e}"));
    let csv_err = |e: csv::Error| AppError::Internal(format!("cannot write CSV: {e}"));
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
        zip.start_file("data.json", opts).map_err(zip_err)?;
        zip.write_all(
            serde_json::to_string_pretty(
                &serde_json::json!({ "controller": controller, "data": json }),
            )?
            .as_bytes(),
        )?;
        for c in data {
            zip.start_file(format!("{}.csv", c.collection), opts)
                .map_err(zip_err)?;
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&c.fields).map_err(csv_err)?;
            for row in &c.rows {
                w.write_record(c.fields.iter().map(|f| {
                    row.get(f)
                        .and_then(|cell| cell.value.as_text())
                        .unwrap_or_default()
                }))
                .map_err(csv_err)?;
            }
            zip.write_all(
                &w.into_inner()
                    .map_err(|e| AppError::Internal(format!("cannot write CSV: {e}")))?,
            )?;
        }
        zip.finish().map_err(zip_err)?;
    }
    Ok(buf.into_inner())
}
