#!/bin/sh
# Compiles sha256_lanes.c into CLASSES/native/linux-x86_64, where NativeSha256 looks for it. Off x86-64
# Linux or without a C compiler it builds nothing, and the engine hashes with the JDK (same digests).
#   build.sh CLASSES
set -eu
src="$(cd "$(dirname "$0")" && pwd)/sha256_lanes.c"
out="$1/native/linux-x86_64"
lib="$out/libcistern-sha256.so"
cc="${CC:-cc}"
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ] || ! command -v "$cc" >/dev/null 2>&1; then
  echo "native SHA-256 not built (needs a C compiler on x86-64 Linux): the engine hashes with the JDK"
  exit 0
fi
[ -f "$lib" ] && [ "$lib" -nt "$src" ] && [ "$lib" -nt "$0" ] && exit 0
mkdir -p "$out"
# a compiler that cannot build it (too old for the SHA intrinsics, no cpuid.h) leaves the JDK's hashing
if ! "$cc" -O2 -shared -fPIC -fvisibility=hidden -Wall -Wextra -o "$lib.tmp" "$src"; then
  rm -f "$lib.tmp" "$lib"
  echo "native SHA-256 not built ($cc failed, above): the engine hashes with the JDK"
  exit 0
fi
mv "$lib.tmp" "$lib"
