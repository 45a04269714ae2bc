"""The product settings plus what only the test suite needs (a test-only scoped model)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("LACZNIK_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LACZNIK_LOG_DIR", tempfile.mkdtemp(prefix="lacznik-test-log-"))
os.environ.setdefault("LACZNIK_VAR_DIR", tempfile.mkdtemp(prefix="lacznik-test-var-"))

from lacznik.settings import *  # noqa: E402,F403
from lacznik.settings import INSTALLED_APPS, STORAGES  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scopeapp"]
# Tests run tasks at once, in the same transaction as the code that queued them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
STATIC_ROOT = tempfile.mkdtemp(prefix="lacznik-test-static-")

# The SQLite test database is a file, not shared memory: threads then wait for each other's writes as
# they do in production (IMMEDIATE transactions, busy timeout), which the concurrency tests rely on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.mkdtemp(prefix="lacznik-test-db-"), "test.sqlite3")}  # noqa: F405
