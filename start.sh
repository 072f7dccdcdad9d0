#!/usr/bin/env bash
# Quick start, command 1: installs missing Debian packages, builds, and starts
# infdb-server on ./data, listening on 127.0.0.1:7070. Idempotent. Extra
# arguments go to the server (e.g. --listen=0.0.0.0:7070); INFDB_DATA_DIR
# overrides the data directory.
set -euo pipefail
cd "$(dirname "$0")"
./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFDB_BUILD_TESTS=OFF >/dev/null
cmake --build build -j2 --target infdb-server infdb-cli
exec ./build/server/infdb-server --data-dir="${INFDB_DATA_DIR:-./data}" "$@"
