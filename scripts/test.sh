#!/usr/bin/env bash
# Set up everything and run the whole test suite against a real engine:
# the engine (scripts/ensure-engine.sh, as root on Debian/Ubuntu), a virtual
# environment with the package and its test tools, the lab image, then pytest
# (unit tests, doctests, integration tests, and the notebooks under nbval).
set -euo pipefail
cd "$(dirname "$0")/.."

# The virtual environment is made while the engine, Compose and the browser are installed (they need apt,
# it needs pip: neither waits for the other).
setup_python() {
    python3 -m venv .venv &&
        .venv/bin/python -m pip install -q --upgrade pip &&
        .venv/bin/python -m pip install -q -e ".[test,notebooks]" &&
        # JupyterLab's quiet defaults, as scripts/tutorial.sh installs them (the browser test checks them).
        install -D -m 644 scripts/jupyterlab/overrides.json .venv/share/jupyter/lab/settings/overrides.json
}
python_log=$(mktemp)
setup_python >"$python_log" 2>&1 &
python_pid=$!
trap 'kill "$python_pid" 2>/dev/null || true; rm -f "$python_log"' EXIT

if [ "$(id -u)" -eq 0 ]; then
    bash scripts/ensure-engine.sh
    # Compose v2 as a CLI plugin (Debian 13's package, unpacked; kept when one answers already),
    # and Debian 12's Compose v1 (docker-compose 1.29.2) where apt has it: the Compose tests use both.
    bash scripts/compose-release.sh
    if command -v apt-get >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null ||
            echo "test.sh: Compose v1 (docker-compose) not installed; its tests are skipped" >&2
    fi
elif ! docker version >/dev/null 2>&1; then
    echo "test.sh: no Docker engine answers; start one (sudo scripts/ensure-engine.sh on Debian/Ubuntu)." >&2
    exit 1
fi

# Podman beside Docker (tests/test_podman.py): Debian's podman, netavark and aardvark-dns, its API service on a
# socket of its own, the lab image imported from the main engine below. Stopped again on exit (see the trap).
podman_started=
start_podman() {
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        if bash scripts/podman.sh status >/dev/null 2>&1; then
            bash scripts/podman.sh start  # already running: left running at the end, as it was
        else
            bash scripts/podman.sh start && podman_started=1
        fi ||
            echo "test.sh: Podman could not be started; tests/test_podman.py skips (and fails under CI=true)" >&2
    fi
}

# The browser test drives Debian's chromium (never a downloaded browser build).
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && ! command -v chromium >/dev/null 2>&1; then
    install_browser() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
    }
    install_browser || { apt-get update -qq && install_browser; }
fi

if ! docker version >/dev/null 2>&1; then  # (ensure-engine.sh's engine too: CI never passes without one)
    echo "test.sh: no Docker engine answers after scripts/ensure-engine.sh; see its messages above." >&2
    exit 1
fi
if ! wait "$python_pid"; then
    cat "$python_log" >&2
    echo "test.sh: the virtual environment could not be set up (above: pip's messages)" >&2
    exit 1
fi
rm -f "$python_log"
# The lab image, built offline (never pulled).
.venv/bin/python -c "
from dockerlab.engine import connect
from dockerlab.image import provision
provision(connect(), progress=print)"
# Podman only when asked (DOCKERLAB_PODMAN=1; tests/conftest.py says why), after the image, which it imports.
[ "${DOCKERLAB_PODMAN:-}" != 1 ] || start_podman

