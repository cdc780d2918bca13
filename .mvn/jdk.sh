# Sourced by ./mvnw, ./switchboard and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: JAVA_HOME when it is new enough, then the newest JDK under /usr/lib/jvm (or
# /Library/Java/JavaVirtualMachines), then the java on PATH.

sb_java_major() {
  # prints the feature version of the java binary given as $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

sb_find_jdk() {
  sb_best_home=""
  sb_best_major=0
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    sb_m=$(sb_java_major "$JAVA_HOME/bin/java")
    if [ -n "$sb_m" ] && [ "$sb_m" -ge 21 ]; then
      return 0
    fi
  fi
  # callers may run with globbing off (set -f); turn it on for the scan
  case $- in *f*) sb_noglob=1; set +f ;; *) sb_noglob=0 ;; esac
  for sb_home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ ! -x "$sb_home/bin/java" ] || [ ! -x "$sb_home/bin/javac" ]; then continue; fi
    sb_m=$(sb_java_major "$sb_home/bin/java")
    [ -n "$sb_m" ] || continue
    if [ "$sb_m" -gt "$sb_best_major" ]; then
      sb_best_major=$sb_m
      sb_best_home=$sb_home
    fi
  done
  [ "$sb_noglob" -eq 0 ] || set -f
  if [ "$sb_best_major" -lt 21 ] && command -v javac >/dev/null 2>&1; then
    sb_javac=$(command -v javac)
    sb_home=$(cd "$(dirname "$(readlink -f "$sb_javac")")/.." && pwd)
    sb_m=$(sb_java_major "$sb_home/bin/java")
    if [ -n "$sb_m" ] && [ "$sb_m" -ge 21 ]; then
      sb_best_major=$sb_m
      sb_best_home=$sb_home
    fi
  fi
  if [ "$sb_best_major" -lt 21 ]; then
    echo "switchboard: no JDK 21 or newer found." >&2
    echo "  Looked at JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/* and the javac on PATH." >&2
    echo "  Install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME=$sb_best_home
  export JAVA_HOME
}
