"""Render planned points sentence by sentence: the model only restates the source sentences it
is given (translate, simplify), one report sentence per source sentence, so every sentence of
the report has its evidence span and its citation by construction::

    rendered = render_point(model, brief, point)
    rendered[0].text, rendered[0].evidence.text
    # ('作者使用 MAUVE 来评估输出的流畅度⟦12⟧。', 'We use MAUVE to evaluate the fluency of the output.')

The model is asked for numbered lines, one per numbered source sentence; a line that adds a
number its source does not state, loops, stays in the wrong language or is missing is dropped
(the point loses that sentence, nothing is invented in its place). The authors' "we" becomes
作者 / "the authors", the speaker's becomes 讲者 / "the speaker": the report is the student's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from docent.glossary import Glossary
from docent.llm import ChatModel, Message
from docent.text import CJK_RE, sentence_key, sentence_spans, unlinked
from docent.types import Brief
from docent.write.compose import cite
from docent.write.lines import misaligned, numbered, says_the_next
from docent.write.points import (Evidence, Point, evidence_text, follows,
                                 leans_on_previous, standing_alone)
# the line rules live in their catalogue; the names the writer and its tests use from here
from docent.write.rules import DANGLING as _DANGLING
from docent.write.rules import ENGLISH_WORD as _ENGLISH_WORD
from docent.write.rules import PARENS as _PARENS
from docent.write.rules import apply_rules, foreign_names, half_translated, source_subject
from docent.write.rules import fix_voice as _fix_voice  # noqa: F401 (tests use it)

__all__ = ["Rendered", "causal_as", "clean_line", "foreign_names", "half_translated",
           "render_point", "source_subject", "stray_words", "translate_stray_words", "who_for"]


@dataclass
class Rendered:
    text: str  # the report sentence, with its ⟦passage id⟧ marker
    plain: str  # the same without the marker
    evidence: Evidence


_WHO = {"zh": {"paper": "作者", "lecture": "讲者", "document": "该资料"},
        "en": {"paper": "the authors", "lecture": "the speaker", "document": "the source"}}

_SYSTEM_ZH = (
    "你把资料句逐句改写成中文，写进一份学生的阅读报告。规则：\n"
    "1. 每条资料句写成一句中文，编号与资料句相同，一行一句；\n"
    "2. 意思与原句完全一致：不添加原句没有的信息，不遗漏否定、比较的方向和范围词（所有、大多数、仅）；\n"
    "3. 数字、名称照抄；专业术语第一次出现时写成“中文译名（English）”，拿不准的术语直接保留英文；\n"
    "4. {voice}\n"
    "5. 语言正式、通顺，按中文的语序写，适合初学者；原句很长时，拆成两个短句写在同一行。只输出编号的句子。\n\n"
    "示例资料句：\n1. We train the model on a corpus of 6 billion tokens.\n"
    "2. This does not improve accuracy on rare words.\n"
    "3. Model A can be trained significantly faster than model B.\n"
    "4. Most of the errors occur only for each long input.\n"
    "示例输出：\n1. {who}在一个包含 60 亿个词元（token）的语料上训练模型。\n"
    "2. 这并不能提高模型在罕见词上的准确率。\n"
    "3. 模型 A 的训练速度明显快于模型 B。\n"
    "4. 大多数错误只出现在每个较长的输入上。")
_SYSTEM_EN = (
    "You restate source sentences one by one for a student's report. Rules:\n"
    "1. One sentence per numbered source sentence, same number, one per line;\n"
    "2. Exactly the same meaning: add nothing the source does not say, keep negations, the "
    "direction of comparisons and scope words (all, most, only);\n"
    "3. Copy numbers and names; explain no term the source does not explain;\n"
    "4. The source's we / our / I means {who}: write \"{who}\", never \"we\" or \"I\";\n"
    "5. Plain, formal English for beginners. Output only the numbered sentences.")

def stray_words(text: str) -> list[str]:
    """The lower-case English words a Chinese line left untranslated, outside the parentheses
    that give a term's English, quotations, titles and web addresses.

    >>> stray_words("作者 simply 将前 k 个段落（passages）提供给模型，提高 informativeness和“cited”。")
    ['simply', 'informativeness']
    """
    found: list[str] = []
    for w in _ENGLISH_WORD.findall(_PARENS.sub("", re.sub(r"https?://\S+", "", text))):
        if w not in found:
            found.append(w)
    return found


_STRAY_SYSTEM = ("你是翻译。下面的中文句子里夹杂了英文单词。按句中的意思把每个英文单词译成中文词语，"
                 "每行写“英文单词 = 中文”；库、软件、代码或人名等专有名称写“英文单词 = KEEP”。"
                 "只输出这些行。")
_PLAIN_WORD = re.compile(r"(?:ly|self|selves|ing|ed|ness|ive|ous|ful|able|ible|less)$")
_STRAY_LINE = re.compile(r"^\s*[-*\d.、)]*\s*([A-Za-z][A-Za-z\-]*)\s*[=：:]\s*(.+?)\s*$")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。、；：）》”])\s+(?=[\u4e00-\u9fff])|"
                        r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff，。、；：（《“])")


def translate_stray_words(model: ChatModel, lines: list[str],
                          glossary: Glossary | None = None) -> list[str]:
    """``lines`` (Chinese) with their stray English words put into Chinese: one short model
    call for all of them, each word answered by a Chinese word or KEEP (a name stays). Only
    the words whose form says they are not a technical noun (adverbs, adjectives, participles,
    "itself": the small model turns "hallucination" into 虚拟现实 and "logits" into 证据, but
    "simply" into 只是) are asked; an answer that is not a short Chinese word leaves its word as
    it is. A word ``glossary`` knows takes its Chinese from there, without asking."""
    chinese: dict[str, str] = {}
    for line in lines:
        stray = set(stray_words(line))
        bare = _PARENS.sub("", line)
        for en, written, (_, end) in glossary.find(bare) if glossary else []:
            # a term of the glossary left in English ("paraphrase detection", "off-the-shelf":
            # a hyphenated word is no stray word, but a lower-case term is no name either; a
            # capitalised word glued to the Chinese after it, "Citation评价", is none either)
            zh = glossary.terms[en]
            left = set(re.findall(r"[A-Za-z]+", written)) <= stray or (
                "-" in written and written.islower()) or (
                written[:1].isupper() and written[1:].islower() and written.isalpha()
                and bool(CJK_RE.match(bare[end:end + 1])))
            if left and re.search(r"[\u4e00-\u9fff]", zh):
                chinese[written] = zh
            elif left and written.islower() and zh.lower() == written.lower() != zh:
                chinese[written] = zh  # a name the glossary spells: "transformer", Transformer
    done = {w for phrase in chinese for w in re.findall(r"[A-Za-z]+", phrase)}
    words = {w: None for line in lines for w in stray_words(line)
             if _PLAIN_WORD.search(w) and w not in done}
    if not words:
        return _replace(lines, chinese)
    context = "\n".join(f"- {line}" for line in lines if any(w in words for w in
                                                                stray_words(line)))
    reply = model.complete([Message("system", _STRAY_SYSTEM), Message(
        "user", f"句子：\n{context}\n\n英文单词：{', '.join(words)}\n\n输出：")],
        max_tokens=12 * len(words) + 8, temperature=0.0)
    for raw in reply.text.splitlines():
        m = _STRAY_LINE.match(raw)
        if not m or m.group(1).lower() not in words:
            continue
        answer = m.group(2).strip(" “”\"'。，,.")
        if re.fullmatch(r"[\u4e00-\u9fff]{1,8}", answer):
            chinese.setdefault(m.group(1).lower(), answer)
    return _replace(lines, chinese)


def _replace(lines: list[str], chinese: dict[str, str]) -> list[str]:
    """Each English word of ``chinese`` in ``lines`` (outside parentheses and quotations)
    replaced by its Chinese, the spaces around it closed."""
    out = []
    for line in lines:
        for w, zh in chinese.items():
            bare = _PARENS.sub(lambda m: "\0" * len(m.group(0)), line)  # never inside ( ) “ ”
            at = [m.start() for m in re.finditer(
                rf"(?<![A-Za-z0-9_.\-]){re.escape(w)}(?![A-Za-z0-9_.\-])", bare)]
            for start in reversed(at):
                line = line[:start] + zh + line[start + len(w):]
        out.append(_CJK_SPACE.sub("", line))
    return out


# "as" opening a clause of reason ("... ELI5 as QAMPARI only requires a list"): its subject
# (at most two words, or a name) and a finite verb follow; "such as", "as well as", "known as"
# and the like are not it. The small model renders it 作为 ("in the role of")
_CAUSAL_AS = re.compile(
    r"(?<!such)(?<!well)(?<!\bso)(?<!far)(?<!same)(?<!much)(?<!many)(?<!long)(?<!soon)(?<!known)"
    r"(?<!used)(?<!serve)(?<!serves)(?<!act)(?<!acts)(?<!seen)(?<!treated)(?<!regarded)"
    r" as (?=(?:(?:the|a|an|this|these|those|it|they|we|our|its|their) )?[\w-]+(?: [\w-]+)? "
    r"(?:only |also |still |often |always |usually )?(?:requires?|is|are|was|were|has|have|had|"
    r"does|do|did|can|cannot|could|will|would|needs?|contains?|lacks?|provides?)\b)")


def causal_as(text: str) -> str:
    """An English sentence with a causal "as" made "because", for a Chinese rendering.

    >>> causal_as("We deploy MAUVE for ASQA and ELI5 as QAMPARI only requires a list of short "
    ...           "answers.")
    'We deploy MAUVE for ASQA and ELI5 because QAMPARI only requires a list of short answers.'
    >>> causal_as("Models such as GPT are used as a proxy, as well as BERT.")
    'Models such as GPT are used as a proxy, as well as BERT.'
    """
    return _CAUSAL_AS.sub(" because ", text)


# idioms the small model renders word by word, in the plain words it renders right: "is short
# for" came out 短缩为, "in other words" 在其他情况下, "consistently adhere" 继续遵循
_PLAIN = [(re.compile(r"\b(is|are) short for\b", re.IGNORECASE), r"\1 the abbreviation of"),
          # a concession over a place alone ("Though on ASQA and ELI5, such improvement is at
          # the cost of ...") is "however": rendered 尽管在……上, it was left without a main clause
          (re.compile(r"^(?:Though|Although) (?=(?:on|in|for|at|with) [^,]{1,60},)"),
           "However, "),
          # "What's even more intriguing is that" came out 这不仅令人惊讶
          (re.compile(r"^What(?:'s|’s| is) (?:even )?more (intriguing|interesting|surprising|"
                      r"important) is(?: that)?\s+", re.IGNORECASE),
           lambda m: f"More {m.group(1).lower()}ly, "),
          # "This is in contrast to commercial systems like Bing Chat, which often cite ..."
          # came out 这与商业系统如 Bing Chat 相比，后者……, a comparison with no predicate
          (re.compile(r"^(?:This|That|It) is in contrast (?:to|with) ([^,]{3,80}), which "),
           r"In contrast, \1 "),
          # "(not just the projection matrix)" came out （不包括投影矩阵） "excluding"
          (re.compile(r"\b(n)ot just\b", re.IGNORECASE), r"\1ot only"),
          (re.compile(r"\b(i)n other words\b", re.IGNORECASE),
           lambda m: "That is" if m.group(1) == "I" else "that is"),
          (re.compile(r"\bconsistently (?=[a-z]+\b)"), "always ")]


def plain_idioms(text: str) -> str:
    """An English sentence with the idioms the small model mistranslates in plain words.

    >>> plain_idioms("GPT is short for generatively pre-trained transformer.")
    'GPT is the abbreviation of generatively pre-trained transformer.'
    >>> plain_idioms("In other words, LLMs consistently adhere to the list format.")
    'That is, LLMs always adhere to the list format.'
    >>> plain_idioms("Though on ASQA and ELI5, such improvement is at the cost of citation quality.")
    'However, on ASQA and ELI5, such improvement is at the cost of citation quality.'
    >>> plain_idioms("What's even more intriguing is that these proposals extend beyond ALCE.")
    'More intriguingly, these proposals extend beyond ALCE.'
    >>> plain_idioms("This is in contrast to systems like Bing Chat, which often cite Web pages.")
    'In contrast, systems like Bing Chat often cite Web pages.'
    >>> plain_idioms("The projection layer is shared (not just the projection matrix).")
    'The projection layer is shared (not only the projection matrix).'
    """
    for pattern, plain in _PLAIN:
        text = pattern.sub(plain, text)
    return text


# a speaker's word said twice ("generatively, generatively pre trained", "many, many")
_SAID_TWICE = re.compile(r"\b([A-Za-z]+)(?:,?\s+\1\b)+", re.IGNORECASE)
# a speaker's "the reason we have X is because Y" (rendered 有一个X和一个原因): "we have X because Y"
_REASON_IS = re.compile(r"\b(?:and )?the reason (?:why |that )?((?:we|I|you|they|it|he|she|this)\b"
                        r"[^,.;]{3,80}?) is (?:because|that)\b", re.IGNORECASE)
# a speaker's "just" ("we just have the decoder" came out 刚刚有一个解码器): "simply"
_JUST = re.compile(r"(?<!\bnot )\bjust\b(?! (?:as|like|now|then|before|after|about|"
                   r"a (?:second|minute|bit)))")


def spoken_plainly(text: str) -> str:
    """A transcript sentence without the speaker's restarts, for a rendering: a word said
    twice in a row is said once (rendered, "generatively, generatively pre trained" came out
    生成式、生成式预训练).

    >>> spoken_plainly("So GPT is short for generatively, generatively pre trained transformer.")
    'So GPT is short for generatively pre trained transformer.'
    >>> spoken_plainly("People have come up with many, many examples.")
    'People have come up with many examples.'

    The reason said as a subject is said as a cause, and "just" is "simply" (its 刚刚 was wrong):

    >>> spoken_plainly("We just have the decoder and the reason we have a decoder only is "
    ...                "because we are just generating text.")
    'We simply have the decoder and we have a decoder only because we are simply generating text.'
    """
    text = _REASON_IS.sub(lambda m: ("and " if m.group(0).lower().startswith("and ") else "")
                          + m.group(1) + " because", text)
    return _JUST.sub("simply", _SAID_TWICE.sub(r"\1", text))


def who_for(voice: str, title: str, zh: bool) -> str:
    """How a report names who says what a source says: 作者 / the authors for a paper, 讲者 /
    the speaker for a lecture, a document by its title."""
    if voice == "document":
        return f"《{title}》" if zh else title
    return _WHO["zh" if zh else "en"][voice]


def clean_line(line: str, evidence: Evidence | str, who: str, zh: bool) -> str | None:
    """A rendered line made a report sentence, or None when it is not a faithful rendering of
    ``evidence`` (its source sentence): left in the wrong language, looping, saying much more,
    crediting the authors or the speaker with what the source says of others, drawing a
    contrast, denying or stating a number the source does not, cut short, or echoing the prompt's
    example. The voice is the report's (``who``). The rules, in order, are the catalogue
    :data:`docent.write.rules.RULES`.

    >>> clean_line("我们用 3 个数据集评估模型 [4]", "We evaluate the model on 3 datasets.", "作者", True)
    '作者用 3 个数据集评估模型。'
    >>> clean_line("我们用 5 个数据集评估模型。", "We evaluate the model on 3 datasets.", "作者", True) is None
    True
    """
    source = evidence if isinstance(evidence, str) else evidence_text(evidence)
    return apply_rules(line, source, who, zh)


def _unsaid(text: str, said: set[str]) -> list[str]:
    """The sentences of ``text`` not already in ``said`` (by :func:`sentence_key`), which
    grows: the model sometimes writes the same sentence into two lines, or a line says again
    what an earlier point said."""
    kept = []
    for a, b in sentence_spans(text):
        key = sentence_key(text[a:b])
        if key not in said:
            said.add(key)
            kept.append(text[a:b])
    return kept


def render_point(model: ChatModel, brief: Brief, point: Point, *, temperature: float = 0.2,
                 said: set[str] | None = None, glossary: Glossary | None = None
                 ) -> list[Rendered]:
    """The point's evidence sentences restated in the brief's language, each cited to its
    passage. Sentences the model failed to render faithfully are left out, and so is any
    sentence already in ``said`` (the report's sentences so far; it grows). In a Chinese
    report the terms of the evidence that ``glossary`` knows are given their Chinese."""
    said = set() if said is None else said
    # "using this method" where the sentence that describes the method is not given: unsaid
    point = replace(point, evidence=standing_alone(point.evidence))
    if not point.evidence:
        return []
    zh = brief.language == "zh"
    who = who_for(point.voice, point.evidence[0].source.title if point.evidence else "", zh)
    voice = ("原句中的 I 指讲者，写作“讲者”；原句中的 we 指讲者带着听众一起做，改写时省略主语；绝不写“我们”或“我”；"
             if point.voice == "lecture" else
             f"原句中的 we / our / I 指{who}，写作“{who}”，绝不写“我们”或“我”；")
    system = (_SYSTEM_ZH.replace("{voice}", voice) if zh else _SYSTEM_EN).format(who=who)
    def plain(text: str) -> str:
        """The source sentence as a Chinese rendering's model is given it: idioms in plain
        words, a written source's causal "as" made "because" (a speaker's "as we did"
        compares: left as it is), a speaker's restarts ("generatively, generatively") once."""
        if not zh:
            return text
        return plain_idioms(spoken_plainly(text) if point.voice == "lecture"
                            else causal_as(text))

    # an opening that points at the sentence before ("To tackle this limitation, ...") is
    # left out where the point does not give that sentence right before it
    given = [plain(evidence_text(ev) if follows(before, ev) else unlinked(evidence_text(ev)))
             for before, ev in zip([None, *point.evidence], point.evidence)]

    def ask(numbers: list[int]) -> dict[int, str]:
        """The model's lines for these source sentences (1-based), by their numbers."""
        sources = "\n".join(f"{k}. {given[i - 1]}" for k, i in enumerate(numbers, 1))
        asked = [given[i - 1] for i in numbers]
        terms = glossary.prompt_block(*asked) if zh and glossary is not None else ""
        if zh:
            glossed = f"{terms}\n\n" if terms else ""
            user = f"资料句：\n{sources}\n\n{glossed}输出："
        else:
            user = f"Source sentences:\n{sources}\n\nOutput:"
        budget = sum(len(asked_one.split()) for asked_one in asked)
        reply = model.complete([Message("system", system), Message("user", user)],
                               max_tokens=int(budget * 2.2) + 24 * len(numbers),
                               temperature=temperature, repeat_penalty=1.1,
                               # a line past the last asked for is never kept: not generated
                               stop=[f"\n{len(numbers) + 1}."])
        got = numbered(reply.text)
        if not got and len(numbers) == 1 and reply.text.strip():
            got[1] = reply.text.strip().splitlines()[0]
        return {i: got[k] for k, i in enumerate(numbers, 1) if k in got}

    everything = list(range(1, len(point.evidence) + 1))
    lines = ask(everything)
    # a line that renders another source sentence than its own (the model skipped one and
    # numbered on): that source sentence asked again, alone (at most three a point)
    wrong = sorted(misaligned(lines, given, glossary or Glossary()))
    for i in wrong[:3]:
        lines.update(ask([i]))
    for i in wrong[3:]:
        lines.pop(i, None)
    cleaned = {i: clean_line(lines.get(i, ""), ev, who, zh)
               for i, ev in enumerate(point.evidence, 1)}
    if zh:  # the one or two English words the model left in a line (half_translated: three)
        kept = [i for i, t in cleaned.items() if t is not None]
        for i, t in zip(kept, translate_stray_words(model, [cleaned[i] for i in kept],
                                                    glossary)):
            # "instruct it to cite accordingly" left "accordingly", translated 按照: cut short
            cleaned[i] = None if _DANGLING.search(t) else t
    for i in range(1, len(point.evidence)):
        if cleaned[i] is not None and cleaned[i + 1] is not None \
                and cleaned[i] != cleaned[i + 1] and says_the_next(cleaned[i], cleaned[i + 1]):
            # (the same line twice is one sentence said twice: written once, below)
            cleaned[i] = None  # it took in the next source sentence: not its own source's
    out: list[Rendered] = []
    before = True  # the line before this one is in the report
    for i, ev in enumerate(point.evidence, 1):
        text = cleaned[i]
        if not before and leans_on_previous(evidence_text(ev)):
            text = None  # "This choice has several good reasons": the choice was left out
        pieces = _unsaid(text, said) if text is not None and ev.passage.id is not None else []
        before = bool(pieces)
        if not pieces:
            continue
        # a line the model wrote as two sentences cites each (none is left uncited)
        joiner = "" if zh else " "
        out.append(Rendered(joiner.join(cite(p, ev.passage.id) for p in pieces),
                            joiner.join(pieces), ev))
    return out
