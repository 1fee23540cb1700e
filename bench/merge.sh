#!/usr/bin/env bash
# Merge-driver benchmark (SPEC §8, issue 4): a 10,000-row index where each
# side edits one row and appends one row. Times `reuse-surface merge-driver`
# and, as the baseline, `git merge-file` on the same three files, runs them
# interleaved RUNS times (fresh copies of ours each run, copying excluded
# from the timings), and prints both medians and their ratio.
#
#   bench/merge.sh              # 10,000 rows, 21 runs
#   ROWS=5000 RUNS=51 bench/merge.sh
#
# Exits 1 when the driver's median is over 150 ms or over 10x git's.
set -eu
ROWS=${ROWS:-10000}
RUNS=${RUNS:-21}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/reuse-surface"
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
command -v git >/dev/null || { echo "git not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
sh "$here/merge/gen.sh" "$work" "$ROWS"
size=$(wc -c < "$work/base.yaml" | tr -d ' ')

# Check once that the driver merges cleanly and keeps both appended rows.
cp "$work/ours.yaml" "$work/check.yaml"
status=0
(cd "$work" && "$bin" merge-driver base.yaml check.yaml theirs.yaml 7 registry/indexes/capabilities.yaml) || status=$?
if [ "$status" -ne 0 ]; then echo "driver exited $status on the benchmark input" >&2; exit 1; fi
for want in "row-$(printf %06d "$ROWS")" "row-$(printf %06d $((ROWS + 1)))" "renamed on ours" "status: deprecated"; do
    grep -q -- "$want" "$work/check.yaml" || { echo "merged result lacks '$want'" >&2; exit 1; }
done

# Milliseconds (3 decimals) of wall time for one command. Timestamps come
# from bash's $EPOCHREALTIME (no process started inside the timed window);
# shells without it fall back to date(1), which adds the same fork/exec
# overhead to both sides.
if [ -n "${EPOCHREALTIME:-}" ]; then
    time_ms() {
        local t0=${EPOCHREALTIME/[.,]/}
        "$@" >/dev/null 2>&1 || true
        local t1=${EPOCHREALTIME/[.,]/}
        awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1000 }'
    }
else
    time_ms() {
        local t0 t1
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1000000 }'
    }
fi
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$work/driver.ms"
: > "$work/git.ms"
i=0
cd "$work"
while [ "$i" -lt "$RUNS" ]; do
    cp ours.yaml a.yaml
    time_ms "$bin" merge-driver base.yaml a.yaml theirs.yaml 7 registry/indexes/capabilities.yaml >> driver.ms
    cp ours.yaml a.yaml
    time_ms git merge-file -L ours -L base -L theirs a.yaml base.yaml theirs.yaml >> git.ms
    i=$((i + 1))
done
d=$(median < driver.ms)
g=$(median < git.ms)
awk -v d="$d" -v g="$g" -v rows="$ROWS" -v size="$size" -v runs="$RUNS" 'BEGIN {
    printf "merge of a %d-row index (%.2f MB), %d interleaved runs\n", rows, size / 1e6, runs
    printf "  reuse-surface merge-driver  median %8.2f ms\n", d
    printf "  git merge-file (baseline)   median %8.2f ms\n", g
    printf "  ratio driver / git merge-file      %8.2f x\n", d / g
    ok = (d <= 150 && d <= 10 * g)
    printf "  bar: <= 150 ms and <= 10x git merge-file: %s\n", ok ? "met" : "NOT MET"
    exit ok ? 0 : 1
}'
