//! The changes a rectification asks for (GDPR Art. 16), read from `COLLECTION.FIELD=VALUE`
//! (or `DATASET.COLLECTION.FIELD=VALUE` where a collection's name is in several datasets)
//! and checked against the data map before anything is read or written: keys and read-only
//! fields are never rectified, since changing a key would cut the row from everything that
//! points at it.

use super::rectification::Edit;
use crate::datamap::{CollectionRef, DataMap};
use crate::diagnostic::suggestion;

/// Why a requested change cannot be used; the text names the change as it was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

/// Reads every change, in order; the first that cannot be used is the error.
pub fn parse_all(map: &DataMap, sets: &[String]) -> Result<Vec<Edit>, EditError> {
    sets.iter().map(|s| parse(map, s)).collect()
}

/// Reads one change, `COLLECTION.FIELD=VALUE` or `DATASET.COLLECTION.FIELD=VALUE`.
pub fn parse(map: &DataMap, set: &str) -> Result<Edit, EditError> {
    let err = |m: String| EditError(format!("--set `{set}`: {m}"));
    let Some((target, value)) = set.split_once('=') else {
        return Err(err("write COLLECTION.FIELD=VALUE".into()));
    };
    let parts: Vec<&str> = target.split('.').collect();
    let (collection, field) = match parts.as_slice() {
        [c, f] => {
            let matches: Vec<_> = map
                .collections()
                .filter(|x| x.key.collection == *c)
                .collect();
            match matches.as_slice() {
                [one] => (one.key.clone(), (*f).to_owned()),
                [] => return Err(err(format!("no collection `{c}` in the data map"))),
                _ => {
                    return Err(err(format!(
                        "`{c}` is in several datasets; write DATASET.{c}.{f}"
                    )));
                }
            }
        }
        [d, c, f] => (
            CollectionRef {
                dataset: (*d).to_owned(),
                collection: (*c).to_owned(),
            },
            (*f).to_owned(),
        ),
        _ => return Err(err("write COLLECTION.FIELD=VALUE".into())),
    };
    let Some(c) = map.collection(&collection) else {
        return Err(err(format!("no collection `{collection}` in the data map")));
    };
    let Some(f) = c.field(&field) else {
        let hint = suggestion(&field, c.fields.iter().map(|f| f.name.as_str()))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        return Err(err(format!("{collection} has no field `{field}`{hint}")));
    };
    if f.read_only || f.primary_key || !f.references.is_empty() {
        return Err(err(format!(
            "`{field}` is a key or read-only and cannot be rectified"
        )));
    }
    Ok(Edit {
        collection,
        field,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::datamap;

    const MAP: &str = r#"
dataset:
  - fides_key: shop
    collections:
      - name: customer
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
          - name: name
            data_categories: [user.name]
          - name: locked
            data_categories: [user.name]
            fides_meta: {read_only: true}
      - name: address
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: customer_id
            fides_meta:
              references: [{dataset: shop, field: customer.id, direction: from}]
          - name: street
            data_categories: [user.contact.address.street]
  - fides_key: crm
    collections:
      - name: address
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: street
            data_categories: [user.contact.address.street]
"#;

    fn map() -> DataMap {
        datamap::resolve(datamap::parse(MAP, "map.yml").unwrap()).unwrap()
    }

    fn error(set: &str) -> String {
        parse(&map(), set).unwrap_err().0
    }

    #[test]
    fn a_change_names_its_collection_field_and_value() {
        let e = parse(&map(), "customer.name=Anna Berg").unwrap();
        assert_eq!(e.collection.to_string(), "shop.customer");
        assert_eq!(e.field, "name");
        assert_eq!(e.value, "Anna Berg");
        // The value may itself hold `=` and `.`.
        let e = parse(&map(), "customer.name=a=b.c").unwrap();
        assert_eq!(e.value, "a=b.c");
    }

    #[test]
    fn a_collection_in_several_datasets_needs_its_dataset() {
        assert_eq!(
            error("address.street=Storgatan 1"),
            "--set `address.street=Storgatan 1`: `address` is in several datasets; write DATASET.address.street"
        );
        let e = parse(&map(), "crm.address.street=Storgatan 1").unwrap();
        assert_eq!(e.collection.to_string(), "crm.address");
    }

    #[test]
    fn keys_and_read_only_fields_are_never_rectified() {
        for set in [
            "customer.id=7",
            "shop.address.customer_id=7",
            "customer.locked=x",
        ] {
            assert!(
                error(set).ends_with("is a key or read-only and cannot be rectified"),
                "{set}"
            );
        }
    }

    #[test]
    fn unknown_names_and_shapes_are_refused_with_a_hint() {
        assert_eq!(
            error("customer.name"),
            "--set `customer.name`: write COLLECTION.FIELD=VALUE"
        );
        assert_eq!(
            error("name=x"),
            "--set `name=x`: write COLLECTION.FIELD=VALUE"
        );
        assert_eq!(
            error("kund.name=x"),
            "--set `kund.name=x`: no collection `kund` in the data map"
        );
        assert_eq!(
            error("shop.kund.name=x"),
            "--set `shop.kund.name=x`: no collection `shop.kund` in the data map"
        );
        assert!(
            error("customer.nmae=x")
                .contains("shop.customer has no field `nmae`; did you mean `name`?")
        );
    }

    #[test]
    fn the_first_bad_change_stops_them_all() {
        let sets = vec!["customer.name=x".to_owned(), "customer.id=1".to_owned()];
        assert!(parse_all(&map(), &sets).is_err());
        assert_eq!(parse_all(&map(), &sets[..1]).unwrap().len(), 1);
    }
}
