"""Notifications in the workspace admin: the message templates (checked when saved, a
preview with the event's example, a test send to oneself), the deliveries (filters, the
reason of a failure, sending failed ones again) and what the sandbox SMS / Kakao provider
recorded. Writes go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin, ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.events.catalogue import event_label, event_type_get, event_types

from . import services
from .audiences import audience_names
from .dispatch import delivery_retry
from .models import Delivery, NotificationTemplate, SandboxMessage

AUDIENCE_LABELS = {"customer": _("The customer"), "owner": _("The owner"), "staff": _("Staff")}


def language_name(code: str) -> str:
    """What a person reads for a language code ("ko": Korean / 한국어); an unknown code as itself."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _event_choices(current: str | None) -> list[tuple[str, str]]:
    choices = [(event_type.name, f"{event_label(event_type.name)} — {event_type.description}")
               for event_type in event_types()]
    if current and event_type_get(current) is None:
        choices.append((current, event_label(current)))
    return choices


class NotificationTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("event"), choices=())
    audience = forms.ChoiceField(label=_("audience"), choices=(),
                                 help_text=NotificationTemplate._meta.get_field("audience").help_text)

    class Meta:
        model = NotificationTemplate
        fields = ["event", "audience", "channel", "language", "subject", "body", "is_marketing", "is_active",
                  "provider_template"]
        help_texts = {"body": _("Jinja: {{ order.number }}, {% if reason %}…{% endif %}, {{ order.total|money }}. "
                                "Only the event's data can be used; the preview shows what it has.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = _event_choices(self.instance.event if self.instance.pk else None)
        self.fields["audience"].choices = [(name, AUDIENCE_LABELS.get(name, name)) for name in audience_names()]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        stored_event = self.instance.event if self.instance.pk else None
        try:
            services.template_validate(known_event=cleaned["event"] != stored_event,
                                       **{name: cleaned.get(name, "") for name in
                                          ("event", "audience", "channel", "language", "subject", "body")})
        except PlatformError as error:
            placed = False
            for field, problems in (error.details or {}).items():
                if field in self.fields:
                    for problem in problems:
                        self.add_error(field, str(problem))
                    placed = True
            if not placed:
                raise forms.ValidationError(str(error.message)) from None
        return cleaned


@admin.register(NotificationTemplate, site=tenant_admin)
class NotificationTemplateAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Templates are the messages your customers and staff receive when something happens: an "
                   "order placed, a payment received. One per event, audience, channel and language.")
    form = NotificationTemplateForm
    list_display = ["event_name", "audience_label", "channel", "language", "subject", "is_marketing", "is_active",
                    "updated_at"]
    list_filter = ["channel", "language", "audience", "is_active", "is_marketing"]
    search_fields = ["event", "subject", "body"]
    readonly_fields = ["preview"]
    actions_detail = ["test_send"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["event", "audience", "channel", "language", "is_active", "is_marketing"]}),
                     (_("Message"), {"fields": ["subject", "body", "provider_template"]})]
        if obj is not None:
            fieldsets.append((_("Preview"), {"fields": ["preview"]}))
        return fieldsets

    @admin.display(description=_("event"), ordering="event")
    def event_name(self, template):
        return event_label(template.event)

    @admin.display(description=_("audience"), ordering="audience")
    def audience_label(self, template):
        return AUDIENCE_LABELS.get(template.audience, template.audience)

    @admin.display(description=_("with the event's example"))
    def preview(self, template):
        if template is None or template.pk is None:
            return "—"
        result = services.template_preview(template=template)
        if result["problem"]:
            return format_html('<p class="text-red-600">{}</p>', result["problem"])
        parts = [format_html("<p><strong>{}</strong></p>", result["subject"]) if result["subject"] else "",
                 format_html('<pre style="white-space:pre-wrap;font-family:inherit">{}</pre>', result["body"])]
        if not result.get("known_event"):
            parts.append(format_html('<p class="text-amber-600">{}</p>', _(
                "No app of this platform publishes this event (yet): the template waits for it.")))
        if result["unknown"]:
            parts.append(format_html('<p class="text-amber-600">{} {}</p>', _(
                "The event's data has no:"), ", ".join(result["unknown"])))
        return format_html_join("", "{}", ((part,) for part in parts if part))

    def has_test_send_permission(self, request, object_id=None):
        # A test send writes (a delivery to oneself): those who may change templates only.
        return self.has_change_permission(request)

    @action(description=_("Send a test to me"), permissions=["test_send"], icon="send")
    def test_send(self, request, object_id):
        template = NotificationTemplate.objects.filter(pk=object_id).first()
        if template is None:
            raise Http404
        change_url = reverse(f"{self.admin_site.name}:notifications_notificationtemplate_change", args=[template.pk])
        if request.method == "POST":
            try:
                address = services.template_test_send(template=template, user=request.user)
            except PlatformError as error:
                messages.error(request, str((error.details.get("body") or [error.message])[0]))
            else:
                messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
                return redirect(change_url)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": template,
                   "title": _("Send a test: %(template)s") % {"template": template}, "change_url": change_url,
                   "address": request.user.email, "channel": template.get_channel_display(),
                   "preview": services.template_preview(template=template)}
        return TemplateResponse(request, "admin/notifications/notificationtemplate/test_send.html", context)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS if name in form.cleaned_data}
        try:
            if change:
                services.template_update(template=NotificationTemplate.objects.get(pk=obj.pk), actor=request.user,
                                         **data)
            else:
                template = services.template_create(actor=request.user, **data)
                obj.pk = template.pk
        except PlatformError as error:  # checked by the form already; a concurrent change may still refuse
            messages.error(request, str(error.message))

    def delete_with_service(self, request, obj):
        services.template_delete(template=obj, actor=request.user)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Delivery.Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Delivery, site=tenant_admin)
class DeliveryAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Every message sent to a customer or staff member is listed here, with its status.")
    list_display = ["created_at", "event_shown", "recipient", "channel", "status_label", "attempts",
                    "next_attempt_at", "last_error_short"]
    list_filter = [StatusFilter, "channel", "audience", ("created_at", DateRangeFilter)]
    search_fields = ["recipient_name", "address", "event_name", "subject"]
    list_select_related = ["template"]
    fields = ["event_shown", "audience_shown", "recipient_name", "address", "channel", "language_shown", "template",
              "is_marketing", "status", "attempts", "next_attempt_at", "sent_at", "failed_at", "last_error",
              "provider_message_id", "subject", "body", "created_at"]
    readonly_fields = fields
    actions = ["retry_failed"]

    @admin.display(description=_("event"), ordering="event_name")
    def event_shown(self, delivery):
        return event_label(delivery.event_name)

    @admin.display(description=_("audience"))
    def audience_shown(self, delivery):
        return AUDIENCE_LABELS.get(delivery.audience, delivery.audience)

    @admin.display(description=_("language"))
    def language_shown(self, delivery):
        return language_name(delivery.language)

    @admin.display(description=_("recipient"), ordering="recipient_name")
    def recipient(self, delivery):
        return delivery.recipient_name or delivery.address

    @display(description=_("status"), ordering="status",
             label={"queued": "info", "retrying": "warning", "sending": "info", "sent": "success",
                    "failed": "danger"})
    def status_label(self, delivery):
        return delivery.status, delivery.get_status_display()

    @admin.display(description=_("reason of the last failure"))
    def last_error_short(self, delivery):
        return (delivery.last_error[:80] + "…") if len(delivery.last_error) > 80 else (delivery.last_error or "—")

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.retry_delivery")

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status=Delivery.Status.FAILED):
            delivery_retry(delivery=delivery, actor=request.user)
            count += 1
        messages.success(request, _("%(count)s deliveries will be sent again.") % {"count": count})


@admin.register(SandboxMessage, site=tenant_admin)
class SandboxMessageAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("While SMS and Kakao messages go to the sandbox, what would have been sent is listed here.")
    list_display = ["created_at", "channel", "to", "text_short", "provider_template"]
    list_filter = ["channel", ("created_at", DateRangeFilter)]
    search_fields = ["to", "text"]
    fields = ["created_at", "channel", "to", "sender", "subject", "text", "provider_template"]
    readonly_fields = fields

    @admin.display(description=_("text"))
    def text_short(self, message):
        return (message.text[:80] + "…") if len(message.text) > 80 else message.text


# Under Settings, next to the workspace's notification channels (apps.workspace).
admin_navigation(tenant_admin, "settings", model=NotificationTemplate, icon="edit_note", order=50)
admin_navigation(tenant_admin, "settings", model=Delivery, icon="outgoing_mail", order=51)
admin_navigation(tenant_admin, "settings", model=SandboxMessage, icon="sms", order=52)
