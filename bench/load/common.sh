# Shared by bench/load.sh and bench/scale.sh (sourced, bash): machine facts, tool installs, process hygiene.
# shellcheck shell=bash

# Processes this benchmark started; cleanup stops exactly these, newest first.
BENCH_PIDS=()

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs the Debian packages whose commands are missing: need_tools "cmd:package" ...
need_tools() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]} with apt-get..."
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || die "cannot install ${missing[*]}; install them and run again"
  fi
}

# Exports JAVA_HOME the way ./switchboard finds it, and builds target/switchboard.jar when it is missing or stale.
prepare_engine() {
  local root=$1
  JAVA_HOME=$(. "$root/.mvn/jdk.sh" && sb_find_jdk >&2 && printf '%s' "$JAVA_HOME") || die "no JDK 21+ found"
  export JAVA_HOME
  timeout --foreground 900 "$root/switchboard" --version >/dev/null || die "cannot build target/switchboard.jar"
}

# (awk 'NR == 1' rather than head: head closing the pipe early kills the writer, which pipefail reports)
cpu_model() { awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo; }
mem_total() { awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo; }
java_version() { "$JAVA_HOME/bin/java" -version 2>&1 | awk 'NR == 1'; }

print_machine() {
  log "machine   $(nproc) cores, $(cpu_model), $(mem_total) RAM, kernel $(uname -r), ulimit -n $(ulimit -n)"
}

# int_between VALUE LOW HIGH: VALUE is a whole number within [LOW, HIGH].
int_between() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_ports() {
  local p
  for p in "$@"; do
    ! port_busy "$p" || die "port $p on 127.0.0.1 is taken; pick other ports (see the variables at the top)"
  done
}

# wait_http URL TIMEOUT_SECONDS PID LOGFILE: waits for a 200, failing early when the process dies.
wait_http() {
  local url=$1 limit=$2 pid=$3 logfile=$4 deadline
  deadline=$((SECONDS + limit))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the process behind $url exited; last lines of $logfile:"
      tail -n 20 "$logfile" >&2 || true
      return 1
    fi
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ] && return 0
    sleep 0.1
  done
  log "no 200 from $url within ${limit}s; last lines of $logfile:"
  tail -n 20 "$logfile" >&2 || true
  return 1
}

# stop_pid PID: TERM, a few seconds of grace, then KILL.
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "pid $pid ignored SIGTERM for ${i}00 ms; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${BENCH_PIDS[$i]}"
  done
  BENCH_PIDS=()
}

# Process CPU time in seconds (user + system), for "cores used" over a run.
cpu_seconds() {
  local ticks
  ticks=$(getconf CLK_TCK)
  awk -v hz="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Machine-wide count of connection attempts the kernel dropped at a full listen queue (TcpExt ListenDrops).
listen_drops() {
  awk '/^TcpExt:/ { if (!seen) { for (i = 1; i <= NF; i++) if ($i == "ListenDrops") col = i; seen = 1 }
                    else if (col) print $col }' /proc/net/netstat
}

# Seconds in a wrk-style duration: 10s, 2m, 1h, or a bare number of seconds.
duration_seconds() {
  case $1 in
    *h) echo $((${1%h} * 3600)) ;;
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

# Nginx serving {"ok":true} on each given port: one process, no master, no temp files beyond DIR.
write_nginx_conf() {
  local dir=$1 p
  shift
  {
    echo "daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/nginx-error.log warn;"
    echo "worker_rlimit_nofile 16384;"
    echo "events { worker_connections 8192; }"
    echo "http {"
    echo "  access_log off; keepalive_requests 10000000; keepalive_timeout 300s;"
    echo "  client_body_temp_path $dir/nginx-body; proxy_temp_path $dir/nginx-proxy;"
    echo "  fastcgi_temp_path $dir/nginx-fcgi; uwsgi_temp_path $dir/nginx-uwsgi; scgi_temp_path $dir/nginx-scgi;"
    for p in "$@"; do
      echo "  server { listen 127.0.0.1:$p; location / { default_type application/json; return 200 '{\"ok\":true}'; } }"
    done
    echo "}"
  } >"$dir/nginx.conf"
}

# Makes TMP, a temporary directory removed on exit (KEEP_TMP=1 keeps it), and the traps every benchmark needs:
# stop everything started, show the tail of the engine log ($TMP/$1) when the run failed, report errors and Ctrl-C.
init_tmp_and_traps() {
  ENGINE_LOG_NAME=$1
  TMP=$(mktemp -d "/tmp/switchboard-$2.XXXXXX")
  trap on_exit EXIT
  trap 'log "failed: line $LINENO: $BASH_COMMAND"' ERR
  trap 'log "interrupted"; exit 130' INT
  trap 'exit 143' TERM
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  if [ "$rc" -ne 0 ] && [ -s "$TMP/$ENGINE_LOG_NAME" ]; then
    log "last lines of the Switchboard log:"
    tail -n 20 "$TMP/$ENGINE_LOG_NAME" >&2
  fi
  if [ -n "${KEEP_TMP:-}" ]; then log "kept $TMP (logs, configs, raw outputs)"; else rm -rf "$TMP"; fi
  exit "$rc"
}
