#!/bin/sh
# Write base.yaml, ours.yaml and theirs.yaml for the merge benchmark into DIR:
# a ROWS-row capability index sorted by id (5 fields per row), where ours
# edits one row's title and appends a row, and theirs edits another row's
# status and appends a different row. Usage: gen.sh DIR [ROWS]
set -eu
dir=$1
rows=${2:-10000}
gen() {
    # $1: which side; prints the index on stdout.
    awk -v rows="$rows" -v side="$1" 'BEGIN {
        printf "# Capability index (generated for the merge benchmark)\n"
        printf "schema_version: 1\nupdated: 2026-06-17\ncapabilities:\n"
        edit_ours = int(rows / 5); edit_theirs = int(rows * 4 / 5)
        for (i = 0; i < rows; i++) {
            id = sprintf("capability.bench.row-%06d", i)
            title = sprintf("Capability number %d", i)
            status = "active"
            if (side == "ours" && i == edit_ours) title = title " (renamed on ours)"
            if (side == "theirs" && i == edit_theirs) status = "deprecated"
            printf "  - id: %s\n    title: %s\n    status: %s\n", id, title, status
            printf "    vector: D%d/A%d/C%d/R%d\n", i % 7, (i / 7) % 7, (i / 49) % 7, (i / 343) % 7
            printf "    path: registry/capabilities/bench-row-%06d.md\n", i
        }
        if (side == "ours") extra = rows
        if (side == "theirs") extra = rows + 1
        if (side != "base") {
            printf "  - id: capability.bench.row-%06d\n    title: Added on %s\n    status: experimental\n", extra, side
            printf "    vector: D1/A0/C1/R0\n    path: registry/capabilities/bench-row-%06d.md\n", extra
        }
    }'
}
gen base > "$dir/base.yaml"
gen ours > "$dir/ours.yaml"
gen theirs > "$dir/theirs.yaml"
