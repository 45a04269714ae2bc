"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if not settings.EMAIL_HOST:
        problems.append(
            Warning(
                "EMAIL_HOST is not set: e-mail (password reset, confirmations) would only be printed.",
                id="lacznik.W001",
            )
        )
    if not settings.DATABASE_URL:
        problems.append(
            Warning("DATABASE_URL is not set: production runs on PostgreSQL.", id="lacznik.W002")
        )
    if not settings.HTTPS:
        problems.append(Warning("LACZNIK_HTTPS is off in production.", id="lacznik.W003"))
    return problems
