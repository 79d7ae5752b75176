from django.core.management.base import BaseCommand, CommandError

from dsar.letters.outbox import letters_missing
from dsar.letters.services import letters_check
from dsar.models import Operator
from dsar.models.events import verify_chain
from dsar.services.audit import events_without_checkpoint


class Command(BaseCommand):
    help = (
        "Verify each operator's hash-chained audit trail against its signed checkpoints; name the first "
        "broken event, every stored letter that changed and every transition whose letter is missing."
    )

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
            uncovered = events_without_checkpoint(operator_id=op.pk)
            if uncovered:  # a warning: it may be an idle beat as well as tampering
                self.stderr.write(f"WARNING {op.slug}: {uncovered}")
            for missing in letters_missing(operator_id=op.pk):
                broken.append(missing)
                self.stderr.write(f"MISSING LETTER {op.slug}: {missing}")
        if broken:
            raise CommandError(f"{len(broken)} problem(s) found.")
