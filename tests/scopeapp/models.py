"""A scoped model that exists only in the test suite, to test the scope rule itself."""

from django.db import models

from lacznik.core.scope import ScopedModel


class Parcel(ScopedModel):
    teryt = models.CharField(max_length=7, db_index=True)
    name = models.CharField(max_length=60, blank=True)
    # A record linked to a territorial unit, as later apps link theirs (TERC updates must keep it).
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        app_label = "scopeapp"
