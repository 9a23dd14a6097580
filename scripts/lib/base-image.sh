# shellcheck shell=bash
# Step 5: the base image dsg-test/busybox:1, made with `docker import` because nothing can be pulled
# from Docker Hub here. Sourced by setup.sh after dockerd.sh.

DSG_BASE_IMAGE=dsg-test/busybox:1

# make_busybox_rootfs DIR: Debian's static busybox, a symlink per applet (so RUN lines can use sh,
# echo, cat, ...), and the few files a shell and `id` expect.
make_busybox_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,proc,sys,dev}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list-full); do
    [ "$applet" = bin/busybox ] || [ "$applet" = linuxrc ] || [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp" "$root/var/tmp"
}

# ensure_base_image: imports the image unless the engine already has it.
ensure_base_image() {
  local root
  if docker_get "/images/$DSG_BASE_IMAGE/json" >/dev/null 2>&1; then
    say "base image: $DSG_BASE_IMAGE present"
    return
  fi
  [ -x /bin/busybox ] || die "base image" "Cannot build \"$DSG_BASE_IMAGE\": /bin/busybox is missing (package busybox-static)"
  root=$(mktemp -d)
  # Sorted names, fixed umask, mtimes and owners: the layer digest is the same on every machine
  # with the same busybox-static package.
  (umask 022 && make_busybox_rootfs "$root")
  if ! tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . |
    docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$DSG_BASE_IMAGE" >/dev/null; then
    rm -rf "$root"
    die "base image" "Cannot import \"$DSG_BASE_IMAGE\" with docker import: it failed (see above)"
  fi
  rm -rf "$root"
  say "base image: $DSG_BASE_IMAGE imported"
}
