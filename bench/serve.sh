#!/usr/bin/env bash
# Measures `skydd serve` on loopback and writes bench/results/<date>-serve.md:
#   - start time (until /healthz answers) and idle RSS;
#   - POST throughput and p99 (wrk, 2 threads, 32 connections, 10 s) with skydd's state on
#     SQLite and on PostgreSQL, each request a new durable record;
#   - an access request through the API against the same request through the CLI, same
#     database, same machine, same run;
#   - two instances on one PostgreSQL: total throughput, and every accepted request stored
#     exactly once;
#   - the Art. 19 outbox: notices delivered per second to a local webhook receiver, and
#     every notice received once.
# Usage: bench/serve.sh [SECONDS]   (needs wrk, curl, psql, python3; PostgreSQL on 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
pg="${SKYDD_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
path="${SKYDD_BENCH_PATH:-/api/requests}"
export SKYDD_BENCH_PATH="$path"
cargo build --release -q -p skydd
bin="${CARGO_TARGET_DIR:-target}/release/skydd"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$bin" demo --keep "$work/co" >/dev/null 2>&1
reg="$work/co/skydd.toml"
ms() { date +%s%3N; }

# An owner and an API token in the state named by $1 (empty: the register's SQLite).
token_for() {
  local state=(); [ -n "${1:-}" ] && state=(--state "$1")
  SKYDD_PASSWORD="a long bench password" "$bin" -r "$reg" "${state[@]}" user add \
    --email bench@example.se --name Bench --role owner >/dev/null 2>&1
  "$bin" -r "$reg" "${state[@]}" token create --user bench@example.se --name bench 2>/dev/null
}

