"""obapi sits beside the wallet: it uses badges (import service, fetcher) and accounts, and nothing
below it knows it exists (config only through urls.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("accounts", "badges", "wallet", "config", "obapi")


def imports_of(path: Path) -> set[str]:
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names = [".".join([*base, *(node.module.split(".") if node.module else [])])]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in OURS)
    return found


def modules(folder: str) -> list[Path]:
    return [path for path in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in path.parts]


def test_obapi_uses_only_badges_accounts_and_shared_config():
    allowed = ("obapi", "badges", "accounts", "config.api", "config.site")
    wrong = [
        f"{path.name} imports {name}"
        for path in modules("obapi")
        for name in imports_of(path)
        if not any(name == prefix or name.startswith(prefix + ".") for prefix in allowed)
    ]
    assert wrong == []


def test_nothing_below_obapi_imports_it():
    paths = [*modules("accounts"), *modules("badges"), *modules("wallet"), *modules("config")]
    wrong = [
        str(path.relative_to(ROOT))
        for path in paths
        if path.name != "urls.py" and any(name.split(".")[0] == "obapi" for name in imports_of(path))
    ]
    assert wrong == []
