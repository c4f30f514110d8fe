//! Webbplats Nu AB, the Swedish hosting company of seed 004, as a working system for
//! `skydd demo` and the benchmarks: its register and data map, its customer database's
//! schema (SQLite, PostgreSQL, MariaDB/MySQL), a small story dataset whose dates are
//! relative to today, and a generator of N customers of realistic shape.
#![deny(missing_docs)]

use jiff::ToSpan;
use jiff::civil::Date;
use skydd_connect::{Db, DbError};
use skydd_core::orgnr::luhn_check_digit;
use skydd_core::register::DbKind;

/// The register (`skydd.toml`).
pub const REGISTER: &str = include_str!("../assets/register.toml");
/// The data map (`datamap.yml`).
pub const DATAMAP: &str = include_str!("../assets/datamap.yml");
/// The tables, in dependency order.
pub const TABLES: [&str; 8] = [
    "customer",
    "contact",
    "invoice",
    "domain",
    "support_ticket",
    "access_log",
    "newsletter_subscriber",
    "job_application",
];

/// The statements creating the schema on `kind`, dropping what exists.
pub fn schema(kind: DbKind) -> Vec<String> {
    let ts = if kind == DbKind::Mysql {
        "DATETIME"
    } else {
        "TIMESTAMP"
    };
    let q = |n: &str| {
        if kind == DbKind::Mysql {
            format!("`{n}`")
        } else {
            format!("\"{n}\"")
        }
    };
    let mut out: Vec<String> = TABLES
        .iter()
        .rev()
        .map(|t| match kind {
            DbKind::Postgres => format!("DROP TABLE IF EXISTS {} CASCADE", q(t)),
            _ => format!("DROP TABLE IF EXISTS {}", q(t)),
        })
        .collect();
    let fk = "customer_id BIGINT NOT NULL, FOREIGN KEY (customer_id) REFERENCES customer (id)";
    // skydd looks e-mail addresses up ignoring case: lower(email) on PostgreSQL and SQLite;
    // MariaDB's default collation already ignores case, so a plain index serves it there.
    let email_index = |name: &str, table: &str| match kind {
        DbKind::Mysql => format!("CREATE INDEX {name} ON {table} (email)"),
        _ => format!("CREATE INDEX {name} ON {table} (lower(email))"),
    };
    out.extend([
        format!("CREATE TABLE customer (id BIGINT PRIMARY KEY, personnummer VARCHAR(13), name VARCHAR(100) NOT NULL, email VARCHAR(254), phone VARCHAR(20), street VARCHAR(100), postal_code VARCHAR(10), city VARCHAR(60), created_at {ts} NOT NULL, last_login_at {ts}, contract_ended_on DATE)"),
        email_index("customer_email", "customer"),
        "CREATE INDEX customer_personnummer ON customer (personnummer)".into(),
        "CREATE INDEX customer_phone ON customer (phone)".into(),
        "CREATE INDEX customer_contract_ended ON customer (contract_ended_on)".into(),
        format!("CREATE TABLE contact (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(254), phone VARCHAR(20), {fk})"),
        "CREATE INDEX contact_customer ON contact (customer_id)".into(),
        email_index("contact_email", "contact"),
        format!("CREATE TABLE invoice (id BIGINT PRIMARY KEY, number VARCHAR(20) NOT NULL, billing_name VARCHAR(100), billing_address VARCHAR(200), amount_ore BIGINT NOT NULL, issued_on DATE NOT NULL, {fk})"),
        "CREATE INDEX invoice_customer ON invoice (customer_id)".into(),
        "CREATE INDEX invoice_issued ON invoice (issued_on)".into(),
        format!("CREATE TABLE domain (id BIGINT PRIMARY KEY, name VARCHAR(253) NOT NULL, registrant_name VARCHAR(100), expires_on DATE, {fk})"),
        "CREATE INDEX domain_customer ON domain (customer_id)".into(),
        format!("CREATE TABLE support_ticket (id BIGINT PRIMARY KEY, subject VARCHAR(200), body TEXT, opened_at {ts} NOT NULL, closed_on DATE, {fk})"),
        "CREATE INDEX support_ticket_customer ON support_ticket (customer_id)".into(),
        "CREATE INDEX support_ticket_closed ON support_ticket (closed_on)".into(),
        format!("CREATE TABLE access_log (id BIGINT PRIMARY KEY, customer_id BIGINT, ip VARCHAR(45), user_agent VARCHAR(200), path VARCHAR(200) NOT NULL, status INTEGER NOT NULL, logged_at {ts} NOT NULL, FOREIGN KEY (customer_id) REFERENCES customer (id))"),
        "CREATE INDEX access_log_customer ON access_log (customer_id)".into(),
        "CREATE INDEX access_log_logged ON access_log (logged_at)".into(),
        format!("CREATE TABLE newsletter_subscriber (id BIGINT PRIMARY KEY, email VARCHAR(254) NOT NULL, name VARCHAR(100), subscribed_at {ts} NOT NULL, unsubscribed_at {ts})"),
        email_index("newsletter_email", "newsletter_subscriber"),
        "CREATE INDEX newsletter_unsubscribed ON newsletter_subscriber (unsubscribed_at)".into(),
        "CREATE TABLE job_application (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(254), phone VARCHAR(20), letter TEXT, applied_on DATE NOT NULL, recruitment_closed_on DATE)".into(),
        email_index("job_application_email", "job_application"),
    ]);
    out
}

