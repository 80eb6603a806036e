from django.db import models
from django.utils.translation import gettext_lazy as _


class MenuPeriod(models.Model):
    """Hours some items are served in (breakfast 07:00-10:30, lunch specials). An item in
    no period can be ordered whenever its branch is open; an item in periods only while
    one of them is."""

    name = models.CharField(_("name"), max_length=80)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    hours = models.JSONField(
        _("hours"), default=dict, blank=True,
        help_text=_('Per weekday, a list of "HH:MM-HH:MM" ranges, e.g. {"mon": ["07:00-10:30"]}.'))
    items = models.ManyToManyField("catalog.Item", verbose_name=_("items"), blank=True, related_name="+",
                                   limit_choices_to={"kind": "menu_item"})
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("menu hours")
        verbose_name_plural = _("menu hours")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from apps.branches.validation import validate_opening_hours

        try:
            self.hours = validate_opening_hours(self.hours)
        except ValidationError as exc:
            raise ValidationError({"hours": exc.message_dict["opening_hours"]}) from None
