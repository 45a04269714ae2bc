"""manage.py purge_import_checks: delete the rows of import files checked but never confirmed within
import_files.CHECK_KEPT_DAYS (lacznik.entities.import_jobs.expire_checks), and fail the checks and
imports still unfinished that long after they were started, deleting their rows too (abandon_unfinished).
Run it daily from cron or a systemd timer; running it again changes nothing."""

from django.core.management.base import BaseCommand

from lacznik.entities import import_files, import_jobs


class Command(BaseCommand):
    help = (
        "Delete the rows of import files checked but not imported within "
        f"{import_files.CHECK_KEPT_DAYS} days, and of checks and imports unfinished that long."
    )

    def handle(self, *args, **options) -> None:
        count = import_jobs.expire_checks()
        self.stdout.write(f"Deleted the rows of {count} import check(s) not confirmed in time.")
        count = import_jobs.abandon_unfinished()
        self.stdout.write(
            f"Failed {count} check(s) or import(s) unfinished after {import_files.CHECK_KEPT_DAYS} days."
        )
