"""Fallback only: the services (apps.apikeys.services) call `keys_changed` themselves.
These receivers cover writes that bypass them (a shell, a data fix, a test saving a row),
so that authentication never keeps accepting a key the database revoked. No business
logic here; `QuerySet.update()` sends no signal (the `last_used_at` writes use it on
purpose: they change nothing authentication keeps)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import ApiKey
from .services import keys_changed


def _changed(sender, **kwargs):
    keys_changed()


def connect() -> None:
    """Called once by apps.apikeys.apps.ApikeysConfig.ready."""
    post_save.connect(_changed, sender=ApiKey, dispatch_uid="apikeys.changed.save")
    post_delete.connect(_changed, sender=ApiKey, dispatch_uid="apikeys.changed.delete")
    m2m_changed.connect(_changed, sender=ApiKey.permissions.through, dispatch_uid="apikeys.changed.permissions")
