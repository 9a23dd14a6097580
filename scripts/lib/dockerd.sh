# shellcheck shell=bash
# Step 3: the Docker Engine, started by hand because this machine has no systemd. Sourced by setup.sh.

DSG_DOCKER_SOCK=/var/run/docker.sock
DSG_DOCKER_PIDFILE=/var/run/docker.pid
DSG_DOCKERD_CONFIG=/var/lib/dsg/dockerd.json
DSG_DOCKERD_LOG=/var/log/dsg-dockerd.log
# A dockerd killed with its containers (a session ending) can spend minutes restoring state; it is
# waited for as long as it lives and its log moves, up to this many seconds.
DSG_DOCKERD_TIMEOUT=${DSG_DOCKERD_TIMEOUT:-300}

# Why each setting: vfs needs no kernel overlay support and is enough for small test images
# (DSG_DOCKER_STORAGE_DRIVER=overlay2 also works on this kernel and is faster for big ones);
# containers need no network, so no bridge and no iptables rules (the sandbox has no NAT to offer);
# 127.0.0.0/8 registries are insecure by default, listed anyway so the intent is written down;
# log level info, so the log says which start-up step a slow or stuck engine is in.
dockerd_config() {
  cat <<JSON
{
  "hosts": ["unix://$DSG_DOCKER_SOCK"],
  "pidfile": "$DSG_DOCKER_PIDFILE",
  "storage-driver": "${DSG_DOCKER_STORAGE_DRIVER:-vfs}",
  "bridge": "none",
  "iptables": false,
  "insecure-registries": ["127.0.0.1:5000", "127.0.0.1:5001"],
  "log-level": "info"
}
JSON
}

# docker_get PATH: GET on the Engine API over the unix socket, body on stdout.
docker_get() {
  curl -sf --max-time 5 --unix-socket "$DSG_DOCKER_SOCK" "http://localhost$1"
}

# docker_answers: true when the engine answers /_ping.
docker_answers() {
  [ "$(docker_get /_ping 2>/dev/null)" = OK ]
}

# our_dockerd_running: true when the live dockerd was started with our config file.
our_dockerd_running() {
  pid_alive "$DSG_DOCKER_PIDFILE" dockerd &&
    tr '\0' ' ' <"/proc/$(cat "$DSG_DOCKER_PIDFILE")/cmdline" | grep -q -- "--config-file $DSG_DOCKERD_CONFIG"
}

# start_dockerd: detached (setsid, all fds redirected, the setup lock closed) so it outlives setup.
start_dockerd() {
  local bin
  bin=$(command -v dockerd || echo /usr/sbin/dockerd)
  [ -x "$bin" ] || die "docker engine" "Cannot start \"dockerd\": not installed (package docker.io)"
  [ "$(id -u)" = 0 ] || die "docker engine" "Cannot start \"dockerd\": setup must run as root"
  # A pid file left by a dockerd that is gone, or by a containerd it supervised, would stop the new one.
  pid_alive "$DSG_DOCKER_PIDFILE" dockerd || rm -f "$DSG_DOCKER_PIDFILE"
  pid_alive /var/run/docker/containerd/containerd.pid containerd || rm -f /var/run/docker/containerd/containerd.pid
  forget_stale_sandboxes
  mkdir -p "$(dirname "$DSG_DOCKERD_LOG")"
  setsid nohup "$bin" --config-file "$DSG_DOCKERD_CONFIG" >"$DSG_DOCKERD_LOG" 2>&1 </dev/null 9>&- &
  DSG_DOCKERD_STARTED=$!
}

