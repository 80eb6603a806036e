"""Consumers: the people who buy from a workspace through its API. A consumer is a global
account (apps.accounts.User) with a customer membership in the tenant and a CRM customer
(apps.crm.Customer.user); this app keeps what they agreed to, when and from where."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """One answer to one document (terms, privacy policy, marketing), as given: never
    edited, a change of mind is a new row. The latest row per kind is in force."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of service")
        PRIVACY = "privacy", _("Privacy policy")
        MARKETING = "marketing", _("Marketing messages")

    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="consents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    granted = models.BooleanField(_("agreed"))
    version = models.CharField(_("document version"), max_length=40)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        # Rows are written by the registration and profile services only: staff may read them.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["customer", "kind", "-recorded_at"])]

    def __str__(self):
        return f"{self.customer} · {self.get_kind_display()}"
