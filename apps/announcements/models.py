from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    """A message from HQ to every workspace: shown at the top of every tenant admin page
    from publication until its end (or until each person dismisses it), optionally
    e-mailed to the owners. Written in English and Korean; each reader sees their language."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    title = models.CharField(_("title (English)"), max_length=150)
    title_ko = models.CharField(_("title (Korean)"), max_length=150)
    body = models.TextField(_("message (English)"), max_length=2000)
    body_ko = models.TextField(_("message (Korean)"), max_length=2000)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    email_owners = models.BooleanField(_("e-mail the owners"), default=False,
                                       help_text=_("Also send it by e-mail to the owner of every active workspace "
                                                   "when it is published."))
    ends_at = models.DateTimeField(_("shown until"), null=True, blank=True,
                                   help_text=_("Leave empty to show it until it is withdrawn."))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    emailed_count = models.PositiveIntegerField(_("e-mails sent"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def title_in(self, language: str | None = None) -> str:
        return self.title_ko if (language or translation.get_language() or "").startswith("ko") else self.title

    def body_in(self, language: str | None = None) -> str:
        return self.body_ko if (language or translation.get_language() or "").startswith("ko") else self.body


class Dismissal(models.Model):
    announcement = models.ForeignKey(Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE,
                                     related_name="dismissals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissal")
        verbose_name_plural = _("dismissals")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_dismissed_once")]

    def __str__(self):
        return f"{self.user_id} dismissed {self.announcement_id}"
