# Shared by run-compliance.sh and bench/compare-tgt.sh: start Cistern's standalone target and Debian's
# tgtd side by side on loopback, each with one LUN of $SIZE bytes, and stop both on exit.
# Callers set ROOT, WORK, OUT, SIZE, CISTERN_PORT, TGT_PORT, TGT_CONTROL_PORT, BACKEND (engine|memory),
# then call start_cistern and start_tgt; the LUN URLs are in CISTERN_URL and TGT_URL.

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
CISTERN_PID=""
TGT_PID=""

require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool (Debian: libiscsi-bin, tgt, qemu-utils, qemu-block-extra, python3)" >&2; exit 2; }
  done
}

stop_targets() {
  [ -n "$CISTERN_PID" ] && kill "$CISTERN_PID" 2>/dev/null || true
  if [ -n "$TGT_PID" ]; then
    # tgtd ignores SIGTERM while it has targets; ask it to exit, then insist
    tgtadm -C "$TGT_CONTROL_PORT" --op delete --mode system >/dev/null 2>&1 || true
    sleep 1
    kill -9 "$TGT_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

start_cistern() {
  if [ -z "${CISTERN_CP:-}" ]; then
    (cd "$ROOT" && ./mvnw -B -q -o -pl iscsi -am test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/runtime.cp -Dmdep.includeScope=test)
    CISTERN_CP="$ROOT/iscsi/target/classes:$ROOT/iscsi/target/test-classes:$(cat "$ROOT/iscsi/target/runtime.cp")"
  fi
  local iqn="iqn.2026-11.dev.cistern:lun1g"
  if [ "${BACKEND:-engine}" = memory ]; then
    "$JAVA" -cp "$CISTERN_CP" dev.cistern.iscsi.testing.MemoryTargetMain "$CISTERN_PORT" "$iqn" "$SIZE" 512 \
      >"$OUT/cistern-target.log" 2>&1 &
  else
    # shellcheck disable=SC2086 # CISTERN_JAVA_OPTS: extra JVM options (a profiler agent), split on spaces
    "$JAVA" --enable-native-access=ALL-UNNAMED ${CISTERN_JAVA_OPTS:-} -cp "$CISTERN_CP" dev.cistern.iscsi.Launcher "$WORK/engine" \
      "$CISTERN_PORT" lun1g "$SIZE" 512 >"$OUT/cistern-target.log" 2>&1 &
  fi
  CISTERN_PID=$!
  for _ in $(seq 1 300); do grep -q READY "$OUT/cistern-target.log" && break; sleep 0.1; done
  grep -q READY "$OUT/cistern-target.log" || { echo "Cistern target did not start" >&2; cat "$OUT/cistern-target.log" >&2; exit 1; }
  CISTERN_URL="iscsi://127.0.0.1:$CISTERN_PORT/$iqn/0"
}

start_tgt() {
  local iqn="iqn.2026-11.dev.cistern:tgt-reference"
  truncate -s "$SIZE" "$WORK/tgt-lun.img"
  tgtd -f -C "$TGT_CONTROL_PORT" --iscsi "portal=127.0.0.1:$TGT_PORT" >"$OUT/tgtd.log" 2>&1 &
  TGT_PID=$!
  for _ in $(seq 1 50); do tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
  tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op new --tid 1 -T "$iqn"
  tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 -b "$WORK/tgt-lun.img"
  tgtadm -C "$TGT_CONTROL_PORT" --lld iscsi --mode target --op bind --tid 1 -I ALL
  TGT_URL="iscsi://127.0.0.1:$TGT_PORT/$iqn/1"
}
