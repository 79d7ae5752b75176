"""Intake under load: the portal's request form (GET then POST) against bare Django, same run.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_intake_bench REDIS_URL=redis://127.0.0.1:6379/3
    python bench/bench_intake.py --submissions 2000 --clients 8 16 32
    python bench/bench_intake.py --smoke          # seconds; SQLite in a temporary directory, no services

Both sides run under gunicorn with 2 sync workers on the same database server: the portal
(config.settings.production, rate limits off with DSAR_RATELIMIT_ENABLE=0; no Celery worker
runs, so the identity-code e-mails stay pending and their wake-up waits on the broker: the
outbox bell queues one while none is waiting, see dsar/outbox.py) and the baseline
project in bench/baseline (one CSRF form, validation, one INSERT, in the database
`<name>_baseline`). Each client is a thread that loops: GET the form, take the CSRF cookie
and token, POST a valid submission, expect the redirect. Connections are not reused (gunicorn's
sync workers close them anyway), and redirects are not followed, on either side. The load
generator shares the machine's CPUs with the servers, which costs both sides alike.

A flow is GET + POST; flows/s is the number of stored submissions per second. After each
round the stored rows are counted: every accepted POST must be in the database.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Side:
    name: str
    settings: str
    wsgi: str
    env: dict
    form_path: str = "/"
    post_fields: dict = field(default_factory=dict)
    email_field: str = "email"
    port: int = 0
    process: subprocess.Popen | None = None

    def manage(self, *args: str, code: str | None = None) -> str:
        command = [PYTHON, "-c", code] if code else [PYTHON, str(ROOT / "manage.py"), *args]
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": self.settings, "PYTHONPATH": str(ROOT)}
        return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout

    def count(self) -> int:
        model = "bench.baseline.models:Submission" if self.name == "baseline" else "dsar.models:DataRequest"
        module, cls = model.split(":")
        code = f"import django; django.setup(); from {module} import {cls}; print({cls}.objects.count())"
        return int(self.manage(code=code).strip())

    def start(self, workers: int) -> None:
        self.port = free_port()
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": self.settings, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                self.wsgi,
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body, _cookies = request("GET", self.port, self.form_path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start on port {self.port}")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def request(method: str, port: int, path: str, *, body: bytes | None = None, cookies: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept-Language": "ru"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        jar = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, jar
    finally:
        conn.close()


@dataclass
class Round:
    flows: int = 0
    failures: int = 0
    get_ms: list = field(default_factory=list)
    post_ms: list = field(default_factory=list)
    flow_ms: list = field(default_factory=list)
    seconds: float = 0.0


def run_round(side: Side, clients: int, submissions: int, tag: str) -> Round:
    result = Round()
    lock = threading.Lock()
    issued = [0]

    def client(number: int):
        while True:
            with lock:
                if issued[0] >= submissions:
                    return
                issued[0] += 1
                n = issued[0]
            started = time.perf_counter()
            try:
                status, body, jar = request("GET", side.port, side.form_path)
                got = time.perf_counter()
                match = TOKEN.search(body)
                if status != 200 or not match:
                    raise RuntimeError(f"GET {status}")
                fields = {
                    **side.post_fields,
                    "csrfmiddlewaretoken": match.group(1).decode(),
                    side.email_field: f"load.{tag}.{clients}.{n}@example.kz",
                }
                status, _body, _jar = request(
                    "POST", side.port, side.form_path, body=urlencode(fields).encode(), cookies=jar
                )
                done = time.perf_counter()
                if status != 302:
                    raise RuntimeError(f"POST {status}")
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                with lock:
                    result.failures += 1
                    if result.failures <= 3:
                        print(f"  {side.name}: {exc}", file=sys.stderr, flush=True)
                continue
            with lock:
                result.flows += 1
                result.get_ms.append((got - started) * 1000)
                result.post_ms.append((done - got) * 1000)
                result.flow_ms.append((done - started) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


def sides(database_url: str, var_dir: str, smoke: bool = False) -> tuple[Side, Side]:
    parsed = urlparse(database_url)
    if parsed.scheme.startswith("sqlite"):
        baseline_url = f"sqlite:///{var_dir}/baseline.sqlite3"
    else:
        baseline_url = parsed._replace(path=parsed.path + "_baseline").geturl()
    common = {"SECRET_KEY": "bench-only-secret", "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0"}
    portal = Side(
        name="portal",
        # The smoke run needs no Redis: local settings with DEBUG off use files under var_dir.
        settings="config.settings.local" if smoke else "config.settings.production",
        wsgi="config.wsgi:application",
        env={
            **common,
            "DATABASE_URL": database_url,
            "REDIS_URL": "" if smoke else os.environ.get("REDIS_URL", ""),
            "DSAR_VAR_DIR": var_dir,
            "DSAR_RATELIMIT_ENABLE": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DSAR_OUTBOX_SECRET": "bench-only-outbox-secret",
            "DSAR_CHAIN_SIGNING_KEY_FILE": f"{var_dir}/chain-signing-key.pem",
        },
        email_field="subject_email",
    )
    baseline = Side(
        name="baseline",
        settings="bench.baseline.settings",
        wsgi="bench.baseline.wsgi:application",
        env={**common, "DATABASE_URL": baseline_url},
        post_fields={"name": "Aigerim Abenova", "text": "", "consent": "on"},
    )
    return portal, baseline


def signing_key(path: str) -> None:
    """A throw-away Ed25519 key: production settings refuse to start without one."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    Path(path).write_bytes(pem)


