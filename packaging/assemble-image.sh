#!/bin/sh
# Lays out the filesystem of the krust container image under ROOTFS. The
# Dockerfile next to this script runs it after compiling and copies ROOTFS
# into the final image; tests/packaging.rs runs it without docker.
#
#   packaging/assemble-image.sh KRUST_BINARY ROOTFS
#
# The image serves two ArgoCD set-ups (docs/argocd.md):
#   * config management plugin sidecar: /usr/local/bin/krust on PATH and the
#     plugin configuration where the ArgoCD CMP server looks for it
#     (/home/argocd/cmp-server/config/plugin.yaml); the sidecar runs as 999;
#   * `kustomize.path`: an init container copies /usr/local/bin/krust into a
#     volume shared with the repo server.
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: $0 KRUST_BINARY ROOTFS" >&2
    exit 2
fi
binary=$1
rootfs=$2
repo_root=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x "$binary" ]; then
    echo "$0: $binary is not an executable file" >&2
    exit 1
fi

mkdir -p "$rootfs/usr/local/bin" \
    "$rootfs/home/argocd/cmp-server/config" \
    "$rootfs/home/argocd/cmp-server/plugins"
cp "$binary" "$rootfs/usr/local/bin/krust"
chmod 0755 "$rootfs/usr/local/bin/krust"
cp "$repo_root/docs/argocd/plugin.yaml" "$rootfs/home/argocd/cmp-server/config/plugin.yaml"
chmod 0644 "$rootfs/home/argocd/cmp-server/config/plugin.yaml"
