from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: timedelta | None) -> int:
    """15 for timedelta(minutes=15); for the lockout page's "try again in … minutes"."""
    if not isinstance(value, timedelta):
        return 0
    return max(1, round(value.total_seconds() / 60))
