"""The ingest stage with the scripted embedder: idempotence, replacement, atomicity, resume."""

import shutil

import pytest
from conftest import KB_ZH, HashEmbedder

from docent.errors import ModelError
from docent.index import Retriever
from docent.ingest import IngestStatus, ingest
from docent.store import Store


def _copy_kb(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(KB_ZH, kb)
    return kb


def test_ingest_is_idempotent_by_content_hash(tmp_path, settings):
    kb = _copy_kb(tmp_path)
    store, emb = Store.open(settings.workspace), HashEmbedder()
    first = ingest([kb], store, settings, emb)
    assert [r.status for r in first] == [IngestStatus.added, IngestStatus.added]
    generation, calls = store.generation(), len(emb.calls)
    second = ingest([kb], store, settings, emb)
    assert [r.status for r in second] == [IngestStatus.unchanged, IngestStatus.unchanged]
    assert store.generation() == generation and len(emb.calls) == calls


def test_changed_file_replaces_its_passages(tmp_path, settings):
    kb = _copy_kb(tmp_path)
    store, emb = Store.open(settings.workspace), HashEmbedder()
    ingest([kb], store, settings, emb)
    before = {s.title: s.passage_count for s in store.sources()}
    doc = kb / "preference-alignment.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\n## 附录\n\n新增的一段关于奖励模型的说明。\n",
                   encoding="utf-8")
    (result,) = ingest([doc], store, settings, emb)
    assert result.status is IngestStatus.updated
    assert len(store.sources()) == 2
    texts = [p.text for p in store.passages(result.source.id)]
    assert any("新增的一段" in t for t in texts)
    assert {s.title for s in store.sources()} == set(before)


def test_same_content_elsewhere_is_a_duplicate(tmp_path, settings):
    kb = _copy_kb(tmp_path)
    store = Store.open(settings.workspace)
    ingest([kb / "preference-alignment.md"], store, settings, HashEmbedder())
    twin = tmp_path / "copy.md"
    shutil.copy(kb / "preference-alignment.md", twin)
    (result,) = ingest([twin], store, settings, HashEmbedder())
    assert result.status is IngestStatus.duplicate and "preference-alignment.md" in result.note
    assert len(store.sources()) == 1


def test_bad_files_fail_alone(tmp_path, settings):
    kb = _copy_kb(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    odd = tmp_path / "data.xyz"
    odd.write_text("hello")
    store = Store.open(settings.workspace)
    results = ingest([empty, tmp_path / "missing.pdf", odd, kb], store, settings, HashEmbedder())
    by_status = {}
    for r in results:
        by_status.setdefault(r.status, []).append(r)
    assert len(by_status[IngestStatus.added]) == 2
    failed = {r.path: str(r.error) for r in by_status[IngestStatus.failed]}
    assert len(failed) == 3
    assert any("missing.pdf" in msg and "no such file" in msg for msg in failed.values())
    assert any("data.xyz" in msg and "unsupported" in msg for msg in failed.values())
    assert any("empty.txt" in msg for msg in failed.values())


class FlakyEmbedder(HashEmbedder):
    """Dies after ``budget`` batches, like a run interrupted midway."""

    def __init__(self, budget):
        super().__init__()
        self.budget = budget

    def embed_passages(self, texts):
        if self.budget == 0:
            raise ModelError("embedding endpoint went away")
        self.budget -= 1
        return super().embed_passages(texts)


def test_interrupted_ingest_stores_nothing_half_and_resumes(tmp_path, settings):
    doc = _copy_kb(tmp_path) / "transformer-architecture.md"
    store = Store.open(settings.workspace)
    (failed,) = ingest([doc], store, settings, FlakyEmbedder(budget=2))
    assert failed.status is IngestStatus.failed and "went away" in str(failed.error)
    assert store.sources() == [] and store.passage_count() == 0
    resumed = HashEmbedder()
    (ok,) = ingest([doc], store, settings, resumed)
    assert ok.status is IngestStatus.added
    embedded_again = sum(resumed.calls)
    assert 0 < embedded_again <= ok.source.passage_count - 2 * settings.embed_batch


def test_retriever_index_is_cached_and_refreshed(tmp_path, settings):
    kb = _copy_kb(tmp_path)
    store, emb = Store.open(settings.workspace), HashEmbedder()
    ingest([kb / "transformer-architecture.md"], store, settings, emb)
    hits = Retriever(store, settings, emb).search("多头注意力", top=3)
    assert "多头注意力" in hits[0].passage.text + (hits[0].passage.locator.section or "")
    assert (store.cache_dir / "index" / "manifest.json").exists()
    ingest([kb / "preference-alignment.md"], store, settings, emb)
    hits = Retriever(store, settings, emb).search("奖励模型", top=3)
    assert hits[0].source.title != hits[0].source.path
    assert any("奖励模型" in h.passage.text for h in hits)


@pytest.mark.parametrize("name", ["none"])
def test_lexical_only_mode(tmp_path, settings, name):
    kb = _copy_kb(tmp_path)
    s = settings.model_copy(update={"embedder": name})
    store = Store.open(s.workspace)
    ingest([kb], store, s, None)
    hits = Retriever(store, s, None).search("掩码自注意力", top=3)
    assert hits and all(h.dense_rank is None for h in hits)


def test_ingest_and_index_rebuilds_only_when_sources_changed(tmp_path, settings):
    from docent.ingest import ingest_and_index

    kb = _copy_kb(tmp_path)
    store, emb = Store.open(settings.workspace), HashEmbedder()
    stages: list[str] = []
    results = ingest_and_index([kb], store, settings, emb,
                               lambda what, done, total: stages.append(what))
    assert [r.status for r in results] == [IngestStatus.added, IngestStatus.added]
    assert "lexical index" in stages  # the index was rebuilt at once
    manifest = (store.cache_dir / "index" / "manifest.json").read_text()
    assert f'"generation": {store.generation()}' in manifest
    retriever = Retriever(store, settings, emb)
    retriever.ensure(lambda what, done, total: pytest.fail(f"rebuilt again: {what}"))
    assert retriever.search("奖励模型", 3)
    stages.clear()
    again = ingest_and_index([kb], store, settings, emb,
                             lambda what, done, total: stages.append(what))
    assert [r.status for r in again] == [IngestStatus.unchanged, IngestStatus.unchanged]
    assert "lexical index" not in stages
