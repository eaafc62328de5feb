"""``python -m mentormatch``: the command line."""

from ._cli import main

raise SystemExit(main())
