"""Every picture the notebooks store is readable: no text under 10 pt, at 110 dpi or more.

The pictures record their smallest text size in a PNG text chunk when they
are drawn (``dockerlab.teaching.lesson.MIN_TEXT_KEY``); this reads the stored
notebooks' PNGs and their own metadata, so it needs no engine.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from dockerlab.teaching.lesson import MIN_TEXT_KEY

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-7]_*.ipynb"))


def pictures(notebook: Path) -> list[Image.Image]:
    """The PNG outputs stored in a notebook."""
    found = []
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data:
                found.append(Image.open(io.BytesIO(base64.b64decode("".join(data)))))
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem[:2] for n in NOTEBOOKS])
def test_stored_pictures_have_no_text_under_10_pt(notebook: Path) -> None:
    for i, image in enumerate(pictures(notebook)):
        smallest = float(image.info.get(MIN_TEXT_KEY, "0"))
        assert smallest >= 10, f"{notebook.name}, picture {i + 1}: text of {smallest} pt"
        dpi = image.info.get("dpi", (0, 0))[0]
        assert dpi >= 100, f"{notebook.name}, picture {i + 1}: {dpi} dpi"


def test_the_finale_and_the_two_bridges_have_wide_pictures() -> None:
    """06's before/after and 07's request path are at least 600 px wide as stored (JupyterLab shows a PNG
    at its own size, so that is the width a learner sees)."""
    for stem in ("06_", "07_"):
        notebook = next(n for n in NOTEBOOKS if n.name.startswith(stem))
        widths = [image.width for image in pictures(notebook)]
        assert widths and max(widths) >= 600, f"{notebook.name}: pictures {widths} px wide"
