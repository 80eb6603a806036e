"""Promo codes (their redemptions belong to subscriptions)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import Plan


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    class Duration(models.TextChoices):
        ONCE = "once", _("First period only")
        REPEATING = "repeating", _("A number of periods")
        FOREVER = "forever", _("Forever")

    code = models.CharField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))],
                                help_text=_("Percent (1-100) or an amount in the plan's currency."))
    duration = models.CharField(_("duration"), max_length=10, choices=Duration.choices, default=Duration.ONCE)
    duration_periods = models.PositiveIntegerField(_("periods"), null=True, blank=True,
                                                   help_text=_("For \"a number of periods\" only."))
    expires_at = models.DateTimeField(_("redeemable until"), null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(_("max redemptions"), null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(_("times redeemed"), default=0, editable=False)
    plans = models.ManyToManyField(Plan, verbose_name=_("only for plans"), blank=True, related_name="+",
                                   help_text=_("Empty: every plan."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A percentage cannot be more than 100.")})
        if self.duration == self.Duration.REPEATING and not self.duration_periods:
            raise ValidationError({"duration_periods": _("Say for how many periods the discount applies.")})
