//! `skydd map check` and `skydd map draft`: the data map against reality, by the use cases
//! of `skydd-app`.

use std::path::Path;
use std::process::ExitCode;

use skydd_app::map;

use crate::app;
use crate::cli::{MapCheckArgs, MapDraftArgs};
use crate::report::{self, Style, paint};
use crate::{Reported, fsio};

/// `skydd map check`.
pub async fn check(path: &Path, args: &MapCheckArgs) -> anyhow::Result<ExitCode> {
    let ws = app::open(path, args.source.as_deref()).await?;
    let o = app::closing(&ws, map::check(&ws)).await?;
    if args.json {
        report::print_json(&o);
    } else {
        let color = report::stdout_color();
        for f in &o.findings {
            let style = if f.severity == "error" {
                Style::Error
            } else {
                Style::Warning
            };
            println!(
                "{}: {}: {}",
                paint(f.severity, style, color),
                f.at,
                f.message
            );
            if let Some(fix) = &f.fix {
                println!("    {fix}");
            }
        }
        println!(
            "Data map: {} collection(s) checked against {} table(s): {}.",
            o.collections,
            o.tables,
            report::summary(o.errors, o.warnings)
        );
    }
    Ok(if o.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `skydd map draft`.
pub async fn draft(path: &Path, args: &MapDraftArgs) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    let o = map::draft(&ws, &args.source, args.key.as_deref()).await?;
    app::notes(&o.notes);
    let Some(yaml) = &o.yaml else {
        return Err(Reported(1).into());
    };
    match &args.out {
        Some(out) => {
            fsio::write_atomic(out, yaml.as_bytes(), fsio::Visibility::Public)?;
            eprintln!(
                "wrote {} ({} tables, {} `# review:` notes). Review them, then `skydd map check`.",
                out.display(),
                o.tables,
                o.review_notes
            );
        }
        None => {
            print!("{yaml}");
            eprintln!(
                "{} tables, {} `# review:` notes to look at.",
                o.tables, o.review_notes
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
