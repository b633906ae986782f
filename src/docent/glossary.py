"""One bilingual glossary per workspace: how an English term is written in a Chinese report.

Two layers: the standard Chinese of common machine-learning and NLP terms (the small model
renders "state-of-the-art" as 状态机 "state machine" and "shortcuts" as 短路 "short circuit"
without it), and the terms the workspace's own Chinese sources gloss, "使用前馈神经网络
（FNN）"::

    >>> g = Glossary.from_texts(["每层使用前馈神经网络（FNN）和奖励模型（Reward Model）。"])
    >>> g.terms_in("The FNN and the reward model use state-of-the-art retrievers.")
    [('fnn', '前馈神经网络'), ('reward model', '奖励模型'), ('state-of-the-art', '最先进的'), ('retriever', '检索器')]
    >>> g.prompt_lines("It prevents systems from exploiting shortcuts.")
    'shortcuts = 捷径'
    >>> print(g.prompt_lines("We divide the corpus into 100-word passages."))
    corpus = 语料库
    100-word = 100 词

The writer puts the terms an evidence sentence uses into its rendering prompt, so a term is
written the same way throughout a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["BASE_TERMS", "Glossary"]

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


def _pattern(term: str) -> re.Pattern:
    """The term in English text, in any case, plural or not: "shortcut" finds "shortcuts"."""
    body = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", term))
    return re.compile(rf"(?<![A-Za-z]){body}(?:e?s)?(?![A-Za-z])", re.IGNORECASE)


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