.venv/bin/python -m ruff check dockerlab tests benchmarks tools
.venv/bin/python -m ruff format --check dockerlab tests benchmarks tools
.venv/bin/python -m mypy  # as pyproject.toml's [tool.mypy] says: all of dockerlab/, dockerlab/model/ strictly
labs() {  # the labs (by label) on the engine, to prove the tests leave none behind
    .venv/bin/python -c "from dockerlab.cli import inventory; from dockerlab.engine import connect
print(' '.join(inventory(connect())))"
}
lab_images() { docker images -aq --no-trunc -f label=dockerlab.image | sort -u | wc -l; }
labs_before=$(labs)
main_networks() { docker network ls --format '{{.Name}}' | sort | tr '\n' ' '; }
networks_before=$(main_networks)
# Chapter 08's cluster (three extra engines, never the main one): the cross-host tests and notebook 08 bring it
# up once (tests/conftest.py's session fixture) and tear it down at the end; this makes sure of it on any exit.
trap '.venv/bin/dockerlab hosts down >/dev/null 2>&1 || true; [ -z "$podman_started" ] || bash scripts/podman.sh stop' EXIT
images_before=$(lab_images)
# Two runs at once (the second needs no engine, so they cannot disturb each other):
# 1. everything against the real engine: doctests, unit and integration tests, both editions of the
#    notebooks (nbval);
# 2. the tests again on dockerlab's simulator; tests that need a real engine by nature (kernel
#    interfaces, subprocesses, sockets, a browser) are deselected and counted as such.
# The whole real engine's pass runs in two pytest-xdist workers (--dist loadgroup): what shares one thing
# two workers must not use at once (chapter 08's cluster, the notebooks, Compose's projects, the registry)
# stays in one worker, by tests/conftest.py's groups; the rest is shared out. A selection given on the command
# line runs in one process, as asked (the groups live in tests/conftest.py, which a selection may not load).
# --durations shows where the time goes.
workers=()
[ "$#" -gt 0 ] || workers=(-n 2 --dist loadgroup)
sim_log=$(mktemp)
DOCKERLAB_ENGINE=sim .venv/bin/python -m pytest tests -q -p no:cacheprovider "$@" >"$sim_log" 2>&1 &
sim_pid=$!
real_status=0
.venv/bin/python -m pytest "${workers[@]}" --durations=15 "$@" || real_status=$?
sim_status=0
wait "$sim_pid" || sim_status=$?
echo "== the tests on dockerlab's simulator (run alongside) =="
cat "$sim_log"
rm -f "$sim_log"
# pytest's exit 5: no test was collected. A selection given on the command line may leave one pass empty
# (the simulator's deselects what needs a real engine, and collects only tests/); a whole run never, nor both.
if [ "$#" -gt 0 ] && ! { [ "$real_status" -eq 5 ] && [ "$sim_status" -eq 5 ]; }; then
    [ "$real_status" -ne 5 ] || real_status=0
    [ "$sim_status" -ne 5 ] || sim_status=0
fi
if [ "$real_status" -ne 0 ] || [ "$sim_status" -ne 0 ]; then
    echo "test.sh: pytest failed (real engine: exit $real_status, simulator: exit $sim_status; 5: no tests ran)" >&2
    exit 1
fi

left=$(comm -13 <(tr ' ' '\n' <<<"$labs_before" | sort) <(labs | tr ' ' '\n' | sort) | tr '\n' ' ')
if [ -n "${left// /}" ]; then
    echo "test.sh: the tests left these labs on the engine: $left(clean them with: dockerlab clean LAB)" >&2
    exit 1
fi
if ip netns list 2>/dev/null | grep -qE '^dlab-(wire|host[0-9])' || pgrep -f '/run/dockerlab/hosts/' >/dev/null; then
    echo "test.sh: the cross-host tests left a namespace or daemon of chapter 08's cluster (dockerlab hosts down)" >&2
    exit 1
fi
# (Under CI the engine is ours alone, so its whole networks list must be as it was.)
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "inactive" ] \
    || { [ "${CI:-}" = "true" ] && [ "$(main_networks)" != "$networks_before" ]; }; then
    echo "test.sh: the main engine's networks or swarm state changed: before '$networks_before', after '$(main_networks)'" >&2
    exit 1
fi
if [ "$(lab_images)" -gt "$images_before" ]; then
    echo "test.sh: the tests left lab images on the engine (docker images -f label=dockerlab.image)" >&2
    exit 1
fi
