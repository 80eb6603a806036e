"""The workspace's own settings (one row per tenant schema): profile, branding, locale,
notification channels."""

from django.core.validators import RegexValidator
from django.db import connection, models
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from apps.workspace.storage import tenant_media_storage

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


def logo_path(instance, filename: str) -> str:
    """Per-tenant folder; a random name so an old logo URL never shows the new one."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"{connection.schema_name}/branding/logo-{get_random_string(12)}.{extension}"


class WorkspaceSettings(models.Model):
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    business_number = models.CharField(_("business registration number"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, storage=tenant_media_storage, blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1d4ed8", validators=[hex_colour])
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#f59e0b", validators=[hex_colour])
    language = models.CharField(_("language"), max_length=10, default="ko",
                                choices=[("ko", _("Korean")), ("en", _("English"))])
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    notify_email = models.BooleanField(_("notify by email"), default=True)
    notify_sms = models.BooleanField(_("notify by SMS"), default=False)
    notify_webhook = models.BooleanField(_("notify by webhook"), default=False)
    notification_email = models.EmailField(_("notification email"), blank=True)
    notification_phone = models.CharField(_("notification phone"), max_length=40, blank=True)
    # Browser front-ends (consumer web apps) allowed to call the workspace API from another
    # origin, one per line; the verified custom domains are allowed too (apps.workspace.cors).
    allowed_origins = models.TextField(
        _("allowed origins (CORS)"), blank=True,
        help_text=_("One origin per line, e.g. https://app.example.com. Browser apps on these origins may call "
                    "the workspace API. Your verified domains are allowed already."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workspace settings")
        verbose_name_plural = _("workspace settings")

    def __str__(self):
        return str(self.display_name or _("Workspace settings"))

    def clean(self):
        from apps.branches.validation import validate_timezone

        validate_timezone(self.timezone, field="timezone")
        from .cors import normalise_origins

        self.allowed_origins = normalise_origins(self.allowed_origins)


from apps.workspace.export.models import DataExport  # noqa: E402,F401  (the app's models, one package per concept)
