import pytest

from lacznik.accounts.roles import Role
from tests.factories import UserFactory, assign


@pytest.fixture
def representative(db):
    """A PES representative in the gmina 1465011 (Warszawa's Bemowo would be 146502; any gmina works)."""
    return assign(UserFactory(email="przedstawiciel@lacznik.example"), Role.PES_REPRESENTATIVE, "1465011")
