//! The one place that knows which YAML crates we use.
//!
//! Two views of one text: a *strict* parse (serde-saphyr, YAML 1.2 core
//! schema, duplicate keys rejected, node and depth budgets) that yields plain
//! JSON values for schema validation and the model, and a *lossless* view
//! (the [`block`] scanner's spans, yaml-edit's tree where the scanner cannot
//! answer) that gives byte ranges for locating diagnostics and for splicing
//! edits into the original bytes.
//!
//! Edits go through one format-preserving document layer: [`decor`] tells a
//! value's own text from the blanks and comments around it, [`Splice`] is
//! the one list of byte-range edits, [`lines`] the one copy of the line
//! arithmetic and [`scalar`] the one set of quoting rules. Its two clients
//! are the patch [`Editor`] and the merge renderer (`crate::merge`). Edits
//! never re-serialise a document: they replace or insert byte ranges, so
//! comments, key order, quoting and line endings of untouched regions
//! survive byte for byte.
//!
//! Modules: `strict` (parse and errors), `path` (segments and JSON
//! pointers), `lossless` (spans of values), `editor` (typed patch
//! edits), [`block`] (the fast scanner), and the document layer above.

pub mod block;
pub mod decor;
mod editor;
pub mod lines;
mod lossless;
mod path;
pub mod scalar;
pub mod splice;
mod strict;

pub use decor::Decorated;
pub use editor::Editor;
pub use lines::{
    break_before, close_line, line_col, line_content_end, line_end, line_ending, line_start,
    reindent, skip_blank_lines,
};
pub use lossless::{Lossless, Span, fast_spans_agree};
pub use path::{Seg, pointer, segs_from_pointer};
pub use scalar::{
    render_flow_scalar, render_flow_value, render_like, render_scalar, render_value, unquote,
};
pub use splice::{Edit, Splice, SpliceError};
use strict::strict_options;
pub use strict::{MAX_FILE_BYTES, YamlError, decode, parse};

#[cfg(test)]
mod tests;
