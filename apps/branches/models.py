from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Branch(models.Model):
    """A place where the business operates (a campus, a restaurant)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)  # E.164; national numbers read as Korean
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True,
        help_text=_('Per weekday, a list of "HH:MM-HH:MM" ranges, e.g. {"mon": ["09:00-18:00"]}.'))
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from .validation import validate_opening_hours, validate_timezone

        validate_timezone(self.timezone, field="timezone")
        self.opening_hours = validate_opening_hours(self.opening_hours)
