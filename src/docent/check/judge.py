"""The support judge: does the cited passage support a report's sentence?

No packaged NLI model runs offline here, so the judge is built from what does run:

1. **Evidence alignment.** The cited passage(s) are cut into sentences
   (:func:`docent.text.sentence_spans`); each sentence is scored against the claim by
   IDF-weighted lexical overlap (:func:`docent.index.tokenize`, Chinese and English terms) plus,
   when an embedder is given, cosine similarity of multilingual embeddings -- the part that lets
   a Chinese claim find its English evidence. The best few sentences, in document order, are the
   evidence shown to the model; the best one is :attr:`Judgement.evidence`.
2. **Decision.** :class:`ModelJudge` asks a chat model whether the evidence supports the claim.
   With the embedded llama.cpp model it reads the next-token distribution after the prompt
   (one forward pass, no sampling) and takes ``P(Yes) / (P(Yes) + P(No))``. A claim is cut
   into its clauses (:func:`claim_parts`) and each is asked about -- supported only if every
   part is, so the minimum counts; the evidence comes first in the prompt, so it stays in the
   KV cache and each further part costs only its own tokens.
3. **Calibration.** ``P(supported)`` is a logistic function of the model's ``P(Yes)`` and the
   claim's lexical coverage by the evidence (claims with details absent from the page are
   rarely fully supported), fitted on a tuning split of WiCE (``bench/validator.py --fit``);
   thresholds on it give the 3-way :class:`Verdict`. Across languages coverage is undefined and
   the model's answer decides.

Any other provider (an OpenAI-compatible endpoint, a user's stronger model) is asked for
constrained JSON output instead (``{"verdict": ...}``), so every provider works.

Usage::

    judge = get_judge(settings, embedder)
    j = judge.judge("ALCE contains 5 datasets.",
                    ["ALCE contains 3 datasets: ASQA, QAMPARI and ELI5."])
    j.verdict, j.evidence   # not supported; the sentence with "3 datasets"

The judge is pluggable: anything with ``name`` and ``judge(claim, passages) -> Judgement`` is a
:class:`Judge`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from docent.index import tokenize
from docent.llm.base import ChatModel, Message
from docent.text import CJK_RE, detect_language, numbers, sentence_spans
from docent.types import Verdict

if TYPE_CHECKING:
    from docent.config import Settings
    from docent.index import Embedder

__all__ = [
    "Calibration",
    "EvidenceSelector",
    "Judge",
    "Judgement",
    "ModelJudge",
    "claim_parts",
    "get_judge",
    "select_evidence",
    "Features",
    "feature_vector",
    "latin_terms",
    "missing_terms",
    "role_of",
    "unstated_numbers",
]


@dataclass
class Judgement:
    verdict: Verdict
    score: float  # calibrated P(supported) in [0, 1]
    evidence: str  # the best supporting span (sentence) in the cited passage(s)
    evidence_index: int | None  # which passage it comes from (index into ``passages``)
    raw: float | None = field(default=None, repr=False)  # the model's uncalibrated P(Yes)


class Judge(Protocol):
    name: str

    def judge(self, claim: str, passages: list[str], roles: list[str] | None = None
              ) -> Judgement: ...


# --------------------------------------------------------------------------------------------
# evidence alignment


@dataclass
class Sentence:
    text: str
    passage: int  # index into the passages
    order: int  # position in the concatenated passages
    score: float = 0.0


def _split(passages: list[str], max_chars: int) -> list[Sentence]:
    out: list[Sentence] = []
    for p, text in enumerate(passages):
        for s, e in sentence_spans(text):
            piece = re.sub(r"\s+", " ", text[s:e]).strip()
            if not piece:
                continue
            # very long "sentences" (tables, run-on extraction) are cut into windows
            while len(piece) > max_chars:
                cut = piece.rfind(" ", max_chars // 2, max_chars)
                cut = cut if cut > 0 else max_chars
                out.append(Sentence(piece[:cut].strip(), p, len(out)))
                piece = piece[cut:].strip()
            if piece:
                out.append(Sentence(piece, p, len(out)))
    return out


def _number_terms(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


class EvidenceSelector:
    """Scores the sentences of the cited passage(s) against a claim and keeps the best ones.

    Lexical: IDF-weighted share of the claim's terms that a sentence contains (IDF over the
    sentences themselves, so words common on the page count little). Dense (when an embedder is
    given): cosine of multilingual embeddings, computed for the lexical top ``dense_pool``
    sentences -- or for all of them (up to ``dense_max``) when the claim's language differs
    from the passage's, where words cannot match.
    """

    def __init__(self, embedder: Embedder | None = None, *, k: int = 6,
                 max_chars: int = 320, dense_weight: float = 1.0, dense_pool: int = 16,
                 dense_max: int = 48) -> None:
        self.embedder = embedder
        self.k = k
        self.max_chars = max_chars
        self.dense_weight = dense_weight
        self.dense_pool = dense_pool
        self.dense_max = dense_max

    def score(self, claim: str, passages: list[str]) -> list[Sentence]:
        return self._score(claim, passages)[0]

    def _score(self, claim: str, passages: list[str]) -> tuple[list[Sentence], float, float]:
        """Scored sentences, and the claim's lexical coverage by the best sentence and by all."""
        sents = _split(passages, self.max_chars)
        if not sents:
            return [], 0.0, 0.0
        claim_terms = set(tokenize(claim)) | _number_terms(claim)
        bags = [set(tokenize(s.text)) | _number_terms(s.text) for s in sents]
        df = Counter(t for bag in bags for t in bag if t in claim_terms)
        n = len(sents)
        idf = {t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in claim_terms}
        total = sum(idf.values()) or 1.0
        for s, bag in zip(sents, bags):
            s.score = sum(idf[t] for t in claim_terms & bag) / total
        cov_best = max(s.score for s in sents)
        cov_all = len([t for t in claim_terms if df.get(t)]) / max(len(claim_terms), 1)
        if self.embedder is not None and n > 1:
            cross = _cross_lingual(claim, passages)
            lexical_top = sorted(range(n), key=lambda i: -sents[i].score)[: self.dense_pool]
            # across languages words cannot match: embed every sentence (up to dense_max)
            pool = sorted(set(range(min(n, self.dense_max))) | set(lexical_top)) if cross \
                else lexical_top
            q = self.embedder.embed_query(claim)
            sims = self.embedder.embed_passages([sents[i].text for i in pool]) @ q
            # e5 cosines sit in a narrow band (~0.7-0.9): standardise them over the pool
            sims = (sims - sims.mean()) / (sims.std() + 1e-6) if len(pool) > 2 else sims * 0
            weight = self.dense_weight * (3.0 if cross else 1.0)
            for i, sim in zip(pool, sims):
                sents[i].score += weight * 0.15 * float(sim)
        return sents, cov_best, cov_all

    def select(self, claim: str, passages: list[str]) -> tuple[list[Sentence], Sentence | None]:
        """The ``k`` best sentences in document order, and the single best one."""
        chosen, best, _, _ = self.select_with_coverage(claim, passages)
        return chosen, best

    def select_with_coverage(self, claim: str, passages: list[str]):
        sents, cov_best, cov_all = self._score(claim, passages)
        if not sents:
            return [], None, 0.0, 0.0
        ranked = sorted(sents, key=lambda s: -s.score)
        chosen = sorted(ranked[: self.k], key=lambda s: s.order)
        return chosen, ranked[0], cov_best, cov_all


