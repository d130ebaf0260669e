#!/usr/bin/env bash
# Run another Docker Engine release from Debian's archive in place of this machine's, to check
# dockerlab on it (the whole suite passed on trixie's 26.1.5 and on sid's 28.5.2):
#
#   sudo scripts/engine-release.sh sid fetch    # docker.io and its runtime, unpacked under /opt
#   sudo pkill -x dockerd                       # stop the usual engine (it holds the socket and docker0)
#   sudo scripts/engine-release.sh sid start    # that release's dockerd on the usual socket
#   CI=true .venv/bin/python -m pytest          # whatever you want to check
#   sudo scripts/engine-release.sh sid stop
#   sudo scripts/ensure-engine.sh               # the usual engine again
#
# Nothing is installed: the packages come through a private apt configuration (the system's
# sources are left alone) and are unpacked. runc and tini want a newer glibc than an older host
# has, so they are pointed at the unpacked one with patchelf. The release keeps its own data
# (images, containers) in /var/lib/dockerlab-engines/SUITE. Debian or Ubuntu, as root.
set -euo pipefail

usage() { echo "usage: $0 SUITE fetch|start|stop   (SUITE: a Debian suite, e.g. trixie or sid)" >&2; exit 2; }
[ $# -eq 2 ] || usage
suite=$1 action=$2
[[ $suite =~ ^[a-z]+$ ]] || usage
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root" >&2; exit 1; }

base=/opt/dockerlab-engines/$suite
root=$base/root
data=/var/lib/dockerlab-engines/$suite
run=/run/dockerlab-engines/$suite
log=/var/log/dockerlab-engine-$suite.log
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
libdir=$root/usr/lib/$multiarch

fetch() {
    local apt=$base/apt
    rm -rf "$root" "$base/debs"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$base/debs" "$base/tools" "$root"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update -qq
    (cd "$base/debs" && apt-get "${opts[@]}" download -qq docker.io docker-cli containerd runc tini tini-static \
        libc6 libseccomp2)
    # patchelf from the host's own suite, unpacked beside the release (not installed either)
    (cd "$base/tools" && rm -f ./*.deb && apt-get -o APT::Sandbox::User=root download -qq patchelf && dpkg-deb -x patchelf_*.deb .)
    for deb in "$base"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
    local loader
    loader=$(find "$libdir" -maxdepth 1 -name 'ld-linux*.so.*' | head -n 1)
    [ -n "$loader" ] || { echo "$0: no dynamic loader unpacked in $libdir" >&2; exit 1; }
    for bin in "$root/usr/sbin/runc" "$root/usr/bin/tini"; do
        [ -f "$bin" ] && "$base/tools/usr/bin/patchelf" --set-interpreter "$loader" --set-rpath "$libdir" "$bin"
    done
    ln -sf tini-static "$root/usr/bin/docker-init"
    for bin in dockerd docker containerd runc docker-proxy docker-init; do
        PATH="$root/usr/bin:$root/usr/sbin:$PATH" "$bin" --version | head -n 1
    done
}

start() {
    [ -x "$root/usr/sbin/dockerd" ] || { echo "$0: fetch $suite first" >&2; exit 1; }
    if docker version >/dev/null 2>&1; then
        echo "$0: an engine already answers on the socket: stop it first (pkill -x dockerd)" >&2; exit 1
    fi
    mkdir -p "$data" "$run"
    echo '{}' >"$base/daemon.json"  # never the host's /etc/docker/daemon.json
    PATH="$root/usr/bin:$root/usr/sbin:$PATH" nohup dockerd --config-file "$base/daemon.json" \
        --data-root "$data" --exec-root "$run" --pidfile "$run.pid" --host unix:///var/run/docker.sock \
        --userland-proxy-path "$root/usr/sbin/docker-proxy" --init-path "$root/usr/bin/docker-init" \
        >>"$log" 2>&1 </dev/null &
    for _ in $(seq 60); do
        if docker version >/dev/null 2>&1; then
            echo "engine $(docker version --format '{{.Server.Version}}') from $suite is up (log: $log)"
            return
        fi
        sleep 1
    done
    echo "$0: dockerd did not answer within 60 s; see $log" >&2; tail -n 20 "$log" >&2; exit 1
}

stop() {
    [ -f "$run.pid" ] || { echo "$suite's engine is not running"; return; }
    local pid
    pid=$(cat "$run.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then echo "$0: dockerd $pid still runs after 120 s" >&2; exit 1; fi
    rm -f "$run.pid"
    echo "$suite's engine stopped"
}

case $action in
    fetch) fetch ;;
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
