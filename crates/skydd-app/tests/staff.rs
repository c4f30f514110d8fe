//! Staff, tokens and the audit log through the application layer, on a real SQLite state:
//! what a server's login and bearer authentication will rely on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use skydd_app::AppError;
use skydd_app::audit_log::{self, Verification};
use skydd_app::staff::{self, AddUser, AuthError, CreateToken, Denied};
use skydd_core::auditlog::{Break, GENESIS};
use skydd_core::staff::Role;
use skydd_store::{StateStore, Store};

struct State {
    store: Store,
    raw: sqlx::SqlitePool,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn state() -> State {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let store = Store::open(&path, true)
        .await
        .unwrap()
        .with_actor("cli:owner");
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    State {
        store,
        raw,
        path,
        _dir: dir,
    }
}

impl State {
    async fn exec(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.raw)
            .await
            .unwrap();
    }

    /// Closes the state and checks that `secret` is in no byte of the file or its
    /// write-ahead log.
    async fn assert_nowhere(&self, secret: &str) {
        self.store.close().await;
        let mut all = std::fs::read(&self.path).unwrap();
        if let Ok(wal) = std::fs::read(self.path.with_extension("sqlite-wal")) {
            all.extend(wal);
        }
        assert!(
            !String::from_utf8_lossy(&all).contains(secret),
            "`{secret}` is in the state"
        );
    }
}

const PASSWORD: &str = "korrekt häst batteri";

fn eva(role: Role) -> AddUser {
    AddUser {
        email: " Eva@Firma.SE ".into(),
        name: "Eva Handläggare".into(),
        role,
        password: PASSWORD.into(),
    }
}

