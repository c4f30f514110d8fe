//! Work only one process may do at a time, across processes and machines sharing skydd's
//! state: a person's erasure, the retention run. The store grants a lease to a holder for a
//! time; the holder renews it while it works ([`Heartbeat`]) and gives it back when done. A
//! holder that dies stops renewing, and once its lease has run out the next process takes
//! the work over (and says whose it was).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use skydd_store::{StateStore, Store};

/// How long an erasure's lease lasts without renewal: a person whose erasure was killed can
/// be erased again (the journal resumed) this long after.
pub const ERASURE_LEASE: Duration = Duration::from_secs(30);

/// Who does a piece of work, and how long their lease lasts unless renewed.
#[derive(Debug, Clone)]
pub struct Leasing {
    /// The holder, as a person reading "in progress since …, by …" can find it
    /// ([`skydd_store::this_process`]).
    pub holder: String,
    /// The lease's length; it is renewed every third of it.
    pub ttl: Duration,
}

impl Leasing {
    /// This process, with leases of `ttl`.
    pub fn this_process(ttl: Duration) -> Leasing {
        Leasing {
            holder: skydd_store::this_process(),
            ttl,
        }
    }
}

/// Renews leases in the background while the work goes on; stops when dropped. A lease
/// found taken by someone else (this process stalled past its lease and another took the
/// work over) is remembered: the work must stop before its next write.
pub struct Heartbeat {
    task: tokio::task::JoinHandle<()>,
    lost: Arc<AtomicBool>,
}

impl Heartbeat {
    /// Renews the leases `names` of `leasing`'s holder every third of their length.
    pub fn start(store: &Store, names: Vec<String>, leasing: &Leasing) -> Heartbeat {
        let lost = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&lost);
        let store = store.clone();
        let Leasing { holder, ttl } = leasing.clone();
        let task = tokio::spawn(async move {
            let every = (ttl / 3).max(Duration::from_millis(10));
            loop {
                tokio::time::sleep(every).await;
                for name in &names {
                    match store.renew_lease(name, &holder, ttl).await {
                        Ok(true) => {}
                        Ok(false) => flag.store(true, Ordering::SeqCst),
                        // A busy or unreachable state: the lease may still run out, and
                        // then the work is someone else's; the next renewal tells.
                        Err(e) => tracing::warn!("cannot renew the lease `{name}`: {e}"),
                    }
                }
            }
        });
        Heartbeat { task, lost }
    }

    /// Whether a lease was found taken over by another holder.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.task.abort();
    }
}
