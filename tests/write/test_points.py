"""The content plan (docent.write.points) on the real ALCE paper and lecture transcript, and the
sentence renderer (docent.write.sentences): scripted for orchestration, and once with the real
embedded model."""

from __future__ import annotations

import re

import pytest
from conftest import ALCE, LECTURE_SRT, WORD2VEC

from docent.brief import parse_brief
from docent.config import Settings
from docent.index import Retriever
from docent.ingest import ingest_and_index
from docent.llm import ChatModel, Completion, get_model
from docent.store import Store
from docent.text import normalize_space
from docent.types import PassageRole, SourceKind
from docent.write import write_report
from docent.write.compose import MARKER_RE
from docent.write.plan import plan_report
from docent.write.points import evidence_text, plan_points, usable
from docent.write.sentences import _fix_voice, render_point

ASSIGNMENT = (ALCE.parents[2] / "assignments" / "reading-report-zh.txt").read_text(
    encoding="utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The bundled example's sources, lexical search only (no model needed to plan)."""
    settings = Settings(workspace=tmp_path_factory.mktemp("points") / "ws", embedder="none")
    store = Store.open(settings.workspace)
    ingest_and_index([ALCE, LECTURE_SRT], store, settings, None)
    brief = parse_brief(ASSIGNMENT)
    retriever = Retriever(store, settings, None)
    plans = plan_report(brief, store, retriever)

    def retrieve(query):
        return [(h.passage, h.source) for h in retriever.search(query, top=8)]

    points = {p.role: plan_points(p, store, brief, retrieve) for p in plans}
    return settings, store, brief, plans, points


def test_the_summary_plans_the_papers_goal_method_results_and_conclusion(example):
    *_, points = example
    summary = points["summary"]
    assert {"goal", "method", "result", "conclusion"} <= {p.kind for p in summary}
    first = evidence_text(summary[0].evidence[0])
    assert first.startswith("Large language models (LLMs) have emerged")
    said = " ".join(evidence_text(e) for p in summary for e in p.evidence)
    assert "We propose ALCE" in said
    # the paper's own voice only: no related-work section, no source but the paper
    assert all(p.voice == "paper" for p in summary)
    assert not any(re.search(r"related work", e.passage.locator.section or "", re.I)
                   for p in summary for e in p.evidence)


def test_the_techniques_are_the_papers_own_method_sections(example):
    *_, points = example
    labels = [p.label for p in points["technique"] if p.kind == "technique"]
    for name in ("3.1 Fluency", "3.2 Correctness", "3.3 Citation Quality", "4.2 Synthesis"):
        assert name in labels, labels
    assert not any(re.search(r"related|conclusion|introduction|experiment|results", label, re.I)
                   for label in labels)
    # the assignment names Transformer, which the paper never explains: the lecture does
    term = [p for p in points["technique"] if p.kind == "term"]
    assert term and term[0].label == "Transformer" and term[0].voice == "lecture"
    assert all(re.search(r"transformer", e.text, re.I) for e in term[0].evidence)


def _word2vec_points(tmp_path, role: str):
    """The planned points of one section of the Chinese assignment on the word2vec paper."""
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    ingest_and_index([WORD2VEC], store, settings, None)
    brief = parse_brief(ASSIGNMENT)
    plan = next(p for p in plan_report(brief, store, Retriever(store, settings, None))
                if p.role == role)
    return plan_points(plan, store, brief)


def test_the_papers_own_techniques_come_before_the_background_they_build_on(tmp_path):
    """word2vec explains the earlier NNLM and RNNLM ("... has been proposed in [1]") before
    its own CBOW and Skip-gram: the techniques section takes the paper's proposed method
    first, its other own sections next, the background last."""
    labels = [p.label for p in _word2vec_points(tmp_path, "technique") if p.kind == "technique"]
    own = labels.index("3.1 Continuous Bag-of-Words Model")
    assert own < labels.index("3.2 Continuous Skip-gram Model")
    assert own < labels.index("2.1 Feedforward Neural Net Language Model (NNLM)"), labels
    # and the section that proposes them ("3 New Log-linear Models": "we propose two new model
    # architectures") leads, before the paper's own implementation (2.3 Parallel Training)
    assert labels[:3] == ["3 New Log-linear Models", "3.1 Continuous Bag-of-Words Model",
                          "3.2 Continuous Skip-gram Model"], labels
    assert labels.index("2.3 Parallel Training of Neural Networks") < labels.index(
        "2 Model Architectures")
    assert not any(re.search(r"goals? of", label, re.I) for label in labels)
    # the subsections of "4 Results" are its experiments, not techniques
    assert not any(label.startswith("4.") for label in labels), labels


def test_the_summary_leaves_out_what_the_conclusion_reports_of_other_work(tmp_path):
    """word2vec's conclusion recalls others' results ("The publicly available RNN vectors were
    used ... to achieve over 50% increase ... [31]"): not the paper's findings."""
    concl = [e.text for p in _word2vec_points(tmp_path, "summary") if p.kind == "conclusion"
             for e in p.evidence]
    assert any(t.startswith("We observed that it is possible to train high quality") for t in concl)
    assert not any(re.search(r"SemEval|RNN vectors|sentiment analysis", t) for t in concl), concl


def test_the_lecture_points_follow_the_lecture_with_time_ranges(example):
    *_, points = example
    media = points["media"]
    # 3-6 paragraphs' worth, each several sentences of one time range in their order (best
    # first: the writer sets the paragraphs it uses in the lecture's order)
    assert 3 <= len(media) <= 6
    assert all(2 <= len(p.evidence) <= 4 for p in media), [len(p.evidence) for p in media]
    for p in media:  # a part of the lecture: a few minutes, its sentences in their order
        starts = [(e.passage.locator.start, e.start) for e in p.evidence]
        assert starts == sorted(starts)
        assert p.evidence[-1].passage.locator.end - p.evidence[0].passage.locator.start < 480
    # from stretches spread over the lecture, not one part of it
    times = sorted(p.evidence[0].passage.locator.start for p in media)
    assert times[-1] - times[0] > 0.5 * max(e.passage.locator.end for p in media
                                             for e in p.evidence)
    assert all(e.source.kind in (SourceKind.subtitles, SourceKind.media)
               for p in media for e in p.evidence)
    assert all(re.match(r"\d+:\d\d(:\d\d)?-\d+:\d\d", p.label) for p in media)


def test_lecture_points_explain_rather_than_narrate_the_screen(example):
    """Of a live-coding lecture the points are what the speaker explains ("positional
    encoding", "decoder only because we are just generating text"), not what he does on the
    screen ("we need to transpose K here", "an end dot layer norm and we tell it ...")."""
    *_, points = example
    said = [e.text for p in points["media"] for e in p.evidence]
    assert not any(re.search(r"\btranspose\b|\bdot layer norm\b", t) for t in said), said
    assert any("decoder" in t for t in said), said


def test_every_evidence_sentence_is_a_whole_sentence_of_prose_inside_its_passage(example):
    *_, points = example
    for plan_points_ in points.values():
        for point in plan_points_:
            for ev in point.evidence:
                assert ev.passage.role not in (PassageRole.footnote, PassageRole.references)
                assert ev.text == normalize_space(ev.passage.text[ev.start:ev.end])
                assert usable(ev.text), ev.text
                # a footnote's URL never lands in a sentence ("We deploy 6 https://www.reddit...");
                # the Reddit forum named in the prose is no URL
                assert "http" not in ev.text and "reddit.com" not in ev.text.lower()


def test_sentence_filter():
    assert usable("We use MAUVE to evaluate the fluency of the output.")
    assert not usable("We evaluate citation qualities using two metrics: (1)")
    assert not usable("Table 7: Comparison and combination of models on the challenge.")
    assert not usable("2.1 Feedforward Neural Net Language Model (NNLM)")
    assert not usable("When did the US declare independence from Britain?")  # Figure 1
    assert not usable("6 https://www.reddit.com/r/explainlikeimfive/ 7 https://commoncrawl.org.")
    assert not usable("Liu et al. (2023) propose to directly evaluate perceived utility by humans.")
    # a numbered citation used as a noun dangles once it is removed ("proposed in to be")
    assert not usable("While there has been later substantial amount of work, we consider the "
                      "approach proposed in [13] to be the simplest one.")
    assert usable("Neural network based language models significantly outperform N-gram "
                  "models [1, 27, 17].")


def test_the_authors_are_never_we():
    assert _fix_voice("我们提出了 ALCE，我们的实验表明……", "作者", True) == "作者提出了 ALCE，作者的实验表明……"
    assert _fix_voice("我在这里把注意力写成矩阵乘法。", "讲者", True) == "讲者在这里把注意力写成矩阵乘法。"
    # a lecture's "we" is the speaker and the audience working along: left out, not 讲者
    assert _fix_voice("我们无法获取未来的信息。", "讲者", True) == "无法获取未来的信息。"
    assert _fix_voice("你也可以将单词转换为整数列表。", "讲者", True) == "也可以将单词转换为整数列表。"
    assert _fix_voice("它使用字节对编码。你也可以把单词变成整数。", "讲者", True) == "它使用字节对编码。也可以把单词变成整数。"
    assert _fix_voice("we propose ALCE.", "the authors", False) == "The authors propose ALCE."
    assert _fix_voice("The framework allows us to run replicas in the US.", "the authors", False) \
        == "The framework allows the authors to run replicas in the US."


class Restating(ChatModel):
    """Answers the renderer's numbered request, in the authors' voice ("我们") on purpose."""

    name = "scripted-restating"
    said = 0

    def _complete(self, messages, **options):
        numbered = re.findall(r"^(\d+)\. ", messages[-1].content, re.MULTILINE)
        self.prompts = getattr(self, "prompts", []) + [messages[-1].content]
        if "小节标题" in messages[0].content:  # the method sections' names
            # (every naming prompt: a name that lost a glossary term is asked again)
            self.names = getattr(self, "names", "") + messages[-1].content
            return Completion(text="\n".join(f"{n}. 小节{'一二三四五六七八九十'[int(n) - 1]}"
                                             for n in numbered), model=self.name)
        lines = []
        for n in numbered:  # each sentence its own (CJK characters count them; lines that
            self.said += 1  # differ in one character would read as one said twice)
            lines.append(f"{n}. 我们在这一部分说明了结论{chr(0x4E00 + self.said) * 12}。")
        return Completion(text="\n".join(lines), model=self.name)


def test_written_sentences_carry_their_evidence_span_and_cite_its_passage(example, tmp_path):
    settings, store, brief, _, _ = example
    run = store.create_run("write", brief.assignment, brief.model_dump_json(), {})
    model = Restating()
    draft = write_report(brief, store, settings, Retriever(store, settings, None), model,
                         None, run_id=run)
    # each of the paper's techniques opens its first paragraph with its name (in bold, no
    # sentence: nothing to check), the Chinese from one call with the English in parentheses
    techniques = draft.sections[2]
    leads = [p.lead for p in techniques.paragraphs if p.lead]
    # a name the glossary knows is its term ("Fluency": 流畅度), the others are asked for
    assert ". Correctness\n" in model.names and "3.2" not in model.names
    assert "Fluency" not in model.names and "流畅度（Fluency）" in leads
    assert any(re.fullmatch(r"小节.（Correctness）", x) for x in leads)
    assert len(leads) == len(set(leads)) >= 3
    first = next(p for p in techniques.paragraphs if p.lead.endswith("（Correctness）"))
    assert first.markdown.startswith(f"**{first.lead}**：") and first.sentences[0].text[0] != "*"
    # a lecture point's paragraph is led by its time range (and the topic the glossary names);
    # no other section has run-in headings
    media = draft.sections[3]
    lectured = [p for p in media.paragraphs if p.sentences and p.sentences[0].evidence]
    assert lectured and all(re.search(r"\d+:\d\d–\d+:\d\d", p.lead) for p in lectured)
    assert 3 <= len(lectured) <= 6
    # in the lecture's order
    def start(p):
        return store.passages_by_id([p.sentences[0].evidence.passage_id])[
            p.sentences[0].evidence.passage_id].locator.start
    assert [start(p) for p in lectured] == sorted(start(p) for p in lectured)
    # each part opens with the concepts it explains, written without the model, each named in
    # the passage its sentence cites (its English given once in the report, in parentheses)
    openers = [p.sentences[0] for p in lectured if p.sentences[0].text.startswith("这一段讲解了")]
    assert openers, [p.sentences[0].text for p in lectured]
    for sentence in openers:
        passage = store.passages_by_id([sentence.evidence.passage_id])[
            sentence.evidence.passage_id]
        for english in re.findall(r"（([A-Za-z][A-Za-z \-]+)）", sentence.text):
            assert re.sub(r"[\s\-]+", " ", english.lower()) in re.sub(
                r"[\s\-]+", " ", passage.text.lower()), (english, sentence.text)
        assert re.search(r"\[\d+\]。$", sentence.text), sentence.text
    assert all(not p.lead for s in draft.sections if s is not techniques and s is not media
               for p in s.paragraphs)
    # the terms of the evidence get their Chinese from the glossary, in the prompt
    # a causal "as" reaches the model as "because" (it rendered it 作为, "in the role of")
    assert any("ELI5 because QAMPARI only requires" in p for p in model.prompts)
    assert not any("ELI5 as QAMPARI" in p for p in model.prompts)
    glossed = [p for p in model.prompts if "术语译名（照此翻译）：" in p]
    assert glossed and any("citation recall = 引用召回率" in p for p in glossed)
    written = [s for s in draft.sections if s.status == "written"]
    assert written and all(any(t.evidence for t in s.sentences()) for s in written)
    by_id = {c.number: c.passage_id for c in draft.citations}
    for section in written:
        assert "我们" not in section.markdown()
        for sentence in section.sentences():
            ev = sentence.evidence
            if ev is None:
                continue
            passage = store.passages_by_id([ev.passage_id])[ev.passage_id]
            assert ev.text == normalize_space(passage.text[ev.start:ev.end])
            # the sentence cites the passage of its evidence
            numbers = {int(n) for n in re.findall(r"\[(\d+)\]", sentence.text)}
            assert ev.passage_id in {by_id[n] for n in numbers}, sentence.text


def test_render_point_with_the_real_model(example):
    """The embedded 1.5B restates two sentences of the paper's 3.1 Fluency in Chinese, one
    each, cited to their passage, in the report's voice."""
    settings, store, brief, _, points = example
    point = next(p for p in points["technique"] if p.label == "3.1 Fluency")
    point.evidence = point.evidence[:2]
    model = get_model(Settings(), role="writer")
    out = render_point(model, brief, point)
    assert len(out) == 2
    for r in out:
        assert re.search(r"[\u4e00-\u9fff]{6}", r.plain) and "我们" not in r.plain
        assert MARKER_RE.search(r.text).group(1) == str(r.evidence.passage.id)
    assert "MAUVE" in out[0].plain


def test_the_speaker_is_not_made_the_subject_of_what_the_model_does():
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence
    from docent.write.sentences import clean_line

    text = "The output still look kind of terrible, but at least we've improved the situation."
    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(start=1.0, end=2.0),
                      char_start=0, char_end=len(text))
    source = Source(id=1, kind=SourceKind.subtitles, title="lets build gpt", path="x.srt",
                    sha256="a", created_at="2026-01-01T00:00:00")
    ev = Evidence(passage, source, 0, len(text))
    assert clean_line("讲者仍然看起来很糟糕，但至少改善了情况。", ev, "讲者", True) == \
        "仍然看起来很糟糕，但至少改善了情况。"
    mine = Evidence(Passage(id=2, ordinal=1, text="I'd like to train a small model.",
                            locator=Locator(start=3.0, end=4.0), char_start=0, char_end=30),
                    source, 0, 32)
    assert clean_line("讲者想训练一个小模型。", mine, "讲者", True) == "讲者想训练一个小模型。"


