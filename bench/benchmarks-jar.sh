# shellcheck shell=sh
# Sourced by bench/jmh.sh and bench/store.sh (POSIX sh). sb_benchmarks_jar NAME ROOT: installs the engine and builds
# ROOT/bench/target/benchmarks.jar (skipped when SB_BENCH_SKIP_BUILD=1 and the jar exists), naming the caller NAME in
# its messages; sets sb_jar to the jar's path, exits 1 when the build fails.
sb_benchmarks_jar() {
  sb_jar="$2/bench/target/benchmarks.jar"
  if [ "${SB_BENCH_SKIP_BUILD:-0}" = "1" ] && [ -f "$sb_jar" ]; then
    return 0
  fi
  sb_log="$2/bench/target-build.log"
  echo "$1: installing the engine and building the benchmarks..." >&2
  if ! (cd "$2" && ./mvnw -q -B install -DskipTests && ./mvnw -q -B -f bench/pom.xml package) >"$sb_log" 2>&1; then
    echo "$1: build failed; see $sb_log" >&2
    tail -n 30 "$sb_log" >&2
    exit 1
  fi
  rm -f "$sb_log"
}
