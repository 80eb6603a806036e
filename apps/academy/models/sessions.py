from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Session(models.Model):
    """One meeting of a class. `planned_start` is the slot the schedule gave it (what
    generation keys on, so a moved or cancelled session is never made again);
    `starts_at` / `ends_at` are when it actually meets."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")

    klass = models.ForeignKey("academy.Class", verbose_name=_("class"), on_delete=models.CASCADE,
                              related_name="sessions")
    planned_start = models.DateTimeField(_("planned start"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("class session", "cancelled at"), null=True, blank=True)
    substitute_teacher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("substitute teacher"), null=True,
                                           blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                           related_name="+")
    # What students type at the kiosk; only looked up around the session's time.
    check_in_code = models.CharField(_("check-in code"), max_length=8, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("class session", "session")
        verbose_name_plural = pgettext_lazy("class session", "sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "planned_start"], name="academy_session_one_per_slot"),
            models.UniqueConstraint(fields=["klass", "starts_at"], name="academy_session_one_per_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="academy_session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.klass} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """Whether a student came to a session, taken by staff or at the kiosk."""

    class Status(models.TextChoices):
        PRESENT = "present", pgettext_lazy("attendance status", "Present")
        LATE = "late", pgettext_lazy("attendance status", "Late")
        ABSENT = "absent", pgettext_lazy("attendance status", "Absent")
        EXCUSED = "excused", pgettext_lazy("attendance status", "Excused")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        KIOSK = "kiosk", _("Kiosk")

    session = models.ForeignKey(Session, verbose_name=pgettext_lazy("class session", "session"),
                                on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey("academy.Enrolment", verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="attendance")
    student = models.ForeignKey("crm.Customer", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    source = models.CharField(_("taken at"), max_length=10, choices=Source.choices, default=Source.STAFF)
    note = models.CharField(_("note"), max_length=200, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "student__name", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="academy_attendance_once")]

    def __str__(self):
        return f"{self.student} {self.get_status_display()}"
