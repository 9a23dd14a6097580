# shellcheck shell=bash
# Output helpers for setup.sh: one line per component, and every failure names its component.
# Sourced, not run.

# say LINE: prints a status line unless --quiet was given.
say() {
  [ "${DSG_QUIET:-0}" = 1 ] || printf '%s\n' "$*"
}

# die COMPONENT MESSAGE: the one way setup fails, so CI logs always say which part broke.
die() {
  local component=$1
  shift
  printf 'setup: %s: %s\n' "$component" "$*" >&2
  exit 1
}

# show_log_tail FILE [LINES]: the daemon's own words are usually the real cause of a failure.
show_log_tail() {
  local file=$1 lines=${2:-25}
  [ -s "$file" ] || return 0
  printf 'setup: last lines of %s:\n' "$file" >&2
  tail -n "$lines" "$file" | sed 's/^/    /' >&2
}

# wait_until SECONDS COMMAND...: polls briefly so a warm run is not slowed by fixed sleeps.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# pid_alive PIDFILE NAME: true when PIDFILE names a live process whose command is NAME, so a pid
# reused by an unrelated process after a reboot is never taken for our daemon. A killed daemon that
# is not yet reaped (state Z or X, common here because PID 1 reaps late) counts as gone: left in
# place, its pid file makes a new dockerd wait for a containerd that will never answer.
pid_alive() {
  local pidfile=$1 name=$2 pid state
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$name" ] || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# stop_pid PIDFILE NAME: ends the daemon we started (by its recorded pid only) and waits for it.
stop_pid() {
  local pidfile=$1 name=$2
  pid_alive "$pidfile" "$name" || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  wait_until 30 pid_gone "$pidfile" "$name"
}

# pid_gone PIDFILE NAME: the negation of pid_alive, for wait_until.
pid_gone() {
  ! pid_alive "$1" "$2"
}

# write_if_changed FILE CONTENT: true (0) when the file was created or its content changed.
write_if_changed() {
  local file=$1 content=$2
  if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then
    return 1
  fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"$file"
}
