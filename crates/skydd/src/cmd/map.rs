//! `skydd map check` and `skydd map draft`: the data map against reality.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use skydd_connect::Db;
use skydd_core::datamap::graph;
use skydd_core::schema::{ColumnKind, Schema};
use skydd_core::taxonomy::is_within;

use crate::cli::{MapCheckArgs, MapDraftArgs};
use crate::ctx::{self, Ctx, usage};
use crate::report::{self, Style, paint};
use crate::{Reported, fsio};

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

/// Compares the map with the live schemas and the register.
pub fn findings(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let world = ctx.world();
    if let Err(e) = graph::check(&ctx.map) {
        finding(&mut out, "error", "data map", e.to_string(), None);
    }
    for c in ctx.map.collections() {
        let at = c.key.to_string();
        let Some(schema) = ctx.schemas.get(&c.key.dataset) else {
            continue;
        };
        let db = &ctx.dbs[&c.key.dataset];
        let Some(table) = schema.table(&c.key.collection) else {
            let hint = skydd_core::diagnostic::suggestion(
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
                let hint = skydd_core::diagnostic::suggestion(
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
            let lookup = f.identity.is_some()
                || f.references
                    .iter()
                    .any(|r| r.direction != skydd_core::datamap::Direction::To);
            // A field other collections are looked up by also needs an index.
            let looked_up_by = ctx.map.collections().any(|o| {
                o.fields.iter().any(|of| {
                    of.references.iter().any(|r| {
                        r.to.collection == c.key
                            && r.to.field == f.name
                            && r.direction != skydd_core::datamap::Direction::From
                    })
                })
            });
            if (lookup || looked_up_by) && !table.is_indexed(&f.name) {
                let d = &db.dialect;
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
            // A reference to another row is covered where that row is.
            if f.is_personal() && f.references.is_empty() && world.covering(&c.key, f).is_empty() {
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
    out
}

/// `skydd map check`.
pub async fn check(path: &Path, args: &MapCheckArgs) -> anyhow::Result<ExitCode> {
    let ctx = Ctx::open(path, args.source.as_deref()).await?;
    let found = findings(&ctx);
    let errors = found.iter().filter(|f| f.severity == "error").count();
    if args.json {
        report::print_json(
            &serde_json::json!({ "errors": errors, "warnings": found.len() - errors, "findings": found }),
        );
    } else {
        let color = report::stdout_color();
        for f in &found {
            let style = if f.severity == "error" {
                Style::Error
            } else {
                Style::Warning
            };
            println!(
                "{}: {}: {}",
                paint(f.severity, style, color),
                f.at,
                f.message
            );
            if let Some(fix) = &f.fix {
                println!("    {fix}");
            }
        }
        let tables: usize = ctx.schemas.values().map(|s| s.tables.len()).sum();
        println!(
            "Data map: {} collection(s) checked against {tables} table(s): {}.",
            ctx.map.collections().count(),
            report::summary(errors, found.len() - errors)
        );
    }
    ctx.close().await;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A category guessed from a column name.
pub fn guess(table: &str, column: &str, kind: ColumnKind) -> &'static str {
    let c = column.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| c == *x || c.split('_').any(|p| p == *x));
    if has(&["email", "epost", "mail"]) || c.contains("email") {
        "user.contact.email"
    } else if has(&["phone", "telefon", "mobile", "mobil", "tel", "cell"]) {
        "user.contact.phone_number"
    } else if has(&["personnummer", "pnr", "ssn", "personal_number"]) || c.contains("personnummer")
    {
        "user.government_id.national_identification_number"
    } else if c == "first_name" || c == "fornamn" || c == "given_name" {
        "user.name.first"
    } else if c == "last_name" || c == "efternamn" || c == "surname" || c == "family_name" {
        "user.name.last"
    } else if has(&["name", "namn"])
        && !has(&["domain", "file", "product", "host", "table", "user"])
    {
        if ["product", "item", "plan", "category"]
            .iter()
            .any(|t| table.contains(t))
        {
            "system.operations"
        } else {
            "user.name"
        }
    } else if has(&["street", "address", "adress", "gatuadress"]) {
        "user.contact.address.street"
    } else if has(&["city", "ort", "stad"]) {
        "user.contact.address.city"
    } else if has(&["zip", "postal", "postnummer", "postcode"]) {
        "user.contact.address.postal_code"
    } else if has(&["country", "land"]) {
        "user.contact.address.country"
    } else if has(&["ip"]) || c == "remote_addr" {
        "user.device.ip_address"
    } else if has(&["password", "passwd"]) {
        "user.authorization.password"
    } else if has(&["username", "login"]) {
        "user.account.username"
    } else if has(&["birth", "dob", "fodelsedatum", "birthday"]) {
        "user.demographic.date_of_birth"
    } else if has(&["iban", "bank", "account_number", "bankgiro"]) {
        "user.financial.bank_account"
    } else if has(&["card", "ccn"]) {
        "user.financial.credit_card"
    } else if has(&["amount", "total", "price", "belopp"]) {
        "user.financial"
    } else if has(&[
        "message", "body", "comment", "note", "notes", "content", "cv", "letter", "subject",
    ]) && kind.is_textual()
    {
        "user.content.private"
    } else if has(&["agent"]) {
        "user.device"
    } else {
        "system.operations"
    }
}

/// A dataset drafted from a live schema, as YAML.
pub fn draft_yaml(key: &str, schema: &Schema, source: &str) -> String {
    let mut out = format!(
        "# Drafted by `skydd map draft` from database `{source}`.\n# Review every data category before use: they are guessed from column names.\n# Keys and foreign-key references come from the database itself.\ndataset:\n  - fides_key: {key}\n    name: {key}\n    collections:\n"
    );
    let person_tables: BTreeSet<&str> = schema
        .tables
        .values()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| guess(&t.name, &c.name, c.kind) == "user.contact.email")
        })
        .map(|t| t.name.as_str())
        .collect();
    for t in schema.tables.values() {
        out += &format!("      - name: {}\n        fields:\n", t.name);
        for c in &t.columns {
            let fk = t
                .foreign_keys
                .iter()
                .find(|f| f.columns.len() == 1 && f.columns[0] == c.name);
            let pk = t.primary_key.contains(&c.name);
            let mut category = guess(&t.name, &c.name, c.kind);
            if (pk && person_tables.contains(t.name.as_str()))
                || fk.is_some_and(|f| person_tables.contains(f.table.as_str()))
            {
                category = "user.unique_id";
            }
            out += &format!(
                "          - name: {}\n            data_categories: [{category}]\n",
                c.name
            );
            let mut meta = Vec::new();
            if pk {
                meta.push("              primary_key: true".to_owned());
            }
            if category == "user.contact.email" {
                meta.push("              identity: email".to_owned());
            }
            meta.push(format!("              data_type: {}", c.kind.fides_type()));
            if let Some(l) = c.max_len {
                meta.push(format!("              length: {l}"));
            }
            if let Some(f) = fk {
                meta.push(format!(
                    "              references:\n                - dataset: {key}\n                  field: {}.{}\n                  direction: from",
                    f.table, f.references[0]
                ));
            }
            out += "            fides_meta:\n";
            out += &meta.join("\n");
            out.push('\n');
        }
    }
    out
}

/// `skydd map draft`.
pub async fn draft(path: &Path, args: &MapDraftArgs) -> anyhow::Result<ExitCode> {
    let (_, register) = report::load_register(path, false)?;
    let Some(db) = register.databases.iter().find(|d| d.name == args.source) else {
        let names: Vec<&str> = register.databases.iter().map(|d| d.name.as_str()).collect();
        let hint = skydd_core::diagnostic::suggestion(&args.source, names.iter().copied())
            .unwrap_or_else(|| format!("it declares: {}", names.join(", ")));
        return Err(usage(format!(
            "no database `{}` in the register; {hint}",
            args.source
        )));
    };
    let url = ctx::url(&ctx::base_dir(path), db)?;
    let conn = Db::connect(&db.name, db.kind, &url, db.schema.as_deref(), false).await?;
    let schema = conn.introspect().await?;
    conn.close().await;
    if schema.tables.is_empty() {
        eprintln!(
            "{}: database `{}` has no tables",
            paint("warning", Style::Warning, report::stderr_color()),
            db.name
        );
        return Err(Reported(1).into());
    }
    let yaml = draft_yaml(args.key.as_deref().unwrap_or(&db.name), &schema, &db.name);
    // What we write must load.
    skydd_core::datamap::parse(&yaml, "draft").map_err(|e| {
        anyhow::anyhow!(
            "the draft does not parse ({} errors); please report this",
            e.len()
        )
    })?;
    match &args.out {
        Some(out) => {
            fsio::write_atomic(out, yaml.as_bytes(), fsio::Visibility::Public)?;
            eprintln!(
                "wrote {} ({} tables). Review the categories, then `skydd map check`.",
                out.display(),
                schema.tables.len()
            );
        }
        None => print!("{yaml}"),
    }
    Ok(ExitCode::SUCCESS)
}
