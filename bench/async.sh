#!/usr/bin/env bash
# Asynchronous acceptance over HTTP: POST /v1/messages answered 202 (stored) per second, at 1, 16 and 256 connections,
# with the store's durability fsync and batch, while the engine also delivers what it accepted to nginx workers.
#
#   bench/async.sh                                      # fsync and batch; 1 16 256 connections; 10 s each after 10 s
#   CONCURRENCY="16" DURABILITY=fsync DURATION=5s bench/async.sh
#
# Every 202 is checked once the run is over against what the store holds (queued + in flight + delivered + dead), so
# a figure is only reported "ok" if nothing accepted went missing; the store may hold up to one more message per
# connection, from requests wrk abandoned when it stopped. Prints a table; every process it starts is stopped
# on exit, every wrk run is capped by `timeout`.
#
# Settings (environment): CONCURRENCY, DURABILITY, DURATION, WARMUP, WORKERS, SWITCHBOARD_JAVA_OPTS, the ports below,
# STORE_DIR (default: a temporary directory; point it at the disk you will run on), KEEP_TMP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/load/common.sh
. "$BENCH/load/common.sh"

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

WORKERS=${WORKERS:-4}
CONCURRENCY=${CONCURRENCY:-1 16 256}
DURABILITY=${DURABILITY:-fsync batch}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}                          # each row starts a fresh engine: long enough for the JIT to settle
WORKER_PORT=${WORKER_PORT:-19201}
SWITCHBOARD_PORT=${SWITCHBOARD_PORT:-19280}
ENGINE_JAVA_OPTS=${SWITCHBOARD_JAVA_OPTS:--Xms128m -Xmx320m}
READY_TIMEOUT=${READY_TIMEOUT:-60}

read -ra levels <<<"$CONCURRENCY"
read -ra modes <<<"$DURABILITY"
for c in "${levels[@]}"; do int_between "$c" 1 4000 || die "CONCURRENCY values must be 1..4000, got '$c'"; done
for m in "${modes[@]}"; do case $m in fsync | batch) ;; *) die "DURABILITY is fsync and/or batch, got '$m'" ;; esac; done
for d in "$DURATION" "$WARMUP"; do [[ $d =~ ^[1-9][0-9]*[smh]?$ ]] || die "durations look like 10s or 2m; got '$d'"; done
duration_s=$(duration_seconds "$DURATION")
warmup_s=$(duration_seconds "$WARMUP")

init_tmp_and_traps switchboard.log async
need_tools wrk:wrk nginx:nginx curl:curl python3:python3
prepare_engine "$ROOT"
ENGINE_JAR=$ROOT/target/switchboard.jar

worker_ports=()
for ((i = 0; i < WORKERS; i++)); do worker_ports+=($((WORKER_PORT + i))); done
require_free_ports "${worker_ports[@]}" "$SWITCHBOARD_PORT"

log "== Switchboard asynchronous acceptance, $(date -u '+%Y-%m-%d %H:%M UTC') =="
print_machine
log "versions  java: $(java_version); wrk $({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')"
store_root=${STORE_DIR:-$TMP}
log "store     under $store_root ($(df -h "$store_root" | awk 'NR == 2 { print $1 ", " $4 " free" }'))"
log "plan      durability: ${modes[*]}; connections: ${levels[*]}; ${WARMUP} warmup + ${DURATION} measured each"

write_nginx_conf "$TMP" "${worker_ports[@]}"
nginx -p "$TMP" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1 &
nginx_pid=$!
BENCH_PIDS+=("$nginx_pid")
for p in "${worker_ports[@]}"; do wait_http "http://127.0.0.1:$p/" "$READY_TIMEOUT" "$nginx_pid" "$TMP/nginx.out"; done

# What the store holds once it stops changing: requests cut off when wrk stops are still being committed for a moment.
stored_settled() {
  local a b i
  a=$(stored)
  for i in 1 2 3 4 5 6 7 8 9 10; do
    sleep 0.5
    b=$(stored)
    [ "$a" = "$b" ] && break
    a=$b
  done
  echo "$a"
}

stored() {
  curl -s --max-time 10 "http://127.0.0.1:$SWITCHBOARD_PORT/v1/health/details" | python3 -c '
import json, sys
m = json.load(sys.stdin)["store"]["messages"]
print(m["queued"] + m["in_flight"] + m["delivered"] + m["dead_lettered"] + m["expired"])'
}

