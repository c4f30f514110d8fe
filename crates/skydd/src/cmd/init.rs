//! `skydd init`: a commented starter register.

use std::process::ExitCode;

use anyhow::bail;
use skydd_core::orgnr::OrgNumber;

use crate::cli::{InitArgs, Kind};
use crate::fsio;

const WEB_AGENCY: &str = include_str!("../../starters/web-agency.toml");
const HOSTING: &str = include_str!("../../starters/hosting.toml");

/// The starter for `kind`, with the company's details filled in.
pub fn starter(
    kind: Kind,
    name: Option<&str>,
    org: Option<&OrgNumber>,
    email: Option<&str>,
) -> String {
    let mut s = match kind {
        Kind::WebAgency => WEB_AGENCY,
        Kind::Hosting => HOSTING,
    }
    .to_owned();
    let quote = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
    if let Some(n) = name {
        s = s.replace("\"Exempel AB\"", &format!("\"{}\"", quote(n)));
    }
    if let Some(o) = org {
        s = s.replace("\"556214-1993\"", &format!("\"{o}\""));
    }
    if let Some(e) = email {
        s = s.replace("dataskydd@exempel.se", &quote(e));
    }
    s
}

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    if args.path.exists() && !args.force {
        bail!(
            "`{}` exists; pass --force to overwrite it",
            args.path.display()
        );
    }
    let org = match &args.org_number {
        Some(o) => Some(OrgNumber::parse(o).map_err(|e| anyhow::anyhow!("--org-number: {e}"))?),
        None => None,
    };
    if let Some(e) = &args.email
        && !e.contains('@')
    {
        bail!("--email: `{e}` is not an e-mail address");
    }
    let text = starter(
        args.kind,
        args.name.as_deref(),
        org.as_ref(),
        args.email.as_deref(),
    );
    // What we write must load; a failure here is a defect in the starter, not the user's.
    if let Err(e) = skydd_core::load(&text) {
        bail!(
            "the starter register does not load ({} errors); please report this",
            e.diagnostics.len()
        );
    }
    fsio::write_atomic(&args.path, text.as_bytes(), fsio::Visibility::Public)?;
    eprintln!(
        "wrote {}. Next: edit it, then run `skydd check -r {}`.",
        args.path.display(),
        args.path.display()
    );
    Ok(ExitCode::SUCCESS)
}
