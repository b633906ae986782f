"""Recordings from a video site (yt-dlp): the audio is downloaded into the workspace cache.

Usage::

    path, title = download_audio("https://www.youtube.com/watch?v=kCc8FmEb1nY", cache_dir)

Without network (or for a site yt-dlp cannot read) this raises one clear
:class:`~docent.errors.SourceError` naming the URL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docent.errors import SourceError

__all__ = ["is_url", "download_audio", "QuietLogger", "ytdlp_reason"]


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


class QuietLogger:
    def debug(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


def ytdlp_reason(exc: Exception) -> str:
    """The first line of a yt-dlp error, without its ``ERROR:`` prefix, shortened."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return reason.replace("ERROR: ", "")[:160]


def download_audio(url: str, cache_dir: Path, timeout: float = 20.0, *,
                   folder: Path | None = None) -> tuple[Path, str | None]:
    """Download the best audio of ``url`` (into ``folder``, default a folder of the cache named
    by the URL); return the file and the video's title."""
    try:
        import yt_dlp
    except ImportError as exc:  # pragma: no cover - a dependency
        raise SourceError(url, "yt-dlp is not installed", fix="pip install yt-dlp") from exc
    folder = folder or cache_dir / "downloads" / hashlib.sha256(url.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    options = {
        "format": "bestaudio/best",
        "outtmpl": str(folder / "media.%(ext)s"),
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": QuietLogger(),
        "socket_timeout": timeout,
        "retries": 1,
        "extractor_retries": 0,
        "noplaylist": True,
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=True)
            path = Path(ydl.prepare_filename(info))
    except Exception as exc:  # noqa: BLE001 - yt-dlp raises many kinds; all mean "not fetched"
        raise SourceError(
            url, f"cannot download the recording ({ytdlp_reason(exc)})",
            fix="check the network, or download it yourself and ingest the file",
        ) from exc
    if not path.exists():
        raise SourceError(url, "the download produced no file")
    return path, info.get("title")
