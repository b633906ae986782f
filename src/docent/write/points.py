"""The content plan: what each section will say, decided from the sources before any model
writes, as points that name the exact source sentences they will be written from::

    points = plan_points(plan, store, brief, retrieve)     # one section's SectionPlan
    [(p.kind, p.label, len(p.evidence)) for p in points][:3]
    # [('goal', 'Abstract', 2), ('method', 'Abstract', 2), ('result', 'Abstract', 3)]
    evidence_text(points[0].evidence[0])
    # 'Large language models (LLMs) have emerged as a widely-used tool for information ...'

For a reading report:

* ``summary``: the paper's own abstract, the contribution sentences of its introduction and its
  conclusion, in that order (goal, method, results, conclusion); never related work.
* ``technique``: the paper's own method sections (not its experiments or related work), the
  opening sentences of each, which say what the technique is and how the paper uses it; a term
  the assignment names that the paper never explains is taken from the lecture or the
  knowledge base, whichever explains it, and cited to that.
* ``media``: the lecture's main points in the lecture's order, spread over its length, each
  from the sentences of one time range.
* ``general``: the best sentences of the passages retrieved for the section.

An evidence sentence is a span of a passage's text (``Evidence.start``/``end``), so every
sentence written from it can be checked against exactly that span. Footnotes, reference lists,
table debris and sentence fragments never become evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from docent.sources.base import MEDIA_KINDS
from docent.glossary import Glossary
from docent.store import Store
from docent.text import CJK_RE, normalize_space, sentence_spans, tidy_spaces
from docent.types import Brief, Passage, PassageRole, Source, SourceKind

__all__ = ["Evidence", "Point", "evidence_text", "content_words", "follows", "fresh",
           "leans_on_previous", "plan_points", "standing_alone", "usable"]

MEDIA = MEDIA_KINDS

# parenthetical citations of other work: "(Pillutla et al., 2021)", "(Gao and Chen, 2023; ...)"
_CITE_RE = re.compile(r"\s*\((?:[^()]*?(?:et al\.?|\band\b|&)[^()]*?,?\s*(?:19|20)\d\d[a-z]?"
                      r"(?:;[^()]*)?|(?:see\s+)?(?:§|Section|Appendix|Table|Figure|Fig\.)[^()]*)\)")
_SKIP_SECTION = re.compile(
    r"introduction|related|previous work|prior work|background|conclusion|limitation|"
    r"acknowledg|reference|abstract|appendix|experiment|results?\b|evaluation of|human eval|"
    r"analysis|ablation|comparison|discussion|follow-up|future work|examples?\b|case stud|"
    r"goals? of|motivation|overview|contributions?\b|outline|organi[sz]ation of",
    re.IGNORECASE)
# a section that opens on others' work ("... has been proposed in [1]", "Many models were
# proposed ...") describes the background of the paper's own technique, not the technique
_OTHERS_WORK = re.compile(r"\b(?:has|have|had|was|were)\s+(?:been\s+)?proposed\b|\[\d+(?:[,–-]"
                          r"\s*\d+)*\]|\bet al\.", re.IGNORECASE)
_OWN = re.compile(r"\b(?:we|our|this paper|this work|(?:first|second|new|proposed) "
                  r"(?:architecture|model|method|approach))\b", re.IGNORECASE)
_CONTRIBUTION = re.compile(
    r"\b(?:we|this paper|this work|our)\b.{0,40}\b(?:propose|introduce|present|build|develop|"
    r"design|find|show|demonstrate|release|evaluate|contribut)", re.IGNORECASE)
# a section that proposes the paper's own method ("In this section, we propose two new model
# architectures ..."; "3 New Log-linear Models"): it and its subsections lead the techniques
# (a section naming "the new models proposed in this paper" only mentions them)
_PROPOSES = re.compile(r"\b(?:we|this paper|this work)\b.{0,30}\bpropose", re.IGNORECASE)
_NEW_METHOD = re.compile(r"\b(?:new|novel|proposed|our) (?:[\w-]+ ){0,2}(?:architectures?|models?|"
                         r"methods?|approach|framework|algorithms?|techniques?)\b", re.IGNORECASE)
_FINDING = re.compile(r"\b(?:outperform|improve|better|worse|achieve|show|find|found|lead|"
                      r"reduce|increase|significantly|best|highest|lowest)", re.IGNORECASE)
# a spoken sentence that opens with a filler, or with a connective that ties it to what was
# said before ("because when we sample ...", "in other words ..."): a fragment on its own
_FILLER = re.compile(r"^(?:so|okay|ok|um|uh|and|but|yeah|right|now|alright|all right|otherwise|"
                     r"because|cause|since|which|then|also|like|well|actually|basically|"
                     r"in other words|that's why|I (?:think|guess|hope|mean|believe|suppose))"
                     r"\b[, ]", re.IGNORECASE)
# captions, headings, list openers, sections announcing themselves, others' work as subject
_NOT_A_CLAIM = re.compile(
    r"^(?:Table|Figure|Fig\.|Algorithm)\s*\d|^\d+(?:\.\d+)*\s+[A-Z]|[:(]\s*(?:\(?\w\))?$|"
    r"^(?:In this (?:section|part|paper,? we (?:describe|discuss))|We (?:describe|discuss|list)\b|"
    # a sentence announcing what a section holds ("We introduce X and its detailed
    # implementation in this section.")
    r"^We (?:\w+ ){0,2}(?:introduce|describe|present|discuss|detail|review|outline)\b.*"
    r"\bin this (?:section|part)\b|"
    r"Below|In the following|As (?:shown|seen) in)|"
    r"^[A-Z][\w-]+(?: et al\.| and [A-Z][\w-]+)? \(\d{4}[a-z]?\)", re.IGNORECASE)
_POINTER = re.compile(r"\b(?:Table|Tables|Figure|Figures|Fig\.|Appendix|Section|Eq\.)\s*"
                      r"(?:\d|[A-H]\b)")  # "can be found in Table 22": the reader cannot see it
_STOP = set("""a an the of to in on for and or but is are was were be been being this that these
those it its as by with from at we our you your they their i he she them us there here so then
than not no can could will would should may might do does did have has had just also very really
like going gonna want let lets let's okay ok um uh yeah which what when where who how all any some
one two into out up about over more most such only other each many much get got""".split())


@dataclass
class Evidence:
    """One source sentence a report sentence is written from: ``passage.text[start:end]``."""

    passage: Passage
    source: Source
    start: int
    end: int

    @property
    def text(self) -> str:
        return normalize_space(self.passage.text[self.start:self.end])


@dataclass
class Point:
    """One thing a section will say, and the source sentences it says it from."""

    kind: str  # goal / method / result / conclusion / technique / term / lecture / general
    label: str  # where it comes from: a section heading, a time range, a term
    voice: str  # who says it: "paper", "lecture" or "document"
    evidence: list[Evidence] = field(default_factory=list)


def evidence_text(evidence: Evidence) -> str:
    """The sentence as the writer is given it: citations of other work and section pointers
    removed ("We use MAUVE (Pillutla et al., 2021)" -> "We use MAUVE")."""
    return tidy_spaces(_CITE_RE.sub("", evidence.text))


# what a paper says about itself rather than its subject: acknowledgements, funding, author
# notes, where its code is
_NOT_CONTENT = re.compile(
    r"\bwe (?:would like to |wish to )?thank\b|\bthanks? (?:to|go)\b|\bgrateful\b|"
    r"^acknowledg|\b(?:research|work|project|study)\b[^.]{0,30}\b(?:supported|funded) by\b|"
    r"\bfunded by\b|\bgrants?\b|"
    r"\bequal contribution|\bwork (?:was )?done (?:while|during|as)\b|\bcorresponding author|"
    r"\b(?:code|source code|implementation|our (?:models?|data|dataset|benchmark|toolkit))\b"
    r"[^.]{0,60}\b(?:is|are|will be|has been|have been) (?:made )?(?:publicly |freely |openly )?"
    r"(?:available|released)\b|\bavailable (?:at|on|from) (?:https?|www|github)|github\.com",
    re.IGNORECASE)


def usable(text: str) -> bool:
    """Whether a sentence can carry a report sentence: a whole sentence of prose, not a
    fragment, a question (an example's, a figure's: it states nothing), a table row, a URL, a
    footnote or a list of citations."""
    text = normalize_space(text)
    if CJK_RE.search(text):
        return 12 <= len(text) <= 160 and text[-1] in "。！；.!”\"）)"
    words = text.split()
    if not 7 <= len(words) <= 55 or not text[0].isupper() and not text[0].isdigit():
        return False
    if text[-1] not in ".!\"”)" or re.search(
            r"https?://|www\.|§|\{|\}|=|<|>|\\|\.\.\.|…|^\w+:|\.\s+[a-z][\w-]*:|\bcolou?rs? "
            r"(?:represent|denote|indicate)", text):
        return False
    letters = sum(c.isalpha() for c in text)
    if letters < 0.7 * len(text.replace(" ", "")):  # numbers and symbols: a table row
        return False
    if _NOT_A_CLAIM.search(text) or _POINTER.search(text) or _NOT_CONTENT.search(text):
        return False
    capitals = sum(w[:1].isupper() for w in words[1:])
    if capitals > 0.5 * (len(words) - 1):  # a title-case list: figure text, an example answer
        return False
    if re.search(r"\b(?:to|in|and|by|of|from|with|as|including|see|than|on|for)\s*\[\d", text):
        return False  # "the approach proposed in [13] to be the simplest": it dangles without
    stripped = _CITE_RE.sub("", text)
    bare = re.sub(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]", "", stripped)
    if re.search(r"\b(?:to|in|and|by|of|from|with|as|including|see|than)\s*[,.;:)]", bare):
        return False  # a citation used as a noun ("Similar to [13], ..."): gone, it dangles
    return len(stripped.split()) >= 6


# a paper's run-in paragraph heading the PDF text glued onto the sentence after it ("Input/Output
# Representations To make BERT handle ...", "Task #1: Masked LM Intuitively, it is ..."): a run
# of capitalised words (or "#1:") whose last is a word a sentence opens with
_RUN_IN = re.compile(
    r"^((?:[A-Z][\w/\-]*:?|#\d+:?|\d+:?)(?:\s+(?:[A-Z][\w/\-]*:?|#\d+:?|of|and|for|the|to))"
    r"{1,6})\s+(?=(?:To|In|We|The|This|For|Unlike|Although|Given|Each|Our|A|An|As|Since|While|"
    r"[A-Z][a-z]+ly,)\s+[a-z])")


def run_in_heading(text: str) -> int:
    """How many characters of ``text`` are a run-in heading glued onto its sentence (0: none).

    >>> t = "Input/Output Representations To make BERT handle a variety of tasks, we use it."
    >>> t[run_in_heading(t):]
    'To make BERT handle a variety of tasks, we use it.'
    >>> t = "Task #1: Masked LM Intuitively, it is reasonable to believe that it works."
    >>> t[run_in_heading(t):]
    'Intuitively, it is reasonable to believe that it works.'
    >>> run_in_heading("Large Language Models (LLMs) have emerged as a widely-used tool.")
    0
    >>> run_in_heading("Retrieval In this work, we retrieve passages.")
    0
    """
    m = _RUN_IN.match(text)
    return m.end() if m else 0


def _sentences(passage: Passage, source: Source) -> list[Evidence]:
    out = []
    for s, e in sentence_spans(passage.text):
        s += run_in_heading(passage.text[s:e])
        if usable(passage.text[s:e]):
            out.append(Evidence(passage, source, s, e))
    return out


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9-]+", text.lower()) if w not in _STOP
            and len(w) > 2} | set(re.findall(r"[\u4e00-\u9fff]{2}", text))


# a name ("Skip-gram", "CBOW", "GPT-4"): what a sentence is about
_NAMED = re.compile(r"\b(?:[A-Z][a-z]*-[a-z0-9]+|[A-Z]{2,}[A-Za-z0-9-]*|[A-Za-z]+[0-9][A-Za-z0-9-]*)\b")


def _dedupe(items: list[Evidence], seen: list[set[str]] | None = None) -> list[Evidence]:
    """Drop sentences that say what an earlier one said (half their content words shared),
    unless they name what the earlier one does not: "the Skip-gram architecture works slightly
    worse on the syntactic task than the CBOW model" after "The CBOW architecture works better
    than the NNLM on the syntactic tasks" is another finding."""
    seen = [] if seen is None else seen
    out = []
    for ev in items:
        words = _content(ev.text)
        named = _NAMED.search(ev.text)  # the first name: what the sentence is about
        subject = {"name:" + named.group(0).lower()} if named else set()
        if any(len(words & s) >= 0.5 * min(len(words), sum(not w.startswith("name:") for w in s))
               and subject <= s for s in seen if s):
            continue
        seen.append(words | {"name:" + n.lower() for n in _NAMED.findall(ev.text)})
        out.append(ev)
    return out


