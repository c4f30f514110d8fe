//! `skydd map check`: the data map against the live databases and the register. Every
//! finding says where and, where it can, how to fix it: a table or column the map names
//! that does not exist, a declared type the column does not hold, lookups no index serves,
//! personal data no purpose covers (GDPR Art. 5(1)(b), 6(1)), tables the map leaves out
//! although they hold personal data, rows several people share, masking an erasure could
//! not write, and retention that cannot be enforced. It reads only what it is given.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::datamap::{CollectionRef, DataMap, Direction, Masking, graph};
use crate::plan::World;
use crate::plan::erasure::{Maskers, masked};
use crate::register::{DbKind, Register};
use crate::retention::Event;
use crate::schema::{ColumnKind, Schema};
use crate::taxonomy::is_within;
use crate::value::Value;

/// How a database writes names in SQL, for the statements a fix proposes.
pub trait SqlNames {
    /// The backend.
    fn kind(&self) -> DbKind;
    /// A quoted identifier.
    fn ident(&self, name: &str) -> String;
    /// A table name, qualified as the backend needs.
    fn table(&self, name: &str) -> String;
}

/// What the check reads: the register, the data map and the live schemas.
pub struct Live<'a> {
    /// The register.
    pub register: &'a Register,
    /// The data maps of the databases checked, joined.
    pub map: &'a DataMap,
    /// Dataset key of each database checked (by database name).
    pub dataset_of: &'a BTreeMap<String, String>,
    /// Live schemas by dataset key.
    pub schemas: &'a BTreeMap<String, Schema>,
    /// How each database (by dataset key) writes names.
    pub names: &'a BTreeMap<String, &'a dyn SqlNames>,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// error or warning.
    pub severity: &'static str,
    /// Where.
    pub at: String,
    /// What.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

fn finding(
    v: &mut Vec<Finding>,
    severity: &'static str,
    at: impl Into<String>,
    message: impl Into<String>,
    fix: Option<String>,
) {
    v.push(Finding {
        severity,
        at: at.into(),
        message: message.into(),
        fix,
    });
}

/// Whether a declared fideslang `data_type` fits a live column.
fn type_fits(declared: &str, kind: ColumnKind) -> bool {
    match declared {
        "string" => !matches!(
            kind,
            ColumnKind::Integer | ColumnKind::Float | ColumnKind::Bool
        ),
        "integer" => matches!(kind, ColumnKind::Integer),
        "float" => matches!(
            kind,
            ColumnKind::Float | ColumnKind::Decimal | ColumnKind::Integer
        ),
        "boolean" => matches!(kind, ColumnKind::Bool | ColumnKind::Integer),
        _ => true,
    }
}

