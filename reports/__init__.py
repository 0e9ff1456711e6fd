"""The report generator: how the three implementations compare, written to files.

``nn-parity report`` (``reports.cli``) runs ``reports.build.build_report``: parity, training
curves, timing (``timing``, ``flops``, ``limits``), the vectorisation claim, environment,
plots (``plots``) and Markdown/HTML (``render``).
"""

__all__ = ["build", "cli", "environment", "plots", "render", "vectorisation"]
