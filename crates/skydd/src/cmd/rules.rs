//! `skydd rules` and `skydd explain`.

use std::process::ExitCode;

use anyhow::bail;
use skydd_core::diagnostic::suggestion;
use skydd_core::lint::{RULES, rule};

use crate::cli::{ExplainArgs, JsonArgs};
use crate::report;

pub fn list(args: &JsonArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        report::print_json(RULES);
        return Ok(ExitCode::SUCCESS);
    }
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in RULES {
        println!(
            "{:<width$}  {:<7}  {}",
            r.id,
            r.severity.to_string(),
            r.summary
        );
    }
    println!(
        "\n{} rules. `skydd explain <rule>` tells the law and the fix.",
        RULES.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn explain(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(r) = rule(&args.rule) else {
        let hint = suggestion(&args.rule, RULES.iter().map(|r| r.id))
            .unwrap_or_else(|| "`skydd rules` lists them".to_owned());
        bail!("no rule `{}`; {hint}", args.rule);
    };
    println!(
        "{} ({})\n\n{}\n\nLaw: {}\nFix: {}",
        r.id, r.severity, r.summary, r.law, r.fix
    );
    Ok(ExitCode::SUCCESS)
}
