//! Loading the processor side: `[[processing_for]]` and `[[subprocessor]]`. A sub-processor
//! is read through the same code as a `[[recipient]]` with the role of processor, so its
//! country, transfer mechanism, agreement and web site are checked exactly alike.

use std::collections::{BTreeSet, HashSet};

use crate::register::raw::Spanned;

use super::{Validator, id_syntax, span};
use crate::diagnostic::suggestion;
use crate::register::processing::{ProcessingFor, Subprocessor};
use crate::register::raw::{RawProcessingFor, RawRecipient, RawSubprocessor};

impl Validator<'_> {
    pub(super) fn subprocessors(&mut self, raws: &[Spanned<RawSubprocessor>]) -> Vec<Subprocessor> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for s in raws {
            let r = s.get_ref();
            let id = r.id.get_ref().trim().to_owned();
            if !id_syntax().is_match(&id) {
                self.error(
                    "value",
                    format!("`{id}` is not a valid sub-processor id: use lower-case letters, digits, `-` and `_`"),
                    span(&r.id),
                    None,
                );
            }
            if !seen.insert(id.clone()) {
                self.error(
                    "duplicate",
                    format!("sub-processor `{id}` is declared twice"),
                    span(&r.id),
                    None,
                );
            }
            let as_recipient = Spanned::new(
                s.span(),
                RawRecipient {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    role: Spanned::new(r.id.span(), "processor".to_owned()),
                    category: None,
                    country: r.country.clone(),
                    dpa: r.dpa.clone(),
                    transfer: r.transfer.clone(),
                    safeguards: r.safeguards.clone(),
                    shares: None,
                    website: r.website.clone(),
                    dpf_certified: r.dpf_certified.clone(),
                    notify: None,
                },
            );
            let added = r.added.as_ref().and_then(|d| self.date(d, "added"));
            let removed = r.removed.as_ref().and_then(|d| self.date(d, "removed"));
            if let (Some(a), Some(rm), Some(at)) = (added, removed, r.removed.as_ref())
                && rm < a
            {
                self.error(
                    "value",
                    format!("sub-processor `{id}` is removed ({rm}) before it was added ({a})"),
                    span(at),
                    Some(
                        "`removed` is the day it stopped being engaged, on or after `added`".into(),
                    ),
                );
            }
            let Some(rec) = self.recipient(&as_recipient) else {
                continue;
            };
            out.push(Subprocessor {
                id,
                name: rec.name,
                country: rec.country,
                activity: self.opt_text(&r.activity),
                transfer: rec.transfer,
                safeguards: rec.safeguards,
                dpa: rec.dpa,
                added,
                removed,
                website: rec.website,
                dpf_certified: rec.dpf_certified,
                span: span(&r.id),
            });
        }
        out
    }

    pub(super) fn processing_for(
        &mut self,
        raws: &[Spanned<RawProcessingFor>],
        categories: &BTreeSet<String>,
        subjects: &BTreeSet<String>,
        subprocessors: &[&str],
    ) -> Vec<ProcessingFor> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for p in raws {
            let r = p.get_ref();
            let id = r.id.get_ref().trim().to_owned();
            if !id_syntax().is_match(&id) {
                self.error(
                    "value",
                    format!("`{id}` is not a valid processing_for id: use lower-case letters, digits, `-` and `_`"),
                    span(&r.id),
                    None,
                );
            }
            if !seen.insert(id.clone()) {
                self.error(
                    "duplicate",
                    format!("processing_for `{id}` is declared twice"),
                    span(&r.id),
                    None,
                );
            }
            let controllers = self.opt_text(&r.controllers);
            let controller_list = self.opt_text(&r.controller_list);
            let named_controllers: Vec<_> = r
                .named_controllers
                .iter()
                .map(|c| self.controller(c))
                .collect();
            // Art. 30(2)(a): the record names every controller, or (for a hosting firm's many
            // customers) their kind and where the list of them is kept.
            if controllers.is_none() && named_controllers.is_empty() {
                self.error(
                    "value",
                    format!("processing_for `{id}` names no controller it acts for"),
                    span(&r.id),
                    Some("add `controllers = { sv = \"Webbhotellkunder\", en = \"Web hosting customers\" }` with `controller_list = …` (where the list is kept), or [[processing_for.controller]] entries".into()),
                );
            }
            let processing: Vec<_> = r
                .processing
                .iter()
                .map(|t| self.text(t))
                .filter(|t| !t.is_empty())
                .collect();
            // Art. 30(2)(b): the categories of processing are the heart of the record.
            if processing.is_empty() {
                self.error(
                    "value",
                    format!("processing_for `{id}` names no category of processing"),
                    span(&r.id),
                    Some("add `processing = [{ sv = \"Lagring av webbplatser och databaser\", en = \"Storage of websites and databases\" }]`".into()),
                );
            }
            let data_subjects = r
                .data_subjects
                .iter()
                .filter_map(|k| self.reference(k, subjects, "data subject"))
                .collect();
            let data_categories = r
                .data_categories
                .iter()
                .filter_map(|k| self.reference(k, categories, "data category"))
                .collect();
            let subs = r
                .subprocessors
                .iter()
                .filter_map(|k| {
                    let v = k.get_ref().trim();
                    if subprocessors.contains(&v) {
                        Some(v.to_owned())
                    } else {
                        let help = suggestion(v, subprocessors.iter().copied())
                            .or_else(|| Some("declare it with [[subprocessor]]".into()));
                        self.error(
                            "reference",
                            format!("unknown sub-processor `{v}`"),
                            span(k),
                            help,
                        );
                        None
                    }
                })
                .collect();
            out.push(ProcessingFor {
                id,
                controllers,
                controller_list,
                named_controllers,
                processing,
                data_subjects,
                data_categories,
                subprocessors: subs,
                agreement: self.opt_text(&r.agreement),
                security: r
                    .security
                    .iter()
                    .map(|t| self.text(t))
                    .filter(|t| !t.is_empty())
                    .collect(),
                span: span(&r.id),
            });
        }
        out
    }
}
