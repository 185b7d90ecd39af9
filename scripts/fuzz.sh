#!/usr/bin/env bash
# Real (coverage-guided) fuzzing with Jazzer for one fuzz target, for a given time.
#
#   scripts/fuzz.sh TARGET [SECONDS]
#
# TARGET is Class#method of a @FuzzTest, e.g.
#   scripts/fuzz.sh io.minbus.wire.ChunkReaderFuzzTest#decoderOnlyFailsWithProtocolViolations 600
# `scripts/fuzz.sh list` lists the fuzz targets. Findings (crashing inputs) are written by Jazzer into
# the module's src/test/resources/<package>/<Class>Inputs/<method>/ directory, where the normal build
# replays them as regression tests from then on. Record runs and findings in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "" || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
if [[ "$1" == "list" ]]; then
  grep -rl --include='*.java' '@FuzzTest' minbus-*/src/test/java | while read -r f; do
    cls=$(sed -n 's/^package \(.*\);/\1/p' "$f").$(basename "$f" .java)
    grep -A1 '@FuzzTest' "$f" | sed -n 's/.*void \([A-Za-z0-9_]*\)(.*/\1/p' | sed "s/^/$cls#/"
  done
  exit 0
fi

target="$1"
seconds="${2:-300}"
class="${target%%#*}"
file=$(grep -rl --include="$(basename "${class//.//}").java" "^package ${class%.*};" minbus-*/src/test/java | head -n1)
if [[ -z "$file" ]]; then
  echo "fuzz.sh: no test class $class found (try: scripts/fuzz.sh list)" >&2
  exit 2
fi
module="${file%%/src/*}"
echo "fuzz.sh: fuzzing $target in $module for ${seconds}s" >&2
JAZZER_FUZZ=1 mvn -B -q -pl "$module" -am install -DskipTests
timeout --signal=INT "$((seconds + 300))" env JAZZER_FUZZ=1 mvn -B -pl "$module" surefire:test \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${seconds}s" \
  -Djunit.jupiter.execution.timeout.default="$((seconds + 120))s"
