#!/usr/bin/env bash
# Fuzzing (issue 13, item 17): runs every `cargo fuzz` target in fuzz/ for
# SECONDS each (nightly toolchain and cargo-fuzz needed; the checks are
# `reuse_surface::fuzzing`, which plain `cargo test` replays over the
# committed corpus on stable).
#
#   bench/fuzz.sh 600             # every target, 10 minutes each
#   TARGETS="merge editor" bench/fuzz.sh 60
#   bench/fuzz.sh --minimize      # fold what the runs found into fuzz/corpus/
#
# Each target starts from fuzz/corpus/<target>/ (the committed, minimized
# corpus) and fuzz/regressions/<target>/ (every input a run found a defect
# with, committed once the defect is fixed, never minimized away), and
# writes what it finds to fuzz/work/<target>/ (not committed), so a run
# never bloats the tree; `--minimize` merges corpus and work into the
# smallest corpus that keeps the coverage. A crash leaves its input in
# fuzz/artifacts/<target>/ and the run goes on with the next target.
# Prints one line per target: runs, corpus size, and the finding if any.
# Exits 1 when a target found something. Run it niced on a shared machine:
#   nice -n 10 bench/fuzz.sh 600
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
fuzz="$root/fuzz"
targets=${TARGETS:-"scanner front_matter editor merge index"}
# ASan finds nothing safe Rust can do wrong, and halves the speed.
flags=(-s none)

cd "$fuzz" || exit 2
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz not installed (cargo install cargo-fuzz)" >&2; exit 2; }

if [ "${1:-}" = "--minimize" ]; then
    for t in $targets; do
        mkdir -p "work/$t" "corpus/$t"
        fresh=$(mktemp -d)
        cargo +nightly fuzz run "${flags[@]}" "$t" "$fresh" "corpus/$t" "work/$t" -- \
            -set_cover_merge=1 -max_len=16384 >/dev/null 2>&1 || { echo "$t: merge failed" >&2; exit 1; }
        rm -rf "corpus/$t" && mv "$fresh" "corpus/$t"
        echo "$t: $(find "corpus/$t" -type f | wc -l) files, $(du -sk "corpus/$t" | cut -f1) KiB"
    done
    exit 0
fi

seconds=${1:?usage: bench/fuzz.sh SECONDS | --minimize}
cargo +nightly fuzz build "${flags[@]}" >/dev/null 2>&1 || {
    echo "cargo +nightly fuzz build failed" >&2
    exit 2
}
mkdir -p logs
status=0
for t in $targets; do
    mkdir -p "work/$t" "corpus/$t" "artifacts/$t"
    log="logs/$t.log"
    mkdir -p "regressions/$t"
    cargo +nightly fuzz run "${flags[@]}" "$t" "work/$t" "corpus/$t" "regressions/$t" -- \
        -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    units=$(find "work/$t" "corpus/$t" -type f | wc -l)
    if [ $rc -eq 0 ]; then
        echo "$t: ${runs:-?} runs in ${seconds}s, $units corpus files, no finding"
    else
        status=1
        what=$(grep -m1 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log")
        echo "$t: FINDING after ${runs:-?} runs: $what (input in fuzz/artifacts/$t/, log in fuzz/$log)"
    fi
done
exit $status
