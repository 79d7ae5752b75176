from django.core.management.base import BaseCommand

from dsar.files import GRACE, orphan_files_clean


class Command(BaseCommand):
    help = "Delete private files (uploads, letters, exports) that no row records, and report how many were found."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; delete nothing.")
        parser.add_argument(
            "--grace",
            type=int,
            default=GRACE,
            help="Spare files younger than this many seconds (transactions still running).",
        )

    def handle(self, *args, dry_run=False, grace=GRACE, **options):
        report = orphan_files_clean(dry_run=dry_run, grace=grace)
        self.stdout.write(
            f"checked {report.checked} file(s); found {report.found} with no row; deleted {report.deleted}"
        )