def select_evidence(claim: str, passages: list[str], embedder: Embedder | None = None,
                    k: int = 6) -> list[str]:
    """The ``k`` sentences of ``passages`` most relevant to ``claim``, best first."""
    sents = EvidenceSelector(embedder, k=k).score(claim, passages)
    return [s.text for s in sorted(sents, key=lambda s: -s.score)[:k]]


def _cross_lingual(claim: str, passages: list[str]) -> bool:
    lang = detect_language(claim)
    return any(detect_language(p) not in (lang, "und") for p in passages[:8])


# --------------------------------------------------------------------------------------------
# the model's decision


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


_MISATTRIBUTED_ROLES = {"lecture", "document", "related_work"}


def feature_vector(f: Features, mean_cov: tuple[float, float] = (0.37, 0.73)) -> dict[str, float]:
    """The named numbers a :class:`Calibration` weighs, derived from :class:`Features`."""
    ev = np.array(f.lp_ev or [0.0])
    base = np.array(f.lp_base or [0.0])
    n = min(len(ev), len(base))
    gain = ev[:n] - base[:n]
    cross = f.cov_best is None
    misattributed = f.credits_authors and not f.credits_speaker and (
        bool(set(f.roles) & _MISATTRIBUTED_ROLES) or f.others_work)
    return {
        "bias": 1.0,
        "yes_parts": _logit(f.p_parts),
        "yes_full": _logit(f.p_full),
        "cov_best": mean_cov[0] if cross else float(f.cov_best),
        "cov_all": mean_cov[1] if cross else float(f.cov_all),
        "cross": float(cross),
        "lp_ev": float(ev.mean()),
        "gain": float(gain.mean()) if n else 0.0,
        "surprise": float(np.mean((ev < -4.0) & (gain < 1.0))) if n else 0.0,
        "missing_terms": float(min(f.missing_terms, 3)),
        "misattributed": float(misattributed),
    }


