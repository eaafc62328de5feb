"""``python -m mentormatch``: the command line."""

from mentormatch.cli import main

raise SystemExit(main())
