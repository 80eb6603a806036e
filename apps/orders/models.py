"""Orders, reservations and enrolments: lines that snapshot the item, options and prices
at order time, per-workspace sequential numbers, a status on a flow of the shared state
machine (apps.orders.flows) with every move recorded, and the payment position that
apps.payments reports through this app's services."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _currency():
    return settings.COMMERCE_CURRENCY


class OrderNumber(models.Model):
    """The workspace's last order number (one row). Taken with UPDATE ... RETURNING in the
    order's transaction: numbers are sequential without gaps."""

    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order number")
        default_permissions = ()

    def __str__(self):
        return str(self.last)


class Order(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", _("Order")
        RESERVATION = "reservation", _("Reservation")
        ENROLMENT = "enrolment", _("Enrolment")
        TUITION = "tuition", _("Tuition")

    class Fulfilment(models.TextChoices):
        PICKUP = "pickup", _("Pickup")
        DELIVERY = "delivery", _("Delivery")
        DINE_IN = "dine_in", _("Dine-in")
        ON_SITE = "on_site", _("On site")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDER)
    # Which flow of the shared state machine the status follows ("standard", "food", ...)
    # and its current state; labels come from the flow registry (apps.orders.flows).
    flow = models.CharField(_("flow"), max_length=30, default="standard")
    status = models.CharField(_("status"), max_length=30, default="placed", db_index=True)
    payment_status = models.CharField(_("payment"), max_length=20, choices=PaymentStatus.choices,
                                      default=PaymentStatus.UNPAID, db_index=True)
    fulfilment = models.CharField(_("fulfilment"), max_length=20, choices=Fulfilment.choices,
                                  default=Fulfilment.PICKUP)
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, blank=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    delivery = models.JSONField(_("delivery details"), default=dict, blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True,
                                         help_text=_("A reservation's date and time."))
    party_size = models.PositiveSmallIntegerField(_("party size"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    subtotal = models.BigIntegerField(_("subtotal"), default=0)
    discount_total = models.BigIntegerField(_("discount"), default=0)
    fee_total = models.BigIntegerField(_("fees"), default=0)
    # The fees behind fee_total: [{"code": "delivery", "amount": 3000, "vat_rate": "10"}].
    fees = models.JSONField(_("fee details"), default=list, blank=True)
    total = models.BigIntegerField(_("total"), default=0, validators=[MinValueValidator(0)])
    vat_total = models.BigIntegerField(_("VAT included"), default=0)
    coupon_code = models.CharField(_("coupon"), max_length=40, blank=True)
    paid_amount = models.BigIntegerField(_("paid"), default=0)
    refunded_amount = models.BigIntegerField(_("refunded"), default=0)
    # Idempotency-Key of the request that created it, per caller, with a fingerprint of
    # the body: the same key and body return this order, another body is refused.
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, blank=True)
    idempotency_scope = models.CharField(max_length=80, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        permissions = [("refund_order", _("Can refund orders"))]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                    condition=~Q(idempotency_key=""), name="orders_order_idempotency_unique"),
            models.CheckConstraint(condition=Q(refunded_amount__lte=F("paid_amount")),
                                   name="orders_order_refund_within_paid"),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self):
        return f"#{self.number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("catalog.Item", verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    item_name = models.CharField(_("item"), max_length=200)
    item_kind = models.CharField(_("kind"), max_length=20)
    options = models.JSONField(_("options"), default=list, blank=True,
                               help_text=_("The chosen options as they were at order time."))
    unit_price = models.BigIntegerField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    discount = models.BigIntegerField(_("discount"), default=0)
    line_total = models.BigIntegerField(_("total"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.quantity} × {self.item_name}"


class OrderTransition(models.Model):
    """Every status move: who, when, why."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"
