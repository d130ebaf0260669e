#!/usr/bin/env bash
# Podman as a second engine beside Docker's, through its Docker-compatible API (as root):
#
#   sudo scripts/podman.sh start     # install Debian's podman (4.3 on Debian 12), start its API service
#   DOCKER_HOST=unix:///run/dockerlab-podman/podman.sock dockerlab doctor
#   scripts/podman.sh cli network ls # podman's own CLI, as a client of that service
#   sudo scripts/podman.sh status
#   sudo scripts/podman.sh stop
#
# What Debian 12 gives: podman 4.3.1, conmon 2.1.6, runc (crun is only a Recommends), and, as the network
# stack golang-github-containers-common asks for, netavark 1.4 with aardvark-dns 1.4 (preferred; CNI's
# containernetworking-plugins is the alternative it accepts). This script installs netavark and aardvark-dns
# and sets network_backend = "netavark", so the default network `podman` has bridge podman0.
#
# Podman here never disturbs Docker's engine: it keeps its own configuration (/etc/dockerlab-podman, read
# through CONTAINERS_CONF, CONTAINERS_STORAGE_CONF and CONTAINERS_REGISTRIES_CONF; the system's
# /etc/containers is left alone), its own storage (/var/lib/dockerlab-podman), its own run directory and
# socket (/run/dockerlab-podman), its own subnets (10.88.0.0/16, then 10.89.x.0/24: none of Docker's
# default pools), and netavark's own iptables chains (NETAVARK_*; Docker's DOCKER* chains are not touched).
#
# It never pulls: pull_policy = "never", no unqualified-search registries, short names enforced, and the
# usual registries blocked in registries.conf. The lab image is imported offline from the main engine
# (`docker save | podman load`) when that engine has it; otherwise `dockerlab image` builds it offline on
# Podman, as it does on Docker.
set -euo pipefail

conf=/etc/dockerlab-podman
data=/var/lib/dockerlab-podman
run=/run/dockerlab-podman
sock=$run/podman.sock
log=/var/log/dockerlab-podman.log
image=${DOCKERLAB_IMAGE:-dockerlab/labbox:0.1.0}

export CONTAINERS_CONF=$conf/containers.conf
export CONTAINERS_STORAGE_CONF=$conf/storage.conf
export CONTAINERS_REGISTRIES_CONF=$conf/registries.conf

usage() {
    echo "usage: $0 start|stop|status|cli PODMAN-ARGS...   (socket: unix://$sock)" >&2
    exit 2
}
[ $# -ge 1 ] || usage

need_root() {
    [ "$(id -u)" -eq 0 ] || {
        echo "$0: run as root (Podman's rootful service, like Docker's engine)" >&2
        exit 1
    }
}

install_packages() {
    command -v podman >/dev/null 2>&1 && [ -x /usr/lib/podman/netavark ] && [ -x /usr/lib/podman/aardvark-dns ] &&
        return 0
    command -v apt-get >/dev/null 2>&1 || {
        echo "$0: no apt-get here: install podman, netavark and aardvark-dns with this system's packages" >&2
        exit 1
    }
    install() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            podman netavark aardvark-dns >/dev/null
    }
    install || { apt-get update -qq && install; }
}

