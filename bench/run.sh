#!/usr/bin/env bash
# The comparison benchmark (issue 7): installs what it needs, builds, runs every system round by
# round and rewrites the measured part of docs/benchmarks.md (plus docs/benchmarks-channels.svg).
#
#   bench/run.sh            full run (~10-15 min on 2 vCPUs): 1 warm-up + 5 rounds of 1 s per probe
#   bench/run.sh --quick    short run (~1-2 min): numbers are noisy, for checking the harness
#   bench/run.sh [--quick] [harness options...]   e.g. --only 'c/|dbus' --no-pinned --rounds 3
#
# Options after --quick go to the harness (io.minbus.bench.harness.BenchMain; see its javadoc).
# Environment: BENCH_SKIP_INSTALL=1 skips the package step, BENCH_SKIP_BUILD=1 the Maven build.
set -euo pipefail
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { echo "bench: $*" >&2; }

# --- 1. packages (Debian): only what is missing, only as root (or with sudo) ---
install_missing() {
  local need=()
  command -v gcc >/dev/null 2>&1 || need+=(gcc)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  command -v taskset >/dev/null 2>&1 || need+=(util-linux)
  pkg-config --exists libsystemd 2>/dev/null || need+=(libsystemd-dev)
  command -v dbus-broker-launch >/dev/null 2>&1 || need+=(dbus-broker)
  command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus-daemon)
  [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -e /usr/lib/libc.a ] || need+=(libc6-dev)
  if [ ${#need[@]} -eq 0 ]; then say "packages: all present"; return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "missing packages: ${need[*]} (not root and no sudo: scenarios that need them are reported as not measured)"
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing packages: ${need[*]} (no apt-get here: install them by hand)"; return 0
  fi
  say "installing: ${need[*]}"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
}
[ "${BENCH_SKIP_INSTALL:-0}" = 1 ] || install_missing

# --- 2. a JDK >= 21 (same discovery as bin/minbus) ---
# shellcheck source=bench/find-jdk.sh
. "$ROOT/bench/find-jdk.sh"
require_jdk || exit 1
say "JDK: $JDK"

# --- 3. build: the harness jar (Maven picks its own JDK toolchain) and the C programs ---
JAR="$ROOT/minbus-bench/target/benchmarks.jar"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  command -v mvn >/dev/null 2>&1 || { say "Maven (mvn) is needed to build $JAR"; exit 1; }
  if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then export JAVA_HOME="$JDK"; fi
  say "building minbus-bench (mvn -DskipTests -pl minbus-bench -am package)"
  log="$(mktemp "${TMPDIR:-/tmp}/minbus-bench-build.XXXXXX")"
  if ! mvn -q -B -DskipTests -pl minbus-bench -am package >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; say "build failed"; exit 1
  fi
  rm -f "$log"
fi
[ -f "$JAR" ] || { say "$JAR is missing (run without BENCH_SKIP_BUILD)"; exit 1; }
"$ROOT/bench/build-native.sh"

# --- 4. run ---
# minbus/scale holds 10,000 bus connections in the bus process: raise the soft descriptor limit to the hard one
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

args=("$@")
exec "$JDK/bin/java" -Xmx512m -cp "$JAR" io.minbus.bench.harness.BenchMain --root "$ROOT" "${args[@]}"
