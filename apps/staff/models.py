"""Staff of the workspace: a profile per member (the membership itself is public) and
invitations by email."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.DO_NOTHING,
                                db_constraint=False, related_name="+")
    email = models.EmailField(_("email"))
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["email"]

    def __str__(self):
        return self.display_name or self.email


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    roles = models.ManyToManyField("rbac.Role", verbose_name=_("roles"), related_name="+")
    branches = models.ManyToManyField("branches.Branch", verbose_name=_("branches"), blank=True, related_name="+",
                                      help_text=_("Limit the roles to these branches (none: every branch)."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, blank=True,
                                   on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    sent_count = models.PositiveIntegerField(_("times sent"), default=1)
    last_sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(
            fields=["email"], condition=models.Q(status="pending"), name="staff_one_pending_invitation_per_email")]

    def __str__(self):
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()