def _lecture_evidence(text: str):
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence

    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(start=1.0, end=2.0),
                      char_start=0, char_end=len(text))
    source = Source(id=1, kind=SourceKind.subtitles, title="lets build gpt", path="x.srt",
                    sha256="a", created_at="2026-01-01T00:00:00")
    return Evidence(passage, source, 0, len(text))


class Repeating(ChatModel):
    """Writes both sentences into each of two lines, as the 1.5B once did."""

    name = "scripted-repeating"

    def _complete(self, messages, **options):
        both = "循环矩阵把隐藏层连接到自身。这使模型具有某种短期记忆。"
        return Completion(text=f"1. {both}\n2. {both}", model=self.name)


def test_a_sentence_is_never_written_twice():
    from docent.write.points import Point

    first = _lecture_evidence("What is special for this type of model is the recurrent matrix "
                              "that connects hidden layer to itself.")
    second = _lecture_evidence("This allows the recurrent model to form some kind of short "
                               "term memory.")
    brief = parse_brief(ASSIGNMENT)
    said: set[str] = set()
    out = render_point(Repeating(), brief, Point("technique", "2.2", "paper", [first, second]),
                       said=said)
    assert [r.plain for r in out] == ["循环矩阵把隐藏层连接到自身。这使模型具有某种短期记忆。"]
    # a line written as two sentences cites both
    assert out[0].text == "循环矩阵把隐藏层连接到自身⟦1⟧。这使模型具有某种短期记忆⟦1⟧。"
    # a later point saying it again adds nothing
    assert render_point(Repeating(), brief, Point("technique", "2.2", "paper", [first]),
                        said=said) == []


