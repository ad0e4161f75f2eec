"""`make run` behaves like a well-behaved dev server: one Ctrl-C or SIGTERM stops everything, quickly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_marked(marker: str) -> list[int]:
    """Every live process whose environment carries the marker: make, its children and theirs."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def start_make_run(tmp_path: Path) -> tuple[subprocess.Popen, str, int]:
    marker = f"MANABI_RUN_TEST={uuid.uuid4().hex}"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_DATA_DIR")}
    env.update({"MANABI_VAR_DIR": str(tmp_path), marker.split("=")[0]: marker.split("=")[1]})
    make = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        make.kill()
        pytest.fail("make run did not serve the site: " + make.communicate()[0][-3000:])
    # Let the worker and beat finish starting, so the stop is tested against a fully running stack.
    time.sleep(4)
    return make, marker, port


def wait_until_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = processes_marked(marker)
        if not left:
            return []
        time.sleep(0.2)
    return processes_marked(marker)


def assert_stops(make: subprocess.Popen, marker: str, send) -> str:
    assert len(processes_marked(marker)) >= 4  # make, supervisor, web server, worker (and its pool)
    started = time.monotonic()
    send()
    left = wait_until_gone(marker, 10)
    took = time.monotonic() - started
    for pid in left:  # never leave anything behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    output = make.communicate(timeout=10)[0]
    assert not left, f"still running after 10 s: {left}"
    assert took < 10
    tail = output.split("Quit the server with CONTROL-C.", 1)[-1]
    assert "Traceback" not in output
    assert "Segmentation fault" not in output
    assert len([line for line in tail.splitlines() if line.strip()]) <= 8, tail
    return output


def test_one_ctrl_c_stops_web_worker_and_beat_without_orphans(tmp_path):
    make, marker, port = start_make_run(tmp_path)
    output = assert_stops(make, marker, lambda: os.killpg(make.pid, signal.SIGINT))
    assert "Manabi stopped." in output


def test_sigterm_to_make_stops_everything_without_orphans(tmp_path):
    make, marker, port = start_make_run(tmp_path)
    output = assert_stops(make, marker, lambda: os.kill(make.pid, signal.SIGTERM))
    assert "Manabi stopped." in output
    # Start-up warnings a newcomer could do nothing about are silenced.
    assert "superuser privileges" not in output
    assert "No hostname was supplied" not in output
    assert "development server. Do not use it in a production setting" not in output
