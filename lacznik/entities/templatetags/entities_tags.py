from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lacznik.entities.search import Query, highlight_spans

register = template.Library()


@register.filter
def highlight(text: str, query: Query | None) -> SafeString:
    """`text` with the words that match `query` in <mark>; everything escaped."""
    text = text or ""
    if not query:
        return escape(text)
    return mark_safe(
        "".join(
            f"<mark>{escape(piece)}</mark>" if hit else escape(piece)
            for piece, hit in highlight_spans(text, query)
        )
    )


@register.filter
def snippet(text: str, length: int = 220) -> str:
    """The first `length` characters of `text`, cut at a word."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"
