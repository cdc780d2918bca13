#!/usr/bin/env bash
# Switchboard health monitor: polls GET /ready and GET /v1/health/details, appends one key=value line per round to a
# log file, and alerts (webhook, mail) once when a check starts failing and once when it recovers.
#
#   scripts/health-monitor.sh                        # every 30 s against http://127.0.0.1:8080, forever
#   scripts/health-monitor.sh --once --url http://engine:8080 --webhook https://hooks.slack.com/services/...
#
# Needs bash, curl and awk; jq is used when present (a built-in awk JSON reader otherwise). See --help and
# docs/health-monitor.md.
set -uo pipefail

PROG=${0##*/}

usage() {
  cat <<EOF
Usage: $PROG [options]

Polls a Switchboard engine's GET /ready and GET /v1/health/details, appends one key=value line per round to
a log file and alerts when a check starts failing and when it recovers. Flags win over environment variables.

Options (environment variable in brackets):
  -u, --url URL           engine base URL [HEALTH_MONITOR_URL] (default http://127.0.0.1:8080)
  -i, --interval SEC      seconds between rounds [HEALTH_MONITOR_INTERVAL] (default 30)
  -t, --threshold MS      alert when a response takes longer [HEALTH_MONITOR_THRESHOLD_MS] (default 50)
      --timeout SEC       bound on every request, webhook included [HEALTH_MONITOR_TIMEOUT] (default 5)
  -w, --webhook URL       POST alerts as JSON to URL, Slack-compatible [HEALTH_MONITOR_WEBHOOK] (default none)
  -m, --mail ADDRESS      mail alerts with 'mail -s' [HEALTH_MONITOR_MAIL] (default none)
      --mail-command CMD  mail program [HEALTH_MONITOR_MAIL_COMMAND] (default mail; mailx, s-nail work)
  -l, --log FILE          metrics log [HEALTH_MONITOR_LOG]
                          (default /var/log/switchboard/health-monitor.log, ./health-monitor.log if not writable)
      --state FILE        which alerts are firing, kept across restarts [HEALTH_MONITOR_STATE]
                          (default: the log file's path with .state appended)
      --once              one round; exit 0 if healthy, 1 if not (for cron and scripts)
      --count N           stop after N rounds; exit status as for --once (default: run until SIGTERM)
  -h, --help              this help

A round fails when /ready is not 200, an endpoint cannot be reached or times out, a response takes longer than
the threshold, a required pool is not usable, or a worker's circuit is open. Each failing check alerts once;
when it passes again one "resolved" notice follows. HEALTH_MONITOR_JQ=none forces the built-in JSON reader.
When the engine checks API keys, /v1/health/details needs a key with the read scope: put it in
HEALTH_MONITOR_API_KEY (sent as X-API-Key; a variable only, so that it never shows in the process list).

Exit status: 0 healthy, 1 unhealthy (with --once or --count), 2 bad usage or configuration.
EOF
}

warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
usage_error() {
  warn "$*"
  printf "Try '%s --help'.\n" "$PROG" >&2
  exit 2
}

url=${HEALTH_MONITOR_URL:-http://127.0.0.1:8080}
interval=${HEALTH_MONITOR_INTERVAL:-30}
threshold=${HEALTH_MONITOR_THRESHOLD_MS:-50}
timeout=${HEALTH_MONITOR_TIMEOUT:-5}
webhook=${HEALTH_MONITOR_WEBHOOK:-}
mail_to=${HEALTH_MONITOR_MAIL:-}
mail_cmd=${HEALTH_MONITOR_MAIL_COMMAND:-mail}
log_file=${HEALTH_MONITOR_LOG:-}
state_file=${HEALTH_MONITOR_STATE:-}
jq_cmd=${HEALTH_MONITOR_JQ:-jq}
api_key=${HEALTH_MONITOR_API_KEY:-}
count=0

# --flag=value becomes --flag value.
args=()
for a in "$@"; do
  case $a in
    --*=*) args+=("${a%%=*}" "${a#*=}") ;;
    *) args+=("$a") ;;
  esac
done
set -- ${args[@]+"${args[@]}"}

while [ $# -gt 0 ]; do
  opt=$1
  case $opt in
    -h|--help) usage; exit 0 ;;
    --once) count=1; shift; continue ;;
    -u|--url|-i|--interval|-t|--threshold|--timeout|-w|--webhook|-m|--mail|--mail-command|-l|--log|--state|--count)
      [ $# -ge 2 ] || usage_error "$opt needs a value" ;;
    *) usage_error "unknown option: $opt" ;;
  esac
  val=$2
  shift 2
  case $opt in
    -u|--url) url=$val ;;
    -i|--interval) interval=$val ;;
    -t|--threshold) threshold=$val ;;
    --timeout) timeout=$val ;;
    -w|--webhook) webhook=$val ;;
    -m|--mail) mail_to=$val ;;
    --mail-command) mail_cmd=$val ;;
    -l|--log) log_file=$val ;;
    --state) state_file=$val ;;
    --count) count=$val ;;
  esac
