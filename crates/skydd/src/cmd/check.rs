//! `skydd check`: load the register, then run the lint.

use std::path::Path;
use std::process::ExitCode;

use skydd_core::lint;

use crate::cli::CheckArgs;
use crate::report::{self, Style, paint};

pub fn run(path: &Path, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let today = skydd_app::clock::day(args.today.as_deref(), "--today")?;
    let (src, register) = report::load_register(path, args.json)?;
    let findings = lint::run_as_of(&register, today);
    let (errors, warnings) = report::counts(&findings);
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    tracing::info!(errors, warnings, "checked {}", path.display());
    if args.json {
        report::print_json(&serde_json::json!({
            "register": path.display().to_string(),
            "loaded": true,
            "controller": register.controller.name,
            "content_hash": register.content_hash(),
            "rules": lint::RULES.len(),
            "errors": errors,
            "warnings": warnings,
            "diagnostics": report::locate(&src, &findings),
        }));
    } else {
        let color = report::stdout_color();
        print!("{}", report::human(path, &src, &findings, color));
        let verdict = if failed {
            paint("fails", Style::Error, color)
        } else {
            paint("passes", Style::Bold, color)
        };
        println!(
            "{}: {verdict} ({}; {} rules checked)",
            path.display(),
            report::summary(errors, warnings),
            lint::RULES.len()
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
