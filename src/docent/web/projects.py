"""Projects on disk and upload safety for ``docent serve``.

A project is a folder under the serve root holding its own Docent workspace (``docent.db``,
``cache/``), an ``uploads/`` folder and ``project.json`` (its display name)::

    docent-workspace/projects/<slug>/{docent.db, cache/, uploads/, project.json}

With a database server (``Projects(root, database_url="postgresql://...")``, what ``docent
serve`` does when ``DOCENT_DATABASE_URL`` is set) a project's workspace is a schema of that
database of its own (``p_<slug letters>_<hash>``, kept in ``project.json``; the queue's workers
find them with :meth:`docent.store.Store.project_schemas`), and the folder keeps only
``project.json``, the uploads and the search indexes' ``cache/``.

Usage::

    projects = Projects(Path("docent-workspace/projects"))
    p = projects.create("Transformer 读书报告")          # slug "transformer-读书报告"
    with p.open_store() as store: store.sources()
    name = save_upload(p, "../../paper.pdf", chunks, limit=500 * MB)   # -> "paper.pdf"

Nothing a user sends is joined into a path before it is reduced to a safe slug or basename;
every path is checked to stay inside the project afterwards. An upload is written to a
temporary file while its size is counted (over the limit: :class:`UploadTooLarge`, 413), and
accepted only when its content matches its extension (:func:`check_content`; otherwise
:class:`UnsupportedUpload`, 415).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from docent.config import Settings
from docent.errors import DocentError
from docent.store import Store

__all__ = [
    "DEFAULT_MAX_UPLOAD",
    "MB",
    "BadRequest",
    "Conflict",
    "LengthRequired",
    "NotFound",
    "Project",
    "Projects",
    "UnsupportedUpload",
    "UploadTooLarge",
    "WebError",
    "allowed_suffixes",
    "check_content",
    "project_schema",
    "safe_filename",
    "save_upload",
    "slugify",
]

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD = 500 * MB
_SLUG_RE = re.compile(r"^[\w][\w-]{0,63}$")
_SCHEMA_RE = re.compile(r"^p_[a-z0-9_]{1,60}$")
_CHUNK = 1024 * 1024


class WebError(DocentError):
    """An error answered to a web client: an HTTP status and, for uploads, the file's name."""

    status = 400

    def __init__(self, message: str, *, fix: str | None = None, file: str | None = None) -> None:
        self.file = file
        super().__init__(message, fix=fix)


class BadRequest(WebError):
    status = 400


class NotFound(WebError):
    status = 404


class Conflict(WebError):
    status = 409


class LengthRequired(WebError):
    status = 411


class UploadTooLarge(WebError):
    status = 413


class UnsupportedUpload(WebError):
    status = 415


# --- names ---------------------------------------------------------------------------------

def slugify(name: str) -> str:
    """A safe folder name for a project: letters (any script), digits, ``_`` and ``-``."""
    text = unicodedata.normalize("NFKC", name or "").strip().lower()
    text = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"-{2,}", "-", text).strip("-_")[:64].strip("-_")
    if not text:
        raise BadRequest("the project name has no letters or digits",
                         fix="give a name such as 'transformer-report'")
    return text


def project_schema(slug: str) -> str:
    """The PostgreSQL schema of a project: ``p_``, the slug's ASCII letters and digits, and a
    hash of the whole slug (so two slugs never meet, whatever their script).

    >>> project_schema("u3-reading-报告")
    'p_u3_reading_23d32dcc8e'
    """
    ascii_part = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")[:24].strip("_")
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:10]
    return f"p_{ascii_part}_{digest}" if ascii_part else f"p_{digest}"


def safe_filename(name: str) -> str:
    """The basename of an uploaded file's name, reduced to safe characters.

    ``"../../etc/passwd"`` -> ``"passwd"``; ``"C:\\\\x\\\\论文.pdf"`` -> ``"论文.pdf"``.
    """
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # controls
    base = re.sub(r"[^\w.\- ()\[\]]+", "_", base, flags=re.UNICODE).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:120].strip(" .") or "upload"
    return f"{stem}.{suffix.lower()[:12]}" if suffix else stem


# --- content checks ------------------------------------------------------------------------

_TEXT = {".srt", ".vtt", ".html", ".htm", ".md", ".markdown", ".txt"}
_KINDS = {
    ".pdf": "a PDF", ".mp4": "an MP4 video", ".mov": "a QuickTime video", ".m4a": "an M4A audio",
    ".mkv": "a Matroska video", ".webm": "a WebM video", ".mp3": "an MP3 audio",
    ".wav": "a WAV audio", ".flac": "a FLAC audio", ".ogg": "an Ogg audio",
    ".docx": "a Word (.docx) document", ".srt": "SubRip subtitles", ".vtt": "WebVTT subtitles",
    ".html": "an HTML page", ".htm": "an HTML page", ".md": "Markdown text",
    ".markdown": "Markdown text", ".txt": "plain text",
}


def allowed_suffixes() -> list[str]:
    """What can be uploaded: the file types with both a parser and a content check."""
    from docent.sources import supported_suffixes

    return [s for s in supported_suffixes() if s in _KINDS]


def _magic_ok(suffix: str, head: bytes) -> bool:
    if suffix == ".pdf":
        return b"%PDF-" in head[:1024]
    if suffix in (".mp4", ".mov", ".m4a"):
        return head[4:8] == b"ftyp"
    if suffix in (".mkv", ".webm"):
        return head.startswith(b"\x1aE\xdf\xa3")
    if suffix == ".mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                           and head[1] & 0xE0 == 0xE0)
    if suffix == ".wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if suffix == ".flac":
        return head.startswith(b"fLaC")
    if suffix == ".ogg":
        return head.startswith(b"OggS")
    if suffix == ".docx":
        return head.startswith(b"PK\x03\x04")
    return True


