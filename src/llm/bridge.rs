//! The configured bridge and its one HTTP exchange. Every way the exchange
//! can fail becomes one `LlmError` line naming the endpoint, because
//! `maintain` must skip the LLM phase with a clear reason and carry on.

use super::error::{LlmError, excerpt, one_line};
use super::{Api, Request, wire};
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::time::Duration;

/// The bridge answers within this long, or the capability is skipped.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Test-only override of the timeout, in milliseconds.
const TIMEOUT_ENV: &str = "REUSE_SURFACE_LLM_TIMEOUT_MS";
/// Largest answer read: a patch document is a few KiB; more is a bug or junk.
const MAX_BODY: u64 = 1024 * 1024;
/// How much of an error status's body is read to quote from.
const STATUS_EXCERPT_BYTES: u64 = 2048;
/// The model asked for when `OPENAI_MODEL` is not set.
const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// A configured bridge: where to POST, which protocol, how long to wait.
#[derive(Debug, Clone)]
pub struct Bridge {
    /// The base URL, without a trailing `/`.
    url: String,
    /// The URL requests go to (`{url}/execute` or `{url}/chat/completions`).
    endpoint: String,
    api: Api,
    timeout: Duration,
    api_key: Option<Secret>,
    model: String,
    agent: ureq::Agent,
}

/// The API key: its `Debug` never shows it, so neither does `Bridge`'s.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Bridge {
    /// `url` is the base URL (e.g. http://127.0.0.1:8088, trailing `/`
    /// tolerated); it must be http:// or https://. The timeout is 30 s unless
    /// `REUSE_SURFACE_LLM_TIMEOUT_MS` is set. For `Api::OpenAi` the key comes
    /// from `OPENAI_API_KEY` (optional) and the model from `OPENAI_MODEL`
    /// (default `gpt-4o-mini`).
    pub fn new(url: &str, api: Api) -> Result<Bridge, LlmError> {
        let url = base_url(url)?;
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|ms| ms.trim().parse::<u64>().ok())
            .filter(|&ms| ms > 0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
        let (key, model) = match api {
            Api::OpenAi => (
                std::env::var("OPENAI_API_KEY").ok(),
                std::env::var("OPENAI_MODEL").ok(),
            ),
            Api::Connect => (None, None),
        };
        let bridge = Bridge {
            endpoint: format!("{url}{}", wire::path(api)),
            url,
            api,
            timeout,
            api_key: None,
            model: model
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            agent: agent(timeout),
        };
        bridge.with_api_key(key.as_deref())
    }

    /// Replace the API key (`None` or empty: send none). Lets tests inject a
    /// key without touching the process-wide environment.
    #[doc(hidden)]
    pub fn with_api_key(mut self, key: Option<&str>) -> Result<Bridge, LlmError> {
        let key = key.map(str::trim).filter(|k| !k.is_empty());
        if key.is_some_and(|k| ureq::http::HeaderValue::from_str(&format!("Bearer {k}")).is_err()) {
            return Err(LlmError::setup(
                "OPENAI_API_KEY contains characters that cannot be sent in an HTTP header",
            ));
        }
        self.api_key = key.map(|k| Secret(k.to_string()));
        Ok(self)
    }

    /// Replace the timeout (tests: without the process-wide environment).
    #[doc(hidden)]
    pub fn with_timeout(mut self, timeout: Duration) -> Bridge {
        self.timeout = timeout;
        self.agent = agent(timeout);
        self
    }

    /// Replace the model asked for (tests: without the environment).
    #[doc(hidden)]
    pub fn with_model(mut self, model: &str) -> Bridge {
        self.model = model.to_string();
        self
    }

    /// The base URL, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One request for one capability. Returns the patch document, checked
    /// to be a JSON object with a `patches` array; the patches themselves
    /// are not validated here (the caller gates each one).
    pub fn propose(&self, req: &Request) -> Result<Value, LlmError> {
        let body = wire::request_body(self.api, &self.model, req);
        self.exchange(&body)
            .and_then(|answer| wire::document(self.api, &answer))
            .map_err(|detail| self.error(req, &detail))
    }

    /// POST `body`, return the 2xx answer's bytes or what went wrong.
    fn exchange(&self, body: &[u8]) -> Result<Vec<u8>, String> {
        let mut request = self
            .agent
            .post(&self.endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        if let Some(Secret(key)) = &self.api_key {
            let mut value = ureq::http::HeaderValue::from_str(&format!("Bearer {key}"))
                .map_err(|_| "cannot send the API key as a header".to_string())?;
            value.set_sensitive(true);
            request = request.header("Authorization", value);
        }
        let mut response = request.send(body).map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let reader = response.body_mut().with_config().limit(MAX_BODY + 1);
        if !(200..300).contains(&status) {
            let mut head = Vec::new();
            let _ = reader
                .reader()
                .take(STATUS_EXCERPT_BYTES)
                .read_to_end(&mut head);
            let shown = excerpt(&head, 120);
            return Err(if shown.is_empty() {
                format!("answered HTTP {status}")
            } else {
                format!("answered HTTP {status}: {shown}")
            });
        }
        reader.read_to_vec().map_err(|e| self.transport(e))
    }

    /// A transport failure, as the end of "the bridge at URL ...".
    fn transport(&self, e: ureq::Error) -> String {
        match e {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "is not reachable (connection refused)".to_string()
            }
            ureq::Error::HostNotFound => "is not reachable (host not found)".to_string(),
            ureq::Error::ConnectionFailed => "is not reachable (connection failed)".to_string(),
            ureq::Error::Timeout(_) => {
                format!("did not answer within {}", human(self.timeout))
            }
            ureq::Error::BodyExceedsLimit(_) => {
                format!("answered with a body over {} MiB", MAX_BODY / (1024 * 1024))
            }
            ureq::Error::Io(io) => format!("failed: {io}"),
            other => format!("failed: {other}"),
        }
    }

    /// The one-line error for `req`: endpoint named, key never shown.
    fn error(&self, req: &Request, detail: &str) -> LlmError {
        let mut message = one_line(&format!("the bridge at {} {detail}", self.endpoint));
        if let Some(Secret(key)) = &self.api_key {
            message = message.replace(key.as_str(), "[redacted]");
        }
        LlmError {
            capability_id: Some(req.capability_id.clone()),
            message,
        }
    }
}

