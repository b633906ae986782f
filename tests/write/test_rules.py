"""The catalogue of line rules (docent.write.rules): every rule named once, stated with a
purpose and an invented example, and each shown to act on a line of its class and to leave a
faithful rendering of the same source alone, on sentences of the kinds two different papers
write (a retrieval / citation paper, a word-vector or language-model paper or lecture)."""

from __future__ import annotations

import pytest

from docent.glossary import BASE_TERMS, WRONG_SENSES, Glossary
from docent.write.rules import RULES, apply_rules, rule
from docent.write.sentences import clean_line

# rule id -> (line of the rule's class, a faithful rendering, the source sentence, the voice);
# two cases a rule, from two kinds of paper. All invented.
DROPS: dict[str, list[tuple[str, str, str, str]]] = {
    "empty_or_loop": [
        ("", "检索器返回五个段落。", "The retriever returns five passages.", "作者"),
        ("向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量向量。",
         "每个词都有一个向量。", "Every word has a vector.", "作者")],
    "not_chinese": [
        ("The retriever returns five passages.", "检索器返回五个段落。",
         "The retriever returns five passages.", "作者"),
        ("Every word gets a dense vector.", "每个词都得到一个稠密向量。",
         "Every word gets a dense vector.", "作者")],
    "half_translated": [
        ("检索器返回 relevant passages for each question。", "检索器为每个问题返回相关段落。",
         "The retriever returns relevant passages for each question.", "作者"),
        ("每个词都得到一个向量，这是一种 distributed representation method。",
         "每个词都得到一个向量，这是一种分布式表示方法。",
         "Every word gets a vector, a distributed representation method.", "作者")],
    "too_long": [
        ("作者评估了引用，并在三个数据集上报告了召回率、精确率和人工评分，还比较了五种提示策略和两种检索器。",
         "作者评估了引用。", "We evaluate it.", "作者"),
        ("每个词都有一个向量，这些向量在大规模语料上训练得到，并且在类比任务上表现很好，也可以用于翻译。",
         "它有效。", "It works.", "作者")],
    "credits_authors": [
        ("作者很难核实每一条引用。", "核实每一条引用很难。", "It is hard to verify every citation.",
         "作者"),
        ("作者通常把词当作原子单位。", "词通常被当作原子单位。",
         "Words are usually treated as atomic units.", "作者")],
    "speaker_plays_part": [
        ("如果讲者是第三个词元，讲者会看向之前的词元。", "如果把自己当作第三个词元，就会看向之前的词元。",
         "If I'm the third token, I look at the tokens before me.", "讲者"),
        ("现在这个批次交给讲者，讲者再把它打乱。", "讲者现在把这个批次打乱。",
         "I now shuffle this batch.", "讲者")],
    "added_contrast": [
        ("检索器很快，但段落很长。", "检索器很快，段落也很长。",
         "The retriever is fast and the passages are long.", "作者"),
        ("模型很小，然而训练数据很多。", "模型很小，训练数据很多。",
         "The model is small and the training data is large.", "作者")],
    "added_negation": [
        ("这种提示在长答案上没有优势。", "这种提示与长答案的基线进行了比较。",
         "This prompt is compared with baselines on long answers.", "作者"),
        ("词向量并不能捕捉句法规律。", "词向量能捕捉句法规律。",
         "Word vectors capture syntactic regularities.", "作者")],
    "lost_negation": [
        ("重排序提高了引用质量。", "重排序没有提高引用质量。",
         "Reranking does not improve citation quality.", "作者"),
        ("这个模型需要隐藏层。", "这个模型不需要隐藏层。",
         "This model does not need a hidden layer.", "作者")],
    "passive_reversed": [
        ("检索器对段落进行排序。", "段落由检索器排序。", "The passages are ranked by the retriever.",
         "作者"),
        ("第二个词元关注第一个词元。", "第二个词元被第一个词元关注。",
         "The second token is attended to by the first token.", "讲者")],
    "they_for_we": [
        ("他们为每个问题检索五个段落。", "作者为每个问题检索五个段落。",
         "We retrieve five passages for each question.", "作者"),
        ("他们计算每个词的概率。", "计算每个词的概率。", "We compute the probability of each word.",
         "讲者")],
    "foreign_name": [
        ("检索器很快，但 BM25 更慢。", "检索器很快。", "The retriever is fast.", "作者"),
        ("作者训练了词向量，Word2Vec 也一样。", "作者训练了词向量。", "We train word vectors.",
         "作者")],
    "unstated_number": [
        ("作者为每个问题检索 5 个段落。", "作者为每个问题检索 3 个段落。",
         "We retrieve 3 passages for each question.", "作者"),
        ("词表有 5 万个词。", "词表有 3 万个词。", "The vocabulary has 30k words.", "作者")],
    "lost_qualifier": [
        ("检索使召回率提高了两倍。", "检索使召回率提高了约两倍。",
         "Retrieval gives about two times higher recall.", "作者"),
        ("远处的词与当前词相关。", "远处的词与当前词相关性较低。",
         "Distant words are less related to the current word.", "作者")],
    "dangling": [
        ("作者把段落交给模型，并要求它根据。", "作者把段落交给模型，并要求它据此作答。",
         "We give the passages to the model and ask it to answer accordingly.", "作者"),
        ("每个词都对应一个向量，这个向量称为。", "每个词都对应一个向量，这个向量称为词向量。",
         "Every word has a vector, called its word vector.", "作者")],
    "prompt_leak": [
        ("这并不能提高模型在罕见词上的准确率。", "这并不能提高模型在长答案上的准确率。",
         "This does not improve accuracy on long answers.", "作者"),
        ("作者在一个包含 60 亿个词元（token）的语料上训练模型。", "作者评估了 60 亿个词元。",
         "We evaluate 6 billion tokens.", "作者")],
}
ENGLISH_DROPS = {
    "not_english": [("The authors 使用了两个数据集.", "The authors use two datasets.",
                     "We use two datasets.", "the authors"),
                    ("Each word gets 一个向量.", "Each word gets a vector.",
                     "Each word gets a vector.", "the authors")],
}
# rule id -> (line of the rule's class, what the rule makes of it, the source, the voice)
FIXES: dict[str, list[tuple[str, str, str, str]]] = {
    "markup": [("“作者使用**两个**数据集 [2]”", "作者使用两个数据集", "We use two datasets.", "作者"),
               ("每个词都有一个向量（如 ）。", "每个词都有一个向量。", "Every word has a vector.", "作者")],
    "voice": [("我们检索五个段落。", "作者检索五个段落。", "We retrieve five passages.", "作者"),
              ("我们先计算每个词的概率。", "先计算每个词的概率。", "We first compute the probability.",
               "讲者")],
    "moreover_typo": [("这外，检索器更快。", "此外，检索器更快。", "Moreover, the retriever is faster.",
                       "作者"),
                      ("这外，词表更小。", "此外，词表更小。", "Moreover, the vocabulary is smaller.",
                       "作者")],
    "others_subject": [("作者通常依赖人工标注。", "现有方法通常依赖人工标注。",
                        "Existing methods usually rely on human annotation.", "作者"),
                       ("作者可以直接核实引用。", "用户可以直接核实引用。",
                        "Users can directly verify the citations.", "作者")],
    "speaker_not_subject": [("讲者，损失下降得很慢。", "损失下降得很慢。", "The loss goes down slowly.",
                             "讲者"),
                            ("讲者认为输出仍然很糟糕。", "输出仍然很糟糕。", "The output is still bad.",
                             "讲者")],
    "added_example": [("简单的模型（如线性模型）训练得很快。", "简单的模型训练得很快。",
                       "Simple models train quickly.", "作者"),
                      ("检索器（例如 BM25）返回段落。", "检索器返回段落。",
                       "The retriever returns passages.", "作者")],
    "wrong_sense": [("模型每次生成一个代币。", "模型每次生成一个词元。",
                     "The model generates one token at a time.", "讲者"),
                    ("这些向量达到了状态机水平。", "这些向量达到了最先进的水平。",
                     "These vectors reach state-of-the-art results.", "作者")],
    "number_word": [("它在 eleven 种任务上取得了最好结果。", "它在 11 种任务上取得了最好结果。",
                     "It obtains the best results on eleven tasks.", "作者"),
                    ("讲者用 two 个例子说明。", "讲者用 2 个例子说明。",
                     "I explain it with two examples.", "讲者")],
    "magnitude": [("这个模型有 7 亿参数。", "这个模型有 70亿参数。", "This is a 7B model.", "作者"),
                  ("语料有 500 亿词。", "语料有 5亿词。", "The corpus has 500 million words.", "作者")],
    "end_mark": [("作者提出了一个新方法", "作者提出了一个新方法。", "We propose a new method.", "作者"),
                 ("每个词都有一个向量；", "每个词都有一个向量。", "Every word has a vector.", "作者")],
}


