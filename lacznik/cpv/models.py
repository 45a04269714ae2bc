from django.db import models
from django.urls import reverse
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
    LEVEL_NAMES = {DIVISION: _("division"), GROUP: _("group"), CLASS: _("class"), CATEGORY: _("category")}

    class Kind(models.TextChoices):
        SUPPLIES = "dostawy", _("supplies")
        SERVICES = "usługi", _("services")
        WORKS = "roboty budowlane", _("works")

    code = models.CharField(_("CPV code"), max_length=10, primary_key=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("name in English"), max_length=400)
    search_name = models.CharField(max_length=400, editable=False)
    # Every form and lemma of every word of the name, folded, with a space at both ends, so that a
    # query word matches whole words in any grammatical form (lacznik.cpv.search).
    search_document = models.TextField(editable=False, default="")

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="cpv_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        from .search import name_document

        self.search_name = fold(self.name)
        self.search_document = name_document(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cpv:code", args=[self.code])

    @property
    def digits(self) -> str:
        """The 8 digits without the check digit ("55520000")."""
        return self.code[:8]

    @property
    def significant_digits(self) -> str:
        """The digits that place the code in the tree ("5552"); the zeros after them only pad."""
        return self.code[: self.level]

    @property
    def level_name(self) -> str:
        return str(self.LEVEL_NAMES[min(self.level, self.CATEGORY)])

    @property
    def division(self) -> str:
        """The 2-digit division this code belongs to ("55")."""
        return self.code[:2]

    @property
    def group(self) -> str:
        """The 3-digit group this code belongs to ("555")."""
        return self.code[:3]


def level_of(digits: str) -> int:
    """Significant digits of an 8-digit CPV number: '55520000' → 4 (a class); a division has 2."""
    return max(CpvCode.DIVISION, len(digits.rstrip("0")))
