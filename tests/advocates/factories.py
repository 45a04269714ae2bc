"""Enrolments and advocates for tests. Units come from the register when the test imported it (`terc`),
or are made on the spot with their parents (territory.policy.unit_sample)."""

from datetime import date

import factory

from lacznik.accounts.roles import Role
from lacznik.advocates.models import Advocate, Enrolment, Stage
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample
from tests.factories import UserFactory, assign


def unit(code: str = "1465011") -> Unit:
    """The gmina (7 digits) or powiat (4 digits) `code`."""
    unit_sample(code if len(code) == 7 else code + "011")
    return Unit.objects.get(code=code)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    class Params:
        code = "1465011"

    unit = factory.LazyAttribute(lambda o: unit(o.code))
    stage = Stage.NOT_CONTACTED
    stage_since = date(2025, 1, 2)


def appoint(enrolment: Enrolment, *, email: str | None = None, appointed_on: date = date(2025, 3, 3)) -> Advocate:
    """An advocate for `enrolment` (set to the appointed stage), with an account holding the advocate
    role in the JST's territory."""
    code = enrolment.teryt[:6] if len(enrolment.teryt) == 7 else enrolment.teryt
    user = assign(UserFactory(email=email or f"rzecznik.{enrolment.teryt}@lacznik.example"), Role.ADVOCATE, code)
    Enrolment.objects.unscoped(reason="test set-up").filter(pk=enrolment.pk).update(stage=Stage.APPOINTED)
    enrolment.refresh_from_db()
    return Advocate.objects.create(enrolment=enrolment, user=user, appointed_on=appointed_on)
