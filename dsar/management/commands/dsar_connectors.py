import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dsar.connectors import services
from dsar.connectors.identities import IdentityError, normalise
from dsar.models import Operator


class Command(BaseCommand):
    help = "The operator's database connectors: add (or update), remove, test, run."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a connector; the same name again updates it.")
        add.add_argument("--operator", required=True, help="Operator slug.")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True, help="SQLAlchemy URL: postgresql://, mysql://, mariadb://, sqlite:///")
        add.add_argument("--dataset", required=True, help="Fides dataset YAML file.")
        add.add_argument("--kinds", default="", help="Comma-separated request kinds (default: all).")
        for name, text in (("remove", "Remove a connector."), ("test", "Check a connector against its database.")):
            p = sub.add_parser(name, help=text)
            p.add_argument("name")
            p.add_argument("--operator", help="Operator slug, when several operators use the name.")
        run = sub.add_parser("run", help="Run every connector of the operator that serves the kind.")
        run.add_argument("--operator", required=True)
        run.add_argument("--kind", required=True, choices=sorted(services.KIND_ACTIONS))
        run.add_argument("--email", action="append", default=[])
        run.add_argument("--phone", action="append", default=[])
        run.add_argument("--iin", action="append", default=[])
        run.add_argument("--account-id", action="append", default=[], dest="account_id")
        run.add_argument("--dry-run", action="store_true")
        run.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"_{action}")(**options)
        except services.ConnectorError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{action} failed") from None

    def _operator(self, slug):
        try:
            return Operator.objects.get(slug=slug)
        except Operator.DoesNotExist:
            raise CommandError(f"No operator with slug {slug!r}.") from None

    def _add(self, *, operator, name, url, dataset, kinds, **_):
        try:
            text = Path(dataset).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {dataset}: {exc.strerror}") from None
        kind_list = [k.strip() for k in kinds.split(",") if k.strip()] or None
        connector = services.connector_save(
            operator=self._operator(operator), name=name, url=url, dataset_text=text, kinds=kind_list
        )
        self.stdout.write(f"saved {connector.name} ({connector.url_hint})")

    def _remove(self, *, name, operator=None, **_):
        connector = services.connector_find(name=name, operator_slug=operator)
        connector.delete()
        self.stdout.write(f"removed {name}")

    def _test(self, *, name, operator=None, **_):
        connector = services.connector_find(name=name, operator_slug=operator)
        problems = services.connector_test(connector)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{name}: {len(problems)} problem(s)")
        self.stdout.write(f"ok {name}")

    def _run(self, *, operator, kind, email, phone, iin, account_id, dry_run, json: bool = False, **_):
        try:
            identities = normalise(email=email, phone=phone, iin=iin, account_id=account_id)
        except IdentityError as exc:
            raise CommandError(str(exc)) from None
        if not identities:
            raise CommandError("give at least one identity: --email, --phone, --iin or --account-id")
        collections, errors = services.command_run(
            operator=self._operator(operator), kind=kind, identities=identities, dry_run=dry_run
        )
        if json:
            out = {"collections": collections}
            if errors:
                out["errors"] = errors
            self.stdout.write(_dumps(out))
        else:
            for c in collections:
                self.stdout.write(f"{c['dataset']}.{c['collection']}: {len(c['rows'])} rows, {c['affected']} affected")
        for error in errors:
            self.stderr.write(error)
        if errors:
            raise CommandError(f"{len(errors)} connector(s) failed")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
