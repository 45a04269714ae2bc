from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CpvConfig(AppConfig):
    name = "lacznik.cpv"
    label = "cpv"
    verbose_name = _("Common Procurement Vocabulary (CPV)")