/// Compares the map with the live schemas and the register, as of `today` (for retention).
pub fn findings(ctx: &Live<'_>, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let world = World::new(ctx.register, ctx.map, ctx.schemas.clone(), ctx.dataset_of);
    if let Err(e) = graph::check(ctx.map) {
        finding(&mut out, "error", "data map", e.to_string(), None);
    }
    for c in ctx.map.collections() {
        let at = c.key.to_string();
        let Some(schema) = ctx.schemas.get(&c.key.dataset) else {
            continue;
        };
        let Some(d) = ctx.names.get(&c.key.dataset).copied() else {
            continue;
        };
        let Some(table) = schema.table(&c.key.collection) else {
            let hint = crate::diagnostic::suggestion(
                &c.key.collection,
                schema.tables.keys().map(String::as_str),
            );
            finding(
                &mut out,
                "error",
                &at,
                format!("table `{}` does not exist", c.key.collection),
                hint,
            );
            continue;
        };
        for f in &c.fields {
            let fat = format!("{at}.{}", f.name);
            let Some(col) = table.column(&f.name) else {
                let hint = crate::diagnostic::suggestion(
                    &f.name,
                    table.columns.iter().map(|c| c.name.as_str()),
                );
                finding(&mut out, "error", &fat, "column does not exist", hint);
                continue;
            };
            if let Some(t) = &f.data_type
                && !type_fits(t, col.kind)
            {
                finding(
                    &mut out,
                    "error",
                    &fat,
                    format!("declared `{t}` but the column is {}", col.sql_type),
                    None,
                );
            }
            if let Some(len) = f.length
                && col.max_len.is_some_and(|m| m < len)
            {
                finding(
                    &mut out,
                    "warning",
                    &fat,
                    format!(
                        "declared length {len} but the column holds at most {}",
                        col.max_len.unwrap_or(0)
                    ),
                    None,
                );
            }
            // An e-mail is looked up ignoring case (`lower(col)`), which a plain index does
            // not serve; every other lookup compares the column as it is.
            let folded = f.identity == Some(crate::identity::IdentityKind::Email);
            let lookup = (f.identity.is_some() && !folded)
                || f.references
                    .iter()
                    .any(|r| r.direction != crate::datamap::Direction::To);
            // A field other collections are looked up by also needs an index.
            let looked_up_by = ctx.map.collections().any(|o| {
                o.fields.iter().any(|of| {
                    of.references.iter().any(|r| {
                        r.to.collection == c.key
                            && r.to.field == f.name
                            && r.direction != crate::datamap::Direction::From
                    })
                })
            });
            if folded && !table.is_indexed_ignoring_case(&f.name) {
                let index = format!("skydd_{}_{}_lower", c.key.collection, f.name);
                let fix = match d.kind() {
                    crate::register::DbKind::Mysql => format!(
                        "the column's collation is case-sensitive, and MariaDB cannot index lower({0}): give it a case-insensitive collation, e.g. ALTER TABLE {1} MODIFY {0} {2} COLLATE utf8mb4_unicode_ci; (MySQL 8 also takes CREATE INDEX {3} ON {1} ((lower({0})));)",
                        d.ident(&f.name),
                        d.table(&c.key.collection),
                        col.sql_type,
                        d.ident(&index)
                    ),
                    _ => format!(
                        "CREATE INDEX {} ON {} (lower({}));",
                        d.ident(&index),
                        d.table(&c.key.collection),
                        d.ident(&f.name)
                    ),
                };
                finding(
                    &mut out,
                    "warning",
                    &fat,
                    "requests look this e-mail up ignoring case (lower(column)), but no index serves that (every request scans the table)",
                    Some(fix),
                );
            }
            if (lookup || looked_up_by) && !table.is_indexed(&f.name) {
                let index = format!("skydd_{}_{}", c.key.collection, f.name);
                finding(
                    &mut out,
                    "warning",
                    &fat,
                    "requests look rows up by this column, but no index starts with it (every request scans the table)",
                    Some(format!(
                        "CREATE INDEX {} ON {} ({});",
                        d.ident(&index),
                        d.table(&c.key.collection),
                        d.ident(&f.name)
                    )),
                );
            }
            // A reference or key to another row is covered where that row is.
            if f.is_personal()
                && f.references.is_empty()
                && !world.is_key(&c.key, f)
                && world.covering(&c.key, f).is_empty()
            {
                finding(
                    &mut out,
                    "error",
                    &fat,
                    format!(
                        "holds {} but no purpose covers it (GDPR art. 5.1 b, 6.1)",
                        f.categories.join(", ")
                    ),
                    Some(
                        "add the category to a purpose, or scope a purpose to this collection"
                            .into(),
                    ),
                );
            }
        }
    }
    // The register's side: purposes naming data the map never holds; scopes and events that
    // name what does not exist.
    for p in &ctx.register.purposes {
        for cat in &p.data_categories {
            let held = ctx.map.collections().any(|c| {
                c.fields.iter().any(|f| {
                    f.categories
                        .iter()
                        .any(|fc| is_within(fc, cat) || is_within(cat, fc))
                })
            });
            if !held {
                finding(
                    &mut out,
                    "warning",
                    format!("purpose `{}`", p.id),
                    format!("names `{cat}` but no field of the data map holds it"),
                    None,
                );
            }
        }
        for scope in &p.collections {
            if !ctx.map.collections().any(|c| c.key.to_string() == *scope) {
                finding(
                    &mut out,
                    "error",
                    format!("purpose `{}`", p.id),
                    format!("is scoped to `{scope}`, which is not in the data map"),
                    None,
                );
            }
        }
    }
    for db in &ctx.register.databases {
        let Some(dataset) = ctx.dataset_of.get(&db.name) else {
            continue;
        };
        let Some(schema) = ctx.schemas.get(dataset) else {
            continue;
        };
        for (event, col) in &db.events {
            let ok = schema
                .table(&col.collection)
                .and_then(|t| t.column(&col.column));
            match ok {
                None => finding(
                    &mut out,
                    "error",
                    format!("database `{}`", db.name),
                    format!(
                        "event `{event}` is bound to `{}.{}`, which does not exist",
                        col.collection, col.column
                    ),
                    None,
                ),
                Some(c)
                    if !matches!(
                        c.kind,
                        ColumnKind::Date
                            | ColumnKind::Timestamp
                            | ColumnKind::Text
                            | ColumnKind::Other
                    ) =>
                {
                    finding(
                        &mut out,
                        "error",
                        format!("database `{}`", db.name),
                        format!(
                            "event `{event}` is bound to `{}.{}` ({}), which holds no date",
                            col.collection, col.column, c.sql_type
                        ),
                        None,
                    )
                }
                Some(_) => {}
            }
        }
    }
    unmapped(ctx, &mut out);
    shared(ctx, &mut out);
    let unmaskable = masking(ctx, &world, &mut out);
    retention(ctx, &world, today, &unmaskable, &mut out);
    out
}