def content_words(text: str) -> set[str]:
    """The words that carry a sentence's content (what :func:`fresh` compares)."""
    return _content(text)


def fresh(items: list[Evidence], said: list[set[str]]) -> list[Evidence]:
    """The evidence sentences that say something not yet said (``said`` grows with them)."""
    return _dedupe(items, said)


_ANAPHORA = re.compile(r"^(?:This|These|That|Those|It|They|Both|Such|Their|Its|Here|Then|"
                       r"Therefore|Thus|However|Though|Although|Also|Moreover|Furthermore|In "
                       r"addition|Similarly|Specifically|As a result|Consequently|Hence|"
                       r"Accordingly|In this way|To this end|Instead|Otherwise|On the other hand|"
                       r"In particular|For this reason|Likewise|Nevertheless|Nonetheless|"
                       r"Besides|Secondly|Second|Thirdly|Third|Finally|In contrast)\b"
                       # a clause whose subject is the sentence before's: "While they generate
                       # engaging responses, ..."
                       r"|^(?:While|When|Whereas|Because|Since|As|If|Once|Unless)\s+"
                       r"(?:they|it|this|these|those|their|its)\b")
# a transcript is lower case: "they are always processed independently" leans on the sentence
# before it as much as "They are ..." does
_ANAPHORA_ANY_CASE = re.compile(_ANAPHORA.pattern, re.IGNORECASE)
# live-coding talk that means nothing off the screen: the speaker steering ("let me", "I'm going
# to", "for now"), pointing ("this part here", "up top", "you see how"), hedging ("kind of") or
# narrating his own session ("I ran it", "I brought down")
_CHATTER = re.compile(
    r"\b(?:let me|let's|let us|I'm going to|I'm gonna|we're going to|we are going to|I'd like|"
    r"I will|I'll|for now|as I (?:explained|said|mentioned)|etc(?=\.)|and so on|kind of|sort of|I think|"
    r"I brought|I already|I ran|I'm kind|bothered|up top|down here|over here|right here|"
    # the speaker narrating what he did off the topic ("I visited this blog post and took the
    # first paragraph and pasted it here"), and fillers inside a sentence ("because of course")
    r"I (?:went|took|copied|pasted|visited|opened|grabbed|downloaded|clicked|scrolled|"
    r"typed|wrote down)|(?:paste|pasted|copy|copied) (?:it|this|that)|"
    r"because of course|of course|basically|literally|ballpark|roughly speaking|you know|"
    r"I mean|pretty much|what happens|\?|"
    # numbers read off the screen ("merge 101, 32 into a new token, 256")
    r"\d+, \d+\b|"
    r"this part here|you see (?:how|that)|notice that|Git|if we're|if we are|if you have|"
    r"if you can see|we're just|I'm just|we don't there's|I made|I changed|cosmetic)\b|"
    r"^(?:From|And|Or|Iterating|There's|Well|Number \w+|You'll|I still|[A-Z] we)\b|"
    # a sentence whose opening phrase runs into a subordinate clause ("Later during inference,
    # because while we're sampling, ..."): a thought the speaker never finishes
    r"^[^,]{1,40}, (?:because|since) (?:while|when|if|as)\b",
    re.IGNORECASE)


