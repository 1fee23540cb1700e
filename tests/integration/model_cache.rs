//! The hooks take the parsed index (like the entries) from the blob cache
//! (issue 11): a hit must give exactly what parsing gives, patches to the
//! index included, and a record that does not decode is a miss.

use crate::common::*;
use reuse_surface::model::{Index, IndexRow};
use reuse_surface::registry::EntryCache;
use reuse_surface::target::cache::{BlobCache, FILE_NAME};
use reuse_surface::target::clean_trees::FILE_NAME as CLEAN_TREES;

const INDEX: &str = "registry/indexes/capabilities.yaml";

fn cache_file(repo: &Repo) -> std::path::PathBuf {
    repo.path(".git/reuse-surface").join(FILE_NAME)
}

/// Replace `from` by `to` in beta's entry, stage everything and run the
/// pre-commit hook. The clean trees it remembers are forgotten first: a
/// body edit on a clean HEAD is answered from them, and these tests are
/// about the entry cache the full run reads.
fn edit_beta_and_hook(repo: &Repo, from: &str, to: &str) -> Run {
    repo.replace("registry/capabilities/beta.md", from, to);
    repo.git(&["add", "-A"]);
    let _ = std::fs::remove_file(repo.path(".git/reuse-surface").join(CLEAN_TREES));
    repo.run(&["hook", "pre-commit"])
}

/// A committed registry whose cache holds every entry and the index (a
/// first hook run over a change to an entry's body).
fn warmed() -> Repo {
    let repo = Repo::committed();
    edit_beta_and_hook(&repo, "Beta body.", "Beta body, again.").assert_code(0);
    let records = BlobCache::count_records(&std::fs::read(cache_file(&repo)).unwrap());
    assert_eq!(records, Some(4), "three entries and the index are cached");
    repo
}

/// Rename beta (a derived field: the hook re-derives its index row) and
/// run the hook: its code, what it said, and the index it staged.
fn rename_beta(repo: &Repo) -> (i32, String, String) {
    let run = edit_beta_and_hook(repo, "title: Beta thing", "title: Beta renamed");
    let staged = repo.git(&["show", &format!(":{INDEX}")]);
    (run.code, run.stderr, staged)
}

#[test]
fn an_index_patched_through_a_warm_cache_is_the_cold_result() {
    let warm = warmed();
    let cold = warmed();
    std::fs::remove_file(cache_file(&cold)).unwrap();
    let from_cache = rename_beta(&warm);
    let parsed = rename_beta(&cold);
    assert_eq!(from_cache.0, 0, "{}", from_cache.1);
    assert!(
        from_cache.2.contains("Beta renamed"),
        "the row was not re-derived:\n{}",
        from_cache.2
    );
    assert_eq!(from_cache, parsed, "a warm cache changes the hook's answer");
    // Problems in the index are located in its text, read again for them.
    for repo in [&warm, &cold] {
        let index = repo.read(INDEX);
        repo.write(INDEX, index.replace("Gamma thing", "Gamma renamed by hand"));
        repo.git(&["add", "-A"]);
    }
    let warm_run = warm.run(&["hook", "pre-commit"]);
    std::fs::remove_file(cache_file(&cold)).unwrap();
    let cold_run = cold.run(&["hook", "pre-commit"]);
    assert_eq!(
        (warm_run.code, &warm_run.stderr),
        (cold_run.code, &cold_run.stderr)
    );
}

/// Doctor the cached model of the staged index: when the hook reports
/// what only the doctored model says, the cache is what answered; a
/// record that does not decode is ignored.
#[test]
fn the_cached_index_model_is_what_answers_and_a_bad_record_is_a_miss() {
    let repo = warmed();
    let blob = repo
        .git(&["rev-parse", &format!(":{INDEX}")])
        .trim()
        .to_string();
    let git_dir = repo.path(".git");
    let row = |id: &str, title: &str, status: &str, vector: &str| IndexRow {
        id: format!("capability.demo.{id}"),
        title: Some(title.into()),
        status: Some(status.into()),
        vector: Some(vector.into()),
        path: format!("registry/capabilities/{id}.md"),
    };
    let doctored = Index {
        schema_version: 1,
        updated: Some("2026-06-17".into()),
        capabilities: vec![
            row("alpha", "Alpha: the first", "active", "D3/A3/C2/R4"),
            row(
                "beta",
                "Doctored in the cache",
                "experimental",
                "D1/A0/C1/R2",
            ),
            row("gamma", "Gamma thing", "deprecated", "D0/A0/C0/R0"),
        ],
    };
    let cache = BlobCache::open(&git_dir);
    cache.put_index(&blob, &doctored);
    cache.save();
    let run = edit_beta_and_hook(&repo, "Beta body, again.", "Beta body, once more.");
    assert!(
        run.stderr.contains("capability.demo.beta"),
        "the doctored row (a title drift) did not show: the cache was not read\n{}",
        run.show()
    );

    // A record for the same blob that does not decode: the index is parsed.
    let blob = repo
        .git(&["rev-parse", &format!(":{INDEX}")])
        .trim()
        .to_string();
    let mut file = std::fs::read(cache_file(&repo)).unwrap();
    let key = format!("index {blob}");
    let garbage = [0xff_u8; 5];
    file.push(key.len() as u8);
    file.extend_from_slice(key.as_bytes());
    file.push(garbage.len() as u8);
    file.extend_from_slice(&garbage);
    std::fs::write(cache_file(&repo), &file).unwrap();
    assert!(
        BlobCache::count_records(&file).is_some(),
        "the garbage must sit in a well-formed record to test the model's decoding"
    );
    let run = edit_beta_and_hook(&repo, "Beta body, once more.", "Beta body, last.");
    run.assert_code(0);
    assert_eq!(run.stderr, "", "{}", run.show());
}