/// One agent per bridge: an overall timeout per request, and error statuses
/// returned as responses so their bodies can be quoted.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Check and normalise the base URL: http(s), a host, nothing that would
/// break the request path or a one-line message.
fn base_url(url: &str) -> Result<String, LlmError> {
    let url = url.trim();
    let shown = excerpt(url.as_bytes(), 80);
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return Err(LlmError::setup(format!(
            "the LLM bridge URL must be an http:// or https:// URL, not `{shown}`"
        )));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(LlmError::setup(format!(
            "the LLM bridge URL `{shown}` has no host"
        )));
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LlmError::setup(format!(
            "the LLM bridge URL `{shown}` must be a plain base URL (no spaces, query or fragment)"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// "30 s", "250 ms".
fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host() {
        let b = Bridge::new(" http://127.0.0.1:8088/ ", Api::Connect).unwrap();
        assert_eq!(b.url(), "http://127.0.0.1:8088");
        assert_eq!(b.endpoint, "http://127.0.0.1:8088/execute");
        let b = Bridge::new("HTTPS://llm.example/v1", Api::OpenAi).unwrap();
        assert_eq!(b.endpoint, "HTTPS://llm.example/v1/chat/completions");
        for (url, message) in [
            (
                "ftp://x",
                "the LLM bridge URL must be an http:// or https:// URL, not `ftp://x`",
            ),
            (
                "127.0.0.1:8088",
                "the LLM bridge URL must be an http:// or https:// URL, not `127.0.0.1:8088`",
            ),
            ("http://", "the LLM bridge URL `http://` has no host"),
            ("https:///x", "the LLM bridge URL `https:///x` has no host"),
            (
                "http://h/x?y=1",
                "the LLM bridge URL `http://h/x?y=1` must be a plain base URL (no spaces, query or fragment)",
            ),
            (
                "http://h\n/x",
                "the LLM bridge URL `http://h /x` must be a plain base URL (no spaces, query or fragment)",
            ),
        ] {
            let e = Bridge::new(url, Api::Connect).unwrap_err();
            assert_eq!(e.capability_id, None);
            assert_eq!(e.to_string(), message);
        }
    }

    #[test]
    fn defaults_and_overrides() {
        let b = Bridge::new("http://h", Api::OpenAi).unwrap();
        if std::env::var_os(TIMEOUT_ENV).is_none() {
            assert_eq!(b.timeout, DEFAULT_TIMEOUT);
        }
        if std::env::var_os("OPENAI_MODEL").is_none() {
            assert_eq!(b.model, DEFAULT_MODEL);
        }
        let b = b
            .with_timeout(Duration::from_millis(250))
            .with_api_key(Some("  "))
            .unwrap();
        assert_eq!(b.timeout, Duration::from_millis(250));
        assert!(b.api_key.is_none());
        assert_eq!(human(Duration::from_secs(30)), "30 s");
        assert_eq!(human(Duration::from_millis(1500)), "1500 ms");
    }

    #[test]
    fn debug_hides_the_key() {
        let b = Bridge::new("http://h", Api::OpenAi)
            .unwrap()
            .with_api_key(Some("sk-hidden"))
            .unwrap();
        let debug = format!("{b:?}");
        assert!(
            debug.contains("Secret(..)") && !debug.contains("sk-hidden"),
            "{debug}"
        );
    }
}
