"""The checks of ``docent check``: support, citations, uncited claims, invented provenance,
off-source citations, bibliography, structure and length, of a Markdown report written by
anyone or of a :class:`~docent.types.Draft` (``docent write``'s, read by
:func:`~docent.check.parse.parse_draft`: its sentences keep their ids, and its
citations name their passages)::

    report = validate(markdown, store, judge, brief=brief, retriever=retriever)
    report = validate(draft, store, judge, brief=brief, retriever=retriever)
    report.summary.verified_pct, report.ok, report.sentences[0].id   # '1.1.1' for a draft
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from docent.progress import Progress
from docent.sources.base import MEDIA_KINDS
from docent.check.evidence import best_passages
from docent.check.external import judge_located, locate_into, never_stated
from docent.check.locate import EvidenceLocator
from docent.check.judge import Judge, Judgement, role_of
from docent.check.parse import (
    ParsedReport,
    ReportSentence,
    author_names,
    parse_draft,
    parse_report,
    strip_heading_marker,
    unread_citations,
)
from docent.check.resolve import ResolvedCitation, resolve
from docent.index import Embedder, Retriever, tokenize
from docent.sources.links import code_host
from docent.store import Store
from docent.text import CJK_RE, normalize_space, report_length, unstated_numbers
from docent.types import (
    Brief,
    CheckedSentence,
    Draft,
    Finding,
    FindingKind,
    Passage,
    PassageRole,
    SentenceStatus,
    Severity,
    Source,
    SourceKind,
    ValidationReport,
    Verdict,
    format_timestamp,
)

__all__ = ["SupportJudge", "validate"]

MEDIA = MEDIA_KINDS
_VIDEO_WORDS = re.compile(r"视频|录像|讲座|讲解中|演讲|课程录像|video|lecture|the talk|recording",
                          re.IGNORECASE)
_CLAIM_MIN_TOKENS = 8
# a person's name in Latin letters: "Tianyu Gao", "Christopher D. Manning", "Jane van Dijk"
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ž"
_PERSON = re.compile(rf"[A-Z][{_LATIN}]+(?:[- ](?:[A-Z][{_LATIN}]*\.?|van|von|de|der|da|di|le|la))*"
                     rf"[- ][A-Z][{_LATIN}]+")


SupportJudge = Judge  # the one judge protocol (docent.check.judge.Judge)


def _best_passages(claim: str, passages: list[Passage], embedder: Embedder | None,
                   k: int = 3) -> list[Passage]:
    return [passages[i] for i in best_passages(claim, [p.text for p in passages], embedder, k)]


def _norm_heading(text: str) -> str:
    """A heading as compared with the assignment's sections: its ``#``, emphasis and section
    marker ("一、", "（一）", "(1)", "1.", "Part 1:", "第一部分") dropped, then only letters
    and digits, lower-cased."""
    return re.sub(r"[\W_]+", "", strip_heading_marker(text).lower())


def _structure(brief: Brief, parsed: ParsedReport) -> list[Finding]:
    findings: list[Finding] = []
    heads = [_norm_heading(h) for h in parsed.headings]
    positions: list[int] = []
    for section in brief.sections:
        want = _norm_heading(section.title)
        hit = next((i for i, h in enumerate(heads) if want and (want in h or h in want and h)),
                   None)
        if hit is None:
            findings.append(Finding(kind=FindingKind.structure, severity=Severity.error,
                                    section=section.title,
                                    message=f"required section “{section.title}” is missing"))
        else:
            positions.append(hit)
    if positions != sorted(positions):
        findings.append(Finding(kind=FindingKind.structure, severity=Severity.error,
                                message="required sections are not in the assignment's order"))
    return findings


def _length(brief: Brief, parsed: ParsedReport) -> tuple[list[Finding], int | None]:
    if brief.length is None:
        return [], None
    n = report_length(parsed.body, brief.length.unit)
    rng = brief.length
    if rng.contains(n):
        return [Finding(kind=FindingKind.length, severity=Severity.info,
                        message=f"length {n} {rng.unit.symbol} is within {rng.label()}")], n
    short = rng.min is not None and n < rng.min
    gap = (rng.min - n) if short else (n - (rng.max or n))
    return [Finding(kind=FindingKind.length, severity=Severity.error,
                    message=f"length {n} {rng.unit.symbol} is {'under' if short else 'over'} "
                    f"the required {rng.label()} by {gap}",
                    length_gap=-gap if short else gap)], n


def _person(part: str) -> str | None:
    """The name in one entry of an author list: "Tianyu Gao", or "Percy Liang" in "Percy
    Liang 认为……"; None for words that are no Latin-letter name ("高天宇", "argue that X")."""
    m = _PERSON.match(part)
    if m is None or not (m.end() == len(part) or CJK_RE.match(part[m.end():].lstrip())):
        return None
    return m.group(0)


