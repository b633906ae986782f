"""Lecture videos by link: the subtitle choice over yt-dlp's info dict (shaped like real ones),
the chosen track served from a local server and ingested as a subtitle source tied to the
video's URL and title, links to the cited moment, and the failures."""

from __future__ import annotations

import copy

import pytest
from conftest import HashEmbedder
from linkserver import LECTURE_VTT, LinkServer

import docent.sources.video as video
from docent.errors import SourceError
from docent.ingest import IngestStatus, ingest
from docent.render.html import citation_link
from docent.sources.video import choose_subtitles, has_audio, subtitle_languages
from docent.store import Store
from docent.types import Brief, Citation, SourceKind
from docent.write.compose import info_paragraphs

WATCH = "https://www.youtube.com/watch?v=kCc8FmEb1nY"
TIMEDTEXT = "https://www.youtube.com/api/timedtext?v=kCc8FmEb1nY&ei=abc&caps=asr&lang=en"


def _track(url: str, name: str) -> list[dict]:
    """One language of a YouTube track list, every format yt-dlp offers (vtt among them)."""
    return [{"ext": ext, "url": f"{url}&fmt={ext}", "name": name}
            for ext in ("json3", "srv1", "srv2", "srv3", "ttml", "vtt")]


# The shape of yt-dlp's info dict for a YouTube lecture (fields trimmed; real keys and values).
YOUTUBE_INFO = {
    "id": "kCc8FmEb1nY",
    "title": "Let's build GPT: from scratch, in code, spelled out.",
    "channel": "Andrej Karpathy",
    "duration": 6979,
    "language": "en",
    "webpage_url": WATCH,
    "extractor": "youtube",
    "formats": [
        {"format_id": "sb0", "ext": "mhtml", "acodec": "none", "vcodec": "none"},
        {"format_id": "139", "ext": "m4a", "acodec": "mp4a.40.5", "vcodec": "none"},
        {"format_id": "140", "ext": "m4a", "acodec": "mp4a.40.2", "vcodec": "none"},
        {"format_id": "137", "ext": "mp4", "acodec": "none", "vcodec": "avc1.640028"},
    ],
    "subtitles": {
        "en": _track(TIMEDTEXT.replace("&caps=asr", ""), "English"),
        "live_chat": [{"ext": "json", "url": "https://www.youtube.com/live_chat_replay"}],
    },
    "automatic_captions": {
        "en-orig": _track(TIMEDTEXT, "English (Original)"),
        "en": _track(TIMEDTEXT, "English"),
        "zh-Hans": _track(TIMEDTEXT + "&tlang=zh-Hans", "Chinese (Simplified)"),
        "de": _track(TIMEDTEXT + "&tlang=de", "German"),
    },
}

# Bilibili: the uploader's (or the site's AI) subtitles come as SRT text; danmaku are no track.
BILIBILI_INFO = {
    "id": "BV1GJ411x7h7",
    "title": "从零实现 GPT（中文讲解）",
    "duration": 1893.2,
    "webpage_url": "https://www.bilibili.com/video/BV1GJ411x7h7",
    "formats": [{"format_id": "30280", "ext": "m4a", "acodec": "mp4a.40.2", "vcodec": "none"}],
    "subtitles": {
        "danmaku": [{"ext": "xml", "url": "https://comment.bilibili.com/1176840.xml"}],
        "ai-zh": [{"ext": "srt", "data": "1\n00:00:00,000 --> 00:00:04,000\n大家好，今天我们从零实现 GPT。\n"}],
    },
}


def test_uploaded_subtitles_in_vtt_come_first():
    choice = choose_subtitles(YOUTUBE_INFO, ["en"])
    assert (choice.language, choice.ext, choice.automatic) == ("en", "vtt", False)
    assert choice.url.endswith("&fmt=vtt") and "caps=asr" not in choice.url


