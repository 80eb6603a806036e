"""The two admin sites, generic: which host each serves and the hooks of its entry policy.

- `ops_admin`: the ops portal on the public host, for HQ staff.
- `tenant_admin`: on each tenant host, for that tenant's staff who may use its admin.
  A session on one host never opens another host's admin: the cookie is host-only,
  sessions live per schema, and entry is re-checked per request.

Every app registers its ModelAdmins here (`from apps.core.admin_sites import ops_admin`)
and places their pages in the site's sidebar (apps.core.admin_navigation).
Who may enter, the second factor, extra pages, the index and per-request looks (the
workspace's brand) come from `site.policy`, an `AdminPolicy` the composition root
(apps.site) installs when the apps are ready; this module imports no other app. Until then
the default policy lets nobody in.

Both sites are django-unfold sites, each with its own settings (`settings_name`:
UNFOLD_OPS, UNFOLD_TENANT); the sidebar comes from the site's navigation registry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm
from unfold.sites import UnfoldAdminSite

from .admin_navigation import Navigation
from .phone import use_national_phone_widgets

use_national_phone_widgets()  # phone numbers in both admins' forms as people write them (010-1234-5678)


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


class PlatformAdminLoginForm(AuthenticationForm):
    admin_site = None  # set per site

    error_messages = {
        **AuthenticationForm.error_messages,
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


class PlatformAdminSite(UnfoldAdminSite):
    on_public_host: bool  # the ops portal lives on the public host, the tenant admin on tenant hosts

    def __init__(self, name):
        super().__init__(name=name)
        self.policy = AdminPolicy()
        self.navigation = Navigation()
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
                response = redirect(target)
            _remember_language(request, response)
        return response

    def get_urls(self):
        return [*self.policy.urls(self), *super().get_urls()]

    def each_context(self, request):
        context = super().each_context(request)
        # unfold's settings leave them empty: the site's own (translated) names
        context["site_title"] = context.get("site_title") or self.site_title
        context["site_header"] = context.get("site_header") or self.site_header
        extra = self.policy.each_context(self, request)
        if "colors" in extra:  # a palette of the policy's (a workspace's brand) over the settings'
            extra["colors"] = {**(context.get("colors") or {}), **extra["colors"]}
        return {**context, **extra}

    def get_sidebar_list(self, request):
        """The sidebar from this site's navigation registry (unfold then adds its per-item
        handling: badges, link callables)."""
        groups = self.navigation.sidebar(self, request)
        for group in groups:
            group["items"] = self._get_navigation_items(request, group["items"])
        return groups

    def index(self, request, extra_context=None):
        return super().index(request, {**self.policy.index_context(self, request), **(extra_context or {})})


def _remember_language(request, response) -> None:
    """After a log-in: the language the person chose before (their account's `language`,
    saved by the language switch) becomes this browser's too."""
    language = getattr(request.user, "language", "")
    if language and language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)


class OpsAdminSite(PlatformAdminSite):
    settings_name = "UNFOLD_OPS"
    on_public_host = True
    site_header = _("Platform ops portal")
    site_title = _("Ops portal")
    index_title = _("Platform operations")


class TenantAdminSite(PlatformAdminSite):
    settings_name = "UNFOLD_TENANT"
    on_public_host = False
    site_title = _("Workspace admin")
    index_title = _("Workspace administration")


ops_admin = OpsAdminSite(name="ops_admin")
tenant_admin = TenantAdminSite(name="tenant_admin")
