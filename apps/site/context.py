"""The host's admin look on the pages a person meets on the way into an admin site.

allauth's account pages (log in, set or reset a password, e-mail verification, MFA) and the
staff invitation are not admin views, yet they should look like the admin login of their
host (templates/account/layout.html, on django-unfold's login layout): on a tenant host the
workspace's name, logo and brand colours, exactly as the tenant admin shows them
(TenantPolicy.each_context, from apps.workspace's branding); on the public host the ops
portal's. This context processor (settings TEMPLATES) hands those pages the context of the
host's admin site.

Cost: nothing for pages that never read it. An admin site's own views bring their context
themselves, so they get nothing from here; elsewhere each value is a callable the template
engine calls only when a template reads it, and the site's context is built at most once
per request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from apps.announcements.selectors import announcements_shown
from apps.core.admin_sites import ops_admin, tenant_admin

SITES = (ops_admin, tenant_admin)
# What unfold's login layout (unfold/layouts/skeleton.html, unauthenticated.html) and our
# account layout read of an admin site's context.
LOOK = (
    "site_title", "site_header", "site_subheader", "site_url", "site_icon", "site_logo", "site_symbol",
    "site_favicons", "styles", "scripts", "colors", "border_radius", "theme", "environment_title_prefix",
    "login_image", "workspace_branding",
)


def host_admin_site(request=None):
    """The admin site of the host serving this request: the ops portal on the public host,
    the tenant admin on a tenant's."""
    on_public_host = connection.schema_name == settings.PUBLIC_SCHEMA_NAME
    return next(site for site in SITES if site.on_public_host == on_public_host)


class _HostLook:
    def __init__(self, request):
        self.request = request
        self._context = None

    def context(self) -> dict:
        if self._context is None:
            site = host_admin_site(self.request)
            self._context = {**site.each_context(self.request), "admin_login_url": _login_url(site)}
        return self._context

    def value(self, key: str):
        return self.context().get(key)

    def signup_open(self) -> bool:
        from allauth.account.adapter import get_adapter

        return bool(get_adapter(self.request).is_open_for_signup(self.request))


def _login_url(site) -> str:
    from django.urls import reverse

    return reverse(f"{site.name}:login")


class _Value:
    """A context value computed when a template first reads it (templates call callables)."""

    def __init__(self, compute, *args):
        self.compute, self.args = compute, args

    def __call__(self):
        return self.compute(*self.args)


def admin_look(request) -> dict:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace in {site.name for site in SITES}:
        return {}  # an admin site's own page: its view gives the site's context
    look = getattr(request, "_admin_look", None)
    if look is None:
        look = request._admin_look = _HostLook(request)
    values = {key: _Value(look.value, key) for key in (*LOOK, "admin_login_url")}
    values["signup_open"] = _Value(look.signup_open)
    return values


def announcements(request):
    """HQ's announcements at the top of every tenant admin page (templates/admin/base.html),
    read only when the page shows them, for a signed-in person on a tenant host."""
    def shown():
        if connection.schema_name == settings.PUBLIC_SCHEMA_NAME or not request.user.is_authenticated:
            return []
        from django.utils.translation import get_language

        language = get_language()
        rows = list(announcements_shown(user=request.user)[:3])
        for row in rows:
            row.title_text, row.body_text = row.title_in(language), row.body_in(language)
        return rows

    return {"platform_announcements": shown}
