"""The sections of the conformance suite, one module each, as plug-ins of ``parity.runner``.

A section module defines a ``Section``: its name, what every one of its checks needs of the
backend, and ``checks(runner)``, which yields the section's ``Planned`` checks; the runner
skips or runs each (``Runner.run_or_skip``, the one place that decides). A section imports
``parity.runner``, ``parity.verdicts`` and the layers below them, never another section.
``parity.conformance.SECTIONS`` lists them in the order they run: adding a section is a module
here and a line there.

    from parity.sections import Planned, Section

    def checks(runner):
        for dtype in runner.dtypes:
            yield Planned("my-check", "case", "cost", dtype, "cpu", {"model": "deep", "dtype": dtype},
                          lambda: runner.add("my-check", "case", "cost", dtype, "cpu", "passed"))

    SECTION = Section("my section", checks, needs={"function": "train"})
"""

from ..runner import Planned, Runner, Section, refusal_check

__all__ = ["Planned", "Runner", "Section", "refusal_check"]
