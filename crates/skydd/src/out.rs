//! Standard output that a closed pipe cannot stop. `skydd retention plan | head` closes the
//! pipe after one line; std's `println!` would then panic, possibly before a command has
//! recorded what it did. Every print in this crate goes through [`write`] (the crate's own
//! `println!`/`print!` macros, defined in `main.rs`, shadow std's): after the first failed
//! write the rest of the output is dropped, the command carries on, and [`finish`] tells
//! `main` what happened.

use std::fmt;
use std::io::{self, ErrorKind, Write as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write has failed: later output is dropped.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The first failure that was not a closed pipe (a full disk, say): worth an error at exit.
static FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Writes formatted text to standard output, and a newline when `newline`.
pub fn write(args: fmt::Arguments<'_>, newline: bool) {
    if STOPPED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    let r = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = r {
        stop(&e);
    }
}

/// Writes bytes to standard output.
pub fn bytes(b: &[u8]) {
    if STOPPED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = io::stdout().lock().write_all(b) {
        stop(&e);
    }
}

/// Standard output as an `io::Write`, through [`bytes`]: for serialisers that stream.
pub struct Stdout;

impl io::Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn stop(e: &io::Error) {
    STOPPED.store(true, Ordering::Relaxed);
    if e.kind() != ErrorKind::BrokenPipe
        && let Ok(mut f) = FAILURE.lock()
    {
        f.get_or_insert_with(|| e.to_string());
    }
}

/// Flushes standard output. `Err` carries a failure other than a closed pipe: a reader that
/// stopped reading is normal (`| head`), a disk that filled up is not.
pub fn finish() -> Result<(), String> {
    if !STOPPED.load(Ordering::Relaxed)
        && let Err(e) = io::stdout().lock().flush()
    {
        stop(&e);
    }
    match FAILURE.lock().ok().and_then(|mut f| f.take()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
