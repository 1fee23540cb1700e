//! Test servers and harnesses shared by the integration tests.

pub mod isolated_git;
pub mod llm_server;
