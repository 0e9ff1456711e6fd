"""``python -m reports`` is the ``nn-parity`` command."""

from .cli import main

raise SystemExit(main())
