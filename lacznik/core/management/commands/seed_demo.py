"""Load the synthetic demo data of every app (development only; deterministic; safe to run again)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

# Each app with demo data adds its module here; each module has `seed(*, stdout) -> None`.
DEMO_MODULES = [
    "lacznik.accounts.demo",
    "lacznik.entities.demo",
    "lacznik.events.demo",
    "lacznik.advocates.demo",
]


class Command(BaseCommand):
    help = "Load synthetic demo data (fictional people and organisations) for the local demo."

    def handle(self, *args, **options) -> None:
        # Demo accounts share one published password: they must never exist in production (AU-06).
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only: it refuses to run with DEBUG off.")
        with transaction.atomic():
            for path in DEMO_MODULES:
                import_string(f"{path}.seed")(stdout=self.stdout)
