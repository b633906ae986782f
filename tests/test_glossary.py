"""The workspace glossary (docent.glossary): standard terms, and the terms the workspace's own
Chinese sources gloss, read from the real knowledge-base pages."""

from __future__ import annotations

from conftest import KB_ZH

from docent.config import Settings
from docent.glossary import BASE_TERMS, Glossary
from docent.ingest import ingest_and_index
from docent.store import Store


def test_the_knowledge_base_glosses_its_terms(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    ingest_and_index([KB_ZH], store, settings, None)
    texts = [p.text for s in store.sources() if s.language == "zh"
             for p in store.passages(s.id)]
    assert texts
    g = Glossary.from_texts(texts)
    # a term the standard list lacks, as the pages write it (the words before it trimmed)
    assert g.terms["value function"] == "价值函数" and "value function" not in BASE_TERMS
    # a single word glossed in passing is no term; the standard Chinese of a term wins (the
    # pages gloss "reward model" as the standard list writes it)
    assert "state" not in g.terms and g.terms["prompt"] == BASE_TERMS["prompt"]
    assert g.terms["reward model"] == BASE_TERMS["reward model"] == "奖励模型"
    assert g.prompt_lines("The value function scores the policy's states.") == \
        "value function = 价值函数"


def test_terms_are_found_longest_first_in_any_case_and_number():
    g = Glossary()
    assert g.terms_in("Multi-Head Attention layers, and attention again.") == [
        ("multi-head attention", "多头注意力"), ("attention", "注意力")]
    assert g.prompt_lines("It exploits Shortcuts.", "No terms here at all.") == "shortcuts = 捷径"
    assert g.prompt_lines("The logits of the softmax.") == ""  # kept in English: not listed


def test_the_fields_common_terms_have_their_standard_chinese():
    g = Glossary()
    assert g.prompt_lines("The loss function is the cross-entropy of the pre-trained model.") \
        .splitlines() == ["loss function = 损失函数", "cross-entropy = 交叉熵", "pre-trained = 预训练"]
    assert dict(g.terms_in("A bidirectional masked language model with next sentence "
                           "prediction, fine-tuned on downstream tasks.")) == {
        "bidirectional": "双向", "masked language model": "掩码语言模型",
        "next sentence prediction": "下一句预测", "fine-tuned": "微调", "downstream task": "下游任务"}
    assert dict(g.terms_in("WordPiece subwords, byte-level merges and the vocabulary size")) == {
        "wordpiece": "WordPiece", "subword": "子词", "byte-level": "字节级", "vocabulary": "词表"}
    # a term inside a longer one is that one ("loss function", not "loss"); the terms already
    # there keep their Chinese
    assert g.terms_in("The loss function and the loss.") == [
        ("loss function", "损失函数"), ("loss", "损失")]
    assert g.terms["token"] == "词元" and g.terms["fine-tuning"] == "微调"
    # a rendering that writes the term's Chinese has not lost it; one that writes another has
    assert g.lost("作者在下游任务上微调了预训练模型。", "We fine-tune the pre-trained model on "
                  "downstream tasks.") == []
    assert g.lost("作者在后续工作上微调了模型。", "We fine-tune the model on downstream tasks.") == \
        ["downstream task"]


def test_a_terms_everyday_sense_is_put_right_only_where_the_source_uses_the_term():
    fix = Glossary.fix_senses
    assert fix("模型把文本切成令牌。", "The model splits text into tokens.") == "模型把文本切成词元。"
    assert fix("作者的方法达到了状态机水平。", "Our method reaches state-of-the-art results.") == \
        "作者的方法达到了最先进的水平。"
    assert fix("训练时损失函数写成亏损函数。", "The loss function is minimised.") == \
        "训练时损失函数写成损失函数。"
    # no term in the source: nothing to put right
    assert fix("模型把文本切成令牌。", "The model splits text into pieces.") == "模型把文本切成令牌。"
    assert fix("这是一个状态机。", "This is a state machine with state-of-the-art speed.") == \
        "这是一个状态机。"
