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

    /// skydd's state: `sqlite:PATH` or `postgres://…` (several servers share one
    /// PostgreSQL). Default: the register's `state`, a SQLite file beside it.
    #[arg(long, global = true, value_name = "URL", env = "SKYDD_STATE")]
    pub state: Option<String>,

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
        after_help = "Examples:\n  skydd notice                      Swedish Markdown on standard output\n  skydd notice --lang en --format html --out notice.en.html\n  skydd notice --out public/        every language and format into public/\n  skydd notice --format html --out public/   integritetspolicy.sv.html, privacy-notice.en.html\n  skydd notice diff old.toml skydd.toml"
    )]
    Notice(NoticeArgs),

    /// Write the record of processing activities (GDPR Art. 30.1) as CSV or HTML; with
    /// --processor, the record kept as a processor (Art. 30.2).
    #[command(
        after_help = "Examples:\n  skydd ropa > registerforteckning.csv\n  skydd ropa --format html --out ropa.html\n  skydd ropa --processor --format html --out ropa-biträde.html"
    )]
    Ropa(RopaArgs),

    /// Write a commented starter register that passes `skydd check`.
    #[command(
        after_help = "Examples:\n  skydd init\n  skydd init --kind hosting --name \"Exempel AB\" --org-number 556214-1993 --email dataskydd@exempel.se"
    )]
    Init(InitArgs),

    /// List the lint rules, and the policy elements `skydd audit` looks for (`audit-…`).
    Rules(JsonArgs),

    /// Explain one lint rule or `audit-…` element: what it checks, the law it rests on, how to fix it.
    Explain(ExplainArgs),

    /// List the data categories, data subjects and data uses a register may use.
    Taxonomy(TaxonomyArgs),

    /// Print the JSON Schema of the register file, for editors (taplo, Even Better TOML), or
    /// with `--markdown` the reference of every key (docs/register.md).
    #[command(after_help = "Examples:
  skydd schema > skydd.schema.json       # then `#:schema ./skydd.schema.json` atop skydd.toml
  taplo check --schema file://$PWD/skydd.schema.json skydd.toml
  skydd schema --markdown > docs/register.md")]
    Schema(SchemaArgs),

    /// Check the data map against the live databases and the register, or draft one.
    #[command(subcommand)]
    Map(MapCommand),

    /// Answer a right of access (registerutdrag, Art. 15): find the person's rows and write
    /// the access package (JSON) and the report (HTML, Swedish and English).
    #[command(after_help = "Examples:
  skydd access --email anna@example.se --out registerutdrag/
  skydd access --personnummer 811218-9876 --json")]
    Access(AccessArgs),

    /// Data portability (Art. 20): the data the person provided under consent or contract,
    /// as JSON and CSV in one zip file.
    #[command(after_help = "Example:
  skydd export --email anna@example.se --out anna.zip")]
    Export(ExportArgs),

    /// Erasure (Art. 17): plan, then mask or delete the person's data, one transaction per
    /// database. Fields a legal obligation still needs are kept, restricted, and scheduled.
    #[command(after_help = "Examples:
  skydd erase --email anna@example.se --dry-run
  skydd erase --email anna@example.se")]
    Erase(EraseArgs),

    /// Rectification (Art. 16): set fields of the person's rows, checked against the
    /// column types, in one transaction.
    #[command(after_help = "Example:
  skydd rectify --email anna@example.se --set 'customer.name=Anna Berg'")]
    Rectify(RectifyArgs),

    /// Restriction of processing (Art. 18), recorded in skydd's state.
    Restrict(RestrictArgs),

    /// Objection to a purpose (Art. 21), e.g. direct marketing.
    #[command(after_help = "Examples:
  skydd object --email anna@example.se --direct-marketing
  skydd object --email anna@example.se --purpose analytics")]
    Object(ObjectArgs),

    /// Record that consent to a purpose was withdrawn (Art. 7(3)).
    WithdrawConsent(WithdrawArgs),

    /// May we process this person's data for this purpose? Exit status 0 yes, 1 no. With
    /// --stdin, reads one address per line and prints those that may be processed (for a
    /// newsletter send): all or nothing, every line is checked first, and a line that is not
    /// an e-mail address prints no answer at all but `stdin:LINE: why` and exits with 2.
    #[command(after_help = "Examples:
  skydd may --purpose newsletter --email anna@example.se
  skydd may --purpose newsletter --stdin < subscribers.txt > allowed.txt")]
    May(MayArgs),

    /// Retention: what each rule would erase today, and the sweep that erases it.
    #[command(subcommand)]
    Retention(RetentionCommand),

    /// The open data-subject requests, the soonest due first: days left, LATE marked, and
    /// what to do now. With --all, every request ever handled, with its deadline.
    #[command(after_help = "Examples:
  skydd requests                  open requests by due date, with reminders
  skydd requests --all            every request handled, done or not
  skydd requests --json")]
    Requests(RequestsArgs),

    /// skydd's own state: the file where requests, restrictions, objections, withdrawn
    /// consent and legal holds are recorded (`skydd-state.sqlite` beside the register, or
    /// `state = "…"` in the register).
    #[command(subcommand)]
    State(StateCommand),

    /// A worked example on an embedded SQLite database of a Swedish hosting company: an
    /// access request, an erasure that meets a bookkeeping hold, a retention sweep. Or,
    /// with --generate, fill a database with N customers for benchmarks.
    #[command(after_help = "Examples:
  skydd demo
  skydd demo --keep demo/
  skydd demo --generate --customers 1000000 --target postgres://postgres@127.0.0.1/bench")]
    Demo(DemoArgs),

    /// Read the privacy policy you publish today and find what is outdated, unlawful or
    /// missing; no register needed. The first thing to run.
    ///
    /// Reads a .txt, .md or .html file (HTML as published: tags, scripts, styles and
    /// comments are skipped, entities decoded, line numbers kept), or standard input with
    /// `-`. Swedish and English policies.
    ///
    /// Finds (1) every statement the lint's statement rules know to be wrong — Datainspektionen,
    /// PUL, a register extract once a year or only on a signed request, consent by accepting the
    /// policy, cookies refused in the browser, processors disclaimed, a complaint right less
    /// than a complaint to IMY, discouraged requests, "anonymous" analytics cookies, "nothing
    /// leaves the EU" beside a US company — each with its sentence and line; and (2) every
    /// element GDPR Art. 13/14 require that is missing: controller identity and contact,
    /// DPO contact, purposes, legal bases, recipients, transfers and their safeguards,
    /// retention periods, each right, withdrawal of consent, the complaint to IMY, sources,
    /// automated decisions — each saying what was looked for. Every finding names its law and
    /// a fix. Text patterns find words, not meaning: read each finding; none is a certificate.
    ///
    /// Status 1 when there are error-level findings, 2 when the file cannot be read.
    #[command(after_help = "Examples:
  skydd audit integritetspolicy.txt
  skydd audit saved-policy.html --json
  curl -s https://example.se/integritetspolicy | skydd audit -
  skydd audit policy.md --deny-warnings")]
    Audit(AuditArgs),

    /// Serve skydd's HTTP API: requests, restrictions, objections, withdrawn consent, `may`,
    /// retention and the data map, for the privacy center, the admin console and your own
    /// systems.
    ///
    /// Every `/api/` route needs an API token (`skydd token create`), sent as
    /// `Authorization: Bearer skydd_…`, whose role may do what the route does (viewer: read;
    /// handler: requests and rights; owner: everything).
    ///
    /// The API is under `/api/`; its OpenAPI description at `/openapi.json`; `/healthz`
    /// answers when skydd's state does; `/metrics` is for Prometheus. Every error is JSON:
    /// `{"error": {"status", "code", "message", "field"}}`. Logs are JSON lines on standard
    /// error, one per request, with its `x-request-id`. Ctrl-C or SIGTERM stops taking new
    /// connections and lets the running requests finish.
    ///
    /// skydd's state is the register's (`skydd-state.sqlite` beside it, or `state = "…"`),
    /// or the database `--state` names: `postgres://…` lets several instances share it.
    #[command(after_help = "Examples:
  skydd serve
  skydd serve --listen 0.0.0.0:8080 --state postgres://skydd@db/skydd
  curl -s localhost:8080/openapi.json | jq '.paths | keys'
  curl -s -H \"Authorization: Bearer $TOKEN\" localhost:8080/api/log")]
    Serve(ServeArgs),

    /// The request workflow (GDPR Art. 12): record a request the day it arrives, verify the
    /// person, extend or refuse with reasons, carry it out, answer.
    ///
    /// A request is recorded when it is received, by whatever channel (Art. 12 puts no form
    /// on it): the one-month deadline runs from that day (Art. 12(3), counted by Regulation
    /// 1182/71, moved past Swedish weekends and public holidays). Nothing is disclosed or
    /// changed before the person is verified (Art. 12(6)), proportionately (EDPB Guidelines
    /// 01/2022: a copy of an ID document is not the default). The period may be extended by
    /// up to two further months, with reasons, within the first month; a refusal gives its
    /// ground and reasons and tells the person of the complaint to IMY and the courts
    /// (Art. 12(4)). `skydd requests` lists what is open.
    #[command(subcommand)]
    #[command(after_help = "A request's life:
  skydd request new --kind access --channel email --email anna@example.se --received 2026-03-02
  skydd request verify ID --method email_link
  skydd request extend ID --months 2 --reason 'data in several systems'   (within the first month)
  skydd request execute ID --out utdrag/
  skydd request show ID
