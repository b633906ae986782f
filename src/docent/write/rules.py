"""The catalogue of line rules: what makes a rendered line a report sentence, or drops it.

A small local model renders each English source sentence into one report sentence
(:mod:`docent.write.sentences`); the rules here then fix what can be fixed deterministically
and drop a line that is not a faithful rendering of its source sentence. Each rule is stated
for a class of lines, carries an invented example of that class, and is measured on labelled
report sentences of several papers (``bench/rules.py``; the table is ``docs/rules.md``)::

    >>> [r.id for r in RULES][:4]
    ['markup', 'empty_or_loop', 'not_chinese', 'half_translated']
    >>> apply_rules("我们在一个很大的语料上训练模型 [3]", "We train the model on a large corpus.",
    ...             who="作者", zh=True)
    '作者在一个很大的语料上训练模型。'
    >>> apply_rules("作者在一个很大的语料上训练了 5 个模型。", "We train the model on a large corpus.",
    ...             who="作者", zh=True) is None
    True

A rule takes the line, its source sentence, the report's voice ``who`` (作者, 讲者, a title;
"the authors" in English) and whether the report is Chinese. A ``drop`` rule says whether the
line goes (:attr:`Rule.applies`); a ``fix`` rule returns the line fixed (:attr:`Rule.fix`). The
rules run in catalogue order; the first drop ends the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from docent.glossary import Glossary
from docent.magnitudes import magnitude_slips
from docent.text import CJK_RE, lost_qualifiers, normalize_space, tidy_spaces, unstated_numbers
from docent.write.compose import loops

__all__ = ["DANGLING", "PARENS", "ENGLISH_WORD", "RULES", "Rule", "apply_rules",
           "foreign_names", "fix_voice", "half_translated", "rule", "source_subject"]


@dataclass(frozen=True)
class Rule:
    """One line rule. ``example`` is an invented line of the class the rule guards and
    ``example_source`` its invented source sentence (never a sentence of a bundled report);
    ``language`` is the report language it is for, ``voice`` the one report voice it is for."""

    id: str
    kind: Literal["drop", "fix"]
    purpose: str
    example: str
    example_source: str
    applies: Callable[..., bool] | None = None  # drop: (line, source, who, zh) -> bool
    fix: Callable[..., str] | None = None  # fix: (line, source, who, zh) -> the fixed line
    language: Literal["zh", "en", "any"] = "zh"
    voice: str | None = None

    def active(self, who: str = "作者", zh: bool = True) -> bool:
        """Whether the rule is for a report of this voice and language."""
        return (self.language == "any" or (self.language == "zh") == zh) and (
            self.voice is None or self.voice == who)

    def run(self, line: str, source: str, who: str = "作者", zh: bool = True) -> str | None:
        """``line`` after this rule: None when it drops it, the fixed line for a fix (the line
        itself where the rule is not for this report)."""
        if not self.active(who, zh):
            return line
        if self.kind == "drop":
            return None if self.applies(line, source, who, zh) else line
        return self.fix(line, source, who, zh)

    def fires(self, line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
        """Whether the rule acts on ``line``: drops it, or changes it."""
        return self.run(line, source, who, zh) != line


# -- the regular expressions the rules use ------------------------------------------------

# a term's English in parentheses, quotations and titles: what is not the line's own wording
PARENS = re.compile(r"[（(][^（）()]*[)）]|“[^”]*”|\"[^\"]*\"|《[^》]*》|‘[^’]*’")
# an English word left untranslated in a Chinese line, and one glued between Chinese characters
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_.\-])[a-z]{3,}(?![A-Za-z0-9_.\-])")
_GLUED = re.compile(r"[\u4e00-\u9fff][a-z]{2,}[\u4e00-\u9fff]")
# a name: capitalised, an acronym, or with a digit (GPT-4, T5-11B, BaseLine)
_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")

# the speaker speaking as a token, a reader or "you" ("if I'm the fifth token"), not as himself
_ROLE_PLAY = re.compile(r"\bif I\b|\bI(?:'m| am) (?:a|an|the|at|in)\b|\bwhen I\b|\bas a\b",
                        re.IGNORECASE)
# the source speaks of its authors: "we", "our", "this paper", "the authors"
_AUTHORS = re.compile(r"\b(?:we|our|ours|us|ourselves|this (?:paper|work|study)|the authors)\b",
                      re.IGNORECASE)
_SPEAKER = re.compile(r"\b(?:I|I'm|I'd|I've|I'll|my|me)\b")
_CONTRAST_ZH = re.compile(r"但|然而|不过|却|相反")
_CONTRAST = re.compile(r"\b(?:but|however|while|whereas|although|though|yet|despite|in spite|"
                       r"unlike|instead|rather|contrary|only|still|not|no|fail|cannot|n't|"
                       r"without|even|except|lower|worse|less)\b|n't", re.IGNORECASE)
# a negation in a Chinese line, and what in an English source may be rendered as one
_NEGATION_ZH = re.compile(r"没有|并不|并非|不能|不会|无法|未能|不是|不再|毫无|从未|不需要|不必")
_NEGATION_EN = re.compile(r"\b(?:not|no|never|without|cannot|neither|nor|none|lack\w*|fail\w*|"
                          r"unable|instead|rather|hardly|little|nothing|only|free|avoid\w*|"
                          r"prevent\w*)\b|n't", re.IGNORECASE)
# the denials of an English source ("not only" denies nothing) and the marks of one in Chinese
_DENIES_EN = re.compile(r"\b(?:not|no|never|cannot|neither|nor|none|nothing)\b"
                        r"(?! (?:only|just|merely|simply)\b)|n't", re.IGNORECASE)
_DENIES_ZH = re.compile(r"不|没|无|非|未|别|否|免|缺|难以|仅|只|而是|绝")
# an example the model adds in parentheses ("（如前馈网络）") and a source that gives examples
_ADDED_EXAMPLE = re.compile(r"[（(]\s*(?:如|例如|比如|譬如)[^（）()]*[)）]")
_GIVES_EXAMPLE = re.compile(r"\b(?:such as|e\.g\.|for example|for instance|like|including|"
                            r"include|includes|especially|namely)\b", re.IGNORECASE)
# a passive with its agent in English ("B is pointed to by A"), and the marks of one in Chinese
_PASSIVE_EN = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
                         r"\w+(?:ed|en|wn)(?:\s+(?:to|on|at|up))?\s+by\b", re.IGNORECASE)
_PASSIVE_ZH = re.compile(r"被|由|受|通过|经过?|依赖|取决|所|来自|借助")
# a source that speaks of others, where 他们 ("they") is theirs
_THEY_EN = re.compile(r"\b(?:they|them|their|theirs|people|humans|users|others)\b", re.IGNORECASE)
# a Chinese line that stops where an object or clause must follow
# (not a word that ends in one of them: 总和, 参与, 提及, 服从)
DANGLING = re.compile(r"(?:按照|根据|对于|关于|包括|例如|比如|以及|(?<![总缓温柔平调])和|(?<![参给])与|"
                      r"(?<![涉提以普波])及|把|(?<![即])将|被|(?<![服遵顺自])从|称为|作为|成为|"
                      r"(?<![立随])即|(?<![比例假])如)[。！？]?$")
_END_ZH = re.compile(r"[。！？]$")

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


# -- the helpers the rules share --------------------------------------------------------

def half_translated(text: str) -> bool:
    """A Chinese line that left English words untranslated: three or more lower-case words
    outside parentheses, quotation marks and titles, or a piece of one glued between Chinese
    characters. (One or two are a blemish a reader sees past; dropping every such line leaves
    the small model's report short.)

    >>> half_translated("这个方法使用了 sparse retrieval 和 dense vectors。")
    True
    >>> half_translated("它是一个多语言的问答tion数据集。")
    True
    >>> half_translated("该库使用字节对编码（byte pair encoding），把“good morning”变成整数。")
    False
    """
    bare = PARENS.sub("", text)
    return len(ENGLISH_WORD.findall(bare)) >= 3 or bool(_GLUED.search(bare))


def foreign_names(text: str, source: str) -> list[str]:
    """The names ``text`` gives outside parentheses that ``source`` does not contain.

    >>> foreign_names("两个模型都很快，但 GPT-4 配合 RERANK 最好。", "Both models are fast.")
    ['GPT-4', 'RERANK']
    >>> foreign_names("大语言模型（LLMs）需要检索，tiktoken 也是。", "Large language models retrieve.")
    []
    """
    body = PARENS.sub(" ", text)
    low = source.lower()
    return [t for t in _NAME.findall(body)
            if (t[0].isupper() or re.search(r"[a-z][A-Z]|\d", t)) and t.lower() not in low]


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


def fix_voice(text: str, who: str, zh: bool) -> str:
    """The report's voice: the authors' "we" is 作者; a speaker's "I" is 讲者, while the "we"
    of a lecture (the speaker and the audience working along) is left out, as Chinese allows.

    >>> fix_voice("我们提出了一个新方法。", "作者", True)
    '作者提出了一个新方法。'
    >>> fix_voice("我们先把数据读进来。", "讲者", True)
    '先把数据读进来。'
    """
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


def _cjk_share(text: str) -> tuple[int, int]:
    return len(CJK_RE.findall(text)), len(text.replace(" ", ""))


# -- the rules, as functions of (line, source, who, zh) ----------------------------------

def _markup(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    text = normalize_space(line).strip("“”\"' ")
    text = re.sub(r"\[\s*\d+(?:\s*[,，]\s*\d+)*\s*\]|【\d+】|\*+|`", "", text)
    text = re.sub(r"[（(]\s*(?:如|例如|e\.g\.,?)?\s*[)）]", "", text)  # emptied by the line above
    text = re.sub(r"[，,]?\s*(?:如|例如|比如|such as|e\.g\.,?)\s*(?=[。.]?$)", "", text)
    # the spaces a removed citation leaves ("proposed in  to be", "DistBelief , including")
    return tidy_spaces(text)


def _not_chinese(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    cjk, size = _cjk_share(line)
    return cjk < 0.3 * size


def _half_translated(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return half_translated(line)


def _not_english(line: str, source: str, who: str = "作者", zh: bool = False) -> bool:
    cjk, size = _cjk_share(line)
    return cjk > 0.1 * size


def _too_long(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return len(line) > (1.6 if zh else 3.0) * len(source) + 20


def _moreover_typo(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    return re.sub(r"^这外(?=[，,])", "此外", line)


def _credits_authors(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return "作者" in line and not _AUTHORS.search(source)


def _others_subject(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    subject = source_subject(source) if _credits_authors(line, source) else None
    if subject is None:
        return line
    return re.sub(r"^作者(?:们)?(?:的)?[，,]?|(?<=[，,；])作者(?:们)?", subject, line)


def _speaker_not_subject(line: str, source: str, who: str = "讲者", zh: bool = True) -> str:
    if "讲者" not in line or _SPEAKER.search(source):
        return line
    return re.sub(r"^讲者(?:认为|解释|指出|说)?[，,]?", "", line)


def _speaker_plays_part(line: str, source: str, who: str = "讲者", zh: bool = True) -> bool:
    return "讲者" in line and (bool(_ROLE_PLAY.search(source)) or line.count("讲者") > 1
                             or not line.startswith("讲者"))


def _added_contrast(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(_CONTRAST_ZH.search(line)) and not _CONTRAST.search(source)


def _added_negation(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(_NEGATION_ZH.search(line)) and not _NEGATION_EN.search(source)


def _lost_negation(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return len(_DENIES_EN.findall(source)) > len(_DENIES_ZH.findall(line))


def _added_example(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    if _GIVES_EXAMPLE.search(source):
        return line
    return tidy_spaces(_ADDED_EXAMPLE.sub("", line))


def _passive_reversed(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(_PASSIVE_EN.search(source)) and not _PASSIVE_ZH.search(line)


def _they_for_we(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return "他们" in line and not _THEY_EN.search(source)


def _foreign_name(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(foreign_names(line, source))


def _wrong_sense(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    return Glossary.fix_senses(line, source)


def _magnitude(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    for written, should in magnitude_slips(line, [source]).items():
        line = line.replace(written, should)
    return line


_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORD = re.compile(r"(?<![A-Za-z])(" + "|".join(_NUMBER_WORDS) + r")(?![A-Za-z])",
                          re.IGNORECASE)


def _number_word(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    """An English number word the model left in a Chinese line ("在 eleven 种任务上") in
    digits, where the source spells that number so."""
    def digits(m: re.Match) -> str:
        word = m.group(1)
        if not re.search(rf"\b{word}\b", source, re.IGNORECASE):
            return word
        return str(_NUMBER_WORDS[word.lower()])
    bare = re.sub(r"[（(][^（）()]*[)）]|“[^”]*”|\"[^\"]*\"", lambda m: "\0" * len(m.group(0)), line)
    out, last = [], 0
    for m in _NUMBER_WORD.finditer(bare):
        out += [line[last:m.start()], digits(m)]
        last = m.end()
    return "".join(out) + line[last:]


def _unstated_number(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(unstated_numbers(line, [source]))


def _lost_qualifier(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(lost_qualifiers(line, source))


def _dangling(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return bool(DANGLING.search(line))


def _prompt_leak(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    # the rendering prompt's own example ("train the model on a corpus of 6 billion tokens",
    # "this does not improve accuracy on rare words") in a line whose source says none of it
    return bool(re.search(r"罕见词|rare words?", line) and not re.search(r"\brare\b", source, re.I)
                or re.search(r"语料上训练|词元（token）的语料", line)
                and not re.search(r"\btrain", source, re.I)
                or re.search(r"的语料上训练", line)
                and not re.search(r"\bcorp(?:us|ora)\b|\bdata", source, re.I)
                # the word-order examples ("Model A ... faster than model B", "most of the
                # errors ... for each long input")
                or re.search(r"模型 ?[AB]\b", line) and not re.search(r"\bmodel [AB]\b", source, re.I)
                or re.search(r"较长的输入", line) and not re.search(r"\blong input", source, re.I))


def _end_mark(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    if zh and not _END_ZH.search(line):
        return line.rstrip("。.;；,，") + "。"
    if not zh and not re.search(r"[.!?]$", line):
        return line.rstrip(",;") + "."
    return line


def _empty_or_loop(line: str, source: str, who: str = "作者", zh: bool = True) -> bool:
    return not line or loops(line)


def _fix_voice_rule(line: str, source: str, who: str = "作者", zh: bool = True) -> str:
    return fix_voice(line, who, zh)


def _drop(id: str, applies: Callable[..., bool], purpose: str, example: str, source: str,
          language: str = "zh", voice: str | None = None) -> Rule:
    return Rule(id, "drop", purpose, example, source, applies=applies, language=language,
                voice=voice)


def _fix(id: str, fix: Callable[..., str], purpose: str, example: str, source: str,
         language: str = "zh", voice: str | None = None) -> Rule:
    return Rule(id, "fix", purpose, example, source, fix=fix, language=language, voice=voice)


#: Every line rule, in the order :func:`apply_rules` runs them. The examples are invented.
RULES: tuple[Rule, ...] = (
    _fix("markup", _markup, "Take off what is no part of the sentence: quotation marks around "
         "it, citation brackets, markdown emphasis, an example marker left empty.",
         "“作者使用**两个**数据集 [2]”", "We use two datasets [2].", language="any"),
    _drop("empty_or_loop", _empty_or_loop, "Drop an empty line, or one in which a phrase comes "
          "back four times or more (the model looping).",
          "模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型。",
          "The model is small.", language="any"),
    _drop("not_chinese", _not_chinese, "Drop a line of a Chinese report that is mostly not "
          "Chinese (the model answered in English).",
          "The authors train the model on news articles.",
          "We train the model on news articles."),
    _drop("half_translated", _half_translated,
          "Drop a Chinese line that left three or more English words untranslated, or glued a "
          "piece of one between Chinese characters.",
          "这个方法使用 sparse retrieval 和 dense vectors 来找文档。",
          "This method uses sparse retrieval and dense vectors to find documents."),
    _drop("not_english", _not_english, "Drop a line of an English report that is partly in "
          "Chinese.", "The authors 使用了两个数据集.", "We use two datasets.", language="en"),
    _drop("too_long", _too_long, "Drop a line much longer than its source (1.6 times and 20 "
          "characters in Chinese, 3 times in English): it says more than its source.",
          "作者训练了模型，并且在三个不同的数据集上分别报告了准确率、召回率和运行时间，同时与五个基线进行了比较。",
          "We train the model.", language="any"),
    _fix("voice", _fix_voice_rule, "Write the source's \"we\" as the report's voice: 作者 for a "
         "paper, left out for a lecture's \"we\", 讲者 for a speaker's \"I\".",
         "我们提出了一个新方法。", "We propose a new method.", language="any"),
    _fix("moreover_typo", _moreover_typo, "Write 此外 (\"moreover\") for the typo 这外 that "
         "opens a line.", "这外，该模型更小。", "Moreover, the model is smaller."),
    _fix("others_subject", _others_subject, "Where the model made 作者 the subject of what its "
         "source says of others (\"Existing methods ...\", \"Users ...\"), write the source's "
         "own subject.", "作者通常依赖人工标注。",
         "Existing methods usually rely on human annotation.", voice="作者"),
    _drop("credits_authors", _credits_authors, "Drop a line that credits the authors (作者) with "
          "what a source that never speaks of them says, when its subject could not be put "
          "back.", "作者很难比较这些系统。", "It is hard to compare these systems.", voice="作者"),
    _fix("speaker_not_subject", _speaker_not_subject, "Take 讲者 off the head of a lecture line "
         "whose source has no \"I\": the speaker is not the subject of what the code does.",
         "讲者，损失下降得很慢。", "The loss goes down very slowly.", voice="讲者"),
    _drop("speaker_plays_part", _speaker_plays_part, "Drop a lecture line that makes the speaker "
          "what he plays (\"if I'm a token ...\"), names him twice, or not as its subject.",
          "如果讲者是第三个词元，讲者会看向之前的词元。",
          "If I'm the third token, I look at the tokens before me.", voice="讲者"),
    _drop("added_contrast", _added_contrast, "Drop a line that draws a contrast (但, 然而, 却) "
          "its source does not draw: usually two sentences joined.",
          "模型很小，但训练数据很多。", "The model is small and the training data is large."),
    _drop("added_negation", _added_negation, "Drop a line that denies something its source "
          "does not deny: the model completed the sentence with a claim of its own.",
          "这个方法在长文本上没有优势。", "This method is compared with long-text baselines."),
    _drop("lost_negation", _lost_negation, "Drop a line with fewer denials than its source: "
          "it says the opposite, or drops what the source denies.",
          "这种方法提高了准确率。", "This method does not improve accuracy."),
    _fix("added_example", _added_example, "Take out an example in parentheses (（如……）) its "
         "source does not give.", "简单的模型（如线性模型）训练得很快。",
         "Simple models train quickly."),
    _drop("passive_reversed", _passive_reversed, "Drop a line that renders a passive with an "
          "agent (\"B is computed by A\") with no passive marker: who does what may be reversed.",
          "第二层计算第一层。", "The second layer is computed by the first layer."),
    _drop("they_for_we", _they_for_we, "Drop a line with 他们 (\"they\") whose source names no "
          "others: the authors' or the speaker's \"we\" made into someone else.",
          "他们计算了每个词的概率。", "We compute the probability of each word."),
    _drop("foreign_name", _foreign_name, "Drop a line that names (a capitalised word, an "
          "acronym, a name with a digit) what its source does not: it came from another "
          "sentence.", "两个模型都很快，但 GPT-4 配合 RERANK 最好。",
          "Both models are fast."),
    _fix("wrong_sense", _wrong_sense, "Write the field's standard Chinese for the everyday "
         "sense the model gave a term its source uses (token as 代币, dropout as 辍学, "
         "state-of-the-art as 状态机): glossary.WRONG_SENSES.",
         "模型每次生成一个代币。", "The model generates one token at a time."),
    _fix("number_word", _number_word, "Write an English number word left in a Chinese line "
         "in digits, where the source spells that number so.", "它在 eleven 种任务上取得了最好结果。",
         "It obtains the best results on eleven tasks."),
    _fix("magnitude", _magnitude, "Write a magnitude in Chinese units as the source's value "
         "(\"7B\" is 70亿, never 7亿).", "这个模型有 7 亿参数。", "This is a 7B model."),
    _drop("unstated_number", _unstated_number, "Drop a line that states a number its source "
          "does not state, in any way of writing it.", "作者使用了 5 个数据集。",
          "We use three datasets.", language="any"),
    _drop("lost_qualifier", _lost_qualifier, "Drop a line that drops how its source qualifies "
          "a quantity: \"about\", an increase, a \"less\".", "速度提高了两倍。",
          "This gives about two times speedup."),
    _drop("dangling", _dangling, "Drop a Chinese line that stops where an object or a clause "
          "must follow (…并指示它按照。).", "作者把结果提供给模型，并要求它根据。",
          "We give the results to the model and ask it to answer accordingly."),
    _drop("prompt_leak", _prompt_leak, "Drop a line that repeats the rendering prompt's own "
          "example (rare words, training on a corpus) where its source says none of it.",
          "这并不能提高模型在罕见词上的准确率。", "The method is evaluated on news text.",
          language="any"),
    _fix("end_mark", _end_mark, "End the line with the report language's full stop.",
         "作者提出了一个新方法", "We propose a new method.", language="any"),
)


def rule(id: str) -> Rule:
    """The catalogue's rule of this id."""
    return next(r for r in RULES if r.id == id)


def apply_rules(line: str, source: str, who: str, zh: bool,
                rules: tuple[Rule, ...] = RULES) -> str | None:
    """``line`` made a report sentence by the rules in order, or None when one drops it."""
    text: str | None = line
    for r in rules:
        text = r.run(text, source, who, zh)
        if text is None:
            return None
    return text
