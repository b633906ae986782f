"""Append-only schema migrations: ``mNNN_name.py`` modules, each with ``SQL``, applied in order.

Never edit a released migration; add the next one.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["MIGRATIONS"]


def _discover() -> list[tuple[str, str]]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((info.name, module.SQL))
    return sorted(found)


MIGRATIONS: list[tuple[str, str]] = _discover()
