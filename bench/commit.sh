#!/usr/bin/env bash
# Commit overhead of the reuse-surface git hooks (issue 3, SPEC §8).
#
# Builds the release binary, generates a registry of SIZE capabilities
# (default 1000) with their evidence, commits it, clones it, installs the
# hooks in the clone only, then times `git commit` in both clones with
# interleaved runs and prints the medians and the overhead of:
#   (a)  a commit touching nothing registry-related      target <= 5 ms over git alone
#   (b)  a commit editing one entry and its index row     target <= 50 ms
#   (b2) a commit editing one entry; the hook syncs the row and stages it
# Exit status 1 when a target is missed.
#
# usage: bench/commit.sh            N=31 SIZE=1000 bench/commit.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
N=${N:-21}
SIZE=${SIZE:-1000}
[ "$N" -ge 15 ] || { echo "bench: N must be at least 15" >&2; exit 2; }

cd "$top"
echo "== cargo build --release" >&2
cargo build --release --quiet
bin=$top/target/release/reuse-surface

work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-bench-commit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Isolate git from the machine's and the caller's configuration.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_COMMON_DIR \
	REUSE_SURFACE_SKIP REUSE_SURFACE_BIN XDG_CONFIG_HOME
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
mkdir -p "$HOME"
# No automatic gc or maintenance in the middle of a timed commit.
git config --global gc.auto 0
git config --global maintenance.auto false
git config --global init.defaultBranch main

repo=$work/base
mkdir -p "$repo"
echo "== generating $SIZE capabilities" >&2
generated=
if cargo run --release --quiet --example gen_registry -- "$SIZE" "$repo" >/dev/null 2>&1 &&
	[ -f "$repo/registry/indexes/capabilities.yaml" ]; then
	generated="cargo run --example gen_registry"
else
	rm -rf "$repo" && mkdir -p "$repo"
	python3 "$here/commit/gen_registry.py" "$SIZE" "$repo"
	generated="bench/commit/gen_registry.py"
fi
[ -f "$repo/src/x.c" ] || { mkdir -p "$repo/src" && echo 'int x;' >"$repo/src/x.c"; }
echo 'registry/indexes/*.yaml merge=reuse-surface' >"$repo/.gitattributes"
count=$(find "$repo/registry/capabilities" -name '*.md' ! -name '_*' | wc -l)
echo "   $count entries, $(find "$repo" -type f | wc -l) files (generator: $generated)" >&2
"$bin" validate --root "$repo" >/dev/null || {
	echo "bench: the generated registry does not validate:" >&2
	"$bin" validate --root "$repo" >&2
	exit 1
}

git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" commit -q -m "registry of $SIZE capabilities"
hooked=$work/hooked
git clone -q "$repo" "$hooked"
(cd "$hooked" && "$bin" install >/dev/null)
[ -x "$hooked/.git/hooks/pre-commit" ] || { echo "bench: install did not write the hooks" >&2; exit 1; }
[ ! -e "$repo/.git/hooks/pre-commit" ] || { echo "bench: the base clone has a pre-commit hook" >&2; exit 1; }

echo "== timing git commit: $N interleaved rounds per scenario (medians)" >&2
echo "git $(git --version | cut -d' ' -f3), $(nproc) CPUs, $count capabilities"
python3 "$here/commit/measure.py" "$repo" "$hooked" "$N"
