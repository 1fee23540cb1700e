#!/usr/bin/env python3
"""Driver of bench/commit.sh: time `git commit` in two identical clones,
one without hooks (BASE) and one with the reuse-surface hooks (HOOKED).

Runs are interleaved (the order alternates every round) and each scenario
reports the median of N rounds per clone and the difference of the medians.

usage: measure.py BASE HOOKED N
"""
import os
import statistics
import subprocess
import sys
import time

base, hooked, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
SIZE = int(os.environ.get("SIZE", "1000"))


def git(repo, *args, check=True):
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True)


def timed_commit(repo, message):
    t0 = time.perf_counter()
    p = subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"git commit failed in {repo}:\n{p.stdout.decode()}{p.stderr.decode()}")
    return dt * 1000.0, p.stderr.decode()


def rewrite(repo, rel, old, new):
    path = os.path.join(repo, rel)
    with open(path) as f:
        text = f.read()
    assert old in text, (rel, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def entry_rel(k):
    return f"registry/capabilities/c{k:04d}.md"


INDEX = "registry/indexes/capabilities.yaml"
titles = {}  # (repo, k) -> current title


def edit_entry(repo, i, sync_row):
    """Bump the title of one entry (a different one each round); with
    `sync_row`, edit the matching index row too (the hook then only
    validates); without, the hook syncs the row itself."""
    k = (i * 37 + 11) % SIZE
    old = titles.get((repo, k), f"Capability {k:04d}")
    new = f"Capability {k:04d} r{i}"
    rewrite(repo, entry_rel(k), f"title: {old}\n", f"title: {new}\n")
    paths = [entry_rel(k)]
    if sync_row:
        rewrite(repo, INDEX, f"    title: {old}\n", f"    title: {new}\n")
        paths.append(INDEX)
    titles[(repo, k)] = new
    git(repo, "add", *paths)


def touch_source(repo, i):
    with open(os.path.join(repo, "src/x.c"), "a") as f:
        f.write(f"int x{i};\n")
    git(repo, "add", "src/x.c")


SCENARIOS = [
    ("a", "commit touching nothing registry-related (src/x.c)", lambda r, i: touch_source(r, i)),
    ("b", "commit editing one entry and its index row (hook validates)", lambda r, i: edit_entry(r, i, True)),
    ("b2", "commit editing one entry only (hook syncs and stages the row)", lambda r, i: edit_entry(r, i, False)),
]

results = {}
counter = 0
for key, label, prepare in SCENARIOS:
    times = {base: [], hooked: []}
    for i in range(-3, rounds):  # three warm-up rounds, discarded
        order = (base, hooked) if i % 2 == 0 else (hooked, base)
        for repo in order:
            counter += 1
            prepare(repo, counter)
            ms, err = timed_commit(repo, f"{key} {i}")
            if repo == hooked and key.startswith("b") and i == 0 and os.environ.get("VERBOSE"):
                sys.stderr.write(err)
            if i >= 0:
                times[repo].append(ms)
    mb, mh = statistics.median(times[base]), statistics.median(times[hooked])
    results[key] = (label, mb, mh, times)
    print(
        f"({key}) {label}\n"
        f"     git alone: median {mb:7.2f} ms   (min {min(times[base]):.2f}, max {max(times[base]):.2f})\n"
        f"     with hooks: median {mh:7.2f} ms   (min {min(times[hooked]):.2f}, max {max(times[hooked]):.2f})\n"
        f"     overhead: {mh - mb:+.2f} ms  (ratio {mh / mb:.2f}x)",
        flush=True,
    )

# The hooked clone's last commit of b2 must carry a synced row, and both
# clones must be clean: otherwise the numbers measured something else.
for repo in (base, hooked):
    status = git(repo, "status", "--porcelain").stdout.decode()
    if repo == hooked and status:
        sys.exit(f"hooked clone not clean after the runs:\n{status}")
last = [t for (r, _), t in titles.items() if r == hooked]
head_index = git(hooked, "show", f"HEAD:{INDEX}").stdout.decode()
if not all(f"title: {t}\n" in head_index for t in last):
    sys.exit("the hooked clone's index is missing a synced title: the hook did not run as expected")

targets = {"a": 5.0, "b": 50.0, "b2": 50.0}
print("\nsummary (overhead = median with hooks - median git alone, same invocation)")
ok = True
for key, (label, mb, mh, _) in results.items():
    over = mh - mb
    met = over <= targets[key]
    ok &= met
    print(f"  ({key}) {over:+7.2f} ms   target <= {targets[key]:.0f} ms   {'ok' if met else 'MISSED'}")
sys.exit(0 if ok else 1)
