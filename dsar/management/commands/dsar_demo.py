from django.core.management.base import BaseCommand
from django.db import transaction

from dsar.demo.operators import DEMO_PASSWORD, load_operators, load_staff
from dsar.demo.register import load_register
from dsar.demo.requests import load_requests
from dsar.demo.signing import load_signing_keys
from dsar.models import DataRequest


def login_table(logins: list[tuple[str, str, str]]) -> str:
    """The logins as aligned columns, as wide as the longest entry of each."""
    rows = [("username", "role", "operator"), *logins]
    widths = [max(len(str(row[i])) for row in rows) for i in range(2)]
    return "\n".join(f"  {u:{widths[0]}}  {r:{widths[1]}}  {o}".rstrip() for u, r, o in rows)


class Command(BaseCommand):
    help = "Load the five demo operators, their staff and a few hundred requests. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=320)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, requests, quiet, **options):
        with transaction.atomic():
            operators = load_operators()
            logins = load_staff(operators)
            load_register(operators)
            # Demo CA and one DEMO certificate per operator: the letters below are signed.
            load_signing_keys(operators)
        if not DataRequest.objects.exists():
            load_requests(operators, count=requests)
        # The first signed checkpoint of each chain, as the daily beat task would make it.
        from dsar.services.checkpoints import checkpoints_sign_all

        checkpoints_sign_all()
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(operators)} operators, {DataRequest.objects.count()} requests.")
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(login_table(logins))
        from dsar.demo.staff_otp import help_text

        self.stdout.write(help_text())
