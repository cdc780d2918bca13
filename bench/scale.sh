#!/usr/bin/env bash
# Scale and memory: 10,000 requests in flight through Switchboard to workers that answer after 2 s.
#
#   bench/scale.sh                                  # 10,000 concurrent, 30,000 requests; launcher heap, then JVM default
#   CONCURRENT=2000 bench/scale.sh                  # a smaller run
#
# h2load drives the engine over cleartext HTTP/2 (prior knowledge): CONCURRENT/STREAMS connections with STREAMS
# streams each, so 10,000 requests are in flight over 100 client sockets; the engine opens up to 10,000 HTTP/1.1
# connections to WORKERS slow workers (bench/load/delay_worker.py, one process each). Reports errors, latency
# percentiles, the engine's peak RSS, descriptors and threads (sampled every SAMPLE_MS), and the median time from
# process start to the first 200 on /ready over STARTS starts. Writes bench/results/scale-<timestamp>.json.
# The engine runs as `java $OPTS -jar target/switchboard.jar serve` (what ./switchboard execs, minus its JDK search,
# which would otherwise count as startup time). Every h2load run is capped by `timeout`; Ctrl-C stops everything.
#
# Settings (environment): CONCURRENT, STREAMS, REQUESTS, WORKERS, WORKER_DELAY, JVM_VARIANTS (';'-separated,
# 'default' = no options), STARTS, SAMPLE_MS, WARMUP_REQUESTS, the ports below, KEEP_TMP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/load/common.sh
. "$BENCH/load/common.sh"

CONCURRENT=${CONCURRENT:-10000}
STREAMS=${STREAMS:-100}                         # HTTP/2 streams per client connection
REQUESTS=${REQUESTS:-$((CONCURRENT * 3))}
WORKERS=${WORKERS:-4}
WORKER_DELAY=${WORKER_DELAY:-2}                 # seconds each worker waits before answering
WORKER_PORT=${WORKER_PORT:-19201}               # workers listen on WORKER_PORT .. WORKER_PORT+WORKERS-1
SWITCHBOARD_PORT=${SWITCHBOARD_PORT:-19180}
JVM_VARIANTS=${JVM_VARIANTS:--Xms128m -Xmx320m;default}  # engine JVM option sets, one run each: the launcher's default heap, then none
STARTS=${STARTS:-3}                             # starts timed to the first 200 on /ready
SAMPLE_MS=${SAMPLE_MS:-150}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-500}         # sent 250 at a time before each measured run
READY_TIMEOUT=${READY_TIMEOUT:-60}

int_between "$CONCURRENT" 1 15000 || die "CONCURRENT must be 1..15000 (the 20000-descriptor limit)"
int_between "$STREAMS" 1 1024 || die "STREAMS must be 1..1024 (the engine allows 1024 per connection)"
[ $((CONCURRENT % STREAMS)) -eq 0 ] || die "CONCURRENT ($CONCURRENT) must be a multiple of STREAMS ($STREAMS)"
int_between "$REQUESTS" "$CONCURRENT" 1000000 || die "REQUESTS must be at least CONCURRENT"
int_between "$WORKERS" 1 16 || die "WORKERS must be 1..16"
int_between "$STARTS" 0 20 || die "STARTS must be 0..20"
int_between "$SAMPLE_MS" 20 2000 || die "SAMPLE_MS must be 20..2000"
connections=$((CONCURRENT / STREAMS))
# Headroom above an even share, so round-robin never waits on a worker that is momentarily at its limit.
per_worker=$(((CONCURRENT * 12 / 10 + WORKERS - 1) / WORKERS + 1))
IFS=';' read -ra variants <<<"$JVM_VARIANTS"
[ "${#variants[@]}" -ge 1 ] || die "JVM_VARIANTS must name at least one option set ('default' for none)"

# KEEP_TMP=1 keeps the temporary directory (configs, logs, raw h2load output, RSS samples) for a look afterwards.
init_tmp_and_traps engine.log scale

need_tools h2load:nghttp2-client curl:curl python3:python3
prepare_engine "$ROOT"
ENGINE_JAR=$ROOT/target/switchboard.jar

worker_ports=()
for ((i = 0; i < WORKERS; i++)); do worker_ports+=($((WORKER_PORT + i))); done
require_free_ports "${worker_ports[@]}" "$SWITCHBOARD_PORT"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
h2load_version=$(h2load --version | awk 'NR == 1 { print $2 }')
log "== Switchboard scale benchmark, $(date -u '+%Y-%m-%d %H:%M UTC') =="
print_machine
python_version=$(python3 -c 'import platform; print(platform.python_version())')
log "versions  java: $(java_version); h2load $h2load_version; python $python_version"
log "plan      $CONCURRENT in flight = $connections h2c connections x $STREAMS streams, $REQUESTS requests;" \
  "$WORKERS workers answering after ${WORKER_DELAY}s (max_concurrency $per_worker each);" \
  "JVM option sets: ${variants[*]}; $STARTS timed starts"

