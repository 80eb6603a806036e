from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_labels import labelled_values
from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .models import InboundEvent
from .registry import source_label, type_label
from .services import inbound_retry


@admin.register(InboundEvent, site=ops_admin)
class InboundEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Webhooks the platform received (payments, service market) appear here as they arrive.")
    list_display = ["received_at", "source_label", "event_type_label", "event_id", "status", "attempts",
                    "processed_at"]
    list_filter = ["status", ("source", labelled_values(source_label)), ("event_type", labelled_values(type_label)),
                   ("received_at", DateRangeFilter.titled(_("received at")))]
    search_fields = ["event_id", "event_type", "error"]
    readonly_fields = fields = [{"source": "source_label", "event_type": "event_type_label"}.get(f.name, f.name)
                                for f in InboundEvent._meta.fields]  # the sender and type by label
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
