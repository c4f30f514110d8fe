//! Showing diagnostics to people (rustc-style, with the offending line) and to programs
//! (JSON with line and column).

use std::io::IsTerminal;
use std::path::Path;

use serde::Serialize;
use skydd_core::text::LineIndex;
use skydd_core::{Diagnostic, Register, Severity};

use crate::Reported;

/// How a word is painted on a terminal.
#[derive(Clone, Copy)]
pub enum Style {
    Error,
    Warning,
    Accent,
    Bold,
}

/// Whether standard output takes colour.
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Whether standard error takes colour.
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// `text` in `style`, when `color`.
pub fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match style {
        Style::Error => "1;31",
        Style::Warning => "1;33",
        Style::Accent => "1;34",
        Style::Bold => "1",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// A diagnostic located for output.
#[derive(Debug, Serialize)]
pub struct Located<'a> {
    #[serde(flatten)]
    pub diagnostic: &'a Diagnostic,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
}

/// Adds line and column to diagnostics.
pub fn locate<'a>(src: &str, diags: &'a [Diagnostic]) -> Vec<Located<'a>> {
    let idx = LineIndex::new(src);
    diags
        .iter()
        .map(|d| {
            let start = d.span.map(|s| idx.line_col(src, s.start));
            let end = d.span.map(|s| idx.line_col(src, s.end));
            Located {
                diagnostic: d,
                line: start.map(|p| p.0),
                column: start.map(|p| p.1),
                end_line: end.map(|p| p.0),
                end_column: end.map(|p| p.1),
            }
        })
        .collect()
}

/// Formats diagnostics as text: a header, the location, the source line with carets, the
/// fix and the law.
pub fn human(file: &Path, src: &str, diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = src.lines().collect();
    for l in locate(src, diags) {
        let d = l.diagnostic;
        let (word, style) = match d.severity {
            Severity::Error => ("error", Style::Error),
            Severity::Warning => ("warning", Style::Warning),
        };
        out += &format!(
            "{}{} {}\n",
            paint(&format!("{word}[{}]", d.code), style, color),
            paint(":", Style::Bold, color),
            paint(&d.message, Style::Bold, color)
        );
        let gutter_width = l.line.map_or(1, |n| n.to_string().len());
        let pad = " ".repeat(gutter_width);
        let bar = paint("|", Style::Accent, color);
        match (l.line, l.column) {
            (Some(line), Some(col)) => {
                out += &format!(
                    "{pad}{} {}:{line}:{col}\n",
                    paint("-->", Style::Accent, color),
                    file.display()
                );
                let text = lines.get(line - 1).copied().unwrap_or("");
                let width = if l.end_line == Some(line) {
                    l.end_column.unwrap_or(col + 1).saturating_sub(col).max(1)
                } else {
                    text.chars().count().saturating_sub(col - 1).max(1)
                };
                out += &format!("{pad} {bar}\n");
                out += &format!(
                    "{} {bar} {text}\n",
                    paint(&line.to_string(), Style::Accent, color)
                );
                let carets = format!("{}{}", " ".repeat(col - 1), "^".repeat(width));
                out += &format!("{pad} {bar} {}\n", paint(&carets, style, color));
            }
            _ => {
                out += &format!(
                    "{pad}{} {}\n",
                    paint("-->", Style::Accent, color),
                    file.display()
                )
            }
        }
        if let Some(h) = &d.help {
            out += &format!("{pad} {} {}\n", paint("= help:", Style::Bold, color), h);
        }
        if let Some(law) = &d.law {
            out += &format!("{pad} {} {}\n", paint("= law:", Style::Bold, color), law);
        }
        out.push('\n');
    }
    out
}

/// The counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

/// "3 errors, 1 warning".
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Reads and loads a register; on failure prints every input error (to standard error, or
/// as JSON on standard output) and returns [`Reported`] with status 2.
pub fn load_register(path: &Path, json: bool) -> anyhow::Result<(String, Register)> {
    let src = crate::fsio::read_register(path)?;
    match skydd_core::load(&src) {
        Ok(r) => Ok((src, r)),
        Err(e) => {
            print_load_error(path, &src, &e, json);
            Err(Reported(2).into())
        }
    }
}

/// Prints why a register does not load: every diagnostic, located (to standard error, or
/// as JSON on standard output).
pub fn print_load_error(path: &Path, src: &str, e: &skydd_core::LoadError, json: bool) {
    if json {
        print_json(&serde_json::json!({
            "register": path.display().to_string(),
            "loaded": false,
            "errors": e.diagnostics.len(),
            "warnings": 0,
            "diagnostics": locate(src, &e.diagnostics),
        }));
    } else {
        eprint!("{}", human(path, src, &e.diagnostics, stderr_color()));
        eprintln!(
            "{}: `{}` cannot be used: {}",
            paint("error", Style::Error, stderr_color()),
            path.display(),
            summary(e.diagnostics.len(), 0)
        );
    }
}

/// Prints a JSON value on standard output (a closed pipe is ignored, see [`crate::out`]).
pub fn print_json<T: serde::Serialize + ?Sized>(v: &T) {
    // Streamed: a plan or package may hold hundreds of thousands of rows, and a whole
    // `Value` tree of them would take gigabytes. Our types serialise infallibly; a write
    // failure is the output's (recorded by `out`).
    let mut w = std::io::BufWriter::with_capacity(1 << 16, crate::out::Stdout);
    let _ = serde_json::to_writer_pretty(&mut w, v);
    let _ = std::io::Write::write_all(&mut w, b"\n");
    let _ = std::io::Write::flush(&mut w);
}
