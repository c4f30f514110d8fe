//! Drafting a data map from a live schema, for a person to review.
//!
//! A request must reach a person's own rows and never anyone else's, so a draft follows
//! ownership rather than every foreign key:
//!
//! - a *person table* holds an identity (an e-mail, a personnummer, or a phone beside a
//!   person's name); requests start there. When the schema also has other people's tables,
//!   person tables named like the company's own staff are *staff tables*;
//! - a person's row points at its *details* (`customer.address_id → address`), written
//!   `direction: to` on the person's column;
//! - a row pointing at an ordinary person's row, or at a row owned by one, is *owned*
//!   (`rental.customer_id`, then `payment.rental_id`), written `direction: from` on its
//!   column. Staff own nothing: the rentals a staff member handled are the company's
//!   operations, not the staff member's data;
//! - links between two people are never followed; a row naming several people is shared.
//!
//! Data categories come only from strong evidence, a column's name *and* its place (a
//! `name` is a person's only in a person table). Everything uncertain becomes a
//! `# review:` comment in the YAML and a [`Note`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Direction;
use crate::identity::IdentityKind;
use crate::schema::{ColumnKind, Schema, Table};
use crate::taxonomy::is_within;

/// What a table is to the people in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person's own record: it holds an identity (customer).
    Person,
    /// A person table of the company's own staff (staff, employee…), when the schema has
    /// other people's tables too.
    Staff,
    /// Rows that belong to a person through foreign keys (rental, payment).
    Owned,
    /// Personal details a person's row points at (address).
    Detail,
    /// No person's request reaches it.
    Unreached,
}

impl Role {
    /// A person table, staff or not.
    pub fn is_person(self) -> bool {
        matches!(self, Role::Person | Role::Staff)
    }

    /// Reached by some person's request.
    pub fn is_reached(self) -> bool {
        self != Role::Unreached
    }
}

/// A reference the draft writes on a column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// `from` (this table is looked up with the other's values) or `to`.
    pub direction: Direction,
}

/// What the draft concluded about one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnGuess {
    /// The column.
    pub name: String,
    /// Its data category, from strong evidence.
    pub category: Option<&'static str>,
    /// A category suggested by weak evidence: left out of the draft, named in a note.
    pub weak: Option<&'static str>,
    /// The identity it holds, when requests start from it.
    pub identity: Option<IdentityKind>,
    /// Part of the primary key.
    pub primary_key: bool,
    /// The reference written on it.
    pub link: Option<Link>,
    /// The fideslang `data_type` of the live column.
    pub data_type: &'static str,
    /// Its maximum length, for bounded text.
    pub length: Option<u64>,
}

impl ColumnGuess {
    /// True when strong evidence says the column holds personal data.
    pub fn is_personal(&self) -> bool {
        self.identity.is_some() || self.category.is_some_and(|c| is_within(c, "user"))
    }
}

/// What the draft concluded about one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableGuess {
    /// The table.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its rows name several people (reached from each, treated as shared).
    pub ambiguous: bool,
    /// Written `skip_processing: true`: unreached and holding no personal data.
    pub skip: bool,
    /// Its columns, in order.
    pub columns: Vec<ColumnGuess>,
}

impl TableGuess {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnGuess> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The draft's reading of a whole schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Survey {
    /// Tables by name.
    pub tables: BTreeMap<String, TableGuess>,
}

impl Survey {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&TableGuess> {
        self.tables.get(name)
    }
}

/// Why a person must look at part of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A category guessed from weak evidence was left out.
    WeakCategory,
    /// A phone number in a table that does not look like people's.
    PhoneWithoutPerson,
    /// An identity is the primary key, so it cannot be masked.
    IdentityKey,
    /// A link between two people's tables is not followed.
    PersonLink,
    /// A link to a staff table is not followed.
    StaffLink,
    /// Tables referring to a staff table are not reached from it.
    StaffReferences,
    /// A non-person table points at personal details; not followed.
    DetailFromNonPerson,
    /// A detail table is pointed at by several tables.
    SharedDetail,
    /// Rows name several people.
    Ambiguous,
    /// A foreign key of several columns is not followed.
    CompositeKey,
    /// A link would close a cycle; not followed.
    Cycle,
    /// No primary key: erasure cannot address rows.
    NoPrimaryKey,
    /// Personal data no request reaches.
    Unreached,
    /// A name YAML or a reference cannot carry.
    Unrepresentable,
}

/// A `# review:` comment of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The table.
    pub collection: String,
    /// The column, when the note is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What kind of decision it asks for.
    pub kind: NoteKind,
    /// The note, in words.
    pub message: String,
}

/// A drafted dataset: the YAML to write, and the notes it carries as comments.
#[derive(Debug, Clone)]
pub struct Draft {
    /// fideslang dataset YAML, with `# review:` comments.
    pub yaml: String,
    /// The review notes, also in the YAML.
    pub notes: Vec<Note>,
    /// The reading it was written from.
    pub survey: Survey,
}

/// The draft's reading of `schema` (roles, categories, links), without the YAML.
pub fn survey(schema: &Schema) -> Survey {
    analyse(schema, "").0
}

/// Drafts the fideslang dataset `key` from `schema`.
pub fn draft(schema: &Schema, key: &str) -> Draft {
    let (survey, notes, summary) = analyse(schema, key);
    let yaml = render(key, &survey, &notes, &summary);
    Draft {
        yaml,
        notes,
        survey,
    }
}

