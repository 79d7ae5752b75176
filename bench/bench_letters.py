"""Letters benchmark: warm render time of a one-page letter, and letters per minute through Celery.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_letters REDIS_URL=redis://127.0.0.1:6379/7
    .venv/bin/python bench/bench_letters.py render --n 100
    .venv/bin/python bench/bench_letters.py celery --letters 300 --concurrency 2

`render` times letter_pdf() (HTML template -> WeasyPrint -> PDF bytes) on a frozen Russian
acknowledgment with Kazakh names, after warm-up runs. `celery` issues letters through the
service (which queues render_letter after commit), starts a real worker subprocess on the
configured broker, and counts how many are READY per minute. Its rows stay in the database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from dsar.letters.rendering import letter_pdf  # noqa: E402
from dsar.letters.services import letter_issue  # noqa: E402
from dsar.models import Letter, LetterKind, Operator  # noqa: E402
from dsar.services.intake import request_create  # noqa: E402
from dsar.services.transitions import transition  # noqa: E402

CONTEXT = {
    "language": "ru",
    "kind": "acknowledgment",
    "title": "Уведомление о получении обращения",
    "paragraphs": [
        "Уважаемый(ая) Әлия Қасымқызы Нұрғалиева!",
        "Ваше обращение «Доступ к персональным данным» № QZT-2026-000123 получено 10.03.2026.",
        "Мы ответим до 13.03.2026. Сохраните номер обращения: ход рассмотрения виден на странице статуса.",
    ],
    "date": "10.03.2026",
    "operator": {
        "name": 'ТОО "QAZTRACKER"',
        "bin_iin": "240640012348",
        "address": "Astana, Mangilik El 55",
        "email": "privacy@qaztracker.example.kz",
        "phone": "+7 717 200 00 00",
        "website": "",
        "responsible": "Е. Касымова",
    },
    "subject": {"name": "Әлия Қасымқызы Нұрғалиева"},
    "request": {
        "reference": "QZT-2026-000123",
        "kind": "access",
        "kind_label": "Доступ к персональным данным",
        "received": "10.03.2026 10:00",
        "due": "13.03.2026",
    },
    "refusal": None,
    "claim_outcome": "",
    "appeal": False,
    "register": None,
    "records": [],
}


def bench_render(n: int, warmup: int = 5) -> None:
    for _ in range(warmup):
        letter_pdf(context=CONTEXT, number="QZT-OUT-2026-000001", code="ABCDEFGHJKMN")
    times, cpu = [], []
    for i in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = letter_pdf(context=CONTEXT, number=f"QZT-OUT-2026-{i:06d}", code="ABCDEFGHJKMN")
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    import io

    from pypdf import PdfReader

    print(f"render: n={n} pdf={len(pdf)} bytes pages={len(PdfReader(io.BytesIO(pdf)).pages)}")
    for label, xs in (("wall", sorted(times)), ("cpu ", sorted(cpu))):
        print(
            f"  {label} median {statistics.median(xs):.1f} ms  mean {statistics.mean(xs):.1f} ms  "
            f"p95 {xs[int(0.95 * (n - 1))]:.1f} ms  min {xs[0]:.1f} ms  max {xs[-1]:.1f} ms"
        )
    print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def bench_render_sign(n: int, warmup: int = 5) -> None:
    """Render and sign (dsar/letters/signing/sign_pdf) a letter with a demo RSA-2048 key, in memory."""
    import base64
    import datetime as dt
    import types
    from zoneinfo import ZoneInfo

    from dsar.letters.signing import sign_pdf
    from dsar.letters.signing.certs import demo_authority, demo_pkcs12, open_pkcs12

    now = dt.datetime.now(dt.UTC)
    ca = demo_authority(now=now)
    p12 = demo_pkcs12(
        ca,
        organisation="Bench",
        bin_iin="240640012348",
        password="pw",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )
    c = open_pkcs12(p12, "pw")
    key = types.SimpleNamespace(
        backend="pkcs12",
        secret={"p12": base64.b64encode(p12).decode(), "password": "pw"},
        certificate_der=c.certificate_der,
        chain=[],
        certificate_sha256=c.info.sha256,
        is_demo=True,
    )
    tz = ZoneInfo("Asia/Almaty")

    def once(i):
        pdf = letter_pdf(context=CONTEXT, number=f"QZT-OUT-2026-{i:06d}", code="ABCDEFGHJKMN")
        return sign_pdf(pdf, key=key, language="ru", tz=tz).pdf

    for i in range(warmup):
        once(i)
    times, cpu = [], []
    for i in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        signed = once(i)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    print(f"render+sign: n={n} pdf={len(signed)} bytes")
    for label, xs in (("wall", sorted(times)), ("cpu ", sorted(cpu))):
        print(f"  {label} median {statistics.median(xs):.1f} ms  p95 {xs[int(0.95 * (n - 1))]:.1f} ms")
    print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def _bench_operator() -> Operator:
    operator, _ = Operator.objects.get_or_create(
        slug="bench-letters",
        defaults=dict(
            short_name="Bench",
            name_en="Bench LLP",
            name_ru="ТОО «Бенч»",
            name_kk="«Бенч» ЖШС",
            bin_iin="240640012348",
            legal_address="Astana",
            contact_email="bench@example.kz",
            responsible_person="Ә. Бенчева",
            languages=["kk", "ru", "en"],
            reference_prefix="BNCH",
        ),
    )
    return operator


def bench_celery(count: int, concurrency: int, timeout: float) -> None:
    operator = _bench_operator()
    request = request_create(
        operator=operator,
        kind="access",
        subject_name="Әлия Нұрғалиева",
        subject_email="bench@example.kz",
        language="kk",
    )
    transition(request.pk, "confirm_identity")  # issues its own acknowledgment too
    with transaction.atomic():
        ids = [letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT).pk for _ in range(count)]
    print(f"celery: queued {count} letters; starting a worker with concurrency {concurrency}")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "-Q",
            "celery,letters",
            "-c",
            str(concurrency),
            "--pool",
            "prefork",
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        started = time.perf_counter()
        first_done = None
        while True:
            done = Letter.objects.filter(pk__in=ids, status=Letter.Status.READY).count()
            now = time.perf_counter()
            if done and first_done is None:
                first_done = now
            if done == count or now - started > timeout:
                break
            time.sleep(0.2)
        elapsed = now - started
        steady = now - first_done if first_done else elapsed
        print(
            f"  {done}/{count} ready in {elapsed:.1f} s (worker start included) -> {done / elapsed * 60:.0f} letters/min"
        )
        if done > 1 and first_done:
            print(f"  steady state after the first letter: {(done - 1) / steady * 60:.0f} letters/min")
        print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("render")
    r.add_argument("--n", type=int, default=100)
    sub.add_parser("sign").add_argument("--n", type=int, default=50)
    c = sub.add_parser("celery")
    c.add_argument("--letters", type=int, default=300)
    c.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    c.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if args.what == "render":
        bench_render(args.n)
    elif args.what == "sign":
        bench_render_sign(args.n)
    else:
        bench_celery(args.letters, args.concurrency, args.timeout)


if __name__ == "__main__":
    main()
