"""The import pages end to end with the test client: upload → check → preview → confirm → result."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from lacznik.core.models import Job
from lacznik.entities import import_files
from lacznik.entities.import_views import import_job_sample
from lacznik.entities.models import Entity

from ..helpers import login_verified
from .factories import cpv
from .import_helpers import counts, csv_file, regon, row, xlsx_file


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(client, data: bytes, name: str = "podmioty.csv"):
    return client.post(reverse("entities:import"), {"file": SimpleUploadedFile(name, data)})


def test_upload_check_preview_confirm(client, terc, mazowsze_coordinator):
    cpv("55520000-1")
    login_verified(client, mazowsze_coordinator)
    page = client.get(reverse("entities:import"))
    assert page.status_code == 200
    assert "forma_prawna" in page.content.decode() and "spoldzielnia-socjalna" in page.content.decode()

    response = upload(client, csv_file([row(1, oferta_nazwa="Obiady", oferta_cpv="55520000-1"), row(2)]))
    check = Job.objects.get(kind=import_files.CHECK_KIND)
    assert response.status_code == 302 and response["Location"] == reverse(
        "entities:import_job", args=[check.pk]
    )
    assert counts() == (0, 0, 0, 0)  # the check writes nothing

    preview = client.get(response["Location"]).content.decode()
    assert "What the import will do" in preview and "Import the file" in preview
    # Each entity of the file with what will happen to it.
    check.refresh_from_db()
    lines = check.result["preview"]
    assert [(line["row"], line["action"], line["offers_new"]) for line in lines] == [
        (2, "new", 1),
        (3, "new", 0),
    ]
    assert (
        "What happens to each entity of the file" in preview and "Spółdzielnia Socjalna Testowa 1" in preview
    )

    confirmed = client.post(reverse("entities:import_job", args=[check.pk]))
    write = Job.objects.get(kind=import_files.WRITE_KIND)
    assert confirmed["Location"] == reverse("entities:import_job", args=[write.pk])
    assert write.status == Job.Status.DONE and write.result["entities_created"] == 2
    assert counts() == (2, 2, 1, 1)
    result = client.get(confirmed["Location"]).content.decode()
    assert "What the import did" in result

    # Confirming twice imports once.
    client.post(reverse("entities:import_job", args=[check.pk]))
    assert Job.objects.filter(kind=import_files.WRITE_KIND).count() == 1
    assert counts() == (2, 2, 1, 1)

    # The upload page leads back to both, newest first.
    page = client.get(reverse("entities:import")).content.decode()
    recent = page.split("Your recent files")[1].split("</table>")[0]
    assert recent.index(reverse("entities:import_job", args=[write.pk])) < recent.index(
        reverse("entities:import_job", args=[check.pk])
    )
    assert "2 new, 0 updated · imported" in recent and "check (CSV)" in recent


def test_a_file_with_problems_lists_them_and_offers_them_as_csv(client, terc, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = upload(client, csv_file([row(1), row(2, nip="5261043820"), row(3, teryt_gminy="2862011")]))
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "nothing will be saved" in page and "Import the file" not in page
    assert "5261043820" in page and "outside your territory" in page
    problems = client.get(reverse("entities:import_problems", args=[Job.objects.get().pk]))
    text = problems.content.decode("utf-8-sig")
    assert problems["Content-Type"].startswith("text/csv")
    assert "3;nip;5261043820;" in text and "4;teryt_gminy;2862011;" in text
    assert client.post(job_url).status_code == 302
    assert not Job.objects.filter(kind=import_files.WRITE_KIND).exists()
    assert counts() == (0, 0, 0, 0)
    recent = client.get(reverse("entities:import")).content.decode().split("Your recent files")[1]
    assert f"{Job.objects.get().result['problem_count']} problems" in recent.split("</table>")[0]
    # A file with problems can never be imported: its rows are not kept.
    assert Job.objects.get().payload == {}


def test_a_check_outdated_by_another_import_says_what_changed(client, terc, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    data = csv_file([row(1), row(2)])
    first = upload(client, data)["Location"]
    second = upload(client, data)["Location"]
    client.post(second)  # the same file, imported through the second check
    assert counts()[0] == 2
    result = client.post(first, follow=True).content.decode()
    # Nothing is added twice, and the page says the check foresaw something else.
    assert counts()[0] == 2
    assert "The register changed between the check and the import" in result
    assert "foresaw 2 new and 0 updated entities" in result


def test_a_check_not_confirmed_in_time_expires_and_keeps_no_rows(client, terc, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    job_url = upload(client, csv_file([row(1), row(2)]))["Location"]
    check = Job.objects.get(kind=import_files.CHECK_KIND)
    assert check.payload["rows"], "a valid check keeps the rows until it is confirmed"
    assert "Import the file by" in client.get(job_url).content.decode()

    # The daily purge leaves a check younger than its time alone...
    assert call_purge() == "Deleted the rows of 0 import check(s) not confirmed in time."
    # ...and deletes the rows of one that waited longer, once.
    Job.objects.filter(pk=check.pk).update(
        finished_at=timezone.now() - timedelta(days=import_files.CHECK_KEPT_DAYS, minutes=1)
    )
    assert call_purge() == "Deleted the rows of 1 import check(s) not confirmed in time."
    assert call_purge() == "Deleted the rows of 0 import check(s) not confirmed in time."
    check.refresh_from_db()
    assert check.payload == {} and check.result["expired"] and check.result["valid"]

    page = client.get(job_url).content.decode()
    assert "This check has expired" in page and "Import the file</button>" not in page
    refused = client.post(job_url, follow=True)
    assert "This check has expired; send the file again." in refused.content.decode()
    assert not Job.objects.filter(kind=import_files.WRITE_KIND).exists()
    assert counts() == (0, 0, 0, 0)


def test_a_confirmed_check_is_not_expired_by_the_purge(client, terc, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    job_url = upload(client, csv_file([row(1)]))["Location"]
    client.post(job_url)
    Job.objects.update(finished_at=timezone.now() - timedelta(days=30))
    assert call_purge() == "Deleted the rows of 0 import check(s) not confirmed in time."
    assert "This file was imported" in client.get(job_url).content.decode()


def test_a_check_or_import_never_finished_fails_and_keeps_no_rows(client, terc, mazowsze_coordinator):
    # The background worker stopped: a large file's check waits, another's import stopped running.
    login_verified(client, mazowsze_coordinator)
    waiting, running, recent = (
        Job.objects.create(
            kind=kind, created_by=mazowsze_coordinator, total=600, payload={"rows": [["x"]]}, status=status
        )
        for kind, status in (
            (import_files.CHECK_KIND, Job.Status.QUEUED),
            (import_files.WRITE_KIND, Job.Status.RUNNING),
            (import_files.CHECK_KIND, Job.Status.QUEUED),
        )
    )
    Job.objects.exclude(pk=recent.pk).update(
        created_at=timezone.now() - timedelta(days=import_files.CHECK_KEPT_DAYS, minutes=1)
    )
    assert (
        call_purge(lines=2)
        == f"Failed 2 check(s) or import(s) unfinished after {import_files.CHECK_KEPT_DAYS} days."
    )
    assert call_purge(lines=2).startswith("Failed 0 ")
    for job in (waiting, running):
        job.refresh_from_db()
        assert (job.status, job.payload) == (Job.Status.FAILED, {})
        page = client.get(reverse("entities:import_job", args=[job.pk])).content.decode()
        assert "without being processed; nothing was written" in page
    recent.refresh_from_db()
    assert recent.status == Job.Status.QUEUED and recent.payload


def call_purge(lines: int = 1) -> str:
    """The purge's report: its first line (the expired checks) or, with lines=2, the second."""
    out = io.StringIO()
    call_command("purge_import_checks", stdout=out)
    return out.getvalue().strip().splitlines()[lines - 1]


