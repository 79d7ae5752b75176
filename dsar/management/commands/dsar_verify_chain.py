from django.core.management.base import BaseCommand, CommandError

from dsar.models import Operator
from dsar.models.events import verify_chain
from dsar.letters.services import letters_check


class Command(BaseCommand):
    help = "Verify each operator's hash-chained audit trail; name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--operator", help="Operator slug; all operators when omitted.")

    def handle(self, *args, operator=None, **options):
        operators = Operator.objects.all()
        if operator:
            operators = operators.filter(slug=operator)
            if not operators.exists():
                raise CommandError(f"No operator with slug {operator!r}.")
        broken = []
        for op in operators.order_by("slug"):
            found = verify_chain(op.pk)
            if found:
                broken.append(found)
                self.stderr.write(f"BROKEN {op.slug}: event #{found.seq} (id {found.event_id}): {found.reason}")
            else:
                self.stdout.write(f"ok {op.slug}")
            for problem in letters_check(operator_id=op.pk):  # stored letters against their audited digests
                broken.append(problem)
                self.stderr.write(f"BROKEN {op.slug}: {problem}")
        if broken:
            raise CommandError(f"{len(broken)} chain(s) broken.")
