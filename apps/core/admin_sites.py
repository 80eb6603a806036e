"""The two admin sites, generic: which host each serves and the hooks of its entry policy.

- `ops_admin`: the ops portal on the public host, for HQ staff.
- `tenant_admin`: on each tenant host, for that tenant's staff who may use its admin.
  A session on one host never opens another host's admin: the cookie is host-only,
  sessions live per schema, and entry is re-checked per request.

Every app registers its ModelAdmins here (`from apps.core.admin_sites import ops_admin`).
Who may enter, the second factor, extra pages and the index come from `site.policy`, an
`AdminPolicy` the composition root (apps.site) installs when the apps are ready; this
module imports no other app. Until then the default policy lets nobody in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class AdminPolicy:
    """What an admin site leaves to the composition root. The default lets nobody in."""

    index_template: str | None = None

    def may_enter(self, user) -> bool:
        """Beyond being active on the site's own host: may this account use the site?"""
        return False

    def has_permission(self, request) -> bool:
        """An extra gate per request after `may_enter` (e.g. a second factor passed)."""
        return True

    def second_factor_url(self, request, next_url: str) -> str | None:
        """Where someone who passed the password goes before the site, or None."""
        return None

    def login_refusal(self, request) -> ValidationError | None:
        """Why the login form refused this person, when it is more than "wrong password"."""
        return None

    def urls(self, site) -> list:
        """The site's own pages, before the ModelAdmins' URLs."""
        return []

    def each_context(self, site, request) -> dict:
        return {}

    def index_context(self, site, request) -> dict:
        return {}


class PlatformAdminLoginForm(AdminAuthenticationForm):
    admin_site = None  # set per site

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "no_access": _("This account cannot use this admin site."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = self.admin_site.policy.login_refusal(self.request)
            if refusal is not None:
                raise refusal from None
            raise

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not self.admin_site.may_enter(user):
            raise ValidationError(self.error_messages["no_access"], code="no_access")


class PlatformAdminSite(admin.AdminSite):
    on_public_host: bool  # the ops portal lives on the public host, the tenant admin on tenant hosts

    def __init__(self, name):
        super().__init__(name=name)
        self.policy = AdminPolicy()
        self.login_form = type("LoginForm", (PlatformAdminLoginForm,), {"admin_site": self})

    @property
    def index_template(self):
        return self.policy.index_template

    def may_enter(self, user) -> bool:
        if (connection.schema_name == settings.PUBLIC_SCHEMA_NAME) != self.on_public_host:
            return False
        return user.is_active and self.policy.may_enter(user)

    def has_permission(self, request):
        return self.may_enter(request.user) and self.policy.has_permission(request)

    def login(self, request, extra_context=None):
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        user = request.user
        if request.method != "POST" and user.is_authenticated and self.may_enter(user):
            target = self.policy.second_factor_url(request, next_url)
            if target:
                return redirect(target)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            target = self.policy.second_factor_url(request, next_url)
            if target:
                return redirect(target)
        return response

    def get_urls(self):
        return [*self.policy.urls(self), *super().get_urls()]

    def each_context(self, request):
        return {**super().each_context(request), **self.policy.each_context(self, request)}

    def index(self, request, extra_context=None):
        return super().index(request, {**self.policy.index_context(self, request), **(extra_context or {})})


class OpsAdminSite(PlatformAdminSite):
    on_public_host = True
    site_header = _("Platform ops portal")
    site_title = _("Ops portal")
    index_title = _("Platform operations")


class TenantAdminSite(PlatformAdminSite):
    on_public_host = False
    site_title = _("Workspace admin")
    index_title = _("Workspace administration")


ops_admin = OpsAdminSite(name="ops_admin")
tenant_admin = TenantAdminSite(name="tenant_admin")
