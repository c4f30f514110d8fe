//! The draft, specified on hand-built schemas: which references it writes, which rows each
//! person's request then reaches, and that no category comes from weak evidence.

use super::*;
use crate::datamap::{DataMap, graph, parse, resolve};
use crate::schema::{Column, ForeignKey};

/// A table from `name type [pk] [-> table.column]` entries, comma-separated.
fn table(name: &str, spec: &str) -> Table {
    let mut t = Table {
        name: name.into(),
        columns: Vec::new(),
        primary_key: Vec::new(),
        foreign_keys: Vec::new(),
        indexes: Vec::new(),
        expression_indexes: Vec::new(),
    };
    for entry in spec.split(',').map(str::trim) {
        let (def, target) = match entry.split_once("->") {
            Some((d, to)) => (d.trim(), Some(to.trim())),
            None => (entry, None),
        };
        let mut words = def.split_whitespace();
        let col = words.next().unwrap().to_owned();
        let sql_type = words.next().unwrap().to_owned();
        if words.next() == Some("pk") {
            t.primary_key.push(col.clone());
        }
        if let Some(to) = target {
            let (table, column) = to.split_once('.').unwrap();
            t.foreign_keys.push(ForeignKey {
                columns: vec![col.clone()],
                table: table.into(),
                references: vec![column.into()],
            });
        }
        t.columns.push(Column {
            name: col,
            kind: ColumnKind::from_sql(&sql_type),
            max_len: sql_type
                .strip_prefix("varchar(")
                .and_then(|n| n.trim_end_matches(')').parse().ok()),
            sql_type,
            nullable: true,
            case_insensitive: false,
        });
    }
    t
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
    }
}

/// The shop of the brief (Sakila's shape): customers and staff share the address table;
/// rentals and payments name both a customer and the staff member who handled them.
fn shop() -> Schema {
    schema(vec![
        table(
            "language",
            "language_id integer pk, name varchar(20), last_update timestamp",
        ),
        table(
            "film",
            "film_id integer pk, title varchar(255), description text, \
             language_id integer -> language.language_id, rental_rate numeric, \
             replacement_cost numeric",
        ),
        table(
            "address",
            "address_id integer pk, address varchar(50), address2 varchar(50), \
             district varchar(20), postal_code varchar(10), phone varchar(20)",
        ),
        table(
            "store",
            "store_id integer pk, manager_staff_id integer -> staff.staff_id, \
             address_id integer -> address.address_id",
        ),
        table(
            "staff",
            "staff_id integer pk, first_name varchar(45), last_name varchar(45), \
             address_id integer -> address.address_id, email varchar(50), \
             store_id integer -> store.store_id, username varchar(16), password varchar(40)",
        ),
        table(
            "customer",
            "customer_id integer pk, store_id integer -> store.store_id, \
             first_name varchar(45), last_name varchar(45), email varchar(50), \
             address_id integer -> address.address_id, active boolean, create_date date",
        ),
        table(
            "inventory",
            "inventory_id integer pk, film_id integer -> film.film_id, \
             store_id integer -> store.store_id",
        ),
        table(
            "rental",
            "rental_id integer pk, rental_date timestamp, \
             inventory_id integer -> inventory.inventory_id, \
             customer_id integer -> customer.customer_id, return_date timestamp, \
             staff_id integer -> staff.staff_id",
        ),
        table(
            "payment",
            "payment_id integer pk, customer_id integer -> customer.customer_id, \
             staff_id integer -> staff.staff_id, rental_id integer -> rental.rental_id, \
             amount numeric, payment_date timestamp",
        ),
    ])
}

/// The draft of `s`, parsed and resolved as `skydd` would load it.
fn drafted(s: &Schema) -> (Draft, DataMap) {
    let d = draft(s, "shop");
    let map = match parse(&d.yaml, "draft.yml").map(resolve) {
        Ok(Ok(m)) => m,
        other => panic!("the draft does not load: {other:?}\n{}", d.yaml),
    };
    (d, map)
}

