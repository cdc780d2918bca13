#!/usr/bin/env bash
# Throughput and latency of Switchboard next to HAProxy and a bare worker, on this machine, in one command.
#
#   bench/load.sh                                   # 16 64 256 connections, 10 s each after a 5 s warmup
#   CONCURRENCY="16 64" DURATION=3s WARMUP=2s bench/load.sh
#
# N nginx workers answer {"ok":true}; wrk POSTs the same ~100-byte JSON body (a) to one worker directly, (b) through
# HAProxy round-robin over the N workers, (c) through Switchboard's POST /v1/route over the same N workers. Prints a
# table and the Switchboard/HAProxy and Switchboard/direct ratios; writes bench/results/load-<timestamp>.{csv,json}
# and the SVG charts (bench/charts.py). Switchboard runs as `java $SWITCHBOARD_JAVA_OPTS -jar target/switchboard.jar
# serve` with SWITCHBOARD_LOG_LEVEL=WARN (what ./switchboard execs; it is built first if stale). Every process it starts is stopped on exit, Ctrl-C included; every wrk run
# is capped by `timeout`, so the whole run is bounded (the plan line prints the expected total).
#
# Settings (environment): CONCURRENCY, DURATION, WARMUP, WORKERS, TARGETS (any of direct haproxy switchboard),
# WRK_TIMEOUT, HAPROXY_NBTHREAD (default: nproc), WORKER_MAX_CONCURRENCY, SWITCHBOARD_JAVA_OPTS (default, as ./switchboard:
# -Xms128m -Xmx320m), CHARTS_DIR (default docs/perf), the ports below, KEEP_TMP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/load/common.sh
. "$BENCH/load/common.sh"

WORKERS=${WORKERS:-4}
CONCURRENCY=${CONCURRENCY:-16 64 256}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
TARGETS=${TARGETS:-direct haproxy switchboard}
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}                 # a request slower than this counts as a timeout error
WORKER_PORT=${WORKER_PORT:-19101}              # workers listen on WORKER_PORT .. WORKER_PORT+WORKERS-1
HAPROXY_PORT=${HAPROXY_PORT:-19090}
SWITCHBOARD_PORT=${SWITCHBOARD_PORT:-19080}
HAPROXY_NBTHREAD=${HAPROXY_NBTHREAD:-$(nproc)} # as many threads as the engine has cores, to be fair to HAProxy
WORKER_MAX_CONCURRENCY=${WORKER_MAX_CONCURRENCY:-512}
ENGINE_JAVA_OPTS=${SWITCHBOARD_JAVA_OPTS:--Xms128m -Xmx320m}
READY_TIMEOUT=${READY_TIMEOUT:-60}
CHARTS_DIR=${CHARTS_DIR:-$ROOT/docs/perf}
HAPROXY_MAXCONN=4096                           # fits the 20000-descriptor limit: two sockets per connection

read -ra levels <<<"$CONCURRENCY"
read -ra targets <<<"$TARGETS"
[ "${#levels[@]}" -ge 1 ] || die "CONCURRENCY must not be empty"
[ "${#targets[@]}" -ge 1 ] || die "TARGETS must not be empty"
for c in "${levels[@]}"; do
  int_between "$c" 1 4000 || die "CONCURRENCY values must be 1..4000, got '$c'"
done
int_between "$WORKERS" 1 64 || die "WORKERS must be 1..64, got '$WORKERS'"
for t in "${targets[@]}"; do
  case $t in direct | haproxy | switchboard) ;; *) die "unknown target '$t' (direct, haproxy, switchboard)" ;; esac
done
for d in "$DURATION" "$WARMUP" "$WRK_TIMEOUT"; do
  [[ $d =~ ^[1-9][0-9]*[smh]?$ ]] || die "durations look like 10s, 2m or 30; got '$d'"
done
warmup_s=$(duration_seconds "$WARMUP")
duration_s=$(duration_seconds "$DURATION")

# KEEP_TMP=1 keeps the temporary directory (configs, logs, raw wrk output) for a look afterwards.
init_tmp_and_traps switchboard.log load

need_tools wrk:wrk nginx:nginx haproxy:haproxy curl:curl python3:python3
prepare_engine "$ROOT"
ENGINE_JAR=$ROOT/target/switchboard.jar

worker_ports=()
for ((i = 0; i < WORKERS; i++)); do worker_ports+=($((WORKER_PORT + i))); done
require_free_ports "${worker_ports[@]}" "$HAPROXY_PORT" "$SWITCHBOARD_PORT"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
nginx_version=$(nginx -v 2>&1 | sed 's/^nginx version: //')
haproxy_version=$(haproxy -v | awk 'NR == 1 { print $3 }')
wrk_version=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')
log "== Switchboard load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC') =="
print_machine
log "versions  java: $(java_version); haproxy $haproxy_version; nginx $nginx_version; wrk $wrk_version"

