"""The two admin sites.

- `ops_admin`: the ops portal on the public host, for HQ staff (is_staff and an HQ group).
- `tenant_admin`: on each tenant host, for that tenant's staff whose roles grant
  `rbac.access_admin`. A session on one host never opens another host's admin: the
  cookie is host-only, sessions live per schema, and entry is re-checked per request.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from apps.accounts.hq import HQ_GROUPS
from apps.accounts.services import InvalidCredentials


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
            refused = getattr(self.request, "login_refused", None)
            if refused is not None and not isinstance(refused, InvalidCredentials):
                raise ValidationError(refused.message, code=refused.code) from None
            raise

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not self.admin_site.may_enter(user):
            raise ValidationError(self.error_messages["no_access"], code="no_access")


class PlatformAdminSite(admin.AdminSite):
    def __init__(self, name):
        super().__init__(name=name)
        self.login_form = type("LoginForm", (PlatformAdminLoginForm,), {"admin_site": self})

    def may_enter(self, user) -> bool:
        raise NotImplementedError

    def has_permission(self, request):
        return self.may_enter(request.user)


class OpsAdminSite(PlatformAdminSite):
    site_header = _("Platform ops portal")
    site_title = _("Ops portal")
    index_title = _("Platform operations")

    def may_enter(self, user) -> bool:
        if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
            return False
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if not hasattr(user, "_hq_member"):
            user._hq_member = user.groups.filter(name__in=HQ_GROUPS).exists()
        return user._hq_member

    # HQ staff pass TOTP (apps.accounts.mfa) after the password before any portal page.
    index_template = "ops/dashboard.html"

    def has_permission(self, request):
        from apps.accounts.mfa import mfa_passed

        return super().has_permission(request) and mfa_passed(request)

    def login(self, request, extra_context=None):
        from urllib.parse import quote

        from django.shortcuts import redirect
        from django.urls import reverse

        from apps.accounts.mfa import mfa_passed

        next_url = request.POST.get("next") or request.GET.get("next") or ""
        to_mfa = reverse("ops_admin:mfa") + (f"?next={quote(next_url)}" if next_url else "")
        user = request.user
        if request.method != "POST" and user.is_authenticated and self.may_enter(user) and not mfa_passed(request):
            return redirect(to_mfa)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302 and not mfa_passed(request):
            return redirect(to_mfa)
        return response

    def get_urls(self):
        from django.urls import path

        from apps.accounts import mfa
        from apps.ops import views

        return [
            path("mfa/", mfa.verify_view(self), name="mfa"),
            path("mfa/setup/", mfa.setup_view(self), name="mfa_setup"),
            path("onboarding/", self.admin_view(views.onboarding_board_view(self)), name="onboarding_board"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from apps.ops.dashboard import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})


class TenantAdminSite(PlatformAdminSite):
    site_title = _("Workspace admin")
    index_title = _("Workspace administration")

    def may_enter(self, user) -> bool:
        if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
            return False
        return user.is_active and user.has_perm("rbac.access_admin")

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public:
            from apps.workspace.services import workspace_branding

            branding = workspace_branding(tenant=tenant)
            context["site_header"] = branding["name"]
            context["site_title"] = branding["name"]
            context["workspace_branding"] = branding
        return context


ops_admin = OpsAdminSite(name="ops_admin")
tenant_admin = TenantAdminSite(name="tenant_admin")
