//! Whom to tell (GDPR Art. 19): after a rectification (Art. 16), an erasure (Art. 17(1)) or
//! a restriction (Art. 18) the controller communicates it to each recipient to whom the
//! personal data have been disclosed, unless that proves impossible or involves
//! disproportionate effort; and tells the person about those recipients if they ask.
//!
//! A recipient received a field when some purpose that names it in `recipients` covers the
//! field ([`World::covering`]: its categories, and its collections if it is scoped). The
//! reading errs on the side of telling: a purpose covering the field's broader or narrower
//! category counts, since a recipient told of a change it did not need is harmless, and
//! one left untold keeps processing data the person had changed or erased.

use std::collections::BTreeMap;

use serde::Serialize;

use super::World;
use crate::datamap::CollectionRef;
use crate::register::{Notify, Recipient, Register};

/// A field the change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    /// Its collection.
    pub collection: CollectionRef,
    /// The field's name.
    pub field: String,
}

/// The fields a plan's steps touch: those an update sets, and every field of a row it
/// deletes.
pub fn touched(map: &crate::datamap::DataMap, steps: &[super::erasure::Step]) -> Vec<Touched> {
    use super::erasure::Step;
    let mut out: Vec<Touched> = Vec::new();
    let mut push = |collection: &CollectionRef, field: &str| {
        if !out
            .iter()
            .any(|t| &t.collection == collection && t.field == field)
        {
            out.push(Touched {
                collection: collection.clone(),
                field: field.to_owned(),
            });
        }
    };
    for step in steps {
        match step {
            Step::Update {
                collection, set, ..
            } => {
                for c in set {
                    push(collection, &c.field);
                }
            }
            Step::Delete { collection, .. } => {
                for f in map.collection(collection).iter().flat_map(|c| &c.fields) {
                    push(collection, &f.name);
                }
            }
        }
    }
    out
}

/// One recipient to tell, and what of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Telling {
    /// The recipient's id in the register.
    pub recipient: String,
    /// How the register says it is told; `None` when it does not say (staff must tell it).
    pub notify: Option<Notify>,
    /// The fields, `dataset.collection.field`, that it received and the change touched.
    pub fields: Vec<String>,
    /// Their data categories.
    pub data_categories: Vec<String>,
}

/// The recipients of the fields `touched`, each once with what it received, in the
/// register's order.
pub fn to_tell(world: &World<'_>, touched: &[Touched]) -> Vec<Telling> {
    let mut by: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for t in touched {
        let Some(field) = world
            .map
            .collection(&t.collection)
            .and_then(|c| c.field(&t.field))
        else {
            continue;
        };
        for purpose in world.covering(&t.collection, field) {
            for r in &purpose.recipients {
                let (fields, cats) = by.entry(r.as_str()).or_default();
                fields.push(format!("{}.{}", t.collection, t.field));
                cats.extend(field.categories.iter().cloned());
            }
        }
    }
    world
        .register
        .recipients
        .iter()
        .filter_map(|r| {
            let (mut fields, mut cats) = by.remove(r.id.as_str())?;
            fields.sort();
            fields.dedup();
            cats.sort();
            cats.dedup();
            Some(telling(r, fields, cats))
        })
        .collect()
}

/// The recipients of a restriction of `purpose` (every purpose when `None`): a restriction
/// concerns all the person's data the purpose processes, so each recipient the purpose
/// names is told, of the purpose's categories.
pub fn to_tell_of_restriction(register: &Register, purpose: Option<&str>) -> Vec<Telling> {
    register
        .recipients
        .iter()
        .filter_map(|r| {
            let mut cats: Vec<String> = register
                .purposes
                .iter()
                .filter(|p| purpose.is_none_or(|id| p.id == id))
                .filter(|p| p.recipients.contains(&r.id))
                .flat_map(|p| p.data_categories.iter().cloned())
                .collect();
            if cats.is_empty() {
                return None;
            }
            cats.sort();
            cats.dedup();
            Some(telling(r, Vec::new(), cats))
        })
        .collect()
}

