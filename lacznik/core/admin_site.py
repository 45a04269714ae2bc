from django.conf import settings
from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminSite


class LacznikAdminSite(OTPAdminSite):
    """The admin requires a confirmed second factor, except in development with the skip setting."""

    site_header = site_title = "Łącznik — administracja"
    index_title = "Rejestry, konta i ustawienia"

    def has_permission(self, request) -> bool:
        if settings.SKIP_SECOND_FACTOR:
            return AdminSite.has_permission(self, request)
        return super().has_permission(request)
