"""Import an official TERC file (GUS format) into the register; the bundled 2024 file by default."""

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lacznik.core.errors import ImportRejected
from lacznik.territory.models import Unit
from lacznik.territory.services import import_register, is_already_imported, register_is_at_least

BUNDLED_FILE = Path(__file__).resolve().parents[2] / "data" / "TERC_Urzedowy_2024-01-01.csv"
BUNDLED_REGISTER_DATE = date(2024, 1, 1)


class _RolledBack(Exception):
    pass


class Command(BaseCommand):
    help = "Import a TERC file (WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA, UTF-8 or Windows-1250)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(BUNDLED_FILE), help="the file; the bundled 2024 one if left out")
        parser.add_argument(
            "--benchmark",
            action="store_true",
            help="time a full import into an empty register inside a transaction that is rolled back",
        )

    def handle(self, *args, path: str, benchmark: bool, verbosity: int, **options) -> None:
        data = Path(path).read_bytes()
        if benchmark:
            self._benchmark(data, Path(path).name)
            return
        # The bundled file only seeds an empty register: `make run` calls this on every start.
        bundled_and_newer_present = Path(path).resolve() == BUNDLED_FILE and register_is_at_least(BUNDLED_REGISTER_DATE)
        if bundled_and_newer_present or is_already_imported(data):
            if verbosity:
                self.stdout.write(f"Rejestr TERC jest aktualny ({Path(path).name}); nic do zmiany.")
            return
        try:
            report = import_register(data=data, source_name=Path(path).name, by=None)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"wiersz {error.row}, kolumna {error.column}: {error.reason} [{error.value}]")
            raise CommandError(f"Plik odrzucony w całości; błędy: {len(rejected.errors)}. Nic nie zmieniono.") from None
        if verbosity:
            self.stdout.write(
                f"Rejestr TERC według stanu na {report.register_date:%Y-%m-%d}: dodano {len(report.created)}, "
                f"zmieniono {len(report.updated)}, przywrócono {len(report.reinstated)}, "
                f"wycofano {len(report.retired)} (w tym zmiany rodzaju gminy: {len(report.kind_changes)}), "
                f"bez zmian {report.unchanged}."
            )

    def _benchmark(self, data: bytes, name: str) -> None:
        try:
            with transaction.atomic():
                Unit.history.all().delete()
                Unit.objects.update(parent=None, successor=None)
                Unit.objects.all().delete()
                started = time.perf_counter()
                report = import_register(data=data, source_name=name, by=None)
                elapsed = time.perf_counter() - started
                raise _RolledBack
        except _RolledBack:
            pass
        self.stdout.write(
            f"Import of {name} into an empty register: {len(report.created)} units in {elapsed:.2f} s "
            "(rolled back; the register is unchanged)."
        )
