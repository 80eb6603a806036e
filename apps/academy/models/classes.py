from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_DURATION_MINUTES = 720


class CourseDetails(models.Model):
    """The academy's side of a catalog item of kind `course` (its name, price and VAT stay
    on the item: enrolments are orders of it)."""

    class Billing(models.TextChoices):
        MONTHLY = "monthly", _("Per month")
        PASS = "pass", _("Per pass")

    item = models.OneToOneField("catalog.Item", verbose_name=_("course"), on_delete=models.CASCADE,
                                related_name="course_details", limit_choices_to={"kind": "course"})
    subject = models.CharField(pgettext_lazy("course", "subject"), max_length=80)
    level = models.CharField(pgettext_lazy("course", "level"), max_length=40, blank=True)
    billing = models.CharField(_("billing"), max_length=10, choices=Billing.choices, default=Billing.MONTHLY)

    class Meta:
        verbose_name = _("course details")
        verbose_name_plural = _("course details")

    def __str__(self):
        return f"{self.subject} {self.level}".strip()


class Class(models.Model):
    """A course taught by a teacher at a branch, in a room, every week on `weekdays` at
    `start_time` (the branch's local time) for `duration_minutes`, from `starts_on`
    until `ends_on` (open-ended when empty)."""

    course = models.ForeignKey("catalog.Item", verbose_name=_("course"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.DO_NOTHING,
                                db_constraint=False, related_name="+")
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT,
                               related_name="+")
    room = models.CharField(_("room"), max_length=60, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    weekdays = ArrayField(models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
                          verbose_name=_("weekdays"), help_text=_("0 is Monday, 6 is Sunday."))
    start_time = models.TimeField(_("start time"), help_text=_("In the branch's time zone."))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive classes get no new sessions and take no enrolments."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="academy_class_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="academy_class_capacity_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                                   name="academy_class_duration_range"),
        ]
        indexes = [models.Index(fields=["branch", "room"])]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A day the academy is closed (a date in each branch's own time zone): no sessions."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
