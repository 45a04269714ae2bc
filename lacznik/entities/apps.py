from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_search_index(app_config, using="default", **kwargs) -> None:
    from django.db import connections

    from .search import install_index

    install_index(connections[using])


class EntitiesConfig(AppConfig):
    name = "lacznik.entities"
    label = "entities"
    verbose_name = _("Social economy entities (PES)")

    def ready(self) -> None:
        post_migrate.connect(_install_search_index, sender=self, dispatch_uid="entities_search_index")
