"""Beginner explanations from a same-language source (docent.write.explain), on real papers and
the real Chinese tutorial chapters: the BERT paper with the chapter on pre-trained language
models (which explains BERT's pre-training and fine-tuning), word2vec and ALCE with chapters
that explain none of their techniques (nothing is borrowed there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ALCE, KB_ZH, ROOT, WORD2VEC

from docent.brief import parse_brief
from docent.config import Settings
from docent.index import Retriever
from docent.ingest import ingest_and_index
from docent.llm import ChatModel, Completion, get_model
from docent.store import Store
from docent.types import SourceKind
from docent.write import write_report
from docent.write.explain import explanations, restate
from docent.write.plan import plan_report
from docent.write.points import plan_points

SHARED = ROOT.parent / "shared" / "corpus"
BERT = SHARED / "papers" / "bert-1810.04805.pdf"
PLM = SHARED / "kb-zh" / "pretrained-language-models.md"
ASSIGNMENT = (SHARED / "assignments" / "reading-report-zh.txt").read_text(encoding="utf-8")


def _workspace(tmp_path_factory, name: str, sources: list[Path]):
    settings = Settings(workspace=tmp_path_factory.mktemp(name) / "ws", embedder="none")
    store = Store.open(settings.workspace)
    ingest_and_index(sources, store, settings, None)
    return settings, store


@pytest.fixture(scope="module")
def bert(tmp_path_factory):
    if not BERT.exists():
        pytest.skip(f"{BERT} is missing: the shared corpus sits beside the repository")
    return _workspace(tmp_path_factory, "bert", [BERT, PLM])


def _technique_names(store: Store) -> list[str]:
    from docent.write.points import _papers, _technique_sections
    return [n for _, passages in _papers(store) for n in _technique_sections(passages)]


def test_a_technique_the_tutorial_explains_gets_the_tutorials_opening(bert):
    _, store = bert
    brief = parse_brief(ASSIGNMENT)
    names = _technique_names(store)
    found = explanations(store, brief, names)
    assert {"3.1 Pre-training BERT", "3.2 Fine-tuning BERT"} <= set(found)
    pre, fine = found["3.1 Pre-training BERT"], found["3.2 Fine-tuning BERT"]
    # the section whose heading names the technique: pre-training tasks, downstream fine-tuning
    assert "预训练任务" in pre[0].passage.locator.section
    assert "微调" in fine[0].passage.locator.section
    assert "预训练-微调的两阶段思想" in fine[0].text
    every = [ev for evs in found.values() for ev in evs]
    # each from another tutorial section, Chinese prose, never the tutorial speaking of itself
    assert len({ev.passage.locator.section for evs in found.values() for ev in evs[:1]}) == len(found)
    for ev in every:
        assert ev.source.kind is SourceKind.markdown
        assert re.search(r"[\u4e00-\u9fff]", ev.text) and ev.text.endswith("。"), ev.text
        assert not re.search(r"我们|本章|上一章|如图|^#|<", ev.text), ev.text


def test_a_tutorial_on_another_system_explains_nothing_of_the_paper(tmp_path_factory):
    """word2vec's feedforward language model is no Transformer's feed-forward layer, and
    ALCE's techniques are in no chapter: nothing is borrowed."""
    _, store = _workspace(tmp_path_factory, "w2v", [WORD2VEC, ALCE, KB_ZH])
    brief = parse_brief(ASSIGNMENT)
    assert explanations(store, brief, _technique_names(store)) == {}
    # an English report takes no Chinese explanation
    english = parse_brief("Write an 800 word summary of the paper for beginners.")
    assert english.language == "en"


def test_the_plan_opens_an_explained_technique_with_the_explanation(bert):
    settings, store = bert
    brief = parse_brief(ASSIGNMENT)
    retriever = Retriever(store, settings, None)
    plan = next(p for p in plan_report(brief, store, retriever) if p.role == "technique")
    points = plan_points(plan, store, brief, lambda q: [])
    for name in ("3.1 Pre-training BERT", "3.2 Fine-tuning BERT"):
        mine = [p for p in points if p.label == name]
        assert [p.voice for p in mine[:2]] == ["document", "paper"], [p.voice for p in mine]