def test_the_catalogue_names_each_rule_once_with_purpose_and_example():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and len(ids) >= 20
    for r in RULES:
        assert r.kind in ("drop", "fix") and len(r.purpose) > 20 and r.example and \
            r.example_source, r.id
        assert (r.applies is not None) == (r.kind == "drop") and (r.fix is not None) == (
            r.kind == "fix"), r.id
    # every rule is shown to act, on two kinds of paper, by the cases below
    assert set(DROPS) | set(ENGLISH_DROPS) | set(FIXES) == set(ids)
    assert all(len(cases) >= 2 for cases in [*DROPS.values(), *ENGLISH_DROPS.values(),
                                             *FIXES.values()])


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_each_rule_acts_on_its_own_example(r):
    who = r.voice or ("作者" if r.language != "en" else "the authors")
    assert r.fires(r.example, r.example_source, who, r.language != "en"), r.id


@pytest.mark.parametrize("rule_id,case", [(k, c) for k, cs in {**DROPS, **ENGLISH_DROPS}.items()
                                          for c in cs])
def test_each_drop_rule_drops_its_class_and_keeps_a_faithful_rendering(rule_id, case):
    wrong, faithful, source, who = case
    zh = rule_id not in ENGLISH_DROPS
    r = rule(rule_id)
    assert r.run(wrong, source, who, zh) is None
    assert r.run(faithful, source, who, zh) == faithful
    # and the whole chain agrees: the faithful line is kept, the wrong one dropped
    assert clean_line(wrong, source, who, zh) is None
    assert clean_line(faithful, source, who, zh) is not None


