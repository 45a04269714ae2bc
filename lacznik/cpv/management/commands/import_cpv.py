"""Load the CPV 2008 dictionary (the bundled CSV by default); safe to run on every start."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lacznik.core.errors import ImportRejected
from lacznik.cpv.services import BUNDLED_FILE, import_cpv


class Command(BaseCommand):
    help = "Load the CPV 2008 dictionary (CSV kod,kod_nadrzedny,rodzaj,nazwa_pl,nazwa_en, UTF-8)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path", nargs="?", default=str(BUNDLED_FILE), help="the file; the bundled one if left out"
        )

    def handle(self, *args, path: str, verbosity: int, **options) -> None:
        started = time.perf_counter()
        try:
            report = import_cpv(path)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(
                    f"wiersz {error.row}, kolumna {error.column}: {error.reason} [{error.value}]"
                )
            raise CommandError(
                f"Plik odrzucony w całości; błędy: {len(rejected.errors)}. Nic nie zmieniono."
            ) from None
        if not verbosity:
            return
        if not report.changed:
            self.stdout.write(
                f"Słownik CPV 2008 jest aktualny ({Path(path).name}, kodów: {report.unchanged}); "
                "nic do zmiany."
            )
            return
        self.stdout.write(
            f"Słownik CPV 2008 ({Path(path).name}): dodano {len(report.created)}, "
            f"zmieniono {len(report.updated)}, "
            f"bez zmian {report.unchanged}, spoza pliku zachowano {len(report.not_in_file)} "
            f"({time.perf_counter() - started:.1f} s)."
        )