class Restating(ChatModel):
    """Scripted: restates each numbered tutorial sentence by copying it (and, asked to, adds
    a number of its own to the first), answers section names with a fixed name."""

    name = "restating"

    def __init__(self, invent: bool = False) -> None:
        super().__init__()
        self.invent = invent
        self.prompts: list[str] = []

    def _complete(self, messages, **options) -> Completion:
        system, user = messages[0].content, messages[-1].content
        self.prompts.append(user)
        lines = re.findall(r"^(\d+)\. (.+)$", user, re.M)
        if "教程" in system:  # the restatement of a tutorial's sentences
            out = [f"{n}. {t}" for n, t in lines]
            if self.invent:
                out[0] = "1. " + lines[0][1].rstrip("。") + "，共有 12 层。"
            return Completion(text="\n".join(out), model=self.name)
        if "小节标题" in system:  # the method sections' names
            return Completion(text="\n".join(f"{n}. 小节{'一二三四五六七八九'[int(n) - 1]}"
                                              for n, _ in lines), model=self.name)
        return Completion(text="\n".join(f"{n}. 作者在论文中说明了第{n}点的内容{chr(0x4E00 + int(n)) * 8}。"
                                         for n, _ in lines), model=self.name)


def test_restating_keeps_a_faithful_line_and_falls_back_to_the_source(bert):
    _, store = bert
    brief = parse_brief(ASSIGNMENT)
    found = explanations(store, brief, _technique_names(store))
    evidence = found["3.2 Fine-tuning BERT"]
    said: set[str] = set()
    out = restate(Restating(invent=True), brief, evidence, said=said)
    # a restatement that states a number its source does not gives way to the source itself
    assert out and "12 层" not in out[0].plain
    assert out[0].plain == re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "",
                                  " ".join(evidence[0].text.split()))
    assert f"⟦{evidence[0].passage.id}⟧" in out[0].text
    # said once: the same sentence is not written twice in a report
    assert restate(Restating(), brief, evidence, said=said) == []


def test_the_written_technique_paragraph_opens_with_the_tutorial_then_the_paper(bert):
    settings, store = bert
    brief = parse_brief(ASSIGNMENT)
    run = store.create_run("write", brief.assignment, brief.model_dump_json(), {})
    draft = write_report(brief, store, settings, Retriever(store, settings, None), Restating(),
                         None, run_id=run)
    techniques = next(s for s in draft.sections if "技术" in s.title)
    sources = {p.id: s for s in store.sources() for p in store.passages(s.id)}
    opened = 0
    for paragraph in techniques.paragraphs:
        if not paragraph.lead or not paragraph.sentences:
            continue
        first = paragraph.sentences[0]
        kinds = [sources[s.evidence.passage_id].kind for s in paragraph.sentences if s.evidence]
        if kinds and kinds[0] is SourceKind.markdown:
            opened += 1
            # the explanation first, then the paper's own use of it
            assert SourceKind.pdf in kinds[1:] or len(kinds) == len(paragraph.sentences)
            assert re.search(r"\[\d+\]", first.text)
    assert opened >= 2


def test_the_embedded_model_restates_a_tutorial_sentence_faithfully(bert):
    _, store = bert
    brief = parse_brief(ASSIGNMENT)
    found = explanations(store, brief, _technique_names(store))
    model = get_model(Settings())
    evidence = found["3.2 Fine-tuning BERT"][:1]
    out = restate(model, brief, evidence)
    assert out and re.search(r"[\u4e00-\u9fff]{10}", out[0].plain)
    assert "预训练" in out[0].plain and "微调" in out[0].plain
    assert "我们" not in out[0].plain


def test_a_tutorial_sentence_quoted_word_for_word_is_supported_by_construction(bert):
    """The judge needs no model for a sentence of its cited passage copied whole (the tutorial's
    passage opens with its Markdown heading), and does not take a shortened one for a quote."""
    from docent.check.judge import quoted

    _, store = bert
    found = explanations(store, parse_brief(ASSIGNMENT), _technique_names(store))
    ev = found["3.2 Fine-tuning BERT"][0]
    assert ev.passage.text.startswith("####")
    assert quoted(ev.text, [ev.passage.text])
    assert not quoted(ev.text[: len(ev.text) // 2] + "。", [ev.passage.text])
