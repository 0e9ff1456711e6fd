"""``python -m reports`` is the ``nn-parity`` command; with no subcommand it is
``nn-parity report``, so ``python -m reports --quick`` works as the issue writes it."""

import sys

from .cli import main

argv = sys.argv[1:]
if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
    argv = ["report", *argv]
raise SystemExit(main(argv))
