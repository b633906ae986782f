"""The one registry helper behind every plugin point: parsers, model providers, speech
recognisers and embedders."""

from pathlib import Path

import pytest

import docent.sources as sources
from docent.config import Settings
from docent.errors import ConfigError, UnsupportedSourceError
from docent.registry import Registry
from docent.types import SourceKind


class NoteParser:
    kind = SourceKind.markdown
    suffixes = (".MD", ".note")

    def parse(self, path, ctx=None):  # pragma: no cover - never called here
        raise NotImplementedError


def test_get_register_names_and_a_clear_error_for_an_unknown_name():
    reg: Registry[int] = Registry("gadget", setting="DOCENT_GADGET")
    assert reg.register("b", 2) == 2
    reg.register("a", 1)
    reg.register("b", 3)  # a later registration wins
    assert reg.names() == ["a", "b"] and reg.get("b") == 3 and "a" in reg
    assert reg.find("c") is None
    with pytest.raises(ConfigError) as info:
        reg.get("c")
    assert str(info.value) == "DOCENT_GADGET='c' is not a known gadget (use one of: a, b)"
    empty: Registry[int] = Registry("gadget")
    with pytest.raises(ConfigError, match=r"^'x' is not a known gadget \(use one of: none "):
        empty.get("x")


def test_builtins_load_once_and_never_replace_a_plugin():
    calls = []

    def builtins():
        calls.append(1)
        reg.register("local", "builtin-local", default=True)
        reg.register("openai", "builtin-openai", default=True)

    reg: Registry[str] = Registry("model provider", builtins=builtins)
    reg.register("local", "plugin")  # before the built-ins were loaded
    assert reg.names() == ["local", "openai"]
    assert reg.get("local") == "plugin" and reg.get("openai") == "builtin-openai"
    reg.register("openai", "plugin-2")  # after: a plain registration still wins
    assert reg.get("openai") == "plugin-2" and calls == [1]


def test_builtin_parsers_stay_when_a_plugin_registered_first(monkeypatch):
    fresh: Registry = Registry("source parser", builtins=sources._load_builtin)
    monkeypatch.setattr(sources, "PARSERS", fresh)
    plugin = sources.register(NoteParser())
    assert sources.parser_for(Path("paper.pdf")).kind is SourceKind.pdf  # built-ins loaded
    assert sources.parser_for(Path("notes.md")) is plugin  # the plugin keeps .md
    assert sources.parser_for(Path("x.NOTE")) is plugin
    assert {".pdf", ".srt", ".docx", ".note"} <= set(sources.supported_suffixes())


def test_iter_files_uses_the_registry(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\ntext\n")
    (tmp_path / "b.key").write_bytes(b"PK")
    (tmp_path / ".hidden.md").write_text("# H\n")
    assert [p.name for p in sources.iter_files(tmp_path)] == ["a.md"]


def test_the_four_registries_name_their_setting():
    from docent.index import get_embedder
    from docent.llm import get_model, providers
    from docent.speech import get_transcriber

    with pytest.raises(ConfigError, match="DOCENT_LLM='nope' is not a known model provider"):
        get_model(Settings(llm="nope"))
    with pytest.raises(ConfigError, match="DOCENT_EMBEDDER='nope' is not a known embedder"):
        get_embedder(Settings(embedder="nope"))
    with pytest.raises(ConfigError, match="DOCENT_ASR='nope' is not a known speech recogniser "
                                          r"\(use one of: openai, whisper\)"):
        get_transcriber(Settings(asr="nope"))
    assert {"local", "openai"} <= set(providers())
    assert get_embedder(Settings(embedder="none")) is None
    with pytest.raises(UnsupportedSourceError, match=r"slides\.key: unsupported"):
        sources.parser_for(Path("slides.key"))


def test_threads_asking_while_the_builtins_load_wait_for_them():
    """The web server's first requests arrive on several threads at once: none of them may see
    the registry half loaded (an empty parser list refused every upload with 415)."""
    import threading
    import time

    from docent.registry import Registry

    def load():
        time.sleep(0.3)  # importing the parsers takes a while
        slow.register(".pdf", "pdf parser", default=True)

    slow = Registry("parser", builtins=load)
    seen: list[list[str]] = []
    threads = [threading.Thread(target=lambda: seen.append(slow.names())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [[".pdf"]] * 4
