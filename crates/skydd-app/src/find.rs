//! Finding a person's rows: the traversal of the data map from their identities, run on
//! the company's databases, and the counts that tell whose row is whose.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use skydd_connect::read::{self, Access, RowSink};
use skydd_core::datamap::graph;
use skydd_core::identity::IdentityKind;
use skydd_core::plan::World;
use skydd_core::plan::erasure::FoundRows;
use skydd_core::plan::sharing::{self, Sharing};

use crate::error::AppError;
use crate::subject::Subject;
use crate::workspace::Databases;

/// Runs the traversal for the subject's identities, sending the rows to `sink` as they are
/// read (or keeping them all in the answer without one).
pub async fn find(
    dbs: &Databases,
    subject: &Subject,
    today: Date,
    sink: Option<Arc<dyn RowSink>>,
) -> Result<Access, AppError> {
    let mut variants: BTreeMap<IdentityKind, Vec<String>> = BTreeMap::new();
    for (id, given) in subject.ids() {
        let v = variants.entry(id.kind.clone()).or_default();
        for s in id.variants_with(Some(given), today) {
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    let kinds: Vec<IdentityKind> = variants.keys().cloned().collect();
    let traversal =
        graph::traversal(&dbs.map, &kinds).map_err(|e| AppError::Invalid(e.to_string()))?;
    for c in &traversal.unreached {
        tracing::info!(collection = %c, "not reached by the identities given");
    }
    Ok(read::access_into(
        &dbs.map,
        &traversal,
        &variants,
        &dbs.dbs,
        &dbs.schemas,
        sink,
    )
    .await?)
}

/// Which rows found other people share: the counts the core asks for, made in the
/// databases, and the core's verdict.
pub async fn sharing(
    dbs: &Databases,
    world: &World<'_>,
    found: &[FoundRows],
) -> Result<Sharing, AppError> {
    let probes = sharing::probes(world, found);
    let counts = read::count_references(&probes, &dbs.dbs, &dbs.schemas).await?;
    Ok(sharing::assess(world, found, &probes, &counts))
}