Statuses: received → verified → in_progress → answered; refused, withdrawn, cannot_identify.")]
    Request(RequestCommand),

    /// The people of the company who use skydd: each has a role (owner, handler, viewer)
    /// and a password kept only as its argon2id hash.
    #[command(subcommand)]
    User(UserCommand),

    /// API tokens for programs (the website, scripts): each acts for a user with a role no
    /// more than theirs; only a hash of its secret is kept.
    #[command(subcommand)]
    Token(TokenCommand),

    /// The tamper-evident log of every change of skydd's state: verify its hash chain,
    /// export its head, show its latest entries. It holds ids, never personal data.
    #[command(subcommand)]
    AuditLog(AuditLogCommand),

    /// Recipients told of rectifications, erasures and restrictions (GDPR Art. 19): the
    /// notices each change wrote, delivered by `skydd serve` (or `skydd outbox deliver`)
    /// to webhooks and e-mail, retried with backoff, given up on after
    /// `[notifications] max_attempts` for staff to resend or tell themselves.
    #[command(
        subcommand,
        after_help = "Examples:
  skydd outbox list --state dead
  skydd outbox deliver
  skydd outbox resend NOTICE-ID
  skydd outbox told NOTICE-ID --how 'called their DPO, ticket 4711'
  skydd outbox request REQUEST-ID          (whom a request's changes were told to)"
    )]
    Outbox(OutboxCommand),
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// The newest notices, with their state.
    List(OutboxListArgs),
    /// Deliver the notices due now, once (`skydd serve` does this every few seconds).
    Deliver(OutboxDeliverArgs),
    /// Put a notice given up on back to be delivered.
    Resend(OutboxIdArgs),
    /// Record that you told the recipient of a manual or given-up notice yourself.
    Told(OutboxToldArgs),
    /// The recipients told of what a request changed (the person may ask: Art. 19).
    Request(OutboxIdArgs),
}

