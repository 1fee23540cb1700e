//! Distribution that does not compile on first use (issue 12, item 5):
//! the wheel `pyproject.toml` describes (maturin, `bindings = "bin"`) is
//! built with the real maturin (PyPI; `.ci/run` installs it), installed
//! with pip into a fresh virtualenv without an index, and the binary it
//! put on the venv's PATH runs. The `cargo binstall` metadata in
//! `Cargo.toml` names exactly the archive the release workflow
//! (`templates/release/github-release.yml`) packs, and that workflow is
//! valid by SchemaStore's schema.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const RELEASE_WORKFLOW: &str = "templates/release/github-release.yml";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn show(o: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The Python that has the `maturin` module, found with the caller's
/// environment (a pyenv shim needs its own `HOME`). Missing, the test
/// fails naming the tool: it never passes by skipping.
fn python_with_maturin() -> PathBuf {
    for python in ["python3", "python"] {
        let out = Command::new(python)
            .args(["-c", "import maturin, sys; print(sys.executable)"])
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!(
        "maturin is not installed: `python3 -m pip install maturin` \
         (PyPI `maturin`; `.ci/run` installs it)"
    );
}

/// The wheel, built once per test process into its own directory under
/// Cargo's test scratch space. `CARGO_TARGET_DIR` is this checkout's
/// `target/`, so maturin's `cargo build --release` reuses what is there.
/// maturin runs with the caller's environment: rustup finds its
/// toolchain through `HOME`.
fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel");
        let _ = std::fs::remove_dir_all(&out);
        let build = Command::new(python_with_maturin())
            .args(["-m", "maturin", "build", "--release", "--locked", "--quiet"])
            .arg("--manifest-path")
            .arg(manifest_dir().join("Cargo.toml"))
            .arg("--out")
            .arg(&out)
            .env("CARGO_TARGET_DIR", manifest_dir().join("target"))
            .current_dir(manifest_dir())
            .output()
            .expect("run maturin");
        assert!(build.status.success(), "maturin build: {}", show(&build));
        let wheels: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "whl"))
            .collect();
        assert_eq!(wheels.len(), 1, "one wheel expected in {}", out.display());
        wheels.into_iter().next().unwrap()
    })
}

/// A wheel file name's parts: distribution, version, then the three tags
/// (python, abi, platform), as the wheel spec (PEP 427) spells them.
fn wheel_name_parts(wheel: &Path) -> Vec<String> {
    let name = wheel.file_name().unwrap().to_string_lossy();
    let stem = name.strip_suffix(".whl").expect("a .whl file");
    stem.split('-').map(str::to_string).collect()
}

/// The platform tag names this machine's architecture (pip would refuse
/// to install the wheel anywhere else).
fn platform_is_this_machine(platform: &str) -> bool {
    let arch = std::env::consts::ARCH;
    let arch_names: &[&str] = match arch {
        "aarch64" => &["aarch64", "arm64", "universal2"],
        "x86_64" => &["x86_64", "universal2"],
        other => return platform.contains(other),
    };
    arch_names.iter().any(|a| platform.ends_with(a))
}

#[test]
fn the_wheel_is_a_binary_wheel_for_this_platform() {
    let parts = wheel_name_parts(wheel());
    assert_eq!(parts.len(), 5, "{parts:?}");
    assert_eq!(parts[0], "reuse_surface", "{parts:?}");
    assert_eq!(parts[1], env!("CARGO_PKG_VERSION"), "{parts:?}");
    // `bin` bindings: no Python code and no extension module, so one
    // wheel serves every Python 3.
    assert_eq!((parts[2].as_str(), parts[3].as_str()), ("py3", "none"));
    assert!(platform_is_this_machine(&parts[4]), "{parts:?}");
    assert_ne!(parts[4], "any", "a platform wheel: {parts:?}");
}

/// `python -m venv DIR`, then the wheel installed with pip, offline.
fn venv_with_wheel(repo: &Repo) -> PathBuf {
    let venv = repo.outside().join("venv");
    let made = Command::new(python_with_maturin())
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(made.status.success(), "python3 -m venv: {}", show(&made));
    let pip = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(wheel())
        .env("PIP_NO_CACHE_DIR", "1")
        .output()
        .unwrap();
    assert!(pip.status.success(), "pip install: {}", show(&pip));
    venv
}

