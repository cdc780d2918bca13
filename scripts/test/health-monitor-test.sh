#!/usr/bin/env bash
# Tests for scripts/health-monitor.sh and scripts/install-health-monitor.sh, against a fake engine and a webhook
# sink (scripts/test/fake_engine.py). Needs bash, curl, python3; jq, mawk and shellcheck are used when present.
#
#   scripts/test/health-monitor-test.sh            # all tests; TAP-style output, exit 0 when all pass
#   scripts/test/health-monitor-test.sh circuit    # only the tests whose name contains "circuit"
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPTS=$(dirname "$HERE")
MONITOR=$SCRIPTS/health-monitor.sh
INSTALLER=$SCRIPTS/install-health-monitor.sh
FAKE=$HERE/fake_engine.py

# The tests configure the monitor themselves, and must reach 127.0.0.1 directly.
unset "${!HEALTH_MONITOR_@}"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

TMP=$(mktemp -d "${TMPDIR:-/tmp}/health-monitor-test.XXXXXX")
server_pids=()
cleanup() {
  local p
  for p in ${server_pids[@]+"${server_pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

# start_server NAME ROLE ARGS...: starts the fake in the background; sets server_url once it listens.
start_server() {
  local name=$1 role=$2 port_file=$TMP/$1.port i
  shift 2
  python3 "$FAKE" "$role" --port-file "$port_file" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  server_pids+=($!)
  for ((i = 0; i < 200; i++)); do
    if [ -s "$port_file" ]; then
      server_url=http://127.0.0.1:$(cat "$port_file")
      return
    fi
    sleep 0.05
  done
  echo "the fake $role did not start in 10 s: $(cat "$TMP/$name.err")" >&2
  return 1
}

mkdir -p "$TMP/hooks"
start_server engine engine --control "$TMP/mode"
ENGINE=$server_url
start_server sink sink --out-dir "$TMP/hooks"
SINK=$server_url
CLOSED_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# ---------------------------------------------------------------------------------------------------------------
# Helpers. Each test runs in its own subshell with set -e and its own directory $T; $NAME names its webhook.

mode() { echo "$1" >"$TMP/mode"; }

# monitor ARGS...: one round (--once) against the fake engine with the test's log, state and webhook, a threshold
# no healthy local answer reaches, and a short timeout; sets rc and leaves stdout/stderr in $T/out and $T/err.
monitor() {
  rc=0
  "$MONITOR" --once --url "$ENGINE" --log "$T/log" --state "$T/state" --webhook "$SINK/$NAME" \
    --threshold 2000 --timeout 3 "$@" >"$T/out" 2>"$T/err" || rc=$?
}

fail() {
  printf '    %s\n' "$@" >&2
  return 1
}
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_grep() { grep -Eq -- "$2" "$1" || fail "expected /$2/ in $1:" "$(cat "$1")"; }
expect_no_grep() { ! grep -Eq -- "$2" "$1" || fail "did not expect /$2/ in $1:" "$(cat "$1")"; }
hook_count() { if [ -f "$TMP/hooks/$NAME.jsonl" ]; then wc -l <"$TMP/hooks/$NAME.jsonl" | tr -d ' '; else echo 0; fi; }
# hook N FIELD: FIELD (a dotted path) of the Nth webhook body; every body must be a JSON object.
hook() {
  python3 - "$TMP/hooks/$NAME.jsonl" "$1" "$2" <<'EOF'
import json, sys
body = json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2]) - 1])
for key in ("text", "status", "check", "engine", "details"):
    assert key in body, "webhook body lacks " + key
