from django.db import models
from django.utils.translation import gettext_lazy as _

from lacznik.core.text import fold


class CpvCodeQuerySet(models.QuerySet):
    def divisions(self) -> "CpvCodeQuerySet":
        return self.filter(level=CpvCode.DIVISION)

    def groups(self) -> "CpvCodeQuerySet":
        return self.filter(level=CpvCode.GROUP)


class CpvCode(models.Model):
    """One code of the CPV 2008 main vocabulary (Regulation (EC) No 213/2008), e.g. 55520000-1.

    The hierarchy is in the digits: a division is the first 2 digits (55000000-0), a group 3, a
    class 4, a category 5 and further digits refine a category. `parent` is the register's own link.
    """

    # The number of significant digits: 2 a division, 3 a group, 4 a class, 5 to 8 a category.
    DIVISION, GROUP, CLASS, CATEGORY = 2, 3, 4, 5

    class Kind(models.TextChoices):
        SUPPLIES = "dostawy", _("supplies")
        SERVICES = "usługi", _("services")
        WORKS = "roboty budowlane", _("works")

    code = models.CharField(_("CPV code"), max_length=10, primary_key=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("name in English"), max_length=400)
    search_name = models.CharField(max_length=400, editable=False)

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="cpv_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def division(self) -> str:
        """The 2-digit division this code belongs to ("55")."""
        return self.code[:2]

    @property
    def group(self) -> str:
        """The 3-digit group this code belongs to ("555")."""
        return self.code[:3]
