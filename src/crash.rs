//! What a bug looks like to the user (issue #13 item 16): a panic prints
//! one line naming the fallback the command takes and where to report it,
//! instead of Rust's "thread 'main' panicked at" text and backtrace hint.
//!
//! The hooks and the merge driver catch panics (`catch_unwind`) and fall
//! back to something safe; the CLI names that fallback here before it runs
//! the command ([`set_fallback`]), since the panic hook cannot see which
//! `catch_unwind` will catch. A panic nothing catches ends the process
//! with exit code 3 (see `cli::main`).

use std::io::{Read, Write};
use std::sync::Mutex;

/// Where bugs are reported (the package's repository).
pub const REPORT_AT: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues");

/// The fallback of a command that catches nothing: it stops.
pub const STOPS: &str = "the command stopped with exit code 3";

static FALLBACK: Mutex<&str> = Mutex::new(STOPS);

/// Test-only: `REUSE_SURFACE_TEST_PANIC=SITE` makes the I/O stream the CLI
/// hands to SITE ([`tripwire`]) panic on first use, so tests reach the real
/// `catch_unwind` paths: `agent-stop` (its stdin), `post-merge` and `post-rewrite` (their
/// stderr), `stdout` (any command's output; nothing catches it: exit 3).
/// Not for users; unset, it changes nothing.
pub const TEST_PANIC_VAR: &str = "REUSE_SURFACE_TEST_PANIC";

/// Install the panic hook (once, at the start of `main`).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = payload_text(info.payload());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let fallback = *FALLBACK.lock().unwrap_or_else(|p| p.into_inner());
        // A closed stderr must not turn one panic into an abort.
        let _ = writeln!(std::io::stderr(), "{}", line(&message, &place, fallback));
    }));
}

/// Name what the running command does when it catches a panic.
pub fn set_fallback(fallback: &'static str) {
    *FALLBACK.lock().unwrap_or_else(|p| p.into_inner()) = fallback;
}

/// The one line a panic prints.
pub fn line(message: &str, place: &str, fallback: &str) -> String {
    let message: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "reuse-surface: internal error (a bug{place}: {message}); {fallback}; \
         please report it at {REPORT_AT} with this line"
    )
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "no message".to_string()
    }
}

/// A stream that panics on its first read or write when
/// [`TEST_PANIC_VAR`] names `site`, and otherwise passes everything on.
pub struct Tripwire<T> {
    inner: T,
    armed: bool,
}

/// Wrap the stream the CLI gives the command `site` (see [`TEST_PANIC_VAR`]).
pub fn tripwire<T>(site: &str, inner: T) -> Tripwire<T> {
    let armed = std::env::var(TEST_PANIC_VAR).is_ok_and(|v| v == site);
    Tripwire { inner, armed }
}

impl<T> Tripwire<T> {
    fn trip(&mut self) {
        if self.armed {
            self.armed = false;
            panic!("{TEST_PANIC_VAR} asked for a panic here");
        }
    }
}

impl<T: Read> Read for Tripwire<T> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.trip();
        self.inner.read(buf)
    }
}

impl<T: Write> Write for Tripwire<T> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.trip();
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_bug_the_fallback_and_where_to_report() {
        let l = line(
            "index out\nof range",
            " at src/x.rs:1:2",
            "falling back to git",
        );
        assert_eq!(l.lines().count(), 1, "{l}");
        assert!(l.contains("src/x.rs:1:2: index out of range"), "{l}");
        assert!(l.contains("; falling back to git;"), "{l}");
        assert!(l.contains(REPORT_AT), "{l}");
        assert!(!l.contains("panicked"), "{l}");
    }

    #[test]
    fn an_unarmed_tripwire_passes_through() {
        let mut w = Tripwire {
            inner: Vec::new(),
            armed: false,
        };
        w.write_all(b"ok").unwrap();
        assert_eq!(w.inner, b"ok");
    }
}
