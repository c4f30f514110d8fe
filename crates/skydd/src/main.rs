//! `skydd`: the command line. It reads files, calls the core and the renderers, prints, and
//! chooses the exit status; everything else lives in the library crates.
//!
//! Exit status: 0 success; 1 the check found error-level problems (or, with
//! `--exit-code`, a diff found material changes); 2 the input could not be used (missing
//! file, invalid register, bad arguments) or output could not be written.

// `println!` and `print!` for the whole crate: std's panic when the reader of a pipe has gone
// (`skydd rules | head -1`); these drop the rest of the output and let the command finish.
// Defined before the modules so that they shadow std's everywhere.
macro_rules! println {
    () => {
        $crate::out::write(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*), true)
    };
}

macro_rules! print {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*), false)
    };
}

mod app;
mod cli;
mod cmd;
mod fsio;
mod out;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, MapCommand, NoticeCommand, RetentionCommand, StateCommand};

/// An error whose details have already been printed; only the exit status remains.
#[derive(Debug)]
pub struct Reported(pub u8);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reported (exit {})", self.0)
    }
}

impl std::error::Error for Reported {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_logs =
        matches!(&cli.command, Command::Serve(a) if a.log_format == cli::LogFormat::Json);
    init_tracing(cli.verbose, json_logs);
    // Whoever runs the command is who the audit log records as doing what it does.
    skydd_store::set_default_actor(&skydd_store::cli_actor());
    if let Some(url) = &cli.state {
        app::use_state_url(url.clone());
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if let Some(Reported(code)) = e.downcast_ref::<Reported>() {
                ExitCode::from(*code)
            } else {
                eprintln!(
                    "{}: {e:#}",
                    report::paint("error", report::Style::Error, report::stderr_color())
                );
                ExitCode::from(2)
            }
        }
    };
    // A closed pipe is the reader's choice and changes nothing; any other failure to write
    // the output means the output is incomplete.
    match out::finish() {
        Ok(()) => code,
        Err(e) => {
            eprintln!(
                "{}: cannot write to standard output: {e}",
                report::paint("error", report::Style::Error, report::stderr_color())
            );
            ExitCode::from(2)
        }
    }
}

/// The log filter for a count of `-v`: skydd's own warnings always; the drivers' (sqlx warns
/// of every statement slower than a second, routine in a sweep of millions of rows) only
/// from `-v` on. `SKYDD_LOG` overrides it.
fn log_filter(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn,sqlx=error",
        1 => "info",
        _ => "debug",
    }
}

fn init_tracing(verbose: u8, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SKYDD_LOG").unwrap_or_else(|_| {
        // A server logs each request (info); a command only what went wrong.
        let level = if json && verbose == 0 {
            "info,sqlx=warn"
        } else {
            log_filter(verbose)
        };
        tracing_subscriber::EnvFilter::new(level)
    });
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if json {
        fmt.json()
            .with_current_span(true)
            .flatten_event(true)
            .init();
    } else {
        fmt.init();
    }
}

/// Runs a future on a multi-threaded runtime (commands that talk to databases).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(f),
        Err(e) => {
            // Without a runtime nothing can run; this is an environment failure.
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let register = cli.register;
    match cli.command {
        Command::Check(a) => cmd::check::run(&register, &a),
        Command::Notice(a) => match a.command {
            Some(NoticeCommand::Diff(d)) => cmd::notice::diff(&d),
            None => cmd::notice::render(&register, &a.render),
        },
        Command::Ropa(a) => cmd::ropa::run(&register, &a),
        Command::Init(a) => cmd::init::run(&a),
        Command::Rules(a) => cmd::rules::list(&a),
        Command::Explain(a) => cmd::rules::explain(&a),
        Command::Taxonomy(a) => cmd::taxonomy::run(&a),
        Command::Schema(a) => cmd::schema::run(&a),
        Command::Map(MapCommand::Check(a)) => block_on(cmd::map::check(&register, &a)),
        Command::Map(MapCommand::Draft(a)) => block_on(cmd::map::draft(&register, &a)),
        Command::Access(a) => block_on(cmd::dsr::access(&register, &a)),
        Command::Export(a) => block_on(cmd::dsr::export(&register, &a)),
        Command::Erase(a) => block_on(cmd::dsr::erase(&register, &a)),
        Command::Rectify(a) => block_on(cmd::dsr::rectify(&register, &a)),
        Command::Restrict(a) => block_on(cmd::rights::restrict(&register, &a)),
        Command::Object(a) => block_on(cmd::rights::object(&register, &a)),
        Command::WithdrawConsent(a) => block_on(cmd::rights::withdraw(&register, &a)),
        Command::May(a) => block_on(cmd::rights::may(&register, &a)),
        Command::Retention(RetentionCommand::Plan(a)) => {
            block_on(cmd::retention::plan(&register, &a))
        }
        Command::Retention(RetentionCommand::Run(a)) => {
            block_on(cmd::retention::run(&register, &a))
        }
        Command::Requests(a) => block_on(cmd::request::requests(&register, &a)),
        Command::State(StateCommand::Init) => block_on(cmd::rights::state_init(&register)),
        Command::Demo(a) => block_on(cmd::demo::run(&a)),
        Command::Audit(a) => cmd::audit::run(&a),
        Command::Serve(a) => block_on(cmd::serve::run(&register, &a)),
        Command::Request(c) => block_on(cmd::request::run(&register, c)),
        Command::User(c) => block_on(cmd::staff::user(&register, c)),
        Command::Token(c) => block_on(cmd::staff::token(&register, c)),
        Command::Outbox(c) => block_on(cmd::outbox::run(&register, c)),
        Command::AuditLog(c) => block_on(cmd::staff::audit_log(&register, c)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::{Arc, Mutex};

    use super::log_filter;

    /// What a subscriber with the filter for `verbose` prints of sqlx's slow-statement
    /// warning and of a warning of skydd's own.
    fn logged(verbose: u8) -> String {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(log_filter(verbose)))
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // As sqlx-core's QueryLogger emits it.
            tracing::warn!(
                target: "sqlx::query",
                "slow statement: execution time exceeded alert threshold"
            );
            tracing::warn!("a warning of skydd's own");
        });
        String::from_utf8(buf.lock().unwrap().clone()).unwrap()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn slow_statement_warnings_need_verbose_but_our_own_do_not() {
        let quiet = logged(0);
        assert!(!quiet.contains("slow statement"), "{quiet}");
        assert!(quiet.contains("a warning of skydd's own"), "{quiet}");
        let verbose = logged(1);
        assert!(verbose.contains("slow statement"), "{verbose}");
        assert!(verbose.contains("a warning of skydd's own"), "{verbose}");
    }
}
