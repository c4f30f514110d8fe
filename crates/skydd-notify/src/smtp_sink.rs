//! A real SMTP server on loopback that keeps every message it receives in memory: for tests
//! and the demo, so e-mail notices travel through a real SMTP exchange over TCP (RFC 5321:
//! EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), never a mock of the
//! mail library.
//!
//! It binds 127.0.0.1 on a free port and relays nothing. Lines are bounded (1,000 bytes, as
//! RFC 5321 4.5.3.1.6 sets) and so is a message ([`MAX_MESSAGE_BYTES`]).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The largest message kept; a larger one is refused with 552.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// The longest command or text line, with its CRLF (RFC 5321 4.5.3.1.4, 4.5.3.1.6).
const MAX_LINE: usize = 1000;

const NAME: &str = "skydd-smtp-sink";

/// A message as it was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`), without its angle brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), in order.
    pub to: Vec<String>,
    /// The message (headers and body) after dot-unstuffing, lines ending in CRLF.
    pub data: String,
}

impl Received {
    /// The value of the first header `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line);
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
            }
        }
        value
    }

    /// The body: everything after the blank line that ends the headers.
    pub fn body(&self) -> &str {
        self.data
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body)
    }
}

/// The sink waited in vain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the SMTP sink received {got} of {wanted} message(s) in time")]
pub struct NotReceived {
    /// Messages received.
    pub got: usize,
    /// Messages waited for.
    pub wanted: usize,
}

struct Store {
    messages: Mutex<Vec<Received>>,
    count: watch::Sender<usize>,
}

impl Store {
    fn push(&self, m: Received) {
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        messages.push(m);
        self.count.send_replace(messages.len());
    }
}

/// The running server. Dropping it stops it.
pub struct SmtpSink {
    addr: SocketAddr,
    store: Arc<Store>,
    accept: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts a server on 127.0.0.1 on a free port.
    pub async fn start() -> std::io::Result<SmtpSink> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (count, _) = watch::channel(0);
        let store = Arc::new(Store {
            messages: Mutex::new(Vec::new()),
            count,
        });
        let shared = Arc::clone(&store);
        let accept = tokio::spawn(async move {
            // Each connection is a task of its own; a broken client ends only its own.
            while let Ok((stream, _)) = listener.accept().await {
                let store = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = session(stream, &store).await;
                });
            }
        });
        Ok(SmtpSink {
            addr,
            store,
            accept,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give a mail client: `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.store
            .messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until at least `n` messages have arrived (or `timeout` passes), and returns
    /// them all.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Received>, NotReceived> {
        let mut rx = self.store.count.subscribe();
        let reached = tokio::time::timeout(timeout, rx.wait_for(|c| *c >= n)).await;
        match reached {
            Ok(Ok(_)) => Ok(self.received()),
            _ => Err(NotReceived {
                got: self.received().len(),
                wanted: n,
            }),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A transaction in progress: `MAIL` given, recipients so far.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, store: &Store) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write
        .write_all(format!("220 {NAME} ESMTP ready\r\n").as_bytes())
        .await?;
    let mut greeted = false;
    let mut envelope = Envelope::default();
    loop {
        let Some(line) = read_line(&mut read).await? else {
            return Ok(());
        };
        let Ok(line) = String::from_utf8(line) else {
            write.write_all(b"500 5.5.2 Line is not UTF-8\r\n").await?;
            continue;
        };
        let line = line.trim_end_matches(['\r', '\n']);
        let (verb, arg) = line.split_once(' ').unwrap_or((line, ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" if !arg.trim().is_empty() => {
                greeted = true;
                envelope = Envelope::default();
                format!(
                    "250-{NAME}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_MESSAGE_BYTES}\r\n"
                )
            }
            "HELO" if !arg.trim().is_empty() => {
                greeted = true;
                envelope = Envelope::default();
                format!("250 {NAME}\r\n")
            }
            "EHLO" | "HELO" => "501 5.5.4 A domain or address is required\r\n".into(),
            "MAIL" if !greeted => "503 5.5.1 Say EHLO or HELO first\r\n".into(),
            "MAIL" if envelope.from.is_some() => {
                "503 5.5.1 A transaction is already open\r\n".into()
            }
            "MAIL" => match path(arg, "FROM:") {
                Some(from) => {
                    envelope.from = Some(from);
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into(),
            },
            "RCPT" if envelope.from.is_none() => "503 5.5.1 MAIL first\r\n".into(),
            "RCPT" => match path(arg, "TO:").filter(|to| !to.is_empty()) {
                Some(to) => {
                    envelope.to.push(to);
                    "250 2.1.5 OK\r\n".into()
                }
                None => "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into(),
            },
            "DATA" if envelope.to.is_empty() => "503 5.5.1 RCPT first\r\n".into(),
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut read).await? else {
                    return Ok(());
                };
                let taken = std::mem::take(&mut envelope);
                match data {
                    Data::TooLarge => "552 5.3.4 Message too big\r\n".into(),
                    Data::Message(data) => {
                        store.push(Received {
                            from: taken.from.unwrap_or_default(),
                            to: taken.to,
                            data,
                        });
                        "250 2.0.0 OK: queued\r\n".into()
                    }
                }
            }
            "RSET" => {
                envelope = Envelope::default();
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            "VRFY" => "252 2.5.2 Cannot verify, but will accept\r\n".into(),
            _ => "502 5.5.2 Command not implemented\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// `FROM:<a@b> BODY=8BITMIME` → `a@b`: the path after `prefix`, parameters ignored.
fn path(arg: &str, prefix: &str) -> Option<String> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg.get(prefix.len()..)?.trim_start();
    let inner = rest.strip_prefix('<')?;
    let (addr, _params) = inner.split_once('>')?;
    Some(addr.to_owned())
}

/// One line with its line ending, at most [`MAX_LINE`] bytes (a longer line is cut there
/// and the rest read as the next line); `None` at the end of the stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = (&mut *r)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .await?;
    Ok((n > 0).then_some(line))
}

enum Data {
    Message(String),
    TooLarge,
}

/// The message after `DATA`, up to the line holding a single `.`; a line that starts with
/// `.` has that dot removed (RFC 5321 4.5.2). `None` when the client hangs up first.
async fn read_data<R: AsyncBufReadExt + Unpin>(r: &mut R) -> std::io::Result<Option<Data>> {
    let mut data: Vec<u8> = Vec::new();
    let mut too_large = false;
    loop {
        let Some(line) = read_line(r).await? else {
            return Ok(None);
        };
        if line == b".\r\n" || line == b".\n" {
            break;
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if data.len() + line.len() > MAX_MESSAGE_BYTES {
            too_large = true;
        }
        if !too_large {
            data.extend_from_slice(line);
        }
    }
    if too_large {
        return Ok(Some(Data::TooLarge));
    }
    Ok(Some(Data::Message(
        String::from_utf8_lossy(&data).into_owned(),
    )))
}
