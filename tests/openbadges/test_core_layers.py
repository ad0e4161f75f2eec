"""The core's layers point one way: readers below proof suites below ``ob3``; nothing of ours below the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "badges" / "openbadges"

# module -> core modules it must never import (directly), so that no cycle can form.
BELOW_OB3 = {
    "vc": {"ob3", "data_integrity", "vc_jwt", "proofs"},
    "proofs": {"ob3", "data_integrity", "vc_jwt"},
    "data_integrity": {"ob3", "vc_jwt"},
    "vc_jwt": {"ob3", "data_integrity"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                module = node.module or ""
                found |= {module.split(".")[0]} if module else {alias.name for alias in node.names}
            else:
                found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("module", sorted(BELOW_OB3))
def test_proof_suites_and_vc_readers_sit_below_ob3(module: str) -> None:
    assert not _imports(CORE / f"{module}.py") & BELOW_OB3[module]


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_the_core_imports_no_django_and_no_app_of_ours(path: Path) -> None:
    imported = _imports(path)
    assert not {name for name in imported if name.split(".")[0] in {"django", "badges", "wallet", "accounts", "config"}}
