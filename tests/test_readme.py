"""The README's library snippet runs as printed (on the engine, or the simulator)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from dockerlab.lab import Lab

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_snippet_runs(engine, uniq, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) == 1, "the README has one Python snippet"
    lab_name = f"readme-{uuid.uuid4().hex[:6]}"
    # Names are global on an engine: the snippet's own names could be taken by a learner's lab.
    code = blocks[0].replace('"article"', repr(lab_name))
    for name in ("mysql1", "tomcat1"):
        code = code.replace(name, uniq(name))
    lines = code.strip().splitlines()
    *body, last = lines
    scope: dict[str, object] = {}
    try:
        exec("\n".join(body), scope)
        matrix = eval(last.split("#")[0], scope)
        ok_line = next(line for line in body if ".ok" in line)
        assert eval(ok_line.split("#")[0], scope) is True
        assert f"docker run -d --name {uniq('tomcat1')} --link {uniq('mysql1')}" in capsys.readouterr().out
        # mysql1 -> tomcat1 fails: --link is one way, as the snippet's comment says.
        assert matrix.loc[uniq("tomcat1"), uniq("mysql1")] and not matrix.loc[uniq("mysql1"), uniq("tomcat1")]
    finally:
        Lab(lab_name, client=engine, echo=False).reset()