@dataclass
class Calibration:
    """``P(supported) = sigmoid(sum(w[name] * feature_vector(f)[name]))``.

    Fitted (logistic regression, balanced classes, cross-validated) by ``bench/validator.py
    --fit``. The thresholds are set for the precision of "supported": ``supported`` at or above
    ``supported_at``; ``not_supported`` below ``unverified_at``; between them ``unverified``
    (the judge could not establish support: the reader checks it).
    """

    w: dict[str, float] = field(default_factory=lambda: {"yes_parts": 1.0})
    mean_cov: tuple[float, float] = (0.37, 0.73)
    supported_at: float = 0.5
    unverified_at: float = 0.2

    def score(self, f: Features) -> float:
        x = feature_vector(f, self.mean_cov)
        z = sum(w * x.get(name, 0.0) for name, w in self.w.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def verdict(self, score: float) -> Verdict:
        if score >= self.supported_at:
            return Verdict.supported
        if score >= self.unverified_at:
            return Verdict.unverified
        return Verdict.not_supported


# Fitted by ``bench/validator.py --fit``; models not listed get P(Yes) alone.
CALIBRATIONS: dict[str, Calibration] = {}


SYSTEM = ("You are a careful fact checker. Given evidence sentences from a source and a claim, "
          "decide whether the evidence fully supports every part of the claim.")

QUESTION = ("Is every detail of the claim stated or directly implied by the evidence? "
            "Answer Yes or No.")

JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string",
                    "enum": ["supported", "partially_supported", "not_supported"]},
    },
    "required": ["verdict"],
}

_JSON_SCORE = {"supported": 0.9, "partially_supported": 0.35, "not_supported": 0.05}


_PART_SPLIT = re.compile(
    r",\s+(?:and\s+|but\s+|while\s+|which\s+|who\s+|where\s+)?|;\s+|\s+and\s+"
    r"|[，；]|并且|而且|以及")


def claim_parts(claim: str, min_words: int = 4) -> list[str]:
    """The claim cut at clause boundaries (commas, "and", "which", 。；，并且 ...) into parts of
    at least ``min_words`` terms (shorter pieces join the previous part); [] when it is one part.
    Cheap decomposition: "X was born in 1950 and won the 1980 prize" -> two checks."""
    pieces = [p.strip() for p in _PART_SPLIT.split(claim.strip().rstrip(".。"))]
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        size = len(tokenize(piece)) if CJK_RE.search(piece) else len(piece.split())
        if out and size < min_words:
            out[-1] += ", " + piece
        else:
            out.append(piece)
    return out if len(out) > 1 else []


def _at_most(parts: list[str], n: int) -> list[str]:
    """Join the shortest neighbouring parts until at most ``n`` are left (nothing dropped)."""
    parts = list(parts)
    while len(parts) > max(n, 1):
        i = min(range(len(parts) - 1), key=lambda j: len(parts[j]) + len(parts[j + 1]))
        parts[i:i + 2] = [parts[i] + ", " + parts[i + 1]]
    return parts


def _user_prompt(claim: str, evidence: list[str]) -> str:
    lines = "\n".join(f"- {s}" for s in evidence) or "- (no text)"
    return f"Evidence:\n{lines}\n\nClaim: {claim}\n\n{QUESTION}"


_LATIN_TERM = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_AUTHORS = re.compile(r"作者|本文|论文|研究团队|研究者|the authors|\bthis paper\b|\bwe\b",
                      re.IGNORECASE)
_SPEAKER = re.compile(r"讲者|讲师|演讲者|视频|讲座|课程|the speaker|the lecture|the video",
                      re.IGNORECASE)
_OTHERS = re.compile(r"et al\.|\(\s*(?:19|20)\d{2}[a-z]?\s*[;)]|[A-Z][a-z]+ and [A-Z][a-z]+ "
                     r"\(\d{4}")


_RELATED = re.compile(r"related work|background|previous work|prior work|相关工作|研究现状",
                      re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:appendix\b|附录|[A-H](?:\.\d+)*\s+[A-Z])")


