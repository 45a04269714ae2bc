"""manage.py bench: build the national data set in a separate database and measure the headline
operations (lacznik.core.bench). Not part of the test suite; `make bench` runs it."""

import json
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from lacznik.core import bench
from lacznik.core.datagen import peak_memory_mb


class Command(BaseCommand):
    help = (
        "Build the national benchmark data (TERC import + generate_national_data) in a separate database "
        "(var/bench/bench.sqlite3, or <name>_bench on PostgreSQL) and print p50/p95 of every headline "
        "operation against its physical limit; results also go to bench-results-<database>.json."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="size of the data set; 1.0 is national")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repetitions", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--only", action="append", metavar="OPERATION")
        parser.add_argument("--rebuild", action="store_true", help="rebuild the data set even if it matches")
        parser.add_argument(
            "--output", type=Path, default=None, help="the JSON file (default in the project)"
        )

    def handle(self, *args, scale, seed, repetitions, warmup, only, rebuild, output, **options) -> None:
        if scale <= 0 or repetitions < 1 or warmup < 0:
            raise CommandError("--scale must be above 0, --repetitions at least 1, --warmup at least 0.")
        # Measure production behaviour: no query log, no debug pages, files served as in production.
        settings.DEBUG = False
        # WhiteNoise warns when STATIC_ROOT was never collected; files then come from the app folders.
        warnings.filterwarnings("ignore", message="No directory at")
        database = use_bench_database()
        self.stdout.write(f"Benchmark database: {database} ({connection.vendor})")
        marker = Path(settings.VAR_DIR) / "bench" / f"{Path(database).name}.json"
        wanted = {"scale": scale, "seed": seed, "migrations": _migration_files()}
        built = _read_marker(marker)
        build_seconds = None
        if rebuild or {key: built.get(key) for key in wanted} != wanted or not _has_tables():
            build_seconds = self.build(database, scale=scale, seed=seed)
            marker.write_text(
                json.dumps({**wanted, "built": datetime.now(UTC).isoformat()}), encoding="utf-8"
            )
        else:
            self.stdout.write(f"Reusing the data set built {built.get('built')} (--rebuild to build again).")
        self.stdout.write(f"Measuring: {warmup} warm-up and {repetitions} timed repetitions per operation.")
        results = bench.measure(repetitions=repetitions, warmup=warmup, only=only, out=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(bench.table(results))
        path = output or Path(settings.BASE_DIR) / f"bench-results-{connection.vendor}.json"
        meta = {
            "database": connection.vendor,
            "scale": scale,
            "seed": seed,
            "repetitions": repetitions,
            "warmup": warmup,
            "build_seconds": build_seconds,
            "peak_memory_mb": round(peak_memory_mb()),
            "measured": datetime.now(UTC).isoformat(),
        }
        bench.write_results(path, results, meta)
        self.stdout.write(self.style.SUCCESS(f"Results written to {path}"))

    def build(self, database: str, *, scale: float, seed: int) -> float:
        started = time.perf_counter()
        self.stdout.write(f"Building the data set at scale {scale:g}, seed {seed} …")
        recreate_bench_database(database)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        step = time.perf_counter()
        call_command("import_terc", verbosity=0)
        self.stdout.write(f"  TERC register imported in {time.perf_counter() - step:.1f} s")
        call_command("generate_national_data", scale=scale, seed=seed, stdout=self.stdout)
        # Fresh statistics for the planner, as a production database has them (autovacuum, ANALYZE).
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connections["default"].vendor == "postgresql" else "ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(f"Data set built in {seconds:.1f} s.")
        return seconds


def use_bench_database() -> str:
    """Point the default connection at the benchmark database: a SQLite file under var/bench/, or on
    PostgreSQL the configured database's name with a _bench suffix. Returns its name."""
    db = connections["default"]
    db.close()
    if db.vendor == "sqlite":
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        name = str(folder / "bench.sqlite3")
    else:
        base = db.settings_dict["NAME"]
        name = base if base.endswith("_bench") else f"{base}_bench"
        _ensure_postgres_database(name)
    db.settings_dict["NAME"] = name
    return name


def recreate_bench_database(name: str) -> None:
    db = connections["default"]
    db.close()
    if db.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = Path(name + suffix)
            if path.exists():
                path.unlink()
        return
    with _maintenance_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def _ensure_postgres_database(name: str) -> None:
    with _maintenance_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


class _maintenance_cursor:
    """A cursor on the configured (not the benchmark) PostgreSQL database, in autocommit, for
    CREATE/DROP DATABASE."""

    def __enter__(self):
        db = connections["default"]
        self.wrapper = db.__class__({**db.settings_dict, "NAME": "postgres"}, alias="bench-maintenance")
        self.wrapper.ensure_connection()
        self.wrapper.connection.autocommit = True
        self.cursor = self.wrapper.connection.cursor()
        return self.cursor

    def __exit__(self, *exc) -> None:
        self.cursor.close()
        self.wrapper.close()


def _has_tables() -> bool:
    return MigrationRecorder.Migration._meta.db_table in connection.introspection.table_names()


def _migration_files() -> int:
    # A changed schema means a new data set: count the migration files of the project's apps.
    root = Path(settings.BASE_DIR) / "lacznik"
    return sum(1 for _ in root.glob("*/migrations/0*.py"))


def _read_marker(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
