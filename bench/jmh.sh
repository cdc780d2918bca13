#!/bin/sh
# Builds the engine and the JMH benchmarks, then runs them; JSON results go to bench/results/.
#   bench/jmh.sh                      all benchmarks: 1 fork, 3x1s warmup, 5x1s measurement
#   bench/jmh.sh --quick              smoke run: 1 fork, 1x1s warmup, 2x1s measurement
#   bench/jmh.sh Classifier -f 2      any JMH arguments pass through; those given replace the defaults
#   bench/jmh.sh -p workers=500 Selector.select
# Set SB_BENCH_SKIP_BUILD=1 to reuse bench/target/benchmarks.jar as it is.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/../.mvn/jdk.sh disable=SC1091
. "$root/.mvn/jdk.sh"
sb_find_jdk || exit 1

quick=0
has_forks=0 has_warmups=0 has_warmup_time=0 has_iterations=0 has_time=0 has_result=0
# Walk the arguments once, dropping --quick and noting which defaults the caller overrides.
n=$#
while [ "$n" -gt 0 ]; do
  arg=$1
  shift
  n=$((n - 1))
  case $arg in
    --quick) quick=1; continue ;;
    --help)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
      echo "JMH's own options: bench/jmh.sh -h"
      exit 0 ;;
    -f | -f=* | -f[0-9]*) has_forks=1 ;;
    -wi | -wi=* | -wi[0-9]*) has_warmups=1 ;;
    -w | -w=* | -w[0-9]*) has_warmup_time=1 ;;
    -i | -i=* | -i[0-9]*) has_iterations=1 ;;
    -r | -r=* | -r[0-9]*) has_time=1 ;;
    -rf | -rf=* | -rff | -rff=*) has_result=1 ;;
  esac
  set -- "$@" "$arg"
done

if [ "$quick" -eq 1 ]; then
  warmups=1 iterations=2
else
  warmups=3 iterations=5
fi
# Prepended, so "$@" ends up as the caller's arguments followed by the defaults they left out.
[ "$has_time" -eq 1 ] || set -- -r 1s "$@"
[ "$has_iterations" -eq 1 ] || set -- -i "$iterations" "$@"
[ "$has_warmup_time" -eq 1 ] || set -- -w 1s "$@"
[ "$has_warmups" -eq 1 ] || set -- -wi "$warmups" "$@"
[ "$has_forks" -eq 1 ] || set -- -f 1 "$@"
results=""
if [ "$has_result" -eq 0 ]; then
  mkdir -p "$here/results"
  results="$here/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
  set -- -rf json -rff "$results" "$@"
fi

# shellcheck source=SCRIPTDIR/benchmarks-jar.sh disable=SC1091
. "$here/benchmarks-jar.sh"
sb_benchmarks_jar jmh "$root"
jar=$sb_jar

"$JAVA_HOME/bin/java" -jar "$jar" "$@"

if [ -n "$results" ] && [ -s "$results" ]; then
  echo
  echo "Mean (average-time mode) beside percentiles (sample-time mode):"
  "$JAVA_HOME/bin/java" -cp "$jar" io.switchboard.bench.ResultTable "$results"
  echo
  echo "JSON results: $results"
fi
