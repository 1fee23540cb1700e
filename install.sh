#!/bin/sh
# Build and install reuse-surface from this source tree.
#   ./install.sh                 installs into ~/.cargo/bin (or $CARGO_INSTALL_ROOT/bin)
#   CARGO_INSTALL_ROOT=DIR ./install.sh
set -eu
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null 2>&1; then
	echo "install.sh: cargo is not installed; get a Rust toolchain (https://rustup.rs) and run ./install.sh again" >&2
	exit 1
fi
if ! command -v git >/dev/null 2>&1; then
	echo "install.sh: git is not installed; reuse-surface runs inside git repositories and needs it" >&2
	exit 1
fi

# On Linux with glibc the binary is linked statically and position-
# dependent when the C library's static archive is there (Debian's
# libc6-dev has it; Fedora's is glibc-static): the pre-commit hook starts
# it inside every `git commit`, and loading four shared libraries costs
# more than the hook's own work when nothing registry-related is staged
# (issue 11). glibc 2.34 and later keep host and user lookups (files, dns)
# inside the static library. REUSE_SURFACE_STATIC=0 builds the ordinary
# dynamic binary; so does any other platform.
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
static_args=""
case "$host:${REUSE_SURFACE_STATIC:-1}" in
*-linux-gnu:1)
	libc_a=$(${CC:-cc} -print-file-name=libc.a 2>/dev/null || true)
	if [ -f "$libc_a" ]; then
		static_args="--target $host --config target.$host.rustflags=[\"-C\",\"target-feature=+crt-static\",\"-C\",\"relocation-model=static\"]"
	fi
	;;
esac

# `./install.sh --build-only`: build the same binary into ./target without
# installing it and print its path (the benchmarks time what users run).
if [ "${1:-}" = "--build-only" ]; then
	# shellcheck disable=SC2086 # static_args is a list of words
	cargo build --release --locked --quiet --bin reuse-surface $static_args
	# Where cargo put it (CARGO_TARGET_DIR or build.target-dir may move
	# it), asked the way the bench scripts ask.
	target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
		sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
	target_dir=${target_dir:-$PWD/target}
	if [ -n "$static_args" ]; then
		echo "$target_dir/$host/release/reuse-surface"
	else
		echo "$target_dir/release/reuse-surface"
	fi
	exit 0
fi

# shellcheck disable=SC2086
cargo install --path . --locked --force --quiet $static_args

root=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}
bin="$root/bin/reuse-surface"
echo "installed $bin"
case ":$PATH:" in
*":$root/bin:"*) ;;
*) echo "note: $root/bin is not on your PATH; add it (export PATH=\"$root/bin:\$PATH\") to run reuse-surface by name" >&2 ;;
esac
