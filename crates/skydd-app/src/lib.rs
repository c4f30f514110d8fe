//! skydd's use cases, shared by the command line and a server: a [`Workspace`] loaded once
//! (the register, the data maps, connections and live schemas, the renderer, skydd's
//! state), and one service per use case, each taking a typed request and returning a typed
//! outcome that serialises the same for `--json` and an HTTP API, or one [`AppError`].
//!
//! **Architecture invariant:** this crate never prints and knows nothing of a terminal or
//! HTTP. What a use case has to say besides its outcome (a collection the identities do not
//! reach, a late answer, skydd's state created) is a [`Note`] in the outcome. Every change
//! to skydd's state goes through the store.
#![deny(missing_docs)]

pub mod access;
pub mod audit_log;
pub mod clock;
pub mod deadline;
pub mod erase;
pub mod error;
pub mod failpoint;
pub mod files;
pub mod find;
pub mod jobs;
pub mod lease;
pub mod map;
pub mod note;
pub mod outbox;
pub mod rectify;
pub mod request;
pub mod retention;
pub mod rights;
pub mod spool;
pub mod staff;
pub mod subject;
pub mod workflow;
pub mod workspace;

pub use deadline::Deadline;
pub use error::{AppError, FileError};
pub use note::{Note, NoteKind};
pub use skydd_store::acting_as;
pub use subject::{IdentityInput, Subject};
pub use workspace::{Databases, Workspace};
