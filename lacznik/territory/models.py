from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lacznik.core.text import fold, polish_sort_key


class UnitQuerySet(models.QuerySet):
    def current(self) -> "UnitQuerySet":
        """Units in the register now (not retired by a later TERC file)."""
        return self.filter(valid_to__isnull=True)

    def voivodeships(self) -> "UnitQuerySet":
        return self.filter(level=Unit.Level.VOIVODESHIP)

    def powiats(self) -> "UnitQuerySet":
        return self.filter(level=Unit.Level.POWIAT)

    def gminas(self) -> "UnitQuerySet":
        """Gminas proper (kinds 1, 2, 3), without their parts, districts and delegatury."""
        return self.filter(level=Unit.Level.GMINA, kind__in=Unit.GMINA_KINDS)

    def alphabetical(self) -> list["Unit"]:
        """The units in Polish alphabetical order of their names (a database sorts "Łódzkie" after
        "Zachodniopomorskie")."""
        # Unordered in SQL: ORDER BY code would make SQLite walk every unit by code instead of the
        # level's index.
        return sorted(self.order_by(), key=lambda unit: (polish_sort_key(unit.name), unit.code))

    def display_names(self, codes: Iterable[str] | None = None) -> dict[str, str]:
        """TERYT code → name as people write it (Unit.display), of the given codes or of every unit
        here (read in chunks)."""
        if codes is None:
            rows = self.values_list("code", "name", "level").iterator(chunk_size=2000)
        else:
            # A page's few codes in one query (an iterator is a server-side cursor on PostgreSQL: three
            # round trips and a cursor held past the transaction).
            rows = self.filter(code__in=set(codes)).values_list("code", "name", "level")
        return {code: Unit.display(name, level) for code, name, level in rows}


class Unit(models.Model):
    """One unit of the TERC register: a voivodeship, a powiat or a gmina (or a part of one).

    `code` is the TERYT code as the rest of Łącznik stores it: 2 digits for a voivodeship, 4 for a
    powiat, 7 for a gmina-level unit (WOJ POW GMI RODZ). Units gone from a newer register are kept
    with `valid_to` set, so that every record linked to them keeps its link.
    """

    class Level(models.TextChoices):
        VOIVODESHIP = "voivodeship", _("voivodeship")
        POWIAT = "powiat", _("powiat")
        GMINA = "gmina", _("gmina")

    class Kind(models.TextChoices):
        # The RODZ digit of the TERC register (domain-facts.md).
        URBAN = "1", _("urban gmina")
        RURAL = "2", _("rural gmina")
        URBAN_RURAL = "3", _("urban-rural gmina")
        TOWN_PART = "4", _("town in an urban-rural gmina")
        RURAL_PART = "5", _("rural area in an urban-rural gmina")
        DISTRICT = "8", _("district of the capital city of Warsaw")
        DELEGATURA = "9", _("delegatura")

    GMINA_KINDS = (Kind.URBAN, Kind.RURAL, Kind.URBAN_RURAL)

    code = models.CharField(_("TERYT code"), max_length=7, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level)
    kind = models.CharField(_("kind"), max_length=1, choices=Kind, blank=True)
    name = models.CharField(_("name"), max_length=120)
    name_extra = models.CharField(_("designation in the register"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    valid_from = models.DateField(_("in the register since"))
    valid_to = models.DateField(_("in the register until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The unit that took over when this one left the register (e.g. a change of kind)."),
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["code"]
        permissions = [("import_register", _("Can import a TERC register file"))]
        indexes = [models.Index(fields=["level", "kind"], name="unit_level_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("territory:unit", args=[self.code])

    @property
    def is_gmina(self) -> bool:
        """A gmina proper (what `gminas()` selects), not a part of one, a district or a delegatura."""
        return self.level == self.Level.GMINA and self.kind in self.GMINA_KINDS

    @property
    def display_name(self) -> str:
        return self.display(self.name, self.level)

    @classmethod
    def display(cls, name: str, level: str) -> str:
        """A unit's name as people write it: GUS writes voivodeships in capitals ("MAZOWIECKIE")."""
        return name.lower().capitalize() if level == cls.Level.VOIVODESHIP else name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def is_city_with_powiat_rights(self) -> bool:
        return self.level == self.Level.POWIAT and self.city_with_powiat_rights(self.code)

    @staticmethod
    def city_with_powiat_rights(code: str) -> bool:
        """Whether a TERYT code (4 digits or more) lies in a city with powiat rights: POW 61-99
        (domain-facts.md)."""
        return int(code[2:4]) >= 61

    @classmethod
    def place(cls, code: str, gmina: str, powiat: str, voivodeship: str) -> str:
        """Where the gmina `code` lies, as a sentence writes it ("Pruszków, powiat pruszkowski,
        województwo mazowieckie"); a city with powiat rights is no "powiat Płock" ("Płock, miasto na
        prawach powiatu, województwo mazowieckie")."""
        voivodeship = voivodeship.lower()
        if cls.city_with_powiat_rights(code):
            return gettext("{gmina}, city with powiat rights, voivodeship {voivodeship}").format(
                gmina=gmina, voivodeship=voivodeship
            )
        return gettext("{gmina}, powiat {powiat}, voivodeship {voivodeship}").format(
            gmina=gmina, powiat=powiat, voivodeship=voivodeship
        )


class RegisterImport(models.Model):
    """One import of an official TERC file: which state of the register, from which file, by whom."""

    register_date = models.DateField(_("state of the register"))
    source_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("imported by")
    )
    created = models.PositiveIntegerField(_("units added"), default=0)
    updated = models.PositiveIntegerField(_("units changed"), default=0)
    retired = models.PositiveIntegerField(_("units retired"), default=0)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"TERC {self.register_date:%Y-%m-%d} ({self.source_name})"
