#!/usr/bin/env bash
# A container registry on this machine's loopback, for testing `dockerlab image --pull` as a learner
# would use it (tests/test_pull.py), and the busybox binaries its stand-in images are built from:
#
#   scripts/registry.sh start           # Debian's docker-registry on 127.0.0.1:5000 (installed if missing, as root)
#   scripts/registry.sh status          # exit 0 when it answers
#   scripts/registry.sh busybox arm64   # print the path of Debian's static busybox for arm64 (fetched once)
#   scripts/registry.sh stop            # stop it and drop what was pushed
#
# Idempotent: `start` does nothing when it already answers, `stop` nothing when it is not running.
# The address is DOCKERLAB_REGISTRY (default 127.0.0.1:5000) and must be on the loopback: a plain-http
# registry there is one the engine accepts without any daemon configuration (dockerd treats 127.0.0.0/8
# as an insecure registry by default: `docker info` lists it under "Insecure Registries"). Nothing
# here, nor in the tests, talks to any other registry. Its files live in DOCKERLAB_REGISTRY_DIR
# (default /tmp/dockerlab-registry-UID): config, storage, pid, log, and the fetched busybox packages.
#
# `busybox ARCH` downloads busybox-static for ARCH from the machine's own Debian mirror (the one
# `scripts/engine-release.sh SUITE mirror` finds) through a private apt configuration: nothing is
# installed, and the machine's apt sources and architectures are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

address=${DOCKERLAB_REGISTRY:-127.0.0.1:5000}
dir=${DOCKERLAB_REGISTRY_DIR:-/tmp/dockerlab-registry-$(id -u)}
pidfile=$dir/registry.pid
log=$dir/registry.log

usage() {
    echo "usage: $0 start|stop|status|busybox ARCH" >&2
    exit 2
}

[[ $address =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+$ ]] || {
    echo "$0: DOCKERLAB_REGISTRY=$address is not on the loopback (127.x.x.x:PORT); this script serves only there" >&2
    exit 2
}

answers() { curl -fsS --max-time 2 "http://$address/v2/" >/dev/null 2>&1; }

running_pid() {  # the pid of our registry, if it runs
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile")
    kill -0 "$pid" 2>/dev/null && grep -q docker-registry "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

start() {
    if running_pid >/dev/null && answers; then
        echo "registry already answers at $address ($dir)"
        return
    fi
    if answers; then
        echo "$0: something else answers at $address; choose another DOCKERLAB_REGISTRY" >&2
        exit 1
    fi
    if ! command -v docker-registry >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || { echo "$0: docker-registry is not installed (as root: apt-get install docker-registry)" >&2; exit 1; }
        # policy-rc.d or not, the package's own service is never what we use: ours has its own config.
        install_registry() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null; }
        install_registry || { apt-get update -qq && install_registry; }
    fi
    mkdir -p "$dir/storage"
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $address
EOF
    nohup docker-registry serve "$dir/config.yml" >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 60); do
        if answers; then
            echo "registry answers at $address (pid $(cat "$pidfile"), files in $dir)"
            return
        fi
        running_pid >/dev/null || break
        sleep 0.5
    done
    echo "$0: the registry did not answer at $address within 30 s; its log ($log):" >&2
    tail -n 20 "$log" >&2
    stop >/dev/null
    exit 1
}

stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$pidfile"
        echo "registry is not running"
        return
    fi
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -rf "$pidfile" "$dir/storage"
    echo "registry stopped (pid $pid), its storage removed"
}

busybox() {
    local arch=$1 out=$dir/busybox-$1 apt=$dir/apt-$1 suite line
    [[ $arch =~ ^[a-z0-9]+$ ]] || usage
    if [ -x "$out/bin/busybox" ]; then
        echo "$out/bin/busybox"
        return
    fi
    suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$suite" ] || { echo "$0: no VERSION_CODENAME in /etc/os-release: cannot tell this machine's suite" >&2; exit 1; }
    line=$(bash scripts/engine-release.sh "$suite" mirror)
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
    echo "${line/deb /deb [arch=$arch] }" | sed 's/\] \[/ /' >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Architecture=$arch"
                -o "APT::Architectures=$arch" -o APT::Sandbox::User=root -o Debug::NoLocking=1)
    apt-get "${opts[@]}" update -qq >&2
    (cd "$apt/debs" && rm -f ./*.deb && apt-get "${opts[@]}" download -qq "busybox-static:$arch" >&2)
    rm -rf "$out.tmp"
    dpkg-deb -x "$apt"/debs/busybox-static_*.deb "$out.tmp"
    rm -rf "$apt"
    mv "$out.tmp" "$out"
    echo "$out/bin/busybox"
}

case ${1:-} in
    start | stop) [ $# -eq 1 ] || usage; "$1" ;;
    status) [ $# -eq 1 ] || usage; answers && echo "registry answers at $address" || { echo "no registry answers at $address"; exit 1; } ;;
    busybox) [ $# -eq 2 ] || usage; busybox "$2" ;;
    *) usage ;;
esac
