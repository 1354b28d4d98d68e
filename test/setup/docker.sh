#!/usr/bin/env bash
# Makes sure a Docker engine answers and the local test images exist. Idempotent: a machine that has
# them is left alone. Installs docker.io and busybox-static from Debian when they are missing (as root).
set -euo pipefail

have_engine() { docker info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "docker.io and busybox-static are needed: run as root, or install them (apt-get install docker.io busybox-static)" >&2
    exit 1
  fi
  echo "installing docker.io and busybox-static from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static >/dev/null
fi

# The Python client the e2e tests drive, from Debian (for the system python3, not a pyenv one).
if ! /usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "python3-kubernetes is needed: run as root, or install it (apt-get install python3-kubernetes)" >&2
    exit 1
  fi
  echo "installing python3-kubernetes from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes >/dev/null
fi

if ! have_engine; then
  if [ "$(id -u)" != 0 ]; then
    echo "no Docker engine answers and only root can start one" >&2
    exit 1
  fi
  echo "starting dockerd (log: /var/log/dockerd.log)"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do have_engine && break; sleep 1; done
  have_engine || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi

# No registry can be reached, so the test images are made here: busybox and its applets, imported as
# an image. Two tags, so tests can roll from one image to another.
for tag in 1 2; do
  image="k2d-test/busybox:$tag"
  docker image inspect "$image" >/dev/null 2>&1 && continue
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/www"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
  echo "root:x:0:" >"$rootfs/etc/group"
  echo "k2d-test image $tag" >"$rootfs/www/index.html"
  echo "$tag" >"$rootfs/etc/k2d-test-version"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - "$image" >/dev/null
  rm -rf "$rootfs"
  echo "built $image"
done
# An HTTP server image whose default command serves /www on port 80, for charts and manifests that run an
# image without a command (helm create's chart).
if ! docker image inspect k2d-test/httpd:1 >/dev/null 2>&1; then
  id=$(docker create k2d-test/busybox:1 sh)
  docker export "$id" | docker import -c 'ENV PATH=/bin' -c 'EXPOSE 80' -c 'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]' - k2d-test/httpd:1 >/dev/null
  docker rm "$id" >/dev/null
  echo "built k2d-test/httpd:1"
fi
# An untagged reference means :latest, which is always pulled: tests use it to see a failed pull fall
# back to the local copy.
docker image inspect k2d-test/busybox:latest >/dev/null 2>&1 || docker tag k2d-test/busybox:1 k2d-test/busybox:latest
