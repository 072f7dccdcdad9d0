#!/usr/bin/env bash
# Runs the Node.js client's tests against a real server:
#   client/node/run-tests.sh PATH_TO_INFDB_SERVER
# Installs the locked dependencies with `npm ci` when node_modules is
# missing or older than package.json / package-lock.json (the npm registry
# must be reachable then), checks index.d.ts with tsc, and runs node --test.
# Exit status: 0 when everything passed; 1 on a test failure; 2 on a usage
# error or a missing tool.
set -euo pipefail

fail() {
  echo "run-tests.sh: $*" >&2
  exit 2
}

[ $# -eq 1 ] || fail "usage: run-tests.sh PATH_TO_INFDB_SERVER"
server=$1
[ -x "$server" ] || fail "$server is not an executable infdb-server"
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")

command -v node >/dev/null 2>&1 ||
  fail "node not found: install Node.js 18 or newer (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 ||
  fail "npm not found: install npm (Debian: apt-get install npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] ||
  fail "node $(node --version) is too old: the tests need Node.js 18 or newer"

cd "$(dirname "$0")"
# npm writes node_modules/.package-lock.json on every install: it is older
# than the manifests exactly when they changed since.
installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ] ||
   [ package.json -nt "$installed" ]; then
  echo "run-tests.sh: npm ci" >&2
  npm ci --no-audit --no-fund || {
    echo "run-tests.sh: npm ci failed (is the npm registry reachable?)" >&2
    exit 1
  }
fi

# `npm test` runs the tsc check (pretest) and then node --test.
INFDB_SERVER=$server npm test
