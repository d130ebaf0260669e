"""The learner's language: English or Simplified Chinese, through gettext catalogues.

Every sentence dockerlab prints for a learner is written in English in the
code and marked with :func:`_`; its Chinese lives in the gettext catalogue
``dockerlab/locale/zh_CN/LC_MESSAGES/dockerlab.po`` (compiled to ``.mo``,
which is what the package reads). ``tools/i18n.py`` extracts, updates and
compiles the catalogue with Babel; ``tests/test_i18n.py`` fails when a marked
message has no Chinese.

The language is, first found: :func:`set_language`, the ``DOCKERLAB_LANG``
variable, then the locale's ``LC_ALL``/``LC_MESSAGES``/``LANG``; English
otherwise. Messages are translated when they are shown, so a change of
language takes effect at once::

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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from dockerlab.errors import InvalidInput, use_translation

LANGUAGES = ("en", "zh-CN")
DOMAIN = "dockerlab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE_VARIABLE = "DOCKERLAB_LANG"

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
    """The language in force: :func:`set_language`, then ``DOCKERLAB_LANG``, then the locale, else English."""
    if _chosen is not None:
        return _chosen
    for variable in (LANGUAGE_VARIABLE, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return normalize(value) or "en"
    return "en"


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
