from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BranchOrdering(models.Model):
    """How a branch takes food orders, and whether it takes them now. One row per branch,
    made with its defaults the first time anyone asks (services.ordering_for)."""

    class PauseReason(models.TextChoices):
        MANUAL = "manual", _("Paused by staff")
        BOARD_OFFLINE = "board_offline", _("No kitchen board connected")

    branch = models.OneToOneField("branches.Branch", verbose_name=_("branch"), on_delete=models.CASCADE,
                                  related_name="+", primary_key=True)
    pickup = models.BooleanField(_("pickup"), default=True)
    delivery = models.BooleanField(pgettext_lazy("fulfilment", "delivery"), default=False)
    min_order_amount = models.BigIntegerField(_("minimum order"), default=0, validators=[MinValueValidator(0)],
                                              help_text=_("Items only, before discounts and fees (won)."))
    delivery_fee = models.BigIntegerField(_("delivery fee"), default=0, validators=[MinValueValidator(0)],
                                          help_text=_("Charged on every delivery when no distance bands are set."))
    # [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}]: the first band the
    # distance falls in; the last band's limit is also the edge of the delivery area.
    delivery_bands = models.JSONField(_("fee by distance"), default=list, blank=True)
    delivery_radius_m = models.PositiveIntegerField(
        _("delivery area (m)"), default=3000, validators=[MinValueValidator(100), MaxValueValidator(50000)],
        help_text=_("How far from the branch it delivers, in metres."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    prep_minutes = models.PositiveSmallIntegerField(
        _("preparation time (min)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("The usual time from acceptance to ready; the kitchen can change it per order."))
    delivery_minutes = models.PositiveSmallIntegerField(
        _("delivery time (min)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(240)])
    accept_within_minutes = models.PositiveSmallIntegerField(
        _("accept within (min)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("An order nobody accepts in this time is rejected and refunded."))
    board_offline_minutes = models.PositiveSmallIntegerField(
        _("pause without a kitchen board after (min)"), default=10, validators=[MaxValueValidator(240)],
        help_text=_("During opening hours, ordering pauses when no kitchen board has been open this long. "
                    "0 turns this off."))
    paused = models.BooleanField(_("ordering paused"), default=False)
    pause_reason = models.CharField(_("why paused"), max_length=20, choices=PauseReason.choices, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    board_seen_at = models.DateTimeField(_("kitchen board last seen"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ordering rules")
        verbose_name_plural = _("ordering rules")
        default_permissions = ("view", "change")  # one row per branch, made with it
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="food_branchordering_location_pair"),
        ]

    def __str__(self):
        return str(self.branch)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None
