#!/usr/bin/env bash
# A rootless Docker engine on this machine, beside the usual one, to run dockerlab's tests on it
# as an unprivileged user (the README's portability table has the results):
#
#   sudo scripts/rootless.sh setup     # packages, the user dockerlab-rootless, a venv it can read
#   sudo scripts/rootless.sh start     # its dockerd inside rootlesskit (slirp4netns), own socket
#   sudo CI=true scripts/rootless.sh run python -m pytest tests/test_lab_engine.py -p no:cacheprovider
#                                      # (in the checkout, as the user: it must be able to read it)
#   sudo scripts/rootless.sh stop      # stop it (its images stay in the user's home)
#   sudo scripts/rootless.sh purge     # stop, then remove the user, its home and the venv
#
# It never touches the usual engine: the rootless dockerd has its own socket
# (/tmp/dockerlab-rootless-UID/docker.sock), data (~dockerlab-rootless/.local/share/docker),
# containerd and network namespace (docker0 and the lab's bridges live inside rootlesskit's
# namespace, not on the host). The packages come from the machine's own apt sources: Debian's
# docker.io ships dockerd-rootless.sh; rootlesskit, slirp4netns and uidmap (newuidmap) come
# with setup.
#
# slirp4netns opens /dev/net/tun inside the user namespace, as the unprivileged user. Debian's
# udev makes that device world-writable (0666); a machine without udev may leave it 0600, and
# rootlesskit then fails with "open: Permission denied" from `ip tuntap add name tap0 mode tap`.
# `start` sets 0666, saying so, and `stop` puts back the mode it found. As root.
set -euo pipefail
cd "$(dirname "$0")/.."

user=dockerlab-rootless
checkout=$PWD
venv=/opt/dockerlab-rootless/venv
contrib=/usr/share/docker.io/contrib