def leans_on_previous(text: str) -> bool:
    """A sentence that leans on the one before it ("This choice has several good reasons",
    "Therefore, ...").

    >>> leans_on_previous("This choice has several good reasons.")
    True
    >>> leans_on_previous("We use MAUVE to evaluate fluency.")
    False
    """
    return bool(_ANAPHORA.match(text))


# a sentence that names what the sentence before it described ("it is possible to find the
# correct answer (word smallest) using this method"): without that sentence, nobody knows what
_REFERS_BACK = re.compile(r"\b(?:this|these|such|the above) (?:methods?|approach(?:es)?|ways?|"
                          r"techniques?|procedures?|tricks?|ideas?|questions?|operations?|"
                          r"(?:\w+ )?relationships?)\b",
                          re.IGNORECASE)


def standing_alone(items: list[Evidence]) -> list[Evidence]:
    """``items`` without a sentence that refers to "this method" where the sentence before it
    in its passage is not the one before it here.

    >>> from docent.types import Locator, Passage, Source, SourceKind
    >>> text = "We subtract two vectors. Using this method, the answer is found. This is new."
    >>> p = Passage(id=1, ordinal=0, text=text, locator=Locator(page=5), char_start=0,
    ...             char_end=len(text))
    >>> s = Source(id=1, kind=SourceKind.pdf, title="w2v", path="w.pdf", sha256="w")
    >>> one, two, three = Evidence(p, s, 0, 24), Evidence(p, s, 25, 64), Evidence(p, s, 65, 77)
    >>> [ev.text for ev in standing_alone([one, two, three])]
    ['We subtract two vectors.', 'Using this method, the answer is found.', 'This is new.']
    >>> [ev.text for ev in standing_alone([two, three])]
    ['This is new.']
    """
    out: list[Evidence] = []
    for ev in items:
        if _REFERS_BACK.search(ev.text) and not follows(out[-1] if out else None, ev):
            continue
        out.append(ev)
    return out