# "发表会议：NIPS 2013", "Published at: ACL 2023": where a paper appeared, which its first
# page (the title block, a footnote or the running head) states when it appeared anywhere
_VENUE = re.compile(r"^\W*(?:论文)?(?:发表(?:会议|期刊)|会议|期刊|venue|conference|journal)\s*[:：]"
                    r"|发表(?:于|在)|published (?:in|at)\b", re.IGNORECASE)


def _first_page(paper: Source, store: Store | None) -> str:
    if store is None:
        return ""
    return " ".join(p.text for p in store.passages(paper.id) if p.locator.page == 1).lower()


def _bibliography(parsed: ParsedReport, papers: list[Source], store: Store | None = None
                  ) -> list[Finding]:
    findings: list[Finding] = []
    on_first_page: dict[int, str] = {}
    for s in parsed.sentences:
        text = s.raw
        for url in re.findall(r"https?://[^\s)）\]，。]+", text):
            if re.search(r"github\.com|gitlab\.com|huggingface\.co/spaces", url) and re.search(
                    r"论文|地址|链接|paper|link|url|available", text, re.IGNORECASE):
                findings.append(Finding(
                    kind=FindingKind.bibliography, severity=Severity.error, section=s.section,
                    sentence_index=s.index, sentence=s.text,
                    message=f"{url} is a code repository, not the paper's address",
                    proposal=_paper_link(papers)))
            m = re.search(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", url)
            if m and papers and all(p.bibliography and p.bibliography.arxiv_id
                                    and p.bibliography.arxiv_id != m.group(1) for p in papers):
                findings.append(Finding(kind=FindingKind.bibliography, severity=Severity.error,
                                        section=s.section, sentence_index=s.index,
                                        sentence=s.text,
                                        message=f"arXiv id {m.group(1)} is not the paper's",
                                        proposal=_paper_link(papers)))
    for paper in papers:
        bib = paper.bibliography
        if bib is None:
            continue
        for s in parsed.sentences:
            if bib.title and re.search(r"题目|标题|题为|title", s.text, re.IGNORECASE):
                quoted = re.findall(r"[《“\"]([^》”\"]{8,})[》”\"]", s.text) or [s.text]
                best = max(SequenceMatcher(None, q.lower(), bib.title.lower()).ratio()
                           for q in quoted)
                if best < 0.9 and bib.title.lower() not in s.text.lower():
                    findings.append(Finding(
                        kind=FindingKind.bibliography, severity=Severity.error, section=s.section,
                        sentence_index=s.index, sentence=s.text,
                        message=f"the title differs from the paper's: “{bib.title}”",
                        source=paper.title, proposal=f"use the title “{bib.title}”"))
            if bib.authors and re.search(r"作者(?!单位)|authors?\b|written by", s.text,
                                         re.IGNORECASE):
                named = [n for n in map(_person, author_names(s.text)) if n]
                known = {a.lower() for a in bib.authors}
                wrong = [n for n in named if n.lower() not in known
                         and not any(n.lower() in a or a in n.lower() for a in known)
                         and n.lower() not in bib.title.lower()]
                if wrong:
                    findings.append(Finding(
                        kind=FindingKind.bibliography, severity=Severity.error, section=s.section,
                        sentence_index=s.index, sentence=s.text,
                        message=f"not an author of the paper: {', '.join(wrong)}",
                        source=paper.title, proposal="authors: " + ", ".join(bib.authors)))
            venue = _VENUE.search(s.text)
            if venue and not on_first_page.get(paper.id):
                on_first_page[paper.id] = _first_page(paper, store)
            named = [w for w in re.findall(r"[A-Z][A-Za-z]{2,}", s.text[venue.end():])
                     ] if venue else []
            unseen = [w for w in named if w.lower() not in on_first_page.get(paper.id, "")]
            if unseen:
                where = (f"; the paper is arXiv:{bib.arxiv_id}" if bib.arxiv_id else "")
                pages = sorted({p.locator.page for p in (store.passages(paper.id) if store
                                                         else [])
                                if p.locator.page and unseen[0].lower() in p.text.lower()})
                if pages:
                    where += (f" ({unseen[0]} appears only on p. "
                              f"{', '.join(map(str, pages[:3]))}, not as where this paper "
                              "appeared)")
                findings.append(Finding(
                    kind=FindingKind.bibliography, severity=Severity.error, section=s.section,
                    sentence_index=s.index, sentence=s.text,
                    message=f"the paper's first page names no venue {', '.join(unseen)}{where}",
                    source=paper.title,
                    proposal="leave the venue out" + (f", or give arXiv:{bib.arxiv_id}"
                                                      if bib.arxiv_id else "")))
            if bib.year and re.search(r"发表|出版|published|年份|year", s.text, re.IGNORECASE):
                years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", s.text)}
                if years and bib.year not in years:
                    findings.append(Finding(
                        kind=FindingKind.bibliography, severity=Severity.error, section=s.section,
                        sentence_index=s.index, sentence=s.text,
                        message=f"the year differs from the paper's ({bib.year})",
                        source=paper.title))
    return findings


def on_record(text: str, sources: list[Source]) -> bool:
    """A line of bibliographic facts that the sources' own records state, and no other
    number: the paper's arXiv id, a lecture's title and length. It is checked against those
    records (a wrong arXiv id is a bibliography error), so it needs no citation.

    >>> from docent.types import Bibliography
    >>> paper = Source(id=1, kind="pdf", path="a.pdf", title="ALCE", sha256="x",
    ...                bibliography=Bibliography(arxiv_id="2305.14627"))
    >>> talk = Source(id=2, kind="subtitles", path="t.srt", title="lets build gpt",
    ...               sha256="y", duration=6979.0)
    >>> on_record("arXiv 编号：2305.14627，论文地址：https://arxiv.org/abs/2305.14627。",
    ...           [paper, talk])
    True
    >>> on_record("配套讲解视频字幕：《lets build gpt》，时长 1:56:19。", [paper, talk])
    True
    >>> on_record("arXiv 2305.14627 的准确率为 95%。", [paper, talk])
    False
    """
    rest, known = text, False
    for source in sources:
        bib = source.bibliography
        if bib and bib.arxiv_id and bib.arxiv_id in rest:
            rest, known = rest.replace(bib.arxiv_id, " "), True
        if source.duration and source.title and f"《{source.title}》" in rest \
                and format_timestamp(source.duration) in rest:
            rest, known = rest.replace(format_timestamp(source.duration), " "), True
    return known and not re.search(r"\d", rest)


def _paper_link(papers: list[Source]) -> str | None:
    for p in papers:
        if p.bibliography and p.bibliography.arxiv_id:
            return f"https://arxiv.org/abs/{p.bibliography.arxiv_id}"
        if p.bibliography and p.bibliography.doi:
            return f"https://doi.org/{p.bibliography.doi}"
        if p.bibliography and p.bibliography.url and not code_host(p.bibliography.url):
            return p.bibliography.url  # the address it was ingested from (OpenReview, ...)
    return None


def _provenance(parsed: ParsedReport, sources: list[Source], brief: Brief | None
                ) -> list[Finding]:
    if any(s.kind in MEDIA for s in sources):
        return []
    findings: list[Finding] = []
    for s in parsed.sentences:
        # a sentence saying the recording is missing, or asking for it, credits it nothing
        # ("讲解视频先用例子说明传统表示无法刻画相似性" describes a video: its 无法 denies nothing)
        denies = re.search(r"(?:没有|未|无|缺少|不)[^，。,.]{0,8}(?:视频|录像|讲座|字幕|录音)|"
                           r"(?:视频|录像|讲座|字幕|录音)[^，。,.]{0,8}(?:没有|未提供|缺失|无法获取)|"
                           r"请提供|如需|not provided|no (?:lecture|video)|cannot|"
                           r"please provide|provide the",
                           s.text, re.IGNORECASE)
        if _VIDEO_WORDS.search(s.text) and not denies:
            findings.append(Finding(
                kind=FindingKind.provenance, severity=Severity.error, section=s.section,
                sentence_index=s.index,
                sentence=s.text, message="attributes content to a video or lecture, but no "
                "video, audio or transcript was provided",
                proposal="remove it, or provide the recording or its subtitles"))
    return findings


def validate(
    report: str | Draft,
    store: Store,
    judge: SupportJudge | None,
    *,
    report_name: str | None = None,
    brief: Brief | None = None,
    retriever: Retriever | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """Every check of ``report`` (Markdown, or a Draft) against the workspace's sources. A
    Draft's sentence written from one source sentence is judged against that sentence, with
    the calibration measured on such sentences."""
    draft = report if isinstance(report, Draft) else None
    parsed = parse_draft(draft) if draft is not None else parse_report(report)
    report_name = report_name or (draft.title if draft is not None else "report")
    sources = store.sources()
    papers = [s for s in sources if s.kind is SourceKind.pdf]
    findings: list[Finding] = []
    verdicts: list[Verdict] = []
    length = None
    if brief is not None:
        findings += _structure(brief, parsed)
        more, length = _length(brief, parsed)
        findings += more
    findings += _bibliography(parsed, papers, store)
    findings += _provenance(parsed, sources, brief)
    checked: list[CheckedSentence] = []
    locator = EvidenceLocator(store, embedder) if draft is None else None
    noted: set[str] = set()
    if draft is None:
        unread = [u for s in parsed.sentences for u in unread_citations(s.raw)]
        if unread:
            shown = ", ".join(dict.fromkeys(unread))
            findings.append(Finding(
                kind=FindingKind.citation, severity=Severity.warning,
                message=f"{len(unread)} citation{'s' if len(unread) != 1 else ''} in a style "
                f"Docent cannot read, not checked: {shown[:300]}",
                proposal="cite as [文档: file.pdf], [file.pdf, p. 3], [1] with a reference "
                "list, or (Author, Year)"))
    for i, sentence in enumerate(parsed.sentences):
        if progress:
            progress("checking claims", i, len(parsed.sentences))
        record = CheckedSentence(index=sentence.index, id=sentence.id,
                                 raw=sentence.raw if draft is None else None,
                                 section=sentence.section,
                                 paragraph=sentence.paragraph, text=sentence.text,
                                 citations=[c.raw for c in sentence.citations],
                                 paragraph_citation=sentence.paragraph_citation)
        checked.append(record)
        if not sentence.citations:
            if len(tokenize(sentence.text)) >= _CLAIM_MIN_TOKENS and not re.search(
                    r"没有|未提供|not provided|^(?:注|Note)\s*[:：]|"
                    # a sentence announcing what follows ("下面按视频的顺序概括……") states no fact
                    r"^(?:下面|以下|接下来|Below|In what follows|The following)", sentence.text) \
                    and not on_record(sentence.text, sources):
                record.status = SentenceStatus.uncited
                finding = Finding(kind=FindingKind.uncited, severity=Severity.warning,
                                  section=sentence.section, sentence_index=sentence.index,
                                  sentence=sentence.text,
                                  message="a factual sentence without a citation")
                why = never_stated(locator, sentence.text, sources) if locator else None
                if locator is not None and (hits := locator.locate(sentence.text, sources, k=2)):
                    # where the provided sources come closest: what to cite, if it is there
                    locate_into(record, hits)
                    finding.evidence, finding.locator = record.evidence, record.locator
                    finding.source = record.source
                    if not why:
                        finding.proposal = (f"cite the source that states it; the closest "
                                            f"passage provided is {record.source}, "
                                            f"{record.locator}")
                findings.append(finding)
                if why:
                    record.reason = why
                    findings.append(Finding(
                        kind=FindingKind.support, severity=Severity.error,
                        section=sentence.section, sentence_index=sentence.index,
                        sentence=sentence.text, verdict=Verdict.not_supported,
                        message=f"no provided source states it: {why}",
                        proposal="remove it, or cite the source that states it"))
            continue
        resolved = [resolve(ref, store, sources) for ref in sentence.citations]
        if draft is None:  # a report written elsewhere: its evidence located, then the rules
            for r in resolved:
                if r.note and r.ref.raw not in noted:
                    noted.add(r.ref.raw)
                    findings.append(Finding(kind=FindingKind.citation, severity=Severity.info,
                                            message=r.note))
                if r.problem and not (r.source is None and r.ref.style in (
                        "long_context", "url", "document")):
                    findings.append(Finding(kind=FindingKind.citation, severity=Severity.error,
                                            section=sentence.section,
                                            sentence_index=sentence.index,
                                            sentence=sentence.text, message=r.problem))
            verdict, more = judge_located(sentence, resolved, locator, judge, sources, record)
            findings += more
            verdicts.append(verdict)
            record.verdict = verdict
            record.status = {Verdict.supported: SentenceStatus.supported,
                             Verdict.unverified: SentenceStatus.unverified}.get(
                verdict, SentenceStatus.unsupported)
            continue
        for r in resolved:
            if r.problem:
                record.status = SentenceStatus.unsupported
                findings.append(Finding(kind=FindingKind.citation, severity=Severity.error,
                                        section=sentence.section, sentence_index=sentence.index,
                                        sentence=sentence.text, message=r.problem))
        if judge is None:
            continue
        before = len(verdicts)
        more = _support(sentence, resolved, judge, retriever, embedder, verdicts, record)
        findings += more
        if len(verdicts) > before:
            record.verdict = verdicts[-1]
            if record.status != "unsupported":
                record.status = {Verdict.supported: SentenceStatus.supported,
                                 Verdict.unverified: SentenceStatus.unverified,
                                 Verdict.partially_supported: SentenceStatus.partial}.get(
                    record.verdict, SentenceStatus.unsupported)
    if progress:
        progress("checking claims", len(parsed.sentences), len(parsed.sentences))
    if draft is None:
        findings = _settled(findings, checked, verdicts)
    if parsed.paragraph_citations:
        findings.append(Finding(
            kind=FindingKind.citation, severity=Severity.info,
            message=f"citations read as paragraph-level: {parsed.paragraph_citations} sentences "
            "carry no citation of their own and were checked against the citation that closes "
            "their paragraph"))
    rng = brief.length.label() if brief is not None and brief.length else None
    ids = {s.index: s.id for s in parsed.sentences}
    for f in findings:
        if f.sentence_index is not None:
            f.sentence_id = ids.get(f.sentence_index)
    return ValidationReport.build(report_name, findings, verdicts, length, rng, checked)


_BIB_FACT = re.compile(r"题目|标题|作者|单位|机构|发表|年份|链接|地址|arxiv|doi|title|authors?\b|"
                       r"affiliation|published|venue", re.IGNORECASE)


def _settled(findings: list[Finding], checked: list[CheckedSentence],
             verdicts: list[Verdict]) -> list[Finding]:
    """A sentence with an error of its own (a wrong venue or address, an invented video) is not
    supported, whatever its search found: its "not verified" warning goes, and its verdict and
    status say so (``verdicts`` is updated in place)."""
    wrong = {f.sentence_index for f in findings if f.severity is Severity.error
             and f.kind in (FindingKind.bibliography, FindingKind.provenance)}
    invented = {f.sentence_index for f in findings if f.kind is FindingKind.provenance}
    for f in findings:  # what was never provided cannot be cited: the fix is to take it out
        if f.sentence_index in invented and f.kind in (FindingKind.citation,
                                                        FindingKind.uncited):
            f.proposal = "remove it: no recording or transcript was provided"
    for record in checked:
        if record.index in wrong and record.verdict is Verdict.unverified:
            verdicts.remove(Verdict.unverified)
            verdicts.append(Verdict.not_supported)
            record.verdict, record.status = Verdict.not_supported, SentenceStatus.unsupported
    return [f for f in findings if not (f.sentence_index in wrong and f.kind is FindingKind.support
                                        and f.verdict is Verdict.unverified)]


def _judge_roles(passages: list[Passage], by_id: dict) -> list[str]:
    return [role_of(by_id[p.id].kind, p.role, p.locator.section) for p in passages]


def _span_passage(sentence: ReportSentence, content: list[Passage]) -> Passage | None:
    """The cited passage a Draft's sentence was rendered from, when its source sentence is
    there, word for word (else the sentence is judged like any other)."""
    span = sentence.span
    if span is None:
        return None
    return next((p for p in content if p.id == span.passage_id
                 and normalize_space(p.text[span.start:span.end]) == span.text), None)


def _support(sentence: ReportSentence, resolved: list[ResolvedCitation], judge: SupportJudge,
             retriever: Retriever | None, embedder: Embedder | None,
             verdicts: list[Verdict], record: CheckedSentence | None = None) -> list[Finding]:
    pool: list[tuple[Passage, Source]] = [(p, r.source) for r in resolved if r.source
                                          for p in r.passages]
    if not pool:
        return []
    by_id = {p.id: s for p, s in pool}
    # a reference list states no finding of the paper, and a title page only its
    # bibliographic facts (title, authors, affiliations, links)
    bibliographic = bool(_BIB_FACT.search(sentence.text))
    content = [p for p, _ in pool if p.role is not PassageRole.references
               and (p.role is not PassageRole.front or bibliographic)]
    if not content:
        best = _best_passages(sentence.text, [p for p, _ in pool], embedder, k=1)
        judgement = Judgement(Verdict.not_supported, 0.0, best[0].text[:200], 0)
        cited_to = "a reference list" if best[0].role is PassageRole.references \
            else "a title page"
    elif (own := _span_passage(sentence, content)) is not None:
        # written from one sentence of this passage: judged against that sentence
        cited_to, best = None, [own]
        judgement = judge.judge(sentence.text, [sentence.span.text],
                                roles=_judge_roles(best, by_id), rendered=True)
        # the reader is shown the whole source sentence (the judge reads a long one in pieces)
        judgement.evidence, judgement.evidence_index = sentence.span.text, 0
    else:
        cited_to = None
        best = _best_passages(sentence.text, content, embedder)
        judgement = judge.judge(sentence.text, [p.text for p in best],
                                roles=_judge_roles(best, by_id))
    missing_numbers = unstated_numbers(sentence.text, [p.text for p, _ in pool])
    if missing_numbers and judgement.verdict is not Verdict.not_supported:
        # a number the cited passages never state cannot be supported by them
        judgement.verdict = Verdict.not_supported
    verdicts.append(judgement.verdict)
    top = best[judgement.evidence_index or 0] if best else None
    src = by_id.get(top.id) if top is not None else None
    if record is not None:
        record.score, record.evidence = judgement.score, judgement.evidence
        record.locator = top.locator.label() if top else None
        record.source = src.title if src else None
        record.passage_id = top.id if top else None
    whole = all(r.locator is None for r in resolved) and top is not None and src is not None
    if judgement.verdict is Verdict.supported:
        if whole:  # a citation of a whole document: say where the support is
            return [Finding(kind=FindingKind.citation, severity=Severity.info,
                            section=sentence.section, sentence_index=sentence.index,
                            sentence=sentence.text,
                            verdict=judgement.verdict, score=judgement.score,
                            evidence=judgement.evidence, locator=top.locator.label(),
                            source=src.title, message=f"located: {src.title}, "
                            f"{top.locator.label()} supports it")]
        return []
    messages = {
        Verdict.not_supported: "the cited passage does not support the claim",
        Verdict.unverified: "not verified: the judge could not establish that the cited "
        "passage supports this; check it yourself",
        Verdict.partially_supported: "the cited passage supports the claim only in part",
    }
    finding = Finding(
        kind=FindingKind.support,
        severity=Severity.error if judgement.verdict is Verdict.not_supported else Severity.warning,
        section=sentence.section, sentence_index=sentence.index,
        sentence=sentence.text, verdict=judgement.verdict, score=judgement.score,
        evidence=judgement.evidence, locator=top.locator.label() if top else None,
        source=src.title if src else None, message=messages[judgement.verdict],
    )
    if cited_to:
        finding.message = f"cited to {cited_to}, which states no finding"
    elif whole and judgement.verdict is not Verdict.unverified:
        finding.message += (f"; no part of {src.title} was found to support it (closest: "
                            f"{top.locator.label()})")
    if missing_numbers:
        finding.message += (" (the cited passages never state "
                            + ", ".join(sorted(missing_numbers)) + ")")
    if judgement.verdict is Verdict.not_supported and src is not None and src.kind in (
            SourceKind.markdown, SourceKind.web, SourceKind.text, SourceKind.docx) and any(
            s.kind is SourceKind.pdf for _, s in pool) is False and re.search(
            r"论文|本文|作者|paper|authors", sentence.text, re.IGNORECASE):
        finding.kind = FindingKind.off_source
        finding.message = (f"a claim about the paper is cited to {src.title} "
                           f"({top.locator.label()}), which does not support it")
    if retriever is not None and judgement.verdict is Verdict.not_supported \
            and sentence.span is None:  # a rendered sentence is rewritten, not re-cited
        # is the claim supported elsewhere? one judgement over the best other passages
        hits = [h for h in retriever.search(sentence.text, top=4) if h.passage.id not in by_id
                and h.passage.role is not PassageRole.references][:3]
        alt = judge.judge(sentence.text, [h.passage.text for h in hits],
                          roles=[role_of(h.source.kind, h.passage.role, h.passage.locator.section)
                                 for h in hits]) if hits else None
        hit = None
        if alt is not None and alt.verdict is Verdict.supported:
            # together they support it: find the one passage that does (best evidence first)
            first = alt.evidence_index or 0
            for h in [hits[first]] + hits[:first] + hits[first + 1:]:
                one = judge.judge(sentence.text, [h.passage.text], roles=[role_of(
                    h.source.kind, h.passage.role, h.passage.locator.section)])
                if one.verdict is Verdict.supported:
                    hit, alt = h, one
                    break
        if hit is not None and not unstated_numbers(sentence.text, [hit.passage.text]):
            # another passage supports it fully: the citation points at the wrong place
            finding.kind = FindingKind.miscited if finding.kind == "support" else finding.kind
            finding.severity = Severity.error
            finding.proposal = (f"cite {hit.source.title}, {hit.passage.locator.label()}: "
                                f"“{alt.evidence[:160]}”")
            finding.proposal_passage = hit.passage.id
        else:
            finding.proposal = finding.proposal or "no provided source supports it: remove it"
    return [finding]