// ---------------------------------------------------------------------------------------
// What a column's name says

/// What a column's name suggests, before its place is weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Email,
    Phone,
    Personnummer,
    Ip,
    Password,
    FirstName,
    LastName,
    FullName,
    /// A name of someone in a role (`billing_name`): a person's, but no sign the row is one.
    RoleName,
    BirthDate,
    BankAccount,
    Card,
    UserAgent,
    BareName,
    Username,
    Street,
    PostalCode,
    City,
    Country,
    District,
    /// `state`: a region beside a street address, else usually a status.
    State,
    Money,
    FreeText,
}

impl Class {
    /// Classes that make a table look like it holds someone's details.
    fn is_detail_evidence(self) -> bool {
        !matches!(
            self,
            Class::UserAgent
                | Class::BareName
                | Class::Username
                | Class::City
                | Class::Country
                | Class::District
                | Class::State
                | Class::Money
                | Class::FreeText
        )
    }

    fn is_address(self) -> bool {
        matches!(self, Class::Street | Class::PostalCode)
    }
}

/// A column name split into lower-case words, with å/ä/ö folded (`förnamn` → `fornamn`).
struct Words(Vec<String>);

impl Words {
    fn of(name: &str) -> Words {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut prev: Option<char> = None;
        for ch in name.chars() {
            if !ch.is_alphanumeric() {
                out.push(std::mem::take(&mut cur));
                prev = None;
                continue;
            }
            // camelCase and letter/digit boundaries split words: emailAddress, address1.
            let split = prev.is_some_and(|p| {
                (p.is_lowercase() && ch.is_uppercase())
                    || (p.is_alphabetic() && ch.is_ascii_digit())
                    || (p.is_ascii_digit() && ch.is_alphabetic())
            });
            if split {
                out.push(std::mem::take(&mut cur));
            }
            for l in ch.to_lowercase() {
                cur.push(match l {
                    'å' | 'ä' => 'a',
                    'ö' => 'o',
                    'é' => 'e',
                    other => other,
                });
            }
            prev = Some(ch);
        }
        out.push(cur);
        Words(out.into_iter().filter(|w| !w.is_empty()).collect())
    }

    /// The words that are not numbers.
    fn core(&self) -> Vec<&str> {
        self.0
            .iter()
            .map(String::as_str)
            .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
            .collect()
    }

    fn joined(&self) -> String {
        self.0.concat()
    }

    fn has(&self, any: &[&str]) -> bool {
        self.0.iter().any(|w| any.contains(&w.as_str()))
    }

    /// The last word that is neither a number nor one of `skip` (unless nothing else is left).
    fn last_but(&self, skip: &[&str]) -> &str {
        let core = self.core();
        core.iter()
            .rev()
            .find(|w| !skip.contains(w))
            .or(core.last())
            .copied()
            .unwrap_or("")
    }

    fn last(&self) -> &str {
        self.last_but(&[])
    }

    /// The last two words (numbers left out) are `a b`.
    fn ends(&self, a: &str, b: &str) -> bool {
        let core = self.core();
        core.len() >= 2 && core[core.len() - 2] == a && core[core.len() - 1] == b
    }
}

/// Words before `name` that make it a person's name (`billing_name`, `registrant_name`).
const PERSON_ROLES: &[&str] = &[
    "billing",
    "registrant",
    "contact",
    "customer",
    "recipient",
    "sender",
    "holder",
    "cardholder",
    "owner",
    "applicant",
    "guardian",
    "patient",
    "member",
    "subscriber",
    "buyer",
    "shipping",
    "delivery",
    "kund",
    "mottagare",
    "avsandare",
    "kontakt",
    "innehavare",
    "sokande",
    "person",
];

