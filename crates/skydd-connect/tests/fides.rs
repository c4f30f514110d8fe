//! Acceptance: Fides' own sample project (its schema and data loaded into a fresh
//! PostgreSQL database, its dataset read unmodified) must give, for customer-1@example.com,
//! the same rows Fides 2.78.2's traversal returned (`testdata/fides/expected_access_…json`,
//! measured by running Fides; data © Ethyca, Apache-2.0).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use skydd_connect::read;
use skydd_core::datamap::{self, graph};
use skydd_core::identity::IdentityKind;
use skydd_core::value::Value;

const SQL: &str = include_str!("../../../testdata/fides/postgres_sample.sql");
const DATASET: &str = include_str!("../../../testdata/fides/postgres_example_test_dataset.yml");
const EXPECTED: &str =
    include_str!("../../../testdata/fides/expected_access_customer-1.fides-2.78.2.json");

/// A value as text, so that Fides' JSON and our portable values compare: a DATE read as
/// `2021-01-01` equals Fides' `2021-01-01 00:00:00`.
fn norm(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "null".into(),
        other => other.to_string(),
    };
    s.strip_suffix(" 00:00:00").map(str::to_owned).unwrap_or(s)
}

fn ours(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => t.strip_suffix(" 00:00:00").unwrap_or(t).to_owned(),
        other => other.key(),
    }
}

#[tokio::test]
async fn the_access_request_for_customer_1_returns_the_rows_fides_returns() {
    let Some(t) = support::TestDb::postgres().await else {
        eprintln!("SKYDD_TEST_POSTGRES_URL is not set: skipping the Fides acceptance test");
        return;
    };
    t.db.execute(SQL).await.unwrap();
    let map =
        datamap::resolve(datamap::parse(DATASET, "postgres_example_test_dataset.yml").unwrap())
            .unwrap();
    let schema = t.db.introspect().await.unwrap();
    let traversal = graph::traversal(&map, &[IdentityKind::Email]).unwrap();
    let ids = BTreeMap::from([(
        IdentityKind::Email,
        vec!["customer-1@example.com".to_owned()],
    )]);
    let dbs = BTreeMap::from([("postgres_example_test_dataset".to_owned(), t.db.clone())]);
    let schemas = BTreeMap::from([("postgres_example_test_dataset".to_owned(), schema)]);
    let access = read::access(&map, &traversal, &ids, &dbs, &schemas)
        .await
        .unwrap();

    let expected: serde_json::Value = serde_json::from_str(EXPECTED).unwrap();
    let expected = expected["raw"].as_object().unwrap();
    assert_eq!(
        access.found.len(),
        expected.len(),
        "the same 11 collections"
    );
    for f in &access.found {
        let key = format!("postgres_example_test_dataset:{}", f.collection.collection);
        let want = expected[&key].as_array().unwrap();
        // Compare on the fields Fides returned (the declared ones), as sorted row sets.
        let mut want_rows: Vec<BTreeMap<String, String>> = want
            .iter()
            .map(|r| {
                r.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), norm(v)))
                    .collect()
            })
            .collect();
        let mut got_rows: Vec<BTreeMap<String, String>> = f
            .rows
            .iter()
            .map(|r| {
                f.columns
                    .iter()
                    .zip(r)
                    .filter(|(c, _)| map.collection(&f.collection).unwrap().field(c).is_some())
                    .map(|(c, v)| (c.clone(), ours(v)))
                    .collect()
            })
            .collect();
        want_rows.sort();
        got_rows.sort();
        assert_eq!(got_rows, want_rows, "{key}");
    }
    let counts: Vec<(String, usize)> = access
        .found
        .iter()
        .map(|f| (f.collection.collection.clone(), f.rows.len()))
        .collect();
    let counts: BTreeMap<String, usize> = counts.into_iter().collect();
    assert_eq!(counts["order_item"], 4);
    assert_eq!(counts["login"], 6);
    assert_eq!(counts["employee"], 0);
    // Fides used 132 statements over 11 connections; one per collection suffices.
    assert_eq!(access.statements, 11);
    t.drop_db().await;
}
