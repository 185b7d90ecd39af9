#!/usr/bin/env bash
# Builds the benchmark's C programs into minbus-bench/target/native/ (called by bench/run.sh and by
# the harness smoke test). Programs whose library is missing are skipped, and BUILD.txt there says
# why; the harness then reports their scenarios as "not measured".
#
#   bench/build-native.sh            CC and CFLAGS are honoured (default: cc -O2)
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/minbus-bench/src/main/c"
OUT="$ROOT/minbus-bench/target/native"
CC="${CC:-cc}"
CFLAGS="${CFLAGS:--O2 -g -Wall -Wextra}"
mkdir -p "$OUT"
: >"$OUT/BUILD.txt"

command -v "$CC" >/dev/null 2>&1 || { echo "build-native: no C compiler ($CC); install gcc" >&2; exit 1; }

build() { # name, extra flags...
  local name="$1"; shift
  # shellcheck disable=SC2086  # CFLAGS is deliberately word-split
  "$CC" $CFLAGS -o "$OUT/$name" "$SRC/$name.c" "$@"
  echo "built $name" >>"$OUT/BUILD.txt"
}

build uds_bench
build spawn_timer
# the smallest process start: static if libc.a is there (no dynamic loader), else dynamic
if ! build trivial -static 2>/dev/null; then
  build trivial
  echo "trivial: dynamic (no static libc)" >>"$OUT/BUILD.txt"
fi
if pkg-config --exists libsystemd 2>/dev/null; then
  # shellcheck disable=SC2046
  build dbus_peer $(pkg-config --cflags --libs libsystemd)
else
  rm -f "$OUT/dbus_peer"
  echo "skipped dbus_peer: libsystemd-dev (sd-bus) is not installed" | tee -a "$OUT/BUILD.txt" >&2
fi
build dbus_launch
# the C example plugin (examples/c-echo) for minbus/startup-c: static like the trivial binary when it can be
cecho() { "$CC" $CFLAGS -o "$OUT/c-echo" "$ROOT/examples/c-echo/echo.c" "$@" && echo "built c-echo $*" >>"$OUT/BUILD.txt"; }
cecho -static 2>/dev/null || cecho
