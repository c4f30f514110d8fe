//! The pure core of skydd: the register of processing as typed data, the rules of law it is
//! checked against, and what is derived from it (lint findings, notice changes, the Art. 30
//! record).
//!
//! **Architecture invariant:** this crate does no I/O. It takes text and returns values and
//! diagnostics; it cannot fail on a filesystem or a network. The shell (the `skydd` binary)
//! reads files, prints, and decides exit codes.
#![deny(missing_docs)]

pub mod diagnostic;
pub mod diff;
pub mod law;
pub mod lint;
pub mod orgnr;
pub mod register;
pub mod retention;
pub mod ropa;
pub mod taxonomy;
pub mod text;

pub use diagnostic::{Diagnostic, Severity};
pub use register::{LoadError, Register, load};
pub use text::{Lang, Span, Text};
