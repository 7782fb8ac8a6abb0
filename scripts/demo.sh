#!/usr/bin/env bash
# Sets everything up (see setup.sh) and brings up the demo lab, then shows how to use it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
cd "$SOCKETLAB_ROOT"
node orchestrator/src/cli/main.ts up topologies/demo/topology.yaml --lab demo --owner demo
cat <<'HELP'

The demo lab is up. Try:
  ./socketlab exec demo client -- ping -c 2 server   # a command on a node
  ./socketlab exec demo client                        # a shell on a node
  ./socketlab status demo
  ./socketlab reset demo client                       # a pristine node, same address
  ./socketlab down demo
HELP
