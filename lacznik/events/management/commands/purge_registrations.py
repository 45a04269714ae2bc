"""manage.py purge_registrations: anonymise every registration past its retention period
(lacznik.events.privacy). Run it daily from cron or a systemd timer; running it again changes nothing."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lacznik.events import privacy


class Command(BaseCommand):
    help = (
        "Anonymise the registrations of events whose retention period has ended "
        f"(the end of the {privacy.RETENTION}th full year after the year of the event)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="the date to count from (default: today)")

    def handle(self, *args, today: str | None = None, **options) -> None:
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date YYYY-MM-DD, not {today!r}.") from error
        count = privacy.purge(today=day)
        self.stdout.write(f"Anonymised {count} registration(s) past the retention period.")
