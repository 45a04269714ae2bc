"""The security-event log never carries a secret from the address bar (ASVS 14.2.1, 16.2.5)."""

import json
import logging

from django.test import RequestFactory
from django.urls import resolve

from lacznik.core.security_log import JsonLineFormatter, log_event


def test_a_reset_token_in_the_path_is_logged_as_the_url_pattern(db, caplog):
    path = "/konto/haslo/reset/MQ/c0ffee-5ecret7oken/"
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    with caplog.at_level(logging.INFO, logger="lacznik.security"):
        log_event("password_reset_link_opened", outcome="success", request=request)
    line = JsonLineFormatter().format(caplog.records[-1])
    assert "5ecret7oken" not in line
    assert json.loads(line)["path"] == "/konto/haslo/reset/<uidb64>/<token>/"


def test_an_ordinary_path_is_logged_as_it_is(db, caplog):
    request = RequestFactory().get("/teryt/1465/")
    request.resolver_match = resolve("/teryt/1465/")
    with caplog.at_level(logging.INFO, logger="lacznik.security"):
        log_event("permission_denied", outcome="denied", request=request)
    record = json.loads(JsonLineFormatter().format(caplog.records[-1]))
    assert record["path"] == "/teryt/1465/" and record["outcome"] == "denied" and record["time"].endswith("+00:00")
