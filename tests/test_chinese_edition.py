"""The Chinese edition speaks Chinese: no English word in what its stored notebooks show, outside a short allow-list.

Read from ``notebooks/zh-CN/*.ipynb`` as built (``tools/build_notebooks.py``), no engine needed: each
output's stdout, its text/plain, its text/html without tags, and the words each figure draws (which
``dockerlab.teaching.lesson`` records in the output's metadata, ``{"dockerlab": {"text": [...]}}``).

What may stay English, and how it is recognised (whole patterns first, then words):

- what other programs print: a ``$ command`` line and everything after it up to the next line of ours
  (one with Chinese in it), Docker's ``Error response from daemon: ...`` and text it quotes, and the
  files a cell prints verbatim (the article's Dockerfiles, a Compose file, a Mermaid graph);
- code: a ``docker ...`` command inside a sentence, anything in backticks, and any token with a digit or
  one of ``_ . / : @ = $ -`` in it (``eth0@if45``, ``lab.run()``, ``dockerlab-09_default``, addresses,
  names such as ``tomcat1``);
- :data:`ALLOWED`: terms Chinese technical writing keeps in Latin letters, the names the notebooks give,
  and Docker's and tcpdump's own words that reach a table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "notebooks" / "zh-CN"
ENGLISH = ROOT / "notebooks"

#: Words kept in Latin letters in Chinese (case-insensitive). One screen, by kind.
ALLOWED = frozenset(
    """
    docker compose swarm dockerlab busybox tcpdump linux api id lo
    ip dns mtu mac udp tcp icmp vxlan veth pair
    bridge host none null overlay default
    tomcat mysql article web db cache newcomer hostview noneview database mybridge otherbridge ov back dlab
    manager worker ready
    echo request reply
    """.split()
)

#: Cells that print a file verbatim (its text is the file's, not ours), by what their code prints.
PRINTS_A_FILE = re.compile(r"print\((ARTICLE|lesson\.article_dockerfile\(|export\.to_mermaid\()")

_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PROGRAM = re.compile(r"^(\$ |GET http|docker )")  # a command line (or our log of one) or an HTTP request
_QUOTED_DOCKER = re.compile(r"Error response from daemon:.*|'[^'\n]*'|\"[^\"\n]*\"")
_CODE = re.compile(r"`[^`\n]*`|\bdocker(?: [-A-Za-z0-9_.=/:]+)+")
_TOKEN_EDGES = "()[]{},;:!?\"'·→⇄<>*#|\\"
_IDENTIFIER = re.compile(r"[\d_./:@=$-]")


def _outputs(cell: dict) -> list[tuple[str, str]]:
    """``(kind, text)`` for each piece of a code cell's outputs the learner reads."""
    found = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream" and out["name"] == "stdout":
            found.append(("stdout", "".join(out["text"])))
        data = out.get("data", {})
        if "text/html" in data:
            html = re.sub(r"<style.*?</style>", " ", "".join(data["text/html"]), flags=re.S)
            html = re.sub(r'alt="[^"]*"', " ", html)  # the img's alt repeats the text/plain
            found.append(("html", re.sub(r"<[^>]+>", " ", html).replace("&lt;", "<").replace("&gt;", ">")))
        if "text/plain" in data:
            found.append(("plain", "".join(data["text/plain"])))
        words = out.get("metadata", {}).get("dockerlab", {}).get("text")
        if words is not None:
            found.append(("figure", "\n".join(words)))
    return found


def _ours(text: str) -> str:
    """``text`` without what other programs said: command lines and their output, Docker's quoted words."""
    kept, in_program = [], False
    for line in text.splitlines():
        if _PROGRAM.match(line.strip()):
            in_program = True
            continue
        if in_program and not _HAN.search(line):
            continue
        in_program = False
        kept.append(line)
    return _QUOTED_DOCKER.sub(" ", _CODE.sub(" ", "\n".join(kept)))


def english_words(text: str) -> list[str]:
    """The English words of ``text`` outside the allow-list and code.

    >>> english_words("按名字：mysql1 (bridge) 可达")
    []
    >>> english_words("拓扑：one bridge, one veth pair per container")
    ['one', 'one', 'per', 'container']
    >>> english_words("$ docker exec a1 ping b1\\nping: bad address 'b1'\\n=> a1 -> b1：不可达")
    []
    """
    words = []
    for token in _HAN.sub(" ", _ours(text)).split():
        token = token.strip(_TOKEN_EDGES)
        if not token or _IDENTIFIER.search(token) or not re.fullmatch(r"[A-Za-z]+", token):
            continue
        if token.lower() not in ALLOWED:
            words.append(token)
    return words


def found_in(path: Path) -> list[tuple[str, str, str]]:
    """``(cell id, kind, word)`` for each English word a learner reads in the stored outputs of ``path``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or PRINTS_A_FILE.search("".join(cell["source"])):
            continue
        for kind, text in _outputs(cell):
            found += [(cell.get("id", "?"), kind, word) for word in english_words(text)]
    return found


CHINESE = sorted(EDITION.glob("*.ipynb"))


@pytest.mark.parametrize("path", CHINESE, ids=[p.stem for p in CHINESE])
def test_the_chinese_edition_shows_no_english(path: Path) -> None:
    assert found_in(path) == []


@pytest.mark.parametrize("path", CHINESE, ids=[p.stem for p in CHINESE])
def test_every_figure_records_its_words(path: Path) -> None:
    """A figure without its words in the metadata would slip past the test above."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    silent = [
        cell["id"]
        for cell in notebook["cells"]
        for out in cell.get("outputs", [])
        if ("image/png" in out.get("data", {}) or "data:image/png" in "".join(out.get("data", {}).get("text/html", "")))
        and "text" not in out.get("metadata", {}).get("dockerlab", {})
    ]
    assert silent == []


ENGLISH_EDITION = sorted(ENGLISH.glob("*.ipynb"))


@pytest.mark.parametrize("path", ENGLISH_EDITION, ids=[p.stem for p in ENGLISH_EDITION])
def test_the_english_edition_shows_no_chinese(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    chinese = [
        (cell["id"], text[:60])
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for _kind, text in _outputs(cell)
        if re.search(r"[\u4e00-\u9fff]", text)
    ]
    assert chinese == []
