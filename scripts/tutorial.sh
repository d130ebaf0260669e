#!/usr/bin/env bash
# Set up and open the tutorial: an engine (as root on Debian/Ubuntu), a virtual
# environment with dockerlab and JupyterLab, the lab image, then JupyterLab on
# the notebooks. `--lang zh-CN` opens the Chinese edition (notebooks/zh-CN/) with
# JupyterLab's interface and dockerlab's messages in Chinese. Other arguments go
# to `jupyter lab`.
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
# No news, update checks or extension listings: JupyterLab contacts nothing but this machine.
options=(--notebook-dir="$notebooks" --ServerApp.ip=127.0.0.1 --LabApp.news_url=None
         --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly)
if [ "$lang" = zh-CN ]; then
    # The same quiet defaults, plus the interface language of jupyterlab-language-pack-zh-CN
    # (the translation extension's "locale" setting), in a settings folder of their own so the
    # English edition stays English. The kernels inherit DOCKERLAB_LANG: dockerlab speaks Chinese.
    settings=.venv/share/jupyter/lab/settings-zh-CN
    install -D -m 644 scripts/jupyterlab/overrides.json "$settings/overrides.json"
    install -D -m 644 scripts/jupyterlab/zh-CN.json "$settings/overrides.d/zh-CN.json"
    options+=(--LabApp.app_settings_dir="$PWD/$settings")
    export DOCKERLAB_LANG=zh-CN
fi
[ "$(id -u)" -eq 0 ] && options+=(--allow-root)
exec .venv/bin/jupyter lab "${options[@]}" "${args[@]}"
