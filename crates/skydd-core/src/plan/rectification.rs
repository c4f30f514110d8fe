//! Planning a rectification (GDPR Art. 16): the person's rows get the values they asked
//! for, checked against each column's type, and never a row other people share (changing
//! a shared address would change it for everyone who lives or works there).

use std::collections::BTreeMap;

use serde::Serialize;

use super::World;
use super::erasure::{Change, FoundRows, SharedKept, Step, same_stored_value};
use super::sharing::Sharing;
use crate::datamap::{CollectionRef, Masking};
use crate::value::Value;

/// One change the person asked for: `collection.field` becomes `value` (as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The collection.
    pub collection: CollectionRef,
    /// The field.
    pub field: String,
    /// The new value, as given.
    pub value: String,
}

/// What a rectification will do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RectificationPlan {
    /// Updates by dataset.
    pub steps: BTreeMap<String, Vec<Step>>,
    /// Rows of the person that other people share: not changed.
    pub shared: Vec<SharedKept>,
    /// Why it cannot be carried out as asked (a value that does not fit, a table that
    /// cannot be addressed); when any, nothing may run.
    pub errors: Vec<String>,
}

/// Plans the edits on the rows found.
pub fn plan(
    world: &World<'_>,
    found: &[FoundRows],
    sharing: &Sharing,
    edits: &[Edit],
) -> RectificationPlan {
    let mut out = RectificationPlan::default();
    for edit in edits {
        let coll = &edit.collection;
        let Some(column) = world
            .schemas
            .get(&coll.dataset)
            .and_then(|s| s.table(&coll.collection))
            .and_then(|t| t.column(&edit.field))
        else {
            out.errors.push(format!(
                "{coll}: column `{}` does not exist in the database",
                edit.field
            ));
            continue;
        };
        let after = match column.parse(&edit.value) {
            Ok(v) => v,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let Some(rows) = found.iter().find(|f| &f.collection == coll) else {
            continue;
        };
        let key_cols = world.row_key(coll);
        if key_cols.is_empty() && !rows.rows.is_empty() {
            out.errors.push(format!(
                "{coll}: the table has no primary key, in the database or the data map, so the person's rows cannot be addressed one by one; declare `primary_key: true` on a field that identifies a row"
            ));
            continue;
        }
        for (i, row) in rows.rows.iter().enumerate() {
            let Some(key) = key_cols
                .iter()
                .map(|c| rows.get(row, c).map(|v| (c.clone(), v.clone())))
                .collect::<Option<Vec<(String, Value)>>>()
            else {
                continue;
            };
            if let Some(shared) = sharing.get(coll, i) {
                if !out
                    .shared
                    .iter()
                    .any(|s| &s.collection == coll && s.key == key)
                {
                    out.shared.push(SharedKept {
                        collection: coll.clone(),
                        key,
                        with: shared.with.clone(),
                    });
                }
                continue;
            }
            let before = rows.get(row, &edit.field).cloned().unwrap_or(Value::Null);
            if same_stored_value(Some(column), &before, &after) {
                continue;
            }
            let change = Change {
                field: edit.field.clone(),
                strategy: Masking::Fixed {
                    value: edit.value.clone(),
                },
                before,
                after: after.clone(),
                unlink: false,
            };
            let steps = out.steps.entry(coll.dataset.clone()).or_default();
            // Several edits of one row are one update.
            match steps.iter_mut().find(|s| {
                matches!(s, Step::Update { collection, key: k, .. } if collection == coll && *k == key)
            }) {
                Some(Step::Update { set, .. }) => set.push(change),
                _ => steps.push(Step::Update {
                    collection: coll.clone(),
                    key,
                    set: vec![change],
                }),
            }
        }
    }
    out
}
