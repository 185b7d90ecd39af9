#!/usr/bin/env bash
# Soak: mixed traffic against one bus for a given time, sampling its heap (after GC), fds and threads.
#
#   scripts/soak.sh [SECONDS]          (default 3600)
#
# Child JVMs (MINBUS_SOAK_JVMS, default 4, x MINBUS_SOAK_CONNECTIONS, default 10 connections) join,
# leave, list and stream checksummed channels; one child JVM is replaced every 60 s; two watchers run
# in the bus's JVM. Fails on any error, a heap growth above 16 MiB after warm-up, an fd or thread
# leak, or non-zero relay counters at rest. Output: one line per 10 s ("soak: t heap fds threads
# connections plugins relays relayedBytes") and a summary; see docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3600}"
# shellcheck source=scripts/lib-testjvm.sh
source scripts/lib-testjvm.sh
run_test_main io.minbus.reliability.SoakTest "$seconds" \
  -Dminbus.soak.jvms="${MINBUS_SOAK_JVMS:-4}" -Dminbus.soak.connections="${MINBUS_SOAK_CONNECTIONS:-10}"
