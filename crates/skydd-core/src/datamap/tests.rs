//! The data map, specified with Fides' own sample and with broken datasets.

use super::graph::{GraphError, Input, traversal};
use super::*;

const FIDES: &str = include_str!("../../../../testdata/fides/postgres_example_test_dataset.yml");
const FIDES_VARIANT: &str =
    include_str!("../../../../testdata/fides/postgres_example_test_dataset.tests-variant.yml");

fn map(src: &str) -> DataMap {
    resolve(parse(src, "test.yml").unwrap()).unwrap()
}

fn errors(src: &str) -> Vec<String> {
    match parse(src, "test.yml") {
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        Ok(d) => resolve(d)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.to_string())
            .collect(),
    }
}

fn cref(c: &str) -> CollectionRef {
    CollectionRef {
        dataset: "postgres_example_test_dataset".into(),
        collection: c.into(),
    }
}

#[test]
fn fides_sample_dataset_loads_unmodified() {
    let m = map(FIDES);
    assert_eq!(m.datasets.len(), 1);
    let names: Vec<&str> = m.collections().map(|c| c.key.collection.as_str()).collect();
    assert_eq!(
        names,
        [
            "address",
            "customer",
            "employee",
            "login",
            "orders",
            "order_item",
            "payment_card",
            "product",
            "report",
            "service_request",
            "visit"
        ]
    );
    let customer = m.collection(&cref("customer")).unwrap();
    let email = customer.field("email").unwrap();
    assert_eq!(email.identity, Some(IdentityKind::Email));
    assert_eq!(email.data_type.as_deref(), Some("string"));
    assert_eq!(customer.field("name").unwrap().length, Some(40));
    assert!(customer.field("id").unwrap().primary_key);
    let address_ref = &customer.field("address_id").unwrap().references[0];
    assert_eq!(
        address_ref.to.to_string(),
        "postgres_example_test_dataset.address.id"
    );
    assert_eq!(address_ref.direction, Direction::To);
    assert!(email.is_personal());
    assert!(!customer.field("created").unwrap().is_personal());
}

#[test]
fn the_fides_test_variant_carries_a_masking_override() {
    // The override sits on `employee.name` in the file (its NOTICE says customer).
    let m = map(FIDES_VARIANT);
    let name = m
        .collection(&cref("employee"))
        .unwrap()
        .field("name")
        .unwrap();
    assert_eq!(
        name.masking,
        Some(Masking::Fixed {
            value: "testing-test".into()
        })
    );
}

#[test]
fn an_email_request_traverses_the_fides_sample_in_dependency_waves() {
    let m = map(FIDES);
    let t = traversal(&m, &[IdentityKind::Email]).unwrap();
    let waves: Vec<Vec<&str>> = t
        .waves
        .iter()
        .map(|w| w.iter().map(|n| n.collection.collection.as_str()).collect())
        .collect();
    assert_eq!(
        waves,
        [
            vec!["customer", "employee", "report", "visit"],
            vec!["login", "orders", "payment_card", "service_request"],
            vec!["address", "order_item"],
            vec!["product"],
        ]
    );
    assert!(t.unreached.is_empty());
    // The address is looked up by every field that points at it.
    let address = t
        .nodes()
        .find(|n| n.collection.collection == "address")
        .unwrap();
    let sources: Vec<String> = address
        .inputs
        .iter()
        .map(|i| match i {
            Input::Edge { from, field, .. } => format!("{from} -> {field}"),
            Input::Identity { field, .. } => format!("identity -> {field}"),
        })
        .collect();
    assert_eq!(
        sources,
        [
            "postgres_example_test_dataset.customer.address_id -> id",
            "postgres_example_test_dataset.employee.address_id -> id",
            "postgres_example_test_dataset.orders.shipping_address_id -> id",
            "postgres_example_test_dataset.payment_card.billing_address_id -> id",
        ]
    );
    // A service request is found by both of its e-mail fields and by its employee.
    let sr = t
        .nodes()
        .find(|n| n.collection.collection == "service_request")
        .unwrap();
    assert_eq!(sr.inputs.len(), 3);
}

