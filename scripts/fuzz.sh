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
# The modules it depends on must be in ~/.m2 (mvn -B -o -q install -DskipTests -pl <module> -am).
# The `test` phase (not `surefire:test` alone) so that the JDK toolchain (>= 21) runs the tests even
# when Maven runs on JDK 17; only the target's module is compiled.
log="${FUZZ_LOG:-/tmp/fuzz-$(echo "$target" | tr '#.' '__').log}"
echo "fuzz.sh: output in $log" >&2
set +e
timeout --signal=INT "$((seconds + 300))" env JAZZER_FUZZ=1 mvn -B -o -pl "$module" test \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${seconds}s" \
  -Dminbus.test.argLine="-XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED -Xmx768m" \
  -Djunit.jupiter.execution.timeout.default="$((seconds + 120))s" >"$log" 2>&1
rc=$?
set -e
# libFuzzer's final statistics: total executions, executions per second, corpus size
grep -a -E '^#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs|FuzzTestFindingException|Test unit written|Tests run:|BUILD' "$log" | tail -n 12
exit "$rc"
