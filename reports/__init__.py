"""The report generator: how the implementations compare, written to files.

``nn-parity report`` (``reports.cli``) runs ``reports.build.build_report``: the sections
(``parity_section``, ``training``, ``conventions``, ``timing_section`` with ``timing``,
``flops``, ``limits`` and the busy-machine flags of ``busy``; ``vectorisation``;
``environment``) run once into one ``results.ReportResults``, which the files (``csvs``),
the figures (``plots``), the text (``prose``, ``timing_prose``, rendered by ``render``) and the
exit code only read; ``outdir`` swaps the finished folder into place. ``nn-parity check``
is ``check``.
"""

__all__ = ["build", "busy", "check", "cli", "conventions", "csvs", "dataset", "environment", "errors", "flops",
           "limits", "outdir", "parity_section", "plots", "prose", "render", "results", "timing", "timing_prose",
           "timing_section", "training", "vectorisation"]
