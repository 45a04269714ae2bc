"""(being written; see lacznik/events/urls.py.)"""

from lacznik.core.policy import Policy

urlpatterns: list = []
POLICIES: dict[str, Policy] = {}
