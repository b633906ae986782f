"""Docent: source-grounded reports whose every line is checked against its sources.

Stages: ``docent.sources`` (parse files into located passages), ``docent.ingest`` (store and
embed them), ``docent.index`` (hybrid retrieval). The ``docent`` command drives them.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