usage() {
    echo "usage: $0 setup|start|stop|status|purge|run COMMAND..." >&2
    exit 2
}
[ $# -ge 1 ] || usage
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (it starts the engine as the user $user)" >&2; exit 1; }

uid() { id -u "$user"; }
runtime() { echo "/tmp/dockerlab-rootless-$(uid)"; }
as_user() {  # run "$@" as the user, in a clean environment pointing at its engine
    local dir
    dir=$(runtime)
    # In the checkout, whose code comes first (PYTHONPATH): the venv holds the dependencies.
    (cd "$checkout" && runuser -u "$user" -- env -i HOME="$(getent passwd "$user" | cut -d: -f6)" \
        XDG_RUNTIME_DIR="$dir" DOCKER_HOST="unix://$dir/docker.sock" PYTHONPATH="$checkout" \
        PATH="$venv/bin:$contrib:/usr/sbin:/usr/bin:/sbin:/bin" PYTHONDONTWRITEBYTECODE=1 CI="${CI:-}" \
        LANG=C.UTF-8 "$@")
}
answers() { as_user docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

setup() {
    local need=()
    for p in rootlesskit slirp4netns uidmap docker.io; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
    if [ ${#need[@]} -gt 0 ]; then
        install_packages() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
        install_packages || { apt-get update -qq && install_packages; }
    fi
    [ -x "$contrib/dockerd-rootless.sh" ] || { echo "$0: $contrib/dockerd-rootless.sh is missing (docker.io)" >&2; exit 1; }
    if ! id "$user" >/dev/null 2>&1; then
        useradd -m -s /bin/bash -c "dockerlab's rootless engine (scripts/rootless.sh)" "$user"
    fi
    grep -q "^$user:" /etc/subuid || usermod --add-subuids 200000-265535 "$user"
    grep -q "^$user:" /etc/subgid || usermod --add-subgids 200000-265535 "$user"
    # The user must be able to run Python: a Python under root's home (pyenv) is closed to it.
    if [ ! -x "$venv/bin/python" ]; then
        mkdir -p "$(dirname "$venv")"
        /usr/bin/python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install -q ".[test]"
    chmod -R a+rX "$(dirname "$venv")"
    echo "user $user (uid $(uid)), subordinate ids $(grep "^$user:" /etc/subuid | cut -d: -f2-), venv $venv"
}

start() {
    id "$user" >/dev/null 2>&1 || { echo "$0: run setup first" >&2; exit 1; }
    local dir
    dir=$(runtime)
    if answers; then
        echo "rootless engine already answers at unix://$dir/docker.sock"
        return
    fi
    install -d -m 700 -o "$user" -g "$user" "$dir"
    local mode
    mode=$(stat -c %a /dev/net/tun)
    if [ "$mode" != 666 ]; then
        echo "$mode" >"/tmp/dockerlab-rootless-tun-mode"
        chmod 0666 /dev/net/tun
        echo "/dev/net/tun was $mode: set to 0666 as Debian's udev does (slirp4netns opens it as $user)"
    fi
    (cd / && runuser -u "$user" -- env -i HOME="$(getent passwd "$user" | cut -d: -f6)" XDG_RUNTIME_DIR="$dir" \
        PATH="$contrib:/usr/sbin:/usr/bin:/sbin:/bin" setsid nohup sh "$contrib/dockerd-rootless.sh" \
        >"$dir/dockerd.log" 2>&1 </dev/null &)
    for _ in $(seq 60); do
        if answers; then
            echo "rootless engine $(as_user docker version --format '{{.Server.Version}}') answers at unix://$dir/docker.sock"
            as_user docker info --format 'security options: {{json .SecurityOptions}}'
            return
        fi
        sleep 1
    done
    echo "$0: the rootless engine did not answer within 60 s; the end of $dir/dockerd.log:" >&2
    grep -v '^+' "$dir/dockerd.log" | tail -n 15 >&2
    stop >/dev/null 2>&1 || true
    exit 1
}

stop() {
    id "$user" >/dev/null 2>&1 || { echo "no user $user: nothing runs"; return; }
    local dir pid
    dir=$(runtime)
    # rootlesskit (which dockerd-rootless.sh became) writes its own pid; ending it ends dockerd and containerd.
    pid=$(pgrep -u "$user" -x rootlesskit | head -n 1 || true)
    if [ -n "$pid" ]; then
        kill -TERM "$pid"
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    for _ in $(seq 20); do pgrep -u "$user" >/dev/null || break; sleep 0.5; done
    if pgrep -u "$user" >/dev/null; then
        echo "$0: processes of $user still run: $(pgrep -u "$user" | tr '\n' ' ')" >&2
        exit 1
    fi
    rm -rf "$dir"
    if [ -f /tmp/dockerlab-rootless-tun-mode ]; then
        chmod "$(cat /tmp/dockerlab-rootless-tun-mode)" /dev/net/tun
        rm -f /tmp/dockerlab-rootless-tun-mode
        echo "/dev/net/tun back to mode $(stat -c %a /dev/net/tun)"
    fi
    echo "rootless engine stopped${pid:+ (rootlesskit $pid)}"
}

purge() {
    stop
    if id "$user" >/dev/null 2>&1; then
        # Files the engine made under the subordinate ids are not the user's: remove them as root.
        userdel -r "$user" 2>/dev/null || true
        rm -rf "/home/$user"
        sed -i "/^$user:/d" /etc/subuid /etc/subgid
    fi
    rm -rf "$(dirname "$venv")"
    echo "user $user, its home and $venv removed"
}

case $1 in
    setup | start | stop | purge) [ $# -eq 1 ] || usage; "$1" ;;
    status) answers && as_user docker info --format '{{.ServerVersion}} {{json .SecurityOptions}}' || { echo "no rootless engine answers"; exit 1; } ;;
    run) shift; [ $# -ge 1 ] || usage; as_user "$@" ;;
    *) usage ;;
esac
