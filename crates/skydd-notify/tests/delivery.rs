//! Delivery of Art. 19 notices over real sockets on loopback: webhooks to a small axum
//! receiver that checks the signature as a recipient would, e-mail through lettre to the
//! crate's own SMTP sink. Nothing is mocked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use jiff::Timestamp;
use skydd_core::Lang;
use skydd_core::register::{KeySource, Notify};
use skydd_notify::signature::DEFAULT_TOLERANCE;
use skydd_notify::smtp_sink::SmtpSink;
use skydd_notify::{
    Affected, Channel, Delivered, Delivery, DeliveryError, DeliverySettings, KnownIdentity,
    NewValue, Next, Notice, NoticeKind, Secret, Sender, SetupError, SignatureError, after_failure,
    deliver, verify_signature,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const KEY: &[u8] = b"a shared key of at least 32 bytes, for tests";

fn notice(kind: NoticeKind) -> Notice {
    Notice {
        id: "ntc-01J2ABCDEF-host".into(),
        kind,
        request: "req-2026-0042".into(),
        controller: Sender {
            name: "Exempel AB".into(),
            org_number: Some("556214-1993".into()),
        },
        recipient: "host".into(),
        identities: vec![KnownIdentity {
            kind: "email".into(),
            value: "anna@example.se".into(),
        }],
        affected: Affected {
            fields: vec!["customers.email".into()],
            data_categories: vec!["user.contact.email".into()],
        },
        new_values: if kind == NoticeKind::Rectification {
            vec![NewValue {
                field: "customers.email".into(),
                value: "anna.svensson@example.se".into(),
            }]
        } else {
            Vec::new()
        },
        date: jiff::civil::date(2026, 5, 9),
    }
}

// ---------------------------------------------------------------------------------------
// Webhooks

/// What the receiver saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    headers: HeaderMap,
    body: Bytes,
    signature_ok: bool,
}

#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    fn record(&self, headers: &HeaderMap, body: &Bytes) -> bool {
        let header = headers
            .get("skydd-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let ok = verify_signature(KEY, header, body, Timestamp::now(), DEFAULT_TOLERANCE).is_ok();
        self.seen.lock().unwrap().push(Seen {
            headers: headers.clone(),
            body: body.clone(),
            signature_ok: ok,
        });
        ok
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn accept(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    if r.record(&headers, &body) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn busy(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    r.record(&headers, &body);
    (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "120")])
}

async fn bad(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    r.record(&headers, &body);
    StatusCode::BAD_REQUEST
}

async fn slow(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    r.record(&headers, &body);
    tokio::time::sleep(Duration::from_secs(5)).await;
    StatusCode::OK
}

/// A receiver on 127.0.0.1:0; its base URL.
async fn receiver() -> (Receiver, String) {
    let r = Receiver::default();
    let app = Router::new()
        .route("/accept", post(accept))
        .route("/busy", post(busy))
        .route("/bad", post(bad))
        .route("/slow", post(slow))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (r, url)
}

fn webhook(url: String) -> Channel {
    Channel::Webhook {
        url,
        secret: Secret::new(KEY).unwrap(),
    }
}

fn delivery(timeout: Duration) -> Delivery {
    Delivery::new(DeliverySettings {
        timeout: Some(timeout),
        ..DeliverySettings::default()
    })
    .unwrap()
}

/// Delivers a notice of `kind` to the receiver's `path`.
async fn post_to(
    base: &str,
    path: &str,
    kind: NoticeKind,
    timeout: Duration,
) -> Result<Delivered, DeliveryError> {
    deliver(
        &notice(kind),
        &webhook(format!("{base}{path}")),
        &delivery(timeout),
    )
    .await
}

#[tokio::test]
async fn a_webhook_receiver_gets_the_signed_notice_with_its_idempotency_key() {
    let (r, base) = receiver().await;
    let n = notice(NoticeKind::Erasure);
    let got = deliver(
        &n,
        &webhook(format!("{base}/accept")),
        &delivery(Duration::from_secs(5)),
    )
    .await
    .unwrap();
    assert_eq!(got, Delivered::Webhook { status: 204 });
    let seen = r.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert!(
        s.signature_ok,
        "the receiver could not verify the signature"
    );
    assert_eq!(s.headers["idempotency-key"], n.id.as_str());
    assert_eq!(s.headers["content-type"], "application/json");
    // The body is the notice, whole.
    let back: Notice = serde_json::from_slice(&s.body).unwrap();
    assert_eq!(back, n);
    let json: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
    assert_eq!(json["kind"], "erasure");
    assert_eq!(json["date"], "2026-05-09");
    assert_eq!(json["identities"][0]["value"], "anna@example.se");
}

