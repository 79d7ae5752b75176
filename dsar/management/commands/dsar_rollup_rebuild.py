from django.core.management.base import BaseCommand, CommandError

from dsar.services.rollup import rollup_differences, rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboard's daily figures from the requests (or, with --check, only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report differences, change nothing")

    def handle(self, *args, check, **options):
        if check:
            problems = rollup_differences()
            for line in problems[:50]:
                self.stdout.write(line)
            if problems:
                raise CommandError(f"{len(problems)} figures differ from the requests; run without --check.")
            self.stdout.write(self.style.SUCCESS("The daily figures agree with the requests."))
            return
        figures, outcomes = rollup_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {figures:,} daily figures and {outcomes:,} outcome counts."))
