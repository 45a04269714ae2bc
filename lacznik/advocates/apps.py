from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocatesConfig(AppConfig):
    name = "lacznik.advocates"
    label = "advocates"
    verbose_name = _("Advocates of social economy")
