//! `skydd rules` and `skydd explain`: the lint rules `skydd check` applies to a register, and
//! the Art. 13/14 elements `skydd audit` looks for in a published policy (`audit-…` ids).

use std::process::ExitCode;

use anyhow::bail;
use serde::Serialize;
use skydd_core::audit::{self, ELEMENTS};
use skydd_core::diagnostic::suggestion;
use skydd_core::lint::{RULES, Rule};

use crate::cli::{ExplainArgs, JsonArgs};
use crate::report;

/// One listed rule with what runs it: `lint` (`skydd check`) or `audit` (`skydd audit`).
#[derive(Serialize)]
struct Listed<'a> {
    kind: &'static str,
    #[serde(flatten)]
    rule: &'a Rule,
    /// For an audit element, what in a policy's text counts as the element being there.
    #[serde(skip_serializing_if = "Option::is_none")]
    looked_for: Option<&'static str>,
}

fn print_table(rules: &[Rule], width: usize) {
    for r in rules {
        println!(
            "{:<width$}  {:<7}  {}",
            r.id,
            r.severity.to_string(),
            r.summary
        );
    }
}

pub fn list(args: &JsonArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        let all: Vec<Listed> = RULES
            .iter()
            .map(|rule| Listed {
                kind: "lint",
                rule,
                looked_for: None,
            })
            .chain(ELEMENTS.iter().map(|rule| Listed {
                kind: "audit",
                rule,
                looked_for: audit::looked_for(rule.id),
            }))
            .collect();
        report::print_json(&all);
        return Ok(ExitCode::SUCCESS);
    }
    let width = RULES
        .iter()
        .chain(ELEMENTS)
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0);
    println!("Lint rules (`skydd check`, on the register):\n");
    print_table(RULES, width);
    println!("\nPolicy elements (`skydd audit`, on a published policy's text):\n");
    print_table(ELEMENTS, width);
    println!(
        "\n{} rules and {} policy elements. `skydd explain <id>` tells the law and the fix.",
        RULES.len(),
        ELEMENTS.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn explain(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    // `audit::rule` finds an `audit-…` element first and falls back to the lint rules.
    let Some(r) = audit::rule(&args.rule) else {
        let ids = RULES.iter().chain(ELEMENTS).map(|r| r.id);
        let hint =
            suggestion(&args.rule, ids).unwrap_or_else(|| "`skydd rules` lists them".to_owned());
        bail!("no rule `{}`; {hint}", args.rule);
    };
    println!(
        "{} ({})\n\n{}\n\nLaw: {}\nFix: {}",
        r.id, r.severity, r.summary, r.law, r.fix
    );
    if let Some(l) = audit::looked_for(r.id) {
        println!("\n`skydd audit` reports this when a policy's text has none of: {l}.");
    }
    Ok(ExitCode::SUCCESS)
}
