#!/usr/bin/env bash
# Memory and time of one person's requests as their row count grows: the demo company on
# SQLite, one customer given N access-log rows, then `skydd access --out`, `skydd access
# --json` and `skydd erase --dry-run --json`, each measured by /usr/bin/time (peak RSS).
# The smallest N is the baseline measured in the same run; ratios are against it.
# Usage: bench/memory.sh [N ...]   (default 1000 10000 100000 500000)
# Needs: sqlite3, GNU time (/usr/bin/time). Writes bench/results/<date>-memory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000 500000)
cargo build --release -q -p skydd
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/skydd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --keep "$work/demo" >/dev/null
rm -f "$work"/demo/skydd-state.sqlite*
measure() { # prints "peak_kb seconds" of a command run in $dir
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/time"
}
mkdir -p bench/results
out="bench/results/$(date +%F)-memory.md"
{
  echo "# One person's rows and skydd's memory ($(date +%F), $(nproc) cores)"
  echo
  echo "The demo company (SQLite); customer 2 is given N access-log rows. Peak RSS by /usr/bin/time; ratio against N = ${sizes[0]} measured in the same run."
  echo
  echo "| N rows | access --out: MB (ratio) | s | access.json MB | report HTML KB | access --json: MB (ratio) | erase --dry-run --json: MB (ratio) | s |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$out"
base_a="" base_j="" base_e=""
for n in "${sizes[@]}"; do
  dir="$work/n$n"
  cp -r "$work/demo" "$dir"
  sqlite3 "$dir/webbplatsnu.sqlite" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
    INSERT INTO access_log (id, customer_id, ip, user_agent, path, status, logged_at)
    SELECT 1000 + i, 2, '192.0.2.' || (i % 250), 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0',
           '/konto/' || i, 200, datetime('2026-11-01', '+' || (i % 1000) || ' minutes') FROM k;"
  cd "$dir"
  "$bin" state init >/dev/null
  read -r a_kb a_s < <(measure "$bin" access --email bo@bergsbageri.se --out ut)
  json_mb=$(( $(stat -c %s ut/access.json) / 1000000 ))
  html_kb=$(( $(stat -c %s ut/registerutdrag.sv.html) / 1000 ))
  read -r j_kb _ < <(measure "$bin" access --email bo@bergsbageri.se --json)
  read -r e_kb e_s < <(measure "$bin" erase --email bo@bergsbageri.se --dry-run --json)
  cd - >/dev/null
  base_a=${base_a:-$a_kb} base_j=${base_j:-$j_kb} base_e=${base_e:-$e_kb}
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
  printf '| %s | %d (%s×) | %s | %d | %d | %d (%s×) | %d (%s×) | %s |\n' "$n" \
    $((a_kb / 1000)) "$(ratio "$a_kb" "$base_a")" "$a_s" "$json_mb" "$html_kb" \
    $((j_kb / 1000)) "$(ratio "$j_kb" "$base_j")" \
    $((e_kb / 1000)) "$(ratio "$e_kb" "$base_e")" "$e_s" >> "$out"
  rm -rf "$dir"
done
cat "$out"
echo "wrote $out"
