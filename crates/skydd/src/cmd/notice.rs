//! `skydd notice`: render the privacy notice, or with `--subprocessors` the sub-processor
//! list a processor publishes for its customers; `skydd notice diff`: compare two registers.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use skydd_core::{Lang, diff, lint};
use skydd_render::{Format, Renderer};

use crate::cli::{DiffArgs, FormatChoice, LangChoice, RenderArgs};
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

/// The name of a notice in a directory: the page's usual name in its language, then the
/// language and the format, so that every document has its own predictable name.
pub fn file_name(lang: Lang, format: Format) -> String {
    let base = match lang {
        Lang::Sv => "integritetspolicy",
        Lang::En => "privacy-notice",
    };
    format!("{base}.{}.{}", lang.code(), format.extension())
}

/// The name of a sub-processor list in a directory, as [`file_name`] names notices.
pub fn subprocessors_file_name(lang: Lang, format: Format) -> String {
    let base = match lang {
        Lang::Sv => "underbitraden",
        Lang::En => "subprocessors",
    };
    format!("{base}.{}.{}", lang.code(), format.extension())
}

/// Where `--out` sends the notice.
#[derive(Debug, PartialEq)]
enum Target<'a> {
    Stdout,
    File(&'a Path),
    Dir(&'a Path),
}

/// Decides what `--out` names. A path ending in `/`, an existing directory, or several
/// documents asked for make a directory; a new path without an extension is refused rather
/// than guessed at (`--out public` meant `public/` more often than a file named `public`).
fn target<'a>(out: Option<&'a Path>, asked_for_all: bool) -> anyhow::Result<Target<'a>> {
    let Some(out) = out else {
        if asked_for_all {
            bail!("several documents were asked for; name a directory with --out DIR");
        }
        return Ok(Target::Stdout);
    };
    let text = out.as_os_str().to_string_lossy();
    let slash = text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR);
    if slash || out.is_dir() || asked_for_all {
        if out.exists() && !out.is_dir() {
            bail!(
                "`{}` is a file, but several documents go into a directory; name a directory with --out DIR/",
                out.display()
            );
        }
        return Ok(Target::Dir(out));
    }
    if !out.exists() && out.extension().is_none() {
        bail!(
            "--out `{}`: write `{}/` for a directory of notices, or a file name with an extension such as `{}.md`",
            out.display(),
            out.display(),
            out.display()
        );
    }
    Ok(Target::File(out))
}

pub fn render(path: &Path, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let asked_for_all =
        args.lang == Some(LangChoice::All) || args.format == Some(FormatChoice::All);
    let target = target(args.out.as_deref(), asked_for_all)?;
    // A directory gets every language and format unless narrowed; one document is Swedish
    // Markdown unless told otherwise.
    let (langs, formats) = match target {
        Target::Dir(_) => (
            super::langs(args.lang.unwrap_or(LangChoice::All)),
            formats(args.format.unwrap_or(FormatChoice::All)),
        ),
        Target::Stdout | Target::File(_) => (
            super::langs(args.lang.unwrap_or(LangChoice::Sv)),
            formats(args.format.unwrap_or(FormatChoice::Md)),
        ),
    };
    let renderer = renderer(args.templates.as_deref())?;
    let (_, register) = report::load_register(path, false)?;
    if args.subprocessors && !register.is_processor() {
        return Err(super::ropa::not_a_processor(path));
    }
    let (errors, _) = report::counts(&lint::run_as_of(&register, skydd_app::clock::today()));
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
    // Every document is rendered before anything is written: a template error writes nothing.
    let today = skydd_app::clock::today();
    let mut docs = Vec::new();
    for lang in &langs {
        for format in &formats {
            let doc = if args.subprocessors {
                renderer.subprocessors(&register, *lang, *format, today)?
            } else {
                renderer.notice(&register, *lang, *format)?
            };
            docs.push((*lang, *format, doc));
        }
    }
    let name = if args.subprocessors {
        subprocessors_file_name
    } else {
        file_name
    };
    match target {
        Target::Stdout => {
            for (_, _, doc) in &docs {
                print!("{doc}");
            }
        }
        Target::File(out) => {
            for (_, _, doc) in &docs {
                fsio::write_atomic(out, doc.as_bytes(), fsio::Visibility::Public)?;
                eprintln!("wrote {}", out.display());
            }
        }
        Target::Dir(out) => {
            std::fs::create_dir_all(out)
                .with_context(|| format!("cannot create directory `{}`", out.display()))?;
            for (lang, format, doc) in &docs {
                let file = out.join(name(*lang, *format));
                fsio::write_atomic(&file, doc.as_bytes(), fsio::Visibility::Public)?;
                eprintln!("wrote {}", file.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let lang = super::one_lang(args.lang)?;
    let (_, old) = report::load_register(&args.old, args.json)?;
    let (_, new) = report::load_register(&args.new, args.json)?;
    let d = diff::diff(&old, &new);
    if args.json {
        report::print_json(&d);
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
