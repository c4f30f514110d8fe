//! The register extract written as it is read: every row goes from the database to a
//! spool file (one per collection, readable by the owner only) and on into `access.json`,
//! so answering a person with a million rows takes no more memory than one with ten. The
//! HTML report shows the first rows of each collection and says how many more the package
//! holds.

use std::collections::BTreeMap;
use std::io::{BufWriter, Seek as _, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use skydd_connect::read::RowSink;
use skydd_core::datamap::{CollectionRef, DataMap};
use skydd_core::package::{self, AccessPackage, CollectionData};
use skydd_core::value::Value;

use crate::error::{AppError, FileError};
use crate::files;

/// Rows of a collection shown in the HTML report; the rest are in the package file.
pub const REPORT_ROWS: usize = 200;

/// One collection's spooled rows.
struct Spooled {
    file: Option<BufWriter<tempfile::NamedTempFile>>,
    rows: usize,
    shown: Vec<BTreeMap<String, package::Cell>>,
}

/// A [`RowSink`] that spools rows (when `dir` is given) and keeps the first
/// [`REPORT_ROWS`] of each collection for the report.
pub struct Spool {
    map: Arc<DataMap>,
    dir: Option<std::path::PathBuf>,
    collections: Mutex<BTreeMap<CollectionRef, Spooled>>,
}

impl Spool {
    /// A spool writing its files into `dir` (none: count and keep the shown rows only).
    pub fn new(map: Arc<DataMap>, dir: Option<&Path>) -> Spool {
        Spool {
            map,
            dir: dir.map(Path::to_path_buf),
            collections: Mutex::new(BTreeMap::new()),
        }
    }

    /// The package's collections with the rows shown in the report (and how many more).
    pub fn shown(&self) -> Vec<CollectionData> {
        let Ok(collections) = self.collections.lock() else {
            return Vec::new();
        };
        collections
            .iter()
            .filter(|(_, s)| s.rows > 0)
            .filter_map(|(c, s)| {
                let collection = self.map.collection(c)?;
                Some(CollectionData {
                    collection: c.to_string(),
                    rows: s.shown.clone(),
                    fields: collection.fields.iter().map(|f| f.name.clone()).collect(),
                    more: s.rows - s.shown.len(),
                })
            })
            .collect()
    }

    /// Writes the whole package as JSON to `out`: `data` streamed from the spool files
    /// (collections in `order`), then everything else the package says.
    pub fn write_json(
        &self,
        pkg: &AccessPackage,
        order: &[CollectionRef],
        out: &mut dyn Write,
    ) -> Result<(), AppError> {
        let mut collections = self
            .collections
            .lock()
            .map_err(|_| AppError::Internal("the spool was poisoned by a failed reader".into()))?;
        out.write_all(b"{\n  \"data\": [")?;
        let mut first = true;
        for c in order {
            let Some(s) = collections.get_mut(c) else {
                continue;
            };
            let (Some(file), Some(collection)) = (s.file.take(), self.map.collection(c)) else {
                continue;
            };
            if s.rows == 0 {
                continue;
            }
            let fields: Vec<&str> = collection.fields.iter().map(|f| f.name.as_str()).collect();
            write!(
                out,
                "{}\n    {{\n      \"collection\": {},\n      \"fields\": {},\n      \"rows\": [\n",
                if first { "" } else { "," },
                serde_json::to_string(&c.to_string())?,
                serde_json::to_string(&fields)?
            )?;
            first = false;
            let mut tmp = file
                .into_inner()
                .map_err(|e| FileError::io("cannot write the spool", e.into_error()))?;
            tmp.as_file_mut().rewind().map_err(FileError::from)?;
            std::io::copy(tmp.as_file_mut(), out).map_err(FileError::from)?;
            out.write_all(b"\n      ]\n    }")
                .map_err(FileError::from)?;
        }
        out.write_all(b"\n  ]")?;
        // The rest of the package, key by key after `data`.
        let rest = serde_json::to_value(pkg)?;
        if let serde_json::Value::Object(fields) = rest {
            for (k, v) in fields.iter().filter(|(k, _)| *k != "data") {
                let v = serde_json::to_string_pretty(v)?.replace('\n', "\n  ");
                write!(out, ",\n  {}: {v}", serde_json::to_string(k)?)?;
            }
        }
        out.write_all(b"\n}\n")?;
        Ok(())
    }
}

impl RowSink for Spool {
    fn rows(
        &self,
        collection: &CollectionRef,
        columns: &[String],
        rows: Vec<Vec<Value>>,
    ) -> Result<(), String> {
        let Some(c) = self.map.collection(collection) else {
            return Ok(());
        };
        let fields: Vec<&skydd_core::datamap::Field> = c.fields.iter().collect();
        let mut all = self
            .collections
            .lock()
            .map_err(|_| "the spool was poisoned by a failed reader".to_owned())?;
        let spooled = match all.get_mut(collection) {
            Some(s) => s,
            None => {
                let file = match &self.dir {
                    Some(dir) => Some(BufWriter::with_capacity(
                        1 << 16,
                        files::private_temporary(dir).map_err(|e| e.to_string())?,
                    )),
                    None => None,
                };
                all.entry(collection.clone()).or_insert(Spooled {
                    file,
                    rows: 0,
                    shown: Vec::new(),
                })
            }
        };
        for row in rows {
            let cells = package::row_cells(columns, &row, &fields);
            if let Some(f) = &mut spooled.file {
                let sep: &[u8] = if spooled.rows == 0 {
                    b"        "
                } else {
                    b",\n        "
                };
                f.write_all(sep)
                    .and_then(|()| {
                        serde_json::to_writer(&mut *f, &cells).map_err(std::io::Error::other)
                    })
                    .map_err(|e| format!("cannot write the spool: {e}"))?;
            }
            spooled.rows += 1;
            if spooled.shown.len() < REPORT_ROWS {
                spooled.shown.push(cells);
            }
        }
        Ok(())
    }
}

/// Writes the package JSON into `dir/access.json` (atomically, owner-only).
pub fn persist_json(
    spool: &Spool,
    pkg: &AccessPackage,
    order: &[CollectionRef],
    dir: &Path,
) -> Result<(), AppError> {
    let tmp = files::private_temporary(dir)?;
    let mut w = BufWriter::with_capacity(1 << 16, tmp);
    spool.write_json(pkg, order, &mut w)?;
    let tmp = w
        .into_inner()
        .map_err(|e| FileError::io("cannot write access.json", e.into_error()))?;
    tmp.as_file().sync_all().map_err(FileError::from)?;
    let path = dir.join("access.json");
    tmp.persist(&path)
        .map_err(|e| FileError::io(format!("cannot write `{}`", path.display()), e.error))?;
    Ok(())
}