# --- the workers -----------------------------------------------------------------------------------------------
write_nginx_conf "$TMP" "${worker_ports[@]}"
nginx -p "$TMP" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1 &
nginx_pid=$!
BENCH_PIDS+=("$nginx_pid")

# --- HAProxy ---------------------------------------------------------------------------------------------------
{
  echo "global"
  echo "  nbthread $HAPROXY_NBTHREAD"
  echo "  maxconn $HAPROXY_MAXCONN"
  echo "defaults"
  echo "  mode http"
  echo "  option http-keep-alive"
  echo "  http-reuse always"
  echo "  timeout connect 5s"
  echo "  timeout client 60s"
  echo "  timeout server 60s"
  echo "frontend bench"
  echo "  bind 127.0.0.1:$HAPROXY_PORT"
  echo "  maxconn $HAPROXY_MAXCONN"
  echo "  default_backend workers"
  echo "backend workers"
  echo "  balance roundrobin"
  for p in "${worker_ports[@]}"; do echo "  server w$p 127.0.0.1:$p"; done
} >"$TMP/haproxy.cfg"
haproxy -q -c -f "$TMP/haproxy.cfg" >"$TMP/haproxy.out" 2>&1 \
  || { cat "$TMP/haproxy.out" >&2; die "bad haproxy config"; }
haproxy -db -f "$TMP/haproxy.cfg" >"$TMP/haproxy.out" 2>&1 &
haproxy_pid=$!
BENCH_PIDS+=("$haproxy_pid")

# --- Switchboard -----------------------------------------------------------------------------------------------
{
  echo "server: {host: 127.0.0.1, port: $SWITCHBOARD_PORT, drain_timeout_ms: 1000}"
  echo "classes:"
  echo "  - {name: bench, priority: NORMAL}"
  echo "default_class: bench"
  echo "pools:"
  echo "  workers:"
  echo "    strategy: round-robin"
  echo "    workers:"
  for p in "${worker_ports[@]}"; do
    echo "      - {id: w$p, url: \"http://127.0.0.1:$p/work\", max_concurrency: $WORKER_MAX_CONCURRENCY}"
  done
  echo "routes:"
  echo "  - {class: bench, pool: workers}"
  echo "auth: {mode: disabled}"
} >"$TMP/switchboard.yaml"
# shellcheck disable=SC2086 # ENGINE_JAVA_OPTS is a list of options
(cd "$TMP" && SWITCHBOARD_LOG_LEVEL=WARN exec "$JAVA_HOME/bin/java" $ENGINE_JAVA_OPTS -jar "$ENGINE_JAR" \
  serve --config "$TMP/switchboard.yaml" >"$TMP/switchboard.log" 2>&1) &
engine_pid=$!
BENCH_PIDS+=("$engine_pid")

for p in "${worker_ports[@]}"; do wait_http "http://127.0.0.1:$p/" "$READY_TIMEOUT" "$nginx_pid" "$TMP/nginx.out"; done
wait_http "http://127.0.0.1:$HAPROXY_PORT/" "$READY_TIMEOUT" "$haproxy_pid" "$TMP/haproxy.out"
wait_http "http://127.0.0.1:$SWITCHBOARD_PORT/ready" "$READY_TIMEOUT" "$engine_pid" "$TMP/switchboard.log"

declare -A url pid_of
url[direct]="http://127.0.0.1:${worker_ports[0]}/work"
url[haproxy]="http://127.0.0.1:$HAPROXY_PORT/work"
url[switchboard]="http://127.0.0.1:$SWITCHBOARD_PORT/v1/route"
pid_of[direct]=$nginx_pid
pid_of[haproxy]=$haproxy_pid
pid_of[switchboard]=$engine_pid
describe_pid() {
  case $1 in "$nginx_pid") echo nginx ;; "$haproxy_pid") echo HAProxy ;; "$engine_pid") echo Switchboard ;; esac
}

# One request through each path first, so a broken setup fails here and not as a table full of errors.
body='{"content":"press the next button on the console and report what the screen shows","metadata":{"r":"1"}}'
for t in "${targets[@]}"; do
  answer=$(curl -s --max-time 10 -H 'content-type: application/json' -d "$body" -w ' HTTP%{http_code}' "${url[$t]}") \
    || die "$t: no answer from ${url[$t]}"
  [[ $answer == *'"ok":true'*' HTTP200' ]] || die "$t: unexpected answer from ${url[$t]}: $answer"
done

