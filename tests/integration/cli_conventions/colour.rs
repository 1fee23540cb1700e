//! `--color auto|always|never`, `NO_COLOR`, `CLICOLOR_FORCE`,
//! `FORCE_COLOR` and `TERM=dumb`, on a pipe and on a real terminal; the
//! precedence is `crate::color`'s (the flag, then NO_COLOR, then the force
//! variables, then TERM=dumb, then the terminal).

use super::*;

const RED_ERROR: &str = "\x1b[1;31merror\x1b[0m";

/// `validate` of a registry with an error, stdout a pipe.
fn on_pipe(repo: &Repo, flags: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = repo.command(BIN);
    cmd.args(flags).arg("validate");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(1);
    run
}

/// The same on a pseudo-terminal (`script`), with `env` set inside it.
#[cfg(target_os = "linux")]
fn on_tty(repo: &Repo, flags: &str, env: &str) -> Run {
    let inner = format!("{env} '{BIN}' {flags} validate");
    let mut cmd = repo.command("script");
    cmd.args(["-q", "-e", "-c", &inner, "/dev/null"]);
    let run = repo.run_cmd(&mut cmd);
    assert!(
        run.stdout.contains("vector-drift"),
        "script(1) must run the binary:\n{}",
        run.show()
    );
    assert_eq!(run.code, 1, "{}", run.show());
    run
}

/// Flags, environment, and whether the output is coloured.
type PipeCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);

fn coloured(run: &Run) -> bool {
    run.stdout.contains(RED_ERROR)
}

#[test]
fn on_a_pipe_colour_is_off_unless_forced() {
    let repo = drifted();
    let cases: &[PipeCase] = &[
        (&[], &[], false),
        (&["--color", "auto"], &[], false),
        (&["--color", "always"], &[], true),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("FORCE_COLOR", "1")], true),
        (&[], &[("FORCE_COLOR", "0")], false),
        (&[], &[("CLICOLOR_FORCE", "0")], false),
        // NO_COLOR beats the force variables (anstream's order) ...
        (&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false),
        (&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false),
        // ... and the flag beats every variable.
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (
            &["--color", "never"],
            &[("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
            false,
        ),
    ];
    for (flags, env, want) in cases {
        let run = on_pipe(&repo, flags, env);
        assert_eq!(coloured(&run), *want, "{flags:?} {env:?}:\n{}", run.show());
        if !want {
            assert!(
                !run.stdout.contains('\x1b'),
                "{flags:?} {env:?}:\n{}",
                run.show()
            );
        }
    }
}

#[test]
fn the_flag_works_after_the_subcommand_and_on_stderr() {
    let repo = drifted();
    let run = repo.run(&["validate", "--color", "always"]);
    run.assert_code(1);
    assert!(coloured(&run), "{}", run.show());
    // Errors on stderr follow the flag too.
    let run = repo.run_in(&repo.outside(), &["--color", "always", "stats"]);
    run.assert_code(2);
    assert!(run.stderr.starts_with(RED_ERROR), "{}", run.show());
    let run = repo.run_in(&repo.outside(), &["stats"]);
    assert!(run.stderr.starts_with("error: "), "{}", run.show());
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_colour_is_on_unless_turned_off() {
    let repo = drifted();
    for (flags, env, want) in [
        ("", "", true),
        ("", "TERM=xterm-256color", true),
        ("", "TERM=dumb", false),
        ("", "NO_COLOR=1", false),
        ("--color never", "", false),
        // Forcing wins over a dumb terminal; the flag over NO_COLOR.
        ("", "TERM=dumb FORCE_COLOR=1", true),
        ("", "TERM=dumb CLICOLOR_FORCE=1", true),
        ("--color always", "TERM=dumb NO_COLOR=1", true),
    ] {
        let run = on_tty(&repo, flags, &format!("env {env}"));
        assert_eq!(coloured(&run), want, "`{flags}` `{env}`:\n{}", run.show());
        if !want {
            assert!(
                !run.stdout.contains('\x1b'),
                "`{flags}` `{env}`:\n{}",
                run.show()
            );
        }
    }
}
