"""Every message of every app has a Polish translation (STYLE.md section 7)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

def is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return len(entry.msgstr_plural) == 3 and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


APPS_WITH_LOCALE = sorted(path.parent.name for path in Path(settings.PACKAGE_DIR).glob("*/locale"))


def test_every_app_with_templates_or_messages_has_a_polish_catalogue():
    assert {"core", "accounts", "territory"} <= set(APPS_WITH_LOCALE)


@pytest.mark.parametrize("app", APPS_WITH_LOCALE)
def test_polish_catalogue_translates_every_message_in_the_code(app, tmp_path):
    # Extract the messages afresh from a copy of the app and compare with the committed catalogue.
    copy = tmp_path / app
    shutil.copytree(Path(settings.PACKAGE_DIR) / app, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "pl", "--no-location"],
        cwd=copy, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tests.settings",
             "PYTHONPATH": str(Path(settings.BASE_DIR))},
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(copy / "locale/pl/LC_MESSAGES/django.po"))
    committed = polib.pofile(str(Path(settings.PACKAGE_DIR) / app / "locale/pl/LC_MESSAGES/django.po"))
    translated = {(entry.msgctxt, entry.msgid): entry for entry in committed if is_translated(entry)}
    missing = [entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in translated]
    assert not missing, f"{app}: no Polish translation for {missing}"


@pytest.mark.parametrize("app", APPS_WITH_LOCALE)
def test_plural_messages_have_the_three_polish_forms(app):
    committed = polib.pofile(str(Path(settings.PACKAGE_DIR) / app / "locale/pl/LC_MESSAGES/django.po"))
    assert "nplurals=3" in committed.metadata.get("Plural-Forms", "")
    for entry in committed:
        if entry.msgid_plural:
            assert len([form for form in entry.msgstr_plural.values() if form]) == 3, entry.msgid
