#!/usr/bin/env python3
"""Driver of bench/hook.sh (issue 11): the CPU time of the
`reuse-surface hook pre-commit` process itself, and of `validate`, per
case of the performance table, beside `sh -c true` timed in the same
rounds (the floor of starting any process).

Each round resets the repository to HEAD (untimed), makes a fresh change
(a different entry, new bytes, so the cache has exactly what a real next
commit would have), stages it, and runs the hook once, interleaved with
the baseline. CPU time is user + sys from getrusage(RUSAGE_CHILDREN);
wall time beside it. For the hook's cases, `git diff --cached --quiet`
runs on the same staged state right after the hook: git's own cheapest
question about what is staged (it reads the whole index too), the floor
any pre-commit hook starts from, printed as hook/git.

usage: measure.py BIN ROUNDS CASE REPO [CASE REPO ...]
cases: noop, summary, drift500, validate, validate-unchanged

With VS=/path/to/other/reuse-surface, that binary runs in the same rounds,
interleaved, on a copy of each repository (its caches and remembered
verdicts are its own) with the same change made each round: the ratio
between the two is what to compare on a host whose speed drifts.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

BIN, ROUNDS = sys.argv[1], int(sys.argv[2])
VS = os.environ.get("VS")
PAIRS = list(zip(sys.argv[3::2], sys.argv[4::2]))
INDEX = "registry/indexes/capabilities.yaml"
ENV = dict(os.environ, NO_COLOR="1")


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv, cwd, ok=(0,)):
    c0 = cpu_children()
    t0 = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, capture_output=True, env=ENV)
    wall = (time.perf_counter() - t0) * 1000.0
    cpu = (cpu_children() - c0) * 1000.0
    if p.returncode not in ok:
        sys.exit(f"{argv} failed ({p.returncode}) in {cwd}:\n{p.stdout.decode()}{p.stderr.decode()}")
    return wall, cpu, p


def entries(repo):
    d = os.path.join(repo, "registry/capabilities")
    return sorted(f"registry/capabilities/{n}" for n in os.listdir(d) if n.endswith(".md") and not n.startswith("_"))


def rewrite(repo, rel, pattern, repl):
    path = os.path.join(repo, rel)
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    assert n == 1, (rel, pattern)
    with open(path, "w") as f:
        f.write(new)


def reset(repo):
    git(repo, "reset", "-q", "--hard", "HEAD")


def prepare(case, repo, names, i):
    if case == "noop":
        with open(os.path.join(repo, "src/x.c"), "a") as f:
            f.write(f"int x{i};\n")
        git(repo, "add", "src/x.c")
    elif case == "summary":
        rel = names[(i * 37 + 11) % len(names)]
        rewrite(repo, rel, r'^summary: "(.*)"$', rf'summary: "\1 r{i}"')
        git(repo, "add", rel)
    elif case == "drift500":
        picked = [names[(i * 7 + k * (len(names) // 500)) % len(names)] for k in range(500)]
        for rel in picked:
            rewrite(repo, rel, r"^title: (.*)$", rf"title: \1 r{i}")
        git(repo, "add", *picked)
    elif case == "validate":
        # New bytes in one entry, and the run before this one left the
        # cache warm: what an edit-then-validate loop costs.
        rel = names[(i * 37 + 11) % len(names)]
        rewrite(repo, rel, r'^summary: "(.*)"$', rf'summary: "\1 r{i}"')


def run(case, repo, binary):
    if case.startswith("validate"):
        return timed([binary, "validate"], repo)
    return timed([binary, "hook", "pre-commit"], repo)


def copy_of(repo):
    """The repository for the VS binary: a copy made once, caches and all."""
    other = repo + "-vs"
    if not os.path.isdir(other):
        shutil.copytree(repo, other, symlinks=True)
        # Warm the copy's caches the way repo_of warmed the original's.
        subprocess.run([VS, "validate"], cwd=other, capture_output=True)
    return other


def check_after(case, repo, p):
    """The number must have measured what it claims."""
    if case == "drift500":
        staged = git(repo, "diff", "--cached", "--name-only").stdout.decode().split()
        if INDEX not in staged:
            sys.exit("drift500: the hook did not stage the re-derived index")
        diff = git(repo, "diff", "--cached", "--", INDEX).stdout.decode()
        synced = len(re.findall(r"^\+    title: .* r\d+$", diff, re.M))
        if synced != 500:
            sys.exit(f"drift500: the hook re-derived {synced} titles, not 500")
    if case.startswith("validate") and b"ok" not in p.stdout + p.stderr:
        sys.exit(f"validate did not report ok:\n{p.stdout.decode()}{p.stderr.decode()}")


results = []
for case, repo in PAIRS:
    names = entries(repo)
    runners = [(BIN, repo)] + ([(VS, copy_of(repo))] if VS else [])
    times = {k: ([], []) for k in range(len(runners))}
    base_w, base_c = [], []
    git_c = []
    for r in range(-2, ROUNDS):  # two warm-up rounds, discarded
        slots = list(range(len(runners))) + ["sh"]
        if r % 2:
            slots.reverse()
        for slot in slots:
            if slot == "sh":
                w, c, _ = timed(["sh", "-c", "true"], repo)
                if r >= 0:
                    base_w.append(w)
                    base_c.append(c)
                continue
            binary, where = runners[slot]
            if case != "validate-unchanged":
                reset(where)
                prepare(case, where, names, r + 3)
            w, c, p = run(case, where, binary)
            check_after(case, where, p)
            if r >= 0:
                times[slot][0].append(w)
                times[slot][1].append(c)
            if slot == 0 and not case.startswith("validate"):
                _, gc, _ = timed(["git", "diff", "--cached", "--quiet"], where, ok=(0, 1))
                if r >= 0:
                    git_c.append(gc)
    for _, where in runners:
        reset(where)
    med = lambda xs: statistics.median(xs)
    walls, cpus = times[0]
    results.append((case, len(names), med(cpus), med(walls), med(base_c), med(base_w)))
    line = (
        f"{case:19} {len(names):7d} caps   cpu {med(cpus):8.2f} ms   wall {med(walls):8.2f} ms"
        f"   | sh -c true cpu {med(base_c):5.2f} wall {med(base_w):5.2f}   ratio cpu {med(cpus) / max(med(base_c), 0.01):6.1f}x"
    )
    if git_c:
        line += f"   | git diff --cached cpu {med(git_c):7.2f}   hook/git {med(cpus) / max(med(git_c), 0.01):5.2f}"
    if VS:
        vw, vc = times[1]
        line += f"   | VS cpu {med(vc):8.2f} wall {med(vw):8.2f}   this/VS cpu {med(cpus) / max(med(vc), 0.01):5.2f}"
    print(line, flush=True)