/// Every reference of the map, as `table.column -> table.column (direction)`.
fn references(map: &DataMap) -> Vec<String> {
    map.collections()
        .flat_map(|c| {
            c.fields.iter().flat_map(move |f| {
                f.references.iter().map(move |r| {
                    format!(
                        "{}.{} -> {}.{} ({:?})",
                        c.key.collection,
                        f.name,
                        r.to.collection.collection,
                        r.to.field,
                        r.direction
                    )
                })
            })
        })
        .collect()
}

/// The tables an e-mail request reaches when only `seed` holds the e-mail.
fn reached_from(map: &DataMap, seed: &str) -> Vec<String> {
    let mut m = map.clone();
    for d in &mut m.datasets {
        for c in &mut d.collections {
            if c.key.collection != seed {
                for f in &mut c.fields {
                    f.identity = None;
                }
            }
        }
    }
    let t = graph::traversal(&m, &[IdentityKind::Email]).unwrap();
    let mut names: Vec<String> = t.nodes().map(|n| n.collection.collection.clone()).collect();
    names.sort();
    names
}

fn categories(map: &DataMap, table: &str, column: &str) -> Vec<String> {
    map.datasets[0]
        .collections
        .iter()
        .find(|c| c.key.collection == table)
        .and_then(|c| c.field(column))
        .unwrap_or_else(|| panic!("{table}.{column} is drafted"))
        .categories
        .clone()
}

fn notes_on<'a>(d: &'a Draft, table: &str, field: Option<&str>) -> Vec<&'a Note> {
    d.notes
        .iter()
        .filter(|n| n.collection == table && n.field.as_deref() == field)
        .collect()
}

fn kinds(d: &Draft, table: &str, field: Option<&str>) -> Vec<NoteKind> {
    notes_on(d, table, field).iter().map(|n| n.kind).collect()
}

#[test]
fn in_the_shop_a_customer_reaches_their_rentals_and_a_staff_member_only_their_own_record() {
    let (d, map) = drafted(&shop());
    assert_eq!(
        references(&map),
        [
            "customer.address_id -> address.address_id (To)",
            "payment.customer_id -> customer.customer_id (From)",
            "payment.rental_id -> rental.rental_id (From)",
            "rental.customer_id -> customer.customer_id (From)",
            "staff.address_id -> address.address_id (To)",
        ]
    );
    assert_eq!(
        reached_from(&map, "customer"),
        ["address", "customer", "payment", "rental"]
    );
    assert_eq!(reached_from(&map, "staff"), ["address", "staff"]);
    let roles: Vec<(&str, Role)> = d
        .survey
        .tables
        .values()
        .map(|t| (t.name.as_str(), t.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("address", Role::Detail),
            ("customer", Role::Person),
            ("film", Role::Unreached),
            ("inventory", Role::Unreached),
            ("language", Role::Unreached),
            ("payment", Role::Owned),
            ("rental", Role::Owned),
            ("staff", Role::Staff),
            ("store", Role::Unreached),
        ]
    );
    // A rental names a customer and a staff member: the customer owns it, it is not shared.
    assert!(!d.survey.table("rental").unwrap().ambiguous);
    // The tables no one reaches are skipped, so the draft serves requests as it stands.
    for t in ["film", "inventory", "language", "store"] {
        assert!(map.collection(&cref(t)).unwrap().skip, "{t}");
    }
    assert!(graph::check(&map).is_ok());
}

fn cref(t: &str) -> crate::datamap::CollectionRef {
    crate::datamap::CollectionRef {
        dataset: "shop".into(),
        collection: t.into(),
    }
}

