#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
#
# On a Debian/Ubuntu machine, as root, where no engine answers: install
# Debian's docker.io (the engine), busybox-static (the lab image's only
# ingredient) and tcpdump (chapter 08's capture), start dockerd in the
# background and wait, bounded, until it answers. Where an engine already
# answers it only says so (and, as root, installs what is missing of the rest).
#
# Usage: sudo scripts/ensure-engine.sh        (DOCKERLAB_ENGINE_WAIT=60 by default)
set -euo pipefail

wait_seconds="${DOCKERLAB_ENGINE_WAIT:-60}"
log_file="${DOCKERLAB_DOCKERD_LOG:-/var/log/dockerlab-dockerd.log}"

say() { printf 'ensure-engine: %s\n' "$*" >&2; }

engine_answers() {
    command -v docker >/dev/null 2>&1 && timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

ensure_busybox() {
    # The lab image is built from a static busybox; install it where it is missing.
    if [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx nslookup; then
        return
    fi
    apt_install busybox-static
}

ensure_capture() {
    # Chapter 08 captures VXLAN packets on its own bridge with Debian's tcpdump, and starts its extra
    # engines with ip (iproute2) and nsenter (util-linux, always there on Debian/Ubuntu).
    command -v tcpdump >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || apt_install tcpdump iproute2
}

apt_updated=""
apt_install() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        say "cannot install $* here: this script installs with apt-get as root (Debian/Ubuntu)."
        say "Install Docker for your system (https://docs.docker.com/engine/install/) and start it, then run again."
        exit 1
    fi
    if [ -z "$apt_updated" ]; then
        say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if engine_answers; then
    say "an engine already answers: $(docker version --format 'Engine {{.Server.Version}}')"
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then ensure_busybox; ensure_capture; fi
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    # docker.io brings dockerd, containerd and runc; iptables for the bridges' NAT rules.
    apt_install docker.io iptables ca-certificates
fi
ensure_busybox
ensure_capture
command -v docker >/dev/null 2>&1 || apt_install docker.io

say "starting dockerd in the background (log: $log_file)"
mkdir -p "$(dirname "$log_file")"
nohup dockerd >"$log_file" 2>&1 &
dockerd_pid=$!

for _ in $(seq 1 "$wait_seconds"); do
    if engine_answers; then
        say "engine up: $(docker version --format 'Engine {{.Server.Version}}') (dockerd pid $dockerd_pid)"
        exit 0
    fi
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        say "dockerd exited; the last lines of its log:"
        tail -n 20 "$log_file" >&2 || true
        exit 1
    fi
    sleep 1
done
say "no answer from dockerd after ${wait_seconds}s; the last lines of its log:"
tail -n 20 "$log_file" >&2 || true
exit 1
