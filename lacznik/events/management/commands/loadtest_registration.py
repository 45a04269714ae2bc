"""manage.py loadtest_registration --rate 50 --seconds 60: registrations under load (issue #7 "Figures":
"registration under load at 50 requests/s on loopback for 60 s with p95 ≤ 200 ms and 0 errors").

In the benchmark's own database (`manage.py bench` chooses it: var/bench/bench.sqlite3, or <name>_bench
on PostgreSQL; migrated if new) the command opens a new event with a waiting list, starts gunicorn on
127.0.0.1 (a free port; production settings: DEBUG off, collected static files, the database task
queue), and sends guests' registrations at a steady rate: request n leaves at n / rate seconds,
whatever the answers before it (an open loop, as independent people arrive). Each client thread is
one browser: it GETs the form once for its CSRF cookie and token, then POSTs registrations with new
e-mail addresses. A share of the registrations is then confirmed as people do, by POSTing the link of
the confirmation mail (its token read from the queued mail task), so seats fill while others register
and the waiting list grows. At the end gunicorn is stopped and the figures printed: requests, errors
(an answer other than 2xx/3xx, or no answer), p50/p95/p99 of the registration POST, the form GET and
the confirmation, how late requests left, the load average; then the invariants of the event are
checked (no overbooking, the counter equal to the confirmed registrations, the order of arrival
without gaps, no one waiting while a seat is free, every accepted POST stored once).

Only the loopback address is used; the run is bounded in requests and time and stops by itself.
"""

import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection, connections
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lacznik.core.management.commands.bench import use_bench_database
from lacznik.events.bench import registration_form
from lacznik.events.datagen import SYNTHETIC_DESCRIPTION, consistency_problems
from lacznik.events.models import AskedField, Event, EventKind, Registration, TargetGroup

HOST = "127.0.0.1"
MAX_RATE = 500
MAX_SECONDS = 600
MAX_CLIENTS = 200
REQUEST_TIMEOUT = 15
# After the last request is sent, how long the run waits for the answers still outstanding.
DRAIN_SECONDS = 30
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"/potwierdzenie/([^/\s]+)/")
FIGURE_P95_MS = 200


