//! The pre-commit framework's (and prek's) recipe: a `repo: local` in
//! `.pre-commit-config.yaml` with one hook id per git hook, run from the
//! `reuse-surface` on `PATH` (`language: system`, nothing to build), plus
//! `default_install_hook_types` so `pre-commit install` installs the
//! pre-push, post-merge and post-rewrite hooks too (the last two
//! `verbose`: the framework shows a passing hook's output only then) (the framework passes
//! post-rewrite no stdin; the hook then checks `ORIG_HEAD..HEAD`). The framework gives a pre-push hook
//! no stdin; its id rebuilds the ref line from `PRE_COMMIT_*` (the local
//! branch's commit when a first push leaves `PRE_COMMIT_TO_REF` empty).

use std::path::{Path, PathBuf};

use super::yaml_text::{
    block_end, child_indent, indent, indented, insert_at, is_blank, lines, top_key,
};
use super::{Edit, read_optional};
use crate::{Error, Result};

/// The entry of the pre-commit gate, as written in the config.
const GATE_ENTRY: &str = "entry: reuse-surface hook pre-commit";

/// The entry of the post-rewrite check (added after the others came).
const REWRITE_ENTRY: &str = "entry: reuse-surface hook post-rewrite";

/// The `repo: local` item (unindented).
const LOCAL_REPO: &str = r#"- repo: local
  hooks:
    - id: reuse-surface
      name: reuse-surface (registry gate)
      entry: reuse-surface hook pre-commit
      language: system
      pass_filenames: false
      always_run: true
      stages: [pre-commit]
    - id: reuse-surface-pre-push
      name: reuse-surface (pushed commits)
      entry: 'sh -c ''to=${PRE_COMMIT_TO_REF:-$(git rev-parse "$PRE_COMMIT_LOCAL_BRANCH")}; printf "%s %s %s %s\n" "$PRE_COMMIT_LOCAL_BRANCH" "$to" "$PRE_COMMIT_REMOTE_BRANCH" "${PRE_COMMIT_FROM_REF:-0000000000000000000000000000000000000000}" | reuse-surface hook pre-push "$PRE_COMMIT_REMOTE_NAME" "$PRE_COMMIT_REMOTE_URL"'' --'
      language: system
      pass_filenames: false
      always_run: true
      stages: [pre-push]
    - id: reuse-surface-post-merge
      name: reuse-surface (re-derive the index after a merge)
      entry: reuse-surface hook post-merge
      language: system
      pass_filenames: false
      always_run: true
      verbose: true
      stages: [post-merge]
    - id: reuse-surface-post-rewrite
      name: reuse-surface (check the commits a rebase wrote)
      entry: reuse-surface hook post-rewrite
      language: system
      pass_filenames: false
      always_run: true
      verbose: true
      stages: [post-rewrite]
"#;

/// The hook types `pre-commit install` installs by default.
const HOOK_TYPES: &str =
    "default_install_hook_types: [pre-commit, pre-push, post-merge, post-rewrite]\n";
/// What an older version wrote for [`HOOK_TYPES`].
const OLD_HOOK_TYPES: &str = "default_install_hook_types: [pre-commit, pre-push, post-merge]";

/// The clone's `.pre-commit-config.yaml` (read by pre-commit and prek).
pub(crate) fn config_path(top: &Path) -> PathBuf {
    let yml = top.join(".pre-commit-config.yml");
    if yml.is_file() {
        yml
    } else {
        top.join(".pre-commit-config.yaml")
    }
}

/// The new config (created when there is none); empty when our hook ids
/// are there already.
pub(super) fn edits(top: &Path) -> Result<Vec<Edit>> {
    let path = config_path(top);
    let existing = read_optional(&path)?;
    let old = existing.clone().unwrap_or_default();
    let text = if !old.contains(GATE_ENTRY) {
        add_local_repo(&old)
    } else if !old.contains(REWRITE_ENTRY) {
        // Installed by an older version: the hook ids it lacks join ours.
        add_rewrite_hook(&old)
    } else {
        return Ok(Vec::new());
    };
    verify(&text).map_err(|why| {
        Error::usage(format!(
            "cannot add the reuse-surface hooks to {} ({why}); nothing was changed. Add this item to \
             its `repos:` by hand (and `{}`):\n{LOCAL_REPO}",
            path.display(),
            HOOK_TYPES.trim_end()
        ))
    })?;
    Ok(vec![Edit {
        created: existing.is_none(),
        path,
        bytes: text.into_bytes(),
    }])
}

/// `text` with our local repo appended to `repos:` (created when absent)
/// and `default_install_hook_types` added when absent.
fn add_local_repo(text: &str) -> String {
    // `repos: []` (an empty flow list, as many configs start) becomes a block.
    let text: String = lines(text)
        .iter()
        .map(|l| match l.trim_end().strip_prefix("repos:") {
            Some(rest) if rest.trim() == "[]" => "repos:\n",
            _ => l,
        })
        .collect();
    let all = lines(&text);
    let text = match top_key(&all, "repos") {
        Some(head) => {
            let end = block_end(&all, head);
            let item = child_indent(&all, head + 1, end).unwrap_or(2);
            insert_at(&all, end, &indented(LOCAL_REPO, item))
        }
        None => insert_at(
            &all,
            all.len(),
            &format!("repos:\n{}", indented(LOCAL_REPO, 2)),
        ),
    };
    let all = lines(&text);
    if all
        .iter()
        .any(|l| l.starts_with("default_install_hook_types:"))
    {
        return text;
    }
    insert_at(&all, 0, HOOK_TYPES)
}

