//! `skydd ropa`: the record of processing activities (Art. 30.1), or with `--processor` the
//! record kept as a processor (Art. 30.2).

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{RopaArgs, RopaFormat};
use crate::{fsio, report};

pub fn run(path: &Path, args: &RopaArgs) -> anyhow::Result<ExitCode> {
    let lang = super::one_lang(args.lang)?;
    let renderer = super::notice::renderer(args.templates.as_deref())?;
    let (_, register) = report::load_register(path, false)?;
    let bytes = if args.processor {
        let today = skydd_app::clock::today();
        let doc = match args.format {
            RopaFormat::Csv => skydd_render::ropa_processor_csv(&register, lang, today)?,
            RopaFormat::Html => renderer
                .ropa_processor_html(&register, lang, today)?
                .map(String::into_bytes),
        };
        doc.ok_or_else(|| not_a_processor(path))?
    } else {
        match args.format {
            RopaFormat::Csv => skydd_render::ropa_csv(&register, lang)?,
            RopaFormat::Html => renderer.ropa_html(&register, lang)?.into_bytes(),
        }
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

/// The refusal when a processor's document is asked of a register without processing on
/// behalf of others: status 2, with what to add.
pub fn not_a_processor(path: &Path) -> anyhow::Error {
    crate::app::usage(format!(
        "`{}` records no processing on behalf of others, so there is no processor's record or sub-processor list to write\n  \
         help: if you process personal data for your customers (as their personuppgiftsbiträde, GDPR art. 28), add a \
         [[processing_for]] with `controllers`, `controller_list` and `processing`, and its [[subprocessor]] entries",
        path.display()
    ))
}
