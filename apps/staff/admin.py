from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.phone import phone_column
from apps.rbac.admin_scoping import request_access
from apps.rbac.models import RoleAssignment

from . import selectors, services
from .models import Invitation, StaffProfile


@admin.register(StaffProfile, site=tenant_admin)
class StaffProfileAdmin(ModelAdmin):
    empty_help = _("Your team: everyone who works in this workspace. Invited people appear once they accept.")
    list_display = ["email", "display_name", phone_column(StaffProfile), "roles", "is_active", "joined_at"]
    list_filter = ["is_active"]
    search_fields = ["email", "display_name", "phone"]
    fields = ["email", "display_name", "phone", "is_active", "joined_at", "deactivated_at"]
    readonly_fields = ["email", "is_active", "joined_at", "deactivated_at"]
    actions = ["deactivate", "reactivate"]

    def get_queryset(self, request):
        # Role names (with branch limits) in the same query: no per-row lookups.
        from django.contrib.postgres.aggregates import StringAgg
        from django.db.models import OuterRef, Subquery


        roles = (RoleAssignment.objects.filter(user_id=OuterRef("user_id")).values("user_id")
                 .annotate(names=StringAgg("role__name", ", ", order_by="role__name")).values("names"))
        return selectors.staff_list(access=request_access(request)).annotate(role_names=Subquery(roles))

    @admin.display(description=_("roles"))
    def roles(self, profile):
        from django.utils.translation import gettext

        return ", ".join(gettext(name) for name in (profile.role_names or "").split(", ") if name)

    def has_add_permission(self, request):
        return False  # staff join through invitations

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead

    def save_model(self, request, obj, form, change):
        services.staff_update(profile=StaffProfile.objects.get(pk=obj.pk), actor=request.user,
                              display_name=obj.display_name, phone=obj.phone)

    def _run(self, request, queryset, service, done):
        count = 0
        for profile in queryset:
            try:
                service(profile=profile, actor=request.user)
                count += 1
            except PlatformError as error:
                messages.error(request, f"{profile}: {error.message}")
        if count:
            messages.success(request, done % {"count": count})

    @admin.action(description=_("Deactivate selected staff"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._run(request, queryset, services.staff_deactivate, _("%(count)s staff members deactivated."))

    @admin.action(description=_("Reactivate selected staff"), permissions=["change"])
    def reactivate(self, request, queryset):
        self._run(request, queryset, services.staff_reactivate, _("%(count)s staff members reactivated."))


@admin.register(Invitation, site=tenant_admin)
class InvitationAdmin(ModelAdmin):
    empty_help = _("Invite colleagues by e-mail: they set a password from the link and join with the roles you pick.")
    list_display = ["email", "full_name", "status_label", "expires_at", "sent_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "roles", "branches"]
    filter_horizontal = ["roles", "branches"]
    actions = ["resend", "revoke"]

    def get_queryset(self, request):
        return selectors.invitation_list()

    @admin.display(description=_("status"))
    def status_label(self, invitation):
        return _("Expired") if invitation.is_expired else invitation.get_status_display()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw (revoke) instead: the record stays

    def save_model(self, request, obj, form, change):
        self._created = form.cleaned_data

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        try:
            invitation, _url = services.invitation_create(
                email=data["email"], full_name=data.get("full_name", ""), roles=list(data["roles"]),
                branches=list(data.get("branches") or []), actor=request.user, actor_access=request_access(request))
        except PlatformError as error:
            messages.error(request, error.message)
            raise _Abort() from error
        form.instance.pk = invitation.pk
        messages.info(request, _("The invitation link was sent to %(email)s.") % {"email": invitation.email})

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _Abort:
            from django.shortcuts import redirect

            return redirect(request.path)

    @admin.action(description=_("Resend selected invitations (new link)"), permissions=["change"])
    def resend(self, request, queryset):
        for invitation in queryset:
            try:
                services.invitation_resend(invitation=invitation, actor=request.user)
                messages.info(request, _("A new invitation link was sent to %(email)s.") % {"email": invitation.email})
            except PlatformError as error:
                messages.error(request, f"{invitation.email}: {error.message}")

    @admin.action(description=_("Withdraw selected invitations"), permissions=["change"])
    def revoke(self, request, queryset):
        for invitation in queryset:
            try:
                services.invitation_revoke(invitation=invitation, actor=request.user)
            except PlatformError as error:
                messages.error(request, f"{invitation.email}: {error.message}")


class _Abort(Exception):
    pass


admin_navigation(tenant_admin, "team", model=StaffProfile, icon="badge", order=10)
admin_navigation(tenant_admin, "team", model=Invitation, icon="forward_to_inbox", order=20)
