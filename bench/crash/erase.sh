#!/usr/bin/env bash
# Crash trials of `skydd erase` (issue 8, "Reliability tests"): kill -9 at a random moment,
# run the same erasure again, and compare the end state with an erasure never interrupted.
#
# Usage: bench/crash/erase.sh [TRIALS] [CUSTOMERS] [LOG_LINES]
#   (default 30 trials, 20,000 customers, 6,000 access-log lines of the person erased)
#   SKYDD=path/to/skydd   the binary (default: $CARGO_TARGET_DIR or target, release if built,
#                         else debug)
#
# The company is the demo's hosting company with CUSTOMERS generated customers on SQLite, and
# the person erased has LOG_LINES lines in the access log (each an update of its own, all in
# the journalled plan), so that the part of an erasure after its journal (write, record)
# takes long enough to be hit as often as the part before (connect, read the schema, find
# the person, plan). Each trial copies the database, starts the erasure of one
# person, kills it after a random pause between 0 and the measured duration of an erasure,
# waits out its lease (SKYDD_LEASE_MS=300) and, unless the killed run had already finished,
# runs it again. The end state is then compared with the reference run's: every row of the
# company's database, the legal holds, the active restrictions (Art. 18(2)), the erased-field
# marks, the request log (kind, person, dates, status, summary: one answered request), no
# erasure left open, and `skydd may` for three purposes. Exits 1 on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-30}"
customers="${2:-20000}"
log_lines="${3:-6000}"
target="${CARGO_TARGET_DIR:-target}"
skydd="${SKYDD:-}"
if [ -z "$skydd" ]; then
  skydd="$target/release/skydd"
  [ -x "$skydd" ] || skydd="$target/debug/skydd"
