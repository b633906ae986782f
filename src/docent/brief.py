"""The assignment as a typed :class:`~docent.types.Brief`, and the length-counting rule.

>>> brief = parse_brief("撰写《阅读报告》，包含以下部分：（1）论文信息；（2）视频要点。"
...                     "字数在2000至3000字。")
>>> [s.title for s in brief.sections], brief.length.label()
(['论文信息', '视频要点'], '2000-3000 字')
>>> count_length("GPT-4 发布于2023年。", LengthUnit.zh_chars)
7

Parsing is deterministic (regular expressions over both languages). ``parse_brief(text,
fallback=f)`` calls ``f(text, partial_brief) -> Brief`` (a model, later) only when no sections
or no length were found. Sections come from the best-introduced list: numbered ((1) 1. 1、 一、
① 第一部分), bullets, or "sections: A, B and C" / "包括引言、方法和结论"; a list after 要求/
requirements is not taken. ``expected_sources`` holds only the sources the assignment provides;
optional ones ("必要时可引用权威公开资料") and excluded ones go to ``notes``, with every guess.

Counting (``count_length``, ``report_length``) is :mod:`docent.text`'s, as a word processor counts.
Approximate lengths ("约2500字", "about 1200 words", a bare "2500字") become ±10%.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from docent.errors import DocentError
from docent.llm.base import ChatModel, Message
from docent.text import CJK_RE, count_length, detect_language, report_length, strip_markdown
from docent.types import Brief, BriefSection, LengthRange, LengthUnit

if TYPE_CHECKING:
    from docent.config import Settings

__all__ = [
    "BriefFallback",
    "count_length",
    "model_fallback",
    "parse_brief",
    "report_length",
    "settings_fallback",
    "strip_markdown",
]

BriefFallback = Callable[[str, Brief], Brief]

# --- numbers ----------------------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_ALL = "零〇一二两三四五六七八九十百千万"
_NUM = (rf"((?<!\d)(?<!\d[.,，])\d+(?:[,，]\d{{3}})*(?:\.\d+)?\s*[千万kK]?|"
        rf"(?<![{_CN_ALL}])[{_CN_ALL}]{{0,6}}[十百千万][{_CN_ALL}]{{0,6}})")


def _cn_int(s: str) -> int:
    total, section, digit = 0, 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            total, section, digit = (total + section + digit) * 10000, 0, 0
        else:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return total + section + digit


def _to_int(s: str) -> int:
    s = re.sub(r"[,，\s]", "", s)
    if len(s) > 12:
        return 0  # not a length; ignored like any number below 50
    scale = {"千": 1000, "k": 1000, "K": 1000, "万": 10000}.get(s[-1], 1) if s else 1
    if s and s[0].isdigit():
        return round(float(s.rstrip("千万kK")) * scale)
    return _cn_int(s)


# --- length -----------------------------------------------------------------------------------

_ZH_UNIT, _EN_UNIT = r"\s*个?\s*(?:汉字|字)(?![节幕母体数])", r"\s*-?\s*words?\b"
_ZH_LEAD = r"(?:字数|篇幅|全文)[^\d\n。；]{0,8}?"  # "字数：2000-3000": the unit comes first
_EN_LEAD = r"(?:word count|length)[^\d\n.;]{0,16}?"
_SEP = r"\s*(?:至|到|-|–|—|~|～|〜|－|to)\s*"
# kind -> (zh body, en body); group a is the first number, b the second.
_LENGTH_FORMS: list[tuple[str, str, str]] = [
    ("range", rf"{_NUM}(?:{_ZH_UNIT})?{_SEP}{_NUM}",
     rf"(?:between\s+{_NUM}(?:{_EN_UNIT})?\s+and\s+{_NUM}|{_NUM}(?:{_EN_UNIT})?{_SEP}{_NUM})"),
    ("min", r"(?:不少于|不低于|不得少于|不应少于|至少|最少|不小于|(?<!不)超过|(?<!不)多于)\s*"
     + _NUM, r"(?:at least|no (?:fewer|less) than|not (?:fewer|less) than|(?:a )?minimum of|"
     r"min\.?)\s+" + _NUM),
    ("max", r"(?:不超过|不多于|不得超过|不应超过|最多|至多|(?<!不)少于|(?<!不)低于|不大于)\s*"
     + _NUM,
     r"(?:no more than|not more than|at most|up to|(?:a )?maximum of|under|fewer than|less than|"
     r"(?:not|never) exceed(?:ing)?|no longer than|within)\s+" + _NUM),
    ("approx", r"(?:约|大约|大概|大致)\s*" + _NUM,
     r"(?:about|around|approximately|approx\.|roughly|~)\s*" + _NUM),
    ("bare", _NUM, _NUM),
]
_ZH_AFTER = {"min": r"(?:以上|或以上)", "max": r"(?:以内|以下|之内)", "approx": r"左右"}
_EN_AFTER = {"min": r"\s*(?:or more|minimum|at least)",
             "max": r"\s*(?:or (?:less|fewer)|maximum|max)"}


def _length_regexes(kind: str, zh: str, en: str) -> list[tuple[re.Pattern[str], LengthUnit]]:
    out: list[tuple[re.Pattern[str], LengthUnit]] = []
    for body, unit, lead, after, u in ((zh, _ZH_UNIT, _ZH_LEAD, _ZH_AFTER, LengthUnit.zh_chars),
                                       (en, _EN_UNIT, _EN_LEAD, _EN_AFTER, LengthUnit.words)):
        out += [(re.compile(body + unit, re.I), u), (re.compile(lead + body, re.I), u)]
        if kind in after:  # "3000字以内", "1000 words or more"
            out.append((re.compile(_NUM + unit + after[kind], re.I), u))
    if kind == "max":  # "Word limit: 1000", "字数上限为3000"
        out += [(re.compile(r"word limit(?:\s+(?:of|is))?\s*[:：]?\s*" + _NUM, re.I),
                 LengthUnit.words),
                (re.compile(r"字数(?:上限|限制)(?:为|是|在)?\s*[:：]?\s*" + _NUM),
                 LengthUnit.zh_chars)]
    return out


_LENGTH_RES = [(kind, _length_regexes(kind, zh, en)) for kind, zh, en in _LENGTH_FORMS]


def _find_length(text: str, notes: list[str]) -> LengthRange | None:
    found: dict[str, tuple[int, int | None, LengthUnit, str]] = {}
    for kind, regexes in _LENGTH_RES:
        hits = []
        for rx, unit in regexes:
            for m in rx.finditer(text):
                nums = [_to_int(g) for g in m.groups() if g]
                if nums and min(nums) >= 50:  # smaller numbers are titles and captions
                    hits.append((m.start(), nums[0], nums[-1] if len(nums) > 1 else None, unit,
                                 m.group(0).strip()))
                    break
        if hits:
            _, a, b, unit, phrase = min(hits)
            found[kind] = (a, b, unit, phrase)
        if kind == "range" and "range" in found:
            a, b, unit, _ = found["range"]
            return LengthRange(min=min(a, b or a), max=max(a, b or a), unit=unit)
        if kind == "max" and ("min" in found or "max" in found):
            lo, hi = found.get("min"), found.get("max")
            unit = (lo or hi)[2]  # type: ignore[index]
            if lo and hi and lo[0] > hi[0]:
                notes.append(f"length: minimum {lo[0]} above maximum {hi[0]}; kept the minimum")
                hi = None
            return LengthRange(min=lo[0] if lo else None, max=hi[0] if hi else None, unit=unit)
        if kind in ("approx", "bare") and kind in found:
            n, _, unit, phrase = found[kind]
            notes.append(f"length: read '{phrase}' as about {n}, i.e. ±10%")
            return LengthRange(min=round(n * 0.9), max=round(n * 1.1), unit=unit)
    notes.append("no length requirement found")
    return None


# --- sections ---------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_B = r"(?:^|(?<=[\s：:；;。，,]))"
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("paren", re.compile(r"[（(]\s*(\d{1,2})\s*[）)]")),
    ("paren_cn", re.compile(rf"[（(]\s*([{_CN_NUM}]{{1,3}})\s*[）)]")),
    ("circled", re.compile("([\u2460-\u2473])")),
    ("part", re.compile(rf"第\s*([{_CN_NUM}\d]{{1,3}})\s*(?:部分|节|章|点|项|板块)\s*"
                        r"[：:、，,.．]?")),
    ("cn", re.compile(rf"{_B}([{_CN_NUM}]{{1,3}})\s*[、．.]", re.M)),
    ("num", re.compile(rf"{_B}(\d{{1,2}})(?:[、．]|\.(?!\d)|\))", re.M)),
]
_BULLET_RE = re.compile(r"^[ \t]*[-*+•·●▪][ \t]+(.+)$", re.M)
_CUE_RE = re.compile(r"部分|章节|板块|结构|提纲|大纲|包含|包括|分为|sections?|parts?|structure|"
                     r"outline|headings|organi[sz]ed|include", re.I)
_LIST_RES = [
    re.compile(r"(?:包含|包括|分为|分成)(?:以下|如下|下列)?(?:[一二三四五六七八九十\d]+个)?"
               r"(?:部分|章节|板块|方面|内容)?\s*[：:]\s*([^。\n]+)"),
    re.compile(r"(?:分为|分成|包括|包含)([^。：:\n]+?)(?:[一二三四五六七八九十\d]+个?)"
               r"(?:部分|章节|板块|方面)"),
    re.compile(r"\b(?:sections|parts|headings)\s*(?::|：|are|should be)\s*:?\s*([^\n]+?)"
               r"(?:\.(?:\s|$)|$)", re.I | re.M),
]
_NOT_SECTIONS_RE = re.compile(r"要求|注意|规则|requirements?|guidelines|rules|instructions", re.I)
_SOURCE_WORDS = {
    "paper": r"论文|文献|文章|\bpapers?\b|\barticles?\b|\bpreprint",
    "video": r"视频|录像|讲座|网课|lectures?\b|videos?\b|recordings?\b|"
             r"(?:the|a|this|recorded)\s+talk\b",
    "web": r"网页|网站|网络资料|网络文章|网上|互联网|公开资料|博客|\bweb\b|websites?|blogs?\b|"
           r"internet|online (?:articles?|sources?|resources?)",
}


def _ordinal(style: str, raw: str) -> int:
    if style == "circled":
        return ord(raw) - 0x2460 + 1
    return int(raw) if raw.isdigit() else _cn_int(raw)


def _about(title: str) -> str | None:
    kinds = [k for k, rx in _SOURCE_WORDS.items() if re.search(rx, title, re.I)]
    return kinds[0] if len(kinds) == 1 else None


def _section(raw: str, number: str | None) -> BriefSection | None:
    raw = re.split(r"[\n。；;！？!?]|\.(?:\s|$)", raw.strip(), maxsplit=1)[0]
    raw = re.sub(r"[*_`#]+", "", raw).strip()
    raw = re.sub(r"(?:[\s,，、：:.]|\band\b|\bor\b|以及|和)+$", "", raw).strip()
    parts = re.split(r"[，,：:（(]|\s+[—–-]\s+|——", raw, maxsplit=1)
    title = parts[0].strip()
    details = parts[1].strip(" ）)") if len(parts) > 1 else None
    return BriefSection(number=number, title=title, about_source=_about(title),
                        details=details or None) if title else None


def _list_items(text: str) -> list[str]:
    """"引言、方法和结论" / "Intro, Method, and Results" -> the items; "和"/"and" split the last."""
    if "、" in text:
        items = re.split(r"[，,；;]", text)[0].split("、")
    else:
        items = re.split(r"[,，;；]", text)
    items = [re.sub(r"^\s*(?:and|or)\s+", "", it).strip() for it in items]
    return items[:-1] + re.split(r"\s+and\s+|以及|和", items[-1]) if items else []


def _cued(text: str, start: int) -> bool:
    return bool(_CUE_RE.search(text[max(0, start - 80):start]))


def _find_sections(text: str, notes: list[str]) -> list[BriefSection]:
    candidates: list[tuple[int, int, int, list[BriefSection]]] = []  # (rank, -count, start, ...)
    for style, rx in _MARKERS:
        chains: list[list[re.Match[str]]] = []
        for m in rx.finditer(text):
            n = _ordinal(style, m.group(1))
            if n == 1:
                chains.append([m])
            elif chains and n == _ordinal(style, chains[-1][-1].group(1)) + 1:
                chains[-1].append(m)
        for chain in (c for c in chains if len(c) >= 2 and not _NOT_SECTIONS_RE.search(
                text[max(0, c[0].start() - 20):c[0].start()])):
            ends = [m.start() for m in chain[1:]] + [len(text)]
            secs = [s for i, m in enumerate(chain)
                    if (s := _section(text[m.end():ends[i]], str(i + 1)))]
            cued = style == "part" or _cued(text, chain[0].start())  # 第一部分 names itself
            candidates.append((0 if cued else 3, -len(secs), chain[0].start(), secs))
    group: list[re.Match[str]] = []
    for m in list(_BULLET_RE.finditer(text)) + [None]:  # type: ignore[list-item]
        if m is not None and (not group or not text[group[-1].end():m.start()].strip()):
            group.append(m)
            continue
        if len(group) >= 2:
            secs = [s for g in group if (s := _section(g.group(1), None))]
            rank = 1 if _cued(text, group[0].start()) else 4
            candidates.append((rank, -len(secs), group[0].start(), secs))
        group = [m] if m is not None else []
    for rx in _LIST_RES:
        for m in rx.finditer(text):
            secs = [s for it in _list_items(m.group(1)) if (s := _section(it, None))]
            if len(secs) >= 2:
                candidates.append((2, -len(secs), m.start(), secs))
    if not candidates:
        notes.append("no required sections found: the report's structure is up to the writer")
        return []
    rank, _, _, sections = min(candidates, key=lambda c: c[:3])
    if rank >= 3:
        notes.append("took a list not introduced as sections for the report's sections; check them")
    for s in sections:
        if len(s.title) > (40 if CJK_RE.search(s.title) else 80):
            notes.append(f"section title looks long, check it: {s.title}")
    return sections


# --- the rest of the brief --------------------------------------------------------------------

_OPTIONAL_RE = re.compile(r"必要时|如有必要|如有需要|可以?(?:引用|参考|查阅|补充|结合)|可适当|酌情|"
                          r"optional|\bmay\b|\bcan\b|if (?:needed|necessary)|"
                          r"where (?:needed|helpful|appropriate)|feel free|are welcome", re.I)
_NEGATED_RE = re.compile(r"不要|不得|禁止|不能|无需|不需要|\bdo not\b|\bdon't\b|\bmust not\b|"
                         r"\bavoid\b|\bnot (?:use|rely on|cite)\b", re.I)
_OWN_PAPER_RE = re.compile(r"(?:write|writing|term|your|research|position)\s+(?:an?\s+)?"
                           r"(?:[\w-]+\s+)?paper|(?:撰写|写)(?:一篇|一份)?(?:小|短|课程|学术|科普)?"
                           r"(?:论文|文章)|毕业论文|课程论文|小论文",
                           re.I)  # the report itself, not a source
_AUDIENCE_NOUNS = (r"audiences?|readers?|beginners|novices|students|undergraduates|graduates|"
                   r"newcomers|non-experts|non-specialists|experts|engineers|practitioners|"
                   r"researchers|managers|executives|laypeople|(?:the )?public|children|learners|"
                   r"colleagues")
_AUDIENCE_RES = [
    re.compile(r"适合([^，。；,;的\s]{1,12}?)(?:理解|阅读|学习|参考|的|$)"),
    re.compile(r"面向([^，。；,;\s]{1,12}?)(?:读者|群体|人群)?(?:[，。；,;：:\s]|的|$)"),
    re.compile(r"(?:读者对象|目标读者|读者|受众)(?:是|为|：|:)\s*([^，。；,;\n]{1,20})"),
    re.compile(r"让(.{1,15}?)也?(?:能够|能|可以)?(?:看懂|理解|读懂)"),
    re.compile(r"(?:\bfor|aimed at|targeted at|intended for|accessible to|suitable for|"
               r"understandable (?:by|to)|written for)\s+(?:a\s+|an\s+|the\s+)?"
               rf"((?:[\w-]+\s+){{0,3}}?(?:{_AUDIENCE_NOUNS}))\b", re.I),
    re.compile(r"\baudience\s*(?:is|:|should be)\s*(?:a\s+|an\s+|the\s+)?([\w\s-]{2,40}?)"
               r"(?=[.;,\n]|$)", re.I),
]
_TONE_ADJ = (r"formal|informal|academic|conversational|casual|neutral|professional|friendly|"
             r"objective|plain|accessible|technical|scholarly|journalistic|persuasive|rigorous")
_TONE_RES = [
    re.compile(r"(?:使用|采用|以|用)([\u4e00-\u9fff]{1,6}?(?:书面语|口语|语言|语气|口吻|文风|风格))"),
    re.compile(r"(?:(?<![大型])语言|语气|文风|风格)上?"  # not the 语言 of 大语言模型
               r"(?:(?:要|应|需|须|应当|应该)(?:保持|为|是)?|保持|为|是|：|:)"
               r"\s*([\u4e00-\u9fff]{2,8}?)(?=[，。；、,;]|$)"),
    re.compile(r"(通俗易懂|深入浅出|简洁明了|生动有趣|口语化|客观严谨|严谨|客观)"),
    re.compile(rf"\b((?:(?:{_TONE_ADJ})(?:,?\s+(?:and\s+)?)?){{1,4}}"
               r"(?:tone|style|register|voice|prose))\b", re.I),
    re.compile(r"\btone\s*(?:should be|must be|is|:)\s*([\w ,-]{2,40}?)(?=[.;\n]|$)", re.I),
    re.compile(r"(?:keep it|be|write in an?|use an?|in an?)\s+"
               rf"((?:{_TONE_ADJ})(?:\s+(?:tone|style))?)\b", re.I),
]
_TITLE_RES = [
    re.compile(r"(?:撰写|写|完成|题为|题目为?|标题为?|名为)[^《。\n]{0,10}《([^》]{1,60})》"),
    re.compile(r"《([^》]{0,50}(?:报告|综述|总结|笔记|作业|读后感|心得|小结))》"),
    re.compile(r"(?:\btitled|\bentitled|\bcalled|\bnamed|\btitle\s*[:：]|题目[为是：:]|"
               r"标题[为是：:])\s*"
               r"[\"“'‘「]([^\"”'’」\n]{2,120})[\"”'’」]", re.I),
    re.compile(r"(?:^|(?<=[\s;；。.]))(?:title|题目|标题)\s*[:：]\s*([^;；。\n]{2,120}?)\s*"
               r"(?=[;；。\n]|\.\s|$)", re.I),
]
_LANG_RES = [
    ("en", re.compile(r"(?<!terms )(?<!names )\bin English\b|(?:用|使用|以)(?:英文|英语)|"
                      r"(?:英文|英语)(?:撰写|写作|完成)", re.I)),
    ("zh", re.compile(r"\bin Chinese\b|(?:用|使用|以)(?:中文|汉语)|(?:中文|汉语)(?:撰写|写作|完成)",
                      re.I)),
]
_CITE_RE = re.compile(r"标注(?:来源|出处|引用)|注明(?:来源|出处)|参考文献|引注|脚注|"
                      r"\bcit(?:e|es|ing|ations?)\b|\breferences\b|reference list|bibliography|"
                      r"works cited|footnotes?|\bsources? cited", re.I)
_NO_CITE_RE = re.compile(r"(?:无需|不需要|不用|不必)(?:标注|引用)|\bno (?:citations|references)\b|"
                         r"\b(?:do not|don't|need not) (?:need to )?cite\b", re.I)


def _clauses(text: str) -> list[tuple[int, str]]:
    spans, start = [], 0
    for m in re.finditer(r"[，。；;,!?！？\n]|\.(?:\s|$)", text):
        spans.append((start, text[start:m.start()]))
        start = m.end()
    return spans + [(start, text[start:])]


def _find_sources(text: str, notes: list[str]) -> list[str]:
    first: dict[str, int] = {}
    optional: set[str] = set()
    for pos, clause in _clauses(text):
        clause_own = _OWN_PAPER_RE.sub(" ", clause)
        for kind, rx in _SOURCE_WORDS.items():
            if not (m := re.search(rx, clause_own, re.I)):
                continue
            if _NEGATED_RE.search(clause_own):
                notes.append(f"the assignment seems to rule out {kind} sources: {clause.strip()}")
            elif _OPTIONAL_RE.search(clause_own):
                optional.add(kind)
            else:
                first.setdefault(kind, pos + m.start())
    for kind in sorted(optional - first.keys()):
        notes.append(f"{kind} sources are optional (the assignment allows them, not provided)")
    return sorted(first, key=first.__getitem__)


def _first(regexes: list[re.Pattern[str]], text: str) -> str | None:
    for rx in regexes:
        if m := rx.search(text):
            return m.group(1).strip().strip("\"“”'")
    return None


def parse_brief(text: str, fallback: BriefFallback | None = None) -> Brief:
    """Read an assignment into a :class:`Brief` (deterministic; ``fallback`` only for gaps).

    Raises :class:`DocentError` when ``text`` is empty.
    """
    if not text or not text.strip():
        raise DocentError("the assignment is empty",
                          fix="pass the assignment text, or the path of a .txt/.md file holding it")
    text = text.strip()
    notes: list[str] = []
    language = next((lang for lang, rx in _LANG_RES if rx.search(text)), None)
    if language is None:
        language = detect_language(text)
        if language not in ("zh", "en"):
            language = "en"
            notes.append("could not tell the assignment's language; writing in English")
    cite = bool(_CITE_RE.search(text)) or any(
        "引用" in c and not _OPTIONAL_RE.search(c) for _, c in _clauses(text))
    if _NO_CITE_RE.search(text):
        cite = False
    brief = Brief(
        assignment=text, title=_first(_TITLE_RES, text), sections=_find_sections(text, notes),
        length=_find_length(text, notes), language=language,
        audience=_first(_AUDIENCE_RES, text), tone=_first(_TONE_RES, text),
        expected_sources=_find_sources(text, notes), citations_required=cite, notes=notes)
    if fallback is not None and (not brief.sections or brief.length is None):
        return fallback(text, brief)
    return brief


_FALLBACK_SCHEMA = {
    "type": "object",
    "properties": {
        "sections": {"type": "array", "items": {"type": "string"}, "maxItems": 12},
        "min_length": {"type": ["integer", "null"]},
        "max_length": {"type": ["integer", "null"]},
    },
    "required": ["sections", "min_length", "max_length"],
}


def model_fallback(model: ChatModel) -> BriefFallback:
    """A fallback that asks a model (JSON-schema constrained) for what the rules did not find:
    the required sections and the length range. Its answer only fills gaps, and is noted."""

    def fallback(text: str, partial: Brief) -> Brief:
        reply = model.complete(
            [Message("system", "You extract the structure of writing assignments. Answer in "
                     "JSON. List only sections the assignment asks for, in order, in the "
                     "assignment's language; lengths only if the assignment states them."),
             Message("user", f"Assignment:\n{text.strip()[:4000]}")],
            max_tokens=256, temperature=0.0, json_schema=_FALLBACK_SCHEMA,
        )
        try:
            data = json.loads(reply.text)
        except ValueError:
            return partial
        brief = partial.model_copy(deep=True)
        sections = [s.strip(" ：:。.;；") for s in data.get("sections") or [] if s and s.strip()]
        if not brief.sections and sections:
            brief.sections = [BriefSection(number=str(i), title=t, about_source=_about(t))
                              for i, t in enumerate(sections, start=1)]
            brief.notes.append(f"sections read by {model.name}: check them")
        lo, hi = data.get("min_length"), data.get("max_length")
        if brief.length is None and (lo or hi) and re.search(r"\d", text):
            unit = LengthUnit.zh_chars if brief.language == "zh" else LengthUnit.words
            brief.length = LengthRange(min=lo or None, max=hi or None, unit=unit)
            brief.notes.append(f"length read by {model.name}: check it")
        return brief

    return fallback


def settings_fallback(settings: Settings) -> BriefFallback:
    """The configured small model as fallback, loaded only when the rules leave gaps; when it
    cannot be loaded, the brief says so in a note instead of failing."""

    def fallback(text: str, partial: Brief) -> Brief:
        from docent.llm import get_model

        try:
            return model_fallback(get_model(settings, role="small"))(text, partial)
        except DocentError as exc:
            partial.notes.append(f"the model fallback was not available: {exc}")
            return partial

    return fallback
