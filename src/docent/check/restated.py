"""A rendered English sentence that restates its English source sentence word for word, or
nearly: supported by construction, as a copied bibliographic line is, without the model.

``docent write`` renders an English report sentence by sentence from the sources' sentences,
and the small model mostly keeps the wording: "We observe large improvements in accuracy"
becomes "The authors observe large improvements in accuracy". The judge's model cannot tell
such a sentence from a subtle distortion with the precision a verdict needs (it verifies almost
none of them), but the words can: a restatement that adds no content word, keeps the source's
words in their order, keeps most of them, and changes no negation, number, scope, hedge or
comparison word says what its source says::

    >>> restated("The authors observe large improvements in accuracy at much lower "
    ...          "computational cost.",
    ...          "We observe large improvements in accuracy at much lower computational cost.")
    True
    >>> restated("The authors observe large improvements in accuracy at much higher "
    ...          "computational cost.",
    ...          "We observe large improvements in accuracy at much lower computational cost.")
    False

Only a sentence rendered from one source sentence, judged against that sentence, is decided
so (:meth:`docent.check.judge.ModelJudge.judge` with ``rendered=True``); a report written
elsewhere is judged as before.
"""

from __future__ import annotations

import re

from docent.index.tokenize import _EN_STOP, _stemmer
from docent.text import CJK_RE, unlinked, unstated_numbers

__all__ = ["restated"]

# words whose presence changes what a sentence claims, all of which must agree
_NEGATION = frozenset("not no never none neither nor without cannot fail fails failed "
                      "unable lack lacks lacking".split())
_SCOPE = frozenset(
    """all every each any some many most few several only always often usually sometimes rarely
    generally typically mostly mainly largely partly may might can could would should must
    likely unlikely possibly probably approximately about around nearly almost roughly least
    more less fewer better worse higher lower larger smaller faster slower best worst than
    significantly slightly considerably substantially much greatly first""".split())
# relations a restatement must not add
_RELATION = frozenset("because since therefore thus hence so due consequently but however "
                      "although though while whereas yet despite unlike instead".split())
# who speaks: the source's "we" is the report's "the authors"
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|i|my|me)\b|\bthis (?:paper|work|study)\b")
# the words that may stand for the source's first person, by what the source is (see
# :func:`docent.check.judge.role_of`): the paper's authors, a lecture's speaker
_VOICE = {"paper": frozenset("author authors paper work study".split()),
          "appendix": frozenset("author authors paper work study".split()),
          "lecture": frozenset("speaker".split())}


# a citation of other work inside the source sentence: "(Pillutla et al., 2021)", "[12, 13]"
_CITATION = re.compile(r"\((?=[^()]*(?:\bet al\b|\b(?:19|20)\d{2}[a-z]?\b))[^()]*\)"
                       r"|\[\d+(?:\s*[,–-]\s*\d+)*\]")


_TOKEN = re.compile(r"[a-z0-9]+(?:[-'.][a-z0-9]+)*|[,;:(—–]")
_BREAKS = frozenset([",", ";", ":", "(", "—", "–", "i.e", "e.g"])
# what a restatement may leave out before the words it keeps: "In this work, we ..."
_FRAMING = frozenset("work paper study example instance addition particular general short "
                     "summary practice".split())


def _tokens(text: str) -> list[str]:
    text = _CITATION.sub(" ", text)
    text = re.sub(r"n't\b", " not", text.lower().replace("’", "'"))
    text = re.sub(r"\bcannot\b", "can not", text)
    out: list[str] = []
    for t in _TOKEN.findall(text):
        t = t.rstrip(".") if t not in ("i.e.", "e.g.") else t[:-1]
        # "high-quality" and "high quality" are the same words
        out += t.split("-") if "-" in t and not any(c.isdigit() for c in t) else [t]
    return [t for t in out if t]


def _stem(token: str) -> str | None:
    """The content word's stem, or None for a stop word, a scope or relation word, a break."""
    if token in _EN_STOP or token in _NEGATION | _SCOPE | _RELATION | _BREAKS \
            or (len(token) == 1 and token.isalpha()):
        return None
    return _stemmer().stemWord(token.replace("-", ""))


