//! The workspace a use case runs in: the register and the file it came from, the data map
//! of each database, live connections and their schemas, the renderer and skydd's own
//! state. Loaded once (per command, or per server) and shared by every service.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use skydd_connect::Db;
use skydd_core::datamap::{self, DataMap};
use skydd_core::plan::World;
use skydd_core::register::{ConnectionSource, Database, KeySource, Register};
use skydd_core::schema::Schema;
use skydd_store::Store;
use tokio::sync::OnceCell;

use crate::error::{AppError, FileError};
use crate::files;
use crate::note::Note;

/// The company's databases as one request sees them.
pub struct Databases {
    /// The data maps of every database, joined.
    pub map: DataMap,
    /// Dataset key of each database (by database name).
    pub dataset_of: BTreeMap<String, String>,
    /// Connections by dataset key.
    pub dbs: BTreeMap<String, Db>,
    /// Live schemas by dataset key.
    pub schemas: BTreeMap<String, Schema>,
}

impl Databases {
    /// The connection of a dataset.
    pub fn db(&self, dataset: &str) -> Result<(&Db, &Schema), AppError> {
        match (self.dbs.get(dataset), self.schemas.get(dataset)) {
            (Some(db), Some(schema)) => Ok((db, schema)),
            _ => Err(AppError::NotFound(format!(
                "no database for dataset `{dataset}`"
            ))),
        }
    }
}

/// Everything the use cases need, loaded once.
pub struct Workspace {
    /// The register file.
    pub path: PathBuf,
    /// The register.
    pub register: Register,
    databases: Option<Databases>,
    state_url: Option<String>,
    state: OnceCell<Store>,
    renderer: std::sync::OnceLock<skydd_render::Renderer>,
    delivery: std::sync::OnceLock<skydd_notify::Delivery>,
}

impl Workspace {
    /// Loads the register at `path`, and nothing else.
    pub fn load(path: &Path) -> Result<Workspace, AppError> {
        let text = files::read_register(path)?;
        let register = match skydd_core::load(&text) {
            Ok(r) => r,
            Err(source) => {
                return Err(AppError::Register {
                    path: path.to_path_buf(),
                    text,
                    source,
                });
            }
        };
        Ok(Workspace::of(path, register))
    }

    /// A workspace of a register already loaded from `path`.
    pub fn of(path: &Path, register: Register) -> Workspace {
        Workspace {
            path: path.to_path_buf(),
            register,
            databases: None,
            state_url: None,
            state: OnceCell::new(),
            renderer: std::sync::OnceLock::new(),
            delivery: std::sync::OnceLock::new(),
        }
    }

    /// Loads the register and the data maps and connects to every database (or just
    /// `only`), reading each live schema.
    pub async fn open(path: &Path, only: Option<&str>) -> Result<Workspace, AppError> {
        let mut ws = Workspace::load(path)?;
        ws.connect(only).await?;
        Ok(ws)
    }

    /// Loads the data maps and connects to every database (or just `only`).
    pub async fn connect(&mut self, only: Option<&str>) -> Result<(), AppError> {
        let (map, dataset_of) = load_map(&self.path, &self.register, only)?;
        let base = base_dir(&self.path);
        let mut dbs = BTreeMap::new();
        let mut schemas = BTreeMap::new();
        for db in self
            .register
            .databases
            .iter()
            .filter(|d| only.is_none_or(|o| o == d.name))
        {
            let url = url(&base, db)?;
            let conn = Db::connect(&db.name, db.kind, &url, db.schema.as_deref(), false).await?;
            let schema = conn.introspect().await?;
            let Some(key) = dataset_of.get(&db.name).cloned() else {
                continue;
            };
            tracing::info!(database = %db.name, dataset = %key, tables = schema.tables.len(), "connected");
            dbs.insert(key.clone(), conn);
            schemas.insert(key, schema);
        }
        self.databases = Some(Databases {
            map,
            dataset_of,
            dbs,
            schemas,
        });
        Ok(())
    }

    /// The databases, once connected.
    pub fn databases(&self) -> Result<&Databases, AppError> {
        self.databases.as_ref().ok_or_else(|| {
            AppError::Internal("the workspace was opened without its databases".into())
        })
    }

