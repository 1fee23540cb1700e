//! The bridge against a fake HTTP server (the one the integration tests
//! share): every answer a working, broken or hostile bridge can give, each
//! mapped to the result `maintain` relies on.

#[path = "../../tests/support/llm_server.rs"]
mod llm_server;

use super::*;
use llm_server::{LlmServer, Reply, connect_answer, openai_answer};
use serde_json::{Value, json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ID: &str = "capability.x.y";

fn request(id: &str) -> Request {
    Request {
        capability_id: id.to_string(),
        prompt: format!("prompt for {id}"),
    }
}

fn doc() -> Value {
    json!({"patches": [{
        "capability_id": ID, "kind": "maturity_promote", "confidence": "high",
        "source": "llm", "safe": false, "rationale": "CI added",
        "dimension": "R", "from": 3, "to": 4, "evidence_citations": [".gitea/workflows/ci.yml"]
    }]})
}

/// A server that answers its one request with `reply`.
fn serve_once(reply: Reply) -> LlmServer {
    let reply = Mutex::new(Some(reply));
    LlmServer::start(1, move |_, _| {
        reply.lock().unwrap().take().unwrap_or(Reply::Never)
    })
}

fn connect(server: &LlmServer) -> Bridge {
    Bridge::new(&server.url, Api::Connect)
        .unwrap()
        .with_timeout(Duration::from_secs(10))
}

fn openai(server: &LlmServer, key: Option<&str>) -> Bridge {
    Bridge::new(&format!("{}/v1/", server.url), Api::OpenAi)
        .unwrap()
        .with_api_key(key)
        .unwrap()
        .with_model("test-model")
        .with_timeout(Duration::from_secs(10))
}

/// The error `bridge` reports for one request, checked to be one line that
/// names the capability and the endpoint; returns what follows the endpoint.
fn error_detail(bridge: &Bridge, endpoint: &str) -> String {
    let e = bridge.propose(&request(ID)).unwrap_err();
    let text = e.to_string();
    assert_eq!(e.capability_id.as_deref(), Some(ID));
    assert!(!text.contains(['\n', '\r']), "{text:?}");
    let prefix = format!("{ID}: the bridge at {endpoint} ");
    assert!(text.starts_with(&prefix), "{text}");
    text[prefix.len()..].to_string()
}

/// The error detail for one Connect request answered by `reply`.
fn connect_error(reply: Reply) -> String {
    let server = serve_once(reply);
    error_detail(&connect(&server), &format!("{}/execute", server.url))
}

fn json_reply(body: &Value) -> Reply {
    Reply::Json {
        status: 200,
        body: body.to_string(),
    }
}

#[test]
fn connect_output_as_object() {
    let server = serve_once(connect_answer(&doc()));
    assert_eq!(connect(&server).propose(&request(ID)).unwrap(), doc());
    let received = server.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.path, "/execute");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.body["prompt"], "prompt for capability.x.y");
    assert_eq!(r.body["capability_id"], ID);
    assert_eq!(&r.body["schema"], wire::patch_schema());
    assert_eq!(r.body["schema"]["title"], "Registry patches");
}

#[test]
fn connect_output_as_string_and_fenced_string() {
    let server = serve_once(connect_answer(&json!(doc().to_string())));
    assert_eq!(connect(&server).propose(&request(ID)).unwrap(), doc());
    let fenced = format!("```json\n{}\n```", doc());
    let server = serve_once(connect_answer(&json!(fenced)));
    assert_eq!(connect(&server).propose(&request(ID)).unwrap(), doc());
}

#[test]
fn a_body_of_exactly_one_mib_is_accepted() {
    let unpadded = json!({"output": {"patches": []}, "pad": ""}).to_string();
    let pad = 1024 * 1024 - unpadded.len();
    let body = json!({"output": {"patches": []}, "pad": "x".repeat(pad)}).to_string();
    assert_eq!(body.len(), 1024 * 1024);
    let server = serve_once(Reply::Json { status: 200, body });
    assert_eq!(
        connect(&server).propose(&request(ID)).unwrap(),
        json!({"patches": []})
    );
}