class Skipping(ChatModel):
    """Skips the first of three source sentences and numbers on, as the 1.5B did on
    word2vec's Skip-gram point; asked for one sentence alone, renders it."""

    name = "scripted-skipping"
    ALONE = {"The second architecture": "第二种架构与 CBOW 类似。",
             "We use each current word": "作者把每个当前词作为对数线性分类器的输入。",
             "Since the more distant": "由于更远的单词与当前单词的关联较少，作者给它们较少的权重。"}

    def __init__(self):
        super().__init__()
        self.asked: list[int] = []

    def _complete(self, messages, **options):
        given = [line for line in messages[-1].content.splitlines() if line[:2] in ("1.", "2.", "3.")]
        self.asked.append(len(given))
        if len(given) == 1:
            return Completion(text="1. " + next(v for k, v in self.ALONE.items() if k in given[0]),
                              model=self.name)
        return Completion(text=f"1. {self.ALONE['We use each current word']}\n"
                               f"2. {self.ALONE['Since the more distant']}\n"
                               f"3. {self.ALONE['Since the more distant'].replace('它们', '远距离单词')}",
                          model=self.name)


def test_a_line_that_renders_another_source_sentence_is_asked_for_again():
    from docent.write.points import Point

    sources = ["The second architecture is similar to CBOW, but it predicts the context.",
               "We use each current word as an input to a log-linear classifier.",
               "Since the more distant words are usually less related to the current word, we "
               "give less weight to the distant words."]
    evidence = [_lecture_evidence(t) for t in sources]
    model = Skipping()
    out = render_point(model, parse_brief(ASSIGNMENT), Point("technique", "3.2", "paper",
                                                             evidence))
    # lines 1 and 2 rendered sources 2 and 3: each asked again alone, so every sentence is
    # cited to the source it renders, and the skipped first one is said
    assert model.asked == [3, 1, 1]
    assert [(r.plain, r.evidence.text) for r in out] == [
        (Skipping.ALONE["The second architecture"], sources[0]),
        (Skipping.ALONE["We use each current word"], sources[1]),
        (Skipping.ALONE["Since the more distant"].replace("它们", "远距离单词"), sources[2])]