steps=$((${#levels[@]} * ${#targets[@]}))
estimate=$((steps * (warmup_s + duration_s + 1) + 10))
wrk_cap=$((warmup_s > duration_s ? warmup_s : duration_s))
wrk_cap=$((wrk_cap + 30))
log "setup     $WORKERS nginx workers (1 process) on :${worker_ports[0]}..; HAProxy nbthread $HAPROXY_NBTHREAD," \
  "http-reuse always, maxconn $HAPROXY_MAXCONN; Switchboard round-robin pool, max_concurrency" \
  "$WORKER_MAX_CONCURRENCY per worker, JVM options: $ENGINE_JAVA_OPTS"
log "plan      connections: ${levels[*]}; targets: ${targets[*]}; ${WARMUP} warmup (discarded) + ${DURATION} measured" \
  "each; wrk timeout $WRK_TIMEOUT; about ${estimate}s in all"
log "note      wrk and every server share these $(nproc) cores: the numbers compare paths, not machines"

cat >"$TMP/meta.txt" <<EOF
timestamp=$stamp
date=$(date -u '+%Y-%m-%d %H:%M UTC')
nproc=$(nproc)
cpu=$(cpu_model)
memory=$(mem_total)
kernel=$(uname -r)
java=$(java_version)
haproxy=$haproxy_version
nginx=$nginx_version
wrk=$wrk_version
workers=$WORKERS
duration=$DURATION
warmup=$WARMUP
wrk_timeout=$WRK_TIMEOUT
haproxy_nbthread=$HAPROXY_NBTHREAD
haproxy_maxconn=$HAPROXY_MAXCONN
worker_max_concurrency=$WORKER_MAX_CONCURRENCY
engine_java_opts=$ENGINE_JAVA_OPTS
body_bytes=${#body}
EOF

: >"$TMP/rows.txt"
step=0
for c in "${levels[@]}"; do
  threads=$(($(nproc) < c ? $(nproc) : c))
  for t in "${targets[@]}"; do
    step=$((step + 1))
    log "[$step/$steps] $t c=$c: ${WARMUP} warmup, ${DURATION} measured (wrk -t$threads)"
    wrk_args=(-t"$threads" -c"$c" --timeout "$WRK_TIMEOUT" -s "$BENCH/load/post.lua")
    timeout --foreground "$wrk_cap" wrk "${wrk_args[@]}" -d"$WARMUP" "${url[$t]}" >"$TMP/warmup.out" 2>&1 \
      || { cat "$TMP/warmup.out" >&2; die "wrk warmup failed"; }
    cpu_before=$(cpu_seconds "${pid_of[$t]}")
    timeout --foreground "$wrk_cap" wrk "${wrk_args[@]}" -d"$DURATION" --latency "${url[$t]}" >"$TMP/run.out" 2>&1 \
      || { cat "$TMP/run.out" >&2; die "wrk failed"; }
    cpu_after=$(cpu_seconds "${pid_of[$t]}")
    result=$(grep '^RESULT ' "$TMP/run.out") || { cat "$TMP/run.out" >&2; die "no RESULT line from wrk"; }
    echo "target=$t concurrency=$c threads=$threads cpu_s=$(awk -v a="$cpu_before" -v b="$cpu_after" \
      'BEGIN { printf "%.2f", b - a }') ${result#RESULT }" >>"$TMP/rows.txt"
    python3 "$BENCH/load/report.py" step "$(tail -n 1 "$TMP/rows.txt")" >&2
    for p in "$nginx_pid" "$haproxy_pid" "$engine_pid"; do
      kill -0 "$p" 2>/dev/null && continue
      rc=0
      wait "$p" || rc=$?
      die "pid $p ($(describe_pid "$p")) exited during the run with status $rc$([ "$rc" -gt 128 ] \
        && echo " (signal $((rc - 128)))")"
    done
  done
done

mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/load-$stamp"
python3 "$BENCH/load/report.py" load "$TMP/meta.txt" "$TMP/rows.txt" "$out.csv" "$out.json"

# Anything the engine (or the proxies) logged at WARN or above during the run is part of the result.
problems=$(grep -cE ' (WARN|ERROR) ' "$TMP/switchboard.log" || true)
if [ "$problems" -gt 0 ]; then
  log "Switchboard logged $problems WARN/ERROR lines; the first ten:"
  grep -E ' (WARN|ERROR) ' "$TMP/switchboard.log" | awk 'NR <= 10' >&2
else
  log "Switchboard logged no warnings or errors."
fi
[ ! -s "$TMP/nginx-error.log" ] || { log "nginx error log:"; head -n 5 "$TMP/nginx-error.log" >&2; }

mkdir -p "$CHARTS_DIR"
python3 "$BENCH/charts.py" "$out.json" "$CHARTS_DIR" || log "charts failed (the results above stand)"
log "results   $out.csv, $out.json; charts in $CHARTS_DIR"