def follows(before: Evidence | None, ev: Evidence) -> bool:
    """Whether ``ev`` comes right after ``before`` in its passage (nothing but space between).
    """
    if before is None or before.end > ev.start:
        return False
    same = before.passage is ev.passage or (before.passage.id is not None
                                            and before.passage.id == ev.passage.id)
    return same and not ev.passage.text[before.end:ev.start].strip()


def _leading(items: list[Evidence]) -> list[Evidence]:
    """A point does not open on a sentence that leans on one before it ("Both cases have
    ...", "Therefore, ..."): read alone it would be misread, and then mis-rendered."""
    while items and _ANAPHORA.match(items[0].text):
        items = items[1:]
    return items


def _groups(kind: str, label: str, voice: str, items: list[Evidence], size: int = 3
            ) -> list[Point]:
    """Points of ``size`` sentences in their order; a sentence that leans on the one before it
    stays in that one's point (up to ``size + 2``)."""
    groups: list[list[Evidence]] = []
    for ev in items:
        if groups and (len(groups[-1]) < size or (_ANAPHORA.match(ev.text)
                                                 and len(groups[-1]) < size + 2)):
            groups[-1].append(ev)
        else:
            groups.append([ev])
    return [Point(kind, label, voice, g) for g in map(_leading, groups) if g]


