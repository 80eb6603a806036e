"""The audit actions apps.webhooks writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "webhook_endpoint.created": pgettext_lazy("audit action", "Webhook endpoint created"),
        "webhook_endpoint.updated": pgettext_lazy("audit action", "Webhook endpoint changed"),
        "webhook_endpoint.deleted": pgettext_lazy("audit action", "Webhook endpoint deleted"),
        "webhook_endpoint.secret_rotated": pgettext_lazy("audit action", "Webhook signing secret rotated"),
        "webhook_endpoint.disabled": pgettext_lazy("audit action", "Webhook endpoint disabled"),
        "webhook_endpoint.enabled": pgettext_lazy("audit action", "Webhook endpoint enabled"),
        "webhook_endpoint.replayed": pgettext_lazy("audit action", "Webhook messages sent again"),
        "webhook_secret.issued": pgettext_lazy("audit action", "Workspace webhook signing secret issued"),
        "webhook_secret.rotated": pgettext_lazy("audit action", "Workspace webhook signing secret rotated"),
    })
