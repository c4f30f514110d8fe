//! What an erasure plan leaves to be said and recorded: one line per blocker for the person
//! who must fix it, and the fields replaced by keyed hashes or random text, which skydd's
//! state keeps (by collection, row key and field) so that a later erasure does not mask a
//! masked value again.

use super::erasure::{Blocker, Step, key_string};
use crate::datamap::Masking;

/// One line for a blocker: where (collection, row key, field), and what to do.
pub fn blocker_text(b: &Blocker) -> String {
    let mut at = b.collection.to_string();
    if let Some(k) = &b.key {
        at += &format!(" [{k}]");
    }
    if let Some(f) = &b.field {
        at += &format!(" {f}");
    }
    format!("{at}: {}", b.why)
}

/// The (collection, row key, field) a list of steps replaces with keyed hashes or random
/// text. Nulls, fixed values and deletions leave nothing a later plan could mistake for
/// the person's data, so they are not marked.
pub fn erased_marks(steps: &[Step]) -> Vec<(String, String, String)> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Update {
                collection,
                key,
                set,
            } => Some(
                set.iter()
                    .filter(|c| matches!(c.strategy, Masking::Hmac | Masking::Random { .. }))
                    .map(|c| (collection.to_string(), key_string(key), c.field.clone()))
                    .collect::<Vec<_>>(),
            ),
            Step::Delete { .. } => None,
        })
        .flatten()
        .collect()
}

/// The name of a masking strategy, as the data map writes it.
pub fn strategy_name(m: &Masking) -> &'static str {
    match m {
        Masking::Null => "null",
        Masking::Fixed { .. } => "fixed",
        Masking::Hmac => "hmac",
        Masking::Random { .. } => "random",
        Masking::Delete => "delete",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datamap::CollectionRef;
    use crate::plan::erasure::Change;
    use crate::value::Value;

    fn customers() -> CollectionRef {
        CollectionRef {
            dataset: "shop".into(),
            collection: "customer".into(),
        }
    }

    fn change(field: &str, strategy: Masking) -> Change {
        Change {
            field: field.into(),
            strategy,
            before: Value::Text("Anna".into()),
            after: Value::Text("x".into()),
            unlink: false,
        }
    }

    #[test]
    fn a_blocker_says_where_as_precisely_as_it_knows() {
        let mut b = Blocker {
            collection: customers(),
            key: None,
            field: None,
            why: "no key".into(),
        };
        assert_eq!(blocker_text(&b), "shop.customer: no key");
        b.key = Some("id=7".into());
        b.field = Some("email".into());
        assert_eq!(blocker_text(&b), "shop.customer [id=7] email: no key");
    }

    #[test]
    fn only_hashed_and_random_values_are_marked_erased() {
        let key = vec![("id".to_owned(), Value::Int(7))];
        let steps = vec![
            Step::Update {
                collection: customers(),
                key: key.clone(),
                set: vec![
                    change("email", Masking::Hmac),
                    change("name", Masking::Random { length: 16 }),
                    change("phone", Masking::Null),
                    change("city", Masking::Fixed { value: "-".into() }),
                ],
            },
            Step::Delete {
                collection: customers(),
                key,
            },
        ];
        assert_eq!(
            erased_marks(&steps),
            vec![
                ("shop.customer".into(), "id=7".into(), "email".into()),
                ("shop.customer".into(), "id=7".into(), "name".into()),
            ]
        );
    }
}
