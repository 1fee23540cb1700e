//! Whether output gets colour: `--color auto|always|never` and the
//! environment conventions people set once in their shell or CI.
//!
//! The order follows `anstream` (`AutoStream::choice`) and the
//! <https://bixense.com/clicolors/> and <https://no-color.org> texts, so the
//! tool behaves like cargo, ruff and the other clap-based tools:
//!
//! 1. `--color always|never` wins over every variable;
//! 2. `NO_COLOR` (set, not empty) turns colour off, even when
//!    `CLICOLOR_FORCE` or `FORCE_COLOR` is set too;
//! 3. `CLICOLOR_FORCE` (not empty, not `0`) or `FORCE_COLOR` (not empty,
//!    not `0` or `false`) turns it on, off a terminal and under `TERM=dumb`;
//! 4. `TERM=dumb` turns it off;
//! 5. otherwise: colour only on a terminal.

use std::ffi::OsString;

/// The `--color` flag's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    /// Always colour, whatever the stream or the environment.
    Always,
    /// Never colour.
    Never,
}

/// Reads one environment variable (the process environment, or a table in
/// tests, which must not change the process's).
pub type EnvLookup<'a> = dyn Fn(&str) -> Option<OsString> + 'a;

/// Whether a stream gets colour, by the rules in the module doc.
pub fn wants_color(choice: ColorChoice, is_tty: bool, env: &EnvLookup) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    let value = |name: &str| env(name).map(|v| v.to_string_lossy().trim().to_string());
    if value("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let clicolor_force = value("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let force_color = value("FORCE_COLOR")
        .is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"));
    if clicolor_force || force_color {
        return true;
    }
    if value("TERM").is_some_and(|t| t == "dumb") {
        return false;
    }
    is_tty
}

/// [`wants_color`] with the process environment.
pub fn wants_color_here(choice: ColorChoice, is_tty: bool) -> bool {
    wants_color(choice, is_tty, &|name| std::env::var_os(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorChoice::{Always, Auto, Never};

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn auto_follows_the_terminal_without_variables() {
        assert!(wants_color(Auto, true, &with(&[])));
        assert!(!wants_color(Auto, false, &with(&[])));
    }

    #[test]
    fn the_flag_wins_over_every_variable() {
        let all_off = with(&[("NO_COLOR", "1"), ("TERM", "dumb")]);
        assert!(wants_color(Always, false, &all_off));
        let all_on = with(&[("CLICOLOR_FORCE", "1"), ("FORCE_COLOR", "1")]);
        assert!(!wants_color(Never, true, &all_on));
    }

    #[test]
    fn no_color_beats_the_force_variables() {
        let env = with(&[
            ("NO_COLOR", "1"),
            ("CLICOLOR_FORCE", "1"),
            ("FORCE_COLOR", "3"),
        ]);
        assert!(!wants_color(Auto, true, &env));
        // An empty NO_COLOR is not set (no-color.org).
        assert!(wants_color(Auto, true, &with(&[("NO_COLOR", "")])));
    }

    #[test]
    fn force_variables_colour_a_pipe_and_a_dumb_terminal() {
        for (name, value) in [
            ("CLICOLOR_FORCE", "1"),
            ("FORCE_COLOR", "1"),
            ("FORCE_COLOR", "true"),
        ] {
            assert!(
                wants_color(Auto, false, &with(&[(name, value)])),
                "{name}={value}"
            );
            assert!(
                wants_color(Auto, true, &with(&[(name, value), ("TERM", "dumb")])),
                "{name}={value} under TERM=dumb"
            );
        }
        for (name, value) in [
            ("CLICOLOR_FORCE", "0"),
            ("FORCE_COLOR", "0"),
            ("FORCE_COLOR", "false"),
        ] {
            assert!(
                !wants_color(Auto, false, &with(&[(name, value)])),
                "{name}={value}"
            );
        }
    }

    #[test]
    fn a_dumb_terminal_gets_no_colour() {
        assert!(!wants_color(Auto, true, &with(&[("TERM", "dumb")])));
        assert!(wants_color(
            Auto,
            true,
            &with(&[("TERM", "xterm-256color")])
        ));
    }
}
