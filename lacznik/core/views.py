from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lacznik.territory.models import Unit

from .history import changes_of, historical_models
from .security_log import log_event

HISTORY_PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.current()
    counts = {
        "voivodeships": units.voivodeships().count(),
        "powiats": units.powiats().count(),
        "gminas": units.gminas().count(),
    }
    return render(request, "core/home.html", {"counts": counts})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"operator": settings.OPERATOR})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_required
@permission_required("accounts.view_change_history", raise_exception=True)
def history(request: HttpRequest) -> HttpResponse:
    models = historical_models()
    label = request.GET.get("model") or next(iter(models))
    if label not in models:
        raise Http404
    historical = models[label]
    records = historical.objects.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(records, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"record": record, "changes": changes_of(record)} for record in page]
    choices = [(key, model.instance_type._meta.verbose_name_plural) for key, model in models.items()]
    return render(
        request, "core/history.html", {"rows": rows, "page": page, "choices": choices, "current": label}
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    log_event("permission_denied", outcome="denied", request=request)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No database, no context processors: the page must render when everything else is broken.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(
        template.render({"request_id": getattr(request, "request_id", "")}), status=500
    )