value = body
for key in sys.argv[3].split("."):
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value))
EOF
}
last_log() { tail -n 1 "$T/log"; }
# log_field KEY: KEY's value in the last log line.
log_field() { last_log | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# ---------------------------------------------------------------------------------------------------------------
# The monitor.

test_healthy_round_exits_0_and_logs_one_key_value_line() {
  mode healthy
  monitor
  expect_eq "$rc" 0 "exit status"
  expect_eq "$(wc -l <"$T/log" | tr -d ' ')" 1 "log lines"
  last_log | grep -Eq '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z ready_code=200 ready_status=ready ready_ms=[0-9.]+ details_code=200 details_ms=[0-9.]+ pools=2 workers=3 open_circuits=0 open=- unusable=- verdict=ok failing=- notified=- engine=http' ||
    fail "unexpected log line: $(last_log)"
  expect_eq "$(hook_count)" 0 "webhook posts"
}

test_not_ready_alerts_once_while_it_lasts_and_resolves_once() {
  mode not_ready
  monitor
  expect_eq "$rc" 1 "exit status when not ready"
  expect_eq "$(log_field ready_code)" 503 "ready_code"
  expect_eq "$(log_field ready_status)" degraded "ready_status"
  expect_eq "$(log_field verdict)" fail "verdict"
  expect_eq "$(hook_count)" 1 "webhook posts after the first failing round"
  expect_eq "$(hook 1 status)" firing "status"
  expect_eq "$(hook 1 check)" "ready,pool:strong,circuit:strong/opus-1" "check"
  expect_eq "$(hook 1 engine)" "$ENGINE" "engine"
  hook 1 text | grep -q '/ready answered 503 (degraded: pool strong has no usable worker)' || fail "text: $(hook 1 text)"

  monitor
  expect_eq "$rc" 1 "exit status of the second failing round"
  expect_eq "$(hook_count)" 1 "webhook posts after the second failing round"
  expect_eq "$(log_field notified)" - "notified on the second failing round"

  mode healthy
  monitor
  expect_eq "$rc" 0 "exit status after recovery"
  expect_eq "$(hook_count)" 2 "webhook posts after recovery"
  expect_eq "$(hook 2 status)" resolved "status"
  expect_eq "$(hook 2 check)" "ready,pool:strong,circuit:strong/opus-1" "resolved check"
  hook 2 text | grep -q 'all checks pass' || fail "text: $(hook 2 text)"

  monitor
  expect_eq "$(hook_count)" 2 "webhook posts after a second healthy round"
}

test_responses_slower_than_the_threshold_fail_the_round() {
  mode slow   # the fake answers after 300 ms
  monitor --threshold 100
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(log_field failing)" "slow:ready,slow:details" "failing"
  expect_eq "$(hook 1 check)" "slow:ready,slow:details" "check"
  hook 1 text | grep -Eq '/ready took [0-9.]+ ms \(threshold 100 ms\)' || fail "text: $(hook 1 text)"
}

test_open_circuit_is_named_in_the_alert_even_while_ready() {
  mode open_circuit
  monitor
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(log_field ready_code)" 200 "ready_code"
  expect_eq "$(log_field open_circuits)" 1 "open_circuits"
  expect_eq "$(log_field open)" fast/sonnet-2 "open"
  expect_eq "$(hook 1 check)" circuit:fast/sonnet-2 "check"
  expect_eq "$(hook 1 details.open_circuits)" '["fast/sonnet-2"]' "details.open_circuits"
  hook 1 text | grep -q 'worker sonnet-2 in pool fast: circuit open' || fail "text: $(hook 1 text)"
}

test_unreachable_engine_fails_with_one_alert_for_both_endpoints() {
  ENGINE=http://127.0.0.1:$CLOSED_PORT monitor
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(log_field ready_code)" 000 "ready_code"
  expect_eq "$(log_field failing)" "ready,details" "failing"
  expect_eq "$(hook_count)" 1 "webhook posts"
  hook 1 text | grep -q '/ready unreachable: connection refused' || fail "text: $(hook 1 text)"
}

test_a_hanging_engine_is_given_up_on_after_the_timeout() {
  mode hang   # the fake would answer after 10 s
  monitor --timeout 1
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(log_field failing)" "ready,details" "failing"
  hook 1 text | grep -q '/ready unreachable: timed out after 1s' || fail "text: $(hook 1 text)"
}

test_the_awk_json_reader_agrees_with_jq() {
  command -v jq >/dev/null 2>&1 || fail "jq is needed to compare the readers"
  local awks=(awk) m reader
  command -v mawk >/dev/null 2>&1 && awks+=(mawk)
  mkdir -p "$T/bin"
  for m in healthy not_ready open_circuit sparse pretty garbage no_details; do
    mode "$m"
    HEALTH_MONITOR_JQ=jq monitor --state "$T/state.jq.$m"
    last_log | sed -e 's/ts=[^ ]* //' -e 's/_ms=[0-9.]*//g' >"$T/jq.$m"
    for reader in "${awks[@]}"; do
      ln -sf "$(command -v "$reader")" "$T/bin/awk"
      PATH=$T/bin:$PATH HEALTH_MONITOR_JQ=none monitor --state "$T/state.$reader.$m"
      last_log | sed -e 's/ts=[^ ]* //' -e 's/_ms=[0-9.]*//g' >"$T/$reader.$m"
      cmp -s "$T/jq.$m" "$T/$reader.$m" || fail "$reader and jq read '$m' differently:" "$(cat "$T/jq.$m")" "$(cat "$T/$reader.$m")"
    done
  done
  expect_grep "$T/jq.pretty" 'open=fast/sonnet-2 '
  expect_grep "$T/jq.sparse" 'pools=1 workers=1 open_circuits=0 .* verdict=ok'
}

test_an_engine_without_the_details_endpoint_is_checked_on_ready_alone() {
  mode no_details
  monitor
  expect_eq "$rc" 0 "exit status"
  expect_eq "$(log_field details_code)" 404 "details_code"
  expect_eq "$(log_field pools)" na "pools"
  expect_eq "$(log_field open_circuits)" na "open_circuits"
  expect_grep "$T/err" 'has no /v1/health/details'
}

test_an_api_key_is_sent_for_the_details_and_never_shown() {
  mode needs_key
  monitor
  expect_eq "$rc" 1 "exit status without a key"
  expect_eq "$(log_field details_code)" 401 "details_code"
  hook 1 text | grep -q 'HEALTH_MONITOR_API_KEY' || fail "text: $(hook 1 text)"
  rc=0
  HEALTH_MONITOR_API_KEY=monitor-key "$MONITOR" --once --url "$ENGINE" --log "$T/log" --state "$T/state" \
    --webhook "$SINK/$NAME" --threshold 2000 --timeout 3 >"$T/out" 2>"$T/err" || rc=$?
  expect_eq "$rc" 0 "exit status with the key"
  expect_eq "$(log_field details_code)" 200 "details_code"
  expect_no_grep "$T/log" 'monitor-key'
  expect_no_grep "$T/err" 'monitor-key'
}

test_details_that_are_not_json_fail_the_details_check() {
  mode garbage
  monitor
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(log_field failing)" details "failing"
  hook 1 text | grep -q 'not JSON' || fail "text: $(hook 1 text)"
}

test_alerts_are_mailed_when_a_mail_command_exists() {
  mkdir -p "$T/bin"
  cat >"$T/bin/fakemail" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$@" >"$T/mail.args"
cat >"$T/mail.body"
EOF
  chmod +x "$T/bin/fakemail"
  mode not_ready
  PATH=$T/bin:$PATH monitor --mail oncall@example.com --mail-command fakemail
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(tr '\n' '|' <"$T/mail.args")" "-s|[switchboard] FIRING ready,pool:strong,circuit:strong/opus-1|oncall@example.com|" "mail arguments"
  expect_grep "$T/mail.body" '^Switchboard .* FIRING: /ready answered 503'
  expect_eq "$(hook_count)" 1 "webhook posts beside the mail"
}

test_a_missing_mail_command_is_reported_and_the_webhook_still_fires() {
  mode not_ready
  monitor --mail oncall@example.com --mail-command no-such-mail-command
  expect_eq "$rc" 1 "exit status"
  expect_eq "$(grep -c "no 'no-such-mail-command' command" "$T/err")" 1 "warnings"
  expect_eq "$(hook_count)" 1 "webhook posts"
}

test_an_undelivered_alert_is_retried_next_round() {
  NAME=broken-$NAME   # the sink answers 500 to these
  mode not_ready
  monitor
  expect_grep "$T/err" 'webhook delivery failed \(HTTP 500\)'
  expect_eq "$(log_field notified)" - "notified"
  monitor
  expect_eq "$(hook_count)" 2 "webhook attempts after two failing rounds"
}

test_without_once_it_runs_rounds_and_stops_at_once_on_sigterm() {
  mode healthy
  rc=0
  "$MONITOR" --count 2 --interval 1 --url "$ENGINE" --log "$T/log" --threshold 2000 2>"$T/err" || rc=$?
  expect_eq "$rc" 0 "exit status after two rounds"
  expect_eq "$(wc -l <"$T/log" | tr -d ' ')" 2 "log lines after two rounds"

  "$MONITOR" --interval 600 --url "$ENGINE" --log "$T/log2" --threshold 2000 2>"$T/err2" &
  local pid=$! i sleeper=
  for ((i = 0; i < 100; i++)); do
    sleeper=$(pgrep -P "$pid" -x sleep || true)
    [ -z "$sleeper" ] || break
    sleep 0.05
  done
  [ -n "$sleeper" ] || fail "the monitor did not start waiting for the next round within 5 s"
  expect_eq "$(wc -l <"$T/log2" | tr -d ' ')" 1 "log lines before SIGTERM"
  kill -TERM "$pid"
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    fail "still running 5 s after SIGTERM"
  fi
  rc=0
  wait "$pid" || rc=$?
  expect_eq "$rc" 0 "exit status after SIGTERM"
  if kill -0 "$sleeper" 2>/dev/null; then
    kill "$sleeper"
    fail "the monitor left its sleep behind"
  fi
}

test_flags_win_over_environment_variables() {
  mode slow
  HEALTH_MONITOR_URL=http://127.0.0.1:$CLOSED_PORT HEALTH_MONITOR_THRESHOLD_MS=100 \
    "$MONITOR" --once --log "$T/log" --state "$T/state" >/dev/null 2>&1 && fail "the environment's URL was not used"
  expect_eq "$(log_field ready_code)" 000 "ready_code from the environment's URL"
  HEALTH_MONITOR_URL=http://127.0.0.1:$CLOSED_PORT HEALTH_MONITOR_THRESHOLD_MS=100 \
    "$MONITOR" --once --url "$ENGINE" --log "$T/log" --state "$T/state" >/dev/null 2>&1 && fail "healthy though slow"
  expect_eq "$(log_field failing)" "slow:ready,slow:details" "failing with the environment's threshold"
  HEALTH_MONITOR_THRESHOLD_MS=100 "$MONITOR" --once --url "$ENGINE" --threshold=2000 --log "$T/log" \
    --state "$T/state" >/dev/null 2>&1 || fail "the --threshold flag did not win"
}

test_help_and_bad_usage() {
  rc=0
  "$MONITOR" --help >"$T/help" || rc=$?
  expect_eq "$rc" 0 "--help exit status"
  expect_grep "$T/help" '--once'
  local bad
  for bad in "--interval 0" "--threshold abc" "--url ftp://x" "--bogus" "--log"; do
    rc=0
    # shellcheck disable=SC2086 # split on purpose
    "$MONITOR" $bad --state "$T/state" 2>"$T/err" || rc=$?
    expect_eq "$rc" 2 "exit status of '$bad'"
  done
  rc=0
  "$MONITOR" --once --url "$ENGINE" --log /proc/no-such-dir/log 2>"$T/err" || rc=$?
  expect_eq "$rc" 2 "exit status with an unwritable --log"
  expect_grep "$T/err" 'cannot write the log file'
}

# ---------------------------------------------------------------------------------------------------------------
# The installer.

test_installer_writes_the_service_under_a_root_and_is_idempotent() {
  local root=$T/root unit env
  mkdir -p "$root"
  "$INSTALLER" --root "$root" >"$T/out"
  unit=$root/etc/systemd/system/switchboard-health-monitor.service
  env=$root/etc/default/switchboard-health-monitor
  cmp -s "$MONITOR" "$root/usr/local/bin/switchboard-health-monitor" || fail "the script was not copied"
  [ -x "$root/usr/local/bin/switchboard-health-monitor" ] || fail "the script is not executable"
  expect_grep "$unit" '^Restart=always$'
  expect_grep "$unit" '^EnvironmentFile=-/etc/default/switchboard-health-monitor$'
  expect_grep "$unit" '^ExecStart=/usr/local/bin/switchboard-health-monitor$'
  expect_grep "$unit" '^WantedBy=multi-user.target$'
  expect_eq "$(stat -c %a "$env")" 600 "mode of the settings file"
  expect_grep "$env" '^#HEALTH_MONITOR_URL=http://127.0.0.1:8080$'
  expect_no_grep "$env" '^[^#]'
  [ -f "$root/etc/logrotate.d/switchboard-health-monitor" ] || fail "no logrotate rule"
  expect_grep "$T/out" '^installed +/etc/systemd/system/switchboard-health-monitor.service'
  expect_grep "$T/out" 'systemctl enable --now switchboard-health-monitor.service'

  echo 'HEALTH_MONITOR_URL=http://engine:8080' >>"$env"
  "$INSTALLER" --root "$root" >"$T/out2"
  expect_eq "$(grep -c '^unchanged' "$T/out2")" 3 "unchanged files on the second run"
  expect_grep "$T/out2" '^kept +/etc/default/switchboard-health-monitor'
  expect_grep "$env" '^HEALTH_MONITOR_URL=http://engine:8080$'
}

test_installer_dry_run_changes_nothing() {
  local root=$T/root
  mkdir -p "$root"
  "$INSTALLER" --root "$root" --dry-run >"$T/out"
  expect_eq "$(find "$root" -mindepth 1 | wc -l | tr -d ' ')" 0 "files written by --dry-run"
  expect_eq "$(grep -c '^would' "$T/out")" 4 "actions printed"
  "$INSTALLER" --root "$root" >/dev/null
  "$INSTALLER" --root "$root" --uninstall --dry-run >"$T/out"
  expect_eq "$(grep -Ec '^would +rm' "$T/out")" 4 "removals printed"
  [ -f "$root/etc/systemd/system/switchboard-health-monitor.service" ] || fail "--uninstall --dry-run removed the unit"
}

test_installer_uninstall_removes_what_it_installed() {
  local root=$T/root
  mkdir -p "$root"
  "$INSTALLER" --root "$root" >/dev/null
  "$INSTALLER" --root "$root" --uninstall >"$T/out"
  expect_eq "$(find "$root" -type f | wc -l | tr -d ' ')" 0 "files left"
  expect_eq "$(grep -c '^removed' "$T/out")" 4 "removals"
  "$INSTALLER" --root "$root" --uninstall >"$T/out2"
  expect_eq "$(grep -c '^absent' "$T/out2")" 4 "absent files on the second uninstall"
}

test_scripts_pass_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 || { echo skip >"$T/skip"; return 0; }
  shellcheck "$MONITOR" "$INSTALLER" "$HERE/health-monitor-test.sh" || fail "shellcheck found problems"
}

# ---------------------------------------------------------------------------------------------------------------

mapfile -t tests < <(declare -F | awk '{ print $3 }' | grep '^test_' | grep -- "${1:-}")
passed=0
failed=0
n=0
for t in "${tests[@]}"; do
  n=$((n + 1))
  T=$TMP/$t
  mkdir -p "$T"
  set +e
  (
    set -e
    NAME=$t
    "$t"
  ) 2>"$T/stderr"
  result=$?
  set -e
  if [ "$result" -ne 0 ]; then
    echo "not ok $n - ${t#test_}"
    sed 's/^/# /' "$T/stderr"
    failed=$((failed + 1))
  elif [ -f "$T/skip" ]; then
    echo "ok $n - ${t#test_} # SKIP a tool is missing"
    passed=$((passed + 1))
  else
    echo "ok $n - ${t#test_}"
    passed=$((passed + 1))
  fi
done
echo "1..$n"
echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$n" -gt 0 ]