def test_automatic_captions_when_there_are_no_uploaded_ones_never_machine_translations():
    info = copy.deepcopy(YOUTUBE_INFO)
    info["subtitles"] = {"live_chat": info["subtitles"]["live_chat"]}
    choice = choose_subtitles(info, subtitle_languages("zh", info))
    assert choice.automatic and choice.language == "en" and choice.ext == "vtt"
    assert "tlang" not in choice.url
    del info["automatic_captions"]["en"]
    assert choose_subtitles(info, ["en"]).language == "en-orig"


def test_the_asked_language_before_english():
    info = copy.deepcopy(YOUTUBE_INFO)
    info["subtitles"]["zh-CN"] = [{"ext": "srt", "url": "https://example.org/zh.srt"}]
    assert subtitle_languages("zh", info) == ["zh", "en"]
    choice = choose_subtitles(info, subtitle_languages("zh", info))
    assert (choice.language, choice.ext) == ("zh-CN", "srt")
    assert choose_subtitles(info, subtitle_languages(None, info)).language == "en"


def test_formats_docent_cannot_read_are_skipped():
    info = {"subtitles": {"en": [{"ext": "json3", "url": "u"}, {"ext": "ttml", "url": "v"}]},
            "automatic_captions": {"en": [{"ext": "srt", "url": "w"}]}}
    choice = choose_subtitles(info, ["en"])
    assert choice.automatic and choice.url == "w"
    assert choose_subtitles({"subtitles": {}, "automatic_captions": {}}, ["en"]) is None


def test_bilibili_subtitle_text_and_no_danmaku():
    langs = subtitle_languages(None, BILIBILI_INFO)
    assert langs == ["en", "ai-zh"]  # no language asked: the video's only track
    choice = choose_subtitles(BILIBILI_INFO, langs)
    assert choice.language == "ai-zh" and choice.data.startswith("1\n00:00:00,000")
    assert choose_subtitles(BILIBILI_INFO, ["zh"]).language == "ai-zh"


def test_has_audio():
    assert has_audio(YOUTUBE_INFO)
    silent = {"formats": [{"format_id": "137", "acodec": "none", "vcodec": "avc1"}]}
    assert not has_audio(silent) and not has_audio({})
    assert has_audio({"url": "https://example.org/v.mp4"})  # codec unknown: try


@pytest.fixture
def server():
    with LinkServer() as s:
        yield s


@pytest.fixture
def youtube(server, monkeypatch):
    """yt-dlp answers with the recorded-shape info dict; its vtt track is the real lecture's
    subtitles served locally."""
    info = copy.deepcopy(YOUTUBE_INFO)
    vtt = server.add("/api/timedtext?v=kCc8FmEb1nY&fmt=vtt", LECTURE_VTT.read_bytes(), "text/vtt")
    info["subtitles"]["en"][-1]["url"] = vtt
    calls = []
    monkeypatch.setattr(video, "extract_info", lambda url, timeout=30: calls.append(url) or info)
    return info, calls


def test_video_link_is_ingested_as_its_subtitles_tied_to_the_video(settings, server, youtube):
    info, calls = youtube
    store = Store.open(settings.workspace)
    (r,) = ingest(["https://youtu.be/kCc8FmEb1nY?si=share"], store, settings, HashEmbedder())
    assert r.status is IngestStatus.added, r.error
    s = r.source
    assert s.kind is SourceKind.subtitles and s.path == WATCH
    assert s.title == info["title"] and s.duration == 6979
    assert s.bibliography.url == WATCH
    assert calls == [WATCH]
    passages = store.passages(s.id)
    assert passages[0].text.startswith("Hi everyone")
    assert "language model" in store.source_text(s.id)

    # a citation links to the moment in the video
    later = passages[5]
    cite = Citation(number=1, passage_id=later.id, source_id=s.id, source_title=s.title,
                    source_kind=s.kind, locator=later.locator, excerpt=later.text[:40])
    url, label = citation_link(cite, s)
    assert url == f"{WATCH}&t={int(later.locator.start)}" and "open" in label.lower()
    lecture = info_paragraphs(Brief(assignment="x", language="en"), [], [(s, None)])[0]
    assert lecture == f"Lecture: {info['title']} (1:56:19), {WATCH}."

    # again: nothing asked of yt-dlp or the server
    hits = sum(server.hits.values())
    (again,) = ingest([WATCH + "&t=30"], store, settings, HashEmbedder())
    assert again.status is IngestStatus.unchanged and calls == [WATCH]
    assert sum(server.hits.values()) == hits