def test_a_file_refused_as_a_whole_shows_why_on_the_upload_page(client, db, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = upload(client, b"nazwa;nip\r\nFundacja;5261043821\r\n")
    assert response.status_code == 200
    page = response.content.decode()
    assert "A required column is missing from the header." in page and "forma_prawna" in page
    assert not Job.objects.exists()


def test_a_50_mb_upload_is_refused_by_the_limit(client, db, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = upload(client, b"x" * (50 * 1024 * 1024))
    assert response.status_code == 200
    assert "larger than 20 MB" in response.content.decode()
    assert not Job.objects.exists()


def test_a_large_file_runs_as_a_background_job(client, terc, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    rows = [row(n, regon=regon(n)) for n in range(1, import_files.INLINE_ROWS + 2)]
    response = upload(client, xlsx_file(rows), name="duzy.xlsx")
    check = Job.objects.get()
    # The test settings run tasks at once; in production the worker does, and the page polls.
    assert (check.status, check.done, check.total) == (Job.Status.DONE, len(rows), len(rows))
    client.post(response["Location"])
    assert Entity.objects.unscoped(reason="test").count() == len(rows)


def test_the_progress_partial_polls_while_the_job_runs(client, db, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    job = Job.objects.create(kind=import_files.WRITE_KIND, created_by=mazowsze_coordinator, total=2000)
    job.move_to(Job.Status.RUNNING)
    job.report_progress(500)
    url = reverse("entities:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "500 of 2000 rows processed" in page and "Refresh the page" in page
    partial = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in partial.content.decode() and "<html" not in partial.content.decode()
    # Every row checked again: the page says the one transaction is being written, not "2000 of 2000".
    job.report_progress(2000)
    page = client.get(url).content.decode()
    assert "saving them in one transaction" in page and "2000 of 2000" not in page
    job.move_to(Job.Status.DONE, result={"valid": True, "rows": 2000})
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_another_coordinators_job_is_not_found(client, db, mazowsze_coordinator, warmia_coordinator):
    sample = import_job_sample("1465011")
    login_verified(client, warmia_coordinator)
    assert client.get(reverse("entities:import_job", args=[sample.kwargs["pk"]])).status_code == 404
    assert client.post(reverse("entities:import_job", args=[sample.kwargs["pk"]])).status_code == 404
    assert client.get(reverse("entities:import_problems", args=[sample.kwargs["pk"]])).status_code == 404
    assert not Job.objects.filter(kind=import_files.WRITE_KIND).exists()


@pytest.mark.parametrize("url_name", ["entities:import", "entities:import_template"])
def test_only_regional_coordinators_may_import(client, db, owes_advisor, national_coordinator, url_name):
    login_verified(client, owes_advisor)
    assert client.get(reverse(url_name)).status_code == 403
    login_verified(client, national_coordinator)
    assert client.get(reverse(url_name)).status_code == 403
    client.logout()
    assert reverse("accounts:login") in client.get(reverse(url_name))["Location"]


def test_the_xlsx_template_downloads(client, db, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = client.get(reverse("entities:import_template"))
    assert response.status_code == 200
    parsed = import_files.parse_file(response.content)
    assert parsed.columns == import_files.COLUMN_NAMES
