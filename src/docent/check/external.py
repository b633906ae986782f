"""The verdict on one sentence of a report written elsewhere (``docent check`` on a chatbot's
or a student's report), from its located evidence.

The embedded model cannot judge a Chinese sentence against an English source, but Docent's
search finds the passage that states it. So a sentence of an external report is:

* **located**: the best sentence of the cited source(s) for it (the whole document for a
  document-level citation, the named page or chunk and its neighbours otherwise), with its
  page, quote and score, and the runner-up from another place (:mod:`docent.check.locate`);
* **supported** only where that is certain: a bibliographic line copied from the source, or a
  verdict of a judge that can verify this kind of sentence (a user's stronger model, or the
  embedded one on a same-language claim where its calibration allows "supported");
* **not supported** only with a reason the reader can check in one look: a number of the
  sentence that the cited source states nowhere, or a key term it never mentions
  ("负采样 (negative sampling) never appears in word2vec.pdf");
* otherwise **unverified**, with its located evidence for the reader.

A citation of a source that was not provided is a warning that says where the provided sources
state the sentence, never by itself a red verdict on the sentence.
"""

from __future__ import annotations

import re
import unicodedata

from docent.check.judge import Judge, copied, role_of
from docent.check.locate import EvidenceLocator, LocatedSentence
from docent.lexicon import squashed
from docent.magnitudes import slip_reason
from docent.check.parse import ReportSentence, author_names
from docent.check.resolve import ResolvedCitation
from docent.text import detect_language
from docent.types import (
    CheckedSentence,
    Finding,
    FindingKind,
    LocatedEvidence,
    Severity,
    Source,
    Verdict,
)

__all__ = ["judge_located", "locate_into", "located_evidence", "never_stated"]

def located_evidence(hit: LocatedSentence) -> LocatedEvidence:
    return LocatedEvidence(text=hit.text, source=hit.source.title,
                           locator=hit.passage.locator.label(), page=hit.passage.locator.page,
                           passage_id=hit.passage.id, score=round(hit.score, 4))


def locate_into(record: CheckedSentence, hits: list[LocatedSentence],
                runner: LocatedSentence | None = None) -> None:
    """``record`` gets the best located place, its runner-up and the top three."""
    if not hits:
        return
    best = hits[0]
    record.evidence, record.locator = best.text, best.passage.locator.label()
    record.source, record.passage_id = best.source.title, best.passage.id
    record.page, record.located_score = best.passage.locator.page, round(best.score, 4)
    runner = runner or (hits[1] if len(hits) > 1 else None)
    if runner is not None:
        record.runner_up = located_evidence(runner)
    record.located = [located_evidence(h) for h in hits[:3]]


def _neighbours(resolved: list[ResolvedCitation], locator: EvidenceLocator) -> set[int] | None:
    """The passages a citation that names a place covers: a page, a time range, or a chunk and
    the chunks next to it (a chunk's text runs on into the next). None when a citation names
    no place."""
    if not resolved or any(r.locator is None for r in resolved):
        return None
    ids: set[int] = set()
    for r in resolved:
        if r.ref.chunk is None and not (r.locator or "").startswith("chunk"):
            ids |= {p.id for p in r.passages}
            continue
        passages = locator.store.passages(r.source.id)
        ordinals = {p.ordinal for p in r.passages}
        ids |= {p.id for p in passages if any(abs(p.ordinal - o) <= 1 for o in ordinals)}
    return ids


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def never_stated(locator: EvidenceLocator, text: str, sources: list[Source]) -> str | None:
    """Why ``sources`` cannot state ``text``: a number none of them states, a key term none
    of them mentions ("负采样 (negative sampling) never appears in ..."); None when there is
    no such reason."""
    unstated = sorted(locator.unstated(text, sources))
    absent = locator.absent(text, sources)
    if not unstated and not absent:
        return None
    names = ", ".join(dict.fromkeys(s.title or s.path for s in sources))
    parts = []
    if unstated:
        parts.append(f"{names} states no {', '.join(unstated)} (in any writing; reference "
                     "numbers such as [12] are not counted)")
        parts += slip_reason(text, [p.text for s in sources
                                    for p in locator.store.passages(s.id)])
    if absent:
        parts.append(f"{', '.join(absent)} never appear{'s' if len(absent) == 1 else ''} "
                     f"in {names}")
    return "; ".join(parts)


