"""A written run rendered after a review: the reader's text in the Markdown, DOCX and HTML, a
removed sentence leaves no dangling number in the reference list, confirmed sentences in
their own mark, and two saves from one view (two tabs): the second is refused."""

import io

import docx
import pytest
from conftest import WORD2VEC, HashEmbedder

from docent.check import validate
from docent.config import Settings
from docent.ingest import ingest
from docent.pipeline import load_run
from docent.render import render
from docent.store import ReviewConflict, Store
from docent.types import Draft, DraftSection, ReviewDecision, RunState
from docent.write import number_citations


@pytest.fixture
def run(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", embedder="hash")
    store = Store.open(settings.workspace)
    ingest([WORD2VEC], store, settings, HashEmbedder())
    paper = store.sources()[0]
    p3 = next(p for p in store.passages(paper.id) if p.locator.page == 3)
    p4 = next(p for p in store.passages(paper.id) if p.locator.page == 4)
    sections = [DraftSection(title="方法", heading="一、方法", paragraphs=[
        f"模型使用层次 softmax⟦{p3.id}⟧。两种模型都采用负采样⟦{p4.id}⟧。CBOW 根据上下文预测当前词⟦{p4.id}⟧。"])]
    sections, citations = number_citations(sections, store)
    draft = Draft(title="word2vec 报告", language="zh", sections=sections, citations=citations)
    validation = validate(draft, store, None)
    run_id = store.create_run("write", "assignment", "", {})
    store.save_run_result(run_id, draft=draft.model_dump_json(),
                          validation=validation.model_dump_json())
    store.set_run_status(run_id, RunState.done)
    return store, run_id, draft


def test_a_reviewed_run_renders_the_readers_text_and_renumbers_the_references(run):
    store, run_id, draft = run
    ids = [s.id for s in draft.sentences()]
    assert [c.number for c in draft.citations] == [1, 2]
    store.add_reviews(run_id, [
        ReviewDecision(sentence_id=ids[0], action="removed", before="模型使用层次 softmax。"),
        ReviewDecision(sentence_id=ids[1], action="rewritten", before="两种模型都采用负采样。",
                       text="两种模型都使用层次 softmax。"),
        ReviewDecision(sentence_id=ids[2], action="confirmed", before="CBOW 根据上下文预测当前词。"),
    ])
    reviewed, validation = load_run(store, run_id)
    md = render(reviewed, "md").decode("utf-8")
    assert "层次 softmax。" not in md.split("两种模型")[0].split("一、方法")[1]
    assert "两种模型都使用层次 softmax[1]。CBOW 根据上下文预测当前词[1]。" in md
    assert "[2]" not in md  # the removed sentence's passage left the reference list
    assert len(reviewed.citations) == 1 and reviewed.citations[0].locator.page == 4
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(render(reviewed, "docx")))
                     .paragraphs)
    assert "两种模型都使用层次 softmax" in body and "负采样" not in body
    html = render(reviewed, "html", validation=validation, store=store).decode("utf-8")
    assert 'data-verdict="confirmed"' in html and "负采样" not in html
    assert validation.summary.reviewed == ("verified by Docent 0, confirmed by the reader 1, "
                                           "corrected 1, removed 1, not yet reviewed 0")
    assert validation.summary.reviewed in html


def test_a_save_from_a_stale_view_is_refused_and_nothing_is_written(run):
    store, run_id, draft = run
    sid = draft.sentences()[0].id
    seen = store.review_seq(run_id)
    store.add_reviews(run_id, [ReviewDecision(sentence_id=sid, action="confirmed")], seen=seen)
    with pytest.raises(ReviewConflict, match="another review was saved since"):
        store.add_reviews(run_id, [ReviewDecision(sentence_id=sid, action="removed")], seen=seen)
    assert [d.action.value for d in store.reviews(run_id)] == ["confirmed"]


def test_writing_the_same_assignment_again_carries_the_review_over(run):
    from docent.review import carry_over, strict_ok

    store, run_id, draft = run
    first, second, third = draft.sentences()
    store.add_reviews(run_id, [
        ReviewDecision(sentence_id=first.id, action="confirmed", before="模型使用层次 softmax。"),
        ReviewDecision(sentence_id=second.id, action="removed", before="两种模型都采用负采样。")])
    again = store.create_run("write", "assignment", "", {})  # the same assignment, written again
    v = validate(draft, store, None)
    store.save_run_result(again, draft=draft.model_dump_json(), validation=v.model_dump_json())
    assert carry_over(store, again, v) == 2
    decisions = store.reviews(again)
    assert {d.sentence_id for d in decisions} == {first.id, second.id}
    assert not strict_ok(v, decisions)  # the third sentence is not decided yet
    store.add_reviews(again, [ReviewDecision(sentence_id=third.id, action="confirmed",
                                             before="CBOW 根据上下文预测当前词。")])
    assert strict_ok(v, store.reviews(again))
    other = store.create_run("write", "another assignment", "", {})
    store.save_run_result(other, draft=draft.model_dump_json(), validation=v.model_dump_json())
    assert carry_over(store, other, v) == 0