def test_a_speaker_playing_a_part_is_not_made_the_speaker():
    """Blind readers' finding on a generated report: "if I'm the fifth token and I want to
    communicate with my past" became 讲者 communicating with 讲者's past."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("if I'm the fifth token and I want to communicate with my past, "
                           "the simplest way is to take an average of all the previous tokens.")
    assert clean_line("如果讲者已经到了第五个词元，并且讲者想要与讲者的过去进行交流，最简单的方式是取平均。",
                  ev, "讲者", True) is None
    mine = _lecture_evidence("I'm going to show you how to train a small model.")
    assert clean_line("讲者将展示如何训练一个小模型。", mine, "讲者", True) == "讲者将展示如何训练一个小模型。"


def test_a_contrast_the_source_does_not_draw_drops_the_line():
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("All models achieve good fluency scores and ChatGPT with VANILLA "
                           "prompting is close to the best in correctness.")
    assert clean_line("所有模型的流畅度都很好，但 ChatGPT 的正确性接近最佳。", ev, "作者", True) is None
    assert clean_line("所有模型的流畅度都很好，ChatGPT 的正确性也接近最佳。", ev, "作者", True)
    but = _lecture_evidence("The model is small, but it trains in minutes.")
    assert clean_line("模型很小，但几分钟就能训练完。", but, "讲者", True) == "模型很小，但几分钟就能训练完。"


def test_a_negation_the_source_does_not_state_drops_the_line():
    """word2vec's "compared to the popular neural network models" came out completed with a
    claim of the model's own: 流行的神经网络模型在准确性上没有明显优势."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("We observed that it is possible to train high quality word vectors "
                           "using very simple model architectures, compared to the popular "
                           "neural network models (both feedforward and recurrent).")
    assert clean_line("作者观察到，使用非常简单的模型架构可以训练出高质量的词向量，相比之下，流行的神经网络"
                      "模型在准确性上没有明显优势。", ev, "作者", True) is None
    assert clean_line("作者观察到，与流行的神经网络模型相比，使用非常简单的模型架构也可以训练出高质量的词向量。",
                      ev, "作者", True)
    denies = _lecture_evidence("Retrieving text on-the-fly does not improve performance.")
    assert clean_line("即时检索文本没有提高性能。", denies, "作者", True)


def test_a_negation_the_line_loses_drops_the_line_and_an_added_example_goes():
    """word2vec's "While this is not crucial speedup ... as the bottleneck is in the N×D×H
    term" came out 加速主要依赖于 N × D × H (no negation left); "very simple model
    architectures" came out 简单的模型架构（如前馈网络）, an example the source does not give."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("While this is not crucial speedup for neural network LMs as the "
                           "computational bottleneck is in the N ×D×H term, we will later "
                           "propose architectures that do not have hidden layers.")
    # two denials, one kept: "not crucial" lost (4 of 5 such labelled lines were wrong)
    assert clean_line("虽然神经网络语言模型的加速主要依赖于 N × D × H 这个计算瓶颈，但作者将提出一种不需要隐藏层的"
                      "架构。", ev, "作者", True) is None
    assert clean_line("虽然这对神经网络语言模型并不是关键的加速，因为计算瓶颈在 N × D × H 项，但作者之后将提出"
                      "没有隐藏层的架构。", ev, "作者", True)
    # "not just" denies nothing: 不仅仅 is its rendering
    just = _lecture_evidence("The projection layer is shared for all words (not just the "
                             "projection matrix).")
    assert clean_line("投影层被所有单词共享（不仅仅是投影矩阵）。", just, "作者", True)
    # "usually less related" came out 不相关 (unrelated); "over 50% increase in correlation"
    # came out "50% correlation": how the source qualifies a quantity is kept or the line goes
    less = _lecture_evidence("Since the more distant words are usually less related to the "
                             "current word, we give less weight to the distant words.")
    assert clean_line("由于更远的单词通常不相关于当前单词，作者给这些远距离单词较少权重。", less, "作者",
                      True) is None
    assert clean_line("由于更远的单词通常与当前单词关联较少，作者给这些远距离单词较少权重。", less, "作者",
                      True)
    moreover = _lecture_evidence("Moreover, the hidden layer is used to compute probability "
                                 "distribution over all the words in the vocabulary.")
    assert clean_line("这外，隐藏层用于计算词表中所有单词的概率分布。", moreover, "作者", True) \
        == "此外，隐藏层用于计算词表中所有单词的概率分布。"
    rise = _lecture_evidence("The RNN vectors were used to achieve over 50% increase in "
                             "Spearman's rank correlation over the previous best result.")
    assert clean_line("RNN 向量实现了超过前一最佳结果的 50% Spearman 秩相关性。", rise, "作者",
                      True) is None
    assert clean_line("神经网络语言模型的加速主要依赖于 N × D × H 这个计算瓶颈，作者将提出一种没有隐藏层的架构。"
                      .replace("没有", "去掉"), ev, "作者", True) is None
    simple = _lecture_evidence("It is possible to train high quality word vectors using very "
                               "simple model architectures.")
    assert clean_line("使用非常简单的模型架构（如前馈网络）可以训练出高质量的词向量。", simple, "作者",
                      True) == "使用非常简单的模型架构可以训练出高质量的词向量。"
    such = _lecture_evidence("Simple models such as feedforward networks train fast.")
    assert "（如前馈网络）" in clean_line("简单的模型（如前馈网络）训练得很快。", such, "作者", True)


def test_they_for_the_speakers_we_drops_the_line():
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("We just have a text file and we just want to imitate it.")
    assert clean_line("有一个文本文件，他们只想模仿它。", ev, "讲者", True) is None
    they = _lecture_evidence("People use them because they are cheap.")
    assert clean_line("他们使用它们，因为它们便宜。", they, "讲者", True)


def test_a_passive_the_line_turns_active_drops_the_line():
    """The lecture's "the second node is pointed to by the first node" came out
    第二个节点指向第一个节点 in three reports: who points to whom reversed."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("The second node is pointed to by the first node and itself.")
    assert clean_line("第二个节点指向第一个节点和它自己。", ev, "讲者", True) is None
    assert clean_line("第二个节点被第一个节点和它自己指向。", ev, "讲者", True)
    dominated = _lecture_evidence("The performance is usually dominated by the size of high "
                                  "quality transcribed speech data.")
    assert clean_line("性能通常取决于高质量转录语音数据的规模。", dominated, "作者", True)
    active = _lecture_evidence("The first node points to the second node.")
    assert clean_line("第一个节点指向第二个节点。", active, "讲者", True)


