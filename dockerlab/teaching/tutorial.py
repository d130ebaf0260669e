"""The tutorial from an installed package: copy the notebooks into a folder, then open JupyterLab there.

A wheel carries the series, every edition present (``notebooks/*.ipynb`` and
``notebooks/zh-CN/*.ipynb``), the exercises with their solutions (both
editions) and the nbval sanitize file, as package data in
``dockerlab/tutorial/`` (copied there at build time by ``setup.py``), laid
out as in the repository, with JupyterLab's settings files
(``scripts/jupyterlab/``). (The article's Dockerfiles, which notebook 01
shows, are package data of their own: ``dockerlab/article/``.) From a checkout (an
editable install) the checkout itself is used instead. ``dockerlab tutorial [DIR]``:

- copies them into DIR (default ``./dockerlab-tutorial``) as the **learner's copy**
  (:mod:`dockerlab.teaching.learner`): every notebook without outputs, each prediction
  ``mine = {...}`` with blanks (``...``) to fill in, and no ``solutions/`` folder. With
  ``teacher`` (``dockerlab tutorial --teacher``) it copies the reference copies instead, as the
  repository holds them: executed, with a sample learner's predictions, and the exercises'
  solutions;
- keeps what the learner changed: a notebook that differs from the copy last made is left
  alone unless ``force`` (the hash of each copy is kept in
  ``DIR/.dockerlab-tutorial.json``), while one the learner did not touch is
  brought up to date with the package;
- then opens JupyterLab there, quietly, as ``scripts/tutorial.sh`` does (no
  news, no update check, extension manager read-only, loopback only). With ``lang="zh-CN"``
  it opens the Chinese edition (``notebooks/zh-CN/``) with JupyterLab's interface in Chinese
  (``scripts/jupyterlab/zh-CN.json``); ``scripts/tutorial.sh --lang zh-CN`` runs this.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dockerlab.errors import DockerlabError
from dockerlab.i18n import _, normalize
from dockerlab.teaching.learner import learner_notebook

#: Where the learner's copy goes by default (relative to the current directory).
DEFAULT_DIR = "dockerlab-tutorial"
#: In DIR: the hash of each file as it was copied, to tell the learner's changes from the package's.
RECORD = ".dockerlab-tutorial.json"
#: What is copied, relative to the checkout's root: the layout stays the repository's (the notebooks,
#: their Chinese edition in zh-CN/, the exercises and solutions of both).
PATTERNS = (
    "notebooks/*.ipynb",
    "notebooks/*/*.ipynb",
    "notebooks/exercises/*/*.ipynb",
    "notebooks/*/exercises/*.ipynb",
    "notebooks/*/exercises/*/*.ipynb",
    "notebooks/sanitize.cfg",
)
#: A folder of the package's tutorial that only a teacher's copy holds (the exercises' solutions).
TEACHERS_ONLY = "solutions"
#: JupyterLab's settings files (relative to the root): the quiet defaults, and one file per interface language.
SETTINGS = "scripts/jupyterlab"
#: The settings folder ``--lang`` writes in DIR for JupyterLab (a hidden folder: JupyterLab does not list it).
APP_SETTINGS = ".dockerlab-jupyterlab"
#: Each edition's folder under DIR, by language.
EDITIONS = {"en": "notebooks", "zh-CN": "notebooks/zh-CN"}
#: JupyterLab's options: as scripts/tutorial.sh gives them (it contacts nothing but this machine).
JUPYTER_OPTIONS = (
    "--ServerApp.ip=127.0.0.1",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)


class TutorialError(DockerlabError):
    """The tutorial could not be copied or opened."""


def source() -> Path:
    """The folder holding the tutorial (its ``notebooks/``): the package's data, or a checkout."""
    here = Path(__file__).resolve().parents[1]  # the package: dockerlab/
    for candidate in (here / "tutorial", here.parent):
        if (candidate / "notebooks" / "01_two_containers.ipynb").is_file():
            return candidate
    raise TutorialError(
        _(
            "This installation of dockerlab holds no notebooks (looked in {package} and {checkout}). "
            "Install it from a wheel or from a clone of the repository (`pip install .`), not a bare copy "
            "of the package."
        ).format(package=here / "tutorial", checkout=here.parent / "notebooks")
    )


