//! `registry/config.yaml`: per-repository policy. Severity overrides work
//! like a linter's (`checks: {unsupported-level: error}`), extra signal
//! rules extend the built-in collectors, and merge keys name the key field
//! of keyed lists for the merge driver.
//!
//! `checks:` keys must be check slugs (see [`Check`]); `parse-error` and
//! `schema` keep their severity (see [`Check::overridable`]). Both rules
//! are checked by [`override_problems`], since the JSON Schema does not
//! know the slugs and could not suggest the one that was meant.

use crate::check::{self, Check};
use crate::diagnostics::{Problem, Severity};
use crate::model::CONFIG_PATH;
use crate::yaml::Seg;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a severity override says: a new severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Override {
    Error,
    Warning,
    Off,
}

/// An extra signal rule: paths matching `glob` are evidence of kind `field`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SignalRule {
    pub glob: String,
    pub field: String,
}

/// The parsed configuration (defaults when the file is absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Config {
    #[serde(default, deserialize_with = "null_default")]
    pub checks: BTreeMap<Check, Override>,
    #[serde(default, deserialize_with = "null_default")]
    pub signals: Vec<SignalRule>,
    #[serde(default = "default_delta")]
    pub auto_max_delta: u8,
    /// Registry kinds beyond capabilities (see [`crate::kinds`]).
    #[serde(default, deserialize_with = "null_default")]
    pub kinds: BTreeMap<String, crate::kinds::KindDecl>,
}

fn default_delta() -> u8 {
    1
}

fn null_default<'de, D: serde::Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            checks: BTreeMap::new(),
            signals: Vec::new(),
            auto_max_delta: 1,
            kinds: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The config a YAML text says, or `None` when it does not parse or
    /// does not deserialize, for callers that want the defaults then
    /// and leave the reporting to `validate` (the hooks' fast path,
    /// `install`, `establish`).
    pub fn lenient(bytes: &[u8]) -> Option<Config> {
        let text = crate::yaml::decode(bytes).ok()?;
        let value = crate::yaml::parse(text).ok()?;
        serde_json::from_value::<Option<Config>>(value)
            .ok()
            .flatten()
    }

    /// Apply severity overrides; problems switched `off` are dropped.
    /// Checks that are not overridable keep their severity even when a
    /// `Config` was built without going through [`override_problems`].
    pub fn apply_overrides(&self, problems: Vec<Problem>) -> Vec<Problem> {
        problems
            .into_iter()
            .filter_map(|mut p| {
                let wanted = self.checks.get(&p.check).filter(|_| p.check.overridable());
                match wanted {
                    Some(Override::Off) => return None,
                    Some(Override::Error) => p.severity = Severity::Error,
                    Some(Override::Warning) => p.severity = Severity::Warning,
                    None => {}
                }
                Some(p)
            })
            .collect()
    }
}

/// What a parsed (schema-valid) config document says that cannot be
/// honoured and the JSON Schema cannot see: [`override_problems`] and
/// [`signal_problems`].
pub fn config_problems(config: &Value) -> Vec<Problem> {
    let mut problems = override_problems(config);
    problems.extend(signal_problems(config));
    problems.extend(kind_problems(config));
    problems
}

/// What the `kinds:` declarations say that cannot work (rules naming
/// undeclared kinds, wildcards in directories, no place for new items):
/// `schema` problems at the declaration, as the JSON Schema's are.
pub fn kind_problems(config: &Value) -> Vec<Problem> {
    let Some(kinds) = config.get("kinds").filter(|k| !k.is_null()) else {
        return Vec::new();
    };
    let kinds: BTreeMap<String, crate::kinds::KindDecl> =
        match serde_json::from_value(kinds.clone()) {
            Ok(k) => k,
            Err(e) => {
                return vec![
                    Problem::new(Check::Schema, format!("kinds: {e}"))
                        .file(CONFIG_PATH)
                        .node(vec![Seg::key("kinds")]),
                ];
            }
        };
    crate::kinds::decl::declaration_problems(&kinds)
        .into_iter()
        .map(|(at, message)| {
            let mut path = vec![Seg::key("kinds")];
            path.extend(at.iter().map(|s| match s.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::key(s),
            }));
            Problem::new(Check::Schema, format!("kinds: {message}"))
                .file(CONFIG_PATH)
                .node(path)
        })
        .collect()
}

/// A `signals:` rule whose glob does not compile would match nothing, so
/// the evidence it was written for would never be proposed: each is a
/// `schema` problem at the glob, with the parser's reason.
pub fn signal_problems(config: &Value) -> Vec<Problem> {
    let Some(rules) = config.get("signals").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let Some(glob) = rule.get("glob").and_then(Value::as_str) else {
            continue;
        };
        if let Some(reason) = glob_problem(glob) {
            problems.push(
                Problem::new(
                    Check::Schema,
                    format!("signal glob `{glob}` is not a valid glob: {reason}"),
                )
                .file(CONFIG_PATH)
                .node(vec![Seg::key("signals"), Seg::Index(i), Seg::key("glob")])
                .fix("fix the glob (`*`, `**`, `?`, `[...]`, `{a,b}`), or remove the rule"),
            );
        }
    }
    problems
}

