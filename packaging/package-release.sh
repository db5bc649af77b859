#!/bin/sh
# Packs one release binary: OUTDIR/krust-VERSION-TARGET.tar.gz (the binary,
# README.md and LICENSE in a krust-VERSION-TARGET/ directory) and
# OUTDIR/krust-VERSION-TARGET.tar.gz.sha256 (its SHA-256, in the format
# `sha256sum -c` reads). The release workflow runs it for each target;
# tests/packaging.rs runs it for the host.
#
#   packaging/package-release.sh TARGET KRUST_BINARY OUTDIR
#
# TARGET names the platform in the file name (a Rust target triple, e.g.
# x86_64-unknown-linux-gnu). The version is the package version in
# Cargo.toml.
set -eu

if [ "$#" -ne 3 ]; then
    echo "usage: $0 TARGET KRUST_BINARY OUTDIR" >&2
    exit 2
fi
target=$1
binary=$2
outdir=$3
repo_root=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x "$binary" ]; then
    echo "$0: $binary is not an executable file" >&2
    exit 1
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo_root/Cargo.toml" | head -n 1)
if [ -z "$version" ]; then
    echo "$0: no version in $repo_root/Cargo.toml" >&2
    exit 1
fi

name="krust-$version-$target"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir "$staging/$name"
cp "$binary" "$staging/$name/krust"
chmod 0755 "$staging/$name/krust"
cp "$repo_root/README.md" "$repo_root/LICENSE" "$staging/$name/"

# The same inputs give the same archive where tar allows it (GNU tar).
if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar -C "$staging" --sort=name --owner=0 --group=0 --numeric-owner \
        --mtime='1970-01-01 00:00:00Z' -cf - "$name" | gzip -n >"$outdir/$name.tar.gz"
else
    tar -C "$staging" -cf - "$name" | gzip -n >"$outdir/$name.tar.gz"
fi

cd "$outdir"
if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$name.tar.gz" >"$name.tar.gz.sha256"
else
    shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256"
fi
echo "$outdir/$name.tar.gz"
