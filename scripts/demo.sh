#!/usr/bin/env bash
# The main job on a fresh machine: set everything up, then `dsg run deploy` the example shop.
# Without a cluster (no KUBECONFIG, no ~/.kube/config) it starts dsg's test API server on 127.0.0.1:6443:
# objects are stored and rollouts simulated, but no pods run. Safe to run again: the second run is all cached.
# Usage: scripts/demo.sh [dsg run flags...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

bash scripts/setup.sh --quiet
npm run --silent build
export PATH="$repo/.tools/bin:$PATH"

if [ -z "${KUBECONFIG:-}" ] && [ ! -f "$HOME/.kube/config" ]; then
  state=/var/lib/dsg-demo
  mkdir -p "$state"
  export KUBECONFIG="$state/kubeconfig"
  if ! curl -sf -o /dev/null "http://127.0.0.1:6443/version"; then
    nohup node dist/scripts/kube-server.js --port 6443 --kubeconfig "$KUBECONFIG" >"$state/kube-server.log" 2>&1 &
    for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:6443/version" && break; sleep 0.1; done
  fi
  [ -f "$KUBECONFIG" ] || { echo "demo: the test API server did not start; see $state/kube-server.log" >&2; exit 1; }
  echo "demo: no cluster configured — using dsg's test API server at http://127.0.0.1:6443 (objects are stored, no pods run)"
fi

cd examples
node "$repo/dist/cli/dsg.js" run deploy "$@"