printf '%-10s %6s %12s %10s %10s %12s %s\n' durability conns "accepted/s" "p50 ms" "p99 ms" "not 202" "check" >"$TMP/table.txt"
wrk_cap=$((duration_s + warmup_s + 60))
for mode in "${modes[@]}"; do
  for c in "${levels[@]}"; do
    dir="$store_root/store-$mode-$c"
    rm -rf "$dir"
    {
      echo "server: {host: 127.0.0.1, port: $SWITCHBOARD_PORT, drain_timeout_ms: 2000, max_in_flight: 20000}"
      echo "classes: [{name: bench, priority: NORMAL}]"
      echo "default_class: bench"
      echo "pools:"
      echo "  workers:"
      echo "    workers:"
      for p in "${worker_ports[@]}"; do echo "      - {id: w$p, url: \"http://127.0.0.1:$p/work\", max_concurrency: 64}"; done
      echo "routes: [{class: bench, pool: workers}]"
      echo "store: {path: \"$dir\", durability: $mode, retention_ms: 3600000}"
      echo "auth: {mode: disabled}"
    } >"$TMP/switchboard.yaml"
    # shellcheck disable=SC2086 # ENGINE_JAVA_OPTS is a list of options
    (cd "$TMP" && SWITCHBOARD_LOG_LEVEL=WARN exec "$JAVA_HOME/bin/java" $ENGINE_JAVA_OPTS -jar "$ENGINE_JAR" \
      serve --config "$TMP/switchboard.yaml" >>"$TMP/switchboard.log" 2>&1) &
    engine_pid=$!
    BENCH_PIDS+=("$engine_pid")
    wait_http "http://127.0.0.1:$SWITCHBOARD_PORT/ready" "$READY_TIMEOUT" "$engine_pid" "$TMP/switchboard.log"
    threads=$(($(nproc) < c ? $(nproc) : c))
    url="http://127.0.0.1:$SWITCHBOARD_PORT/v1/messages"
    log "durability $mode, $c connections: ${WARMUP} warmup, ${DURATION} measured (wrk -t$threads)"
    timeout --foreground "$wrk_cap" wrk -t"$threads" -c"$c" -d"$WARMUP" -s "$BENCH/load/submit.lua" "$url" \
      >"$TMP/warmup.out" 2>&1 || { cat "$TMP/warmup.out" >&2; die "wrk warmup failed"; }
    before=$(stored_settled)
    timeout --foreground "$wrk_cap" wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s "$BENCH/load/submit.lua" "$url" \
      >"$TMP/run.out" 2>&1 || { cat "$TMP/run.out" >&2; die "wrk failed"; }
    after=$(stored_settled)
    result=$(grep '^RESULT ' "$TMP/run.out") || { cat "$TMP/run.out" >&2; die "no RESULT line from wrk"; }
    python3 - "$mode" "$c" "$before" "$after" "$result" >>"$TMP/table.txt" <<'PY'
import sys
mode, c, before, after, line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
r = dict(kv.split("=") for kv in line.split()[1:])
errors = sum(int(r[k]) for k in ("err_status", "err_connect", "err_read", "err_write", "err_timeout"))
accepted = int(r["requests"]) - int(r["err_status"])
# Requests wrk abandons when it stops (at most one per connection) may still be stored: they were never counted.
extra = after - before - accepted
check = ("ok" if extra == 0 else "ok (+%d stored after wrk stopped)" % extra) if 0 <= extra <= c \
    else "MISMATCH: stored %d, accepted %d" % (after - before, accepted)
print("%-10s %6d %12.0f %10.2f %10.2f %12d %s" % (mode, c, accepted / (int(r["duration_us"]) / 1e6),
      int(r["p50_us"]) / 1000, int(r["p99_us"]) / 1000, errors, check))
PY
    tail -n 1 "$TMP/table.txt" >&2
    stop_pid "$engine_pid"
    BENCH_PIDS=("$nginx_pid")
  done
done

log ""
cat "$TMP/table.txt"
problems=$(grep -cE '"level":"(WARN|ERROR)"' "$TMP/switchboard.log" || true)
if [ "$problems" -gt 0 ]; then
  log "Switchboard logged $problems WARN/ERROR lines; the first five:"
  grep -E '"level":"(WARN|ERROR)"' "$TMP/switchboard.log" | awk 'NR <= 5' >&2
fi
