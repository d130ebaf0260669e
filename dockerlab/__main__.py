"""``python -m dockerlab``: the dockerlab command (see :mod:`dockerlab.cli`)."""

from dockerlab.cli import main

raise SystemExit(main())
