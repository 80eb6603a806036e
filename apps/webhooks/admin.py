from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.events.catalogue import event_label, event_types

from . import services
from .models import WebhookEndpoint

RECENT_ATTEMPTS = 25
SECRET_PAGE = "admin/webhooks/webhookendpoint/secret_shown.html"


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(label=_("events"), widget=forms.CheckboxSelectMultiple, required=False,
                                       choices=(), help_text=_("None chosen: every event."))

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "uses_workspace_secret"]
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(event_type.name, f"{event_label(event_type.name)} · "
                                                           f"{event_type.description}")
                                         for event_type in event_types()]
        if self.instance.pk:
            self.fields["events"].initial = self.instance.events

    def clean_url(self):
        # The checked URL: the service that saves it does not look the host up again.
        try:
            return services.url_check(self.cleaned_data.get("url", ""))
        except PlatformError as error:
            raise forms.ValidationError(error.message) from None

    def clean_events(self):
        try:
            return services.events_check(self.cleaned_data.get("events") or [])
        except PlatformError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(WebhookEndpoint, site=tenant_admin)
class WebhookEndpointAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Webhooks tell your own systems about what happens here (an order placed, a payment), "
                   "signed so they can check the message came from us.")
    form = WebhookEndpointForm
    list_display = ["url", "description", "event_list", "status", "failing_since", "secret_hint", "created_at"]
    list_filter = [("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["url", "description"]
    actions = ["replay_since_disabled", "rotate_secret", "enable"]
    list_before_template = "webhooks/admin/_workspace_secret.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("secrets")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["url", "description", "events", "uses_workspace_secret"]
        return ["url", "description", "events", "status_text", "disabled_reason", "failing_since", "warned_at",
                "secret_hint", "recent_attempts"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["status_text", "disabled_reason", "failing_since", "warned_at", "secret_hint", "recent_attempts"]

    @display(description=_("events"))
    def event_list(self, endpoint):
        return ", ".join(event_label(name) for name in endpoint.events) if endpoint.events else gettext("Every event")

    @display(description=_("status"), label={"active": "success", "disabled": "danger"})
    def status(self, endpoint):
        if endpoint.is_active:
            return "active", gettext("Active")
        return "disabled", gettext("Disabled since %(when)s") % {
            "when": endpoint.disabled_at.strftime("%Y-%m-%d %H:%M")}

    @display(description=_("status"))
    def status_text(self, endpoint):  # the change page: the words only (the list draws status as a badge)
        return self.status(endpoint)[1]

    @display(description=_("secret"))
    def secret_hint(self, endpoint):
        if endpoint.uses_workspace_secret:
            return gettext("The workspace secret")
        current = [secret for secret in endpoint.secrets.all() if secret.expires_at is None]
        return current[0].hint if current else "—"

    @display(description=_("recent attempts"))
    def recent_attempts(self, endpoint):
        attempts = list(endpoint.attempts.select_related("delivery__event").order_by("-id")[:RECENT_ATTEMPTS])
        if not attempts:
            return gettext("No attempts yet.")
        head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                           gettext("When"), gettext("Event"), gettext("Message"), gettext("HTTP status"),
                           gettext("Latency (ms)"), gettext("Error or response"))
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                                    "<td>{}</td></tr>",
                                ((attempt.attempted_at.strftime("%Y-%m-%d %H:%M:%S"), attempt.delivery.event.name,
                                  attempt.delivery.event.message_id, attempt.status_code or "—", attempt.latency_ms,
                                  (attempt.error or attempt.response_body)[:200]) for attempt in attempts))
        return format_html('<table class="webhook-attempts">{}{}</table>', head, rows)

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        if change:
            services.endpoint_update(endpoint=form.instance, data=data, actor=request.user)
            return
        endpoint, secret = services.endpoint_create(
            url=data["url"], events=data["events"], description=data.get("description", ""),
            uses_workspace_secret=data.get("uses_workspace_secret", False), actor=request.user)
        form.instance.pk = endpoint.pk
        if secret:
            request.webhook_secrets_shown = [(endpoint, secret, None)]

    def response_add(self, request, obj, post_url_continue=None):
        shown = getattr(request, "webhook_secrets_shown", None)
        if shown:  # on the page itself, never in a message that is stored until shown
            return self.secret_page(request, shown)
        return super().response_add(request, obj, post_url_continue)

    def secret_page(self, request, shown) -> TemplateResponse:
        """The new secrets, shown once: [(endpoint, secret, the previous one signs until)]."""
        name = self.admin_site.name
        secrets = [{"url": endpoint.url, "secret": secret, "until": until.strftime("%Y-%m-%d %H:%M UTC") if until
                    else None, "change_url": reverse(f"{name}:webhooks_webhookendpoint_change", args=[endpoint.pk])}
                   for endpoint, secret, until in shown]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "secrets": secrets,
                   "title": gettext("Copy the signing secret now"),
                   "list_url": reverse(f"{name}:webhooks_webhookendpoint_changelist")}
        response = TemplateResponse(request, SECRET_PAGE, context)
        response["Cache-Control"] = "no-store"
        return response

    def delete_with_service(self, request, obj):
        services.endpoint_delete(endpoint=obj, actor=request.user)

    def changelist_view(self, request, extra_context=None):
        context = {}
        if self.has_view_permission(request):
            context = self.workspace_secret_context(request)
        return super().changelist_view(request, {**context, **(extra_context or {})})

    @staticmethod
    def workspace_secret_context(request) -> dict:
        """The workspace's signing secret: in full once, to the owner; then its end only."""
        secret = services.workspace_secret_current()
        if secret is None:
            return {}
        tenant = getattr(request, "tenant", None)
        revealed = None
        if tenant is not None and tenant.owner_id and tenant.owner_id == request.user.pk:
            revealed = services.workspace_secret_reveal(secret=secret)
        return {"workspace_secret": {"hint": secret.hint, "revealed": revealed}}

    @admin.action(description=_("Enable and send again everything since it was disabled"), permissions=["change"])
    def replay_since_disabled(self, request, queryset):
        for endpoint in queryset:
            if endpoint.is_active:
                messages.info(request, gettext("%(url)s is active: nothing to send again.") % {"url": endpoint.url})
                continue
            count = services.endpoint_replay(endpoint=endpoint, actor=request.user)
            messages.success(request, gettext("%(url)s is enabled again; %(count)s messages are sent again.")
                             % {"url": endpoint.url, "count": count})

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        shown = [(endpoint, *services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user))
                 for endpoint in queryset]
        return self.secret_page(request, shown)

    @admin.action(description=_("Enable (without sending missed messages)"), permissions=["change"])
    def enable(self, request, queryset):
        enabled = sum(services.endpoint_enable(endpoint=endpoint, actor=request.user) for endpoint in queryset)
        messages.success(request, gettext("%(count)s endpoints enabled.") % {"count": enabled})


admin_navigation(tenant_admin, "settings", model=WebhookEndpoint, title=_("Webhooks"), icon="webhook", order=25)