/// A file of the installed distribution's `.dist-info` directory.
fn dist_info_file(venv: &Path, file: &str) -> String {
    let lib = venv.join("lib");
    let python = std::fs::read_dir(&lib).unwrap().next().unwrap().unwrap();
    let site = python.path().join("site-packages");
    let dist_info = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("reuse_surface-") && name.ends_with(".dist-info")
        })
        .unwrap_or_else(|| panic!("no reuse_surface dist-info in {}", site.display()));
    std::fs::read_to_string(dist_info.join(file)).unwrap()
}

/// The `Tag:` lines of the installed distribution's `WHEEL` file.
fn installed_tags(venv: &Path) -> Vec<String> {
    dist_info_file(venv, "WHEEL")
        .lines()
        .filter_map(|l| l.strip_prefix("Tag: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs() {
    let repo = Repo::committed();
    let venv = venv_with_wheel(&repo);
    let installed = venv.join("bin/reuse-surface");
    assert!(installed.is_file(), "pip put no reuse-surface in the venv");

    let parts = wheel_name_parts(wheel());
    assert_eq!(
        installed_tags(&venv),
        [format!("py3-none-{}", parts[4])],
        "the installed WHEEL file's tags"
    );

    // The metadata is pyproject.toml's, not only what maturin infers.
    let metadata = dist_info_file(&venv, "METADATA");
    assert!(
        metadata.lines().any(|l| l == "Requires-Python: >=3.8"),
        "{metadata}"
    );

    let version = repo.run_cmd(repo.command(&installed).arg("--version"));
    version.assert_code(0);
    assert_eq!(
        version.stdout.trim(),
        format!("reuse-surface {}", env!("CARGO_PKG_VERSION"))
    );

    let clean = repo.run_cmd(repo.command(&installed).arg("validate"));
    clean.assert_code(0);
    assert!(clean.stdout.contains("no problems"), "{}", clean.show());

    // The installed binary really checks: an unparsable entry fails.
    repo.replace(
        BETA,
        "updated: 2026-06-01\n",
        "updated: 2026-06-01\nnotes: [unclosed\n",
    );
    let broken = repo.run_cmd(repo.command(&installed).arg("validate"));
    broken.assert_code(1);
    assert!(
        format!("{}{}", broken.stdout, broken.stderr).contains("parse-error"),
        "{}",
        broken.show()
    );
}

/// The `[package.metadata.binstall]` table of `Cargo.toml`.
fn binstall_metadata() -> (Value, Value) {
    let text = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    let cargo: Value = toml::from_str(&text).expect("Cargo.toml parses");
    let package = cargo["package"].clone();
    let binstall = package["metadata"]["binstall"].clone();
    assert!(binstall.is_object(), "no [package.metadata.binstall]");
    (package, binstall)
}

/// A cargo-binstall template rendered with `vars`, or what is wrong with
/// it: `{ VAR }` must name a variable binstall defines, braces must pair.
fn render(template: &str, vars: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("a '}}' without '{{' in {template:?}"));
        }
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("an unclosed '{{' in {template:?}"))?;
        let var = after[..close].trim();
        if var.contains('{') {
            return Err(format!("a nested '{{' in {template:?}"));
        }
        let value = vars
            .iter()
            .find(|(name, _)| *name == var)
            .ok_or_else(|| format!("unknown variable {var:?} in {template:?}"))?;
        out.push_str(value.1);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// binstall's variables for `target`, with this crate's values.
fn binstall_vars<'a>(
    package: &'a Value,
    target: &'a str,
    format: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", package["name"].as_str().unwrap()),
        ("version", package["version"].as_str().unwrap()),
        ("repo", package["repository"].as_str().unwrap()),
        ("bin", "reuse-surface"),
        ("target", target),
        ("archive-format", format),
        ("archive-suffix", ".tgz"),
        ("binary-ext", ""),
    ]
}

