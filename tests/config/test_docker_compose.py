"""docker-compose.yml stays true to the code, although no Docker engine runs here to try it.

The file is parsed, and every service's command, health check, dependencies and environment are
checked against what the settings read and the URLs the app serves.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_of(service: dict) -> list[str]:
    command = service.get("command") or []
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[:2] == ["sh", "-c"]:
        return shlex.split(words[2])
    return words


def settings_source() -> str:
    return (ROOT / "config" / "settings.py").read_text() + (ROOT / "config" / "storage.py").read_text()


def test_every_dependency_exists_and_a_healthy_condition_has_a_health_check(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule.get("condition") == "service_healthy":
                assert services[dependency].get("healthcheck", {}).get("test"), f"{dependency} has no health check"


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name == "buckets":  # one-shot job
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_app_environment_names_only_variables_the_settings_read(compose):
    source = settings_source()
    for name in APP_SERVICES:
        for variable in compose["services"][name]["environment"]:
            assert f'"{variable}"' in source, f"{name}: {variable} is not read by config/settings.py"


def test_database_redis_and_object_store_addresses_point_at_their_services(compose):
    services = compose["services"]
    env = services["web"]["environment"]
    database = dj_database_url.parse(env["DATABASE_URL"])
    db_env = services["db"]["environment"]
    assert (database["HOST"], database["USER"], database["PASSWORD"], database["NAME"]) == (
        "db",
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    endpoint = urlsplit(env["MANABI_S3_ENDPOINT_URL"])
    assert endpoint.hostname == "objects"
    assert f":{endpoint.port}" in services["objects"]["command"]
    # The one-shot job creates exactly the bucket the app uses, private.
    bucket_job = " ".join(services["buckets"]["command"])
    assert f"store/{env['MANABI_S3_BUCKET']}" in bucket_job and "anonymous set none" in bucket_job
    assert env["MANABI_S3_ACCESS_KEY_ID"] == services["objects"]["environment"]["MINIO_ROOT_USER"]


def test_web_worker_and_beat_share_no_disk(compose):
    mounts = [
        volume.split(":")[0] for name in APP_SERVICES for volume in compose["services"][name].get("volumes") or []
    ]
    assert mounts == [], "web, worker and beat must not share a volume: uploads go to the object store"


def test_commands_name_modules_and_urls_that_exist(compose):
    from django.urls import resolve

    services = compose["services"]
    web = command_of(services["web"])
    assert web[:4] == ["python", "manage.py", "migrate", "--noinput"]
    gunicorn = web[web.index("gunicorn") :]
    module = gunicorn[1].replace(".", "/") + ".py"
    assert (ROOT / module).exists()
    health_url = services["web"]["healthcheck"]["test"][-1]
    assert resolve(urlsplit(health_url).path).func.__name__ in ("healthz", "readyz")
    for name in ("worker", "beat"):
        words = command_of(services[name])
        assert words[:3] == ["celery", "-A", "config"] and words[3] == name
    assert (ROOT / "config" / "celery.py").exists()
    beats = [name for name, service in services.items() if "beat" in command_of(service)[:4]]
    assert beats == ["beat"], "exactly one beat per deployment"
    assert re.search(r"celery@\$\$HOSTNAME", " ".join(services["worker"]["healthcheck"]["test"]))


def test_the_settings_built_from_the_compose_environment_use_the_object_store(compose):
    env = {key: str(value) for key, value in compose["services"]["web"]["environment"].items()}
    env.update(
        DJANGO_SECRET_KEY="compose-check-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="manabi.example",
        MANABI_S3_SECRET_ACCESS_KEY="from-dot-env",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.DATABASES['default']['CONN_MAX_AGE'], s.DEBUG]))"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**keep, **env}, capture_output=True, text=True, check=True
    )
    storage, conn_max_age, debug = json.loads(out.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == env["MANABI_S3_BUCKET"]
    assert storage["OPTIONS"]["endpoint_url"] == env["MANABI_S3_ENDPOINT_URL"]
    assert storage["OPTIONS"]["secret_key"] == "from-dot-env"
    assert conn_max_age > 0 and debug is False