#[test]
fn openai_request_shape_and_answer() {
    let server = serve_once(openai_answer(&doc()));
    let bridge = openai(&server, Some("sk-test-123"));
    assert_eq!(bridge.url(), format!("{}/v1", server.url));
    assert_eq!(bridge.propose(&request(ID)).unwrap(), doc());
    let r = &server.received()[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(r.header("authorization"), Some("Bearer sk-test-123"));
    assert_eq!(r.body["model"], "test-model");
    assert_eq!(r.body["temperature"], 0);
    assert_eq!(r.body["messages"][0]["role"], "system");
    assert_eq!(r.body["messages"][1]["role"], "user");
    assert_eq!(
        r.body["messages"][1]["content"],
        "prompt for capability.x.y"
    );
    let format = &r.body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "registry_patches");
    assert_eq!(&format["json_schema"]["schema"], wire::patch_schema());
}

#[test]
fn openai_without_a_key_sends_no_authorization() {
    let server = serve_once(openai_answer(&doc()));
    assert_eq!(openai(&server, None).propose(&request(ID)).unwrap(), doc());
    assert_eq!(server.received()[0].header("authorization"), None);
}

#[test]
fn bridge_down_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let bridge = Bridge::new(&url, Api::Connect).unwrap();
    let detail = error_detail(&bridge, &format!("{url}/execute"));
    assert_eq!(detail, "is not reachable (connection refused)");
}

#[test]
fn a_bridge_that_never_answers_times_out() {
    let server = serve_once(Reply::Never);
    let bridge = connect(&server).with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let detail = error_detail(&bridge, &format!("{}/execute", server.url));
    assert_eq!(detail, "did not answer within 300 ms");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_bridge_that_hangs_up_without_answering() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let peer = std::thread::spawn(move || {
        use std::io::Read;
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.read(&mut [0u8; 1024]);
    });
    let bridge = Bridge::new(&url, Api::Connect)
        .unwrap()
        .with_timeout(Duration::from_secs(10));
    let detail = error_detail(&bridge, &format!("{url}/execute"));
    assert!(detail.starts_with("failed: "), "{detail}");
    peer.join().unwrap();
}

#[test]
fn an_error_status_is_named_with_a_short_one_line_excerpt() {
    let page = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\r\n<body>{}</body></html>",
        "x".repeat(5000)
    );
    let detail = connect_error(Reply::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: page.into_bytes(),
    });
    assert!(
        detail.starts_with("answered HTTP 502: <html> <head><title>502 Bad Gateway</title>"),
        "{detail}"
    );
    assert!(detail.ends_with("..."), "{detail}");
    assert!(detail.len() < 160, "{detail}");
    let detail = connect_error(Reply::Raw {
        status: 500,
        content_type: "text/plain".into(),
        body: Vec::new(),
    });
    assert_eq!(detail, "answered HTTP 500");
}

#[test]
fn a_body_over_one_mib_is_refused() {
    let detail = connect_error(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: vec![b' '; 1024 * 1024 + 1],
    });
    assert_eq!(detail, "answered with a body over 1 MiB");
}

#[test]
fn a_body_that_is_not_json_is_quoted() {
    let detail = connect_error(Reply::Raw {
        status: 200,
        content_type: "text/html".into(),
        body: b"<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head></html>"
            .to_vec(),
    });
    assert_eq!(
        detail,
        "answered with a body that is not JSON: `<!DOCTYPE html> <html><head><title>Welco...`"
    );
    let detail = connect_error(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: b"\r\n".to_vec(),
    });
    assert_eq!(detail, "answered with an empty body, not JSON");
}

#[test]
fn json_without_output() {
    let detail = connect_error(json_reply(&json!({"result": doc()})));
    assert_eq!(detail, "answered a JSON object without an `output` field");
    let detail = connect_error(json_reply(&json!([1, 2])));
    assert_eq!(detail, "answered a JSON array without an `output` field");
}

#[test]
fn an_output_string_that_is_not_json() {
    let detail = connect_error(connect_answer(&json!(
        "Sure! Here are the patches you asked for:\n{\"patches\": []}"
    )));
    assert_eq!(
        detail,
        "answered an `output` string that is not JSON: `Sure! Here are the patches you asked for...`"
    );
}

#[test]
fn a_document_without_a_patches_array() {
    let cases = [
        (
            json!([1, 2]),
            "answered a patch document that is a JSON array, not an object with a `patches` array",
        ),
        (
            json!(null),
            "answered a patch document that is a JSON null, not an object with a `patches` array",
        ),
        (
            json!({"patch": []}),
            "answered a patch document without a `patches` array",
        ),
        (
            json!({"patches": {}}),
            "answered a patch document whose `patches` is a JSON object, not an array",
        ),
        (
            json!("[]"),
            "answered a patch document that is a JSON array, not an object with a `patches` array",
        ),
    ];
    for (output, expected) in cases {
        assert_eq!(connect_error(connect_answer(&output)), expected);
    }
}