# --- the slow workers ------------------------------------------------------------------------------------------
worker_pids=()
for p in "${worker_ports[@]}"; do
  python3 "$BENCH/load/delay_worker.py" "$p" "$WORKER_DELAY" >"$TMP/worker-$p.log" 2>&1 &
  worker_pids+=($!)
  BENCH_PIDS+=($!)
done
for p in "${worker_ports[@]}"; do
  deadline=$((SECONDS + 10))
  until port_busy "$p"; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$TMP/worker-$p.log" >&2; die "worker on :$p did not start"; }
    sleep 0.05
  done
done

{
  echo "server: {host: 127.0.0.1, port: $SWITCHBOARD_PORT, drain_timeout_ms: 1000, max_in_flight: 20000}"
  echo "classes:"
  echo "  - {name: bench, priority: NORMAL}"
  echo "default_class: bench"
  echo "pools:"
  echo "  slow:"
  echo "    strategy: round-robin"
  echo "    workers:"
  for p in "${worker_ports[@]}"; do
    echo "      - {id: s$p, url: \"http://127.0.0.1:$p/work\", max_concurrency: $per_worker}"
  done
  echo "routes:"
  echo "  - {class: bench, pool: slow}"
  echo "delivery: {timeout_ms: 30000}"
  echo "queue: {capacity: 20000}"
  echo "auth: {mode: disabled}"
} >"$TMP/engine.yaml"
body='{"content":"press the next button on the console and report what the screen shows","metadata":{"r":"1"}}'
printf '%s' "$body" >"$TMP/body.json"

# start_engine OPTS: starts the engine (its pid in engine_pid) and sets startup_ms to the time from the fork to
# the first 200 on /ready.
start_engine() {
  local opts=$1 t0 code
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # opts is a list of JVM options
  (cd "$TMP" && SWITCHBOARD_LOG_LEVEL=WARN exec "$JAVA_HOME/bin/java" $opts -jar "$ENGINE_JAR" \
    serve --config "$TMP/engine.yaml" >>"$TMP/engine.log" 2>&1) &
  engine_pid=$!
  BENCH_PIDS+=("$engine_pid")
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$SWITCHBOARD_PORT/ready" || true)
    [ "$code" = 200 ] && break
    kill -0 "$engine_pid" 2>/dev/null || die "the engine exited while starting"
    [ $(($(date +%s%N) - t0)) -lt $((READY_TIMEOUT * 1000000000)) ] || die "engine not ready in ${READY_TIMEOUT}s"
    sleep 0.01
  done
  startup_ms=$((($(date +%s%N) - t0) / 1000000))
}

stop_engine() {
  stop_pid "$engine_pid"
  local kept=() p
  for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$engine_pid" ] || kept+=("$p"); done
  BENCH_PIDS=("${kept[@]}")
}

java_opts_of() { [ "$1" = default ] && echo "" || echo "$1"; }

# --- startup time ----------------------------------------------------------------------------------------------
startup_opts=$(java_opts_of "${variants[0]}")
: >"$TMP/startups.txt"
for ((i = 1; i <= STARTS; i++)); do
  start_engine "$startup_opts"
  log "start $i/$STARTS: ready after ${startup_ms} ms"
  echo "$startup_ms" >>"$TMP/startups.txt"
  stop_engine
done

