#!/usr/bin/env bash
# Shared by scripts/chaos.sh and scripts/soak.sh: runs a main class of minbus-reliability's tests
# in a JVM >= 21 on the module's test class path (compiled here, dependencies from ~/.m2).
#   run_test_main CLASS ARGS... [-Dprop=value...]
find_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$c" && -x "$c/bin/java" ]] || continue
    local v
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ "${v%%.*}" -ge 21 ]]; then echo "$c"; return 0; fi
  done
  echo "no JDK >= 21 found (set JAVA_HOME)" >&2
  return 1
}

run_test_main() {
  local main="$1"; shift
  local args=() props=()
  local a
  for a in "$@"; do
    if [[ "$a" == -D* ]]; then props+=("$a"); else args+=("$a"); fi
  done
  local cpfile
  cpfile=$(mktemp)
  mvn -B -o -q -pl minbus-reliability test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >&2
  local jdk
  jdk=$(find_jdk)
  local cp
  cp="minbus-reliability/target/test-classes:$(cat "$cpfile")"
  rm -f "$cpfile"
  [[ -n "${MINBUS_SEED:-}" ]] && props+=("-Dminbus.seed=$MINBUS_SEED")
  exec "$jdk/bin/java" -Xmx512m "${props[@]}" -cp "$cp" "$main" "${args[@]}"
}
