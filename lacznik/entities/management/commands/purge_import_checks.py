"""manage.py purge_import_checks: delete the rows of import files checked but never confirmed within
import_files.CHECK_KEPT_DAYS (lacznik.entities.import_jobs.expire_checks). Run it daily from cron or a
systemd timer; running it again changes nothing."""

from django.core.management.base import BaseCommand

from lacznik.entities import import_files, import_jobs


class Command(BaseCommand):
    help = (
        "Delete the rows of import files checked but not imported within "
        f"{import_files.CHECK_KEPT_DAYS} days."
    )

    def handle(self, *args, **options) -> None:
        count = import_jobs.expire_checks()
        self.stdout.write(f"Deleted the rows of {count} import check(s) not confirmed in time.")
