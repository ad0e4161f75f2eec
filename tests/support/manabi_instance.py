"""Another Manabi, as a separate process on 127.0.0.1 with its own SQLite database, for tests where
two instances talk to each other (Open Badges 3.0 API, Manabi ↔ Manabi).

    with ManabiInstance(tmp_path) as other:
        other.run_python("from accounts.models import User; ...")   # set up data, in that process
        other.url                                                   # http://127.0.0.1:<port>
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import urllib3

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ManabiInstance:
    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MANABI_", "BADGE_", "OBAPI_", "CELERY_"))
        }
        self.env.update(
            {
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
                "MANABI_VAR_DIR": str(self.workdir),
                "MANABI_SITE_URL": self.url,
                "BADGE_FETCH_ALLOW_HOSTS": "127.0.0.1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def run_python(self, code: str) -> str:
        return self.manage("shell", "-c", code).stdout

    def start(self) -> ManabiInstance:
        self.manage("migrate", "--noinput", "-v", "0")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "server.log", "wb"),  # noqa: SIM115 - closed with the process
        )
        http = urllib3.PoolManager(retries=False, timeout=2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http.request("GET", self.url + "/healthz").status == 200:
                    return self
            except urllib3.exceptions.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the second Manabi did not start: " + (self.workdir / "server.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def __enter__(self) -> ManabiInstance:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
