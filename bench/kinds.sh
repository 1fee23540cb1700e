#!/usr/bin/env bash
# Registry kinds (issue 10): times `reuse-surface add` into a kind already
# holding N items (one list file of N module instances) and `validate` of a
# registry with N items across the write-scripts kinds (instances, routes
# in many files, abilities with references, one file per hook), for each
# N in SIZES (default 1,000 and 10,000), and prints how each grows from
# the first size to the last (linear is the ratio of the sizes). Medians
# of RUNS runs (default 7); CPU time (user + sys) beside wall time; the
# baseline `sh -c true` runs in the same loop.
#
#   bash bench/kinds.sh               # from the project root
#   RUNS=11 SIZES="1000 10000 100000" bash bench/kinds.sh
#   BIN=/tmp/old/reuse-surface bash bench/kinds.sh
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
SIZES=${SIZES:-"1000 10000"}
if [ "$RUNS" -lt 5 ]; then
    echo "kinds.sh: RUNS must be at least 5" >&2
    exit 2
fi
echo "building (release)..." >&2
built=$(./install.sh --build-only)
bin=$(realpath "${BIN:-$built}")
work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-kinds.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

# One timed run of "$@": wall and CPU nanoseconds, as "WALL CPU".
timed() {
    local start end cpu
    start=$(date +%s%N)
    cpu=$({ TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1)
    end=$(date +%s%N)
    echo "$((end - start)) $(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1e9 }')"
}

# A registry of N items across the kinds, in $1.
generate() {
    local dir=$1 n=$2
    mkdir -p "$dir"
    (cd "$dir" && git init -q && "$bin" establish --scaffold --profile write-scripts >/dev/null)
    python3 - "$dir" "$n" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
q = max(n // 4, 1)
def write(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
write("modules/overview/type_registry.yaml",
      "module_types:\n" + "".join(f"  - id: type{t}\n    description: Type {t}.\n" for t in range(10)))
write("modules/overview/instance_registry.yaml",
      "# instances\nmodule_instances:\n" + "".join(
          f"  - id: mod{i:06d}\n    type_id: type{i % 10}\n    description: Module {i}.\n    status: active\n"
          for i in range(q)))
per = 25
for f in range(0, q, per):
    rows = "".join(
        f"  - id: route{i:06d}\n    module_id: mod{i:06d}\n    scope: s{i % 50}\n"
        f"    topics: [t{i}, u{i}]\n    description: Route {i}.\n"
        for i in range(f, min(f + per, q)))
    write(f"modules/routes/mod{f:06d}.yaml", "routes:\n" + rows)
    rows = "".join(
        f"  - id: ab{i:06d}\n    module_id: mod{i:06d}\n    route_ids: [route{i:06d}]\n"
        f"    description: Ability {i}.\n"
        for i in range(f, min(f + per, q)))
    write(f".system/registry/low-level/mod{f:06d}.yaml", "abilities:\n" + rows)
for i in range(n - 3 * q):
    write(f".system/hooks/hook{i:06d}.yaml",
          f"id: hook{i:06d}\nevent_type: PostAbilityCall\nability_ids: [ab{i % q:06d}]\ndescription: Hook {i}.\n")
EOF
}

declare -A add_cpu validate_cpu
printf '%-10s %-22s %10s %10s %10s\n' "items" "case" "wall ms" "cpu ms" "x sh"
for n in $SIZES; do
    dir="$work/reg-$n"
    generate "$dir" "$n"
    if ! out=$("$bin" validate --root "$dir" 2>&1); then
        echo "kinds.sh: the generated $n-item registry does not validate:" >&2
        echo "$out" | tail -20 >&2
        exit 1
    fi
    # `add` into a kind of N items: the instances file holds N of them.
    python3 - "$dir" "$n" <<'EOF'
import sys
root, n = sys.argv[1], int(sys.argv[2])
with open(f"{root}/modules/overview/instance_registry.yaml", "w") as f:
    f.write("# instances\nmodule_instances:\n" + "".join(
        f"  - id: mod{i:06d}\n    type_id: type{i % 10}\n    description: Module {i}.\n    status: active\n"
        for i in range(n)))
EOF
    cp "$dir/modules/overview/instance_registry.yaml" "$work/instances-$n"
    entry='{"id": "mod000500x", "type_id": "type3", "description": "A new one."}'
    sh_cpu=() a_wall=() a_cpu=() v_wall=() v_cpu=()
    for _ in $(seq "$RUNS"); do
        read -r _ c < <(timed sh -c true)
        sh_cpu+=("$c")
        cp "$work/instances-$n" "$dir/modules/overview/instance_registry.yaml"
        read -r w c < <(timed "$bin" add --root "$dir" --type module_instance --entry-json "$entry")
        a_wall+=("$w") a_cpu+=("$c")
        read -r w c < <(timed "$bin" validate --root "$dir")
        v_wall+=("$w") v_cpu+=("$c")
    done
    grep -q "id: mod000500x" "$dir/modules/overview/instance_registry.yaml" || {
        echo "kinds.sh: add did not write its item" >&2
        exit 1
    }
    sh_med=$(printf '%s\n' "${sh_cpu[@]}" | median)
    for case in add validate; do
        if [ $case = add ]; then walls=("${a_wall[@]}") cpus=("${a_cpu[@]}"); else walls=("${v_wall[@]}") cpus=("${v_cpu[@]}"); fi
        w=$(printf '%s\n' "${walls[@]}" | median)
        c=$(printf '%s\n' "${cpus[@]}" | median)
        ratio=$(awk -v c="$c" -v s="$sh_med" 'BEGIN { printf "%.0f", (s > 0 ? c / s : 0) }')
        label="$case (N in one file)"
        [ $case = validate ] && label="validate (N in kinds)"
        printf '%-10s %-22s %10s %10s %10s\n' "$n" "$label" "$(ms "$w")" "$(ms "$c")" "$ratio"
        if [ $case = add ]; then add_cpu[$n]=$c; else validate_cpu[$n]=$c; fi
    done
done
first=$(printf '%s\n' $SIZES | sort -n | head -1)
last=$(printf '%s\n' $SIZES | sort -n | tail -1)
if [ "$first" != "$last" ]; then
    awk -v a="${add_cpu[$first]}" -v b="${add_cpu[$last]}" -v v="${validate_cpu[$first]}" -v w="${validate_cpu[$last]}" \
        -v f="$first" -v l="$last" 'BEGIN {
        printf "growth %s -> %s items (linear: %.0fx): add %.1fx, validate %.1fx (CPU)\n", f, l, l / f, b / a, w / v }'
fi