#[test]
fn openai_malformed_answers() {
    let cases = [
        (
            json!({"choices": []}),
            "answered a JSON object without a `choices[0].message.content` string",
        ),
        (
            json!({"choices": [{"message": {"content": null}}]}),
            "answered a JSON object without a `choices[0].message.content` string",
        ),
        (
            json!({"choices": [{"message": {"content": "no JSON here"}}]}),
            "answered a `choices[0].message.content` that is not JSON: `no JSON here`",
        ),
        (
            json!({"choices": [{"message": {"content": null, "refusal": "I can't\nhelp"}}]}),
            "answered with a refusal: `I can't help`",
        ),
        (
            json!({"choices": [{"message": {"content": "{\"patches\": 3}"}}]}),
            "answered a patch document whose `patches` is a JSON number, not an array",
        ),
    ];
    for (answer, expected) in cases {
        let server = serve_once(json_reply(&answer));
        let bridge = openai(&server, None);
        let endpoint = format!("{}/v1/chat/completions", server.url);
        assert_eq!(error_detail(&bridge, &endpoint), expected);
    }
}

#[test]
fn the_api_key_never_shows_in_errors_or_debug() {
    let key = "sk-very-secret-key";
    let server = serve_once(Reply::Json {
        status: 401,
        body: format!("{{\"error\": \"bad key Bearer {key}\"}}"),
    });
    let bridge = openai(&server, Some(key));
    assert!(!format!("{bridge:?}").contains(key));
    let endpoint = format!("{}/v1/chat/completions", server.url);
    let detail = error_detail(&bridge, &endpoint);
    assert_eq!(
        detail,
        "answered HTTP 401: {\"error\": \"bad key Bearer [redacted]\"}"
    );
    let bad = Bridge::new(&server.url, Api::OpenAi)
        .unwrap()
        .with_api_key(Some("sk-\nsecret"))
        .unwrap_err();
    assert!(!bad.to_string().contains("secret"), "{bad}");
    assert_eq!(bad.capability_id, None);
}

#[test]
fn propose_all_runs_in_parallel_and_keeps_order() {
    let server = LlmServer::start(4, |_, body| {
        let id = body["capability_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        Reply::After(
            Duration::from_millis(300),
            Box::new(connect_answer(&json!({"patches": [], "for": id}))),
        )
    });
    let requests: Vec<Request> = (0..4)
        .map(|i| request(&format!("capability.x.n{i}")))
        .collect();
    let done = AtomicUsize::new(0);
    let started = Instant::now();
    let results = propose_all(&connect(&server), &requests, 4, &|| {
        done.fetch_add(1, Ordering::SeqCst);
    });
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(900), "took {elapsed:?}");
    assert_eq!(done.load(Ordering::SeqCst), 4);
    assert_eq!(server.requests().len(), 4);
    for (i, result) in results.iter().enumerate() {
        let doc = result.as_ref().unwrap();
        assert_eq!(doc["for"], format!("capability.x.n{i}"));
    }
}

#[test]
fn propose_all_with_zero_jobs_runs_one_at_a_time_and_keeps_errors_in_place() {
    let in_flight = std::sync::Arc::new(AtomicUsize::new(0));
    let most = std::sync::Arc::new(AtomicUsize::new(0));
    let (in_flight2, most2) = (in_flight.clone(), most.clone());
    let server = LlmServer::start(3, move |_, body| {
        let now = in_flight2.fetch_add(1, Ordering::SeqCst) + 1;
        most2.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        in_flight2.fetch_sub(1, Ordering::SeqCst);
        match body["capability_id"].as_str() {
            Some("capability.x.bad") => Reply::Json {
                status: 500,
                body: "{}".into(),
            },
            _ => connect_answer(&json!({"patches": []})),
        }
    });
    let requests = [
        request("capability.x.a"),
        request("capability.x.bad"),
        request("capability.x.c"),
    ];
    let done = AtomicUsize::new(0);
    let results = propose_all(&connect(&server), &requests, 0, &|| {
        done.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(most.load(Ordering::SeqCst), 1);
    assert_eq!(done.load(Ordering::SeqCst), 3);
    assert!(results[0].is_ok() && results[2].is_ok());
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(e.capability_id.as_deref(), Some("capability.x.bad"));
    assert!(e.message.ends_with("answered HTTP 500: {}"), "{e}");
    assert!(propose_all(&connect(&server), &[], 4, &|| {}).is_empty());
}
