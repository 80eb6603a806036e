from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Ticket(models.Model):
    """The kitchen's side of a food order: made when the order reaches the kitchen (paid,
    or taken by staff), with the deadline to accept it, the estimate given to the
    customer and the time of each step. The order's status is the truth; `status` is a
    copy the board filters and sorts by."""

    order = models.OneToOneField("orders.Order", verbose_name=_("order"), on_delete=models.CASCADE,
                                 related_name="+", primary_key=True)
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=30)
    fulfilment = models.CharField(_("fulfilment"), max_length=20)
    released_at = models.DateTimeField(_("sent to the kitchen"))
    accept_by = models.DateTimeField(_("accept by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ready_by = models.DateTimeField(_("ready by (estimate)"), null=True, blank=True)
    cooking_at = models.DateTimeField(_("cooking since"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    out_at = models.DateTimeField(_("out for delivery at"), null=True, blank=True)
    delivered_by = models.DateTimeField(_("delivered by (estimate)"), null=True, blank=True)
    done_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rider"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("kitchen ticket")
        verbose_name_plural = _("kitchen tickets")
        ordering = ["released_at", "order_id"]
        default_permissions = ("view", "change")
        # the kitchen changes tickets (accept .. ready); riders only take them out and deliver
        permissions = [("deliver_ticket", _("Can deliver orders"))]
        indexes = [
            models.Index(fields=["branch", "status"], name="food_ticket_branch_status"),
            # the board's version: the last change of a branch's tickets without reading its history
            models.Index(fields=["branch", "updated_at"], name="food_ticket_branch_changed"),
            models.Index(fields=["accept_by"], condition=Q(status="placed"), name="food_ticket_waiting"),
        ]

    def __str__(self):
        return str(self.order_id)
