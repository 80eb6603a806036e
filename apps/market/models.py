from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformApiKey(models.Model):
    """A key the service market (or another platform client) uses on /api/v1/platform/.
    Only a SHA-256 of the key is stored; the key itself is shown once, when issued. Its
    scopes say what it may do (HQ chooses them when issuing it)."""

    class Scope(models.TextChoices):
        TENANTS_CREATE = "tenants:create", _("Create tenants (service market)")
        TOKEN_INTROSPECT = "token:introspect", _("Introspect any workspace's tokens")

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    scopes = ArrayField(models.CharField(max_length=40, choices=Scope.choices), verbose_name=_("scopes"),
                        default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("platform API key")
        verbose_name_plural = _("platform API keys")
        ordering = ["-created_at"]
        permissions = [("revoke_platformapikey", _("Can revoke platform API keys"))]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