def test_bilibili_moment_links_use_a_query(settings, monkeypatch):
    monkeypatch.setattr(video, "extract_info", lambda url, timeout=30: BILIBILI_INFO)
    store = Store.open(settings.workspace)
    (r,) = ingest(["https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333"], store,
                  settings, HashEmbedder())
    assert r.status is IngestStatus.added, r.error
    s = r.source
    assert s.path == "https://www.bilibili.com/video/BV1GJ411x7h7" and s.language == "zh"
    (p,) = store.passages(s.id)
    cite = Citation(number=1, passage_id=p.id, source_id=s.id, source_title=s.title,
                    source_kind=s.kind, locator=p.locator.model_copy(update={"start": 95.0}),
                    excerpt=p.text)
    assert citation_link(cite, s)[0] == "https://www.bilibili.com/video/BV1GJ411x7h7?t=95"


def test_without_subtitles_the_audio_is_downloaded(settings, monkeypatch):
    info = {k: v for k, v in YOUTUBE_INFO.items() if k not in ("subtitles", "automatic_captions")}
    monkeypatch.setattr(video, "extract_info", lambda url, timeout=30: info)
    asked = []

    def download_audio(url, cache_dir, timeout=20, *, folder=None):
        asked.append(url)
        raise SourceError(url, "cannot download the recording (offline in the test)")

    monkeypatch.setattr(video, "download_audio", download_audio)
    (r,) = ingest([WATCH], Store.open(settings.workspace), settings, HashEmbedder())
    assert asked == [WATCH] and r.status is IngestStatus.failed
    assert str(r.error).startswith(f"{WATCH}: cannot download the recording")


def test_neither_subtitles_nor_audio(settings, monkeypatch):
    silent = {"title": "A silent screencast", "formats": [{"acodec": "none", "vcodec": "vp9"}]}
    monkeypatch.setattr(video, "extract_info", lambda url, timeout=30: silent)
    store = Store.open(settings.workspace)
    url = "https://vimeo.com/76979871"
    (r,) = ingest([url], store, settings, HashEmbedder())
    assert r.status is IngestStatus.failed
    assert str(r.error).startswith(f"{url}: the video has neither subtitles nor an audio track (")
    assert store.sources() == []


def test_yt_dlp_errors_name_the_link(settings, monkeypatch):
    class Broken:
        def __init__(self, options):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def extract_info(self, url, download):
            raise RuntimeError("ERROR: [youtube] kCc8FmEb1nY: Unable to download API page: "
                               "[Errno -3] Temporary failure in name resolution\nmore")

    import yt_dlp

    monkeypatch.setattr(yt_dlp, "YoutubeDL", Broken)
    (r,) = ingest([WATCH], Store.open(settings.workspace), settings, HashEmbedder())
    line = str(r.error)
    assert line.startswith(f"{WATCH}: cannot read the video page ([youtube] kCc8FmEb1nY")
    assert "\n" not in line and "check the network" in line


def test_a_playlist_is_not_one_video(monkeypatch):
    class Playlist:
        def __init__(self, options):
            self.options = options

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def extract_info(self, url, download):
            assert download is False and self.options["skip_download"]
            return {"_type": "playlist", "title": "Neural Networks: Zero to Hero", "entries": []}

        def sanitize_info(self, info):
            return info

    import yt_dlp

    monkeypatch.setattr(yt_dlp, "YoutubeDL", Playlist)
    url = "https://www.youtube.com/playlist?list=PLAqhIrjkxbuWI23v9cThsA9GvCAUhRvKZ"
    with pytest.raises(SourceError, match="playlist, not one video"):
        video.extract_info(url)
