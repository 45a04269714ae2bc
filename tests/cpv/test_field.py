"""The CPV code field of offer forms (issue #5 point 4): a CPV 2008 code or a clear refusal."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from lacznik.cpv.forms import CpvCodeField, lookup
from lacznik.cpv.models import CpvCode


class OfferForm(forms.Form):
    cpv = CpvCodeField(label="Kod CPV")


def clean(value: str):
    form = OfferForm({"cpv": value})
    return form.cleaned_data["cpv"] if form.is_valid() else form.errors["cpv"]


def test_a_code_is_accepted_with_or_without_its_check_digit(cpv_register):
    catering = CpvCode.objects.get(code="55520000-1")
    assert clean("55520000-1") == catering
    assert clean("55520000") == catering  # the dictionary supplies the check digit
    assert clean(" 55520000 - 1 ") == catering
    # A code pasted with its name, as the suggestion list and the dictionary's pages show it.
    assert clean("55520000-1 Usługi dostarczania posiłków") == catering
    assert clean("55000000") == CpvCode.objects.get(code="55000000-0")


def test_a_retired_cpv_2003_code_is_refused_as_not_in_cpv_2008(cpv_register):
    # CPV 2003 had division 74 (business services; 74700000 cleaning services). CPV 2008 moved it
    # to divisions 79 and 90 (cleaning: 90910000-9) and has no code starting with 74.
    assert not CpvCode.objects.filter(code__startswith="74").exists()
    for retired in ("74700000-7", "74700000"):
        [message] = clean(retired)
        assert message == (
            f"Kodu {retired} nie ma w słowniku CPV 2008 (rozporządzenie (WE) nr 213/2008) – "
            "to np. kod wycofanego słownika CPV 2003. Wybierz kod z obowiązującego słownika."
        )
    assert clean("90910000-9") == CpvCode.objects.get(code="90910000-9")


def test_a_wrong_check_digit_is_refused_naming_the_right_one(cpv_register):
    [message] = clean("55520000-7")
    assert message == (
        "Cyfra kontrolna w kodzie 55520000-7 jest błędna: w słowniku CPV 2008 jest kod 55520000-1 "
        "(Usługi dostarczania posiłków)."
    )


@pytest.mark.parametrize("garbage", ["posiłki", "5552", "555200001", "55520000-12", "5552000O-1", "-1"])
def test_anything_else_is_refused_with_the_expected_form(db, garbage):
    [message] = clean(garbage)
    assert (
        message == "Wpisz kod CPV: 8 cyfr i cyfrę kontrolną, np. 55520000-1, albo wybierz kod z podpowiedzi."
    )


def test_empty_is_refused_when_required_and_none_when_optional(db):
    assert clean("") == ["Wpisz kod CPV."]
    field = CpvCodeField(required=False)
    assert field.clean("  ") is None


def test_lookup_works_outside_forms(cpv_register):
    assert lookup("85311000").code == "85311000-2"
    with pytest.raises(ValidationError) as refused:
        lookup("99999999-9")
    assert refused.value.code == "not_in_dictionary"


def test_the_widget_is_a_labelled_text_input_with_an_htmx_suggestion_list(cpv_register):
    form = OfferForm(initial={"cpv": CpvCode.objects.get(code="55520000-1")})
    html = str(form["cpv"])
    assert 'type="text" name="cpv" value="55520000-1"' in html and 'id="id_cpv"' in html
    # Without JavaScript it is a plain text input; htmx asks the suggestion endpoint as the user types.
    assert 'hx-get="/cpv/podpowiedzi/?pole=cpv&amp;cel=id_cpv"' in html
    assert 'hx-target="#id_cpv_cpv_list"' in html
    assert 'aria-describedby="id_cpv_cpv_chosen id_cpv_cpv_help"' in html and 'id="id_cpv_cpv_help"' in html
    assert 'id="id_cpv_cpv_status" class="visually-hidden" role="status"' in html
    # The code held is named under the field (a representative sees what "55520000-1" is).
    assert (
        '<p id="id_cpv_cpv_chosen" class="form-text fw-semibold mb-0" data-cpv-chosen-name>Usługi dostarczania posiłków</p>'
        in html
    )
    assert '<script src="/static/cpv/cpv-code-field.js" defer></script>' in html
    assert "<script>" not in html and "hx-on" not in html and "style=" not in html
    assert '<label for="id_cpv">' in str(form["cpv"].label_tag())
    # A bound form shows back what was typed, so a refused value can be corrected.
    assert 'value="74700000-7"' in str(OfferForm({"cpv": "74700000-7"})["cpv"])
