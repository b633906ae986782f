"""The support judge: does the cited passage support a report's sentence?

No packaged NLI model runs offline here, so the judge is built from what does run, and it says
"supported" only where it can back that up (the rest is ``unverified``, for the reader):

1. **Evidence alignment** (:mod:`docent.check.evidence`). The cited passage(s) are cut into
   sentences (:func:`docent.text.sentence_spans`); each is scored against the claim by IDF-weighted
   lexical overlap plus, with an embedder, multilingual embedding similarity (so a Chinese claim
   finds its English evidence). The best few, in document order, are the evidence shown to the
   model; the best one is :attr:`Judgement.evidence`.
2. **Measurements** (:class:`Features`), from the model's token probabilities
   (:meth:`docent.llm.ChatModel.token_scores`, one forward pass each): after worked examples
   (kept in the KV cache), the evidence and the claim, ``P(Yes)`` to "is every detail stated?";
   and how much the evidence raises the probability of each claim token over the same prompt
   without evidence -- a token the evidence makes *less* likely (a changed number, a reversed
   comparison, a wrong name) is the strongest sign of an unfaithful claim, in any language.
   Lexical coverage of the claim (same language only), Latin-script names missing from the
   evidence, and attribution (the authors credited with what a lecture, a document or the
   related work says; :func:`role_of`) complete them.
3. **Calibration** (:class:`Calibration`): a logistic function of those, fitted and
   cross-validated on the shared claim sets (``bench/validator.py --fit --cv 5``), with the
   threshold for "supported" set for its precision; below it the sentence is ``unverified``,
   far below ``not_supported``. Rules no score overrides: a number the passages never state is
   not supported; a missing name or a misattribution is at best unverified.
4. **By construction**, without the model: a bibliographic line copied from the title page
   (:func:`copied`), and an English sentence ``docent write`` rendered from one English source
   sentence that restates it (:func:`docent.check.restated.restated`), are supported; a
   rendered Chinese sentence whose subject is a pronoun for what came before
   (:func:`leans_on_context`), or that renders a term otherwise than the glossary the writer
   gave it (:meth:`docent.glossary.Glossary.lost`), or that drops how its source qualifies a
   quantity (:func:`docent.text.lost_qualifiers`: "about", "increase", "less"), is at best
   unverified.

An OpenAI-compatible endpoint that returns ``top_logprobs`` (``docent model-server``, vLLM)
gives ``P(Yes)`` but not the claim tokens' probabilities: a calibration that weighs their gains
then never says "supported" (:attr:`Features.gains_measured`; one weighing P(Yes) alone is
unaffected). Any other provider (an endpoint without logprobs, a user's stronger model) is
asked for constrained JSON output instead (``{"verdict": ...}``), so every provider works.

Usage::

    judge = get_judge(settings, embedder)
    j = judge.judge("ALCE contains 5 datasets.",
                    ["ALCE contains 3 datasets: ASQA, QAMPARI and ELI5."], roles=["paper"])
    j.verdict, j.evidence   # not supported; the sentence with "3 datasets"

The judge is pluggable: anything with ``name`` and ``judge(claim, passages, roles=None) ->
Judgement`` is a :class:`Judge`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from docent.check.evidence import EvidenceSelector, Sentence, cross_lingual, select_evidence
from docent.check.restated import restated
from docent.glossary import Glossary
from docent.llm.base import ChatModel, Message
from docent.text import CJK_RE, detect_language, lost_qualifiers, sentence_spans, unstated_numbers
from docent.types import Verdict

if TYPE_CHECKING:
    from collections.abc import Callable

    from docent.config import Settings
    from docent.index import Embedder

__all__ = [
    "Calibration",
    "Calibrations",
    "copied",
    "EvidenceSelector",
    "Judge",
    "Judgement",
    "ModelJudge",
    "get_judge",
    "select_evidence",
    "Features",
    "feature_vector",
    "latin_terms",
    "leans_on_context",
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
    """What the checks need of a judge (the one protocol: :class:`ModelJudge`, the caching
    wrapper of ``docent write``, scripted judges in tests)."""

    name: str

    def judge(self, claim: str, passages: list[str], roles: list[str] | None = None,
              **options) -> Judgement:
        """The verdict; ``roles`` as :func:`role_of` gives; ``rendered=True`` (passed only for
        a sentence ``docent write`` rendered from one source sentence, judged against that
        sentence) selects the calibration measured on such sentences."""


# --------------------------------------------------------------------------------------------
# the model's decision


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


_MISATTRIBUTED_ROLES = {"lecture", "document", "related_work"}

# The most the least per-token gain (log-probability of a claim token after the evidence less
# before it) reaches: 1.364 over 307 rendered sentences measured (bench/data/rendered-alce-4 to
# -7, -w2v-1; 99th percentile 0.68). Some token of a sentence is as likely without the evidence.
GAIN_CEILING = 1.5


def feature_vector(f: Features, mean_cov: tuple[float, float] = (0.37, 0.73)) -> dict[str, float]:
    """The named numbers a :class:`Calibration` weighs, derived from :class:`Features`."""
    ev = np.array(f.lp_ev or [0.0])
    base = np.array(f.lp_base or [0.0])
    n = min(len(ev), len(base))
    gain = ev[:n] - base[:n]
    cross = f.cov_best is None or f.translation is not None
    misattributed = f.credits_authors and not f.credits_speaker and (
        bool(set(f.roles) & _MISATTRIBUTED_ROLES) or f.others_work)
    low = np.sort(gain)
    return {
        "bias": 1.0,
        "yes": _logit(f.p_parts),
        "cov_best": mean_cov[0] if f.cov_best is None else float(f.cov_best),
        "cov_all": mean_cov[1] if f.cov_all is None else float(f.cov_all),
        "cross": float(cross),
        "min_gain": float(low[0]) if n else 0.0,
        "low2_gain": float(low[:2].mean()) if n else 0.0,
        "mean_gain": float(gain.mean()) if n else 0.0,
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

    w: dict[str, float] = field(default_factory=lambda: {"yes": 1.0})
    mean_cov: tuple[float, float] = (0.37, 0.73)
    supported_at: float = 0.5
    unverified_at: float = 0.2

    def could_support(self, f: Features) -> bool:
        """Whether ``f``, measured without the evidence-free baseline (its gains unknown),
        could still score "supported": the gains at the most :data:`GAIN_CEILING` (only the
        least gain weighed) or at anything (any other gain weighed: True)."""
        if self.w.get("low2_gain") or self.w.get("mean_gain"):
            return True
        x = feature_vector(f, self.mean_cov)
        x["min_gain"] = GAIN_CEILING
        return self._weighed(x) >= self.supported_at

    def score(self, f: Features) -> float:
        return self._weighed(feature_vector(f, self.mean_cov))

    def weighs_gains(self) -> bool:
        """Whether the score depends on the claim tokens' gains (their log-probabilities)."""
        return any(self.w.get(name) for name in ("min_gain", "low2_gain", "mean_gain"))

    def best_case(self, f: Features) -> float:
        """The highest score ``f`` could have whatever its unmeasured gains: the least gain at
        most :data:`GAIN_CEILING`; any other gain weighed is unbounded (1.0)."""
        if self.w.get("low2_gain") or self.w.get("mean_gain") or self.w.get("min_gain", 0) < 0:
            return 1.0
        x = feature_vector(f, self.mean_cov)
        x["min_gain"] = GAIN_CEILING
        return self._weighed(x)

    def _weighed(self, x: dict[str, float]) -> float:
        z = sum(w * x.get(name, 0.0) for name, w in self.w.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def decide(self, f: Features, claim: str, passages: list[str]) -> tuple[Verdict, float]:
        """The verdict and score for measured features, with the rules no score overrides: a
        number the passages never state is not supported; a Latin-script name the passages
        never mention, or the authors credited with what a lecture, a document or the related
        work says, is at best unverified."""
        if not f.gains_measured and self.weighs_gains():
            # the model gave no probabilities of the claim's tokens (an OpenAI-compatible
            # endpoint): "supported" cannot be established; the score is the most any gain
            # could make it, and "not supported" only when even that falls short
            score = self.best_case(f)
            if unstated_numbers(claim, passages):
                return Verdict.not_supported, min(score, 0.1)
            return (Verdict.not_supported if score < self.unverified_at
                    else Verdict.unverified), score
        score = self.score(f)
        if unstated_numbers(claim, passages):
            return Verdict.not_supported, min(score, 0.1)
        verdict = self.verdict(score)
        x = feature_vector(f, self.mean_cov)
        if verdict is Verdict.supported and (x["missing_terms"] or x["misattributed"]):
            verdict = Verdict.unverified
        return verdict, score

    def verdict(self, score: float) -> Verdict:
        if score >= self.supported_at:
            return Verdict.supported
        if score >= self.unverified_at:
            return Verdict.unverified
        return Verdict.not_supported


_COPY_LABEL = re.compile(r"^\W*(?:论文)?(?:题目|标题|名称|作者|作者单位|单位|机构|发表于?|会议|期刊|链接|"
                         r"地址|title|authors?|affiliations?|venue|published in)\s*[:：]\s*",
                         re.IGNORECASE)


def _restates(claim: str, passages: list[str], roles: list[str] | None) -> bool:
    """An English sentence rendered from one English source sentence that restates it
    (:func:`docent.check.restated.restated`)."""
    return len(passages) == 1 and restated(claim, passages[0], (roles or ["paper"])[0])


def copied(claim: str, passages: list[str]) -> bool:
    """True when the claim is a short label and text copied verbatim from the passages
    (``作者：Tianyu Gao、Howard Yen``; ``论文题目：《Enabling ...》``): supported by
    construction, whatever the model says.

    >>> copied("作者单位：Department of Computer Science, Princeton University。",
    ...        ["Department of Computer Science, Princeton University {tianyug}@cs"])
    True
    """
    body, labelled = _COPY_LABEL.subn("", claim.strip())
    body = body.strip().strip("《》“”\"'。.")
    if not labelled:
        return False
    pieces = [p.strip() for p in re.split(r"[、，,;；和]|\s+and\s+", body) if p.strip()]
    hay = re.sub(r"\s+", " ", " ".join(passages)).lower()
    return bool(pieces) and len(_LATIN_TERM.findall(body)) >= 2 and not CJK_RE.search(body) \
        and all(re.sub(r"\s+", " ", p).lower() in hay for p in pieces)


def _plain(text: str) -> str:
    """Text as a quotation is compared: no Markdown emphasis, no spacing, no closing mark."""
    text = re.sub(r"\*\*|__|`", "", text)
    return re.sub(r"\s+", "", text).rstrip("。．.！!？?；;")


def quoted(claim: str, passages: list[str]) -> bool:
    """True when the claim is one whole sentence of a passage, word for word (a Chinese
    tutorial's sentence quoted in a Chinese report): supported by construction.

    >>> quoted("BERT 的模型架构是取了 Transformer 的 Encoder 部分堆叠而成。",
    ...        ["BERT 的模型架构是取了 Transformer 的 Encoder 部分堆叠而成。其主要结构如下。"])
    True
    >>> quoted("BERT 的模型架构是 Encoder 部分堆叠而成。",
    ...        ["BERT 的模型架构是取了 Transformer 的 Encoder 部分堆叠而成。"])
    False
    """
    mine = _plain(claim)
    if len(mine) < 12:
        return False
    for passage in passages:
        for a, b in sentence_spans(passage):
            sentence = passage[a:b]
            if "\n" in sentence.strip():  # a heading line before the sentence
                sentence = sentence.strip().rsplit("\n", 1)[-1]
            if _plain(sentence) == mine:
                return True
    return False


@dataclass
class Calibrations:
    """One :class:`Calibration` for claims in the evidence's language, one across languages
    (a Chinese claim on an English passage), where words cannot be matched and the model's
    measurements mean something else, and one for the sentences ``docent write`` rendered from
    a known source sentence (a different population from a report written elsewhere: mostly
    close translations, whose errors are those of a translation), measured on such sentences
    labelled by careful readers: a Chinese sentence rendered from one English source sentence
    and judged against it (the population it was measured on; any other claim gets ``same`` or
    ``cross``)."""

    same: Calibration = field(default_factory=Calibration)
    cross: Calibration = field(default_factory=Calibration)
    rendered: Calibration | None = None

    def for_(self, f: Features, rendered: bool = False) -> Calibration:
        if rendered and self.rendered is not None:
            return self.rendered
        return self.cross if f.cov_best is None or f.translation is not None else self.same

    def decide(self, f: Features, claim: str, passages: list[str], rendered: bool = False
               ) -> tuple[Verdict, float]:
        if copied(claim, passages) or rendered and _restates(claim, passages, f.roles):
            return Verdict.supported, 1.0
        rendered = rendered and rendered_across(claim, passages)
        if rendered and self.rendered is not None and not self.rendered.could_support(f):
            # "supported" out of reach whatever the baseline: unverified, unless a number rule
            # says more (a score this low called "not supported" for none of the rendered
            # sentences careful readers labelled so: 2 of 3 were supported)
            verdict = Verdict.not_supported if unstated_numbers(claim, passages) \
                else Verdict.unverified
            return verdict, self.rendered.score(f)
        verdict, score = self.for_(f, rendered).decide(f, claim, passages)
        if rendered and verdict is Verdict.supported and leans_on_context(claim):
            verdict = Verdict.unverified  # what "this" is, one source sentence cannot show
        if rendered and verdict is Verdict.supported and _TERMS.lost(claim, " ".join(passages)):
            # told 现成的 for "off-the-shelf", the model wrote 预训练: a term rendered otherwise
            # than the glossary the writer gave it is a translation nobody checked
            verdict = Verdict.unverified
        if rendered and verdict is Verdict.supported and lost_qualifiers(claim, " ".join(passages)):
            verdict = Verdict.unverified  # "about two times speedup" rendered 两倍: not checked
        return verdict, score


_TERMS = Glossary()  # the standard terms every Chinese rendering prompt is given


def rendered_across(claim: str, passages: list[str]) -> bool:
    """A Chinese claim on English passages: with ``rendered=True``, the population the
    ``rendered`` calibration was measured on."""
    return detect_language(claim) == "zh" and all(detect_language(p) == "en" for p in passages)


_LEANS = re.compile(r"^(?:但是?|而且?|因此|所以|然而|不过|此外|同时)?[，,]?\s*"
                    r"(?:这|那|它们?|他们|她们)(?=是|使|让|也|就|会|可以|将|意味着|说明|表明)")


def leans_on_context(claim: str) -> bool:
    """A Chinese sentence whose subject is a pronoun standing for what came before ("但这是
    一个很好的实践"): judged against its one source sentence, what it says cannot be known.

    >>> leans_on_context("但这是一个很好的实践，因为某些层在训练时行为不同。")
    True
    >>> leans_on_context("这种设计考虑了以下因素。"), leans_on_context("MAUVE 测量相似性。")
    (False, False)
    """
    return bool(_LEANS.match(claim.strip()))


# Fitted by ``bench/validator.py --fit --cached`` on the shared claim sets (zh-claims-dev 159,
# report-audit-dev 53, the first 80 of wice-dev), with the judge's defaults (3 evidence
# sentences of at most 240 characters). No threshold gives "supported" 95% precision on 5 or
# more claims of either group, so ``supported_at`` is 1.0: the embedded 1.5B verifies only
# copied bibliographic lines (:func:`copied`); it separates unverified from not supported.
# A Chinese sentence docent write rendered from one English source sentence, judged against
# that sentence, is scored by the ``cross`` weights and called supported from 0.915. Four
# reports' sentences were labelled blind (bench/data/rendered-alce-4.jsonl to -6, the bundled
# example; rendered-w2v-1.jsonl, the Chinese assignment on word2vec): the threshold is just
# above the best-scoring sentence that is only partly supported (0.9105: "off-the-shelf LLMs"
# rendered 预训练语言模型), so all 25 verified rendered sentences of the four are supported.
# The fair estimate is lower: choosing the threshold on three reports (the lowest with 95%
# precision) and judging the fourth, 30 of the 32 sentences verified were supported (93.8%).
# An earlier threshold of 0.90, set on two reports, verified 2 partly supported sentences of
# the next. Models not listed get P(Yes) alone, at 0.5.
_CROSS_W = {"bias": 0.9119, "yes": 0.8018, "min_gain": 0.3082, "missing_terms": -0.0737,
            "misattributed": -1.6539}
CALIBRATIONS: dict[str, Calibrations] = {
    "qwen2.5-coder-1.5b": Calibrations(
        same=Calibration(w={"bias": -1.2094, "yes": 0.1998, "min_gain": 0.0744,
                            "cov_best": 0.8408, "cov_all": 1.516, "missing_terms": -1.9131,
                            "misattributed": 3.3817},
                         mean_cov=(0.417, 0.7474), supported_at=1.0, unverified_at=0.4012),
        cross=Calibration(w=_CROSS_W, mean_cov=(0.37, 0.73), supported_at=1.0,
                          unverified_at=0.336),
        rendered=Calibration(w=_CROSS_W, mean_cov=(0.37, 0.73), supported_at=0.915,
                             unverified_at=0.336)),
}


SYSTEM = ("You are a strict fact checker for students' reports. Given evidence sentences from a "
          "source and a claim (often in Chinese, about English evidence), answer Yes only if "
          "the evidence states every detail of the claim: the same facts, numbers, names, "
          "direction of comparisons, scope (all/some/only) and who did the work. Answer No if "
          "any detail is missing, changed, reversed, mistranslated, credited to the wrong people "
          "or added from outside the evidence.")

QUESTION = ("Is every detail of the claim stated or directly implied by the evidence? "
            "Answer Yes or No.")

# Worked examples, written for Docent from the word2vec paper (not from any test set): they
# stay in the KV cache, so they cost nothing per claim after the first.
EXAMPLES: list[tuple[str, list[str], str, bool]] = [
    ("paper", ["The CBOW architecture predicts the current word based on the context, and the "
               "Skip-gram predicts surrounding words given the current word."],
     "Skip-gram 模型根据当前词来预测它周围的词。", True),
    ("paper", ["The CBOW architecture predicts the current word based on the context, and the "
               "Skip-gram predicts surrounding words given the current word."],
     "CBOW 模型根据当前词来预测上下文中的词。", False),
    ("paper", ["In the following experiments, we use C = 10."],
     "实验中作者将最大上下文距离 C 设为 5。", False),
    ("related work", ["Probably the most successful concept is to use distributed "
                      "representations of words [10].", "For example, neural network based "
                      "language models significantly outperform N-gram models [1, 27, 17]."],
     "作者提出了神经网络语言模型，并证明它显著优于 N-gram 模型。", False),
    ("paper", ["The amount of relevant in-domain data for automatic speech recognition is "
               "limited - the performance is usually dominated by the size of high quality "
               "transcribed speech data."],
     "论文指出，语音识别的性能通常取决于高质量转写语音数据的规模。", True),
    ("paper", ["The amount of relevant in-domain data for automatic speech recognition is "
               "limited - the performance is usually dominated by the size of high quality "
               "transcribed speech data."],
     "论文指出，语音识别性能主要取决于声学模型的深度，因此作者设计了更深的网络。", False),
    ("paper", ["Neural network based language models significantly outperform N-gram models."],
     "基于神经网络的语言模型在所有任务上都优于其他任何模型。", False),
    ("paper", ["To find a word that is similar to small in the same sense as biggest is similar "
               "to big, we can simply compute vector X = vector(biggest) - vector(big) + "
               "vector(small)."],
     "通过计算 vector(biggest) - vector(big) + vector(small)，可以找到与 small 对应的最高级形式的词。",
     True),
    ("paper", ["The projection layer is shared for all words (not just the projection "
               "matrix)."],
     "所有词共享同一个投影仪层。", False),
    ("lecture transcript", ["so now we're going to train this bigram language model and I'm "
                            "going to use the AdamW optimizer with a learning rate of 1e-3"],
     "讲者使用 AdamW 优化器训练二元语言模型，学习率为 1e-3。", True),
]

_ROLE_WORDS = {"paper": "paper", "appendix": "paper, appendix", "front": "paper, title page",
               "related_work": "related work", "references": "reference list",
               "figure": "paper, a figure or table",
               "lecture": "lecture transcript", "document": "document"}


def _user_prompt(claim: str, evidence: list[str], role: str | None = None) -> str:
    lines = "\n".join(f"- {s}" for s in evidence) or "- (no text)"
    head = f"Evidence ({role}):" if role else "Evidence:"
    return f"{head}\n{lines}\n\nClaim: {claim}\n\n{QUESTION}"


def _messages(claim: str, evidence: list[str], role: str | None) -> list[Message]:
    out = [Message("system", SYSTEM)]
    for ex_role, ex_evidence, ex_claim, ok in EXAMPLES:
        out += [Message("user", _user_prompt(ex_claim, ex_evidence, ex_role)),
                Message("assistant", "Yes" if ok else "No")]
    return out + [Message("user", _user_prompt(claim, evidence, role))]


TRANSLATE = ("Translate the user's sentence into English, as literally as possible: keep every "
             "name, number, technical term, negation and comparison. Output only the English "
             "sentence.")

JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string",
                    "enum": ["supported", "partially_supported", "not_supported"]},
    },
    "required": ["verdict"],
}

