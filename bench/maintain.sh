#!/usr/bin/env bash
# `maintain` benchmarks (issue 9), each against a baseline run in the same
# invocation, with CPU time (user + sys) beside wall time:
#
# 1. `maintain --auto --no-llm --from-git-since HEAD~1` on a generated
#    registry of 1,000 capabilities whose last commit added 20 test files
#    (20 evidence_append patches), against `validate` of the same registry.
#    Each run starts from the committed registry (restoring is not timed).
# 2. The LLM phase over 20 capabilities (`--all`) against a local test
#    bridge on 127.0.0.1 that answers every request after 200 ms, with
#    `--llm-jobs 1` and with the default (4): their ratio is the speed-up.
#
#   bash bench/maintain.sh            # from the project root
#   RUNS=11 bash bench/maintain.sh
#   BIN=/tmp/old/reuse-surface bash bench/maintain.sh
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
SIZE=${SIZE:-1000}
if [ "$RUNS" -lt 3 ]; then
    echo "maintain.sh: RUNS must be at least 3" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "maintain.sh: python3 is needed for the test bridge" >&2; exit 2; }

echo "building (release)..." >&2
built=$(./install.sh --build-only) # the binary users install
cargo build --release --quiet --example gen_registry
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target_dir=${target_dir:-target}
bin=${BIN:-$built}
gen="$target_dir/release/examples/gen_registry"

work=$(mktemp -d "${TMPDIR:-/tmp}/reuse-surface-maintain-bench.XXXXXX")
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid NO_COLOR=1
unset LLM_CONNECT_URL OPENAI_BASE_URL || true
mkdir -p "$HOME"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }
now_ns() { date +%s%N; }

# time_cmd CMD...: sets WALL and CPU (ns) of one run; output discarded.
time_cmd() {
    local start end cpu
    start=$(now_ns)
    cpu=$({ TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1) || true
    end=$(now_ns)
    WALL=$((end - start))
    CPU=$(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1e9 }')
}

row() { printf '%-44s %10s %10s %10s\n' "$@"; }

# ---- 1. maintain --auto --no-llm at SIZE capabilities with 20 signals ----
reg="$work/reg"
"$gen" "$SIZE" "$reg"
git -C "$reg" init -q -b main
git -C "$reg" add -A
git -C "$reg" commit -q -m registry
for i in $(seq 1 20); do
    slug=$(printf 'cap-%05d' "$i")
    mkdir -p "$reg/src/$slug"
    printf '#[test]\nfn t() {}\n' >"$reg/src/$slug/feature_test.rs"
done
git -C "$reg" add -A
git -C "$reg" commit -q -m "20 new test files"

# Once, checked: all 20 patches applied, the result validates.
out=$("$bin" maintain --path "$reg" --auto --no-llm --from-git-since HEAD~1 --format json)
applied=$(printf '%s\n' "$out" | grep -c '"event":"applied"' || true)
if [ "$applied" -ne 20 ]; then
    echo "maintain.sh: expected 20 applied patches, got $applied" >&2
    printf '%s\n' "$out" | tail -5 >&2
    exit 1
fi
"$bin" validate --root "$reg" >/dev/null
git -C "$reg" checkout -q -- registry

declare -a m_wall m_cpu v_wall v_cpu
for _ in $(seq "$RUNS"); do
    time_cmd "$bin" validate --root "$reg"
    v_wall+=("$WALL"); v_cpu+=("$CPU")
    time_cmd "$bin" maintain --path "$reg" --auto --no-llm --from-git-since HEAD~1
    m_wall+=("$WALL"); m_cpu+=("$CPU")
    git -C "$reg" checkout -q -- registry
done
mw=$(printf '%s\n' "${m_wall[@]}" | median); mc=$(printf '%s\n' "${m_cpu[@]}" | median)
vw=$(printf '%s\n' "${v_wall[@]}" | median); vc=$(printf '%s\n' "${v_cpu[@]}" | median)
echo "== $SIZE capabilities, 20 signals, $RUNS runs (medians)"
row "" "wall ms" "cpu ms" "ratio"
row "validate (baseline)" "$(ms "$vw")" "$(ms "$vc")" "1.00"
row "maintain --auto --no-llm (20 patches)" "$(ms "$mw")" "$(ms "$mc")" \
    "$(awk -v a="$mw" -v b="$vw" 'BEGIN { printf "%.2f", a / b }')"

# ---- 2. the LLM phase over 20 capabilities, 200 ms per answer ----------
small="$work/small"
"$gen" 20 "$small"
git -C "$small" init -q -b main
git -C "$small" add -A
git -C "$small" commit -q -m registry
port_file="$work/port"
timeout 900 python3 - "$port_file" <<'EOF' &
import http.server, json, sys, time
class Bridge(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(0.2)
        body = json.dumps({"output": {"patches": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bridge)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
[ -s "$port_file" ] || { echo "maintain.sh: the test bridge did not start" >&2; exit 1; }
url="http://127.0.0.1:$(cat "$port_file")"

declare -a s_wall s_cpu p_wall p_cpu
for _ in $(seq "$RUNS"); do
    time_cmd "$bin" maintain --path "$small" --auto --all --llm-url "$url" --llm-jobs 1
    s_wall+=("$WALL"); s_cpu+=("$CPU")
    time_cmd "$bin" maintain --path "$small" --auto --all --llm-url "$url"
    p_wall+=("$WALL"); p_cpu+=("$CPU")
done
sw=$(printf '%s\n' "${s_wall[@]}" | median); sc=$(printf '%s\n' "${s_cpu[@]}" | median)
pw=$(printf '%s\n' "${p_wall[@]}" | median); pc=$(printf '%s\n' "${p_cpu[@]}" | median)
echo "== LLM phase, 20 capabilities, bridge answers after 200 ms, $RUNS runs (medians)"
row "" "wall ms" "cpu ms" "ratio"
row "--llm-jobs 1 (baseline)" "$(ms "$sw")" "$(ms "$sc")" "1.00"
row "--llm-jobs 4 (default)" "$(ms "$pw")" "$(ms "$pc")" \
    "$(awk -v a="$pw" -v b="$sw" 'BEGIN { printf "%.2f", a / b }')"
echo "floor: 20 x 200 ms = 4000 ms serial, 5 x 200 ms = 1000 ms with 4 at a time"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
