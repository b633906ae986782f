"""The write stage with a scripted model (orchestration) and the real embedder (alignment)."""

import re

import pytest
from conftest import ALCE, KB_ZH, HashEmbedder

from docent.brief import parse_brief, report_length
from docent.config import Settings
from docent.index import Retriever
from docent.ingest import ingest
from docent.llm import ChatModel, Completion
from docent.store import Store
from docent.render.markdown import to_markdown
from docent.write import write_report

ASSIGNMENT = ("请撰写《Transformer 学习报告》，包含以下部分：（1）论文基本信息；（2）核心内容摘要；"
              "（3）关键技术解析；（4）视频补充要点。字数在800至1200字，标注来源。")


class ScriptedWriter(ChatModel):
    """Restates each numbered source sentence of the prompt as one Chinese sentence of ~40 字
    (the reply shape the sentence renderer asks for), each a different one."""

    def __init__(self, fail_after=None):
        super().__init__()
        self.name = "scripted-writer"
        self.calls = 0
        self.lines = 0
        self.fail_after = fail_after

    def _complete(self, messages, **options):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt
        numbered = re.findall(r"^(\d+)\. ", messages[-1].content, re.MULTILINE)
        lines = []
        for n in numbered:  # each its own sentence: a report never says one twice
            self.lines += 1
            lines.append(f"{n}. 这一句转述了资料中的内容，说明了注意力机制让模型关注输入中最相关的部分"
                         f"{chr(0x4E00 + self.lines)}。")
        text = "\n".join(lines)
        return Completion(text=text, model=self.name, completion_tokens=60, seconds=0.01)


