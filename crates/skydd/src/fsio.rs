//! Reading inputs and writing outputs safely: a missing register is an input error with a
//! hint, and every file is written to a temporary sibling then renamed into place, so a
//! crash or a full disk never leaves half a document.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Reads a register file as UTF-8.
pub fn read_register(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "cannot read register `{}`: no such file; create one with `skydd init` or name another with --register PATH",
            path.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot read register `{}`", path.display())),
    }
}

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot create a file in `{}`", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// Reads the override files in a templates directory (only names the renderer knows).
pub fn read_templates(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read templates directory `{}`", dir.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let e =
            e.with_context(|| format!("cannot read templates directory `{}`", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if skydd_render::OVERRIDABLE.contains(&name.as_str()) {
            let text = std::fs::read_to_string(e.path())
                .with_context(|| format!("cannot read template `{}`", e.path().display()))?;
            out.push((name, text));
        }
    }
    if out.is_empty() {
        bail!(
            "`{}` holds none of the overridable files ({})",
            dir.display(),
            skydd_render::OVERRIDABLE.join(", ")
        );
    }
    Ok(out)
}
