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

    def judge(self, claim: str, passages: list[str]) -> Judgement: ...


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


@dataclass
class Calibration:
    """``P(supported) = sigmoid(w . [1, logit(p_yes), coverage_best, coverage_all])``.

    ``p_yes`` is the model's (minimum over the claim's parts); ``coverage_best`` the IDF-weighted
    share of the claim's terms found in its best-matching sentence, ``coverage_all`` the share
    found anywhere in the cited text. Words cannot match across languages, so a cross-lingual
    claim gets the tuning split's mean coverages (``mean_cov``) -- the model's answer decides.
    Fitted (logistic regression, balanced classes) on a tuning split by ``bench/validator.py
    --fit``. ``supported`` at or above ``supported_at``; ``not_supported`` below
    ``partial_at``; between them ``partially_supported``.
    """

    w: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 0.0)
    mean_cov: tuple[float, float] = (0.5, 0.7)
    supported_at: float = 0.5
    partial_at: float = 0.2

    def __call__(self, p_yes: float, cov_best: float | None = None,
                 cov_all: float | None = None) -> float:
        p = min(max(p_yes, 1e-6), 1 - 1e-6)
        cb = self.mean_cov[0] if cov_best is None else cov_best
        ca = self.mean_cov[1] if cov_all is None else cov_all
        z = self.w[0] + self.w[1] * math.log(p / (1 - p)) + self.w[2] * cb + self.w[3] * ca
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def verdict(self, score: float) -> Verdict:
        if score >= self.supported_at:
            return Verdict.supported
        if score >= self.partial_at:
            return Verdict.partially_supported
        return Verdict.not_supported


# Fitted by ``bench/validator.py --fit 349 --cv 5`` on the 349 WiCE dev claims (those the
# number rule does not decide), with the judge's defaults (4 evidence sentences, 8 embedded per
# claim, at most 2 clauses). 5-fold cross-validation -- each claim judged by a calibration
# fitted without it -- gives 74.6 balanced accuracy at 2.7 s a claim on 2 cores. Models not
# listed get the identity on P(Yes).
CALIBRATIONS: dict[str, Calibration] = {
    "qwen2.5-coder-1.5b": Calibration(w=(-1.7382, 0.754, 1.852, 1.7189),
                                      mean_cov=(0.3701, 0.73), supported_at=0.4525,
                                      partial_at=0.3443),
}


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


class ModelJudge:
    """A chat model as judge, over the selected evidence.

    With a llama.cpp model (:class:`docent.llm.local.LlamaCppModel`) it reads token probabilities
    of the first answer token; with any other :class:`ChatModel` it asks for a JSON verdict
    constrained by a schema.
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
        self._prefix: list[int] | None = None
        self._answer_ids: tuple[list[int], list[int]] | None = None

    # -- public -------------------------------------------------------------------------------

    def judge(self, claim: str, passages: list[str]) -> Judgement:
        f = self.features(claim, passages)
        if f is None:
            chosen, best = self.selector.select(claim, passages)
            j = self._judge_json(claim, [s.text for s in chosen], best)
        else:
            p_yes, cov_best, cov_all, best = f
            score = self.calibration(p_yes, cov_best, cov_all)
            j = Judgement(
                verdict=self.calibration.verdict(score), score=score,
                evidence=best.text if best else "",
                evidence_index=best.passage if best else None, raw=p_yes,
            )
        if unstated_numbers(claim, passages):
            # a number the passages never state cannot be supported by them
            j.verdict, j.score = Verdict.not_supported, min(j.score, 0.1)
        return j

    def features(self, claim: str, passages: list[str]):
        """``(p_yes, coverage_best, coverage_all, best_sentence)``, the inputs of the
        calibration (coverages None across languages), or None without token probabilities.

        ``p_yes`` is the minimum over the claim's parts (:func:`claim_parts`): a claim is
        supported only if each part is. The evidence comes first in the prompt, so each part
        after the first costs only its own tokens (the KV cache keeps the evidence).
        """
        if not self._probabilities() or self._llama() is None:
            return None
        chosen, best, cov_best, cov_all = self.selector.select_with_coverage(claim, passages)
        evidence = [s.text for s in chosen]
        parts = _at_most(claim_parts(claim), self.max_parts) or [claim]
        p_yes = min(self.p_yes(part, evidence) for part in parts)
        if _cross_lingual(claim, passages):
            return p_yes, None, None, best
        return p_yes, cov_best, cov_all, best

    def p_yes(self, claim: str, evidence: list[str]) -> float | None:
        """``P(Yes) / (P(Yes) + P(No))`` for the first answer token, or None when the model
        exposes no token probabilities."""
        llm = self._llama()
        if llm is None:
            return None
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": _user_prompt(claim, evidence)}]
        tokens = self._tokens(llm, messages)
        logits = self._next_logits(llm, tokens)
        yes_ids, no_ids = self._answers(llm)
        m = float(np.max(logits))
        yes = float(np.sum(np.exp(logits[yes_ids] - m)))
        no = float(np.sum(np.exp(logits[no_ids] - m)))
        return yes / (yes + no) if yes + no > 0 else 0.5

    # -- token probabilities (llama.cpp) ------------------------------------------------------

    def _probabilities(self) -> bool:
        return self.use_probabilities and hasattr(self.model, "_llama")

    def _llama(self):
        if not self._probabilities():
            return None
        try:
            llm = self.model._llama()
        except Exception:  # noqa: BLE001 - any provider quirk: fall back to JSON output
            return None
        return llm if hasattr(llm, "eval") and hasattr(llm, "_ctx") else None

    def _tokens(self, llm, messages: list[dict]) -> list[int]:
        """The prompt through the model's own chat template (ChatML when it has none)."""
        template = (getattr(llm, "metadata", None) or {}).get("tokenizer.chat_template")
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            eos = llm.detokenize([llm.token_eos()]).decode("utf-8", "ignore")
            prompt = Jinja2ChatFormatter(template, eos_token=eos, bos_token="")(
                messages=messages).prompt
        else:
            prompt = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n"
                             for m in messages) + "<|im_start|>assistant\n"
        return llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)

    @staticmethod
    def _next_logits(llm, tokens: list[int]) -> np.ndarray:
        """Evaluate ``tokens`` (reusing the KV cache for a shared prefix, e.g. the system prompt)
        and return the logits of the next token."""
        if len(tokens) >= llm.n_ctx():
            tokens = tokens[-(llm.n_ctx() - 1):]
        same = 0
        cached = llm.n_tokens
        ids = llm.input_ids
        limit = min(cached, len(tokens) - 1)
        while same < limit and ids[same] == tokens[same]:
            same += 1
        llm.n_tokens = same  # eval() drops the KV cache past n_tokens
        llm.eval(tokens[same:])
        return np.array(np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)),
                        dtype=np.float64)

    def _answers(self, llm) -> tuple[list[int], list[int]]:
        if self._answer_ids is None:
            def ids(words: list[str]) -> list[int]:
                out: set[int] = set()
                for w in words:
                    toks = llm.tokenize(w.encode("utf-8"), add_bos=False, special=False)
                    if toks:
                        out.add(toks[0])
                return sorted(out)

            self._answer_ids = (ids(["Yes", "yes", "YES", " Yes"]),
                                ids(["No", "no", "NO", " No"]))
        return self._answer_ids

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