fi
[ -x "$skydd" ] || { echo "no skydd binary at $skydd: cargo build -p skydd" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed to compare the end states" >&2; exit 2; }
skydd="$(cd "$(dirname "$skydd")" && pwd)/$(basename "$skydd")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
unset SKYDD_REGISTER SKYDD_FAILPOINT

# The company: the demo's register, data map and key, and a generated database.
"$skydd" demo --keep "$work/demo" >/dev/null 2>&1
mkdir "$work/base"
cp "$work/demo/skydd.toml" "$work/demo/datamap.yml" "$work/demo/hmac.key" "$work/base/"
"$skydd" demo --generate --customers "$customers" --target "sqlite://$work/base/webbplatsnu.sqlite" >/dev/null 2>&1
base_db="$work/base/webbplatsnu.sqlite"
person=$(sqlite3 "$base_db" "SELECT c.id FROM customer c JOIN invoice i ON i.customer_id = c.id
  GROUP BY c.id ORDER BY c.id DESC LIMIT 1")
email="$(sqlite3 "$base_db" "SELECT email FROM customer WHERE id = $person")"
sqlite3 "$base_db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $log_lines)
  INSERT INTO access_log (id, customer_id, ip, user_agent, path, status, logged_at)
  SELECT (SELECT MAX(id) FROM access_log) + i, $person, '203.0.113.' || (i % 250),
         'crash-trial/' || i, '/panel', 200, strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (i % 300) || ' minutes')
  FROM n"

# The end state of the erasure in directory $1, as text.
end_state() {
  local d="$1"
  sqlite3 "$d/webbplatsnu.sqlite" .dump
  sqlite3 "$d/skydd-state.sqlite" \
    "SELECT 'hold', subject, collection, row_key, field, purpose, statute, until FROM hold
       WHERE released_at IS NULL ORDER BY 2, 3, 4, 5;
     SELECT 'restriction', subject, kind, purpose, allowed FROM restriction
       WHERE lifted_at IS NULL ORDER BY 2, 3, 4, 5;
     SELECT 'erased', collection, row_key, field FROM erased ORDER BY 2, 3, 4;
     SELECT 'request', kind, subject, received, due, status, summary FROM request ORDER BY 2, 3, 7;
     SELECT 'open erasures', COUNT(*) FROM erasure_journal WHERE state IN ('planned', 'applying');"
  for purpose in newsletter support bookkeeping; do
    (cd "$d" && "$skydd" may --purpose "$purpose" --email "$email" >/dev/null 2>&1 && echo "may $purpose yes" || echo "may $purpose no")
  done
}

now() { date +%s.%N; }

# The reference: one erasure never interrupted. An erasure's duration is the longest of
# three (the reference and two more), as the machine's load varies.
duration=0
for run in reference timing-1 timing-2; do
  cp -r "$work/base" "$work/$run"
  start=$(now)
  (cd "$work/$run" && "$skydd" erase --email "$email" >/dev/null 2>&1)
  duration=$(echo "t = $(now) - $start; if (t > $duration) t else $duration" | bc)
done
rm -rf "$work/timing-1" "$work/timing-2"
end_state "$work/reference" >"$work/reference.txt"
grep -q "^request|erasure|" "$work/reference.txt" || { echo "the reference erasure was not recorded" >&2; exit 1; }

echo "Crash trials: kill -9 of \`skydd erase --email $email\` ($log_lines access-log lines) on"
echo "$customers generated customers (SQLite), at a random moment within the ${duration}s one"
echo "erasure takes ($skydd)."
killed=0 before_journal=0 journalled=0 committed_unrecorded=0 recorded_before_kill=0 finished=0
mismatches=0 resumed=0
for t in $(seq 1 "$trials"); do
  d="$work/trial-$t"
  cp -r "$work/base" "$d"
  pause=$(awk -v d="$duration" -v s="$RANDOM$t" 'BEGIN { srand(s); printf "%.3f", rand() * d }')
  (cd "$d" && SKYDD_LEASE_MS=300 exec "$skydd" erase --email "$email" >"$d/first.out" 2>&1) &
  pid=$!
  sleep "$pause"
  kill -9 "$pid" 2>/dev/null || true
  status=0
  { wait "$pid"; } 2>/dev/null || status=$?
  where="finished before the kill"
  if [ "$status" -eq 0 ]; then
    finished=$((finished + 1))
  else
    killed=$((killed + 1))
    open=$(sqlite3 "$d/skydd-state.sqlite" \
      "SELECT COUNT(*) FROM erasure_journal WHERE state IN ('planned', 'applying')" 2>/dev/null || echo 0)
    gone=$(sqlite3 "$d/webbplatsnu.sqlite" "SELECT COUNT(*) = 0 FROM customer WHERE email = '$email'")
    done=$(sqlite3 "$d/skydd-state.sqlite" \
      "SELECT COUNT(*) FROM erasure_journal WHERE state = 'recorded'" 2>/dev/null || echo 0)
    if [ "$done" != 0 ]; then
      where="killed after recording"; recorded_before_kill=$((recorded_before_kill + 1))
    elif [ "$open" = 0 ]; then
      where="killed before the journal"; before_journal=$((before_journal + 1))
    elif [ "$gone" = 1 ]; then
      where="killed after the commit, before recording"; committed_unrecorded=$((committed_unrecorded + 1))
    else
      where="killed after the journal, before the commit"; journalled=$((journalled + 1))
    fi
    if [ "$done" = 0 ]; then
      sleep 0.4
      if ! (cd "$d" && "$skydd" erase --email "$email" >"$d/again.out" 2>&1); then
        echo "trial $t ($where): the re-run failed:" >&2
        cat "$d/again.out" >&2
      fi
      grep -q "Resumed an interrupted erasure" "$d/again.out" && resumed=$((resumed + 1))
    fi
  fi
  end_state "$d" >"$d/end.txt"
  if ! diff -q "$work/reference.txt" "$d/end.txt" >/dev/null; then
    mismatches=$((mismatches + 1))
    echo "trial $t ($where, after ${pause}s): the end state differs:" >&2
    diff "$work/reference.txt" "$d/end.txt" | head -20 >&2
  fi
  printf "  trial %2d: killed after %5.3fs: %s\n" "$t" "$pause" "$where"
  rm -rf "$d"
done
echo
echo "trials:                                   $trials"
echo "killed:                                   $killed"
echo "  before the journal (nothing to resume): $before_journal"
echo "  mid-way, journalled, database untouched: $journalled"
echo "  mid-way, database committed, unrecorded: $committed_unrecorded"
echo "  after recording:                        $recorded_before_kill"
echo "finished before the kill:                 $finished"
echo "re-runs that resumed a journal:           $resumed"
echo "mismatches with the uninterrupted run:    $mismatches"
[ "$mismatches" -eq 0 ]
