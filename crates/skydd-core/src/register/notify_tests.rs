//! How recipients are told (GDPR Art. 19), specified by example: each channel a recipient's
//! `notify` can name, the shared `[notifications]` settings, and every mistake reported at
//! once, located, with a way out.

use super::*;
use crate::register::load::keys_tests::errors;

/// A register whose recipients are told each in its own way (the lint's tests use it too).
pub(crate) const BASE: &str = r#"
[controller]
name = "Exempel AB"
org_number = "556214-1993"
email = "dataskydd@exempel.se"

[notifications]
from = "dataskydd@exempel.se"
smtp_url_env = "EXEMPEL_SMTP_URL"
max_attempts = 5
lang = "en"

[[purpose]]
id = "customers"
name = "Kunder"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact.email"]
retention = "2 years after contract_end"
recipients = ["host", "courier", "bank", "agency", "gone"]

[[recipient]]
id = "host"
name = "Värd AB"
role = "processor"
notify = { webhook = "https://vard.example/skydd/notices", secret_env = "VARD_WEBHOOK_KEY" }

[[recipient]]
id = "courier"
name = "Bud AB"
role = "controller"
notify = { email = "privacy@bud.example" }

[[recipient]]
id = "bank"
name = "Bank AB"
role = "controller"
notify = { email = "dataskydd@bank.example", lang = "sv" }

[[recipient]]
id = "agency"
name = "Byrå AB"
role = "processor"
notify = { manual = "per telefon till vår kundansvarige" }

[[recipient]]
id = "gone"
name = "Borta AB"
role = "controller"
notify = { none = "bolaget är avregistrerat och kan inte nås" }
"#;

fn ok(src: &str) -> Register {
    match load(src) {
        Ok(r) => r,
        Err(e) => panic!("{:#?}", e.diagnostics),
    }
}

fn replaced(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base lacks {from:?}");
    BASE.replacen(from, to, 1)
}