done

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]] && [[ ! $1 =~ ^0+([.]0+)?$ ]]; }
url=${url%/}
[[ $url =~ ^https?://[^/]+ ]] || usage_error "--url must be an http:// or https:// URL: '$url'"
[[ $interval =~ ^[1-9][0-9]*$ ]] || usage_error "--interval must be a whole number of seconds > 0: '$interval'"
is_number "$threshold" || usage_error "--threshold must be a number of milliseconds > 0: '$threshold'"
is_number "$timeout" || usage_error "--timeout must be a number of seconds > 0: '$timeout'"
[[ $count =~ ^[0-9]+$ ]] || usage_error "--count must be a whole number: '$count'"
command -v curl >/dev/null 2>&1 || { warn "curl is required"; exit 2; }

can_append() { mkdir -p "$(dirname "$1")" 2>/dev/null && touch "$1" 2>/dev/null && [ -w "$1" ]; }
if [ -z "$log_file" ]; then
  log_file=/var/log/switchboard/health-monitor.log
  if ! can_append "$log_file"; then
    warn "cannot write $log_file; logging to ./health-monitor.log"
    log_file=$PWD/health-monitor.log
  fi
fi
can_append "$log_file" || { warn "cannot write the log file $log_file"; exit 2; }
[ -n "$state_file" ] || state_file=$log_file.state
can_append "$state_file" || { warn "cannot write the state file $state_file"; exit 2; }

use_jq=0
if [ "$jq_cmd" != none ]; then
  if command -v "$jq_cmd" >/dev/null 2>&1; then use_jq=1; else warn "$jq_cmd not found; reading JSON with awk"; fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/health-monitor.XXXXXX") || { warn "cannot create a temporary directory"; exit 2; }
# The API key goes to curl in a file, never on its command line.
key_header=()
if [ -n "$api_key" ]; then
  (umask 077 && printf 'X-API-Key: %s\n' "$api_key" >"$work/key.header") || { warn "cannot write $work"; exit 2; }
  key_header=(-H "@$work/key.header")
fi
sleeper=
# shellcheck disable=SC2317 # reached through the EXIT trap
cleanup() {
  [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
stop=0
trap 'stop=1' TERM INT

# ---------------------------------------------------------------------------------------------------------------
# JSON: both readers print one "path<TAB>value" line per leaf (.pools[0].workers[1].circuit<TAB>open); empty
# arrays and objects are leaves too ([] and {}), so an empty list is told apart from a missing one.

# paths(scalars) would skip false and null leaves, hence the explicit type test.
# shellcheck disable=SC2016 # a jq program, not shell
JQ_FLATTEN='paths((type != "object" and type != "array") or length == 0) as $p
  | ($p | map(if type == "number" then "[\(.)]" else ".\(.)" end) | join(""))
    + "\t" + (getpath($p) | if type == "string" then . else tojson end | gsub("[\t\r\n]"; " "))'

awk_flatten() {
  awk '
    function fail() { failed = 1; exit 1 }
    function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++ }
    function str(   out, c, e) {
      pos++
      out = ""
      while (pos <= n) {
        c = substr(s, pos, 1)
        if (c == "\"") { pos++; return out }
        if (c == "\\") {
          e = substr(s, pos + 1, 1)
          pos += 2
          if (e == "u") { out = out "?"; pos += 4 }
          else if (index("bfnrt", e) > 0) out = out " "
          else out = out e
          continue
        }
        out = out c
        pos++
      }
      fail()
    }
    function value(path,   c, start) {
      ws()
      c = substr(s, pos, 1)
      if (c == "{") return object(path)
      if (c == "[") return array(path)
      if (c == "\"") { print path "\t" str(); return }
      start = pos
      while (pos <= n && index(",]} \t\r\n", substr(s, pos, 1)) == 0) pos++
      if (pos == start || substr(s, start, pos - start) !~ /^(true|false|null|-?[0-9][0-9.eE+-]*)$/) fail()
      print path "\t" substr(s, start, pos - start)
    }
    function object(path,   key, c) {
      pos++
      ws()
      if (substr(s, pos, 1) == "}") { pos++; print path "\t{}"; return }
      while (1) {
        ws()
        if (substr(s, pos, 1) != "\"") fail()
        key = str()
        ws()
        if (substr(s, pos, 1) != ":") fail()
        pos++
        value(path "." key)
        ws()
        c = substr(s, pos++, 1)
        if (c == "}") return
        if (c != ",") fail()
      }
    }
    function array(path,   i, c) {
      pos++
      ws()
      if (substr(s, pos, 1) == "]") { pos++; print path "\t[]"; return }
      for (i = 0; ; i++) {
        value(path "[" i "]")
        ws()
        c = substr(s, pos++, 1)
        if (c == "]") return
        if (c != ",") fail()
      }
    }
    { s = s $0 "\n" }
    END {
      if (failed) exit 1
      n = length(s)
      pos = 1
      ws()
      if (pos > n) exit 1
      value("")
      ws()
      if (pos <= n) exit 1
    }' "$1"
}

# flatten FILE OUT: OUT gets the leaves of the JSON document in FILE; fails when FILE is empty or not JSON.
flatten() {
  [ -s "$1" ] || return 1
  if [ "$use_jq" = 1 ]; then
    "$jq_cmd" -r "$JQ_FLATTEN" "$1" >"$2" 2>/dev/null
  else
    awk_flatten "$1" >"$2"
  fi
}

# leaf FLAT PATH: the value at PATH, empty when absent.
leaf() { awk -F '\t' -v p="$2" '$1 == p { print $2; exit }' "$1"; }

# Reads flattened /v1/health/details and prints "pools N", "workers N", "unusable POOL" and "open POOL/WORKER"
# lines. Absent fields are unknown: a pool without "usable" is not reported, a pool without "required" counts as
# required (the engine's default), a worker without "circuit" is not reported.
summarize_details() {
  awk -F '\t' '
    function clean(x) { gsub(/[ \t,=]/, "_", x); return x }
    $1 !~ /^\.pools(\[|\t|$)/ { next }
    { has_pools = 1 }
    $1 !~ /^\.pools\[/ { next }
    {
      n = split($1, part, /[].[]+/)
      p = part[3] + 0
      if (p > maxp) maxp = p
      pool_seen[p] = 1
      if (n == 4) pool[p, part[4]] = $2
      if (n >= 6 && part[4] == "workers") {
        w = part[5] + 0
        if (w > maxw[p]) maxw[p] = w
        worker_seen[p, w] = 1
        if (n == 6) worker[p, w, part[6]] = $2
      }
    }
    END {
      if (!has_pools) exit
      pools = 0; workers = 0
      for (p = 0; p <= maxp; p++) {
        if (!(p in pool_seen)) continue
        pools++
        name = ((p, "name") in pool) ? clean(pool[p, "name"]) : "#" p
        if (pool[p, "usable"] == "false" && pool[p, "required"] != "false") print "unusable\t" name
        for (w = 0; w <= maxw[p]; w++) {
          if (!((p, w) in worker_seen)) continue
          workers++
          id = ((p, w, "id") in worker) ? clean(worker[p, w, "id"]) : "#" w
          if (tolower(worker[p, w, "circuit"]) ~ /^(forced_)?open$/) print "open\t" name "/" id
        }
      }
      print "pools\t" pools
      print "workers\t" workers
    }' "$1"
}

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=${s//[[:cntrl:]]/}
  printf '"%s"' "$s"
}
json_list() {
  local out="" x
  for x in "$@"; do out+=${out:+,}$(json_str "$x"); done
  printf '[%s]' "$out"
}
# json_num X: X as a JSON number, or null when it is not one (an HTTP code of 000 is not).
json_num() { if [[ $1 =~ ^(0|[1-9][0-9]*)([.][0-9]+)?$ ]]; then printf '%s' "$1"; else printf 'null'; fi; }
join_by() {
  local sep=$1 out="" x
  shift
  for x in "$@"; do out+=${out:+$sep}$x; done
  printf '%s' "$out"
}

# ---------------------------------------------------------------------------------------------------------------
# One round.

# fetch NAME PATH: GET url/PATH into $work/NAME.body; sets fetch_code (000 when nothing was answered), fetch_ms
# and fetch_error.
fetch() {
  local out rc
  out=$(curl -sS -o "$work/$1.body" -w '%{http_code} %{time_total}' --max-time "$timeout" \
    -H 'Accept: application/json' ${key_header[@]+"${key_header[@]}"} "$url$2" 2>"$work/$1.err")
  rc=$?
  fetch_code=${out%% *}
  fetch_ms=$(awk -v s="${out##* }" 'BEGIN { printf "%.1f", s * 1000 }')
  fetch_error=
  [[ $fetch_code =~ ^[0-9]{3}$ ]] || fetch_code=000
  if [ "$rc" -ne 0 ]; then
    fetch_code=000
    case $rc in
      28) fetch_error="timed out after ${timeout}s" ;;
      7) fetch_error="connection refused" ;;
      6) fetch_error="cannot resolve host" ;;
      *) fetch_error="curl error $rc: $(head -c 200 "$work/$1.err" | tr '\n' ' ')" ;;
    esac
  fi
}

slower_than_threshold() { awk -v a="$1" -v b="$threshold" 'BEGIN { exit !(a > b) }'; }

declare -A problem   # failing check -> what an on-call engineer reads
failing=()
fail_check() { failing+=("$1"); problem[$1]=$2; }

warned_no_details=0
warned_no_mail=0

round() {
  failing=()
  problem=()
  local ts ready_status="" reasons=() details_code details_ms pools=na workers=na
  ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  unusable=()
  open=()

  fetch ready /ready
  ready_code=$fetch_code
  ready_ms=$fetch_ms
  if [ "$ready_code" = 000 ]; then
    fail_check ready "/ready unreachable: $fetch_error"
  else
    if flatten "$work/ready.body" "$work/ready.flat"; then
      ready_status=$(leaf "$work/ready.flat" .status)
      mapfile -t reasons < <(awk -F '\t' '$1 ~ /^\.reasons\[[0-9]+\]$/ { print $2 }' "$work/ready.flat")
    fi
    if [ "$ready_code" != 200 ]; then
      local why=${ready_status:-no status}
      [ ${#reasons[@]} -eq 0 ] || why+=": $(join_by '; ' "${reasons[@]}")"
      fail_check ready "/ready answered $ready_code ($why)"
    fi
    slower_than_threshold "$ready_ms" && fail_check slow:ready "/ready took $ready_ms ms (threshold $threshold ms)"
  fi

  fetch details /v1/health/details
  details_code=$fetch_code
  details_ms=$fetch_ms
  if [ "$details_code" = 000 ]; then
    fail_check details "/v1/health/details unreachable: $fetch_error"
  elif [ "$details_code" = 404 ]; then
    if [ "$warned_no_details" = 0 ]; then
      warn "$url has no /v1/health/details (an older engine?); checking /ready only"
      warned_no_details=1
    fi
  else
    if [ "$details_code" = 401 ] || [ "$details_code" = 403 ]; then
      fail_check details "/v1/health/details answered $details_code: set HEALTH_MONITOR_API_KEY to an API key with the read scope"
    elif [ "$details_code" != 200 ] && [ "$details_code" != 503 ]; then
      fail_check details "/v1/health/details answered $details_code"
    elif ! flatten "$work/details.body" "$work/details.flat"; then
      fail_check details "/v1/health/details answered $details_code with a body that is not JSON"
    else
      local kind val
      while IFS=$'\t' read -r kind val; do
        case $kind in
          pools) pools=$val ;;
          workers) workers=$val ;;
          unusable) unusable+=("$val") ;;
          open) open+=("$val") ;;
        esac
      done < <(summarize_details "$work/details.flat")
      local x
      for x in ${unusable[@]+"${unusable[@]}"}; do
        fail_check "pool:$x" "required pool $x has no usable worker"
      done
      for x in ${open[@]+"${open[@]}"}; do
        fail_check "circuit:$x" "worker ${x#*/} in pool ${x%%/*}: circuit open"
      done
    fi
    slower_than_threshold "$details_ms" &&
      fail_check slow:details "/v1/health/details took $details_ms ms (threshold $threshold ms)"
  fi

  local verdict=ok
  [ ${#failing[@]} -eq 0 ] || verdict=fail
  notify "$ready_status" ${reasons[@]+"${reasons[@]}"}

  local open_count=${#open[@]} open_list unusable_list failing_list status_word
  [ "$pools" != na ] || open_count=na
  status_word=${ready_status//[[:space:]=]/_}
  open_list=$(join_by , ${open[@]+"${open[@]}"})
  unusable_list=$(join_by , ${unusable[@]+"${unusable[@]}"})
  failing_list=$(join_by , ${failing[@]+"${failing[@]}"})
  printf 'ts=%s ready_code=%s ready_status=%s ready_ms=%s details_code=%s details_ms=%s pools=%s workers=%s open_circuits=%s open=%s unusable=%s verdict=%s failing=%s notified=%s engine=%s\n' \
    "$ts" "$ready_code" "${status_word:--}" "$ready_ms" "$details_code" "$details_ms" "$pools" "$workers" \
    "$open_count" "${open_list:--}" "${unusable_list:--}" "$verdict" "${failing_list:--}" "${notified:--}" "$url" \
    >>"$log_file" || warn "cannot append to $log_file"
  [ "$verdict" = ok ]
}

# ---------------------------------------------------------------------------------------------------------------
# Alerts. The state file lists the checks an alert was sent for; a check alerts when it joins that list and sends
# "resolved" when it leaves it. The list changes only when a notice got through (or nothing is configured to
# receive it), so a failed delivery is retried next round rather than lost.

notified=
notify() {
  local ready_status=$1
  shift
  local reasons=("$@") alerted=() fresh=() gone=() x
  mapfile -t alerted < <(grep -v '^$' "$state_file" 2>/dev/null)
  declare -A was=() now=()
  for x in ${alerted[@]+"${alerted[@]}"}; do was[$x]=1; done
  for x in ${failing[@]+"${failing[@]}"}; do now[$x]=1; [ -n "${was[$x]:-}" ] || fresh+=("$x"); done
  for x in ${alerted[@]+"${alerted[@]}"}; do [ -n "${now[$x]:-}" ] || gone+=("$x"); done
  notified=

  local details problems=()
  for x in ${failing[@]+"${failing[@]}"}; do problems+=("${problem[$x]}"); done
  details=$(printf '{"ready_code":%s,"ready_status":%s,"reasons":%s,"ready_ms":%s,"details_code":%s,"details_ms":%s,"threshold_ms":%s,"failing":%s,"problems":%s,"open_circuits":%s,"unusable_pools":%s}' \
    "$(json_num "$ready_code")" "$(json_str "$ready_status")" "$(json_list ${reasons[@]+"${reasons[@]}"})" \
    "$(json_num "$ready_ms")" "$(json_num "$details_code")" "$(json_num "$details_ms")" "$(json_num "$threshold")" \
    "$(json_list ${failing[@]+"${failing[@]}"})" "$(json_list ${problems[@]+"${problems[@]}"})" \
    "$(json_list ${open[@]+"${open[@]}"})" "$(json_list ${unusable[@]+"${unusable[@]}"})")

  local keep=()
  if [ ${#fresh[@]} -gt 0 ]; then
    local lines=() text
    for x in "${fresh[@]}"; do lines+=("${problem[$x]}"); done
    text="Switchboard $url FIRING: $(join_by '; ' "${lines[@]}")"
    if send firing "$(join_by , "${fresh[@]}")" "$text" "$details"; then
      notified=firing
    else
      for x in "${fresh[@]}"; do unset "now[$x]"; done
    fi
  fi
  if [ ${#gone[@]} -gt 0 ]; then
    local text
    text="Switchboard $url RESOLVED: $(join_by ', ' "${gone[@]}") passing again"
    if [ ${#failing[@]} -eq 0 ]; then text+="; all checks pass"; else text+="; still failing: $(join_by ', ' "${failing[@]}")"; fi
    if send resolved "$(join_by , "${gone[@]}")" "$text" "$details"; then
      notified=${notified:+$notified+}resolved
    else
      keep=("${gone[@]}")
    fi
  fi
  {
    for x in ${failing[@]+"${failing[@]}"}; do [ -z "${now[$x]:-}" ] || printf '%s\n' "$x"; done
    for x in ${keep[@]+"${keep[@]}"}; do printf '%s\n' "$x"; done
  } >"$state_file.tmp" || { warn "cannot write the state file $state_file"; return; }
  mv -f "$state_file.tmp" "$state_file" || warn "cannot write the state file $state_file"
}

# send STATUS CHECK TEXT DETAILS_JSON: succeeds when at least one channel took it, or none is configured.
send() {
  local status=$1 check=$2 text=$3 details=$4 channels=0 delivered=0
  warn "$text"
  if [ -n "$webhook" ]; then
    channels=$((channels + 1))
    printf '{"text":%s,"status":%s,"check":%s,"engine":%s,"details":%s}\n' \
      "$(json_str "$text")" "$(json_str "$status")" "$(json_str "$check")" "$(json_str "$url")" "$details" \
      >"$work/payload.json"
    local code
    code=$(curl -sS -o "$work/webhook.out" -w '%{http_code}' --max-time "$timeout" -X POST \
      -H 'Content-Type: application/json' --data-binary @"$work/payload.json" "$webhook" 2>"$work/webhook.err")
    if [[ $code =~ ^2 ]]; then
      delivered=$((delivered + 1))
    else
      warn "webhook delivery failed (HTTP ${code:-000}): $(head -c 200 "$work/webhook.err" | tr '\n' ' ')"
    fi
  fi
  if [ -n "$mail_to" ]; then
    if command -v "$mail_cmd" >/dev/null 2>&1; then
      channels=$((channels + 1))
      local bound=()
      command -v timeout >/dev/null 2>&1 && bound=(timeout "$timeout")
      if printf '%s\n\ncheck: %s\nengine: %s\ndetails: %s\n' "$text" "$check" "$url" "$details" |
        ${bound[@]+"${bound[@]}"} "$mail_cmd" -s "[switchboard] ${status^^} $check" "$mail_to"; then
        delivered=$((delivered + 1))
      else
        warn "mail to $mail_to failed"
      fi
    elif [ "$warned_no_mail" = 0 ]; then
      warn "no '$mail_cmd' command on this machine; alerts are not mailed to $mail_to"
      warned_no_mail=1
    fi
  fi
  [ "$channels" -eq 0 ] || [ "$delivered" -gt 0 ]
}

# ---------------------------------------------------------------------------------------------------------------

rounds=0
healthy=0
while :; do
  started=$SECONDS
  if round; then healthy=1; else healthy=0; fi
  rounds=$((rounds + 1))
  if [ "$count" -gt 0 ] && [ "$rounds" -ge "$count" ]; then break; fi
  [ "$stop" = 0 ] || break
  wait_s=$((interval - (SECONDS - started)))
  if [ "$wait_s" -gt 0 ]; then
    # In the background so that SIGTERM is handled at once rather than after the sleep.
    sleep "$wait_s" &
    sleeper=$!
    wait "$sleeper"
    kill "$sleeper" 2>/dev/null   # still sleeping when a signal cut the wait short
    sleeper=
  fi
  [ "$stop" = 0 ] || break
done
if [ "$count" -gt 0 ] && [ "$healthy" = 0 ]; then exit 1; fi
exit 0