def test_a_line_naming_what_its_source_does_not_is_dropped():
    """The bundled example's "We first note that all models achieve good fluency scores" came
    out with the next sentence's "ChatGPT with VANILLA is close to the best" merged in."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("We first note that all models achieve good fluency scores (except "
                           "CLOSEDBOOK on ELI5 due to its longer generations).")
    assert clean_line("作者首先注意到，所有模型都能获得良好的流畅度分数（除了 CLOSEDBOOK 在 ELI5 上），但 "
                      "ChatGPT 使用 VANILLA 在准确性方面接近最佳。", ev, "作者", True) is None
    assert clean_line("作者首先注意到，所有模型都能获得良好的流畅度（fluency）分数（除了 CLOSEDBOOK 在 ELI5 "
                      "上，因为它的生成更长）。", ev, "作者", True)


def test_a_line_left_half_in_english_or_leaking_the_prompts_example_is_dropped():
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("We first note that all models achieve good fluency scores (except "
                           "CLOSEDBOOK on ELI5 due to its longer generations).")
    # the system prompt's example ("does not improve accuracy on rare words") leaked in
    assert clean_line("作者首先注意到，所有模型都达到了良好的流畅度分数，但没有提高在罕见词上的准确率。", ev,
                  "作者", True) is None
    assert clean_line("作者首先注意到，所有模型的 fluency scores 都很 good。", ev, "作者", True) is None
    assert clean_line("作者首先注意到，所有模型都达到了良好的流畅度（fluency）分数。", ev, "作者", True)
    # the bundled lecture's "We train on all the eight examples here with context between one
    # all the way up to context of block size" came out 在一个包含 8 个示例的语料上训练模型
    ev = _lecture_evidence("We train on all the eight examples here with context between one all "
                           "the way up to context of block size.")
    assert clean_line("在一个包含 8 个示例的语料上训练模型，其中每个示例之间有从一个到块大小之间的上下文。", ev,
                      "讲者", True) is None
    assert clean_line("在这里的全部 8 个示例上训练，上下文从一个一直到块大小。", ev, "讲者", True)


def test_lecture_points_skip_lower_case_sentences_that_lean_on_the_one_before():
    from docent.write.points import _ANAPHORA_ANY_CASE

    assert _ANAPHORA_ANY_CASE.match("they are always processed independently in the batch")
    assert not _ANAPHORA_ANY_CASE.match("the batch dimension is processed independently")
    # a clause whose subject is the sentence before's leans on it too
    assert _ANAPHORA_ANY_CASE.match("While they generate engaging and coherent responses, "
                                    "their output is prone to hallucination.")
    assert not _ANAPHORA_ANY_CASE.match("While LLMs generate engaging responses, they "
                                        "hallucinate.")


def test_lecture_points_skip_spoken_fragments():
    """A spoken sentence that opens with a connective tying it to the one before, or trails off
    in "and so on", is a fragment on its own (rendered, it read 因为在采样时可以开始……)."""
    from docent.write.points import _CHATTER, _FILLER

    assert _FILLER.match("Because when we sample we can start off with one character.")
    assert _FILLER.match("In other words, the correct dimension should have a high logit.")
    assert _CHATTER.search("There's no batch norm layers here and so on.")
    assert _CHATTER.search("We have no batch norm layers, etc. But it is good practice.")
    assert not _FILLER.match("Attention is a communication mechanism between nodes.")
    # an opening phrase running into a clause never finished; a speaker's restart
    assert _CHATTER.search("Later during inference, because while we're sampling, we can start "
                           "to set a sampling generation with one character of context.")
    assert _CHATTER.search("We don't there's no distinction between training and test time.")
    assert _CHATTER.search("I made some cosmetic changes here to make it look nicer.")
    assert not _CHATTER.search("In this paper, because of the cost, we use a smaller model.")
    assert not _CHATTER.search("The trick is we were able to use batch matrix multiply.")


def test_an_english_report_drops_a_line_left_in_chinese():
    """bench scenario 2 (English summary, Chinese knowledge base) printed a knowledge-base
    paragraph in Chinese inside the English report."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("The weights given to the keys are the attention scores of a query.")
    assert clean_line("给不同 Key 所赋予的不同权重，就是我们所说的注意力分数。", ev, "the source", False) is None
    assert clean_line("The weights given to the keys are the attention scores.", ev, "the source",
                  False) == "The weights given to the keys are the attention scores."


def test_an_english_section_title_names_no_terms(tmp_path):
    """"Key techniques explained" is not a request to explain the term "Key"."""
    from docent.brief import parse_brief
    from docent.write.points import _technique

    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    brief = parse_brief("Write an 800-1200 word summary with the sections: (1) Summary "
                        "(2) Key techniques explained. Cite your sources.")
    asked: list[str] = []
    _technique(store, brief, "Key techniques explained", lambda q: asked.append(q) or [])
    assert asked == []