def _align(a: list[str], b: list[str]) -> list[int]:
    """Indices into ``b`` of a longest common subsequence of ``a`` and ``b``."""
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(
                table[i + 1][j], table[i][j + 1])
    out, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            out.append(j)
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


def restated(claim: str, source: str, role: str = "paper", *, keep: float = 0.9,
             order: float = 0.85) -> bool:
    """Whether English ``claim`` restates English ``source``, or its leading part up to a
    clause break (a comma, "i.e."): every content word of the claim is the source's (a paper's
    "we" may be "the authors", a lecture's "the speaker": ``role`` as
    :func:`docent.check.judge.role_of` names the source), at least ``order`` of them in the
    source's order; the claim keeps at least ``keep`` of the content words of the part it
    restates, leaving out no two of them in a row, and that part's negation, scope, hedge and
    comparison words exactly; it adds no number and no relation (because, but, thus ...).

    >>> restated("The authors use MAUVE to evaluate the fluency of the output [3].",
    ...          "We use MAUVE (Pillutla et al., 2021) to evaluate the fluency of the output.")
    True
    >>> restated("MAUVE does not evaluate the fluency of the output.",
    ...          "We use MAUVE to evaluate the fluency of the output.")
    False
    >>> restated("Most models evaluate fluency with MAUVE.",  # a scope word the source lacks
    ...          "Models evaluate fluency with MAUVE.")
    False
    >>> restated("The authors use MAUVE to evaluate the fluency of the output.",
    ...          "I use MAUVE to evaluate the fluency of the output.", "lecture")
    False
    >>> restated("The best model lacks complete citation support.",  # drops "On ELI5,"
    ...          "On ELI5, the best model lacks complete citation support.")
    False
    >>> restated("The models improve accuracy.",  # drops a qualifier that is not a clause
    ...          "The models improve accuracy on rare words.")
    False
    >>> restated("The new models improve the accuracy of large language models in English.",
    ...          "The new models improve the accuracy on rare words of large language models "
    ...          "in English.")  # a phrase left out inside the sentence
    False
    >>> restated("The authors propose to provide summaries of passages.",  # the link left out
    ...          "To tackle this limitation, we propose to provide summaries of passages.")
    True
    """
    if CJK_RE.search(claim) or CJK_RE.search(source):
        return False
    if (alone := unlinked(source)) != source and restated(claim, alone, role, keep=keep,
                                                          order=order):
        return True  # "To tackle this limitation, we propose ...": rendered without the link
    ct, st = _tokens(claim), _tokens(source)
    if unstated_numbers(_CITATION.sub(" ", claim), [_CITATION.sub(" ", source)]):
        return False
    cc = [x for x in map(_stem, ct) if x]
    if _FIRST_PERSON.search(source.lower()):
        voice = {_stemmer().stemWord(v) for v in _VOICE.get(role, ())}
        said = {x for x in map(_stem, st) if x}
        cc = [w for w in cc if w not in voice or w in said]
    where = [(i, x) for i, x in enumerate(map(_stem, st)) if x]  # source content words
    sc = [x for _, x in where]
    if len(cc) < 4 or not set(cc) <= set(sc):
        return False
    matched = _align(cc, sc)
    if len(matched) < order * len(cc):
        return False
    first, last = matched[0], matched[-1]
    if not {sc[k] for k in range(first)} <= {_stemmer().stemWord(w) for w in _FRAMING}:
        return False  # leaves out a leading qualifier ("On ELI5, ...")
    end = where[last][0]  # the restated part: the clause of the last word kept
    if last + 1 < len(sc) and not _BREAKS & set(st[end + 1:where[last + 1][0]]):
        return False  # stops inside a clause ("accuracy [on rare words]")
    end = next((k for k in range(end + 1, len(st)) if st[k] in _BREAKS), len(st))
    part = st[:end]
    if set(ct) & _NEGATION != set(part) & _NEGATION or set(ct) & _SCOPE != set(part) & _SCOPE:
        return False
    if (set(ct) & _RELATION) - set(part):
        return False
    kept, run = set(matched), 0
    for k in range(first, last + 1):  # a phrase left out inside it ("accuracy [on rare] words")
        run = 0 if k in kept else run + 1
        if run > 1:
            return False
    return len(set(cc)) >= keep * len(set(sc[first:last + 1]))
