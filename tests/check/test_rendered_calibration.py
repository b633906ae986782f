"""Sentences ``docent write`` rendered from a known source sentence are weighed by their own
calibration (measured on such sentences); a report written elsewhere never is."""

from __future__ import annotations

from docent.check import validate
from docent.check.judge import Calibration, Calibrations, Features, Judgement, ModelJudge
from docent.config import Settings
from docent.ingest import ingest_and_index
from docent.store import Store
from docent.types import (
    Citation,
    Draft,
    DraftParagraph,
    DraftSection,
    DraftSentence,
    SentenceEvidence,
    Verdict,
)

NOTES = ("# Notes\n\nALCE is a benchmark for evaluating citations in generated text. "
         "It contains three datasets: ASQA, QAMPARI and ELI5.\n")
class Recording:
    """Supports everything and remembers how it was asked."""

    name = "test/recording"

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict]] = []
        self.passages: dict[str, list[str]] = {}

    def judge(self, claim, passages, roles=None, **options) -> Judgement:
        self.asked.append((claim, options))
        self.passages[claim] = passages
        return Judgement(Verdict.supported, 0.9, passages[0][:20], 0)  # a piece of it


def test_a_draft_is_checked_sentence_by_sentence_against_the_passages_it_cites(tmp_path):
    """A Draft goes to the checks as it is: each sentence keeps its id, each [n]
    names its passage, and the sentences with an evidence record are the rendered ones."""
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    ingest_and_index([notes], store, settings, None)
    source = store.sources()[0]
    passage = store.passages(source.id)[0]
    start = passage.text.index("It contains")
    rendered = DraftSentence(text="It contains three datasets [1].", evidence=SentenceEvidence(
        passage_id=passage.id, start=start, end=len(passage.text.rstrip()),
        text=passage.text[start:].strip()))
    draft = Draft(title="Report", language="en", sections=[DraftSection(
        title="Summary", heading="Summary", paragraphs=[DraftParagraph(sentences=[
            DraftSentence(text="ALCE is a benchmark for evaluating citations in generated "
                               "text [1]."), rendered])])],
        citations=[Citation(number=1, passage_id=passage.id, source_id=source.id,
                            source_title=source.title, source_kind=source.kind,
                            locator=passage.locator, excerpt=passage.text[:80])])
    judge = Recording()
    report = validate(draft, store, judge)
    assert dict(judge.asked) == {
        "ALCE is a benchmark for evaluating citations in generated text.": {},
        "It contains three datasets.": {"rendered": True}}
    # the rendered sentence is judged against the source sentence it was written from; the
    # other against its whole cited passage
    assert judge.passages["It contains three datasets."] == [
        "It contains three datasets: ASQA, QAMPARI and ELI5."]
    assert judge.passages["ALCE is a benchmark for evaluating citations in generated text."] \
        == [passage.text]
    # the whole source sentence is shown, not the piece the judge found best
    assert report.sentences[1].evidence == "It contains three datasets: ASQA, QAMPARI and ELI5."
    # once a repair rewrote it from more of the passage, the whole passage is its evidence
    draft.sections[0].paragraphs[0].sentences[1].evidence.rewritten = True
    judge = Recording()
    validate(draft, store, judge)
    assert judge.passages["It contains three datasets."] == [passage.text]
    assert dict(judge.asked)["It contains three datasets."] == {}  # weighed like any other
    assert [s.id for s in report.sentences] == [s.id for s in draft.sentences()] == [
        "1.1.1", "1.1.2"]
    assert report.report == "Report"


def _features() -> Features:
    return Features(p_parts=0.9, p_full=0.9, cov_best=None, cov_all=None,
                    lp_ev=[-0.1, -0.2], lp_base=[-2.0, -3.0])


