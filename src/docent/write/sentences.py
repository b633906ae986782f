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
from docent.magnitudes import magnitude_slips
from docent.text import (
    CJK_RE,
    lost_qualifiers,
    normalize_space,
    sentence_key,
    sentence_spans,
    tidy_spaces,
    unlinked,
    unstated_numbers,
)
from docent.types import Brief
from docent.write.compose import cite, loops
from docent.write.lines import misaligned, numbered, says_the_next
from docent.write.points import (Evidence, Point, evidence_text, follows,
                                 leans_on_previous, standing_alone)

__all__ = ["Rendered", "causal_as", "clean_line", "render_point", "source_subject",
           "stray_words", "translate_stray_words", "who_for"]


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
    "5. 语言正式、通顺，适合初学者。只输出编号的句子。\n\n"
    "示例资料句：\n1. We train the model on a corpus of 6 billion tokens.\n"
    "2. This does not improve accuracy on rare words.\n"
    "示例输出：\n1. {who}在一个包含 60 亿个词元（token）的语料上训练模型。\n"
    "2. 这并不能提高模型在罕见词上的准确率。")
_SYSTEM_EN = (
    "You restate source sentences one by one for a student's report. Rules:\n"
    "1. One sentence per numbered source sentence, same number, one per line;\n"
    "2. Exactly the same meaning: add nothing the source does not say, keep negations, the "
    "direction of comparisons and scope words (all, most, only);\n"
    "3. Copy numbers and names; explain no term the source does not explain;\n"
    "4. The source's we / our / I means {who}: write \"{who}\", never \"we\" or \"I\";\n"
    "5. Plain, formal English for beginners. Output only the numbered sentences.")

# the speaker speaking as a token, a reader or "you" ("if I'm the fifth token"), not as himself
_ROLE_PLAY = re.compile(r"\bif I\b|\bI(?:'m| am) (?:a|an|the|at|in)\b|\bwhen I\b|\bas a\b",
                        re.IGNORECASE)
# the source speaks of its authors: "we", "our", "this paper", "the authors"
_AUTHORS = re.compile(r"\b(?:we|our|ours|us|ourselves|this (?:paper|work|study)|the authors)\b",
                      re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:but|however|while|whereas|although|though|yet|despite|in spite|"
                       r"unlike|instead|rather|contrary|only|still|not|no|fail|cannot|n't|"
                       r"without|even|except|lower|worse|less)\b|n't", re.IGNORECASE)

# a negation in a Chinese line ("在准确性上没有明显优势"), and what in an English source may be
# rendered as one: a line that denies what its source never denies completes the source with
# a claim of the model's own ("compared to the popular models" came out "…没有明显优势")
_NEGATION_ZH = re.compile(r"没有|并不|并非|不能|不会|无法|未能|不是|不再|毫无|从未|不需要|不必")
_NEGATION_EN = re.compile(r"\b(?:not|no|never|without|cannot|neither|nor|none|lack\w*|fail\w*|"
                          r"unable|instead|rather|hardly|little|nothing|only|free|avoid\w*|"
                          r"prevent\w*)\b|n't", re.IGNORECASE)

# the reverse: a source that denies ("this is not crucial speedup as the bottleneck is ...")
# rendered with no negation left in the line says the opposite or drops what it denies (3 of
# the 5 such lines in labelled reports were wrong); and so does a source that denies twice
# rendered with one denial ("While this is not crucial speedup ..., we will propose
# architectures that do not have hidden layers" came out with only 不需要隐藏层: 4 of the 5
# such lines of eight labelled reports were wrong). "not only" denies nothing.
_DENIES_EN = re.compile(r"\b(?:not|no|never|cannot|neither|nor|none|nothing)\b"
                        r"(?! (?:only|just|merely|simply)\b)|n't", re.IGNORECASE)
_DENIES_ZH = re.compile(r"不|没|无|非|未|别|否|免|缺|难以|仅|只|而是|绝")