/// Live tables the map leaves out although they hold personal data: no request would find
/// it, no retention rule would erase it.
fn unmapped(ctx: &Live<'_>, out: &mut Vec<Finding>) {
    for (dataset, schema) in ctx.schemas {
        let source = ctx
            .dataset_of
            .iter()
            .find(|(_, k)| *k == dataset)
            .map_or(dataset.as_str(), |(name, _)| name.as_str());
        for t in crate::datamap::draft::survey(schema).tables.values() {
            let key = CollectionRef {
                dataset: dataset.clone(),
                collection: t.name.clone(),
            };
            if ctx.map.collection(&key).is_some() {
                continue;
            }
            let strong: Vec<String> = t
                .columns
                .iter()
                .filter(|c| c.is_personal())
                .map(|c| format!("{} ({})", c.name, c.category.unwrap_or("an identity")))
                .collect();
            let weak: Vec<String> = t
                .columns
                .iter()
                .filter_map(|c| Some(format!("{} ({}?)", c.name, c.weak?)))
                .collect();
            let fix = Some(format!(
                "run `skydd map draft --source {source}` and copy its `{}` collection into the data map; if it holds no one's personal data, add it with `fides_meta: {{skip_processing: true}}`",
                t.name
            ));
            if !strong.is_empty() {
                finding(
                    out,
                    "error",
                    key.to_string(),
                    format!(
                        "table `{}` is not in the data map but holds personal data: {} (requests and retention never see it)",
                        t.name,
                        strong.join(", ")
                    ),
                    fix,
                );
            } else if !weak.is_empty() {
                finding(
                    out,
                    "warning",
                    key.to_string(),
                    format!(
                        "table `{}` is not in the data map; these columns may hold personal data: {}",
                        t.name,
                        weak.join(", ")
                    ),
                    fix,
                );
            }
        }
    }
}

/// Collections reached from two or more people (or twice from one kind): their rows are
/// treated as shared by the people they name.
fn shared(ctx: &Live<'_>, out: &mut Vec<Finding>) {
    let holds_identity = |r: &CollectionRef| {
        ctx.map
            .collection(r)
            .is_some_and(|c| !c.skip && c.fields.iter().any(|f| f.identity.is_some()))
    };
    for c in ctx.map.collections().filter(|c| !c.skip) {
        let links: Vec<String> = c
            .fields
            .iter()
            .flat_map(|f| {
                f.references
                    .iter()
                    .filter(|r| r.direction != Direction::To && r.to.collection != c.key)
                    .filter(|r| holds_identity(&r.to.collection))
                    .map(move |r| format!("{} → {}", f.name, r.to.collection.collection))
            })
            .collect();
        if links.len() >= 2 {
            finding(
                out,
                "warning",
                c.key.to_string(),
                format!(
                    "its rows are found from several people ({}): a row that names someone else too is shared, and an erasure leaves it unchanged (removing the person's link where the column allows NULL)",
                    links.join(", ")
                ),
                Some(
                    "if a row belongs to one of them, keep `direction: from` only on that person's reference and drop the others' `references` (the columns stay keys)"
                        .into(),
                ),
            );
        }
    }
}

/// A value a column certainly accepts, for the fix of a masking finding.
fn example_value(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Integer | ColumnKind::Float | ColumnKind::Decimal => "0",
        ColumnKind::Bool => "false",
        ColumnKind::Date => "1970-01-01",
        ColumnKind::Timestamp => "1970-01-01 00:00:00",
        _ => "…",
    }
}