/// What the column's name (and its type, where a name alone misleads) suggests.
fn class(name: &str, kind: ColumnKind) -> Option<Class> {
    let w = Words::of(name);
    let j = w.joined();
    let text = kind.is_textual();
    let textish = text || kind == ColumnKind::Bytes;
    let number = matches!(
        kind,
        ColumnKind::Integer | ColumnKind::Decimal | ColumnKind::Float
    );
    let last = w.last();
    let addr = ["address", "adress", "addr", "adr"];
    if textish
        && (w.0.iter().any(|x| x.starts_with("passw"))
            || w.has(&["pwd", "losenord", "passhash", "pwhash"]))
    {
        return Some(Class::Password);
    }
    let mail = w.last_but(&addr);
    if text
        && mail != "voicemail"
        && (mail == "mail"
            || mail.ends_with("email")
            || mail.ends_with("epost")
            || j.ends_with("epost")
            || ["emailaddress", "epostadress", "mailadress", "mailaddress"].contains(&mail))
    {
        return Some(Class::Email);
    }
    if (text || kind == ColumnKind::Integer)
        && (["personnummer", "personnr", "personalnumber", "personnumber"]
            .iter()
            .any(|p| j.contains(p))
            || [
                "personalidentitynumber",
                "personidentitynumber",
                "samordningsnummer",
                "nationalid",
                "nationalidnumber",
                "nationalidentificationnumber",
                "socialsecuritynumber",
            ]
            .contains(&j.as_str())
            || w.has(&["pnr", "ssn", "personnummer"]))
    {
        return Some(Class::Personnummer);
    }
    let phone = w.last_but(&["number", "nr", "no", "num", "nummer"]);
    if text
        && (phone.ends_with("phone")
            || [
                "telefon",
                "tel",
                "mobil",
                "mobile",
                "telefonnummer",
                "mobilnummer",
                "telnr",
                "mobilnr",
                "telefonnr",
                "mobiltelefon",
                "phonenumber",
            ]
            .contains(&phone))
    {
        return Some(Class::Phone);
    }
    if (textish || kind == ColumnKind::Other)
        && (["ip", "ipaddress", "ipaddr", "ipv", "inet"].contains(&w.last_but(&addr))
            || ["remoteaddr", "remoteaddress", "clientaddr", "clientaddress"].contains(&j.as_str()))
    {
        return Some(Class::Ip);
    }
    if text && j.contains("useragent") {
        return Some(Class::UserAgent);
    }
    if [
        "birthdate",
        "dateofbirth",
        "dob",
        "birthday",
        "fodelsedatum",
        "fodelsedag",
        "born",
        "bornon",
        "borndate",
    ]
    .contains(&j.as_str())
        || (w.has(&["birth", "fodd"]) && matches!(kind, ColumnKind::Date | ColumnKind::Timestamp))
    {
        return Some(Class::BirthDate);
    }
    if (text || number)
        && (w.has(&[
            "iban",
            "bankgiro",
            "plusgiro",
            "bankkonto",
            "kontonummer",
            "clearingnummer",
        ]) || j.contains("bankaccount")
            || (w.has(&["bank"]) && w.has(&["account", "konto", "number", "nr"])))
    {
        return Some(Class::BankAccount);
    }
    if (text || number)
        && ([
            "cardnumber",
            "creditcard",
            "kortnummer",
            "ccnumber",
            "cardno",
        ]
        .iter()
        .any(|p| j.contains(p))
            || w.has(&["ccn"])
            || (w.has(&["card", "kort"]) && ["number", "no", "nr", "num", "last"].contains(&last)))
    {
        return Some(Class::Card);
    }
    if !text {
        // The rest are words in text: a `country` integer is a code, a `note_count` a count.
        return (number
            && (w.has(&[
                "amount", "price", "belopp", "cost", "fee", "balance", "pris", "summa", "salary",
                "wage", "revenue",
            ]) || w.0.iter().any(|x| x.ends_with("total"))))
        .then_some(Class::Money)
        .or_else(|| {
            (kind == ColumnKind::Integer
                && w.has(&["zip", "zipcode", "postcode", "postnummer", "postnr"]))
            .then_some(Class::PostalCode)
        });
    }
    if w.ends("first", "name")
        || w.ends("given", "name")
        || [
            "firstname",
            "fornamn",
            "givenname",
            "forename",
            "tilltalsnamn",
        ]
        .contains(&last)
    {
        return Some(Class::FirstName);
    }
    if w.ends("last", "name")
        || w.ends("family", "name")
        || ["lastname", "efternamn", "surname", "familyname"].contains(&last)
    {
        return Some(Class::LastName);
    }
    if w.ends("full", "name") || ["fullname", "fulltnamn"].contains(&last) {
        return Some(Class::FullName);
    }
    let core = w.core();
    if ["kundnamn", "kontaktnamn", "mottagarnamn"].contains(&last)
        || (["name", "namn"].contains(&last)
            && core.len() >= 2
            && PERSON_ROLES.contains(&core[core.len() - 2]))
    {
        return Some(Class::RoleName);
    }
    if [
        "username",
        "login",
        "loginname",
        "anvandarnamn",
        "screenname",
        "nickname",
        "userlogin",
    ]
    .contains(&j.as_str())
    {
        return Some(Class::Username);
    }
    if core == ["name"] || core == ["namn"] {
        return Some(Class::BareName);
    }
    if !w.has(&["mac", "web", "url", "wallet", "server", "host", "ethereum"])
        && (w.has(&[
            "street",
            "gatuadress",
            "gata",
            "streetaddress",
            "careof",
            "postadress",
        ]) || [
            "address",
            "adress",
            "addr",
            "gatuadress",
            "streetaddress",
            "utdelningsadress",
        ]
        .contains(&last)
            || (last == "line" && w.has(&["address", "adress"])))
    {
        return Some(Class::Street);
    }
    if w.has(&[
        "zip",
        "zipcode",
        "postcode",
        "postnummer",
        "postnr",
        "plz",
        "postalcode",
    ]) || w.ends("postal", "code")
        || w.ends("post", "code")
    {
        return Some(Class::PostalCode);
    }
    if ["city", "ort", "stad", "town", "postort"].contains(&last) {
        return Some(Class::City);
    }
    if ["country", "land", "countrycode", "landskod"].contains(&last) || w.ends("country", "code") {
        return Some(Class::Country);
    }
    if [
        "district",
        "region",
        "province",
        "county",
        "lan",
        "kommun",
        "municipality",
    ]
    .contains(&last)
    {
        return Some(Class::District);
    }
    if last == "state" {
        return Some(Class::State);
    }
    if w.has(&[
        "amount", "price", "belopp", "cost", "fee", "balance", "pris", "summa",
    ]) {
        return Some(Class::Money);
    }
    if [
        "message",
        "body",
        "comment",
        "comments",
        "note",
        "notes",
        "content",
        "text",
        "cv",
        "letter",
        "subject",
        "meddelande",
        "kommentar",
        "anteckning",
        "anteckningar",
        "fritext",
        "feedback",
        "bio",
        "biography",
        "about",
        "remark",
        "remarks",
    ]
    .contains(&last)
    {
        return Some(Class::FreeText);
    }
    None
}

