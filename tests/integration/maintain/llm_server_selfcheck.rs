//! Proves the shared fake LLM bridge (`tests/support/llm_server.rs`) speaks
//! plain HTTP/1.1 correctly, with a raw `TcpStream` and no HTTP client, so a
//! failing bridge test points at the client and not at the fake.

use crate::support::llm_server::{LlmServer, Reply, connect_answer, openai_answer};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// POST `body` to `path` and return the whole raw response (head + body).
fn post(url: &str, path: &str, body: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

fn split(response: &str) -> (&str, Value) {
    let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
    (head, serde_json::from_str(body).expect("JSON body"))
}

#[test]
fn answers_connect_and_openai_and_logs_requests() {
    let doc = json!({"patches": []});
    let answer_doc = doc.clone();
    let server = LlmServer::start(2, move |path, _| match path {
        "/execute" => connect_answer(&answer_doc),
        _ => openai_answer(&answer_doc),
    });

    let response = post(
        &server.url,
        "/execute",
        r#"{"prompt":"p","capability_id":"capability.a.b"}"#,
    );
    let (head, body) = split(&response);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(head.contains("Connection: close"), "{head}");
    assert!(head.contains("Content-Type: application/json"), "{head}");
    assert_eq!(body["output"], doc);

    let response = post(&server.url, "/chat/completions", r#"{"model":"m"}"#);
    let (_, body) = split(&response);
    let content = body["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(content).unwrap(), doc);

    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].0, "/execute");
    assert_eq!(log[0].1["capability_id"], "capability.a.b");
    assert_eq!(
        log[1],
        ("/chat/completions".to_string(), json!({"model": "m"}))
    );
    let received = server.received();
    assert_eq!(received[0].header("CONTENT-TYPE"), Some("application/json"));
    assert_eq!(received[0].header("authorization"), None);
}

#[test]
fn raw_and_delayed_replies_then_stops_after_max_requests() {
    let server = LlmServer::start(1, |_, _| {
        Reply::After(
            Duration::from_millis(100),
            Box::new(Reply::Raw {
                status: 503,
                content_type: "text/html".into(),
                body: b"<html>down</html>".to_vec(),
            }),
        )
    });
    let started = Instant::now();
    let response = post(&server.url, "/execute", "not json");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert!(response.starts_with("HTTP/1.1 503 "), "{response}");
    assert!(
        response.ends_with("\r\n\r\n<html>down</html>"),
        "{response}"
    );
    assert_eq!(server.requests()[0].1, json!("not json"));

    // One request served: the listener is gone, new connections are refused.
    let addr = server.url.trim_start_matches("http://").to_string();
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(&addr).is_ok() {
        assert!(Instant::now() < deadline, "server still accepting");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn never_holds_the_connection_open_without_answering() {
    let server = LlmServer::start(1, |_, _| Reply::Never);
    let addr = server.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    write!(
        stream,
        "POST /execute HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    .unwrap();
    let mut buf = [0u8; 16];
    let err = stream.read(&mut buf).expect_err("no answer expected");
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}