# --- sections ------------------------------------------------------------------------------

def _papers(store: Store) -> list[tuple[Source, list[Passage]]]:
    return [(s, store.passages(s.id)) for s in store.sources() if s.kind is SourceKind.pdf]


# a finding of the paper's experiments: a comparison ("The CBOW architecture works better than
# the NNLM on the syntactic tasks"), not how others compare ("previous papers typically use a
# table") nor a purpose ("To estimate the best choice of model architecture, ...")
_COMPARES = re.compile(r"\b(?:outperform\w*|better|worse|best|higher|lower|improve[sd]?|"
                       r"improvements?|significantly|faster|slower|(?:more|less) accurate)\b",
                       re.IGNORECASE)
_NOT_A_FINDING = re.compile(r"\b(?:previous (?:papers|work|studies)|typically|it is easy)\b|^To |"
                            # how an experiment was run ("For each task, we selected the best
                            # learning rate on the Dev set"): its set-up, not what it found
                            r"\bwe (?:selected|select|chose|choose|ran|run|set|tuned|trained|"
                            r"used a batch|fine-tuned? (?:for|with))\b",
                            re.IGNORECASE)
# a conclusion sentence that cites another work reports that work ("The publicly available
# RNN vectors were used ... to achieve over 50% increase ... [31]"), not the paper's finding
_CITES_OTHERS = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\bet al\.|\([^()]*?(?:\band\b|&)?[^()]*?"
                           r"(?:19|20)\d\d[a-z]?\)")
_SETUP = re.compile(r"task|set-?up|datasets?|\bdata\b|implementation|details?|description|"
                    r"hyper-?parameters?", re.IGNORECASE)


def _under_results(section: str, passages: list[Passage]) -> bool:
    """``section`` is a subsection of the paper's results or experiments ("4.3 Comparison of
    Model Architectures" under "4 Results"), other than its set-up ("4.1 Task Description")."""
    m = re.match(r"(\d+)\.\d+\s", section)
    if not m or _SETUP.search(section):
        return False
    return any(re.match(rf"{m.group(1)}\s+(?:main )?(?:results|experiments)\b", p.locator.section
                        or "", re.IGNORECASE) for p in passages)


