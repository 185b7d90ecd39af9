#!/usr/bin/env bash
# The chaos scenario of minbus-reliability (ChaosTest) for a given time.
#
#   scripts/chaos.sh [SECONDS] [JVMS] [CONNECTIONS-PER-JVM]      (defaults: 300, 6, 20)
#
# Child JVMs holding several MinBus connections each join, leave, stream checksummed data and are
# SIGKILLed and SIGSTOPped/SIGCONTed at random against a bus in this JVM; afterwards every normally
# closed channel must have delivered every byte in order, every watcher's view must equal the
# registry, the relay counters must be back at zero and the bus must not leak fds or threads.
# Rerun a seed with MINBUS_SEED=N. Needs the modules in ~/.m2 once:
#   mvn -B -o -q install -DskipTests -pl minbus-client,minbus-server -am
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-testjvm.sh
source scripts/lib-testjvm.sh
run_test_main io.minbus.reliability.ChaosTest "${1:-300}" \
  -Dminbus.chaos.jvms="${2:-6}" -Dminbus.chaos.connections="${3:-20}"
