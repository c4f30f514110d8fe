//! The data map against reality: `map check` (the map, the register and the live schemas
//! compared; the findings are the core's) and `map draft` (a dataset drafted from a live
//! schema).

use std::collections::BTreeMap;

use serde::Serialize;
use skydd_connect::{Db, Dialect};
use skydd_core::datamap::check::{self, Finding, Live, SqlNames};
use skydd_core::register::DbKind;

use crate::clock::today;
use crate::error::AppError;
use crate::note::Note;
use crate::workspace::{Workspace, base_dir, url};

/// A connector's dialect, as the check's SQL names.
struct Names<'a>(&'a Dialect);

impl SqlNames for Names<'_> {
    fn kind(&self) -> DbKind {
        self.0.kind
    }
    fn ident(&self, name: &str) -> String {
        self.0.ident(name)
    }
    fn table(&self, name: &str) -> String {
        self.0.table(name)
    }
}

/// What `map check` found.
#[derive(Debug, Serialize)]
pub struct CheckOutcome {
    // Fields in alphabetical order, as the command line has always printed them.
    /// Error-level findings.
    pub errors: usize,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Warnings.
    pub warnings: usize,
    /// Collections checked.
    #[serde(skip)]
    pub collections: usize,
    /// Live tables they were checked against.
    #[serde(skip)]
    pub tables: usize,
}

/// Checks the data map of the workspace's databases against their live schemas and the
/// register, as of today (for retention).
pub fn check(ws: &Workspace) -> Result<CheckOutcome, AppError> {
    let dbs = ws.databases()?;
    let names: Vec<(String, Names<'_>)> = dbs
        .dbs
        .iter()
        .map(|(k, db)| (k.clone(), Names(&db.dialect)))
        .collect();
    let names: BTreeMap<String, &dyn SqlNames> = names
        .iter()
        .map(|(k, n)| (k.clone(), n as &dyn SqlNames))
        .collect();
    let live = Live {
        register: &ws.register,
        map: &dbs.map,
        dataset_of: &dbs.dataset_of,
        schemas: &dbs.schemas,
        names: &names,
    };
    let findings = check::findings(&live, today());
    let errors = findings.iter().filter(|f| f.severity == "error").count();
    Ok(CheckOutcome {
        errors,
        warnings: findings.len() - errors,
        findings,
        collections: dbs.map.collections().count(),
        tables: dbs.schemas.values().map(|s| s.tables.len()).sum(),
    })
}

/// What `map draft` drafted.
#[derive(Debug, Serialize)]
pub struct DraftOutcome {
    /// The database drafted from.
    pub database: String,
    /// The dataset, as YAML with `# review:` notes; none for a database without tables.
    pub yaml: Option<String>,
    /// Tables read.
    pub tables: usize,
    /// `# review:` notes in the draft.
    pub review_notes: usize,
    /// Warnings and notes.
    pub notes: Vec<Note>,
}

/// Drafts a fideslang dataset (key `key`, or the database's name) from the live schema of
/// the register's database `source`. The draft is checked to load before it is returned.
pub async fn draft(
    ws: &Workspace,
    source: &str,
    key: Option<&str>,
) -> Result<DraftOutcome, AppError> {
    let register = &ws.register;
    let Some(db) = register.databases.iter().find(|d| d.name == source) else {
        let names: Vec<&str> = register.databases.iter().map(|d| d.name.as_str()).collect();
        let hint = skydd_core::diagnostic::suggestion(source, names.iter().copied())
            .unwrap_or_else(|| format!("it declares: {}", names.join(", ")));
        return Err(AppError::Invalid(format!(
            "no database `{source}` in the register; {hint}"
        )));
    };
    let url = url(&base_dir(&ws.path), db)?;
    let conn = Db::connect(&db.name, db.kind, &url, db.schema.as_deref(), false).await?;
    let schema = conn.introspect().await;
    conn.close().await;
    let schema = schema?;
    if schema.tables.is_empty() {
        return Ok(DraftOutcome {
            database: db.name.clone(),
            yaml: None,
            tables: 0,
            review_notes: 0,
            notes: vec![Note::warning(format!(
                "database `{}` has no tables",
                db.name
            ))],
        });
    }
    let key = key.unwrap_or(&db.name);
    let draft = skydd_core::datamap::draft(&schema, key);
    let yaml = format!(
        "# From database `{}`.\n{}",
        db.name.replace(['\n', '\r'], " "),
        draft.yaml
    );
    // What we write must load.
    let loads = skydd_core::datamap::parse(&yaml, "draft").and_then(skydd_core::datamap::resolve);
    if let Err(e) = loads {
        return Err(AppError::Internal(format!(
            "the draft does not load ({}); please report this",
            e.first().map(ToString::to_string).unwrap_or_default()
        )));
    }
    Ok(DraftOutcome {
        database: db.name.clone(),
        yaml: Some(yaml),
        tables: schema.tables.len(),
        review_notes: draft.notes.len(),
        notes: Vec::new(),
    })
}
