"""Identifiers of Polish registers, checked with python-stdnum (NIP, REGON) and by shape (KRS has no
check digit). Each validator takes the compact form (digits only) that Entity stores; `compact_*` makes
it from what people type ("856-734-62-15", "PL8567346215")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip, regon


def compact_nip(value: str) -> str:
    return nip.compact(value) if value else ""


def compact_regon(value: str) -> str:
    return regon.compact(value) if value else ""


def compact_krs(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_nip(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value):
        raise ValidationError(_("A NIP has 10 digits."), code="nip_length")
    if not nip.is_valid(value):
        raise ValidationError(_("This NIP's check digit is wrong (a typo?)."), code="nip_checksum")


def validate_regon(value: str) -> None:
    if not re.fullmatch(r"\d{9}|\d{14}", value):
        raise ValidationError(_("A REGON has 9 or 14 digits."), code="regon_length")
    if not regon.is_valid(value):
        raise ValidationError(_("This REGON's check digit is wrong (a typo?)."), code="regon_checksum")


def validate_krs(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value):
        raise ValidationError(_("A KRS number has 10 digits (with leading zeros)."), code="krs_length")
