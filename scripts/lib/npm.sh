# shellcheck shell=bash
# Step 1: the npm packages. Sourced by setup.sh, which sets $repo.

: "${repo:?setup.sh sets the repository root}"

# node_modules_stale: prints why node_modules does not match package-lock.json, nothing when it does.
# It compares versions with npm's own record of what it installed (node_modules/.package-lock.json)
# rather than mtimes: editing package.json or touching the lockfile must not make `npm ci` wipe
# node_modules under someone else's running tests. Optional packages for other platforms are never
# installed, so their absence is fine.
node_modules_stale() {
  [ -d "$repo/node_modules" ] || { echo "node_modules is missing"; return; }
  [ -f "$repo/package-lock.json" ] || return 0
  [ -f "$repo/node_modules/.package-lock.json" ] || { echo "node_modules has no .package-lock.json"; return; }
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const { readFileSync } = require("node:fs");
    const packages = (file) => JSON.parse(readFileSync(file, "utf8")).packages ?? {};
    const wanted = packages(process.argv[1]);
    const installed = packages(process.argv[2]);
    for (const [path, entry] of Object.entries(wanted)) {
      if (path === "" || (entry.optional && !(path in installed))) continue;
      if (installed[path]?.version !== entry.version) {
        console.log(`"${path}" is ${installed[path]?.version ?? "missing"}, the lockfile wants ${entry.version}`);
        break;
      }
    }' "$repo/package-lock.json" "$repo/node_modules/.package-lock.json"
}

# ensure_node_modules: `npm ci` (or `npm install` without a lockfile) when node_modules is stale.
ensure_node_modules() {
  local reason log cmd
  reason=$(node_modules_stale) || die "npm packages" "Cannot compare node_modules with package-lock.json"
  if [ -z "$reason" ] && [ -d "$repo/node_modules" ]; then
    say "npm packages: up to date"
    return
  fi
  cmd=(npm install --no-audit --no-fund)
  [ -f "$repo/package-lock.json" ] && cmd=(npm ci --no-audit --no-fund)
  log=$(mktemp)
  if ! (cd "$repo" && "${cmd[@]}") >"$log" 2>&1; then
    show_log_tail "$log" 30
    rm -f "$log"
    die "npm packages" "Cannot install the npm packages with \"${cmd[*]}\": it failed (see above)"
  fi
  rm -f "$log"
  say "npm packages: installed with ${cmd[0]} ${cmd[1]} (${reason:-no lockfile})"
}