def role_of(kind: str, role: str | None = None, section: str | None = None) -> str:
    """What a cited passage is, for attribution: ``front`` (title block), ``references``,
    ``related_work``, ``appendix`` or ``paper`` for a PDF; ``lecture`` for a recording or its
    subtitles; ``document`` for a web page, notes or a knowledge-base file.

    >>> role_of("pdf", "body", "7 Related Work"), role_of("subtitles"), role_of("markdown")
    ('related_work', 'lecture', 'document')
    """
    kind = str(getattr(kind, "value", kind))
    role = str(getattr(role, "value", role)) if role is not None else None
    if kind in ("media", "subtitles"):
        return "lecture"
    if kind != "pdf":
        return "document"
    if role in ("front", "references"):
        return role
    if section and _RELATED.search(section):
        return "related_work"
    if role == "appendix" or (section and _APPENDIX.match(section.strip())):
        return "appendix"
    return "paper"


def latin_terms(text: str) -> set[str]:
    """Names, acronyms and code words written in Latin script inside a CJK sentence (``GPT-2``,
    ``ELI5``, ``BM25``), lower-cased; empty for an English sentence, where they are ordinary
    words."""
    if not CJK_RE.search(text):
        return set()
    return {t.lower() for t in _LATIN_TERM.findall(text) if len(t) >= 2}


def missing_terms(claim: str, passages: list[str]) -> set[str]:
    """The claim's Latin-script terms (in a CJK claim) that no passage contains."""
    hay = re.sub(r"\s+", " ", " ".join(passages)).lower()
    squashed = re.sub(r"[\s\-_.]", "", hay)
    return {t for t in latin_terms(claim)
            if t not in hay and re.sub(r"[\-_.]", "", t) not in squashed}


@dataclass
class Features:
    """What the judge measured of one claim against its evidence (the calibration's inputs).

    ``lp_ev``/``lp_base``: log-probability of each claim token when the model restates the
    evidence, and without the evidence (their difference is what the evidence explains).
    """

    p_parts: float  # P(Yes), minimum over the claim's parts
    p_full: float  # P(Yes) for the whole claim
    cov_best: float | None  # None across languages
    cov_all: float | None
    lp_ev: list[float] = field(default_factory=list)
    lp_base: list[float] = field(default_factory=list)
    missing_numbers: int = 0
    missing_terms: int = 0
    latin_terms: int = 0
    credits_authors: bool = False
    credits_speaker: bool = False
    roles: list[str] = field(default_factory=list)
    others_work: bool = False  # the best evidence credits someone else (et al., a citation)
    best: Sentence | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "best"}
        return d