def files(root: Path, *, teacher: bool = True) -> list[Path]:
    """The files of the tutorial under ``root``, relative to it, sorted; without the solutions unless ``teacher``."""
    found = {p.relative_to(root) for pattern in PATTERNS for p in root.glob(pattern) if p.is_file()}
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts and (teacher or TEACHERS_ONLY not in p.parts))


def content(path: Path, *, teacher: bool = False) -> bytes:
    """What is copied for the file ``path``: the learner's copy of a notebook, unless ``teacher``; else the file."""
    data = path.read_bytes()
    return data if teacher or path.suffix != ".ipynb" else learner_notebook(data)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class CopyReport:
    """What :func:`copy` did, file by file (paths relative to the folder)."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report for the learner."""
        out = [
            _("Tutorial in {folder}: {copied} copied, {updated} updated, {unchanged} already there.").format(
                folder=self.folder, copied=len(self.copied), updated=len(self.updated), unchanged=len(self.unchanged)
            )
        ]
        if self.kept:
            out.append(
                _("Kept your changed {names} (`dockerlab tutorial --force` replaces them with the originals).").format(
                    names=", ".join(self.kept)
                )
            )
        if self.replaced:
            out.append(_("Replaced your changed {names} (--force).").format(names=", ".join(self.replaced)))
        return out


def prepare(folder: str | os.PathLike[str]) -> Path:
    """Make sure ``folder`` is a directory this user may write into; return it, absolute."""
    path = Path(folder).expanduser().absolute()
    try:
        if path.exists() and not path.is_dir():
            raise TutorialError(
                _("{path} is a file, not a folder: choose a folder for the tutorial, `dockerlab tutorial DIR`.").format(
                    path=path
                )
            )
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise TutorialError(
            _(
                "Cannot create the folder {path}: {error}. "
                "Choose a folder you may write into: `dockerlab tutorial DIR`."
            ).format(path=path, error=e.strerror or e)
        ) from e
    if not os.access(path, os.W_OK | os.X_OK):
        raise TutorialError(
            _("You may not write into {path}. Choose a folder you may write into: `dockerlab tutorial DIR`.").format(
                path=path
            )
        )
    return path


def copy(
    folder: str | os.PathLike[str] = DEFAULT_DIR,
    *,
    force: bool = False,
    teacher: bool = False,
    root: Path | None = None,
) -> CopyReport:
    """Copy the tutorial into ``folder``: the learner's copy, or with ``teacher`` the reference copies and solutions.

    A file the learner changed is never replaced unless ``force``.
    """
    root = root or source()
    path = prepare(folder)
    record_file = path / RECORD
    try:
        record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    except (OSError, ValueError):
        record = {}
    report = CopyReport(path)
    try:
        for rel in files(root, teacher=teacher):
            name, dest = rel.as_posix(), path / rel
            data = content(root / rel, teacher=teacher)
            new = _hash(data)
            if not dest.exists():
                report.copied.append(name)
            elif (have := _hash(dest.read_bytes())) == new:
                report.unchanged.append(name)
                record[name] = new
                continue
            elif record.get(name) == have:  # as we copied it: the package has a newer one
                report.updated.append(name)
            elif force:
                report.replaced.append(name)
            else:
                report.kept.append(name)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            record[name] = new
    except OSError as e:
        raise TutorialError(
            _("Copying the tutorial into {path} failed: {error}. Choose a folder you may write into.").format(
                path=path, error=e
            )
        ) from e
    finally:
        try:
            record_file.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        except OSError:
            pass
    return report