/// A valid personnummer (12 digits with hyphen) for a birth date and a serial (0..999).
pub fn personnummer(born: Date, serial: u32) -> String {
    let yy = born.year() % 100;
    let ten = format!(
        "{yy:02}{:02}{:02}{:03}",
        born.month(),
        born.day(),
        serial % 1000
    );
    let digits: Vec<u8> = ten.bytes().map(|b| b - b'0').collect();
    let check = luhn_check_digit(&digits);
    format!(
        "{}{:02}{:02}-{:03}{check}",
        born.year(),
        born.month(),
        born.day(),
        serial % 1000
    )
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: Option<String>) -> String {
    s.map_or_else(|| "NULL".into(), |v| sql_str(&v))
}

fn days(today: Date, n: i64) -> Date {
    today.checked_sub(n.days()).unwrap_or(today)
}

fn at(today: Date, days_ago: i64, time: &str) -> String {
    format!("{} {time}", days(today, days_ago))
}

/// The demo's people, with dates relative to `today`: Anna (contract ended three months ago,
/// invoices from nine years ago and recent ones), Bo (an active customer), Cecilia (ended
/// three years ago, her last invoices still kept), David (ended nine years ago), newsletter
/// subscribers, job applicants and anonymous visitors.
pub async fn seed_story(db: &Db, today: Date) -> Result<u64, DbError> {
    let mut rows = 0;
    let t = |n: i64| days(today, n).to_string();
    let pnr = |y: i16, m: i8, d: i8, s: u32| personnummer(Date::new(y, m, d).unwrap_or(today), s);
    let customers = [
        (
            1,
            pnr(1985, 4, 12, 238),
            "Anna Andersson",
            "anna.andersson@example.se",
            "0701234567",
            "Storgatan 1",
            "111 22",
            "Stockholm",
            6 * 365,
            Some(120),
            Some(t(90)),
        ),
        (
            2,
            pnr(1979, 11, 3, 517),
            "Bo Berg",
            "bo@bergsbageri.se",
            "0739876543",
            "Bagargatan 4",
            "753 20",
            "Uppsala",
            2 * 365,
            Some(2),
            None,
        ),
        (
            3,
            pnr(1990, 2, 28, 114),
            "Cecilia Ceder",
            "cecilia.ceder@example.se",
            "0723334455",
            "Lindvägen 7",
            "413 01",
            "Göteborg",
            8 * 365,
            Some(1100),
            Some(t(3 * 365)),
        ),
        (
            4,
            pnr(1962, 7, 19, 880),
            "David Dahl",
            "david.dahl@example.se",
            "0765554433",
            "Sjövägen 2",
            "211 10",
            "Malmö",
            12 * 365,
            Some(3300),
            Some(t(9 * 365)),
        ),
    ];
    let values: Vec<String> = customers
        .iter()
        .map(
            |(id, p, name, email, phone, street, zip, city, created, login, ended)| {
                format!(
                    "({id}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                    sql_str(p),
                    sql_str(name),
                    sql_str(email),
                    sql_str(phone),
                    sql_str(street),
                    sql_str(zip),
                    sql_str(city),
                    sql_str(&at(today, *created, "09:15:00")),
                    opt(login.map(|l| at(today, l, "20:41:07"))),
                    opt(ended.clone()),
                )
            },
        )
        .collect();
    rows += db
        .execute(&format!(
            "INSERT INTO customer VALUES {}",
            values.join(", ")
        ))
        .await?;
    rows += db.execute("INSERT INTO contact (id, name, email, phone, customer_id) VALUES (1, 'Lisa Berg', 'lisa@bergsbageri.se', '0709998877', 2)").await?;
    let invoices = [
        (
            1,
            1,
            "2017-0412",
            "Anna Andersson",
            "Storgatan 1, 111 22 Stockholm",
            12_900,
            9 * 365,
        ),
        (
            2,
            1,
            "2025-1187",
            "Anna Andersson",
            "Storgatan 1, 111 22 Stockholm",
            149_900,
            365,
        ),
        (
            3,
            1,
            "2026-0911",
            "Anna Andersson",
            "Storgatan 1, 111 22 Stockholm",
            149_900,
            60,
        ),
        (
            4,
            2,
            "2026-1002",
            "Bo Berg",
            "Bagargatan 4, 753 20 Uppsala",
            299_000,
            30,
        ),
        (
            5,
            3,
            "2023-0310",
            "Cecilia Ceder",
            "Lindvägen 7, 413 01 Göteborg",
            89_900,
            3 * 365 + 20,
        ),
        (
            6,
            4,
            "2017-0101",
            "David Dahl",
            "Sjövägen 2, 211 10 Malmö",
            49_900,
            9 * 365 + 40,
        ),
    ];
    let values: Vec<String> = invoices
        .iter()
        .map(|(id, c, no, name, addr, amount, ago)| {
            format!(
                "({id}, {}, {}, {}, {amount}, {}, {c})",
                sql_str(no),
                sql_str(name),
                sql_str(addr),
                sql_str(&t(*ago))
            )
        })
        .collect();
    rows += db.execute(&format!("INSERT INTO invoice (id, number, billing_name, billing_address, amount_ore, issued_on, customer_id) VALUES {}", values.join(", "))).await?;
    rows += db
        .execute(&format!(
            "INSERT INTO domain (id, name, registrant_name, expires_on, customer_id) VALUES (1, 'anna-andersson.se', 'Anna Andersson', {}, 1), (2, 'bergsbageri.se', 'Bo Berg', {}, 2)",
            sql_str(&t(-200)),
            sql_str(&t(-90))
        ))
        .await?;
    rows += db
        .execute(&format!(
            "INSERT INTO support_ticket (id, subject, body, opened_at, closed_on, customer_id) VALUES \
             (1, 'Sajten nere', 'Min webbplats svarar inte sedan i morse.', {}, {}, 1), \
             (2, 'Flytta domän', 'Jag vill flytta anna-andersson.se till er.', {}, {}, 1), \
             (3, 'Faktura', 'Kan jag få fakturan som PDF?', {}, NULL, 2)",
            sql_str(&at(today, 2 * 365 + 3, "08:00:00")),
            sql_str(&t(2 * 365)),
            sql_str(&at(today, 40, "13:30:00")),
            sql_str(&t(30)),
            sql_str(&at(today, 1, "10:05:00")),
        ))
        .await?;
    let logs = [
        (1, Some(1), "192.0.2.10", 10, "/kontrollpanel"),
        (2, Some(1), "192.0.2.10", 100, "/kontrollpanel/dns"),
        (3, Some(2), "198.51.100.7", 1, "/kontrollpanel"),
        (4, None, "203.0.113.5", 60, "/"),
        (5, None, "203.0.113.9", 61, "/priser"),
        (6, None, "203.0.113.77", 2, "/kontakt"),
    ];
    let values: Vec<String> = logs
        .iter()
        .map(|(id, c, ip, ago, path)| {
            format!(
                "({id}, {}, {}, 'Mozilla/5.0 (X11; Linux x86_64)', {}, 200, {})",
                c.map_or("NULL".into(), |c: i64| c.to_string()),
                sql_str(ip),
                sql_str(path),
                sql_str(&at(today, *ago, "12:00:00"))
            )
        })
        .collect();
    rows += db.execute(&format!("INSERT INTO access_log (id, customer_id, ip, user_agent, path, status, logged_at) VALUES {}", values.join(", "))).await?;
    rows += db
        .execute(&format!(
            "INSERT INTO newsletter_subscriber (id, email, name, subscribed_at, unsubscribed_at) VALUES \
             (1, 'anna.andersson@example.se', 'Anna Andersson', {}, NULL), \
             (2, 'bo@bergsbageri.se', 'Bo Berg', {}, NULL), \
             (3, 'evelina.ek@example.se', 'Evelina Ek', {}, {})",
            sql_str(&at(today, 400, "18:00:00")),
            sql_str(&at(today, 300, "18:00:00")),
            sql_str(&at(today, 500, "18:00:00")),
            sql_str(&at(today, 20, "07:45:00")),
        ))
        .await?;
    rows += db
        .execute(&format!(
            "INSERT INTO job_application (id, name, email, phone, letter, applied_on, recruitment_closed_on) VALUES \
             (1, 'Filip Fors', 'filip.fors@example.se', '0701112233', 'Jag söker tjänsten som drifttekniker.', {}, {}), \
             (2, 'Gunnel Grön', 'gunnel.gron@example.se', '0702223344', 'Jag söker tjänsten som supporttekniker.', {}, {})",
            sql_str(&t(3 * 365 + 60)),
            sql_str(&t(3 * 365)),
            sql_str(&t(100)),
            sql_str(&t(60)),
        ))
        .await?;
    Ok(rows)
}

