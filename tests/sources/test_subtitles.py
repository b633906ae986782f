from __future__ import annotations

from pathlib import Path

import pytest
import srt

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParsedDocument
from docent.sources.subtitles import Cue, SubtitleParser, clean_cue_text, dedupe_rolling, group_cues
from docent.types import SourceKind, parse_timestamp

ROOT = Path(__file__).resolve().parents[2]
SRT = ROOT / "examples" / "sources" / "lectures" / "lets-build-gpt.srt"
VTT = ROOT / "tests" / "data" / "lets-build-gpt.vtt"
DURATION = parse_timestamp("1:56:19.66")


@pytest.fixture(scope="module")
def srt_doc() -> ParsedDocument:
    return SubtitleParser().parse(SRT)


@pytest.fixture(scope="module")
def vtt_doc() -> ParsedDocument:
    return SubtitleParser().parse(VTT)


@pytest.mark.parametrize("which", ["srt_doc", "vtt_doc"])
def test_lecture_passages_are_timed_sentence_groups(which: str, request) -> None:
    doc: ParsedDocument = request.getfixturevalue(which)
    assert doc.kind is SourceKind.subtitles
    assert doc.title == "lets build gpt"
    assert doc.language == "en"
    assert doc.duration == pytest.approx(DURATION, abs=0.01)
    assert 100 <= len(doc.passages) <= 300

    durations = [p.locator.end - p.locator.start for p in doc.passages]
    assert sum(20 <= d <= 70 for d in durations) / len(durations) > 0.9
    assert max(durations) <= 90
    ended = sum(p.text.rstrip("\"')").endswith((".", "?", "!")) for p in doc.passages)
    assert ended / len(doc.passages) > 0.7

    previous_end = -1.0
    for n, p in enumerate(doc.passages):
        assert doc.text[p.char_start:p.char_end] == p.text
        assert p.ordinal == n and p.locator.chunk == n + 1
        assert 0 <= p.locator.start < p.locator.end <= doc.duration + 0.01
        assert p.locator.start >= previous_end
        previous_end = p.locator.end
    assert doc.passages[0].locator.start == 0.0
    assert doc.passages[-1].locator.end == pytest.approx(DURATION, abs=0.01)
    assert doc.passages[-1].text.endswith("See you later.")
    assert doc.passages[-1].locator.label().endswith("1:56:19")


def test_timestamp_round_trip(srt_doc: ParsedDocument) -> None:
    phrase = "this is the first 1000 characters of the tiny shakespeare dataset"
    cues = list(srt.parse(SRT.read_text(encoding="utf-8")))
    cue = next(c for c in cues if c.content.startswith(phrase))
    at = cue.start.total_seconds()
    assert at == pytest.approx(8 * 60 + 27.86)
    hits = [p for p in srt_doc.passages if p.locator.contains_time(at)]
    assert len(hits) == 1
    assert phrase in hits[0].text


def test_srt_and_vtt_agree(srt_doc: ParsedDocument, vtt_doc: ParsedDocument) -> None:
    assert srt_doc.text == vtt_doc.text
    assert len(srt_doc.passages) == len(vtt_doc.passages)
    for a, b in zip(srt_doc.passages, vtt_doc.passages):
        assert a.text == b.text
        assert a.locator.start == pytest.approx(b.locator.start, abs=0.01)


def test_vtt_tags_music_and_rolling_captions(tmp_path: Path) -> None:
    path = tmp_path / "rolling_captions.vtt"
    path.write_text(
        "WEBVTT\nKind: captions\nLanguage: en\n\n"
        "00:00:00.000 --> 00:00:02.000\n[Music]\n\n"
        "00:00:02.000 --> 00:00:04.000 align:start position:0%\n"
        "<v Andrej>so<00:00:02.500><c> today</c><00:00:03.000><c> we</c> build</v> a model\n\n"
        "00:00:04.000 --> 00:00:04.010\nso today we build a model\n\n"
        "00:00:04.010 --> 00:00:06.000\nso today we build a model\ncalled GPT &amp; train it.\n\n"
        "00:00:06.000 --> 00:00:08.000\ncalled GPT &amp; train it.\n<i>It works.</i> ♪\n",
        encoding="utf-8",
    )
    doc = SubtitleParser().parse(path)
    assert doc.text == "so today we build a model called GPT & train it. It works."
    assert doc.title == "rolling captions"
    assert doc.duration == 8.0
    assert len(doc.passages) == 1
    assert (doc.passages[0].locator.start, doc.passages[0].locator.end) == (2.0, 8.0)