_AUTHOR_LINE = re.compile(r"^\W*(?:论文)?作者(?!单位)[^:：]{0,4}[:：]|^\W*authors?\s*[:：]",
                          re.IGNORECASE)


def _title_page_authors(text: str, sources: list[Source], locator: EvidenceLocator
                        ) -> str | None:
    """The title of the paper whose authors an author line ("作者：A，B（单位）") names, every
    one of them and nobody else, with affiliations its first page states; None otherwise."""
    if not _AUTHOR_LINE.match(text):
        return None
    names = author_names(text)
    affiliations = re.findall(r"[（(]([^（）()]+)[)）]", text)
    for source in sources:
        bib = source.bibliography
        if not bib or len(bib.authors) < 1 or len(names) != len(bib.authors):
            continue
        known = {a.lower() for a in bib.authors}
        first = squashed(_nfkc(" ".join(p.text for p in locator.store.passages(source.id)
                                        if p.locator.page == 1)))
        if {n.lower() for n in names} == known and all(
                all(squashed(part) in first for part in re.split(r"[,，;；、]", a) if part.strip())
                for a in affiliations):
            return source.title
    return None


def _could_verify(judge: Judge | None, claim: str, hits: list[LocatedSentence]) -> bool:
    """Whether asking ``judge`` can end in "supported" for this claim: a judge without a
    calibration (a user's model, JSON verdicts), or a calibration that allows "supported" for
    this population (same language or across languages)."""
    if judge is None or not hits:
        return False
    calibrations = getattr(judge, "calibration", None)
    if calibrations is None:
        return True
    # only a model measured on such claims has a calibration that never says "supported"
    # (the embedded 1.5B's); any other model (a user's GGUF, JSON verdicts) is asked
    across = detect_language(claim) != detect_language(" ".join(h.text for h in hits))
    calibration = calibrations.cross if across else calibrations.same
    return calibration.supported_at < 1.0