/// The identity a class of column holds.
fn identity_of(class: Class) -> Option<IdentityKind> {
    match class {
        Class::Email => Some(IdentityKind::Email),
        Class::Phone => Some(IdentityKind::Phone),
        Class::Personnummer => Some(IdentityKind::Personnummer),
        _ => None,
    }
}

/// Where a column is, as far as its category is concerned.
#[derive(Clone, Copy)]
struct Place {
    /// In a person table.
    person: bool,
    /// In a table whose addresses are people's: a person's, a detail, an owned row.
    address: bool,
    /// The table also has a street address or postal code.
    has_address: bool,
    /// Some person's request reaches the table.
    reached: bool,
}

enum Evidence {
    Strong(&'static str),
    Weak(&'static str, &'static str),
    Operations,
}

/// Weighs a name's suggestion against where the column is.
fn judge(class: Class, at: Place) -> Evidence {
    use Evidence::{Operations, Strong, Weak};
    let address = |category| {
        if at.address {
            Strong(category)
        } else {
            Weak(
                category,
                "it looks like an address, but no person's row leads to this table",
            )
        }
    };
    let place = |category| {
        if at.address && at.has_address {
            Strong(category)
        } else if at.person {
            Weak(
                category,
                "a place, but the table has no street address beside it",
            )
        } else {
            Operations
        }
    };
    match class {
        Class::Email => Strong("user.contact.email"),
        Class::Phone => Strong("user.contact.phone_number"),
        Class::Personnummer => Strong("user.government_id.national_identification_number"),
        Class::Ip => Strong("user.device.ip_address"),
        Class::Password => Strong("user.authorization.password"),
        Class::FirstName => Strong("user.name.first"),
        Class::LastName => Strong("user.name.last"),
        Class::FullName | Class::RoleName => Strong("user.name"),
        Class::BirthDate => Strong("user.demographic.date_of_birth"),
        Class::BankAccount => Strong("user.financial.bank_account"),
        Class::Card => Strong("user.financial.credit_card"),
        Class::UserAgent => Strong("user.device"),
        Class::BareName if at.person => Strong("user.name"),
        Class::Username if at.person => Strong("user.account.username"),
        Class::BareName | Class::Username => Operations,
        Class::Street => address("user.contact.address.street"),
        Class::PostalCode => address("user.contact.address.postal_code"),
        Class::City => place("user.contact.address.city"),
        Class::Country => place("user.contact.address.country"),
        Class::District => place("user.contact.address.state"),
        Class::State if at.address && at.has_address => Strong("user.contact.address.state"),
        Class::State => Operations,
        Class::Money => Weak(
            "user.financial",
            "a price or an amount is the company's, unless it is what a person paid or owes",
        ),
        Class::FreeText if at.reached => Strong("user.content.private"),
        Class::FreeText => Weak(
            "user.content.private",
            "free text, in a table no person's request reaches",
        ),
    }
}

/// Table names of the company's own staff.
const STAFF_WORDS: &[&str] = &[
    "staff",
    "employee",
    "personal",
    "anstalld",
    "agent",
    "admin",
    "administrator",
    "operator",
    "worker",
    "seller",
    "salesperson",
    "salespeople",
    "salesrep",
    "handlaggare",
    "medarbetare",
];

fn staff_like(table: &str) -> bool {
    Words::of(table).0.iter().any(|w| {
        STAFF_WORDS.iter().any(|s| {
            // Plurals and Swedish endings: staffs, employees, anställda, agenter.
            w.strip_prefix(s).is_some_and(|rest| rest.len() <= 2)
        })
    })
}

// ---------------------------------------------------------------------------------------
// Who owns which rows

/// A single-column foreign key: (column, referenced table, referenced column).
fn single_fks(t: &Table) -> impl Iterator<Item = (&str, &str, &str)> {
    t.foreign_keys
        .iter()
        .filter(|f| f.columns.len() == 1 && f.references.len() == 1)
        .map(|f| {
            (
                f.columns[0].as_str(),
                f.table.as_str(),
                f.references[0].as_str(),
            )
        })
}

/// The header's account of the schema.
#[derive(Default)]
struct Summary {
    persons: Vec<String>,
    unreached: Vec<(String, String)>,
}

/// Who is a person and which rows each owns: the decisions about tables and links.
struct Ownership<'a> {
    /// What each column's name suggests, by table; keys left out (see [`Ownership::of`]).
    classes: BTreeMap<&'a str, Vec<(&'a str, Class)>>,
    persons: BTreeSet<&'a str>,
    staff: BTreeSet<&'a str>,
    ordinary: BTreeSet<&'a str>,
    /// Ordinary people (0) and the tables they own, by distance.
    depth: BTreeMap<&'a str, usize>,
    /// (table, column) written `direction: from`.
    from_edges: BTreeSet<(&'a str, &'a str)>,
    /// (table, column) written `direction: to`.
    to_edges: BTreeSet<(&'a str, &'a str)>,
    /// (table, column) left out because they would close a cycle.
    cycles: BTreeSet<(&'a str, &'a str)>,
    details: BTreeSet<&'a str>,
}

