from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Enrolment(models.Model):
    """A student in a class. Seats are held by pending_payment, active, paused and
    offered enrolments (SEAT_HOLDING); a full class puts newcomers on the waitlist
    (`waitlist_position`), and a freed seat is offered to the first in line until
    `offer_expires_at`. Paying the enrolment's order makes it active."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", pgettext_lazy("enrolment status", "Pending payment")
        ACTIVE = "active", pgettext_lazy("enrolment status", "Active")
        PAUSED = "paused", pgettext_lazy("enrolment status", "Paused")
        WAITLISTED = "waitlisted", pgettext_lazy("enrolment status", "Waitlisted")
        OFFERED = "offered", pgettext_lazy("enrolment status", "Seat offered")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")

    SEAT_HOLDING = (Status.PENDING_PAYMENT, Status.ACTIVE, Status.PAUSED, Status.OFFERED)
    # who is in the room: attendance is taken for them, they hear of cancelled and moved sessions
    ATTENDING = (Status.PENDING_PAYMENT, Status.ACTIVE)

    klass = models.ForeignKey("academy.Class", verbose_name=_("class"), on_delete=models.PROTECT,
                              related_name="enrolments")
    student = models.ForeignKey("crm.Customer", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="enrolments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("enrolment order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("enrolled by"), null=True, blank=True,
                                    on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was withdrawn or paused."))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(pgettext_lazy("enrolment", "withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["klass", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "student"], condition=~Q(status="withdrawn"),
                                    name="academy_enrolment_one_live"),
            models.UniqueConstraint(fields=["klass", "waitlist_position"], condition=Q(status="waitlisted"),
                                    name="academy_enrolment_waitlist_position"),
        ]
        indexes = [models.Index(fields=["klass", "status"])]

    def __str__(self):
        return f"{self.student} · {self.klass}"


class EnrolmentTransition(models.Model):
    """Every status move of an enrolment: who, when, why."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="transitions")
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=20)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment status change")
        verbose_name_plural = _("enrolment status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"