def test_the_rendered_calibration_decides_only_rendered_sentences():
    strict = Calibration(w={"bias": -4.0}, supported_at=0.9, unverified_at=0.001)
    lenient = Calibration(w={"bias": 4.0}, supported_at=0.9, unverified_at=0.2)
    cals = Calibrations(same=strict, cross=strict, rendered=lenient)
    claim, passages = "作者提出了 ALCE 基准。", ["We propose ALCE, a benchmark."]
    assert cals.decide(_features(), claim, passages, rendered=True)[0] is Verdict.supported
    assert cals.decide(_features(), claim, passages)[0] is Verdict.unverified
    # it is measured on Chinese sentences rendered from English ones: other languages get the
    # calibration of any other claim
    assert cals.decide(_features(), "ALCE is a benchmark.", passages,
                       rendered=True)[0] is Verdict.unverified
    # without a rendered calibration, a rendered sentence is weighed like any other
    plain = Calibrations(same=strict, cross=strict)
    assert plain.decide(_features(), claim, passages, rendered=True)[0] is Verdict.unverified
    # the number rule holds whatever the calibration
    assert cals.decide(_features(), "作者提出了 3 个基准。", passages,
                       rendered=True)[0] is Verdict.not_supported
    # a sentence whose subject stands for what came before cannot be verified against its
    # one source sentence (blind labels: "但这是一个很好的实践" drops what the practice is)
    assert cals.decide(_features(), "但这是一个很好的实践。", ["But this is good practice."],
                       rendered=True)[0] is Verdict.unverified
    assert cals.decide(_features(), "这种设计考虑了以下因素。", ["This design considers factors."],
                       rendered=True)[0] is Verdict.supported
    # a term rendered otherwise than the glossary the writer was given ("off-the-shelf" is
    # 现成的; the bundled report's 预训练 "pre-trained" was verified, and only partly right)
    source = ["Existing off-the-shelf LLMs all have limited context window."]
    assert cals.decide(_features(), "现有的预训练语言模型（LLM）都具有有限的上下文窗口。", source,
                       rendered=True)[0] is Verdict.unverified
    assert cals.decide(_features(), "现有的现成的 LLM 都具有有限的上下文窗口。", source,
                       rendered=True)[0] is Verdict.supported
    # "about two times speedup" rendered 两倍提升 (the second reader: partly supported)
    speed = ["For example when the vocabulary size is one million words, this results in about "
             "two times speedup in evaluation."]
    assert cals.decide(_features(), "例如，当词表大小为一百万词时，这会导致评估速度的两倍提升。", speed,
                       rendered=True)[0] is Verdict.unverified
    assert cals.decide(_features(), "例如，当词表大小为一百万词时，这会使评估速度提升约两倍。", speed,
                       rendered=True)[0] is Verdict.supported


def test_a_low_score_leaves_a_rendered_sentence_unverified_wherever_it_is_decided():
    """bench/validator.py decides from measured features as the judge does: a rendered sentence
    that could not reach "supported" is unverified, not flagged red by its low score (the
    held-out reports' "We use TRUE (Honovich et al., 2022), a T5-11B model ..." rendered
    faithfully had been red in the bench and grey in the report); a number it adds still is."""
    low = Calibration(w={"bias": -4.0}, supported_at=0.9, unverified_at=0.5)
    cals = Calibrations(same=low, cross=low, rendered=low)
    source = ["We use TRUE, a T5-11B model fine-tuned on a collection of NLI datasets."]
    assert cals.decide(_features(), "作者使用 TRUE，一个在 NLI 数据集上微调的 T5-11B 模型。", source,
                       rendered=True)[0] is Verdict.unverified
    assert cals.decide(_features(), "作者使用 TRUE，一个在 3 个 NLI 数据集上微调的 T5-11B 模型。",
                       source, rendered=True)[0] is Verdict.not_supported
    # a claim judged against its whole passage keeps the calibration's verdict
    assert cals.decide(_features(), "作者使用 TRUE，一个在 NLI 数据集上微调的 T5-11B 模型。", source
                       )[0] is Verdict.not_supported


