//! The line-by-line report `install` and `establish` write of what they did.
//!
//! Its own module because both commands own this output equally: neither
//! should reach into the other for it. The writer is the caller's (stdout
//! in the CLI, a buffer in tests), and a failed write (a closed pipe) is an error
//! the command returns, not the panic `println!` would give.

use std::io::Write;

use crate::{Error, Result};

/// Writes one report line.
pub(crate) fn say(out: &mut dyn Write, line: &str) -> Result<()> {
    writeln!(out, "{line}").map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Error::ClosedOutput,
        _ => Error::other(format!("cannot write the report: {e}")),
    })
}
