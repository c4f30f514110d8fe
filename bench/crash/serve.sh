#!/usr/bin/env bash
# Crash trials of `skydd serve` (issue 8, "Reliability tests"): requests and restrictions
# arrive over HTTP while the server delivers the Art. 19 outbox to a webhook; the server is
# killed with SIGKILL at a random moment and started again, TRIALS times. Then:
#   - every request and restriction the server acknowledged (2xx) is in skydd's state;
#   - every restriction told its recipient by exactly one notice, every notice was
#     delivered after the restarts, and the receiver saw only those notices' idempotency
#     keys (a notice resent after a crash carries the same key, so the receiver acts once);
#   - the audit log's hash chain verifies.
# Exits 1 on any mismatch.
#
# Usage: bench/crash/serve.sh [TRIALS]   (default 30; needs curl, sqlite3, python3)
#   SKYDD=path/to/skydd   the binary (default: release if built, else debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-30}"
target="${CARGO_TARGET_DIR:-target}"
skydd="${SKYDD:-}"
if [ -z "$skydd" ]; then
  skydd="$target/release/skydd"
  [ -x "$skydd" ] || skydd="$target/debug/skydd"
fi
[ -x "$skydd" ] || { echo "no skydd binary at $skydd: cargo build -p skydd" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed to read the end state" >&2; exit 2; }
skydd="$(cd "$(dirname "$skydd")" && pwd)/$(basename "$skydd")"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export NO_COLOR=1
unset SKYDD_REGISTER SKYDD_FAILPOINT SKYDD_STATE

"$skydd" demo --keep "$work/co" >/dev/null 2>&1
reg="$work/co/skydd.toml"
state="$work/co/skydd-state.sqlite"
python3 bench/serve/receiver.py "$work/keys" > "$work/receiver.out" & pids+=("$!")
for _ in $(seq 1 100); do grep -q listening "$work/receiver.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/^listening on //p' "$work/receiver.out")
printf 'crash-trial-webhook-key-of-32-bytes-or-more' > "$work/co/ilait.key"
sed -i -e 's|^name = "ilait AB"$|name = "ilait AB"\nnotify = { webhook = "http://127.0.0.1:'"$port"'/notices", secret_file = "ilait.key" }|' \
       -e 's|^name = "NameISP"$|name = "NameISP"\nnotify = { none = "crash trial" }|' \
       -e 's|^name = "Fortnox AB"$|name = "Fortnox AB"\nnotify = { none = "crash trial" }|' "$reg"
SKYDD_PASSWORD="a long crash-trial password" "$skydd" -r "$reg" user add \
  --email owner@example.se --name Owner --role owner >/dev/null 2>&1
token=$("$skydd" -r "$reg" token create --user owner@example.se --name trials 2>/dev/null)

# Starts the server; sets $url and $pid.
start() {
  "$skydd" -r "$reg" serve --listen 127.0.0.1:0 --log-format text --outbox-every 1 \
    --no-retention 2>"$work/serve.log" &
  pid=$!; pids+=("$pid"); url=""
  for _ in $(seq 1 500); do
    url=$(sed -n 's/^skydd serving on //p' "$work/serve.log" | head -1)
    if [ -n "$url" ] && curl -fs "$url/healthz" >/dev/null; then return; fi
    sleep 0.01
  done
  cat "$work/serve.log"; echo "the server did not start" >&2; exit 1
}

post() { # path body out-file
  curl -s -o "$3.body" -w '%{http_code}' -XPOST "$url$1" -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -d "$2" > "$3.code" 2>/dev/null || echo 000 > "$3.code"
}

: > "$work/acked-requests"; : > "$work/acked-restrictions"
for t in $(seq 1 "$trials"); do
  start
  mkdir -p "$work/t$t"
  clients=()
  for i in $(seq 1 8); do
    post /api/requests "{\"kind\":\"access\",\"channel\":\"web\",\"identities\":{\"email\":[\"req-$t-$i@example.se\"]}}" "$work/t$t/q$i" & clients+=("$!")
    post /api/restrictions "{\"identities\":{\"email\":[\"res-$t-$i@example.se\"]}}" "$work/t$t/r$i" & clients+=("$!")
  done
  sleep "0.$(printf '%03d' $(( RANDOM % 300 )))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" "${clients[@]}" 2>/dev/null || true
  for i in $(seq 1 8); do
    if grep -q '^2' "$work/t$t/q$i.code"; then
      # The body ends without a newline; the id is written with one.
      id=$(sed -n 's/^{"request":{"id":"\([^"]*\)".*/\1/p' "$work/t$t/q$i.body")
      if [ -n "$id" ]; then echo "$id" >> "$work/acked-requests"; else echo "no id in: $(cat "$work/t$t/q$i.body")"; fail_early=1; fi
    fi
    if grep -q '^2' "$work/t$t/r$i.code"; then echo "email:res-$t-$i@example.se" >> "$work/acked-restrictions"; fi
  done
done

# After the last crash: one clean run that drains the outbox.
start
for _ in $(seq 1 120); do
  pending=$(sqlite3 "$state" "SELECT count(*) FROM outbox WHERE state = 'pending'")
  [ "$pending" = 0 ] && break
  sleep 0.5
done
kill "$pid"; wait "$pid" 2>/dev/null || true

fail=${fail_early:-0}
check() { if [ "$2" != "$3" ]; then echo "MISMATCH: $1: $2 ≠ $3"; fail=1; else echo "ok: $1 ($2)"; fi; }
acked_q=$(grep -c . "$work/acked-requests" || true)
acked_r=$(grep -c . "$work/acked-restrictions" || true)
missing_q=0
while read -r id; do
  [ -z "$id" ] && continue
  [ "$(sqlite3 "$state" "SELECT count(*) FROM request WHERE id = '$id'")" = 1 ] || missing_q=$((missing_q + 1))
done < "$work/acked-requests"
missing_r=0
while read -r s; do
  [ "$(sqlite3 "$state" "SELECT count(*) FROM restriction WHERE subject = '$s' AND lifted_at IS NULL")" = 1 ] || missing_r=$((missing_r + 1))
done < "$work/acked-restrictions"
check "acknowledged requests missing after the crashes (of $acked_q)" "$missing_q" 0
check "acknowledged restrictions missing after the crashes (of $acked_r)" "$missing_r" 0
restrictions=$(sqlite3 "$state" "SELECT count(*) FROM restriction WHERE kind = 'restriction'")
webhook=$(sqlite3 "$state" "SELECT count(*) FROM outbox WHERE channel = 'webhook'")
check "webhook notices = restrictions recorded (one notice per change)" "$webhook" "$restrictions"
check "notices not delivered" "$(sqlite3 "$state" "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND state <> 'delivered'")" 0
sqlite3 "$state" "SELECT id FROM outbox WHERE channel = 'webhook'" | sort > "$work/notice-ids"
sort -u "$work/keys" > "$work/received-ids"
check "idempotency keys received that are no notice's" "$(comm -13 "$work/notice-ids" "$work/received-ids" | grep -c . || true)" 0
check "notices never received" "$(comm -23 "$work/notice-ids" "$work/received-ids" | grep -c . || true)" 0
echo "deliveries: $(wc -l < "$work/keys") for $(wc -l < "$work/received-ids") notices (a resend after a crash repeats a key)"
if "$skydd" -r "$reg" audit-log verify; then echo "ok: the audit chain verifies"; else fail=1; fi
echo "trials: $trials; acknowledged: $acked_q requests, $acked_r restrictions"
exit $fail
