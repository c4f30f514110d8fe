//! What a use case has to say besides its outcome (a warning, a note), as data: the CLI
//! prints it on standard error, a server returns it with the outcome.

use serde::Serialize;

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Worth knowing; nothing is wrong.
    Note,
    /// The answer may be incomplete or late; someone should look.
    Warning,
}

impl NoteKind {
    /// The word a note of this kind starts with.
    pub fn word(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Warning => "warning",
        }
    }
}

/// A note of a use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// How much it matters.
    pub kind: NoteKind,
    /// What it says, in a sentence or two.
    pub text: String,
}

impl Note {
    /// A note (worth knowing; nothing is wrong).
    pub fn info(text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Note,
            text: text.into(),
        }
    }

    /// A warning.
    pub fn warning(text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Warning,
            text: text.into(),
        }
    }
}