class ModelJudge:
    """A chat model as judge, over the selected evidence.

    With a model that exposes token probabilities (:meth:`ChatModel.answer_probabilities`, the
    llama.cpp provider) it measures :class:`Features` and calibrates them; with any other
    :class:`ChatModel` it asks for a JSON verdict constrained by a schema.
    """

    def __init__(self, model: ChatModel, embedder: Embedder | None = None, *,
                 k: int = 4, max_chars: int = 280, calibration: Calibration | None = None,
                 use_probabilities: bool = True, label: str | None = None,
                 max_parts: int = 2, dense_pool: int = 8) -> None:
        self.model = model
        self.selector = EvidenceSelector(embedder, k=k, max_chars=max_chars,
                                         dense_pool=dense_pool)
        key = label or getattr(model, "name", "")
        self.calibration = calibration or _calibration_for(key)
        self.use_probabilities = use_probabilities
        self.max_parts = max_parts
        self.name = f"judge/{model.name}"
        self._probes: bool | None = None if use_probabilities else False

    # -- public -------------------------------------------------------------------------------

    def judge(self, claim: str, passages: list[str], roles: list[str] | None = None
              ) -> Judgement:
        f = self.features(claim, passages, roles)
        if f is None:
            chosen, best = self.selector.select(claim, passages)
            j = self._judge_json(claim, [s.text for s in chosen], best)
        else:
            score = self.calibration.score(f)
            j = Judgement(
                verdict=self.calibration.verdict(score), score=score,
                evidence=f.best.text if f.best else "",
                evidence_index=f.best.passage if f.best else None, raw=f.p_parts,
            )
        if unstated_numbers(claim, passages):
            # a number the passages never state cannot be supported by them
            j.verdict, j.score = Verdict.not_supported, min(j.score, 0.1)
        return j

    def features(self, claim: str, passages: list[str], roles: list[str] | None = None
                 ) -> Features | None:
        """The calibration's inputs (:class:`Features`), or None when the model exposes no
        token probabilities.

        ``P(Yes)`` is asked for the whole claim and for each of its parts (:func:`claim_parts`;
        supported only if each part is). The evidence comes first in every prompt, so it stays
        in the KV cache and each further question costs only its own tokens.
        """
        if not self._has_probabilities():
            return None
        chosen, best, cov_best, cov_all = self.selector.select_with_coverage(claim, passages)
        evidence = [s.text for s in chosen]
        lp_ev = self.model.continuation_logprobs(_restate_prompt(claim, evidence), claim) or []
        p_full = self.p_yes(claim, evidence)
        parts = _at_most(claim_parts(claim), self.max_parts)
        p_parts = min([p_full] + [self.p_yes(part, evidence) for part in parts])
        lp_base = self.model.continuation_logprobs(_restate_prompt(claim, None), claim) or []
        cross = _cross_lingual(claim, passages)
        roles = list(roles or [])
        best_text = best.text if best else ""
        return Features(
            p_parts=p_parts, p_full=p_full,
            cov_best=None if cross else cov_best, cov_all=None if cross else cov_all,
            lp_ev=lp_ev, lp_base=lp_base,
            missing_numbers=len(unstated_numbers(claim, passages)),
            missing_terms=len(missing_terms(claim, passages)),
            latin_terms=len(latin_terms(claim)),
            credits_authors=bool(_AUTHORS.search(claim)),
            credits_speaker=bool(_SPEAKER.search(claim)),
            roles=roles, others_work=bool(_OTHERS.search(best_text)), best=best,
        )

    def p_yes(self, claim: str, evidence: list[str]) -> float:
        """``P(Yes) / (P(Yes) + P(No))`` for the first answer token."""
        probs = self.model.answer_probabilities(
            [Message("system", SYSTEM), Message("user", _user_prompt(claim, evidence))],
            [["Yes", "yes", "YES", " Yes"], ["No", "no", "NO", " No"]])
        return probs[0] if probs else 0.5

    def _has_probabilities(self) -> bool:
        if self._probes is None:
            try:
                self._probes = self.model.answer_probabilities(
                    [Message("user", "Answer Yes or No: is 2 > 1?")], [["Yes"], ["No"]]
                ) is not None
            except Exception:  # noqa: BLE001 - any provider quirk: fall back to JSON output
                self._probes = False
        return self._probes

    # -- any provider: constrained JSON ----------------------------------------------------------

    def _judge_json(self, claim: str, evidence: list[str], best: Sentence | None) -> Judgement:
        prompt = (_user_prompt(claim, evidence).replace(QUESTION, "")
                  + 'Reply with JSON: {"verdict": "supported" | "partially_supported" | '
                  '"not_supported"}. "supported" only if every detail of the claim is in the '
                  "evidence; \"partially_supported\" if some of it is; otherwise "
                  '"not_supported".')
        reply = self.model.complete(
            [Message("system", SYSTEM), Message("user", prompt)],
            max_tokens=24, temperature=0.0, json_schema=JSON_SCHEMA,
        )
        verdict = _parse_verdict(reply.text)
        return Judgement(
            verdict=verdict, score=_JSON_SCORE[verdict.value],
            evidence=best.text if best else "", evidence_index=best.passage if best else None,
        )


def _restate_prompt(claim: str, evidence: list[str] | None) -> list[Message]:
    lang = "Chinese" if detect_language(claim) == "zh" else "English"
    lines = "\n".join(f"- {s}" for s in evidence) if evidence is not None else "- (not shown)"
    return [Message("system", SYSTEM),
            Message("user", f"Evidence:\n{lines}\n\nRestate one point of the evidence "
                            f"faithfully in one {lang} sentence.")]


def _parse_verdict(text: str) -> Verdict:
    try:
        value = json.loads(text).get("verdict", "")
    except (ValueError, AttributeError):
        value = text
    value = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    for v in (Verdict.partially_supported, Verdict.not_supported, Verdict.supported):
        if v.value in value:
            return v
    if value.startswith(("yes", "true")):
        return Verdict.supported
    if "partial" in value:
        return Verdict.partially_supported
    return Verdict.not_supported


def unstated_numbers(claim: str, passages: list[str]) -> set[str]:
    """Numbers the claim states and the passages do not (digits only, normalised)."""
    return numbers(claim) - numbers(" ".join(passages))


def _calibration_for(name: str) -> Calibration:
    for key, cal in CALIBRATIONS.items():
        if key in name:
            return cal
    return Calibration()


def get_judge(settings: Settings, embedder: Embedder | None = None, *,
              role: str = "judge") -> Judge:
    """The configured judge model (``role="judge"``, or ``"small"`` for quick runs) with
    evidence alignment."""
    from docent.llm import get_model

    return ModelJudge(get_model(settings, role=role), embedder)
