from datetime import date

import pytest

from lacznik.advocates.models import Advocate, Enrolment, Stage
from tests.advocates.factories import EnrolmentFactory, appoint


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the code queued for after its commit (the e-mails) at the end
    of the block, as a real commit would; the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def own(advocate_146501):
    """The advocate persona appointed the advocate of Warszawa (1465011). Made without `appoint`,
    which would set the persona's password anew (and so end the session of a test client)."""
    enrolment = EnrolmentFactory(code="1465011")
    Enrolment.objects.unscoped(reason="test set-up").filter(pk=enrolment.pk).update(stage=Stage.APPOINTED)
    return Advocate.objects.create(enrolment=enrolment, user=advocate_146501, appointed_on=date(2025, 3, 3))


@pytest.fixture
def other():
    """The advocate of another gmina of the same voivodeship (1461011, a powiat the OWES advisor serves)."""
    return appoint(EnrolmentFactory(code="1461011"))
