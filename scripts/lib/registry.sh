# shellcheck shell=bash
# Step 4: two local registries (Debian's docker-registry): 127.0.0.1:5000 open, 127.0.0.1:5001 with
# htpasswd auth, so tests can push for real and also see a wrong password refused. Sourced by setup.sh.

DSG_REGISTRY_ROOT=/var/lib/dsg-registry
DSG_REGISTRY_USER=dsg
DSG_REGISTRY_PASSWORD=dsg-secret
DSG_REGISTRY_TIMEOUT=20

# registry_config PORT AUTH: the registry's config.yml; storage and config live outside the repo.
registry_config() {
  local port=$1 auth=$2 dir="$DSG_REGISTRY_ROOT/$1"
  cat <<YAML
version: 0.1
log:
  level: info
  fields:
    service: dsg-registry-$port
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: dsg-local-registry-$port
  headers:
    X-Content-Type-Options: [nosniff]
YAML
  if [ "$auth" = auth ]; then
    cat <<YAML
auth:
  htpasswd:
    realm: dsg-registry
    path: $dir/htpasswd
YAML
  fi
}

# registry_status PORT [CURL ARGS...]: the HTTP status of GET /v2/, or 000 when nothing answers.
registry_status() {
  local port=$1
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" "http://127.0.0.1:$port/v2/" || true
}

# registry_answers PORT CODE: true when GET /v2/ returns CODE.
registry_answers() {
  [ "$(registry_status "$1")" = "$2" ]
}

# ensure_htpasswd FILE: true (0) when the file was (re)written; bcrypt, as the registry requires.
ensure_htpasswd() {
  local file=$1
  [ -f "$file" ] && htpasswd -vb "$file" "$DSG_REGISTRY_USER" "$DSG_REGISTRY_PASSWORD" >/dev/null 2>&1 && return 1
  htpasswd -cbB "$file" "$DSG_REGISTRY_USER" "$DSG_REGISTRY_PASSWORD" >/dev/null 2>&1 ||
    die "registry" "Cannot write the password file \"$file\" with htpasswd"
}

# ensure_registry PORT open|auth: starts the registry unless it answers; restarts it when its
# config or password file changed.
ensure_registry() {
  local port=$1 auth=$2 dir="$DSG_REGISTRY_ROOT/$1" expected=200 changed=0 status name
  local pidfile="/run/dsg-registry-$port.pid" log="/var/log/dsg-registry-$port.log"
  name="registry: 127.0.0.1:$port"
  [ "$auth" = auth ] && expected=401 && name="registry (auth): 127.0.0.1:$port"
  mkdir -p "$dir/data"
  write_if_changed "$dir/config.yml" "$(registry_config "$port" "$auth")" && changed=1
  if [ "$auth" = auth ] && ensure_htpasswd "$dir/htpasswd"; then changed=1; fi
  if [ "$changed" = 1 ] && pid_alive "$pidfile" docker-registry; then
    stop_pid "$pidfile" docker-registry || die "$name" "Cannot restart the registry: it did not stop within 30 s"
  fi
  status=$(registry_status "$port")
  if [ "$status" = 000 ]; then
    command -v docker-registry >/dev/null || die "$name" "Cannot start \"docker-registry\": not installed (package docker-registry)"
    setsid nohup docker-registry serve "$dir/config.yml" >"$log" 2>&1 </dev/null 9>&- &
    echo $! >"$pidfile"
    wait_until "$DSG_REGISTRY_TIMEOUT" registry_answers "$port" "$expected" || {
      show_log_tail "$log"
      die "$name" "Cannot start the registry: GET /v2/ did not answer $expected within $DSG_REGISTRY_TIMEOUT s (log: $log)"
    }
  elif [ "$status" != "$expected" ]; then
    die "$name" "Cannot use port $port: GET /v2/ answers $status instead of $expected; is something else listening there?"
  fi
  if [ "$auth" = auth ]; then
    status=$(registry_status "$port" -u "$DSG_REGISTRY_USER:$DSG_REGISTRY_PASSWORD")
    [ "$status" = 200 ] || die "$name" "Cannot log in as \"$DSG_REGISTRY_USER\": GET /v2/ answers $status"
    say "$name up (user $DSG_REGISTRY_USER)"
  else
    say "$name up"
  fi
}
