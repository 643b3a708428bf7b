#!/usr/bin/env bash
# Starts N `quantserve serve` replicas on loopback ports and nginx in front of them, until Ctrl-C
# (deploy/fleet.py run), or rolls a running fleet to a new version (deploy/fleet.py swap).
#   deploy/run-fleet.sh --replicas 2 --port 50051 --model-repository models [-- more serve flags]
#   deploy/run-fleet.sh swap --state-dir DIR minilm 2
set -euo pipefail
case "${1:-}" in
  run|swap|-h|--help) ;;
  *) set -- run "$@" ;;
esac
exec python3 "$(dirname "$0")/fleet.py" "$@"
