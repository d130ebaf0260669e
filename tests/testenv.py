"""What this test run was asked for, read once from the environment.

``conftest.py`` and the test modules share it. (A test module cannot import
``conftest``: with ``notebooks/conftest.py`` beside ``tests/conftest.py``, the
module of that name is whichever pytest loaded last.)
"""

from __future__ import annotations

import os

#: Under CI a missing engine (or cluster, or tool) fails the run instead of skipping.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: DOCKERLAB_ENGINE=sim runs the suite on dockerlab's simulator (and the kernels it starts inherit it).
ON_SIM = os.environ.get("DOCKERLAB_ENGINE") == "sim"
