#!/usr/bin/env bash
# Set up and open the tutorial: an engine (as root on Debian/Ubuntu), a virtual
# environment with dockerlab and JupyterLab, the lab image, then JupyterLab on
# the notebooks. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
    bash scripts/ensure-engine.sh || echo "tutorial.sh: no engine yet; notebook 00 explains what to do." >&2
    # Docker Compose v2 for notebook 09 (kept when one answers already)
    bash scripts/compose-release.sh || echo "tutorial.sh: no Docker Compose; notebook 09 needs it." >&2
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[notebooks]"
# JupyterLab opens quietly: no "official Jupyter news?" prompt and no update check (default
# settings for this environment, which a learner's own settings still override).
install -D -m 644 scripts/jupyterlab/overrides.json .venv/share/jupyter/lab/settings/overrides.json
# No news, update checks or extension listings: JupyterLab contacts nothing but this machine.
options=(--notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --LabApp.news_url=None
         --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly)
[ "$(id -u)" -eq 0 ] && options+=(--allow-root)
exec .venv/bin/jupyter lab "${options[@]}" "$@"
