//! `skydd taxonomy`: the keys a register may use.

use std::process::ExitCode;

use skydd_core::taxonomy::{ATTRIBUTION, Kind, taxonomy};

use crate::cli::{TaxonomyArgs, TaxonomyKind};
use crate::report;

pub fn run(args: &TaxonomyArgs) -> anyhow::Result<ExitCode> {
    let lang = super::one_lang(args.lang)?;
    let kind = match args.kind {
        TaxonomyKind::Categories => Kind::DataCategory,
        TaxonomyKind::Subjects => Kind::DataSubject,
        TaxonomyKind::Uses => Kind::DataUse,
    };
    let entries = taxonomy().of(kind);
    if args.json {
        report::print_json(&serde_json::json!({
            "attribution": ATTRIBUTION,
            "entries": entries.values().collect::<Vec<_>>(),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let width = entries.keys().map(String::len).max().unwrap_or(0);
    for e in entries.values() {
        println!("{:<width$}  {}", e.key, e.name(lang));
    }
    println!("\n{ATTRIBUTION}");
    Ok(ExitCode::SUCCESS)
}
