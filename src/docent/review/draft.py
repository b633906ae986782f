"""A written run's draft with the reader's decisions applied (what ``docent render`` and the
web app deliver after a review): a removed sentence leaves its paragraph (and its citation
the reference list, which is numbered anew), a rewritten one has its new text with its
citations kept, a re-cited one cites the passage the reader chose."""

from __future__ import annotations

import re

from docent.review.decide import effective
from docent.store import Store
from docent.types import Draft, ReviewAction, ReviewDecision
from docent.write.compose import number_citations

__all__ = ["apply_to_draft"]

_NUMBERS = re.compile(r"\[(\d+(?:\s*[-–,，]\s*\d+)*)\](?!\()")
_END = "。！？!?.；;"


def _markers(text: str, passage_of: dict[int, int]) -> str:
    """``[2]``, ``[1, 3]`` as the passage markers they stand for (``⟦17⟧``)."""
    def one(m: re.Match) -> str:
        nums = [int(n) for n in re.findall(r"\d+", m.group(1))]
        return "".join(f"⟦{passage_of[n]}⟧" for n in nums if n in passage_of) or m.group(0)
    return _NUMBERS.sub(one, text)


def apply_to_draft(draft: Draft, decisions: list[ReviewDecision], store: Store) -> Draft:
    """``draft`` as the reader decided (see the module); unchanged without decisions."""
    decided = effective(decisions)
    if not decided:
        return draft
    passage_of = {c.number: c.passage_id for c in draft.citations}
    out = draft.model_copy(deep=True)
    for section in out.sections:
        for paragraph in section.paragraphs:
            kept = []
            for s in paragraph.sentences:
                s.text = _markers(s.text, passage_of)
                d = decided.get(s.id)
                if d is not None and d.action is ReviewAction.removed:
                    continue
                marks = "".join(re.findall(r"⟦\d+⟧", s.text))
                if d is not None and d.action is ReviewAction.rewritten and d.text:
                    text = d.text.strip()
                    end = text[-1] if text[-1] in _END else ""
                    s.text = (text[:-1] if end else text) + marks + end
                elif d is not None and d.action is ReviewAction.recited and d.passage_id:
                    s.text = s.text.replace(marks, "", 1).rstrip()
                    end = s.text[-1] if s.text and s.text[-1] in _END else ""
                    s.text = (s.text[:-1] if end else s.text) + f"⟦{d.passage_id}⟧" + end
                kept.append(s)
            paragraph.sentences = kept
        section.paragraphs = [p for p in section.paragraphs if p.sentences]
    out.sections, out.citations = number_citations(out.sections, store)
    return out
