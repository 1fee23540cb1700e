//! `establish --publish-check --raw-url URL` against a small HTTP server on
//! 127.0.0.1 that plays the published raw index.

use crate::common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serve `status` + `body` to at most `requests` connections, then stop.
fn serve(status: &'static str, body: String, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "http://{}/registry/indexes/capabilities.yaml",
        listener.local_addr().unwrap()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn published_index_identical_to_local_passes() {
    let repo = Repo::with_registry();
    let url = serve("200 OK", INDEX_YAML.to_string(), 1);
    let run = repo.run(&["establish", "--publish-check", "--raw-url", &url]);
    run.assert_no_panic().assert_code(0);
    assert!(run.stdout.contains("publish check: PASS"), "{}", run.show());
    assert!(run.stdout.contains("3 capabilities"), "{}", run.show());
}

#[test]
fn published_index_that_lags_behind_fails_and_names_the_difference() {
    let repo = Repo::with_registry();
    let stale = INDEX_YAML.replace("vector: D3/A3/C2/R4", "vector: D2/A3/C2/R4");
    let url = serve("200 OK", stale, 1);
    let run = repo.run(&["establish", "--publish-check", "--raw-url", &url]);
    run.assert_no_panic().assert_code(1);
    assert!(run.stdout.contains("publish check: FAIL"), "{}", run.show());
    assert!(
        run.stdout
            .contains("local only:     capability.demo.alpha D3/A3/C2/R4"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("published only: capability.demo.alpha D2/A3/C2/R4"),
        "{}",
        run.show()
    );
}

#[test]
fn broken_or_missing_published_index_fails_clearly() {
    let repo = Repo::with_registry();
    let url = serve(
        "200 OK",
        "schema_version: 1\ncapabilities: [\n".to_string(),
        1,
    );
    let run = repo.run(&["establish", "--publish-check", "--raw-url", &url]);
    run.assert_no_panic().assert_code(1);
    assert!(run.stdout.contains("is not valid"), "{}", run.show());

    let url = serve("404 Not Found", "nope".to_string(), 1);
    let run = repo.run(&["establish", "--publish-check", "--raw-url", &url]);
    run.assert_no_panic().assert_code(1);
    assert!(run.stderr.contains("HTTP 404"), "{}", run.show());
}

#[test]
fn nothing_listening_and_bad_urls_are_clear_errors() {
    let repo = Repo::with_registry();
    // Bind then drop: the port is closed when the check connects.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = repo.run(&[
        "establish",
        "--publish-check",
        "--raw-url",
        &format!("http://127.0.0.1:{port}/x.yaml"),
    ]);
    run.assert_no_panic().assert_code(1);
    assert!(run.stderr.contains("cannot fetch"), "{}", run.show());

    let run = repo.run(&[
        "establish",
        "--publish-check",
        "--raw-url",
        "ftp://example.invalid/x",
    ]);
    run.assert_no_panic().assert_code(2);
    assert!(run.stderr.contains("http:// or https://"), "{}", run.show());

    let run = repo.run(&["establish", "--publish-check"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--raw-url"), "{}", run.show());
}

#[test]
fn local_errors_fail_before_fetching() {
    let repo = Repo::with_registry();
    repo.remove(BETA);
    let url = serve("200 OK", INDEX_YAML.to_string(), 1);
    let run = repo.run(&["establish", "--publish-check", "--raw-url", &url]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("the local registry has"),
        "{}",
        run.show()
    );
}
