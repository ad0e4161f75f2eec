"""`manage.py verify_badge` run as a real subprocess, against a real issuer on 127.0.0.1.

The command must work with no database: every run points DATABASE_URL at a PostgreSQL that does
not exist (port 1 on loopback) and REDIS_URL at nothing. Exit codes: 0 valid, 1 any other
verdict, 2 unusable arguments.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from badges.openbadges.baking import bake_png, bake_svg
from tests.support.hosted import HostedBadge, plain_png
from tests.support.signed import DidKeyIssuer, SignedOb2Issuer, plain_svg, tamper_jws_payload

ROOT = Path(__file__).resolve().parents[2]
NO_DATABASE = "postgres://nobody@127.0.0.1:1/none"
CHECK_KEYS = {"name", "result", "message"}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


@pytest.fixture
def cli(tmp_path):
    """``cli("SOURCE", "--json", allow="127.0.0.1", env={...})`` runs the command in a fresh process."""

    def run(*args: str, allow: str = "127.0.0.1", env: dict[str, str] | None = None) -> Run:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("BADGE_FETCH_ALLOW_HOSTS", "BADGE_UPLOAD_MAX_BYTES", "REDIS_URL", "LANG", "LC_ALL")
        }
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": NO_DATABASE,
                "BADGE_FETCH_ALLOW_HOSTS": allow,
                "MANABI_VAR_DIR": str(tmp_path / "var"),
                "PYTHONIOENCODING": "utf-8",
                **(env or {}),
            }
        )
        completed = subprocess.run(
            [sys.executable, "manage.py", "verify_badge", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)

    return run


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def assert_report_shape(report: dict) -> None:
    assert set(report) >= {"status", "spec_version", "format", "checks", "badge", "errors"}
    assert report["checks"] and all(set(check) >= CHECK_KEYS for check in report["checks"])
    assert isinstance(report["errors"], list)
    if report["badge"] is not None:
        badge = report["badge"]
        assert set(badge) >= {"name", "issuer", "issued_on", "expires_on", "recipient"}
        assert set(badge["issuer"]) >= {"name", "url"}


# ---------------------------------------------------------------------------------------------
# Verdicts and exit codes


def test_valid_hosted_url_exits_0_with_the_json_report(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--recipient", "hana@example.org", "--json")

    assert run.code == 0, run.stderr + run.stdout
    report = run.json()
    assert_report_shape(report)
    assert report["status"] == "valid"
    assert report["spec_version"] == "2.0"
    assert report["format"] == "hosted"
    assert report["badge"]["name"] == "Data Science Basics"
    assert report["badge"]["issuer"] == {"name": "Prefectural Learning Centre", "url": issuer_server.url("/")}
    assert report["badge"]["issued_on"].startswith("2026-01-15")
    assert report["badge"]["expires_on"] is None
    assert report["errors"] == []
    assert [c["name"] for c in report["checks"]] == [
        "format",
        "hosted",
        "documents",
        "origin",
        "recipient",
        "revocation",
        "expiry",
        "validity",
    ]
    assert {c["result"] for c in report["checks"]} == {"pass"}


def test_a_pasted_url_is_fetched_once(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--json")

    assert run.code == 0, run.stderr + run.stdout
    # The assertion, its badge class and its issuer: three requests, the assertion only once.
    assert issuer_server.hit_count("/assertions/1") == 1
    assert len(issuer_server.hits) == 3


def test_valid_baked_png_file_exits_0(issuer_server, cli, tmp_path):
    badge = HostedBadge(issuer_server).publish()
    path = write(tmp_path, "badge.png", badge.baked_png())

    run = cli(path, "--recipient", "hana@example.org", "--json")

    assert run.code == 0, run.stderr + run.stdout
    assert run.json()["status"] == "valid"
    assert issuer_server.hit_count("/assertions/1") == 1


def test_revoked_badge_exits_1(issuer_server, cli, tmp_path):
    badge = HostedBadge(issuer_server).publish()
    path = write(tmp_path, "badge.png", badge.baked_png())
    badge.revoke()

    run = cli(path, "--json")

    assert run.code == 1
    report = run.json()
    assert report["status"] == "revoked"
    assert any(c["name"] == "revocation" and c["result"] == "fail" for c in report["checks"])


def test_expired_badge_exits_1(issuer_server, cli):
    from datetime import UTC, datetime

    badge = HostedBadge(issuer_server, expires=datetime(2026, 2, 1, tzinfo=UTC)).publish()

    run = cli(badge.assertion_url, "--json")

    assert run.code == 1
    report = run.json()
    assert report["status"] == "expired"
    assert report["badge"]["expires_on"].startswith("2026-02-01")


def test_tampered_signed_badge_file_exits_1_invalid(issuer_server, cli, tmp_path):
    issuer = SignedOb2Issuer(issuer_server).publish()
    good = write(tmp_path, "good.jws", issuer.token())
    bad = write(tmp_path, "bad.jws", tamper_jws_payload(issuer.token(), b"2026-01-15", b"2026-01-16"))

    assert cli(good, "--recipient", "hana@example.org").code == 0
    run = cli(bad, "--json")

    assert run.code == 1
    assert run.json()["status"] == "invalid"


def test_wrong_recipient_exits_1(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--recipient", "kenji@example.org", "--recipient", "+81-90-0000-0000", "--json")

    assert run.code == 1
    assert run.json()["status"] == "recipient_mismatch"


def test_second_recipient_identity_can_match(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--recipient", "kenji@example.org", "--recipient", "hana@example.org")

    assert run.code == 0, run.stdout


def test_issuer_down_exits_1_unreachable(issuer_server, cli, tmp_path):
    badge = HostedBadge(issuer_server).publish()
    path = write(tmp_path, "badge.png", badge.baked_png())
    issuer_server.stop()

    run = cli(path, "--json")

    assert run.code == 1
    assert run.json()["status"] == "unreachable"


def test_ob3_credentials_from_files_images_and_pasted_text(issuer_server, cli, tmp_path):
    issuer = DidKeyIssuer(issuer_server).publish()
    signed_json, jwt = issuer.data_integrity(index=5), issuer.vc_jwt(index=6)
    cases = [
        (write(tmp_path, "credential.json", signed_json), "data_integrity"),
        (write(tmp_path, "credential.svg", bake_svg(plain_svg(), jwt)), "vc_jwt"),
        (jwt, "vc_jwt"),  # pasted on the command line
    ]
    png = write(tmp_path, "credential.png", bake_png(plain_png(), signed_json))

    for source, expected_format in [*cases, (png, "data_integrity")]:
        run = cli(source, "--recipient", "hana@example.org", "--json")
        assert run.code == 0, (source[:60], run.stdout, run.stderr)
        report = run.json()
        assert_report_shape(report)
        assert (report["spec_version"], report["format"]) == ("3.0", expected_format)
        assert report["badge"]["issuer"]["name"] == "Manabi Test Issuer"

    issuer.revoke(5)
    run = cli(png, "--json")
    assert run.code == 1
    assert run.json()["status"] == "revoked"


def test_unreadable_file_is_a_verdict_not_a_crash(cli, tmp_path):
    path = write(tmp_path, "noise.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    run = cli(path, "--json")

    assert run.code == 1, run.stderr
    assert run.json()["status"] in ("invalid", "unsupported")
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------------------------------------
# Unusable arguments: exit 2


def test_missing_file_exits_2(cli, tmp_path):
    run = cli(str(tmp_path / "does-not-exist.png"))

    assert run.code == 2
    assert "does-not-exist.png" in run.stderr
    assert "Traceback" not in run.stderr


def test_file_over_the_upload_limit_exits_2(issuer_server, cli, tmp_path):
    badge = HostedBadge(issuer_server).publish()
    png = badge.baked_png()
    path = write(tmp_path, "big.png", png)

    run = cli(path, "--json", env={"BADGE_UPLOAD_MAX_BYTES": str(len(png) - 1)})

    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert issuer_server.hits == []  # refused before anything was parsed or fetched
    assert cli(path, env={"BADGE_UPLOAD_MAX_BYTES": str(len(png))}).code == 0


def test_no_source_is_a_usage_error(cli):
    assert cli().code == 2


def test_bad_language_is_a_usage_error(cli, tmp_path):
    assert cli(str(tmp_path), "--lang", "fr").code == 2


# ---------------------------------------------------------------------------------------------
# Safety and output language


def test_private_url_is_refused_when_the_allowance_is_off(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--json", allow="")

    assert run.code == 1
    assert run.json()["status"] == "unreachable"
    assert issuer_server.hits == []


def test_human_output_in_english(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    run = cli(badge.assertion_url, "--recipient", "hana@example.org", "--lang", "en")

    assert run.code == 0, run.stderr
    assert "Data Science Basics" in run.stdout
    assert "Verdict: Verified" in run.stdout
    for name in ("format", "hosted", "recipient", "revocation", "expiry"):
        assert f"{name}:" in run.stdout


def test_human_output_in_japanese(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()
    badge.revoke()

    run = cli(badge.assertion_url, "--lang", "ja")

    assert run.code == 1, run.stderr
    assert "revocation:" in run.stdout
    assert "判定" in run.stdout and "Verdict" not in run.stdout
    assert "Traceback" not in run.stderr


def test_language_follows_lang_environment(issuer_server, cli):
    badge = HostedBadge(issuer_server).publish()

    english = cli(badge.assertion_url, env={"LANG": "en_US.UTF-8"})
    japanese = cli(badge.assertion_url, env={"LANG": "ja_JP.UTF-8"})

    assert english.code == japanese.code == 0
    assert "Verdict:" in english.stdout
    assert "判定" in japanese.stdout


def test_file_name_with_two_dots_is_read_as_a_file_not_as_a_token(issuer_server, cli, tmp_path):
    badge = HostedBadge(issuer_server).publish()
    path = write(tmp_path, "hana.data-science.png", badge.baked_png())
    assert path.count(".") == 2 and len(path) > 40 and " " not in path

    run = cli(path, "--json")

    assert run.code == 0, run.stdout
    assert issuer_server.hit_count("/assertions/1") == 1
