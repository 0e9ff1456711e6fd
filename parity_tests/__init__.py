"""The parity suite (``make test``): a package, so that its modules share ``helpers``."""
