"""Which line of the model's numbered reply renders which source sentence.

The writer gives the model a point's source sentences numbered and asks for one line each,
numbered alike. The small model sometimes skips a source sentence and numbers on, so its
line 1 renders source 2 and its last two lines render the same last source (word2vec's
Skip-gram point: the sentence "Since the more distant words are usually less related ..."
came out as line 3 and was cited to source 3, "We found that increasing the range ...").
A line that renders another source sentence is not supported by its own: these functions
find it, and the writer asks for that source sentence again, alone::

    >>> reply = '''1. 作者使用每个当前词作为对数线性分类器的输入。
    ... 2. 作者发现增大范围可以提高词向量质量。
    ... 3. 由于更远的单词与当前单词的关联较少，作者给它们较少的权重。
    ... 4. 由于更远的单词与当前单词的关联较少，作者给远距离单词较少的权重。'''
    >>> lines = numbered(reply)
    >>> sources = ["The second architecture is similar to CBOW.",
    ...            "We use each current word as an input to a log-linear classifier.",
    ...            "We found that increasing the range improves quality.",
    ...            "Since the more distant words are usually less related, we give them less weight."]
    >>> sorted(misaligned(lines, sources, Glossary()))
    [1, 3]
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from docent.glossary import Glossary

__all__ = ["misaligned", "numbered", "says_the_next"]

_LINE_RE = re.compile(r"^\s*(?:\*\*)?(\d{1,2})\s*[.、:：)）]\s*(.+?)\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def numbered(reply: str) -> dict[int, str]:
    """The reply's numbered lines (the first line given a number, when the model numbers one
    twice).

    >>> numbered("1. 第一句。\\n**2.** 第二句。\\n2. 又一个第二句。\\n说明文字")
    {1: '第一句。', 2: '** 第二句。'}
    """
    lines: dict[int, str] = {}
    for raw in reply.splitlines():
        m = _LINE_RE.match(raw)
        if m and m.group(1).isdigit():
            lines.setdefault(int(m.group(1)), m.group(2))
    return lines


def says_the_next(line: str, following: str) -> bool:
    """Whether ``line`` also says most of ``following`` (the next line, rendered from the next
    source sentence): the model wrote two source sentences into one line, or numbered the
    next source's rendering twice; either way its own source sentence does not support it.

    >>> says_the_next("作者注意到所有模型流畅度都好，但 ChatGPT 使用 VANILLA 模型接近最佳。",
    ...               "尽管简单，ChatGPT 使用 VANILLA 模型接近最佳。")
    True
    >>> says_the_next("MAUVE 测量两个文本分布之间的相似性。", "作者使用 MAUVE 评估流畅度。")
    False
    """
    a, b = line.rstrip("。.;；"), following.rstrip("。.;；")
    if len(b) < 10:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= 0.6 * len(b)


def _borrowed_terms(line: str, own: str, others: list[str], glossary: Glossary) -> list[str]:
    """Terms whose Chinese ``line`` uses that only another source sentence names: 对数线性 in a
    line whose source never says "log-linear" while the next one does."""
    mine = {en for en, _ in glossary.terms_in(own)}
    return [en for other in others for en, zh in glossary.terms_in(other)
            if en not in mine and _CJK.search(zh) and zh in line
            and not any(zh in z for e, z in glossary.terms_in(own))]


def misaligned(lines: dict[int, str], sources: list[str], glossary: Glossary) -> set[int]:
    """The numbers of the lines that render another source sentence than their own: one that
    says most of the next line again, or one that uses a term only another source names."""
    out: set[int] = set()
    for i in range(1, len(sources)):
        a, b = lines.get(i, ""), lines.get(i + 1, "")
        if a and b and a != b and says_the_next(a, b):
            out.add(i)
    for i, own in enumerate(sources, 1):
        others = sources[:i - 1] + sources[i:]
        if lines.get(i) and _borrowed_terms(lines[i], own, others, glossary):
            out.add(i)
    return out