#[tokio::test]
async fn a_resent_notice_carries_the_same_idempotency_key_and_a_fresh_signature() {
    let (r, base) = receiver().await;
    let n = notice(NoticeKind::Restriction);
    let d = delivery(Duration::from_secs(5));
    let ch = webhook(format!("{base}/accept"));
    deliver(&n, &ch, &d).await.unwrap();
    deliver(&n, &ch, &d).await.unwrap();
    let seen = r.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].headers["idempotency-key"],
        seen[1].headers["idempotency-key"]
    );
    assert!(seen.iter().all(|s| s.signature_ok));
}

#[tokio::test]
async fn a_tampered_body_fails_verification_at_the_receiver() {
    let (r, base) = receiver().await;
    let n = notice(NoticeKind::Rectification);
    deliver(
        &n,
        &webhook(format!("{base}/accept")),
        &delivery(Duration::from_secs(5)),
    )
    .await
    .unwrap();
    let s = &r.seen()[0];
    let header = s.headers["skydd-signature"].to_str().unwrap();
    let now = Timestamp::now();
    assert_eq!(
        verify_signature(KEY, header, &s.body, now, DEFAULT_TOLERANCE),
        Ok(())
    );
    let tampered = String::from_utf8(s.body.to_vec())
        .unwrap()
        .replace("anna.svensson@example.se", "mallory@example.se");
    assert_ne!(tampered.as_bytes(), &s.body[..]);
    assert_eq!(
        verify_signature(KEY, header, tampered.as_bytes(), now, DEFAULT_TOLERANCE),
        Err(SignatureError::Mismatch)
    );
    // Replayed an hour later, the genuine notice is refused too.
    let later = now
        .checked_add(jiff::SignedDuration::from_secs(3600))
        .unwrap();
    assert!(matches!(
        verify_signature(KEY, header, &s.body, later, DEFAULT_TOLERANCE),
        Err(SignatureError::OutsideTolerance { .. })
    ));
}

