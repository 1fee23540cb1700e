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

cargo install --path . --locked --force --quiet

root=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}
bin="$root/bin/reuse-surface"
echo "installed $bin"
case ":$PATH:" in
*":$root/bin:"*) ;;
*) echo "note: $root/bin is not on your PATH; add it (export PATH=\"$root/bin:\$PATH\") to run reuse-surface by name" >&2 ;;
esac
