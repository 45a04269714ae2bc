"""Events and registrations for tests: a published event in Mazowieckie whose registration is open."""

from datetime import timedelta

import factory
from django.utils import timezone

from lacznik.events.models import Event, EventKind, TargetGroup


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    teryt = "14"
    kind = EventKind.TRAINING
    title = factory.Sequence(lambda n: f"Szkolenie przykładowe nr {n}")
    description = "Szkolenie z zamówień społecznie odpowiedzialnych (dane przykładowe)."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    venue = "ul. Przykładowa 1, 00-001 Warszawa"
    seats = 20
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    eligible_groups = factory.LazyFunction(lambda: list(TargetGroup.values))
    status = Event.Status.PUBLISHED


def person(number: int, **changes) -> dict:
    """What a person gives when registering (only the fields every event asks)."""
    return {
        "email": f"uczestnik{number}@przyklad.example",
        "first_name": "Uczestnik",
        "last_name": f"Przykładowy-{number}",
        "target_group": TargetGroup.JST_STAFF,
        **changes,
    }


CONSENT = "Zgadzam się na przetwarzanie moich danych w celu rekrutacji (tekst przykładowy)."
