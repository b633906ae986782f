"""Lexical tokens for Chinese and English in one stream.

Chinese runs are cut with jieba (search mode, so 多头注意力 also yields 注意力), English words
are lower-cased and Snowball-stemmed, stop words of both languages are dropped::

    >>> tokenize("Citation recall and precision")
    ['citat', 'recal', 'precis']
    >>> "注意力" in tokenize("多头注意力机制")
    True
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba
import Stemmer

from docent.text import CJK_RE

__all__ = ["tokenize"]

jieba.setLogLevel(logging.WARNING)

_EN_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also may might must shall via""".split()
)
_ZH_STOP = frozenset(
    "的 了 和 是 在 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 它们 这个 那个 这些 那些 之 其 以 "
    "于 对 把 被 让 从 向 为 也 又 并 但 等 中 上 下 里 个 这 那 有 吗 呢 吧 啊 如 如果 因为 所以 "
    "可以 进行 通过 使用 一种 什么 怎么 如何".split()
)
_SEGMENT_RE = re.compile(f"({CJK_RE.pattern}+)")
_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Index terms of ``text`` (any mix of Chinese and English)."""
    tokens: list[str] = []
    stem = _stemmer().stemWord
    for i, part in enumerate(_SEGMENT_RE.split(text.lower())):
        if not part:
            continue
        if i % 2:  # a CJK run
            tokens.extend(
                w for w in jieba.lcut_for_search(part, HMM=False) if w not in _ZH_STOP
            )
        else:
            for word in _WORD_RE.findall(part):
                for piece in word.split("-") if "-" in word else (word,):
                    if piece and piece not in _EN_STOP and not (len(piece) == 1 and piece.isalpha()):
                        tokens.append(stem(piece))
                if "-" in word:
                    tokens.append(word.replace("-", ""))
    return tokens