def judge_located(sentence: ReportSentence, resolved: list[ResolvedCitation],
                  locator: EvidenceLocator, judge: Judge | None, provided: list[Source],
                  record: CheckedSentence) -> tuple[Verdict, list[Finding]]:
    """The verdict on ``sentence`` and its findings; ``record`` gets the located evidence."""
    findings: list[Finding] = []
    cited = [r for r in resolved if r.source is not None and not r.problem]
    sources = list({r.source.id: r.source for r in cited}.values()) or provided
    within = _neighbours(cited, locator) if cited else None
    hits = locator.locate(sentence.text, sources, within=within, k=3) if within else []
    whole = locator.locate(sentence.text, sources, k=3)
    hits = hits or whole
    best = hits[0] if hits else None
    runner = next((h for h in hits[1:] + whole
                   if best is None or (h.source.id, h.passage.locator.page, h.passage.id)
                   != (best.source.id, best.passage.locator.page, best.passage.id)), None)
    locate_into(record, hits, runner)

    for r in resolved:
        if r.problem and r.source is None and r.ref.style in ("long_context", "url",
                                                             "document"):
            where = (f"; the closest passage in the provided sources is {best.source.title}, "
                     f"{best.passage.locator.label()}" if best is not None else "")
            also = [c.source.title for c in cited]
            findings.append(_finding(
                sentence, FindingKind.citation, Severity.warning,
                f"{r.problem}: it cannot be checked{where}",
                proposal=(f"provide this source; without it the sentence rests on {also[0]} "
                          "alone, and is checked against it") if also else
                "cite a provided source that states it, or provide this one"))

    texts = [_nfkc(p.text) for r in cited for p in r.passages] or [
        _nfkc(p.text) for s in sources for p in locator.store.passages(s.id)]
    if copied(_nfkc(sentence.text), texts):
        record.reason = "copied word for word from the source"
        return Verdict.supported, findings
    if (who := _title_page_authors(sentence.text, sources, locator)) is not None:
        record.reason = f"the authors {who}'s title page names"
        return Verdict.supported, findings

    why = never_stated(locator, sentence.text, sources)
    cited_at = ", ".join(dict.fromkeys(r.locator for r in cited if r.locator))
    if within is not None and not any(h.passage.id in within for h in hits):
        # the cited place holds nothing that states a finding (a reference list, a title block)
        record.reason = (f"the cited place ({cited_at}) holds no text that could state it"
                         + (f"; {why}" if why else ""))
        f = _finding(sentence, FindingKind.miscited, Severity.error,
                     f"not supported where cited: {record.reason}",
                     verdict=Verdict.not_supported,
                     proposal=(f"check {best.source.title}, {best.passage.locator.label()}, "
                               "where the source comes closest") if best and not why else
                     "remove it, or cite the source that states it")
        _attach(f, best)
        return Verdict.not_supported, findings + [f]
    if not why and within:
        # a number the cited place does not state, that the source states elsewhere: the
        # citation points at the wrong place (checkable: the number is not on the cited page)
        place = [h for h in hits if h.passage.id in within]
        missing = locator.unstated(sentence.text, sources, within=within)
        if missing and place:
            elsewhere = next((h for h in whole if h.passage.id not in within), None)
            record.reason = (f"{', '.join(sorted(missing))} "
                             f"{'is' if len(missing) == 1 else 'are'} not at the cited place "
                             f"({cited_at})")
            f = _finding(sentence, FindingKind.miscited, Severity.error,
                         f"not supported where cited: {record.reason}",
                         verdict=Verdict.not_supported,
                         proposal=(f"check {elsewhere.source.title}, "
                                   f"{elsewhere.passage.locator.label()}: "
                                   f"“{elsewhere.text[:160]}”") if elsewhere else None)
            _attach(f, best)
            return Verdict.not_supported, findings + [f]
    if why:
        record.reason = why
        where = (f" (the closest passage: {best.source.title}, {best.passage.locator.label()})"
                 if best is not None else "")
        f = _finding(sentence, FindingKind.support, Severity.error,
                     f"not supported: {record.reason}", verdict=Verdict.not_supported,
                     proposal=f"correct it against what the source says{where}, or remove it")
        _attach(f, best)
        if best is not None:  # the sentence after it often holds the value the source gives
            f.evidence = locator.with_next(best)
        return Verdict.not_supported, findings + [f]

    if _could_verify(judge, sentence.text, hits):
        roles = [role_of(h.source.kind, h.passage.role, h.passage.locator.section) for h in hits]
        j = judge.judge(sentence.text, [h.text for h in hits], roles=roles)
        if j.verdict is Verdict.supported:
            record.score, record.reason = j.score, "the judge verified it"
            return Verdict.supported, findings
        record.score = j.score
    f = _finding(sentence, FindingKind.support, Severity.warning,
                 "not verified: check it against the located evidence"
                 + (f" (runner-up: {runner.passage.locator.label()})" if runner else ""),
                 verdict=Verdict.unverified)
    _attach(f, best)
    return Verdict.unverified, findings + [f]


def _attach(f: Finding, best: LocatedSentence | None) -> None:
    if best is not None:
        f.evidence, f.locator, f.source = best.text, best.passage.locator.label(), \
            best.source.title


def _finding(sentence: ReportSentence, kind: FindingKind, severity: Severity, message: str,
             verdict: Verdict | None = None, proposal: str | None = None) -> Finding:
    return Finding(kind=kind, severity=severity, section=sentence.section,
                   sentence_index=sentence.index, sentence=sentence.text, message=message,
                   verdict=verdict, proposal=proposal)

