"""Located evidence: for a report's sentence, the sentences of a cited source that state it,
found across the whole source (a document-level citation), or around the place it names.

The search is hybrid and runs down to the sentence, in any pair of languages:

* **lexical**: the claim's words (jieba for Chinese, stemmed English), its numbers in every
  way of writing them (``16亿`` finds "1.6 billion", ``四个`` finds "four"), its Latin-script
  terms, and the English forms of its Chinese technical terms (:mod:`docent.lexicon`), each
  weighted by how rare it is among the source's sentences;
* **dense**: multilingual-e5 similarity of the claim and each sentence (every sentence of a
  source is embedded once and cached in the workspace), standardised over the source.

A sentence's score also takes a little of its neighbours' (a report's sentence often joins
two of the source's). What comes back is ranked: the best sentence with its passage, page and
score, and the runners-up from other places::

    locator = EvidenceLocator(store, embedder)
    hits = locator.locate("CBOW用上下文预测当前词", [paper])
    hits[0].passage.locator.label(), hits[0].text     # ('p. 5, 3.1 ...', 'The CBOW architecture ...')
    locator.absent("两种模型都采用负采样", [paper])       # ['负采样 (negative sampling)']

Roles come from content, not page numbers: a reference list, an author block (e-mail
addresses, affiliations) and acknowledgements are not evidence for a finding; a first page's
abstract is.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import jieba
import numpy as np

from docent.index import Embedder, tokenize
from docent.lexicon import NAMED, english_forms, glosses, present, same_term, squashed
from docent.store import Store
from docent.text import CJK_RE, number_values, numbers, sentence_spans, unstated_numbers
from docent.types import Passage, PassageRole, Source

__all__ = ["EvidenceLocator", "LocatedSentence", "claim_terms"]

_MAX_CHARS = 400  # a longer "sentence" (a table row run, a formula block) is cut into windows
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[-.][A-Za-z0-9+]+)*")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9\-]*(?: [A-Z][A-Za-z0-9\-]*)+\b")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9\-]+[A-Z0-9]")  # ALCE, BERT, GPT-3, ELI5
_INNER = re.compile(r"^[A-Za-z]+[A-Z][a-z]|[A-Za-z]-?\d|\d-?[A-Za-z]")  # GloVe, WordSim-353
_EMAIL = re.compile(r"\S+@\S+")
_NOT_EVIDENCE = re.compile(r"^\s*(?:acknowledg(?:e)?ments?|致谢)\b|we thank|we are grateful|"
                           r"grateful to|supported (?:in part )?by (?:the )?(?:nsf|grant|a gift)",
                           re.IGNORECASE)
# generic Latin words a Chinese sentence may carry that name nothing particular to a source
_GENERIC = frozenset("""vector vectors model models word words paper data the a an of and in to
    is for on by with from as at or x y vs etc e g i.e e.g ok""".split())
_NEIGHBOUR = 0.1  # the share of the better neighbour's score a sentence takes
_SHORT = 8  # a fragment of fewer words (a heading, a table cell run) counts in proportion
_NUMBER_TERM = re.compile(r"\d+(?:\.\d+)?%?")
_HEADING = 0.3  # a heading standing alone: a topic, no statement
_FIGURE = 0.7  # the weight of a figure's or table's text (cells, captions) and of footnotes


@dataclass
class LocatedSentence:
    """One located sentence of a source: where it is and how well it matches."""

    text: str
    passage: Passage
    source: Source
    score: float
    lexical: float = 0.0
    dense: float = 0.0


@dataclass
class _Sentence:
    text: str
    passage: Passage
    bag: frozenset[str]
    order: int


@dataclass
class _SourceIndex:
    source: Source
    sentences: list[_Sentence]
    df: Counter
    vectors: np.ndarray | None = None
    context: np.ndarray | None = None  # each sentence's passage vector (its heading and text)
    weight: np.ndarray | None = None  # how much a sentence can count (fragments, figures)
    squashed: str = ""  # the whole source, lower case, no spaces (what terms are found in)
    content: str = ""  # the text of its evidence passages (what numbers are found in)
    references: str = ""  # the text of its reference list
    by_passage: dict[int, list[int]] = field(default_factory=dict)


def glossed_terms(text: str) -> set[str]:
    """The stemmed English of a Chinese text's words by the dictionary (:func:`glosses`):
    weaker evidence than a listed term, so weighed less."""
    out: set[str] = set()
    for run in re.findall(f"{CJK_RE.pattern}+", text):
        for word in jieba.lcut(run, HMM=False):
            if len(word) >= 2:
                for g in glosses(word):
                    out |= set(tokenize(g))
    return out


_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])")
_CITE_MARK = re.compile(r"\[\d+(?:\s*[,–\-]\s*\d+)*\]")


def spaced(text: str) -> str:
    """Digits glued to Chinese characters set apart ("学习率为0.05并" -> "学习率为 0.05 并"), so
    that the number is read as one (a CJK character is a word character to a regex).

    >>> spaced("在一台32核CPU服务器上训练3个epoch")
    '在一台 32 核CPU服务器上训练 3 个epoch'
    """
    return _GLUED.sub(" ", text)


def stated_text(text: str) -> str:
    """A source's text as its numbers are read: citation markers ("[32]", "[10, 27]") are
    references, not quantities."""
    return _CITE_MARK.sub(" ", text)


def claim_terms(text: str) -> set[str]:
    """The lexical terms of a claim or a source sentence: its index tokens, its numbers (as
    :func:`docent.text.number_values` writes them) and, for a Chinese text, the stemmed
    English of its technical terms.

    >>> terms = claim_terms("Skip-gram 使用负采样，训练了 16 亿词")
    >>> {"1600000000", "16", "negat", "sampl"} <= terms
    True
    """
    terms = set(tokenize(text)) | number_values(spaced(stated_text(text)))
    if CJK_RE.search(text):
        for _, forms in english_forms(text):
            for form in forms:
                terms |= set(tokenize(form))
    return terms


def _is_evidence(text: str, passage: Passage) -> bool:
    """Whether a source sentence can be evidence for a finding: not a reference list, an
    author block or acknowledgements."""
    if passage.role is PassageRole.references:
        return False
    if _NOT_EVIDENCE.search(text):
        return False
    return not (passage.role is PassageRole.front and _EMAIL.search(text))


def _is_heading(text: str, passage: Passage) -> bool:
    """A section heading standing as a line of its own ("2.2 Recurrent Neural Net Language
    Model (RNNLM)"): it names a topic, it states nothing."""
    heading = (passage.locator.section or "").rsplit(" > ", 1)[-1]
    return bool(heading) and squashed(text).strip(".") == squashed(heading).strip(".")


def _windows(text: str) -> list[str]:
    out: list[str] = []
    for s, e in sentence_spans(text):
        piece = re.sub(r"\s+", " ", text[s:e]).strip()
        while len(piece) > _MAX_CHARS:
            cut = piece.rfind(" ", _MAX_CHARS // 2, _MAX_CHARS)
            cut = cut if cut > 0 else _MAX_CHARS
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    return out


def _in(term: str, hay: str) -> bool:
    """Whether ``term`` (or its singular: "LLMs" for a source that writes "LLM") is in the
    squashed ``hay``."""
    t = squashed(term)
    return t in hay or (len(t) > 3 and t.endswith("s") and t[:-1] in hay)


class EvidenceLocator:
    """Finds, for a claim, the sentences of given sources that state it (see the module)."""

    def __init__(self, store: Store, embedder: Embedder | None = None, *,
                 dense_weight: float = 0.7, context_weight: float = 0.0,
                 gloss_weight: float = 0.5, pair_weight: float = 0.85,
                 neighbour: float = _NEIGHBOUR, number_weight: float = 2.0) -> None:
        self.gloss_weight = gloss_weight
        self.number_weight = number_weight
        self.pair_weight = pair_weight
        self.neighbour = neighbour
        self.store = store
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.context_weight = context_weight
        self._indexes: dict[int, _SourceIndex] = {}

    # -- the index of one source -----------------------------------------------------------

    def index(self, source: Source) -> _SourceIndex:
        if source.id in self._indexes:
            return self._indexes[source.id]
        passages = self.store.passages(source.id)
        seen: set[tuple[int | None, str]] = set()
        sentences: list[_Sentence] = []
        content: list[str] = []
        for p in passages:
            for text in _windows(p.text):
                key = (p.locator.page, text)
                if key in seen:  # passages overlap by a sentence or two
                    continue
                seen.add(key)
                if not _is_evidence(text, p):
                    continue
                content.append(text)
                sentences.append(_Sentence(text, p, frozenset(claim_terms(text)),
                                           len(sentences)))
        df = Counter(t for s in sentences for t in s.bag)
        index = _SourceIndex(source, sentences, df,
                             squashed=squashed(unicodedata.normalize(
                                 "NFKC", " ".join(p.text for p in passages))),
                             content=" ".join(content),
                             references=" ".join(p.text for p in passages
                                                 if p.role is PassageRole.references))
        for i, s in enumerate(sentences):
            index.by_passage.setdefault(s.passage.id, []).append(i)
        index.weight = np.array([
            min(1.0, len(s.text.split()) / _SHORT if not CJK_RE.search(s.text)
                else len(s.text) / (2 * _SHORT))
            * (_FIGURE if s.passage.role in (PassageRole.figure, PassageRole.footnote) else 1.0)
            * (_HEADING if _is_heading(s.text, s.passage) else 1.0)
            for s in sentences], dtype=np.float32)
        if self.embedder is not None and sentences:
            index.vectors = self._vectors([s.text for s in sentences])
            ids, matrix = self.store.passage_vectors(self.embedder.name) \
                if self.context_weight else ([], None)
            rows = {int(i): k for k, i in enumerate(ids)}
            if len(ids):  # a passage without a vector (a reference list) gets none
                index.context = np.vstack([
                    matrix[rows[s.passage.id]] if s.passage.id in rows
                    else np.zeros(matrix.shape[1], dtype=np.float32) for s in sentences])
        self._indexes[source.id] = index
        return index

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Sentence embeddings, from the workspace's vector cache where it has them."""
        name = f"{self.embedder.name}#sentence"
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        have = self.store.cached_vectors(name, keys)
        todo = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in have]
        for i in range(0, len(todo), 64):
            part = todo[i:i + 64]
            vectors = self.embedder.embed_passages([t for _, t in part])
            self.store.put_vectors(name, zip([k for k, _ in part], vectors))
            have.update({k: v for (k, _), v in zip(part, vectors)})
        return np.vstack([have[k] for k in keys]).astype(np.float32)

    # -- search --------------------------------------------------------------------------------

    def locate(self, claim: str, sources: list[Source], *, within: set[int] | None = None,
               k: int = 3) -> list[LocatedSentence]:
        """The ``k`` best sentences for ``claim`` in ``sources`` (within the passages
        ``within`` when given, e.g. a named chunk and its neighbours), best first, each from a
        different place (passage) than those before it."""
        terms = claim_terms(claim)
        weak = glossed_terms(claim) - terms if self.gloss_weight else set()
        query = self.embedder.embed_query(claim) if self.embedder is not None else None
        scored: list[LocatedSentence] = []
        for source in sources:
            index = self.index(source)
            if not index.sentences:
                continue
            scores, lexical, dense = self._scores(index, terms, query, weak)
            keep = range(len(index.sentences)) if within is None else [
                i for pid in within for i in index.by_passage.get(pid, [])]
            for i in keep:
                s = index.sentences[i]
                scored.append(LocatedSentence(s.text, s.passage, source, float(scores[i]),
                                              float(lexical[i]), float(dense[i])))
        scored.sort(key=lambda h: -h.score)
        out: list[LocatedSentence] = []
        places: set[tuple[int | None, int | None]] = set()
        for hit in scored:
            place = (hit.source.id, hit.passage.locator.page or hit.passage.id)
            if place in places:
                continue
            places.add(place)
            out.append(hit)
            if len(out) >= k:
                break
        return out

    def _scores(self, index: _SourceIndex, terms: set[str], query: np.ndarray | None,
                weak: set[str] = frozenset()):
        n = len(index.sentences)
        # a quantity the claim shares with a sentence ("65.6", "8869") is the strongest sign
        idf = {t: (self.number_weight if _NUMBER_TERM.fullmatch(t) else 1.0)
               * math.log(1 + (n + 1) / (index.df.get(t, 0) + 0.5)) for t in terms}
        # a dictionary gloss that the source uses counts, less than a word of the claim itself
        idf |= {t: self.gloss_weight * math.log(1 + (n + 1) / (index.df[t] + 0.5))
                for t in weak if index.df.get(t)}
        terms = set(idf)
        total = sum(v for t, v in idf.items() if t not in weak) or 1.0
        lexical = np.array([sum(idf[t] for t in terms & s.bag) / total
                            for s in index.sentences], dtype=np.float32)
        if self.pair_weight:
            # a claim that joins two source sentences: their words together, a little less
            for i in range(n - 1):
                a, b = index.sentences[i], index.sentences[i + 1]
                if a.passage.locator.page != b.passage.locator.page:
                    continue
                pair = sum(idf[t] for t in terms & (a.bag | b.bag)) / total
                lexical[i] = max(lexical[i], self.pair_weight * pair)
                lexical[i + 1] = max(lexical[i + 1], self.pair_weight * pair)
        dense = np.zeros(n, dtype=np.float32)
        if query is not None and index.vectors is not None and n > 2:
            sims = index.vectors @ query
            dense = (sims - sims.mean()) / (sims.std() + 1e-6)
        context = np.zeros(n, dtype=np.float32)
        if query is not None and index.context is not None and n > 2:
            sims = index.context @ query
            context = (sims - sims.mean()) / (sims.std() + 1e-6)
        own = (lexical + self.dense_weight * 0.15 * dense) * index.weight \
            + self.context_weight * 0.15 * context
        # a little of the better neighbour's score: a claim that joins two source sentences
        left = np.concatenate([[0.0], own[:-1]])
        right = np.concatenate([own[1:], [0.0]])
        same_left = np.array([i > 0 and index.sentences[i - 1].passage.locator.page
                              == index.sentences[i].passage.locator.page for i in range(n)])
        same_right = np.array([i + 1 < n and index.sentences[i + 1].passage.locator.page
                               == index.sentences[i].passage.locator.page for i in range(n)])
        neighbour = np.maximum(left * same_left, right * same_right)
        return own + self.neighbour * neighbour, lexical, dense

    def with_next(self, hit: LocatedSentence) -> str:
        """A located sentence and the one after it on the same page (where a number the claim
        changed is often given: "We chose starting learning rate 0.025 ...")."""
        index = self.index(hit.source)
        at = next((i for i, s in enumerate(index.sentences)
                   if s.text == hit.text and s.passage.id == hit.passage.id), None)
        if at is None or at + 1 >= len(index.sentences):
            return hit.text
        after = index.sentences[at + 1]
        if after.passage.locator.page != hit.passage.locator.page:
            return hit.text
        return f"{hit.text} {after.text}"

    # -- what a source never states --------------------------------------------------------------

    def absent(self, claim: str, sources: list[Source]) -> list[str]:
        """The claim's key terms that occur nowhere in ``sources`` (the whole text, reference
        list included): Latin-script names and terms of a Chinese claim (``GloVe``,
        ``WordSim-353``), and its Chinese technical terms in any English form
        (``负采样 (negative sampling)``)."""
        hay = "".join(self.index(s).squashed for s in sources)
        missing: list[str] = []
        if not CJK_RE.search(claim):
            # in English, only names that no other wording could give: acronyms, names with
            # inner capitals or digits ("ALCE", "GloVe", "WordSim-353", "GPT-3")
            for term in _LATIN.findall(claim):
                if (_ACRONYM.fullmatch(term) or _INNER.search(term)) \
                        and not _in(term.rstrip("."), hay):
                    missing.append(term)
        else:
            # a name of several capitalised words is one name ("New York Times")
            for name in _NAME.findall(claim):
                if not _in(name, hay):
                    missing.append(name)
            claim_rest = _NAME.sub(" ", claim)
            for term in _LATIN.findall(claim_rest):
                low = term.lower().rstrip(".")
                if len(low) < 2 or low in _GENERIC or re.fullmatch(r"[a-z]\d*|\d.*", low):
                    continue
                # "one-hot" in a paper that writes "1-of-V coding": any form of the term
                if not _in(low, hay) and not present(same_term(low), hay):
                    missing.append(term)
            for zh, forms in english_forms(claim):
                if zh in NAMED and not present(forms, hay) and squashed(zh) not in hay:
                    missing.append(f"{zh} ({forms[0]})")
        return missing

    def unstated(self, claim: str, sources: list[Source], within: set[int] | None = None
                 ) -> set[str]:
        """The claim's numbers that no evidence sentence of ``sources`` states (of the passages
        ``within`` when given), in any way of writing them (reference lists and author blocks
        left out)."""
        if not numbers(spaced(claim)) and not re.search(r"[零一二两三四五六七八九十百千万亿]", claim):
            return set()
        if within is not None:
            texts = [s.text for src in sources for s in self.index(src).sentences
                     if s.passage.id in within]
        else:
            texts = [self.index(s).content for s in sources]
        missing = unstated_numbers(spaced(claim), [stated_text(" ".join(texts))])
        # a year the reference list gives is the year of a cited work ("Vaswani 等，2017")
        years = {m for m in missing if re.fullmatch(r"(?:19|20)\d\d", m)}
        if years:
            cited = " ".join(self.index(s).references for s in sources)
            missing -= {y for y in years if y in cited}
        return missing
