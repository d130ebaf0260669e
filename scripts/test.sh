#!/usr/bin/env bash
# Set up everything and run the whole test suite against a real engine:
# the engine (scripts/ensure-engine.sh, as root on Debian/Ubuntu), a virtual
# environment with the package and its test tools, the lab image, then pytest
# (unit tests, doctests, integration tests, and the notebooks under nbval).
set -euo pipefail
cd "$(dirname "$0")/.."

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

# The browser test drives Debian's chromium (never a downloaded browser build).
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && ! command -v chromium >/dev/null 2>&1; then
    install_browser() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
    }
    install_browser || { apt-get update -qq && install_browser; }
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,notebooks]"
# JupyterLab's quiet defaults, as scripts/tutorial.sh installs them (the browser test checks them).
install -D -m 644 scripts/jupyterlab/overrides.json .venv/share/jupyter/lab/settings/overrides.json
# The lab image, built offline (never pulled).
.venv/bin/python -c "
from dockerlab.engine import connect
from dockerlab.image import provision
provision(connect(), progress=print)"

.venv/bin/python -m ruff check dockerlab tests benchmarks tools
.venv/bin/python -m ruff format --check dockerlab tests benchmarks tools
labs() {  # the labs (by label) on the engine, to prove the tests leave none behind
    .venv/bin/python -c "from dockerlab.cli import inventory; from dockerlab.engine import connect
print(' '.join(inventory(connect())))"
}
lab_images() { docker images -aq --no-trunc -f label=dockerlab.image | sort -u | wc -l; }
labs_before=$(labs)
images_before=$(lab_images)
# 1. Everything against the real engine: doctests, unit and integration tests, notebooks (nbval).
.venv/bin/python -m pytest "$@"
# 2. The tests again on dockerlab's simulator; tests that need a real engine by nature
#    (kernel interfaces, subprocesses, sockets, a browser) are deselected and counted as such.
DOCKERLAB_ENGINE=sim .venv/bin/python -m pytest tests -q "$@"

left=$(comm -13 <(tr ' ' '\n' <<<"$labs_before" | sort) <(labs | tr ' ' '\n' | sort) | tr '\n' ' ')
if [ -n "${left// /}" ]; then
    echo "test.sh: the tests left these labs on the engine: $left(clean them with: dockerlab clean LAB)" >&2
    exit 1
fi
if [ "$(lab_images)" -gt "$images_before" ]; then
    echo "test.sh: the tests left lab images on the engine (docker images -f label=dockerlab.image)" >&2
    exit 1
fi
