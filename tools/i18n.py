"""Keep the gettext catalogue in step with the code, with Babel.

Messages are marked in ``dockerlab/`` with ``_()``, ``N_()`` and ``ngettext()``
(see :mod:`dockerlab.i18n`). This extracts them, updates the Chinese catalogue
``dockerlab/locale/zh_CN/LC_MESSAGES/dockerlab.po`` (new messages arrive
untranslated; messages gone from the code are dropped) and compiles it to the
``.mo`` file the package reads. Usage::

    python tools/i18n.py            # extract, update the .po, compile the .mo
    python tools/i18n.py --check    # exit 1 if a message lacks Chinese or the .mo is stale
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dockerlab"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "dockerlab.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every marked message in the package, with where it is used."""
    template = Catalog(project="dockerlab", fuzzy=False)
    found = extract_from_dir(PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",))
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(f"dockerlab/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def load() -> Catalog:
    """The Chinese catalogue as it is on disk (empty if there is none yet)."""
    if not PO.exists():
        return Catalog(locale="zh_CN", project="dockerlab", fuzzy=False)
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def untranslated(catalogue: Catalog) -> list[str]:
    """The messages of ``catalogue`` without a (non-fuzzy) Chinese translation."""
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def compiled(catalogue: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalogue``."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def translations(catalogue: Catalog) -> dict[object, object]:
    """``{message id: translation}`` of ``catalogue``, header left out: what a ``.mo`` must hold."""

    def key(value: object) -> object:  # plural messages: a list in a .po, a tuple in a .mo
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {key(m.id): key(m.string) for m in catalogue if m.id and not m.fuzzy}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of step")
    args = parser.parse_args(argv)
    catalogue = load()
    catalogue.update(extract(), no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    missing = untranslated(catalogue)
    if args.check:
        with MO.open("rb") if MO.exists() else io.BytesIO() as f:
            stale = not MO.exists() or translations(read_mo(f)) != translations(catalogue)
        for message in missing:
            print(f"no Chinese for: {message!r}", file=sys.stderr)
        if stale:
            print(f"{MO.relative_to(ROOT)} is out of date: run python tools/i18n.py", file=sys.stderr)
        return 1 if missing or stale else 0
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalogue, width=120, sort_output=False, omit_header=False)
    MO.write_bytes(compiled(catalogue))
    print(f"{len(catalogue)} messages, {len(missing)} without Chinese: {PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
