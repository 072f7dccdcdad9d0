#!/usr/bin/env bash
# Quick start, command 1: installs missing Debian packages, builds, and starts
# InfiniteDB on ./data (override with INFDB_DATA_DIR). Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFDB_BUILD_TESTS=OFF >/dev/null
cmake --build build -j2 --target infdb-demo
exec ./build/engine/infdb-demo --data-dir "${INFDB_DATA_DIR:-./data}" "$@"
