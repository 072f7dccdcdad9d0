#!/bin/sh
# infdb-bench points with stdout to a file prints each table once (its
# child processes must not print the parent's buffered output again at
# exit) and no 0.00x ratio where a system has no peer in the run.
# usage: points_output_test.sh INFDB_BENCH WORK_DIR
set -eu
bench=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
"$bench" points --dir "$work/data" --dims 2,3 --records 2000 \
  --systems infinitedb,infinitedb-grpc > "$work/out.txt" 2> "$work/err.txt"
tables=$(grep -c '^points-1m, dims=' "$work/out.txt")
if [ "$tables" -ne 2 ]; then
  echo "expected 2 tables (dims 2 and 3), found $tables:"; cat "$work/out.txt"
  exit 1
fi
if grep -q '0\.00x' "$work/out.txt"; then
  echo "a 0.00x ratio without a peer:"; cat "$work/out.txt"
  exit 1
fi
echo "ok: 2 tables, no empty ratios"
