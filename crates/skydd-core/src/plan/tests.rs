//! The planners, specified on a small hosting company: customers, invoices (kept seven
//! years by Bokföringslagen), support tickets and an access log.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::erasure::{self, FoundRows, KeepReason, Maskers, Reach, Step};
use super::retention::{self, Action, ColumnPath};
use super::sharing::{self, Sharing};
use super::*;
use crate::datamap::{self, CollectionRef};
use crate::register::load;
use crate::schema::{Column, ColumnKind, ForeignKey, Schema, Table};
use crate::value::Value;

const REGISTER: &str = r#"
[controller]
name = "Värd AB"
email = "dataskydd@vard.se"

[[purpose]]
id = "customers"
name = "Kundförhållandet"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact"]
collections = ["hosting.customer", "hosting.ticket"]
retention = "2 years after contract_end"

[[purpose]]
id = "bookkeeping"
name = "Bokföring"
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.address", "user.financial"]
collections = ["hosting.invoice"]
retention = "7 years after end of calendar year of financial_year_end"

[[purpose]]
id = "support"
name = "Support"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.content.private"]
retention = "1 year after request_closed"

[[purpose]]
id = "security"
name = "Säkerhet"
legal_basis = "legitimate_interests"
legitimate_interest = "Att stoppa intrång."
data_subjects = ["customer"]
data_categories = ["user.device.ip_address", "user.contact.email"]
collections = ["hosting.access_log"]
retention = "45 days after collected"

[[database]]
name = "main"
kind = "sqlite"
path = "hosting.sqlite"
dataset = "hosting.yml"

[database.events]
contract_end = "customer.contract_ended_on"
financial_year_end = "invoice.issued_on"
request_closed = "ticket.closed_on"
collected = "access_log.logged_at"

[erasure.collections]
"hosting.access_log" = "delete"
"hosting.customer" = "delete"
"#;

const DATASET: &str = r#"
dataset:
  - fides_key: hosting
    collections:
      - name: customer
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
          - { name: contract_ended_on, data_categories: [system.operations] }
      - name: invoice
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta: { references: [{ dataset: hosting, field: customer.id, direction: from }] }
          - { name: billing_name, data_categories: [user.name] }
          - { name: billing_address, data_categories: [user.contact.address] }
          - { name: amount, data_categories: [user.financial] }
          - { name: issued_on, data_categories: [system.operations] }
      - name: ticket
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta: { references: [{ dataset: hosting, field: customer.id, direction: from }] }
          - { name: body, data_categories: [user.content.private] }
          - { name: closed_on, data_categories: [system.operations] }
      - name: access_log
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - { name: ip, data_categories: [user.device.ip_address] }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: logged_at, data_categories: [system.operations] }
"#;

fn col(name: &str, kind: ColumnKind, nullable: bool) -> Column {
    Column {
        name: name.into(),
        sql_type: format!("{kind:?}"),
        kind,
        nullable,
        max_len: None,
        case_insensitive: false,
    }
}

fn table(name: &str, cols: Vec<Column>, fks: Vec<ForeignKey>) -> (String, Table) {
    (
        name.into(),
        Table {
            name: name.into(),
            columns: cols,
            primary_key: vec!["id".into()],
            foreign_keys: fks,
            indexes: vec![],
            expression_indexes: vec![],
        },
    )
}

fn schema() -> Schema {
    use ColumnKind::*;
    let to_customer = || {
        vec![ForeignKey {
            columns: vec!["customer_id".into()],
            table: "customer".into(),
            references: vec!["id".into()],
        }]
    };
    Schema {
        tables: BTreeMap::from([
            table(
                "customer",
                vec![
                    col("id", Integer, false),
                    col("email", Text, true),
                    col("name", Text, false),
                    col("contract_ended_on", Date, true),
                ],
                vec![],
            ),
            table(
                "invoice",
                vec![
                    col("id", Integer, false),
                    col("customer_id", Integer, false),
                    col("billing_name", Text, true),
                    col("billing_address", Text, true),
                    col("amount", Integer, false),
                    col("issued_on", Date, false),
                ],
                to_customer(),
            ),
            table(
                "ticket",
                vec![
                    col("id", Integer, false),
                    col("customer_id", Integer, false),
                    col("body", Text, true),
                    col("closed_on", Date, true),
                ],
                to_customer(),
            ),
            table(
                "access_log",
                vec![
                    col("id", Integer, false),
                    col("ip", Text, true),
                    col("email", Text, true),
                    col("logged_at", Timestamp, false),
                ],
                vec![],
            ),
        ]),
    }
}

struct Fixture {
    register: crate::register::Register,
    map: datamap::DataMap,
}

impl Fixture {
    fn new() -> Self {
        let register = load(REGISTER).unwrap();
        let map = datamap::resolve(datamap::parse(DATASET, "hosting.yml").unwrap()).unwrap();
        Fixture { register, map }
    }

    fn world(&self) -> World<'_> {
        let dataset_of = BTreeMap::from([("main".to_owned(), "hosting".to_owned())]);
        World::new(
            &self.register,
            &self.map,
            BTreeMap::from([("hosting".to_owned(), schema())]),
            &dataset_of,
        )
    }
}

