"""Server time of the staff admin at scale: the request list (default queue, overdue filter) and the request page.

    python bench/seed.py --requests 1000000        # once
    python bench/bench_admin.py                      # DATABASE_URL must point at the seeded PostgreSQL
    python bench/bench_admin.py --smoke              # migrates, seeds 300 requests, one run per page

Requests go through Django's test client in-process (no network, no browser): the time is
the server's, from URL resolution to the rendered page, including every SQL query. Each URL
is fetched once to warm caches, then `--runs` times; median and 95th percentile are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _setup():
    # Test settings: plain static storage (no collectstatic manifest needed), fast hasher.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _client_for(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from dsar.demo.staff_otp import ensure_demo_device

    device = ensure_demo_device(user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _time(client, url, runs):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _smoke_data() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.seed import seed
    from dsar.models import DataRequest

    call_command("migrate", verbosity=0)
    if DataRequest.objects.count() < 300:
        seed(300)
    get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="an empty database: migrate, seed 300, one run (CI)")
    args = parser.parse_args(argv)
    _setup()
    if args.smoke:
        args.runs = 1
        _smoke_data()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    from dsar.models import DataRequest, Membership

    if connection.vendor != "postgresql":
        print("Run against PostgreSQL (DATABASE_URL) seeded with bench/seed.py.")
        return 1
    total = DataRequest.objects.count()
    User = get_user_model()
    # The busiest operator's caseworker, and the platform administrator who sees all operators.
    busiest = (
        DataRequest.objects.values("operator_id").order_by().annotate(n=Count("id")).order_by("-n")[0]["operator_id"]
    )
    worker = Membership.objects.filter(operator_id=busiest, role="caseworker").select_related("user").first().user
    admin = User.objects.filter(is_superuser=True).first()
    # A subject with e-mail, phone and IIN: the request page then looks for duplicates by all three
    # (selectors.duplicate_candidates), the page's costliest query before its index (issue 23).
    in_progress = DataRequest.objects.filter(operator_id=busiest, state="in_progress").exclude(subject_email="")
    open_request = in_progress.exclude(subject_phone="").exclude(subject_iin="").order_by("-due_at").first()
    if open_request is None and args.smoke:
        # The 300-request smoke seed may hold no subject with all three; CI only checks that the pages
        # run, so any open request will do. A measured run keeps to the costliest page, or stops.
        open_request = in_progress.order_by("-due_at").first()
    if open_request is None:
        sys.exit(f"operator {busiest} has no request in progress whose subject has e-mail, phone and IIN.")
    print(
        f"{total:,} requests in the database; operator {busiest} holds "
        f"{DataRequest.objects.filter(operator_id=busiest).count():,}."
    )
    for who, user in (("caseworker", worker), ("platform admin", admin)):
        client = _client_for(user)
        for label, url in (
            ("list, default queue", "/admin/dsar/datarequest/"),
            ("list, overdue", "/admin/dsar/datarequest/?queue=overdue"),
            ("list, due within 1 working day", "/admin/dsar/datarequest/?queue=due_1wd"),
            ("list, closed", "/admin/dsar/datarequest/?queue=closed"),
            ("list, search by e-mail", f"/admin/dsar/datarequest/?q={open_request.subject_email}"),
            ("request page", f"/admin/dsar/datarequest/{open_request.pk}/change/"),
            ("front page with queue counts", "/admin/"),
        ):
            median, p95 = _time(client, url, args.runs)
            print(f"  {who:15} {label:32} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