/// A config holding an older version's hook ids with the post-rewrite id
/// added as the next item of the same `hooks:` list, and the hook types
/// line we wrote then brought up to date.
fn add_rewrite_hook(text: &str) -> String {
    let all = lines(text);
    let item = LOCAL_REPO
        .split_inclusive('\n')
        .skip_while(|l| l.trim() != "- id: reuse-surface-post-rewrite")
        .collect::<String>();
    let Some(head) = all
        .iter()
        .position(|l| l.trim() == "- id: reuse-surface-post-merge")
    else {
        return text.to_string(); // moved or renamed by the user: verify says so
    };
    let at = indent(all[head]);
    let end = block_end_of_item(&all, head);
    let mut out = insert_at(&all, end, &indented(&dedent(&item), at));
    if let Some(line) = lines(&out).iter().find(|l| l.trim_end() == OLD_HOOK_TYPES) {
        out = out.replacen(line.trim_end(), HOOK_TYPES.trim_end(), 1);
    }
    out
}

/// The end of the list item starting at `head`: the lines after it that
/// are blank or more indented than its `-`.
fn block_end_of_item(all: &[&str], head: usize) -> usize {
    let at = indent(all[head]);
    let mut last = head + 1;
    for (i, line) in all.iter().enumerate().skip(head + 1) {
        if is_blank(line) {
            continue;
        }
        if indent(line) <= at {
            break;
        }
        last = i + 1;
    }
    last
}

/// `text` with the indentation of its first line taken off every line.
fn dedent(text: &str) -> String {
    let cut = text.len() - text.trim_start_matches(' ').len();
    text.split_inclusive('\n')
        .map(|l| l.get(cut.min(indent(l))..).unwrap_or(l))
        .collect()
}

/// Re-reads the edited file: its `repos` must hold each of our hook ids.
fn verify(text: &str) -> std::result::Result<(), String> {
    let value = crate::yaml::parse(text).map_err(|e| e.message)?;
    let ids: Vec<&str> = value
        .get("repos")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|repo| repo.get("hooks").and_then(|h| h.as_array()))
        .flatten()
        .filter_map(|hook| hook.get("id").and_then(|i| i.as_str()))
        .collect();
    for id in [
        "reuse-surface",
        "reuse-surface-pre-push",
        "reuse-surface-post-merge",
        "reuse-surface-post-rewrite",
    ] {
        if !ids.contains(&id) {
            return Err(format!("`repos` would not hold the hook id {id}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_repo_joins_repos_at_its_indentation_and_keeps_the_rest() {
        let text = "# mine\nrepos:\n- repo: local\n  hooks:\n  - id: lint\n    name: lint\n    entry: make\n    language: system\nci:\n  skip: []\n";
        let out = add_local_repo(text);
        verify(&out).unwrap();
        assert!(out.starts_with(HOOK_TYPES), "{out}");
        assert!(
            out.contains(
                "    language: system\n- repo: local\n  hooks:\n    - id: reuse-surface\n"
            ),
            "{out}"
        );
        assert!(out.ends_with("ci:\n  skip: []\n"), "{out}");
    }

    #[test]
    fn an_empty_flow_list_becomes_a_block() {
        let out = add_local_repo("repos: []\n");
        verify(&out).unwrap();
        assert!(out.contains("repos:\n  - repo: local\n"), "{out}");
    }

    #[test]
    fn a_missing_config_gets_one() {
        let out = add_local_repo("");
        verify(&out).unwrap();
        assert!(out.contains("repos:\n  - repo: local\n"), "{out}");
    }

    #[test]
    fn an_older_install_gets_the_post_rewrite_id_beside_its_own() {
        // What the previous version wrote, inside a user's config.
        let older = LOCAL_REPO
            .split_inclusive('\n')
            .take_while(|l| l.trim() != "- id: reuse-surface-post-rewrite")
            .collect::<String>();
        let text = format!(
            "{OLD_HOOK_TYPES}\nrepos:\n{}  - repo: https://example.invalid/x\n    rev: v1\n    hooks:\n    - id: y\n",
            indented(&older, 2)
        );
        verify(&text).unwrap_err();
        let out = add_rewrite_hook(&text);
        verify(&out).unwrap();
        assert!(out.starts_with(HOOK_TYPES), "{out}");
        assert!(
            out.contains(
                "        stages: [post-merge]\n      - id: reuse-surface-post-rewrite\n        name:"
            ),
            "{out}"
        );
        assert!(out.ends_with("    hooks:\n    - id: y\n"), "{out}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".pre-commit-config.yaml"), &text).unwrap();
        assert_eq!(edits(dir.path()).unwrap().len(), 1);
        std::fs::write(dir.path().join(".pre-commit-config.yaml"), &out).unwrap();
        assert!(
            edits(dir.path()).unwrap().is_empty(),
            "a second run adds nothing"
        );
    }
}