def _summary(store: Store) -> list[Point]:
    points: list[Point] = []
    seen: list[set[str]] = []
    for source, passages in _papers(store)[:2]:
        abstract = [ev for p in passages if p.role is PassageRole.abstract
                    for ev in _sentences(p, source)]
        intro = [ev for p in passages if p.role is PassageRole.body and p.locator.section
                 and re.search(r"introduction|引言|绪论", p.locator.section, re.IGNORECASE)
                 for ev in _sentences(p, source) if _CONTRIBUTION.search(ev.text)]
        results = [ev for p in passages if p.role is PassageRole.body and p.locator.section
                   and re.search(r"main results", p.locator.section, re.IGNORECASE)
                   for ev in _sentences(p, source) if _FINDING.search(ev.text)]
        if not results:  # "4 Results" opens on its task; its findings are in 4.2, 4.3, ...
            results = [ev for p in passages if p.role is PassageRole.body
                       and _under_results(p.locator.section or "", passages)
                       for ev in _sentences(p, source) if _COMPARES.search(ev.text)
                       and not _NOT_A_FINDING.search(ev.text)]
        concl = [ev for p in passages if p.role is PassageRole.body and p.locator.section
                 and re.search(r"conclusion|结论|总结", p.locator.section, re.IGNORECASE)
                 for ev in _sentences(p, source) if not _CITES_OTHERS.search(ev.text)]
        abstract = _dedupe(abstract, seen)
        third = max(len(abstract) // 3, 1)
        points += _groups("goal", "Abstract", "paper", abstract[:third])
        points += _groups("method", "Abstract", "paper", abstract[third:2 * third])
        points += _groups("result", "Abstract", "paper", abstract[2 * third:])
        points += _groups("method", "Introduction", "paper", _dedupe(intro, seen))
        points += _groups("result", "Results", "paper", _dedupe(results, seen)[:6])
        points += _groups("conclusion", "Conclusion", "paper", _dedupe(concl, seen))
        # said only when the points above leave the section (or the report) short: the other
        # findings of the paper's results, experiments and analyses, in their order (not the
        # introduction's background: after the conclusion it read as a stray paragraph,
        # "一个例子是……N-gram 模型")
        found = [ev for p in passages if p.role is PassageRole.body and p.locator.section
                 and re.search(r"results?\b|experiment|analys|evaluat|ablation|discussion",
                               p.locator.section, re.IGNORECASE)
                 for ev in _sentences(p, source) if _FINDING.search(ev.text)
                 and not _NOT_A_FINDING.search(ev.text)]
        points += _groups("result", "Results", "paper", _leading(_dedupe(found, seen))[:12])
    return points


def _technique_sections(passages: list[Passage]) -> list[str]:
    """The paper's own method sections, in order (a parent's opening introduces its
    subsections); the subsections of a skipped section ("4.1 Task Description" under
    "4 Results") are skipped with it."""
    names: list[str] = []
    skipped: list[str] = []  # the numbers of skipped sections, "4."
    for p in passages:
        sec = p.locator.section
        if p.role is not PassageRole.body or not sec or sec in names:
            continue
        number = re.match(r"(\d+(?:\.\d+)*)\s", sec)
        if _SKIP_SECTION.search(sec):
            if number:
                skipped.append(number.group(1) + ".")
        elif not (number and number.group(1).startswith(tuple(skipped))):
            names.append(sec)
    return names


def _technique(store: Store, brief: Brief, section_text: str, retrieve) -> list[Point]:
    points: list[Point] = []
    seen: list[set[str]] = []
    covered = ""
    spare: list[Point] = []
    for source, passages in _papers(store)[:2]:
        names = _technique_sections(passages)

        def first_sentences(name: str, count: int) -> list[str]:
            """The section's first ``count`` sentences after the heading."""
            text = next((p.text for p in passages if p.locator.section == name
                         and p.role is PassageRole.body), "")
            spans = [(s, e) for s, e in sentence_spans(text) if e - s > len(name) + 2]
            return [text[s:e].removeprefix(name) for s, e in spans[:count]]

        def background(name: str) -> bool:
            """The section opens on others' work (its first sentence after the heading)."""
            first = (first_sentences(name, 1) or [""])[0]
            return bool(_OTHERS_WORK.search(first)) and not _OWN.search(first)

        proposing = tuple(re.match(r"[\d.]*", n).group(0).rstrip(".") + "." for n in names
                          if _NEW_METHOD.search(re.sub(r"^[\d.]+\s*", "", n))
                          or any(_PROPOSES.search(t) for t in first_sentences(n, 3)))

        def rank(name: str) -> int:
            """0: where the paper proposes its method (and its subsections); 1: the paper's
            other own sections; 2: the background they build on."""
            number = re.match(r"[\d.]*", name).group(0).rstrip(".") + "."
            if number != "." and number.startswith(proposing):
                return 0
            return 2 if background(name) else 1

        # the paper's proposed method first, its other techniques next, then the background
        names = sorted(names, key=rank)
        # a technique a same-language source explains (a Chinese tutorial for a Chinese
        # report) opens with that explanation, cited to it, then the paper's use of it
        from docent.write.explain import explanations
        explained = explanations(store, brief, names)
        for name in names:
            body = _leading(_dedupe([ev for p in passages if p.locator.section == name
                                     and p.role is PassageRole.body
                                     for ev in _sentences(p, source)], seen))
            opening, rest = body[:5], _leading(body[5:])[:12]
            if opening:
                covered += " " + name + " " + " ".join(ev.text for ev in opening)
                if explained.get(name):
                    points.append(Point("technique", name, "document", explained[name]))
                points.append(Point("technique", name, "paper", opening))
            if opening and rest:  # said only when the openings leave the report short
                spare += [Point("technique", name, "paper", rest[i:i + 4])
                          for i in range(0, len(rest), 4)]
    # terms the assignment names ("如Transformer等") that the paper's method does not explain
    # a Latin word in a Chinese section title is a term ("关键技术（如Transformer）"); an English
    # title's words are not ("Key techniques explained")
    named = re.findall(r"[A-Za-z][A-Za-z0-9-]{2,}", section_text) if brief.language == "zh" \
        else []
    named += re.findall(r"(?:如|例如|比如|such as|e\.g\.,?)\s*([A-Za-z][A-Za-z0-9-]{2,})",
                        brief.assignment)
    for term in dict.fromkeys(named):
        if term.lower() in covered.lower():
            continue
        found = []
        for passage, source in retrieve(term):
            for ev in _sentences(passage, source):
                if re.search(rf"\b{re.escape(term)}\b", ev.text, re.IGNORECASE):
                    found.append(ev)
        found.sort(key=lambda ev: not re.search(
            rf"\b{re.escape(term)}s?\b[^.]{{0,20}}\b(?:is|are|consists|refers|means)\b",
            ev.text, re.IGNORECASE))
        found = _dedupe(found, seen)[:3]
        if found:
            voice = "lecture" if found[0].source.kind in MEDIA else (
                "paper" if found[0].source.kind is SourceKind.pdf else "document")
            points.insert(0, Point("term", term, voice, found))
    return points + spare


_EXPLAINS = re.compile(r"\b(?:is|are) (?:a|an|the|called|basically|just)\b|\bthe idea\b|"
                      r"\bwhat this does\b|\bthis is (?:called|known)\b|\bmeans\b|\ballows?\b",
                      re.IGNORECASE)


# a live-coding lecture's narration of its screen ("we need to transpose K here", "one is an
# end dot layer norm and we tell it ..."): true of the code on screen, meaningless in a report
_SCREEN = re.compile(
    r"\b(?:here|dot|transpose|tell it|careful|copilot|register|print(?:ing)?|variable|function|"
    r"module|torch|line|lines|cell|call|calling|plug(?:ged)?|import|I want|we want|we'd like|"
    r"(?:we|you) have to|we need|need to|what I|you can see)\b", re.IGNORECASE)
# the speaker giving a reason or a way to think of something: what a reader of a report wants
_REASON = re.compile(r"\b(?:think (?:about|of) (?:it|this|them) as|the reason|because|so that|"
                     r"in order to|is that|the idea|mechanism|never|always)\b", re.IGNORECASE)


# a phrase said again right after "and"/"or": a restart, and the transcript around it garbled
_RESTART = re.compile(r"\b(\w+(?: \w+){1,2}) (?:and|or) \1\b", re.IGNORECASE)


def _informative(ev: Evidence, weight: dict[str, float]) -> float:
    """How much a spoken sentence explains: the lecture's recurring concepts that the paper
    also uses (weighted by how often the lecture comes back to them), a defining phrase or a
    reason, and neither the speaker talking about himself nor narrating his screen.

    >>> from types import SimpleNamespace as said  # anything with the sentence as .text
    >>> w = {"attention": 2.0, "tokens": 1.0, "communication": 1.5}
    >>> explains = said(text="Attention is a communication mechanism between tokens.")
    >>> narrates = said(text="Here we need to transpose the attention for the tokens.")
    >>> _informative(explains, w) > _informative(narrates, w)
    True
    >>> restarts = said(text="We implemented attention tokens and attention tokens basically.")
    >>> _informative(restarts, w) < _informative(explains, w) / 2
    True
    """
    words = _content(ev.text)
    score = sum(weight.get(w, 0.0) for w in words) / math.sqrt(len(ev.text.split()) + 1)
    if _EXPLAINS.search(ev.text):
        score *= 1.5
    if _REASON.search(ev.text):
        score *= 1.3
    if re.search(r"\bI(?:'m| am| think| introduced| want)\b", ev.text):
        score *= 0.5
    if _RESTART.search(ev.text):
        score *= 0.3  # the speaker restarts ("bash normalization and bash normalization")
    return score * 0.6 ** len(_SCREEN.findall(ev.text))


_TERMS = Glossary()


def _lecture(store: Store, count: int, retrieved: list[tuple[Passage, Source]] = (),
             size: int = 4) -> list[Point]:
    """Up to ``count`` points from the lectures, each a paragraph's worth (up to ``size``
    sentences, in their order) of one time range: the passages retrieved for the section (what
    relates to the paper and the assignment; half of them at most), then the most explanatory
    passage of each stretch of the lecture. Best first: the writer uses as many as the
    section's length takes and sets their paragraphs in the lecture's order."""
    points: list[Point] = []
    for source in [s for s in store.sources() if s.kind in MEDIA]:
        passages = store.passages(source.id)
        if not passages:
            continue
        df = Counter(w for p in passages for w in _content(p.text))
        paper = {w for _, ps in _papers(store) for p in ps if p.role is not PassageRole.references
                 for w in _content(p.text)}
        weight = {w: math.log1p(n) * (1.0 if w in paper or not paper else 0.2)
                  for w, n in df.items() if n < 0.5 * len(passages)}

        def qualifying(p: Passage) -> list[Evidence]:
            # a sentence that explains something names a concept of the field (a glossary
            # term): not an example read aloud ("the leaves fell from the tree"), nor small talk
            return [ev for ev in _sentences(p, source) if not _FILLER.match(ev.text)
                    and not _ANAPHORA_ANY_CASE.match(ev.text) and not _CHATTER.search(ev.text)
                    and len(ev.text.split()) >= 10
                    and (not paper or len(_content(ev.text) & paper) >= 3)
                    and _TERMS.terms_in(ev.text)]

        def best_of(k: int) -> tuple[float, list[Evidence]]:
            """The best sentences of a stretch of up to eight passages from the ``k``-th
            (a transcript passage is half a minute: a part of a lecture is a few minutes)."""
            sents = [ev for q in passages[k:k + 8] for ev in qualifying(q)]
            ranked = sorted(sents, key=lambda ev: -_informative(ev, weight))
            if not ranked or not qualifying(passages[k]):
                return 0.0, []
            top = _informative(ranked[0], weight)
            best = [ev for ev in ranked[:size] if _informative(ev, weight) >= 0.3 * top]
            return sum(_informative(ev, weight) for ev in ranked[:2]), best

        at = {p.id: k for k, p in enumerate(passages)}
        chosen: dict[int, tuple[float, list[Evidence]]] = {}  # by the stretch's first passage
        found = [(score, k, best) for p, s in retrieved if s.id == source.id and p.id in at
                 for k in [at[p.id]] for score, best in [best_of(k)] if len(best) >= 2]
        for score, k, best in sorted(found, key=lambda t: -t[0])[:max(count // 2, 1)]:
            if all(abs(k - j) > 8 for j in chosen):
                chosen[k] = (score, best)
        stretch = max(len(passages) // max(count, 1), 1)
        windows = []
        for i in range(0, len(passages), stretch):
            scored = [(score, k, best) for k in range(i, min(i + stretch, len(passages)))
                      for score, best in [best_of(k)] if len(best) >= 2]
            if scored:
                windows.append(max(scored, key=lambda t: t[0]))
        if windows:  # a stretch whose best is weak (small talk, a sign-off) says nothing
            floor = 0.5 * sorted(w[0] for w in windows)[len(windows) // 2]
            for score, k, best in sorted(windows, key=lambda t: -t[0]):
                if len(chosen) >= count:
                    break
                # one paragraph a stretch: none overlapping a stretch already chosen
                if score >= floor and all(abs(k - j) > 8 for j in chosen):
                    chosen[k] = (score, best)
        for _, best in sorted(chosen.values(), key=lambda t: -t[0]):
            best.sort(key=lambda ev: (ev.passage.ordinal, ev.start))
            first, last = best[0].passage.locator, best[-1].passage.locator
            span = first.model_copy(update={"end": last.end, "section": None, "page": None})
            points.append(Point("lecture", span.label(), "lecture", best))
    return points


def _general(evidence: list[tuple[Passage, Source]], query: str) -> list[Point]:
    q = _content(query)
    points: list[Point] = []
    seen: list[set[str]] = []
    for passage, source in evidence:
        sents = _sentences(passage, source)
        best = sorted(sents, key=lambda ev: -len(_content(ev.text) & q))[:3]
        best = _dedupe(sorted(best, key=lambda ev: ev.start), seen)
        voice = "lecture" if source.kind in MEDIA else (
            "paper" if source.kind is SourceKind.pdf else "document")
        if best:
            points.append(Point("general", passage.locator.label(), voice, best))
    return points


def plan_points(plan, store: Store, brief: Brief, retrieve=None, *, sentences: int = 12
                ) -> list[Point]:
    """The points of one section (a :class:`~docent.write.plan.SectionPlan`), about
    ``sentences`` evidence sentences in all (more are planned than needed for technique and
    summary sections; the writer stops when the section's budget is reached).

    ``retrieve(query)`` returns ``[(passage, source)]`` for assignment terms the paper's own
    sections do not explain (the lecture or the knowledge base may).
    """
    section_text = plan.section.title + " " + (plan.section.details or "")
    if plan.role == "summary" and _papers(store):
        return _summary(store)
    if plan.role == "technique" and _papers(store):
        return _technique(store, brief, section_text, retrieve or (lambda q: []))
    if plan.role == "media":  # 3-6 paragraphs of up to four sentences, about 45 字 (30 words)
        per = 45 if brief.language == "zh" else 30  # each; some more (lines fail checks)
        return _lecture(store, min(max(round(plan.budget / (2 * per)), 3), 6), plan.evidence)
    return _general(plan.evidence, section_text + " " + " ".join(plan.queries))
