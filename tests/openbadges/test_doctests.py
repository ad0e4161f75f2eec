"""The core's ``>>>`` examples are run: an example in a docstring is a promise the code keeps."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import badges.openbadges as core

MODULES = sorted(m.name for m in pkgutil.iter_modules(core.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_every_example_in_the_module_docstrings_runs_and_gives_what_it_shows(name: str) -> None:
    module = importlib.import_module(f"badges.openbadges.{name}")
    source = Path(module.__file__).read_text(encoding="utf-8")
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True, verbose=False)
    assert results.failed == 0
    # Every line that looks like an example is one doctest found and ran (none hide where it cannot).
    assert results.attempted == sum(line.lstrip().startswith(">>> ") for line in source.splitlines())
