"""Benchmark operations of the advocates programme (lacznik.core.bench; issue #6 "Figures").

    coverage dashboard, all 2,477 gminas and 380 powiats   p95 ≤ 300 ms, within 10× a static page
                                                           (STATIC_PAGE: the accessibility statement,
                                                           by the same signed-in coordinator)
    batch of 300 cover letters as DOCX (and their PDFs)    ≤ 60 s in the background task

The dashboard is the national coordinator's page for the whole country (its numbers are two GROUP BY
queries over every enrolment), and for one voivodeship with the table of its units; the map's JSON of
every gmina; the public list. The batch is the worker's side of a coordinator's batch generation
(lacznik.advocates.documents.start_batch / run_batch_job) for 300 JSTs of Mazowieckie: each gets the
DOCX from the region's template and its PDF copy, stored, and the ZIP of them all. Its figure is an
absolute time: the static page it is compared with says nothing about it.
"""

import json
import re
from functools import cache

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.core.bench import STATIC_FILE, STATIC_PAGE, BenchContext, operation

# The bench's own national coordinator (not synthetic data: generate_national_data --replace keeps it).
BENCH_COORDINATOR = "bench.krajowy@lacznik.example"
VOIVODESHIP_ROW = rb'<tr data-teryt="\d{2}"'
UNIT_ROW = rb'<tr data-teryt="\d{4,7}" data-category'
PUBLIC_ROW = rb'<tr data-teryt="\d+"'
BATCH_SIZE = 300
# On a data set this small (the test suite's: a handful of synthetic advocates) the batch is smaller,
# so that the suite stays quick.
SMALL_DATA_SET = 100
SMALL_BATCH_SIZE = 5


@cache
def _coordinator_client(host: str) -> Client:
    """A client signed in as the bench's national coordinator with the second factor confirmed."""
    from lacznik.accounts.models import User
    from lacznik.accounts.roles import Role
    from lacznik.accounts.services import assign_role

    user, created = User.objects.get_or_create(
        email=BENCH_COORDINATOR, defaults={"first_name": "Benchmark", "last_name": "Krajowy", "password": "!"}
    )
    if created or Role.NATIONAL_COORDINATOR not in user.roles:
        voivodeships = [f"{number:02d}" for number in range(2, 33, 2)]
        assign_role(user=user, role=Role.NATIONAL_COORDINATOR, prefixes=voivodeships, by=None)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(HTTP_HOST=host, raise_request_exception=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _coordinator(ctx: BenchContext) -> Client:
    return _coordinator_client(ctx.client.defaults["HTTP_HOST"])


def _coordinator_get(ctx: BenchContext, path: str, **params: str):
    client = _coordinator(ctx)
    response = client.get(path, params, secure=ctx.secure)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response


@operation("advocates.coverage_dashboard", reference=STATIC_PAGE, reader=_coordinator)
def coverage_dashboard(ctx: BenchContext) -> int:
    """The national coordinator's coverage of all 2,477 gminas and 380 powiats: stages, advocates in
    office, the 16 voivodeships compared."""
    response = _coordinator_get(ctx, reverse("advocates:coverage"))
    rows = len(set(re.findall(VOIVODESHIP_ROW, response.content)))
    if not rows:
        raise RuntimeError("the dashboard lists no voivodeship")
    return rows


@operation("advocates.coverage_region", reference=STATIC_PAGE, reader=_coordinator)
def coverage_region(ctx: BenchContext) -> int:
    """The coverage of Mazowieckie with the table of its 356 gminas and powiats."""
    response = _coordinator_get(ctx, reverse("advocates:coverage"), woj="14")
    return len(set(re.findall(UNIT_ROW, response.content)))


@operation("advocates.coverage_map_gminas", reference=STATIC_FILE)
def coverage_map_gminas(ctx: BenchContext) -> int:
    """The map's JSON: the category of every gmina of the country (joined on 6 digits)."""
    response = _coordinator_get(ctx, reverse("advocates:coverage_map"), poziom="gmina")
    return len(json.loads(response.content)["counts"])


@operation("advocates.public_list", reference=STATIC_FILE)
def public_list(ctx: BenchContext) -> int:
    """The public list of JSTs with an advocate in office, first page, every region."""
    return ctx.get(reverse("advocates:public_list"), rows=PUBLIC_ROW).rows


# --- the batch of cover letters ---------------------------------------------------------------------


@cache
def _batch_setting() -> tuple[int, int, list[int]]:
    """(coordinator of Mazowieckie, batch size, the enrolments): the generated data's first JSTs of 14."""
    from lacznik.accounts.models import User
    from lacznik.accounts.roles import Role
    from lacznik.core.datagen import SYNTHETIC_DOMAIN

    from .models import Enrolment

    coordinator = User.objects.holding(role=Role.REGIONAL_COORDINATOR, prefix="14").order_by("pk").first()
    if coordinator is None:
        raise LookupError("No regional coordinator of Mazowieckie: generate the accounts first.")
    advocates = User.objects.filter(email__startswith="rzecznik.", email__endswith=SYNTHETIC_DOMAIN).count()
    size = SMALL_BATCH_SIZE if advocates < SMALL_DATA_SET else BATCH_SIZE
    enrolments = list(
        Enrolment.objects.in_scope(["14"]).order_by("teryt").values_list("pk", flat=True)[:size]
    )
    if len(enrolments) < size:
        raise LookupError("Fewer enrolments in Mazowieckie than the batch: generate the advocates first.")
    return coordinator.pk, size, enrolments


def _register_batch() -> None:
    """Register the batch operation when the documents module offers a batch (issue #6 point 3)."""
    try:
        from . import documents
    except ImportError:  # pragma: no cover - the module is part of the app
        return
    if not all(hasattr(documents, name) for name in ("start_batch", "run_batch_job", "Options")):
        return  # pragma: no cover

    @operation("advocates.cover_letters_batch", reference=STATIC_FILE, repetitions=3)
    def cover_letters_batch(ctx: BenchContext) -> int:
        """300 cover letters of Mazowieckie generated by the background task: each JST's DOCX from
        the region's template and its PDF copy, stored, and the ZIP of them all (figure: ≤ 60 s)."""
        from lacznik.accounts.models import User

        from .models import EnrolmentDocument

        coordinator_pk, size, enrolments = _batch_setting()
        user = User.objects.get(pk=coordinator_pk)
        job = documents.start_batch(
            enrolment_ids=enrolments,
            kind=EnrolmentDocument.Kind.COVER_LETTER,
            options=documents.Options.defaults("14"),
            user=user,
            region="14",
        )
        # With the database queue the task waits for a worker: run the worker's side here. (With the
        # immediate backend start_batch ran it already, and this returns the finished job.)
        job = documents.run_batch_job(job.pk)
        result = job.result or {}
        if result.get("documents") != size:
            raise RuntimeError(f"the batch made {result.get('documents')} documents, not {size}: {result}")
        return size


_register_batch()