fn telling(r: &Recipient, fields: Vec<String>, data_categories: Vec<String>) -> Telling {
    Telling {
        recipient: r.id.clone(),
        notify: r.notify.clone(),
        fields,
        data_categories,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use super::*;
    use crate::datamap;
    use crate::register::load;

    /// A shop: the courier gets names and addresses of orders, the newsletter tool e-mail
    /// addresses of subscribers, the accountant invoices; nobody gets the access log.
    const REGISTER: &str = r#"
[controller]
name = "Butik AB"
email = "dataskydd@butik.se"

[notifications]
from = "dataskydd@butik.se"

[[purpose]]
id = "delivery"
name = "Leverans"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.address"]
collections = ["shop.orders"]
recipients = ["courier"]

[[purpose]]
id = "newsletter"
name = "Nyhetsbrev"
legal_basis = "consent"
data_subjects = ["customer"]
data_categories = ["user.contact.email"]
recipients = ["mailer"]

[[purpose]]
id = "security"
name = "Säkerhet"
legal_basis = "legitimate_interests"
legitimate_interest = "Att stoppa intrång."
data_subjects = ["customer"]
data_categories = ["user.device.ip_address"]

[[recipient]]
id = "mailer"
name = "Utskick AB"
role = "processor"
notify = { webhook = "https://utskick.example/skydd", secret_env = "UTSKICK_KEY" }

[[recipient]]
id = "courier"
name = "Bud AB"
role = "controller"
notify = { email = "privacy@bud.example" }
"#;

    const DATASET: &str = r#"
dataset:
  - fides_key: shop
    collections:
      - name: customers
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
      - name: orders
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - { name: ship_to, data_categories: [user.name] }
          - { name: address, data_categories: [user.contact.address.street] }
      - name: access_log
        fields:
          - { name: ip, data_categories: [user.device.ip_address] }
"#;

    fn world_of<'a>(register: &'a Register, map: &'a datamap::DataMap) -> World<'a> {
        let dataset_of = BTreeMap::from([("main".to_owned(), "shop".to_owned())]);
        World::new(register, map, BTreeMap::new(), &dataset_of)
    }

    fn touched(fields: &[&str]) -> Vec<Touched> {
        fields
            .iter()
            .map(|f| {
                let (c, field) = f.split_once('.').unwrap();
                Touched {
                    collection: CollectionRef {
                        dataset: "shop".into(),
                        collection: c.into(),
                    },
                    field: field.into(),
                }
            })
            .collect()
    }

    fn told(register: &Register, fields: &[&str]) -> Vec<(String, Vec<String>)> {
        let map = datamap::resolve(datamap::parse(DATASET, "shop.yml").unwrap()).unwrap();
        to_tell(&world_of(register, &map), &touched(fields))
            .into_iter()
            .map(|t| (t.recipient, t.fields))
            .collect()
    }

    #[test]
    fn each_recipient_that_received_a_changed_field_is_told_once_of_what_it_received() {
        let r = load(REGISTER).unwrap();
        assert_eq!(
            told(
                &r,
                &[
                    "customers.email",
                    "orders.ship_to",
                    "orders.address",
                    "customers.name"
                ]
            ),
            [
                ("mailer".to_owned(), vec!["shop.customers.email".to_owned()]),
                (
                    "courier".to_owned(),
                    vec![
                        "shop.orders.address".to_owned(),
                        "shop.orders.ship_to".to_owned()
                    ]
                ),
            ],
            "in the register's order; the courier's purpose is scoped to orders, so a customer's name is not its"
        );
    }

    #[test]
    fn a_field_no_recipient_received_tells_nobody() {
        let r = load(REGISTER).unwrap();
        assert!(
            told(
                &r,
                &["access_log.ip", "customers.id", "customers.nonexistent"]
            )
            .is_empty()
        );
    }

    #[test]
    fn the_channel_is_the_registers_and_a_recipient_without_one_is_still_listed() {
        let src = REGISTER.replacen("notify = { email = \"privacy@bud.example\" }\n", "", 1);
        let r = load(&src).unwrap();
        let map = datamap::resolve(datamap::parse(DATASET, "shop.yml").unwrap()).unwrap();
        let tell = to_tell(
            &world_of(&r, &map),
            &touched(&["orders.ship_to", "customers.email"]),
        );
        assert!(matches!(tell[0].notify, Some(Notify::Webhook { .. })));
        assert_eq!(tell[1].recipient, "courier");
        assert_eq!(
            tell[1].notify, None,
            "staff must tell it: not silently skipped"
        );
        assert_eq!(tell[1].data_categories, ["user.name"]);
    }

    #[test]
    fn a_restriction_tells_the_recipients_of_the_purposes_it_restricts() {
        let r = load(REGISTER).unwrap();
        let ids = |t: Vec<Telling>| t.into_iter().map(|t| t.recipient).collect::<Vec<_>>();
        assert_eq!(
            ids(to_tell_of_restriction(&r, Some("newsletter"))),
            ["mailer"]
        );
        assert_eq!(ids(to_tell_of_restriction(&r, None)), ["mailer", "courier"]);
        assert!(to_tell_of_restriction(&r, Some("security")).is_empty());
    }
}
