"""Onboarding a tenant that waits for approval: a checklist (from an HQ-editable
template) and an approval chain sales -> security -> technical -> activation."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalizedTitle:
    @property
    def display_title(self) -> str:
        return self.title_ko if (get_language() or "").startswith("ko") and self.title_ko else self.title


AFTER_ACTIVATION_HELP = _("Done once the workspace exists (e.g. importing data into it); not needed to activate.")


class ChecklistTemplateItem(LocalizedTitle, models.Model):
    key = models.SlugField(_("key"), max_length=40, unique=True)
    title = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    after_activation = models.BooleanField(_("after activation"), default=False, help_text=AFTER_ACTIVATION_HELP)
    is_active = models.BooleanField(_("in use"), default=True,
                                    help_text=_("New onboardings get the items in use."))

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template")
        ordering = ["sort_order", "key"]

    def __str__(self):
        return self.display_title


class ChecklistItem(LocalizedTitle, models.Model):
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="checklist")
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    after_activation = models.BooleanField(_("after activation"), default=False, help_text=AFTER_ACTIVATION_HELP)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["tenant", "sort_order", "key"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="onboarding_checklist_unique")]

    def __str__(self):
        return f"{self.tenant.slug}: {self.display_title}"


class ApprovalStep(models.Model):
    class Stage(models.TextChoices):
        SALES = "sales", _("Sales")
        SECURITY = "security", _("Security")
        TECHNICAL = "technical", _("Technical")
        ACTIVATION = "activation", _("Activation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ORDER = [Stage.SALES, Stage.SECURITY, Stage.TECHNICAL, Stage.ACTIVATION]

    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="approval_steps")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["tenant", "position"]
        constraints = [models.UniqueConstraint(fields=["tenant", "stage"], name="onboarding_step_unique")]
        permissions = [("decide_approvalstep", _("Can approve or reject onboarding steps"))]

    def __str__(self):
        return f"{self.tenant.slug}: {self.get_stage_display()}"


class StepComment(models.Model):
    step = models.ForeignKey(ApprovalStep, verbose_name=_("step"), on_delete=models.CASCADE,
                             related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:50]