def test_stray_english_words_are_put_into_chinese_and_names_stay():
    """One or two English words a line left untranslated are asked for in one call; a name
    answered KEEP and an answer that is not a short Chinese word leave the word as it is."""
    from docent.llm import ChatModel, Completion
    from docent.write.sentences import translate_stray_words

    class Glossing(ChatModel):
        name = "scripted-glosser"
        asked: list[str] = []

        def _complete(self, messages, **options):
            self.asked.append(messages[-1].content)
            return Completion(text="simply = 只是\ninformativeness = 信息量\ntiktoking = KEEP\n"
                                   "itself = it is itself", model=self.name)

    model = Glossing()
    lines = ["作者 simply 将前 k 个段落（passages）提供给模型，提高 informativeness和实用性。",
             "OpenAI 的 tiktoking 库把单词变成整数。", "第八个节点指向 itself。", "没有英文。",
             "这减轻了 hallucination。"]
    out = translate_stray_words(model, lines)
    assert out == ["作者只是将前 k 个段落（passages）提供给模型，提高信息量和实用性。",
                   "OpenAI 的 tiktoking 库把单词变成整数。", "第八个节点指向 itself。", "没有英文。",
                   "这减轻了 hallucination。"]
    # one call; a technical noun is not asked for (the small model mistranslates those)
    assert len(model.asked) == 1 and "没有英文" not in model.asked[0]
    assert "hallucination" not in model.asked[0]
    assert translate_stray_words(model, ["没有英文。"]) == ["没有英文。"] and len(model.asked) == 1
    # a word the glossary knows takes its Chinese from there, without a call
    from docent.glossary import Glossary
    assert translate_stray_words(model, ["这减轻了 hallucination，也检查 claims。"],
                                 Glossary()) == ["这减轻了幻觉，也检查陈述。"]
    assert translate_stray_words(model, ["例如情感分析和 paraphrase detection。"],
                                 Glossary()) == ["例如情感分析和复述检测。"]
    # a hyphenated term (never a stray word) and a name the glossary spells with a capital
    assert translate_stray_words(model, ["现有的 off-the-shelf LLMs 的上下文窗口有限。"],
                                 Glossary()) == ["现有的现成的 LLMs 的上下文窗口有限。"]
    assert translate_stray_words(model, ["使用仅解码器（decoder only） transformer。"],
                                 Glossary()) == ["使用仅解码器（decoder only） Transformer。"]
    # a capitalised word glued to the Chinese after it is no name either ("Citation评价")
    assert translate_stray_words(model, ["作者提出 ALCE，第一个自动语言模型 Citation评价基准。"],
                                 Glossary()) == ["作者提出 ALCE，第一个自动语言模型引用评价基准。"]
    assert translate_stray_words(model, ["Transformer 很有用。"], Glossary()) == \
        ["Transformer 很有用。"]
    assert len(model.asked) == 1


def test_stray_words_with_the_real_model():
    """The embedded 1.5B puts a stray adverb into Chinese."""
    from docent.write.sentences import stray_words, translate_stray_words

    model = get_model(Settings(), role="writer")
    out = translate_stray_words(model, ["在这种设置中，作者 simply 将前 k 个检索到的段落提供给模型。"])
    assert not stray_words(out[0]) and out[0].startswith("在这种设置中，作者") and "前 k 个" in out[0]


def test_method_section_names_with_the_real_model():
    """The embedded 1.5B gives short Chinese names to the paper's method sections."""
    from docent.write.writer import name_sections

    model = get_model(Settings(), role="writer")
    names = name_sections(model, ["3.1 Fluency", "3.3 Citation Quality", "4.1 Retrieval"])
    assert len(names) >= 2 and all(re.fullmatch(r"[\u4e00-\u9fff]{1,10}", n)
                                   for n in names.values()), names
    assert "流" in names.get("3.1 Fluency", "流"), names  # 流畅度, 流利度


def test_the_glossary_gives_a_term_its_chinese_with_the_real_model():
    """The embedded 1.5B leaves "claim recall" in English unless told its Chinese: the
    glossary tells it."""
    from docent.glossary import Glossary
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence, Point

    text = ("We show that claim recall provides a more accurate measure of correctness than "
            "existing metrics.")
    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(page=4), char_start=0,
                      char_end=len(text))
    source = Source(id=1, kind=SourceKind.pdf, title="ALCE", path="alce.pdf", sha256="a")
    point = Point("technique", "3.2 Correctness", "paper",
                  [Evidence(passage, source, 0, len(text))])
    model = get_model(Settings(), role="writer")
    asked: list[str] = []
    model.listeners.append(lambda messages, completion, options: asked.append(
        messages[-1].content))
    out = render_point(model, parse_brief(ASSIGNMENT), point, glossary=Glossary())
    # the model is told the term's Chinese; whether the 1.5B follows depends on the sample
    # (it did with the compiled build; xllamacpp's kernels at one thread wrote 声明召回), so
    # what is asserted is what the writer controls: the term reaches the model, and no line
    # keeps it in English
    assert "claim = 陈述" in asked[0] and "recall = 召回率" in asked[0]
    assert all("claim recall" not in o.plain.lower() for o in out), out


def test_the_authors_are_not_credited_with_what_the_source_says_of_others():
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence
    from docent.write.sentences import clean_line

    def evidence(text: str) -> Evidence:
        passage = Passage(id=1, ordinal=0, text=text, locator=Locator(page=1), char_start=0,
                          char_end=len(text))
        source = Source(id=1, kind=SourceKind.pdf, title="P", path="p.pdf", sha256="a")
        return Evidence(passage, source, 0, len(text))

    others = evidence("Existing work mainly relies on commercial search engines and human "
                      "evaluation.")
    assert clean_line("作者主要依赖商业搜索引擎和人类评估。", others, "作者", True) == \
        "现有工作主要依赖商业搜索引擎和人类评估。"  # the source's subject, not the authors
    assert clean_line("这使作者难以比较。", others, "作者", True) is None
    general = evidence("It is hard to reproduce and compare different modeling approaches.")
    assert clean_line("作者很难复现和比较不同的建模方法。", general, "作者", True) is None  # no subject
    cut = evidence("We simply provide the model with the top-k passages and instruct it to "
                   "follow the instruction.")
    assert clean_line("作者简单提供模型前 k 个段落，并指示它按照。", cut, "作者", True) is None
    # a word that ends in one of those is no cut: 方向, 使用, 提及, 总和
    for whole in ("作者指出了未来的研究方向。", "作者的方法被广泛使用。", "作者的指标是所有得分的总和。"):
        assert clean_line(whole, cut, "作者", True) == whole
    ours = evidence("We propose ALCE, the first benchmark for citation evaluation.")
    assert clean_line("作者提出了 ALCE。", ours, "作者", True) == "作者提出了 ALCE。"