# bump when the prompts or the measurements change: cached measurements are then redone
FEATURES_VERSION = 2

_YES_NO = [["Yes", "yes", "YES", " Yes"], ["No", "no", "NO", " No"]]

_JSON_SCORE = {"supported": 0.9, "partially_supported": 0.35, "not_supported": 0.05}


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
    if role in ("front", "references", "figure"):
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

    ``lp_ev``/``lp_base``: log-probability of each claim token after the evidence, and after
    the same prompt without it (their difference is what the evidence explains).
    """

    p_parts: float  # P(Yes) (the name kept for measurements cached by bench/validator.py)
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
    # False when the model gave P(Yes) but no probabilities of the claim's tokens (an
    # OpenAI-compatible endpoint): lp_ev/lp_base are empty, the gains unknown, not zero
    gains_measured: bool = True
    # across languages: the claim translated into the evidence's language by the judge model,
    # and the word coverage above measured on that translation
    translation: str | None = None
    best: Sentence | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "best"}
        return d


class ModelJudge:
    """A chat model as judge, over the selected evidence.

    With a model that exposes token probabilities (:meth:`ChatModel.token_scores`, the
    llama.cpp provider) it measures :class:`Features` and calibrates them; with any other
    :class:`ChatModel` it asks for a JSON verdict constrained by a schema.
    """

    def __init__(self, model: ChatModel, embedder: Embedder | None = None, *,
                 k: int = 3, max_chars: int = 240, calibration: Calibrations | None = None,
                 use_probabilities: bool = True, label: str | None = None,
                 dense_pool: int = 8, translate_claims: bool = False) -> None:
        self.model = model
        self.selector = EvidenceSelector(embedder, k=k, max_chars=max_chars,
                                         dense_pool=dense_pool)
        key = label or getattr(model, "name", "")
        self.calibration = calibration or _calibration_for(key)
        self.use_probabilities = use_probabilities
        self.translate_claims = translate_claims
        self.name = f"judge/{model.name}"
        self._probes: bool | None = None if use_probabilities else False

    # -- public -------------------------------------------------------------------------------

    def judge(self, claim: str, passages: list[str], roles: list[str] | None = None,
              rendered: bool = False) -> Judgement:
        """The verdict on ``claim`` against ``passages``; ``rendered``: the claim is a sentence
        ``docent write`` rendered from a source sentence of these passages (its own
        calibration)."""
        if copied(claim, passages) or quoted(claim, passages) or rendered and _restates(
                claim, passages, roles):
            # supported by construction: nothing to measure
            return Judgement(Verdict.supported, 1.0, passages[0][:240], 0)
        own = self.calibration.rendered if rendered and rendered_across(claim, passages) \
            else None
        f = self.features(claim, passages, roles,
                          base=True if own is None else own.could_support)
        if f is not None:  # the calibration applies the number rule itself (and, for a
            # rendered sentence whose first pass left "supported" out of reach, calls it
            # unverified without the baseline pass)
            verdict, score = self.calibration.decide(f, claim, passages, rendered=rendered)
            return Judgement(
                verdict=verdict, score=score, evidence=f.best.text if f.best else "",
                evidence_index=f.best.passage if f.best else None, raw=f.p_parts,
            )
        chosen, best = self.selector.select(claim, passages)
        j = self._judge_json(claim, [s.text for s in chosen], best)
        if j.verdict is not Verdict.not_supported and unstated_numbers(claim, passages):
            # a number the passages never state cannot be supported by them
            j.verdict, j.score = Verdict.not_supported, min(j.score, 0.1)
        return j

    def features(self, claim: str, passages: list[str], roles: list[str] | None = None,
                 base: bool | Callable[[Features], bool] = True) -> Features | None:
        """The calibration's inputs (:class:`Features`), or None when the model exposes no
        token probabilities.

        One forward pass over worked examples (cached), the evidence, the claim and the
        question gives ``P(Yes)`` and the log-probability of each claim token given the
        evidence; a second over the claim without evidence gives its baseline (``base``:
        whether to make it, or a test of the first pass's features: a calibration that weighs
        no gain, or that no gain can lift to "supported", needs no second pass).
        """
        if not self._has_probabilities():
            return None
        chosen, best, cov_best, cov_all = self.selector.select_with_coverage(claim, passages)
        evidence = [s.text for s in chosen]
        roles = list(roles or [])
        main_role = roles[best.passage] if best is not None and best.passage < len(roles) \
            else (roles[0] if roles else None)
        words = _ROLE_WORDS.get(main_role or "", None)
        scores = self.model.token_scores(_messages(claim, evidence, words), span=claim,
                                         answers=_YES_NO)
        cross = cross_lingual(claim, passages)
        best_text = best.text if best else ""
        p = scores.answers[0] if scores and scores.answers else 0.5
        f = Features(
            p_parts=p, p_full=p,
            cov_best=None if cross else cov_best, cov_all=None if cross else cov_all,
            lp_ev=(scores.span or []) if scores else [],
            missing_numbers=len(unstated_numbers(claim, passages)),
            missing_terms=len(missing_terms(claim, passages)),
            latin_terms=len(latin_terms(claim)),
            credits_authors=bool(_AUTHORS.search(claim)),
            credits_speaker=bool(_SPEAKER.search(claim)),
            roles=roles, others_work=bool(_OTHERS.search(best_text)), best=best,
            gains_measured=scores is None or scores.span is not None,
        )
        # without the claim tokens' probabilities the baseline pass would measure nothing
        if f.gains_measured and (base is True or callable(base) and base(f)):
            baseline = self.model.token_scores(_messages(claim, [], words), span=claim)
            f.lp_base = baseline.span if baseline else []
        if cross and self.translate_claims:
            self.add_translation(f, claim, passages)
        return f

    def translate(self, claim: str) -> str:
        """The claim in English, word for word as far as the model can (greedy), for matching
        its words with an English passage."""
        reply = self.model.complete(
            [Message("system", TRANSLATE), Message("user", claim)],
            max_tokens=int(len(claim) * 1.2) + 24, temperature=0.0, repeat_penalty=1.05)
        lines = [ln.strip() for ln in reply.text.strip().splitlines() if ln.strip()]
        text = re.sub(r"^(?:translation|english)\s*[:：]\s*", "", lines[0] if lines else "",
                      flags=re.IGNORECASE)
        return text.strip(" \"'“”")

    def add_translation(self, f: Features, claim: str, passages: list[str]) -> Features:
        """Fill ``f.translation`` and the word coverage of the translated claim."""
        f.translation = self.translate(claim)
        _, f.cov_best, f.cov_all = EvidenceSelector(None, k=self.selector.k,
                                                     max_chars=self.selector.max_chars
                                                     )._score(f.translation, passages)
        return f

    def _has_probabilities(self) -> bool:
        if self._probes is None:
            try:
                self._probes = self.model.token_scores(
                    [Message("user", "Answer Yes or No: is 2 > 1?")], answers=_YES_NO
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


def _calibration_for(name: str) -> Calibrations:
    for key, cal in CALIBRATIONS.items():
        if key in name:
            return cal
    return Calibrations()


def get_judge(settings: Settings, embedder: Embedder | None = None, *,
              role: str = "judge") -> Judge:
    """The configured judge model (``role="judge"``: the ``DOCENT_JUDGE_*`` settings where set,
    else the writer's; or ``"small"`` for quick runs) with evidence alignment."""
    from docent.llm import get_model

    return ModelJudge(get_model(settings, role=role), embedder)
