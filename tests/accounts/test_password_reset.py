"""AU-05: password reset by e-mail through the task queue: the same answer for unknown addresses,
a single-use link valid one hour, nothing secret in the log."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from lacznik.accounts import tasks
from tests.factories import TEST_PASSWORD, UserFactory

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "wiosenny deszcz nad Narwią"


@pytest.fixture
def person(db):
    return UserFactory(email="zofia@lacznik.example", first_name="Zofia", last_name="Przykładowa")


def link_in(message) -> str:
    return re.search(r"http://testserver(/konto/haslo/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)


def ask(client, email):
    return client.post(RESET, {"email": email})


def set_password(client, link, password=NEW_PASSWORD):
    response = client.get(link)
    if response.status_code != 302:
        return response
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_reset_page_is_polish_and_accessible(client, db):
    html = client.get(RESET).content.decode()
    assert html.count("<h1") == 1
    assert "Ustaw nowe hasło" in html
    assert 'for="id_email"' in html and 'autocomplete="email"' in html


def test_reset_mail_goes_through_the_task_queue(client, person):
    queued = []

    def record(sender, task_result, **kwargs):
        queued.append((task_result.task.func, task_result.kwargs))

    task_enqueued.connect(record)
    try:
        response = ask(client, "zofia@lacznik.example")
    finally:
        task_enqueued.disconnect(record)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    # The queue gets the user's id, never the link or its token.
    assert queued == [
        (
            tasks.send_password_link.func,
            {"user_id": person.pk, "purpose": "reset", "site_url": "http://testserver", "language": "pl"},
        ),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zofia@lacznik.example"]
    assert message.subject == "Ustawienie nowego hasła w Łączniku"
    assert "Dzień dobry, Zofia Przykładowa," in message.body
    assert "przez 1 godzinę" in message.body
    assert link_in(message)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, person):
    known = ask(client, "zofia@lacznik.example")
    unknown = ask(client, "nieznany@lacznik.example")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1


def test_closed_account_gets_no_mail(client, person):
    person.is_active = False
    person.save()
    assert ask(client, "zofia@lacznik.example").status_code == 302
    assert mail.outbox == []


def test_the_address_is_matched_without_regard_to_case(client, person):
    ask(client, "ZOFIA@lacznik.example")
    assert len(mail.outbox) == 1


def test_the_link_sets_a_new_password_once(client, person, security_log):
    ask(client, "zofia@lacznik.example")
    link = link_in(mail.outbox[0])
    response = set_password(client, link)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # Used once, the link is dead.
    again = set_password(client, link, "inne hasło na jesienne dni")
    assert again.status_code == 200
    assert "Ten link nie działa" in again.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert len(security_log.events("password_reset_requested")) == 1
    assert len(security_log.events("password_reset", "success")) == 1
    assert security_log.events("password_reset", "success")[0]["actor"] == person.pk


def test_the_link_expires_after_one_hour(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(client, "zofia@lacznik.example")
    link = link_in(mail.outbox[0])
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        response = set_password(client, link)
        assert response.status_code == 200
        assert "Ten link nie działa" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


def test_the_link_works_within_the_hour(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(client, "zofia@lacznik.example")
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert set_password(client, link_in(mail.outbox[0])).status_code == 302


def test_a_new_password_must_pass_the_rules(client, person):
    ask(client, "zofia@lacznik.example")
    response = set_password(client, link_in(mail.outbox[0]), "Łącznik2024!")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


def test_a_forged_link_does_not_work(client, person):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "abc-0123456789abcdef"]))
    assert response.status_code == 200
    assert "Ten link nie działa" in response.content.decode()


def test_nothing_secret_reaches_the_log(client, person, security_log):
    ask(client, "zofia@lacznik.example")
    link = link_in(mail.outbox[0])
    set_password(client, link)
    text = "\n".join(security_log.lines)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in text
    assert NEW_PASSWORD not in text and TEST_PASSWORD not in text
    assert "zofia@lacznik.example" not in text


def test_the_mail_in_english_for_an_english_page(client, person, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ask(client, "zofia@lacznik.example")
    assert mail.outbox[0].subject == "Setting a new password in Łącznik"
