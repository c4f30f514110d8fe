//! `skydd audit POLICY`: read a published privacy policy and report what is outdated,
//! unlawful or missing, without a register.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use skydd_core::Severity;
use skydd_core::audit::{self, Document, Finding, Format};

use crate::cli::AuditArgs;
use crate::report::{self, Style, paint};

/// The most skydd reads of a policy: a long policy page is some hundred kilobytes.
const LIMIT: usize = 16 << 20;

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let (name, src, format) = read(&args.policy)?;
    let doc = Document::new(&src, format);
    let findings = audit::audit(&doc);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    let checked = audit::STATEMENT_RULES.len() + audit::ELEMENTS.len();
    if args.json {
        report::print_json(&serde_json::json!({
            "policy": name,
            "format": format,
            "rules": checked,
            "errors": errors,
            "warnings": warnings,
            "findings": findings,
        }));
    } else {
        let color = report::stdout_color();
        print!("{}", human(&name, &findings, color));
        let verdict = if failed {
            paint("fails", Style::Error, color)
        } else {
            paint("passes", Style::Bold, color)
        };
        println!(
            "{name}: {verdict} ({}; {checked} rules checked)",
            report::summary(errors, warnings)
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The policy's name for messages, its text, and its format.
fn read(path: &Path) -> anyhow::Result<(String, String, Format)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(LIMIT as u64 + 1)
            .read_to_end(&mut bytes)
            .context("cannot read the policy from standard input")?;
        if bytes.len() > LIMIT {
            bail!("standard input: larger than {LIMIT} bytes, the most skydd reads of a policy");
        }
        let src = crate::fsio::utf8(Path::new("<stdin>"), bytes)?;
        if src.trim().is_empty() {
            bail!("standard input is empty: there is no policy to read");
        }
        let format = Format::sniff(&src);
        return Ok(("<stdin>".into(), src, format));
    }
    if path.is_dir() {
        bail!(
            "`{}` is a directory; skydd audit reads one policy file (.txt, .md or .html)",
            path.display()
        );
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let Some(format) = Format::from_extension(ext) else {
        bail!(
            "`{}`: skydd audit reads .txt, .md or .html files, not {}; save the policy as text or HTML, or pipe it in with `skydd audit -`",
            path.display(),
            if ext.is_empty() {
                "a file without an extension".to_owned()
            } else {
                format!("`.{ext}`")
            }
        );
    };
    let bytes = match crate::fsio::read_limited(path, LIMIT) {
        Ok(b) => b,
        Err(e) if !path.exists() => {
            bail!(
                "cannot read policy `{}`: no such file ({e})",
                path.display()
            )
        }
        Err(e) => {
            return Err(
                anyhow::Error::from(e).context(format!("cannot read policy `{}`", path.display()))
            );
        }
    };
    let src = crate::fsio::utf8(path, bytes)?;
    // An empty policy is a wrong file, not a policy that lacks every element.
    if src.trim_start_matches('\u{feff}').trim().is_empty() {
        bail!(
            "`{}`: the file is empty; there is no policy to read",
            path.display()
        );
    }
    Ok((path.display().to_string(), src, format))
}

/// Findings as text: the rule and message, where, the sentence, then help and law.
fn human(name: &str, findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    let width = findings
        .iter()
        .filter_map(|f| f.line)
        .max()
        .map_or(1, |n| n.to_string().len());
    let pad = " ".repeat(width);
    let bar = paint("|", Style::Accent, color);
    for f in findings {
        let (word, style) = match f.severity {
            Severity::Error => ("error", Style::Error),
            Severity::Warning => ("warning", Style::Warning),
        };
        out += &format!(
            "{}{} {}\n",
            paint(&format!("{word}[{}]", f.rule), style, color),
            paint(":", Style::Bold, color),
            paint(&f.message, Style::Bold, color)
        );
        let arrow = paint("-->", Style::Accent, color);
        match (f.line, &f.sentence) {
            (Some(line), Some(sentence)) => {
                out += &format!("{pad}{arrow} {name}:{line}\n{pad} {bar}\n");
                let gutter = paint(&format!("{line:>width$}"), Style::Accent, color);
                out += &format!("{gutter} {bar} {}\n{pad} {bar}\n", shorten(sentence));
            }
            _ => out += &format!("{pad}{arrow} {name}\n"),
        }
        if !f.also_on_lines.is_empty() {
            let lines: Vec<String> = f.also_on_lines.iter().map(ToString::to_string).collect();
            out += &format!(
                "{pad} {} {}\n",
                paint("= also on lines:", Style::Bold, color),
                lines.join(", ")
            );
        }
        if let Some(l) = f.looked_for {
            out += &format!("{pad} {} {l}\n", paint("= looked for:", Style::Bold, color));
        }
        out += &format!("{pad} {} {}\n", paint("= help:", Style::Bold, color), f.fix);
        out += &format!(
            "{pad} {} {}\n\n",
            paint("= law:", Style::Bold, color),
            f.law
        );
    }
    out
}

/// A sentence cut to a readable length.
fn shorten(s: &str) -> String {
    const MAX: usize = 160;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
