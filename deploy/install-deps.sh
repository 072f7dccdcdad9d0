#!/usr/bin/env bash
# Installs the Debian 12 packages InfiniteDB needs to build, test and run.
# Idempotent: installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  liburing-dev liblz4-dev libzstd-dev libabsl-dev libspdlog-dev libgtest-dev libgmock-dev
  libsqlite3-dev librocksdb-dev libpq-dev postgresql-15 postgresql-15-postgis-3 etcd-server
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libssl-dev openssl libsodium-dev
  python3-grpcio python3-grpc-tools python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
# The Node.js client's tests need node and npm (Debian's, unless a newer
# Node.js with its own npm is installed already).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