/// Why `glob` does not compile as a signal or surface glob, if it does not.
/// Every entry's `surface` is checked on every run (the hook included), so
/// the common shape is answered without the glob parser.
pub fn glob_problem(glob: &str) -> Option<String> {
    if plainly_valid_glob(glob) {
        return None;
    }
    globset::Glob::new(glob).err().map(|e| e.kind().to_string())
}

/// A glob made of literal characters, `*` and `?`, with `**` only as a
/// whole path component: nothing in it can fail to parse (no class, no
/// alternation, no escape, no misplaced recursive wildcard).
fn plainly_valid_glob(glob: &str) -> bool {
    !glob.contains(['[', ']', '{', '}', '\\'])
        && glob
            .split('/')
            .all(|part| !part.contains("**") || part == "**")
}

/// The `checks:` keys of a parsed (schema-valid) config document that
/// cannot be honoured: a slug that names no check, and an override that
/// would switch `parse-error` or `schema` off or down to a warning (an
/// `error` for them changes nothing and is accepted). Each is a `schema`
/// problem pointing at the key's line.
pub fn override_problems(config: &Value) -> Vec<Problem> {
    let Some(checks) = config.get("checks").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (key, value) in checks {
        let at = vec![Seg::key("checks"), Seg::key(key)];
        let problem = match Check::from_slug(key) {
            None => Problem::new(Check::Schema, check::unknown_message(key))
                .fix("`reuse-surface explain --list` lists every check"),
            Some(c) if !c.overridable() && value.as_str() != Some("error") => {
                let what = if value.as_str() == Some("off") {
                    "switched off"
                } else {
                    "lowered to a warning"
                };
                Problem::new(
                    Check::Schema,
                    format!("`{c}` cannot be {what}: a file that fails it is not loaded, so no other check can see it"),
                )
                .fix(format!("remove `{c}` from `checks:` (`reuse-surface explain {c}`)"))
            }
            Some(_) => continue,
        };
        problems.push(problem.file(CONFIG_PATH).node(at));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<Problem> {
        override_problems(&crate::yaml::parse(yaml).unwrap())
    }

    #[test]
    fn unknown_slugs_are_named_with_the_nearest() {
        let found = problems("checks:\n  vector-drfit: warning\n  schema: error\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].check, Check::Schema);
        assert_eq!(
            found[0].message,
            "unknown check `vector-drfit`; did you mean `vector-drift`?"
        );
        assert_eq!(found[0].file.as_deref(), Some(CONFIG_PATH));
    }

    #[test]
    fn invalid_signal_globs_are_named_with_the_reason() {
        let yaml = "signals:\n  - {glob: \"docs/**\", field: evidence.documentation}\n  \
                    - {glob: \"src/[\", field: evidence.tests}\n";
        let found = config_problems(&crate::yaml::parse(yaml).unwrap());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].check, Check::Schema);
        assert!(
            found[0]
                .message
                .starts_with("signal glob `src/[` is not a valid glob: unclosed"),
            "{}",
            found[0].message
        );
        assert_eq!(glob_problem("src/**/*.rs"), None);
        // The fast answer agrees with the parser on every shape it takes.
        for glob in [
            "src/**",
            "**/x",
            "a*b?c",
            "docs/*.md",
            "**",
            "a**b",
            "src/**x/y",
            "x**",
            "[a-",
            "{a,b",
            "a\\",
            "[z-a]",
            "{a,{b}}",
            "ok/[ab]/x",
            "",
            "/abs/*",
        ] {
            let parsed = globset::Glob::new(glob).err().map(|e| e.kind().to_string());
            assert_eq!(glob_problem(glob), parsed, "{glob:?}");
            if plainly_valid_glob(glob) {
                assert_eq!(parsed, None, "the fast path accepted {glob:?}");
            }
        }
    }

    #[test]
    fn parse_error_and_schema_keep_their_severity() {
        for (yaml, n) in [
            ("checks: {schema: off}", 1),
            ("checks: {parse-error: warning, schema: warning}", 2),
            ("checks: {parse-error: error, schema: error}", 0),
            ("checks: {unsupported-level: off, vector-drift: warning}", 0),
            ("checks:", 0),
            ("auto_max_delta: 2", 0),
        ] {
            assert_eq!(problems(yaml).len(), n, "{yaml}");
        }
        let off = &problems("checks: {schema: off}")[0];
        assert!(
            off.message.starts_with("`schema` cannot be switched off"),
            "{off:?}"
        );
    }

    #[test]
    fn overrides_never_lower_parse_error_or_schema() {
        let config = Config {
            checks: [
                (Check::Schema, Override::Off),
                (Check::ParseError, Override::Warning),
            ]
            .into_iter()
            .collect(),
            ..Config::default()
        };
        let kept = config.apply_overrides(vec![
            Problem::new(Check::Schema, "s"),
            Problem::new(Check::ParseError, "p"),
        ]);
        assert_eq!(kept.len(), 2);
        assert!(kept.iter().all(|p| p.severity == Severity::Error));
    }
}
