"""The progress callback every long stage takes: ``progress(what, done, total)``.

>>> from docent.progress import Progress, report
>>> seen = []
>>> bar: Progress = lambda what, done, total: seen.append((what, done, total))
>>> report(bar, "embedding paper.pdf", 32, 128)
>>> report(None, "embedding paper.pdf", 64, 128)   # no callback: nothing happens
>>> seen
[('embedding paper.pdf', 32, 128)]

``what`` names the stage as the user reads it ("files", "embedding paper.pdf", "transcribing
lecture.mp4 (audio minutes)"); ``done`` and ``total`` count its units. The CLI draws rich
progress bars from it, the web worker keeps it in the run's row for the page to poll, and a
callback may raise to stop the stage at its next step (the web app's cancel button).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report"]

#: ``progress(what, done, total)``: stage name, units done, units in all.
Progress = Callable[[str, int, int], None]


def report(progress: Progress | None, what: str, done: int, total: int) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(what, done, total)
