//! Reading inputs and writing outputs safely: a missing register is an input error with a
//! hint, and every file is written to a temporary sibling then renamed into place, so a
//! crash or a full disk never leaves half a document. Who may read a file is decided at
//! each call ([`Visibility`]): documents for the public follow the umask, files with personal
//! data or secrets are the owner's alone, from the first byte written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::error::FileError;

/// Reads a register file as UTF-8.
pub fn read_register(path: &Path) -> Result<String, FileError> {
    match std::fs::read(path) {
        Ok(bytes) => utf8(path, bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::Unusable(format!(
            "cannot read register `{}`: no such file; create one with `skydd init` or name another with --register PATH",
            path.display()
        ))),
        Err(e) => Err(FileError::io(
            format!("cannot read register `{}`", path.display()),
            e,
        )),
    }
}

/// Reads a file of at most `limit` bytes, without reading more than that of a larger one.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, FileError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(FileError::Unusable(format!(
            "{}: larger than {limit} bytes, the most skydd reads from such a file",
            path.display()
        )));
    }
    Ok(bytes)
}

/// `bytes` as text, or an error naming the file, line and column of the first byte that is
/// not UTF-8.
pub fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        // Everything before `at` is valid, so nothing is lost here.
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        FileError::Unusable(format!(
            "{}:{line}:{column}: not UTF-8 (byte 0x{:02X}); save the file as UTF-8",
            path.display(),
            bytes.get(at).copied().unwrap_or_default()
        ))
    })
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A document for anyone (the notice, the Art. 30 record, the register): mode 0666
    /// less the umask, as any program would create it, so a web server can serve it.
    Public,
    /// Personal data or a secret (access packages, exports, keys): mode 0600.
    Private,
}

/// The prefix of skydd's temporary files, so that leftovers are recognisable.
pub const TEMP_PREFIX: &str = ".skydd-tmp-";

/// How old a temporary file must be before the next write into its directory removes it.
/// A write takes milliseconds; one older than this was left by a killed process.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename).
/// The temporary file has its final mode from the start, so personal data is never readable
/// by others, not even half-written; leftovers of killed runs are removed on the way.
pub fn write_atomic(path: &Path, bytes: &[u8], visibility: Visibility) -> Result<(), FileError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temporaries(&dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(match visibility {
            // The kernel applies the umask to the mode a file is created with.
            Visibility::Public => 0o666,
            Visibility::Private => 0o600,
        }));
    }
    let mut tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| FileError::io(format!("cannot create a file in `{}`", dir.display()), e))?;
    let cannot_write = |e| FileError::io(format!("cannot write `{}`", path.display()), e);
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(cannot_write)?;
    tmp.persist(path).map_err(|e| cannot_write(e.error))?;
    Ok(())
}

/// A new temporary file in `dir` readable by its owner only, named so that the next run
/// removes it if this one is killed (stale leftovers are removed now). Persist it to keep it.
pub fn private_temporary(dir: &Path) -> Result<tempfile::NamedTempFile, FileError> {
    remove_stale_temporaries(dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| FileError::io(format!("cannot create a file in `{}`", dir.display()), e))
}

/// Removes skydd's temporary files older than [`STALE_AFTER`] from `dir`. Best effort: a
/// leftover that cannot be removed does not stop the write.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let stale = e
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if stale {
            match std::fs::remove_file(e.path()) {
                Ok(()) => {
                    tracing::info!(file = %e.path().display(), "removed a stale temporary file")
                }
                Err(err) => {
                    tracing::warn!(file = %e.path().display(), %err, "cannot remove a stale temporary file")
                }
            }
        }
    }
}

/// Creates `dir` (and missing parents) readable by its owner only, for files that hold
/// personal data; an existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| FileError::io(format!("cannot create `{}`", dir.display()), e))
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// The mode a plain new file gets in this process: 0666 less the umask.
    fn umask_mode(dir: &Path) -> u32 {
        let probe = dir.join("probe");
        std::fs::File::create(&probe).unwrap();
        mode(&probe)
    }

    #[test]
    fn private_files_are_the_owners_and_public_ones_follow_the_umask() {
        let d = tempfile::tempdir().unwrap();
        let private = d.path().join("access.json");
        write_atomic(&private, b"{}", Visibility::Private).unwrap();
        assert_eq!(mode(&private), 0o600);
        let public = d.path().join("notice.html");
        write_atomic(&public, b"<html>", Visibility::Public).unwrap();
        assert_eq!(mode(&public), umask_mode(d.path()));
        // Replacing a readable file with private content makes it private.
        write_atomic(&public, b"secret", Visibility::Private).unwrap();
        assert_eq!(mode(&public), 0o600);
    }

    #[test]
    fn stale_temporary_files_are_removed_by_the_next_write() {
        let d = tempfile::tempdir().unwrap();
        let old = d.path().join(format!("{TEMP_PREFIX}killed"));
        let fresh = d.path().join(format!("{TEMP_PREFIX}running"));
        let other = d.path().join(".hidden");
        for f in [&old, &fresh, &other] {
            std::fs::write(f, "personal data").unwrap();
        }
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        for f in [&old, &other] {
            std::fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        write_atomic(&d.path().join("out.json"), b"{}", Visibility::Private).unwrap();
        assert!(!old.exists(), "a leftover of a killed run is removed");
        assert!(fresh.exists(), "a write in progress is left alone");
        assert!(
            other.exists(),
            "only skydd's own temporary files are touched"
        );
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }
}
