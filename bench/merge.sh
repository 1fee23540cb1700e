#!/usr/bin/env bash
# Merge-driver benchmark (SPEC §8, issues 4 and 11). Two cases:
#   index   a 10,000-row capability index where each side edits one row
#           and appends one row (bench/merge/gen.sh)          target <= 1.5x git
#   nested  a 1.1 MB CI-style file of jobs keyed by `name` with nested
#           steps, containers and args lists, edited on both sides
#           (bench/merge/gen_nested.sh)                        target <= 2x git
# Times `reuse-surface merge-driver` and, as the baseline, `git merge-file`
# on the same three files, interleaved RUNS times (a fresh copy of ours
# each run, the copy not timed), and prints the medians of wall time and of
# CPU time (getrusage of the child) and their ratios. Each case first checks
# that the driver's result is clean, keeps both sides' changes, and for
# these inputs is byte-identical to git's.
#
#   bench/merge.sh                       # both cases, 21 runs
#   CASES=index ROWS=5000 RUNS=51 bench/merge.sh
#   BIN=/tmp/old/reuse-surface bench/merge.sh
#   VS=/tmp/old/reuse-surface bench/merge.sh   # both builds, interleaved
#
# Exits 1 when a case's CPU ratio is over its target.
set -eu
ROWS=${ROWS:-10000}
RUNS=${RUNS:-21}
CASES=${CASES:-"index nested"}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

built=$("$root/install.sh" --build-only) # the binary users install
bin=${BIN:-$built}
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
command -v git >/dev/null || { echo "git not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# Fresh copies of the binaries timed, as in bench/hook.sh (and as
# `cargo install` leaves them): how a file was written and read back
# changes what its page faults cost.
mkdir -p "$work/bin" "$work/vs"
cp "$bin" "$work/bin/reuse-surface" && bin=$work/bin/reuse-surface
if [ -n "${VS:-}" ]; then
    cp "$VS" "$work/vs/reuse-surface" && export VS=$work/vs/reuse-surface
fi
status=0
for case in $CASES; do
    dir="$work/$case"
    mkdir -p "$dir"
    case $case in
    index)
        sh "$here/merge/gen.sh" "$dir" "$ROWS"
        path=registry/indexes/capabilities.yaml target=1.5
        wants="row-$(printf %06d "$ROWS")|row-$(printf %06d $((ROWS + 1)))|renamed on ours|status: deprecated"
        ;;
    nested)
        sh "$here/merge/gen_nested.sh" "$dir"
        path=.ci/config.yaml target=2.0
        wants="job-added-on-ours|job-added-on-theirs|VERBOSE=1|build:9.99|--verbose"
        ;;
    *) echo "unknown case $case" >&2; exit 2 ;;
    esac
    python3 "$here/merge/measure.py" "$bin" "$dir" "$path" "$RUNS" "$case" "$target" "$wants" || status=1
done
exit $status