    /// The planners' view.
    pub fn world(&self) -> Result<World<'_>, AppError> {
        let d = self.databases()?;
        Ok(World::new(
            &self.register,
            &d.map,
            d.schemas.clone(),
            &d.dataset_of,
        ))
    }

    /// The HTTP client and mail transport Art. 19 notices go out through, set up once from
    /// the register's `[notifications]` (the SMTP URL from the environment variable it
    /// names).
    pub fn delivery(&self) -> Result<&skydd_notify::Delivery, AppError> {
        if let Some(d) = self.delivery.get() {
            return Ok(d);
        }
        let settings = skydd_notify::DeliverySettings::from_register(&self.register.notifications);
        let built = skydd_notify::Delivery::new(settings)
            .map_err(|e| AppError::Invalid(format!("Art. 19 notices cannot be sent: {e}")))?;
        Ok(self.delivery.get_or_init(|| built))
    }

    /// Whether skydd's state answers now (the handle is opened once; the database behind
    /// it is asked each time).
    pub async fn ping(&self) -> Result<(), AppError> {
        let (store, _) = self.state(false).await?;
        Ok(skydd_store::StateStore::ping(store).await?)
    }

    /// Sends notices with `settings` instead of the register's (a server's or a test's own
    /// mail server); only before the first notice is sent.
    pub fn deliver_with(&self, settings: skydd_notify::DeliverySettings) -> Result<(), AppError> {
        let built = skydd_notify::Delivery::new(settings)
            .map_err(|e| AppError::Invalid(format!("Art. 19 notices cannot be sent: {e}")))?;
        self.delivery.set(built).map_err(|_| {
            AppError::Invalid("notices are already being sent with other settings".into())
        })
    }

    /// Keeps skydd's state in the database `url` names (`sqlite:PATH`, `postgres://…`)
    /// instead of the register's file: several servers share one PostgreSQL.
    pub fn use_state_url(&mut self, url: String) {
        self.state_url = Some(url);
    }

    /// Where skydd's state lives: beside the register unless the register says otherwise.
    pub fn state_file(&self) -> PathBuf {
        state_file(&self.path, &self.register)
    }

    /// skydd's own state, opened on first use. Use cases that only read it (`may`,
    /// `requests`, retention) refuse a missing file: answering from an empty state would
    /// say "yes" for a person who was erased or restricted. Use cases that record a request
    /// (`create`) create it, and say where in a note.
    pub async fn state(&self, create: bool) -> Result<(&Store, Option<Note>), AppError> {
        if let Some(store) = self.state.get() {
            return Ok((store, None));
        }
        if let Some(url) = &self.state_url {
            let store = self
                .state
                .get_or_try_init(|| async {
                    Store::connect(url, create).await.map_err(AppError::from)
                })
                .await?;
            return Ok((store, None));
        }
        let file = self.state_file();
        let existed = file.exists();
        let store = self
            .state
            .get_or_try_init(|| async { Store::open(&file, create).await.map_err(AppError::from) })
            .await?;
        let note = (!existed).then(|| {
            Note::info(format!(
                "created skydd's state at `{}`: requests, restrictions, objections and legal holds are recorded there (readable by you only); keep it with the register and back it up",
                file.display()
            ))
        });
        Ok((store, note))
    }

    /// The renderer of documents (built-in templates).
    pub fn renderer(&self) -> Result<&skydd_render::Renderer, AppError> {
        if let Some(r) = self.renderer.get() {
            return Ok(r);
        }
        let r = skydd_render::Renderer::new()?;
        Ok(self.renderer.get_or_init(|| r))
    }

    /// The key for keyed-hash masking, when the register configures one.
    pub fn hmac_key(&self) -> Result<Option<Vec<u8>>, AppError> {
        let base = base_dir(&self.path);
        let (key, source) = match &self.register.erasure.hmac_key {
            None => return Ok(None),
            Some(KeySource::Env(v)) => (
                std::env::var(v)
                    .map_err(|_| {
                        AppError::NotFound(format!(
                            "[erasure] hmac_key_env: the environment variable `{v}` is not set"
                        ))
                    })?
                    .into_bytes(),
                format!("[erasure] hmac_key_env `{v}`"),
            ),
            Some(KeySource::File(f)) => (
                std::fs::read(base.join(f)).map_err(|e| {
                    FileError::io(format!("[erasure] hmac_key_file: cannot read `{f}`"), e)
                })?,
                format!("[erasure] hmac_key_file `{f}`"),
            ),
        };
        skydd_core::register::check_hmac_key(&key)
            .map_err(|msg| AppError::Invalid(format!("{source}: {msg}")))?;
        Ok(Some(key))
    }

    /// Closes every connection and skydd's state.
    pub async fn close(&self) {
        if let Some(d) = &self.databases {
            for db in d.dbs.values() {
                db.close().await;
            }
        }
        if let Some(s) = self.state.get() {
            s.close().await;
        }
    }
}

/// The directory paths in the register are relative to.
pub fn base_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
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

/// The connection URL of a database. Never printed.
pub fn url(base: &Path, db: &Database) -> Result<String, AppError> {
    Ok(match &db.connection {
        ConnectionSource::Env(var) => std::env::var(var).map_err(|_| {
            AppError::NotFound(format!(
                "database `{}`: the environment variable `{var}` (its connection URL) is not set",
                db.name
            ))
        })?,
        ConnectionSource::File(f) => std::fs::read_to_string(base.join(f))
            .map_err(|e| {
                FileError::io(
                    format!("database `{}`: cannot read its URL file `{f}`", db.name),
                    e,
                )
            })?
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
) -> Result<(DataMap, BTreeMap<String, String>), AppError> {
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
        return Err(match only {
            Some(o) => AppError::NotFound(format!(
                "no database `{o}` in the register; it declares: {}",
                register
                    .databases
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => AppError::NotFound(
                "the register declares no [[database]]; add one with its kind, connection and fideslang dataset".into(),
            ),
        });
    }
    for db in dbs {
        let file = base.join(&db.dataset);
        let bytes = files::read_limited(&file, datamap::scan::MAX_BYTES).map_err(|source| {
            AppError::Read {
                context: format!(
                    "database `{}`: cannot read its dataset `{}`",
                    db.name,
                    file.display()
                ),
                source,
            }
        })?;
        let text = files::utf8(&file, bytes)?;
        match datamap::parse(&text, &file.display().to_string()) {
            Ok(mut ds) => {
                if let Some(second) = ds.get(1) {
                    return Err(AppError::Invalid(format!(
                        "{}: a second dataset; a database's dataset file holds exactly one",
                        second.location()
                    )));
                }
                let Some(first) = ds.first() else {
                    return Err(AppError::Invalid(format!(
                        "{}: no dataset; a database's dataset file holds exactly one",
                        file.display()
                    )));
                };
                dataset_of.insert(db.name.clone(), first.key.clone());
                datasets.append(&mut ds);
            }
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::DataMap(errors));
    }
    let map = datamap::resolve(datasets).map_err(AppError::DataMap)?;
    Ok((map, dataset_of))
}
