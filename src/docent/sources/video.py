"""Lecture videos by link (YouTube, Bilibili, any yt-dlp site): the platform's subtitles first,
the audio for speech recognition only when there are none.

:func:`choose_subtitles` is pure: it reads yt-dlp's info dict (``subtitles`` are the uploaded
tracks, ``automatic_captions`` the platform's speech recognition) and picks one track::

    >>> info = {"subtitles": {"en": [{"ext": "json3", "url": "u1"}, {"ext": "vtt", "url": "u2"}]},
    ...         "automatic_captions": {}}
    >>> choose_subtitles(info, ["zh", "en"])
    SubtitleChoice(language='en', ext='vtt', automatic=False, url='u2', data=None)

Order: uploaded subtitles in each wanted language, then automatic captions in each wanted
language (machine translations of them, ``tlang=``, are never taken); the formats Docent reads
(``vtt``, then ``srt``) only. :func:`fetch_video` downloads the chosen track into the workspace
cache (``subtitles.<lang>.<ext>``), or the audio when no track fits and the video has sound,
and raises one :class:`~docent.errors.SourceError` naming the link when it has neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docent.errors import SourceError
from docent.sources.fetch import Fetched, cached, http_get, link_folder, remember, write_atomic
from docent.sources.links import Link
from docent.sources.remote import QuietLogger, download_audio, ytdlp_reason

__all__ = ["SubtitleChoice", "choose_subtitles", "subtitle_languages", "has_audio",
           "extract_info", "fetch_video", "ytdlp_site"]

SUBTITLE_EXTS = ("vtt", "srt")  # what docent.sources.subtitles reads, best first
_NOT_LANGUAGES = {"live_chat", "danmaku", "rechat", "comments"}


@dataclass(frozen=True)
class SubtitleChoice:
    language: str  # the track's key in the info dict, e.g. "en", "zh-Hans", "ai-zh"
    ext: str
    automatic: bool
    url: str | None = None
    data: str | None = None  # some extractors (Bilibili) give the text itself


def _primary(tag: str) -> str:
    """``'en-US'`` -> ``'en'``; ``'ai-zh'`` (Bilibili's AI track) -> ``'zh'``; ``'en-orig'``
    -> ``'en'``."""
    tag = tag.lower().replace("_", "-")
    tag = tag.removeprefix("ai-").removesuffix("-orig")
    return tag.split("-")[0]


def _rank(key: str, wanted: str) -> tuple[int, str]:
    """Exact tag first, then the original-language track, then regional variants."""
    k = key.lower()
    return (0 if k == wanted.lower() else 1 if k.endswith("-orig") else 2, k)


def _best_format(entries: Any, automatic: bool) -> dict | None:
    if not isinstance(entries, list):
        return None
    usable = [e for e in entries if isinstance(e, dict) and e.get("ext") in SUBTITLE_EXTS
              and (e.get("data") or e.get("url"))
              and not (automatic and "tlang=" in str(e.get("url") or ""))]
    usable.sort(key=lambda e: SUBTITLE_EXTS.index(e["ext"]))
    return usable[0] if usable else None


def choose_subtitles(info: dict, languages: list[str]) -> SubtitleChoice | None:
    """The subtitle track to use from yt-dlp's ``info``, in the first of ``languages`` it has
    (uploaded tracks before automatic captions); None when no track fits."""
    for automatic, field in ((False, "subtitles"), (True, "automatic_captions")):
        tracks = info.get(field) or {}
        for wanted in languages:
            keys = [k for k in tracks if k not in _NOT_LANGUAGES
                    and _primary(k) == _primary(wanted)]
            for key in sorted(keys, key=lambda k: _rank(k, wanted)):
                entry = _best_format(tracks[key], automatic)
                if entry is not None:
                    return SubtitleChoice(language=key, ext=entry["ext"], automatic=automatic,
                                          url=entry.get("url"), data=entry.get("data"))
    return None


def subtitle_languages(language: str | None, info: dict) -> list[str]:
    """Languages to look for: the one asked for (``--language``) and English; without one, the
    video's own language, English, and the only uploaded track if there is just one."""
    spoken = info.get("language") if isinstance(info.get("language"), str) else None
    wanted = [language, "en"] if language else [spoken, "en"]
    if not language:
        uploaded = [k for k in (info.get("subtitles") or {}) if k not in _NOT_LANGUAGES]
        if len(uploaded) == 1:
            wanted.append(uploaded[0])
    return list(dict.fromkeys(w for w in wanted if w))


def has_audio(info: dict) -> bool:
    """Whether the video has a sound track (a format whose audio codec is not ``none``)."""
    formats = info.get("formats")
    if isinstance(formats, list) and formats:
        return any(isinstance(f, dict) and f.get("acodec") != "none" for f in formats)
    if info.get("url"):
        return info.get("acodec") != "none"
    return False


@lru_cache(maxsize=1)
def _extractors() -> tuple:
    try:
        from yt_dlp.extractor import gen_extractor_classes
    except ImportError:  # pragma: no cover - a dependency
        return ()
    return tuple(ie for ie in gen_extractor_classes() if ie.ie_key() != "Generic")


def ytdlp_site(url: str) -> bool:
    """Whether a yt-dlp extractor other than the generic one reads ``url`` (a video site)."""
    return any(ie.suitable(url) for ie in _extractors())


def extract_info(url: str, timeout: float = 30.0) -> dict:
    """yt-dlp's info dict of the video at ``url`` (nothing downloaded)."""
    try:
        import yt_dlp
    except ImportError as exc:  # pragma: no cover - a dependency
        raise SourceError(url, "yt-dlp is not installed", fix="pip install yt-dlp") from exc
    options = {"quiet": True, "no_warnings": True, "noprogress": True, "skip_download": True,
               "logger": QuietLogger(), "socket_timeout": timeout, "retries": 1,
               "extractor_retries": 0, "noplaylist": True}
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
            info = ydl.sanitize_info(info) if isinstance(info, dict) else info
    except Exception as exc:  # noqa: BLE001 - yt-dlp raises many kinds; all mean "not read"
        raise SourceError(url, f"cannot read the video page ({ytdlp_reason(exc)})",
                          fix="check the network and the address, or download the subtitles "
                          "or the recording yourself and ingest the file") from exc
    if not isinstance(info, dict):
        raise SourceError(url, "yt-dlp found no video at the address")
    if info.get("_type") in ("playlist", "multi_video"):
        raise SourceError(url, "the link is a playlist, not one video",
                          fix="give the link of each video (one a line in a --links file)")
    return info


def fetch_video(link: Link, cache_dir: Path, *, timeout: float = 30.0,
                max_bytes: int = 200 * 2**20, language: str | None = None) -> Fetched:
    """Subtitles (or, without any, the audio) of the video at ``link``, in the cache."""
    folder = link_folder(cache_dir, link.key)
    hit = cached(folder)
    if hit is not None:
        return hit
    info = extract_info(link.download_url, timeout)
    title = info.get("title") or None
    duration = info.get("duration") if isinstance(info.get("duration"), (int, float)) else None
    page = info.get("webpage_url") or link.url
    choice = choose_subtitles(info, subtitle_languages(language, info))
    if choice is not None:
        if choice.data:
            data = choice.data.encode("utf-8")
        else:
            data = http_get(str(choice.url), name=link.url, timeout=timeout,
                            max_bytes=max_bytes).data
        if not data.strip():
            raise SourceError(link.url, f"the {choice.language} subtitles are empty",
                              fix="ingest the recording's audio instead, or its subtitle file")
        name = f"subtitles.{choice.language.replace('/', '_')}.{choice.ext}"
        path = write_atomic(folder / name, data)
        fetched = Fetched(path=path, title=title, final_url=page, duration=duration,
                          content_type=f"text/{choice.ext}")
        return remember(folder, fetched, link)
    if not has_audio(info):
        raise SourceError(link.url, "the video has neither subtitles nor an audio track",
                          fix="download subtitles or a recording with sound yourself and "
                          "ingest the file")
    path, audio_title = download_audio(link.download_url, cache_dir, timeout, folder=folder)
    fetched = Fetched(path=path, title=title or audio_title, final_url=page, duration=duration)
    return remember(folder, fetched, link)
