//! Command-line arguments. Raw values only; the commands validate them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// skydd keeps a company's privacy promises: the register of processing lives as code,
/// is checked against the GDPR and Swedish law, and the privacy notice (integritetspolicy)
/// and the Art. 30 record are generated from it.
#[derive(Debug, Parser)]
#[command(
    name = "skydd",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "\
Getting started:
  skydd init                      write a starter register (skydd.toml) for a web agency
  skydd check                     check it against the law; fix what it reports
  skydd notice --out public/      render the privacy notice in Swedish and English
  skydd ropa --format html        the record of processing activities (Art. 30)

Exit status: 0 success, 1 error-level findings, 2 unusable input or usage error.
Logging: set SKYDD_LOG=debug (or pass -v) for diagnostics on standard error.")]
pub struct Cli {
    /// The register file.
    #[arg(
        short,
        long,
        global = true,
        default_value = "skydd.toml",
        env = "SKYDD_REGISTER",
        value_name = "PATH"
    )]
    pub register: PathBuf,

    /// More log output on standard error (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the register: schema, references, and the compliance lint.
    ///
    /// Input errors (unreadable TOML, unknown keys, unknown legal bases or categories,
    /// invalid organisationsnummer, retention rules that do not parse) are shown with
    /// file:line:column and exit with status 2. Then every lint rule runs; each finding
    /// names its rule, the article or statute it rests on, and a fix. Status 1 when there
    /// are error-level findings, 0 otherwise.
    #[command(
        after_help = "Examples:\n  skydd check\n  skydd check -r examples/003-inmedit.toml --json\n  skydd explain consent-no-withdrawal"
    )]
    Check(CheckArgs),

    /// Render the privacy notice (integritetspolicy), or compare two versions.
    ///
    /// The notice holds every element GDPR Art. 13 and 14 ask for, in Swedish and English,
    /// as HTML or Markdown, and carries its version and a SHA-256 of the register's content.
    #[command(args_conflicts_with_subcommands = true)]
    #[command(
        after_help = "Examples:\n  skydd notice                      Swedish Markdown on standard output\n  skydd notice --lang en --format html --out notice.en.html\n  skydd notice --lang all --format all --out public/\n  skydd notice diff old.toml skydd.toml"
    )]
    Notice(NoticeArgs),

    /// Write the record of processing activities (GDPR Art. 30.1) as CSV or HTML.
    #[command(
        after_help = "Examples:\n  skydd ropa > registerforteckning.csv\n  skydd ropa --format html --out ropa.html"
    )]
    Ropa(RopaArgs),

    /// Write a commented starter register that passes `skydd check`.
    #[command(
        after_help = "Examples:\n  skydd init\n  skydd init --kind hosting --name \"Exempel AB\" --org-number 556214-1993 --email dataskydd@exempel.se"
    )]
    Init(InitArgs),

    /// List the lint rules.
    Rules(JsonArgs),

    /// Explain one lint rule: what it checks, the law it rests on, how to fix it.
    Explain(ExplainArgs),

    /// List the data categories, data subjects and data uses a register may use.
    Taxonomy(TaxonomyArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print a JSON report on standard output instead of text.
    #[arg(long)]
    pub json: bool,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct NoticeArgs {
    #[command(subcommand)]
    pub command: Option<NoticeCommand>,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// List the changes between two registers, material ones first: what must be announced
    /// to people before the new notice takes effect.
    Diff(DiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangChoice {
    /// Swedish.
    Sv,
    /// English.
    En,
    /// Both (needs --out DIR).
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    /// A standalone HTML page.
    Html,
    /// Markdown.
    Md,
    /// Both (needs --out DIR).
    All,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Language.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: LangChoice,
    /// Format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: FormatChoice,
    /// Write to this file (one document) or directory (several, as notice.<lang>.<ext>);
    /// without it the notice goes to standard output.
    #[arg(short, long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// A directory whose notice.html, notice.md, strings.sv.toml or strings.en.toml replace
    /// the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Refuse to render when the lint finds error-level problems.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The register as it was.
    pub old: PathBuf,
    /// The register as it is now.
    pub new: PathBuf,
    /// Language of the change descriptions.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: LangChoice,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there are material changes.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RopaFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// A standalone HTML page.
    Html,
}

#[derive(Debug, Args)]
pub struct RopaArgs {
    /// Format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: RopaFormat,
    /// Language of headers and labels.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: LangChoice,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A directory whose ropa.html replaces the built-in one.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A web agency: clients, leads, newsletter, recruitment, website analytics.
    WebAgency,
    /// A hosting company: customers, domains, support, access logs, bookkeeping.
    Hosting,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the register.
    #[arg(default_value = "skydd.toml")]
    pub path: PathBuf,
    /// What kind of company to start from.
    #[arg(long, value_enum, default_value = "web-agency")]
    pub kind: Kind,
    /// The company's legal name.
    #[arg(long)]
    pub name: Option<String>,
    /// The company's organisationsnummer (checked).
    #[arg(long)]
    pub org_number: Option<String>,
    /// The address people write to about their data.
    #[arg(long)]
    pub email: Option<String>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `consent-no-withdrawal`.
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TaxonomyKind {
    /// What data is (user.contact.email, …).
    Categories,
    /// Whom it is about (customer, job_applicant, …).
    Subjects,
    /// What it is used for (marketing.advertising, …).
    Uses,
}

#[derive(Debug, Args)]
pub struct TaxonomyArgs {
    /// Which list.
    #[arg(value_enum, default_value = "categories")]
    pub kind: TaxonomyKind,
    /// Language of the labels.
    #[arg(long, value_enum, default_value = "sv")]
    pub lang: LangChoice,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
