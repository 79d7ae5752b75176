"""Real Celery workers (and beat) as subprocesses, against the test database and Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from celery import Celery
from django.db import connection
from kombu import pools

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test_<name>)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def redis_url(db: int, port: int | None = None) -> str:
    """The machine's Redis (from REDIS_URL), another database number, optionally another port."""
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    netloc = parts.netloc if port is None else f"{parts.hostname}:{port}"
    return urlunsplit((parts.scheme, netloc, f"/{db}", "", ""))


class MailLog:
    def __init__(self, path: Path):
        self.path = path

    def lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []

    def started(self) -> list[str]:
        started = Path(str(self.path) + ".started")
        return started.read_text(encoding="utf-8").splitlines() if started.exists() else []


class Worker:
    """One `celery worker` process group; `beat=True` embeds beat (-B)."""

    def __init__(
        self,
        env: dict,
        log: Path,
        *,
        name: str,
        beat: bool = False,
        extra_env: dict | None = None,
        queues: str = "celery,letters",
    ):
        self.log = log
        args = [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queues,
        ]
        if beat:
            args += ["--beat", "--schedule", str(log.with_suffix(".beat"))]
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**env, **(extra_env or {})},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so we can kill all of it
        )
        wait_for(self.ready, timeout=60, what=f"worker {name} to start (see {log})")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"worker exited early:\n{self.output()[-3000:]}")
        return " ready." in self.output()

    def finished(self, task_id: str) -> bool:
        out = self.output()
        if f"[{task_id}] raised" in out:
            raise AssertionError(f"task {task_id} failed:\n{out[-3000:]}")
        return f"[{task_id}] succeeded" in out

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence: a restart loses
    every queued message, as a Redis without AOF does."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "PING"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ),
            what="redis-server",
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@contextmanager
def producing_to(broker_url: str):
    """This test process queues to `broker_url` for real (the test settings run tasks eagerly),
    as the web server does in production."""
    from config.celery_app import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def reset_pools():
        # kombu keeps connection and producer pools per broker URL, process-wide: drop them all,
        # as Celery does after a fork, so the next task is published through the URL now set.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_always_eager = saved


class Services:
    """Environment, broker client and workers for one integration test."""

    def __init__(self, tmp_path: Path, *, broker_url: str):
        self.tmp_path = tmp_path
        self.broker_url = broker_url
        self.mail = MailLog(tmp_path / "mail.log")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": broker_url,
            "DSAR_VAR_DIR": str(tmp_path / "var"),
            "DSAR_TEST_MAIL_LOG": str(self.mail.path),
            "DB_CONN_MAX_AGE": "0",
            "PYTHONPATH": str(ROOT),
        }
        # Not the current app: the project's shared tasks must keep resolving to config.celery_app
        # in the tests that run after this one.
        self.client = Celery("dsar-integration", broker=broker_url, set_as_current=False)
        self.client.conf.update(task_serializer="json", accept_content=["json"])
        self.workers: list[Worker] = []

    def worker(self, name: str = "w1", **kwargs) -> Worker:
        worker = Worker(self.env, self.tmp_path / f"{name}.log", name=name, **kwargs)
        self.workers.append(worker)
        return worker

    def send(self, task: str, *args, **kwargs):
        return self.client.send_task(f"dsar.tasks.{task}", args=args, kwargs=kwargs)

    def run(self, task: str, *args, timeout: float = 60, **kwargs) -> str:
        """Send a task and wait until one of the workers reports it succeeded."""
        task_id = self.send(task, *args, **kwargs).id
        wait_for(lambda: any(w.finished(task_id) for w in self.workers), timeout=timeout, what=f"{task} to finish")
        return task_id

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.client.close()
