#!/usr/bin/env bash
# Builds the three backup generations the figures in README.md were measured on: a JDK tree, the same
# tree with 100,000 random bytes appended to each of its first 20 shared libraries, and the JDK again.
#   bench/jdk-generations.sh [JDK] [OUT]   prints the three paths for `./cistern bench ingest`
set -euo pipefail
jdk="${1:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="${2:-/tmp/cistern-generations}"
if [ ! -d "$out/grown" ]; then
  mkdir -p "$out"
  cp -a "$jdk" "$out/grown.tmp"
  find "$out/grown.tmp/lib" -maxdepth 1 -name '*.so' | sort | head -20 | while read -r f; do
    head -c 100000 /dev/urandom >> "$f"
  done
  mv "$out/grown.tmp" "$out/grown"
fi
echo "$jdk" "$out/grown" "$jdk"