def test_a_method_section_named_by_a_glossary_term_takes_its_chinese():
    """The heading agrees with the text: "3.1 Fluency" is 流畅度 as the glossary writes it; only
    the other names are asked for, in one call."""
    from docent.glossary import Glossary
    from docent.write.writer import name_sections

    class Naming(ChatModel):
        name = "scripted-namer"
        asked: list[str] = []

        def _complete(self, messages, **options):
            self.asked.append(messages[-1].content)
            return Completion(text="1. 引用 quality\n2. 合成", model=self.name)

    model = Naming()
    names = name_sections(model, ["3.1 Fluency", "4.2 Synthesis", "3.3 Citation Quality",
                                  "4.1 Retrieval"], Glossary())
    assert names == {"3.1 Fluency": "流畅度", "4.1 Retrieval": "检索", "4.2 Synthesis": "合成"}
    # the glossary's Chinese for a term inside a name goes with the names, asked in the
    # paper's order
    assert model.asked == ["1. Citation Quality\n2. Synthesis\n\n术语译名（照此翻译）：\n"
                           "citation = 引用\n输出："]


def test_a_term_inside_a_method_section_name_takes_the_glossary_chinese_with_the_real_model():
    """Asked alone, the embedded 1.5B named "New Log-linear Models" 新的线性模型 (the log
    lost); told the glossary's 对数线性, it keeps it."""
    from docent.glossary import Glossary
    from docent.write.writer import name_sections

    model = get_model(Settings(), role="writer")
    names = name_sections(model, ["3 New Log-linear Models", "2.3 Parallel Training"],
                          Glossary())
    assert "对数线性" in names.get("3 New Log-linear Models", ""), names


def _two_sentences(text: str, cut: int, kind: str, label: str):
    """A point of a paper's two sentences, ``text[:cut]`` and ``text[cut:]``, one passage."""
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence, Point

    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(page=1), char_start=0,
                      char_end=len(text))
    source = Source(id=1, kind=SourceKind.pdf, title="paper", path="p.pdf", sha256="a")
    return Point(kind, label, "paper", [Evidence(passage, source, 0, cut - 1),
                                        Evidence(passage, source, cut, len(text))])


def test_a_sentence_that_leans_on_a_dropped_one_is_dropped_too():
    """"This choice has several good reasons" rendered without the sentence before it (which
    the model left in English) read as 这有几个好的理由 -- which choice? Both go."""
    text = ("Many NLP systems treat words as atomic units. This choice has several good "
            "reasons, such as simplicity and robustness.")
    cut = text.index("This")
    point = _two_sentences(text, cut, "goal", "Introduction")

    def Renderer(first: str) -> ChatModel:  # noqa: N802 - reads as the model it makes
        return _Replying(f"1. {first}\n2. 这种选择有几个很好的理由，例如简单性和稳健性。")

    brief = parse_brief(ASSIGNMENT)
    kept = render_point(Renderer("许多 NLP 系统把词当作原子单位。"), brief, point)
    assert [r.evidence.start for r in kept] == [0, cut]
    left_in_english = Renderer("许多 NLP systems treat words as atomic units。")
    assert render_point(left_in_english, brief, point) == []


def test_a_line_that_took_in_the_next_source_sentence_is_dropped():
    """The bundled report said twice that ChatGPT with VANILLA is close to the best: the model
    wrote the second source sentence into the first line as well. That line is its own
    source sentence's no more: it goes, the second stays."""
    text = ("We first observe that all models achieve good fluency scores. Despite its "
            "simplicity, ChatGPT with VANILLA is close to the best in correctness.")
    reply = ("1. 作者首先注意到所有模型的流畅度都好，但 ChatGPT 使用 VANILLA 在正确性上接近最佳。\n"
             "2. 尽管简单，ChatGPT 使用 VANILLA 在正确性上接近最佳。")
    kept = render_point(_Replying(reply), parse_brief(ASSIGNMENT),
                        _two_sentences(text, text.index("Despite"), "results", "5.1 Results"))
    assert [r.evidence.start for r in kept] == [text.index("Despite")], kept


class _Replying(ChatModel):
    name = "scripted-reply"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _complete(self, messages, **options):
        return Completion(text=self.text, model=self.name)



def test_a_stray_word_whose_chinese_leaves_the_line_cut_short_drops_the_line():
    """"instruct the model to cite accordingly" came back as 并指示它 accordingly, and the
    stray word's Chinese, 按照, left 并指示它按照。: the line is dropped."""
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence, Point

    text = "In this setup, we simply provide the model the top-k passages and instruct the " \
           "model to cite accordingly."
    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(page=5), char_start=0,
                      char_end=len(text))
    source = Source(id=1, kind=SourceKind.pdf, title="ALCE", path="a.pdf", sha256="a")
    point = Point("technique", "4.2 Synthesis", "paper", [Evidence(passage, source, 0, len(text))])

    class Renderer(ChatModel):
        name = "scripted-renderer"

        def _complete(self, messages, **options):
            if "英文单词" in messages[-1].content:
                return Completion(text="accordingly = 按照", model=self.name)
            return Completion(text="1. 在这种设置中，作者提供模型前 k 个段落，并指示它 accordingly。",
                              model=self.name)

    assert render_point(Renderer(), parse_brief(ASSIGNMENT), point) == []