@pytest.mark.parametrize("rule_id,case", [(k, c) for k, cs in FIXES.items() for c in cs])
def test_each_fix_rule_fixes_its_class_and_leaves_the_fixed_line_alone(rule_id, case):
    wrong, fixed, source, who = case
    r = rule(rule_id)
    assert r.run(wrong, source, who, True) == fixed
    assert r.run(fixed, source, who, True) == fixed  # nothing left to fix


def test_a_rule_is_only_for_its_voice_and_language():
    speaker = rule("speaker_plays_part")
    line = "如果讲者是第三个词元，讲者会看向之前的词元。"
    assert speaker.run(line, "If I'm the third token.", "作者", True) == line
    assert rule("not_chinese").run("Every word.", "Every word.", "the authors", False) == \
        "Every word."
    assert rule("not_english").run("每个词。", "Every word.", "作者", True) == "每个词。"


def test_the_wrong_sense_of_a_term_is_fixed_only_where_the_source_uses_the_term():
    fix = Glossary.fix_senses
    assert fix("讲者加入了辍学层。", "I add a dropout layer.") == "讲者加入了 dropout 层。"
    assert fix("检索器不如寻回犬快。", "The retriever is slow.") == "检索器不如检索器快。"
    assert fix("这个基线是闭源的。", "The CLOSEDBOOK baseline is simple.") == "这个基线是闭卷的。"
    # the source does not use the term: the everyday sense may be what it means
    assert fix("他把代币存进钱包。", "He puts the coins into his wallet.") == "他把代币存进钱包。"
    assert fix("学生辍学了。", "The student left school.") == "学生辍学了。"
    # a rendering that is right for another word of the source stays (在线 for "online")
    assert fix("作者在线检索文本。", "We retrieve text on the fly from an online index.") == \
        "作者在线检索文本。"
    assert fix("作者在线检索文本。", "We retrieve text on the fly.") == "作者即时检索文本。"
    # the longest wrong rendering first: 标记器 is a tokenizer, not a 词元器
    assert fix("标记器切分每个标记。", "The tokenizer splits each token.") == "分词器切分每个词元。"
    # the catalogue's fix runs it, after the voice and before the numbers
    assert clean_line("我们使用辍学。", "We use dropout.", "作者", True) == "作者使用 dropout。"
    assert apply_rules("模型输出代币。", "The model outputs a token.", "讲者", True) == "模型输出词元。"


def test_the_wrong_senses_write_the_glossarys_chinese():
    """A fixed term reads as the rendering prompt told the model to write it."""
    standard = set(BASE_TERMS.values())
    for term, senses in WRONG_SENSES.items():
        for wrong, right in senses.items():
            assert wrong != right and wrong not in right, (term, wrong)
            if term in BASE_TERMS:
                assert right in BASE_TERMS[term] or right in standard, (term, wrong, right)
