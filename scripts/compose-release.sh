#!/usr/bin/env bash
# Docker Compose v2 as a CLI plugin (`docker compose ...`), from Debian 13's docker-compose package,
# for `dockerlab compose` and its tests. Idempotent: a plugin that already answers is kept.
#
#   sudo scripts/compose-release.sh          # fetch (once) and install the plugin
#   scripts/compose-release.sh version       # the installed plugin's version, or exit 1
#
# Nothing is installed through dpkg: the package comes through a private apt configuration (the
# system's sources are left alone), from the machine's own Debian mirror with trixie in place of its
# suite (the line `scripts/engine-release.sh trixie mirror` prints), is unpacked under
# /opt/dockerlab-engines/compose, and its binary is linked into Docker's CLI plugin folder
# (/usr/local/lib/docker/cli-plugins, which the docker CLI searches). The binary is static Go, so
# it runs on an older host too. Compose never pulls for dockerlab: its files name the lab image
# with `pull_policy: never`.
set -euo pipefail
cd "$(dirname "$0")/.."

suite=${DOCKERLAB_COMPOSE_SUITE:-trixie}
base=/opt/dockerlab-engines/compose
plugins=/usr/local/lib/docker/cli-plugins

if [ "${1:-}" = version ]; then
    exec docker compose version --short
fi
[ $# -eq 0 ] || { echo "usage: $0 [version]" >&2; exit 2; }

if docker compose version --short >/dev/null 2>&1; then
    echo "docker compose $(docker compose version --short) is installed"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root to install docker compose" >&2; exit 1; }

line=$(bash scripts/engine-release.sh "$suite" mirror)
echo "docker-compose from: $line"
apt=$base/apt
rm -rf "$base/root" "$base/debs"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$base/debs" "$base/root"
echo "$line" >"$apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -qq
(cd "$base/debs" && apt-get "${opts[@]}" download -qq docker-compose)
for deb in "$base"/debs/*.deb; do dpkg-deb -x "$deb" "$base/root"; done
binary=$(find "$base/root" -type f -name docker-compose -perm -u+x | head -n 1)
[ -n "$binary" ] || { echo "$0: no docker-compose binary in the package" >&2; exit 1; }
mkdir -p "$plugins"
ln -sf "$binary" "$plugins/docker-compose"
echo "docker compose $(docker compose version --short) installed as a CLI plugin ($plugins/docker-compose -> $binary)"