const FIRST: [&str; 24] = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Lena",
    "Mikael", "Emma", "Karl", "Ingrid", "Jonas", "Sofia", "Nils", "Elin", "Oskar", "Maja",
    "Gustav", "Linnea", "Axel",
];
const LAST: [&str; 24] = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
];
const CITIES: [(&str, &str); 8] = [
    ("Stockholm", "111 22"),
    ("Göteborg", "411 03"),
    ("Malmö", "211 20"),
    ("Uppsala", "753 20"),
    ("Västerås", "722 10"),
    ("Örebro", "702 10"),
    ("Linköping", "582 24"),
    ("Östersund", "831 30"),
];

/// A small, fast, deterministic generator (SplitMix64), so a benchmark database is the same
/// every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The e-mail address of generated customer `i` (so benchmarks can pick people).
pub fn generated_email(i: u64) -> String {
    let f = FIRST[(i % 24) as usize].to_lowercase();
    let l = LAST[((i / 24) % 24) as usize]
        .to_lowercase()
        .replace(['ö', 'ä', 'å'], "o");
    format!("{f}.{l}.{i}@example.se")
}

/// Counts of generated rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    /// Customers.
    pub customers: u64,
    /// All rows.
    pub rows: u64,
}

/// Fills `db` with `n` customers and their contacts, invoices, domains, tickets, access log
/// lines, newsletter subscriptions and job applications, replacing the demo tables.
/// `progress` is told the number of customers written so far.
pub async fn generate(
    db: &Db,
    n: u64,
    today: Date,
    mut progress: impl FnMut(u64),
) -> Result<Generated, DbError> {
    let kind = db.dialect.kind;
    for s in schema(kind) {
        db.execute(&s).await?;
    }
    let mut rng = Rng(0x5EED_5EED);
    let mut g = Generated::default();
    let (mut contact, mut invoice, mut domain, mut ticket, mut log, mut sub) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    const CHUNK: u64 = 2000;
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let mut customers = Vec::new();
        let mut contacts = Vec::new();
        let mut invoices = Vec::new();
        let mut domains = Vec::new();
        let mut tickets = Vec::new();
        let mut logs = Vec::new();
        let mut subs = Vec::new();
        for i in start..end {
            let id = i + 1;
            let first = FIRST[(i % 24) as usize];
            let last = LAST[((i / 24) % 24) as usize];
            let name = format!("{first} {last}");
            let (city, zip) = CITIES[rng.below(8) as usize];
            let born = days(today, 20 * 365 + rng.below(50 * 365) as i64);
            let created = 30 + rng.below(12 * 365) as i64;
            // A tenth have left: some long ago, some recently.
            let ended = (rng.below(10) == 0).then(|| (rng.below(created as u64).max(1)) as i64);
            let login = ended.map_or(rng.below(30) as i64, |e| e + rng.below(30) as i64);
            customers.push(format!(
                "({id}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                sql_str(&personnummer(born, (i % 1000) as u32)),
                sql_str(&name),
                sql_str(&generated_email(i)),
                sql_str(&format!("07{:08}", i % 100_000_000)),
                sql_str(&format!(
                    "{}gatan {}",
                    LAST[(i % 24) as usize],
                    1 + rng.below(80)
                )),
                sql_str(zip),
                sql_str(city),
                sql_str(&at(today, created, "10:00:00")),
                sql_str(&at(today, login.min(created), "19:30:00")),
                opt(ended.map(|e| days(today, e).to_string())),
            ));
            if rng.below(2) == 0 {
                contact += 1;
                contacts.push(format!(
                    "({contact}, {}, {}, NULL, {id})",
                    sql_str(&format!("{} {last}", FIRST[rng.below(24) as usize])),
                    sql_str(&format!("kontakt.{id}@example.se"))
                ));
            }
            for _ in 0..3 {
                invoice += 1;
                let ago = ended.unwrap_or(0)
                    + rng.below((created - ended.unwrap_or(0)).max(1) as u64) as i64;
                invoices.push(format!(
                    "({invoice}, {}, {}, {}, {}, {}, {id})",
                    sql_str(&format!("F{invoice}")),
                    sql_str(&name),
                    sql_str(&format!("{city} {zip}")),
                    (99 + rng.below(3000)) * 100,
                    sql_str(&days(today, ago).to_string())
                ));
            }
            domain += 1;
            domains.push(format!(
                "({domain}, {}, {}, {}, {id})",
                sql_str(&format!(
                    "{}-{id}.se",
                    last.to_lowercase().replace(['ö', 'ä', 'å'], "o")
                )),
                sql_str(&name),
                sql_str(&days(today, -(rng.below(365) as i64)).to_string())
            ));
            ticket += 1;
            let closed = rng.below(800) as i64;
            tickets.push(format!("({ticket}, 'Fråga om tjänsten', 'Hej! Jag har en fråga om min tjänst.', {}, {}, {id})", sql_str(&at(today, closed + 2, "09:00:00")), sql_str(&days(today, closed).to_string())));
            for _ in 0..5 {
                log += 1;
                logs.push(format!(
                    "({log}, {id}, {}, 'Mozilla/5.0', '/kontrollpanel', 200, {})",
                    sql_str(&format!(
                        "10.{}.{}.{}",
                        rng.below(256),
                        rng.below(256),
                        rng.below(256)
                    )),
                    sql_str(&at(today, rng.below(120) as i64, "12:00:00"))
                ));
            }
            if rng.below(10) < 3 {
                sub += 1;
                let unsub =
                    (rng.below(5) == 0).then(|| at(today, rng.below(60) as i64, "08:00:00"));
                subs.push(format!(
                    "({sub}, {}, {}, {}, {})",
                    sql_str(&generated_email(i)),
                    sql_str(&name),
                    sql_str(&at(today, created, "10:00:00")),
                    opt(unsub)
                ));
            }
        }
        let batches: [(&str, &Vec<String>); 7] = [
            (
                "customer (id, personnummer, name, email, phone, street, postal_code, city, created_at, last_login_at, contract_ended_on)",
                &customers,
            ),
            ("contact (id, name, email, phone, customer_id)", &contacts),
            (
                "invoice (id, number, billing_name, billing_address, amount_ore, issued_on, customer_id)",
                &invoices,
            ),
            (
                "domain (id, name, registrant_name, expires_on, customer_id)",
                &domains,
            ),
            (
                "support_ticket (id, subject, body, opened_at, closed_on, customer_id)",
                &tickets,
            ),
            (
                "access_log (id, customer_id, ip, user_agent, path, status, logged_at)",
                &logs,
            ),
            (
                "newsletter_subscriber (id, email, name, subscribed_at, unsubscribed_at)",
                &subs,
            ),
        ];
        for (table, values) in batches {
            for chunk in values.chunks(1000) {
                g.rows += db
                    .execute(&format!("INSERT INTO {table} VALUES {}", chunk.join(", ")))
                    .await?;
            }
        }
        g.customers = end;
        progress(end);
        start = end;
    }
    let apps: Vec<String> = (1..=n.div_ceil(100))
        .map(|i| {
            let closed = rng.below(4 * 365) as i64;
            format!(
                "({i}, 'Sökande {i}', {}, NULL, 'Personligt brev.', {}, {})",
                sql_str(&format!("sokande.{i}@example.se")),
                sql_str(&days(today, closed + 30).to_string()),
                sql_str(&days(today, closed).to_string())
            )
        })
        .collect();
    for chunk in apps.chunks(1000) {
        g.rows += db
            .execute(&format!(
                "INSERT INTO job_application VALUES {}",
                chunk.join(", ")
            ))
            .await?;
    }
    if kind == DbKind::Postgres {
        db.execute("ANALYZE").await?;
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_personnummer_are_valid() {
        let p = personnummer(Date::new(1985, 4, 12).unwrap(), 238);
        let id = skydd_core::identity::Identity::parse(
            skydd_core::identity::IdentityKind::Personnummer,
            &p,
            Date::new(2026, 11, 21).unwrap(),
        );
        assert!(id.is_ok(), "{p}: {id:?}");
    }

    #[test]
    fn the_register_and_data_map_load_and_pass_the_lint_without_errors() {
        let reg = skydd_core::load(REGISTER).unwrap();
        let errors: Vec<_> = skydd_core::lint::run(&reg)
            .into_iter()
            .filter(|d| d.severity == skydd_core::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let map = skydd_core::datamap::resolve(
            skydd_core::datamap::parse(DATAMAP, "datamap.yml").unwrap(),
        )
        .unwrap();
        skydd_core::datamap::graph::check(&map).unwrap();
    }
}

/// Why the demo company could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file.
    #[error("cannot write `{path}`: {source}")]
    File {
        /// Which.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The demo company in `dir`, as of `today`: the register, the data map, the key for keyed
/// hashes, and its SQLite database (`webbplatsnu.sqlite`) with the story's rows. Returns the
/// register's path. For tests and examples that need a company to run requests against.
pub async fn write_company(
    dir: &std::path::Path,
    today: Date,
    hmac_key: &str,
) -> Result<std::path::PathBuf, WriteError> {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| WriteError::File { path, source })
    };
    write("skydd.toml", REGISTER)?;
    write("datamap.yml", DATAMAP)?;
    write("hmac.key", hmac_key)?;
    let db_path = dir.join("webbplatsnu.sqlite");
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &db_path.display().to_string(),
        None,
        true,
    )
    .await?;
    for s in schema(DbKind::Sqlite) {
        db.execute(&s).await?;
    }
    seed_story(&db, today).await?;
    db.close().await;
    Ok(dir.join("skydd.toml"))
}