#[tokio::test]
async fn a_receiver_answering_503_with_retry_after_is_retried_after_that_wait() {
    let (r, base) = receiver().await;
    let err = post_to(&base, "/busy", NoticeKind::Erasure, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeliveryError::Unavailable { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    // The first backoff (15–30 s) is shorter: the receiver's wait stands.
    assert_eq!(
        after_failure(1, 8, &err, 0.5),
        Next::RetryAfter(Duration::from_secs(120))
    );
    assert_eq!(after_failure(8, 8, &err, 0.5), Next::DeadLetter);
    assert_eq!(r.seen().len(), 1);
}

#[tokio::test]
async fn a_receiver_answering_400_fails_for_good() {
    let (_r, base) = receiver().await;
    let err = post_to(&base, "/bad", NoticeKind::Erasure, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DeliveryError::Refused { status: 400 }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(after_failure(1, 8, &err, 0.5), Next::DeadLetter);
}

#[tokio::test]
async fn a_receiver_that_does_not_answer_in_time_is_retried() {
    let (r, base) = receiver().await;
    let started = std::time::Instant::now();
    let err = post_to(
        &base,
        "/slow",
        NoticeKind::Erasure,
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DeliveryError::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.seen().len(), 1, "the request reached the receiver");
}

#[tokio::test]
async fn a_receiver_that_is_not_listening_is_retried() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let err = post_to(&base, "/hook", NoticeKind::Erasure, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Unreachable(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_invalid_notice_is_refused_before_anything_is_sent() {
    let (r, base) = receiver().await;
    let ch = webhook(format!("{base}/accept"));
    let d = delivery(Duration::from_secs(5));
    let mut n = notice(NoticeKind::Erasure);
    n.id = "two words\r\nX-Injected: 1".into();
    let err = deliver(&n, &ch, &d).await.unwrap_err();
    assert!(matches!(err, DeliveryError::InvalidNotice(_)), "{err:?}");
    assert!(!err.is_retryable());
    let mut n = notice(NoticeKind::Rectification);
    n.new_values.clear();
    assert!(matches!(
        deliver(&n, &ch, &d).await,
        Err(DeliveryError::InvalidNotice(_))
    ));
    let mut n = notice(NoticeKind::Erasure);
    n.identities.clear();
    assert!(matches!(
        deliver(&n, &ch, &d).await,
        Err(DeliveryError::InvalidNotice(_))
    ));
    assert!(r.seen().is_empty());
}

#[test]
fn a_channel_reads_its_key_from_a_file_and_refuses_a_short_or_missing_one() {
    let dir = std::env::temp_dir().join(format!("skydd-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("host.key"), [KEY, b"\n"].concat()).unwrap();
    std::fs::write(dir.join("short.key"), b"too short\n").unwrap();
    let hook = |secret| Notify::Webhook {
        url: "https://vard.example/hook".into(),
        secret,
    };
    let ch = Channel::resolve(&hook(KeySource::File("host.key".into())), &dir).unwrap();
    assert_eq!(ch, Some(webhook("https://vard.example/hook".into())));
    assert!(matches!(
        Channel::resolve(&hook(KeySource::File("short.key".into())), &dir),
        Err(SetupError::ShortSecret { bytes: 9 })
    ));
    assert!(matches!(
        Channel::resolve(&hook(KeySource::File("absent.key".into())), &dir),
        Err(SetupError::ReadSecret { .. })
    ));
    assert!(matches!(
        Channel::resolve(
            &hook(KeySource::Env("SKYDD_NOTIFY_TEST_NEVER_SET".into())),
            &dir
        ),
        Err(SetupError::MissingEnv(_))
    ));
    // Staff's channels deliver nothing.
    let manual = Notify::Manual {
        how: "per telefon".into(),
    };
    assert_eq!(Channel::resolve(&manual, &dir).unwrap(), None);
    let none = Notify::None {
        reason: "avregistrerat".into(),
    };
    assert_eq!(Channel::resolve(&none, &dir).unwrap(), None);
    // A key is never shown.
    let shown = format!("{ch:?}");
    assert!(!shown.contains("shared key"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------
// E-mail

fn mail_delivery(sink: &SmtpSink) -> Delivery {
    Delivery::new(DeliverySettings {
        smtp_url: Some(sink.url()),
        from: Some("dataskydd@exempel.se".into()),
        timeout: Some(Duration::from_secs(5)),
    })
    .unwrap()
}

#[tokio::test]
async fn the_sink_receives_mail_lettre_sends_over_tcp_with_dots_unstuffed() {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let sink = SmtpSink::start().await.unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.addr().port())
        .build();
    let body = "first line\r\n.a line that starts with a dot\r\n..two dots\r\n.\r\nlast";
    let m = Message::builder()
        .from("a@exempel.se".parse().unwrap())
        .to("b@mottagare.se".parse().unwrap())
        .cc("c@mottagare.se".parse().unwrap())
        .subject("Test")
        .header(lettre::message::header::ContentTransferEncoding::SevenBit)
        .body(body.to_owned())
        .unwrap();
    transport.send(m).await.unwrap();
    let got = sink.wait_for(1, Duration::from_secs(5)).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "a@exempel.se");
    assert_eq!(got[0].to, ["b@mottagare.se", "c@mottagare.se"]);
    assert_eq!(got[0].header("subject").as_deref(), Some("Test"));
    assert_eq!(got[0].body().trim_end(), body);
}

#[tokio::test]
async fn waiting_for_more_mail_than_arrives_times_out() {
    let sink = SmtpSink::start().await.unwrap();
    let err = sink
        .wait_for(1, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert_eq!((err.got, err.wanted), (0, 1));
}

#[tokio::test]
async fn the_sink_speaks_smtp_in_order() {
    let sink = SmtpSink::start().await.unwrap();
    let stream = tokio::net::TcpStream::connect(sink.addr()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut reply = async |send: &str| -> String {
        if !send.is_empty() {
            write.write_all(send.as_bytes()).await.unwrap();
        }
        let mut all = String::new();
        loop {
            let mut line = String::new();
            read.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            // A multi-line reply continues while the fourth character is `-`.
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    };
    assert!(reply("").await.starts_with("220 "));
    assert!(reply("MAIL FROM:<a@x.se>\r\n").await.starts_with("503 "));
    let ehlo = reply("EHLO test.local\r\n").await;
    assert!(
        ehlo.starts_with("250-") && ehlo.contains("250 SIZE"),
        "{ehlo}"
    );
    assert!(reply("RCPT TO:<b@y.se>\r\n").await.starts_with("503 "));
    assert!(
        reply("MAIL FROM:<a@x.se> BODY=8BITMIME\r\n")
            .await
            .starts_with("250 ")
    );
    assert!(reply("DATA\r\n").await.starts_with("503 "));
    assert!(reply("RSET\r\n").await.starts_with("250 "));
    assert!(
        reply("RCPT TO:<b@y.se>\r\n").await.starts_with("503 "),
        "RSET ends the transaction"
    );
    assert!(reply("NOOP\r\n").await.starts_with("250 "));
    assert!(reply("HELO test.local\r\n").await.starts_with("250 "));
    assert!(
        reply("MAIL FROM:<>\r\n").await.starts_with("250 "),
        "the null sender of a bounce"
    );
    assert!(reply("RCPT TO:<b@y.se>\r\n").await.starts_with("250 "));
    assert!(reply("DATA\r\n").await.starts_with("354 "));
    assert!(
        reply("Subject: x\r\n\r\n..hidden dot\r\n.\r\n")
            .await
            .starts_with("250 ")
    );
    assert!(reply("BDAT 10\r\n").await.starts_with("502 "));
    assert!(reply("QUIT\r\n").await.starts_with("221 "));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "");
    assert_eq!(got[0].data, "Subject: x\r\n\r\n.hidden dot\r\n");
}

#[tokio::test]
async fn an_erasure_notice_is_mailed_in_swedish_with_a_message_id_from_the_notice() {
    let sink = SmtpSink::start().await.unwrap();
    let d = mail_delivery(&sink);
    let n = notice(NoticeKind::Erasure);
    let ch = Channel::Email {
        to: "privacy@mottagare.se".into(),
        lang: Lang::Sv,
    };
    let got = deliver(&n, &ch, &d).await.unwrap();
    let Delivered::Email { message_id, reply } = got else {
        panic!("{got:?}")
    };
    assert_eq!(message_id, "<ntc-01J2ABCDEF-host@exempel.se>");
    assert_eq!(reply, "250");
    // Sent again (a retry after a lost reply): the same Message-ID.
    deliver(&n, &ch, &d).await.unwrap();
    let mails = sink.wait_for(2, Duration::from_secs(5)).await.unwrap();
    let m = &mails[0];
    assert_eq!(m.from, "dataskydd@exempel.se");
    assert_eq!(m.to, ["privacy@mottagare.se"]);
    assert_eq!(m.header("message-id").as_deref(), Some(message_id.as_str()));
    assert_eq!(mails[1].header("message-id"), m.header("message-id"));
    let subject = m.header("subject").unwrap();
    assert!(
        subject.contains("=?utf-8?") || subject.contains("Radering"),
        "{subject}"
    );
    let text = decoded_body(m);
    for phrase in [
        "Exempel AB (organisationsnummer 556214-1993) har lämnat ut personuppgifter till er",
        "Den 2026-05-09 har vi raderat uppgifterna",
        "artikel 19 i dataskyddsförordningen",
        "Vi ber er att radera de uppgifter om personen som ni har fått från oss.",
        "  - E-post: anna@example.se",
        "(user.contact.email)",
        "  - customers.email",
        "Bekräfta till oss när det är gjort",
        "Ärende: req-2026-0042",
        "Referens: ntc-01J2ABCDEF-host",
    ] {
        assert!(text.contains(phrase), "lacks {phrase:?}:\n{text}");
    }
    assert!(!text.contains("Nya värden"), "{text}");
    assert!(
        !text.contains("\n\n\n"),
        "two blank lines in a row:\n{text}"
    );
}

#[tokio::test]
async fn a_rectification_notice_in_english_gives_the_new_values() {
    let sink = SmtpSink::start().await.unwrap();
    let d = mail_delivery(&sink);
    let n = notice(NoticeKind::Rectification);
    let ch = Channel::Email {
        to: "privacy@recipient.example".into(),
        lang: Lang::En,
    };
    deliver(&n, &ch, &d).await.unwrap();
    let m = &sink.wait_for(1, Duration::from_secs(5)).await.unwrap()[0];
    assert_eq!(
        m.header("subject").as_deref(),
        Some("Rectification of personal data we disclosed to you (request req-2026-0042)")
    );
    let text = decoded_body(m);
    for phrase in [
        "On 2026-05-09 we rectified that data.",
        "Please rectify the data about this person that you received from us to the new values below.",
        "New values:\n  - customers.email: anna.svensson@example.se",
        "Please confirm to us when this is done",
    ] {
        assert!(text.contains(phrase), "lacks {phrase:?}:\n{text}");
    }
    assert!(!text.contains("\n\n\n"), "{text}");
}

#[test]
fn every_kind_renders_in_both_languages_without_blank_runs() {
    for kind in [
        NoticeKind::Rectification,
        NoticeKind::Erasure,
        NoticeKind::Restriction,
        NoticeKind::RestrictionLifted,
    ] {
        for lang in Lang::ALL {
            let (subject, body) = skydd_notify::render_email(&notice(kind), lang).unwrap();
            assert!(!subject.is_empty() && !subject.contains('\n'), "{subject}");
            assert!(!body.contains("\n\n\n"), "{kind:?} {lang:?}:\n{body}");
            assert!(body.contains("ntc-01J2ABCDEF-host"), "{body}");
        }
    }
    let (subject, body) =
        skydd_notify::render_email(&notice(NoticeKind::RestrictionLifted), Lang::Sv).unwrap();
    assert!(
        subject.starts_with("Begränsningen av behandlingen"),
        "{subject}"
    );
    assert!(body.contains("Ni får åter behandla uppgifterna"), "{body}");
}

#[tokio::test]
async fn a_mail_server_that_is_down_is_retried_and_no_server_at_all_fails_for_good() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let d = Delivery::new(DeliverySettings {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        from: Some("dataskydd@exempel.se".into()),
        timeout: Some(Duration::from_secs(2)),
    })
    .unwrap();
    let ch = Channel::Email {
        to: "privacy@mottagare.se".into(),
        lang: Lang::Sv,
    };
    let err = deliver(&notice(NoticeKind::Erasure), &ch, &d)
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Smtp { .. }), "{err:?}");
    assert!(err.is_retryable());
    let unset = delivery(Duration::from_secs(2));
    let err = deliver(&notice(NoticeKind::Erasure), &ch, &unset)
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::EmailNotConfigured), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn plain_smtp_goes_only_to_this_machine_and_the_url_is_never_shown() {
    let settings = |url: &str| DeliverySettings {
        smtp_url: Some(url.into()),
        from: Some("dataskydd@exempel.se".into()),
        timeout: None,
    };
    let err = Delivery::new(settings("smtp://user:hunter2@mail.example.com:25")).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, SetupError::SmtpUrl { .. }), "{shown}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("mail.example.com"),
        "{shown}"
    );
    // lettre reads only the first `tls`: a later `required` must not pass for TLS.
    for bad in [
        "smtp://user:pw@mail.example.com:587?tls=opportunistic&tls=required",
        "smtp://mail.example.com:587?tls=required&tls=opportunistic",
        "smtp://mail.example.com:587?tls=opportunistic",
    ] {
        let err = Delivery::new(settings(bad)).unwrap_err();
        assert!(matches!(err, SetupError::SmtpUrl { .. }), "{bad}: {err:?}");
    }
    for ok in [
        "smtp://127.0.0.1:2525",
        "smtp://localhost:25",
        "smtps://user:pw@mail.example.com",
        "smtp://mail.example.com:587?tls=required",
    ] {
        let d = Delivery::new(settings(ok)).unwrap();
        assert!(!format!("{d:?}").contains("pw@"), "{d:?}");
    }
    let err = Delivery::new(DeliverySettings {
        from: Some("not an address".into()),
        ..settings("smtp://127.0.0.1:2525")
    })
    .unwrap_err();
    assert!(matches!(err, SetupError::Sender(_)), "{err:?}");
}

/// The body of a received message as text: lettre sends non-ASCII text quoted-printable.
fn decoded_body(m: &skydd_notify::smtp_sink::Received) -> String {
    let body = m.body();
    let qp = m
        .header("content-transfer-encoding")
        .is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
    let text = if qp {
        let mut out = Vec::new();
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'=' if bytes.get(i + 1..i + 3) == Some(b"\r\n") => i += 3,
                b'=' => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_owned()
    };
    text.replace("\r\n", "\n")
}

#[test]
fn a_controller_without_an_organisationsnummer_is_named_without_one() {
    for lang in [Lang::Sv, Lang::En] {
        let mut n = notice(NoticeKind::Erasure);
        n.controller.org_number = None;
        let (_, body) = skydd_notify::render_email(&n, lang).unwrap();
        assert!(
            body.contains("Exempel AB har") || body.contains("Exempel AB has"),
            "{body}"
        );
    }
}