/// [`BASE`] as it was written before notification: no `notify`, no `[notifications]`.
pub(crate) fn without_notification() -> String {
    let notification = [
        "notify =",
        "from =",
        "smtp_url_env",
        "max_attempts",
        "lang =",
        "[notifications]",
    ];
    BASE.lines()
        .filter(|l| !notification.iter().any(|n| l.starts_with(n)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn notify_of<'a>(r: &'a Register, id: &str) -> Option<&'a Notify> {
    r.recipient(id).and_then(|x| x.notify.as_ref())
}

#[test]
fn each_channel_loads_typed_with_the_shared_settings() {
    let r = ok(BASE);
    assert_eq!(
        r.notifications,
        Notifications {
            from: Some("dataskydd@exempel.se".into()),
            smtp_url_env: "EXEMPEL_SMTP_URL".into(),
            max_attempts: 5,
            lang: Lang::En,
        }
    );
    assert_eq!(
        notify_of(&r, "host"),
        Some(&Notify::Webhook {
            url: "https://vard.example/skydd/notices".into(),
            secret: KeySource::Env("VARD_WEBHOOK_KEY".into()),
        })
    );
    // The register's language, unless the recipient names its own.
    assert_eq!(
        notify_of(&r, "courier"),
        Some(&Notify::Email {
            address: "privacy@bud.example".into(),
            lang: Lang::En
        })
    );
    assert_eq!(
        notify_of(&r, "bank"),
        Some(&Notify::Email {
            address: "dataskydd@bank.example".into(),
            lang: Lang::Sv
        })
    );
    assert_eq!(
        notify_of(&r, "agency"),
        Some(&Notify::Manual {
            how: "per telefon till vår kundansvarige".into()
        })
    );
    assert_eq!(
        notify_of(&r, "gone"),
        Some(&Notify::None {
            reason: "bolaget är avregistrerat och kan inte nås".into()
        })
    );
    let delivered: Vec<&str> = r
        .recipients
        .iter()
        .filter(|x| x.notify.as_ref().is_some_and(Notify::is_delivered_by_skydd))
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(delivered, ["host", "courier", "bank"]);
}

#[test]
fn a_secret_file_and_a_loopback_http_webhook_are_accepted() {
    for url in [
        "http://127.0.0.1:8099/hook",
        "http://localhost/hook",
        "http://[::1]:9000/",
        "HTTPS://Vard.example",
    ] {
        let src = replaced(
            r#"notify = { webhook = "https://vard.example/skydd/notices", secret_env = "VARD_WEBHOOK_KEY" }"#,
            &format!(r#"notify = {{ webhook = "{url}", secret_file = "secrets/vard.key" }}"#),
        );
        let r = ok(&src);
        assert_eq!(
            notify_of(&r, "host"),
            Some(&Notify::Webhook {
                url: url.into(),
                secret: KeySource::File("secrets/vard.key".into()),
            }),
            "{url}"
        );
    }
}

#[test]
fn a_register_without_notify_loads_as_before_and_hashes_without_the_new_keys() {
    let src = without_notification();
    assert!(!src.contains("notif"), "{src}");
    let r = ok(&src);
    assert_eq!(r.notifications, Notifications::default());
    assert_eq!(r.notifications.smtp_url_env, "SKYDD_SMTP_URL");
    assert_eq!(r.notifications.max_attempts, 8);
    assert!(r.recipients.iter().all(|x| x.notify.is_none()));
    // The content hash covers what it did before `notify` existed, and nothing more.
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        !json.contains("notif"),
        "a register without notify serialises a new key: {json}"
    );
    let told = ok(BASE);
    assert_ne!(r.content_hash(), told.content_hash());
}

#[test]
fn plain_http_to_another_machine_is_refused_with_the_https_address() {
    let src = replaced(
        "https://vard.example/skydd/notices",
        "http://vard.example/skydd/notices",
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (at, message, help) = &errs[0];
    assert_eq!(at, "\"http://vard.example/skydd/notices\"");
    assert!(message.contains("plain HTTP"), "{message}");
    assert!(
        help.as_deref()
            .is_some_and(|h| h.contains("`https://vard.example/skydd/notices`")),
        "{help:?}"
    );
    // A private-range address is another machine too.
    let src = replaced("https://vard.example/skydd/notices", "http://10.0.0.5/hook");
    assert!(errors(&src)[0].1.contains("plain HTTP"));
}

#[test]
fn a_webhook_address_that_is_no_https_address_or_carries_a_password_is_refused() {
    for (url, says) in [
        ("ftp://vard.example/x", "is not a web address"),
        ("vard.example/x", "is not a web address"),
        (
            "https://user:pw@vard.example/x",
            "carries a user or password",
        ),
        ("https:///x", "names no host"),
        ("https://vard.example:99999/x", "no valid port"),
        ("https://vard.example/a b", "cannot hold"),
    ] {
        let src = replaced("https://vard.example/skydd/notices", url);
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{url}: {errs:?}");
        assert!(errs[0].1.contains(says), "{url}: {}", errs[0].1);
        assert_eq!(errs[0].0, format!("\"{url}\""));
    }
}

#[test]
fn a_webhook_without_a_secret_is_refused() {
    let src = replaced(r#", secret_env = "VARD_WEBHOOK_KEY""#, "");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].1.contains("needs the key"), "{}", errs[0].1);
    assert_eq!(errs[0].0, "\"https://vard.example/skydd/notices\"");
    assert!(
        errs[0]
            .2
            .as_deref()
            .is_some_and(|h| h.contains("secret_env"))
    );
}

#[test]
fn secrets_and_languages_belong_to_their_own_channel() {
    let src = replaced(
        r#"notify = { email = "privacy@bud.example" }"#,
        r#"notify = { email = "privacy@bud.example", secret_env = "BUD_KEY" }"#,
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].1.contains("signing key of a webhook"), "{errs:?}");
    let src = replaced(
        r#"secret_env = "VARD_WEBHOOK_KEY" }"#,
        r#"secret_env = "VARD_WEBHOOK_KEY", secret_file = "k" }"#,
    );
    assert!(errors(&src)[0].1.contains("not both"));
    let src = replaced(
        r#"notify = { manual = "per telefon till vår kundansvarige" }"#,
        r#"notify = { manual = "per telefon", lang = "en" }"#,
    );
    assert!(errors(&src)[0].1.contains("sends none"));
    let src = replaced(
        r#"secret_env = "VARD_WEBHOOK_KEY""#,
        r#"secret_env = "VARD-KEY""#,
    );
    assert!(errors(&src)[0].1.contains("not a variable's name"));
}

#[test]
fn an_invalid_email_address_is_refused_where_it_is_written() {
    for bad in ["privacy.bud.example", "privacy@bud", "a b@bud.example"] {
        let src = replaced("privacy@bud.example", bad);
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{bad}: {errs:?}");
        assert_eq!(errs[0].0, format!("\"{bad}\""));
        assert!(errs[0].1.contains("not an e-mail address"), "{}", errs[0].1);
    }
    let src = replaced("from = \"dataskydd@exempel.se\"", "from = \"dataskydd\"");
    let errs = errors(&src);
    assert_eq!(
        errs.len(),
        1,
        "only the sender, not each e-mail channel: {errs:?}"
    );
    assert_eq!(errs[0].0, "\"dataskydd\"");
}

#[test]
fn email_notices_need_a_sender() {
    let src = replaced("from = \"dataskydd@exempel.se\"\n", "");
    let errs = errors(&src);
    // Both e-mail recipients, each at its address.
    let at: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        at,
        ["\"privacy@bud.example\"", "\"dataskydd@bank.example\""]
    );
    assert!(errs[0].1.contains("[notifications] from"), "{}", errs[0].1);
}

#[test]
fn manual_and_none_must_say_how_or_why() {
    let src = replaced("per telefon till vår kundansvarige", " ");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].1.contains("how staff tell"), "{}", errs[0].1);
    let src = replaced("bolaget är avregistrerat och kan inte nås", "");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].1.contains("disproportionate effort"),
        "{}",
        errs[0].1
    );
}

