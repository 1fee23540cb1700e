#!/usr/bin/env bash
# Commit overhead of the reuse-surface git hooks (issue 3, SPEC §8).
#
# Builds the release binary, generates a registry of SIZE capabilities
# (default 1000) with their evidence (bench/gen_registry.rs), commits it,
# makes three clones (no hooks; a no-op pre-commit hook, the floor any hook
# pays; the reuse-surface hooks), then times `git commit` in them with
# interleaved runs and prints the medians and the overhead over git alone of:
#   (a)  a commit touching nothing registry-related      target <= 5 ms over git alone
#   (b)  a commit editing one entry and its index row     target <= 50 ms
#   (b2) a commit editing one entry; the hook syncs the row and stages it
# Exit status 1 when a target is missed.
#
# usage: bench/commit.sh            N=31 SIZE=1000 bench/commit.sh
#        BIN=/tmp/old/reuse-surface bench/commit.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
N=${N:-21}
SIZE=${SIZE:-1000}
[ "$N" -ge 15 ] || { echo "bench: N must be at least 15" >&2; exit 2; }

cd "$top"
echo "== ./install.sh --build-only (the binary users install)" >&2
built=$("$top/install.sh" --build-only)
# BIN=/path/to/reuse-surface measures another build (say, the previous
# commit's) with the same generated registry and scenarios.
bin=${BIN:-$built}
# The registry generator (built now: HOME changes below).
cargo build --release --quiet --example gen_registry
gen=$top/target/release/examples/gen_registry

work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-bench-commit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Isolate git from the machine's and the caller's configuration.
. "$here/isolated_git.sh"

repo=$work/seed
mkdir -p "$repo"
echo "== generating $SIZE capabilities" >&2
"$gen" "$SIZE" "$repo" >/dev/null
[ -f "$repo/src/x.c" ] || { mkdir -p "$repo/src" && echo 'int x;' >"$repo/src/x.c"; }
echo 'registry/indexes/*.yaml merge=reuse-surface' >"$repo/.gitattributes"
count=$(find "$repo/registry/capabilities" -name '*.md' ! -name '_*' | wc -l)
echo "   $count entries, $(find "$repo" -type f | wc -l) files" >&2
"$bin" validate --root "$repo" >/dev/null || {
	echo "bench: the generated registry does not validate:" >&2
	"$bin" validate --root "$repo" >&2
	exit 1
}

git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" commit -q -m "registry of $SIZE capabilities"
# Three identical clones: git alone, a no-op hook, the reuse-surface hooks.
base=$work/base-clone noop=$work/noop hooked=$work/hooked
for clone in "$base" "$noop" "$hooked"; do
	git clone -q "$repo" "$clone"
done
printf '#!/bin/sh\nexit 0\n' >"$noop/.git/hooks/pre-commit"
chmod +x "$noop/.git/hooks/pre-commit"
(cd "$hooked" && "$bin" install >/dev/null)
grep -q 'installed by reuse-surface' "$hooked/.git/hooks/pre-commit" ||
	{ echo "bench: install did not write the hooks" >&2; exit 1; }
[ ! -e "$base/.git/hooks/pre-commit" ] || { echo "bench: the base clone has a pre-commit hook" >&2; exit 1; }

echo "== timing git commit: $N interleaved rounds per scenario (medians)" >&2
echo "git $(git --version | cut -d' ' -f3), $(nproc) CPUs, $count capabilities"
python3 "$here/commit/measure.py" "$base" "$noop" "$hooked" "$N"
