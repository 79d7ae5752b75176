"""API submissions next to the web form, and webhook deliveries per minute through a real worker.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_api_bench REDIS_URL=redis://127.0.0.1:6379/4
    python bench/bench_api.py --submissions 1000 --clients 8 --deliveries 600
    python bench/bench_api.py --smoke        # a few calls, to prove the script runs (needs the same services)

Submissions: the portal runs under gunicorn (2 sync workers, production settings, the portal's
rate limits off) on PostgreSQL. The same client threads then, in turn:
- the web form: GET the form, POST it (bench_intake's flow; the request awaits the e-mail code);
- the API with `identity: "code"` (the same work: a request awaiting the code, the code mailed);
- the API with `identity: "verified"` (an app's signed-in user: the request starts received, the
  acknowledgment is recorded, the transition's webhook rows are written).
Each API call is one POST with a Bearer key and a fresh Idempotency-Key; the key's own rate limit
is set out of the way. Every accepted call must be stored: rows are counted after each round.

Webhooks: a receiver on 127.0.0.1 (a threaded HTTP server answering 204) is registered as an
endpoint; N deliveries are recorded with `webhook_emit()` in one transaction, which queues each
one's task when it commits, as the product does; one real `celery worker` (prefork,
--concurrency 2) signs and posts them. Deliveries per minute is N over the time from the commit
to the N-th delivery accepted; duplicates at the receiver (the same webhook-id twice) are
counted and must be zero. (The per-minute sweep is only the fallback for lost tasks.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_intake import (  # noqa: E402
    ROOT,
    Round,
    create_database,
    p95,
    prepare,
    run_round,
    sides,
)

CELERY = str(Path(sys.executable).with_name("celery"))


def api_round(port: int, raw_key: str, clients: int, submissions: int, identity: str, tag: str) -> Round:
    result = Round()
    lock = threading.Lock()
    issued = [0]

    def client():
        while True:
            with lock:
                if issued[0] >= submissions:
                    return
                issued[0] += 1
                n = issued[0]
            body = json.dumps(
                {
                    "kind": "access",
                    "language": "ru",
                    "identity": identity,
                    "subject": {"name": "Aigerim Abenova", "email": f"api.{tag}.{n}@example.kz"},
                }
            )
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request(
                    "POST",
                    "/api/v1/requests/",
                    body=body.encode(),
                    headers={
                        "Authorization": f"Bearer {raw_key}",
                        "Content-Type": "application/json",
                        "Idempotency-Key": f"{tag}-{n}",
                    },
                )
                response = conn.getresponse()
                response.read()
                if response.status != 201:
                    raise RuntimeError(f"POST {response.status}")
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                with lock:
                    result.failures += 1
                    if result.failures <= 3:
                        print(f"  api: {exc}", file=sys.stderr, flush=True)
                continue
            finally:
                conn.close()
            done = time.perf_counter()
            with lock:
                result.flows += 1
                result.post_ms.append((done - started) * 1000)
                result.flow_ms.append((done - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


class Receiver:
    def __init__(self):
        self.ids: list[str] = []
        self.times: list[float] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.ids.append(self.headers.get("webhook-id", ""))
                    receiver.times.append(time.time())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.ids)


def webhook_round(portal, deliveries: int, timeout: float) -> dict:
    receiver = Receiver()
    # The worker posts to 127.0.0.1 over http: allowed here only (local settings, DEBUG off).
    env = {
        **os.environ,
        **portal.env,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DSAR_WEBHOOK_ALLOW_PRIVATE": "1",
        "DSAR_WEBHOOK_ALLOW_HTTP": "1",
        "PYTHONPATH": str(ROOT),
    }
    log = open(Path(portal.env["DSAR_VAR_DIR"]) / "worker.log", "w")
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "-Q",
            "celery",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "-n",
            "bench@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(15)  # worker start-up on a busy machine
        # Recorded as the product records them: webhook_emit() in one transaction, each delivery's
        # task queued to the broker when it commits. The clock starts at the commit.
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import django, time; django.setup()\n"
                    "from django.db import transaction\n"
                    "from dsar.models import Operator, WebhookEndpoint\n"
                    "from dsar.webhooks.outbox import webhook_emit\n"
                    "op = Operator.objects.filter(is_active=True).order_by('pk').first()\n"
                    "WebhookEndpoint.objects.filter(operator=op).update(is_active=False)\n"
                    f"WebhookEndpoint.objects.create(operator=op, url='{receiver.url}', events=['request.received'])\n"
                    "stamp = str(time.time())\n"
                    "with transaction.atomic():\n"
                    f"    for n in range({deliveries}):\n"
                    "        webhook_emit(operator_id=op.pk, event='request.received', cause=f'bench{stamp}-{n}',\n"
                    "                     data={'reference': f'BENCH-{n}'})\n"
                    "    transaction.on_commit(lambda: print(time.time(), flush=True))\n"
                ),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        committed = float(out.strip().splitlines()[-1])
        deadline = time.monotonic() + timeout
        while receiver.count() < deliveries and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2)  # a late duplicate would show now
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        receiver.server.shutdown()
    got = receiver.count()
    elapsed = (max(receiver.times) - committed) if receiver.times else 0.0
    return {
        "deliveries": deliveries,
        "received": got,
        "duplicates": got - len(set(receiver.ids)),
        "seconds": elapsed,
        "per_minute": got / elapsed * 60 if elapsed else 0,
    }


class _Skip(Exception):
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deliveries", type=int, default=600)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--webhooks-only", action="store_true", help="skip the submission rounds")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the webhook half needs a real broker and worker.")
        return 2
    if args.smoke:
        args.submissions, args.clients, args.workers, args.deliveries = 10, 2, 1, 10
    var_dir = tempfile.mkdtemp(prefix="dsar-api-bench-")
    portal, baseline = sides(database_url, var_dir)
    # Production settings refuse to start without these secrets: bench-only values.
    import base64
    import secrets as _secrets

    portal.env["DSAR_OUTBOX_SECRET"] = "bench-only-outbox-secret"
    portal.env["DSAR_CHAIN_SIGNING_KEY"] = base64.b64encode(_secrets.token_bytes(32)).decode()
    create_database(database_url)
    create_database(baseline.env["DATABASE_URL"])
    prepare(portal, baseline)
    raw_key = portal.manage(
        code=(
            "import django; django.setup()\n"
            "from django.contrib.auth import get_user_model\n"
            "from dsar.api.keys import api_key_create\n"
            "from dsar.models import Operator\n"
            "op = Operator.objects.filter(is_active=True).order_by('pk').first()\n"
            "admin, _ = get_user_model().objects.get_or_create(username='bench-admin', defaults={'is_superuser': True,\n"
            "    'is_staff': True})\n"
            "key, raw = api_key_create(operator=op, name='bench', scopes=['submit', 'verified_identity'], actor=admin,\n"
            "    rate_per_minute=10**9)\n"
            "print(raw)\n"
        )
    ).strip()
    lines = [
        "| channel | submissions/s | ratio to the form | p95 ms (POST) | failures | stored |",
        "|---|---:|---:|---:|---:|---|",
    ]
    ok = True
    if not args.webhooks_only:
        portal.start(args.workers)
    try:
        tag = str(int(time.time()))
        rounds = []
        if args.webhooks_only:
            raise _Skip
        before = portal.count()
        form = run_round(portal, args.clients, args.submissions, f"form{tag}")
        stored = portal.count() - before
        rounds.append(("web form (GET + POST)", form, stored))
        for identity in ("code", "verified"):
            before = portal.count()
            result = api_round(portal.port, raw_key, args.clients, args.submissions, identity, f"{identity}{tag}")
            rounds.append((f"API, identity {identity}", result, portal.count() - before))
        base = form.flows / form.seconds if form.seconds else 0
        for name, result, stored in rounds:
            rate = result.flows / result.seconds if result.seconds else 0
            ok &= result.failures == 0 and stored == result.flows
            lines.append(
                f"| {name} | {rate:.1f} | {rate / base if base else 0:.2f} | {p95(result.post_ms):.0f} | "
                f"{result.failures} | {stored}/{result.flows} |"
            )
    except _Skip:
        pass
    finally:
        portal.stop()
    hooks = webhook_round(portal, args.deliveries, timeout=600)
    ok &= hooks["received"] == hooks["deliveries"] and hooks["duplicates"] == 0
    print(f"clients {args.clients}, {args.submissions} submissions per channel, gunicorn {args.workers} workers")
    print("\n".join(lines))
    print()
    print("| webhook deliveries | received | duplicates | seconds | per minute |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {hooks['deliveries']} | {hooks['received']} | {hooks['duplicates']} | {hooks['seconds']:.1f} | "
        f"{hooks['per_minute']:.0f} |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
