//! `skydd ropa`: the record of processing activities (Art. 30.1).

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{RopaArgs, RopaFormat};
use crate::{fsio, report};

pub fn run(path: &Path, args: &RopaArgs) -> anyhow::Result<ExitCode> {
    let lang = super::one_lang(args.lang)?;
    let renderer = super::notice::renderer(args.templates.as_deref())?;
    let (_, register) = report::load_register(path, false)?;
    let bytes = match args.format {
        RopaFormat::Csv => skydd_render::ropa_csv(&register, lang)?,
        RopaFormat::Html => renderer.ropa_html(&register, lang)?.into_bytes(),
    };
    match &args.out {
        Some(out) => {
            fsio::write_atomic(out, &bytes, fsio::Visibility::Public)?;
            eprintln!("wrote {}", out.display());
        }
        None => crate::out::bytes(&bytes),
    }
    Ok(ExitCode::SUCCESS)
}
