//! The text of our hook shims: the embedded templates from `hooks/`, the
//! binary's path written into them as a quoted shell word, and the marker
//! line by which a hook file is recognised as ours. Pure text, no files:
//! what the shims say is decided here, where they go is decided elsewhere.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// The line that marks a hook file as one of ours.
pub const MARKER: &str = "# installed by reuse-surface";

/// The hook names we install, and the embedded shim text for each.
pub const HOOKS: &[(&str, &str)] = &[
    ("pre-commit", include_str!("../../hooks/pre-commit")),
    ("pre-push", include_str!("../../hooks/pre-push")),
    ("post-merge", include_str!("../../hooks/post-merge")),
    ("post-rewrite", include_str!("../../hooks/post-rewrite")),
];

/// The line of each shim template that `install` replaces with the binary's path.
pub const BIN_PLACEHOLDER_LINE: &str = "RS_BIN_AT_INSTALL=''";
const BIN_VARIABLE: &str = "RS_BIN_AT_INSTALL=";

/// Whether `content` carries our marker line.
pub fn has_marker(content: &[u8]) -> bool {
    content
        .split(|&b| b == b'\n')
        .any(|line| line.strip_suffix(b"\r").unwrap_or(line) == MARKER.as_bytes())
}

/// The shim text for `template` with `binary` recorded in it.
pub fn render_shim(template: &str, binary: &Path) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len() + 64);
    let mut replaced = false;
    for line in template.split_inclusive('\n') {
        if !replaced && line.trim_end() == BIN_PLACEHOLDER_LINE {
            out.extend_from_slice(BIN_VARIABLE.as_bytes());
            out.extend_from_slice(&sh_single_quote(binary.as_os_str().as_bytes()));
            out.push(b'\n');
            replaced = true;
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    debug_assert!(
        replaced,
        "hook template lacks the {BIN_PLACEHOLDER_LINE} line"
    );
    out
}

/// `bytes` as one single-quoted POSIX shell word.
fn sh_single_quote(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'\'');
    for &b in bytes {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    out
}

/// `bytes` as a shell word, quoted only when it needs to be.
pub(super) fn sh_word(bytes: &[u8]) -> Vec<u8> {
    let plain = !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%=".contains(b));
    if plain {
        bytes.to_vec()
    } else {
        sh_single_quote(bytes)
    }
}

/// The binary a shim's text records (`RS_BIN_AT_INSTALL='…'`), if any.
pub fn shim_binary(content: &[u8]) -> Option<PathBuf> {
    let line = content
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(BIN_VARIABLE.as_bytes()))?;
    let (word, _) = first_sh_word(line)?;
    (!word.is_empty()).then(|| OsString::from_vec(word).into())
}

/// The first POSIX shell word of `text` (plain characters and single-quoted
/// runs, as [`sh_word`] writes them), and what follows it.
pub(super) fn first_sh_word(text: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut word = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\'' => {
                let close = text[i + 1..].iter().position(|&b| b == b'\'')?;
                word.extend_from_slice(&text[i + 1..i + 1 + close]);
                i += close + 2;
            }
            b'\\' if i + 1 < text.len() => {
                word.push(text[i + 1]);
                i += 2;
            }
            b' ' | b'\t' | b';' | b'\n' => break,
            b => {
                word.push(b);
                i += 1;
            }
        }
    }
    Some((word, &text[i..]))
}