fn c(name: &str) -> CollectionRef {
    CollectionRef {
        dataset: "hosting".into(),
        collection: name.into(),
    }
}

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// Anna: a customer since 2016 whose contract ended in 2025, with an invoice from 2017
/// (past its seven years) and one from 2025 (held), a closed ticket and a log line.
fn anna() -> Vec<FoundRows> {
    vec![
        FoundRows {
            collection: c("customer"),
            columns: vec![
                "id".into(),
                "email".into(),
                "name".into(),
                "contract_ended_on".into(),
            ],
            rows: vec![vec![
                Value::Int(1),
                t("anna@example.se"),
                t("Anna Andersson"),
                t("2025-03-31"),
            ]],
            reach: vec![],
        },
        FoundRows {
            collection: c("invoice"),
            columns: [
                "id",
                "customer_id",
                "billing_name",
                "billing_address",
                "amount",
                "issued_on",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![
                vec![
                    Value::Int(10),
                    Value::Int(1),
                    t("Anna Andersson"),
                    t("Storgatan 1"),
                    Value::Int(1200),
                    t("2017-06-30"),
                ],
                vec![
                    Value::Int(11),
                    Value::Int(1),
                    t("Anna Andersson"),
                    t("Storgatan 1"),
                    Value::Int(1500),
                    t("2025-01-31"),
                ],
            ],
            reach: vec![],
        },
        FoundRows {
            collection: c("ticket"),
            columns: vec![
                "id".into(),
                "customer_id".into(),
                "body".into(),
                "closed_on".into(),
            ],
            rows: vec![vec![
                Value::Int(20),
                Value::Int(1),
                t("Min sajt är nere"),
                t("2025-02-01"),
            ]],
            reach: vec![],
        },
        FoundRows {
            collection: c("access_log"),
            columns: vec!["id".into(), "ip".into(), "email".into(), "logged_at".into()],
            rows: vec![vec![
                Value::Int(30),
                t("192.0.2.7"),
                t("anna@example.se"),
                t("2026-11-20 10:00:00"),
            ]],
            reach: vec![],
        },
    ]
}

fn plan_erasure(
    fx: &Fixture,
    found: &[FoundRows],
    erased: &BTreeSet<(String, String, String)>,
) -> erasure::ErasurePlan {
    let world = fx.world();
    let mut random = |n: usize| "x".repeat(n);
    let mut maskers = Maskers {
        hmac: None,
        random: &mut random,
    };
    erasure::plan(
        &world,
        &erasure::Request {
            found,
            today: d("2026-11-21"),
            already_erased: erased,
            sharing: &Default::default(),
        },
        &mut maskers,
    )
}

fn describe(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s {
            Step::Update {
                collection,
                key,
                set,
            } => format!(
                "update {}[{}]: {}",
                collection.collection,
                erasure::key_string(key),
                set.iter()
                    .map(|c| format!("{}={}", c.field, c.after))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Step::Delete { collection, key } => format!(
                "delete {}[{}]",
                collection.collection,
                erasure::key_string(key)
            ),
        })
        .collect()
}

#[test]
fn erasure_keeps_what_bookkeeping_requires_and_erases_the_rest() {
    let fx = Fixture::new();
    let plan = plan_erasure(&fx, &anna(), &BTreeSet::new());
    // The old invoice's amount was due (issued 2017, due 2025-01-01) but `amount` is a NOT
    // NULL integer with no fixed value: nothing may run until the register gives one.
    assert_eq!(
        plan.blockers
            .iter()
            .map(|b| format!(
                "{}[{}].{}",
                b.collection.collection,
                b.key.as_deref().unwrap_or(""),
                b.field.as_deref().unwrap_or("")
            ))
            .collect::<Vec<_>>(),
        ["invoice[id=10].amount"]
    );
    assert!(
        plan.blockers[0].why.contains("NOT NULL"),
        "{:?}",
        plan.blockers
    );
    assert_eq!(
        describe(&plan.steps["hosting"]),
        [
            // Still referenced by the held 2025 invoice: masked instead of deleted.
            // The name is NOT NULL text, so it becomes the empty string.
            "update invoice[id=10]: billing_name=NULL billing_address=NULL",
            "update ticket[id=20]: body=NULL",
            "update customer[id=1]: email=NULL name=\"\"",
            "delete access_log[id=30]",
        ]
    );
    let holds: Vec<String> = plan
        .holds()
        .map(|k| match &k.reason {
            KeepReason::LegalObligation {
                purpose,
                statute,
                until,
            } => format!(
                "{}[{}].{} {purpose} {} until {}",
                k.collection.collection,
                erasure::key_string(&k.key),
                k.field,
                statute.as_deref().unwrap_or("-"),
                until.map_or("?".into(), |d| d.to_string())
            ),
            _ => unreachable!(),
        })
        .collect();
    // Issued in 2025: the calendar year ends 2025-12-31; kept through 2032.
    assert_eq!(
        holds,
        [
            "invoice[id=11].billing_name bookkeeping Bokföringslagen (1999:1078) 7 kap. 2 § until 2032-12-31",
            "invoice[id=11].billing_address bookkeeping Bokföringslagen (1999:1078) 7 kap. 2 § until 2032-12-31",
            "invoice[id=11].amount bookkeeping Bokföringslagen (1999:1078) 7 kap. 2 § until 2032-12-31",
        ]
    );
    // Keys are never masked.
    assert!(
        !describe(&plan.steps["hosting"])
            .iter()
            .any(|s| s.contains("customer_id=") || s.contains(" id=")),
        "{:?}",
        describe(&plan.steps["hosting"])
    );
}

#[test]
fn a_row_nobody_refers_to_is_deleted_when_its_policy_says_so() {
    let fx = Fixture::new();
    let found: Vec<FoundRows> = anna()
        .into_iter()
        .filter(|f| f.collection.collection == "customer")
        .collect();
    let plan = plan_erasure(&fx, &found, &BTreeSet::new());
    assert_eq!(describe(&plan.steps["hosting"]), ["delete customer[id=1]"]);
}

#[test]
fn running_the_plan_again_on_the_erased_rows_changes_nothing() {
    let fx = Fixture::new();
    let mut found = anna();
    // The state after the first erasure: masked values in place, the log line gone.
    found[0].rows[0][1] = Value::Null;
    found[0].rows[0][2] = t("");
    found[1].rows[0][2] = Value::Null;
    found[1].rows[0][3] = Value::Null;
    found[2].rows[0][2] = Value::Null;
    found.pop();
    let plan = plan_erasure(&fx, &found, &BTreeSet::new());
    assert_eq!(
        plan.step_count(),
        0,
        "{:?}",
        describe(&plan.steps.values().flatten().cloned().collect::<Vec<_>>())
    );
}

#[test]
fn masking_fits_the_column() {
    let mut random = |n: usize| "r".repeat(n);
    let hmac = |s: &str| format!("h({s})");
    let mut m = Maskers {
        hmac: Some(&hmac),
        random: &mut random,
    };
    let text = Column {
        max_len: Some(6),
        ..col("c", ColumnKind::Text, true)
    };
    let int_not_null = col("n", ColumnKind::Integer, false);
    let v = t("anna@example.se");
    assert_eq!(
        erasure::masked(&Masking::Null, &v, Some(&text), &mut m),
        Ok(Value::Null)
    );
    assert_eq!(
        erasure::masked(&Masking::Hmac, &v, Some(&text), &mut m),
        Ok(t("h(anna")),
        "truncated to the column"
    );
    assert_eq!(
        erasure::masked(&Masking::Random { length: 16 }, &v, Some(&text), &mut m),
        Ok(t("rrrrrr"))
    );
    assert_eq!(
        erasure::masked(
            &Masking::Fixed { value: "0".into() },
            &Value::Int(7),
            Some(&int_not_null),
            &mut m
        ),
        Ok(Value::Int(0))
    );
    assert!(
        erasure::masked(
            &Masking::Fixed {
                value: "noll".into()
            },
            &Value::Int(7),
            Some(&int_not_null),
            &mut m
        )
        .unwrap_err()
        .contains("not an integer")
    );
    assert!(erasure::masked(&Masking::Null, &Value::Int(7), Some(&int_not_null), &mut m).is_err());
    // A keyed hash into a number column would be a string in an integer: NULL instead.
    let int_null = col("n", ColumnKind::Integer, true);
    assert_eq!(
        erasure::masked(&Masking::Hmac, &Value::Int(7), Some(&int_null), &mut m),
        Ok(Value::Null)
    );
    let mut no_key = Maskers {
        hmac: None,
        random: &mut |_| String::new(),
    };
    assert!(
        erasure::masked(&Masking::Hmac, &v, Some(&text), &mut no_key)
            .unwrap_err()
            .contains("needs a key")
    );
}

#[test]
fn the_retention_plan_expresses_each_rule_as_a_date_condition() {
    let fx = Fixture::new();
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let jobs: Vec<String> = plan
        .jobs
        .iter()
        .map(|j| {
            let action = match &j.action {
                Action::Delete => "delete".to_owned(),
                Action::Mask { set } => format!(
                    "mask {}",
                    set.iter()
                        .map(|(f, v)| format!("{f}={v}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            };
            let when = j
                .when
                .iter()
                .map(|c| match &c.path {
                    ColumnPath::Own { column } => format!("{column} < {}", c.before),
                    ColumnPath::Parent {
                        via,
                        table,
                        key,
                        column,
                    } => format!("{via}->{table}.{key}: {column} < {}", c.before),
                })
                .collect::<Vec<_>>()
                .join(" and ");
            let guards = j
                .guards
                .iter()
                .map(|g| g.table.as_str())
                .collect::<Vec<_>>()
                .join(",");
            format!(
                "{} {action} when {when}{}",
                j.collection.collection,
                if guards.is_empty() {
                    String::new()
                } else {
                    format!(" unless referenced by {guards}")
                }
            )
        })
        .collect();
    assert_eq!(
        jobs,
        [
            // Customers: a contract that ended on 2024-11-20 is kept through 2026-11-20.
            "customer delete when contract_ended_on < 2024-11-21 unless referenced by invoice,ticket",
            "customer mask email=NULL name=\"\" when contract_ended_on < 2024-11-21",
            // Invoices: due once seven years have passed since the end of the calendar year
            // of issue: on 2026-11-21, everything issued in 2018 or earlier.
            "invoice mask billing_name=NULL billing_address=NULL when issued_on < 2019-01-01",
            "ticket mask body=NULL when closed_on < 2025-11-21",
            "access_log delete when logged_at < 2026-10-07",
        ]
    );
    // The invoice amount is a NOT NULL integer: reported, not guessed at.
    assert!(
        plan.unenforced
            .iter()
            .any(|u| u.collection == c("invoice") && u.fields == ["amount"]),
        "{:?}",
        plan.unenforced
    );
}

#[test]
fn a_rule_whose_event_has_no_column_is_reported_not_enforced() {
    let src = REGISTER.replace("request_closed = \"ticket.closed_on\"\n", "");
    let fx = Fixture {
        register: load(&src).unwrap(),
        map: Fixture::new().map,
    };
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    assert!(!plan.jobs.iter().any(|j| j.collection == c("ticket")));
    let u = plan
        .unenforced
        .iter()
        .find(|u| u.collection == c("ticket"))
        .unwrap();
    assert_eq!(u.fields, ["body"]);
    assert!(
        u.why
            .contains("event `request_closed` is bound to no column"),
        "{}",
        u.why
    );
}

#[test]
fn an_event_of_a_referenced_row_anchors_a_child() {
    // Tickets end with the customer relationship when their own event is not bound.
    let src = REGISTER
        .replace(
            "retention = \"1 year after request_closed\"",
            "retention = \"1 year after contract_end\"",
        )
        .replace("request_closed = \"ticket.closed_on\"\n", "");
    let fx = Fixture {
        register: load(&src).unwrap(),
        map: Fixture::new().map,
    };
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let job = plan
        .jobs
        .iter()
        .find(|j| j.collection == c("ticket"))
        .unwrap();
    assert_eq!(
        job.when[0].path,
        ColumnPath::Parent {
            via: "customer_id".into(),
            table: "customer".into(),
            key: "id".into(),
            column: "contract_ended_on".into()
        }
    );
}

#[test]
fn as_long_as_necessary_is_never_swept() {
    let src = REGISTER.replace(
        "retention = \"45 days after collected\"",
        "retention = \"as long as necessary\"",
    );
    let fx = Fixture {
        register: load(&src).unwrap(),
        map: Fixture::new().map,
    };
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let log = plan
        .unenforced
        .iter()
        .find(|u| u.collection == c("access_log"))
        .unwrap();
    assert!(log.why.contains("as long as necessary"));
    assert!(!plan.jobs.iter().any(|j| j.collection == c("access_log")));
}

#[test]
fn erase_after_orders_deletions() {
    // Without it, the log (no foreign keys either way) would go first.
    let map_src = DATASET.replace(
        "      - name: access_log\n",
        "      - name: access_log\n        fides_meta: { erase_after: [hosting.customer] }\n",
    );
    let fx = Fixture {
        register: load(REGISTER).unwrap(),
        map: datamap::resolve(datamap::parse(&map_src, "hosting.yml").unwrap()).unwrap(),
    };
    let found: Vec<FoundRows> = anna()
        .into_iter()
        .filter(|f| ["customer", "access_log"].contains(&f.collection.collection.as_str()))
        .collect();
    let plan = plan_erasure(&fx, &found, &BTreeSet::new());
    assert_eq!(
        describe(&plan.steps["hosting"]),
        ["delete customer[id=1]", "delete access_log[id=30]"]
    );
}

// --- Whose row is it: a shop where customers, staff and stores share addresses, and a
// rental links a customer and a staff member.

const SHOP_REGISTER: &str = r#"
[controller]
name = "Hyr AB"
email = "dataskydd@hyr.se"

[[purpose]]
id = "service"
name = "Uthyrning"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact"]
retention = "as long as necessary"

[[database]]
name = "main"
kind = "sqlite"
path = "shop.sqlite"
dataset = "shop.yml"

[erasure.collections]
"shop.customer" = "delete"
"shop.rental" = "delete"
"#;

/// `rental.staff_id` is an owner link too (`direction: from`): a map that says rentals
/// belong to the staff member who handled them as well.
const SHOP_DATASET: &str = r#"
dataset:
  - fides_key: shop
    collections:
      - name: customer
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
          - name: address_id
            fides_meta: { references: [{ dataset: shop, field: address.id, direction: to }] }
      - name: staff
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - name: address_id
            fides_meta: { references: [{ dataset: shop, field: address.id, direction: to }] }
      - name: address
        fields:
          - { name: id, fides_meta: { primary_key: true } }
          - { name: street, data_categories: [user.contact.address.street] }
      - name: rental
        fields:
          - { name: id, fides_meta: { primary_key: true } }
          - name: customer_id
            fides_meta: { references: [{ dataset: shop, field: customer.id, direction: from }] }
          - name: staff_id
            fides_meta: { references: [{ dataset: shop, field: staff.id, direction: from }] }
          - { name: note, data_categories: [user.contact] }
"#;

fn shop_schema() -> Schema {
    use ColumnKind::*;
    let fk = |col: &str, table: &str| ForeignKey {
        columns: vec![col.into()],
        table: table.into(),
        references: vec!["id".into()],
    };
    Schema {
        tables: BTreeMap::from([
            table(
                "customer",
                vec![
                    col("id", Integer, false),
                    col("email", Text, true),
                    col("name", Text, true),
                    col("address_id", Integer, true),
                ],
                vec![fk("address_id", "address")],
            ),
            table(
                "staff",
                vec![
                    col("id", Integer, false),
                    col("email", Text, true),
                    col("address_id", Integer, false),
                ],
                vec![fk("address_id", "address")],
            ),
            table(
                "address",
                vec![col("id", Integer, false), col("street", Text, true)],
                vec![],
            ),
            table(
                "rental",
                vec![
                    col("id", Integer, false),
                    col("customer_id", Integer, false),
                    col("staff_id", Integer, true),
                    col("note", Text, true),
                ],
                vec![fk("customer_id", "customer"), fk("staff_id", "staff")],
            ),
        ]),
    }
}

struct Shop {
    register: crate::register::Register,
    map: datamap::DataMap,
}

impl Shop {
    fn new() -> Self {
        Shop {
            register: load(SHOP_REGISTER).unwrap(),
            map: datamap::resolve(datamap::parse(SHOP_DATASET, "shop.yml").unwrap()).unwrap(),
        }
    }

    fn world(&self) -> World<'_> {
        World::new(
            &self.register,
            &self.map,
            BTreeMap::from([("shop".to_owned(), shop_schema())]),
            &BTreeMap::from([("main".to_owned(), "shop".to_owned())]),
        )
    }
}

fn rows(collection: &str, columns: &[&str], rows: Vec<Vec<Value>>, reach: Reach) -> FoundRows {
    FoundRows {
        collection: CollectionRef {
            dataset: "shop".into(),
            collection: collection.into(),
        },
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        reach: vec![reach; rows.len()],
        rows,
    }
}

/// Mary (customer 1) lives at address 5, as does staff member 7; she has a rental that
/// staff member 7 handled.
fn mary() -> Vec<FoundRows> {
    vec![
        rows(
            "customer",
            &["id", "email", "name", "address_id"],
            vec![vec![
                Value::Int(1),
                t("MARY@EXAMPLE.SE"),
                t("Mary"),
                Value::Int(5),
            ]],
            Reach::Identity,
        ),
        rows(
            "staff",
            &["id", "email", "address_id"],
            vec![],
            Reach::Identity,
        ),
        rows(
            "address",
            &["id", "street"],
            vec![vec![Value::Int(5), t("Storgatan 1")]],
            Reach::Referenced,
        ),
        rows(
            "rental",
            &["id", "customer_id", "staff_id", "note"],
            vec![vec![
                Value::Int(9),
                Value::Int(1),
                Value::Int(7),
                t("ring först"),
            ]],
            Reach::Child,
        ),
    ]
}

fn assess_shop(shop: &Shop, found: &[FoundRows], address_refs: &[(&str, u64)]) -> Sharing {
    let world = shop.world();
    let probes = sharing::probes(&world, found);
    // What the database would answer: rows of each table pointing at address 5 (Mary's
    // own customer row included), and nothing pointing at anything else.
    let counts: Vec<Vec<(Vec<Value>, u64)>> = probes
        .iter()
        .map(|p| {
            address_refs
                .iter()
                .filter(|(t, _)| p.target.collection == "address" && p.referencing.collection == *t)
                .map(|(_, n)| (vec![Value::Int(5)], *n))
                .collect()
        })
        .collect();
    sharing::assess(&world, found, &probes, &counts)
}

fn plan_shop(shop: &Shop, found: &[FoundRows], sharing: &Sharing) -> erasure::ErasurePlan {
    let mut random = |n: usize| "x".repeat(n);
    let mut maskers = Maskers {
        hmac: None,
        random: &mut random,
    };
    erasure::plan(
        &shop.world(),
        &erasure::Request {
            found,
            today: d("2026-11-21"),
            already_erased: &BTreeSet::new(),
            sharing,
        },
        &mut maskers,
    )
}

#[test]
fn an_address_other_people_point_at_is_never_changed_and_the_persons_link_goes() {
    let shop = Shop::new();
    let found = mary();
    // Address 5: Mary's customer row and one staff row point at it.
    let sharing = assess_shop(&shop, &found, &[("customer", 1), ("staff", 1)]);
    let addr = CollectionRef {
        dataset: "shop".into(),
        collection: "address".into(),
    };
    let shared = sharing.get(&addr, 0).expect("address 5 is shared");
    assert_eq!(
        shared.with,
        [sharing::SharedWith {
            collection: "shop.staff".into(),
            rows: 1
        }]
    );
    let plan = plan_shop(&shop, &found, &sharing);
    let steps = describe(&plan.steps["shop"]);
    assert!(
        !steps.iter().any(|s| s.contains("address[")),
        "the shared address is not touched: {steps:?}"
    );
    assert_eq!(plan.shared.len(), 2, "{:?}", plan.shared);
    assert!(plan.shared.iter().any(|s| s.collection == addr));
}

#[test]
fn an_address_only_the_person_points_at_is_theirs_to_erase() {
    let shop = Shop::new();
    let found = mary();
    let sharing = assess_shop(&shop, &found, &[("customer", 1)]);
    let addr = CollectionRef {
        dataset: "shop".into(),
        collection: "address".into(),
    };
    assert!(sharing.get(&addr, 0).is_none());
    let plan = plan_shop(&shop, &found, &sharing);
    assert!(
        describe(&plan.steps["shop"]).contains(&"update address[id=5]: street=NULL".to_owned()),
        "{:?}",
        describe(&plan.steps["shop"])
    );
}

#[test]
fn a_rental_that_also_belongs_to_a_staff_member_is_kept_and_only_the_persons_link_removed() {
    // The map says rentals belong to the staff member too; Mary is not staff member 7.
    let shop = Shop::new();
    let found = mary();
    let sharing = assess_shop(&shop, &found, &[("customer", 1)]);
    let rental = CollectionRef {
        dataset: "shop".into(),
        collection: "rental".into(),
    };
    let shared = sharing.get(&rental, 0).expect("the rental is shared");
    assert_eq!(shared.with[0].collection, "shop.staff");
    let plan = plan_shop(&shop, &found, &sharing);
    let steps = describe(&plan.steps["shop"]);
    assert!(
        !steps.iter().any(|s| s.starts_with("delete rental")),
        "not deleted although rentals are deleted by policy: {steps:?}"
    );
    // customer_id is NOT NULL: the link stays, and the plan says why.
    assert!(
        plan.kept.iter().any(|k| k.field == "customer_id"
            && matches!(&k.reason, KeepReason::LinkToShared { why } if why.contains("NOT NULL"))),
        "{:?}",
        plan.kept
    );
    // The rental still refers to Mary's customer row, so that row stays (masked).
    assert!(
        steps.contains(&"update customer[id=1]: email=NULL name=NULL address_id=NULL".to_owned())
            || steps
                .iter()
                .any(|s| s.starts_with("update customer[id=1]") && s.contains("email=NULL")),
        "{steps:?}"
    );
    assert!(
        !steps.iter().any(|s| s == "delete customer[id=1]"),
        "{steps:?}"
    );
}

#[test]
fn a_row_other_rows_point_at_is_masked_not_deleted() {
    // Staff member 7 is erased; customers' rentals (not found for them) point at the row.
    let shop = Shop::new();
    let register = load(&SHOP_REGISTER.replace(
        "\"shop.rental\" = \"delete\"",
        "\"shop.rental\" = \"delete\"\n\"shop.staff\" = \"delete\"",
    ))
    .unwrap();
    let shop = Shop {
        register,
        map: shop.map,
    };
    let found = vec![rows(
        "staff",
        &["id", "email", "address_id"],
        vec![vec![Value::Int(7), t("sven@hyr.se"), Value::Int(5)]],
        Reach::Identity,
    )];
    let world = shop.world();
    let probes = sharing::probes(&world, &found);
    assert!(
        probes
            .iter()
            .any(|p| p.target.collection == "staff" && p.referencing.collection == "rental"),
        "{probes:?}"
    );
    let counts: Vec<Vec<(Vec<Value>, u64)>> = probes
        .iter()
        .map(|p| {
            if p.referencing.collection == "rental" {
                vec![(vec![Value::Int(7)], 3)]
            } else {
                vec![]
            }
        })
        .collect();
    let sharing = sharing::assess(&world, &found, &probes, &counts);
    let plan = plan_shop(&shop, &found, &sharing);
    assert_eq!(
        describe(&plan.steps["shop"]),
        ["update staff[id=7]: email=NULL"]
    );
}

#[test]
fn a_second_erasure_leaves_hashed_fields_of_a_kept_row_alone() {
    // The demoted row (kept because a held invoice refers to it) was hashed by the first
    // run; the ledger says so, and the second run must not hash the hash.
    let fx = Fixture::new();
    let register = load(&format!(
        "{REGISTER}\n[erasure.fields]\n\"hosting.customer.email\" = {{ strategy = \"hmac\" }}\n\"hosting.invoice.amount\" = {{ strategy = \"fixed\", value = \"0\" }}\n"
    ))
    .unwrap();
    let fx = Fixture {
        register,
        map: fx.map,
    };
    let hmac = |s: &str| format!("h({s})");
    let plan_with = |found: &[FoundRows], erased: &BTreeSet<(String, String, String)>| {
        let mut random = |n: usize| "x".repeat(n);
        let mut maskers = Maskers {
            hmac: Some(&hmac),
            random: &mut random,
        };
        erasure::plan(
            &fx.world(),
            &erasure::Request {
                found,
                today: d("2026-11-21"),
                already_erased: erased,
                sharing: &Default::default(),
            },
            &mut maskers,
        )
    };
    let first = plan_with(&anna(), &BTreeSet::new());
    assert!(first.blockers.is_empty(), "{:?}", first.blockers);
    assert!(
        describe(&first.steps["hosting"])
            .iter()
            .any(|s| s.contains("customer[id=1]") && s.contains("email=\"h(anna@example.se)\"")),
        "{:?}",
        describe(&first.steps["hosting"])
    );
    // After the first run: the hash is in place and the ledger records it.
    let mut after = anna();
    after[0].rows[0][1] = t("h(anna@example.se)");
    after[0].rows[0][2] = t("");
    after[1].rows[0][2] = Value::Null;
    after[1].rows[0][3] = Value::Null;
    after[1].rows[0][4] = Value::Int(0);
    after[2].rows[0][2] = Value::Null;
    after.pop();
    let ledger = BTreeSet::from([(
        "hosting.customer".to_owned(),
        "id=1".to_owned(),
        "email".to_owned(),
    )]);
    let second = plan_with(&after, &ledger);
    assert_eq!(
        second.step_count(),
        0,
        "{:?}",
        describe(&second.steps["hosting"])
    );
    assert!(
        second
            .kept
            .iter()
            .any(|k| k.field == "email" && k.reason == KeepReason::AlreadyErased)
    );
}

#[test]
fn a_fixed_timestamp_read_back_with_its_zone_is_not_planned_again() {
    let ts = Column {
        ..col("t", ColumnKind::Timestamp, false)
    };
    assert!(erasure::same_stored_value(
        Some(&ts),
        &t("1970-01-01 00:00:00+00"),
        &t("1970-01-01 00:00:00")
    ));
    assert!(!erasure::same_stored_value(
        Some(&ts),
        &t("2024-05-01 10:00:00+00"),
        &t("1970-01-01 00:00:00")
    ));
    let dec = col("d", ColumnKind::Decimal, false);
    assert!(erasure::same_stored_value(
        Some(&dec),
        &t("0.00"),
        &Value::Float(0.0)
    ));
}

#[test]
fn a_fixed_value_that_does_not_fit_the_column_blocks_the_erasure() {
    let register = load(&format!(
        "{REGISTER}\n[erasure.fields]\n\"hosting.invoice.amount\" = {{ strategy = \"fixed\", value = \"not a number\" }}\n"
    ))
    .unwrap();
    let fx = Fixture {
        register,
        map: Fixture::new().map,
    };
    let plan = plan_erasure(&fx, &anna(), &BTreeSet::new());
    assert!(
        plan.blockers
            .iter()
            .any(|b| b.field.as_deref() == Some("amount") && b.why.contains("not a number")),
        "{:?}",
        plan.blockers
    );
}

#[test]
fn row_keys_read_back_from_the_ledger() {
    let cols = |c: &[&str]| c.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let key = vec![
        ("order".to_owned(), t("a=1,b")),
        ("line".to_owned(), Value::Int(2)),
    ];
    let s = erasure::key_string(&key);
    assert_eq!(s, "order=a%3D1%2Cb,line=2");
    assert_eq!(
        erasure::parse_key_string(&s, &cols(&["order", "line"])),
        Some(vec!["a=1,b".to_owned(), "2".to_owned()])
    );
    // A value holding the next column's name reads back one way only.
    let tricky = vec![
        ("series".to_owned(), t("A,no=1")),
        ("no".to_owned(), Value::Int(7)),
    ];
    assert_eq!(
        erasure::parse_key_string(&erasure::key_string(&tricky), &cols(&["series", "no"])),
        Some(vec!["A,no=1".to_owned(), "7".to_owned()])
    );
    assert_eq!(erasure::key_string(&[("p".into(), t("50%"))]), "p=50%25");
    assert_eq!(
        erasure::parse_key_string("id=11", &cols(&["id"])),
        Some(vec!["11".to_owned()])
    );
    assert_eq!(erasure::parse_key_string("id=11", &cols(&["nr"])), None);
}

#[test]
fn a_read_only_identity_field_is_never_written_and_the_plan_says_so() {
    let map_src = DATASET.replace(
        "{ name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }\n          - { name: name",
        "{ name: email, data_categories: [user.contact.email], fides_meta: { identity: email, read_only: true } }\n          - { name: name",
    );
    let fx = Fixture {
        register: load(&format!(
            "{REGISTER}\n[erasure.fields]\n\"hosting.customer.email\" = {{ strategy = \"hmac\" }}\n\"hosting.invoice.amount\" = {{ strategy = \"fixed\", value = \"0\" }}\n"
        ))
        .unwrap(),
        map: datamap::resolve(datamap::parse(&map_src, "hosting.yml").unwrap()).unwrap(),
    };
    let plan = plan_erasure(&fx, &anna(), &BTreeSet::new());
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    let steps = describe(&plan.steps["hosting"]);
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("update customer[id=1]") && !s.contains("email=")),
        "{steps:?}"
    );
    assert!(
        plan.kept
            .iter()
            .any(|k| k.field == "email" && k.reason == KeepReason::ReadOnly),
        "{:?}",
        plan.kept
    );
}

#[test]
fn an_event_bound_to_a_column_without_dates_is_never_swept() {
    // On SQLite an integer sorts below every date: every row would look due.
    let fx = Fixture::new();
    let mut world = fx.world();
    if let Some(t) = world
        .schemas
        .get_mut("hosting")
        .and_then(|s| s.tables.get_mut("access_log"))
        && let Some(c) = t.columns.iter_mut().find(|c| c.name == "logged_at")
    {
        c.kind = ColumnKind::Integer;
        c.sql_type = "INTEGER".into();
    }
    let plan = retention::plan(&world, d("2026-11-21"));
    assert!(!plan.jobs.iter().any(|j| j.collection == c("access_log")));
    let u = plan
        .unenforced
        .iter()
        .find(|u| u.collection == c("access_log"))
        .unwrap();
    assert!(u.why.contains("holds no date"), "{}", u.why);
}

/// Each job as one line: "collection action when conditions".
fn job_lines(plan: &retention::RetentionPlan) -> Vec<String> {
    plan.jobs
        .iter()
        .map(|j| {
            let action = match &j.action {
                Action::Delete => "delete".to_owned(),
                Action::Mask { set } => format!(
                    "mask {}",
                    set.iter()
                        .map(|(f, _)| f.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            };
            let when = j
                .when
                .iter()
                .map(|c| match &c.path {
                    ColumnPath::Own { column } => format!("{column} < {}", c.before),
                    ColumnPath::Parent { via, column, .. } => {
                        format!("{via}->{column} < {}", c.before)
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ");
            format!("{} {action} when {when}", j.collection.collection)
        })
        .collect()
}

/// Each hold of an erasure plan as "row.field until day".
fn hold_lines(plan: &erasure::ErasurePlan) -> Vec<String> {
    plan.holds()
        .map(|k| match &k.reason {
            KeepReason::LegalObligation { until, .. } => format!(
                "{}[{}].{} until {}",
                k.collection.collection,
                erasure::key_string(&k.key),
                k.field,
                until.map_or("?".into(), |d| d.to_string())
            ),
            _ => unreachable!(),
        })
        .collect()
}

fn fixture(register: &str) -> Fixture {
    Fixture {
        register: load(register).unwrap(),
        map: Fixture::new().map,
    }
}

/// Anna, with her newer invoice issued on 15 September 2025.
fn anna_invoiced_in_september() -> Vec<FoundRows> {
    let mut found = anna();
    found[1].rows[1][5] = t("2025-09-15");
    found
}

#[test]
fn a_broken_financial_year_moves_the_bookkeeping_cutoff_a_half_year_back() {
    // 1 July – 30 June. On 2026-11-21 the records of financial years that ended in 2018
    // (through 30 June 2018) have been kept through 2025 and are due; an invoice of
    // 1 July 2018 belongs to the year ending 30 June 2019 and is not.
    let fx = fixture(&format!(
        "{REGISTER}\n[financial_year]\nstarts = \"07-01\"\n"
    ));
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let jobs = job_lines(&plan);
    assert!(
        jobs.contains(
            &"invoice mask billing_name billing_address when issued_on < 2018-07-01".into()
        ),
        "{jobs:#?}"
    );
    // The calendar year (no [financial_year]) keeps what it did.
    let plan = retention::plan(&Fixture::new().world(), d("2026-11-21"));
    assert!(
        job_lines(&plan).contains(
            &"invoice mask billing_name billing_address when issued_on < 2019-01-01".into()
        )
    );
}

#[test]
fn an_erasure_holds_an_invoice_of_a_broken_year_through_the_seventh_year_after_its_end() {
    // Invoice of 2025-09-15, financial year ending 2026-06-30: kept through 2033-12-31.
    let fx = fixture(&format!(
        "{REGISTER}\n[financial_year]\nstarts = \"07-01\"\n"
    ));
    let world = fx.world();
    let mut random = |n: usize| "x".repeat(n);
    let mut maskers = Maskers {
        hmac: None,
        random: &mut random,
    };
    let found = anna_invoiced_in_september();
    let plan = erasure::plan(
        &world,
        &erasure::Request {
            found: &found,
            today: d("2026-11-21"),
            already_erased: &BTreeSet::new(),
            sharing: &Default::default(),
        },
        &mut maskers,
    );
    assert_eq!(
        hold_lines(&plan),
        [
            "invoice[id=11].billing_name until 2033-12-31",
            "invoice[id=11].billing_address until 2033-12-31",
            "invoice[id=11].amount until 2033-12-31",
        ]
    );
    // With calendar years the same invoice would be kept through 2032 only.
    let calendar = plan_erasure(&Fixture::new(), &found, &BTreeSet::new());
    assert!(hold_lines(&calendar)[0].ends_with("until 2032-12-31"));
}

#[test]
fn the_later_of_two_rules_is_one_job_with_both_conditions() {
    let fx = fixture(&REGISTER.replace(
        "retention = \"1 year after request_closed\"",
        "retention = \"the later of 1 year after request_closed and 2 years after contract_end\"",
    ));
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let tickets: Vec<String> = job_lines(&plan)
        .into_iter()
        .filter(|j| j.starts_with("ticket"))
        .collect();
    assert_eq!(
        tickets,
        [
            "ticket mask body when closed_on < 2025-11-21 and customer_id->contract_ended_on < 2024-11-21"
        ]
    );
}

#[test]
fn the_earlier_of_two_rules_is_a_job_for_each() {
    let fx = fixture(&REGISTER.replace(
        "retention = \"1 year after request_closed\"",
        "retention = \"1 year after request_closed, but at most 2 years after contract_end\"",
    ));
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let tickets: Vec<String> = job_lines(&plan)
        .into_iter()
        .filter(|j| j.starts_with("ticket"))
        .collect();
    assert_eq!(
        tickets,
        [
            "ticket mask body when closed_on < 2025-11-21",
            "ticket mask body when customer_id->contract_ended_on < 2024-11-21",
        ]
    );
}

#[test]
fn a_category_with_a_period_of_its_own_is_swept_and_held_by_its_own_rule() {
    let fx = fixture(&REGISTER.replace(
        "retention = \"7 years after end of calendar year of financial_year_end\"\n",
        "[purpose.retention]\nrule = \"as required by bokforingslagen\"\n\
         [[purpose.retention.for]]\ncategories = [\"user.contact.address\"]\n\
         rule = \"2 years after contract_end\"\n",
    ));
    let plan = retention::plan(&fx.world(), d("2026-11-21"));
    let invoices: Vec<String> = job_lines(&plan)
        .into_iter()
        .filter(|j| j.starts_with("invoice"))
        .collect();
    assert_eq!(
        invoices,
        [
            "invoice mask billing_name when issued_on < 2019-01-01",
            "invoice mask billing_address when customer_id->contract_ended_on < 2024-11-21",
        ]
    );
    // Anna's contract ended 2025-03-31: her address on both invoices is kept through
    // 2027-03-31 (also on the 2017 one, whose bookkeeping has run out); her name and the
    // amount on the 2025 invoice through 2032.
    let plan = plan_erasure(&fx, &anna(), &BTreeSet::new());
    assert_eq!(
        hold_lines(&plan),
        [
            "invoice[id=10].billing_address until 2027-03-31",
            "invoice[id=11].billing_name until 2032-12-31",
            "invoice[id=11].billing_address until 2027-03-31",
            "invoice[id=11].amount until 2032-12-31",
        ]
    );
}
