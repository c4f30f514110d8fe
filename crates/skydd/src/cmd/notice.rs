//! `skydd notice`: render the privacy notice; `skydd notice diff`: compare two registers.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use skydd_core::{diff, lint};
use skydd_render::{Format, Renderer};

use crate::cli::{DiffArgs, FormatChoice, RenderArgs};
use crate::report::{self, Style, paint};
use crate::{Reported, fsio};

fn formats(choice: FormatChoice) -> Vec<Format> {
    match choice {
        FormatChoice::Html => vec![Format::Html],
        FormatChoice::Md => vec![Format::Markdown],
        FormatChoice::All => vec![Format::Html, Format::Markdown],
    }
}

/// A renderer with the built-in templates, or those of `dir` over them.
pub fn renderer(dir: Option<&Path>) -> anyhow::Result<Renderer> {
    Ok(match dir {
        Some(d) => Renderer::with_overrides(fsio::read_templates(d)?)?,
        None => Renderer::new()?,
    })
}

pub fn render(path: &Path, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let langs = super::langs(args.lang);
    let formats = formats(args.format);
    let several = langs.len() * formats.len() > 1;
    if several && args.out.is_none() {
        bail!("several documents were asked for; name a directory with --out DIR");
    }
    let renderer = renderer(args.templates.as_deref())?;
    let (_, register) = report::load_register(path, false)?;
    let (errors, _) = report::counts(&lint::run(&register));
    if errors > 0 {
        let color = report::stderr_color();
        if args.strict {
            eprintln!(
                "{}: `{}` has {errors} error-level finding(s); run `skydd check` (not rendering: --strict)",
                paint("error", Style::Error, color),
                path.display()
            );
            return Err(Reported(1).into());
        }
        eprintln!(
            "{}: `{}` has {errors} error-level finding(s); run `skydd check`. Rendering anyway.",
            paint("warning", Style::Warning, color),
            path.display()
        );
    }
    let mut written = Vec::new();
    for lang in &langs {
        for format in &formats {
            let doc = renderer.notice(&register, *lang, *format)?;
            match &args.out {
                None => print!("{doc}"),
                Some(out) => {
                    let target = if several || out.is_dir() {
                        std::fs::create_dir_all(out).with_context(|| {
                            format!("cannot create directory `{}`", out.display())
                        })?;
                        out.join(format!("notice.{}.{}", lang.code(), format.extension()))
                    } else {
                        out.clone()
                    };
                    fsio::write_atomic(&target, doc.as_bytes(), fsio::Visibility::Public)?;
                    written.push(target);
                }
            }
        }
    }
    for w in written {
        eprintln!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let lang = super::one_lang(args.lang)?;
    let (_, old) = report::load_register(&args.old, args.json)?;
    let (_, new) = report::load_register(&args.new, args.json)?;
    let d = diff::diff(&old, &new);
    if args.json {
        report::print_json(&serde_json::to_value(&d)?);
    } else {
        let color = report::stdout_color();
        let v = |v: &Option<String>| v.clone().unwrap_or_else(|| "(no version)".into());
        println!(
            "{} {} → {}",
            paint("Notice", Style::Bold, color),
            v(&d.old_version),
            v(&d.new_version)
        );
        if d.changes.is_empty() {
            println!("No changes to what the notice says.");
        }
        let (material, minor): (Vec<_>, Vec<_>) = d.changes.iter().partition(|c| c.material);
        if !material.is_empty() {
            println!(
                "\n{}",
                paint(
                    "Material changes (announce before they take effect):",
                    Style::Warning,
                    color
                )
            );
            for c in &material {
                println!("  [{}] {}", c.kind, c.text(lang));
            }
        }
        if !minor.is_empty() {
            println!("\n{}", paint("Other changes:", Style::Bold, color));
            for c in &minor {
                println!("  [{}] {}", c.kind, c.text(lang));
            }
        }
        if d.has_material() {
            println!();
            match (d.effective, d.change_notice_days, d.announce_by) {
                (Some(e), Some(days), Some(by)) => println!(
                    "Takes effect {e}; the notice promises {days} days' warning: announce by {by}."
                ),
                (Some(e), _, _) => println!(
                    "Takes effect {e}. Set [notice] change_notice_days to compute the announcement date."
                ),
                _ => println!(
                    "Set [notice] effective and change_notice_days to compute the announcement date."
                ),
            }
            if d.version_unchanged {
                println!(
                    "{}: the version is unchanged; give the new notice a new version.",
                    paint("warning", Style::Warning, color)
                );
            }
        }
    }
    Ok(if args.exit_code && d.has_material() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
