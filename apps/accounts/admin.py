from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminRadioSelectWidget

from apps.authz import catalogue
from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from . import services, sessions
from .models import Membership, TokenSession, User


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    fields = ["tenant", "kind", "status", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["tenant"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):  # unfold's look
            self.fields[name].widget = UnfoldAdminPasswordWidget(attrs={"autocomplete": "new-password"})
        if "usable_password" in self.fields:
            self.fields["usable_password"].widget = UnfoldAdminRadioSelectWidget(
                choices=self.fields["usable_password"].choices)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User, site=ops_admin)
class PlatformUserAdmin(UserAdmin, ModelAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["email", "full_name", "is_staff", "is_active", "locked_until", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["public_id", "date_joined", "last_login", "failed_login_count"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        (_("Personal info"), {"fields": ["full_name", "language"]}),
        (_("HQ access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Security"), {"fields": ["failed_login_count", "locked_until", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]
    filter_horizontal = ["groups"]
    privilege_fields = ["is_staff", "is_superuser", "groups"]
    actions = ["end_all_sessions"]

    @admin.action(description=_("End all sessions (log out of every device)"), permissions=["change"])
    def end_all_sessions(self, request, queryset):
        """Every token session of the selected people, on every workspace (apps.accounts.sessions);
        audited per person. Their access tokens run out within 15 minutes."""
        ended = sum(sessions.sessions_end_all(user=user, reason=TokenSession.EndReason.HQ, actor=request.user)
                    for user in queryset)
        self.message_user(request, ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
                          % {"count": ended}, messages.SUCCESS)

    @staticmethod
    def may_grant_privileges(request, obj=None) -> bool:
        """Superusers and HQ masters (auth.change_group) grant HQ access; nobody changes their own."""
        if obj is not None and obj.pk == request.user.pk:
            return False
        return request.user.is_superuser or request.user.has_perm("auth.change_group")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.may_grant_privileges(request, obj):
            fields += [f for f in self.privilege_fields if f not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        if not change and not self.may_grant_privileges(request):
            obj.is_staff = obj.is_superuser = False  # the add form never creates HQ staff for them
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        before = self.get_object(request, unquote(id))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and before is not None:
            after = User.objects.get(pk=before.pk)
            if after.password != before.password and after.has_usable_password():
                services.user_password_changed(user=after, via="admin", actor=request.user)
        return response


@admin.register(Membership, site=ops_admin)
class MembershipAdmin(ModelAdmin):
    list_display = ["user", "tenant", "kind", "status", "created_at"]
    list_filter = ["kind", "status", ("created_at", DateRangeFilter.titled(_("creation date"))),
                   ("tenant", SelectedRelatedFilter)]
    list_select_related = ["user", "tenant"]
    search_fields = ["user__email", "tenant__slug", "tenant__name"]
    autocomplete_fields = ["user", "tenant"]


@admin.register(Group, site=ops_admin)
class HQGroupAdmin(GroupAdmin, ModelAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        """The permissions of the apps the portal shows (not sessions, tokens, schedules),
        plus any the group already holds; each by its label ("Tenants · View")."""
        if db_field.name == "permissions":
            portal_apps = {model._meta.app_label for model in self.admin_site._registry}
            held = Q(group__pk=unquote(request.resolver_match.kwargs.get("object_id") or "0"))
            kwargs["queryset"] = (Permission.objects.filter(Q(content_type__app_label__in=portal_apps) | held)
                                  .select_related("content_type").distinct())
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = catalogue.permission_label
        return field


admin_navigation(ops_admin, "tenants", model=Membership, icon="group", order=50)
admin_navigation(ops_admin, "security", model=User, title=_("Users"), icon="person", order=10)
admin_navigation(ops_admin, "security", model=Group, title=_("HQ groups"), icon="admin_panel_settings", order=20)