def edition(lang: str | None) -> str:
    """The edition ``--lang`` names (``en`` or ``zh-CN``); refused in the learner's language if unknown."""
    found = normalize(lang or "en")
    if found not in EDITIONS:
        raise TutorialError(
            _("--lang {lang}: choose one of {languages}.").format(lang=lang, languages=", ".join(EDITIONS))
        )
    return found


def app_settings(folder: Path, lang: str, root: Path | None = None) -> Path | None:
    """JupyterLab's settings for the interface in ``lang``, written under ``folder``; None for English.

    As ``scripts/tutorial.sh --lang`` used to write them: the quiet defaults, plus the interface
    language of jupyterlab-language-pack-zh-CN (the translation extension's ``locale`` setting),
    in a settings folder of their own, so that an English JupyterLab elsewhere stays English.
    """
    if lang == "en":
        return None
    settings = (root or source()) / SETTINGS
    target = folder / APP_SETTINGS / lang
    try:
        (target / "overrides.d").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(settings / "overrides.json", target / "overrides.json")
        shutil.copyfile(settings / f"{lang}.json", target / "overrides.d" / f"{lang}.json")
    except OSError as e:
        raise TutorialError(
            _("Cannot write JupyterLab's settings into {path}: {error}.").format(path=target, error=e)
        ) from e
    return target


def quiet_defaults() -> str | None:
    """Make sure JupyterLab's quiet defaults are in this environment; return what was done, if anything.

    A wheel installs them (``share/jupyter/lab/settings/overrides.d/dockerlab.json``); an editable
    install (``pip install -e .``, environment.yml) does not, so they are copied from the checkout
    here. The learner's own settings still override them.
    """
    target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "dockerlab.json"
    checkout = Path(__file__).resolve().parents[2] / "scripts" / "jupyterlab" / "overrides.d" / "dockerlab.json"
    if target.exists() or not checkout.is_file():
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checkout, target)
    except OSError:
        return _(
            "JupyterLab may ask whether to fetch Jupyter news: answer as you like ({path} is not writable)."
        ).format(path=target.parent)
    return _("JupyterLab's quiet defaults (no news, no update check) written to {path}").format(path=target)


def jupyter_command(
    folder: Path,
    extra: list[str] | None = None,
    *,
    browser: bool = True,
    lang: str = "en",
    settings: Path | None = None,
) -> list[str]:
    """The command that opens JupyterLab on ``folder`` with the tutorial's quiet options, at ``lang``'s edition.

    ``settings`` is the folder :func:`app_settings` wrote (JupyterLab's interface in ``lang``).
    """
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}"]
    command += [f"--ServerApp.preferred_dir={folder / EDITIONS[lang]}", *JUPYTER_OPTIONS]
    if settings is not None:
        command.append(f"--LabApp.app_settings_dir={settings}")
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command + list(extra or [])


def open_lab(
    folder: Path,
    extra: list[str] | None = None,
    *,
    browser: bool = True,
    lang: str = "en",
    settings: Path | None = None,
) -> None:
    """Replace this process with JupyterLab on ``folder`` (it runs until the learner stops it).

    With ``lang="zh-CN"`` and the ``settings`` :func:`app_settings` wrote, JupyterLab's interface is Chinese,
    and so are ``dockerlab`` commands run in its
    terminals (``DOCKERLAB_LANG``); each notebook speaks its own edition's language (:mod:`dockerlab.i18n`).
    """
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None:
        try:
            import jupyterlab  # noqa: F401
        except ImportError as e:
            raise TutorialError(
                _(
                    "JupyterLab is not installed here. Install dockerlab with its notebooks extra: "
                    "`pip install 'dockerlab[notebooks]'`, then run `dockerlab tutorial` again."
                )
            ) from e
    command = jupyter_command(folder, extra, browser=browser, lang=lang, settings=settings)
    if lang != "en":
        os.environ["DOCKERLAB_LANG"] = lang
    os.chdir(folder)
    os.execv(command[0], command)
