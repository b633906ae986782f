"""One registry helper for every plugin point: source parsers (by suffix), model providers,
speech recognisers and embedders (by the name a ``DOCENT_*`` setting gives).

>>> from docent.registry import Registry
>>> colours = Registry("colour", setting="DOCENT_COLOUR")
>>> colours.register("red", "#f00")
'#f00'
>>> colours.get("red"), colours.names()
('#f00', ['red'])
>>> colours.get("blue")
Traceback (most recent call last):
  ...
docent.errors.ConfigError: DOCENT_COLOUR='blue' is not a known colour (use one of: red)

Built-in entries are registered with ``default=True`` (usually from a ``builtins`` loader run
on first use): they never replace an entry registered under the same name, so a plugin wins
whether it was registered before or after the built-ins were loaded, and the other built-ins
are there either way.

>>> parsers = Registry("parser", builtins=lambda: parsers.register(".md", "builtin",
...                                                                 default=True))
>>> parsers.register(".txt", "plugin")
'plugin'
>>> parsers.names()
['.md', '.txt']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from docent.errors import ConfigError

__all__ = ["Registry", "load_plugins"]

_plugins_loaded = False


def load_plugins() -> None:
    """Import the modules ``DOCENT_PLUGINS`` names (comma-separated), once: each registers its
    providers, embedders or parsers on import, in every process that reads the setting (a
    ``docent worker`` on another machine included). A module that cannot be imported is a
    one-line :class:`ConfigError`."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    import importlib
    import os

    for name in filter(None, (n.strip() for n in os.environ.get("DOCENT_PLUGINS", "").split(","))):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ConfigError(f"DOCENT_PLUGINS: cannot import {name!r} ({exc})",
                              fix="install the plugin, or remove it from DOCENT_PLUGINS") from exc

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind; ``get`` of an unknown name is a one-line :class:`ConfigError`
    naming the setting and the known names.

    ``what`` names the kind in messages ("model provider"); ``setting`` is the environment
    variable that selects an entry (``DOCENT_LLM``); ``builtins`` registers the built-in
    entries, once, before the first lookup (imports that would be circular at module load).
    """

    def __init__(self, what: str, *, setting: str | None = None,
                 builtins: Callable[[], object] | None = None) -> None:
        self.what = what
        self.setting = setting
        self._builtins = builtins
        self._loaded = builtins is None
        self._loading = False
        self._lock = threading.RLock()
        self._entries: dict[str, T] = {}

    def register(self, name: str, item: T, *, default: bool = False) -> T:
        """Register ``item`` as ``name`` (a later registration wins) and return it; with
        ``default=True`` (built-ins) an existing entry of that name is kept."""
        with self._lock:
            if not (default and name in self._entries):
                self._entries[name] = item
        return item

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:  # another thread that is loading them finishes before this returns
            if self._loaded or self._loading:  # loaded, or this thread is the loader
                return
            self._loading = True  # the loader registers through this registry
            try:
                self._builtins()  # type: ignore[misc]
                load_plugins()
                self._loaded = True
            finally:
                self._loading = False

    def find(self, name: str) -> T | None:
        """The entry registered as ``name``, or None."""
        self._load()
        return self._entries.get(name)

    def get(self, name: str) -> T:
        """The entry registered as ``name``; a :class:`ConfigError` naming the known ones."""
        item = self.find(name)
        if item is None:
            known = ", ".join(self.names()) or "none registered"
            subject = f"{self.setting}={name!r}" if self.setting else repr(name)
            raise ConfigError(f"{subject} is not a known {self.what}", fix=f"use one of: {known}")
        return item

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._load()
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._load()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.what!r}, {len(self._entries)} entries)"
