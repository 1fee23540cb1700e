#!/usr/bin/env python3
"""Driver of bench/merge.sh: check the driver's result once, then time
`reuse-surface merge-driver` and `git merge-file` interleaved on the same
three files (fresh copy of ours before each run, not timed), and print the
medians of wall and CPU time (user + sys of the child, getrusage) and the
ratios. Exit 1 when the CPU ratio is over the target.

usage: measure.py BIN DIR PATH RUNS CASE TARGET 'WANT|WANT|...'

With VS=/path/to/other/reuse-surface, that binary runs in the same
rounds, interleaved, on the same files: the ratio between the two builds
holds on a host whose speed moves by a third between minutes (the cost
of zeroing huge pages varies here).
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

binary, d, path, runs, case, target, wants = sys.argv[1:8]
runs, target = int(runs), float(target)
base, ours, theirs = (os.path.join(d, f) for f in ("base.yaml", "ours.yaml", "theirs.yaml"))
a = os.path.join(d, "a.yaml")
g = os.path.join(d, "g.yaml")


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv):
    c0, t0 = cpu(), time.perf_counter()
    p = subprocess.run(argv, cwd=d, capture_output=True)
    return (time.perf_counter() - t0) * 1000, (cpu() - c0) * 1000, p


driver = [binary, "merge-driver", "base.yaml", "a.yaml", "theirs.yaml", "7", path]
vs = os.environ.get("VS")
other = [vs, "merge-driver", "base.yaml", "a.yaml", "theirs.yaml", "7", path] if vs else None
git = ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", "g.yaml", "base.yaml", "theirs.yaml"]

shutil.copy(ours, a)
_, _, p = timed(driver)
if p.returncode != 0:
    sys.exit(f"{case}: the driver exited {p.returncode}:\n{p.stderr.decode()}")
merged = open(a).read()
for want in wants.split("|"):
    if want not in merged:
        sys.exit(f"{case}: the merged result lacks {want!r}")
shutil.copy(ours, g)
git_clean = timed(git)[2].returncode == 0
same_as_git = git_clean and open(g).read() == merged

if other:
    shutil.copy(ours, a)
    _, _, p = timed(other)
    if p.returncode != 0:
        sys.exit(f"{case}: the VS driver exited {p.returncode}:\n{p.stderr.decode()}")

dw, dc, gw, gc, vw, vc = [], [], [], [], [], []
commands = [(driver, a, dw, dc), (git, g, gw, gc)] + ([(other, a, vw, vc)] if other else [])
for i in range(-2, runs):
    for argv, out, walls, cpus in (commands if i % 2 == 0 else commands[::-1]):
        shutil.copy(ours, out)
        w, c, _ = timed(argv)
        if i >= 0:
            walls.append(w)
            cpus.append(c)
m = statistics.median
size = os.path.getsize(base)
print(f"{case}: merge of {size / 1e6:.2f} MB, {runs} interleaved runs, git clean: {git_clean}, result same as git's: {same_as_git}")
print(f"  reuse-surface merge-driver  wall {m(dw):8.2f} ms   cpu {m(dc):8.2f} ms")
print(f"  git merge-file (baseline)   wall {m(gw):8.2f} ms   cpu {m(gc):8.2f} ms")
if other:
    print(f"  VS {vs}\n     merge-driver             wall {m(vw):8.2f} ms   cpu {m(vc):8.2f} ms   this/VS cpu {m(dc) / max(m(vc), 0.01):5.2f}")
ratio = m(dc) / max(m(gc), 0.01)
print(f"  ratio driver / git          wall {m(dw) / max(m(gw), 0.01):8.2f} x    cpu {ratio:8.2f} x   target <= {target:.1f}x: {'met' if ratio <= target else 'NOT MET'}")
sys.exit(0 if ratio <= target else 1)
