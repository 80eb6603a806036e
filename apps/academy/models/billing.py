"""What students pay for: passes (a number of sessions or a period, bought as catalog
items and used up by attendance) and monthly tuition invoices per active enrolment,
with the academy's own billing rules (one row of AcademySettings per workspace)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _currency():
    return settings.COMMERCE_CURRENCY


class AcademySettings(models.Model):
    """The workspace's billing rules (one row, made on first read)."""

    class RefundRule(models.TextChoices):
        # Korean academy law (학원법 시행령 별표 4): before a third of the pass is used two
        # thirds come back, before half one half, after that nothing.
        STATUTORY = "statutory", _("Academy act: 2/3 before a third is used, 1/2 before half, then nothing")
        PROPORTIONAL = "proportional", _("In proportion to what is left")
        NONE = "none", _("No refunds")

    billing_day = models.PositiveSmallIntegerField(
        _("billing day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("The day of the month each month's tuition is issued (1–28)."))
    due_days = models.PositiveSmallIntegerField(
        _("days to pay"), default=7, validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("Tuition is overdue this many days after it is issued."))
    reminder_every_days = models.PositiveSmallIntegerField(
        _("remind every (days)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)])
    reminders_max = models.PositiveSmallIntegerField(
        _("reminders at most"), default=3, validators=[MaxValueValidator(10)],
        help_text=_("How many overdue reminders a guardian gets for one invoice (0: none)."))
    pass_refund_rule = models.CharField(_("pass refunds"), max_length=20, choices=RefundRule.choices,
                                        default=RefundRule.STATUTORY)
    sibling_coupon = models.ForeignKey(
        "coupons.Coupon", verbose_name=_("sibling discount"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Taken off the monthly tuition of every child but the first of a family (children sharing a "
                    "guardian's phone number) while it is active and valid; its usage limits do not apply."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("billing rules")
        verbose_name_plural = _("billing rules")

    def __str__(self):
        return str(_("Billing rules"))


class PassPlan(models.Model):
    """A catalog item sold as a pass: `sessions` sessions within `valid_days`, or any
    number of sessions for `valid_days` (a period pass), for the classes of `course`
    (any course billed per pass when empty)."""

    class Kind(models.TextChoices):
        COUNT = "count", pgettext_lazy("pass kind", "Number of sessions")
        PERIOD = "period", pgettext_lazy("pass kind", "Period")

    item = models.OneToOneField("catalog.Item", verbose_name=_("catalog item"), on_delete=models.CASCADE,
                                related_name="pass_plan")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNT)
    sessions = models.PositiveSmallIntegerField(_("sessions"), null=True, blank=True,
                                                validators=[MinValueValidator(1), MaxValueValidator(500)])
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"), default=30,
                                                  validators=[MinValueValidator(1), MaxValueValidator(730)])
    course = models.ForeignKey("catalog.Item", verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "course"},
                               help_text=_("Empty: good for every course billed per pass."))

    class Meta:
        verbose_name = _("pass plan")
        verbose_name_plural = _("pass plans")
        ordering = ["item__name", "id"]
        constraints = [models.CheckConstraint(
            condition=(Q(kind="count") & Q(sessions__isnull=False)) | (Q(kind="period") & Q(sessions__isnull=True)),
            name="academy_passplan_kind_sessions")]

    def __str__(self):
        return str(self.item)


class Pass(models.Model):
    """A student's pass: bought through an order (pending payment until it is paid),
    then used by attendance (`sessions_used` of `sessions_total`; a period pass has no
    total) from `valid_from` until `valid_until` (local dates, inclusive)."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", pgettext_lazy("pass status", "Pending payment")
        ACTIVE = "active", pgettext_lazy("pass status", "Active")
        USED_UP = "used_up", pgettext_lazy("pass status", "Used up")
        REFUNDED = "refunded", pgettext_lazy("pass status", "Refunded")
        CANCELLED = "cancelled", pgettext_lazy("pass status", "Cancelled")

    plan = models.ForeignKey(PassPlan, verbose_name=_("pass plan"), on_delete=models.PROTECT, related_name="passes")
    student = models.ForeignKey("crm.Customer", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="passes")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    order = models.ForeignKey("orders.Order", verbose_name=pgettext_lazy("purchase", "order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    sessions_total = models.PositiveSmallIntegerField(_("sessions"), null=True, blank=True)
    sessions_used = models.PositiveSmallIntegerField(_("sessions used"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    price = models.BigIntegerField(_("price"), default=0)
    refunded_amount = models.BigIntegerField(_("refunded"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    bought_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("bought by"), null=True, blank=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was refunded or cancelled."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(sessions_total__isnull=True) | Q(sessions_used__lte=F("sessions_total")),
                                   name="academy_pass_within_sessions"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("price")),
                                   name="academy_pass_refund_within_price"),
        ]
        indexes = [models.Index(fields=["student", "status"])]

    def __str__(self):
        return f"{self.plan} · {self.student}"

    @property
    def sessions_left(self) -> int | None:
        return None if self.sessions_total is None else self.sessions_total - self.sessions_used

    @property
    def is_expired(self) -> bool:
        """Active but past its last day (the workspace's today)."""
        return bool(self.status == self.Status.ACTIVE and self.valid_until and self.valid_until < timezone.localdate())


class PassUse(models.Model):
    """One session a pass paid for: made when attendance is taken (present or late),
    removed when that attendance becomes absent or excused."""

    student_pass = models.ForeignKey(Pass, verbose_name=_("pass"), on_delete=models.CASCADE, related_name="uses")
    attendance = models.OneToOneField("academy.Attendance", verbose_name=_("attendance"), on_delete=models.CASCADE,
                                      related_name="pass_use")
    used_at = models.DateTimeField(_("used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pass use")
        verbose_name_plural = _("pass uses")
        ordering = ["-used_at", "-id"]

    def __str__(self):
        return f"{self.student_pass} · {self.attendance}"


class TuitionInvoice(models.Model):
    """A month's tuition for one enrolment: the course's monthly price less the first
    month's pro-rating and the sibling discount, paid through its order (online through
    the payment provider) or recorded by the front desk (cash, bank transfer)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("tuition status", "Unpaid")
        PAID = "paid", pgettext_lazy("tuition status", "Paid")
        VOID = "void", pgettext_lazy("tuition status", "Void")

    class Method(models.TextChoices):
        ONLINE = "online", _("Online payment")
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")

    enrolment = models.ForeignKey("academy.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT,
                                  related_name="invoices")
    student = models.ForeignKey("crm.Customer", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="+")
    period = models.DateField(_("month"), help_text=_("The first day of the month billed."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    list_amount = models.BigIntegerField(_("monthly tuition"))
    sessions_in_month = models.PositiveSmallIntegerField(_("sessions in the month"), default=0)
    sessions_billed = models.PositiveSmallIntegerField(_("sessions billed"), default=0)
    proration = models.BigIntegerField(_("pro-rating"), default=0)
    sibling_discount = models.BigIntegerField(_("sibling discount"), default=0)
    total = models.BigIntegerField(_("total"))
    order = models.ForeignKey("orders.Order", verbose_name=pgettext_lazy("purchase", "order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("due on"))
    paid_via = models.CharField(_("paid by"), max_length=10, choices=Method.choices, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tuition invoice")
        verbose_name_plural = _("tuition invoices")
        ordering = ["-period", "student__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "period"], name="academy_tuition_once_a_month"),
            models.CheckConstraint(condition=Q(total__gte=0), name="academy_tuition_total_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.student} · {self.period:%Y-%m}"

    @staticmethod
    def overdue(today) -> Q:
        """Unpaid past the due date on `today`."""
        return Q(status=TuitionInvoice.Status.OPEN, due_on__lt=today)

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()