def test_a_chinese_paragraph_led_by_an_english_name_keeps_the_chinese_colon():
    """The word2vec report printed "**Feedforward Neural Net Language Model (NNLM)**: NNLM
    架构……": the model's name 前馈神经网络语言模型（NNLM） was refused (eleven characters and
    an acronym), and a paragraph opening with a Latin word took the English colon."""
    from docent.types import DraftParagraph, DraftSentence
    from docent.write.writer import name_sections

    para = DraftParagraph(lead="Feedforward Neural Net Language Model (NNLM)",
                          sentences=[DraftSentence(text="NNLM 架构在投影层和隐藏层之间的计算很复杂[1]。")])
    assert para.markdown.startswith("**Feedforward Neural Net Language Model (NNLM)**：NNLM")

    class Naming(ChatModel):
        name = "scripted-namer"

        def _complete(self, messages, **options):
            return Completion(text="1. 前馈神经网络语言模型（NNLM）", model=self.name)

    assert name_sections(Naming(), ["2.1 Feedforward Neural Net Language Model (NNLM)"]) == {
        "2.1 Feedforward Neural Net Language Model (NNLM)": "前馈神经网络语言模型"}


def test_a_section_name_that_loses_a_glossary_term_is_asked_again_with_the_term_in_it():
    """The S3 report was headed **新的线性模型（New Log-linear Models）** over text that says
    对数线性: a Chinese name without the glossary's Chinese of a term in the English name is
    not used; the name is asked again with the term's Chinese written into it, and if that
    fails too the English name stands alone."""
    from docent.glossary import Glossary
    from docent.write.writer import name_sections

    class Naming(ChatModel):
        name = "scripted-namer"

        def __init__(self, replies):
            super().__init__()
            self.replies, self.asked = list(replies), []

        def _complete(self, messages, **options):
            self.asked.append(messages[-1].content)
            return Completion(text=self.replies.pop(0), model=self.name)

    labels = ["3 New Log-linear Models", "2.3 Parallel Training"]
    # asked in the paper's order: 2.3 first
    model = Naming(["1. 并行训练\n2. 新的线性模型", "1. 新的对数线性模型"])
    assert name_sections(model, labels, Glossary()) == {
        "3 New Log-linear Models": "新的对数线性模型", "2.3 Parallel Training": "并行训练"}
    assert model.asked[1] == "1. New 对数线性 Models\n输出："
    stubborn = Naming(["1. 并行训练\n2. 新的线性模型", "1. 新线性模型"])
    assert name_sections(stubborn, labels, Glossary()) == {"2.3 Parallel Training": "并行训练"}


def test_a_link_to_a_sentence_left_out_is_not_rendered():
    """The bundled report put 为了克服这个限制 ("To tackle this limitation") after the in-context
    learning sentence: the limitation it meant was a sentence the point did not give."""
    from docent.types import Locator, Passage, Source
    from docent.write.points import Evidence, Point

    text = ("We also use in-context learning. With a 4,096 context window, we can fit 5 "
            "passages. To tackle this limitation, we propose to provide summaries instead.")
    passage = Passage(id=1, ordinal=0, text=text, locator=Locator(page=6),
                      char_start=0, char_end=len(text))
    source = Source(id=1, kind=SourceKind.pdf, title="ALCE", path="a.pdf", sha256="a",
                    created_at="2026-01-01T00:00:00")
    ends = [text.index(".") + 1, text.index("passages.") + 9, len(text)]
    a, b, c = (Evidence(passage, source, s + (s > 0), e)
               for s, e in zip([0, *ends[:2]], ends))
    assert passage.text[c.start:c.end].startswith("To tackle")
    brief = parse_brief(ASSIGNMENT)
    model = Restating()
    render_point(model, brief, Point("technique", "4.2", "paper", [a, c]))
    assert "2. We propose to provide summaries instead." in model.prompts[-1]
    render_point(model, brief, Point("technique", "4.2", "paper", [b, c]))
    assert "2. To tackle this limitation, we propose" in model.prompts[-1]


def test_section_names_are_asked_in_the_papers_order_and_a_name_given_twice_is_asked_again():
    """The S3 report (techniques led by "3 New Log-linear Models") headed Skip-gram
    前馈神经网络语言模型 and Parallel Training 递归神经网络语言模型: asked out of the paper's order,
    the model named two sections after two it had not reached. Names are asked in the paper's
    order, and a name given to two sections is asked again for each alone."""
    from docent.write.writer import name_sections

    chinese = {"Continuous Skip-gram Model": "连续跳字模型", "Parallel Training": "并行训练",
               "Feedforward NNLM": "前馈神经网络语言模型"}

    class Naming(ChatModel):
        name = "scripted-namer"

        def __init__(self):
            super().__init__()
            self.asked = []

        def _complete(self, messages, **options):
            listed = re.findall(r"^\d+\. (.+)$", messages[-1].content, re.M)
            self.asked.append(listed)
            if len(listed) > 1:  # the first name for every section: one name given twice
                return Completion(text="\n".join(f"{i}. 前馈神经网络语言模型"
                                                 for i in range(1, len(listed) + 1)),
                                  model=self.name)
            return Completion(text=f"1. {chinese[listed[0]]}", model=self.name)

    model = Naming()
    names = name_sections(model, ["3.2 Continuous Skip-gram Model", "2.3 Parallel Training",
                                  "2.1 Feedforward NNLM"])
    assert model.asked[0] == ["Feedforward NNLM", "Parallel Training",
                              "Continuous Skip-gram Model"]
    assert names == {"3.2 Continuous Skip-gram Model": "连续跳字模型",
                     "2.3 Parallel Training": "并行训练",
                     "2.1 Feedforward NNLM": "前馈神经网络语言模型"}


def test_a_magnitude_under_the_wrong_chinese_unit_becomes_the_sources_number():
    """English counts in thousands, Chinese in ten-thousands: "7B" is 70亿, "500 million" 5亿.
    The model's "7亿" (the mantissa kept under 亿) is put right by the converter, the same
    one the judge reads magnitudes with; a number the source does not state still drops the
    line."""
    from docent.write.sentences import clean_line

    ev = _lecture_evidence("BERT-Large has 340M parameters and we train a 7B model on 500 "
                           "million words.")
    assert clean_line("BERT-Large 有 3.4 亿参数，7 亿参数的模型在 500 亿词上训练。", ev, "作者", True) \
        == "BERT-Large 有 3.4 亿参数，70亿参数的模型在 5亿词上训练。"
    assert clean_line("该模型有 9 亿参数。", ev, "作者", True) is None
