#!/bin/sh
# Configuration reloads under traffic: the demo engine (simulated fleet, generated traffic) reads a copy of
# config/development.yaml; each reload changes a rule of that copy. Prints how long each POST /v1/admin/reload took
# to answer (curl's time_total) and what the traffic saw meanwhile (failed and refused messages, from /metrics).
#   bench/reload.sh                       50 reloads at 50 generated requests/s
#   bench/reload.sh --reloads 200 --rate 100
#   bench/reload.sh --rules 200          the tactical class gets 200 more regex rules, compiled at every reload
# Needs curl; the demo's fleet ports (9101, 9201-9204) and --port (default 18080) must be free.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
reloads=50 rate=50 port=18080 rules=0
while [ $# -gt 0 ]; do
  case $1 in
    --reloads) reloads=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --rules) rules=$2; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reload.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
config=$work/switchboard.yaml
# --rules: identifier-like regex rules (as the classifier benchmark's) after the tactical class's last rule.
awk -v n="$rules" -v q="'" '
  { print }
  /^        score: 100$/ {
    for (i = 0; i < n; i++) {
      printf "      - name: generated-%d\n        patterns: [%s(?i)\\bticket%d[- #]?\\d{3,6}\\b%s]\n        score: 2\n", i, q, i, q
    }
  }' "$root/config/development.yaml" > "$config"
cd "$work"
SWITCHBOARD_STORE_PATH=$work/data "$root/switchboard" demo --config "$config" --port "$port" --rate "$rate" \
  --status-every 0 > "$work/demo.log" 2>&1 &
demo=$!
i=0
until curl -sf "http://127.0.0.1:$port/ready" > /dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 120 ] || ! kill -0 "$demo" 2>/dev/null; then
    echo "reload.sh: the demo did not become ready" >&2
    tail -20 "$work/demo.log" >&2
    exit 1
  fi
  sleep 0.5
done

# Failed messages and refused requests, summed over their labels.
troubles() {
  curl -s "http://127.0.0.1:$port/metrics" \
    | awk '/^switchboard_(messages_failed|rejections)_total/ { n += $NF } END { printf "%d\n", n }'
}
received() {
  curl -s "http://127.0.0.1:$port/metrics" \
    | awk '/^switchboard_messages_received_total/ { n += $NF } END { printf "%d\n", n }'
}

before_troubles=$(troubles)
before_received=$(received)
: > "$work/times"
n=0
while [ "$n" -lt "$reloads" ]; do
  if [ $((n % 2)) -eq 0 ]; then
    sed -i 's/keywords: \[urgent, emergency, incident, outage\]/keywords: [urgent, emergency, incident, outage, sev1]/' "$config"
  else
    sed -i 's/keywords: \[urgent, emergency, incident, outage, sev1\]/keywords: [urgent, emergency, incident, outage]/' "$config"
  fi
  answer=$(curl -s -o "$work/answer" -w '%{http_code} %{time_total}' -X POST "http://127.0.0.1:$port/v1/admin/reload")
  code=${answer% *}
  if [ "$code" != 200 ] || ! grep -q '"outcome":"applied"' "$work/answer"; then
    echo "reload.sh: reload $n answered $code: $(cat "$work/answer")" >&2
    exit 1
  fi
  echo "${answer#* }" >> "$work/times"
  n=$((n + 1))
done
sleep 1
after_troubles=$(troubles)
after_received=$(received)

sort -n "$work/times" | awk -v reloads="$reloads" -v rate="$rate" -v rules="$rules" '
  { t[NR] = $1 * 1000 }
  END {
    printf "reloads: %d applied, with %s generated requests/s, %d extra rules\n", NR, rate, rules
    printf "answer time ms: p50 %.1f  p95 %.1f  max %.1f\n", t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR]
  }'
echo "messages received meanwhile: $((after_received - before_received)); failed or refused: $((after_troubles - before_troubles))"
