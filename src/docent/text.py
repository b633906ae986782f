"""Language-aware text helpers shared by every stage: sentence spans, token counts, language.

>>> count_tokens("多头注意力 is multi-head attention")
8
>>> detect_language("注意力机制是 Transformer 的核心")
'zh'
>>> [text[s:e] for text in ["It works. See Fig. 2 for details! 好的。"] for s, e in sentence_spans(text)]
['It works.', 'See Fig. 2 for details!', '好的。']
"""

from __future__ import annotations

import re

__all__ = [
    "numbers",
    "number_values",
    "unstated_numbers",
    "CJK_RE",
    "count_tokens",
    "sentence_spans",
    "split_paragraph",
    "detect_language",
    "normalize_space",
]

# CJK ideographs (incl. extension A and compatibility), kana and hangul.
_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
CJK_RE = re.compile(f"[{_CJK_CHARS}]")
_TOKEN_RE = re.compile(f"[{_CJK_CHARS}]|[^\\W{_CJK_CHARS}_]+(?:['’.-][^\\W{_CJK_CHARS}_]+)*")

# Abbreviations after which a period does not end an English sentence.
_ABBREV = {
    "e.g", "i.e", "etc", "et al", "al", "fig", "figs", "eq", "eqs", "sec", "secs", "tab",
    "vs", "cf", "approx", "dr", "mr", "mrs", "ms", "prof", "no", "vol", "pp", "p", "ch",
    "appx", "resp", "jr", "sr", "st", "inc", "ltd", "dept", "univ",
}
_END_ZH = "。！？；!?…"
_CLOSERS = "\"'”’」』）)]】"
_C = re.escape(_CLOSERS)
_NEXT_RE = re.compile(r"\s+(\S)")
# group 1: Chinese end marks; group 2: English ones (need whitespace after); group 3: blank line.
_SENT_END_RE = re.compile(rf"([{_END_ZH}]+[{_C}]*)|([.!?]+[{_C}]*)(?=\s+|$)|(\n[ \t]*\n)")


_LIST_MARKER = re.compile(r"^\s*((?:[-*+]|\d+[.)])\s+)")


def split_paragraph(paragraph: str) -> tuple[str, str]:
    """``(list marker, text)`` of a Markdown paragraph, its lines joined with a space: the text
    whose sentences the checks number and the renderers print.

    >>> split_paragraph("- first line\\n  second")
    ('- ', 'first line second')
    """
    text = " ".join(line.strip() for line in paragraph.replace("\r\n", "\n").split("\n"))
    text = text.strip()
    m = _LIST_MARKER.match(text)
    if m:
        return m.group(1), text[m.end():]
    return "", text


def count_tokens(text: str) -> int:
    """Approximate token count: each CJK character, and each run of letters or digits, is one."""
    return len(_TOKEN_RE.findall(text))


def normalize_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at index ``dot`` belongs to an abbreviation, initial or number."""
    head = text[max(0, dot - 64):dot]  # the word before the dot, never the whole prefix
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", head)
    if not m:
        # "3.5" never reaches here (needs following whitespace); keep numbered list items together.
        return bool(re.search(r"(?:^|\s)\d{1,2}$", head))
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREV:
        return True
    return len(word) == 1 and word.isalpha() and m.group(1)[0].isupper()  # an initial: "A. Smith"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(s, e)`` (absolute offsets, whitespace trimmed) in ``text[start:end]``.

    Chinese sentences end at 。！？；, English ones at . ! ? followed by whitespace, except
    after common abbreviations ("e.g.", "et al.", "Fig.") and initials.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENT_END_RE.finditer(text, start, end):
        stop = m.end()
        if m.group(2) is not None and m.group(2).startswith(".") and _is_abbreviation(text, m.start()):
            continue
        if m.group(2) is not None:
            # An English period must be followed by something that can start a sentence.
            nxt = _NEXT_RE.match(text, stop, end)
            if nxt and (nxt.group(1).islower() and not CJK_RE.match(nxt.group(1))):
                continue
        _append_trimmed(text, cursor, stop, spans)
        cursor = stop
    _append_trimmed(text, cursor, end, spans)
    return spans


def _append_trimmed(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def numbers(text: str) -> set[str]:
    """Numbers written with digits (``49%``, ``3.5``, ``2,000``), normalised (no thousands
    separators); years and list markers too."""
    return {n.replace(",", "") for n in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?", text)}


_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_NUMBER_WORDS = {w: i for i, w in enumerate(_WORDS)} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "twice": 2, "half": 0.5, "dozen": 12}
_EN_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "b": 1e9,
             "trillion": 1e12}
_ZH_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "万亿": 1e12}
_NUM_EN = re.compile(r"(?<![\w.])(\d+(?:[ ,]\d{3})*(?:\.\d+)?)\s*(thousand|million|billion|"
                     r"trillion|[kKmMbB](?![a-zA-Z]))?", re.IGNORECASE)
_NUM_ZH = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(万亿|千万|百万|万|亿|千)")


def _canon(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def number_values(text: str) -> set[str]:
    """Every number ``text`` states, as digits and as scaled values: ``"899M"`` gives
    ``{"899", "899000000"}``, ``"8.99 亿"`` ``{"8.99", "899000000"}``, ``"four"`` ``{"4"}``,
    ``"50 000"`` ``{"50000"}``.

    >>> sorted(number_values("about 10 million parameters, four heads"))
    ['10', '10000000', '4']
    """
    out = set(numbers(text))
    for m in _NUM_EN.finditer(text):
        raw = re.sub(r"[ ,]", "", m.group(1))
        out.add(_canon(float(raw)))
        if m.group(2):
            out.add(_canon(float(raw) * _EN_SCALE[m.group(2).lower()]))
    for m in _NUM_ZH.finditer(text):
        raw = m.group(1).replace(",", "")
        out.add(_canon(float(raw) * _ZH_SCALE[m.group(2)]))
    for w in re.findall(r"[A-Za-z]+", text.lower()):
        if w in _NUMBER_WORDS:
            out.add(_canon(_NUMBER_WORDS[w]))
    return out


def unstated_numbers(claim: str, passages: list[str]) -> set[str]:
    """Numbers (digits) the claim states and the passages do not, in any way of writing them
    (digits, thousands separators, words, million/万/亿).

    >>> unstated_numbers("模型约有 1000 万参数，训练了 5 个 epoch。", ["It has about 10 million "
    ...                  "parameters and we train for five epochs."])
    set()
    >>> unstated_numbers("ALCE contains 5 datasets.", ["ALCE contains 3 datasets."])
    {'5'}
    """
    stated = number_values(" ".join(passages))
    missing: set[str] = set()
    scaled = {m.start(1): _canon(float(m.group(1).replace(",", "")) * _ZH_SCALE[m.group(2)])
              for m in _NUM_ZH.finditer(claim)}
    for m in re.finditer(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?", claim):
        raw = m.group(0).replace(",", "")
        forms = {raw, raw.rstrip("%"), _canon(float(raw.rstrip("%")))}
        if m.start() in scaled:
            forms.add(scaled[m.start()])
        if not forms & stated:
            missing.add(raw)
    return missing


def detect_language(text: str) -> str:
    """'zh' when CJK characters make up a fair share of the letters, else 'en'."""
    sample = text[:20000]
    cjk = len(CJK_RE.findall(sample))
    latin = len(re.findall(r"[A-Za-z]+", sample))
    if cjk == 0 and latin == 0:
        return "und"
    return "zh" if cjk >= latin * 0.5 else "en"
