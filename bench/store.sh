#!/bin/sh
# Builds the engine and the benchmarks, then measures stored messages per second through a store.
#   bench/store.sh                          embedded fsync and batch, 1/16/256 producers, 3 s warmup + 10 s each
#   bench/store.sh --store redis            the Redis store on redis://127.0.0.1:6379 (--redis URL for another)
#   bench/store.sh --quick                  smoke run: 1 s warmup + 3 s each (about 30 s)
#   bench/store.sh --producers 1,64 --store fsync,redis --duration 20
#   bench/store.sh --dir /var/tmp           where the temporary store directories go (default /tmp)
# Set SB_BENCH_SKIP_BUILD=1 to reuse bench/target/benchmarks.jar as it is.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/../.mvn/jdk.sh disable=SC1091
. "$root/.mvn/jdk.sh"
sb_find_jdk || exit 1

quick=0 has_warmup=0 has_duration=0
# Walk the arguments once, dropping --quick and noting which defaults the caller overrides.
n=$#
while [ "$n" -gt 0 ]; do
  arg=$1
  shift
  n=$((n - 1))
  case $arg in
    --quick) quick=1; continue ;;
    --help | -h)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      echo
      echo "Options (passed to io.switchboard.bench.StoreThroughput):"
      echo "  --warmup S          seconds of warmup per run (default 3; --quick: 1)"
      echo "  --duration S        seconds measured per run (default 10; --quick: 3)"
      echo "  --producers LIST    concurrent producers, comma-separated (default 1,16,256)"
      echo "  --store LIST        fsync, batch (embedded) and redis, comma-separated (default fsync,batch)"
      echo "  --redis URL         the Redis for --store redis (default redis://127.0.0.1:6379)"
      echo "  --dir PATH          parent of the temporary store directories (default java.io.tmpdir)"
      exit 0 ;;
    --warmup | --warmup=*) has_warmup=1 ;;
    --duration | --duration=*) has_duration=1 ;;
  esac
  set -- "$@" "$arg"
done

if [ "$quick" -eq 1 ]; then
  [ "$has_warmup" -eq 1 ] || set -- --warmup 1 "$@"
  [ "$has_duration" -eq 1 ] || set -- --duration 3 "$@"
fi

# shellcheck source=SCRIPTDIR/benchmarks-jar.sh disable=SC1091
. "$here/benchmarks-jar.sh"
sb_benchmarks_jar store "$root"
jar=$sb_jar

# SQLite's JDBC driver loads its native library; allowing that up front keeps the JDK's warning out of the output.
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" io.switchboard.bench.StoreThroughput "$@"
