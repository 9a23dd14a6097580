#!/usr/bin/env bash
# Sets up everything dsg's tests need (idempotent), builds, checks types and lint, and runs the whole suite under
# Node and under Deno. Usage: scripts/test.sh [test file filter...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# phase NAME: prints the time the previous phase took, then NAME.
phase_start=$SECONDS
phase() {
  [ -z "${phase_name:-}" ] || echo "   ($phase_name: $((SECONDS - phase_start)) s)"
  phase_name=$1
  phase_start=$SECONDS
  [ "$1" = end ] || echo "== $1"
}

phase_name=setup
bash scripts/setup.sh --quiet
export PATH="$PWD/.tools/bin:$PATH"

phase "build (tsc, bundle)"
rm -rf dist
npm run --silent build
phase "layers (dependency-cruiser, .dependency-cruiser.cjs)"
npm run --silent deps
phase "lint (eslint)"
npx eslint --max-warnings 0 .
phase "format (prettier)"
npx prettier --check . >/dev/null || { npx prettier --check . | tail -n 20; exit 1; }

filter=("$@")
node_files=()
deno_files=()
for f in test/*.test.ts; do
  name=$(basename "$f" .test.ts)
  if [ ${#filter[@]} -gt 0 ] && [[ ! " ${filter[*]} " == *" $name "* ]]; then continue; fi
  node_files+=("dist/test/$name.test.js")
  deno_files+=("$f")
done

phase "node --test (${#node_files[@]} files)"
node --test --test-concurrency=1 --test-reporter=spec "${node_files[@]}"
phase "deno test (${#deno_files[@]} files)"
./node_modules/.bin/deno test -A --no-check --config=deno.json "${deno_files[@]}"
phase end