def test_clean_and_dedupe_helpers() -> None:
    assert clean_cue_text("<c.yellow>Hi</c> [Applause] &lt;3") == "Hi <3"
    assert clean_cue_text("- Hello\n>> there") == "Hello\nthere"
    assert clean_cue_text("-1 if x < 5 and y > 3") == "-1 if x < 5 and y > 3"
    cues = [Cue(0, 1, "a b"), Cue(1, 2, "a b\nc d"), Cue(2, 3, "c d"), Cue(3, 4, "c d\ne")]
    assert [c.text for c in dedupe_rolling(cues)] == ["a b", "c d", "e"]


def test_group_cues_cuts_at_sentences_and_interpolates() -> None:
    cues = [Cue(i * 5.0, i * 5.0 + 5.0, f"Part {i} goes on and" if i % 4 else f"Point {i} ends. And")
            for i in range(40)]
    text, passages = group_cues(cues)
    assert text.startswith("Point 0 ends. And Part 1 goes on and")
    for p in passages:
        assert text[p.char_start:p.char_end] == p.text
        assert p.locator.end - p.locator.start <= 60
    first = passages[0]
    assert first.text.endswith("ends.") and first.locator.start == 0.0
    # "Point 8 ends." closes the first passage 40 s in; it ends mid-cue, so the time is
    # interpolated by character position within that cue.
    assert first.text.endswith("Point 8 ends.")
    assert 40.0 < first.locator.end < 45.0
    assert passages[1].locator.start >= first.locator.end


def test_group_cues_forces_cut_without_punctuation() -> None:
    cues = [Cue(i * 4.0, i * 4.0 + 4.0, f"words without any end {i}") for i in range(50)]
    text, passages = group_cues(cues, min_seconds=30, max_seconds=60)
    assert [p.locator.end - p.locator.start for p in passages][:3] == [60.0, 60.0, 60.0]
    assert passages[0].text.endswith("end 14")  # a cue boundary
    assert group_cues([]) == ("", [])


def test_group_cues_merges_a_short_tail() -> None:
    cues = [Cue(0, 20, "One long sentence here."), Cue(20, 40, "Another one."),
            Cue(40, 43, "Bye.")]
    _, passages = group_cues(cues)
    assert len(passages) == 1
    assert (passages[0].locator.start, passages[0].locator.end) == (0, 43)


def test_malformed_srt_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.srt"
    path.write_text("this is not\na subtitle file at all\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        SubtitleParser().parse(path)
    assert str(path) in str(err.value)
    assert isinstance(err.value.__cause__, srt.SRTParseError)


def test_malformed_vtt_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.vtt"
    path.write_text("no header here\n00:01 -> whatever\n", encoding="utf-8")
    with pytest.raises(SourceError, match="garbage.vtt"):
        SubtitleParser().parse(path)


def test_header_only_vtt_has_no_cues(tmp_path: Path) -> None:
    path = tmp_path / "nothing.vtt"
    path.write_text("WEBVTT\n\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no subtitle cues"):
        SubtitleParser().parse(path)


def test_music_only_srt_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "music.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:05,000\n[Music]\n", encoding="utf-8")
    with pytest.raises(EmptySourceError, match="music.srt"):
        SubtitleParser().parse(path)


@pytest.mark.parametrize("name", ["empty.srt", "empty.vtt"])
def test_empty_file_names_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(EmptySourceError) as err:
        SubtitleParser().parse(path)
    assert str(path) in str(err.value)
