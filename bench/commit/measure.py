#!/usr/bin/env python3
"""Driver of bench/commit.sh: time `git commit` in three identical clones:
BASE has no hooks (git alone), NOOP has a pre-commit hook that is a shell
script doing nothing (the floor any hook pays: git forks it and re-reads
its index afterwards), HOOKED has the reuse-surface hooks.

Runs are interleaved (the order rotates every round); each scenario reports
the median of N rounds per clone, and the overhead as the difference of
the medians, in wall-clock time and in CPU time (user + sys of git and of
the hook, which git waits for: steadier when the machine is busy).

usage: measure.py BASE NOOP HOOKED N
"""
import os
import re
import resource
import statistics
import subprocess
import sys
import time

base, noop, hooked, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
REPOS = (base, noop, hooked)
INDEX = "registry/indexes/capabilities.yaml"
ENTRIES = sorted(
    f"registry/capabilities/{name}"
    for name in os.listdir(os.path.join(base, "registry/capabilities"))
    if name.endswith(".md") and not name.startswith("_")
)
TARGETS = {"a": 5.0, "b": 50.0, "b2": 50.0}


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_commit(repo, message):
    """Wall time and CPU time of one `git commit`, in ms."""
    c0 = cpu_children()
    t0 = time.perf_counter()
    p = subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True)
    wall = time.perf_counter() - t0
    cpu = cpu_children() - c0
    if p.returncode != 0:
        sys.exit(f"git commit failed in {repo}:\n{p.stdout.decode()}{p.stderr.decode()}")
    return wall * 1000.0, cpu * 1000.0


def read(repo, rel):
    with open(os.path.join(repo, rel)) as f:
        return f.read()


def write(repo, rel, text):
    with open(os.path.join(repo, rel), "w") as f:
        f.write(text)


titles = {}  # (repo, entry path) -> current title


def edit_entry(repo, i, sync_row):
    """Retitle one entry (a different one each round). With `sync_row` the
    matching index row is edited too, so the hook only validates; without,
    the hook finds the drift, syncs the row and stages it."""
    rel = ENTRIES[(i * 37 + 11) % len(ENTRIES)]
    text = read(repo, rel)
    old = re.search(r"^title: (.*)$", text, re.M).group(1)
    new = re.sub(r" r\d+$", "", old) + f" r{i}"
    write(repo, rel, text.replace(f"title: {old}\n", f"title: {new}\n", 1))
    paths = [rel]
    if sync_row:
        index = read(repo, INDEX)
        at = index.index(f"path: {rel}\n")
        start = index.rindex("  - id:", 0, at)
        row = index[start:at]
        assert f"title: {old}\n" in row, (rel, row)
        write(repo, INDEX, index[:start] + row.replace(f"title: {old}\n", f"title: {new}\n", 1) + index[at:])
        paths.append(INDEX)
    titles[(repo, rel)] = new
    git(repo, "add", *paths)


def touch_source(repo, i):
    with open(os.path.join(repo, "src/x.c"), "a") as f:
        f.write(f"int x{i};\n")
    git(repo, "add", "src/x.c")


SCENARIOS = [
    ("a", "commit touching nothing registry-related (src/x.c)", lambda r, i: touch_source(r, i)),
    ("b", "commit editing one entry and its index row (the hook validates)", lambda r, i: edit_entry(r, i, True)),
    ("b2", "commit editing one entry only (the hook syncs and stages the row)", lambda r, i: edit_entry(r, i, False)),
]

summary = []
counter = 0
for key, label, prepare in SCENARIOS:
    wall = {r: [] for r in REPOS}
    cpu = {r: [] for r in REPOS}
    for i in range(-3, rounds):  # three warm-up rounds, discarded
        k = i % len(REPOS)
        for repo in REPOS[k:] + REPOS[:k]:
            counter += 1
            prepare(repo, counter)
            w, c = timed_commit(repo, f"{key} {i}")
            if i >= 0:
                wall[repo].append(w)
                cpu[repo].append(c)
    med = {r: (statistics.median(wall[r]), statistics.median(cpu[r])) for r in REPOS}
    print(f"({key}) {label}")
    for name, r in (("git alone", base), ("no-op hook", noop), ("reuse-surface", hooked)):
        print(
            f"     {name:13} wall median {med[r][0]:7.2f} ms (min {min(wall[r]):6.2f})"
            f"   cpu median {med[r][1]:7.2f} ms"
        )
    over_wall = med[hooked][0] - med[base][0]
    over_cpu = med[hooked][1] - med[base][1]
    over_noop = med[hooked][0] - med[noop][0]
    print(
        f"     overhead over git alone: wall {over_wall:+7.2f} ms   cpu {over_cpu:+7.2f} ms"
        f"   (a no-op hook: wall {med[noop][0] - med[base][0]:+.2f} ms; reuse-surface over it: {over_noop:+.2f} ms)",
        flush=True,
    )
    summary.append((key, over_wall, over_cpu))

# The numbers must have measured what they claim: the hooked clone is
# clean and its HEAD index carries every title the hook had to sync.
status = git(hooked, "status", "--porcelain").stdout.decode()
if status:
    sys.exit(f"the hooked clone is not clean after the runs:\n{status}")
head_index = git(hooked, "show", f"HEAD:{INDEX}").stdout.decode()
missing = [t for (r, _), t in titles.items() if r == hooked and f"title: {t}\n" not in head_index]
if missing:
    sys.exit(f"the hooked clone's index lacks synced titles {missing[:3]}: the hook did not run as expected")

print("\nsummary: overhead = median with the reuse-surface hooks - median of git alone")
ok = True
for key, over_wall, over_cpu in summary:
    met = over_wall <= TARGETS[key]
    ok &= met
    print(
        f"  ({key:2}) wall {over_wall:+7.2f} ms   cpu {over_cpu:+7.2f} ms   target <= {TARGETS[key]:.0f} ms   "
        f"{'ok' if met else 'MISSED'}"
    )
sys.exit(0 if ok else 1)
