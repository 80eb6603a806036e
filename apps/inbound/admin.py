from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .models import InboundEvent
from .services import inbound_retry


@admin.register(InboundEvent, site=ops_admin)
class InboundEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["received_at", "source", "event_type", "event_id", "status", "attempts", "processed_at"]
    list_filter = ["status", "source", "event_type"]
    search_fields = ["event_id", "event_type", "error"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in InboundEvent._meta.fields]
    actions = ["retry"]


    def has_retry_permission(self, request):
        return request.user.has_perm("inbound.retry_inboundevent")

    @admin.action(description=_("Retry failed events"), permissions=["retry"])
    def retry(self, request, queryset):
        for event in queryset:
            try:
                inbound_retry(event=event, actor=request.user)
                self.message_user(request, _("Event %(id)s queued again.") % {"id": event.event_id})
            except PlatformError as exc:
                self.message_user(request, f"{event.event_id}: {exc.message}", messages.ERROR)


admin_navigation(ops_admin, "platform", model=InboundEvent, title=_("Inbound webhooks"), icon="webhook", order=60)
