#!/bin/sh
# Write base.yaml, ours.yaml and theirs.yaml for the nested merge case into
# DIR: a CI-style configuration of JOBS jobs (about 1.1 MB at 2,250), each
# a mapping in a list keyed by `name` holding lists of steps (keyed by
# `name`), of containers (unkeyed, one item) and of args (scalars), the
# shape of the large public YAML files issue 13 replayed merges on. Ours
# edits one step's command and appends a job; theirs bumps another job's
# container image, adds an arg to a third and inserts a job in the middle.
# Usage: gen_nested.sh DIR [JOBS]
set -eu
dir=$1
jobs=${2:-2250}
gen() {
    awk -v jobs="$jobs" -v side="$1" 'BEGIN {
        printf "# CI configuration (generated for the merge benchmark)\nversion: 2\njobs:\n"
        n = jobs
        if (side == "ours") n = jobs + 1
        for (k = 0; k < n + (side == "theirs"); k++) {
            # Theirs inserts its job in the middle; ours appends its own.
            i = k
            if (side == "theirs" && k > int(jobs / 2)) i = k - 1
            name = sprintf("job-%05d", i)
            if (side == "ours" && i == jobs) name = "job-added-on-ours"
            if (side == "theirs" && k == int(jobs / 2) + 1) name = "job-added-on-theirs"
            printf "  - name: %s\n    runs-on: ubuntu-24.04\n    timeout-minutes: %d\n", name, 10 + i % 50
            image = sprintf("%d.%d", 1 + i % 9, i % 13)
            if (side == "theirs" && i == int(jobs * 4 / 5)) image = "9.99"
            printf "    containers:\n      - image: registry.example/build:%s\n", image
            printf "        args:\n          - --jobs=%d\n          - --cache=/cache/%s\n", 1 + i % 8, name
            if (side == "theirs" && i == int(jobs / 3)) printf "          - --verbose\n"
            printf "    steps:\n"
            for (s = 0; s < 3; s++) {
                run = sprintf("make target-%d-%d", i, s)
                if (side == "ours" && i == int(jobs / 5) && s == 1) run = run " VERBOSE=1"
                printf "      - name: step-%d\n        run: %s\n        env: {STEP: \"%d\", JOB: %s}\n", s, run, s, name
            }
        }
    }'
}
gen base >"$dir/base.yaml"
gen ours >"$dir/ours.yaml"
gen theirs >"$dir/theirs.yaml"
