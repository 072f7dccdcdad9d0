#!/usr/bin/env bash
# Quick start, command 2: installs missing Debian packages, builds everything,
# and runs the whole test suite with ctest. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFDB_BUILD_TESTS=ON >/dev/null
cmake --build build -j2
cd build
ctest --output-on-failure -j2 --timeout 900
