"""National-scale synthetic data for the benchmark and for trying the platform at full size.

Each app contributes a generator in its own `datagen.py`:

    @generator("accounts", order=10)
    def generate_accounts(scale: float, rng: random.Random, writer: BatchWriter) -> None:
        for unit in Unit.objects.current().gminas().iterator(chunk_size=2000):
            writer.add(User(...))

`manage.py generate_national_data --scale 0.1 --seed 1` runs them in `order` over the whole TERC
register. A generator streams: it reads with `.iterator()` and hands every new object to the writer,
which inserts them with `bulk_create` in batches, parents before children (the order in which their
models first reached the writer), so memory stays flat whatever the scale. The data is a function of
the seed alone: each generator gets its own `random.Random` seeded with the seed and its name, so
adding a generator does not change what the others produce. Everything generated must look
synthetic: fictional names, e-mail addresses on the reserved `.example` domain, unusable passwords.
"""

import math
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

# Every synthetic e-mail address ends with this (RFC 2606 reserves .example).
SYNTHETIC_DOMAIN = "syntetyczne.example"
# A password hash that starts with "!" is unusable (Django's rule); fixed, so the data is repeatable.
UNUSABLE_PASSWORD = "!synthetic-data-no-sign-in"

GeneratorFunction = Callable[[float, random.Random, "BatchWriter"], None]


@dataclass(frozen=True)
class Generator:
    app: str
    order: int
    function: GeneratorFunction
    # Removes what the generator made before (generate_national_data --replace).
    clear: Callable[[], int] | None = None

    @property
    def name(self) -> str:
        return f"{self.app}.{self.function.__name__}"


_registry: dict[str, Generator] = {}


def generator(app: str, *, order: int, clear: Callable[[], int] | None = None):
    """Register `function(scale, rng, writer)` as the synthetic-data generator of `app`."""

    def register(function: GeneratorFunction) -> GeneratorFunction:
        entry = Generator(app=app, order=order, function=function, clear=clear)
        _registry[entry.name] = entry
        return function

    return register


def generators() -> list[Generator]:
    """Every registered generator, in order (each installed app's `datagen` module is imported)."""
    autodiscover_modules("datagen")
    return sorted(_registry.values(), key=lambda entry: (entry.order, entry.name))


def scaled(rng: random.Random, expected: float) -> int:
    """A whole number whose average is `expected`: 0.3 gives 0 or 1, 2.5 gives 2 or 3."""
    whole = math.floor(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BatchWriter:
    """Collects new objects and inserts them `batch_size` at a time with bulk_create.

    Buffers are flushed together, in the order in which their models first arrived, so an object
    added after the object it points to is inserted after it (bulk_create sets the primary keys the
    children's foreign keys then take).
    """

    def __init__(
        self,
        *,
        batch_size: int = 5000,
        progress: Callable[[str], None] | None = None,
        progress_every: float = 2.0,
    ):
        self.batch_size = batch_size
        self.progress = progress
        self.progress_every = progress_every
        self.counts: dict[str, int] = {}
        self._buffers: dict[type[models.Model], list[models.Model]] = {}
        self._buffered = 0
        self._started = time.perf_counter()
        self._last_report = self._started
        self.label = ""

    def add(self, obj: models.Model) -> models.Model:
        self._buffers.setdefault(type(obj), []).append(obj)
        self._buffered += 1
        if self._buffered >= self.batch_size:
            self.flush()
        return obj

    def flush(self) -> None:
        if not self._buffered:
            return
        with transaction.atomic():
            for model, objects in self._buffers.items():
                if objects:
                    model._base_manager.bulk_create(objects, batch_size=self.batch_size)
                    key = model._meta.label
                    self.counts[key] = self.counts.get(key, 0) + len(objects)
                    objects.clear()
        self._buffered = 0
        now = time.perf_counter()
        if self.progress and now - self._last_report >= self.progress_every:
            self._last_report = now
            self.progress(f"  {self.label}: {self.summary()} ({now - self._started:.1f} s)")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        return ", ".join(f"{label} {count:,}" for label, count in self.counts.items()) or "nothing"


@dataclass
class GenerationReport:
    rows: dict[str, int]
    seconds: float
    peak_memory_mb: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def generate(
    *,
    scale: float,
    seed: int,
    batch_size: int = 5000,
    only: list[str] | None = None,
    replace: bool = False,
    out: Callable[[str], None] = print,
) -> GenerationReport:
    """Run every registered generator (or the apps in `only`) and report rows, time and memory."""
    if scale <= 0:
        raise ValueError("scale must be above 0")
    started = time.perf_counter()
    rows: dict[str, int] = {}
    chosen = [entry for entry in generators() if not only or entry.app in only]
    if replace:
        for entry in reversed(chosen):
            if entry.clear is not None:
                out(f"{entry.name}: removed {entry.clear():,} rows made before")
    for entry in chosen:
        writer = BatchWriter(batch_size=batch_size, progress=out)
        writer.label = entry.name
        rng = random.Random(f"{seed}:{entry.name}")
        began = time.perf_counter()
        out(f"{entry.name}: generating at scale {scale:g}")
        entry.function(scale, rng, writer)
        writer.flush()
        out(f"{entry.name}: {writer.summary()} in {time.perf_counter() - began:.1f} s")
        for label, count in writer.counts.items():
            rows[label] = rows.get(label, 0) + count
    return GenerationReport(rows=rows, seconds=time.perf_counter() - started, peak_memory_mb=peak_memory_mb())