#[test]
fn a_notify_names_exactly_one_channel() {
    let src = replaced(
        r#"notify = { email = "privacy@bud.example" }"#,
        r#"notify = { email = "privacy@bud.example", manual = "per brev" }"#,
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].1.contains("both `email` and `manual`"),
        "{}",
        errs[0].1
    );
    assert_eq!(errs[0].0, "\"per brev\"");
    let src = replaced(
        r#"notify = { email = "privacy@bud.example" }"#,
        r#"notify = { lang = "sv" }"#,
    );
    let errs = errors(&src);
    assert!(errs[0].1.contains("names no channel"), "{errs:?}");
}

#[test]
fn misspelt_keys_are_suggested_and_bad_settings_located_all_at_once() {
    let src = replaced("secret_env = \"VARD", "secret_evn = \"VARD").replacen(
        "max_attempts = 5",
        "max_atempts = 5",
        1,
    );
    let errs = errors(&src);
    let helps: Vec<(&str, Option<&str>)> = errs
        .iter()
        .map(|(at, _, h)| (at.as_str(), h.as_deref()))
        .collect();
    assert_eq!(
        helps,
        [
            ("max_atempts", Some("did you mean `max_attempts`?")),
            ("secret_evn", Some("did you mean `secret_env`?")),
        ]
    );
    let src = replaced("max_attempts = 5", "max_attempts = 0")
        .replacen("lang = \"en\"", "lang = \"svenska\"", 1)
        .replacen(
            "smtp_url_env = \"EXEMPEL_SMTP_URL\"",
            "smtp_url_env = \"smtp://x\"",
            1,
        );
    let errs = errors(&src);
    let at: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(at, ["\"smtp://x\"", "0", "\"svenska\""], "{errs:?}");
    assert_eq!(errs[2].2.as_deref(), Some("did you mean `sv`?"));
}
