"""The one direction rule of CONTRIBUTING.md, checked on every import (top-level or inside a function):
config → apps; wallet → badges → the Open Badges core and badges/fetch.py; badges → accounts;
the core imports nothing of ours; badges never imports wallet."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("accounts", "badges", "wallet", "growth", "handouts", "config")
# config modules that import no app, so every app may use them (the API's error shape, the site URL).
SHARED_CONFIG = ("config.api", "config.site")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def our_imports(path: Path) -> set[str]:
    """Every module of ours that ``path`` imports, relative imports resolved."""
    package = module_name(path).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [module]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in OURS)
    return found


def app_modules(*folders: str) -> list[Path]:
    return [
        path for folder in folders for path in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in path.parts
    ]


def within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def broken(paths: list[Path], allowed) -> list[str]:
    return [
        f"{module_name(path)} imports {name}"
        for path in paths
        for name in sorted(our_imports(path))
        if not allowed(name)
    ]


def test_the_open_badges_core_imports_nothing_of_ours():
    assert broken(app_modules("badges/openbadges"), lambda name: within(name, "badges.openbadges")) == []


def test_the_fetcher_imports_only_the_core():
    paths = [ROOT / "badges/fetch.py"]
    assert broken(paths, lambda name: within(name, "badges.openbadges")) == []


def test_badges_never_import_the_wallet():
    paths = [path for path in app_modules("badges") if "openbadges" not in path.parts]
    assert broken(paths, lambda name: within(name, "badges", "accounts", *SHARED_CONFIG)) == []


def test_accounts_import_no_other_app():
    assert broken(app_modules("accounts"), lambda name: within(name, "accounts", *SHARED_CONFIG)) == []


def test_the_wallet_imports_apps_below_it_and_only_shared_config():
    assert (
        broken(app_modules("wallet"), lambda name: within(name, "wallet", "badges", "accounts", *SHARED_CONFIG)) == []
    )


def test_growth_sits_on_top_of_wallet_badges_and_accounts():
    assert (
        broken(
            app_modules("growth"),
            lambda name: within(name, "growth", "wallet", "badges", "accounts", *SHARED_CONFIG),
        )
        == []
    )


def test_nothing_below_imports_growth():
    for app in ("accounts", "badges", "wallet"):
        assert broken(app_modules(app), lambda name: not within(name, "growth")) == []


def test_handouts_sit_above_the_wallet_and_nothing_imports_them():
    allowed = ("handouts", "growth", "wallet", "badges", "accounts", *SHARED_CONFIG)
    assert broken(app_modules("handouts"), lambda name: within(name, *allowed)) == []
    for app in ("accounts", "badges", "wallet", "growth"):
        assert broken(app_modules(app), lambda name: not within(name, "handouts")) == []


# The URL modules mount the apps' views; nothing else in config may know an app.
NOT_URLS = [path for path in app_modules("config") if path.name not in ("urls.py", "api_urls.py")]


@pytest.mark.parametrize("path", NOT_URLS, ids=lambda path: path.name)
def test_config_knows_apps_only_through_urls(path):
    assert broken([path], lambda name: within(name, "config")) == []
