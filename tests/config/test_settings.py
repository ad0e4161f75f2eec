"""Production settings are checked in a fresh process, exactly as an operator would start them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONG_SECRET = "k3y-for-tests-only-9f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a39281"


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env, MANABI_VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check", env={"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "manabi.example.jp"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_manage("check", env={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": LONG_SECRET}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_with_just_the_three_production_variables(tmp_path):
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": LONG_SECRET, "DJANGO_ALLOWED_HOSTS": "manabi.example.jp"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_boolean_is_a_loud_error(tmp_path):
    result = run_manage("check", env={"DJANGO_DEBUG": "maybe"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true/false" in result.stderr


def test_health_check_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