fn denied(r: Result<staff::Principal, AuthError>) -> Denied {
    match r {
        Err(AuthError::Denied(d)) => d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_is_added_with_an_argon2id_hash_and_never_their_password() {
    let s = state().await;
    let user = staff::add_user(&s.store, eva(Role::Handler)).await.unwrap();
    assert_eq!(
        (user.email.as_str(), user.name.as_str(), user.role),
        ("eva@firma.se", "Eva Handläggare", Role::Handler)
    );
    let login = s.store.login("eva@firma.se").await.unwrap().unwrap();
    assert!(
        login
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        login.password_hash
    );
    s.assert_nowhere(PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_passwords_bad_addresses_and_a_second_account_for_one_address_are_refused() {
    let s = state().await;
    let short = AddUser {
        password: "elva tecken".into(),
        ..eva(Role::Viewer)
    };
    assert!(
        matches!(staff::add_user(&s.store, short).await, Err(AppError::Invalid(m)) if m.contains("at least 12"))
    );
    let bad = AddUser {
        email: "eva at firma".into(),
        ..eva(Role::Viewer)
    };
    assert!(matches!(
        staff::add_user(&s.store, bad).await,
        Err(AppError::Invalid(_))
    ));
    staff::add_user(&s.store, eva(Role::Viewer)).await.unwrap();
    let again = AddUser {
        email: "EVA@firma.se".into(),
        ..eva(Role::Owner)
    };
    assert!(
        matches!(staff::add_user(&s.store, again).await, Err(AppError::Invalid(m)) if m.contains("exists already"))
    );
    assert_eq!(staff::users(&s.store).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_says_only_yes_or_no_and_every_attempt_is_logged_without_the_address() {
    let s = state().await;
    let user = staff::add_user(&s.store, eva(Role::Handler)).await.unwrap();
    let me = staff::log_in(&s.store, "EVA@firma.se", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        (me.user_id.as_str(), me.role, me.token_id.as_deref()),
        (user.id.as_str(), Role::Handler, None)
    );
    assert_eq!(me.actor(), format!("user:{}", user.id));
    let wrong = denied(staff::log_in(&s.store, "eva@firma.se", "fel lösenord här").await);
    let unknown = denied(staff::log_in(&s.store, "nobody@firma.se", PASSWORD).await);
    assert_eq!(wrong, Denied::WrongCredentials);
    assert_eq!(
        unknown, wrong,
        "the same answer: which addresses have accounts is not told"
    );
    s.exec("UPDATE staff_user SET disabled_at = '2026-01-01T00:00:00Z'")
        .await;
    assert_eq!(
        denied(staff::log_in(&s.store, "eva@firma.se", PASSWORD).await),
        Denied::UserDisabled
    );
    let log = audit_log::latest(&s.store, 4).await.unwrap();
    let outcomes: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.object.as_str(), e.detail["outcome"].as_str().unwrap()))
        .collect();
    let me = format!("user:{}", user.id);
    assert_eq!(
        outcomes,
        [
            (me.as_str(), "succeeded"),
            (me.as_str(), "wrong_password"),
            ("user:unknown", "unknown_user"),
            (me.as_str(), "disabled"),
        ]
    );
    let text = serde_json::to_string(&log).unwrap();
    assert!(
        !text.contains("firma.se") && !text.contains("nobody"),
        "{text}"
    );
}

/// The fastest of a few logins, so a busy machine's pauses do not decide.
async fn fastest_login(s: &State, email: &str) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let _ = staff::log_in(&s.store, email, "fel lösenord här").await;
        best = best.min(start.elapsed());
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_for_an_unknown_address_does_the_work_of_a_known_one() {
    let s = state().await;
    staff::add_user(&s.store, eva(Role::Handler)).await.unwrap();
    let known = fastest_login(&s, "eva@firma.se").await;
    let unknown = fastest_login(&s, "nobody@firma.se").await;
    // Without the stand-in hash an unknown address answers in well under a millisecond,
    // against tens of milliseconds of argon2id.
    assert!(
        unknown * 2 > known,
        "unknown {unknown:?} against known {known:?}: the timing tells"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_shown_once_kept_as_a_hash_and_authenticates_with_its_role() {
    let s = state().await;
    let user = staff::add_user(&s.store, eva(Role::Handler)).await.unwrap();
    let created = staff::create_token(
        &s.store,
        CreateToken {
            user_email: "eva@firma.se".into(),
            name: "the website".into(),
            role: Some(Role::Viewer),
            expires_in_days: Some(30),
        },
    )
    .await
    .unwrap();
    let (id, secret) = created
        .text
        .strip_prefix("skydd_")
        .unwrap()
        .split_once('_')
        .unwrap();
    assert_eq!((id, secret.len()), (created.token.id.as_str(), 64));
    assert!(created.token.expires_at.is_some());
    let p = staff::authenticate(&s.store, &created.text).await.unwrap();
    assert_eq!(
        (p.user_id.as_str(), p.role, p.token_id.as_deref()),
        (user.id.as_str(), Role::Viewer, Some(id))
    );
    assert_eq!(p.actor(), format!("token:{id}"));
    assert!(
        staff::tokens(&s.store).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
    s.assert_nowhere(secret).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_never_does_more_than_its_user_today() {
    let s = state().await;
    staff::add_user(&s.store, eva(Role::Handler)).await.unwrap();
    let ask = |role| CreateToken {
        user_email: "eva@firma.se".into(),
        name: "CI".into(),
        role,
        expires_in_days: None,
    };
    assert!(matches!(
        staff::create_token(&s.store, ask(Some(Role::Owner))).await,
        Err(AppError::Invalid(m)) if m.contains("no more than its user")
    ));
    let token = staff::create_token(&s.store, ask(None)).await.unwrap();
    assert_eq!(
        token.token.role,
        Role::Handler,
        "the user's role by default"
    );
    // Eva is made a viewer: her handler token acts as a viewer from now on.
    s.exec("UPDATE staff_user SET role = 'viewer'").await;
    let p = staff::authenticate(&s.store, &token.text).await.unwrap();
    assert_eq!(p.role, Role::Viewer);
    assert!(matches!(
        staff::create_token(
            &s.store,
            CreateToken {
                user_email: "nobody@firma.se".into(),
                ..ask(None)
            }
        )
        .await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_expired_altered_and_malformed_tokens_are_refused() {
    let s = state().await;
    staff::add_user(&s.store, eva(Role::Owner)).await.unwrap();
    let make = || async {
        staff::create_token(
            &s.store,
            CreateToken {
                user_email: "eva@firma.se".into(),
                name: "CI".into(),
                role: None,
                expires_in_days: Some(1),
            },
        )
        .await
        .unwrap()
    };
    let revoked = make().await;
    let r = staff::revoke_token(&s.store, &revoked.text).await.unwrap();
    assert!(!r.already && r.token.revoked_at.is_some());
    assert!(
        staff::revoke_token(&s.store, &revoked.token.id)
            .await
            .unwrap()
            .already
    );
    assert!(matches!(
        staff::revoke_token(&s.store, "0000").await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        denied(staff::authenticate(&s.store, &revoked.text).await),
        Denied::Revoked
    );

    let expired = make().await;
    s.exec(&format!(
        "UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE id = '{}'",
        expired.token.id
    ))
    .await;
    assert_eq!(
        denied(staff::authenticate(&s.store, &expired.text).await),
        Denied::Expired
    );

    let live = make().await;
    let mut altered = live.text.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        denied(staff::authenticate(&s.store, &altered).await),
        Denied::UnknownToken
    );
    for bad in [
        "",
        "Bearer x",
        "skydd_",
        "skydd_abc_def",
        &live.text[..live.text.len() - 1],
    ] {
        assert_eq!(
            denied(staff::authenticate(&s.store, bad).await),
            Denied::Malformed,
            "{bad}"
        );
    }
    let unknown = format!("skydd_{}_{}", "0".repeat(32), "0".repeat(64));
    assert_eq!(
        denied(staff::authenticate(&s.store, &unknown).await),
        Denied::UnknownToken
    );
    s.exec("UPDATE staff_user SET disabled_at = '2026-01-01T00:00:00Z'")
        .await;
    assert_eq!(
        denied(staff::authenticate(&s.store, &live.text).await),
        Denied::UserDisabled
    );
    let actions: Vec<String> = audit_log::latest(&s.store, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user.added",
            "token.created",
            "token.revoked",
            "token.created",
            "token.created"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_reads_the_log_in_pages_and_names_where_it_breaks() {
    let s = state().await;
    assert_eq!(
        audit_log::verify(&s.store, None).await.unwrap(),
        Verification::Intact {
            entries: 0,
            head: GENESIS.into()
        }
    );
    // More entries than a page.
    for i in 0..(audit_log::PAGE + 5) {
        s.store
            .restrict(
                &format!("email:p{i}@x.se"),
                skydd_core::rights::Kind::Restriction,
                None,
                &[],
                None,
                &[],
            )
            .await
            .unwrap();
    }
    let head = audit_log::head(&s.store).await.unwrap();
    assert_eq!(head.seq, i64::from(audit_log::PAGE) + 5);
    assert_eq!(
        audit_log::verify(&s.store, Some(&head.hash)).await.unwrap(),
        Verification::Intact {
            entries: head.seq,
            head: head.hash.clone()
        }
    );
    let shown = audit_log::latest(&s.store, 3).await.unwrap();
    assert_eq!(
        shown.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [head.seq - 2, head.seq - 1, head.seq]
    );
    s.exec("UPDATE audit_log SET object = 'restriction:999' WHERE seq = 1002")
        .await;
    match audit_log::verify(&s.store, None).await.unwrap() {
        Verification::Broken { broken, message } => {
            assert_eq!(broken, Break::Altered { seq: 1002 });
            assert!(message.contains("entry 1002"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    s.exec("DELETE FROM audit_log WHERE seq >= 1002").await;
    assert!(matches!(
        audit_log::verify(&s.store, None).await.unwrap(),
        Verification::Intact { entries: 1001, .. }
    ));
    assert!(matches!(
        audit_log::verify(&s.store, Some(&head.hash)).await.unwrap(),
        Verification::Broken {
            broken: Break::HeadMissing { .. },
            ..
        }
    ));
    assert!(audit_log::parse_head("abc").is_err());
    assert_eq!(
        audit_log::parse_head(&head.hash.to_uppercase()).unwrap(),
        head.hash
    );
}
