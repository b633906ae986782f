"""The model fallback of the brief: only for what the rules miss, scripted and real."""

import json

from docent.brief import model_fallback, parse_brief
from docent.config import Settings
from docent.llm import ChatModel, Completion, get_model


class Answer(ChatModel):
    def __init__(self, payload):
        super().__init__()
        self.name, self.payload, self.calls = "scripted", payload, 0

    def _complete(self, messages, **options):
        self.calls += 1
        return Completion(text=json.dumps(self.payload), model=self.name)


def test_fallback_fills_only_the_gaps():
    model = Answer({"sections": ["Background", "Method"], "min_length": 900, "max_length": 1100})
    prose = ("Please write me a report on the paper: start with some background, then explain "
             "how the method works. Around a thousand words would be fine.")
    brief = parse_brief(prose, fallback=model_fallback(model))
    assert [s.title for s in brief.sections] == ["Background", "Method"]
    assert any("scripted" in n for n in brief.notes)
    clear = "Write 1500-2000 words with sections: (1) Summary (2) Method."
    brief = parse_brief(clear, fallback=model_fallback(model))
    assert model.calls == 1  # the rules found everything: no model call
    assert brief.length.min == 1500 and [s.title for s in brief.sections] == ["Summary", "Method"]


def test_fallback_with_the_embedded_small_model():
    model = get_model(Settings(llm_ctx=2048), role="small")
    prose = ("我需要一份读书报告：先介绍论文的背景，然后解释论文的方法，最后谈谈你的体会。"
             "字数在1500到2000字之间。")
    brief = parse_brief(prose, fallback=model_fallback(model))
    assert brief.length.min == 1500 and brief.length.max == 2000
    assert len(brief.sections) >= 2
    assert all(s.title for s in brief.sections)