# forget_stale_sandboxes: this dockerd (20.10, no bridge) keeps a network sandbox record for every container
# it ever ran (each build step is one) and removes them at its next start, about 0.2 s each: after a day of test
# runs that start took minutes (seen: "Removing stale sandbox" x 82 after one suite, 15 s). With no container
# left, nothing refers to the network store, so it is dropped and dockerd writes a fresh one (host, none).
forget_stale_sandboxes() {
  local root=/var/lib/docker
  [ -f "$root/network/files/local-kv.db" ] || return 0
  if [ -z "$(ls -A "$root/containers" 2>/dev/null)" ]; then
    rm -f "$root/network/files/local-kv.db"
  fi
}

# docker_answers_or_died: ends the wait early when the dockerd we started has already exited.
docker_answers_or_died() {
  docker_answers || { [ -n "${DSG_DOCKERD_STARTED:-}" ] && ! kill -0 "$DSG_DOCKERD_STARTED" 2>/dev/null; }
}

# wait_for_docker: polls the socket, saying every 30 s which step the engine's log is at.
wait_for_docker() {
  local waited=0 step=30
  while ((waited < DSG_DOCKERD_TIMEOUT)); do
    wait_until "$step" docker_answers_or_died && return 0
    waited=$((waited + step))
    printf 'setup: docker engine: still starting after %s s; its log ends: %s\n' "$waited" \
      "$(tail -n 1 "$DSG_DOCKERD_LOG" 2>/dev/null | cut -c 1-200)" >&2
  done
  return 1
}

# dump_dockerd_stacks: SIGUSR1 makes dockerd write its goroutine stacks, which name the step it hangs in.
dump_dockerd_stacks() {
  local pid=${DSG_DOCKERD_STARTED:-}
  pid_alive "$DSG_DOCKER_PIDFILE" dockerd && pid=$(cat "$DSG_DOCKER_PIDFILE")
  [ -n "$pid" ] && kill -USR1 "$pid" 2>/dev/null || return 0
  sleep 2
  local dump
  dump=$(find /var/run/docker -maxdepth 1 -name 'goroutine-stacks-*.log' -newer "$DSG_DOCKERD_CONFIG" 2>/dev/null | sort | tail -n 1)
  [ -n "$dump" ] || return 0
  printf 'setup: dockerd goroutine stacks (%s), daemon frames:\n' "$dump" >&2
  grep -E 'github.com/docker/docker/(daemon|cmd)' "$dump" | sort | uniq -c | sort -rn | head -n 15 | sed 's/^/    /' >&2
}

# ensure_docker_engine: reuses an engine that answers; restarts ours when its config changed.
ensure_docker_engine() {
  local changed=0 version driver
  write_if_changed "$DSG_DOCKERD_CONFIG" "$(dockerd_config)" && changed=1
  if [ "$changed" = 1 ] && our_dockerd_running; then
    say "docker engine: config changed, restarting"
    stop_pid "$DSG_DOCKER_PIDFILE" dockerd || die "docker engine" "Cannot restart \"dockerd\": it did not stop within 30 s"
  fi
  if ! docker_answers; then
    # A dockerd that is still starting (e.g. a parallel setup) is waited for, not doubled.
    pid_alive "$DSG_DOCKER_PIDFILE" dockerd || start_dockerd
    if ! wait_for_docker || ! docker_answers; then
      show_log_tail "$DSG_DOCKERD_LOG" 30
      dump_dockerd_stacks
      if [ -n "${DSG_DOCKERD_STARTED:-}" ] && ! kill -0 "$DSG_DOCKERD_STARTED" 2>/dev/null; then
        die "docker engine" "Cannot start \"dockerd\": it exited (log: $DSG_DOCKERD_LOG)"
      fi
      die "docker engine" "Cannot start \"dockerd\": no answer on $DSG_DOCKER_SOCK after $DSG_DOCKERD_TIMEOUT s (log: $DSG_DOCKERD_LOG)"
    fi
  fi
  version=$(docker_get /version | grep -o '"Version":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  driver=$(docker_get /info | grep -o '"Driver":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  say "docker engine: up (version $version, storage $driver, $DSG_DOCKER_SOCK)"
}