@pytest.fixture
def kb_workspace(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", embedder="hash")
    store = Store.open(settings.workspace)
    emb = HashEmbedder()
    ingest([KB_ZH, ALCE], store, settings, emb)
    return settings, store, emb


def _write(settings, store, emb, model, brief):
    run = store.create_run("write", brief.assignment, brief.model_dump_json(), {})
    draft = write_report(brief, store, settings, Retriever(store, settings, emb), model, emb,
                         run_id=run)
    return run, draft


def test_report_follows_the_brief_cites_and_fits_the_length(kb_workspace):
    settings, store, emb = kb_workspace
    brief = parse_brief(ASSIGNMENT)
    embedded_before = len(emb.calls)
    _, draft = _write(settings, store, emb, ScriptedWriter(), brief)
    # writing embeds no passage again (only search queries, one text each)
    assert all(n == 1 for n in emb.calls[embedded_before:]), emb.calls[embedded_before:]
    assert [s.title for s in draft.sections] == ["论文基本信息", "核心内容摘要", "关键技术解析",
                                                "视频补充要点"]
    markdown = to_markdown(draft)
    assert brief.length.contains(draft.length), draft.length
    assert "注：" not in markdown  # in range: no note that the sources ran out
    body = markdown.split("## 参考文献")[0]
    assert report_length(body, brief.length.unit) == draft.length
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert numbers == {c.number for c in draft.citations} and numbers
    assert all(f"[{c.number}] {c.source_title}" in markdown for c in draft.citations)
    # facts from the paper's metadata, not from the model
    info = draft.sections[0].markdown()
    assert "Enabling Large Language Models to Generate Text with Citations" in info
    assert "Tianyu Gao" in info and "https://arxiv.org/abs/2305.14627" in info
    assert "github.com" not in info
    # no video was ingested: the section says so and invents nothing
    video = draft.sections[3]
    assert video.status == "missing_source" and "没有讲解视频" in video.markdown()
    assert "[" not in video.markdown()


def test_interrupted_run_resumes_from_finished_sections(kb_workspace):
    settings, store, emb = kb_workspace
    brief = parse_brief(ASSIGNMENT)
    flaky = ScriptedWriter(fail_after=2)
    run = store.create_run("write", brief.assignment, brief.model_dump_json(), {})
    with pytest.raises(KeyboardInterrupt):
        write_report(brief, store, settings, Retriever(store, settings, emb), flaky, emb,
                     run_id=run)
    done = store.run_sections(run)
    assert 0 in done and len(done) < 4  # the metadata section and perhaps one more
    again = ScriptedWriter()
    draft = write_report(brief, store, settings, Retriever(store, settings, emb), again, emb,
                         run_id=run)
    assert len(draft.sections) == 4
    assert again.calls < flaky.calls + again.calls  # finished sections were not rewritten
    first = store.run_sections(run)
    assert set(first) == {0, 1, 2, 3}


def test_english_assignment(kb_workspace):
    settings, store, emb = kb_workspace
    brief = parse_brief("Write a 300-500 word report for beginners with the sections: Summary, "
                        "Key techniques. Cite your sources.")

    class English(ScriptedWriter):
        def _complete(self, messages, **options):
            numbered = re.findall(r"^(\d+)\. ", messages[-1].content, re.MULTILINE)
            lines = []
            for n in numbered:
                self.lines += 1
                tag = "".join(chr(97 + int(d)) for d in str(self.lines))  # no number
                lines.append(f"{n}. Citation recall checks that statement {tag} of an "
                             "answer is supported by the passages it cites.")
            return Completion(text="\n".join(lines), model="en", completion_tokens=40)

    _, draft = _write(settings, store, emb, English(), brief)
    assert [s.heading for s in draft.sections] == ["1. Summary", "2. Key techniques"]
    assert brief.length.contains(draft.length) and draft.citations
    assert "## References" in to_markdown(draft)




def test_a_terms_english_is_given_in_parentheses_at_its_first_use_only():
    from types import SimpleNamespace

    from docent.write.writer import _Writer

    writer = SimpleNamespace(glossed=set())
    first = _Writer._glossed(writer, "模型把文本切成词元（token）。")
    again = _Writer._glossed(writer, "每个词元（Token）对应一个整数，GPT（Generative Pre-trained "
                                     "Transformer）也这样做。")
    assert first == "模型把文本切成词元（token）。"
    assert again == "每个词元对应一个整数，GPT（Generative Pre-trained Transformer）也这样做。"


def test_a_term_explained_by_the_lecture_or_the_notes_says_so():
    """In the techniques section a term the lecture (or a knowledge-base page) explains is
    credited to it in its paragraph's heading, never left to read as the paper's; its
    sentences are not framed again ("**Transformer（视频讲解）**：在讲解视频中，…" said it twice)."""
    from types import SimpleNamespace

    from docent.write.points import Point
    from docent.write.writer import _framed, _term_lead

    lecture = SimpleNamespace(source=SimpleNamespace(title="lets build gpt"))
    notes = SimpleNamespace(source=SimpleNamespace(title="Transformer 架构"))
    said = "Transformer 是处理所有繁重工作的神经网络。"
    by_lecture = Point("term", "Transformer", "lecture", [lecture])
    by_notes = Point("term", "Transformer", "document", [notes])
    assert _term_lead(by_lecture, "zh") == "Transformer（视频讲解）"
    assert _term_lead(by_notes, "zh") == "Transformer（据《Transformer 架构》）"
    assert _term_lead(by_lecture, "en") == "Transformer (from the lecture)"
    assert _term_lead(Point("term", "Transformer", "paper", [lecture]), "zh") == "Transformer"
    assert _framed(said, by_lecture, True, "zh") == said
    # a lecture point's first sentence says it is the lecture's; later ones stay as they are
    assert _framed(said, Point("lecture", "02:26", "lecture", [lecture]), True, "zh") \
        == "视频中，" + said
    assert _framed(said, Point("lecture", "02:26", "lecture", [lecture]), False, "zh") == said
    # an opening connective of the speaker's ("For example, ...") refers to nothing before it
    assert _framed("例如，OpenAI 还有一个名为 tiktoken 的库。", Point("lecture", "11:23", "lecture",
                                                         [lecture]), True, "zh") \
        == "视频中，OpenAI 还有一个名为 tiktoken 的库。"


def test_a_report_the_sources_cannot_fill_says_so(kb_workspace):
    """Length comes from covering planned points, never from padding: when they are all written
    and the report is still short, it says so (and states no fact in saying it)."""
    settings, store, emb = kb_workspace
    brief = parse_brief(ASSIGNMENT.replace("800至1200字", "20000至30000字"))
    assert brief.length.min == 20000, brief.length
    _, draft = _write(settings, store, emb, ScriptedWriter(), brief)
    assert draft.length < 20000
    notes = [p.markdown for s in draft.sections for p in s.paragraphs
             if p.markdown.startswith("注：")]
    assert len(notes) == 1 and "20000-30000 字" in notes[0] and "[" not in notes[0], notes


def test_a_term_the_assignment_names_is_led_by_where_its_explanation_comes_from(kb_workspace):
    """"关键技术解析（如Transformer等）": the paper does not explain Transformer, a knowledge-base
    page does; its paragraph is headed by the term and where the explanation comes from (the
    bundled report had opened its techniques section on an unheaded lecture sentence)."""
    settings, store, emb = kb_workspace
    brief = parse_brief(ASSIGNMENT.replace("（3）关键技术解析", "（3）关键技术解析（如Transformer等）"))
    _, draft = _write(settings, store, emb, ScriptedWriter(), brief)
    techniques = draft.sections[2]
    led = [p for p in techniques.paragraphs if p.lead.startswith("Transformer")]
    assert len(led) == 1 and re.fullmatch(r"Transformer（据《.+》）", led[0].lead), \
        [p.lead for p in techniques.paragraphs]
    assert not led[0].sentences[0].text.startswith("据《"), led[0].sentences[0].text
    assert f"**{led[0].lead}**：" in to_markdown(draft)


def test_a_method_sections_later_points_stay_under_its_name(kb_workspace):
    """The length's top-up wrote word2vec's hierarchical-softmax sentences (2.1 NNLM) at the end
    of the techniques section, under RNNLM's heading; a method section's later points join its
    own paragraphs."""
    settings, store, emb = kb_workspace
    brief = parse_brief(ASSIGNMENT.replace("800至1200字", "20000至30000字"))
    _, draft = _write(settings, store, emb, ScriptedWriter(), brief)
    techniques = draft.sections[2]
    ids = [s.evidence.passage_id for p in techniques.paragraphs for s in p.sentences
           if s.evidence is not None]
    where = {i: p.locator.section for i, p in store.passages_by_id(ids).items()}
    led, seen = None, []
    for p in techniques.paragraphs:
        sections = {where[s.evidence.passage_id] for s in p.sentences if s.evidence is not None}
        if p.lead:
            led = sections
            seen.append(p.lead)
        elif led is not None and sections:
            # an unled paragraph continues the method section of the paragraph led above it
            assert sections & led, (seen[-1], sections, led)
    assert len(seen) >= 3, seen
