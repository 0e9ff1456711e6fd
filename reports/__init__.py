"""The report generator: how the three implementations compare, written to files."""

__all__ = ["cli"]
