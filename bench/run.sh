#!/usr/bin/env bash
# Runs skydd's benchmarks against the local PostgreSQL and writes bench/results/<date>.md.
# Usage: bench/run.sh [CUSTOMERS]   (default 1,000,000; the database is generated once)
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-1000000}"
base="${SKYDD_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
db="skydd_bench_${customers}"
psql "$base/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
  || psql "$base/postgres" -qc "CREATE DATABASE $db"
cargo build --release -q -p skydd-bench
have=$(psql "$base/$db" -qtAc "SELECT COUNT(*) FROM customer" 2>/dev/null || echo 0)
generate=""
[ "$have" = "$customers" ] || generate="--generate"
mkdir -p bench/results
out="bench/results/$(date +%F)-${customers}.md"
"${CARGO_TARGET_DIR:-target}/release/skydd-bench" --target "$base/$db" --customers "$customers" $generate \
  --fides-sql testdata/fides/postgres_sample.sql | tee "$out"
echo "wrote $out"