def create_database(url: str) -> None:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return
    import psycopg  # noqa: PLC0415

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.path.lstrip("/")}"')


def prepare(portal: Side, baseline: Side) -> None:
    if "sqlite" not in portal.env["DATABASE_URL"]:
        create_database(portal.env["DATABASE_URL"])
        create_database(baseline.env["DATABASE_URL"])
    portal.manage("migrate", "--no-input", "-v0")
    portal.manage("collectstatic", "--no-input", "-v0")
    slug, language = portal.manage(
        code=(
            "import django; django.setup()\n"
            "from dsar.models import Operator\n"
            "from dsar.demo.operators import load_operators\n"
            "op = Operator.objects.filter(is_active=True).order_by('pk').first() or load_operators()[0]\n"
            "print(op.slug, op.default_language)"
        )
    ).split()
    portal.form_path = f"/ru/o/{slug}/request/access/"
    portal.post_fields = {"subject_name": "Aigerim Abenova", "language": language, "consent": "on", "description": ""}
    baseline.manage(
        code="import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', run_syncdb=True, verbosity=0)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000, help="flows per round and side")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per side")
    parser.add_argument("--smoke", action="store_true", help="a few flows on SQLite, to prove the script runs")
    args = parser.parse_args(argv)
    var_dir = tempfile.mkdtemp(prefix="dsar-intake-bench-")
    database_url = os.environ.get("DATABASE_URL", "")
    if args.smoke:
        database_url = f"sqlite:///{var_dir}/portal.sqlite3"
        args.submissions, args.clients, args.workers = 10, [2], 1
    elif not database_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database: this benchmark is about PostgreSQL.")
        return 2
    portal, baseline = sides(database_url, var_dir, smoke=args.smoke)
    signing_key(f"{var_dir}/chain-signing-key.pem")
    # A terminated run still stops its servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    lines = [
        "| clients | side | flows/s | ratio | POST p95 ms | flow p95 ms | p95 ratio | failures | stored |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    try:
        prepare(portal, baseline)
        for side in (portal, baseline):
            side.start(args.workers)
        for clients in args.clients:
            results = {}
            for side in (baseline, portal):
                before = side.count()
                r = run_round(side, clients, args.submissions, tag=f"{int(time.time())}")
                stored = side.count() - before
                results[side.name] = (r, stored)
                ok &= r.failures == 0 and stored == r.flows
            base = results["baseline"][0]
            base_rate = base.flows / base.seconds
            for name in ("baseline", "portal"):
                r, stored = results[name]
                rate = r.flows / r.seconds
                lines.append(
                    f"| {clients} | {name} | {rate:.1f} | {rate / base_rate:.2f} | {p95(r.post_ms):.0f} | "
                    f"{p95(r.flow_ms):.0f} | {p95(r.flow_ms) / max(p95(base.flow_ms), 1e-9):.2f} | {r.failures} | "
                    f"{stored:,} of {r.flows:,} |"
                )
                print(lines[-1], flush=True)
    finally:
        for side in (portal, baseline):
            side.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
