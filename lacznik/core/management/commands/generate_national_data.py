"""manage.py generate_national_data --scale 0.1 --seed 1: synthetic data over the whole country."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from lacznik.core.datagen import generate, generators
from lacznik.territory.models import Unit


class Command(BaseCommand):
    help = (
        "Generate synthetic national-scale data (every app's generator) over the whole TERC register. "
        "Deterministic from --seed; inserts in batches; prints progress, the total time and peak memory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is national size (default)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--only", action="append", metavar="APP", help="only this app's generator")
        parser.add_argument("--replace", action="store_true", help="first remove data generated before")

    def handle(self, *args, scale: float, seed: int, batch_size: int, only, replace: bool, **options) -> None:
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        known = {entry.app for entry in generators()}
        if only and set(only) - known:
            raise CommandError(f"No generator for {sorted(set(only) - known)}; there are {sorted(known)}.")
        gminas = Unit.objects.current().gminas()
        if not gminas.exists():
            if "import_terc" not in get_commands():
                raise CommandError("The TERC register is empty and there is no import_terc command.")
            self.stdout.write("The TERC register is empty: importing it first (manage.py import_terc).")
            call_command("import_terc", verbosity=0)
        units = Unit.objects.current()
        self.stdout.write(
            f"Territory: {units.voivodeships().count()} voivodeships, {units.powiats().count()} powiats, "
            f"{units.gminas().count():,} gminas."
        )
        report = generate(
            scale=scale, seed=seed, batch_size=batch_size, only=only, replace=replace, out=self.stdout.write
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.total:,} rows at scale {scale:g}, seed {seed}, in {report.seconds:.1f} s "
                f"(peak memory {report.peak_memory_mb:.0f} MB)."
            )
        )