/// Masking that cannot be written to its column: fixed values that do not parse, and NULL
/// for NOT NULL columns that are not text. Returns the fields found, so retention does not
/// report them twice.
fn masking(
    ctx: &Live<'_>,
    world: &World<'_>,
    out: &mut Vec<Finding>,
) -> BTreeSet<(CollectionRef, String)> {
    let mut bad = BTreeSet::new();
    let column = |c: &CollectionRef, f: &str| {
        ctx.schemas
            .get(&c.dataset)
            .and_then(|s| s.table(&c.collection))
            .and_then(|t| t.column(f))
    };
    // [erasure.fields]: each key must name a mapped field, and a fixed value must fit it.
    for (key, m) in &ctx.register.erasure.fields {
        let found = ctx.map.collections().find_map(|c| {
            let name = key.strip_prefix(&format!("{}.", c.key))?;
            c.field(name).map(|f| (c, f))
        });
        let Some((c, f)) = found else {
            // Only the datasets checked here can be judged.
            if ctx
                .schemas
                .keys()
                .any(|d| key.starts_with(&format!("{d}.")))
            {
                finding(
                    out,
                    "error",
                    "[erasure.fields]",
                    format!(
                        "`{key}` names no field of the data map, so its strategy is never used"
                    ),
                    Some("write it as `dataset.collection.field`, as in the data map".into()),
                );
            }
            continue;
        };
        if let (Masking::Fixed { value }, Some(col)) = (m, column(&c.key, &f.name))
            && let Err(e) = col.parse(value)
        {
            bad.insert((c.key.clone(), f.name.clone()));
            finding(
                out,
                "error",
                format!("[erasure.fields] `{key}`"),
                format!("the fixed value does not fit the column: {e}"),
                Some(format!(
                    "choose a value the column accepts, e.g. `{}`",
                    example_value(col.kind)
                )),
            );
        }
    }
    for (key, _) in &ctx.register.erasure.collections {
        let mapped = ctx.map.collections().any(|c| c.key.to_string() == *key);
        if !mapped
            && ctx
                .schemas
                .keys()
                .any(|d| key.starts_with(&format!("{d}.")))
        {
            finding(
                out,
                "error",
                "[erasure.collections]",
                format!(
                    "`{key}` names no collection of the data map, so its row policy is never used"
                ),
                None,
            );
        }
    }
    for c in ctx.map.collections().filter(|c| !c.skip) {
        for f in &c.fields {
            let Some(col) = column(&c.key, &f.name) else {
                continue;
            };
            let at = format!("{}.{}", c.key, f.name);
            if let Some(Masking::Fixed { value }) = &f.masking
                && let Err(e) = col.parse(value)
            {
                bad.insert((c.key.clone(), f.name.clone()));
                finding(
                    out,
                    "error",
                    &at,
                    format!(
                        "its masking_strategy_override's fixed value does not fit the column: {e}"
                    ),
                    None,
                );
            }
            if !f.is_personal() || f.read_only || world.is_key(&c.key, f) {
                continue;
            }
            let strategy = world.masking(&c.key, f);
            if matches!(strategy, Masking::Fixed { .. }) {
                continue; // parsed above
            }
            let hmac = |s: &str| s.to_owned();
            let mut random = |n: usize| "x".repeat(n);
            let mut maskers = Maskers {
                hmac: Some(&hmac),
                random: &mut random,
            };
            if masked(
                &strategy,
                &Value::Text(String::new()),
                Some(col),
                &mut maskers,
            )
            .is_err()
            {
                bad.insert((c.key.clone(), f.name.clone()));
                finding(
                    out,
                    "error",
                    &at,
                    format!(
                        "the column is NOT NULL and {}, but its masking would write NULL: an erasure would fail here",
                        col.sql_type
                    ),
                    Some(format!(
                        "give it a fixed value in [erasure.fields]: \"{at}\" = {{ strategy = \"fixed\", value = \"{}\" }}",
                        example_value(col.kind)
                    )),
                );
            }
        }
    }
    bad
}

/// Retention that cannot be enforced (an event bound to no column, no rule, no key), and
/// events bound to columns that no rule uses.
fn retention(
    ctx: &Live<'_>,
    world: &World<'_>,
    today: Date,
    reported: &BTreeSet<(CollectionRef, String)>,
    out: &mut Vec<Finding>,
) {
    let plan = crate::plan::retention::plan(world, today);
    for u in &plan.unenforced {
        let collection = ctx.map.collection(&u.collection);
        // Fields no purpose covers are errors above; masking that cannot fit, too.
        let fields: Vec<&str> = u
            .fields
            .iter()
            .filter(|f| !reported.contains(&(u.collection.clone(), (*f).clone())))
            .filter(|f| {
                collection
                    .and_then(|c| c.field(f))
                    .is_none_or(|field| !world.covering(&u.collection, field).is_empty())
            })
            .map(String::as_str)
            .collect();
        if fields.is_empty() {
            continue;
        }
        finding(
            out,
            "warning",
            u.collection.to_string(),
            format!(
                "retention is not enforced for {}: {}",
                fields.join(", "),
                u.why
            ),
            None,
        );
    }
    let used: Vec<&Event> = ctx
        .register
        .purposes
        .iter()
        .filter_map(|p| p.retention.as_ref())
        .flat_map(|r| r.events())
        .collect();
    for db in &ctx.register.databases {
        if !ctx.dataset_of.contains_key(&db.name) {
            continue;
        }
        for (event, col) in &db.events {
            if !used.contains(&event) {
                finding(
                    out,
                    "warning",
                    format!("database `{}`", db.name),
                    format!(
                        "event `{event}` is bound to `{}.{}`, but no purpose's retention rule runs from it",
                        col.collection, col.column
                    ),
                    Some("anchor a purpose's retention on it, or remove the binding from [database.events]".into()),
                );
            }
        }
    }
}
