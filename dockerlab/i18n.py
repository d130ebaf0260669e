"""The learner's language: English or Simplified Chinese, through gettext catalogues.

Every sentence dockerlab prints for a learner is written in English in the
code and marked with :func:`_`; its Chinese lives in the gettext catalogue
``dockerlab/locale/zh_CN/LC_MESSAGES/dockerlab.po`` (compiled to ``.mo``,
which is what the package reads). ``tools/i18n.py`` extracts, updates and
compiles the catalogue with Babel; ``tests/test_i18n.py`` fails when a marked
message has no Chinese.

The language is, first found:

1. :func:`set_language` (or :func:`language`), called by the code itself;
2. in a Jupyter kernel, the **edition of the notebook** it runs (:func:`notebook_language`):
   a notebook of the tutorial's Chinese edition (under ``zh-CN/``) speaks Chinese and one of
   the English edition English, however JupyterLab was started, whatever the locale or
   ``DOCKERLAB_LANG``; a notebook outside the tutorial has no edition and goes on to 3.;
3. the ``DOCKERLAB_LANG`` variable (for scripts and the ``dockerlab`` command);
4. the locale's ``LC_ALL``/``LC_MESSAGES``/``LANG``;
5. English.

Messages are translated when they are shown, so a change of language takes effect at once::

    >>> set_language("en")
    'en'
    >>> _("NOT reachable")
    'NOT reachable'
    >>> set_language("zh-CN")
    'zh-CN'
    >>> _("NOT reachable")
    '不可达'
    >>> set_language(None)  # back to the environment's choice
    'en'

Placeholders are named (``{source}``) and filled after translation with
``str.format``, so a translation may put them in another order. ``docker``
command lines and Docker's own error text are never translated.
"""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path

from dockerlab.errors import InvalidInput, use_translation

LANGUAGES = ("en", "zh-CN")
DOMAIN = "dockerlab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE_VARIABLE = "DOCKERLAB_LANG"
#: Set by jupyter_server 2 in each kernel's environment: the path of the notebook the kernel was started for.
SESSION_VARIABLE = "JPY_SESSION_NAME"
#: The folder of an edition holds its first chapter; the Chinese edition's folder is named after its language.
FIRST_CHAPTER = "01_*.ipynb"
#: How many folders above a notebook's are searched for its edition (notebooks/zh-CN/exercises/solutions/).
EDITION_DEPTH = 3

_chosen: str | None = None


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for "mark, translate later")
    """Mark ``message`` for the catalogue without translating it yet (for module-level tables)."""
    return message


#: The verdict closing every explanation, by outcome; translate with ``_(VERDICT[ok])`` when shown.
VERDICT = {True: N_("reachable"), False: N_("NOT reachable")}


def normalize(value: str) -> str | None:
    """Map a language tag or a POSIX locale to one of :data:`LANGUAGES`, or ``None``.

    >>> [normalize(v) for v in ("zh-CN", "zh_CN.UTF-8", "zh", "en_US.UTF-8", "C", "fr_FR")]
    ['zh-CN', 'zh-CN', 'zh-CN', 'en', 'en', None]
    """
    tag = value.split(".")[0].split("@")[0].replace("_", "-").strip().lower()
    if tag in ("c", "posix", "") or tag == "en" or tag.startswith("en-"):
        return "en"
    if tag in ("zh", "zh-cn", "zh-sg", "zh-hans") or tag.startswith("zh-hans"):
        return "zh-CN"
    return None


def set_language(language: str | None) -> str:
    """Choose the language of every message from now on; ``None`` returns to the environment's choice.

    Returns the language now in force. An unknown language is refused (in both languages, since
    the learner may read either).
    """
    global _chosen
    if language is None:
        _chosen = None
        return get_language()
    found = normalize(language)
    if found is None:
        raise InvalidInput(
            f"Unknown language {language!r}: dockerlab speaks {', '.join(LANGUAGES)}. "
            f"未知的语言 {language!r}：dockerlab 支持 {'、'.join(LANGUAGES)}。"
        )
    _chosen = found
    return found


@contextmanager
def language(chosen: str | None) -> Iterator[str]:
    """Speak ``chosen`` inside a ``with`` block, then return to the language in force before it.

    >>> with language("zh-CN"):
    ...     _("reachable")
    '可达'
    """
    global _chosen
    saved = _chosen
    try:
        yield set_language(chosen)
    finally:
        _chosen = saved


def get_language() -> str:
    """The language in force: :func:`set_language`, the notebook's edition, ``DOCKERLAB_LANG``, the locale, English."""
    if _chosen is not None:
        return _chosen
    found = notebook_language()
    if found is not None:
        return found
    for variable in (LANGUAGE_VARIABLE, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return normalize(value) or "en"
    return "en"


def _in_kernel() -> bool:
    """Whether this process is a running IPython kernel (imported only if it is: no import here)."""
    app = sys.modules.get("ipykernel.kernelapp")
    return app is not None and bool(app.IPKernelApp.initialized())


def notebook_language() -> str | None:
    """In a Jupyter kernel, the language of the tutorial's edition its notebook belongs to; else None.

    The notebook's folder is the one of the path jupyter_server gives the kernel
    (``JPY_SESSION_NAME``, when absolute), else the kernel's working directory, which
    JupyterLab, nbval and nbclient set to the notebook's folder.
    """
    if not _in_kernel():
        return None
    session = os.environ.get(SESSION_VARIABLE, "")
    try:
        folder = Path(session).parent if os.path.isabs(session) else Path.cwd()
    except OSError:  # the working directory was removed
        return None
    return edition_of(str(folder))


@lru_cache(maxsize=16)
def edition_of(folder: str) -> str | None:
    """The edition of the tutorial that ``folder`` is in: ``zh-CN``, ``en``, or None outside the tutorial.

    An edition's folder holds its chapter 01; the Chinese edition's folder is named ``zh-CN``
    (``notebooks/zh-CN/``, and its ``exercises/`` and ``exercises/solutions/`` below it).

    >>> import dockerlab
    >>> notebooks = Path(dockerlab.__file__).parents[1] / "notebooks"
    >>> [edition_of(str(f)) for f in (notebooks, notebooks / "zh-CN" / "exercises", notebooks.parent)]
    ['en', 'zh-CN', None]
    """
    level = Path(folder)
    for _step in range(EDITION_DEPTH + 1):
        try:
            if any(level.glob(FIRST_CHAPTER)):
                return "zh-CN" if normalize(level.name) == "zh-CN" else "en"
        except OSError:
            return None
        if level.parent == level:
            break
        level = level.parent
    return None


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language.replace("-", "_")])


def _(message: str) -> str:
    """``message`` (English, as written in the code) in the learner's language."""
    return _catalogue(get_language()).gettext(message)


use_translation(_)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the learner's language."""
    return _catalogue(get_language()).ngettext(singular, plural, n)
