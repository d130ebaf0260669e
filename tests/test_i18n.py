"""Every library message in both languages, and the Chinese edition's output and figures really Chinese.

- the catalogue: each message marked in the code has a Chinese translation
  and the same placeholders in both languages, and the compiled ``.mo`` is
  current (``tools/i18n.py --check``'s own logic);
- the choice of language: :func:`dockerlab.set_language`, ``DOCKERLAB_LANG``,
  then the locale's ``LC_ALL``/``LC_MESSAGES``/``LANG``; an unknown one refused;
- real calls in Chinese (explain on the simulator, an error, a CLI message, an
  exercise's feedback): Chinese sentences, no English one left over except
  ``docker`` command lines, code and Docker's own text;
- the figures: a Chinese label is drawn with the shipped Noto Sans SC, without
  a "missing glyph" warning.
"""

from __future__ import annotations

import importlib.util
import re
import string
import sys
import uuid
import warnings
from pathlib import Path

import pytest

import dockerlab
from dockerlab import cli, i18n
from dockerlab.engines.sim import SimClient
from dockerlab.errors import DockerlabError, InvalidInput, UnknownContainer
from dockerlab.lab import Lab
from dockerlab.teaching import exercises

ROOT = Path(__file__).resolve().parents[1]
LOCALE_VARIABLES = ("DOCKERLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def _tool():
    """tools/i18n.py, the Babel tool that extracts, updates and compiles the catalogue."""
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_tool", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue():
    """The Chinese catalogue brought up to date with the code, as ``tools/i18n.py`` does it."""
    tool = _tool()
    found = tool.load()
    found.update(tool.extract(), no_fuzzy_matching=True)
    found.obsolete.clear()
    return tool, found


@pytest.fixture
def chinese(monkeypatch):
    """Chinese for this test, whatever the machine's locale; back to the environment's choice after."""
    monkeypatch.setenv("DOCKERLAB_LANG", "zh-CN")
    i18n.set_language("zh-CN")
    yield
    i18n.set_language(None)


def _fields(text: str) -> set[str]:
    """The placeholders of a ``str.format`` template: ``{source}``, ``{seconds:g}``, ``{image!r}``."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _messages(found) -> list[tuple[str, str]]:
    """(English, Chinese) pairs of the catalogue; a plural message gives one pair per English form."""
    pairs = []
    for m in found:
        if not m.id:
            continue
        ids = list(m.id) if isinstance(m.id, (list, tuple)) else [m.id]
        strings = list(m.string) if isinstance(m.string, (list, tuple)) else [m.string]
        pairs += [(english, strings[0] or "") for english in ids]
    return pairs


# -- the catalogue ------------------------------------------------------------------


def test_the_code_marks_hundreds_of_messages(catalogue):
    """The extraction finds what the library says (a broken extraction would make every test below vacuous)."""
    _, found = catalogue
    ids = {english for english, _ in _messages(found)}
    assert len(ids) > 400
    assert {"NOT reachable", "No Docker engine answers.", "All is well.", "one-way names"} <= ids


def test_every_message_has_chinese(catalogue):
    tool, found = catalogue
    assert tool.untranslated(found) == [], "run python tools/i18n.py and translate the new messages"


def test_every_translation_has_the_same_placeholders(catalogue):
    """Placeholders are filled after translation: a missing or misspelt one would raise, or drop a value."""
    _, found = catalogue
    wrong = [(e, z) for e, z in _messages(found) if _fields(e) != _fields(z)]
    assert wrong == []


def test_every_translation_is_chinese_where_the_english_has_words(catalogue):
    """A message with English words has Chinese characters in its translation (not a copy of the English)."""
    _, found = catalogue
    han = re.compile(r"[\u4e00-\u9fff]")
    prose = [(e, re.sub(r"`[^`]*`", "", re.sub(r"\{[^}]*\}", "", e)), z) for e, z in _messages(found)]
    worded = [(e, z) for e, words, z in prose if re.search(r"[A-Za-z]{3,}", words)]  # not placeholders, not code
    same_word = {"mac", "veth pair"}  # the same word in both languages (a MAC address; the kernel's term)
    assert [(e, z) for e, z in worded if not han.search(z) and e not in same_word] == []


def test_the_compiled_catalogue_is_current(catalogue):
    """The .mo the package reads holds exactly the .po's translations (``tools/i18n.py --check``)."""
    tool, found = catalogue
    with tool.MO.open("rb") as f:
        compiled = tool.read_mo(f)
    assert tool.translations(compiled) == tool.translations(found), "run python tools/i18n.py"
    assert tool.main(["--check"]) == 0


# -- choosing the language ----------------------------------------------------------


def test_set_language_chooses_and_none_returns_to_the_environment(monkeypatch):
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    try:
        assert dockerlab.set_language("zh-CN") == "zh-CN"
        assert i18n._("NOT reachable") == "不可达"
        assert dockerlab.set_language("en") == "en"
        assert i18n._("NOT reachable") == "NOT reachable"
        assert dockerlab.set_language(None) == "en"  # no variable set: English
    finally:
        i18n.set_language(None)


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"DOCKERLAB_LANG": "zh-CN"}, "zh-CN"),
        ({"DOCKERLAB_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),  # DOCKERLAB_LANG first
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),  # then the locale
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_environment_chooses_the_language(monkeypatch, environment, language):
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    i18n.set_language(None)
    assert dockerlab.get_language() == language
    assert i18n._("reachable") == ("可达" if language == "zh-CN" else "reachable")


def test_an_unknown_language_is_refused_in_both_languages():
    with pytest.raises(InvalidInput, match=r"fr-FR.*未知的语言") as refused:
        dockerlab.set_language("fr-FR")
    assert isinstance(refused.value, DockerlabError)
    assert dockerlab.get_language() == "en"  # nothing changed


# -- real calls, in Chinese -------------------------------------------------------

#: What may stay English in Chinese output: code between backticks, `docker ...` command lines, calls such
#: as lab.run('c1'), and what ping and Docker print themselves.
_NOT_PROSE = [
    re.compile(r"`[^`]*`"),
    re.compile(r"(?m)^\$ docker .*$"),
    re.compile(r"[\w.]+\([^()]*\)"),
    re.compile(r"Network is unreachable"),
]
#: Three English words in a row: a sentence (or most of one) left untranslated.
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){2,}\b")


