#!/usr/bin/env bash
# Installs scripts/health-monitor.sh as the systemd service switchboard-health-monitor, or removes it. Idempotent;
# prints every action. See --help and docs/health-monitor.md.
#
#   sudo scripts/install-health-monitor.sh              # install (or update) and start it
#   scripts/install-health-monitor.sh --dry-run         # what it would do
#   sudo scripts/install-health-monitor.sh --uninstall
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$HERE/health-monitor.sh
NAME=switchboard-health-monitor
UNIT=$NAME.service
BIN=/usr/local/bin/$NAME
UNIT_FILE=/etc/systemd/system/$UNIT
ENV_FILE=/etc/default/$NAME
LOGROTATE_FILE=/etc/logrotate.d/$NAME
LOG_FILE=/var/log/switchboard/health-monitor.log
STATE_FILE=/var/lib/$NAME/state

usage() {
  cat <<EOF
Usage: $PROG [--root DIR] [--dry-run] [--uninstall]

Installs the Switchboard health monitor as a systemd service:
  $BIN                 the monitor (scripts/health-monitor.sh)
  $UNIT_FILE   Restart=always, settings from the file below
  $ENV_FILE           settings, all commented out (kept when it exists)
  $LOGROTATE_FILE     weekly rotation of $LOG_FILE
then runs 'systemctl daemon-reload' and 'systemctl enable --now $UNIT' when systemd is running (otherwise it
prints the commands). Running it again updates what changed and leaves the rest alone.

  --root DIR    install under DIR instead of / (for packaging and tests; systemctl is never run)
  --dry-run     print every action without doing it
  --uninstall   stop and disable the service, remove the files above (logs and state are kept)
  -h, --help    this help
EOF
}