def _text_ok(path: Path, suffix: str) -> bool:
    """Valid UTF-8 text (no NUL bytes); subtitles must look like subtitles."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    start = ""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                if b"\x00" in chunk:
                    return False
                text = decoder.decode(chunk)
                if len(start) < 4096:
                    start += text[:4096]
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    start = start.lstrip("\ufeff \t\r\n")
    if suffix == ".vtt":
        return start.startswith("WEBVTT")
    if suffix == ".srt":
        return "-->" in start
    return True


def check_content(path: Path, filename: str) -> str:
    """Check that the file at ``path`` is what ``filename``'s extension says; returns the kind.

    Raises :class:`UnsupportedUpload` naming ``filename`` otherwise.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in allowed_suffixes():
        raise UnsupportedUpload(
            f"{filename}: unsupported file type {suffix or '(no extension)'!r}",
            fix="upload one of: " + " ".join(allowed_suffixes()), file=filename)
    kind = _KINDS[suffix]
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise UnsupportedUpload(f"{filename}: the file is empty", file=filename)
    ok = _text_ok(path, suffix) if suffix in _TEXT else _magic_ok(suffix, head)
    if ok and suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as zf:
                ok = "word/document.xml" in zf.namelist()
        except (zipfile.BadZipFile, OSError):
            ok = False
    if not ok:
        raise UnsupportedUpload(f"{filename}: the content is not {kind}",
                                fix=f"upload a real {suffix} file, or rename it to its real type",
                                file=filename)
    return kind


# --- projects ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Project:
    slug: str
    name: str
    path: Path
    created_at: str
    #: The database server the workspace is in (None: ``docent.db`` in the folder), and its
    #: schema there.
    database_url: str | None = field(default=None, repr=False, compare=False)
    schema: str | None = None

    @property
    def uploads(self) -> Path:
        return self.path / "uploads"

    def settings(self, base: Settings) -> Settings:
        """``base`` with this project's folder as the workspace."""
        return base.model_copy(update={"workspace": self.path})

    def store(self) -> Store:
        """The project's workspace, opened (the caller closes it): its folder's SQLite file, or
        its schema of the database server."""
        if self.database_url:
            return Store.open(self.path, self.database_url, schema=self.schema)
        return Store.open(self.path)

    @contextmanager
    def open_store(self) -> Iterator[Store]:
        """A Store for the calling thread (its own connections), closed afterwards."""
        store = self.store()
        try:
            yield store
        finally:
            store.close()

    def upload_path(self, filename: str) -> Path:
        """The path of an uploaded file; refuses any name that is not already safe."""
        if not filename or safe_filename(filename) != filename:
            raise NotFound(f"{filename}: no such upload")
        path = (self.uploads / filename).resolve()
        if path.parent != self.uploads.resolve():
            raise NotFound(f"{filename}: no such upload")
        return path

    def to_json(self) -> dict:
        return {"slug": self.slug, "name": self.name, "created_at": self.created_at}


class Projects:
    """The projects under a serve root (created on first use); with ``database_url``, their
    workspaces are schemas of that database."""

    def __init__(self, root: Path, database_url: str | None = None) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or None

    def list(self) -> list[Project]:
        found = []
        for child in sorted(self.root.iterdir()):
            if child.is_dir() and _SLUG_RE.match(child.name) and (child / "project.json").exists():
                found.append(self._load(child))
        return sorted(found, key=lambda p: p.created_at, reverse=True)

    def create(self, name: str) -> Project:
        """Create a project (or return the one with the same slug)."""
        name = " ".join((name or "").split())[:200]
        slug = slugify(name)
        path = self.root / slug
        if (path / "project.json").exists():
            return self._load(path)
        (path / "uploads").mkdir(parents=True, exist_ok=True)
        meta = {"name": name, "created_at": datetime.now(timezone.utc).isoformat(
            timespec="seconds")}
        if self.database_url:
            meta["schema"] = project_schema(slug)
        (path / "project.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        project = self._load(path)
        project.store().close()  # create and migrate the workspace now
        return project

    def get(self, slug: str) -> Project:
        if not isinstance(slug, str) or not _SLUG_RE.match(slug):
            raise NotFound(f"no project {slug!r}")
        path = self.root / slug
        if path.resolve().parent != self.root or not (path / "project.json").exists():
            raise NotFound(f"no project {slug!r}", fix="create it first")
        return self._load(path)

    def _load(self, path: Path) -> Project:
        try:
            meta = json.loads((path / "project.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        schema = None
        if self.database_url:
            schema = str(meta.get("schema") or "")
            if not _SCHEMA_RE.match(schema):
                schema = project_schema(path.name)
        return Project(slug=path.name, name=str(meta.get("name") or path.name), path=path,
                       created_at=str(meta.get("created_at") or ""),
                       database_url=self.database_url, schema=schema)


def save_upload(project: Project, filename: str, chunks: Iterable[bytes], *,
                limit: int = DEFAULT_MAX_UPLOAD) -> str:
    """Write an upload into the project's ``uploads/`` under a safe name; returns that name.

    The bytes go to a temporary file first; it replaces any same-named upload only after the
    size and content checks pass, and is removed otherwise.
    """
    name = safe_filename(filename)
    project.uploads.mkdir(parents=True, exist_ok=True)
    final = project.upload_path(name)
    tmp = project.uploads / f".partial-{uuid.uuid4().hex}"
    size = 0
    try:
        with tmp.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(
                        f"{name}: the file is larger than the upload limit "
                        f"({_human(limit)})", fix="raise it with docent serve --max-upload-mb",
                        file=name)
                fh.write(chunk)
        check_content(tmp, name)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return name


def _human(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} bytes"
