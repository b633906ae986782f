"""One family of errors. Every message names the file (or setting) and what to do about it.

>>> from docent.errors import SourceError
>>> str(SourceError("paper.pdf", "the file is encrypted", fix="remove the password and ingest again"))
'paper.pdf: the file is encrypted (remove the password and ingest again)'

Third-party exceptions are translated at the boundary with ``raise ... from exc``; the CLI
prints ``str(error)`` as one line and exits non-zero (set DOCENT_DEBUG=1 for a traceback).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DocentError",
    "SourceError",
    "UnsupportedSourceError",
    "EmptySourceError",
    "WorkspaceError",
    "ConfigError",
    "ModelError",
]


class DocentError(Exception):
    """Base of every error Docent raises on purpose. ``str(err)`` is one line for the user."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class SourceError(DocentError):
    """A source file that cannot be read: missing, corrupt, encrypted, no text layer..."""

    def __init__(self, path: str | Path, problem: str, *, fix: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", fix=fix)


class UnsupportedSourceError(SourceError):
    """A file type Docent has no parser for."""


class EmptySourceError(SourceError):
    """A readable file with no text in it."""


class WorkspaceError(DocentError):
    """The workspace folder or its database cannot be used."""


class ConfigError(DocentError):
    """A setting that is missing or wrong; the message names the DOCENT_ variable."""


class ModelError(DocentError):
    """A model (embedding, LLM, speech) that is missing, corrupt or unreachable."""
