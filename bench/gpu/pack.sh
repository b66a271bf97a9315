#!/usr/bin/env bash
# Prepare the GPU check for a machine without network access (see bench/gpu/check.sh): writes .gpu/ in the repo
# root (git-ignored) with what that machine lacks: this node binary (xz), the node_modules the check needs (xz,
# linux-x64 only, no dev tools the check does not use) and the Vulkan loader as Debian package files
# (apt-get download; unpacked there with dpkg -x). ~40 MB: the device tool carries at most 64 MiB.
# Usage (repo root, after npm ci): bash bench/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpu
rm -rf "$out" && mkdir -p "$out/debs" /tmp/metarl-apt-amd64/partial
xz -T2 -6 -c "$(command -v node)" > "$out/node.xz"
tar -cf - \
  --exclude='node_modules/webgpu/dist/darwin-universal' --exclude='node_modules/webgpu/dist/linux-arm64' \
  --exclude='node_modules/webgpu/dist/win32-*' --exclude='*.map' \
  --exclude='node_modules/mujoco-js' --exclude='node_modules/playwright-core' --exclude='node_modules/three' \
  --exclude='node_modules/@types' --exclude='node_modules/typescript' --exclude='node_modules/@typescript' \
  --exclude='node_modules/vite' --exclude='node_modules/@rolldown' --exclude='node_modules/lightningcss*' \
  node_modules | xz -T2 -6 > "$out/node_modules.tar.xz"
apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/metarl-apt-amd64)
apt-get "${apt_opts[@]}" update -qq
(cd "$out/debs" && apt-get "${apt_opts[@]}" download libvulkan1)
du -sh "$out" "$out"/*
echo "carry .gpu and run: bash bench/gpu/check.sh"
