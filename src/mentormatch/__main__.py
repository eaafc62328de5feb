"""``python -m mentormatch``: the command line."""

from mentormatch.cli._main import main

raise SystemExit(main())
