//! `skydd serve`: the HTTP API over the same services as the command line.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::cli::ServeArgs;

/// Loads the workspace once, listens, and serves until Ctrl-C or SIGTERM; then stops taking
/// connections, lets the requests in flight finish, and closes every connection.
pub async fn run(path: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let schedule = skydd_app::jobs::Schedule {
        outbox_every: std::time::Duration::from_secs(args.outbox_every),
        daily_at: args.daily_at.parse().map_err(|_| {
            crate::app::usage(format!(
                "--daily-at `{}`: give a time of day as HH:MM, e.g. 03:00",
                args.daily_at
            ))
        })?,
        retention: !args.no_retention,
    };
    let ws = crate::app::open(path, None).await?;
    // Refuse to start without skydd's state rather than answer every request with an
    // error: a server that says "yes" to `may` from an empty state would be worse.
    ws.state(false).await.map_err(crate::app::fail)?;
    let ws = Arc::new(ws);
    // The jobs stop with the server; a notice or a sweep cut off is taken up again (its
    // lease expires; both are safe to redo).
    let jobs = tokio::spawn(skydd_app::jobs::run(
        ws.clone(),
        schedule,
        std::future::pending(),
    ));
    let app = skydd_web::app(skydd_web::AppState { ws: ws.clone() });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, ms = started.elapsed().as_secs_f64() * 1000.0, "listening");
    eprintln!("skydd serving on http://{addr}");
    skydd_web::serve(listener, app, shutdown())
        .await
        .context("the server stopped")?;
    jobs.abort();
    tracing::info!("stopped");
    ws.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM (what a service manager sends).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
