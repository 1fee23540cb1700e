#!/usr/bin/env bash
# Times `reuse-surface validate` on synthetic registries of 100, 1,000 and
# 10,000 capabilities (bench/gen_registry.rs) and prints the median of
# RUNS runs each (default 7) and how the cost grows from 1,000 to 10,000
# (linear is 10x). Target: linear, 10,000 capabilities under 1 s. It also
# times the largest size with every entry failing a check, where every
# diagnostic is located in its file and printed.
#
#   bash bench/validate.sh            # from the project root
#   RUNS=11 SIZES="1000 10000" bash bench/validate.sh
#   BIN=/tmp/old/reuse-surface bash bench/validate.sh
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
SIZES=${SIZES:-"100 1000 10000"}
if [ "$RUNS" -lt 5 ]; then
    echo "validate.sh: RUNS must be at least 5" >&2
    exit 2
fi

echo "building (release)..." >&2
built=$(./install.sh --build-only) # the binary users install
cargo build --release --quiet --example gen_registry
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target_dir=${target_dir:-target}
# BIN=/path/to/reuse-surface times another build (say, the previous
# commit's) on the same generated registries.
bin=${BIN:-$built}
gen="$target_dir/release/examples/gen_registry"

work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

declare -A median_ns
printf '%-14s %12s %12s %12s %12s\n' "capabilities" "median ms" "min ms" "max ms" "cpu ms"
for n in $SIZES; do
    dir="$work/reg-$n"
    "$gen" "$n" "$dir"
    # Warm the page cache and insist the registry is valid.
    if ! out=$("$bin" validate --root "$dir" 2>&1); then
        echo "validate.sh: the generated $n-capability registry does not validate:" >&2
        echo "$out" | tail -20 >&2
        exit 1
    fi
    times=()
    cpus=()
    for _ in $(seq "$RUNS"); do
        start=$(now_ns)
        # CPU time (user + sys) too: wall time on a busy machine says
        # little, CPU time says what the work costs.
        cpu=$({ TIMEFORMAT='%U %S'; time "$bin" validate --root "$dir" >/dev/null 2>&1; } 2>&1)
        end=$(now_ns)
        times+=($((end - start)))
        cpus+=("$(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1e9 }')")
    done
    med=$(printf '%s\n' "${times[@]}" | median)
    min=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
    max=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
    cpu_med=$(printf '%s\n' "${cpus[@]}" | median)
    median_ns[$n]=$med
    printf '%-14s %12s %12s %12s %12s\n' "$n" "$(ms "$med")" "$(ms "$min")" "$(ms "$max")" "$(ms "$cpu_med")"
done

# The worst day: the largest registry with every entry failing a check
# (its documentation files gone), so every problem is located and shown.
largest=$(printf '%s\n' $SIZES | sort -n | tail -1)
broken="$work/reg-$largest"
rm -rf "$broken/docs"
times=()
for _ in $(seq "$RUNS"); do
    start=$(now_ns)
    "$bin" validate --root "$broken" >"$work/broken.out" 2>&1 || true
    end=$(now_ns)
    times+=($((end - start)))
done
shown=$(grep -c '^error\[' "$work/broken.out" || true)
echo "$largest capabilities, every one with missing evidence ($shown errors shown): $(ms "$(printf '%s\n' "${times[@]}" | median)") ms median"

if [ -n "${median_ns[1000]:-}" ] && [ -n "${median_ns[10000]:-}" ]; then
    growth=$(awk -v a="${median_ns[1000]}" -v b="${median_ns[10000]}" 'BEGIN { printf "%.2f", b / a }')
    echo "growth 1,000 -> 10,000 capabilities: ${growth}x (linear: 10x)"
    if [ "${median_ns[10000]}" -lt 1000000000 ]; then
        echo "10,000 capabilities: $(ms "${median_ns[10000]}") ms (target: under 1000 ms) ok"
    else
        echo "10,000 capabilities: $(ms "${median_ns[10000]}") ms (target: under 1000 ms) MISSED"
    fi
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
