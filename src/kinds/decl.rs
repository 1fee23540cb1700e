//! A kind as `registry/config.yaml` declares it (`kinds:`): where its
//! items live, their key, their schema and the rules that tie them to
//! other kinds. Pure data, checked once ([`declaration_problems`]) so the
//! loader and the checks can trust it.

use crate::diagnostics::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One declared kind.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDecl {
    /// One line saying what the kind's items are (for AGENTS.md).
    #[serde(default)]
    pub description: String,
    /// The JSON Schema of one item (YAML or JSON), registry-root-relative.
    #[serde(default)]
    pub schema: Option<String>,
    /// Where the items live: a path, or a glob whose wildcards are in the
    /// file name only (`modules/routes/*.yaml`).
    pub files: String,
    /// The top-level field holding the keyed list; absent: every file is
    /// one item (its mapping).
    #[serde(default)]
    pub list: Option<String>,
    /// Where `add` writes a new item: a path template over the item's
    /// fields (`modules/routes/{module_id}.yaml`); defaults to `files`
    /// when that is a plain path.
    #[serde(default)]
    pub new_file: Option<String>,
    /// The field whose value names an item.
    pub key: String,
    /// Fields that must name existing items of other kinds.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Kinds whose keys this kind's keys must not repeat (ability ids
    /// across low- and high-level abilities).
    #[serde(default)]
    pub unique_with: Vec<String>,
    /// Items that must not share a value of a list field.
    #[serde(default)]
    pub overlap: Vec<Overlap>,
}

/// `field` (a string or a list of strings) names items of `kinds`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub field: String,
    pub kinds: Vec<String>,
    #[serde(default)]
    pub severity: Option<RuleSeverity>,
}

/// Two items of the kind sharing a value of the list `field`, with the
/// same `scope` value (when given) and different `distinct` values (when
/// given: routes of *different* modules).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlap {
    pub field: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub distinct: Option<String>,
    #[serde(default)]
    pub severity: Option<RuleSeverity>,
}

/// What a rule's finding does to a write and to `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    /// Refuses the write; `validate` fails.
    Error,
    /// Printed; the write goes on.
    Warning,
}

impl RuleSeverity {
    pub fn severity(self) -> Severity {
        match self {
            RuleSeverity::Error => Severity::Error,
            RuleSeverity::Warning => Severity::Warning,
        }
    }
}

impl KindDecl {
    /// The directory and file-name pattern of `files`.
    pub fn dir_and_pattern(&self) -> (&str, &str) {
        match self.files.rsplit_once('/') {
            Some((dir, name)) => (dir, name),
            None => ("", self.files.as_str()),
        }
    }

    /// Whether `files` names one file (no wildcard).
    pub fn single_file(&self) -> Option<&str> {
        (!has_wildcard(&self.files)).then_some(self.files.as_str())
    }

    /// Whether `path` (registry-root-relative) is one of the kind's files.
    pub fn holds(&self, path: &str) -> bool {
        self.matcher().matches(path)
    }

    /// `files` compiled, for asking about many paths.
    pub fn matcher(&self) -> FileMatcher {
        if let Some(one) = self.single_file() {
            return FileMatcher::One(one.to_string());
        }
        let (dir, pattern) = self.dir_and_pattern();
        match globset::Glob::new(pattern) {
            Ok(glob) => FileMatcher::InDir {
                dir: dir.to_string(),
                names: glob.compile_matcher(),
            },
            Err(_) => FileMatcher::Nothing, // reported with the declarations
        }
    }

    /// The template of a new item's file.
    pub fn new_file_template(&self) -> Option<&str> {
        self.new_file.as_deref().or(self.single_file())
    }
}

/// The paths a kind's `files` names.
#[derive(Debug, Clone)]
pub enum FileMatcher {
    /// One file.
    One(String),
    /// The files of `dir` whose name matches.
    InDir {
        dir: String,
        names: globset::GlobMatcher,
    },
    /// An invalid glob: nothing.
    Nothing,
}

impl FileMatcher {
    pub fn matches(&self, path: &str) -> bool {
        match self {
            FileMatcher::One(one) => one == path,
            FileMatcher::InDir { dir, names } => {
                let (pdir, name) = path.rsplit_once('/').unwrap_or(("", path));
                pdir == dir && names.is_match(name)
            }
            FileMatcher::Nothing => false,
        }
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// The fields a template names (`{module_id}` → `module_id`).
pub fn template_fields(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// What is wrong with the declarations beyond their JSON Schema, each as
/// (pointer under `kinds`, message): rules naming undeclared kinds,
/// wildcards outside the file name, templates without a placeholder
/// where several files hold the items, a path leaving the repository.
pub fn declaration_problems(kinds: &BTreeMap<String, KindDecl>) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let known = |k: &str| kinds.contains_key(k);
    let names = || kinds.keys().cloned().collect::<Vec<_>>().join(", ");
    for (name, kind) in kinds {
        let at = |rest: &[&str]| {
            let mut p = vec![name.clone()];
            p.extend(rest.iter().map(|s| s.to_string()));
            p
        };
        let (dir, _) = kind.dir_and_pattern();
        if has_wildcard(dir) {
            out.push((
                at(&["files"]),
                format!(
                    "`{}`: wildcards may only be in the file name (the directory is listed, not searched)",
                    kind.files
                ),
            ));
        } else if let Some(why) = crate::config::glob_problem(&kind.files) {
            out.push((at(&["files"]), format!("`{}`: {why}", kind.files)));
        }
        for (field, path) in [
            ("files", Some(kind.files.as_str())),
            ("schema", kind.schema.as_deref()),
            ("new_file", kind.new_file.as_deref()),
        ] {
            if let Some(path) = path
                && (path.starts_with('/') || path.split('/').any(|s| s == ".."))
            {
                out.push((
                    at(&[field]),
                    format!("`{path}` leaves the repository (absolute or `..`)"),
                ));
            }
        }
        if kind.new_file_template().is_none() {
            out.push((
                at(&["new_file"]),
                format!(
                    "`files` is a glob (`{}`): say where a new item goes with `new_file` (e.g. `{}/{{{}}}.yaml`)",
                    kind.files, dir, kind.key
                ),
            ));
        }
        for (i, r) in kind.references.iter().enumerate() {
            for target in &r.kinds {
                if !known(target) {
                    out.push((
                        at(&["references", &i.to_string(), "kinds"]),
                        format!("`{target}` is not a declared kind (declared: {})", names()),
                    ));
                }
            }
        }
        for other in &kind.unique_with {
            if !known(other) {
                out.push((
                    at(&["unique_with"]),
                    format!("`{other}` is not a declared kind (declared: {})", names()),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(yaml: &str) -> BTreeMap<String, KindDecl> {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn placeholders_and_problems() {
        assert_eq!(
            template_fields("modules/routes/{module_id}.{id}.yaml"),
            ["module_id", "id"]
        );
        let kinds = decl(
            "a:\n  files: x/*/y.yaml\n  key: id\nb:\n  files: b/*.yaml\n  key: id\n  references:\n    - {field: a_id, kinds: [nope]}\n",
        );
        let problems = declaration_problems(&kinds);
        let text = format!("{problems:?}");
        assert!(
            text.contains("wildcards may only be in the file name"),
            "{text}"
        );
        assert!(text.contains("say where a new item goes"), "{text}");
        assert!(text.contains("`nope` is not a declared kind"), "{text}");
    }
}
