#!/usr/bin/env python3
"""Fallback generator for bench/commit.sh: N capabilities in DIR.

Writes registry/indexes/capabilities.yaml, registry/capabilities/cNNNN.md,
the docs and tests they cite as evidence, and a little source tree. The
registry validates with no errors: levels are backed by evidence, relations
point at earlier capabilities (no cycles), every entry has its row.
Used only when `cargo run --example gen_registry` is not implemented yet.
"""
import os
import sys

n = int(sys.argv[1])
out = sys.argv[2]


def write(rel, text):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


rows = []
for i in range(n):
    slug = f"c{i:04d}"
    cid = f"capability.bench.{slug}"
    title = f"Capability {i:04d}"
    d, a, c, r = 3, i % 3, 1 + i % 5, 2
    deps = [f"capability.bench.c{j:04d}" for j in (i - 1, i - 7) if j >= 0]
    write(f"docs/{slug}.md", f"# {title}\n")
    write(f"tests/test_{slug}.sh", "#!/bin/sh\nexit 0\n")
    write(f"src/{slug}/lib.c", f"int {slug}(void) {{ return {i}; }}\n")
    write(
        f"registry/capabilities/{slug}.md",
        f"""---
id: {cid}
title: {title}
summary: Benchmark capability number {i}.
owner: bench
status: active
aliases: [capability.bench.old-{slug}]
surface: ["src/{slug}/**", "docs/{slug}.md"]
maturity:
  D: {{current: {d}, target: 5}}
  A: {{current: {a}}}
  C: {{current: {c}}}
  R: {{current: {r}}}
evidence:
  tests: [tests/test_{slug}.sh]
  documentation: [docs/{slug}.md]
availability:
  current_artifacts: ["cli:{slug}"]
relations:
  depends_on: [{", ".join(deps)}]
  extends: []
  overlaps: []
  supersedes: []
notes: generated for the commit benchmark
updated: 2026-01-01
---
Capability {i} does something useful for its consumers.
""",
    )
    rows.append(
        f"  - id: {cid}\n    title: {title}\n    status: active\n"
        f"    vector: D{d}/A{a}/C{c}/R{r}\n    path: registry/capabilities/{slug}.md\n"
    )
write(
    "registry/indexes/capabilities.yaml",
    "schema_version: 1\nupdated: 2026-01-01\ncapabilities:\n" + "".join(rows),
)
write("src/x.c", "int x;\n")
