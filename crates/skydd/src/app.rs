//! The command line's side of `skydd-app`: opening the workspace with the register's
//! problems printed as diagnostics, the notes of a use case printed on standard error, and
//! the usage errors already explained.

use std::path::Path;

use skydd_app::{AppError, Note, NoteKind, Workspace};

use crate::Reported;
use crate::report::{self, Style, paint};

/// The state URL of `--state` (or `SKYDD_STATE`), set once by `main`.
static STATE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Keeps skydd's state at `url` for every workspace this process loads.
pub fn use_state_url(url: String) {
    let _ = STATE_URL.set(url);
}

fn with_state_url(mut ws: Workspace) -> Workspace {
    if let Some(url) = STATE_URL.get() {
        ws.use_state_url(url.clone());
    }
    ws
}

/// Loads the register (only).
pub fn load(path: &Path) -> anyhow::Result<Workspace> {
    Workspace::load(path).map(with_state_url).map_err(fail)
}

/// Loads the register and data maps and connects to every database (or just `only`).
pub async fn open(path: &Path, only: Option<&str>) -> anyhow::Result<Workspace> {
    Workspace::open(path, only)
        .await
        .map(with_state_url)
        .map_err(fail)
}

/// An error of a use case for `main`: a register that does not load is printed here as
/// located diagnostics (status 2); every other error prints as `error: …` with its sources.
pub fn fail(e: AppError) -> anyhow::Error {
    match e {
        AppError::Register { path, text, source } => {
            report::print_load_error(&path, &text, &source, false);
            Reported(2).into()
        }
        e => e.into(),
    }
}

/// Closes the workspace's connections and passes on the use case's result.
pub async fn closing<T>(ws: &Workspace, result: Result<T, AppError>) -> anyhow::Result<T> {
    ws.close().await;
    result.map_err(fail)
}

/// Prints a use case's notes on standard error.
pub fn notes(notes: &[Note]) {
    for n in notes {
        let word = match n.kind {
            NoteKind::Warning => paint(n.kind.word(), Style::Warning, report::stderr_color()),
            NoteKind::Note => n.kind.word().to_owned(),
        };
        eprintln!("{word}: {}", n.text);
    }
}

/// A usage error already explained.
pub fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    eprintln!(
        "{}: {message}",
        report::paint("error", report::Style::Error, report::stderr_color())
    );
    Reported(2).into()
}
