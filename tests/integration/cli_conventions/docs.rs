//! `--help` (examples, exit codes, every argument described), `completions
//! SHELL` loading in the real shells and `man` rendering with `man -l`.

use super::*;
use clap::CommandFactory;
use reuse_surface::cli::Cli;

/// Every argument of every (visible) command has help, and so does every
/// value of every enumerated argument (`--format`'s among them).
#[test]
fn every_argument_and_value_is_described() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let name = format!("{path} {}", arg.get_id());
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(name.clone());
            }
            for value in arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
            {
                if value.get_help().is_none() {
                    missing.push(format!("{name}={}", value.get_name()));
                }
            }
        }
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {}", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    walk(&cmd, "reuse-surface", &mut missing);
    assert_eq!(missing, Vec::<String>::new(), "undescribed");
}

#[test]
fn help_has_examples_and_describes_formats_and_the_merge_driver() {
    let repo = Repo::new();
    let top = repo.run(&["--help"]);
    top.assert_code(0);
    assert!(
        top.stdout.contains("Examples:\n  reuse-surface validate"),
        "{}",
        top.stdout
    );
    let validate = repo.run(&["validate", "--help"]);
    for value in [
        "text:",
        "json:",
        "concise:",
        "github:",
        "sarif:",
        "GITHUB_ACTIONS=true",
        "Examples:",
    ] {
        assert!(
            validate.stdout.contains(value),
            "no `{value}`:\n{}",
            validate.stdout
        );
    }
    let driver = repo.run(&["merge-driver", "--help"]);
    for part in ["%O", "%A", "%B", "%L", "%P"] {
        assert!(
            driver.stdout.contains(part),
            "no `{part}`:\n{}",
            driver.stdout
        );
    }
}

fn completions(repo: &Repo, shell: &str) -> std::path::PathBuf {
    let run = repo.run(&["completions", shell]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("validate") && run.stdout.contains("merge-driver"),
        "{shell}"
    );
    let file = repo.outside().join(format!("completion.{shell}"));
    std::fs::write(&file, &run.stdout).unwrap();
    file
}

#[test]
fn completions_load_in_bash_and_zsh() {
    let repo = Repo::new();
    for (shell, install) in [
        ("bash", "apt-get install bash"),
        ("zsh", "apt-get install zsh"),
    ] {
        require_tool(shell, install);
        let file = completions(&repo, shell);
        let mut cmd = repo.command(shell);
        cmd.arg("-n").arg(&file);
        let run = repo.run_cmd(&mut cmd);
        assert_eq!(
            run.code,
            0,
            "{shell} -n rejects the completions:\n{}",
            run.show()
        );
        assert_eq!(run.stderr, "", "{shell}");
    }
    // bash can also source it and then completes the subcommands.
    let file = completions(&repo, "bash");
    let script = format!(
        "source '{}'; f=$(complete -p reuse-surface | sed -E 's/.*-F ([^ ]+).*/\\1/'); \
         COMP_WORDS=(reuse-surface val); COMP_CWORD=1; \"$f\" reuse-surface val reuse-surface; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let mut cmd = repo.command("bash");
    cmd.args(["-c", &script]);
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(run.stdout, "validate\n", "{}", run.show());
    // An unknown shell is a usage error.
    repo.run(&["completions", "tcsh"]).assert_code(2);
}

#[test]
fn the_man_page_renders() {
    require_tool("man", "apt-get install man-db");
    let repo = Repo::new();
    let run = repo.run(&["man"]);
    run.assert_code(0);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.starts_with(".TH"),
        "{}",
        &run.stdout[..80]
    );
    let file = repo.outside().join("reuse-surface.1");
    std::fs::write(&file, &run.stdout).unwrap();
    let mut cmd = repo.command("man");
    cmd.args(["--warnings", "-l"])
        .arg(&file)
        .env("MANWIDTH", "100");
    let page = repo.run_cmd(&mut cmd);
    assert_eq!(page.code, 0, "{}", page.show());
    assert_eq!(page.stderr, "", "groff warnings:\n{}", page.show());
    for part in [
        "NAME",
        "SYNOPSIS",
        "REUSE-SURFACE VALIDATE",
        "REUSE-SURFACE MERGE-DRIVER",
        "Exit codes:",
        "3  internal error",
        "--format",
        "sarif",
    ] {
        assert!(
            page.stdout.contains(part),
            "no `{part}` in the page:\n{}",
            page.stdout
        );
    }
}