#[derive(Debug, Args)]
pub struct OutboxListArgs {
    /// Only notices in this state.
    #[arg(long = "only", value_name = "STATE", value_parser = ["pending", "delivered", "dead", "manual", "omitted"])]
    pub only: Option<String>,
    /// How many.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutboxDeliverArgs {
    /// At most this many notices.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutboxIdArgs {
    /// The notice's (or request's) id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutboxToldArgs {
    /// The notice's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// How you told the recipient (kept with the notice, not in the audit log).
    #[arg(long, value_name = "TEXT")]
    pub how: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The keys a raw value may take, each with its help.
fn keys(values: &[(&'static str, &'static str)]) -> clap::builder::PossibleValuesParser {
    values
        .iter()
        .map(|(k, help)| {
            let v = clap::builder::PossibleValue::new(k).help(help);
            // The CLI's own word for portability is `export`.
            if *k == "portability" {
                v.alias("export")
            } else {
                v
            }
        })
        .collect::<Vec<_>>()
        .into()
}

/// The kinds of request, with the right each exercises.
const KINDS: &[(&str, &str)] = &[
    ("access", "a copy of the person's data (Art. 15)"),
    (
        "portability",
        "the data they provided, portable (Art. 20); also `export`",
    ),
    ("rectification", "correct data, with --set (Art. 16)"),
    ("erasure", "erase the person's data (Art. 17)"),
    (
        "restriction",
        "restrict processing, optionally --purpose and --allow (Art. 18)",
    ),
    (
        "objection",
        "object to --purpose or --direct-marketing (Art. 21)",
    ),
    (
        "consent_withdrawal",
        "withdraw consent to --purpose (Art. 7(3))",
    ),
];

/// The channels a request comes by.
const CHANNELS: &[(&str, &str)] = &[
    ("web", "the privacy center or a web form"),
    ("email", "e-mail"),
    ("letter", "a letter"),
    ("phone", "a call"),
    ("cli", "registered by staff with no other channel to name"),
];

/// How a person is verified.
const METHODS: &[(&str, &str)] = &[
    (
        "email_link",
        "a link sent to an address you already have for them",
    ),
    (
        "known_channel",
        "the request came from their account or registered number",
    ),
    ("in_person", "seen in person"),
    (
        "id_document",
        "an ID document shown; not the default (EDPB 01/2022), no copy kept",
    ),
];

/// The grounds of a refusal.
const GROUNDS: &[(&str, &str)] = &[
    (
        "manifestly_unfounded",
        "Art. 12(5)(b); you bear the burden of proof",
    ),
    (
        "excessive",
        "Art. 12(5)(b), e.g. repetitive; you bear the burden of proof",
    ),
    (
        "exception",
        "an exception in the right or in law (Art. 17(3), 15(4), 2018:218 5 kap.)",
    ),
];

#[derive(Debug, Args)]
pub struct RequestsArgs {
    /// Every request handled (the log), not only the open ones.
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Record a request received: who, what, by which channel, on which day. Prints its id
    /// and deadline.
    #[command(after_help = "Examples:
  skydd request new --kind access --channel email --email anna@example.se
  skydd request new --kind erasure --channel letter --personnummer 811218-9876 --received 2026-03-02
  skydd request new --kind rectification --channel phone --email anna@example.se --set 'customer.name=Anna Berg'
  skydd request new --kind objection --channel web --email anna@example.se --direct-marketing")]
    New(RequestNewArgs),
    /// Show a request: where it stands, its deadline, verification, extension, refusal and
    /// runs.
    #[command(after_help = "Example:\n  skydd request show ID --json")]
    Show(RequestIdArgs),
    /// Record that the person is verified, and how (Art. 12(6)); proportionately, with what
    /// you already know of them.
    #[command(after_help = "Examples:
  skydd request verify ID --method email_link
  skydd request verify ID --method known_channel --note 'sent from the address on the account'")]
    Verify(RequestVerifyArgs),
    /// Record that the person could not be identified (Art. 11(2), 12(2)), with what you
    /// asked of them; when they answer, verify the request.
    #[command(after_help = "Example:
  skydd request cannot-identify ID --note 'asked for the customer number on an invoice'")]
    CannotIdentify(RequestCannotIdentifyArgs),
    /// Extend the deadline by one or two further months (two in all), with reasons told to
    /// the person, within the first month (Art. 12(3)).
    #[command(after_help = "Example:
  skydd request extend ID --months 2 --reason 'the data is spread over several systems'")]
    Extend(RequestExtendArgs),
    /// Refuse a request, with its ground and reasons; prints what the person must be told
    /// of their right to complain to IMY and go to court (Art. 12(4)).
    #[command(after_help = "Example:
  skydd request refuse ID --ground excessive --reason 'the fourth identical request this month'")]
    Refuse(RequestRefuseArgs),
    /// Charge a reasonable fee for a manifestly unfounded or excessive request (Art.
    /// 12(5)(a)): the request stays where it stands; the reason is kept, since the company
    /// must be able to show why.
    #[command(after_help = "Example:
  skydd request fee ID --kr 250 --reason 'the fourth identical request this month; 30 minutes of staff time'")]
    Fee(RequestFeeArgs),
    /// Record that the person withdrew the request.
    Withdraw(RequestIdArgs),
    /// Carry out a verified request with the engine of its kind (access package, export
    /// zip, erasure, rectification, restriction, objection, withdrawn consent) and answer
    /// it. Status 1 when the engine refused (an erasure's blockers, rows others share): the
    /// request stays in progress with the failed run.
    #[command(after_help = "Examples:
  skydd request execute ID --out utdrag/     access: access.json and the reports; portability: export.zip
  skydd request execute ID                   erasure, rectification, restriction, objection, consent")]
    Execute(RequestExecuteArgs),
    /// Answer a verified request without running the engine, e.g. when nothing was found
    /// or nothing was to be done; the note records what the person was told.
    #[command(after_help = "Example:
  skydd request answer ID --note 'no data about the person; told by e-mail'")]
    Answer(RequestAnswerArgs),
}

#[derive(Debug, Args)]
pub struct RequestNewArgs {
    /// What the person asks for.
    #[arg(long, value_name = "KIND", value_parser = keys(KINDS))]
    pub kind: String,
    /// How the request reached you.
    #[arg(long, value_name = "CHANNEL", value_parser = keys(CHANNELS))]
    pub channel: String,
    #[command(flatten)]
    pub ids: IdentityArgs,
    #[command(flatten)]
    pub received: ReceivedArg,
    /// Rectification: a change asked for, as COLLECTION.FIELD=VALUE (or
    /// DATASET.COLLECTION.FIELD=VALUE); checked against the data map now.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Restriction (default: every purpose), objection, consent withdrawal: the purpose.
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: Option<String>,
    /// Restriction: a purpose still allowed (e.g. legal claims).
    #[arg(long, value_name = "PURPOSE")]
    pub allow: Vec<String>,
    /// Objection: to every direct-marketing purpose (Art. 21(2)).
    #[arg(long, conflicts_with = "purpose")]
    pub direct_marketing: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RequestIdArgs {
    /// The request's id (from `skydd request new` or `skydd requests`).
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Who takes a step, for the record.
#[derive(Debug, Args)]
pub struct ByArg {
    /// Who does it (default: your login name).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct RequestVerifyArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// How the person was verified.
    #[arg(long, value_name = "METHOD", value_parser = keys(METHODS))]
    pub method: String,
    /// Anything worth noting (never a copy of a document).
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct RequestCannotIdentifyArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// What you asked of the person to identify them.
    #[arg(long)]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct RequestExtendArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// Further months (1 or 2; two in all at most).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub months: u8,
    /// Why, as told to the person.
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub by: ByArg,
}

#[derive(Debug, Args)]
pub struct RequestRefuseArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// The ground.
    #[arg(long, value_name = "GROUND", value_parser = keys(GROUNDS))]
    pub ground: String,
    /// Why, as told to the person.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct RequestFeeArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// The fee in kronor (öre after a decimal point: 249.50).
    #[arg(long, value_name = "KR")]
    pub kr: String,
    /// Why the request is manifestly unfounded or excessive, and how the fee follows the
    /// administrative costs.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct RequestExecuteArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// Access and portability: the directory to write into (created, readable by you only).
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RequestAnswerArgs {
    #[command(flatten)]
    pub request: RequestIdArgs,
    /// What the person was told.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub by: ByArg,
}

/// How `skydd serve` listens and logs.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (port 0: any free port, printed on start).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// How often due Art. 19 notices are delivered, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub outbox_every: u64,
    /// The time of day (Swedish time, HH:MM) after which the day's retention sweep and
    /// deadline reminders run; each once a day, however many servers share the state.
    #[arg(long, value_name = "HH:MM", default_value = "03:00")]
    pub daily_at: String,
    /// Do not run the retention sweep daily (run `skydd retention run` yourself).
    #[arg(long)]
    pub no_retention: bool,
    /// Log lines as JSON (for a log collector) or as text (for a terminal).
    #[arg(long, value_enum, default_value = "json")]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Text for people.
    Text,
}

/// Who a request is about. At least one identity is required.
#[derive(Debug, Args, Clone, Default)]
pub struct IdentityArgs {
    /// E-mail address.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Vec<String>,
    /// Phone number (Swedish or international).
    #[arg(long, value_name = "NUMBER")]
    pub phone: Vec<String>,
    /// Personnummer or samordningsnummer.
    #[arg(long, value_name = "NUMBER")]
    pub personnummer: Vec<String>,
    /// Another identity the data map declares, as KIND=VALUE (e.g. customer_number=C-1001).
    #[arg(long, value_name = "KIND=VALUE")]
    pub identity: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Compare the data map with the live schema and the register.
    ///
    /// Errors: collections no identity reaches, and cycles; collections, columns, event
    /// columns and purpose scopes that do not exist; declared types that do not fit;
    /// personal fields no purpose covers; live tables left out of the map that
    /// hold personal data; fixed masking values ([erasure.fields], masking_strategy_override)
    /// the column does not accept; NOT NULL columns that are not text whose masking would
    /// write NULL; [erasure] keys that name nothing in the map.
    ///
    /// Warnings: lookup columns without an index (with the CREATE INDEX); tables left out that
    /// may hold personal data; retention that cannot be enforced (an event bound to no column
    /// of the collection or of one it refers to, no rule, no primary key); events bound to a
    /// column that no retention rule uses; collections found from several people, whose rows
    /// are treated as shared; categories of purposes no field holds.
    #[command(after_help = "Examples:
  skydd map check --source main
  skydd map check --json")]
    Check(MapCheckArgs),
    /// Draft a fideslang dataset from a live database, for a person to review.
    ///
    /// Requests start at people's tables (an e-mail, a personnummer, or a phone beside a
    /// person's name) and follow only what belongs to each person: a person's row points at
    /// its details (`direction: to`, e.g. customer.address_id); rows pointing at a person's
    /// row, or at rows owned by one, are owned (`direction: from`, e.g. rental.customer_id).
    /// Staff tables own nothing; links between people are not followed; rows naming several
    /// people are shared. Categories come only from strong evidence. Every decision a person
    /// must make is a `# review:` comment; tables no one reaches are `skip_processing`.
    #[command(after_help = "Example:
  skydd map draft --source main --out datamap/main.yml")]
    Draft(MapDraftArgs),
}

#[derive(Debug, Args)]
pub struct MapCheckArgs {
    /// Only this database.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MapDraftArgs {
    /// The database to read.
    #[arg(long, value_name = "NAME")]
    pub source: String,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The dataset's fides_key (default: the database name).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// Write access.json and registerutdrag.<lang>.html into this directory.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "all")]
    pub lang: LangChoice,
    /// Print the access package as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub received: ReceivedArg,
}

/// When a request arrived: the GDPR art. 12.3 deadline counts from that day, not from the
/// day the command runs.
#[derive(Debug, Args)]
pub struct ReceivedArg {
    /// The day the request reached you (default today). The answer is due one month later
    /// (GDPR art. 12.3, counted by Regulation 1182/71); a later run does not move it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// The zip file to write.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct EraseArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// List every row and field and what would happen; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Plan as of this day (default today), for audits and tests.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct RectifyArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// A field to set, as COLLECTION.FIELD=VALUE (or DATASET.COLLECTION.FIELD=VALUE).
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
    pub set: Vec<String>,
    /// Show before and after; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct RestrictArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// Restrict only this purpose (default: every purpose).
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: Option<String>,
    /// A purpose still allowed (e.g. one for legal claims).
    #[arg(long, value_name = "PURPOSE")]
    pub allow: Vec<String>,
    /// Why (kept with the record).
    #[arg(long)]
    pub reason: Option<String>,
    /// Lift the restriction instead.
    #[arg(long)]
    pub lift: bool,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct ObjectArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// The purpose objected to.
    #[arg(
        long,
        value_name = "PURPOSE",
        required_unless_present = "direct_marketing"
    )]
    pub purpose: Option<String>,
    /// Object to every direct-marketing purpose (Art. 21(2)).
    #[arg(long, conflicts_with = "purpose")]
    pub direct_marketing: bool,
    /// Why (kept with the record).
    #[arg(long)]
    pub reason: Option<String>,
    /// Lift the objection instead.
    #[arg(long)]
    pub lift: bool,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct WithdrawArgs {
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// The purpose whose consent is withdrawn.
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: String,
    #[command(flatten)]
    pub received: ReceivedArg,
}

#[derive(Debug, Args)]
pub struct MayArgs {
    /// The purpose.
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: String,
    #[command(flatten)]
    pub ids: IdentityArgs,
    /// Read e-mail addresses (one per line, blank lines skipped) from standard input; print
    /// those allowed. Any invalid line stops the run before anything is printed (status 2),
    /// and each is reported as `stdin:LINE: …` on standard error.
    #[arg(long)]
    pub stdin: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Create the state file (readable by you only) and say where it is. Commands that
    /// only read the state (`may`, `requests`, `retention`) refuse to run without it, so an
    /// answer never comes from an empty record by mistake.
    Init,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Count what each retention rule would delete or anonymise today, per collection.
    Plan(RetentionPlanArgs),
    /// Erase what is due, in bounded batches (short transactions), with progress; resumes
    /// after a kill.
    Run(RetentionRunArgs),
}

#[derive(Debug, Args)]
pub struct RetentionPlanArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Plan as of this day (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct RetentionRunArgs {
    /// Rows per batch to start with (adapted to keep each transaction near 300 ms, and
    /// always under a second).
    #[arg(long, default_value_t = skydd_connect::sweep::FIRST_BATCH)]
    pub batch: usize,
    /// Run as of this day (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's files (register, data map, database, reports) in this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "generate")]
    pub keep: Option<PathBuf>,
    /// Generate a benchmark database instead of running the demo.
    #[arg(long, requires = "target")]
    pub generate: bool,
    /// How many customers to generate.
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// The database to fill: a sqlite:// path, or a postgres:// or mysql:// URL (its tables are
    /// replaced).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print a JSON report on standard output instead of text.
    #[arg(long)]
    pub json: bool,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Check as of this day (default today, in Stockholm): dates such as `dpf_certified`
    /// are judged against it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
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
    /// Language [default: sv; every language when --out is a directory].
    #[arg(long, value_enum)]
    pub lang: Option<LangChoice>,
    /// Format [default: md; every format when --out is a directory].
    #[arg(long, value_enum)]
    pub format: Option<FormatChoice>,
    /// Where to write; without it the notice goes to standard output. A directory when the
    /// path ends in `/`, is an existing directory, or --lang all or --format all is given:
    /// it is created if need be and gets every language and format asked for (all of them
    /// unless --lang or --format narrows it) as integritetspolicy.sv.html,
    /// integritetspolicy.sv.md, privacy-notice.en.html and privacy-notice.en.md. Otherwise
    /// one file, whose name has an extension (e.g. notice.en.html) or already exists.
    #[arg(short, long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// A directory whose notice.html, notice.md, strings.sv.toml or strings.en.toml replace
    /// the built-in ones (for --subprocessors: subprocessors.html, subprocessors.md,
    /// subprocessors.sv.toml, subprocessors.en.toml).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Refuse to render when the lint finds error-level problems.
    #[arg(long)]
    pub strict: bool,
    /// Render the sub-processor list customers rely on (Art. 28.2: current, intended and
    /// removed sub-processors with the date of each change) instead of the notice; in a
    /// directory as underbitraden.sv.* and subprocessors.en.*.
    #[arg(long)]
    pub subprocessors: bool,
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
    /// A directory whose ropa.html (with --processor: ropa_processor.html) replaces the
    /// built-in one.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The record kept as a processor (personuppgiftsbiträde, Art. 30.2) of the processing
    /// done on behalf of customers ([[processing_for]]), instead of the controller's record.
    #[arg(long)]
    pub processor: bool,
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

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the Markdown reference of every key instead of the JSON Schema.
    #[arg(long)]
    pub markdown: bool,
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

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The policy: a .txt, .md or .html file, or `-` for standard input (HTML when it
    /// starts with a tag).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Print a JSON report on standard output instead of text.
    #[arg(long)]
    pub json: bool,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Everything, including users, tokens and retention runs.
    Owner,
    /// Handles requests: verifies, runs, extends, refuses, answers.
    Handler,
    /// Reads only (an auditor, the DPO).
    Viewer,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password comes from standard input (--password-stdin) or from the
    /// environment variable SKYDD_PASSWORD, never from an argument (other users of the
    /// machine could read it); at least 12 characters.
    #[command(after_help = "Examples:
  printf '%s\\n' \"$PASSWORD\" | skydd user add --email eva@firma.se --name \"Eva Ek\" --role handler --password-stdin
  SKYDD_PASSWORD=\"$PASSWORD\" skydd user add --email olle@firma.se --name \"Olle Ek\" --role viewer")]
    Add(UserAddArgs),
    /// List the users.
    #[command(after_help = "Examples:\n  skydd user list\n  skydd user list --json")]
    List(JsonArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The e-mail address they log in with.
    #[arg(long, value_name = "ADDRESS")]
    pub email: String,
    /// Their name, as shown.
    #[arg(long)]
    pub name: String,
    /// What they may do.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it, once: skydd keeps only a hash of its secret. Only the
    /// token goes to standard output, so a script can capture it.
    #[command(after_help = "Examples:
  skydd token create --user eva@firma.se --name website --role viewer --expires 365
  TOKEN=$(skydd token create --user eva@firma.se --name ci)")]
    Create(TokenCreateArgs),
    /// List the tokens (never their secrets).
    #[command(after_help = "Examples:\n  skydd token list\n  skydd token list --json")]
    List(JsonArgs),
    /// Revoke a token: it is refused from now on.
    #[command(after_help = "Example:\n  skydd token revoke 0192f0a1c3d47e2b9a8f6d5c4b3a2918")]
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The user it acts for (their e-mail address).
    #[arg(long, value_name = "ADDRESS")]
    pub user: String,
    /// What it is for (`website`, `ci`).
    #[arg(long)]
    pub name: String,
    /// Its role (default: the user's; never more).
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Valid for this many days (default: until revoked).
    #[arg(long, value_name = "DAYS")]
    pub expires: Option<u32>,
    /// Print JSON (with the token) instead of the token alone.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's id (as `skydd token list` shows it), or the token itself.
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum AuditLogCommand {
    /// Check the hash chain: status 0 and the head hash when every entry follows the one
    /// before it; status 1 naming the first entry altered, removed or out of place. With
    /// --head, also that the log still holds the head exported earlier (entries cut from
    /// the end are found only so).
    #[command(after_help = "Examples:
  skydd audit-log verify
  skydd audit-log verify --head \"$(cat published-head.txt)\"
  skydd audit-log verify --json")]
    Verify(AuditVerifyArgs),
    /// Print the head hash (the last entry's), to publish or keep apart from skydd's state.
    #[command(after_help = "Example:\n  skydd audit-log head > published-head.txt")]
    Head(JsonArgs),
    /// Show the latest entries, oldest first.
    #[command(
        after_help = "Examples:\n  skydd audit-log show\n  skydd audit-log show --limit 100 --json"
    )]
    Show(AuditShowArgs),
}

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// A head hash exported earlier, which the log must still hold.
    #[arg(long, value_name = "HASH")]
    pub head: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AuditShowArgs {
    /// How many entries.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
