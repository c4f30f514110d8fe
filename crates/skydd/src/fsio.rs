//! Reading inputs and writing outputs safely (see `skydd_app::files`, where the functions
//! live, shared with the use cases), and the templates directory of `skydd notice`.

use std::path::Path;

use anyhow::{Context, bail};
pub use skydd_app::files::{Visibility, read_limited, read_register, utf8, write_atomic};

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