#[test]
fn in_the_shop_dropped_links_are_explained_where_they_are() {
    let (d, _) = drafted(&shop());
    assert_eq!(
        kinds(&d, "store", Some("address_id")),
        [NoteKind::DetailFromNonPerson]
    );
    assert!(
        notes_on(&d, "store", Some("address_id"))[0]
            .message
            .contains("field: address.address_id, direction: to"),
        "says how to add it"
    );
    for (t, c) in [
        ("store", "manager_staff_id"),
        ("rental", "staff_id"),
        ("payment", "staff_id"),
    ] {
        assert_eq!(kinds(&d, t, Some(c)), [NoteKind::StaffLink], "{t}.{c}");
    }
    let staff = notes_on(&d, "staff", None);
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].kind, NoteKind::StaffReferences);
    for r in [
        "payment.staff_id",
        "rental.staff_id",
        "store.manager_staff_id",
    ] {
        assert!(staff[0].message.contains(r), "{}", staff[0].message);
    }
    assert_eq!(kinds(&d, "address", None), [NoteKind::SharedDetail]);
    // Keys into tables without personal data are no one's business.
    assert!(kinds(&d, "customer", Some("store_id")).is_empty());
    assert!(kinds(&d, "rental", Some("inventory_id")).is_empty());
    // The header names the people, and why each other table is left out.
    for line in [
        "# People's tables: customer (email), staff (email; the company's staff)",
        "# Shared tables (rows name several people): none",
        "#   store: names staff members (staff); points at address but is not a person's table;",
        "#   film: no person's row leads here; no personal data of its own (skip_processing)",
    ] {
        assert!(d.yaml.contains(line), "lacks {line:?}:\n{}", d.yaml);
    }
    // A note sits right above what it is about.
    let store = d.yaml.split("      - name: store\n").nth(1).unwrap();
    let lines: Vec<&str> = store.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "          - name: address_id")
        .unwrap();
    assert!(lines[at - 1].starts_with("          #"), "{store}");
}

#[test]
fn in_the_shop_no_category_comes_from_weak_evidence() {
    let (d, map) = drafted(&shop());
    let cases: &[(&str, &str, &[&str])] = &[
        // Keys are categorised by what they point at, never by their names.
        ("customer", "customer_id", &["user.unique_id"]),
        ("rental", "customer_id", &["user.unique_id"]),
        ("rental", "staff_id", &["user.unique_id"]),
        ("customer", "address_id", &["system.operations"]),
        ("address", "address_id", &["system.operations"]),
        ("rental", "inventory_id", &["system.operations"]),
        // Strong anywhere.
        ("customer", "email", &["user.contact.email"]),
        ("customer", "first_name", &["user.name.first"]),
        ("staff", "password", &["user.authorization.password"]),
        ("address", "phone", &["user.contact.phone_number"]),
        // Strong in their place: a person's username, a person's address details.
        ("staff", "username", &["user.account.username"]),
        ("address", "address", &["user.contact.address.street"]),
        (
            "address",
            "postal_code",
            &["user.contact.address.postal_code"],
        ),
        ("address", "district", &["user.contact.address.state"]),
        // Not a person's: a language's name, a film's description.
        ("language", "name", &["system.operations"]),
        ("film", "description", &["system.operations"]),
        // Weak: left uncategorised.
        ("payment", "amount", &[]),
        ("film", "replacement_cost", &[]),
    ];
    for (t, c, want) in cases {
        assert_eq!(categories(&map, t, c), *want, "{t}.{c}");
    }
    assert_eq!(
        kinds(&d, "payment", Some("amount")),
        [NoteKind::WeakCategory]
    );
    assert!(
        notes_on(&d, "payment", Some("amount"))[0]
            .message
            .contains("may hold user.financial")
    );
    // Everywhere: a weak guess is a note and never a category.
    for t in d.survey.tables.values() {
        for c in &t.columns {
            if c.weak.is_some() {
                assert!(
                    categories(&map, &t.name, &c.name).is_empty(),
                    "{}.{}",
                    t.name,
                    c.name
                );
            }
        }
    }
    // Identities: the e-mails of people; a phone in the address table is no identity.
    let ids: Vec<String> = map
        .collections()
        .flat_map(|c| {
            c.fields.iter().filter_map(move |f| {
                Some(format!(
                    "{}.{}: {}",
                    c.key.collection,
                    f.name,
                    f.identity.as_ref()?.key()
                ))
            })
        })
        .collect();
    assert_eq!(ids, ["customer.email: email", "staff.email: email"]);
}