def test_the_shipped_judge_verifies_a_close_rendering_against_its_source_sentence():
    """The embedded 1.5B with the shipped calibration: a faithful Chinese rendering of one
    English source sentence is verified against that sentence; one that changes a term's
    meaning ("state of the art" as 状态机, "state machine") is not."""
    from docent.check.judge import get_judge

    judge = get_judge(Settings(embedder="none"), None)
    source = ["MAUVE measures the similarity between two text distributions."]
    good = judge.judge("MAUVE 测量两个文本分布之间的相似性。", source, rendered=True)
    assert good.verdict is Verdict.supported, good
    assert judge.judge("MAUVE 测量两个文本分布之间的相似性。", source).verdict \
        is not Verdict.supported  # the same sentence judged as any other claim
    wrong = judge.judge("作者展示了这些向量提供与状态机相当的性能。", [
        "We show that these vectors provide state-of-the-art performance on our test set."],
        rendered=True)
    assert wrong.verdict is not Verdict.supported, wrong


def test_an_english_rendering_that_restates_its_source_sentence_is_supported_by_its_words():
    """An English sentence rendered from one English source sentence, keeping its words, its
    negations and its scope, is supported without asking the model; a rendering that changes
    a comparison, or the same sentence in a report written elsewhere, goes to the model."""
    from docent.check.judge import ModelJudge
    from docent.llm import ChatModel

    class Asked(Exception):
        pass

    class Mute(ChatModel):
        name = "test/mute"

        def _complete(self, messages, **options):
            raise Asked(messages[-1].content)

    judge = ModelJudge(Mute(), None, use_probabilities=False)
    source = ["We observe large improvements in accuracy at much lower computational cost, i.e. "
              "it takes less than a day to learn high quality word vectors."]
    same = judge.judge("The authors observe large improvements in accuracy at much lower "
                       "computational cost.", source, roles=["paper"], rendered=True)
    assert same.verdict is Verdict.supported and same.score == 1.0
    for claim, options in [
            ("The authors observe large improvements in accuracy at much higher computational "
             "cost.", {"rendered": True}),  # a reversed comparison
            ("The speaker observes large improvements in accuracy at much lower computational "
             "cost.", {"rendered": True}),  # the paper's "we" is not a speaker
            ("The authors observe large improvements in accuracy at much lower computational "
             "cost.", {})]:  # not rendered by docent write
        try:
            judge.judge(claim, source, roles=["paper"], **options)
        except Asked:
            continue
        raise AssertionError(f"decided without the model: {claim}")


def test_a_rendered_sentence_out_of_reach_of_supported_takes_one_forward_pass():
    """The evidence-free baseline is measured only when it could lift the score to
    "supported"; out of reach, the sentence is unverified (never "not supported" by a low
    score: careful readers found 2 of the 3 so called supported), unless a number rule says
    more."""
    from docent.llm.base import ChatModel, Completion, TokenScores

    class Scoring(ChatModel):
        name = "scripted-scorer"

        def __init__(self, yes: float) -> None:
            self.yes, self.passes = yes, 0

        def _complete(self, messages, **options):
            return Completion(text="Yes", model=self.name)

        def token_scores(self, messages, *, span=None, answers=None):
            self.passes += 1
            tokens = [-0.05] * 6 if answers is None else [-0.1] * 6  # gains: -0.05 at best
            return TokenScores(span=tokens if span else [],
                               answers=[self.yes, 1 - self.yes] if answers else [])

    cal = Calibration(w={"bias": 0.9119, "yes": 0.8018, "min_gain": 0.3082},
                      supported_at=0.915, unverified_at=0.336)
    cals = Calibrations(same=cal, cross=cal, rendered=cal)
    claim, passages = "作者提出了 ALCE 基准。", ["We propose ALCE, a benchmark."]
    for yes, passes, verdict in ((0.99, 3, Verdict.supported), (0.6, 2, Verdict.unverified),
                                 (0.05, 2, Verdict.unverified)):
        model = Scoring(yes)
        judge = ModelJudge(model, None, calibration=cals)
        assert judge.judge(claim, passages, rendered=True).verdict is verdict, yes
        assert model.passes == passes, yes  # one probe, the evidence pass, the baseline or not
    model = Scoring(0.05)
    assert ModelJudge(model, None, calibration=cals).judge(
        "作者提出了 3 个基准。", passages, rendered=True).verdict is Verdict.not_supported
    # any other claim is measured with its baseline
    model = Scoring(0.6)
    ModelJudge(model, None, calibration=cals).judge(claim, passages)
    assert model.passes == 3
