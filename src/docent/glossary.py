"""One bilingual glossary per workspace: how an English term is written in a Chinese report.

Two layers: the standard Chinese of common machine-learning and NLP terms (the small model
renders "state-of-the-art" as 状态机 "state machine" and "shortcuts" as 短路 "short circuit"
without it), and the terms the workspace's own Chinese sources gloss, "使用前馈神经网络
（FNN）"::

    >>> g = Glossary.from_texts(["每层使用前馈神经网络（FNN）和价值函数（Value Function）。"])
    >>> g.terms_in("The FNN and the value function use state-of-the-art retrievers.")
    [('fnn', '前馈神经网络'), ('value function', '价值函数'), ('state-of-the-art', '最先进的'), ('retriever', '检索器')]
    >>> g.prompt_lines("It prevents systems from exploiting shortcuts.")
    'shortcuts = 捷径'
    >>> print(g.prompt_lines("We divide the corpus into 100-word passages."))
    corpus = 语料库
    100-word = 100 词

The writer puts the terms an evidence sentence uses into its rendering prompt, so a term is
written the same way throughout a report. Where the model still gives a term its everyday
sense ("token" as 代币 "coin", "dropout" as 辍学 "leaving school"), :meth:`Glossary.fix_senses`
writes the standard Chinese back, if the source sentence uses the term (:data:`WRONG_SENSES`;
the ``wrong_sense`` rule of :mod:`docent.write.rules`)::

    >>> Glossary.fix_senses("训练时加入辍学层。", "Dropout layers are added during training.")
    '训练时加入 dropout 层。'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["BASE_TERMS", "WRONG_SENSES", "Glossary"]

#: Standard Chinese of terms the embedded model gets wrong or renders inconsistently.
BASE_TERMS: dict[str, str] = {
    "state-of-the-art": "最先进的", "state of the art": "最先进水平", "shortcut": "捷径",
    "baseline": "基线", "benchmark": "基准", "ablation": "消融实验", "fine-tuning": "微调",
    "fine-tune": "微调", "pre-training": "预训练", "pretraining": "预训练",
    "in-context learning": "上下文学习", "demonstration": "示例", "prompt": "提示",
    "token": "词元", "tokenizer": "分词器", "byte pair encoding": "字节对编码",
    "embedding": "嵌入", "word vector": "词向量", "hallucination": "幻觉",
    "ground truth": "真实答案", "off-the-shelf": "现成的", "end-to-end": "端到端",
    "on-the-fly": "即时", "paraphrase detection": "复述检测", "sentiment analysis": "情感分析",
    "log-linear": "对数线性", "stochastic gradient descent": "随机梯度下降",
    "gradient descent": "梯度下降", "learning rate": "学习率", "batch normalization": "批归一化",
    "batch norm": "批归一化", "layer normalization": "层归一化", "layer norm": "层归一化",
    "perplexity": "困惑度", "fluency": "流畅度", "coherence": "连贯性", "recall": "召回率", "precision": "精确率", "accuracy": "准确率",
    "self-attention": "自注意力", "multi-head attention": "多头注意力", "attention": "注意力",
    "query": "查询", "queries": "查询", "feed-forward": "前馈", "feedforward": "前馈",
    "residual connection": "残差连接", "positional encoding": "位置编码",
    "language model": "语言模型", "large language model": "大语言模型",
    "retriever": "检索器", "retrieval": "检索", "reranking": "重排序", "rerank": "重排序",
    "corpus": "语料库", "vocabulary": "词表", "inference": "推理",
    "natural language inference": "自然语言推理", "entailment": "蕴含", "entail": "蕴含",
    "claim": "陈述", "citation": "引用",
    "citation recall": "引用召回率", "citation precision": "引用精确率",
    "lossy compression": "有损压缩", "distribution": "分布", "softmax": "softmax",
    "logits": "logits", "decoder": "解码器", "encoder": "编码器", "transformer": "Transformer",
    "skip-gram": "Skip-gram", "bag-of-words": "词袋", "hierarchical softmax": "分层 softmax",
    "regularization": "正则化", "dropout": "dropout", "overfitting": "过拟合",
    "open-domain": "开放域", "retrieval-augmented": "检索增强的", "faithfulness": "忠实性",
    "informativeness": "信息量", "testbed": "测试平台", "close-to-best": "接近最佳的",
    # phrases of academic English the small model renders word by word, wrongly ("at the
    # cost of" as "是由于……的代价", "consistently" as 继续, "extend beyond" as 扩展了)
    "at the cost of": "以……为代价", "consistently": "始终", "extend beyond": "超出",
    "in contrast": "相比之下", "as opposed to": "而不是", "is short for": "是……的缩写",
    "works better": "效果更好", "work better": "效果更好", "outperform": "优于",
    "matrix multiplication": "矩阵乘法", "matrix multiply": "矩阵乘法",
    "weighted aggregation": "加权聚合", "lower triangular": "下三角", "block size": "块大小",
    "batch dimension": "批维度", "directed graph": "有向图", "cross-attention": "交叉注意力",
    "bigram": "二元语法", "character-level": "字符级",
    # "single token words" came out 单词元词 (token = 词元 read into "single"); "Spearman's
    # rank correlation" 级联相关性 ("cascade")
    "single token": "单个词元", "rank correlation": "秩相关",
    # GPT's expansion came out 生成式、生成式预训练 Transformer (the adverb rendered twice)
    "generatively pretrained transformer": "生成式预训练 Transformer",
    "generatively pre-trained transformer": "生成式预训练 Transformer",
    "generative pre-trained transformer": "生成式预训练 Transformer",
    "generative pretrained transformer": "生成式预训练 Transformer",
    "decoder-only": "仅解码器", "decoder only": "仅解码器",
    "communication mechanism": "通信机制",
    # "preserve linear regularities among words" came out 保持单词之间线性正则化
    "linear regularities": "线性规律", "linear regularity": "线性规律",
    # the field's common terms of architecture, training and evaluation, in the standard Chinese
    # of its textbooks (a term's Chinese is what a correct rendering writes anyway: "pre-trained"
    # is 预训练, which 预训练的 and 预训练模型 both contain; Glossary.lost checks the Chinese is there)
    "loss": "损失", "loss function": "损失函数", "cross-entropy": "交叉熵",
    "training objective": "训练目标", "objective function": "目标函数",
    "reward model": "奖励模型", "pre-trained": "预训练", "pretrained": "预训练",
    "fine-tuned": "微调", "instruction tuning": "指令微调",
    "masked language model": "掩码语言模型", "masked language modeling": "掩码语言建模",
    "next sentence prediction": "下一句预测", "downstream task": "下游任务",
    # (not a word with several good renderings: "representation" 表示 / 表征, "encode",
    # "vocabulary size" 词表大小 / 词汇量, "hidden layer" 隐藏层 / 隐层: the judge's Glossary.lost
    # took the other rendering for a lost term)
    "hidden state": "隐藏状态",
    "parameter": "参数", "bidirectional": "双向", "unidirectional": "单向",
    "sequence": "序列",
    "subword": "子词", "sub-word": "子词", "wordpiece": "WordPiece", "byte-level": "字节级",
    "word embedding": "词嵌入",
    "attention head": "注意力头", "activation function": "激活函数",
    "backpropagation": "反向传播", "optimizer": "优化器", "checkpoint": "检查点",
    "beam search": "束搜索", "zero-shot": "零样本", "few-shot": "少样本",
    "training set": "训练集", "test set": "测试集", "validation set": "验证集",
    # terms of results sections and of pre-training papers the small model renders word by
    # word ("transfer learning" 转移学习, "leaderboard" left in English)
    "transfer learning": "迁移学习", "leaderboard": "排行榜", "ensemble": "集成",
    "absolute improvement": "绝对提升", "question answering": "问答",
    "left-to-right": "从左到右", "right-to-left": "从右到左", "auto-encoder": "自编码器",
    "autoencoder": "自编码器", "unlabeled": "无标注的", "unlabelled": "无标注的",
    "unsupervised": "无监督", "feature-based": "基于特征的",
}

#: The everyday senses the small model gives a term of the field where its source means the
#: field's ("token" as 代币 "coin", "dropout" as 辍学 "leaving school", "state-of-the-art" as
#: 状态机 "state machine"): term -> {wrong rendering: the standard Chinese}. Each wrong
#: rendering is one no sentence that uses the term in the field's sense needs (a rendering that
#: can be right for another word is listed in :data:`_OTHER_WORD`).
WRONG_SENSES: dict[str, dict[str, str]] = {
    "token": {"代币": "词元", "令牌": "词元", "标记": "词元", "记号": "词元"},
    "tokenizer": {"代币化器": "分词器", "令牌化器": "分词器", "标记化器": "分词器",
                  "标记器": "分词器", "令牌生成器": "分词器", "代币生成器": "分词器"},
    "tokenization": {"代币化": "分词", "令牌化": "分词", "标记化": "分词"},
    "embedding": {"嵌入物": "嵌入", "嵌入式": "嵌入", "植入": "嵌入"},
    "fine-tuning": {"精细调音": "微调", "精细调整": "微调", "精调整": "微调", "微调整": "微调"},
    "fine-tune": {"精细调音": "微调", "精细调整": "微调", "精调整": "微调", "微调整": "微调"},
    "fine-tuned": {"精细调音": "微调", "精细调整": "微调", "精调整": "微调", "微调整": "微调"},
    "loss": {"损失物": "损失", "亏损": "损失"},
    "loss function": {"丢失函数": "损失函数", "亏损函数": "损失函数", "损耗函数": "损失函数"},
    "lossy compression": {"损失性压缩": "有损压缩", "丢失压缩": "有损压缩"},
    "attention": {"关注力": "注意力", "留意力": "注意力"},
    "self-attention": {"自我注意力": "自注意力", "自我关注": "自注意力", "自我注意": "自注意力"},
    "benchmark": {"基准测试点": "基准", "基准点": "基准", "标杆": "基准"},
    "state-of-the-art": {"状态机": "最先进的", "艺术状态": "最先进水平", "艺术水平": "最先进水平"},
    "shortcut": {"快捷键": "捷径", "快捷方式": "捷径", "短路": "捷径"},
    "dropout": {"辍学": "dropout", "退学": "dropout"},
    "transformer": {"变压器": "Transformer", "变形金刚": "Transformer"},
    "retriever": {"寻回犬": "检索器", "猎犬": "检索器"},
    "ground truth": {"地面真相": "真实答案", "地面实况": "真实答案", "地面真值": "真实答案"},
    "hallucination": {"幻象": "幻觉", "错觉": "幻觉"},
    "hallucinate": {"幻象": "幻觉", "错觉": "幻觉"},
    "log-linear": {"日志线性": "对数线性"},
    "byte pair encoding": {"字对编码": "字节对编码"},
    "open-domain": {"开放式": "开放域"},
    "closed-book": {"闭源": "闭卷"},
    "on-the-fly": {"在线": "即时"},
    "retrieval-augmented": {"增强检索": "检索增强"},
    "gradient": {"渐变": "梯度", "坡度": "梯度"},
    "key": {"钥匙": "键"},
    "weight": {"重量": "权重", "体重": "权重"},
    "epoch": {"时代": "轮次", "纪元": "轮次"},
    "checkpoint": {"检查站": "检查点"},
    "beam search": {"光束搜索": "束搜索"},
    "mask": {"口罩": "掩码", "面具": "掩码", "面罩": "掩码"},
    "masked": {"口罩": "掩码", "面具": "掩码", "面罩": "掩码"},
    "tensor": {"张力": "张量"},
    "temperature": {"气温": "温度", "体温": "温度"},
    "recall": {"回忆率": "召回率"},
    "objective": {"客观函数": "目标函数", "训练客观": "训练目标"},
    "residual connection": {"剩余连接": "残差连接"},
}

# a wrong rendering that is the right one for another word its source may use ("mark" is 标记,
# "online" 在线, "open-ended" 开放式): where the source uses that word, it is left alone
_OTHER_WORD: dict[str, re.Pattern] = {
    "标记": re.compile(r"\b(?:mark|label|tag|annotat|flag)", re.IGNORECASE),
    "记号": re.compile(r"\b(?:notation|symbol|sign|mark)", re.IGNORECASE),
    "在线": re.compile(r"\bon-?line\b", re.IGNORECASE),
    "开放式": re.compile(r"\bopen-?ended\b", re.IGNORECASE),
    "闭源": re.compile(r"\bclosed-?source|\bproprietary\b", re.IGNORECASE),
    "错觉": re.compile(r"\billusion", re.IGNORECASE),
    "时代": re.compile(r"\b(?:era|age|times)\b", re.IGNORECASE),
    "重量": re.compile(r"\bweigh(?:s|ed|ing)?\b|\bheav", re.IGNORECASE),
    "短路": re.compile(r"\bshort[- ]circuit", re.IGNORECASE),
    "植入": re.compile(r"\bimplant", re.IGNORECASE),
    "状态机": re.compile(r"\bstate machine", re.IGNORECASE),
}

# a number and a unit joined by a hyphen ("100-word passages", rendered 100 字节 "bytes"
# without it): the unit's Chinese
_UNITS = {"word": "词", "token": "词元", "character": "字符", "layer": "层", "dimensional": "维",
          "page": "页", "sentence": "句", "shot": "样本", "head": "头", "gram": "元"}
_MEASURE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)-(" + "|".join(_UNITS) + r")s?(?![A-Za-z])",
                      re.IGNORECASE)

# "自注意力（Self-Attention）" in a Chinese source: the source's own rendering of a term
_GLOSSED = re.compile(r"([\u4e00-\u9fff]{2,10})\s*[（(]\s*([A-Za-z][A-Za-z \-]{1,40}?)\s*[)）]")
# what comes before a term in a sentence ("会先进行层归一化", "使用的注意力机制"): the term is
# what follows the last of these
_BEFORE_TERM = re.compile(r".*(?:的|了|和|与|及|是|在|为|对|将|把|会|先|进行|使用|采用|构建|提供|"
                          r"称为|叫做|即|其|中|个|一种|这|该|被|由|用)")


# a term's word in its everyday sense, by what follows it: "Recall that ..." (remember) is no
# 召回率, "an attention to detail" no 注意力 mechanism
_EVERYDAY = {"recall": r"\s+(?:that|how|what|when|where|why|from|the (?:earlier|previous))\b"}


def _pattern(term: str) -> re.Pattern:
    """The term in English text, in any case, plural or not: "shortcut" finds "shortcuts"
    (and not a word of it in its everyday sense: "Recall that ...").

    >>> remember, metric = "Recall that we used a bigram.", "Citation recall is high."
    >>> bool(_pattern("recall").search(remember)), bool(_pattern("recall").search(metric))
    (False, True)
    """
    body = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", term))
    everyday = f"(?!{_EVERYDAY[term]})" if term in _EVERYDAY else ""
    return re.compile(rf"(?<![A-Za-z]){body}(?:e?s)?(?![A-Za-z]){everyday}", re.IGNORECASE)


def _sense_pattern(term: str) -> re.Pattern:
    """The term in English text as :func:`_pattern` finds it, its parts also written together
    ("CLOSEDBOOK", "finetuning")."""
    body = r"[\s\-]?".join(re.escape(w) for w in re.split(r"[\s\-]+", term))
    return re.compile(rf"(?<![A-Za-z]){body}(?:e?s)?(?![A-Za-z])", re.IGNORECASE)


_SENSE_PATTERNS = {term: _sense_pattern(term) for term in WRONG_SENSES}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _put(line: str, written: str, right: str) -> str:
    """``line`` with each ``written`` replaced by ``right``; Latin letters put next to a
    Chinese character are set off by a space ("加入 dropout 层")."""
    if _HAN.search(right):
        return line.replace(written, right)
    out, at = [], 0
    for m in re.finditer(re.escape(written), line):
        before = " " if m.start() and _HAN.match(line[m.start() - 1]) else ""
        after = " " if m.end() < len(line) and _HAN.match(line[m.end()]) else ""
        out += [line[at:m.start()], before, right, after]
        at = m.end()
    return "".join(out) + line[at:]


class Glossary:
    """English term -> how a Chinese report writes it."""

    def __init__(self, terms: dict[str, str] | None = None) -> None:
        self.terms = dict(BASE_TERMS if terms is None else terms)
        self._patterns: dict[str, re.Pattern] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Glossary:
        """The standard terms, and the terms ``texts`` (a workspace's Chinese sources) gloss
        that the standard ones lack (the standard Chinese of a term wins)."""
        g = cls()
        for text in texts:
            for zh, written in _GLOSSED.findall(text):
                zh = _BEFORE_TERM.sub("", zh)
                en = " ".join(written.lower().split())
                # a phrase, a hyphenated term or an acronym: a single plain word ("state",
                # "prompt") glossed in passing is not a term of the report
                term = " " in en or "-" in en or (written.isupper() and len(written) >= 2)
                if term and len(zh) >= 2 and en not in g.terms:
                    g.terms[en] = zh
        return g

    def terms_in(self, text: str) -> list[tuple[str, str]]:
        """The terms ``text`` uses, in the order it uses them; a term inside a longer one
        found ("attention" in "multi-head attention") is not listed again."""
        seen: dict[str, str] = {}
        for en, _, _ in self.find(text):
            seen.setdefault(en, self.terms[en])
        return list(seen.items())

    def find(self, text: str) -> list[tuple[str, str, tuple[int, int]]]:
        """Each use of a term in ``text``: ``(term, as written, span)``, in text order."""
        found: list[tuple[str, str, tuple[int, int]]] = []
        for en in sorted(self.terms, key=len, reverse=True):
            pattern = self._patterns.setdefault(en, _pattern(en))
            for m in pattern.finditer(text):
                if not any(a < m.end() and m.start() < b for _, _, (a, b) in found):
                    found.append((en, m.group(0), m.span()))
        return sorted(found, key=lambda t: t[2])

    def lost(self, chinese: str, english: str) -> list[str]:
        """The terms of ``english`` whose Chinese (or the term itself) ``chinese`` does not
        use: a rendering told 现成的 for "off-the-shelf" that wrote 预训练 ("pre-trained")
        instead.

        >>> g = Glossary()
        >>> src = "Existing off-the-shelf LLMs all have a limited context window."
        >>> g.lost("现有的预训练语言模型都具有有限的上下文窗口。", src)
        ['off-the-shelf']
        >>> g.lost("现有的现成的 LLMs 都有有限的上下文窗口。", src)
        []
        >>> g.lost("这种改进是以引用质量为代价的。", "It is at the cost of citation quality.")
        []
        """
        low = chinese.lower()
        return [en for en, zh in self.terms_in(english)
                if re.search(r"[\u4e00-\u9fff]", zh) and en not in low
                and not all(part in chinese for part in zh.split("……"))]

    @staticmethod
    def fix_senses(line: str, source: str) -> str:
        """``line``, a Chinese rendering of the English ``source``, with the everyday sense of a
        term that ``source`` uses (:data:`WRONG_SENSES`) written as the field's standard
        Chinese; a line whose source does not use the term is left as it is.

        >>> Glossary.fix_senses("模型每次生成一个代币。", "The model generates one token at a time.")
        '模型每次生成一个词元。'
        >>> Glossary.fix_senses("模型每次生成一个代币。", "The machine dispenses one coin at a time.")
        '模型每次生成一个代币。'
        >>> Glossary.fix_senses("训练时在每层之后加入辍学。", "We apply dropout after every layer.")
        '训练时在每层之后加入 dropout。'
        >>> Glossary.fix_senses("这些标记器把每个标记映射为整数。", "These tokenizers map each token to an integer.")
        '这些分词器把每个词元映射为整数。'

        A rendering that is right for another word of the source stays (标记 for "label"):

        >>> Glossary.fix_senses("每个标记都有一个标签。", "Each token is marked with a label.")
        '每个标记都有一个标签。'
        """
        wrong: dict[str, str] = {}
        for term, senses in WRONG_SENSES.items():
            if not any(w in line for w in senses) or not _SENSE_PATTERNS[term].search(source):
                continue
            for w, right in senses.items():
                other = _OTHER_WORD.get(w)
                if w in line and not (other is not None and other.search(source)):
                    wrong.setdefault(w, right)
        for w in sorted(wrong, key=len, reverse=True):
            line = _put(line, w, wrong[w])
        return line

    def prompt_lines(self, *texts: str) -> str:
        """``en = 中文`` for the terms of ``texts`` whose Chinese is not the English itself,
        one a line (what the rendering prompt lists)."""
        seen: dict[str, str] = {}
        for text in texts:
            for en, written, _ in self.find(text):
                zh = self.terms[en]
                if zh.lower() != en:
                    seen.setdefault(written.lower(), zh)
            for m in _MEASURE.finditer(text):
                seen.setdefault(m.group(0).lower(), f"{m.group(1)} {_UNITS[m.group(2).lower()]}")
        return "\n".join(f"{en} = {zh}" for en, zh in seen.items())

    def prompt_block(self, *texts: str) -> str:
        """:meth:`prompt_lines` under the heading a Chinese prompt gives them, or "" when
        ``texts`` use no term (what the rendering and the naming prompts include)."""
        lines = self.prompt_lines(*texts)
        return f"术语译名（照此翻译）：\n{lines}" if lines else ""
