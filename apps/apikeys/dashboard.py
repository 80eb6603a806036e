"""API keys on the tenant admin's dashboard (apps.core.dashboard), registered by
ApikeysConfig.ready(): the setup step "Connect your other tools", ticked once the
workspace has a key."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import setup_step

from .models import ApiKey


def may_add_keys(request) -> bool:
    return tenant_admin.get_model_admin(ApiKey).has_add_permission(request)


def register() -> None:
    setup_step(tenant_admin, "apikeys.first", _("Connect your other tools"),
               description=_("Create an API key for your website, booking or accounting software."),
               done=lambda request: ApiKey.objects.exists(),
               url=lambda request: reverse("tenant_admin:apikeys_apikey_add"), order=40, permission=may_add_keys)
