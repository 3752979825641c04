#!/bin/bash
# build-kernel.sh VERSION — build Debian's linux-source-VERSION for QEMU's virt map, twice: as Debian
# ships it, and with FIX_PATCH applied to the same tree (an incremental rebuild: one file and the link).
#
#   VERSION    6.1 or 6.12 (the package linux-source-VERSION must be installed; the Makefile does that)
#   OUT        where Image*, vmlinux* and config* go          (default: out)
#   BUILD      where the source tree is unpacked and built      (default: build)
#   FIX_PATCH  the patch for the -fixed kernels                 (default: patches/arm64-hw_breakpoint-uninstall-order.patch)
#   JOBS       make -j                                          (default: 2)
#
# Each pair of outputs has a stamp: a hash of its inputs (package version, cross compiler's version, config
# fragment, this script; and for -fixed also the patch). Nothing is built when both stamps match; when only
# the patch changed, only the -fixed kernel is rebuilt. The tree stays patched between builds (the patch
# it carries is kept in it as .hwbp-applied.patch) and is unpatched first when needed. See docs/linux.md.
set -euo pipefail

ver=${1:?usage: build-kernel.sh 6.1|6.12}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
OUT=${OUT:-out}
BUILD=${BUILD:-build}
FIX_PATCH=${FIX_PATCH:-patches/arm64-hw_breakpoint-uninstall-order.patch}
JOBS=${JOBS:-2}
CROSS=${CROSS:-aarch64-linux-gnu-}

pkg=linux-source-$ver
frag=config/linux-$ver.config
tarball=/usr/src/linux-source-$ver.tar.xz
case $ver in
  6.1) suffix= ;;
  *) suffix=-$ver ;;
esac

pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || { echo "linux $ver: $pkg is not installed (run make linux)" >&2; exit 1; }
[ -f "$tarball" ] || { echo "linux $ver: $tarball missing (reinstall $pkg)" >&2; exit 1; }
[ -f "$FIX_PATCH" ] || { echo "linux $ver: FIX_PATCH $FIX_PATCH not found" >&2; exit 1; }
gccver=$("${CROSS}gcc" --version | head -1)

mkdir -p "$OUT" "$BUILD"
OUT=$(cd "$OUT" && pwd)
BUILD=$(cd "$BUILD" && pwd)
FIX_PATCH=$(cd "$(dirname "$FIX_PATCH")" && pwd)/$(basename "$FIX_PATCH")
tree=$BUILD/linux-$ver
log=$BUILD/linux-$ver.log

hash_up=$({ echo "$pkg $pkgver"; echo "$gccver"; cat "$frag" "$here/build-kernel.sh" "$here/check-config.sh"; } | sha256sum | cut -c1-16)
hash_fix=$({ echo "$hash_up"; cat "$FIX_PATCH"; } | sha256sum | cut -c1-16)
current() { # $1: output suffix, $2: hash -> true when both outputs exist and their stamp holds the hash
  [ -f "$OUT/Image$1" ] && [ -f "$OUT/vmlinux$1" ] && [ "$(cat "$OUT/.stamp-Image$1" 2>/dev/null)" = "$2" ]
}
up_ok=0 fix_ok=0
current "$suffix" "$hash_up" && up_ok=1
current "$suffix-fixed" "$hash_fix" && fix_ok=1
if [ $up_ok = 1 ] && [ $fix_ok = 1 ]; then
  echo "linux $ver: up to date (Debian $pkg $pkgver, inputs $hash_up, with the patch $hash_fix)"
  exit 0
fi
echo "linux $ver: building from Debian $pkg $pkgver (inputs $hash_up, with the patch $hash_fix; log in $log)"
start=$SECONDS

# The kernel's own make must not join a parent make's job server: it gets -j$JOBS of its own.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
export LC_ALL=C ARCH=arm64 CROSS_COMPILE=$CROSS
# Reproducible: the same bytes from any checkout, on any day, by anyone.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=hwbp KBUILD_BUILD_HOST=hwbp-gdbstub
export KBUILD_BUILD_VERSION=1
rel=kernelsim/linux/build/linux-$ver
export KCFLAGS="-ffile-prefix-map=$tree=$rel" KAFLAGS="-ffile-prefix-map=$tree=$rel"

fail() { echo "linux $ver: $1 failed; the end of $log:" >&2; tail -30 "$log" >&2; exit 1; }
kmake() { make -C "$tree" -j"$JOBS" "$@" >>"$log" 2>&1; }

: >"$log"
# A tree from another package version is thrown away; a patched tree is unpatched first (or thrown away
# if that fails).
if [ -d "$tree" ] && [ "$(cat "$tree/.hwbp-source" 2>/dev/null)" != "$pkgver" ]; then rm -rf "$tree"; fi
if [ -f "$tree/.hwbp-applied.patch" ]; then
  if patch -d "$tree" -p1 -R -s --no-backup-if-mismatch <"$tree/.hwbp-applied.patch" >>"$log" 2>&1; then
    rm -f "$tree/.hwbp-applied.patch"
  else
    rm -rf "$tree"
  fi
fi
if [ ! -d "$tree" ]; then
  echo "linux $ver: unpacking $tarball"
  rm -rf "$BUILD/linux-source-$ver"
  tar -xf "$tarball" -C "$BUILD" || fail "unpacking"
  mv "$BUILD/linux-source-$ver" "$tree"
  echo "$pkgver" >"$tree/.hwbp-source"
fi

echo "linux $ver: tinyconfig + $frag"
kmake tinyconfig || fail "make tinyconfig"
(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$here/$frag") >>"$log" 2>&1 || fail "merge_config"
kmake olddefconfig || fail "make olddefconfig"
"$here/check-config.sh" "$here/$frag" "$tree/.config" || { echo "linux $ver: config check failed" >&2; exit 1; }
cp "$tree/.config" "$OUT/config$suffix"

build_one() { # $1: output suffix, $2: its hash
  rm -f "$OUT/.stamp-Image$1"
  kmake Image scripts_gdb || fail "make Image$1"
  cp "$tree/arch/arm64/boot/Image" "$OUT/Image$1.tmp" && mv "$OUT/Image$1.tmp" "$OUT/Image$1"
  cp "$tree/vmlinux" "$OUT/vmlinux$1.tmp" && mv "$OUT/vmlinux$1.tmp" "$OUT/vmlinux$1"
  echo "$2" >"$OUT/.stamp-Image$1"
  echo "linux $ver: out/Image$1 $(sha256sum <"$OUT/Image$1" | cut -c1-16) ($((SECONDS - start)) s)"
}

if [ $up_ok = 1 ]; then
  echo "linux $ver: upstream up to date"
else
  echo "linux $ver: building upstream (make -j$JOBS Image)"
  build_one "$suffix" "$hash_up"
fi

echo "linux $ver: applying $(basename "$FIX_PATCH") and rebuilding"
patch -d "$tree" -p1 -s --dry-run <"$FIX_PATCH" >>"$log" 2>&1 || fail "applying $FIX_PATCH (dry run)"
cp "$FIX_PATCH" "$tree/.hwbp-applied.patch"
patch -d "$tree" -p1 -s --no-backup-if-mismatch <"$FIX_PATCH" >>"$log" 2>&1 || fail "applying $FIX_PATCH"
build_one "$suffix-fixed" "$hash_fix"
echo "linux $ver: done in $((SECONDS - start)) s"