# an example the model adds in parentheses ("简单的模型架构（如前馈网络）") where its source gives none
_ADDED_EXAMPLE = re.compile(r"[（(]\s*(?:如|例如|比如|譬如)[^（）()]*[)）]")
_GIVES_EXAMPLE = re.compile(r"\b(?:such as|e\.g\.|for example|for instance|like|including|"
                            r"include|includes|especially|namely)\b", re.IGNORECASE)

# a passive with its agent in an English source ("the second node is pointed to by the first
# node"), and what marks one in a Chinese line: the small model renders it active with the
# subject kept ("第二个节点指向第一个节点"), reversing who does what. A line with no passive
# marker is dropped (a correct active rendering is lost with it; the point takes the next line)
_PASSIVE_EN = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
                         r"\w+(?:ed|en|wn)(?:\s+(?:to|on|at|up))?\s+by\b", re.IGNORECASE)
_PASSIVE_ZH = re.compile(r"被|由|受|通过|经过?|依赖|取决|所|来自|借助")

# 他们 ("they") in a line whose source names no others: the small model renders a lecture's
# "we calculate the keys" as 他们计算键 (2 of 2 such labelled lines; 8 of 8 lines with 他们 for
# a source's "they" were right)
_THEY_EN = re.compile(r"\b(?:they|them|their|theirs|people|humans|users|others)\b", re.IGNORECASE)

# a name in a line (capitalised, an acronym, with a digit: ChatGPT, VANILLA, T5-11B) outside
# the parentheses that give a term's English: one its source sentence does not name came from
# a neighbouring sentence (the model merged "ChatGPT with VANILLA ..." into the line before)
_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")


def foreign_names(text: str, source: str) -> list[str]:
    """The names ``text`` gives outside parentheses that ``source`` does not contain.

    >>> foreign_names("所有模型的流畅度都很好，但 ChatGPT 使用 VANILLA 接近最佳。",
    ...               "All models achieve good fluency scores (except CLOSEDBOOK on ELI5).")
    ['ChatGPT', 'VANILLA']
    >>> foreign_names("大语言模型（LLMs）容易出现幻觉，tiktoken 也是。", "Large language models hallucinate.")
    []
    """
    body = _PARENS.sub(" ", text)
    low = source.lower()
    return [t for t in _NAME.findall(body)
            if (t[0].isupper() or re.search(r"[a-z][A-Z]|\d", t)) and t.lower() not in low]

# an English word left untranslated in a Chinese line (outside the parentheses that give a
# term's English, quotations and titles): "包含了 retrieved passages", "事实oid数据集"
_PARENS = re.compile(r"[（(][^（）()]*[)）]|“[^”]*”|\"[^\"]*\"|《[^》]*》|‘[^’]*’")
_ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_.\-])[a-z]{3,}(?![A-Za-z0-9_.\-])")
_GLUED = re.compile(r"[\u4e00-\u9fff][a-z]{2,}[\u4e00-\u9fff]")


def half_translated(text: str) -> bool:
    """A Chinese line that left English words untranslated: three or more lower-case words
    outside parentheses, quotation marks and titles, or a piece of one glued between Chinese
    characters. (One or two, "其 factual 准确性", are a blemish a reader sees past; dropping
    every such line leaves the small model's report short.)

    >>> half_translated("增强检索的方法包含了 retrieved passages，但不提供 citations。")
    True
    >>> half_translated("ASQA 是一个长形式的事实oid数据集。")
    True
    >>> half_translated("OpenAI 的 tiktoken 库使用字节对编码（byte pair encoding），把“hello world”变成整数。")
    False
    """
    bare = _PARENS.sub("", text)
    return len(_ENGLISH_WORD.findall(bare)) >= 3 or bool(_GLUED.search(bare))


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


_END_ZH = re.compile(r"[。！？]$")


