"""(import: being written; see lacznik/entities/urls.py.)"""

from lacznik.core.policy import Policy

urlpatterns: list = []
POLICIES: dict[str, Policy] = {}