root=/
dry_run=0
uninstall=0
while [ $# -gt 0 ]; do
  case $1 in
    --root) [ $# -ge 2 ] || { echo "$PROG: --root needs a directory" >&2; exit 2; }; root=$2; shift 2 ;;
    --root=*) root=${1#*=}; shift ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$PROG: unknown option: $1" >&2; echo "Try '$PROG --help'." >&2; exit 2 ;;
  esac
done
[ "$root" = / ] || root=${root%/}
if [ "$root" != / ] && [ ! -d "$root" ]; then
  echo "$PROG: --root $root is not a directory" >&2
  exit 2
fi
prefix=${root%/}   # "" for /

if [ "$root" = / ] && [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "$PROG: writing under / needs root: run it with sudo, or try --dry-run or --root DIR" >&2
  exit 1
fi

say() { printf '%-10s %s\n' "$1" "$2"; }

# With --root, or without a running systemd, systemctl is only printed.
systemd=0
[ "$root" = / ] && [ -d /run/systemd/system ] && systemd=1

changed=0

# put MODE TARGET SOURCE_FILE [WHAT]: installs SOURCE_FILE at TARGET unless it is already there, byte for byte.
put() {
  local mode=$1 target=$2 source=$3 what=${4:-$3} path=$prefix$2
  if [ -f "$path" ] && cmp -s "$source" "$path"; then
    say unchanged "$target"
    [ "$dry_run" = 1 ] || chmod "$mode" "$path"
    return
  fi
  local verb=installed
  [ ! -e "$path" ] || verb=updated
  changed=1
  if [ "$dry_run" = 1 ]; then
    say would "install -D -m $mode $what $path"
    return
  fi
  install -D -m "$mode" "$source" "$path"
  say "$verb" "$target"
}

# remove TARGET
remove() {
  local target=$1 path=$prefix$1
  if [ ! -e "$path" ]; then
    say absent "$target"
    return
  fi
  changed=1
  if [ "$dry_run" = 1 ]; then
    say would "rm -f $path"
    return
  fi
  rm -f "$path"
  say removed "$target"
}

systemctl_run() {
  if [ "$dry_run" = 1 ]; then
    say would "systemctl $*"
  elif systemctl "$@"; then
    say ran "systemctl $*"
  else
    say failed "systemctl $*"
    return 1
  fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/$NAME-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

write_unit() {
  cat >"$1" <<EOF
# Installed by scripts/install-health-monitor.sh; settings belong in $ENV_FILE.
[Unit]
Description=Switchboard health monitor (polls /ready and /v1/health/details, alerts on failure)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
Environment=HEALTH_MONITOR_LOG=$LOG_FILE
Environment=HEALTH_MONITOR_STATE=$STATE_FILE
# Values in this file win over the Environment= lines above.
EnvironmentFile=-$ENV_FILE
ExecStart=$BIN
Restart=always
RestartSec=5
LogsDirectory=switchboard
StateDirectory=$NAME
ProtectSystem=full
ProtectHome=yes
PrivateTmp=yes
# No NoNewPrivileges=: it would stop a setgid sendmail (postdrop) behind 'mail'.

[Install]
WantedBy=multi-user.target
EOF
}

write_env() {
  cat >"$1" <<EOF
# Settings for $UNIT, read at start: edit, then 'systemctl restart $UNIT'.
# Every line is commented out: the values shown are the defaults. Flags given on the command line win over these.
# This file may hold a webhook secret and an API key, hence mode 0600.

# Engine base URL.
#HEALTH_MONITOR_URL=http://127.0.0.1:8080
# Seconds between rounds.
#HEALTH_MONITOR_INTERVAL=30
# A response slower than this many milliseconds fails the round.
#HEALTH_MONITOR_THRESHOLD_MS=50
# Bound in seconds on every request (the webhook's too).
#HEALTH_MONITOR_TIMEOUT=5
# Alerts as JSON with a "text" field (Slack incoming webhooks accept it). Default: none.
#HEALTH_MONITOR_WEBHOOK=https://hooks.slack.com/services/T000/B000/XXXX
# Alerts by mail with 'mail -s', when a mail command is installed. Default: none.
#HEALTH_MONITOR_MAIL=oncall@example.com
#HEALTH_MONITOR_MAIL_COMMAND=mail
# One key=value line per round.
#HEALTH_MONITOR_LOG=$LOG_FILE
# Which alerts are firing, so that a restart does not alert again.
#HEALTH_MONITOR_STATE=$STATE_FILE
# An API key with the read scope, for /v1/health/details when the engine checks keys. Default: none.
#HEALTH_MONITOR_API_KEY=
EOF
}

write_logrotate() {
  cat >"$1" <<EOF
# The monitor opens the log for each line, so moving it away is enough.
$LOG_FILE {
    weekly
    rotate 8
    compress
    delaycompress
    missingok
    notifempty
}
EOF
}

print_manual_steps() {
  if [ "$root" != / ]; then
    echo "systemctl was not run (--root $root). On the target machine:"
  else
    echo "systemd is not running here, so systemctl was not run. Where systemd runs:"
  fi
  for c in "$@"; do echo "  $c"; done
}

if [ "$uninstall" = 1 ]; then
  if [ "$systemd" = 1 ] && [ -e "$UNIT_FILE" ]; then
    systemctl_run disable --now "$UNIT" || true
  fi
  remove "$UNIT_FILE"
  remove "$BIN"
  remove "$ENV_FILE"
  remove "$LOGROTATE_FILE"
  if [ "$systemd" = 1 ]; then
    [ "$changed" = 0 ] || systemctl_run daemon-reload
  elif [ "$changed" = 1 ]; then
    print_manual_steps "systemctl disable --now $UNIT" "systemctl daemon-reload"
  fi
  echo "Kept the log ($LOG_FILE) and the state ($STATE_FILE); remove them by hand if you wish."
  exit 0
fi

[ -f "$SOURCE" ] || { echo "$PROG: $SOURCE is missing" >&2; exit 1; }

was_active=0
if [ "$systemd" = 1 ] && systemctl is-active --quiet "$UNIT" 2>/dev/null; then was_active=1; fi

put 0755 "$BIN" "$SOURCE"
write_unit "$work/unit"
put 0644 "$UNIT_FILE" "$work/unit" "(the unit)"
if [ -e "$prefix$ENV_FILE" ]; then
  say kept "$ENV_FILE (existing settings are never overwritten)"
else
  write_env "$work/env"
  put 0600 "$ENV_FILE" "$work/env" "(settings, commented out)"
fi
write_logrotate "$work/logrotate"
put 0644 "$LOGROTATE_FILE" "$work/logrotate" "(logrotate rule)"

if [ "$systemd" = 1 ]; then
  systemctl_run daemon-reload
  systemctl_run enable --now "$UNIT"
  # enable --now leaves a running service alone; a new script or unit needs a restart to take effect.
  if [ "$was_active" = 1 ] && [ "$changed" = 1 ]; then systemctl_run restart "$UNIT"; fi
  echo "Status: systemctl status $UNIT; alerts also go to: journalctl -u $UNIT; metrics: tail -f $LOG_FILE"
else
  print_manual_steps "systemctl daemon-reload" "systemctl enable --now $UNIT" \
    "or from cron, one round a minute: * * * * * $BIN --once"
fi