def _fix_voice(text: str, who: str, zh: bool) -> str:
    """The report's voice: the authors' "we" is 作者; a speaker's "I" is 讲者, while the "we"
    of a lecture (the speaker and the audience working along) is left out, as Chinese allows."""
    if zh:
        if who == "讲者":
            text = re.sub(r"(?:我们|咱们)(?:的)?", "", text)
            # the speaker's generic "you" ("you can also turn words into integers"): 可以…
            text = re.sub(r"(?:^|(?<=[，,；。]))你们?(?=[也还就都会可能要能需得把将])", "", text)
            text = re.sub(r"(?<![自本])我(?!们)", who, text)
            return re.sub(r"^[，,、\s]+", "", text)
        text = re.sub(r"我们的", f"{who}的", text)
        return re.sub(r"我们|咱们", who, text)
    text = re.sub(r"\b[Ww]e\b", who, text)
    text = re.sub(r"\bus\b", who, text)  # "allows us to run" (never the capital US)
    text = re.sub(r"\b[Oo]ur\b", f"{who}'", text) if who.endswith("s") else re.sub(
        r"\b[Oo]ur\b", f"{who}'s", text)
    return text[:1].upper() + text[1:]


# who or what the source sentence is about when it is not the authors: its subject, in Chinese
_SUBJECT_HEAD = {"existing": "现有", "current": "当前", "prior": "先前", "previous": "先前",
                 "most": "大多数", "many": "许多", "some": "一些", "recent": "近期",
                 "traditional": "传统", "other": "其他"}
_SUBJECT_NOUN = {"work": "工作", "works": "工作", "studies": "研究", "research": "研究",
                 "methods": "方法", "approaches": "方法", "systems": "系统", "models": "模型",
                 "llms": "大语言模型", "benchmarks": "基准", "metrics": "指标",
                 "datasets": "数据集", "techniques": "技术", "evaluations": "评估"}
_SUBJECT_ALONE = {"users": "用户", "humans": "人类", "readers": "读者", "people": "人们",
                  "researchers": "研究者", "annotators": "标注者", "practitioners": "从业者"}
_SUBJECT = re.compile(r"^(?:[A-Z][a-z]+(?: [a-z]+)?,\s*)?(?:(" + "|".join(_SUBJECT_HEAD)
                      + r")\s+(" + "|".join(_SUBJECT_NOUN) + r")|(" + "|".join(_SUBJECT_ALONE)
                      + r"))\b", re.IGNORECASE)
# a Chinese line that stops where an object or clause must follow
# (not a word that ends in one of them: 总和, 参与, 提及, 服从)
_DANGLING = re.compile(r"(?:按照|根据|对于|关于|包括|例如|比如|以及|(?<![总缓温柔平调])和|(?<![参给])与|"
                       r"(?<![涉提以普波])及|把|(?<![即])将|被|(?<![服遵顺自])从|称为|作为|成为|"
                       r"(?<![立随])即|(?<![比例假])如)[。！？]?$")


