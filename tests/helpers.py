"""Small helpers shared by tests of every app."""

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_verified(client: Client, user) -> Client:
    """Sign `user` in with a confirmed second factor, as a staff role is after the TOTP step."""
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
