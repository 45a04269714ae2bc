"""manage.py remind_advocates: e-mail every active advocate who has not reported for
LACZNIK_ADVOCATE_REMINDER_DAYS days (default 60) and was not reminded in the last 14 days, and record
each reminder (the coordinators see them at /rzecznicy/przypomnienia/). Run it daily from cron or a
systemd timer; running it again the same day sends nothing. The mails go through the task queue
(`manage.py db_worker` sends them)."""

from django.core.management.base import BaseCommand

from lacznik.advocates import activity


class Command(BaseCommand):
    help = "Remind the advocates who have not reported for a while (see LACZNIK_ADVOCATE_REMINDER_DAYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list who would be reminded; send nothing")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        threshold = activity.reminder_threshold_days()
        if dry_run:
            due = activity.advocates_due()
            for advocate, days in due:
                self.stdout.write(f"{advocate.teryt} {advocate.user.email}: {days} days without a report")
            self.stdout.write(f"{len(due)} advocate(s) would be reminded (threshold {threshold} days).")
            return
        reminders = activity.send_reminders()
        self.stdout.write(f"Reminded {len(reminders)} advocate(s) (threshold {threshold} days).")