def _leftover_english(text: str) -> list[str]:
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return _ENGLISH_RUN.findall(text)


def _assert_chinese(text: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]{2,}", text), text
    assert _leftover_english(text) == [], text


def test_the_leftover_check_sees_english():
    """The check below is not vacuous: an English sentence is caught, a docker line and code are not."""
    assert _leftover_english("e1-web 不能访问 e1-db：no shared network, and Docker isolates")
    assert _leftover_english("$ docker run -d --name t1 busybox\n用 `docker network connect a b` 连接") == []


@pytest.fixture
def sim_lab():
    lab = Lab(f"zh-{uuid.uuid4().hex[:6]}", client=SimClient(), echo=False)
    yield lab
    lab.reset()


def test_explain_speaks_chinese_on_the_simulator(chinese, sim_lab):
    sim_lab.run("tomcat1")
    sim_lab.run("mysql1", links=["tomcat1"])
    sim_lab.network("mynet")
    sim_lab.run("other1", network="mynet")
    one_way = sim_lab.explain("mysql1", "tomcat1")
    back = sim_lab.explain("tomcat1", "mysql1")
    isolated = sim_lab.explain("tomcat1", sim_lab["other1"].ips["mynet"], by="ip")
    assert one_way.reachable and not back.reachable and not isolated.reachable
    assert str(one_way).endswith("：可达") and str(back).endswith("：不可达")
    for text in (one_way, back, isolated):
        _assert_chinese(str(text))
    _assert_chinese(str(sim_lab.ping("tomcat1", "mysql1")))
    _assert_chinese(str(sim_lab.compare(mine={("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True})))


def test_errors_speak_chinese(chinese, sim_lab):
    with pytest.raises(InvalidInput) as short:
        sim_lab.run("x")
    with pytest.raises(UnknownContainer) as unknown:
        sim_lab.explain("nobody1", "nobody2")
    with pytest.raises(InvalidInput) as subnet:
        sim_lab.network("n1", subnet="10.1.2.3/24")
    for error in (short.value, unknown.value, subnet.value):
        _assert_chinese(str(error))
    assert "'x1'" in str(short.value)  # the values themselves stay as they are


def test_the_command_speaks_chinese(chinese, monkeypatch, capsys):
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    assert cli.main(["status", "nosuchlab"]) == cli.OK
    out = capsys.readouterr().out
    assert "nosuchlab" in out
    _assert_chinese(out)
    parser = cli.build_parser()
    doctor = next(a for a in parser._subparsers._group_actions[0].choices.values() if a.prog.endswith("doctor"))
    _assert_chinese(doctor.description)


def test_an_exercise_speaks_chinese(chinese, sim_lab):
    task = exercises.setup("ex01", sim_lab)
    first = exercises.check("ex01", sim_lab)
    hint = exercises.hint("ex01", 1)
    second = exercises.check("ex01", sim_lab)  # after a hint: the why too
    assert not first.passed and "原因" in second.feedback
    for text in (str(task), first.feedback, hint, second.feedback):
        _assert_chinese(text)


def test_english_stays_the_default_output(sim_lab):
    """The suite's English (conftest sets DOCKERLAB_LANG=en): the same sentence as before translation."""
    sim_lab.run("tomcat1")
    sim_lab.run("mysql1", links=["tomcat1"])
    assert str(sim_lab.explain("tomcat1", "mysql1")) == (
        "tomcat1 cannot resolve mysql1: the default bridge has no embedded DNS and tomcat1 has no link to mysql1: "
        "NOT reachable"
    )


# -- figures ------------------------------------------------------------------


def _render(fig) -> list[str]:
    """Draw ``fig`` to PNG; the warnings matplotlib gave (a missing glyph is one)."""
    import io

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_chinese_labels_are_drawn_with_the_shipped_font(chinese):
    import matplotlib.text
    import networkx as nx
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    from dockerlab.views import plot

    shipped = plot._shipped_cjk_font()
    assert shipped is not None, "pylopdf-fonts-zh-cn (a dependency) ships Noto Sans SC"
    assert plot.cjk_font() == "Noto Sans SC"
    fig = Figure(figsize=(5, 4))
    g = nx.DiGraph([("tomcat1", "mysql1")], by="name")
    ax = plot.reachability(g, ax=fig.add_subplot())
    assert ax.get_title() == "谁能访问谁（按名字）"
    chinese_texts = [t for t in fig.findobj(matplotlib.text.Text) if re.search("[\u4e00-\u9fff]", t.get_text())]
    assert chinese_texts
    for text in chinese_texts:
        fonts = font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())
        assert Path(shipped).resolve() in [Path(f).resolve() for f in fonts], fonts
    assert [w for w in _render(fig) if "missing from font" in w] == []


def test_without_the_fallback_a_chinese_label_would_miss_glyphs():
    """The warning the test above looks for is real: DejaVu Sans alone has no Chinese glyphs."""
    from matplotlib.figure import Figure

    fig = Figure()
    fig.text(0.1, 0.5, "谁能访问谁", family="DejaVu Sans")
    assert any("missing from font" in w for w in _render(fig))
