#!/usr/bin/env bash
# Set up and open the tutorial: an engine (as root on Debian/Ubuntu), a virtual
# environment with dockerlab and JupyterLab, then `dockerlab tutorial`, which makes
# the learner's copy of the notebooks in ./dockerlab-tutorial (no outputs, blanks
# in each prediction, no solutions; your changes there are kept) and opens
# JupyterLab on it. `--lang zh-CN` opens the Chinese edition (notebooks/zh-CN/)
# with JupyterLab's interface in Chinese. Other arguments go to `jupyter lab`.
# (The repository's notebooks/ are the executed reference copies the tests compare.)
set -euo pipefail
cd "$(dirname "$0")/.."

lang=en
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --lang) lang="${2:?tutorial.sh: --lang needs en or zh-CN}"; shift 2 ;;
        --lang=*) lang="${1#--lang=}"; shift ;;
        *) args+=("$1"); shift ;;
    esac
done
case "$lang" in
    en) notebooks=notebooks ;;
    zh-CN | zh_CN | zh) lang=zh-CN; notebooks=notebooks/zh-CN ;;
    *) echo "tutorial.sh: --lang $lang: choose en or zh-CN" >&2; exit 2 ;;
esac

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
settings=.venv/share/jupyter/lab/settings
install -D -m 644 scripts/jupyterlab/overrides.json "$settings/overrides.json"
# The learner's copy, then JupyterLab on it (loopback only, no news, no update checks or extension
# listings: JupyterLab contacts nothing but this machine). With --lang zh-CN, dockerlab writes the
# Chinese interface's settings into a folder of their own, so the English edition stays English.
folder="$PWD/dockerlab-tutorial"
exec .venv/bin/dockerlab tutorial "$folder" --lang "$lang" -- "${args[@]}"
