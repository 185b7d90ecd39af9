# Sourced by bench/run.sh: finds a JDK >= MIN_JAVA, the same way bin/minbus does (this is a copy of
# its functions; keep the two in step). Sets JDK, or prints what it looked at and returns 1.
MIN_JAVA="${MIN_JAVA:-21}"

# Prints the full version of the JDK at $1 (e.g. 25.0.3), or nothing if it is not a JDK.
jdk_version() {
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -r "$home/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release" | head -n1)"
  fi
  if [ -z "$v" ]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)"
  fi
  printf '%s' "$v"
}

# Major version of a version string: 1.8.0_x -> 8, 25.0.3 -> 25, 21 -> 21.
major_of() {
  local v="$1"
  case "$v" in 1.*) v="${v#1.}" ;; esac
  v="${v%%[!0-9]*}"
  printf '%s' "${v:-0}"
}

looked=()
find_jdk() {
  local v
  # 1. $JAVA_HOME
  if [ -n "${JAVA_HOME:-}" ]; then
    v="$(jdk_version "$JAVA_HOME")"
    looked+=("JAVA_HOME=$JAVA_HOME (${v:-no bin/java})")
    if [ -n "$v" ] && [ "$(major_of "$v")" -ge "$MIN_JAVA" ]; then
      printf '%s' "$JAVA_HOME"; return 0
    fi
  fi
  # 2. newest /usr/lib/jvm/* (symlinked aliases resolve to the same directory)
  local best="" best_v="" d real
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] || continue
    real="$(cd -P "$d" && pwd)"
    v="$(jdk_version "$real")"
    looked+=("$d (${v:-no bin/java})")
    [ -n "$v" ] || continue
    [ "$(major_of "$v")" -ge "$MIN_JAVA" ] || continue
    if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best_v" "$v" | sort -V | tail -n1)" = "$v" ]; then
      best="$real"; best_v="$v"
    fi
  done
  if [ -n "$best" ]; then printf '%s' "$best"; return 0; fi
  # 3. java on PATH
  local j
  if j="$(command -v java 2>/dev/null)"; then
    real="$(cd -P "$(dirname "$(readlink -f "$j")")/.." && pwd)"
    v="$(jdk_version "$real")"
    looked+=("java on PATH: $j -> $real (${v:-unknown version})")
    if [ -n "$v" ] && [ "$(major_of "$v")" -ge "$MIN_JAVA" ]; then
      printf '%s' "$real"; return 0
    fi
  else
    looked+=("java on PATH: none")
  fi
  return 1
}

# Sets JDK or explains and returns 1.
require_jdk() {
  if ! JDK="$(find_jdk)"; then
    find_jdk >/dev/null || true   # ran in a subshell above; again here to collect what it looked at
    {
      echo "no JDK >= $MIN_JAVA found. Looked at:"
      for l in "${looked[@]}"; do echo "  - $l"; done
      echo "Install a JDK $MIN_JAVA+ under /usr/lib/jvm or point JAVA_HOME at one."
    } >&2
    return 1
  fi
}
