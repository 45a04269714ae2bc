"""The security-event log: one JSON line per event, UTC, with actor, IP, request id and outcome.

Never pass a password, token or session key in `details`; callers pass ids and names of things.
"""

import json
import logging
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from logging.handlers import WatchedFileHandler
from pathlib import Path
from typing import Any

logger = logging.getLogger("lacznik.security")

request_id_var: ContextVar[str] = ContextVar("lacznik_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def log_event(
    event: str,
    *,
    outcome: str,
    request: Any = None,
    actor: Any = None,
    **details: Any,
) -> None:
    """Record one security event: `event` like 'login', `outcome` 'success' / 'failure' / 'denied'."""
    from .http import client_ip

    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    record = {
        "event": event,
        "outcome": outcome,
        "actor": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "ip": client_ip(request) if request is not None else None,
        "path": _loggable_path(request) if request is not None else None,
        "details": details,
    }
    logger.info(event, extra={"security": record})


def _loggable_path(request: Any) -> str:
    """The request path, or its URL pattern when the path carries a secret (a reset token)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and any("token" in name for name in match.kwargs):
        return "/" + match.route
    return request.path


def _clean(value: Any) -> Any:
    # Keep log lines one line each: control characters in user-supplied values are escaped by json,
    # and nothing but plain types gets through.
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
            **_clean(getattr(record, "security", {"event": record.getMessage()})),
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)


class JsonLinesFileHandler(WatchedFileHandler):
    """A file handler that makes its folder first (a fresh clone has no var/log)."""

    def __init__(self, filename: str, **kwargs: Any) -> None:
        Path(filename).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(filename, encoding="utf-8", **kwargs)
