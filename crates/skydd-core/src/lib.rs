//! The pure core of skydd: the register of processing as typed data, the rules of law it is
//! checked against, and what is derived from it (lint findings, notice changes, the Art. 30
//! record), the data map of the company's databases, and the plans for data-subject
//! requests and retention sweeps.
//!
//! **Architecture invariant:** this crate does no I/O. It takes text and returns values and
//! diagnostics; it cannot fail on a filesystem or a network. The shell (the `skydd` binary)
//! reads files, prints, and decides exit codes.
#![deny(missing_docs)]

pub mod audit;
pub mod auditlog;
pub mod datamap;
pub mod deadline;
pub mod diagnostic;
pub mod diff;
pub mod identity;
pub mod law;
pub mod lint;
pub mod orgnr;
pub mod package;
pub mod plan;
pub mod register;
pub mod retention;
pub mod rights;
pub mod ropa;
pub mod schema;
pub mod staff;
pub mod taxonomy;
pub mod text;
pub mod value;
pub mod workflow;

pub use diagnostic::{Diagnostic, Severity};
pub use register::{LoadError, Register, load};
pub use text::{Lang, Span, Text};