#[test]
fn a_request_with_an_identity_no_collection_holds_is_refused() {
    let m = map(FIDES);
    let e = traversal(&m, &[IdentityKind::Phone]).unwrap_err();
    assert!(matches!(e, GraphError::NoSeed { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("the data map's identities are: email"),
        "{e}"
    );
}

#[test]
fn the_whole_sample_is_reachable() {
    assert!(graph::check(&map(FIDES)).is_ok());
}

const SMALL: &str = r#"
dataset:
  - fides_key: shop
    collections:
      - name: customer
        fields:
          - name: id
            fides_meta: { primary_key: true }
          - name: email
            data_categories: [user.contact.email]
            fides_meta: { identity: email }
      - name: invoice
        fields:
          - name: id
            fides_meta: { primary_key: true }
          - name: customer_id
            fides_meta:
              references: [{ dataset: shop, field: customer.id, direction: from }]
"#;

#[test]
fn a_reference_to_an_unknown_collection_or_field_is_named_with_a_suggestion() {
    let e = errors(&SMALL.replace("field: customer.id", "field: custmer.id"));
    assert_eq!(
        e,
        [
            "test.yml:18:27: shop.invoice.customer_id: references unknown collection `shop.custmer`; did you mean `customer`?"
        ]
    );
    let e = errors(&SMALL.replace("field: customer.id", "field: customer.idd"));
    assert_eq!(
        e,
        [
            "test.yml:18:27: shop.invoice.customer_id: references unknown field `shop.customer.idd`; did you mean `id`?"
        ]
    );
    let e = errors(&SMALL.replace("dataset: shop, field", "dataset: shp, field"));
    assert_eq!(
        e,
        [
            "test.yml:18:27: shop.invoice.customer_id: references unknown dataset `shp`; did you mean `shop`?"
        ]
    );
}

#[test]
fn malformed_yaml_points_at_the_line() {
    let e = errors("dataset:\n  - fides_key: x\n    collections: [\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("test.yml:"), "{}", e[0]);
}

#[test]
fn bad_directions_strategies_and_nesting_are_errors() {
    let e = errors(&SMALL.replace("direction: from", "direction: sideways"));
    assert!(
        e[0].contains("direction `sideways` is neither `from` nor `to`"),
        "{e:?}"
    );
    let e = errors(&SMALL.replace(
        "fides_meta: { identity: email }",
        "fides_meta: { identity: email, masking_strategy_override: { strategy: aes_encrypt } }",
    ));
    assert!(e[0].contains("reversible"), "{e:?}");
    let e = errors(&SMALL.replace(
        "            data_categories: [user.contact.email]\n",
        "            data_categories: [user.contact.email]\n            fields: [{ name: inner }]\n",
    ));
    assert!(e[0].contains("nested fields"), "{e:?}");
}

#[test]
fn a_cycle_that_cannot_be_ordered_is_reported_with_its_members() {
    let src = format!(
        "{SMALL}      - name: a\n        fields:\n          - name: x\n            fides_meta:\n              references: [{{ dataset: shop, field: b.y, direction: from }}]\n          - name: c\n            fides_meta:\n              references: [{{ dataset: shop, field: customer.id, direction: from }}]\n      - name: b\n        fields:\n          - name: y\n            fides_meta:\n              references: [{{ dataset: shop, field: a.x, direction: from }}]\n"
    );
    let m = map(&src);
    let e = traversal(&m, &[IdentityKind::Email]).unwrap_err();
    assert_eq!(e, GraphError::Cycle("shop.a, shop.b".into()));
}

#[test]
fn an_unreachable_collection_is_an_error_unless_skipped() {
    let src = format!(
        "{SMALL}      - name: orphan\n        fields:\n          - name: note\n            data_categories: [user]\n"
    );
    let e = graph::check(&map(&src)).unwrap_err();
    assert_eq!(e, GraphError::Unreachable("shop.orphan".into()));
    let skipped = src.replace(
        "      - name: orphan\n",
        "      - name: orphan\n        fides_meta: { skip_processing: true }\n",
    );
    assert!(graph::check(&map(&skipped)).is_ok());
}

#[test]
fn an_undirected_reference_is_followed_away_from_the_identity() {
    let m = map(&SMALL.replace(", direction: from", ""));
    let t = traversal(&m, &[IdentityKind::Email]).unwrap();
    let waves: Vec<Vec<&str>> = t
        .waves
        .iter()
        .map(|w| w.iter().map(|n| n.collection.collection.as_str()).collect())
        .collect();
    assert_eq!(waves, [vec!["customer"], vec!["invoice"]]);
}

#[test]
fn after_orders_collections_without_data() {
    let src = SMALL.replace(
        "      - name: customer\n",
        "      - name: customer\n        fides_meta: { after: [shop.invoice] }\n",
    );
    let m = map(&src);
    // customer must wait for invoice, but invoice waits for customer's ids: a cycle.
    assert!(matches!(
        traversal(&m, &[IdentityKind::Email]),
        Err(GraphError::Cycle(_))
    ));
}

const BLOCK: &str = "\
dataset:
  - fides_key: shop
    collections:
      - name: customer
        fields:
          - name: id
          - name: email
            fides_meta:
              identity: email
      - name: invoice
        fides_meta:
          after:
            - shop.custmer
        fields:
          - name: id
          - name: customer_id
            fides_meta:
              references:
                - dataset: shop
                  field: customer.idd
                  direction: from
";

#[test]
fn every_error_names_its_file_and_line() {
    let twice = BLOCK.replace(
        "          - name: email\n",
        "          - name: email\n          - name: email\n",
    );
    assert_eq!(
        errors(&twice),
        ["test.yml:8:19: shop.customer.email: field declared twice"]
    );
    let twice = BLOCK.replace("      - name: invoice\n", "      - name: customer\n");
    assert!(
        errors(&twice)
            .contains(&"test.yml:10:15: shop.customer: collection declared twice".to_owned()),
        "{:?}",
        errors(&twice)
    );
    assert_eq!(
        errors(BLOCK),
        [
            "test.yml:12:11: shop.invoice: references unknown collection `shop.custmer`; did you mean `customer`?",
            "test.yml:20:26: shop.invoice.customer_id: references unknown field `shop.customer.idd`; did you mean `id`?",
        ]
    );
    let e = errors(&BLOCK.replace("direction: from", "direction: sideways"));
    assert_eq!(
        e,
        [
            "test.yml:20:26: shop.invoice.customer_id: reference direction `sideways` is neither `from` nor `to`"
        ]
    );
    // The parser's own errors keep their location, given once.
    let e = errors(&BLOCK.replace("      - name: invoice\n", "      - nme: invoice\n"));
    assert_eq!(
        e,
        ["test.yml:10:9: not a fideslang dataset: dataset[0].collections[1]: missing field `name`"]
    );
    // Datasets declared twice, in two files.
    let a = parse(BLOCK, "a.yml").unwrap();
    let b = parse(BLOCK, "b.yml").unwrap();
    let e: Vec<String> = resolve(a.into_iter().chain(b).collect())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(e[0], "b.yml:2:16: dataset `shop` declared twice");
}

#[test]
fn several_documents_anchors_and_deep_nesting_are_refused_with_their_line() {
    let e = errors(&format!("{SMALL}---\n{SMALL}"));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("test.yml:19:1: a second YAML document starts here"),
        "{e:?}"
    );
    let e = errors(&SMALL.replace("- name: email", "- name: &e email"));
    assert!(
        e[0].starts_with("test.yml:9:19: YAML anchors and aliases"),
        "{e:?}"
    );
    let started = std::time::Instant::now();
    let deep = format!("dataset: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let e = errors(&deep);
    assert!(e[0].contains("nests deeper than 64 levels"), "{e:?}");
    // The YAML parser took 23 s over this (its time grows with the square of the depth).
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
