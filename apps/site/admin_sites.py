"""Who enters the two admin sites of apps.core.admin_sites, and what they add: installed
on `ops_admin` and `tenant_admin` by SiteConfig.ready().

- ops portal: active staff in an HQ group (apps.accounts.hq; superusers too), who then pass
  TOTP (apps.accounts.mfa) before any portal page; its landing page is the ops dashboard,
  with the onboarding board next to it (apps.ops), what workspaces failed to send
  (apps.site.outbound) and the finance figures (apps.site.finance).
- tenant admin: that tenant's staff whose roles grant `rbac.access_admin`, under the
  workspace's own name, logo and colours (apps.workspace; the palette and the text colour
  on the brand colour: apps.site.theme); its home is the dashboard the apps fill
  (apps.core.dashboard).
Both sidebars' sections: apps.site.navigation.
"""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.dataclasses import Favicon

from apps.accounts import mfa
from apps.accounts.errors import InvalidCredentials
from apps.accounts.hq import HQ_GROUPS
from apps.core.admin_sites import AdminPolicy
from apps.core.dashboard import dashboard_cards
from apps.ops import views as ops_views
from apps.ops.dashboard import dashboard_context
from apps.workspace.services import workspace_branding

from .finance import finance_context
from .outbound import outbound_problems
from .theme import brand_theme, initial_icon


class PlatformPolicy(AdminPolicy):
    def login_refusal(self, request) -> ValidationError | None:
        """A locked account (and any refusal but a wrong password) says so on the form."""
        refused = getattr(request, "login_refused", None)  # set by apps.accounts.backends
        if refused is not None and not isinstance(refused, InvalidCredentials):
            return ValidationError(refused.message, code=refused.code)
        return None


class OpsPolicy(PlatformPolicy):
    index_template = "ops/dashboard.html"

    def may_enter(self, user) -> bool:
        if not user.is_staff:
            return False
        if user.is_superuser:
            return True
        if not hasattr(user, "_hq_member"):
            user._hq_member = user.groups.filter(name__in=HQ_GROUPS).exists()
        return user._hq_member

    def has_permission(self, request) -> bool:
        return mfa.mfa_passed(request)

    def second_factor_url(self, request, next_url: str) -> str | None:
        if mfa.mfa_passed(request):
            return None
        return reverse("ops_admin:mfa") + (f"?next={quote(next_url)}" if next_url else "")

    def urls(self, site) -> list:
        return [
            path("mfa/", mfa.verify_view(site), name="mfa"),
            path("mfa/setup/", mfa.setup_view(site), name="mfa_setup"),
            path("onboarding/", site.admin_view(ops_views.onboarding_board_view(site)), name="onboarding_board"),
        ]

    def index_context(self, site, request) -> dict:
        return {**dashboard_context(request), "outbound": outbound_problems(), "finance": finance_context(request)}


class TenantPolicy(PlatformPolicy):
    def may_enter(self, user) -> bool:
        return user.has_perm("rbac.access_admin")

    def each_context(self, site, request) -> dict:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_public:
            return {}
        branding = workspace_branding(tenant=tenant)
        theme = brand_theme(branding["primary"])
        initial = (branding["name"] or "?")[:1].upper()
        return {
            "site_header": branding["name"], "site_title": branding["name"], "site_subheader": "",
            "workspace_branding": {**branding, "on_primary": theme["on_primary"], "initial": initial},
            "colors": {"primary": theme["palette"]},
            "site_icon": branding["logo"] or None,
            "site_favicons": [Favicon(href=branding["logo"] or initial_icon(initial, theme), rel="icon")],
        }

    def index_context(self, site, request) -> dict:
        """The home page: the dashboard's cards (apps.core.dashboard; each app registers its
        own), then shortcuts to the sidebar's sections (admin/index.html)."""
        return {"title": _("Dashboard"), "dashboard_cards": dashboard_cards(site, request)}