impl<'a> Ownership<'a> {
    fn of(schema: &'a Schema) -> Self {
        // A foreign key is never judged by its name (`address_id` is no street address),
        // nor a primary key, unless it is an identity (a newsletter keyed by e-mail).
        let classes: BTreeMap<&str, Vec<(&str, Class)>> = schema
            .tables
            .values()
            .map(|t| {
                let named = t.columns.iter().filter_map(|c| {
                    let fk = t.foreign_keys.iter().any(|f| f.columns.contains(&c.name));
                    let pk = t.primary_key.contains(&c.name);
                    let k = class(&c.name, c.kind)?;
                    let keep = !fk && (!pk || identity_of(k).is_some());
                    keep.then_some((c.name.as_str(), k))
                });
                (t.name.as_str(), named.collect())
            })
            .collect();
        let mut o = Ownership {
            classes,
            persons: BTreeSet::new(),
            staff: BTreeSet::new(),
            ordinary: BTreeSet::new(),
            depth: BTreeMap::new(),
            from_edges: BTreeSet::new(),
            to_edges: BTreeSet::new(),
            cycles: BTreeSet::new(),
            details: BTreeSet::new(),
        };
        o.find_people(schema);
        o.find_owned(schema);
        o.find_details(schema);
        o
    }

    fn has_class(&self, table: &str, f: impl Fn(Class) -> bool) -> bool {
        self.classes
            .get(table)
            .is_some_and(|v| v.iter().any(|(_, k)| f(*k)))
    }

    fn class(&self, table: &str, column: &str) -> Option<Class> {
        self.classes
            .get(table)?
            .iter()
            .find(|(n, _)| *n == column)
            .map(|(_, k)| *k)
    }

    /// People: an e-mail or a personnummer. A phone only beside a person's name, and only in
    /// a row that points at no such person (a store's phone makes no one a person, nor does
    /// an order's delivery phone). Staff only beside other people.
    fn find_people(&mut self, schema: &'a Schema) {
        let identified: BTreeSet<&str> = schema
            .tables
            .keys()
            .map(String::as_str)
            .filter(|t| self.has_class(t, |k| matches!(k, Class::Email | Class::Personnummer)))
            .collect();
        self.persons = schema
            .tables
            .values()
            .filter(|t| {
                let name = t.name.as_str();
                identified.contains(name)
                    || (self.has_class(name, |k| k == Class::Phone)
                        && self.has_class(name, |k| {
                            matches!(k, Class::FirstName | Class::LastName | Class::FullName)
                        })
                        && !single_fks(t).any(|(_, to, _)| identified.contains(to)))
            })
            .map(|t| t.name.as_str())
            .collect();
        let staff: BTreeSet<&str> = self
            .persons
            .iter()
            .copied()
            .filter(|t| staff_like(t))
            .collect();
        if staff.len() < self.persons.len() {
            self.staff = staff;
        }
        self.ordinary = self.persons.difference(&self.staff).copied().collect();
    }

    /// Owned rows, breadth first from ordinary people; then their `from` edges, shallowest
    /// parents first, leaving out any that would close a cycle the traversal could not order.
    fn find_owned(&mut self, schema: &'a Schema) {
        self.depth = self.ordinary.iter().map(|t| (*t, 0)).collect();
        let mut frontier: Vec<&str> = self.ordinary.iter().copied().collect();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for p in frontier {
                let d = self.depth.get(p).copied().unwrap_or(0);
                for t in schema.tables.values() {
                    let name = t.name.as_str();
                    if self.persons.contains(name) || self.depth.contains_key(name) {
                        continue;
                    }
                    if single_fks(t).any(|(_, to, _)| to == p) {
                        self.depth.insert(name, d + 1);
                        next.push(name);
                    }
                }
            }
            frontier = next;
        }
        let mut candidates: Vec<(usize, usize, &str, &str, &str)> = Vec::new();
        for t in schema.tables.values() {
            let name = t.name.as_str();
            let Some(&dt) = self.depth.get(name).filter(|d| **d > 0) else {
                continue;
            };
            for (col, to, _) in single_fks(t) {
                if to != name
                    && let Some(&dp) = self.depth.get(to)
                {
                    candidates.push((dp, dt, name, col, to));
                }
            }
        }
        candidates.sort();
        let mut children: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (_, _, t, col, p) in candidates {
            if reaches(&children, t, p) {
                self.cycles.insert((t, col));
            } else {
                children.entry(p).or_default().insert(t);
                self.from_edges.insert((t, col));
            }
        }
    }

    /// Details: tables with personal-looking columns a person's row points at.
    fn find_details(&mut self, schema: &'a Schema) {
        for t in self.persons.iter().filter_map(|t| schema.table(t)) {
            for (col, to, _) in single_fks(t) {
                if to != t.name && self.detail_looking(to) {
                    self.to_edges.insert((t.name.as_str(), col));
                    self.details.insert(to);
                }
            }
        }
    }

    /// Not a person's table, but with columns that look like someone's details.
    fn detail_looking(&self, table: &str) -> bool {
        !self.persons.contains(table) && self.has_class(table, Class::is_detail_evidence)
    }

    fn role(&self, table: &str) -> Role {
        if self.staff.contains(table) {
            Role::Staff
        } else if self.persons.contains(table) {
            Role::Person
        } else if self.depth.contains_key(table) {
            Role::Owned
        } else if self.details.contains(table) {
            Role::Detail
        } else {
            Role::Unreached
        }
    }
}

