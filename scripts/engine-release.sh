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
# (images, containers) in /var/lib/dockerlab-engines/SUITE. As root.
#
# The packages come from the machine's own Debian mirror: the first `deb` entry for a Debian
# suite in /etc/apt/sources.list and /etc/apt/sources.list.d/*.list|*.sources (one-line or
# deb822 format; -security, -updates and other suffixed suites are skipped), with SUITE in place
# of its suite and its signed-by keyring. `scripts/engine-release.sh SUITE mirror` prints that
# line (no root needed). A host without a Debian mirror (Ubuntu, say) fails with a message: put
# a `deb URL SUITE main` line naming a Debian mirror in DIR/sources.list and set
# DOCKERLAB_APT_ETC=DIR, which is read in place of /etc/apt.
set -euo pipefail

usage() {
    echo "usage: $0 SUITE fetch|start|stop|mirror   (SUITE: a Debian suite, e.g. trixie or sid)" >&2
    exit 2
}
[ $# -eq 2 ] || usage
suite=$1 action=$2
[[ $suite =~ ^[a-z]+$ ]] || usage

base=/opt/dockerlab-engines/$suite
root=$base/root
data=/var/lib/dockerlab-engines/$suite
run=/run/dockerlab-engines/$suite
log=/var/log/dockerlab-engine-$suite.log
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
libdir=$root/usr/lib/$multiarch

# Debian's suites: codenames and the archive's aliases. A suffixed suite (bookworm-security,
# -updates, -backports) or another distribution's (Ubuntu's noble) is not one.
DEBIAN_SUITES='buzz|rex|bo|hamm|slink|potato|woody|sarge|etch|lenny|squeeze|wheezy|jessie|stretch|buster'
DEBIAN_SUITES+='|bullseye|bookworm|trixie|forky|duke|sid|experimental|stable|testing|unstable|oldstable|oldoldstable'
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Print the machine's first Debian mirror as a one-line source for suite $1: "deb [signed-by=KEYRING]
# URI $1 COMPONENTS". Reads the apt sources under DOCKERLAB_APT_ETC (default /etc/apt) in apt's
# order: sources.list, then sources.list.d's *.list and *.sources files by name. Fails (status 1,
# saying where it looked) when none has a `deb` entry for a Debian suite.
mirror_line() {
    local want=$1 etc=${DOCKERLAB_APT_ETC:-/etc/apt} files=() f name
    [ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
    while IFS= read -r f; do
        name=${f##*/}
        [[ $name =~ ^[A-Za-z0-9_.-]+\.(list|sources)$ ]] && [ -f "$f" ] && files+=("$f")
    done < <(LC_ALL=C ls -1d "$etc"/sources.list.d/* 2>/dev/null | LC_ALL=C sort)
    if [ ${#files[@]} -gt 0 ] && awk -v want="$want" -v suites="^($DEBIAN_SUITES)\$" -v keyring="$DEBIAN_KEYRING" '
        function pick(uri, suite, comps, key) {
            if (suite !~ suites) return 0
            printf "deb [signed-by=%s] %s %s %s\n", (key == "" ? keyring : key), uri, want, comps
            found = 1
            exit
        }
        function stanza(   n, m, i, j, u, s, key, t, isdeb) {
            isdeb = 0
            n = split(f["types"], t)
            for (i = 1; i <= n; i++) if (t[i] == "deb") isdeb = 1
            if (isdeb && tolower(f["enabled"]) != "no") {
                key = f["signed-by"]
                if (key ~ /BEGIN PGP/) {
                    # an embedded key block does not fit in a one-line source
                    printf "%s: %s embeds its Signed-By key; using %s\n", prog, file, keyring > "/dev/stderr"
                    key = ""
                }
                sub(/^[ \t]+/, "", key); gsub(/[ \t]+/, ",", key)
                n = split(f["uris"], u); m = split(f["suites"], s)
                for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) pick(u[i], s[j], f["components"], key)
            }
            split("", f); field = ""
        }
        FNR == 1 { stanza(); file = FILENAME; deb822 = (file ~ /\.sources$/) }
        deb822 && /^#/ { next }
        deb822 && /^[ \t]*$/ { stanza(); next }
        deb822 && /^[ \t]/ { if (field != "") f[field] = f[field] " " $0; next }
        deb822 {
            field = tolower($0); sub(/:.*/, "", field)
            value = $0; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
            f[field] = value
            next
        }
        {
            line = $0; sub(/#.*/, "", line)
            if (split(line, w) < 3 || w[1] != "deb") next
            sub(/^[ \t]*deb[ \t]+/, "", line)
            key = ""
            if (line ~ /^\[/) {
                if (index(line, "]") == 0) next
                opts = substr(line, 2, index(line, "]") - 2); line = substr(line, index(line, "]") + 1)
                n = split(opts, o)
                for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=/) { key = o[i]; sub(/^signed-by=/, "", key) }
            }
            n = split(line, w)
            comps = ""
            for (i = 3; i <= n; i++) comps = comps (i > 3 ? " " : "") w[i]
            if (n >= 2) pick(w[1], w[2], comps, key)
        }
        END { if (!found) { stanza(); if (!found) exit 1 } }
    ' prog="$0" "${files[@]}"; then
        return 0
    fi
    {
        echo "$0: no Debian mirror in this machine's apt sources."
        echo "  Looked for the first \`deb\` entry (not deb-src) whose suite is a Debian suite (such as bookworm,"
        echo "  trixie, sid or stable; -security and -updates suites do not count) in $etc/sources.list and"
        echo "  $etc/sources.list.d/*.list, *.sources; files read: ${files[*]:-none}."
        echo "  On a host without one, write a line \`deb URL $want main\` naming a Debian mirror into"
        echo "  DIR/sources.list and run again with DOCKERLAB_APT_ETC=DIR."
    } >&2
    return 1
}

fetch() {
    local apt=$base/apt line
    line=$(mirror_line "$suite")  # first: without a mirror, an earlier fetch stays as it was
    echo "packages from: $line"
    rm -rf "$root" "$base/debs"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$base/debs" "$base/tools" "$root"
    echo "$line" >"$apt/sources.list"
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
    mirror) mirror_line "$suite" ;;
    fetch | start | stop)
        [ "$(id -u)" -eq 0 ] || { echo "$0: run as root" >&2; exit 1; }
        "$action"
        ;;
    *) usage ;;
esac