write_config() {
    mkdir -p "$conf/networks" "$data" "$run"
    local nofile nproc
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    [ "$nofile" != unlimited ] || nofile=1048576
    [ "$nproc" != unlimited ] || nproc=1048576
    # (the service runs with nproc at most kernel.pid_max: measured 32768 here with a hard limit of 96367)
    nproc=$(( nproc < $(cat /proc/sys/kernel/pid_max) ? nproc : $(cat /proc/sys/kernel/pid_max) ))
    cat >"$conf/containers.conf" <<EOF
# dockerlab's Podman (scripts/podman.sh): its own paths, never a pull.
[containers]
# Podman's rootful defaults (nofile and nproc 1048576) may exceed what a container may get (a sandbox
# without CAP_SYS_RESOURCE): this shell's hard limits, as Docker's containers inherit dockerd's.
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
# no systemd here: cgroupfs, events to a file
[engine]
cgroup_manager = "cgroupfs"
# (only what conmon's exit command passes on to \`podman container cleanup\`, which does not read this file:
# a static_dir of our own here left every exited container "stopped", and each \`docker wait\` 20 s long)
events_logger = "file"
pull_policy = "never"
tmp_dir = "$run/libpod-tmp"
volume_path = "$data/volumes"
[network]
network_backend = "netavark"
network_config_dir = "$conf/networks"
default_network = "podman"
default_subnet = "10.88.0.0/16"
default_subnet_pools = [{"base" = "10.89.0.0/16", "size" = 24}]
EOF
    cat >"$conf/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$run/storage"
graphroot = "$data/storage"
EOF
    cat >"$conf/registries.conf" <<EOF
# No registry is ever reached: no search registries, short names must be complete, the usual ones blocked.
unqualified-search-registries = []
short-name-mode = "enforcing"
[[registry]]
location = "docker.io"
blocked = true
[[registry]]
location = "quay.io"
blocked = true
[[registry]]
location = "ghcr.io"
blocked = true
[[registry]]
location = "registry.fedoraproject.org"
blocked = true
[[registry]]
location = "registry.access.redhat.com"
blocked = true
EOF
}

running() { [ -f "$run/service.pid" ] && kill -0 "$(cat "$run/service.pid")" 2>/dev/null; }

answers() { curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; }

import_image() {
    podman image exists "$image" && return 0
    if command -v docker >/dev/null 2>&1 && docker image inspect "$image" >/dev/null 2>&1; then
        docker save "$image" | podman load -q >/dev/null
        echo "podman.sh: lab image $image imported offline from the main engine (docker save | podman load)"
    else
        echo "podman.sh: lab image $image not on the main engine: build it offline on Podman with" \
            "DOCKER_HOST=unix://$sock dockerlab image" >&2
    fi
}

case $1 in
start)
    need_root
    install_packages
    write_config
    if running; then
        echo "podman.sh: Podman's API service already runs (pid $(cat "$run/service.pid")) at unix://$sock"
    else
        rm -f "$sock"
        # Its own mount namespace, where /etc/resolv.conf names only 0.0.0.0 ("this host": the loopback of
        # whichever network namespace asks). Podman copies the host's resolvers into each container, and
        # aardvark-dns forwards the names it does not know to them: a lab's probe must never reach this
        # machine's outside resolver (the lab's network rule). 127.0.0.1 will not do: Podman drops loopback
        # resolvers and then writes two public resolvers instead (measured). 0.0.0.0 is kept, and
        # a query to it is refused at once inside the asking namespace.
        printf 'nameserver 0.0.0.0\n' >"$run/resolv.conf"
        nohup unshare --mount --propagation private sh -c \
            'mount --bind "$1" /etc/resolv.conf && exec podman system service --time=0 "unix://$2"' \
            sh "$run/resolv.conf" "$sock" >>"$log" 2>&1 &
        echo $! >"$run/service.pid"
        for _ in $(seq 50); do
            answers && break
            sleep 0.2
        done
        answers || {
            echo "podman.sh: Podman's service does not answer at $sock; see $log" >&2
            exit 1
        }
        echo "podman.sh: $(podman --version) answers at unix://$sock (log: $log)"
    fi
    import_image
    ;;
stop)
    need_root
    if running; then
        pid=$(cat "$run/service.pid")
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        rm -f "$run/service.pid" "$sock"
        echo "podman.sh: Podman's API service stopped (its containers and networks stay in $data)"
    else
        echo "podman.sh: Podman's API service does not run"
    fi
    ;;
status)
    if running && answers; then
        echo "running: $(podman --version), pid $(cat "$run/service.pid"), unix://$sock"
    else
        echo "stopped"
        exit 3
    fi
    ;;
cli)
    shift
    # the service's own view (its mount namespace holds the containers' mounts): podman as its remote client
    exec podman --remote --url "unix://$sock" "$@"
    ;;
*) usage ;;
esac
