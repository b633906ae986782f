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
    assert g.terms["reward model"] == "奖励模型" and "reward model" not in BASE_TERMS
    # a single word glossed in passing is no term; the standard Chinese of a term wins
    assert "state" not in g.terms and g.terms["prompt"] == BASE_TERMS["prompt"]
    assert g.prompt_lines("The reward model scores the policy's completions.") == \
        "reward model = 奖励模型"


def test_terms_are_found_longest_first_in_any_case_and_number():
    g = Glossary()
    assert g.terms_in("Multi-Head Attention layers, and attention again.") == [
        ("multi-head attention", "多头注意力"), ("attention", "注意力")]
    assert g.prompt_lines("It exploits Shortcuts.", "No terms here at all.") == "shortcuts = 捷径"
    assert g.prompt_lines("The logits of the softmax.") == ""  # kept in English: not listed