# --- the load ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is: the registration's 302 is its success, not a page to fetch."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Browser:
    """One visitor's cookies and CSRF token, over urllib (a new connection per request)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"User-Agent": "lacznik-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf_token}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with _opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, content, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
            status, content, answer_headers = answer.code, answer.read(), answer.headers
        for line in answer_headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return status, content

    def open_form(self, path: str) -> int:
        """GET a form: the CSRF cookie and the token its page carries."""
        status, content = self.request(path)
        match = CSRF_INPUT.search(content)
        if status == 200 and match:
            self.csrf_token = match.group(1).decode()
        return status


@dataclass
class Timings:
    samples_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, started: float, status: int | None, error: str = "") -> bool:
        elapsed = (time.perf_counter() - started) * 1000
        ok = status is not None and 200 <= status < 400
        if status is not None:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.samples_ms.append(elapsed)
        if not ok:
            self.errors += 1
            if len(self.failures) < 5:
                self.failures.append(error or f"HTTP {status}")
        return ok

    def percentile(self, fraction: float) -> float:
        if not self.samples_ms:
            return float("nan")
        if len(self.samples_ms) == 1:
            return self.samples_ms[0]
        cuts = statistics.quantiles(self.samples_ms, n=100, method="inclusive")
        return cuts[round(fraction * 100) - 1]

    def line(self, name: str, requests: int) -> str:
        return (
            f"{name:<24} {requests:>6,} requests, {self.errors:>4} errors, "
            f"p50 {self.percentile(0.50):7.1f} ms, p95 {self.percentile(0.95):7.1f} ms, "
            f"p99 {self.percentile(0.99):7.1f} ms"
        )


@dataclass
class LoadReport:
    rate: float
    seconds: float
    planned: int
    registrations: Timings = field(default_factory=Timings)
    forms: Timings = field(default_factory=Timings)
    confirmations: Timings = field(default_factory=Timings)
    registered: int = 0  # registration POSTs answered with the redirect of success
    refused: int = 0  # answered 200: the form came back with an error
    confirmed_links: int = 0
    sent: int = 0
    lateness_ms: list[float] = field(default_factory=list)
    duration: float = 0.0
    unanswered: int = 0
    load_average: list[tuple[float, float, float]] = field(default_factory=list)
    client_cpu_seconds: float = 0.0  # what this process (the clients) used
    accepted_emails: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.registrations.errors + self.forms.errors + self.confirmations.errors + self.unanswered

    def summary(self) -> list[str]:
        late = sorted(self.lateness_ms) or [0.0]
        lines = [
            f"planned {self.planned:,} registrations at {self.rate:g}/s for {self.seconds:g} s; "
            f"{self.registered + self.refused:,} answered in {self.duration:.1f} s "
            f"({(self.registered + self.refused) / max(self.duration, 1e-9):.1f}/s)",
            self.registrations.line(
                "registration POST", len(self.registrations.samples_ms) + self.registrations.errors
            ),
            self.forms.line("form GET (per client)", len(self.forms.samples_ms) + self.forms.errors),
            self.confirmations.line(
                "confirmation POST", len(self.confirmations.samples_ms) + self.confirmations.errors
            ),
            f"left late: p95 {late[int(0.95 * (len(late) - 1))]:.0f} ms, max {late[-1]:.0f} ms; "
            f"not started {DRAIN_SECONDS} s after the last was due (errors): {self.unanswered}",
            f"registrations accepted {self.registered:,}, refused (form shown again) {self.refused}; "
            f"answers: registration {dict(sorted(self.registrations.statuses.items()))}, "
            f"confirmation {dict(sorted(self.confirmations.statuses.items()))}",
        ]
        if self.load_average:
            highest = max(sample[0] for sample in self.load_average)
            first, last = self.load_average[0], self.load_average[-1]
            lines.append(
                f"load average (1 min) {first[0]:.2f} before, {highest:.2f} at most, {last[0]:.2f} after; "
                f"{os.cpu_count()} CPUs; the clients used {self.client_cpu_seconds:.1f} s of CPU"
            )
        for failure in [*self.registrations.failures, *self.forms.failures, *self.confirmations.failures]:
            lines.append(f"  error: {failure}")
        return lines


def run_load(
    *,
    base_url: str,
    event: Event,
    rate: float,
    seconds: float,
    clients: int,
    confirm_share: float = 0.0,
    token_for: Callable[[str], str | None] | None = None,
    email_prefix: str = "obciazenie",
) -> LoadReport:
    """Send registrations for `event` at `rate` per second for `seconds` from `clients` threads, each a
    browser session; confirm every 1/confirm_share-th by its mailed link (`token_for(email)`)."""
    if not (0 < rate <= MAX_RATE and 0 < seconds <= MAX_SECONDS and 0 < clients <= MAX_CLIENTS):
        raise ValueError(f"rate 0-{MAX_RATE}/s, seconds 0-{MAX_SECONDS}, clients 1-{MAX_CLIENTS}")
    if urllib.parse.urlsplit(base_url).hostname not in (HOST, "localhost"):
        raise ValueError("the load test only talks to the loopback address")
    planned = int(rate * seconds)
    report = LoadReport(rate=rate, seconds=seconds, planned=planned)
    form_path = reverse("events:register", args=[event.pk])
    run = secrets.token_hex(4)
    every = round(1 / confirm_share) if confirm_share > 0 else 0
    local = threading.local()
    lock = threading.Lock()

    def browser() -> Browser | None:
        if getattr(local, "browser", None) is None:
            local.browser = Browser(base_url)
            started = time.perf_counter()
            try:
                status = local.browser.open_form(form_path)
            except Exception as error:  # no answer: the next registration of this client tries again
                status, reason = None, f"form GET: {type(error).__name__}: {error}"
            else:
                reason = "" if local.browser.csrf_token else f"form GET: HTTP {status}, no CSRF token"
            with lock:
                report.forms.add(started, status if local.browser.csrf_token else None, reason)
            if not local.browser.csrf_token:
                local.browser = None
                return None
        return local.browser

    def register(number: int, scheduled: float) -> None:
        with lock:
            report.lateness_ms.append(max(0.0, (time.perf_counter() - scheduled) * 1000))
        client = browser()
        email = f"{email_prefix}.{run}.{number:06d}@syntetyczne.example"
        started = time.perf_counter()
        if client is None:
            with lock:
                report.registrations.add(started, None, "no form to POST (the GET failed)")
            return
        try:
            status, _content = client.request(form_path, registration_form(event, email))
        except Exception as error:
            with lock:
                report.registrations.add(started, None, f"{type(error).__name__}: {error}")
            return
        with lock:
            ok = report.registrations.add(started, status) and status != 200
            if ok:
                report.registered += 1
                report.accepted_emails.append(email)
            elif status == 200:
                report.refused += 1
        if ok and every and number % every == 0 and token_for is not None:
            confirm(client, email)

    def confirm(client: Browser, email: str) -> None:
        token = token_for(email)
        if not token:
            return
        started = time.perf_counter()
        try:
            status, _content = client.request(reverse("events:confirm_email", args=[token]), {})
        except Exception as error:
            status, reason = None, f"confirmation: {type(error).__name__}: {error}"
        else:
            reason = ""
        with lock:
            if report.confirmations.add(started, status, reason):
                report.confirmed_links += 1

    def sample_load(stop: threading.Event) -> None:
        while not stop.wait(1.0):
            report.load_average.append(os.getloadavg())

    report.load_average.append(os.getloadavg())
    stop = threading.Event()
    sampler = threading.Thread(target=sample_load, args=(stop,), daemon=True)
    sampler.start()
    pool = ThreadPoolExecutor(max_workers=clients, thread_name_prefix="loadtest")
    futures = []
    began = time.perf_counter()
    cpu = time.process_time()
    try:
        for number in range(planned):
            scheduled = began + number / rate
            pause = scheduled - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(_in_thread, register, number, scheduled))
        report.sent = len(futures)
        _done, pending = wait(futures, timeout=DRAIN_SECONDS)
        report.unanswered = len(pending)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        report.duration = time.perf_counter() - began
        report.client_cpu_seconds = time.process_time() - cpu
        stop.set()
        sampler.join()
        report.load_average.append(os.getloadavg())
    return report


def _in_thread(function: Callable, *args) -> None:
    try:
        function(*args)
    finally:
        # token_for may read the database from this thread: give its connection back.
        close_old_connections()


# --- the invariants ---------------------------------------------------------------------------------


def check_event(event: Event, report: LoadReport | None = None) -> list[str]:
    """What must hold after any load: the recruitment invariants, and every accepted POST stored once."""
    event = Event.objects.unscoped(reason="the load test's event").get(pk=event.pk)
    problems = consistency_problems(Event.objects.unscoped(reason="the load test").filter(pk=event.pk))
    if event.confirmed_count > event.seats:
        problems.append(f"overbooked: {event.confirmed_count} confirmed for {event.seats} seats")
    if report is not None:
        stored = set(
            Registration.objects.unscoped(reason="the load test's event")
            .filter(event=event, email__in=report.accepted_emails)
            .values_list("email", flat=True)
        )
        missing = len(set(report.accepted_emails) - stored)
        if missing:
            problems.append(f"{missing} registrations answered as accepted are not stored")
    return problems


def queued_mail_token(email: str) -> str | None:
    """The token of the confirmation mail queued for `email` (django-tasks' database queue): what the
    person finds in their mailbox."""
    from django_tasks_db.models import DBTaskResult

    registration = (
        Registration.objects.unscoped(reason="the load test's own registration")
        .filter(email=email)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if registration is None:
        return None
    task = (
        DBTaskResult.objects.filter(
            task_path="lacznik.events.tasks.send_registration_mail",
            args_kwargs__kwargs__registration_id=registration,
        )
        .values_list("args_kwargs", flat=True)
        .first()
    )
    return (task or {}).get("kwargs", {}).get("token") or None


# --- the command ------------------------------------------------------------------------------------


def server_cpu_seconds(master: int) -> float | None:
    """CPU time (user + system) the gunicorn workers of `master` have used, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        total = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    except (OSError, ValueError, IndexError):
        return None
    return total / ticks


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def new_load_event(*, seats: int) -> Event:
    """An upcoming training in Mazowieckie, open for registration, with a waiting list; removed with the
    synthetic events (generate_national_data --replace)."""
    now = timezone.now()
    starts = now + timedelta(days=30)
    return Event.objects.create(
        teryt="14",
        kind=EventKind.TRAINING,
        title=f"Szkolenie przykładowe — test obciążeniowy {timezone.localtime(now):%Y-%m-%d %H:%M:%S}",
        description=f"{SYNTHETIC_DESCRIPTION} Zapisy wysyłane przez manage.py loadtest_registration.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="ul. Przykładowa 1, Warszawa",
        seats=seats,
        has_waiting_list=True,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=starts - timedelta(days=1),
        eligible_groups=[TargetGroup.JST_STAFF],
        asked_fields=[AskedField.ORGANISATION, AskedField.POSITION],
        status=Event.Status.PUBLISHED,
    )


class Command(BaseCommand):
    help = (
        "Registrations under load: gunicorn on 127.0.0.1 with the benchmark database, guests' registration "
        "POSTs at --rate per second for --seconds, then p50/p95/p99, errors and the event's invariants."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rate", type=float, default=50.0, help="registrations per second")
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
        parser.add_argument("--clients", type=int, default=32, help="client threads (browser sessions)")
        parser.add_argument(
            "--confirm-share", type=float, default=0.1, help="share of registrations confirmed by the link"
        )
        parser.add_argument(
            "--warmup-seconds", type=float, default=3.0, help="untimed registrations first (warm workers)"
        )
        parser.add_argument(
            "--seats", type=int, default=0, help="the event's seats (default: half the confirmations)"
        )

    def handle(self, *args, rate, seconds, workers, threads, clients, confirm_share, seats, **opts) -> None:
        warmup = opts["warmup_seconds"]
        if not (0 < rate <= MAX_RATE and 0 < seconds <= MAX_SECONDS and 0 < clients <= MAX_CLIENTS):
            raise CommandError(f"--rate 0-{MAX_RATE}, --seconds 0-{MAX_SECONDS}, --clients 1-{MAX_CLIENTS}.")
        if not (0 < workers <= 16 and 0 < threads <= 32 and 0 <= confirm_share <= 1 and 0 <= warmup <= 60):
            raise CommandError("--workers 1-16, --threads 1-32, --confirm-share 0-1, --warmup-seconds 0-60.")
        database = use_bench_database()
        self.stdout.write(f"Database: {database} ({connection.vendor})")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        folder = Path(settings.VAR_DIR) / "loadtest"
        folder.mkdir(parents=True, exist_ok=True)
        env = self.server_environment(database, folder)
        step = time.perf_counter()
        subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--no-input", "-v0"],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
        )
        self.stdout.write(f"Static files collected in {time.perf_counter() - step:.1f} s")
        seats = seats or max(10, int(rate * seconds * confirm_share / 2))
        event = new_load_event(seats=seats)
        self.stdout.write(f"Event {event.pk}: {seats} seats and a waiting list, registration open")
        port = free_port()
        log = folder / "gunicorn.log"
        server = self.start_server(env, port, workers, threads, log)
        try:
            base_url = f"http://{HOST}:{port}"
            if warmup > 0:
                # Untimed: the first requests of a worker load templates, translations and URL patterns.
                concurrency = min(workers * threads, MAX_CLIENTS)
                warm = run_load(
                    base_url=base_url, event=event, rate=concurrency, seconds=warmup, clients=concurrency,
                    confirm_share=confirm_share, token_for=queued_mail_token, email_prefix="rozgrzewka",
                )  # fmt: skip
                self.stdout.write(f"Warm-up: {warm.sent} registrations, {warm.errors} errors (not counted)")
            self.stdout.write(
                f"gunicorn on http://{HOST}:{port} ({workers} workers × {threads} threads); sending "
                f"{int(rate * seconds):,} registrations at {rate:g}/s from {clients} clients, "
                f"confirming {confirm_share:.0%} …"
            )
            cpu_before = server_cpu_seconds(server.pid)
            report = run_load(
                base_url=base_url,
                event=event,
                rate=rate,
                seconds=seconds,
                clients=clients,
                confirm_share=confirm_share,
                token_for=queued_mail_token,
            )
            cpu_after = server_cpu_seconds(server.pid)
        finally:
            self.stop_server(server)
        for line in report.summary():
            self.stdout.write(line)
        answered = report.registered + report.refused + report.confirmed_links
        if cpu_before is not None and cpu_after is not None and answered:
            used = cpu_after - cpu_before
            self.stdout.write(
                f"gunicorn workers' CPU: {used:.1f} s, {used * 1000 / answered:.1f} ms per answered POST "
                "(the database's own CPU not counted)"
            )
        event.refresh_from_db()
        states = dict(
            Registration.objects.unscoped(reason="the load test's event")
            .filter(event=event)
            .order_by()
            .values_list("status")
            .annotate(number=Count("pk"))
        )
        self.stdout.write(f"event {event.pk}: {event.confirmed_count}/{event.seats} confirmed; {states}")
        problems = check_event(event, report)
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"INVARIANT BROKEN: {problem}"))
        if not problems:
            self.stdout.write(self.style.SUCCESS("Invariants hold: no overbooking, counter = confirmed"))
        p95 = report.registrations.percentile(0.95)
        verdict = (
            f"registration p95 {p95:.0f} ms (figure ≤ {FIGURE_P95_MS} ms), "
            f"errors {report.errors} and refusals {report.refused} (figure 0)"
        )
        if p95 <= FIGURE_P95_MS and report.errors == 0 and report.refused == 0:
            self.stdout.write(self.style.SUCCESS(f"Meets the figure: {verdict}"))
        else:
            self.stdout.write(self.style.WARNING(f"Misses the figure: {verdict}"))
        if problems:
            raise CommandError("The event's invariants do not hold.")

    def server_environment(self, database: str, folder: Path) -> dict[str, str]:
        """Production settings on plain HTTP on the loopback address, pointing at `database`."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(("LACZNIK_", "EMAIL_"))}
        db = connections["default"].settings_dict
        if connection.vendor == "postgresql":
            credentials = urllib.parse.quote(db["USER"] or "", safe="")
            if db["PASSWORD"]:
                credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
            where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
            env["DATABASE_URL"] = f"postgres://{credentials}@{where}/{urllib.parse.quote(database)}"
        else:
            env.pop("DATABASE_URL", None)
            env["LACZNIK_SQLITE_PATH"] = database
        env.update(
            DJANGO_SETTINGS_MODULE="lacznik.settings",
            DEBUG="0",
            LACZNIK_HTTPS="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            LACZNIK_VAR_DIR=str(settings.VAR_DIR),
            LACZNIK_LOG_DIR=str(folder / "log"),
            LACZNIK_STATIC_ROOT=str(folder / "static"),
            LACZNIK_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        )
        return env

    def start_server(self, env: dict[str, str], port: int, workers: int, threads: int, log: Path):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn), "lacznik.wsgi", "--bind", f"{HOST}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--timeout", "30", "--error-logfile", str(log),
        ]  # fmt: skip
        server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited with {server.returncode}; see {log}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return server
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop_server(server)
        raise CommandError(f"gunicorn did not answer /healthz within 60 s; see {log}")

    def stop_server(self, server: subprocess.Popen) -> None:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
