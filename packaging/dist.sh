#!/bin/sh
# The packaging steps that follow compiling, as plain commands so that they
# run the same in the Dockerfile, in the release workflow and in the tests
# (tests/packaging.rs), with or without docker.
#
#   packaging/dist.sh image KRUST_BINARY ROOTFS
#       Lays out the container image's filesystem under ROOTFS (what
#       packaging/Dockerfile copies into the final image). The image serves
#       two ArgoCD set-ups (docs/argocd.md):
#       * config management plugin sidecar: /usr/local/bin/krust on PATH and
#         the plugin configuration where the ArgoCD CMP server looks for it
#         (/home/argocd/cmp-server/config/plugin.yaml); it runs as user 999;
#       * `kustomize.path`: an init container copies /usr/local/bin/krust
#         into a volume shared with the repo server.
#
#   packaging/dist.sh archive TARGET KRUST_BINARY OUTDIR
#       Packs one release binary: OUTDIR/krust-VERSION-TARGET.tar.gz (the
#       binary, README.md and LICENSE in a krust-VERSION-TARGET/ directory)
#       and OUTDIR/krust-VERSION-TARGET.tar.gz.sha256 (its SHA-256, in the
#       format `sha256sum -c` reads). TARGET names the platform (a Rust
#       target triple); VERSION is the package version in Cargo.toml.
set -eu

usage() {
    echo "usage: $0 image KRUST_BINARY ROOTFS" >&2
    echo "       $0 archive TARGET KRUST_BINARY OUTDIR" >&2
    exit 2
}

repo_root=$(cd "$(dirname "$0")/.." && pwd)

require_executable() {
    if [ ! -f "$1" ] || [ ! -x "$1" ]; then
        echo "$0: $1 is not an executable file" >&2
        exit 1
    fi
}

image() {
    binary=$1
    rootfs=$2
    require_executable "$binary"
    mkdir -p "$rootfs/usr/local/bin" \
        "$rootfs/home/argocd/cmp-server/config" \
        "$rootfs/home/argocd/cmp-server/plugins"
    cp "$binary" "$rootfs/usr/local/bin/krust"
    chmod 0755 "$rootfs/usr/local/bin/krust"
    cp "$repo_root/docs/argocd/plugin.yaml" "$rootfs/home/argocd/cmp-server/config/plugin.yaml"
    chmod 0644 "$rootfs/home/argocd/cmp-server/config/plugin.yaml"
}

archive() {
    target=$1
    binary=$2
    outdir=$3
    require_executable "$binary"
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
}

case "${1:-}" in
image)
    [ "$#" -eq 3 ] || usage
    image "$2" "$3"
    ;;
archive)
    [ "$#" -eq 4 ] || usage
    archive "$2" "$3" "$4"
    ;;
*) usage ;;
esac
