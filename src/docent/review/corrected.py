"""The report a check run checked, written back with the reader's decisions: a removed
sentence taken out, a rewritten one replaced (its citation kept), a re-cited one citing the
passage the reader chose; Markdown (or text) as text, Word as a Word document."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from docent.review.decide import effective
from docent.store import Store
from docent.types import ReviewAction, ReviewDecision, ValidationReport

__all__ = ["corrected_docx", "corrected_markdown"]

_END = "。！？!?.；;"


def _citation_for(passage_id: int | None, store: Store | None) -> str | None:
    """A citation Docent reads back, naming the chosen passage: ``[file.pdf, p. 4]``."""
    if passage_id is None or store is None:
        return None
    passage = store.passages_by_id([passage_id]).get(passage_id)
    source = store.source(passage.source_id) if passage else None
    if passage is None or source is None:
        return None
    return f"[{Path(source.path).name}, {passage.locator.label()}]"


def _replacements(v: ValidationReport, decisions: list[ReviewDecision],
                  store: Store | None) -> list[tuple[str, str]]:
    """``(as written, as it should be)`` for each decided sentence, longest first."""
    decided = effective(decisions)
    out: list[tuple[str, str]] = []
    for s in v.sentences:
        d = decided.get(s.id or f"s{s.index + 1}")
        raw = s.raw or s.text
        if d is None or not raw:
            continue
        own = [c for c in s.citations if c in raw] if not s.paragraph_citation else []
        if d.action is ReviewAction.removed:
            out.append((raw, ""))
        elif d.action is ReviewAction.rewritten and d.text:
            text = d.text.strip()
            end = text[-1] if text and text[-1] in _END else ""
            body = text[:-1] if end else text
            out.append((raw, body + "".join(own) + (end or ("。" if re.search(
                r"[\u4e00-\u9fff]", text) else "."))))
        elif d.action is ReviewAction.recited:
            cite = _citation_for(d.passage_id, store)
            if cite:
                new = raw
                for c in own:
                    new = new.replace(c, "")
                new = new.rstrip()
                end = new[-1] if new and new[-1] in _END else ""
                out.append((raw, (new[:-1] if end else new) + cite + end))
    return sorted(out, key=lambda x: -len(x[0]))


def corrected_markdown(report: str, v: ValidationReport, decisions: list[ReviewDecision],
                       store: Store | None = None) -> str:
    """``report`` (Markdown or text) with the decisions applied.

    >>> from docent.types import CheckedSentence, ReviewDecision, ValidationReport
    >>> v = ValidationReport.build("r", [], [], None, None, [
    ...     CheckedSentence(index=0, id="s1", text="甲是乙。", raw="甲是乙[文档: a.pdf]。",
    ...                     citations=["[文档: a.pdf]"]),
    ...     CheckedSentence(index=1, id="s2", text="丙是丁。", raw="丙是丁。")])
    >>> corrected_markdown("甲是乙[文档: a.pdf]。丙是丁。\\n", v, [
    ...     ReviewDecision(sentence_id="s1", action="rewritten", text="甲是戊。"),
    ...     ReviewDecision(sentence_id="s2", action="removed")])
    '甲是戊[文档: a.pdf]。\\n'
    """
    for old, new in _replacements(v, decisions, store):
        if new:
            report = report.replace(old, new, 1)
        else:  # a removed sentence takes the space after it along
            report = re.sub(re.escape(old) + r"(?:(?<=\.) )?", "", report, count=1)
    return report


def corrected_docx(original: Path, v: ValidationReport, decisions: list[ReviewDecision],
                   store: Store | None = None) -> bytes:
    """The Word document at ``original`` with the decisions applied, paragraph by paragraph
    (a changed paragraph keeps its style; its character formatting becomes the first run's)."""
    import docx

    document = docx.Document(str(original))
    changes = _replacements(v, decisions, store)
    for paragraph in document.paragraphs:
        text = paragraph.text
        new = text
        for old, repl in changes:
            new = new.replace(old, repl, 1)
        if new != text:
            runs = paragraph.runs
            if runs:
                runs[0].text = new.strip()
                for r in runs[1:]:
                    r.text = ""
            else:
                paragraph.text = new.strip()
    buf = BytesIO()
    document.save(buf)
    return buf.getvalue()
