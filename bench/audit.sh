#!/usr/bin/env bash
# `skydd audit` on a large policy: the five seed policies repeated to N bytes, once as
# written (many lines) and once on a single line (minified HTML is one line). The many-line
# file of each size is the baseline measured in the same run; a one-line file must cost
# about the same, and doubling the size must about double the time (linear, not quadratic).
# Usage: bench/audit.sh [MB ...]   (default 1 2 4). Writes bench/results/<date>-audit.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 2 4)
cargo build --release -q -p skydd
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/skydd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat crates/skydd/tests/seeds/*.txt > "$work/seeds.txt"
seconds() { # wall seconds of `skydd audit FILE` (exit 1 is expected: the seeds have errors)
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" audit "$1" >/dev/null 2>&1 || [ $? -eq 1 ]
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
mkdir -p bench/results
out="bench/results/$(date +%F)-audit.md"
{
  echo "# skydd audit on large policies ($(date +%F), $(nproc) cores)"
  echo
  echo "The five seed policies repeated to N MB. Baseline: the same text as written (many lines), measured in the same run. Release build, best of 3."
  echo
  echo "| MB | many lines: s | one line: s | one line / many lines | s per MB (one line) |"
  echo "|---|---|---|---|---|"
  for mb in "${sizes[@]}"; do
    bytes=$((mb * 1024 * 1024))
    : > "$work/many.txt"
    while [ "$(stat -c %s "$work/many.txt")" -lt "$bytes" ]; do cat "$work/seeds.txt" >> "$work/many.txt"; done
    tr '\n' ' ' < "$work/many.txt" > "$work/one.txt"
    best() { local b=999999; for _ in 1 2 3; do t=$(seconds "$1"); b=$(echo "if ($t < $b) $t else $b" | bc -l); done; echo "$b"; }
    many=$(best "$work/many.txt")
    one=$(best "$work/one.txt")
    printf '| %s | %.2f | %.2f | %.2f× | %.2f |\n' "$mb" "$many" "$one" "$(echo "$one / $many" | bc -l)" "$(echo "$one / $mb" | bc -l)"
  done
} | tee "$out"