# --- the runs --------------------------------------------------------------------------------------------------
# sample PID FILE: elapsed ms, VmRSS KiB, threads, open descriptors, every SAMPLE_MS until the process is gone.
sample() {
  local pid=$1 t0 rss threads fds interval
  t0=$(date +%s%N)
  interval=$(awk -v ms="$SAMPLE_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
  while [ -r "/proc/$pid/status" ]; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || break
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || break
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    echo "$((($(date +%s%N) - t0) / 1000000)) ${rss:-0} ${threads:-0} $fds"
    sleep "$interval"
  done
}

workers_cpu() {
  local p total=0
  for p in "${worker_pids[@]}"; do total=$(awk -v a="$total" -v b="$(cpu_seconds "$p")" 'BEGIN { print a + b }'); done
  echo "$total"
}

threads=$((connections < $(nproc) ? connections : $(nproc)))
run_cap=$(((REQUESTS / CONCURRENT + 1) * WORKER_DELAY * 4 + 60))
run_dirs=()
n=0
for variant in "${variants[@]}"; do
  n=$((n + 1))
  opts=$(java_opts_of "$variant")
  dir=$TMP/run-$n
  mkdir -p "$dir"
  run_dirs+=("$dir")
  : >"$TMP/engine.log"
  start_engine "$opts"
  printf '%s\n' "$opts" >"$dir/java_opts.txt"
  echo "$startup_ms" >"$dir/startup_ms.txt"
  log "[$n/${#variants[@]}] JVM options '${opts:-default}': ready after ${startup_ms} ms; warmup of" \
    "$WARMUP_REQUESTS requests"
  timeout --foreground 120 h2load -c 5 -m 50 -n "$WARMUP_REQUESTS" -t 1 -d "$TMP/body.json" \
    -H 'content-type: application/json' "http://127.0.0.1:$SWITCHBOARD_PORT/v1/route" >"$dir/warmup.out" 2>&1 \
    || log "warmup: h2load exited $?"
  awk '/^VmRSS:/ { print $2 }' "/proc/$engine_pid/status" >"$dir/rss_before_kib.txt"
  sample "$engine_pid" >"$dir/samples.txt" &
  sampler_pid=$!
  BENCH_PIDS+=("$sampler_pid")
  log "[$n/${#variants[@]}] $REQUESTS requests, $CONCURRENT in flight (h2load -c $connections -m $STREAMS -t $threads)"
  drops_before=$(listen_drops)
  engine_cpu_before=$(cpu_seconds "$engine_pid")
  workers_cpu_before=$(workers_cpu)
  rc=0
  timeout --foreground "$run_cap" h2load -c "$connections" -m "$STREAMS" -n "$REQUESTS" -t "$threads" \
    -d "$TMP/body.json" -H 'content-type: application/json' --log-file "$dir/requests.log" \
    "http://127.0.0.1:$SWITCHBOARD_PORT/v1/route" >"$dir/h2load.out" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || log "h2load exited with status $rc$([ "$rc" -eq 124 ] && echo " (timed out after ${run_cap}s)")"
  echo $(($(listen_drops) - drops_before)) >"$dir/listen_drops.txt"
  awk -v a="$engine_cpu_before" -v b="$(cpu_seconds "$engine_pid")" 'BEGIN { printf "%.2f\n", b - a }' \
    >"$dir/engine_cpu_s.txt"
  awk -v a="$workers_cpu_before" -v b="$(workers_cpu)" 'BEGIN { printf "%.2f\n", b - a }' >"$dir/workers_cpu_s.txt"
  sleep 0.5
  stop_pid "$sampler_pid"
  kill -0 "$engine_pid" 2>/dev/null || log "the engine is gone after the run"
  grep -E '^(VmHWM|VmRSS|Threads):' "/proc/$engine_pid/status" >"$dir/status_after.txt" 2>/dev/null || true
  python3 "$BENCH/load/report.py" h2load "$dir/h2load.out" "$dir/requests.log" >"$dir/h2load.json"
  grep -E ' (WARN|ERROR) |Exception|OutOfMemory' "$TMP/engine.log" >"$dir/engine_problems.txt" || true
  if [ -s "$dir/engine_problems.txt" ]; then
    log "the engine logged $(wc -l <"$dir/engine_problems.txt") WARN/ERROR lines; the first five:"
    awk 'NR <= 5' "$dir/engine_problems.txt" >&2
  fi
  python3 "$BENCH/load/report.py" run-line "$dir/h2load.json" >&2
  if [ "$(cat "$dir/listen_drops.txt")" -gt 0 ]; then
    log "        the kernel dropped $(cat "$dir/listen_drops.txt") connection attempts at full listen queues during" \
      "the run (machine-wide); each costs the connecting side a SYN retransmit (1 s or more) of latency"
  fi
  stop_engine
done

for i in "${!worker_pids[@]}"; do stop_pid "${worker_pids[$i]}"; done
cat "$TMP"/worker-*.log >"$TMP/workers.txt"

mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/scale-$stamp.json"
cat >"$TMP/meta.txt" <<EOF
timestamp=$stamp
date=$(date -u '+%Y-%m-%d %H:%M UTC')
nproc=$(nproc)
cpu=$(cpu_model)
memory=$(mem_total)
kernel=$(uname -r)
java=$(java_version)
h2load=$h2load_version
python=$python_version
concurrent=$CONCURRENT
connections=$connections
streams=$STREAMS
requests=$REQUESTS
workers=$WORKERS
worker_delay_s=$WORKER_DELAY
worker_max_concurrency=$per_worker
sample_ms=$SAMPLE_MS
warmup_requests=$WARMUP_REQUESTS
startup_java_opts=$startup_opts
EOF
python3 "$BENCH/load/report.py" scale-json "$TMP/meta.txt" "$TMP/startups.txt" "$TMP/workers.txt" "$out" \
  "${run_dirs[@]}"
python3 "$BENCH/load/report.py" scale "$out"
log "results   $out"
