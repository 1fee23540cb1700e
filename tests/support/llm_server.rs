//! A tiny HTTP/1.1 server that stands in for the LLM bridge in tests, so
//! `maintain` and the bridge client can be driven through every answer a
//! real (or broken, or hostile) bridge can give without a network or a model.
//!
//! Self-contained (std + serde_json): the integration tests have it as
//! `support::llm_server`, and the library's own unit tests include it with
//! `#[path = "../../tests/support/llm_server.rs"] mod llm_server;`. It stops by itself: after `max_requests`
//! connections, after 60 s, or when the `LlmServer` is dropped, whichever
//! comes first. One thread per connection, every answer `Connection: close`.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server lives at most, so a forgotten one cannot hang a test run.
const LIFETIME: Duration = Duration::from_secs(60);
/// Largest request body the server reads (the bridge's prompts are bounded).
const MAX_REQUEST: usize = 8 * 1024 * 1024;

/// How the server answers one request.
pub enum Reply {
    /// `application/json` with this status and body text.
    Json { status: u16, body: String },
    /// Any content type and bytes (HTML error pages, binary junk, huge bodies).
    Raw {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// Wait, then answer with the inner reply (slow bridges, parallelism).
    After(Duration, Box<Reply>),
    /// Read the request, then hold the connection open without answering
    /// until the client gives up or the server stops (timeouts).
    Never,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Received {
    /// The value of header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Log = Arc<Mutex<Vec<Received>>>;
type Handler = Arc<dyn Fn(&str, &Value) -> Reply + Send + Sync>;

/// A running server; `url` is its base URL (`http://127.0.0.1:PORT`).
pub struct LlmServer {
    pub url: String,
    log: Log,
    stop: Arc<AtomicBool>,
}

impl LlmServer {
    /// Serve up to `max_requests` requests (then stop), each answered by
    /// `reply(request_path, request_body_json)`; the server also stops by
    /// itself after 60 s. A body that is not JSON is logged as a JSON string.
    pub fn start(
        max_requests: usize,
        reply: impl Fn(&str, &Value) -> Reply + Send + Sync + 'static,
    ) -> LlmServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let log: Log = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let deadline = Instant::now() + LIFETIME;
        let handler: Handler = Arc::new(reply);
        let (log2, stop2) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            accept_loop(listener, max_requests, deadline, handler, log2, stop2)
        });
        LlmServer { url, log, stop }
    }

    /// The bodies received so far (as JSON), with their paths, in arrival order.
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.received()
            .into_iter()
            .map(|r| (r.path, r.body))
            .collect()
    }

    /// The requests received so far with their headers, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().expect("log lock").clone()
    }
}

impl Drop for LlmServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A Connect bridge answer: `{"output": doc}`.
pub fn connect_answer(doc: &Value) -> Reply {
    Reply::Json {
        status: 200,
        body: serde_json::json!({ "output": doc }).to_string(),
    }
}

/// An OpenAI-compatible answer whose message content is `doc` as a JSON string.
pub fn openai_answer(doc: &Value) -> Reply {
    Reply::Json {
        status: 200,
        body: serde_json::json!({
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": doc.to_string()},
                "finish_reason": "stop"
            }]
        })
        .to_string(),
    }
}

fn accept_loop(
    listener: TcpListener,
    max_requests: usize,
    deadline: Instant,
    handler: Handler,
    log: Log,
    stop: Arc<AtomicBool>,
) {
    let mut accepted = 0;
    while accepted < max_requests && Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                accepted += 1;
                let (handler, log, stop) = (handler.clone(), log.clone(), stop.clone());
                std::thread::spawn(move || serve(stream, deadline, &*handler, &log, &stop));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    // Dropping the listener here makes later connections fail (refused).
}

fn serve(
    stream: TcpStream,
    deadline: Instant,
    handler: &(dyn Fn(&str, &Value) -> Reply + Send + Sync),
    log: &Mutex<Vec<Received>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(received) = read_request(&stream) else {
        return;
    };
    let reply = handler(&received.path, &received.body);
    log.lock().expect("log lock").push(received);
    answer(stream, reply, deadline, stop);
}

/// Read one request: the request line's path, the headers and a
/// `Content-Length` body (logged as a JSON string when it is not JSON).
fn read_request(stream: &TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length: usize = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, v)) => v.parse().ok()?,
        None => 0,
    };
    if length > MAX_REQUEST {
        return None;
    }
    let mut bytes = vec![0; length];
    reader.read_exact(&mut bytes).ok()?;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Some(Received {
        path,
        headers,
        body,
    })
}

fn answer(mut stream: TcpStream, reply: Reply, deadline: Instant, stop: &AtomicBool) {
    let (status, content_type, body) = match reply {
        Reply::Json { status, body } => (status, "application/json".to_string(), body.into_bytes()),
        Reply::Raw {
            status,
            content_type,
            body,
        } => (status, content_type, body),
        Reply::After(wait, inner) => {
            std::thread::sleep(wait);
            return answer(stream, *inner, deadline, stop);
        }
        Reply::Never => return hold(stream, deadline, stop),
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    // The client may hang up early (a body over its limit): ignore write errors.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// Keep the connection open, unanswered, until the client closes it or the
/// server stops.
fn hold(mut stream: TcpStream, deadline: Instant, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let mut buf = [0u8; 256];
    while Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
