"""Personas shared by every test (STYLE.md section 6) and the TERC register when a test needs it."""

import pytest
from django.core.management import call_command

from lacznik.accounts.roles import Role

from .factories import UserFactory, assign

ALL_VOIVODESHIPS = "02,04,06,08,10,12,14,16,18,20,22,24,26,28,30,32"


@pytest.fixture
def terc(db):
    """The bundled TERC 2024 register, imported the way `make run` imports it."""
    call_command("import_terc", verbosity=0)


@pytest.fixture
def national_coordinator(db):
    return assign(UserFactory(email="krajowy@lacznik.example"), Role.NATIONAL_COORDINATOR, ALL_VOIVODESHIPS)


@pytest.fixture
def administrator(db):
    return assign(UserFactory(email="admin@lacznik.example", is_staff=True), Role.ADMINISTRATOR, ALL_VOIVODESHIPS)


@pytest.fixture
def mazowsze_coordinator(db):
    return assign(UserFactory(email="koordynator.14@lacznik.example"), Role.REGIONAL_COORDINATOR, "14")


@pytest.fixture
def warmia_coordinator(db):
    return assign(UserFactory(email="koordynator.28@lacznik.example"), Role.REGIONAL_COORDINATOR, "28")


@pytest.fixture
def advocate_146501(db):
    return assign(UserFactory(email="rzecznik.146501@lacznik.example"), Role.ADVOCATE, "146501")


@pytest.fixture
def owes_advisor(db):
    return assign(UserFactory(email="owes.1461@lacznik.example"), Role.OWES_ADVISOR, "1461,1462")


@pytest.fixture
def cpv_register(db):
    """The bundled CPV 2008 dictionary (9,454 codes), loaded the way `make run` loads it."""
    call_command("import_cpv", verbosity=0)
