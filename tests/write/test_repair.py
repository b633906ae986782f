"""The repair loop of `docent write` (docent.write.repair): orchestration with scripted models
registered through the real registry and judged through the real ModelJudge JSON path."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ALCE, KB_ZH, HashEmbedder

from docent.brief import parse_brief
from docent.check.judge import ModelJudge
from docent.config import Settings
from docent.index import Retriever
from docent.ingest import ingest
from docent.llm import ChatModel, Completion, get_model
from docent.llm.registry import register_provider
from docent.store import Store
from docent.types import DraftSection, Verdict
from docent.pipeline import validate_and_repair, write_checked
from docent.render.markdown import to_markdown
from docent.write import ReportWriter

ASSIGNMENT = ("请撰写《Transformer 学习报告》，包含以下部分：（1）论文基本信息；（2）核心内容摘要；"
              "（3）关键技术解析。字数在300至2000字，标注来源。")
FABRICATED = "该模型由火星上的研究团队首次发明并公开"


class Writer(ChatModel):
    """Paragraphs with one fabricated sentence; rewrites that keep (or drop) the fabrication."""

    def __init__(self, stubborn: bool, dangling: bool = False) -> None:
        super().__init__()
        self.name = "scripted-writer"
        self.stubborn = stubborn
        self.dangling = dangling
        self.rewrites = 0

    def _complete(self, messages, **options):
        if "原句" in messages[-1].content:  # the repair's rewrite request
            self.rewrites += 1
            text = (FABRICATED + "，并由其发表。") if self.stubborn else \
                "多头注意力把查询、键和值投影到多个子空间，并按照。" if self.dangling else \
                "多头注意力把查询、键和值投影到多个子空间分别计算注意力。"
            return Completion(text=text, model=self.name)
        # the sentence renderer's request: one line per numbered source sentence, the second
        # of each point fabricated
        numbered = re.findall(r"^(\d+)\. ", messages[-1].content, re.MULTILINE)
        lines = [f"{n}. {FABRICATED}的模型。" if n == "2" else
                 f"{n}. 多头注意力把查询、键和值投影到多个子空间分别计算注意力。" for n in numbered]
        return Completion(text="\n".join(lines), model=self.name, completion_tokens=60)


class Judge(ChatModel):
    """An endpoint-like judge (JSON verdicts): anything about Mars is unsupported."""

    name = "scripted-judge"

    def _complete(self, messages, **options):
        claim = messages[-1].content.split("Claim:")[-1]
        verdict = "not_supported" if "火星" in claim or "1850" in claim else "supported"
        return Completion(text=json.dumps({"verdict": verdict}), model=self.name)


register_provider("scripted-repair", lambda settings, role: Judge() if role == "judge"
                  else Writer(stubborn=settings.llm_model == "stubborn",
                              dangling=settings.llm_model == "dangling"))


@pytest.fixture
def workspace(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", embedder="hash", llm="scripted-repair")
    store = Store.open(settings.workspace)
    emb = HashEmbedder()
    ingest([KB_ZH, ALCE], store, settings, emb)
    return settings, store, emb


def _run(settings, store, emb, rounds=2):
    brief = parse_brief(ASSIGNMENT)
    writer = get_model(settings, role="writer")
    judge = ModelJudge(get_model(settings, role="judge"), emb)
    run = store.create_run("write", brief.assignment, brief.model_dump_json(), {})
    draft, report = write_checked(brief, store, settings, Retriever(store, settings, emb),
                                  writer, emb, judge, run_id=run, rounds=rounds)
    return writer, draft, report, run


def test_unsupported_sentence_is_rewritten_from_the_evidence(workspace):
    settings, store, emb = workspace
    writer, draft, report, run = _run(settings, store, emb)
    markdown = to_markdown(draft)
    assert "火星" not in markdown
    assert writer.rewrites >= 1
    actions = [r.action for r in report.repairs]
    assert "rewritten" in actions, report.repairs
    rewritten = next(r for r in report.repairs if r.action == "rewritten")
    assert "火星" in rewritten.before and "多头注意力" in rewritten.after
    assert re.search(r"\[\d+\]", rewritten.after)  # keeps its citation
    assert not [f for f in report.findings if f.kind == "support"]
    assert report.summary.repairs == len(report.repairs)
    # every sentence of the final report is recorded with its verdict
    claims = [s for s in report.sentences if s.verdict is not None]
    assert claims and all(s.verdict is Verdict.supported for s in claims)
    # the repaired sections are what the run keeps (an interruption resumes from them)
    saved = " ".join(store.run_sections(run).values())
    assert "火星" not in saved


def test_a_sentence_no_source_supports_is_removed_and_listed(workspace):
    settings, store, emb = workspace
    settings = settings.model_copy(update={"llm_model": "stubborn"})
    _, draft, report, _ = _run(settings, store, emb)
    assert "火星" not in to_markdown(draft)
    removed = [r for r in report.repairs if r.action == "removed"]
    assert removed and all("火星" in r.before for r in removed)
    assert "after a rewrite" in removed[0].reason
    # the required sections are all still there
    assert [s.title for s in draft.sections] == ["论文基本信息", "核心内容摘要", "关键技术解析"]
    assert all(s.paragraphs for s in draft.sections)


def test_a_rewrite_is_held_to_the_checks_of_a_first_rendering(workspace):
    """A sentence rendered from one source sentence and rewritten in a repair passes the same
    checks as when it was first rendered: a rewrite cut short ("…，并按照。") is no rewrite."""
    settings, store, emb = workspace
    settings = settings.model_copy(update={"llm_model": "dangling"})
    writer, draft, report, _ = _run(settings, store, emb)
    assert writer.rewrites >= 1 and "按照" not in to_markdown(draft)
    removed = [r for r in report.repairs if r.action == "removed"]
    assert removed and all("no rewrite could be made" in r.reason for r in removed)


def test_rounds_zero_validates_without_changing_anything(workspace):
    settings, store, emb = workspace
    writer, draft, report, _ = _run(settings, store, emb, rounds=0)
    assert writer.rewrites == 0 and not report.repairs
    assert "火星" in to_markdown(draft)
    bad = [f for f in report.findings if f.kind == "support"]
    assert bad and all("火星" in f.sentence for f in bad)
    assert not report.ok


def test_miscited_sentence_is_recited_to_the_supporting_passage(workspace):
    settings, store, emb = workspace
    brief = parse_brief(ASSIGNMENT)
    kb = [s for s in store.sources() if "transformer" in s.title.lower()
          or "Transformer" in s.title]
    passages = [p for s in store.sources() for p in store.passages(s.id)]
    right = next(p for p in passages if "多头注意力" in p.text)
    wrong = next(p for p in passages if "多头注意力" not in p.text and "注意力" not in p.text
                 and p.source_id != right.source_id)
    assert kb
    sections = [DraftSection(title="关键技术解析", heading="（1）关键技术解析", paragraphs=[
        f"多头注意力机制把注意力分成多个头，并行计算后再拼接⟦{wrong.id}⟧。"])]

    class OnlyMultiHead(ChatModel):
        name = "scripted-judge"

        def _complete(self, messages, **options):
            prompt = messages[-1].content
            evidence = prompt.split("Claim:")[0]
            ok = "多头" in evidence or "multi-head" in evidence.lower()
            return Completion(text=json.dumps({"verdict": "supported" if ok
                                               else "not_supported"}), model=self.name)

    class NoTopUp(ReportWriter):  # this test is about the citation alone
        def top_up(self, sections):
            return sections

    retriever = Retriever(store, settings, emb)
    writer = NoTopUp(brief, store, settings, retriever, Writer(stubborn=False), emb, run_id=None)
    draft, report = validate_and_repair(
        writer, sections, store=store, retriever=retriever, model=Writer(stubborn=False),
        judge=ModelJudge(OnlyMultiHead(), emb), embedder=emb, rounds=1)
    assert [r.action for r in report.repairs] == ["recited"], report.repairs
    assert [c.passage_id for c in draft.citations] != [wrong.id]
    cited = store.passages_by_id([c.passage_id for c in draft.citations])
    assert all("多头" in p.text for p in cited.values())
    left = [f for f in report.findings if f.severity == "error"]
    assert {f.kind for f in left} == {"structure", "length"}, left  # what this test omits


def test_sentences_keep_their_ids_through_removals_and_additions():
    """A removed sentence takes its id with it; the others keep theirs, and what is added later
    gets ids never used before (the HTML page and the repair rounds address sentences by id)."""
    from docent.check.plans import PlannedRepair
    from docent.types import (CheckedSentence, Citation, Draft, DraftSentence, Finding,
                              FindingKind, Locator, RepairAction, Severity, SentenceEvidence,
                              SourceKind)
    from docent.write.compose import number_citations
    from docent.write.repair import revise

    citation = Citation(number=1, passage_id=7, source_id=1, source_title="Paper",
                        source_kind=SourceKind.pdf, locator=Locator(page=2), excerpt="x")
    draft = Draft(title="T", language="en", citations=[citation], sections=[DraftSection(
        title="S", heading="1. S", paragraphs=["One [1]. Two [1]. Three [1].", "Four [1]."])])
    draft.sections[0].paragraphs[0].sentences[2].evidence = SentenceEvidence(
        passage_id=7, start=0, end=6, text="Three.")
    assert [s.id for s in draft.sentences()] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1"]
    two = CheckedSentence(index=1, id="1.1.2", text="Two.", citations=["[1]"])
    plan = [PlannedRepair(RepairAction.removed, two, Finding(
        kind=FindingKind.support, severity=Severity.error, message="not supported",
        sentence="Two."), "not supported")]
    revision = revise(draft, plan, {7: 1}, store=None, model=None, embedder=None,
                      rewritten=set())
    assert revision.removed and [(r.before, r.sentence_id) for r in revision.made] == [
        ("Two.", "1.1.2")]
    sections = revision.sections
    assert sections[0].paragraphs[0].markdown == "One ⟦7⟧. Three ⟦7⟧."
    sections[0].paragraphs[0].sentences.append(DraftSentence(text="Five ⟦7⟧."))
    sections[0].add("Six ⟦7⟧. Seven.")
    numbered, citations = number_citations(sections, _PassageStore())
    again = Draft(title="T", language="en", sections=numbered, citations=citations)
    assert [(s.id, s.text) for s in again.sentences()] == [
        ("1.1.1", "One [1]."), ("1.1.3", "Three [1]."), ("1.1.4", "Five [1]."),
        ("1.2.1", "Four [1]."), ("1.3.1", "Six [1]."), ("1.3.2", "Seven.")]
    # the evidence record stays with its sentence
    assert again.find("1.1.3")[1].evidence.text == "Three."


class _PassageStore:
    """The two store lookups number_citations makes, for passage 7 of source 1."""

    def passages_by_id(self, ids):
        from docent.types import Locator, Passage
        return {7: Passage(id=7, source_id=1, ordinal=0, text="x", locator=Locator(page=2),
                           char_start=0, char_end=1)}

    def source(self, source_id):
        from docent.types import Source, SourceKind
        return Source(id=1, path="/p.pdf", kind=SourceKind.pdf, title="Paper", sha256="0")
