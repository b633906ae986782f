"""Deliver a written report: Markdown, a Word document, or a self-contained HTML page::

    from docent.render import render, FORMATS
    draft, validation = load_run(store, run_id)
    Path("report.html").write_bytes(render(draft, "html", validation=validation, store=store))
    Path("report.docx").write_bytes(render(draft, "docx"))

* ``md``: :func:`docent.render.markdown.to_markdown` (the report and its reference list);
* ``docx``: Title, Heading 1 sections, body text, the reference list; Times New Roman and SimSun
  (:mod:`docent.render.docx`);
* ``html``: one file with no external loads: sentences marked by their verdict, citations that
  open the cited passage and its recording or page (:mod:`docent.render.html`).
"""

from __future__ import annotations

from collections.abc import Callable

from docent.errors import DocentError
from docent.store import Store
from docent.types import Draft, ValidationReport

__all__ = ["FORMATS", "render"]

FORMATS: tuple[str, ...] = ("md", "docx", "html")


def _renderer(fmt: str) -> Callable[..., bytes]:
    if fmt == "md":
        from docent.render.markdown import render_markdown

        return render_markdown
    if fmt == "docx":
        from docent.render.docx import render_docx

        return render_docx
    from docent.render.html import render_html

    return render_html


def render(draft: Draft, fmt: str, *, validation: ValidationReport | None = None,
           store: Store | None = None) -> bytes:
    """``draft`` as ``fmt`` (one of :data:`FORMATS`), ready to write to a file.

    ``validation`` marks the HTML's sentences and fills its summary; ``store`` gives the HTML
    the full text of each cited passage and the path of its source (for links to the recording
    or PDF page). Raises :class:`DocentError` for an unknown format.
    """
    key = (fmt or "").strip().lower().lstrip(".")
    key = {"markdown": "md", "htm": "html", "word": "docx"}.get(key, key)
    if key not in FORMATS:
        raise DocentError(f"unknown report format {fmt!r}",
                          fix=f"use one of: {', '.join(FORMATS)}")
    return _renderer(key)(draft, validation=validation, store=store)
