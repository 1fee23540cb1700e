#!/usr/bin/env bash
# Issue 11's table: the CPU time of the `reuse-surface hook pre-commit`
# process itself (and of `validate`), medians over ROUNDS interleaved runs,
# beside `sh -c true` timed in the same rounds. Cases:
#   noop       nothing registry-related staged, 1,000 capabilities    target <= 2 ms
#   summary    one entry's summary edited, 1,000 and 10,000            <= 10 ms / <= 20 ms
#   drift500   500 of 5,000 entries' titles drift (500 rows re-derived) <= 500 ms wall
#   validate   one entry edited since the last run, 10,000             <= 300 ms wall
#   validate-unchanged  nothing changed since the last run, 10,000     <= 100 ms wall
# GROWTH=1 adds the growth series: one entry edited at 1,000 / 10,000 /
# 100,000 capabilities (the hook), and validate unchanged at each size.
#
# VS=/path/to/another/reuse-surface times that binary too, interleaved in
# the same rounds on its own copy of each repository: the ratio of the two
# holds on a host whose speed drifts between runs.
#
#   bash bench/hook.sh               ROUNDS=21 bash bench/hook.sh
#   BIN=/tmp/old/reuse-surface GROWTH=1 bash bench/hook.sh
#   VS=/tmp/old/reuse-surface CASES="summary:1000" bash bench/hook.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ROUNDS=${ROUNDS:-15}
cd "$top"
# The binary as install.sh builds it (static on glibc Linux), which is
# what the hooks of an installed reuse-surface start.
built=$("$top/install.sh" --build-only)
cargo build --release --quiet --example gen_registry
bin=${BIN:-$built}
gen=$top/target/release/examples/gen_registry

work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-bench-hook.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Each binary timed is a fresh copy, as `cargo install` (install.sh)
# leaves it: the same bytes run up to a quarter slower or faster in the
# no-op case depending on how the file was written and read back (its
# layout on disk and in the page cache decides what each page fault of
# the binary maps), which would otherwise decide a comparison.
mkdir -p "$work/bin" "$work/vs"
cp "$bin" "$work/bin/reuse-surface" && bin=$work/bin/reuse-surface
if [ -n "${VS:-}" ]; then
	cp "$VS" "$work/vs/reuse-surface" && export VS=$work/vs/reuse-surface
fi
# Isolate git from the machine's and the caller's configuration.
. "$here/isolated_git.sh"

# A committed registry of $1 capabilities with the hooks installed.
repo_of() {
	local n=$1 repo=$work/reg-$1
	if [ ! -d "$repo" ]; then
		echo "== generating $n capabilities" >&2
		"$gen" "$n" "$repo" >/dev/null
		mkdir -p "$repo/src" && echo 'int x;' >"$repo/src/x.c"
		git -C "$repo" init -q
		git -C "$repo" add -A
		git -C "$repo" commit -q -m "registry of $n capabilities"
		(cd "$repo" && "$bin" install >/dev/null)
		"$bin" validate --root "$repo" >/dev/null
	fi
	echo "$repo"
}

# CASES="summary:10000 drift500:5000" runs only those (case:size).
cases=${CASES:-"noop:1000 summary:1000 summary:10000 drift500:5000 validate:10000 validate-unchanged:10000"}
if [ "${GROWTH:-0}" = 1 ]; then
	cases+=" summary:100000 validate-unchanged:1000 validate-unchanged:100000"
fi
args=()
for c in $cases; do
	args+=("${c%%:*}" "$(repo_of "${c#*:}")")
done
echo "git $(git --version | cut -d' ' -f3), $(nproc) CPUs, $ROUNDS rounds, binary $bin"
python3 "$here/hook/measure.py" "$bin" "$ROUNDS" "${args[@]}"