fn release_workflow() -> Value {
    let text = std::fs::read_to_string(manifest_dir().join(RELEASE_WORKFLOW)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{RELEASE_WORKFLOW}: {e}"))
}

/// The targets the release workflow builds.
fn release_targets(workflow: &Value) -> Vec<String> {
    workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("a build matrix")
        .iter()
        .map(|row| row["target"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_release_workflow_is_valid_and_builds_every_platform() {
    let repo = Repo::new();
    let mut cmd = repo.command("check-jsonschema");
    cmd.args(["--builtin-schema", "vendor.github-workflows"])
        .arg(manifest_dir().join(RELEASE_WORKFLOW));
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(
        run.code,
        0,
        "check-jsonschema (pip install check-jsonschema):\n{}",
        run.show()
    );

    let workflow = release_workflow();
    assert_eq!(workflow["on"]["push"]["tags"][0], "v*");
    assert_eq!(workflow["permissions"]["contents"], "read");
    let mut targets = release_targets(&workflow);
    targets.sort();
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "x86_64-unknown-linux-gnu"
        ]
    );
    for (name, job) in workflow["jobs"].as_object().unwrap() {
        assert!(
            job["timeout-minutes"].as_u64().is_some(),
            "job {name} has no time bound"
        );
    }
}

#[test]
fn the_binstall_templates_are_well_formed_and_name_the_release_archives() {
    let (package, binstall) = binstall_metadata();
    let format = binstall["pkg-fmt"].as_str().expect("pkg-fmt");
    assert_eq!(format, "tgz", "the release workflow packs .tgz archives");
    let pkg_url = binstall["pkg-url"].as_str().expect("pkg-url");
    let bin_dir = binstall["bin-dir"].as_str().expect("bin-dir");
    // The checker can fail.
    assert!(render("{ repo }/{ nmae }", &[("repo", "r")]).is_err());
    assert!(render("{ repo", &[("repo", "r")]).is_err());
    assert!(render("repo }", &[("repo", "r")]).is_err());

    let version = env!("CARGO_PKG_VERSION");
    let repository = package["repository"].as_str().unwrap();
    for target in release_targets(&release_workflow()) {
        let vars = binstall_vars(&package, &target, format);
        let url = render(pkg_url, &vars).unwrap_or_else(|e| panic!("pkg-url: {e}"));
        assert_eq!(
            url,
            format!(
                "{repository}/releases/download/v{version}/reuse-surface-{target}-v{version}.tgz"
            )
        );
        let bin = render(bin_dir, &vars).unwrap_or_else(|e| panic!("bin-dir: {e}"));
        assert_eq!(
            bin,
            format!("reuse-surface-{target}-v{version}/reuse-surface")
        );
    }
}

/// This machine's entry in the release matrix.
fn host_target() -> String {
    let system = match std::env::consts::OS {
        "linux" => "unknown-linux-gnu",
        "macos" => "apple-darwin",
        other => panic!("no release target for {other}"),
    };
    format!("{}-{system}", std::env::consts::ARCH)
}

/// The release workflow's packing step, run as the workflow runs it
/// (bash, in a checkout with the wheel in `dist/`), for this machine's
/// target: its archive is the one `cargo binstall` asks for, and the
/// binary inside runs.
#[test]
fn the_release_archive_is_where_binstall_looks_and_runs() {
    let workflow = release_workflow();
    let target = host_target();
    assert!(release_targets(&workflow).contains(&target), "{target}");
    let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
    let pack = steps
        .iter()
        .find(|s| s["name"] == "Pack the binary for cargo binstall")
        .expect("the packing step");
    let script = pack["run"]
        .as_str()
        .unwrap()
        .replace("${{ matrix.target }}", &target);
    assert!(!script.contains("${{"), "an expression left in {script}");

    let repo = Repo::new();
    let checkout = repo.outside().join("checkout");
    std::fs::create_dir_all(checkout.join("dist")).unwrap();
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::copy(manifest_dir().join(file), checkout.join(file)).unwrap();
    }
    let wheel = wheel();
    std::fs::copy(
        wheel,
        checkout.join("dist").join(wheel.file_name().unwrap()),
    )
    .unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let mut bash = repo.command_in("bash", &checkout);
    bash.args(["-euo", "pipefail", "-c", &script])
        .env("GITHUB_REF_NAME", format!("v{version}"));
    repo.run_cmd(&mut bash).assert_code(0);

    let (package, binstall) = binstall_metadata();
    let vars = binstall_vars(&package, &target, "tgz");
    let url = render(binstall["pkg-url"].as_str().unwrap(), &vars).unwrap();
    let archive = checkout.join("dist").join(url.rsplit('/').next().unwrap());
    assert!(archive.is_file(), "no {} packed", archive.display());
    let unpacked = repo.outside().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let mut tar = repo.command_in("tar", &unpacked);
    tar.arg("-xzf").arg(&archive);
    repo.run_cmd(&mut tar).assert_code(0);
    let bin = unpacked.join(render(binstall["bin-dir"].as_str().unwrap(), &vars).unwrap());
    let run = repo.run_cmd(repo.command(&bin).arg("--version"));
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), format!("reuse-surface {version}"));
}