def source_subject(source: str) -> str | None:
    """The Chinese for the subject of an English source sentence that speaks of others or in
    general ("Existing work relies on ..." -> 现有工作), or None when it is not one of these.

    >>> source_subject("Existing work mainly relies on commercial search engines.")
    '现有工作'
    >>> source_subject("However, users can easily verify the claims.")
    '用户'
    >>> source_subject("It is hard to compare systems.") is None
    True
    """
    m = _SUBJECT.match(source.strip())
    if m is None:
        return None
    if m.group(3):
        return _SUBJECT_ALONE[m.group(3).lower()]
    return _SUBJECT_HEAD[m.group(1).lower()] + _SUBJECT_NOUN[m.group(2).lower()]


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
    example. The voice is the report's (``who``)."""
    text = normalize_space(line).strip("“”\"' ")
    text = re.sub(r"\[\s*\d+(?:\s*[,，]\s*\d+)*\s*\]|【\d+】|\*+|`", "", text)
    text = re.sub(r"[（(]\s*(?:如|例如|e\.g\.,?)?\s*[)）]", "", text)  # emptied by the line above
    text = re.sub(r"[，,]?\s*(?:如|例如|比如|such as|e\.g\.,?)\s*(?=[。.]?$)", "", text)
    # the spaces a removed citation leaves ("proposed in  to be", "DistBelief , including")
    text = tidy_spaces(text)
    if not text or loops(text):
        return None
    if zh and (len(CJK_RE.findall(text)) < 0.3 * len(text.replace(" ", ""))
               or half_translated(text)):
        return None  # not (wholly) rendered into Chinese
    if not zh and len(CJK_RE.findall(text)) > 0.1 * len(text.replace(" ", "")):
        return None  # not rendered into English
    source = evidence if isinstance(evidence, str) else evidence_text(evidence)
    if len(text) > (3.0 if not zh else 1.6) * len(source) + 20:
        return None  # says much more than its source
    text = _fix_voice(text, who, zh)
    if zh:  # "Moreover" came out 这外 (a typo for 此外) in the word2vec report
        text = re.sub(r"^这外(?=[，,])", "此外", text)
    if zh and who == "作者" and "作者" in text and not _AUTHORS.search(source):
        # the source says it of others or in general ("Existing work mainly relies on ...",
        # "Users can verify ..."): the model's 作者 would credit the authors with it. The
        # source's own subject takes its place; a sentence left without one is dropped
        subject = source_subject(source)
        if subject is None:
            return None
        text = re.sub(r"^作者(?:们)?(?:的)?[，,]?|(?<=[，,；])作者(?:们)?", subject, text)
        if "作者" in text:
            return None
    if zh and who == "讲者" and "讲者" in text:
        if not re.search(r"\b(?:I|I'm|I'd|I've|I'll|my|me)\b", source):
            # the source's subject is not the speaker ("the output still looks terrible"): the
            # model's 讲者 would credit him with what the model or the code does
            text = re.sub(r"^讲者(?:认为|解释|指出|说)?[，,]?", "", text)
        if "讲者" in text and (_ROLE_PLAY.search(source) or text.count("讲者") > 1
                               or not text.startswith("讲者")):
            return None  # "if I'm the fifth token...": the speaker plays a part, not himself
    if zh and re.search(r"但|然而|不过|却|相反", text) and not _CONTRAST.search(source):
        return None  # a contrast the source does not draw (two sentences joined by 但)
    if zh and _NEGATION_ZH.search(text) and not _NEGATION_EN.search(source):
        return None  # a negation the source does not state
    if zh and len(_DENIES_EN.findall(source)) > len(_DENIES_ZH.findall(text)):
        return None  # a negation of the source lost
    if zh and not _GIVES_EXAMPLE.search(source):
        text = tidy_spaces(_ADDED_EXAMPLE.sub("", text))  # an example the source does not give
    if zh and _PASSIVE_EN.search(source) and not _PASSIVE_ZH.search(text):
        return None  # a passive turned active: who does what may be reversed
    if zh and "他们" in text and not _THEY_EN.search(source):
        return None  # the speaker's (or the authors') "we" made others
    if zh and foreign_names(text, source):
        return None  # a name from another sentence: the line says more than its source
    if zh:
        for written, should in magnitude_slips(text, [source]).items():
            text = text.replace(written, should)  # "7亿" for "7B": the source's number, 70亿
    if unstated_numbers(text, [source]):
        return None  # a number its source does not state
    if zh and lost_qualifiers(text, source):
        return None  # "about", "increase" or "less" of the source's quantity dropped
    if zh and _DANGLING.search(text):
        return None  # cut short: "并指示它按照。"
    if re.search(r"罕见词|rare words?", text) and not re.search(r"\brare\b", source, re.I) or \
            re.search(r"语料上训练|词元（token）的语料", text) and not re.search(r"\btrain", source, re.I) or \
            re.search(r"的语料上训练", text) and not re.search(r"\bcorp(?:us|ora)\b|\bdata", source, re.I):
        return None  # the system prompt's examples leaking into the line
    if zh and not _END_ZH.search(text):
        text = text.rstrip("。.;；,，") + "。"
    elif not zh and not re.search(r"[.!?]$", text):
        text = text.rstrip(",;") + "."
    return text


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
