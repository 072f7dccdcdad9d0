#!/bin/sh
# The image's entry point: runs infdb-server on /data, listening on all
# interfaces, with every INFDB_<FLAG> environment variable as a flag
# (INFDB_NODE_ID=2 -> --node-id=2, INFDB_PEER=a:7070,b:7070 -> --peer=...),
# then the container's arguments (which win over both).
#
# For a StatefulSet, where every pod gets the same environment:
#   INFDB_NODE_ID=from-hostname   the node id is the pod's ordinal + 1
#                                 (infdb-2 -> 3)
#   INFDB_PEER=...                entries naming this host (infdb-2.infdb:7070
#                                 on pod infdb-2) are left out
# INFDB_ENDPOINT, INFDB_CACERT, INFDB_CERT and INFDB_KEY are infdb-cli's
# (the health check's), not server flags.
set -eu
host=$(hostname)
flags=""
for pair in $(env | grep '^INFDB_' | cut -d= -f1); do
  case "$pair" in
    INFDB_ENDPOINT|INFDB_CACERT|INFDB_CERT|INFDB_KEY) continue ;;
  esac
  name=$(echo "${pair#INFDB_}" | tr 'A-Z_' 'a-z-')
  eval "value=\${$pair}"
  if [ "$pair" = INFDB_NODE_ID ] && [ "$value" = from-hostname ]; then
    ordinal=${host##*-}
    case "$ordinal" in
      ''|*[!0-9]*) echo "infdb-entrypoint: INFDB_NODE_ID=from-hostname: hostname '$host' does not end in -N" >&2; exit 2 ;;
    esac
    value=$((ordinal + 1))
  fi
  if [ "$pair" = INFDB_PEER ]; then
    others=""
    for peer in $(echo "$value" | tr ',' ' '); do
      case "$peer" in
        "$host"|"$host":*|"$host".*) ;;
        *) others="${others:+$others,}$peer" ;;
      esac
    done
    value=$others
  fi
  flags="$flags --$name=$value"
done
# shellcheck disable=SC2086  # one word per flag
exec infdb-server --data-dir=/data --listen=0.0.0.0:7070 $flags "$@"
