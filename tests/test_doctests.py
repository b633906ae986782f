"""Every ``>>>`` example in ``src/docent`` runs as a test, so a docstring cannot go stale.

Illustrative examples (needing a workspace, a model or a recording) are written as plain
``::`` blocks instead. ``PENDING`` lists the examples of modules that still hold illustrative
``>>>`` lines (being reworked elsewhere); they are skipped, and each should leave the list once
its module is converted.
"""

import doctest
import importlib
import pkgutil

import pytest
from conftest import ROOT

import docent

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Module docstrings whose ``>>>`` lines cannot run as written (none left).
PENDING: set[str] = set()


def _doctests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder()
    found = []
    for info in pkgutil.walk_packages(docent.__path__, "docent."):
        module = importlib.import_module(info.name)
        found += [t for t in finder.find(module) if t.examples]
    return sorted(found, key=lambda t: t.name)


TESTS = _doctests()


def test_the_examples_are_found():
    names = {t.name for t in TESTS}
    assert {"docent.registry", "docent.errors", "docent.sources.text"} <= names
    assert not PENDING - names, f"no longer pending, remove: {sorted(PENDING - names)}"


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_docstring_examples_run(test, monkeypatch):
    if test.name in PENDING:
        pytest.skip(f"{test.name}: illustrative >>> example, to be converted")
    monkeypatch.chdir(ROOT)  # examples name files as examples/sources/...
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


def test_a_stale_example_fails():
    stale = doctest.DocTestParser().get_doctest(
        ">>> repair_report(1)\n2\n", {}, "stale", "stale.py", 0)
    result = doctest.DocTestRunner(optionflags=FLAGS).run(stale, out=lambda text: None)
    assert result.failed == 1
