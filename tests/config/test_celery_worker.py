"""A real Celery worker process runs a task through the configured broker (no eager mode)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

from tests.conftest import services_required

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def start_worker(env: dict[str, str], *extra: str) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_DATA_DIR")}
    base.update(env)
    return subprocess.Popen(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            *extra,
        ],
        cwd=ROOT,
        env=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


@pytest.mark.worker
def test_default_mode_worker_runs_a_task_through_the_filesystem_broker(tmp_path):
    data = tmp_path / "celery"
    for sub in ("queue", "processed", "results", "control"):
        (data / sub).mkdir(parents=True)
    worker = start_worker({"CELERY_DATA_DIR": str(data), "MANABI_VAR_DIR": str(tmp_path)})
    try:
        client = Celery(
            broker="filesystem://localhost//",
            backend=f"file://{data / 'results'}",
            broker_transport_options={
                "data_folder_in": str(data / "queue"),
                "data_folder_out": str(data / "queue"),
                "processed_folder": str(data / "processed"),
                "control_folder": str(data / "control"),
            },
        )
        result = client.send_task("accounts.tasks.ping", args=["filesystem"])
        assert result.get(timeout=60) == "pong:filesystem"
    finally:
        log = stop_worker(worker)
    assert "accounts.tasks.ping" in log


@pytest.mark.worker
def test_worker_runs_a_task_through_redis(tmp_path):
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if services_required():
            raise
        pytest.skip("Redis is not running (CI always runs this test)")
    queue = f"manabi-test-{uuid.uuid4().hex[:8]}"
    worker = start_worker({"REDIS_URL": redis_url, "MANABI_VAR_DIR": str(tmp_path)}, "-Q", queue)
    try:
        client = Celery(broker=redis_url, backend=redis_url)
        result = client.send_task("accounts.tasks.ping", args=["redis"], queue=queue)
        assert result.get(timeout=60) == "pong:redis"
    finally:
        stop_worker(worker)
