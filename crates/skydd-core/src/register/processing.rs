//! The processor side of the register: processing the company carries out as a
//! personuppgiftsbiträde on behalf of its customers (GDPR Art. 28), what the Art. 30(2)
//! record lists, and the sub-processors (underbiträden) customers have authorised in general
//! terms and must be told about before each change (Art. 28(2)).

use jiff::civil::Date;
use serde::Serialize;

use super::{Controller, Dpa, Location, Register};
use crate::law::TransferMechanism;
use crate::text::{Lang, Span, Text};

/// One kind of processing done on behalf of controllers (`[[processing_for]]`).
#[derive(Debug, Clone, Serialize)]
pub struct ProcessingFor {
    /// Stable identifier.
    pub id: String,
    /// The kind of controllers processed for ("Webbhotellkunder"), Art. 30(2)(a).
    pub controllers: Option<Text>,
    /// Where the list of those controllers and their contact details is kept.
    pub controller_list: Option<Text>,
    /// Controllers named one by one, with contact details.
    pub named_controllers: Vec<Controller>,
    /// The categories of processing carried out for them, Art. 30(2)(b).
    pub processing: Vec<Text>,
    /// Data-subject keys, when known.
    pub data_subjects: Vec<String>,
    /// Data-category keys, when known.
    pub data_categories: Vec<String>,
    /// Ids of the sub-processors engaged.
    pub subprocessors: Vec<String>,
    /// The contract governing the processing (Art. 28(3)).
    pub agreement: Option<Text>,
    /// Security measures of this processing; empty means the register's `[security]`.
    pub security: Vec<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A sub-processor (underbiträde), Art. 28(2) and (4).
#[derive(Debug, Clone, Serialize)]
pub struct Subprocessor {
    /// Stable identifier.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Where it processes the data.
    pub country: Option<Location>,
    /// What it does.
    pub activity: Option<Text>,
    /// Transfer mechanism, when outside the EU/EEA.
    pub transfer: Option<TransferMechanism>,
    /// Where a copy of the safeguards can be had.
    pub safeguards: Option<Text>,
    /// The sub-processing agreement (Art. 28(4)).
    pub dpa: Option<Dpa>,
    /// The day it was (or will be) engaged.
    pub added: Option<Date>,
    /// The day it stopped (or will stop) being engaged.
    pub removed: Option<Date>,
    /// Web site.
    pub website: Option<String>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Subprocessor {
    /// True when it processes outside the EU/EEA (a transfer under Chapter V).
    pub fn is_third_country(&self) -> bool {
        self.country
            .as_ref()
            .is_some_and(Location::is_third_country)
    }

    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        self.name.get(lang)
    }

    /// True when it is engaged on `day`: added on or before it (or undated) and not yet
    /// removed. A sub-processor whose `added` lies ahead is an intended change.
    pub fn engaged_on(&self, day: Date) -> bool {
        self.added.is_none_or(|a| a <= day) && self.removed.is_none_or(|r| r > day)
    }
}

/// What happened to a sub-processor on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It was (or will be) engaged.
    Added,
    /// It stopped (or will stop) being engaged.
    Removed,
}

impl Change {
    /// In words.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Change::Added => lang.pick("Tillagt", "Added"),
            Change::Removed => lang.pick("Borttaget", "Removed"),
        }
    }
}

impl Register {
    /// True when the register records processing on behalf of others.
    pub fn is_processor(&self) -> bool {
        !self.processing_for.is_empty()
    }

    /// The sub-processor with `id`.
    pub fn subprocessor(&self, id: &str) -> Option<&Subprocessor> {
        self.subprocessors.iter().find(|s| s.id == id)
    }

    /// Every dated change of the sub-processor list, newest first (the same day: additions
    /// before removals, then by name).
    pub fn subprocessor_changes(&self) -> Vec<(Date, Change, &Subprocessor)> {
        let mut out: Vec<(Date, Change, &Subprocessor)> = self
            .subprocessors
            .iter()
            .flat_map(|s| {
                [
                    s.added.map(|d| (d, Change::Added, s)),
                    s.removed.map(|d| (d, Change::Removed, s)),
                ]
            })
            .flatten()
            .collect();
        out.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then_with(|| a.2.name(Lang::Sv).cmp(b.2.name(Lang::Sv)))
        });
        out
    }

    /// The security measures that apply to `p`: its own, else the register's.
    pub fn processing_security(&self, p: &ProcessingFor, lang: Lang) -> Vec<String> {
        if !p.security.is_empty() {
            return p.security.iter().map(|t| t.get(lang).to_owned()).collect();
        }
        self.security
            .description
            .iter()
            .chain(&self.security.measures)
            .map(|t| t.get(lang).to_owned())
            .collect()
    }
}