/// The notes of a draft, in the order they are found.
struct Notes(Vec<Note>);

impl Notes {
    fn on(&mut self, table: &str, field: Option<&str>, kind: NoteKind, message: String) {
        self.0.push(Note {
            collection: table.to_owned(),
            field: field.map(str::to_owned),
            kind,
            message,
        });
    }
}

/// `table.column`, as a reference names it.
fn field_ref(table: &str, column: &str) -> String {
    format!("{table}.{column}")
}

fn analyse(schema: &Schema, key: &str) -> (Survey, Vec<Note>, Summary) {
    let own = Ownership::of(schema);
    let mut notes = Notes(Vec::new());
    let mut survey = Survey::default();
    let mut summary = Summary::default();
    for t in schema.tables.values() {
        let role = own.role(&t.name);
        let ambiguous = table_notes(&own, schema, t, role, &mut notes);
        let columns: Vec<ColumnGuess> = t
            .columns
            .iter()
            .map(|c| column_guess(&own, t, role, c, key, &mut notes))
            .collect();
        let personal: Vec<&str> = columns
            .iter()
            .filter(|c| c.is_personal() && !t.is_key(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        let name = t.name.as_str();
        if role.is_person() {
            let ids: BTreeSet<&str> = columns
                .iter()
                .filter_map(|c| c.identity.as_ref().map(IdentityKind::key))
                .collect();
            let ids = ids.into_iter().collect::<Vec<_>>().join(", ");
            summary.persons.push(if role == Role::Staff {
                format!("{name} ({ids}; the company's staff)")
            } else {
                format!("{name} ({ids})")
            });
        }
        if role == Role::Unreached {
            let why = unreached_why(&own, t, &personal, &mut notes);
            summary.unreached.push((t.name.clone(), why));
        }
        survey.tables.insert(
            t.name.clone(),
            TableGuess {
                name: t.name.clone(),
                role,
                ambiguous,
                skip: role == Role::Unreached && personal.is_empty(),
                columns,
            },
        );
    }
    (survey, notes.0, summary)
}

/// The notes about a whole table; returns whether its rows are shared (ambiguous).
fn table_notes(
    own: &Ownership<'_>,
    schema: &Schema,
    t: &Table,
    role: Role,
    notes: &mut Notes,
) -> bool {
    let name = t.name.as_str();
    if name.contains('.') {
        notes.on(
            name,
            None,
            NoteKind::Unrepresentable,
            "the table's name holds a dot, which a reference (`table.column`) cannot name: no reference to it is written".into(),
        );
    }
    // Rows naming several people: two ordinary people's tables, or twice the same table of
    // people or owned rows (a message's sender and recipient).
    let mut named: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    if role == Role::Owned {
        for (col, to, _) in single_fks(t) {
            if own.depth.contains_key(to) && to != name {
                named.entry(to).or_default().push(col);
            }
        }
    }
    let people = named.keys().filter(|p| own.ordinary.contains(*p)).count();
    let ambiguous = people >= 2 || named.values().any(|cols| cols.len() >= 2);
    if ambiguous {
        let links: Vec<String> = named
            .iter()
            .flat_map(|(p, cols)| cols.iter().map(move |c| format!("{c} → {p}")))
            .collect();
        notes.on(
            name,
            None,
            NoteKind::Ambiguous,
            format!(
                "each row names several people or their rows ({}): it is reached from each of them, and a row that names someone else too is shared (an erasure leaves it and removes the person's link). If a row belongs to one of them, keep `direction: from` only on that one's reference and drop the other `references`",
                links.join(", ")
            ),
        );
    }
    if t.primary_key.is_empty() {
        notes.on(
            name,
            None,
            NoteKind::NoPrimaryKey,
            "no primary key: an erasure cannot address this table's rows until a unique field is declared `primary_key: true`".into(),
        );
    }
    for f in t
        .foreign_keys
        .iter()
        .filter(|f| f.columns.len() != 1 || f.references.len() != 1)
    {
        notes.on(
            name,
            None,
            NoteKind::CompositeKey,
            format!(
                "the foreign key ({}) → {} ({}) has several columns; references name one column each, so it is not followed: add references by hand if this table's rows belong to the other's",
                f.columns.join(", "),
                f.table,
                f.references.join(", ")
            ),
        );
    }
    let referring = |people: bool| -> Vec<String> {
        schema
            .referencing(name)
            .into_iter()
            .filter(|(o, _)| people || !own.persons.contains(o.name.as_str()))
            .map(|(o, f)| field_ref(&o.name, &f.columns.join(", ")))
            .collect()
    };
    if role == Role::Staff {
        let refs = referring(false);
        if !refs.is_empty() {
            notes.on(
                name,
                None,
                NoteKind::StaffReferences,
                format!(
                    "{} refer to this staff table and are not reached from a staff member: the rows a staff member handled are the company's operations. If one holds a staff member's own data (a payslip), add `direction: from` on its reference by hand",
                    refs.join(", ")
                ),
            );
        }
    }
    if role == Role::Detail {
        let refs = referring(true);
        if refs.len() > 1 {
            notes.on(
                name,
                None,
                NoteKind::SharedDetail,
                format!(
                    "a person's details, pointed at by {}: a row others point at too is shared, and an erasure leaves it and removes the person's link, so each person's details should be a row of their own",
                    refs.join(", ")
                ),
            );
        }
    }
    ambiguous
}

/// What the draft says about one column: its category, identity and reference, with the
/// notes on what it left out.
fn column_guess(
    own: &Ownership<'_>,
    t: &Table,
    role: Role,
    c: &crate::schema::Column,
    key: &str,
    notes: &mut Notes,
) -> ColumnGuess {
    let (name, cname) = (t.name.as_str(), c.name.as_str());
    let pk = t.primary_key.contains(&c.name);
    let fk_to: Vec<&str> = t
        .foreign_keys
        .iter()
        .filter(|f| f.columns.contains(&c.name))
        .map(|f| f.table.as_str())
        .collect();
    let mut guess = ColumnGuess {
        name: c.name.clone(),
        category: None,
        weak: None,
        identity: None,
        primary_key: pk,
        link: None,
        data_type: c.kind.fides_type(),
        length: c.max_len,
    };
    match own.class(name, cname) {
        // Keys are categorised by what they point at, never by their names.
        None if pk || !fk_to.is_empty() => {
            let person = fk_to.iter().any(|p| own.persons.contains(p)) || (pk && role.is_person());
            guess.category = Some(if person {
                "user.unique_id"
            } else {
                "system.operations"
            });
        }
        None => guess.category = Some("system.operations"),
        Some(k) => {
            let reached = role.is_reached();
            let at = Place {
                person: role.is_person(),
                address: reached,
                has_address: reached && own.has_class(name, Class::is_address),
                reached,
            };
            match judge(k, at) {
                Evidence::Strong(cat) => guess.category = Some(cat),
                Evidence::Weak(cat, why) => {
                    guess.weak = Some(cat);
                    notes.on(
                        name,
                        Some(cname),
                        NoteKind::WeakCategory,
                        format!(
                            "may hold {cat} ({why}); left uncategorised: add `data_categories: [{cat}]` if it is personal data"
                        ),
                    );
                }
                Evidence::Operations => guess.category = Some("system.operations"),
            }
            if role.is_person() {
                guess.identity = identity_of(k);
            } else if k == Class::Phone && role == Role::Unreached {
                notes.on(
                    name,
                    Some(cname),
                    NoteKind::PhoneWithoutPerson,
                    "looks like a phone number, but the table has no e-mail, personnummer or person's name: if its rows are people, add `identity: phone_number`".into(),
                );
            }
            if pk && let Some(id) = &guess.identity {
                notes.on(
                    name,
                    Some(cname),
                    NoteKind::IdentityKey,
                    format!(
                        "the {} is the primary key, and keys are never masked: erase this table's rows by deleting them ([erasure.collections] \"{key}.{name}\" = \"delete\")",
                        id.key()
                    ),
                );
            }
        }
    }
    guess.link = link(own, t, role, cname, key, notes);
    guess
}

/// The reference written on a column, or the note saying why none is.
fn link(
    own: &Ownership<'_>,
    t: &Table,
    role: Role,
    column: &str,
    key: &str,
    notes: &mut Notes,
) -> Option<Link> {
    let name = t.name.as_str();
    let (_, to, to_col) = single_fks(t).find(|(col, _, _)| *col == column)?;
    let reference = |direction| {
        Some(Link {
            table: to.to_owned(),
            column: to_col.to_owned(),
            direction,
        })
    };
    let edge = (name, column);
    if to.contains('.') {
        // A reference cannot name it; noted on that table.
        None
    } else if own.from_edges.contains(&edge) {
        reference(Direction::From)
    } else if own.to_edges.contains(&edge) {
        reference(Direction::To)
    } else {
        let (kind, message) = if role.is_person() && own.persons.contains(to) {
            (
                NoteKind::PersonLink,
                format!(
                    "links two people's records ({name} → {to}): not followed, so a request for one never returns the other's row. Add a reference by hand only if one's row is the other's data"
                ),
            )
        } else if !role.is_person() && own.staff.contains(to) {
            (
                NoteKind::StaffLink,
                format!(
                    "names a staff member ({to}): not followed, since the rows a staff member handled are the company's operations, not the staff member's own data"
                ),
            )
        } else if own.cycles.contains(&edge) {
            (
                NoteKind::Cycle,
                format!(
                    "points at {to}, which this table already leads to: following it too would make a cycle, so it is not followed"
                ),
            )
        } else if !role.is_person()
            && to != name
            && own.detail_looking(to)
            && !own.depth.contains_key(to)
        {
            (
                NoteKind::DetailFromNonPerson,
                format!(
                    "points at {to}, which holds personal data, but {name} is not a person's table (an order's shipping address or a store's address need not be any one person's): not followed. If the {to} row belongs to whoever owns this row, add `references: [{{dataset: {key}, field: {}, direction: to}}]`",
                    field_ref(to, to_col)
                ),
            )
        } else {
            // A key into rows that are no one's (a store, a film): nothing to follow.
            return None;
        };
        notes.on(name, Some(column), kind, message);
        None
    }
}

/// Why no person's request reaches `t`, for the header; a note when it holds personal data.
fn unreached_why(own: &Ownership<'_>, t: &Table, personal: &[&str], notes: &mut Notes) -> String {
    let name = t.name.as_str();
    let mut why = Vec::new();
    let targets = |f: &dyn Fn(&str) -> bool| -> Vec<&str> {
        let set: BTreeSet<&str> = single_fks(t)
            .map(|(_, to, _)| to)
            .filter(|to| f(to))
            .collect();
        set.into_iter().collect()
    };
    let staff = targets(&|to| own.staff.contains(to));
    if !staff.is_empty() {
        why.push(format!("names staff members ({})", staff.join(", ")));
    }
    let details = targets(&|to| to != name && own.detail_looking(to));
    if !details.is_empty() {
        why.push(format!(
            "points at {} but is not a person's table",
            details.join(", ")
        ));
    }
    if why.is_empty() {
        why.push("no person's row leads here".into());
    }
    if personal.is_empty() {
        why.push("no personal data of its own (skip_processing)".into());
    } else {
        notes.on(
            name,
            None,
            NoteKind::Unreached,
            format!(
                "holds personal data ({}) but no person's request reaches it: give it an identity or a reference, or mark it `skip_processing: true` if it is no one's",
                personal.join(", ")
            ),
        );
        why.push(format!("HOLDS PERSONAL DATA ({})", personal.join(", ")));
    }
    why.join("; ")
}

/// True when `to` is reachable from `from` along `children`.
fn reaches(children: &BTreeMap<&str, BTreeSet<&str>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        if n == to {
            return true;
        }
        if seen.insert(n) {
            todo.extend(children.get(n).into_iter().flatten().copied());
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// The YAML

/// `s` as a YAML scalar: plain when YAML reads it back as the same string, else quoted.
fn scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
        );
    if plain {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A comment, wrapped, each line prefixed by `indent`.
fn comment(out: &mut String, indent: &str, first: &str, text: &str) {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut line = format!("{indent}# {first}");
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line.chars().count() + word.chars().count() > 96 && !line.ends_with(": ") {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}#   ");
        }
        line.push_str(word);
        line.push(' ');
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn render(key: &str, survey: &Survey, notes: &[Note], summary: &Summary) -> String {
    let mut out = String::new();
    comment(
        &mut out,
        "",
        "",
        "Drafted by `skydd map draft` from the live schema. Requests start at people's tables and follow only what belongs to each person.",
    );
    let none = || vec!["none".to_owned()];
    let persons = if summary.persons.is_empty() {
        none()
    } else {
        summary.persons.clone()
    };
    comment(&mut out, "", "People's tables: ", &persons.join(", "));
    let shared: Vec<String> = survey
        .tables
        .values()
        .filter(|t| t.ambiguous)
        .map(|t| t.name.clone())
        .collect();
    comment(
        &mut out,
        "",
        "Shared tables (rows name several people): ",
        &if shared.is_empty() { none() } else { shared }.join(", "),
    );
    if summary.unreached.is_empty() {
        comment(&mut out, "", "Not reached from any person: none", "");
    } else {
        comment(&mut out, "", "Not reached from any person:", "");
        for (t, why) in &summary.unreached {
            comment(&mut out, "", "  ", &format!("{t}: {why}"));
        }
    }
    comment(
        &mut out,
        "",
        "",
        &format!(
            "{} `# review:` note(s) below: each needs a person's decision before this map is used. Categories come only from strong evidence; uncategorised fields are named in a note.",
            notes.len()
        ),
    );
    let k = scalar(key);
    let empty = if survey.tables.is_empty() { " []" } else { "" };
    out.push_str(&format!(
        "dataset:\n  - fides_key: {k}\n    name: {k}\n    collections:{empty}\n"
    ));
    for t in survey.tables.values() {
        for n in notes
            .iter()
            .filter(|n| n.collection == t.name && n.field.is_none())
        {
            comment(&mut out, "      ", "review: ", &n.message);
        }
        out.push_str(&format!("      - name: {}\n", scalar(&t.name)));
        if t.skip {
            out.push_str("        fides_meta:\n          skip_processing: true\n");
        }
        if t.columns.is_empty() {
            out.push_str("        fields: []\n");
            continue;
        }
        out.push_str("        fields:\n");
        for c in &t.columns {
            for n in notes
                .iter()
                .filter(|n| n.collection == t.name && n.field.as_deref() == Some(&c.name))
            {
                comment(&mut out, "          ", "review: ", &n.message);
            }
            out.push_str(&format!("          - name: {}\n", scalar(&c.name)));
            if let Some(cat) = c.category {
                out.push_str(&format!("            data_categories: [{cat}]\n"));
            }
            out.push_str("            fides_meta:\n");
            if c.primary_key {
                out.push_str("              primary_key: true\n");
            }
            if let Some(id) = &c.identity {
                out.push_str(&format!("              identity: {}\n", id.key()));
            }
            if let Some(l) = &c.link {
                let direction = match l.direction {
                    Direction::From => "from",
                    Direction::To | Direction::Both => "to",
                };
                out.push_str(&format!(
                    "              references:\n                - dataset: {k}\n                  field: {}\n                  direction: {direction}\n",
                    scalar(&format!("{}.{}", l.table, l.column))
                ));
            }
            out.push_str(&format!("              data_type: {}\n", c.data_type));
            if let Some(l) = c.length {
                out.push_str(&format!("              length: {l}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
