"""Helpers for browser tests: signing in through the real form, and axe-core accessibility checks."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DEMO_PASSWORD

# axe-core from the npm registry, bundled (tests/browser/vendor/README.md): nothing is fetched.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def sign_in(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")


def use_session_of(page, live_server, client) -> None:
    """Give the browser the session of a test client that is already signed in."""
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA rules) on the page as it is now; returns the violations found.

    Injected through the DevTools protocol, which the page's Content-Security-Policy does not govern.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    return page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }"""
    )


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"
