"""A URLconf for the field's browser test: the project's URLs plus one page with a form that uses the
CPV code field (the offer forms that will use it belong to the entities app)."""

from django import forms
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from lacznik.cpv.forms import CpvCodeField
from lacznik.urls import urlpatterns as project_urlpatterns

handler403 = "lacznik.core.views.error_403"
handler404 = "lacznik.core.views.error_404"
handler500 = "lacznik.core.views.error_500"

PAGE = """{% extends "base.html" %}{% block title %}Oferta{% endblock %}{% block content %}
<h1>Oferta</h1>
<form method="get">
  <label class="form-label" for="{{ form.cpv.id_for_label }}">{{ form.cpv.label }}</label>
  {{ form.cpv }}
  {% for error in form.cpv.errors %}<p class="text-danger" id="cpv-error">{{ error }}</p>{% endfor %}
  {% if form.is_valid %}<p id="chosen">{{ form.cleaned_data.cpv }}</p>{% endif %}
  <button class="btn btn-primary" type="submit">Zapisz</button>
</form>
{% endblock %}"""


class OfferForm(forms.Form):
    cpv = CpvCodeField(label="Kod CPV oferty")


def offer(request) -> HttpResponse:
    form = OfferForm(request.GET or None)
    return HttpResponse(engines["django"].from_string(PAGE).render({"form": form}, request))


urlpatterns = [*project_urlpatterns, path("oferta-cpv/", offer)]
