"""(being written; see lacznik/advocates/urls.py.)"""

from lacznik.core.policy import Policy

urlpatterns: list = []
POLICIES: dict[str, Policy] = {}
