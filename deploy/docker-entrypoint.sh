#!/bin/sh
# The image's entry point: runs infdb-server on /data, listening on all
# interfaces, with every INFDB_<FLAG> environment variable as a flag
# (INFDB_NODE_ID=2 -> --node-id=2, INFDB_PEER=a:7070,b:7070 -> --peer=...),
# then the container's arguments (which win over both).
set -eu
flags=""
for pair in $(env | grep '^INFDB_' | grep -v '^INFDB_ENDPOINT=' | cut -d= -f1); do
  name=$(echo "${pair#INFDB_}" | tr 'A-Z_' 'a-z-')
  eval "value=\${$pair}"
  flags="$flags --$name=$value"
done
# shellcheck disable=SC2086  # one word per flag
exec infdb-server --data-dir=/data --listen=0.0.0.0:7070 $flags "$@"
