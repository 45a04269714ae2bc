"""Compile every app's locale/*/LC_MESSAGES/django.po to .mo with polib (no system gettext needed)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def po_files() -> list[Path]:
    return sorted(Path(settings.PACKAGE_DIR).glob("*/locale/*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the translations (.po → .mo) of every Łącznik app."

    def handle(self, *args, **options) -> None:
        compiled = 0
        for po_path in po_files():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"Translations compiled: {compiled} file(s) updated.")
