"""A report file of any usual format read as the Markdown that :func:`parse_report` reads.

``docent check`` takes a report as it was handed in: Markdown or plain text (``.md``,
``.txt``, or no suffix), Word (``.docx``: heading styles become ``#`` headings, list
paragraphs and tables stay lines of their own, footnotes stay where they are), or an HTML page
(``.html``: headings, paragraphs and list items in order)::

    text = read_report(Path("submission.docx"))
    parse_report(text).headings          # the Word document's headings

Anything else, or a file that cannot be read, raises :class:`~docent.errors.DocentError` with
one line naming the file and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from docent.errors import DocentError

__all__ = ["REPORT_SUFFIXES", "read_report"]

REPORT_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".html", ".htm")


def _docx(path: Path) -> str:
    import docx

    from docent.sources.docx import heading_level, table_text

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # not a zip, no word/document.xml, broken XML
        raise DocentError(f"{path}: not a readable Word document (.docx)",
                          fix="open it in Word or LibreOffice and save it again as .docx"
                          ) from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            from docx.text.paragraph import Paragraph

            p = Paragraph(child, document)
            text = p.text.strip()
            if not text:
                lines.append("")
                continue
            level = heading_level(p.style)
            if level is not None:
                lines += ["", "#" * max(level, 1) + " " + text, ""]
            else:
                lines += [text, ""]
        elif tag == "tbl":
            from docx.table import Table

            lines += [table_text(Table(child, document)), ""]
    return "\n".join(lines)


def _html(path: Path) -> str:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - any parser error
        raise DocentError(f"{path}: not a readable HTML page",
                          fix="save the report as Markdown, Word or HTML again") from exc
    for bad in tree.xpath("//script|//style|//nav|//footer"):
        bad.drop_tree()
    lines: list[str] = []
    for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li"):
        text = re.sub(r"\s+", " ", el.text_content()).strip()
        if not text:
            continue
        if el.tag.startswith("h"):
            lines += ["#" * int(el.tag[1]) + " " + text, ""]
        else:
            lines += [text, ""]
    return "\n".join(lines)


def read_report(path: Path) -> str:
    """The report at ``path`` as Markdown text (see the module)."""
    suffix = path.suffix.lower()
    if suffix and suffix not in REPORT_SUFFIXES:
        raise DocentError(f"{path}: cannot check a {suffix} file",
                          fix="give the report as Markdown, text, Word (.docx) or HTML")
    if not path.is_file():
        raise DocentError(f"{path}: cannot read the report (no such file)",
                          fix="check the path")
    if suffix == ".docx":
        text = _docx(path)
    elif suffix in (".html", ".htm"):
        text = _html(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DocentError(f"{path}: cannot read the report ({type(exc).__name__})",
                              fix="give a UTF-8 Markdown or text file") from exc
    if not text.strip():
        raise DocentError(f"{path}: the report is empty")
    return text
