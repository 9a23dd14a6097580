# shellcheck shell=bash
# Step 2: the Debian packages. Sourced by setup.sh.

# What dsg's tests run: the engine (docker.io brings containerd, runc, tini and iptables), the
# registry, the files of the base image, htpasswd for the registry with auth, unzip for the tools, and
# chromium for the tests of the graph page (driven headless by playwright-core, which downloads no browser).
DSG_APT_PACKAGES=(docker.io docker-registry busybox-static apache2-utils unzip curl chromium)
DSG_APT_LOG=/var/log/dsg-apt.log

# missing_apt_packages: prints the packages of DSG_APT_PACKAGES that are not installed.
missing_apt_packages() {
  local pkg
  for pkg in "${DSG_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
  done
}

# apt_install PACKAGES...: one attempt, logged, quiet on the terminal.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$DSG_APT_LOG" 2>&1
}

# ensure_apt_packages: installs what is missing; runs apt-get update only when the package lists are
# absent or the install fails (the lists may name versions the mirror no longer has).
ensure_apt_packages() {
  local missing
  missing=$(missing_apt_packages | tr '\n' ' ')
  missing=${missing% }
  if [ -z "$missing" ]; then
    say "apt packages: installed"
    return
  fi
  [ "$(id -u)" = 0 ] || die "apt packages" "Cannot install \"$missing\": setup must run as root"
  : >"$DSG_APT_LOG"
  # shellcheck disable=SC2086 # the list is meant to split into words
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || ! apt_install $missing; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$DSG_APT_LOG" 2>&1 || {
      show_log_tail "$DSG_APT_LOG"
      die "apt packages" "Cannot update the package lists with \"apt-get update\": it failed (see above)"
    }
    # shellcheck disable=SC2086
    apt_install $missing || {
      show_log_tail "$DSG_APT_LOG"
      die "apt packages" "Cannot install \"$missing\" with apt-get: it failed (see above)"
    }
  fi
  say "apt packages: installed $missing"
}
