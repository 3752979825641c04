#!/bin/sh
# Fetches Debian 12's arm64 busybox-static into DIR (default ./busybox-arm64)
# with apt's own client and a private state directory, so the host's dpkg
# architectures and package lists stay as they are. make linux runs it once
# (out/busybox-arm64); the tests run it under Linux and cross-check its
# FP/SIMD words.
set -eu
dir=${1:-busybox-arm64}
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$dir"
opts="-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Dir::State::Lists=$state/lists -o Dir::Cache=$state/cache -o Dir::State::status=/dev/null -o APT::Sandbox::User=root"
apt-get $opts update >/dev/null
(cd "$state" && apt-get $opts download busybox-static >/dev/null 2>&1)
dpkg-deb -x "$state"/busybox-static_*_arm64.deb "$dir"
echo "$dir/bin/busybox"