# Starts a server; sets $url and $pid. Args: log file, extra args.
start() {
  local log="$1"; shift
  local t0; t0=$(ms)
  "$bin" -r "$reg" serve --listen 127.0.0.1:0 --log-format text "$@" 2>"$log" &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 500); do
    url=$(sed -n 's/^skydd serving on //p' "$log" | head -1)
    if [ -n "$url" ] && curl -fs "$url/healthz" >/dev/null; then break; fi
    sleep 0.01
  done
  [ -n "$url" ] || { cat "$log"; echo "server did not start" >&2; exit 1; }
  started_ms=$(( $(ms) - t0 ))
}
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
bench() { SKYDD_BENCH_TOKEN="${token:-}" wrk -t2 -c32 -d"${secs}s" --latency -s bench/serve/post.lua "$1" | sed -n 's/^RESULT //p'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

out="bench/results/$(date +%F)-serve.md"
mkdir -p bench/results
{
  echo "# skydd serve on loopback ($(date +%F), $(nproc) cores, wrk -t2 -c32 -d${secs}s, path $path)"
  echo

  token=$(token_for "")
  start "$work/sqlite.log"
  sleep 1; idle=$(rss_mb "$pid"); start_sqlite=$started_ms
  r=$(bench "$url")
  echo "| state | start (ms) | idle RSS (MB) | requests/s | p50 (ms) | p99 (ms) | non-2xx | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| SQLite | $start_sqlite | $idle | $(field "$r" rps) | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" non2xx) | $(field "$r" errors) |"
  kill "$pid"; wait "$pid" 2>/dev/null || true

  db="skydd_bench_serve_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $db" >/dev/null
  sqlite_token=$token
  token=$(token_for "$pg/$db")
  start "$work/pg.log" --state "$pg/$db"
  sleep 1; idle=$(rss_mb "$pid")
  r=$(bench "$url")
  echo "| PostgreSQL | $started_ms | $idle | $(field "$r" rps) | $(field "$r" p50_ms) | $(field "$r" p99_ms) | $(field "$r" non2xx) | $(field "$r" errors) |"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo

  # Two instances, one PostgreSQL: each takes half the connections at once.
  start "$work/pg1.log" --state "$pg/$db"; u1=$url; p1=$pid
  start "$work/pg2.log" --state "$pg/$db"; u2=$url; p2=$pid
  before=$(psql "$pg/$db" -qtAc "SELECT count(*) FROM request")
  bench "$u1" > "$work/r1" & b1=$!
  bench "$u2" > "$work/r2" & b2=$!
  wait $b1 $b2
  r1=$(cat "$work/r1"); r2=$(cat "$work/r2")
  after=$(psql "$pg/$db" -qtAc "SELECT count(*) FROM request")
  total=$(echo "$(field "$r1" rps) + $(field "$r2" rps)" | bc)
  accepted=$(( $(field "$r1" requests) - $(field "$r1" non2xx) + $(field "$r2" requests) - $(field "$r2" non2xx) ))
  stored=$(( after - before ))
  # wrk counts the answers it read; a request each connection had in flight when wrk
  # stopped may be stored without being counted (at most one per connection, 64 here).
  verdict=ok; { [ "$stored" -lt "$accepted" ] || [ "$stored" -gt $(( accepted + 64 )) ]; } && verdict=MISMATCH
  echo "Two instances on one PostgreSQL: $total requests/s in all; $accepted answered 2xx, $stored stored ($verdict: every answered request stored, plus at most one in flight per connection)."
  dup=$(psql "$pg/$db" -qtAc "SELECT count(*) FROM (SELECT id FROM request GROUP BY id HAVING count(*) > 1) d")
  echo "Requests stored twice: $dup."
  kill "$p1" "$p2"; wait "$p1" "$p2" 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
  echo

  # An access request for the same person, 20 times each way, on the same SQLite database.
  token=$sqlite_token
  start "$work/access.log"
  n=20
  t0=$(ms)
  for _ in $(seq $n); do
    curl -fs -XPOST "$url/api/access" -H 'content-type: application/json' -H "authorization: Bearer $token" \
      -d '{"identities":{"email":["cecilia.ceder@example.se"]}}' >/dev/null
  done
  api=$(( $(ms) - t0 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  t0=$(ms)
  for _ in $(seq $n); do "$bin" -r "$reg" access --email cecilia.ceder@example.se --json >/dev/null 2>&1; done
  cli=$(( $(ms) - t0 ))
  echo "Access request, $n times: API $(echo "scale=1; $api / $n" | bc) ms each, CLI $(echo "scale=1; $cli / $n" | bc) ms each (CLI/API = $(echo "scale=2; $cli / $api" | bc)×)."
  echo

  # The outbox: N restrictions, each telling ilait by webhook (the others are marked not
  # told), then one `skydd outbox deliver` pass timed against the local receiver.
  python3 bench/serve/receiver.py "$work/keys" > "$work/receiver.out" & receiver=$!
  for _ in $(seq 1 100); do grep -q listening "$work/receiver.out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's/^listening on //p' "$work/receiver.out")
  printf 'bench-webhook-key-of-at-least-32-bytes!!' > "$work/co/ilait.key"
  sed -i -e 's|^name = "ilait AB"$|name = "ilait AB"\nnotify = { webhook = "http://127.0.0.1:'"$port"'/notices", secret_file = "ilait.key" }|' \
         -e 's|^name = "NameISP"$|name = "NameISP"\nnotify = { none = "benchmark" }|' \
         -e 's|^name = "Fortnox AB"$|name = "Fortnox AB"\nnotify = { none = "benchmark" }|' "$reg"
  notices=${SKYDD_BENCH_NOTICES:-2000}
  start "$work/outbox.log" --outbox-every 3600
  SKYDD_BENCH_PATH=/api/restrictions SKYDD_BENCH_BODY='{"identities":{"email":["{email}"]}}' \
    SKYDD_BENCH_TOKEN="$token" wrk -t1 -c4 -d60s -s bench/serve/post.lua "$url" >/dev/null &
  w=$!
  while [ "$("$bin" -r "$reg" outbox list --only pending --limit 100000 --json | grep -c '"id"')" -lt "$notices" ]; do sleep 0.5; done
  kill "$w" 2>/dev/null || true; wait "$w" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  queued=$("$bin" -r "$reg" outbox list --only pending --limit 1000000 --json | grep -c '"id"')
  t0=$(ms)
  "$bin" -r "$reg" outbox deliver --limit 1000000 --json > "$work/pass.json"
  took=$(( $(ms) - t0 ))
  kill "$receiver"; wait "$receiver" 2>/dev/null || true
  got=$(wc -l < "$work/keys"); distinct=$(sort -u "$work/keys" | wc -l)
  echo "Outbox: $queued webhook notices delivered in $took ms by one pass of \`skydd outbox deliver\` ($(echo "scale=0; $queued * 1000 / $took" | bc) notices/s); the receiver got $got, $distinct distinct idempotency keys."
} | tee "$out"
echo "wrote $out"
