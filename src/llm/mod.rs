//! The LLM bridge (SPEC §7): `maintain` asks a model, through a bridge the
//! user runs, for judgment-call patches per capability. The tool hosts no
//! model and holds no credentials beyond an optional `OPENAI_API_KEY`; a
//! bridge that is down, slow or broken costs one clear line per capability,
//! never the deterministic work.
//!
//! - [`prompt`]: what is asked, bounded and deterministic;
//! - `wire`: the two protocols (Connect `/execute`, OpenAI-compatible
//!   `/chat/completions`) and digging the patch document out of answers;
//! - `bridge`: the configured endpoint and its HTTP exchange;
//! - `jobs`: several capabilities in flight at once;
//! - `error`: the one-line error.

mod bridge;
mod error;
mod jobs;
pub mod prompt;
mod wire;

#[cfg(test)]
mod tests;

pub use bridge::Bridge;
pub use error::LlmError;
pub use jobs::propose_all;

/// Which wire protocol the bridge speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `POST {url}/execute` with `{prompt, schema, capability_id}`.
    Connect,
    /// `POST {url}/chat/completions` with a JSON-schema response format
    /// (OpenAI, Ollama, llama.cpp's server, vLLM).
    OpenAi,
}

/// One question to the bridge: the prompt for one capability.
#[derive(Debug, Clone)]
pub struct Request {
    pub capability_id: String,
    pub prompt: String,
}
