# Step 1: the npm packages. Sourced by setup.sh, which sets $repo.

# ensure_node_modules: installs when node_modules is missing or older than the lockfile;
# npm writes node_modules/.package-lock.json on every install, so its mtime is the install time.
ensure_node_modules() {
  local marker="$repo/node_modules/.package-lock.json" log cmd
  if [ -f "$marker" ] && ! [ "$repo/package-lock.json" -nt "$marker" ] && ! [ "$repo/package.json" -nt "$marker" ]; then
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
  # npm ci leaves the marker's mtime at install time, which may predate a lockfile touched by git.
  touch "$marker"
  say "npm packages: installed (${cmd[0]} ${cmd[1]})"
}