#[test]
fn when_every_person_is_staff_they_are_ordinary_people() {
    let s = schema(vec![
        table(
            "employee",
            "id integer pk, name varchar(100), email varchar(100), \
             manager_id integer -> employee.id",
        ),
        table(
            "timesheet",
            "id integer pk, employee_id integer -> employee.id, hours numeric, note text",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(
        references(&map),
        ["timesheet.employee_id -> employee.id (From)"]
    );
    assert_eq!(reached_from(&map, "employee"), ["employee", "timesheet"]);
    assert_eq!(d.survey.table("employee").unwrap().role, Role::Person);
    assert_eq!(
        kinds(&d, "employee", Some("manager_id")),
        [NoteKind::PersonLink]
    );
    assert_eq!(categories(&map, "employee", "name"), ["user.name"]);
    assert_eq!(
        categories(&map, "timesheet", "note"),
        ["user.content.private"]
    );
}

#[test]
fn a_message_between_two_users_is_shared_by_both() {
    let s = schema(vec![
        table(
            "user",
            "id integer pk, email varchar(100), name varchar(100), state varchar(10), \
             referred_by integer -> user.id",
        ),
        table(
            "message",
            "id integer pk, sender_id integer -> user.id, recipient_id integer -> user.id, \
             body text, sent_at timestamp",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(
        references(&map),
        [
            "message.sender_id -> user.id (From)",
            "message.recipient_id -> user.id (From)",
        ]
    );
    assert_eq!(reached_from(&map, "user"), ["message", "user"]);
    assert!(d.survey.table("message").unwrap().ambiguous);
    assert_eq!(kinds(&d, "message", None), [NoteKind::Ambiguous]);
    assert!(
        d.yaml
            .contains("# Shared tables (rows name several people): message"),
        "{}",
        d.yaml
    );
    assert_eq!(
        kinds(&d, "user", Some("referred_by")),
        [NoteKind::PersonLink]
    );
    assert_eq!(
        categories(&map, "message", "body"),
        ["user.content.private"]
    );
}

#[test]
fn rows_naming_two_kinds_of_people_are_shared_by_both() {
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table("seller", "id integer pk, email varchar(100)"),
        table("supplier", "id integer pk, email varchar(100)"),
        table(
            "deal",
            "id integer pk, customer_id integer -> customer.id, \
             supplier_id integer -> supplier.id, seller_id integer -> seller.id",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(
        references(&map),
        [
            "deal.customer_id -> customer.id (From)",
            "deal.supplier_id -> supplier.id (From)",
        ]
    );
    assert!(d.survey.table("deal").unwrap().ambiguous);
    assert_eq!(kinds(&d, "deal", Some("seller_id")), [NoteKind::StaffLink]);
}

#[test]
fn every_column_of_a_composite_primary_key_is_a_key() {
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table("course", "id integer pk, name varchar(100)"),
        table(
            "enrolment",
            "customer_id integer pk -> customer.id, course_id integer pk -> course.id, \
             enrolled_on date",
        ),
    ]);
    let (_, map) = drafted(&s);
    let e = map.collection(&cref("enrolment")).unwrap();
    let keys: Vec<&str> = e
        .fields
        .iter()
        .filter(|f| f.primary_key)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(keys, ["customer_id", "course_id"]);
    assert_eq!(
        references(&map),
        ["enrolment.customer_id -> customer.id (From)"]
    );
    assert_eq!(reached_from(&map, "customer"), ["customer", "enrolment"]);
    assert_eq!(categories(&map, "course", "name"), ["system.operations"]);
}

#[test]
fn a_table_without_a_primary_key_is_flagged_for_erasure() {
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table(
            "access_log",
            "customer_id integer -> customer.id, ip varchar(45), logged_at timestamp",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(
        references(&map),
        ["access_log.customer_id -> customer.id (From)"]
    );
    assert_eq!(kinds(&d, "access_log", None), [NoteKind::NoPrimaryKey]);
    assert!(d.yaml.contains(
        "# review: no primary key: an erasure cannot address this table's rows until a unique"
    ));
    assert_eq!(reached_from(&map, "customer"), ["access_log", "customer"]);
    assert_eq!(
        categories(&map, "access_log", "ip"),
        ["user.device.ip_address"]
    );
}

#[test]
fn an_email_as_primary_key_is_still_an_identity() {
    let s = schema(vec![table(
        "newsletter",
        "email varchar(254) pk, subscribed_at timestamp",
    )]);
    let (d, map) = drafted(&s);
    let f = map
        .collection(&cref("newsletter"))
        .unwrap()
        .field("email")
        .unwrap();
    assert!(references(&map).is_empty());
    assert_eq!(reached_from(&map, "newsletter"), ["newsletter"]);
    assert_eq!(f.identity, Some(IdentityKind::Email));
    assert!(f.primary_key);
    assert_eq!(f.categories, ["user.contact.email"]);
    assert_eq!(
        kinds(&d, "newsletter", Some("email")),
        [NoteKind::IdentityKey]
    );
}

#[test]
fn a_phone_alone_does_not_make_a_person() {
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table(
            "lead",
            "id integer pk, name varchar(100), phone varchar(20)",
        ),
    ]);
    let (d, map) = drafted(&s);
    let lead = d.survey.table("lead").unwrap();
    assert_eq!(lead.role, Role::Unreached);
    assert!(!lead.skip, "it holds a phone number: a person must decide");
    assert_eq!(
        kinds(&d, "lead", Some("phone")),
        [NoteKind::PhoneWithoutPerson]
    );
    assert_eq!(kinds(&d, "lead", None), [NoteKind::Unreached]);
    assert_eq!(categories(&map, "lead", "name"), ["system.operations"]);
    assert!(
        d.yaml
            .contains("#   lead: no person's row leads here; HOLDS PERSONAL DATA (phone)")
    );
    // With a person's name beside it, a phone does make one.
    let s = schema(vec![table(
        "lead",
        "id integer pk, first_name varchar(50), phone varchar(20)",
    )]);
    let (d, map) = drafted(&s);
    assert_eq!(d.survey.table("lead").unwrap().role, Role::Person);
    let f = map
        .collection(&cref("lead"))
        .unwrap()
        .field("phone")
        .unwrap();
    assert_eq!(f.identity, Some(IdentityKind::Phone));
    // But not in a row that points at a person: an order's delivery phone is the order's.
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table(
            "orders",
            "id integer pk, customer_id integer -> customer.id, \
             first_name varchar(50), phone varchar(20), street varchar(100), state varchar(20)",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(d.survey.table("orders").unwrap().role, Role::Owned);
    assert_eq!(reached_from(&map, "customer"), ["customer", "orders"]);
    assert_eq!(
        categories(&map, "orders", "phone"),
        ["user.contact.phone_number"]
    );
    assert_eq!(
        categories(&map, "orders", "street"),
        ["user.contact.address.street"]
    );
    assert_eq!(
        categories(&map, "orders", "state"),
        ["user.contact.address.state"]
    );
}

#[test]
fn a_link_that_would_close_a_cycle_is_not_followed() {
    let s = schema(vec![
        table("customer", "id integer pk, email varchar(100)"),
        table(
            "orders",
            "id integer pk, customer_id integer -> customer.id, \
             last_shipment_id integer -> shipment.id",
        ),
        table(
            "shipment",
            "id integer pk, order_id integer -> orders.id, sent_on date",
        ),
    ]);
    let (d, map) = drafted(&s);
    assert_eq!(
        references(&map),
        [
            "orders.customer_id -> customer.id (From)",
            "shipment.order_id -> orders.id (From)",
        ]
    );
    assert_eq!(
        kinds(&d, "orders", Some("last_shipment_id")),
        [NoteKind::Cycle]
    );
    assert!(graph::check(&map).is_ok());
}

#[test]
fn names_yaml_would_misread_are_quoted() {
    let s = schema(vec![table(
        "order",
        "id integer pk, email varchar(100), yes boolean, 2fa boolean, null text, \
         Ärende text, \"odd\\name text",
    )]);
    let mut s = s;
    // Names a schema may hold but no spec can type: a space, a colon.
    let t = s.tables.get_mut("order").unwrap();
    t.columns[1].name = "e-mail: work".into();
    let (_, map) = drafted(&s);
    let names: Vec<&str> = map.datasets[0].collections[0]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "e-mail: work",
            "yes",
            "2fa",
            "null",
            "Ärende",
            "\"odd\\name"
        ]
    );
}

#[test]
fn an_empty_schema_drafts_an_empty_dataset() {
    let (d, map) = drafted(&Schema::default());
    assert_eq!(map.collections().count(), 0);
    assert!(d.yaml.contains("# People's tables: none"), "{}", d.yaml);
}

#[test]
fn column_names_are_read_with_their_types() {
    use Class::*;
    let cases: &[(&str, &str, Option<Class>)] = &[
        ("email", "varchar(254)", Some(Email)),
        ("customer_email", "text", Some(Email)),
        ("emailAddress", "varchar(100)", Some(Email)),
        ("e_post", "text", Some(Email)),
        ("email_verified", "boolean", None),
        ("mail_sent_at", "timestamp", None),
        ("voicemail", "text", None),
        ("phone_number", "varchar(20)", Some(Phone)),
        ("mobil", "text", Some(Phone)),
        ("phone_verified", "text", None),
        ("personnummer", "varchar(13)", Some(Personnummer)),
        ("pnr", "bigint", Some(Personnummer)),
        ("ip_address", "varchar(45)", Some(Ip)),
        ("zip", "varchar(10)", Some(PostalCode)),
        ("zip", "integer", Some(PostalCode)),
        ("password_hash", "text", Some(Password)),
        ("password_changed_at", "timestamp", None),
        ("förnamn", "text", Some(FirstName)),
        ("last_name", "text", Some(LastName)),
        ("full_name", "text", Some(FullName)),
        ("billing_name", "text", Some(RoleName)),
        ("state", "text", Some(State)),
        ("product_name", "text", None),
        ("name", "text", Some(BareName)),
        ("birth_date", "date", Some(BirthDate)),
        ("iban", "text", Some(BankAccount)),
        ("card_last4", "varchar(4)", Some(Card)),
        ("address_line_1", "text", Some(Street)),
        ("address_type", "text", None),
        ("mac_address", "text", None),
        ("city", "text", Some(City)),
        ("country", "integer", None),
        ("amount_ore", "bigint", Some(Money)),
        ("subtotal", "numeric(10,2)", Some(Money)),
        ("body", "text", Some(FreeText)),
        ("content_type", "text", None),
        ("user_agent", "text", Some(UserAgent)),
    ];
    for (name, sql, want) in cases {
        assert_eq!(
            class(name, ColumnKind::from_sql(sql)),
            *want,
            "{name} {sql}"
        );
    }
}

#[test]
fn staff_tables_are_known_by_their_names() {
    for t in [
        "staff",
        "employees",
        "anställda",
        "admin_user",
        "agents",
        "handläggare",
        "personal",
    ] {
        assert!(staff_like(t), "{t}");
    }
    for t in ["customer", "user", "agenda", "member", "personality"] {
        assert!(!staff_like(t), "{t}");
    }
}
