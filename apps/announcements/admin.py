"""Announcements in the ops portal: written in English and Korean, published (and then
read-only) or withdrawn with the buttons of the change page; who dismissed them is not
shown (it is per person, not news)."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .models import Announcement
from .services import announcement_publish, announcement_withdraw


@admin.register(Announcement, site=ops_admin)
class AnnouncementAdmin(ModelAdmin):
    empty_help = _("Announcements appear at the top of every workspace's admin until they end or each person "
                   "dismisses them. Write one in English and Korean, then publish it.")
    list_display = ["title", "level", "state", "published_at", "ends_at", "emailed_count"]
    list_filter = ["level"]
    search_fields = ["title", "title_ko"]
    fields = ["title", "title_ko", "body", "body_ko", "level", "ends_at", "email_owners"]
    change_form_template = "announcements/admin/change_form.html"

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.withdrawn_at:
            return _("Withdrawn")
        return _("Published") if obj.published_at else _("Draft")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at:  # what the owners read stays what was published
            return [*self.fields, "published_at", "withdrawn_at", "emailed_at", "emailed_count"]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead: the audit keeps what was said

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/publish/", view(self.publish_view), name="announcements_announcement_publish"),
            path("<int:pk>/withdraw/", view(self.withdraw_view), name="announcements_announcement_withdraw"),
        ] + super().get_urls()

    def _act(self, request, pk, service, done):
        announcement = self.get_object(request, str(pk))
        if request.method != "POST" or announcement is None or not self.has_change_permission(request, announcement):
            return redirect(reverse("ops_admin:announcements_announcement_changelist"))
        try:
            service(announcement=announcement, actor=request.user)
            self.message_user(request, done, messages.SUCCESS)
        except PlatformError as error:
            self.message_user(request, error.message, messages.ERROR)
        return redirect(reverse("ops_admin:announcements_announcement_change", args=[pk]))

    def publish_view(self, request, pk):
        return self._act(request, pk, announcement_publish, _("Published: every workspace's admin shows it now."))

    def withdraw_view(self, request, pk):
        return self._act(request, pk, announcement_withdraw, _("Withdrawn: no workspace shows it any more."))


admin_navigation(ops_admin, "platform", model=Announcement, title=_("Announcements"), icon="campaign", order=40)
