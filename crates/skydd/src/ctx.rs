//! The context of a data-subject request or a retention sweep: the register, the data map of
//! each database, live connections and schemas, and skydd's own state. Built once per
//! command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use skydd_connect::Db;
use skydd_core::datamap::{self, DataMap};
use skydd_core::plan::World;
use skydd_core::register::{ConnectionSource, Database, KeySource, Register};
use skydd_core::schema::Schema;
use skydd_store::Store;

use crate::{Reported, report};

/// Everything a request needs.
pub struct Ctx {
    /// The register file.
    pub path: PathBuf,
    /// The register.
    pub register: Register,
    /// The data maps of every database, joined.
    pub map: DataMap,
    /// Dataset key of each database (by database name).
    pub dataset_of: BTreeMap<String, String>,
    /// Connections by dataset key.
    pub dbs: BTreeMap<String, Db>,
    /// Live schemas by dataset key.
    pub schemas: BTreeMap<String, Schema>,
}

/// The directory paths in the register are relative to.
pub fn base_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The connection URL of a database. Never printed.
pub fn url(base: &Path, db: &Database) -> anyhow::Result<String> {
    Ok(match &db.connection {
        ConnectionSource::Env(var) => std::env::var(var).map_err(|_| {
            anyhow::anyhow!(
                "database `{}`: the environment variable `{var}` (its connection URL) is not set",
                db.name
            )
        })?,
        ConnectionSource::File(f) => std::fs::read_to_string(base.join(f))
            .with_context(|| format!("database `{}`: cannot read its URL file `{f}`", db.name))?
            .trim()
            .to_owned(),
        ConnectionSource::Path(p) => base.join(p).display().to_string(),
    })
}

/// Reads and resolves the data maps of `register`'s databases (all of them, or `only`).
pub fn load_map(
    path: &Path,
    register: &Register,
    only: Option<&str>,
) -> anyhow::Result<(DataMap, BTreeMap<String, String>)> {
    let base = base_dir(path);
    let mut datasets = Vec::new();
    let mut dataset_of = BTreeMap::new();
    let mut errors = Vec::new();
    let dbs: Vec<&Database> = register
        .databases
        .iter()
        .filter(|d| only.is_none_or(|o| o == d.name))
        .collect();
    if dbs.is_empty() {
        match only {
            Some(o) => bail!(
                "no database `{o}` in the register; it declares: {}",
                register
                    .databases
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => bail!(
                "the register declares no [[database]]; add one with its kind, connection and fideslang dataset"
            ),
        }
    }
    for db in dbs {
        let file = base.join(&db.dataset);
        let bytes =
            crate::fsio::read_limited(&file, datamap::scan::MAX_BYTES).with_context(|| {
                format!(
                    "database `{}`: cannot read its dataset `{}`",
                    db.name,
                    file.display()
                )
            })?;
        let text = crate::fsio::utf8(&file, bytes)?;
        match datamap::parse(&text, &file.display().to_string()) {
            Ok(mut ds) => {
                if let Some(second) = ds.get(1) {
                    bail!(
                        "{}: a second dataset; a database's dataset file holds exactly one",
                        second.location()
                    );
                }
                if ds.is_empty() {
                    bail!(
                        "{}: no dataset; a database's dataset file holds exactly one",
                        file.display()
                    );
                }
                dataset_of.insert(db.name.clone(), ds[0].key.clone());
                datasets.append(&mut ds);
            }
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(MapErrors(errors).into());
    }
    let map = datamap::resolve(datasets).map_err(MapErrors)?;
    Ok((map, dataset_of))
}

/// Data map errors, printed one per line.
#[derive(Debug)]
pub struct MapErrors(pub Vec<datamap::DataMapError>);

impl std::fmt::Display for MapErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "the data map has {} error(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for MapErrors {}

impl Ctx {
    /// Loads the register and data maps and connects to every database (or just `only`).
    pub async fn open(path: &Path, only: Option<&str>) -> anyhow::Result<Ctx> {
        let (_, register) = report::load_register(path, false)?;
        let (map, dataset_of) = load_map(path, &register, only)?;
        let base = base_dir(path);
        let mut dbs = BTreeMap::new();
        let mut schemas = BTreeMap::new();
        for db in register
            .databases
            .iter()
            .filter(|d| only.is_none_or(|o| o == d.name))
        {
            let url = url(&base, db)?;
            let conn = Db::connect(&db.name, db.kind, &url, db.schema.as_deref(), false).await?;
            let schema = conn.introspect().await?;
            let key = dataset_of[&db.name].clone();
            tracing::info!(database = %db.name, dataset = %key, tables = schema.tables.len(), "connected");
            dbs.insert(key.clone(), conn);
            schemas.insert(key, schema);
        }
        Ok(Ctx {
            path: path.to_path_buf(),
            register,
            map,
            dataset_of,
            dbs,
            schemas,
        })
    }

    /// The planners' view.
    pub fn world(&self) -> World<'_> {
        World::new(
            &self.register,
            &self.map,
            self.schemas.clone(),
            &self.dataset_of,
        )
    }

    /// skydd's own state, beside the register unless the register says otherwise; created
    /// when `start` (a command that records a request) finds none.
    pub async fn store(&self, start: bool) -> anyhow::Result<Store> {
        open_store(&self.path, &self.register, start).await
    }

    /// The key for keyed-hash masking, when configured.
    pub fn hmac_key(&self) -> anyhow::Result<Option<Vec<u8>>> {
        let base = base_dir(&self.path);
        let (key, source) = match &self.register.erasure.hmac_key {
            None => return Ok(None),
            Some(KeySource::Env(v)) => (
                std::env::var(v)
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "[erasure] hmac_key_env: the environment variable `{v}` is not set"
                        )
                    })?
                    .into_bytes(),
                format!("[erasure] hmac_key_env `{v}`"),
            ),
            Some(KeySource::File(f)) => (
                std::fs::read(base.join(f))
                    .with_context(|| format!("[erasure] hmac_key_file: cannot read `{f}`"))?,
                format!("[erasure] hmac_key_file `{f}`"),
            ),
        };
        skydd_core::register::check_hmac_key(&key)
            .map_err(|msg| usage(format!("{source}: {msg}")))?;
        Ok(Some(key))
    }

    /// Closes every connection.
    pub async fn close(&self) {
        for db in self.dbs.values() {
            db.close().await;
        }
    }
}

/// Where skydd's state lives for a register.
pub fn state_file(path: &Path, register: &Register) -> PathBuf {
    base_dir(path).join(
        register
            .state_path
            .as_deref()
            .unwrap_or("skydd-state.sqlite"),
    )
}

/// Opens skydd's state for a register. Commands that only read it (`may`, `requests`,
/// retention) refuse a missing file: answering from an empty state would say "yes" for a
/// person who was erased or restricted. Commands that record a request (`start`) create
/// it, and say where.
pub async fn open_store(path: &Path, register: &Register, start: bool) -> anyhow::Result<Store> {
    let file = state_file(path, register);
    let existed = file.exists();
    let store = Store::open(&file, start).await.map_err(|e| match e {
        skydd_store::StoreError::Missing { .. } => usage(e),
        e => e.into(),
    })?;
    if !existed {
        eprintln!(
            "note: created skydd's state at `{}`: requests, restrictions, objections and legal holds are recorded there (readable by you only); keep it with the register and back it up",
            file.display()
        );
    }
    Ok(store)
}

/// A usage error already explained.
pub fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    eprintln!(
        "{}: {message}",
        report::paint("error", report::Style::Error, report::stderr_color())
    );
    Reported(2).into()
}
