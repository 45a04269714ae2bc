"""The second factor of staff roles: a TOTP authenticator app (django-otp), set up once, asked at sign-in.

A code is accepted once: django-otp remembers the last time step used (replay protection) and slows
down guessing after every wrong code (throttling).
"""

from base64 import b32encode

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.core.security_log import log_event

from .models import User


class CodeRefused(Exception):
    """The code was wrong, used already, or came while guessing is being slowed down."""


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device; the same one on every visit, so that a scanned code stays valid."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as inline SVG (no request leaves the page; no style attribute, for the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr-code-image",
        lineclass=None,
        omitsize=True,
        title=_("QR code for the authenticator app"),
    )


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _accept(request: HttpRequest, device: TOTPDevice, action: str) -> None:
    otp_login(request, device)
    # A new session id for the raised privilege, as at sign-in (ASVS 7.2.4).
    request.session.cycle_key()
    log_event("second_factor", outcome="success", request=request, action=action, device=device.persistent_id)


def _refuse(request: HttpRequest, action: str, reason: str) -> None:
    log_event("second_factor", outcome="failure", request=request, action=action, reason=reason)


def _check(request: HttpRequest, device: TOTPDevice, token: str) -> TOTPDevice | None:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return None
    return verify_token(request.user, device.persistent_id, token)


def confirm_setup(request: HttpRequest, device: TOTPDevice, token: str) -> None:
    """Confirm the pending device with its first code and mark the session as verified."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        _refuse(request, "setup", "throttled")
        raise CodeRefused(_("Too many wrong codes. Wait a minute and try again."))
    verified = verify_token(request.user, device.persistent_id, token)
    if verified is None:
        _refuse(request, "setup", "wrong_code")
        raise CodeRefused(_("The code is wrong or was used already. Enter the code the app shows now."))
    verified.confirmed = True
    verified.save(update_fields=["confirmed"])
    # Other half-finished set-ups of this user are of no use any more.
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    _accept(request, verified, "setup")


def verify(request: HttpRequest, token: str) -> None:
    """Check a code against the user's confirmed devices and mark the session as verified."""
    devices = [
        device for device in devices_for_user(request.user, confirmed=True) if isinstance(device, TOTPDevice)
    ]
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        _refuse(request, "verify", "throttled")
        raise CodeRefused(_("Too many wrong codes. Wait a minute and try again."))
    for device in devices:
        verified = _check(request, device, token)
        if verified is not None:
            _accept(request, verified, "verify")
            return
    _refuse(request, "verify", "wrong_code")
    raise CodeRefused(_("The code is wrong or was used already. Enter the code the app shows now."))
