"""`make run`'s last step: the web server and a Celery worker with beat, stopped together.

One Ctrl-C (SIGINT) or SIGTERM stops both within a few seconds: each child runs in its own process
group, gets one SIGTERM, and whatever is still alive after the grace period is killed with its whole
group (Celery's pool processes included), so nothing is left behind. Tasks are idempotent and
acknowledged late, so a killed task simply runs again later.

    python scripts/run_dev.py HOST:PORT
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 4.0


def children(address: str) -> list[list[str]]:
    bin_dir = Path(sys.executable).parent
    return [
        [sys.executable, "manage.py", "runserver", address],
        [
            str(bin_dir / "celery"),
            "--quiet",  # no banner: the URL line printed by make is what a newcomer needs
            "-A",
            "config",
            "worker",
            "--beat",
            "--loglevel=WARNING",
            "--concurrency=2",
            "--without-mingle",
            "--without-gossip",
        ],
    ]


def start(command: list[str]) -> subprocess.Popen:
    # A new session: a Ctrl-C in the terminal reaches only this supervisor, which then stops the
    # children once, in order, instead of every process reacting to the signal on its own.
    return subprocess.Popen(command, start_new_session=True)


def signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        # The main process only: it stops its own pool; its group is killed below if it lingers.
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    # Kill each whole group: also catches pool and beat processes whose parent already left.
    for process in processes:
        signal_group(process, signal.SIGKILL)
        process.wait()


class Stop(Exception):
    pass


def raise_stop(signum, frame):
    raise Stop


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    # Warnings a newcomer cannot act on: Celery's "running as root" notice in containers.
    os.environ.setdefault("C_FORCE_ROOT", "1")
    os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
    os.environ.setdefault(
        "PYTHONWARNINGS",
        "ignore::DeprecationWarning,ignore::PendingDeprecationWarning,"
        "ignore:You're running the worker with superuser privileges",
    )
    signal.signal(signal.SIGINT, raise_stop)
    signal.signal(signal.SIGTERM, raise_stop)
    signal.signal(signal.SIGHUP, raise_stop)
    processes: list[subprocess.Popen] = []
    code = 0
    try:
        for command in children(address):
            processes.append(start(command))
        while True:
            for process in processes:
                if process.poll() is not None:
                    print(f"Manabi: {Path(process.args[0]).name} stopped (exit {process.returncode}); stopping.")
                    code = process.returncode or 1
                    raise Stop
            time.sleep(0.3)
    except Stop:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)
        print("Manabi stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
